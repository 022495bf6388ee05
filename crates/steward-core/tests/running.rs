//! Running a collaboration through the core API: the demo's register, obligations, publication
//! review and health; obligations that move with an agreement's values and stay done once done;
//! publication windows read from the agreement; the calendar's stable UIDs and rising SEQUENCE;
//! bad input refused with the field it concerns.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use steward_core::obligations::{Evidence, NewObligation, ObligationFilter};
use steward_core::publications::NewPublication;
use steward_core::risks::{Band, Rating, RegisterView, RiskStatus};
use steward_core::{ErrorKind, FixedClock, Id, Steward};

fn at(day: &str) -> DateTime<Utc> {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("date");
    d.and_hms_opt(9, 0, 0).expect("time").and_utc()
}

fn demo(day: &str) -> (Steward, Arc<FixedClock>, Id) {
    let clock = Arc::new(FixedClock::new(at(day)));
    let mut s = Steward::open_in_memory(clock.clone()).expect("store");
    s.set_actor("test");
    let d = s.install_demo().expect("demo");
    assert_eq!(d.decision_log_note, None, "the mock credential store signs the demo log");
    (s, clock, d.collaboration_id)
}

fn agreement(s: &Steward, collab: Id, kind: &str) -> Id {
    s.agreements(Some(collab)).expect("agreements").into_iter().find(|a| a.kind == kind).expect("kind").id
}

fn identity(s: &Steward) -> Id {
    s.identities().expect("identities")[0].id
}

#[test]
fn the_demo_runs_with_risks_obligations_a_review_and_a_verdict() {
    let (mut s, _, collab) = demo("2026-12-02");
    let reg = s.risk_register(collab, RegisterView::All).expect("register");
    assert_eq!(reg.risks.len(), 5, "{:?}", reg.risks.iter().map(|r| &r.fields.title).collect::<Vec<_>>());
    let high: Vec<_> = reg.risks.iter().filter(|r| r.inherent_score >= 15).collect();
    assert!(!high.is_empty());
    let treated = high.iter().find(|r| r.band == Band::Amber).expect("a high risk treated to amber");
    let history = s.risk_history(treated.id).expect("history");
    assert!(history.len() >= 2, "raised, then treated");
    assert!(history.iter().all(|v| v.decision_seq.is_some()), "each version is a log entry: {history:?}");
    assert_eq!(reg.heat_map.inherent.iter().flatten().sum::<u32>(), 5);
    assert!(reg.heat_map.moves.iter().any(|m| m.from != m.to));
    let shared = s.risk_register(collab, RegisterView::Shared).expect("shared view");
    assert!(shared.risks.len() < reg.risks.len(), "internal risks stay home");
    assert!(shared.risks.iter().all(|r| r.fields.visibility == steward_core::risks::Visibility::Shared));

    let overdue = s
        .obligations(&ObligationFilter { collaboration_id: Some(collab), overdue: true, ..Default::default() })
        .expect("overdue");
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    let soon = s
        .obligations(&ObligationFilter {
            collaboration_id: Some(collab),
            due_within_days: Some(30),
            ..Default::default()
        })
        .expect("soon");
    assert!(soon.iter().filter(|o| o.due_date.as_str() >= "2026-12-02").count() >= 2, "{soon:?}");
    let all = s
        .obligations(&ObligationFilter { collaboration_id: Some(collab), include_closed: true, ..Default::default() })
        .expect("all");
    let nda = agreement(&s, collab, "nda-mutual");
    let conf = all
        .iter()
        .find(|o| o.key == format!("agreement:{nda}/nda.term/confidentiality-end"))
        .expect("derived from the NDA");
    assert_eq!((conf.due_date.as_str(), conf.clause_id.as_deref()), ("2033-12-01", Some("nda.term")));
    assert!(all.iter().any(|o| o.status == "done" && o.evidence_sha256.is_some()));

    let pubs = s.publications(Some(collab)).expect("publications");
    assert_eq!(pubs.len(), 1);
    let p = &pubs[0];
    assert_eq!(p.row.status, "objected");
    assert_eq!(p.row.notice_period, "60 days");
    assert_eq!((p.row.notice_date.as_str(), p.row.review_deadline.as_str()), ("2026-11-12", "2027-01-11"));
    assert!(p.objections.iter().any(|o| o.ground == "patent" && o.delay_until.as_deref() == Some("2027-02-12")));
    assert!(!p.release_blocked_by.is_empty());

    let list = s.collaboration_overview(false).expect("overview");
    let h = list.iter().find(|c| c.collaboration.id == collab).and_then(|c| c.health.clone()).expect("health");
    assert_eq!(h.verdict, steward_register::health::Verdict::AtRisk, "{h:?}");
    let codes: Vec<&str> = h.reasons.iter().map(|r| r.code.as_str()).collect();
    assert!(
        codes.contains(&"overdue") && codes.contains(&"publication_review") && codes.contains(&"due_soon"),
        "{codes:?}"
    );
    assert_eq!(h.diligence_band.as_deref(), Some("high"));
    // The second collaboration waits on an approval.
    let blocked = list
        .iter()
        .find(|c| c.collaboration.id != collab && c.collaboration.title != steward_core::demo::DEMO_EXIT_TITLE)
        .and_then(|c| c.health.clone())
        .expect("health");
    assert!(blocked.reasons.iter().any(|r| r.code == "diligence_blocked"), "{blocked:?}");
}

