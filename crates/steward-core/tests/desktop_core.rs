//! What the window's everyday work rests on, through the core API: a clause version proposed
//! from its edited file (checked, refused when unchanged or renamed, its note kept), signatures
//! listed per revision, people corrected and removed (archived where a record names them),
//! identities exported and removed (key gone, certificate kept), one search over everything,
//! ledger entries numbered per collaboration.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;
use steward_core::collaborations::PersonRemoval;
use steward_core::search::FoundKind;
use steward_core::{ErrorKind, FixedClock, Id, NewPerson, Steward};

fn at(day: &str) -> DateTime<Utc> {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("date");
    d.and_hms_opt(9, 0, 0).expect("time").and_utc()
}

fn demo() -> (Steward, Id) {
    let clock = Arc::new(FixedClock::ticking(at("2026-12-02"), chrono::Duration::seconds(1)));
    let mut s = Steward::open_in_memory(clock).expect("store");
    s.set_actor("test");
    let demo = s.install_demo().expect("demo");
    (s, demo.collaboration_id)
}

fn fields(e: &steward_core::Error) -> Vec<String> {
    e.field_errors().iter().map(|f| format!("{}: {}", f.field, f.message)).collect()
}

#[test]
fn a_clause_version_is_proposed_from_its_edited_file_and_waits_for_review() {
    let (mut s, _) = demo();
    let file = s.template_file("pub.notice", None).expect("file");
    assert_eq!(file.name, "clauses/pub.notice.hbs");
    assert!(file.text.starts_with("+++\n"), "{}", &file.text[..40]);
    assert!(s.check_template_text("pub.notice", &file.text).expect("check").is_empty());

    // Unchanged: refused, nothing stored.
    let e = s.propose_template_version("pub.notice", &file.text, "no change").expect_err("same text");
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert_eq!(fields(&e), ["text: this text is the same as a stored version: change the clause before proposing it"]);

    // Broken as typed: every problem with its line, nothing stored.
    let broken = file.text.replace("{{duration publication_notice_period}}", "{{duration publication_notice_period");
    let problems = s.check_template_text("pub.notice", &broken).expect("check");
    assert!(!problems.is_empty());
    assert!(problems.iter().all(|p| p.file == "clauses/pub.notice.hbs"), "{problems:?}");
    assert!(s.propose_template_version("pub.notice", &broken, "broken").is_err());

    // A new id is not a new version of this clause.
    let renamed = file.text.replacen("id = \"pub.notice\"", "id = \"pub.notice-2\"", 1);
    let problems = s.check_template_text("pub.notice", &renamed).expect("check");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("a new version keeps the id `pub.notice`"), "{}", problems[0].message);

    // A note is required.
    let edited = file.text.replace("must send a copy", "must send a complete copy");
    assert_ne!(edited, file.text, "the demo clause has the words the test edits");
    let e = s.propose_template_version("pub.notice", &edited, "  ").expect_err("no note");
    assert_eq!(fields(&e), ["note: say what the new version changes and why"]);

    let before = s.template("pub.notice", None).expect("t").summary.versions.len();
    let v = s.propose_template_version("pub.notice", &edited, "Ask for the complete manuscript").expect("proposed");
    assert_eq!((v.id.as_str(), v.status.as_str()), ("pub.notice", "draft"));
    let t = s.template("pub.notice", None).expect("t");
    assert_eq!(t.summary.versions.len(), before + 1);
    assert_eq!(t.version, v.version);
    assert_eq!(t.reviews[0].note.as_deref(), Some("proposed: Ask for the complete manuscript"));
    assert_ne!(t.summary.current, Some(v.version), "a proposal is not in use until approved");
    let diff = s.template_diff("pub.notice", t.summary.current.expect("approved"), v.version).expect("diff");
    assert!(diff.iter().any(|r| r.text.contains("complete")), "the diff shows the new word");
}

#[test]
fn signatures_are_listed_per_revision() {
    let (mut s, collab) = demo();
    // The same organisation written another way is still a party; another organisation is not.
    let plain = s
        .create_identity("Ana Lima", "a.lima@northmoor.ac.uk", Some("University of Northmoor"), "p256", false)
        .expect("id");
    let outsider =
        s.create_identity("Mara Quist", "m@elsewhere.org", Some("Elsewhere Labs"), "p256", false).expect("id");
    let agreement =
        s.agreements(Some(collab)).expect("list").into_iter().find(|a| a.kind == "collaboration").expect("one").id;
    let before = s.agreement_signatures(agreement).expect("signatures").len();
    let us = s
        .identities()
        .expect("ids")
        .into_iter()
        .find(|i| i.organisation.as_deref() == Some("The University of Northmoor"))
        .expect("ours");
    let pdf = s.export_agreement(agreement, None, Some(us.id)).expect("signed export");
    let detail = s.agreement(agreement).expect("detail");
    assert_eq!(detail.signatures.len(), before + 1);
    let last = detail.signatures.iter().find(|g| g.file_sha256 == sha256(&pdf.pdf)).expect("our new signature");
    assert_eq!(last.side, "ours");
    assert_eq!(last.signer, us.name);
    assert_eq!(last.organisation.as_deref(), Some("The University of Northmoor"));
    assert_eq!(last.revision, Some(detail.revisions.last().expect("rev").number));
    assert_eq!(last.their_revision, None);
    // The signers offered: the parties' identities first, each marked.
    let signers = s.agreement_signers(agreement).expect("signers");
    assert!(signers.iter().any(|g| g.identity.id == us.id && g.of_party));
    assert!(signers.iter().any(|g| g.identity.id == plain.id && g.of_party));
    assert!(signers.iter().any(|g| g.identity.id == outsider.id && !g.of_party));
    assert!(signers.windows(2).all(|w| w[0].of_party >= w[1].of_party), "parties' identities first");
    let row = s.agreements(Some(collab)).expect("list").into_iter().find(|a| a.info.id == agreement).expect("row");
    assert_eq!(row.signatures, detail.signatures, "the list carries the same signatures");
}

