//! Writes the seed corpus of every fuzz target from the demo, as a user's files would be: the
//! demo's signed PDFs (signed once, twice, three times) and the attack corpus made from them, the
//! embedded draft, the demo's exit pack, the ledger as CSV, the exported decision log, the shipped templates, their
//! demo values and the conditions they use. `cargo run -p steward-core --example fuzz_seeds -- DIR`
//! (scripts/fuzz.sh runs it).

use std::path::Path;
use std::sync::Arc;

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
    let d = dir.join(target);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
    std::fs::write(d.join(name), bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn main() {
    let dir = std::env::args().nth(1).map(std::path::PathBuf::from).unwrap_or_else(|| "target/fuzz-seeds".into());
    let clock =
        Arc::new(steward_core::FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time")));
    let mut s = steward_core::Steward::open_in_memory(clock).expect("store");
    let demo = s.install_demo().expect("demo");
    let mut pdfs = s.demo_signed_pdfs().expect("signed demo PDFs");
    let who = s.identities().expect("identities")[0].id;
    let nda = demo.agreement_ids[0];
    let once = s.export_agreement(nda, None, Some(who)).expect("export").pdf;
    let unsigned = s.export_agreement(nda, None, None).expect("export").pdf;
    pdfs.push(("once.pdf".into(), once.clone()));
    pdfs.push(("unsigned.pdf".into(), unsigned.clone()));
    let attacker = steward_testkit::identity("Mallory Example", "Another Party", steward_sign::KeyKind::P256);
    let victim = |pdf: &[u8]| s.sign_pdf(pdf, who, None).expect("signs");
    for a in steward_testkit::attacks::corpus(&once, &unsigned, &victim, (&attacker.0, &attacker.1)) {
        pdfs.push((format!("attack-{}.pdf", a.name.replace('/', "-")), a.file));
    }
    // The demo's finished collaboration, its last dataset certified, completed into its exit pack.
    let finished = s
        .collaborations(true)
        .expect("list")
        .into_iter()
        .find(|c| c.collaboration.title == steward_core::demo::DEMO_EXIT_TITLE)
        .expect("the demo exit")
        .collaboration
        .id;
    let exit = s.current_exit(finished).expect("exit");
    let cert = steward_core::exit::Certificate {
        method: steward_core::exit::Method::Return,
        media: "two encrypted USB drives".into(),
        performed_by: "Samuel Okafor".into(),
        performed_on: s.clock_today(),
        verification: "courier receipt".into(),
        media_fate: "returned to Ferrant".into(),
    };
    s.certify_dataset(exit, "D2", Some(&cert), None, Some(who)).expect("certified");
    let pack = s.complete_exit(exit, Some(who)).expect("exit pack").pdf;
    write(&dir, "exit_record", "exit-pack.pdf", &pack);
    // A library release as a follower reads it: the manifest, a NUL, its signature.
    let tmp = tempfile::tempdir().expect("tmp");
    let remote = tmp.path().join("library.git");
    std::fs::create_dir_all(&remote).expect("dir");
    let git = |dir: &Path, args: &[&str]| {
        let out = std::process::Command::new("git").arg("-C").arg(dir).args(args).output().expect("git");
        assert!(out.status.success(), "git {args:?}");
        out.stdout
    };
    git(&remote, &["init", "--quiet", "--bare", "--initial-branch=main"]);
    s.publish_library(remote.to_str().expect("utf-8"), None, Some(who), Some("seed")).expect("publishes");
    let manifest = git(&remote, &["show", "main:steward-library.json"]);
    let signature = git(&remote, &["show", "main:steward-library.sig"]);
    write(&dir, "library_release", "release-1.bin", &[manifest.as_slice(), b"\0", signature.as_slice()].concat());
    write(&dir, "library_release", "manifest-only.json", &manifest);
    write(&dir, "exit_record", "once.pdf", &once);
    pdfs.push(("exit-pack.pdf".into(), pack));
    // Signatures that last: a B-T signature from a test authority, then validation data and a
    // document time stamp; the authority's token and answer seed the time-stamp target.
    let tsa = steward_testkit::pki::TestTsa::start_at(Some(s.now()));
    s.set_time_stamping(steward_core::trust::lasting::TimeStamping::Url(tsa.url.clone()));
    let bt = s.export_agreement(nda, None, Some(who)).expect("B-T export").pdf;
    let lt = s.add_validation_data(&bt).expect("B-LT").pdf;
    let lta = s.timestamp_pdf(&lt).expect("B-LTA");
    pdfs.push(("bt.pdf".into(), bt));
    pdfs.push(("lt.pdf".into(), lt));
    pdfs.push(("lta.pdf".into(), lta));
    s.set_time_stamping(steward_core::trust::lasting::TimeStamping::Off);
    let http = steward_sign::HttpTsa::new(&tsa.url).expect("url");
    let token = steward_sign::TimeStamper::token(&http, &[0x5a; 32]).expect("token");
    write(&dir, "timestamp_token", "token.der", &token);
    let mut resp = vec![0x30, 0x82];
    resp.extend_from_slice(&u16::try_from(token.len() + 5).expect("small").to_be_bytes());
    resp.extend_from_slice(&[0x30, 0x03, 0x02, 0x01, 0x00]);
    resp.extend_from_slice(&token);
    write(&dir, "timestamp_token", "response.der", &resp);
    write(&dir, "timestamp_token", "tsa-root.der", &tsa.root);
    write(&dir, "timestamp_token", "tsa.der", &tsa.certificate);
    for a in s.trust_anchors().expect("anchors") {
        write(&dir, "timestamp_token", &format!("anchor-{}.der", a.id), &a.certificate);
    }
    for (name, pdf) in &pdfs {
        for target in ["pdf_structure", "pdf_changes", "partner_pdf"] {
            write(&dir, target, name, pdf);
        }
    }
    for (i, id) in demo.agreement_ids.iter().enumerate() {
        let draft = s.draft_document(*id, None, &[]).expect("draft");
        write(&dir, "embedded_draft", &format!("draft-{i}.json"), draft.as_bytes());
    }
    write(&dir, "ledger_csv", "demo-ledger.csv", &s.export_ledger_csv(demo.collaboration_id).expect("csv"));
    let log = serde_json::to_vec_pretty(&s.export_decisions(demo.collaboration_id).expect("log")).expect("json");
    write(&dir, "decision_log", "demo-log.json", &log);
    for f in steward_clauses::shipped::template_files() {
        write(&dir, "template_file", &f.name.replace('/', "-"), f.text.as_bytes());
        if f.text.contains("[[obligations]]") {
            write(&dir, "obligation_rules", &f.name.replace('/', "-"), f.text.as_bytes());
        }
        for line in f.text.lines().filter(|l| l.trim_start().starts_with("include_if") || l.contains("when =")) {
            if let Some((_, cond)) = line.split_once('=') {
                let c = cond.trim().trim_matches('"');
                write(&dir, "condition", &format!("{:016x}.txt", fxhash(c)), c.as_bytes());
            }
        }
    }
    word_seeds(&dir);
    for kind in ["nda-mutual", "nda-one-way", "publication", "collaboration"] {
        if let Some(v) = steward_clauses::shipped::demo_values(kind) {
            write(&dir, "vars_file", &format!("{kind}.json"), v.as_bytes());
        }
    }
    use steward_diligence::samples;
    let ff = "\u{0c}";
    let ofac = format!("{}{ff}{}{ff}{}", samples::SDN, samples::ALT, samples::ADD);
    for (name, text) in [
        ("ofac.csv", ofac.as_str()),
        ("uk.csv", samples::UK),
        ("eu.csv", samples::EU),
        ("csl.csv", samples::CSL),
        ("generic.csv", samples::GENERIC),
        ("sdn.xml", samples::OFAC_XML),
        ("eu.xml", samples::EU_XML),
        ("demo-watch-list.csv", steward_core::demo::DEMO_WATCH_LIST),
    ] {
        write(&dir, "sanctions_list", name, text.as_bytes());
    }
    write(&dir, "questionnaire", "trusted-research.toml", steward_diligence::shipped::TEXT.as_bytes());
    println!("seeds written to {} ({} PDFs)", dir.display(), pdfs.len());
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// Word files exported from a demo store whose ids and clock are fixed (the fuzz target opens the
/// same one), as sent and as a partner's counsel returns them: the demo's own received Word draft,
/// and each kind with a tracked change, a comment and a clause struck out.
fn word_seeds(dir: &Path) {
    let clock =
        Arc::new(steward_core::FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time")));
    let s = steward_core::Steward::open_in_memory(clock).expect("store");
    let mut s = s.with_ids(Arc::new(steward_core::SequentialIds::default()));
    let demo = s.install_demo().expect("demo");
    for r in s.received_drafts(None).expect("received") {
        if r.format == steward_core::exchange::FileFormat::Docx {
            write(dir, "word_file", &r.file_name, &s.received_file(r.id).expect("file"));
        }
    }
    for (i, id) in demo.agreement_ids.iter().enumerate() {
        let docx = s.export_agreement_docx(*id, None).expect("docx").docx;
        write(dir, "word_file", &format!("agreement-{i}.docx"), &docx);
        let doc = s.render_agreement(*id, None).expect("render");
        let Some(section) = doc.sections.get(2) else { continue };
        let Some(block) = section.blocks.iter().find(|b| b.refs.is_empty() && b.text.len() > 20) else { continue };
        let word = block.text.split(' ').next().unwrap_or_default();
        let edits = [steward_docx::edit::Edit {
            clause: &section.clause_id,
            find: word,
            replace: "Save as agreed,",
            tracked: true,
            comment: Some("Seed comment"),
        }];
        let edited = steward_docx::edit::edit(&docx, &edits, "Seed Partner", "2027-01-20T09:30:00Z").expect("edit");
        write(dir, "word_file", &format!("agreement-{i}-edited.docx"), &edited);
    }
}
