//! Obligations and health for 1,000 collaborations with five agreements each: every draft's
//! obligations derived from its clauses' rules (compiled once per clause version), then each
//! collaboration judged. The figure the issue sets is under 100 ms for the whole.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};
use steward_clauses::obligations::Deriver;
use steward_clauses::values::PartyInfo;
use steward_clauses::{DraftInput, DraftSpec, Library, Template, assemble, check, shipped};
use steward_register::health::{self, Facts};

const COLLABS: usize = 1000;

fn parties() -> Vec<PartyInfo> {
    [("lead", "Northmoor"), ("partner", "Kaminokawa Tech"), ("partner", "Ferrant")]
        .iter()
        .enumerate()
        .map(|(i, (role, name))| PartyInfo {
            id: i as i64 + 1,
            legal_name: format!("{name} (legal name)"),
            short_name: Some((*name).to_string()),
            kind: if i == 2 { "company".into() } else { "university".into() },
            role: (*role).into(),
            registration_number: None,
            address: None,
            country: "GB".into(),
            country_name: "United Kingdom".into(),
        })
        .collect()
}

/// The shipped library and one draft spec per agreement: the demo values with dates moved per
/// collaboration, five agreements each (both NDAs, publication, collaboration, and another NDA).
fn drafts() -> (Library, Vec<Vec<DraftSpec>>) {
    let checked = check::check(&shipped::template_files(), &[]);
    let (mut lib, mut kinds, mut pins) = (Library::new(), BTreeMap::new(), BTreeMap::new());
    for (file, t) in checked.templates {
        let is_kind = matches!(t, Template::Kind(_));
        let id = t.id().to_string();
        let hash = lib.add(&file, t).expect("adds");
        if is_kind {
            kinds.insert(id, hash);
        } else {
            pins.insert(id, hash);
        }
    }
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let mut all = Vec::with_capacity(COLLABS);
    for c in 0..COLLABS {
        let day = base + chrono::Days::new((c % 700) as u64);
        let mut five = Vec::with_capacity(5);
        for kind in ["nda-mutual", "nda-one-way", "publication", "collaboration", "nda-mutual"] {
            let mut set: BTreeMap<String, Json> =
                serde_json::from_str(shipped::demo_values(kind).expect("demo")).expect("json");
            set.retain(|k, _| !k.starts_with('@'));
            set.insert("effective_date".into(), json!(day.to_string()));
            if kind == "collaboration" {
                set.insert("start_date".into(), json!(day.to_string()));
                set.insert("end_date".into(), json!((day + chrono::Days::new(1095)).to_string()));
                set.insert("sunset_date".into(), json!((day + chrono::Days::new(2920)).to_string()));
            }
            let input = DraftInput {
                kind_version: kinds[kind].clone(),
                title: None,
                pins: pins.clone(),
                previous: BTreeMap::new(),
                set,
                fallbacks: BTreeMap::new(),
                parties: parties(),
                flags: BTreeSet::new(),
                ..Default::default()
            };
            five.push(assemble::prepare(&lib, &input).expect("prepares").0);
        }
        all.push(five);
    }
    (lib, all)
}

fn bench(c: &mut Criterion) {
    let (lib, all) = drafts();
    let today = NaiveDate::from_ymd_opt(2027, 6, 1).expect("date");
    let mut g = c.benchmark_group("running");
    g.sample_size(20);
    g.bench_function("obligations and health, 1000 collaborations x 5 agreements", |b| {
        b.iter(|| {
            let mut deriver = Deriver::new();
            let mut verdicts = 0usize;
            for five in &all {
                let mut facts = Facts { status: "active".into(), members: 3, ..Facts::default() };
                for spec in five {
                    for d in deriver.derive(&lib, spec).expect("derives") {
                        facts.open_due.push(d.due);
                    }
                }
                verdicts += health::assess(&facts, today).reasons.len();
            }
            verdicts
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
