//! The ledger report over 1,000,000 entries and the decision log's verification (1,000,000-entry
//! chain; 100,000 entries with P-256 signatures), all read from a store on disk.

use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::params;
use std::sync::Arc;
use steward_core::{FixedClock, NewCollaboration, NewParty, Role, Steward};
use steward_ledger::log::{Entry, GENESIS, seal};

fn open(path: &std::path::Path) -> Steward {
    let clock = Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time")));
    Steward::open(path, clock).expect("store").with_secrets(Arc::new(steward_core::secrets::KeyringStore::mock()))
}

fn collab(s: &mut Steward, title: &str) -> i64 {
    let c = s.create_collaboration(&NewCollaboration { title: title.into(), ..Default::default() }).expect("c");
    for (i, country) in ["GB", "JP", "DE"].iter().enumerate() {
        let p = s
            .add_party(&NewParty {
                legal_name: format!("{title} party {i}"),
                short_name: Some(format!("P{i}")),
                country: (*country).into(),
                ..Default::default()
            })
            .expect("party");
        s.add_member(c, p, if i == 0 { Role::Lead } else { Role::Partner }).expect("member");
    }
    c
}

/// Appends `n` sealed entries to `collab`'s log straight into the database, signed by `sign`.
fn fill_log(path: &std::path::Path, collab: i64, n: u64, fingerprint: &str, sign: impl Fn(&[u8]) -> Vec<u8>) {
    let mut conn = rusqlite::Connection::open(path).expect("open");
    let tx = conn.transaction().expect("tx");
    let uid = format!("bench-log-{collab}");
    let mut prev = GENESIS.to_string();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO decision (collaboration_id, seq, title, decision, rationale, participants, decided_on, links,
                     supersedes, author_name, author_fingerprint, recorded_at, prev_hash, hash, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10, ?11, ?12, ?13, ?14)",
            )
            .expect("prepare");
        for seq in 1..=n {
            let e = Entry {
                log: uid.clone(),
                seq,
                title: format!("Decision {seq}: adopt the revised work plan"),
                decision: "The steering committee approves moving work package 3 to month 14.".into(),
                rationale: "The cryostat delivery slipped by two months.".into(),
                participants: vec!["Dr Helen Achterberg".into(), "Prof. Aiko Tanabe".into()],
                date: "2027-05-04".into(),
                links: vec!["party:1".into()],
                supersedes: None,
                author: "Bench Author".into(),
                author_fingerprint: fingerprint.into(),
                recorded_at: "2027-05-04T10:00:00.000Z".into(),
                prev: prev.clone(),
            };
            let s = seal(e, |b| Ok::<_, ()>(sign(b))).expect("seal");
            insert
                .execute(params![
                    collab,
                    seq as i64,
                    s.entry.title,
                    s.entry.decision,
                    s.entry.rationale,
                    serde_json::to_string(&s.entry.participants).expect("json"),
                    s.entry.date,
                    serde_json::to_string(&s.entry.links).expect("json"),
                    s.entry.author,
                    s.entry.author_fingerprint,
                    s.entry.recorded_at,
                    s.entry.prev,
                    s.hash,
                    s.signature
                ])
                .expect("insert");
            prev = s.hash;
        }
    }
    tx.execute(
        "INSERT INTO decision_log (collaboration_id, uid, entries, last_hash) VALUES (?1, ?2, ?3, ?4)",
        params![collab, uid, n as i64, prev],
    )
    .expect("head");
    tx.commit().expect("commit");
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bench.db");
    let (ledger_collab, chain_collab, signed_collab, identity) = {
        let mut s = open(&path);
        let l = collab(&mut s, "Ledger");
        let ch = collab(&mut s, "Chain");
        let sg = collab(&mut s, "Signed");
        for (from, rate) in [("EUR", "0.8571"), ("JPY", "0.0053")] {
            for month in 1..=12 {
                s.add_rate(from, "GBP", rate, &format!("2027-{month:02}-01"), "bench").expect("rate");
            }
        }
        // An imported identity, so that the bench holds the key it signs with.
        let key = steward_sign::SecretKey::generate(steward_sign::KeyKind::P256).expect("key");
        let subject = steward_sign::Subject {
            name: "Bench Author".into(),
            email: "bench@example.org".into(),
            organisation: None,
        };
        let today = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).expect("d");
        let cert = steward_sign::keys::self_signed_certificate(&key, &subject, today, 5).expect("certificate");
        let p12 = steward_sign::keys::write_pkcs12(&key, &cert, "bench").expect("p12");
        let who = s.import_identity(&p12, "bench").expect("identity");
        (l, ch, sg, (who, key))
    };
    // 1,000,000 ledger entries in three currencies over a year.
    {
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        let tx = conn.transaction().expect("tx");
        let parties: Vec<i64> = tx
            .prepare("SELECT party_id FROM collaboration_party WHERE collaboration_id = ?1 ORDER BY party_id")
            .expect("q")
            .query_map([ledger_collab], |r| r.get(0))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("parties");
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO ledger_entry (collaboration_id, party_id, category, entry_date, currency, amount_minor,
                         measure, description, recorded_by, recorded_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'money', 'bench', 'bench', '2027-01-01T00:00:00Z')",
                )
                .expect("prepare");
            let cats = ["cash", "staff_time", "background_ip", "data", "equipment", "facilities", "materials"];
            for i in 0..1_000_000i64 {
                let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).expect("d") + chrono::Duration::days(i % 365);
                insert
                    .execute(params![
                        ledger_collab,
                        parties[(i % 3) as usize],
                        cats[(i % 7) as usize],
                        date.to_string(),
                        ["GBP", "JPY", "EUR"][(i % 3) as usize],
                        10_000 + i % 977
                    ])
                    .expect("insert");
            }
        }
        tx.commit().expect("commit");
    }
    fill_log(&path, chain_collab, 1_000_000, "00", |_| vec![0u8; 72]);
    let signer = steward_sign::raw::Signer::new(&identity.1).expect("signer");
    fill_log(&path, signed_collab, 100_000, &identity.0.fingerprint, |b| signer.sign(b).expect("sign"));

    let s = open(&path);
    let mut g = c.benchmark_group("records");
    g.sample_size(10);
    g.bench_function("ledger report over 1,000,000 entries in 3 currencies", |b| {
        b.iter(|| s.ledger_report(ledger_collab, Some("GBP"), None).expect("report"))
    });
    g.bench_function("decision log: hash chain of 1,000,000 entries read from the store", |b| {
        b.iter(|| assert!(s.verify_decision_chain(chain_collab).expect("verify").intact))
    });
    g.bench_function("decision log: 100,000 entries, chain and P-256 signatures", |b| {
        b.iter(|| assert!(s.verify_decisions(signed_collab).expect("verify").intact))
    });
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
