//! The attack corpus (steward-testkit) against `verify`: every forged file is refused with its
//! reason, every untampered file is accepted. The corpus is written to target/attack-corpus/ for
//! the independent verifiers (scripts/pyhanko_check.py, run by tests/independent.rs).

use steward_sign::KeyKind;
use steward_testkit::{attacks, identity, sample, sign_in_box, signed_samples};

fn write_corpus(dir: &std::path::Path, files: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(dir).expect("corpus dir");
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("write");
    }
}

#[test]
fn every_attack_is_refused_with_its_reason_and_every_original_verifies() {
    let victim = identity("Helen Achterberg", "The University of Sampletown", KeyKind::P256);
    let attacker = identity("Mallory Example", "Another Party", KeyKind::P256);
    let mut originals = signed_samples();
    let s = sample("nda-mutual");
    let once = sign_in_box(&s.pdf, &victim, "Helen Achterberg", &s.boxes, 0);
    originals.push(("nda-base.pdf".into(), once.clone()));
    for (name, pdf) in &originals {
        let r = steward_sign::verify(pdf).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(r.ok, "{name}: {}", attacks::reason(&Ok(r.clone())));
    }
    let sign_as_victim = |pdf: &[u8]| sign_in_box(pdf, &victim, "Helen Achterberg", &s.boxes, 0);
    let corpus = attacks::corpus(&once, &s.pdf, &sign_as_victim, (&attacker.0, &attacker.1));
    let kinds: std::collections::BTreeSet<&str> =
        corpus.iter().map(|a| a.name.split('/').next().unwrap_or("")).collect();
    assert!(corpus.len() >= 25, "{} attacks", corpus.len());
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    let mut failures = Vec::new();
    for a in &corpus {
        let r = steward_sign::verify(&a.file);
        let why = attacks::reason(&r);
        if why.is_empty() {
            failures.push(format!("{}: ACCEPTED ({})", a.name, a.description));
        } else if !why.to_lowercase().contains(&a.expect.to_lowercase()) {
            failures.push(format!("{}: refused, but for another reason: {why} (wanted '{}')", a.name, a.expect));
        }
    }
    assert!(failures.is_empty(), "{} of {} attacks:\n{}", failures.len(), corpus.len(), failures.join("\n"));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/attack-corpus");
    write_corpus(&dir.join("original"), &originals);
    let forged: Vec<(String, Vec<u8>)> =
        corpus.iter().map(|a| (format!("{}.pdf", a.name.replace('/', "--")), a.file.clone())).collect();
    write_corpus(&dir.join("forged"), &forged);
}
