//! Test material shared by Steward's crates (never part of the product): the shipped demo
//! agreements typeset and signed as Steward signs them, and [`attacks`], a corpus of forged
//! files built from such signed files, one per published attack class and variant.

pub mod attacks;
pub mod pki;
pub mod update;

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use steward_clauses::check::{self, sample_parties};
use steward_clauses::{DraftInput, Library, Template, assemble, shipped};
use steward_sign::{KeyKind, SecretKey, SignRequest, Subject, keys};

/// The demo agreement of `kind` as a document.
pub fn demo_document(kind: &str) -> steward_clauses::Document {
    demo_document_with(kind, true)
}

/// The demo agreement of `kind`, with a party name in Japanese script when `cjk`.
pub fn demo_document_with(kind: &str, cjk: bool) -> steward_clauses::Document {
    let checked = check::check(&shipped::template_files(), &[]);
    let mut lib = Library::new();
    let (mut kv, mut pins) = (String::new(), BTreeMap::new());
    for (file, t) in checked.templates {
        let (is_kind, id) = (matches!(t, Template::Kind(_)), t.id().to_string());
        let hash = lib.add(&file, t).expect("the shipped library compiles");
        if is_kind {
            if id == kind {
                kv = hash;
            }
        } else {
            pins.insert(id, hash);
        }
    }
    let mut set: BTreeMap<String, Json> =
        serde_json::from_str(shipped::demo_values(kind).expect("demo values")).expect("demo values are JSON");
    set.retain(|k, _| !k.starts_with('@'));
    let names = [("Northmoor", "Sampletown"), ("Kaminokawa Tech", "Sample Tech"), ("Ferrant", "Sample Industries")];
    for v in set.values_mut() {
        if let Json::String(s) = v {
            if let Some((_, n)) = names.iter().find(|(o, _)| o == s) {
                *s = n.to_string();
            }
        }
    }
    set.insert("university_names".into(), serde_json::json!(["Sampletown", "Sample Tech"]));
    if kind != "collaboration" {
        set.remove("university_names");
    }
    let mut parties = sample_parties();
    if cjk {
        parties[1].legal_name = "上ノ川科学技術大学 (Kaminokawa Institute of Science and Technology)".into();
    }
    let input = DraftInput {
        kind_version: kv,
        title: None,
        pins,
        previous: BTreeMap::new(),
        set,
        fallbacks: BTreeMap::new(),
        parties,
        flags: BTreeSet::new(),
        ..Default::default()
    };
    let (spec, _) = assemble::prepare(&lib, &input).unwrap_or_else(|p| panic!("{p:?}"));
    assemble::render(&lib, &spec).expect("renders")
}

/// A key and a self-signed certificate for `name` of `org`.
pub fn identity(name: &str, org: &str, kind: KeyKind) -> (SecretKey, Vec<u8>) {
    let key = SecretKey::generate(kind).expect("key");
    let who = Subject {
        name: name.into(),
        email: format!("{}@example.org", name.split(' ').next().unwrap_or("x").to_lowercase()),
        organisation: Some(org.into()),
    };
    let cert = keys::self_signed_certificate(&key, &who, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"), 5)
        .expect("cert");
    (key, cert)
}

pub fn request(name: &str, org: &str, place: Option<(usize, [f32; 4])>) -> SignRequest {
    SignRequest {
        name: name.into(),
        organisation: Some(org.into()),
        email: None,
        time: chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
        place,
        reason: Some("Agreed".into()),
    }
}

/// A typeset sample agreement with its draft (and signature boxes) embedded, unsigned.
pub struct Sample {
    pub kind: String,
    pub pdf: Vec<u8>,
    pub boxes: Vec<steward_pdf::SignatureBox>,
}

/// The demo agreement of `kind` typeset for signature, with a small draft naming its
/// signature boxes embedded as Steward embeds it.
pub fn sample(kind: &str) -> Sample {
    let doc = demo_document_with(kind, false);
    let opts = steward_pdf::ExportOptions {
        status: "Revision 1 \u{00b7} for signature".into(),
        doc_id: "5a3c1e9b0d27".into(),
        draft_mark: false,
        author: "Steward".into(),
        subject: kind.into(),
        created: 1_800_000_000,
        terms_heading: None,
        grids: Vec::new(),
    };
    let out = steward_pdf::typeset(&doc, &opts).expect("typesets");
    let draft = serde_json::json!({
        "format": "steward-draft", "version": 2, "agreement": { "kind": kind },
        "signature_boxes": out.signature_boxes,
    });
    let pdf = steward_pdf::embed_file(
        &out.pdf,
        steward_pdf::DRAFT_FILE_NAME,
        "application/json",
        draft.to_string().as_bytes(),
        "D:20270115000000Z",
    )
    .expect("embeds");
    Sample { kind: kind.into(), pdf, boxes: out.signature_boxes }
}

/// Signs `pdf` by `who` in signature box `index` of `boxes`.
pub fn sign_in_box(
    pdf: &[u8],
    who: &(SecretKey, Vec<u8>),
    name: &str,
    boxes: &[steward_pdf::SignatureBox],
    index: usize,
) -> Vec<u8> {
    let b = &boxes[index % boxes.len().max(1)];
    steward_sign::sign(pdf, &who.0, &who.1, &request(name, &b.party, Some((b.page, b.rect)))).expect("signs")
}

/// Signed samples as Steward makes them: an NDA signed once, a publication agreement signed
/// twice and the collaboration agreement signed by its three parties. P-256 keys (RSA keys take
/// long to generate in a debug build).
pub fn signed_samples() -> Vec<(String, Vec<u8>)> {
    let signers: Vec<(SecretKey, Vec<u8>)> = ["Helen Achterberg", "Aiko Tanabe", "Jonas Weidlich"]
        .iter()
        .map(|n| identity(n, "Sample", KeyKind::P256))
        .collect();
    let mut out = Vec::new();
    for (kind, times) in [("nda-mutual", 1), ("publication", 2), ("collaboration", 3)] {
        let s = sample(kind);
        let mut pdf = s.pdf.clone();
        for (i, who) in signers.iter().take(times).enumerate() {
            pdf = sign_in_box(&pdf, who, &format!("Signer {}", i + 1), &s.boxes, i);
        }
        out.push((format!("{kind}-signed-{times}.pdf"), pdf));
    }
    out
}
