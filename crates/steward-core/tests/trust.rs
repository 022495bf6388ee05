//! What `exchange import` and the decision log trust, between two stores on disk: every forged
//! file of the attack corpus is refused with its reason and leaves the store byte for byte as it
//! was; a partner's key is pinned by its first signed file and a new key stops the import until
//! it is accepted, which is a signed decision; a log truncated with its head rewritten, or moved
//! to another collaboration, fails verification naming its signed checkpoint.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use steward_core::exchange::ImportOptions;
use steward_core::secrets::KeyringStore;
use steward_core::{ErrorKind, FixedClock, Id, Steward};
use steward_ledger::log::BreakKind;
use steward_sign::KnownCertificate;

struct Side {
    path: PathBuf,
    keyring: Arc<keyring_core::CredentialStore>,
}

impl Side {
    fn new(dir: &Path, name: &str) -> Self {
        Side { path: dir.join(name), keyring: keyring_core::mock::Store::new().expect("mock keyring") }
    }

    fn open(&self) -> Steward {
        let clock = FixedClock::ticking(
            chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
            chrono::Duration::seconds(1),
        );
        let mut s = Steward::open(&self.path, Arc::new(clock))
            .expect("store")
            .with_secrets(Arc::new(KeyringStore::with_store(self.keyring.clone())));
        s.set_actor("test");
        s
    }

    /// The store file's bytes with nothing open on it (closing checkpoints the WAL).
    fn bytes(&self) -> Vec<u8> {
        assert!(!self.path.with_extension("db-wal").exists(), "a connection is still open");
        std::fs::read(&self.path).expect("read store")
    }
}

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// A: the demo collaboration with an identity of Northmoor; returns the NDA's id and it.
fn northmoor(a: &mut Steward, name: &str) -> (Id, Id) {
    let demo = a.install_demo().expect("demo");
    let who = a
        .create_identity(
            name,
            &format!("{}@northmoor.ac.uk", name.to_lowercase().replace(' ', ".")),
            Some("The University of Northmoor"),
            "p256",
            false,
        )
        .expect("identity");
    (demo.agreement_ids[0], who.id)
}

#[test]
fn every_attack_is_refused_by_exchange_import_and_leaves_the_store_unchanged() {
    let dir = tempfile::tempdir().expect("tmp");
    let (sa, sb) = (Side::new(dir.path(), "a.db"), Side::new(dir.path(), "b.db"));
    let mut a = sa.open();
    let (nda, helen) = northmoor(&mut a, "Helen Achterberg");
    let signed = a.export_agreement(nda, None, Some(helen)).expect("signed export").pdf;
    let unsigned = a.export_agreement(nda, None, None).expect("export").pdf;
    let victim = |pdf: &[u8]| a.sign_pdf(pdf, helen, Some("Agreed")).expect("the victim signs");
    let attacker = steward_testkit::identity("Mallory Example", "Another Party", steward_sign::KeyKind::P256);
    let corpus = steward_testkit::attacks::corpus(&signed, &unsigned, &victim, (&attacker.0, &attacker.1));
    assert!(corpus.len() >= 25);
    drop(sb.open());
    let before = sb.bytes();
    let mut failures = Vec::new();
    for attack in &corpus {
        let mut b = sb.open();
        match b.import_partner_pdf(&attack.file, "from-partner.pdf", None, true) {
            Ok(r) => failures.push(format!("{}: IMPORTED as received draft {}", attack.name, r.received.id)),
            Err(e) => {
                let why = e.to_string().to_lowercase();
                if !why.contains(&attack.expect.to_lowercase()) {
                    failures
                        .push(format!("{}: refused for another reason: {e} (wanted '{}')", attack.name, attack.expect));
                }
            }
        }
        drop(b);
        if sha(&sb.bytes()) != sha(&before) {
            failures.push(format!("{}: the store changed", attack.name));
        }
    }
    assert!(failures.is_empty(), "{} of {}:\n{}", failures.len(), corpus.len(), failures.join("\n"));
    // The untampered file is imported.
    let mut b = sb.open();
    let r = b.import_partner_pdf(&signed, "from-partner.pdf", None, false).expect("the real file imports");
    assert!(r.created_agreement && r.received.signed);
}

