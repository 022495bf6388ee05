//! Export (typeset + embed the draft), sign, and verify a twice-signed file, in process. The
//! whole-process figures (with the real credential store) come from scripts/bench.sh.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "../tests/common.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let doc = common::demo_document_with("collaboration", false);
    let opts = steward_pdf::ExportOptions {
        status: "Revision 1".into(),
        doc_id: "3f9a2b7c".into(),
        draft_mark: false,
        author: "Steward".into(),
        subject: "Research Collaboration Agreement".into(),
        created: 1_800_000_000,
        terms_heading: None,
        grids: Vec::new(),
    };
    let (k1, c1) = common::identity("Helen Achterberg", "The University of Sampletown", steward_sign::KeyKind::P256);
    let (k2, c2) = common::identity("Jonas Weidlich", "Sample Industries GmbH", steward_sign::KeyKind::P256);
    let draft = vec![b'x'; 40_000];
    let export = || {
        let out = steward_pdf::typeset(&doc, &opts).expect("typesets");
        let pdf =
            steward_pdf::embed_file(&out.pdf, "steward-draft.json", "application/json", &draft, "D:20270115000000Z")
                .expect("embeds");
        let b = &out.signature_boxes[0];
        steward_sign::sign(
            &pdf,
            &k1,
            &c1,
            &common::request("Helen Achterberg", "The University of Sampletown", Some((b.page, b.rect))),
        )
        .expect("signs")
    };
    let once = export();
    let twice = steward_sign::sign(&once, &k2, &c2, &common::request("Jonas Weidlich", "Sample Industries GmbH", None))
        .expect("countersigns");
    eprintln!("collaboration agreement: signed once {} bytes, twice {} bytes", once.len(), twice.len());
    let mut g = c.benchmark_group("pdf");
    g.sample_size(20);
    g.bench_function("typeset + embed draft + sign (collaboration, 18 pages)", |b| b.iter(|| black_box(export())));
    g.bench_function("phase: typeset", |b| b.iter(|| black_box(steward_pdf::typeset(&doc, &opts).expect("typesets"))));
    let typeset = steward_pdf::typeset(&doc, &opts).expect("typesets");
    g.bench_function("phase: embed draft", |b| {
        b.iter(|| {
            black_box(
                steward_pdf::embed_file(&typeset.pdf, "d.json", "application/json", &draft, "D:20270115000000Z")
                    .expect("embeds"),
            )
        })
    });
    let embedded = steward_pdf::embed_file(&typeset.pdf, "d.json", "application/json", &draft, "D:20270115000000Z")
        .expect("embeds");
    g.bench_function("phase: first signature", |b| {
        b.iter(|| black_box(steward_sign::sign(&embedded, &k1, &c1, &common::request("H", "U", None)).expect("signs")))
    });
    g.bench_function("countersign", |b| {
        b.iter(|| black_box(steward_sign::sign(&once, &k2, &c2, &common::request("J", "S", None)).expect("signs")))
    });
    g.bench_function("verify a twice-signed file", |b| {
        b.iter(|| black_box(steward_sign::verify(&twice).expect("verifies")))
    });
    // The parts of verification: the strict structure read, and the change analysis of the
    // countersignature's update (the whole object graph compared against the allow-list).
    use steward_sign::pdf::{changes, file::PdfFile, syntax::Obj};
    g.bench_function("phase: strict structure read (3 revisions)", |b| {
        b.iter(|| black_box(PdfFile::parse(&twice).expect("reads")))
    });
    let file = PdfFile::parse(&twice).expect("reads");
    let last = file.revisions.len() - 1;
    let second: std::collections::BTreeSet<u32> = changes::signature_fields(&file, last)
        .iter()
        .filter_map(|(_, f)| f.get(b"V").and_then(Obj::as_ref).map(|r| r.0))
        .filter(|n| file.defined_in(last, *n) == Some(last))
        .collect();
    assert!(changes::update_changes(&file, last, &second, &[]).is_empty());
    g.bench_function("phase: change analysis of the countersignature's update", |b| {
        b.iter(|| black_box(changes::update_changes(&file, last, &second, &[])))
    });
    // Signatures that last, against the test authority on 127.0.0.1 (the time includes its
    // HTTP round trip and its P-256 signature, as a real authority's would, less the network).
    let tsa = steward_testkit::pki::TestTsa::start();
    let http = steward_sign::HttpTsa::new(&tsa.url).expect("url");
    let bt_opts = steward_sign::SignOptions { chain: Vec::new(), stamper: Some(&http) };
    let sign_bt = || {
        steward_sign::sign_with_options(&embedded, &k1, &c1, &common::request("H", "U", None), &bt_opts).expect("signs")
    };
    g.bench_function("first signature with a time stamp (B-T, local authority)", |b| b.iter(|| black_box(sign_bt())));
    let bt = sign_bt();
    g.bench_function("verify a B-T file (signature and its time stamp)", |b| {
        b.iter(|| black_box(steward_sign::verify(&bt).expect("verifies")))
    });
    let r = steward_sign::verify(&bt).expect("verifies");
    let mut certs = vec![c1.clone(), tsa.certificate.clone(), tsa.root.clone()];
    certs.extend(r.signatures[0].carried.iter().cloned());
    g.bench_function("add a DSS (B-LT)", |b| {
        b.iter(|| black_box(steward_sign::add_dss(&bt, &certs, &[], &[]).expect("adds")))
    });
    let lt = steward_sign::add_dss(&bt, &certs, &[], &[]).expect("adds");
    g.bench_function("document time stamp (local authority)", |b| {
        b.iter(|| black_box(steward_sign::timestamp_document(&lt, &http).expect("stamps")))
    });
    let anchors = vec![steward_sign::chain::Anchor { name: "TSA root".into(), der: tsa.root.clone() }];
    let ts = r.signatures[0].timestamp.clone().expect("stamp");
    g.bench_function("certificate path of the time stamp", |b| {
        b.iter(|| {
            black_box(steward_sign::chain::validate(
                &ts.certificate,
                &r.signatures[0].carried,
                &anchors,
                ts.time_utc.expect("time"),
                steward_sign::chain::Purpose::TimeStamping,
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