#[test]
fn a_new_revision_moves_open_obligations_and_leaves_done_ones_done() {
    let (mut s, _, collab) = demo("2026-12-02");
    let nda = agreement(&s, collab, "nda-mutual");
    let find = |s: &mut Steward, suffix: &str| {
        s.obligations(&ObligationFilter { collaboration_id: Some(collab), include_closed: true, ..Default::default() })
            .expect("list")
            .into_iter()
            .find(|o| o.key == format!("agreement:{nda}/{suffix}"))
            .expect("item")
    };
    let before = find(&mut s, "nda.term/confidentiality-end");
    let disclosure = find(&mut s, "nda.term/disclosure-end");
    s.complete_obligation(
        disclosure.id,
        &Evidence { note: "Disclosure closed early by notice".into(), ..Default::default() },
        Some(identity(&s)),
    )
    .expect("done");
    let mut set = BTreeMap::new();
    set.insert("confidentiality_period".to_string(), json!("3 years"));
    set.insert("disclosure_period".to_string(), json!("1 year"));
    s.update_agreement(nda, set, BTreeMap::new(), Some("shorter terms")).expect("revision");
    let after = find(&mut s, "nda.term/confidentiality-end");
    assert_eq!(after.id, before.id, "the same item, moved");
    assert_eq!(after.due_date, "2030-12-01");
    assert_eq!(after.sequence, before.sequence + 1);
    assert_eq!(after.revision, Some(2));
    let done = find(&mut s, "nda.term/disclosure-end");
    assert_eq!((done.status.as_str(), done.due_date.as_str()), ("done", "2028-12-01"), "done stays done");
}

#[test]
fn publication_windows_and_caps_come_from_the_agreement() {
    let (mut s, clock, collab) = demo("2026-12-02");
    let id = identity(&s);
    let file = b"%PDF-1.7 manuscript".to_vec();
    let new = |title: &str| NewPublication {
        title: title.into(),
        file_name: "m.pdf".into(),
        file: file.clone(),
        ..Default::default()
    };
    let p = s.notify_publication(collab, &new("Quasiparticle poisoning in NbTiN"), Some(id)).expect("notice");
    assert_eq!(p.row.review_deadline, "2027-01-31", "60 days from 2 December");
    let e = s.release_publication(p.row.id, None, "", Some(id)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("review window is open until 2027-01-31"), "{e}");
    // A 30-day notice agreement gives a 30-day window.
    let publication = agreement(&s, collab, "publication");
    let mut set = BTreeMap::new();
    set.insert("publication_notice_period".to_string(), json!("30 days"));
    set.insert("patent_delay_period".to_string(), json!("2 months"));
    s.update_agreement(publication, set, BTreeMap::new(), None).expect("revision");
    let q = s.notify_publication(collab, &new("Flux noise in thin films"), Some(id)).expect("notice");
    assert_eq!((q.row.review_deadline.as_str(), q.row.notice_period.as_str()), ("2027-01-01", "30 days"));
    let early = NewPublication { submit_by: Some("2026-12-20".into()), ..new("Too soon") };
    let e = s.notify_publication(collab, &early, Some(id)).unwrap_err();
    assert!(e.field_errors().iter().any(|f| f.field == "submit_by"), "{e}");
    // A patent objection delays it up to the cap; an open one blocks release even after the window.
    let q = s.object_to_publication(q.row.id, "Ferrant", "patent", "claims 1-3", Some(id)).expect("objects");
    assert_eq!(q.delay_until.as_deref(), Some("2027-02-02"));
    assert!(
        s.object_to_publication(q.row.id, "Northmoor", "patent", "x", Some(id)).is_err(),
        "the publisher does not object"
    );
    assert!(
        s.object_to_publication(q.row.id, "Acme", "patent", "x", Some(id)).unwrap_err().field_errors()[0]
            .message
            .contains("not a party")
    );
    clock.set(at("2027-01-15"));
    let e = s.release_publication(q.row.id, None, "", Some(id)).unwrap_err();
    assert!(e.to_string().contains("delayed until 2027-02-02"), "{e}");
    clock.set(at("2027-02-03"));
    let r = s.release_publication(q.row.id, Some("10.1103/demo.1"), "", Some(id)).expect("released after the cap");
    assert_eq!((r.row.status.as_str(), r.row.doi.as_deref()), ("released", Some("10.1103/demo.1")));
    // Consent from every other party releases inside the window.
    let k = s.notify_publication(collab, &new("Consented early"), Some(id)).expect("notice");
    s.consent_to_publication(k.row.id, "Kaminokawa Tech", "fine", Some(id)).expect("consent");
    assert!(s.release_publication(k.row.id, None, "", Some(id)).is_err(), "Ferrant has not consented");
    s.consent_to_publication(k.row.id, "Ferrant", "fine", Some(id)).expect("consent");
    s.release_publication(k.row.id, None, "", Some(id)).expect("all consented");
    // Objections after the window are refused.
    clock.set(at("2027-06-01"));
    let e = s.object_to_publication(p.row.id, "Ferrant", "confidential", "late", Some(id)).unwrap_err();
    assert!(e.to_string().contains("closed on 2027-01-31"), "{e}");
}