#[test]
fn a_partner_key_is_pinned_and_a_new_key_is_accepted_only_on_purpose() {
    let dir = tempfile::tempdir().expect("tmp");
    let (sa, sb) = (Side::new(dir.path(), "a.db"), Side::new(dir.path(), "b.db"));
    let mut a = sa.open();
    let (nda, helen) = northmoor(&mut a, "Helen Achterberg");
    let first = a.export_agreement(nda, None, Some(helen)).expect("export").pdf;

    let mut b = sb.open();
    let kami = b
        .create_identity(
            "Aiko Tanabe",
            "a.tanabe@kaminokawa.ac.jp",
            Some("Kaminokawa Institute of Science and Technology"),
            "p256",
            false,
        )
        .expect("identity");
    let before = b.verify_pdf(&first).expect("verify");
    assert_eq!(before.signatures[0].known, Some(KnownCertificate::Unknown), "nobody B knows, yet");
    let r = b.import_partner_pdf(&first, "nda-from-northmoor.pdf", None, false).expect("first import");
    assert_eq!(r.pinned.len(), 1, "{:?}", r.pinned);
    assert!(r.pinned[0].contains("The University of Northmoor"), "{:?}", r.pinned);
    let party = b
        .parties(false)
        .expect("parties")
        .into_iter()
        .find(|p| p.legal_name == "The University of Northmoor")
        .expect("party");
    let keys = b.partner_keys(Some(party.id)).expect("keys");
    assert_eq!((keys.len(), keys[0].decision_seq), (1, None));
    assert_eq!(keys[0].file_name, "nda-from-northmoor.pdf");
    match &b.verify_pdf(&first).expect("verify").signatures[0].known {
        Some(KnownCertificate::Partner { party_id, .. }) => assert_eq!(*party_id, party.id),
        other => panic!("{other:?}"),
    }
    drop(b);

    // Northmoor signs its next revision with another key.
    let samuel = a
        .create_identity(
            "Samuel Okafor",
            "s.okafor@northmoor.ac.uk",
            Some("The University of Northmoor"),
            "p256",
            false,
        )
        .expect("identity")
        .id;
    let mut values = std::collections::BTreeMap::new();
    values.insert("confidentiality_period".to_string(), serde_json::json!("7 years"));
    a.update_agreement(nda, values, Default::default(), Some("partner asked")).expect("revision");
    let second = a.export_agreement(nda, None, Some(samuel)).expect("export").pdf;

    let before = sb.bytes();
    let mut b = sb.open();
    let e = b.import_partner_pdf(&second, "nda-rev2.pdf", None, false).expect_err("a new key stops the import");
    assert_eq!(e.kind(), ErrorKind::NewKey);
    assert!(e.to_string().starts_with("new key for The University of Northmoor"), "{e}");
    assert_eq!(
        e.field_errors().iter().find(|f| f.field == "party").map(|f| f.message.as_str()),
        Some("The University of Northmoor")
    );
    drop(b);
    assert_eq!(sha(&sb.bytes()), sha(&before), "a stopped import changes nothing");

    let mut b = sb.open();
    let opts = ImportOptions { accept_new_key: Some(kami.id), ..Default::default() };
    let r = b.import_partner_pdf_with(&second, "nda-rev2.pdf", &opts).expect("accepted on purpose");
    assert!(r.pinned.iter().any(|p| p.contains("accepted a new key")), "{:?}", r.pinned);
    let keys = b.partner_keys(Some(party.id)).expect("keys");
    assert_eq!(keys.len(), 2);
    let seq = keys[1].decision_seq.expect("accepted by a decision");
    let collab = b.agreements(None).expect("list")[0].collaboration_id;
    let log = b.decisions(collab).expect("log");
    let d = log.iter().find(|d| d.entry.seq as i64 == seq).expect("the decision");
    assert!(d.entry.title.contains("New signing key accepted for The University of Northmoor"), "{}", d.entry.title);
    assert_eq!(d.entry.author, "Aiko Tanabe");
    assert!(b.verify_decisions(collab).expect("verify").intact);
}

