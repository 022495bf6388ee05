//! Helpers shared by the signing tests and benchmarks: a typeset demo agreement, identities.
#![allow(dead_code)]

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use steward_clauses::check::{self, sample_parties};
use steward_clauses::{DraftInput, Library, Template, assemble, shipped};
use steward_sign::{KeyKind, SecretKey, SignRequest, Subject, keys};

pub fn demo_document(kind: &str) -> steward_clauses::Document {
    demo_document_with(kind, true)
}

/// The demo agreement of `kind`, with a party name in Japanese script when `cjk`.
pub fn demo_document_with(kind: &str, cjk: bool) -> steward_clauses::Document {
    let checked = check::check(&shipped::template_files(), &[]);
    let mut lib = Library::new();
    let (mut kv, mut pins) = (String::new(), BTreeMap::new());
    for (file, t) in checked.templates {
        let (is_kind, id) = (matches!(t, Template::Kind(_)), t.id().to_string());
        let hash = lib.add(&file, t).expect("adds");
        if is_kind {
            if id == kind {
                kv = hash;
            }
        } else {
            pins.insert(id, hash);
        }
    }
    let mut set: BTreeMap<String, Json> =
        serde_json::from_str(shipped::demo_values(kind).expect("demo")).expect("json");
    set.retain(|k, _| !k.starts_with('@'));
    let names = [("Northmoor", "Sampletown"), ("Kaminokawa Tech", "Sample Tech"), ("Ferrant", "Sample Industries")];
    for v in set.values_mut() {
        if let Json::String(s) = v {
            if let Some((_, n)) = names.iter().find(|(o, _)| o == s) {
                *s = n.to_string();
            }
        }
    }
    set.insert("university_names".into(), serde_json::json!(["Sampletown", "Sample Tech"]));
    if kind != "collaboration" {
        set.remove("university_names");
    }
    let mut parties = sample_parties();
    if cjk {
        parties[1].legal_name = "上ノ川科学技術大学 (Kaminokawa Institute of Science and Technology)".into();
    }
    let input = DraftInput {
        kind_version: kv,
        title: None,
        pins,
        previous: BTreeMap::new(),
        set,
        fallbacks: BTreeMap::new(),
        parties,
        flags: BTreeSet::new(),
    };
    let (spec, _) = assemble::prepare(&lib, &input).unwrap_or_else(|p| panic!("{p:?}"));
    assemble::render(&lib, &spec).expect("renders")
}

pub fn identity(name: &str, org: &str, kind: KeyKind) -> (SecretKey, Vec<u8>) {
    let key = SecretKey::generate(kind).expect("key");
    let who = Subject {
        name: name.into(),
        email: format!("{}@example.org", name.split(' ').next().unwrap_or("x").to_lowercase()),
        organisation: Some(org.into()),
    };
    let cert = keys::self_signed_certificate(&key, &who, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"), 5)
        .expect("cert");
    (key, cert)
}

pub fn tool(name: &str) -> bool {
    let ok = Command::new(name).arg("--help").output().is_ok();
    if !ok && std::env::var("STEWARD_REQUIRE_TOOLS").is_ok() {
        panic!("{name} is required (apt-get install poppler-utils qpdf)");
    }
    ok
}

pub fn request(name: &str, org: &str, place: Option<(usize, [f32; 4])>) -> SignRequest {
    SignRequest {
        name: name.into(),
        organisation: Some(org.into()),
        email: None,
        time: chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
        place,
        reason: Some("Agreed".into()),
    }
}