#[test]
fn risks_keep_every_version_and_refuse_bad_scores_and_strangers() {
    let (mut s, _, collab) = demo("2026-12-02");
    let reg = s.risk_register(collab, RegisterView::All).expect("register");
    let r = reg
        .risks
        .iter()
        .find(|r| r.fields.status == RiskStatus::Treating && r.source.is_none())
        .expect("a risk being treated")
        .clone();
    let decisions = s.decisions(collab).expect("log").len();
    let mut f = r.fields.clone();
    f.controls.push_str("; weekly restore test");
    let v2 = s.update_risk(r.id, &f, None, None).expect("a small edit needs no signature");
    assert_eq!(v2.version, r.version + 1);
    assert_eq!(s.decisions(collab).expect("log").len(), decisions, "not significant: not logged");
    f.residual = Some(Rating { likelihood: 1, impact: 2 });
    let v3 = s.update_risk(r.id, &f, Some("tested"), Some(identity(&s))).expect("score change");
    assert_eq!(s.decisions(collab).expect("log").len(), decisions + 1);
    let hist = s.risk_history(r.id).expect("history");
    assert_eq!(hist.len() as i64, v3.version);
    assert!(hist.last().expect("v3").changes[0].starts_with("residual score"), "{:?}", hist.last());
    assert_eq!(s.update_risk(r.id, &f, None, None).unwrap_err().kind(), ErrorKind::Conflict, "nothing changed");
    let mut bad = f.clone();
    bad.inherent.likelihood = 7;
    bad.owner_party = 999;
    let e = s.update_risk(r.id, &bad, None, Some(identity(&s))).unwrap_err();
    let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert!(fields.contains(&"inherent.likelihood") && fields.contains(&"owner_party"), "{fields:?}");
    assert_eq!(s.risk_history(r.id).expect("history").len(), hist.len(), "nothing stored");
    // A review date that passes is a due item.
    let items =
        s.obligations(&ObligationFilter { collaboration_id: Some(collab), ..Default::default() }).expect("items");
    assert!(items.iter().any(|o| o.key == format!("risk:{}/review", r.id)));
}

#[test]
fn hand_added_obligations_are_checked_and_the_calendar_updates_the_same_events() {
    let (mut s, clock, collab) = demo("2026-12-02");
    let nda = agreement(&s, collab, "nda-mutual");
    let early = NewObligation {
        title: "Before the NDA".into(),
        due_date: "2026-10-01".into(),
        agreement_id: Some(nda),
        party: Some("Acme".into()),
        kind: Some("sometime".into()),
        ..Default::default()
    };
    let e = s.add_obligation(collab, &early).unwrap_err();
    let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["kind", "party", "due_date"], "{e}");
    let o = s
        .add_obligation(
            collab,
            &NewObligation {
                title: "Annual report to the funder".into(),
                due_date: "2027-03-31".into(),
                kind: Some("reporting".into()),
                party: Some("Northmoor".into()),
                ..Default::default()
            },
        )
        .expect("added");
    let first = s.calendar(Some(collab)).expect("ics").ics;
    let uid = format!("UID:obligation-{}-", o.id);
    assert!(first.contains(&uid));
    clock.set(at("2026-12-03"));
    let again = s.calendar(Some(collab)).expect("ics").ics;
    assert_eq!(first, again, "nothing changed: the same file");
    s.complete_obligation(o.id, &Evidence { note: "sent".into(), ..Default::default() }, Some(identity(&s)))
        .expect("done");
    let after = s.calendar(Some(collab)).expect("ics").ics;
    let event = |ics: &str| {
        let start = ics.find(&uid).expect("event");
        let end = start + ics[start..].find("END:VEVENT").expect("end");
        ics[start..end].to_string()
    };
    assert!(event(&first).contains("SEQUENCE:0") && event(&first).contains("STATUS:CONFIRMED"));
    assert!(event(&after).contains("SEQUENCE:1") && event(&after).contains("STATUS:CANCELLED"), "{}", event(&after));
    assert!(s.waive_obligation(o.id, "x", None).is_err(), "already done");
}
