//! Sign, countersign, tamper and verify real typeset agreements; independent verifiers
//! (pdfsig, qpdf) check the same files when they are installed (the README's test command
//! installs them, and CI requires them with STEWARD_REQUIRE_TOOLS=1).

mod common;

use common::{demo_document, identity, request, tool};
use std::process::Command;
use steward_sign::{Integrity, KeyKind, keys};

#[test]
fn typeset_sign_countersign_verify_and_tamper() {
    let doc = demo_document("collaboration");
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
    let out = steward_pdf::typeset(&doc, &opts).expect("typesets");
    let draft = br#"{"format":"steward-draft","version":1}"#;
    let pdf =
        steward_pdf::embed_file(&out.pdf, steward_pdf::DRAFT_FILE_NAME, "application/json", draft, "D:20270115000000Z")
            .expect("embeds");
    assert!(out.pages >= 10, "{} pages", out.pages);
    assert_eq!(out.signature_boxes.len(), 3);

    let (k1, c1) = identity("Helen Achterberg", "The University of Sampletown", KeyKind::P256);
    let b1 = &out.signature_boxes[0];
    let once = steward_sign::sign(
        &pdf,
        &k1,
        &c1,
        &request("Helen Achterberg", "The University of Sampletown", Some((b1.page, b1.rect))),
    )
    .expect("signs");
    assert!(once.starts_with(&pdf), "an incremental update keeps the original bytes");
    let (k2, c2) = identity("Jonas Weidlich", "Sample Industries GmbH", KeyKind::Rsa3072);
    let b3 = &out.signature_boxes[2];
    let twice = steward_sign::sign(
        &once,
        &k2,
        &c2,
        &request("Jonas Weidlich", "Sample Industries GmbH", Some((b3.page, b3.rect))),
    )
    .expect("countersigns");
    assert!(twice.starts_with(&once));

    let r = steward_sign::verify(&twice).expect("verifies");
    assert!(r.ok, "{r:#?}");
    assert_eq!(r.signatures.len(), 2);
    assert_eq!(r.signatures[0].signer, "Helen Achterberg");
    assert_eq!(r.signatures[0].organisation.as_deref(), Some("The University of Sampletown"));
    assert!(!r.signatures[0].covers_whole_file && r.signatures[1].covers_whole_file);
    assert_eq!(
        r.signatures[0].modified_after_signing,
        Vec::<String>::new(),
        "a countersignature only adds a signature"
    );
    assert_eq!(r.signatures[0].draft_matches, Some(true));
    assert_eq!(r.draft.as_deref(), Some(&draft[..]));

    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("twice.pdf");
    std::fs::write(&path, &twice).expect("write");
    std::fs::create_dir_all("../../target/pdf").ok();
    std::fs::write("../../target/pdf/collaboration-signed.pdf", &twice).ok();
    if tool("pdfsig") {
        let o = Command::new("pdfsig").arg(&path).output().expect("pdfsig");
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(text.matches("Signature is Valid.").count(), 2, "{text}");
    }
    if tool("qpdf") {
        let o = Command::new("qpdf").arg("--check").arg(&path).output().expect("qpdf");
        assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    }

    // One flipped byte inside the first signed range breaks both signatures.
    let mut bad = twice.clone();
    let at = bad.len() / 3;
    bad[at] ^= 0x01;
    let r = steward_sign::verify(&bad).expect("still readable");
    assert!(!r.ok);
    assert!(r.signatures.iter().all(|s| s.integrity == Integrity::DigestMismatch), "{r:#?}");
    if tool("pdfsig") {
        let p = dir.path().join("bad.pdf");
        std::fs::write(&p, &bad).expect("write");
        let o = Command::new("pdfsig").arg(&p).output().expect("pdfsig");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(!text.contains("Signature is Valid."), "{text}");
    }
}

#[test]
fn a_page_changed_after_signing_is_caught_even_though_the_signature_is_intact() {
    let doc = demo_document("nda-mutual");
    let opts = steward_pdf::ExportOptions {
        status: "Draft".into(),
        doc_id: "1".into(),
        draft_mark: true,
        author: "Steward".into(),
        subject: "NDA".into(),
        created: 1_800_000_000,
        terms_heading: None,
        grids: Vec::new(),
    };
    let out = steward_pdf::typeset(&doc, &opts).expect("typesets");
    let (k, c) = identity("Aiko Tanabe", "Sample Tech", KeyKind::P256);
    let signed = steward_sign::sign(&out.pdf, &k, &c, &request("Aiko Tanabe", "Sample Tech", None)).expect("signs");
    // The attack: an appended revision that replaces page 1's content, with no new signature.
    let mut inc =
        lopdf::IncrementalDocument::create_from(signed.clone(), lopdf::Document::load_mem(&signed).expect("load"));
    let page = *inc.get_prev_documents().get_pages().get(&1).expect("page 1");
    let content = inc.new_document.add_object(lopdf::Stream::new(
        lopdf::Dictionary::new(),
        b"BT /F1 30 Tf 100 700 Td (Nothing agreed) Tj ET".to_vec(),
    ));
    inc.opt_clone_object_to_new_document(page).expect("clone");
    inc.new_document.get_object_mut(page).and_then(lopdf::Object::as_dict_mut).expect("dict").set("Contents", content);
    let mut attacked = Vec::new();
    inc.save_to(&mut attacked).expect("save");
    let r = steward_sign::verify(&attacked).expect("readable");
    assert_eq!(r.signatures[0].integrity, Integrity::Valid, "the signed bytes are untouched");
    assert!(!r.ok);
    assert!(r.signatures[0].modified_after_signing.iter().any(|m| m.starts_with("page 1")), "{r:#?}");
}

#[test]
fn damaged_and_foreign_files_give_clear_errors() {
    assert!(steward_sign::verify(b"hello").expect_err("not a pdf").to_string().contains("not a PDF"));
    let doc = demo_document("nda-mutual");
    let opts = steward_pdf::ExportOptions {
        status: "Draft".into(),
        doc_id: "1".into(),
        draft_mark: true,
        author: "S".into(),
        subject: "S".into(),
        created: 0,
        terms_heading: None,
        grids: Vec::new(),
    };
    let pdf = steward_pdf::typeset(&doc, &opts).expect("typesets").pdf;
    let r = steward_sign::verify(&pdf).expect("unsigned is readable");
    assert!(r.signatures.is_empty() && !r.ok, "an unsigned file is not ok");
    let (k, c) = identity("A B", "O", KeyKind::P256);
    let signed = steward_sign::sign(&pdf, &k, &c, &request("A B", "O", None)).expect("signs");
    let truncated = &signed[..signed.len() - 200];
    match steward_sign::verify(truncated) {
        Err(e) => assert!(e.to_string().contains("damaged") && e.to_string().contains("%%EOF"), "{e}"),
        Ok(r) => assert!(!r.ok, "a truncated file never verifies: {r:#?}"),
    }
    assert!(keys::read_pkcs12(b"garbage", "pw").is_err());
    let p12 = keys::write_pkcs12(&k, &c, "secret").expect("p12");
    let e = keys::read_pkcs12(&p12, "wrong").expect_err("wrong password").to_string();
    assert!(e.contains("password") || e.contains("PKCS#12"), "{e}");
    let (k2, chain) = keys::read_pkcs12(&p12, "secret").expect("opens");
    assert_eq!(k2.expose_pkcs8(), k.expose_pkcs8());
    assert_eq!(chain[0], c);
    assert_eq!(format!("{k:?}"), "SecretKey(<redacted>)");
}
