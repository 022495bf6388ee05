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
        ..Default::default()
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

fn render_with(s: &Shipped, kind: &str, extra: &[(&str, &str)]) -> steward_clauses::Document {
    let mut input = demo_input(s, kind);
    for (k, v) in extra {
        input.set.insert(k.to_string(), Json::String(v.to_string()));
    }
    let (spec, _) = assemble::prepare(&s.lib, &input).unwrap_or_else(|p| panic!("{kind}: {p:?}"));
    assemble::render(&s.lib, &spec).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

#[test]
fn snapshots_of_every_kind() {
    let s = shipped_library();
    for kind in ["nda-mutual", "nda-one-way", "publication", "collaboration"] {
        let doc = render_with(&s, kind, &[]);
        insta::assert_snapshot!(format!("kind-{kind}"), doc.to_text());
    }
}

#[test]
fn snapshots_of_every_ownership_model() {
    let s = shipped_library();
    for model in ["1", "2", "3", "4", "5", "joint"] {
        let doc = render_with(&s, "collaboration", &[("ownership_model", model)]);
        let owners: Vec<_> = doc.sections.iter().filter(|sec| sec.clause_id.starts_with("collab.ownership-")).collect();
        assert_eq!(owners.len(), 1, "model {model}: exactly one ownership clause");
        assert_eq!(owners[0].clause_id, format!("collab.ownership-{model}"));
        let text: String =
            owners[0].blocks.iter().map(|b| format!("{} {}\n", b.number.clone().unwrap_or_default(), b.text)).collect();
        insta::assert_snapshot!(
            format!("ownership-model-{model}"),
            format!("{}. {}\n{text}", owners[0].number, owners[0].title)
        );
    }
}

/// DOMAIN.md's list for each kind, as the clause ids that carry it.
#[test]
fn every_kind_has_every_clause_the_domain_requires() {
    let s = shipped_library();
    let need: &[(&str, &[&str])] = &[
        (
            "nda-mutual",
            &[
                "nda.purpose",
                "nda.confidential-information",
                "nda.exclusions",
                "nda.obligations",
                "nda.academic-freedom",
                "nda.export-control",
                "nda.term",
                "nda.return-destruction",
                "nda.no-licence-no-warranty",
                "nda.remedies",
                "common.governing-law",
                "common.counterparts",
            ],
        ),
        (
            "nda-one-way",
            &[
                "nda.purpose",
                "nda.confidential-information",
                "nda.exclusions",
                "nda.obligations",
                "nda.academic-freedom",
                "nda.export-control",
                "nda.term",
                "nda.return-destruction",
                "nda.no-licence-no-warranty",
                "nda.remedies",
                "common.governing-law",
                "common.counterparts",
            ],
        ),
        (
            "publication",
            &[
                "pub.right-to-publish",
                "pub.notice",
                "pub.response",
                "pub.patent-delay",
                "pub.confidential-removal",
                "pub.thesis",
                "pub.authorship",
                "pub.open-access",
                "pub.publicity",
            ],
        ),
        (
            "collaboration",
            &[
                "common.definitions",
                "collab.project",
                "collab.governance",
                "collab.contributions",
                "collab.background",
                "collab.ownership-2",
                "collab.licences",
                "collab.exploitation",
                "pub.right-to-publish",
                "pub.notice",
                "collab.confidentiality",
                "collab.data-protection",
                "collab.export-control",
                "collab.tr-audit",
                "collab.tr-suspension",
                "collab.ethics",
                "collab.liability",
                "collab.insurance",
                "collab.force-majeure",
                "collab.term-termination",
                "collab.exit",
                "collab.disputes",
                "common.governing-law",
                "common.counterparts",
            ],
        ),
    ];
    for (kind, ids) in need {
        let doc = render_with(&s, kind, &[]);
        let present: BTreeSet<&str> = doc.sections.iter().map(|s| s.clause_id.as_str()).collect();
        for id in *ids {
            assert!(present.contains(id), "{kind} lacks {id}");
        }
        // Numbered 1, 2, 3 ... with sub-clauses n.1, n.2 ...
        for (i, sec) in doc.sections.iter().enumerate() {
            assert_eq!(sec.number, (i + 1).to_string());
            assert!(
                sec.blocks
                    .iter()
                    .filter_map(|b| b.number.as_deref())
                    .all(|n| n.starts_with(&format!("{}.", sec.number))),
                "{kind} {}",
                sec.clause_id
            );
        }
        let text = doc.to_text();
        let date = doc.date.clone().expect("dated");
        assert!(
            date.ends_with(" 2026") && text.contains(&format!("dated {date}")),
            "{kind}: the date is filled: {date}"
        );
        assert!(text.contains("THE UNIVERSITY OF NORTHMOOR"), "{kind}: party names are filled");
    }
    let collab = render_with(&s, "collaboration", &[]);
    assert_eq!(
        collab.schedules.iter().map(|s| s.number.as_str()).collect::<Vec<_>>(),
        ["Schedule 1", "Schedule 2", "Schedule 3"]
    );
    assert_eq!(collab.parties.len(), 3);
}

#[test]
fn answers_switch_clauses() {
    let s = shipped_library();
    let without = render_with(&s, "collaboration", &[("sensitive_research", "no")]);
    assert!(!without.sections.iter().any(|s| s.clause_id == "collab.tr-audit"));
    let mut input = demo_input(&s, "collaboration");
    input.set.insert("sensitive_research".into(), Json::String("no".into()));
    input.flags.insert("trusted_research".into());
    let (spec, _) = assemble::prepare(&s.lib, &input).expect("valid");
    let flagged = assemble::render(&s.lib, &spec).expect("renders");
    assert!(
        flagged.sections.iter().any(|s| s.clause_id == "collab.tr-audit"),
        "a Trusted Research flag brings the audit clause in"
    );
    let nda = render_with(&s, "nda-mutual", &[("exclusion_third_party", "no"), ("exclusion_public_domain", "no")]);
    let excl = nda.sections.iter().find(|s| s.clause_id == "nda.exclusions").expect("exclusions");
    assert_eq!(excl.blocks.iter().filter(|b| b.level == 3).count(), 2, "two exclusions left");
}

#[test]
fn the_recommendation_follows_the_questionnaire_and_can_be_overruled() {
    let s = shipped_library();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("partner_needs_exclusivity", "no")], "1"),
        (&[("partner_needs_exclusivity", "yes"), ("partner_wants_ownership", "no")], "2"),
        (&[("partner_needs_exclusivity", "yes"), ("partner_wants_ownership", "yes")], "3"),
        (&[("partner_funds_all", "yes")], "4"),
        (&[("contract_research", "yes"), ("university_must_publish", "no")], "5"),
    ];
    for (answers, model) in cases {
        let mut input = demo_input(&s, "collaboration");
        input.set.remove("ownership_model");
        for k in ["partner_funds_all", "contract_research", "partner_needs_exclusivity", "partner_wants_ownership"] {
            input.set.insert(k.into(), Json::String("no".into()));
        }
        for (k, v) in *answers {
            input.set.insert(k.to_string(), Json::String(v.to_string()));
        }
        let (spec, rec) = assemble::prepare(&s.lib, &input).expect("valid");
        let rec = rec.expect("a recommendation");
        assert_eq!((rec.value.as_str(), rec.followed), (*model, true), "{answers:?}");
        assert_eq!(spec.values["ownership_model"], Json::String(model.to_string()));
    }
    let mut input = demo_input(&s, "collaboration");
    input.set.insert("ownership_model".into(), Json::String("joint".into()));
    let (_, rec) = assemble::prepare(&s.lib, &input).expect("valid");
    assert!(!rec.expect("recommendation").followed, "the drafter overruled it");
}