#[test]
fn a_truncated_log_with_a_rewritten_head_and_a_moved_log_are_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let side = Side::new(dir.path(), "s.db");
    let mut s = side.open();
    let demo = s.install_demo().expect("demo");
    let collab = demo.collaboration_id;
    let v = s.verify_decisions(collab).expect("verify");
    assert!(v.intact, "{v:?}");
    let n = v.entries;
    assert!(n >= 3, "the demo log has entries");
    assert_eq!(v.checkpoint.as_ref().map(|c| c.entries), Some(n));
    let export = serde_json::to_vec(&s.export_decisions(collab).expect("export")).expect("json");
    assert!(s.verify_exported_decisions(&export).expect("verify").intact);
    let other = s
        .create_collaboration(&steward_core::NewCollaboration { title: "Elsewhere".into(), ..Default::default() })
        .expect("c");
    drop(s);

    // Someone with the database but not the keys: removes the last two entries and rewrites the
    // unsigned head to match (dropping the triggers that refuse it first).
    {
        let db = rusqlite::Connection::open(&side.path).expect("open");
        db.execute_batch("DROP TRIGGER decision_no_delete;").expect("drop trigger");
        db.execute(
            "DELETE FROM decision WHERE collaboration_id = ?1 AND seq > ?2",
            rusqlite::params![collab, n as i64 - 2],
        )
        .expect("delete");
        let last: String = db
            .query_row(
                "SELECT hash FROM decision WHERE collaboration_id = ?1 ORDER BY id DESC LIMIT 1",
                [collab],
                |r| r.get(0),
            )
            .expect("last");
        db.execute(
            "UPDATE decision_log SET entries = ?2, last_hash = ?3 WHERE collaboration_id = ?1",
            rusqlite::params![collab, n as i64 - 2, last],
        )
        .expect("rewrite head");
    }
    let s = side.open();
    let v = s.verify_decisions(collab).expect("verify");
    let b = v.first_break.expect("broken");
    assert_eq!(b.kind, BreakKind::CheckpointMismatch, "{b:?}");
    assert!(b.detail.contains("signed checkpoint") && b.detail.contains("removed"), "{}", b.detail);
    let quick = s.verify_decision_chain(collab).expect("chain");
    assert_eq!(quick.first_break.map(|b| b.kind), Some(BreakKind::CheckpointMismatch));
    drop(s);

    // Moving the log to another collaboration.
    {
        let db = rusqlite::Connection::open(&side.path).expect("open");
        db.execute_batch("DROP TRIGGER decision_no_update;").expect("drop trigger");
        db.execute(
            "UPDATE decision SET collaboration_id = ?2 WHERE collaboration_id = ?1",
            rusqlite::params![collab, other],
        )
        .expect("move");
        db.execute(
            "UPDATE decision_log SET collaboration_id = ?2 WHERE collaboration_id = ?1",
            rusqlite::params![collab, other],
        )
        .expect("move");
    }
    let s = side.open();
    let b = s.verify_decisions(other).expect("verify").first_break.expect("broken");
    assert_eq!(b.kind, BreakKind::CheckpointMismatch, "{b:?}");
    assert!(b.detail.contains("moved from another collaboration"), "{}", b.detail);

    // The exported log, truncated and its head rewritten, fails the same way; a forged checkpoint
    // fails its signature.
    let mut v: serde_json::Value = serde_json::from_slice(&export).expect("json");
    let entries = v["entries"].as_array_mut().expect("entries");
    entries.truncate(entries.len() - 1);
    let last = entries.last().expect("an entry")["hash"].clone();
    v["head"]["entries"] = serde_json::json!(n - 1);
    v["head"]["last_hash"] = last.clone();
    let cut = serde_json::to_vec(&v).expect("json");
    let b = steward_core::decisions::verify_exported_log(&cut, None).expect("verify").first_break.expect("broken");
    assert_eq!(b.kind, BreakKind::CheckpointMismatch, "{b:?}");
    let text = v["checkpoint"]["text"].as_str().expect("text").to_string();
    let forged = text.replace(&format!("\"entries\":{n}"), &format!("\"entries\":{}", n - 1)).replace(
        &serde_json::from_str::<serde_json::Value>(&text).expect("json")["last_hash"]
            .as_str()
            .expect("hash")
            .to_string(),
        last.as_str().expect("hash"),
    );
    v["checkpoint"]["text"] = serde_json::json!(forged);
    let b = steward_core::decisions::verify_exported_log(&serde_json::to_vec(&v).expect("json"), None)
        .expect("verify")
        .first_break
        .expect("broken");
    assert_eq!(b.kind, BreakKind::CheckpointSignature, "{b:?}");
    let v = steward_core::decisions::verify_exported_log(&export, None).expect("verify");
    assert!(v.intact && v.checked.contains("no store was given"), "{v:?}");
}
