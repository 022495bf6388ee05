//! The Word round trip in process: the demo collaboration agreement exported as .docx, a
//! partner's edited copy read, and imported with its redline (into a fresh copy of the store each
//! time, as a user's one import is).

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use steward_core::{FixedClock, Steward};
use steward_docx::edit::{Edit, edit};

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time")))
}

/// The demo store on disk, its ids fixed (so that a copy of it knows the exported agreement).
fn demo(path: &std::path::Path) -> (Steward, i64) {
    let s = Steward::open(path, clock()).expect("store");
    let mut s = s
        .with_ids(Arc::new(steward_core::SequentialIds::default()))
        .with_secrets(Arc::new(steward_core::secrets::KeyringStore::mock()));
    let d = s.install_demo().expect("demo");
    (s, d.agreement_ids[3])
}

fn word(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("dir");
    let base = dir.path().join("base.db");
    let (s, agreement) = demo(&base);
    let mut g = c.benchmark_group("word");
    g.bench_function("export the demo collaboration agreement as .docx", |b| {
        b.iter(|| s.export_agreement_docx(agreement, None).expect("docx"))
    });
    let docx = s.export_agreement_docx(agreement, None).expect("docx").docx;
    let doc = s.render_agreement(agreement, None).expect("doc");
    let block = |i: usize| {
        let sec = &doc.sections[i];
        let b = sec.blocks.iter().find(|b| b.refs.is_empty() && b.text.len() > 40).expect("block");
        (sec.clause_id.clone(), b.text.split(' ').nth(3).expect("word").to_string())
    };
    let ((c1, w1), (c2, w2)) = (block(4), block(7));
    let edits = [
        Edit { clause: &c1, find: &w1, replace: "promptly", tracked: true, comment: Some("Why?") },
        Edit { clause: &c2, find: &w2, replace: "reasonably", tracked: false, comment: None },
    ];
    let edited = edit(&docx, &edits, "Bench Partner", "2027-01-20T09:30:00Z").expect("edited");
    g.bench_function("read an edited .docx", |b| b.iter(|| steward_docx::read(&edited).expect("reads")));
    g.sample_size(20);
    drop(s);
    let run = dir.path().join("run.db");
    g.bench_function("import an edited .docx and redline it (fresh copy of the store each time)", |b| {
        b.iter_batched(
            || {
                std::fs::copy(&base, &run).expect("copy");
                Steward::open(&run, clock()).expect("store")
            },
            |mut s| {
                let r = s.import_partner_docx(&edited, "bench.docx").expect("imports");
                s.exchange_redline(r.received.id).expect("redline")
            },
            criterion::BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, word);
criterion_main!(benches);
