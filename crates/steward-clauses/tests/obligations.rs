//! Obligations derived from the shipped clauses: per clause and kind, from the demo values and
//! after a value changes, with recurring milestones.

use chrono::NaiveDate;
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};
use steward_clauses::obligations::{Deriver, ObligationKind};
use steward_clauses::values::PartyInfo;
use steward_clauses::{DraftInput, Library, Template, assemble, check, shipped};

fn parties() -> Vec<PartyInfo> {
    let p = |id, short: &str, kind: &str, role: &str| PartyInfo {
        id,
        legal_name: format!("{short} (legal)"),
        short_name: Some(short.into()),
        kind: kind.into(),
        role: role.into(),
        registration_number: None,
        address: None,
        country: "GB".into(),
        country_name: "United Kingdom".into(),
    };
    vec![
        p(1, "Northmoor", "university", "lead"),
        p(2, "Kaminokawa Tech", "university", "partner"),
        p(3, "Ferrant", "company", "partner"),
    ]
}

fn library() -> (Library, BTreeMap<String, String>, BTreeMap<String, String>) {
    let checked = check::check(&shipped::template_files(), &[]);
    assert!(checked.errors.is_empty(), "{:?}", checked.errors);
    let (mut lib, mut kinds, mut pins) = (Library::new(), BTreeMap::new(), BTreeMap::new());
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
    (lib, kinds, pins)
}

