//! The shipped library, checked and assembled as a user would meet it.

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use steward_clauses::check;
use steward_clauses::values::PartyInfo;
use steward_clauses::{DraftInput, Library, Template, assemble, shipped};

fn demo_parties() -> Vec<PartyInfo> {
    let p =
        |id, legal: &str, short: &str, kind: &str, role: &str, reg: &str, addr: &str, c: &str, cn: &str| PartyInfo {
            id,
            legal_name: legal.into(),
            short_name: Some(short.into()),
            kind: kind.into(),
            role: role.into(),
            registration_number: Some(reg.into()),
            address: Some(addr.into()),
            country: c.into(),
            country_name: cn.into(),
        };
    vec![
        p(
            1,
            "The University of Northmoor",
            "Northmoor",
            "university",
            "lead",
            "RC000871",
            "Registry Building, Castle Hill, Northmoor NM1 4QT, United Kingdom",
            "GB",
            "United Kingdom",
        ),
        p(
            2,
            "Kaminokawa Institute of Science and Technology",
            "Kaminokawa Tech",
            "university",
            "partner",
            "7010005003271",
            "2-12-1 Ookayama-minami, Kaminokawa, Tochigi 329-0611, Japan",
            "JP",
            "Japan",
        ),
        p(
            3,
            "Ferrant Cryogenics GmbH",
            "Ferrant",
            "company",
            "partner",
            "HRB 214739",
            "Werkstraße 18, 01109 Dresden, Germany",
            "DE",
            "Germany",
        ),
    ]
}

struct Shipped {
    lib: Library,
    kinds: BTreeMap<String, String>,
    pins: BTreeMap<String, String>,
}

fn shipped_library() -> Shipped {
    let checked = check::check(&shipped::template_files(), &[]);
    assert!(
        checked.errors.is_empty(),
        "the shipped library has problems:\n{}",
        checked.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
    );
    let mut lib = Library::new();
    let mut kinds = BTreeMap::new();
    let mut pins = BTreeMap::new();
    for (file, t) in checked.templates {
        let is_kind = matches!(t, Template::Kind(_));
        let id = t.id().to_string();
        let hash = lib.add(&file, t).expect("adds");
        if is_kind {
            kinds.insert(id, hash)
        } else {
            pins.insert(id, hash)
        };
    }
    Shipped { lib, kinds, pins }
}

fn demo_input(s: &Shipped, kind: &str) -> DraftInput {
    let vals: BTreeMap<String, Json> =
        serde_json::from_str(shipped::demo_values(kind).expect("demo values")).expect("demo JSON");
    DraftInput {
        kind_version: s.kinds[kind].clone(),
        title: None,
        pins: s.pins.clone(),
        previous: BTreeMap::new(),
        set: vals.into_iter().filter(|(k, _)| !k.starts_with('@')).collect(),
        fallbacks: BTreeMap::new(),
        parties: demo_parties(),
        flags: BTreeSet::new(),
    }
}

#[test]
fn shipped_library_passes_its_own_check() {
    let s = shipped_library();
    assert_eq!(s.kinds.len(), 4);
    assert!(s.pins.len() >= 40, "{} clauses", s.pins.len());
}

#[test]
fn every_kind_assembles_from_its_demo_values() {
    let s = shipped_library();
    for kind in ["nda-mutual", "nda-one-way", "publication", "collaboration"] {
        let input = demo_input(&s, kind);
        let (spec, _) = assemble::prepare(&s.lib, &input)
            .unwrap_or_else(|p| panic!("{kind}: {}", p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")));
        let doc = assemble::render(&s.lib, &spec).unwrap_or_else(|e| panic!("{kind}: {e}"));
        let text = doc.to_text();
        std::fs::create_dir_all("../../target/rendered").ok();
        std::fs::write(format!("../../target/rendered/{kind}.txt"), &text).ok();
        assert!(!text.contains("{{") && !text.contains('\u{E000}'), "{kind}: unrendered markup");
    }
}
