//! IP stewardship through the core API: the demo's results owned as its ownership model says,
//! filings whose deadlines are due items, the background schedule bound into the agreement and a
//! change after signing flagged; owners overruled as a signed decision; an exit refused while an
//! item is undecided and completed into a signed pack whose record reads back; bad input refused
//! with the field it concerns.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use steward_core::exit::{Certificate, Method, NewExit, read_exit_record};
use steward_core::ip::{
    BackgroundFields, DatasetFields, FilingFields, Grant, Inventor, LicenceFields, ResultFields, Tier,
};
use steward_core::obligations::ObligationFilter;
use steward_core::{ErrorKind, FixedClock, Id, Steward};

fn at(day: &str) -> DateTime<Utc> {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("date");
    d.and_hms_opt(9, 0, 0).expect("time").and_utc()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn demo() -> (Steward, Id) {
    let clock = Arc::new(FixedClock::new(at("2026-12-02")));
    let mut s = Steward::open_in_memory(clock).expect("store");
    s.set_actor("test");
    let demo = s.install_demo().expect("demo");
    assert_eq!(demo.decision_log_note, None, "the mock credential store signs the demo log");
    (s, demo.collaboration_id)
}

fn party(s: &Steward, collab: Id, short: &str) -> Id {
    s.collaboration(collab).expect("collab").member(short).expect("member").party.id
}

fn identity_of(s: &Steward, org: &str) -> Id {
    s.identities().expect("identities").into_iter().find(|i| i.organisation.as_deref() == Some(org)).expect(org).id
}

fn collaboration_agreement(s: &Steward, collab: Id) -> Id {
    s.agreements(Some(collab)).expect("agreements").into_iter().find(|a| a.kind == "collaboration").expect("one").id
}

#[test]
fn the_demos_results_are_owned_as_its_model_says_with_deadlines_due() {
    let (mut s, collab) = demo();
    let reg = s.ip_register(collab).expect("register");
    assert_eq!(reg.results.len(), 2);
    let ip1 = &reg.results[0];
    assert_eq!(ip1.label, "IP1");
    let owner = ip1.computed.as_ref().expect("decided by the agreement");
    assert_eq!(owner.clause, "collab.ownership-2", "the demo agreement takes model 2");
    assert_eq!(ip1.owners.iter().map(|o| o.party.as_str()).collect::<Vec<_>>(), ["Northmoor"]);
    assert!(owner.rights.iter().any(|r| r.starts_with("Ferrant: a non-exclusive licence and an option")), "{owner:?}");
    assert!(ip1.decided_by.as_deref().unwrap_or_default().contains("Collaboration"), "{:?}", ip1.decided_by);
    assert_eq!(reg.results[1].owners[0].party, "Kaminokawa Tech");

    // The filing's deadlines count from its priority date and are due items.
    let f = &ip1.filings[0];
    assert_eq!(f.label, "F1");
    let filed = f.fields.filing_date;
    assert_eq!(f.deadlines.priority, filed.checked_add_months(chrono::Months::new(12)).expect("date"));
    assert_eq!(f.deadlines.national_30, filed.checked_add_months(chrono::Months::new(30)).expect("date"));
    assert!(f.fields.publication_id.is_some(), "the publication review's patent delay protects it");
    let due =
        s.obligations(&ObligationFilter { collaboration_id: Some(collab), ..Default::default() }).expect("obligations");
    let priority = due.iter().find(|o| o.key == format!("ip:{}/priority", f.id)).expect("priority year is due");
    assert_eq!((priority.origin.as_str(), priority.kind.as_str()), ("ip", "patent_deadline"));
    assert_eq!(priority.due_date, f.deadlines.priority.to_string());
    assert!(due.iter().any(|o| o.key == format!("ip:{}/national-31", f.id)));
    let option = &ip1.licences[0];
    assert_eq!((option.fields.grant, option.licensee.as_str()), (Grant::Option, "Ferrant"));
    assert!(due.iter().any(|o| o.key == format!("ip:{}/ends", option.id) && o.kind == "option_window"));
    let ics = s.calendar(Some(collab)).expect("calendar").ics.replace("\r\n ", "");
    assert!(ics.contains("Priority year ends: GB GB2719043.6"), "the deadline is in the calendar");

    // Changing the agreement's model changes the owner, with the clause that decides it.
    let a = collaboration_agreement(&s, collab);
    let mut set = BTreeMap::new();
    set.insert("ownership_model".to_string(), json!("4"));
    s.update_agreement(a, set, BTreeMap::new(), Some("company owns")).expect("model 4");
    let ip1 = s.ip_result(ip1.id).expect("result");
    let owner = ip1.computed.as_ref().expect("decided");
    assert_eq!((owner.clause.as_str(), ip1.owners[0].party.as_str()), ("collab.ownership-4", "Ferrant"));
    assert!(owner.rights.iter().any(|r| r.contains("Academic Purposes")), "{owner:?}");
}

#[test]
fn an_owner_overruled_is_a_signed_decision_and_bad_shares_are_refused() {
    let (mut s, collab) = demo();
    let ip2 = s.ip_register(collab).expect("register").results[1].clone();
    let who = identity_of(&s, "Kaminokawa Institute of Science and Technology");
    let bad = s.overrule_owner(ip2.id, &[("Kaminokawa Tech".into(), 60.0)], "agreed", Some(who)).expect_err("60%");
    assert!(bad.to_string().contains("add up to 100"), "{bad}");
    let bad = s.overrule_owner(ip2.id, &[("Nobody".into(), 100.0)], "agreed", Some(who)).expect_err("no party");
    assert_eq!(bad.kind(), ErrorKind::Invalid);
    let bad = s.overrule_owner(ip2.id, &[("Ferrant".into(), 100.0)], " ", Some(who)).expect_err("no reason");
    assert!(bad.field_errors().iter().any(|f| f.field == "reason"), "{bad:?}");
    let before = s.decisions(collab).expect("log").len();
    let r = s
        .overrule_owner(
            ip2.id,
            &[("Kaminokawa Tech".into(), 70.0), ("Northmoor".into(), 30.0)],
            "Northmoor's student wrote the array generator's core in a secondment; the Steering Committee agreed the split",
            Some(who),
        )
        .expect("overruled");
    assert_eq!(
        r.owners.iter().map(|o| (o.party.as_str(), o.basis_points)).collect::<Vec<_>>(),
        [("Kaminokawa Tech", 7000), ("Northmoor", 3000)]
    );
    assert_eq!(r.computed.as_ref().expect("still computed").owners[0].party, "Kaminokawa Tech");
    let log = s.decisions(collab).expect("log");
    assert_eq!(log.len(), before + 1);
    let last = log.last().expect("entry");
    assert!(last.entry.title.starts_with("Owner of IP2 overruled"), "{last:?}");
    assert!(last.entry.links.contains(&format!("ip:{}", ip2.id)));
    assert!(s.verify_decisions(collab).expect("verify").intact);
    let history = s.ip_history(ip2.id).expect("history");
    assert_eq!(history.len(), 2, "the first version is kept");
    assert_eq!(history[1].decision_seq, Some(last.entry.seq as i64));
}

#[test]
fn the_background_schedule_is_bound_and_a_change_after_signing_is_flagged() {
    let (mut s, collab) = demo();
    let bg = s.ip_background(collab).expect("background");
    assert_eq!(bg.items.len(), 5);
    assert_eq!((bg.schedule.len(), bg.exclusions.len()), (4, 1));
    assert!(bg.schedule[0].starts_with("Northmoor: Resonator fabrication process"), "{:?}", bg.schedule);
    let state = bg.agreement.as_ref().expect("a collaboration agreement");
    assert!(!state.matches, "the demo agreement's schedule was typed by hand");

    let a = collaboration_agreement(&s, collab);
    let saved = s.bind_background(a).expect("bound");
    let bg = s.ip_background(collab).expect("background");
    let state = bg.agreement.as_ref().expect("state");
    assert!(state.matches && !state.signed, "{state:?}");
    assert_eq!(state.revision, saved.revision);

    // Signed, then the register changes: flagged against the signed revision.
    let who = identity_of(&s, "The University of Northmoor");
    s.export_agreement(a, Some(saved.revision), Some(who)).expect("signed export");
    let item = bg.items.iter().find(|i| i.label == "B4").expect("Ferrant's wiring");
    let mut f = item.fields.clone();
    f.access_terms = "for the Project, and a licence on fair terms for exploitation".into();
    s.update_background(item.id, &f, Some("widened at the steering committee")).expect("updated");
    let state = s.ip_background(collab).expect("background").agreement.expect("state");
    assert!(state.signed && !state.matches, "{state:?}");
    assert_eq!(state.revision, saved.revision);
    assert!(state.missing.iter().any(|l| l.contains("fair terms for exploitation")), "{state:?}");
    assert!(state.extra.iter().any(|l| l.contains("Cryostat wiring design") && !l.contains("fair terms")), "{state:?}");
    let err = s.update_background(item.id, &f, None).expect_err("nothing changed");
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[test]
fn bad_records_are_refused_with_the_field_they_concern() {
    let (mut s, collab) = demo();
    let northmoor = party(&s, collab, "Northmoor");
    let result = ResultFields {
        title: "A result".into(),
        disclosed_on: d("2026-11-01"),
        description: String::new(),
        inventors: vec![Inventor { name: "Someone Else".into(), party_id: 9999 }],
        contributors: vec![],
        documents: vec![],
        owner_override: None,
    };
    let err = s.add_result(collab, &result).expect_err("inventor from no party");
    assert!(
        err.field_errors().iter().any(|f| f.field == "inventors.0" && f.message.contains("not a party")),
        "{err:?}"
    );
    let future = ResultFields {
        disclosed_on: d("2027-06-01"),
        inventors: vec![Inventor { name: "Dr H".into(), party_id: northmoor }],
        ..result.clone()
    };
    let err = s.add_result(collab, &future).expect_err("disclosed in the future");
    assert!(err.field_errors().iter().any(|f| f.field == "disclosed_on"), "{err:?}");
    let ok = ResultFields { inventors: vec![Inventor { name: "Dr H".into(), party_id: northmoor }], ..result };
    let r = s.add_result(collab, &ok).expect("a result");
    assert_eq!(r.fields.contributors, vec![northmoor], "the inventors' parties contribute");
    let err = s
        .add_filing(&FilingFields {
            result_id: r.id,
            application_number: "GB2700001.1".into(),
            office: "GB".into(),
            filing_date: d("2026-10-01"),
            priority_date: None,
            publication_id: None,
        })
        .expect_err("filed before the disclosure");
    assert!(err.field_errors().iter().any(|f| f.field == "filing_date" && f.message.contains("before")), "{err:?}");
    let err = s
        .add_licence(&LicenceFields {
            result_id: r.id,
            licensee_id: northmoor,
            grant: Grant::Option,
            exclusive: true,
            field: "all".into(),
            territory: "all".into(),
            starts: None,
            ends: None,
        })
        .expect_err("the owner needs no licence, an option needs its end");
    let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert!(fields.contains(&"licensee") && fields.contains(&"ends"), "{err:?}");
    let err = s
        .add_background(
            collab,
            &BackgroundFields {
                party_id: 9999,
                item: String::new(),
                description: String::new(),
                owner: None,
                restrictions: String::new(),
                export_control: None,
                access_terms: String::new(),
                excluded: false,
                withdrawn: false,
            },
        )
        .expect_err("no party, no item");
    assert_eq!(err.field_errors().len(), 2, "{err:?}");
    let err = s
        .add_dataset(
            collab,
            &DatasetFields {
                name: "x".into(),
                holder_id: 9999,
                tier: Tier::Public,
                location: String::new(),
                description: String::new(),
                supplied_by: None,
            },
        )
        .expect_err("bad dataset");
    assert_eq!(err.field_errors().len(), 2, "{err:?}");
}

#[test]
fn an_exit_completes_only_when_every_item_is_decided_into_a_signed_pack() {
    let (mut s, _) = demo();
    let collab = s
        .collaborations(true)
        .expect("list")
        .into_iter()
        .find(|c| c.collaboration.title == steward_core::demo::DEMO_EXIT_TITLE)
        .expect("the demo's finished collaboration")
        .collaboration
        .id;
    let exit = s.current_exit(collab).expect("in exit");
    let plan = s.exit_plan(exit).expect("plan");
    assert_eq!(plan.exit.trigger.as_str(), "sunset");
    let datasets: Vec<_> = plan.items.iter().filter(|i| i.section == "dataset").collect();
    assert_eq!(datasets.len(), 3);
    assert_eq!(datasets.iter().filter(|i| i.decided.is_some()).count(), 2, "two certificates are done");
    assert_eq!(plan.undecided.len(), 1, "{:?}", plan.undecided);
    assert!(plan.accounts.total.is_some() && plan.accounts.lines.len() == 2, "{:?}", plan.accounts);

    // A second exit cannot start while this one runs.
    let err = s
        .start_exit(
            collab,
            &NewExit { trigger: "by-agreement".into(), note: Some("again".into()), ..NewExit::default() },
            None,
        )
        .expect_err("one at a time");
    assert!(err.field_errors().iter().any(|f| f.field == "collaboration"), "{err:?}");

    let err = s.complete_exit(exit, None).expect_err("D2 is undecided");
    assert!(err.field_errors().iter().any(|f| f.field == "D2" && f.message.contains("exit certify")), "{err:?}");

    // The holder certifies: Northmoor holds D2, so Ferrant's identity may not.
    let cert = Certificate {
        method: Method::Return,
        media: "two encrypted USB drives".into(),
        performed_by: "Samuel Okafor".into(),
        performed_on: d("2026-12-01"),
        verification: "receipt signed by Ferrant's engineer".into(),
        media_fate: "returned to Ferrant by courier".into(),
    };
    let ferrant = identity_of(&s, "Ferrant Cryogenics GmbH");
    let err = s.certify_dataset(exit, "D2", Some(&cert), None, Some(ferrant)).expect_err("not the holder");
    assert!(err.field_errors().iter().any(|f| f.field == "identity"), "{err:?}");
    let err = s.certify_dataset(exit, "D2", None, None, None).expect_err("nothing given");
    assert_eq!(err.kind(), ErrorKind::Invalid);
    let northmoor = identity_of(&s, "The University of Northmoor");
    let plan = s.certify_dataset(exit, "D2", Some(&cert), None, Some(northmoor)).expect("certified");
    assert!(plan.undecided.is_empty());

    let pack = s.complete_exit(exit, Some(northmoor)).expect("complete");
    let report = s.verify_pdf(&pack.pdf).expect("verify");
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(report.signatures[0].integrity, steward_sign::Integrity::Valid);
    let record = read_exit_record(&pack.pdf).expect("record");
    assert_eq!(record["format"], "steward-exit-record");
    assert_eq!(record["plan"]["items"].as_array().map(Vec::len), Some(3));
    assert!(
        record["plan"]["items"][1]["decided"]["fields"]["media_fate"].as_str().unwrap_or_default().contains("returned")
    );
    let done = s.exit_plan(exit).expect("plan");
    assert!(done.exit.completed_at.is_some());
    assert_eq!(done.exit.pack_sha256.as_deref(), Some(pack.sha256.as_str()));
    assert_eq!(s.collaboration(collab).expect("c").collaboration.status.as_str(), "closed");
    assert!(s.verify_decisions(collab).expect("log").intact);
    let err = s.complete_exit(exit, Some(northmoor)).expect_err("once");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    // A damaged pack's record is not read.
    let mut bad = pack.pdf.clone();
    let n = bad.len() / 3;
    bad[n] ^= 0x20;
    assert!(read_exit_record(&bad).is_err());
}

#[test]
fn exit_plans_follow_the_trigger() {
    let (mut s, collab) = demo();
    let ferrant = party(&s, collab, "Ferrant");
    let err = s
        .start_exit(
            collab,
            &NewExit { trigger: "withdrawal".into(), note: Some("notice".into()), ..NewExit::default() },
            None,
        )
        .expect_err("names the party");
    assert!(err.field_errors().iter().any(|f| f.field == "party"), "{err:?}");
    let err =
        s.start_exit(collab, &NewExit { trigger: "boredom".into(), ..NewExit::default() }, None).expect_err("bad");
    let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert!(fields.contains(&"trigger") && fields.contains(&"evidence"), "{err:?}");

    let who = identity_of(&s, "The University of Northmoor");
    let plan = s
        .start_exit(
            collab,
            &NewExit {
                trigger: "insolvency".into(),
                party: Some("Ferrant".into()),
                note: Some("administrator appointed".into()),
                evidence_name: Some("notice.pdf".into()),
                evidence: Some(b"court notice".to_vec()),
                ..NewExit::default()
            },
            Some(who),
        )
        .expect("exit");
    assert_eq!(plan.exit.party_id, Some(ferrant));
    assert!(plan.exit.evidence_sha256.is_some());
    // Ferrant's option ends on its insolvency; its background stays with it; obligations that
    // survive are listed, those of the others are not ended.
    let option = plan.items.iter().find(|i| i.section == "licence").expect("the option");
    assert!(option.proposed.contains("licence ended") && option.needs_decision, "{option:?}");
    assert!(plan.items.iter().filter(|i| i.section == "background").all(|i| i.title.starts_with("Ferrant")));
    assert!(plan.items.iter().any(|i| i.section == "survives"));
    assert!(!plan.items.iter().any(|i| i.section == "ends"), "one party leaving ends nothing for the others");
    let err = s.decide_exit_item(plan.exit.id, &option.label, "stays", "", Some(who)).expect_err("not for a licence");
    assert!(err.field_errors().iter().any(|f| f.field == "disposition"), "{err:?}");
    let plan = s
        .decide_exit_item(plan.exit.id, &option.label, "licence-ended", "ended by clause 14", Some(who))
        .expect("decided");
    assert!(plan.items.iter().find(|i| i.section == "licence").and_then(|i| i.decided.as_ref()).is_some());
}
