//! Publishing the shipped library as a release to a local bare repository, pulling it into a
//! fresh store, and a pull that finds nothing new (each through the system git).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use steward_core::{FixedClock, Steward};

fn store() -> Steward {
    let clock = Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time")));
    Steward::open_in_memory(clock).expect("store")
}

fn bare(dir: &Path) -> String {
    std::fs::create_dir_all(dir).expect("dir");
    let ok =
        Command::new("git").arg("-C").arg(dir).args(["init", "--quiet", "--bare", "--initial-branch=main"]).status();
    assert!(ok.expect("git").success());
    dir.to_str().expect("utf-8").to_string()
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut legal = store();
    let who = legal
        .create_identity("Samuel Okafor", "s@northmoor.ac.uk", Some("Northmoor"), "p256", false)
        .expect("identity");
    let versions = legal.templates().expect("templates").len();
    let mut g = c.benchmark_group("library");
    g.sample_size(10);
    let mut n = 0;
    g.bench_function(format!("publish the shipped library ({versions} templates) to a local remote"), |b| {
        b.iter_batched(
            || {
                n += 1;
                bare(&tmp.path().join(format!("publish-{n}.git")))
            },
            |remote| legal.publish_library(&remote, None, Some(who.id), None).expect("publishes"),
            BatchSize::PerIteration,
        )
    });
    let remote = bare(&tmp.path().join("library.git"));
    legal.publish_library(&remote, None, Some(who.id), None).expect("publishes");
    g.bench_function("pull the release into a fresh store", |b| {
        b.iter_batched(
            || {
                let mut f = store();
                f.follow_library(&remote, std::slice::from_ref(&who.fingerprint), Some("lib"), None).expect("follows");
                f
            },
            |mut f| f.pull_library(Some("lib")).expect("pulls"),
            BatchSize::PerIteration,
        )
    });
    let mut f = store();
    f.follow_library(&remote, std::slice::from_ref(&who.fingerprint), Some("lib"), None).expect("follows");
    f.pull_library(Some("lib")).expect("pulls");
    g.bench_function("a pull that finds nothing new", |b| {
        b.iter(|| {
            let r = f.pull_library(Some("lib")).expect("pulls");
            assert!(r[0].unchanged);
            r
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
