//! Screening speed: 1,000 party names against a 20,000-entry list, and reading such a list.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use steward_diligence::screening::{Index, SourceFile, THRESHOLD, lists};

const COMMON_WORDS: &[&str] = &[
    "advanced",
    "aerospace",
    "institute",
    "technology",
    "university",
    "research",
    "centre",
    "national",
    "defence",
    "systems",
    "electronics",
    "materials",
    "laboratory",
    "quantum",
    "industries",
    "trading",
    "shipping",
    "energy",
    "engineering",
    "science",
    "academy",
    "military",
    "precision",
    "optics",
    "nuclear",
];
const SYLLABLES: &[&str] =
    &["ka", "ro", "mi", "tan", "vel", "sho", "dar", "lin", "bek", "zu", "ney", "por", "gal", "fi", "um", "ast"];

/// A made-up distinctive word: four syllables from `n`.
fn word(n: usize) -> String {
    (0..4).map(|k| SYLLABLES[(n >> (4 * k)) % 16]).collect()
}

/// A deterministic, name-like string: two distinctive words and two common ones.
fn name(i: usize) -> String {
    let h = i.wrapping_mul(2_654_435_761) % 65536;
    format!(
        "{} {} {} {}",
        word(h),
        word((h * 7 + i) % 65536),
        COMMON_WORDS[i % COMMON_WORDS.len()],
        COMMON_WORDS[(i / 3) % COMMON_WORDS.len()]
    )
}

fn csv_list(n: usize) -> String {
    let mut s = String::from("name,aliases,country,list,reference\n");
    for i in 0..n {
        s.push_str(&format!("{},{} Ltd,RU,bench,E{i}\n", name(i), name(i + 100_000)));
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = csv_list(20_000);
    let file = SourceFile { name: "list.csv", bytes: text.as_bytes() };
    c.bench_function("screening/import 20,000-entry list", |b| {
        b.iter(|| black_box(lists::parse(&[file]).expect("parses")))
    });
    let list = lists::parse(&[file]).expect("parses").remove(0);
    let queries: Vec<String> = (0..1000).map(|i| if i % 10 == 0 { name(i * 17) } else { name(200_000 + i) }).collect();
    c.bench_function("screening/index and screen 1,000 names against 20,000 entries (a whole check)", |b| {
        b.iter(|| black_box(Index::new(&list.entries).search_all(&queries, THRESHOLD).len()))
    });
    c.bench_function("screening/index 20,000 entries (once per check)", |b| {
        b.iter(|| black_box(Index::new(&list.entries)))
    });
    let index = Index::new(&list.entries);
    c.bench_function("screening/1,000 names against 20,000 entries", |b| {
        b.iter(|| {
            let hits: usize = index.search_all(&queries, THRESHOLD).iter().map(Vec::len).sum();
            black_box(hits)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