fn sha256(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

#[test]
fn people_are_corrected_and_removed_or_archived() {
    let (mut s, collab) = demo();
    let party = s.collaboration(collab).expect("c").member("Northmoor").expect("m").party.id;
    let id = s
        .add_person(&NewPerson {
            name: "Ana Lima".into(),
            email: "a.lima@northmoor.ac.uk".into(),
            orcid: None,
            party_id: party,
        })
        .expect("added");
    let p =
        s.update_person(id, "Dr Ana Lima", "ana.lima@northmoor.ac.uk", Some("0000-0002-1825-0097")).expect("edited");
    assert_eq!((p.name.as_str(), p.email.as_str(), p.party_id), ("Dr Ana Lima", "ana.lima@northmoor.ac.uk", party));
    let e = s.update_person(id, "Dr Ana Lima", "not an address", None).expect_err("bad e-mail");
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert_eq!(e.field_errors()[0].field, "email");
    let e = s
        .update_person(id, "Dr Ana Lima", "ana.lima@northmoor.ac.uk", Some("0000-0002-1825-0098"))
        .expect_err("check digit");
    assert_eq!(e.field_errors()[0].field, "orcid");
    assert_eq!(
        s.person(id).expect("kept").orcid.as_deref(),
        Some("0000-0002-1825-0097"),
        "a refused edit changes nothing"
    );

    assert_eq!(s.remove_person(id).expect("removed"), PersonRemoval::Deleted);
    assert_eq!(s.person(id).expect_err("gone").kind(), ErrorKind::NotFound);

    // Someone the ledger names stays, archived.
    let named =
        s.ledger(collab).expect("ledger").into_iter().find_map(|e| e.person_id).expect("a ledger entry names a person");
    assert_eq!(s.remove_person(named).expect("archived"), PersonRemoval::Archived);
    assert!(s.person(named).expect("kept").archived);
    assert!(s.ledger(collab).expect("ledger").iter().any(|e| e.person_id == Some(named)));
}

#[test]
fn identities_are_exported_as_pem_and_removed_keeping_their_certificate() {
    let (mut s, _) = demo();
    let who = s.identities().expect("ids").remove(0);
    let pem = s.identity_certificate_pem(who.id).expect("pem");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n") && pem.trim_end().ends_with("-----END CERTIFICATE-----"));
    let removed = s.remove_identity(who.id).expect("removed");
    assert_eq!(removed.fingerprint, who.fingerprint);
    assert!(s.identities().expect("ids").iter().all(|i| i.id != who.id), "no longer offered for signing");
    assert_eq!(s.identity(who.id).expect("certificate kept").fingerprint, who.fingerprint);
    assert_eq!(s.remove_identity(who.id).expect_err("twice").kind(), ErrorKind::Conflict);
}

#[test]
fn one_search_finds_collaborations_agreements_parties_people_and_clauses() {
    let (s, collab) = demo();
    let found = s.search("northmoor").expect("search");
    let kinds: Vec<FoundKind> = found.iter().map(|f| f.kind).collect();
    assert!(
        kinds.contains(&FoundKind::Party)
            && kinds.contains(&FoundKind::Person)
            && kinds.contains(&FoundKind::Collaboration)
    );
    assert!(found.iter().any(|f| f.kind == FoundKind::Collaboration && f.id == Some(collab)));
    // A party or a person opens in a collaboration their party is in.
    for f in found.iter().filter(|f| matches!(f.kind, FoundKind::Party | FoundKind::Person)) {
        let c = f.collaboration_id.expect("the demo's parties are all members");
        let members = s.collaboration(c).expect("c").members;
        assert!(!members.is_empty(), "{f:?}");
    }

    // Accents and case do not matter; every word must match.
    let title = s.collaboration(collab).expect("c").collaboration.title;
    let first = title.split_whitespace().next().expect("word").to_uppercase();
    assert!(s.search(&first).expect("search").iter().any(|f| f.id == Some(collab)));
    assert!(s.search(&format!("{first} zzzz")).expect("search").is_empty());
    assert!(s.search("   ").expect("search").is_empty());

    // Clauses by their wording, the snippet in readable words.
    let clauses = s.search("thesis").expect("search");
    let thesis = clauses.iter().find(|f| f.template.as_deref() == Some("pub.thesis")).expect("the thesis clause");
    assert_eq!(thesis.kind, FoundKind::Clause);
    for f in &clauses {
        assert!(!f.detail.contains("{{") && !f.detail.contains("}}"), "template code in {:?}", f.detail);
    }
    // A title match ranks before a wording match.
    let first_clause = clauses.iter().position(|f| f.kind == FoundKind::Clause).expect("clauses");
    assert_eq!(clauses[first_clause].template.as_deref(), Some("pub.thesis"));
}

#[test]
fn ledger_entries_are_numbered_within_their_collaboration() {
    let (s, _) = demo();
    for c in s.collaborations(false).expect("list") {
        let entries = s.ledger(c.collaboration.id).expect("ledger");
        let numbers: Vec<i64> = entries.iter().map(|e| e.number).collect();
        assert_eq!(numbers, (1..=entries.len() as i64).collect::<Vec<_>>());
        for e in &entries {
            assert_eq!(s.ledger_entry(e.id).expect("one").number, e.number);
        }
    }
}