#[test]
fn missing_and_bad_values_are_all_reported_with_their_clause() {
    let s = shipped_library();
    let mut input = demo_input(&s, "nda-mutual");
    input.set.clear();
    input.set.insert("confidentiality_period".into(), Json::String("forever".into()));
    input.set.insert("share_with_students".into(), Json::from(7));
    input.set.insert("no_such_thing".into(), Json::String("x".into()));
    let problems = assemble::prepare(&s.lib, &input).expect_err("incomplete");
    let seen: BTreeSet<(String, String)> = problems.iter().map(|p| (p.variable.clone(), p.clause.clone())).collect();
    for want in [
        ("effective_date", "kind:nda-mutual"),
        ("disclosure_purpose", "nda.purpose"),
        ("confidentiality_period", "nda.term"),
        ("share_with_students", "kind:nda-mutual"),
        ("no_such_thing", "kind:nda-mutual"),
    ] {
        assert!(seen.contains(&(want.0.to_string(), want.1.to_string())), "{want:?} in {problems:#?}");
    }
    let mut same = demo_input(&s, "nda-mutual");
    same.set.insert("party_b".into(), Json::String("Northmoor".into()));
    let problems = assemble::prepare(&s.lib, &same).expect_err("same party twice");
    assert!(problems.iter().any(|p| p.variable == "party_b" && p.message.contains("same party")), "{problems:?}");
    let mut huge = demo_input(&s, "nda-mutual");
    huge.set.insert("disclosure_purpose".into(), Json::String("x".repeat(100_000)));
    let problems = assemble::prepare(&s.lib, &huge).expect_err("huge");
    assert!(problems[0].message.contains("at most"), "{problems:?}");
}