fn derive(kind: &str, extra: &[(&str, Json)]) -> Vec<(String, ObligationKind, NaiveDate, String)> {
    let (lib, kinds, pins) = library();
    let mut set: BTreeMap<String, Json> =
        serde_json::from_str(shipped::demo_values(kind).expect("demo values")).expect("demo JSON");
    set.retain(|k, _| !k.starts_with('@'));
    for (k, v) in extra {
        set.insert((*k).into(), v.clone());
    }
    let input = DraftInput {
        kind_version: kinds[kind].clone(),
        title: None,
        pins,
        previous: BTreeMap::new(),
        set,
        fallbacks: BTreeMap::new(),
        parties: parties(),
        flags: BTreeSet::new(),
        ..Default::default()
    };
    let (spec, _) = assemble::prepare(&lib, &input).unwrap_or_else(|p| panic!("{p:?}"));
    Deriver::new()
        .derive(&lib, &spec)
        .expect("derives")
        .into_iter()
        .map(|d| (d.key, d.kind, d.due, d.party.label))
        .collect()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn due_of(got: &[(String, ObligationKind, NaiveDate, String)], key: &str) -> Option<NaiveDate> {
    got.iter().find(|g| g.0 == key).map(|g| g.2)
}

#[test]
fn each_clause_gives_its_obligations_from_the_demo_values() {
    // (kind, key, obligation kind, due): the demo NDA is dated 1 December 2026 with two years of
    // disclosure and five of confidentiality; the collaboration runs 2027-01-01 to 2029-12-31.
    let table: &[(&str, &str, ObligationKind, &str)] = &[
        ("nda-mutual", "nda.term/disclosure-end", ObligationKind::DisclosureEnd, "2028-12-01"),
        ("nda-mutual", "nda.term/confidentiality-end", ObligationKind::ConfidentialityEnd, "2033-12-01"),
        ("nda-one-way", "nda.term/confidentiality-end", ObligationKind::ConfidentialityEnd, "2032-11-20"),
        ("collaboration", "collab.term-termination/project-end", ObligationKind::ProjectEnd, "2029-12-31"),
        (
            "collaboration",
            "collab.term-termination/extension-decision",
            ObligationKind::TerminationNotice,
            "2029-09-30",
        ),
        ("collaboration", "collab.term-termination/sunset", ObligationKind::Sunset, "2034-12-31"),
        (
            "collaboration",
            "collab.confidentiality/confidentiality-end",
            ObligationKind::ConfidentialityEnd,
            "2034-12-31",
        ),
        ("collaboration", "collab.exploitation/exploitation-plan", ObligationKind::Deliverable, "2027-07-01"),
        ("collaboration", "collab.data-protection/data-plan", ObligationKind::Deliverable, "2027-04-01"),
        ("collaboration", "collab.exit/data-return", ObligationKind::DataReturn, "2030-03-01"),
        ("collaboration", "collab.exploitation/reversion", ObligationKind::LicenceWindow, "2032-12-31"),
        ("collaboration", "collab.governance/steering-meeting#1", ObligationKind::Meeting, "2027-01-01"),
        ("collaboration", "collab.governance/steering-meeting#12", ObligationKind::Meeting, "2029-10-01"),
        ("collaboration", "collab.project/progress-report#1", ObligationKind::Reporting, "2027-07-01"),
        ("collaboration", "collab.project/progress-report#5", ObligationKind::Reporting, "2029-07-01"),
    ];
    let mut cache: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for (kind, key, ok, due) in table {
        let got = cache.entry(kind).or_insert_with(|| derive(kind, &[]));
        let found = got.iter().find(|g| g.0 == *key).unwrap_or_else(|| panic!("{kind}: no {key} in {got:?}"));
        assert_eq!((found.1, found.2), (*ok, d(due)), "{kind} {key}");
    }
    // A publication agreement's dates come from each publication's review, not from the agreement.
    assert!(derive("publication", &[]).is_empty());
}

#[test]
fn recurring_milestones_stop_at_the_end_and_follow_the_chosen_frequency() {
    let got = derive("collaboration", &[]);
    let meetings: Vec<_> = got.iter().filter(|g| g.1 == ObligationKind::Meeting).collect();
    assert_eq!(meetings.len(), 12, "quarterly over three years");
    assert_eq!(meetings[0].3, "Northmoor", "the coordinator holds them");
    let reports = got.iter().filter(|g| g.1 == ObligationKind::Reporting).count();
    assert_eq!(reports, 5, "every six months from month six to the end");
    let monthly = derive("collaboration", &[("steering_meeting_frequency", json!("monthly"))]);
    assert_eq!(monthly.iter().filter(|g| g.1 == ObligationKind::Meeting).count(), 36);
    assert_eq!(due_of(&monthly, "collab.governance/steering-meeting#36"), Some(d("2029-12-01")));
}

#[test]
fn a_changed_value_moves_its_obligation_and_nothing_else() {
    let before = derive("nda-mutual", &[]);
    let after = derive("nda-mutual", &[("confidentiality_period", json!("3 years"))]);
    assert_eq!(due_of(&after, "nda.term/confidentiality-end"), Some(d("2031-12-01")));
    assert_eq!(due_of(&after, "nda.term/disclosure-end"), due_of(&before, "nda.term/disclosure-end"));
    let later = derive("collaboration", &[("end_date", json!("2030-06-30"))]);
    assert_eq!(due_of(&later, "collab.term-termination/project-end"), Some(d("2030-06-30")));
    assert_eq!(due_of(&later, "collab.exit/data-return"), Some(d("2030-08-29")), "60 days after the new end");
}

#[test]
fn rules_that_read_undeclared_or_mistyped_names_fail_the_check() {
    let files = shipped::template_files();
    let mut bad = files.clone();
    let term = bad.iter_mut().find(|f| f.name.ends_with("nda/term.hbs")).expect("nda.term");
    term.text = term.text.replacen(
        "due = \"effective_date + disclosure_period\"",
        "due = \"effective_date + purpose_length\"",
        1,
    );
    let errs = check::check(&bad, &[]).errors;
    assert!(
        errs.iter().any(|e| e.message.contains("reads purpose_length, which nda-mutual does not declare")),
        "{errs:?}"
    );
    let mut bad = files.clone();
    let term = bad.iter_mut().find(|f| f.name.ends_with("nda/term.hbs")).expect("nda.term");
    term.text = term.text.replacen("due = \"effective_date + disclosure_period\"", "due = \"disclosure_period\"", 1);
    let errs = check::check(&bad, &[]).errors;
    assert!(
        errs.iter().any(|e| e.message.contains("reads disclosure_period as a date, but it is a duration")),
        "{errs:?}"
    );
    let mut bad = files;
    let term = bad.iter_mut().find(|f| f.name.ends_with("nda/term.hbs")).expect("nda.term");
    term.text = term.text.replacen("kind = \"disclosure_end\"", "kind = \"someday\"", 1);
    let errs = check::check(&bad, &[]).errors;
    assert!(errs.iter().any(|e| e.file.ends_with("nda/term.hbs") && e.line.is_some()), "{errs:?}");
}
