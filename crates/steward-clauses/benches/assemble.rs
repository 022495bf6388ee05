//! Assembling and rendering the demo collaboration agreement (the largest shipped kind) to the
//! document model, with the library already compiled as the app holds it. Target: under 5 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use steward_clauses::check::{self, sample_parties};
use steward_clauses::{DraftInput, Library, Template, assemble, shipped};

fn setup() -> (Library, DraftInput) {
    let checked = check::check(&shipped::template_files(), &[]);
    assert!(checked.errors.is_empty(), "{:?}", checked.errors);
    let mut lib = Library::new();
    let (mut kind, mut pins) = (String::new(), BTreeMap::new());
    for (file, t) in checked.templates {
        let (is_kind, id) = (matches!(t, Template::Kind(_)), t.id().to_string());
        let hash = lib.add(&file, t).expect("adds");
        if is_kind {
            if id == "collaboration" {
                kind = hash;
            }
        } else {
            pins.insert(id, hash);
        }
    }
    let mut set: BTreeMap<String, Json> =
        serde_json::from_str(shipped::demo_values("collaboration").expect("demo")).expect("json");
    // The demo names parties by short name; the sample parties have their own.
    for (k, v) in [
        ("company_party", "Sample Industries"),
        ("coordinator_party", "Sampletown"),
        ("data_controller_party", "Sampletown"),
    ] {
        if set.contains_key(k) {
            set.insert(k.into(), Json::String(v.into()));
        }
    }
    set.insert("university_names".into(), serde_json::json!(["Sampletown", "Sample Tech"]));
    let input = DraftInput {
        kind_version: kind,
        title: None,
        pins,
        previous: BTreeMap::new(),
        set,
        fallbacks: BTreeMap::new(),
        parties: sample_parties(),
        flags: BTreeSet::new(),
        ..Default::default()
    };
    (lib, input)
}

fn bench(c: &mut Criterion) {
    let (lib, input) = setup();
    let (spec, _) = assemble::prepare(&lib, &input).unwrap_or_else(|p| panic!("{p:?}"));
    c.bench_function("collaboration: prepare + render to document model", |b| {
        b.iter(|| {
            let (spec, _) = assemble::prepare(&lib, black_box(&input)).expect("valid");
            black_box(assemble::render(&lib, &spec).expect("renders"))
        })
    });
    c.bench_function("collaboration: render a stored revision", |b| {
        b.iter(|| black_box(assemble::render(&lib, black_box(&spec)).expect("renders")))
    });
    let doc = assemble::render(&lib, &spec).expect("renders");
    c.bench_function("collaboration: document to text", |b| b.iter(|| black_box(doc.to_text())));
    c.bench_function("library: check and compile the shipped library", |b| b.iter(setup));
}

criterion_group!(benches, bench);
criterion_main!(benches);
