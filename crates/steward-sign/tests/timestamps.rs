//! Signatures that last: RFC 3161 time stamps from a test authority on 127.0.0.1 (PAdES B-T),
//! document time stamps, a DSS of validation data (B-LT), and certificate paths to trust
//! anchors. pyHanko checks the same files when it is installed (required in CI).

mod common;

use chrono::{Days, NaiveDate, Utc};
use common::{demo_document, request};
use std::process::Command;
use steward_sign::chain::{self, Anchor, PathResult, Purpose};
use steward_sign::{HttpTsa, Integrity, SignOptions, TimeStamper};
use steward_testkit::pki::{Ca, TestTsa, TsaMode};

fn pdf() -> (Vec<u8>, Vec<steward_pdf::SignatureBox>) {
    let opts = steward_pdf::ExportOptions {
        status: "Revision 1".into(),
        doc_id: "3f9a2b7c".into(),
        draft_mark: false,
        author: "Steward".into(),
        subject: "Non-disclosure agreement".into(),
        created: 1_800_000_000,
        terms_heading: None,
        grids: Vec::new(),
    };
    let out = steward_pdf::typeset(&demo_document("nda-mutual"), &opts).expect("typesets");
    (out.pdf, out.signature_boxes)
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

struct Institution {
    root: Ca,
    intermediate: Ca,
}

fn institution() -> Institution {
    let root = Ca::root("Northmoor Test Root CA", today() - Days::new(3000), today() + Days::new(7000));
    let intermediate =
        root.intermediate("Northmoor Test Signing CA", today() - Days::new(1000), today() + Days::new(3000));
    Institution { root, intermediate }
}

fn anchor(name: &str, der: &[u8]) -> Vec<Anchor> {
    vec![Anchor { name: name.into(), der: der.to_vec() }]
}

fn sign_bt(tsa: &TestTsa, inst: &Institution) -> (Vec<u8>, Vec<u8>) {
    let (pdf, boxes) = pdf();
    let (key, cert) = inst.intermediate.signer(
        "Helen Achterberg",
        "The University of Northmoor",
        "h.achterberg@northmoor.ac.uk",
        today() - Days::new(30),
        today() + Days::new(700),
    );
    let http = HttpTsa::new(&tsa.url).expect("url");
    let opts = SignOptions { chain: vec![inst.intermediate.der.clone()], stamper: Some(&http) };
    let b = &boxes[0];
    let signed = steward_sign::sign_with_options(
        &pdf,
        &key,
        &cert,
        &request("Helen Achterberg", "The University of Northmoor", Some((b.page, b.rect))),
        &opts,
    )
    .expect("signs B-T");
    (signed, cert)
}

#[test]
fn a_signature_carries_the_authoritys_time_stamp_and_verify_checks_it() {
    let tsa = TestTsa::start();
    let inst = institution();
    let (signed, cert) = sign_bt(&tsa, &inst);
    assert_eq!(tsa.served(), 1);
    let r = steward_sign::verify(&signed).expect("verifies");
    assert!(r.ok, "{r:#?}");
    let s = &r.signatures[0];
    let ts = s.timestamp.as_ref().expect("a time stamp");
    assert!(ts.valid, "{ts:?}");
    assert_eq!(ts.authority, "Steward Test TSA (Steward Test Trust Services)");
    let stamped = chrono::DateTime::parse_from_rfc3339(&ts.time).expect("time");
    assert!((Utc::now() - stamped.with_timezone(&Utc)).num_seconds().abs() < 120, "{}", ts.time);
    // The signer's path: through the intermediate carried in the signature to the root.
    let at = ts.time_utc.expect("time");
    match chain::validate(&cert, &s.carried, &anchor("Northmoor root", &inst.root.der), at, Purpose::Signing) {
        PathResult::Trusted { anchor, path } => {
            assert_eq!(anchor, "Northmoor root");
            assert_eq!(path, ["Helen Achterberg", "Northmoor Test Signing CA", "Northmoor Test Root CA"]);
        }
        other => panic!("{other:?}"),
    }
    // The authority's path, for time stamping.
    let tsa_path =
        chain::validate(&ts.certificate, &s.carried, &anchor("TSA root", &tsa.root), at, Purpose::TimeStamping);
    assert!(matches!(tsa_path, PathResult::Trusted { .. }), "{tsa_path:?}");
    // The authority's certificate is no signer's, nor is the signer's an authority's.
    assert!(matches!(
        chain::validate(&cert, &s.carried, &anchor("Northmoor root", &inst.root.der), at, Purpose::TimeStamping),
        PathResult::Broken { .. }
    ));

    if let Some(python) = pyhanko() {
        let dir = tempfile::tempdir().expect("dir");
        let (f, r1, r2) = (dir.path().join("bt.pdf"), dir.path().join("root.der"), dir.path().join("tsa.der"));
        std::fs::write(&f, &signed).expect("write");
        std::fs::write(&r1, &inst.root.der).expect("write");
        std::fs::write(&r2, &tsa.root).expect("write");
        let v = pyhanko_view(&python, &f, &[&r1, &r2]);
        let sig = &v["signatures"][0];
        assert_eq!(sig["intact"], true, "{v}");
        assert_eq!(sig["valid"], true, "{v}");
        assert_eq!(sig["trusted"], true, "{v}");
        assert_eq!(sig["timestamp"]["valid"], true, "{v}");
        assert_eq!(sig["timestamp"]["trusted"], true, "{v}");
        let theirs = chrono::DateTime::parse_from_rfc3339(sig["timestamp"]["time"].as_str().expect("time")).expect("t");
        assert_eq!(theirs.with_timezone(&Utc), stamped.with_timezone(&Utc), "pyHanko reads the same stamped time");
        // Without the authority's root, pyHanko does not trust the stamp either.
        let v = pyhanko_view(&python, &f, &[&r1]);
        assert_eq!(v["signatures"][0]["timestamp"]["trusted"], false, "{v}");
    }
}

#[test]
fn paths_that_break_are_named() {
    let inst = institution();
    let at = Utc::now();
    let (_, cert) = inst.intermediate.signer("A Signer", "Org", "a@example.org", today(), today() + Days::new(10));
    let pool = vec![inst.intermediate.der.clone()];
    let anchors = anchor("Northmoor root", &inst.root.der);
    // Without the intermediate, no path.
    match chain::validate(&cert, &[], &anchors, at, Purpose::Signing) {
        PathResult::Broken { problem } => assert!(problem.contains("issued A Signer"), "{problem}"),
        other => panic!("{other:?}"),
    }
    // No anchors at all.
    assert_eq!(chain::validate(&cert, &pool, &[], at, Purpose::Signing), PathResult::NoAnchors);
    // Another institution's root is no anchor for this path.
    let other = Ca::root("Other Root", today() - Days::new(10), today() + Days::new(100));
    assert!(matches!(
        chain::validate(&cert, &pool, &anchor("Other", &other.der), at, Purpose::Signing),
        PathResult::Broken { .. }
    ));
    // Checked at a time after the signer's certificate expired.
    match chain::validate(&cert, &pool, &anchors, at + chrono::Duration::days(40), Purpose::Signing) {
        PathResult::Broken { problem } => assert!(problem.contains("A Signer expired on"), "{problem}"),
        other => panic!("{other:?}"),
    }
    // An expired intermediate breaks the path though the signer's certificate is valid.
    let old = inst.root.intermediate("Old Signing CA", today() - Days::new(900), today() - Days::new(5));
    let (_, c2) = old.signer("B Signer", "Org", "b@example.org", today() - Days::new(10), today() + Days::new(10));
    match chain::validate(&c2, std::slice::from_ref(&old.der), &anchors, at, Purpose::Signing) {
        PathResult::Broken { problem } => assert!(problem.contains("Old Signing CA expired on"), "{problem}"),
        other => panic!("{other:?}"),
    }
    // A signer's certificate cannot issue one: its forged "CA" is not a certificate authority.
    let fake = Ca::root("Forged CA", today() - Days::new(10), today() + Days::new(100));
    let (_, c3) = fake.signer("C Signer", "Org", "c@example.org", today() - Days::new(1), today() + Days::new(10));
    assert!(matches!(
        chain::validate(&c3, std::slice::from_ref(&fake.der), &anchors, at, Purpose::Signing),
        PathResult::Broken { .. }
    ));
    // A pinned end certificate is its own anchor.
    assert!(matches!(
        chain::validate(&cert, &[], &anchor("pinned", &cert), at, Purpose::Signing),
        PathResult::Trusted { .. }
    ));
    assert!(chain::is_ca(&inst.root.der) && chain::is_ca(&inst.intermediate.der) && !chain::is_ca(&cert));
}

/// A stamper that asks for a token over other bytes than the signature value: what an attacker
/// who moved a token from another signature would hold.
struct Misplaced(HttpTsa);

impl TimeStamper for Misplaced {
    fn token(&self, _sha256: &[u8]) -> Result<Vec<u8>, steward_sign::SignError> {
        use sha2::Digest;
        self.0.token(&sha2::Sha256::digest(b"another signature"))
    }
}

#[test]
fn a_token_for_other_bytes_a_refusing_or_unreachable_authority_are_errors() {
    let tsa = TestTsa::start();
    let (pdf, _) = pdf();
    let (key, cert) =
        steward_testkit::identity("Helen Achterberg", "The University of Northmoor", steward_sign::KeyKind::P256);
    let req = request("Helen Achterberg", "The University of Northmoor", None);
    // A token moved from elsewhere: verify says the stamp is for other data, and the file is not ok.
    let moved = Misplaced(HttpTsa::new(&tsa.url).expect("url"));
    let signed =
        steward_sign::sign_with_options(&pdf, &key, &cert, &req, &SignOptions { chain: vec![], stamper: Some(&moved) })
            .expect("signs");
    let r = steward_sign::verify(&signed).expect("verifies");
    let ts = r.signatures[0].timestamp.as_ref().expect("stamp");
    assert!(!ts.valid && ts.problem.as_deref().is_some_and(|p| p.contains("for other data")), "{ts:?}");
    assert_eq!(r.signatures[0].integrity, Integrity::Valid);
    assert!(!r.ok);
    // An authority answering for other data than asked is refused at signing.
    tsa.set_mode(TsaMode::OtherImprint);
    let http = HttpTsa::new(&tsa.url).expect("url");
    let e =
        steward_sign::sign_with_options(&pdf, &key, &cert, &req, &SignOptions { chain: vec![], stamper: Some(&http) })
            .expect_err("refused");
    assert!(e.to_string().contains("a token for other data"), "{e}");
    tsa.set_mode(TsaMode::Refuses);
    let e = http.token(&[0u8; 32]).expect_err("refused");
    assert!(e.to_string().contains("refuses the request (status 2)"), "{e}");
    tsa.set_mode(TsaMode::ServerError);
    let e = http.token(&[0u8; 32]).expect_err("refused");
    assert!(e.to_string().contains("answered HTTP 500"), "{e}");
    // Nobody listening.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
    let e = HttpTsa::new(&format!("http://{closed}/")).expect("url").token(&[0u8; 32]).expect_err("unreachable");
    assert!(e.to_string().contains("could not be reached"), "{e}");
    assert!(HttpTsa::new("ftp://tsa.example").is_err() && HttpTsa::new("tsa.example").is_err());
}

#[test]
fn a_document_time_stamp_and_a_dss_are_accepted_after_signatures() {
    let tsa = TestTsa::start();
    let inst = institution();
    let (signed, cert) = sign_bt(&tsa, &inst);
    // B-LT: the chain and the authority's certificates in a DSS, as an incremental update.
    let r = steward_sign::verify(&signed).expect("verifies");
    let s = &r.signatures[0];
    assert!(!s.ltv && r.dss.is_none());
    let mut certs = vec![cert.clone(), inst.intermediate.der.clone(), inst.root.der.clone()];
    certs.push(s.timestamp.as_ref().expect("stamp").certificate.clone());
    certs.push(tsa.root.clone());
    let lt = steward_sign::add_dss(&signed, &certs, &[], &[]).expect("adds a DSS");
    assert!(lt.starts_with(&signed));
    let r = steward_sign::verify(&lt).expect("verifies");
    assert!(r.ok, "{r:#?}");
    assert!(r.signatures[0].ltv, "every certificate of the chain is in the DSS");
    assert_eq!(r.dss.as_ref().map(|d| d.certificates), Some(5));
    // Adding the same again adds nothing new to the lists.
    let again = steward_sign::add_dss(&lt, &certs, &[], &[]).expect("adds");
    assert_eq!(steward_sign::verify(&again).expect("verifies").dss.map(|d| d.certificates), Some(5));
    // B-LTA: a document time stamp over all of it.
    let http = HttpTsa::new(&tsa.url).expect("url");
    let lta = steward_sign::timestamp_document(&lt, &http).expect("stamps the document");
    let r = steward_sign::verify(&lta).expect("verifies");
    assert!(r.ok, "{r:#?}");
    assert_eq!(r.signatures.len(), 2);
    let d = &r.signatures[1];
    assert!(d.document_timestamp && d.covers_whole_file && d.timestamp.as_ref().is_some_and(|t| t.valid), "{d:?}");
    assert!(r.signatures[0].modified_after_signing.is_empty());
    // One changed byte in the stamped range: the document time stamp no longer holds.
    let mut bad = lta.clone();
    let at = bad.len() - 40;
    bad[at] ^= 0x01;
    if let Ok(r) = steward_sign::verify(&bad) {
        assert!(!r.ok);
    }
    if tool_present("pdfsig") {
        let dir = tempfile::tempdir().expect("dir");
        let f = dir.path().join("lta.pdf");
        std::fs::write(&f, &lta).expect("write");
        let out = Command::new("pdfsig").arg(&f).output().expect("pdfsig");
        let text = String::from_utf8_lossy(&out.stdout);
        // Poppler before 23 knows no ETSI.RFC3161 sub-filter: it lists the document time stamp
        // as of an unknown type and leaves it unverified. It must never call either one invalid.
        let valid = text.matches("Signature is Valid.").count();
        let unknown = text.contains("Signature Type: unknown") && text.contains("Signature has not yet been verified.");
        assert!(valid == 2 || (valid == 1 && unknown), "{text}");
        assert!(!text.contains("Invalid") && !text.contains("Digest Mismatch"), "{text}");
    }
    if let Some(python) = pyhanko() {
        let dir = tempfile::tempdir().expect("dir");
        let (f, r1, r2) = (dir.path().join("lta.pdf"), dir.path().join("root.der"), dir.path().join("tsa.der"));
        std::fs::write(&f, &lta).expect("write");
        std::fs::write(&r1, &inst.root.der).expect("write");
        std::fs::write(&r2, &tsa.root).expect("write");
        let v = pyhanko_view(&python, &f, &[&r1, &r2]);
        let sigs = v["signatures"].as_array().expect("list");
        assert_eq!(sigs.len(), 2, "{v}");
        assert_eq!(sigs[0]["valid"], true, "{v}");
        assert_eq!(sigs[0]["trusted"], true, "{v}");
        assert_eq!(sigs[1]["document_timestamp"], true, "{v}");
        assert_eq!(sigs[1]["valid"], true, "{v}");
        assert_eq!(sigs[1]["trusted"], true, "{v}");
    }
}

fn tool_present(name: &str) -> bool {
    common::tool(name)
}

/// The python with pyHanko: `STEWARD_PYHANKO`, or the test script's virtual environment.
fn pyhanko() -> Option<std::path::PathBuf> {
    let p = std::env::var_os("STEWARD_PYHANKO").map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pyhanko-venv/bin/python")
    });
    if p.exists() {
        return Some(p);
    }
    assert!(std::env::var("STEWARD_REQUIRE_TOOLS").is_err(), "pyHanko is required (scripts/test.sh installs it)");
    None
}

fn pyhanko_view(python: &std::path::Path, file: &std::path::Path, roots: &[&std::path::Path]) -> serde_json::Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pyhanko_timestamps.py");
    let out = Command::new(python).arg(script).arg(file).args(roots).output().expect("pyhanko");
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("{e}: {text} {}", String::from_utf8_lossy(&out.stderr)));
    assert!(v["error"].is_null(), "{v}");
    v
}