#[test]
fn a_pinned_draft_renders_identically_after_the_library_changes() {
    let mut s = shipped_library();
    let (spec, _) = assemble::prepare(&s.lib, &demo_input(&s, "nda-mutual")).expect("valid");
    let before = assemble::render(&s.lib, &spec).expect("renders").to_text();
    // A legal team changes the purpose clause: a new version joins the library.
    let file = shipped::template_files().into_iter().find(|f| f.name.ends_with("nda/purpose.hbs")).expect("purpose");
    let changed = file.text.replace("Confidential Information may be", "Confidential Information can be");
    let t = steward_clauses::meta::parse_file(&file.name, &changed).expect("parses");
    let new_hash = s.lib.add("purpose v2", t).expect("adds");
    assert_ne!(new_hash, spec.clauses["nda.purpose"]);
    assert_eq!(assemble::render(&s.lib, &spec).expect("renders").to_text(), before);
    // Moved to the new version, the change shows in the redline, word by word.
    s.pins.insert("nda.purpose".into(), new_hash);
    let (spec2, _) = assemble::prepare(&s.lib, &demo_input(&s, "nda-mutual")).expect("valid");
    let after = assemble::render(&s.lib, &spec2).expect("renders");
    let red = steward_clauses::diff::redline(&assemble::render(&s.lib, &spec).expect("r"), &after);
    let changed: Vec<_> = red.changed().map(|c| c.clause_id.as_str()).collect();
    assert_eq!(changed, ["nda.purpose"]);
    let text = red.to_text();
    assert!(text.contains("[-may-]{+can+}"), "{text}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Rendering is a function of the draft: the same spec gives the same bytes, and the canonical
    /// encoding of a spec reads back to the same spec.
    #[test]
    fn rendering_is_deterministic(days in 7u32..=90, years in 1u32..=10, students in proptest::bool::ANY, purpose in "[a-z ]{5,60}") {
        let s = shipped_library();
        let mut input = demo_input(&s, "nda-mutual");
        input.set.insert("oral_confirmation_period".into(), Json::String(format!("{days} days")));
        input.set.insert("confidentiality_period".into(), Json::String(format!("{years} years")));
        input.set.insert("share_with_students".into(), Json::Bool(students));
        input.set.insert("disclosure_purpose".into(), Json::String(purpose.trim().to_string() + "x"));
        let (spec, _) = assemble::prepare(&s.lib, &input).expect("valid");
        let a = assemble::render(&s.lib, &spec).expect("renders");
        let back: steward_clauses::DraftSpec = serde_json::from_str(&spec.canonical()).expect("reads back");
        proptest::prop_assert_eq!(&back, &spec);
        let b = assemble::render(&s.lib, &back).expect("renders");
        proptest::prop_assert_eq!(a.to_text(), b.to_text());
        proptest::prop_assert_eq!(a.to_html(), b.to_html());
    }
}

fn shipped_templates() -> Vec<Template> {
    check::check(&shipped::template_files(), &[]).templates.into_iter().map(|(_, t)| t).collect()
}

fn errors_of(name: &str, text: &str) -> Vec<String> {
    let files = [check::SourceFile { name: name.into(), text: text.into() }];
    check::check(&files, &shipped_templates()).errors.iter().map(|e| e.to_string()).collect()
}

const HEAD: &str = "+++\nid = \"nda.purpose\"\ntitle = \"Purpose\"\nkinds = [\"nda-mutual\", \"nda-one-way\"]\n";

#[test]
fn bad_templates_are_rejected_with_file_line_and_reason() {
    let cases: &[(&str, String, &str)] = &[
        ("no front matter", "1. Text only.\n".into(), "x.hbs:1: a clause file must start with a line '+++'"),
        ("toml syntax", "+++\nid = \"nda.purpose\"\ntitle = Purpose\n+++\nbody\n".into(), "x.hbs:3:"),
        ("unknown key", format!("{HEAD}colour = \"red\"\n+++\nbody\n"), "x.hbs:5: unknown field `colour`"),
        ("undeclared name", format!("{HEAD}+++\n1. For {{{{mystery}}}}.\n"), "a name used here is not declared"),
        (
            "bare date",
            format!("{HEAD}+++\n1. From {{{{effective_date}}}}.\n"),
            "x.hbs:6: {{effective_date}} prints a date raw: write {{date effective_date}}",
        ),
        (
            "handlebars syntax",
            format!("{HEAD}+++\n1. Fine.\n\n{{{{#if share_with_students}}}}2. Students.\n"),
            "x.hbs:",
        ),
        (
            "condition name",
            format!("{HEAD}include_when = \"ghost && !spirit\"\n+++\n1. Text.\n"),
            "include_when reads ghost",
        ),
        (
            "condition syntax",
            format!("{HEAD}include_when = \"a &&\"\n+++\n1. Text.\n"),
            "include_when: expected a name",
        ),
        (
            "enum without values",
            format!("{HEAD}[[variables]]\nname = \"v\"\ntype = \"enum\"\nlabel = \"V\"\n+++\n1. {{{{v}}}}.\n"),
            "variable v: an enum needs `values`",
        ),
        (
            "bad default",
            format!(
                "{HEAD}[[variables]]\nname = \"p\"\ntype = \"duration\"\nlabel = \"P\"\ndefault = \"soon\"\n+++\n1. {{{{duration p}}}}.\n"
            ),
            "variable p: default \"soon\"",
        ),
        (
            "type conflict",
            format!(
                "{HEAD}[[variables]]\nname = \"confidentiality_period\"\ntype = \"text\"\nlabel = \"P\"\n+++\n1. {{{{confidentiality_period}}}}.\n"
            ),
            "variable confidentiality_period is a duration here but a text in x.hbs",
        ),
        (
            "dangling ref",
            format!("{HEAD}+++\n1. See clause {{{{ref \"pub.notice\"}}}}.\n"),
            "refers to pub.notice, which is not a section of nda-mutual",
        ),
        (
            "wrong kind",
            "+++\nid = \"nda.purpose\"\ntitle = \"Purpose\"\nkinds = [\"publication\"]\n+++\n1. Text.\n".into(),
            "nda.purpose is a section of nda-mutual but does not list it in `kinds`",
        ),
        (
            "reserved name",
            format!("{HEAD}[[variables]]\nname = \"parties\"\ntype = \"text\"\nlabel = \"P\"\n+++\n1. Text.\n"),
            "variable parties: this name is reserved",
        ),
    ];
    for (what, text, want) in cases {
        let errs = errors_of("x.hbs", text);
        assert!(errs.iter().any(|e| e.contains(want)), "{what}: wanted {want:?} in {errs:#?}");
    }
    let kind_errs = errors_of(
        "k.toml",
        "id = \"nda-mutual\"\ntitle = \"T\"\nparties = \"slots\"\nsections = [\"nda.purpose\", \"nda.missing\"]\n",
    );
    assert!(kind_errs.iter().any(|e| e == "k.toml: section nda.missing: no clause with this id"), "{kind_errs:#?}");
    assert!(errors_of("x.txt", "hello").iter().any(|e| e.contains("not a template")));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
    /// The fuzz targets' parsers, run on stable in every test run: arbitrary text and randomly
    /// damaged real templates never panic, and whatever parses reads back from its canonical form.
    #[test]
    fn parsers_never_panic_on_arbitrary_or_damaged_input(text in "\\PC{0,400}", at in 0usize..4000, cut in 0usize..40, insert in "\\PC{0,8}") {
        let _ = steward_clauses::cond::Cond::parse(&text);
        for name in ["x.hbs", "x.toml"] {
            if let Ok(t) = steward_clauses::meta::parse_file(name, &text) {
                proptest::prop_assert_eq!(Template::from_canonical(&t.canonical()).expect("reads back").hash(), t.hash());
            }
        }
        for f in shipped::template_files().iter().step_by(7) {
            let mut chars: Vec<char> = f.text.chars().collect();
            let start = at % chars.len().max(1);
            let end = (start + cut).min(chars.len());
            chars.splice(start..end, insert.chars());
            let damaged: String = chars.into_iter().collect();
            let _ = check::check(&[check::SourceFile { name: f.name.clone(), text: damaged }], &[]);
        }
    }
}
