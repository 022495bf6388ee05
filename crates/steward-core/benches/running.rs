//! The collaborations list with each one's health, over 1,000 collaborations with five agreements
//! each, read from a store on disk (seeded once into target/bench-stores and reused).

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::PathBuf;
use std::sync::Arc;
use steward_core::{FixedClock, Steward};

const COLLABS: usize = 1000;

fn store() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-stores");
    std::fs::create_dir_all(&dir).expect("folder");
    let path = dir.join(format!("many-{COLLABS}-v{}.db", steward_core::SCHEMA_VERSION));
    if !path.exists() {
        let tmp = path.with_extension("tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut s = open(&tmp);
        s.install_many(COLLABS).expect("seed");
        drop(s);
        std::fs::rename(&tmp, &path).expect("rename");
    }
    path
}

fn open(path: &std::path::Path) -> Steward {
    let clock = Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time")));
    Steward::open(path, clock).expect("store").with_secrets(Arc::new(steward_core::secrets::KeyringStore::mock()))
}

fn bench(c: &mut Criterion) {
    let path = store();
    let mut s = open(&path);
    let mut g = c.benchmark_group("running");
    g.sample_size(20);
    g.bench_function("collaboration overview with health, 1000 collaborations", |b| {
        b.iter(|| {
            let list = s.collaboration_overview(false).expect("overview");
            assert_eq!(list.len(), COLLABS);
            list
        })
    });
    g.bench_function("open obligations of every collaboration", |b| {
        b.iter(|| s.obligations(&Default::default()).expect("obligations").len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
