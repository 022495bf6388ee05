//! The attack corpus (steward-testkit) against `verify`: every forged file is refused with its
//! reason, every untampered file is accepted. The corpus is written to target/attack-corpus/ for
//! the independent verifiers (scripts/pyhanko_check.py, run by tests/independent.rs).

mod common;

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
    let tmp = tempfile::tempdir().expect("tmp");
    for (name, pdf) in &originals {
        let r = steward_sign::verify(pdf).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(r.ok, "{name}: {}", attacks::reason(&Ok(r.clone())));
        // poppler and qpdf agree: every signature valid, no damage.
        let path = tmp.path().join(name);
        std::fs::write(&path, pdf).expect("write");
        if common::tool("pdfsig") {
            let o = std::process::Command::new("pdfsig").arg(&path).output().expect("pdfsig");
            let text = String::from_utf8_lossy(&o.stdout);
            assert_eq!(text.matches("Signature is Valid.").count(), r.signatures.len(), "{name}: {text}");
        }
        if common::tool("qpdf") {
            let o = std::process::Command::new("qpdf").arg("--check").arg(&path).output().expect("qpdf");
            assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stdout));
        }
    }
    // A signature made by the corpus's own hand signer, in order, is accepted: the refusals below
    // are for what each attack changes, not for how it was made.
    let control =
        attacks::hand_signed(&steward_testkit::update::Base::new(&once), (&attacker.0, &attacker.1), &|_, _, _| {});
    let r = steward_sign::verify(&control).expect("verifies");
    assert!(r.ok, "{}", attacks::reason(&Ok(r.clone())));
    originals.push(("hand-signed.pdf".into(), control));
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

/// The python with pyHanko: `STEWARD_PYHANKO`, or the test script's virtual environment.
fn pyhanko() -> Option<std::path::PathBuf> {
    let p = std::env::var_os("STEWARD_PYHANKO").map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pyhanko-venv/bin/python")
    });
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var("STEWARD_REQUIRE_TOOLS").is_err(),
        "pyHanko is required (scripts/test.sh installs it into target/pyhanko-venv)"
    );
    None
}

/// pyHanko, with its difference analysis, judges the same files: Steward never accepts a file
/// pyHanko rates as modified beyond signing, and pyHanko accepts every file Steward signed.
#[test]
fn pyhanko_agrees_where_steward_accepts() {
    let Some(python) = pyhanko() else { return };
    let victim = identity("Helen Achterberg", "The University of Sampletown", KeyKind::P256);
    let attacker = identity("Mallory Example", "Another Party", KeyKind::P256);
    let s = sample("nda-mutual");
    let once = sign_in_box(&s.pdf, &victim, "Helen Achterberg", &s.boxes, 0);
    let sign_as_victim = |pdf: &[u8]| sign_in_box(pdf, &victim, "Helen Achterberg", &s.boxes, 0);
    let mut files: Vec<(String, Vec<u8>, bool)> =
        signed_samples().into_iter().map(|(n, f)| (format!("original--{n}"), f, true)).collect();
    files.push(("original--nda-base.pdf".into(), once.clone(), true));
    let control =
        attacks::hand_signed(&steward_testkit::update::Base::new(&once), (&attacker.0, &attacker.1), &|_, _, _| {});
    files.push(("original--hand-signed.pdf".into(), control, true));
    for a in attacks::corpus(&once, &s.pdf, &sign_as_victim, (&attacker.0, &attacker.1)) {
        files.push((format!("{}.pdf", a.name.replace('/', "--")), a.file, false));
    }
    let dir = tempfile::tempdir().expect("tmp");
    for (name, bytes, _) in &files {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pyhanko_check.py");
    let out = std::process::Command::new(&python).arg(&script).arg(dir.path()).output().expect("runs pyHanko");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let verdicts: std::collections::BTreeMap<String, serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON line"))
        .map(|v| {
            let f = v["file"].as_str().unwrap_or("").rsplit('/').next().unwrap_or("").to_string();
            (f, v)
        })
        .collect();
    assert_eq!(verdicts.len(), files.len());
    let mut refused_by_both = 0;
    for (name, bytes, original) in &files {
        let v = &verdicts[name];
        let theirs = v["accepted"].as_bool() == Some(true);
        let ours = steward_sign::verify(bytes).is_ok_and(|r| r.ok);
        assert_eq!(ours, *original, "{name}: Steward {}", if ours { "accepted" } else { "refused" });
        if ours {
            assert!(theirs, "{name}: Steward accepts what pyHanko refuses: {v}");
        }
        if *original {
            assert!(theirs, "{name}: pyHanko refuses a file Steward signed: {v}");
        } else if !theirs {
            refused_by_both += 1;
        }
    }
    eprintln!("pyHanko refused {refused_by_both} of {} forged files too", files.iter().filter(|f| !f.2).count());
}
