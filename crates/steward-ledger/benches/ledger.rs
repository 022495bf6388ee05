//! In-memory figures: the hash-chain pass over a 1,000,000-entry log and the report arithmetic over
//! 1,000,000 groups. (Database-backed figures are in steward-core's `ledger` bench.)

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use steward_ledger::log::{Entry, GENESIS, Head, Sealed, seal, verify_chain};
use steward_ledger::report::{Group, report};
use steward_ledger::{Category, Currency, Rate, RateTable};

fn chain(n: u64) -> Vec<Sealed> {
    let mut out: Vec<Sealed> = Vec::with_capacity(n as usize);
    let mut prev = GENESIS.to_string();
    for seq in 1..=n {
        let e = Entry {
            log: "00000000-0000-4000-8000-000000000001".into(),
            seq,
            title: format!("Decision {seq}: adopt the revised work plan"),
            decision: "The steering committee approves moving work package 3 to month 14.".into(),
            rationale: "The cryostat delivery slipped by two months.".into(),
            participants: vec!["Dr Helen Achterberg".into(), "Prof. Aiko Tanabe".into()],
            date: "2027-05-04".into(),
            links: vec!["agreement:4".into(), "party:2".into()],
            supersedes: None,
            author: "Samuel Okafor".into(),
            author_fingerprint: "ab".repeat(32),
            recorded_at: "2027-05-04T10:00:00.000Z".into(),
            prev,
        };
        let s = seal(e, |_| Ok::<_, ()>(vec![0u8; 72])).expect("seals");
        prev = s.hash.clone();
        out.push(s);
    }
    out
}

fn benches(c: &mut Criterion) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let log = chain(1_000_000);
    let head = Head { entries: 1_000_000, last_hash: log[log.len() - 1].hash.clone() };
    let mut g = c.benchmark_group("decision log");
    g.sample_size(10);
    g.bench_function("hash chain of 1,000,000 entries", |b| {
        b.iter(|| {
            assert!(
                verify_chain(black_box(&log), "00000000-0000-4000-8000-000000000001", Some(&head), threads).is_none()
            )
        })
    });
    g.finish();

    let cur = |c: &str| Currency::parse("c", c).expect("currency");
    let day = |i: i64| chrono::NaiveDate::from_ymd_opt(2027, 1, 1).expect("date") + chrono::Duration::days(i % 1000);
    let groups: Vec<Group> = (0..1_000_000i64)
        .map(|i| Group {
            party: i % 3 + 1,
            category: Category::ALL[(i % 7) as usize],
            currency: [cur("GBP"), cur("EUR"), cur("JPY")][(i % 3) as usize],
            date: day(i),
            minor: 10_000 + i128::from(i % 977),
        })
        .collect();
    let rates = RateTable::new(
        (0..1000)
            .flat_map(|d| {
                [
                    Rate {
                        from: cur("EUR"),
                        to: cur("GBP"),
                        date: day(d),
                        rate: Rate::parse_rate("r", "0.8571").expect("rate"),
                        source: "s".into(),
                    },
                    Rate {
                        from: cur("JPY"),
                        to: cur("GBP"),
                        date: day(d),
                        rate: Rate::parse_rate("r", "0.0053").expect("rate"),
                        source: "s".into(),
                    },
                ]
            })
            .collect(),
    );
    let parties = vec![(1, "Northmoor".to_string()), (2, "Kaminokawa Tech".to_string()), (3, "Ferrant".to_string())];
    let mut g = c.benchmark_group("ledger");
    g.sample_size(10);
    g.bench_function("report arithmetic over 1,000,000 groups in 3 currencies", |b| {
        b.iter(|| report(black_box(&groups), &parties, cur("GBP"), &rates, None).expect("report"))
    });
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
