//! Documents Steward makes and checks: an agreement revision typeset as PDF with its
//! machine-readable draft embedded, signed (PAdES, as an incremental update) by an identity,
//! countersigned, and verified (strictly, saying whose certificate each signature is).

use crate::error::{Error, Result};
use crate::identities::Identity;
use crate::{Id, Steward};
use serde::Serialize;
use steward_sign::{SecretKey, SignRequest, VerifyReport};

/// A PDF Steward made, and what is in it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportedPdf {
    #[serde(skip)]
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub bytes: usize,
    pub signed_by: Option<String>,
}

pub use steward_clauses::draft_file::{DRAFT_FORMAT, DRAFT_VERSION};

impl Steward {
    /// The canonical machine-readable draft of a revision, as embedded in exported PDFs.
    pub fn draft_document(
        &self,
        agreement: Id,
        revision: Option<i64>,
        boxes: &[steward_pdf::SignatureBox],
    ) -> Result<String> {
        let a = self.store().agreement_row_by_id(agreement)?;
        let revs = self.store().revisions(agreement)?;
        let row = match revision {
            Some(n) => revs.into_iter().find(|r| r.number == n).ok_or_else(|| Error::not_found("revision", n))?,
            None => revs.into_iter().last().ok_or_else(|| Error::not_found("agreement", agreement))?,
        };
        self.draft_of(&a, &row, boxes)
    }

    /// The draft of revision `row` of agreement `a`.
    pub(crate) fn draft_of(
        &self,
        a: &crate::agreements::AgreementRow,
        row: &crate::agreements::RevisionRow,
        boxes: &[steward_pdf::SignatureBox],
    ) -> Result<String> {
        let spec: serde_json::Value =
            serde_json::from_str(&row.spec).map_err(|e| Error::Conflict(format!("stored revision is damaged: {e}")))?;
        let mut templates = std::collections::BTreeMap::new();
        let mut sources = std::collections::BTreeMap::new();
        for hash in steward_clauses::draft_file::pinned(&spec) {
            let canonical =
                self.store().template_canonical(hash)?.ok_or_else(|| Error::not_found("template version", hash))?;
            templates.insert(hash.to_string(), canonical);
            if let Some(from) = self.template_provenance(hash)? {
                sources.insert(hash.to_string(), from);
            }
        }
        let meta = steward_clauses::draft_file::DraftMeta {
            uid: &a.uid,
            title: &a.title,
            kind: &a.kind,
            revision: row.number,
            spec_hash: &row.spec_hash,
            sources: &sources,
        };
        let boxes = serde_json::to_value(boxes).unwrap_or_default();
        let out = steward_clauses::draft_file::write(&meta, &spec, &templates, &boxes);
        Ok(out)
    }

    /// Typesets a revision as PDF with its draft embedded; signed by `sign` if given.
    pub fn export_agreement(&self, agreement: Id, revision: Option<i64>, sign: Option<Id>) -> Result<ExportedPdf> {
        let signer = sign.map(|id| self.identity(id)).transpose()?;
        if signer.is_some() {
            let collab = self.store().agreement_row_by_id(agreement)?.collaboration_id;
            self.signing_gate(collab, Some((agreement, revision)))?;
        }
        // The credential store answers over IPC: fetch the key while the pages are typeset.
        let secrets = self.secrets.clone();
        std::thread::scope(|scope| {
            let key = signer.as_ref().map(|who| {
                let secrets = secrets.clone();
                let key_ref = who.key_ref.clone();
                scope.spawn(move || secrets.get(&key_ref).map(SecretKey::from_pkcs8))
            });
            let (pdf, pages, boxes) = self.typeset_with_draft(agreement, revision, sign.is_some())?;
            let (pdf, signed_by) = match (signer, key) {
                (Some(who), Some(key)) => {
                    let key = key.join().map_err(|_| Error::Credentials("reading the key failed".into()))??;
                    let pdf = self.sign_with(&pdf, &boxes, 0, &who, &key, Some("Agreed for signature"))?;
                    let rev = self.spec_of(agreement, revision)?.0.number;
                    self.store().record_agreement_signature(
                        agreement,
                        rev,
                        who.id,
                        &steward_clauses::canonical::sha256_hex(&pdf),
                        self.now(),
                    )?;
                    (pdf, Some(who.name))
                }
                _ => (pdf, None),
            };
            Ok(ExportedPdf { pages, bytes: pdf.len(), pdf, signed_by })
        })
    }

    /// The typeset revision with its draft embedded, its page count and its signature boxes. The
    /// agreement and its revision are read once; the fonts are parsed on a second thread while
    /// the revision renders.
    fn typeset_with_draft(
        &self,
        agreement: Id,
        revision: Option<i64>,
        for_signature: bool,
    ) -> Result<(Vec<u8>, usize, Vec<steward_pdf::SignatureBox>)> {
        let a = self.store().agreement_row_by_id(agreement)?;
        let (row, spec) = self.spec_of(agreement, revision)?;
        let doc = std::thread::scope(|scope| {
            scope.spawn(steward_pdf::warm_up);
            self.render_revision(&row, &spec)
        })?;
        let rev = row.number;
        let opts = steward_pdf::ExportOptions {
            status: if for_signature {
                format!("Revision {rev} \u{00b7} for signature")
            } else {
                format!("Draft \u{00b7} revision {rev}")
            },
            doc_id: row.spec_hash[..12].to_string(),
            draft_mark: !for_signature,
            author: self.actor().to_string(),
            subject: format!("{} ({})", a.title, a.kind),
            created: self.now().timestamp(),
            terms_heading: None,
            grids: Vec::new(),
        };
        let out = steward_pdf::lay_out(&doc, &opts).map_err(|e| Error::Typesetting(e.to_string()))?;
        let draft = self.draft_of(&a, &row, &out.signature_boxes)?;
        let date = self.now().format("D:%Y%m%d%H%M%S+00'00'").to_string();
        let attachment = steward_pdf::Attachment {
            name: steward_pdf::DRAFT_FILE_NAME,
            mime: "application/json",
            data: draft.as_bytes(),
            created: &date,
        };
        let (pages, boxes) = (out.pages, out.signature_boxes.clone());
        let pdf = out.finish(Some(&attachment)).map_err(|e| Error::Typesetting(e.to_string()))?;
        Ok((pdf, pages, boxes))
    }

    /// Adds a signature by `identity` as an incremental update, in that signatory's box: the box
    /// of the party whose name matches the identity's organisation, else the next empty one.
    pub fn sign_pdf(&self, pdf: &[u8], identity: Id, reason: Option<&str>) -> Result<Vec<u8>> {
        let who = self.identity(identity)?;
        let report = steward_sign::verify(pdf).map_err(verify_error)?;
        if report
            .signatures
            .iter()
            .any(|s| s.integrity != steward_sign::Integrity::Valid || !s.modified_after_signing.is_empty())
        {
            return Err(Error::Signature(
                "the file's existing signatures do not verify; Steward will not add a signature to it".into(),
            ));
        }
        let draft: Option<serde_json::Value> = report.draft.as_deref().and_then(|d| serde_json::from_slice(d).ok());
        // A draft of one of our agreements is signed only once its collaboration's due diligence allows.
        let mut ours = None;
        if let Some(uid) = draft.as_ref().and_then(|d| d.pointer("/agreement/uid")).and_then(|u| u.as_str()) {
            if let Some(a) = self.store().agreement_by_uid(uid)? {
                let revision = draft.as_ref().and_then(|d| d.get("revision")).and_then(serde_json::Value::as_i64);
                self.signing_gate(a.collaboration_id, Some((a.id, revision)))?;
                ours = revision.map(|r| (a.id, r));
            }
        }
        let boxes: Vec<steward_pdf::SignatureBox> = draft
            .and_then(|v| v.get("signature_boxes").cloned())
            .and_then(|b| serde_json::from_value(b).ok())
            .unwrap_or_default();
        let key = self.signing_key(&who)?;
        let signed = self.sign_with(pdf, &boxes, report.signatures.len(), &who, &key, reason)?;
        if let Some((agreement, revision)) = ours {
            let sha = steward_clauses::canonical::sha256_hex(&signed);
            self.store().record_agreement_signature(agreement, revision, who.id, &sha, self.now())?;
        }
        Ok(signed)
    }

    /// Signs `pdf` (checked, with `taken` signatures already) with `key`, in the box of the
    /// signatory's organisation or else the next free one.
    pub(crate) fn sign_with(
        &self,
        pdf: &[u8],
        boxes: &[steward_pdf::SignatureBox],
        taken: usize,
        who: &Identity,
        key: &SecretKey,
        reason: Option<&str>,
    ) -> Result<Vec<u8>> {
        let org = who.organisation.clone().unwrap_or_default().to_lowercase();
        let place = boxes
            .iter()
            .find(|b| !org.is_empty() && b.party.to_lowercase() == org)
            .or_else(|| boxes.get(taken))
            .map(|b| (b.page, b.rect));
        let req = SignRequest {
            name: who.name.clone(),
            organisation: who.organisation.clone(),
            email: Some(who.email.clone()),
            time: self.now(),
            place,
            reason: reason.map(str::to_string),
        };
        self.check_signing_certificate(who)?;
        let tsa = self.stamper()?;
        let opts = steward_sign::SignOptions {
            chain: who.chain.clone(),
            stamper: tsa.as_ref().map(|t| t as &dyn steward_sign::TimeStamper),
        };
        steward_sign::sign_with_options(pdf, key, &who.certificate, &req, &opts)
            .map_err(crate::trust::lasting::sign_error)
    }

    /// Verifies a PDF's signatures and says whose certificate each is (ours, a partner's pinned
    /// key, or unknown). A file that needs repair is refused as damaged.
    pub fn verify_pdf(&self, pdf: &[u8]) -> Result<VerifyReport> {
        let mut report = steward_sign::verify(pdf).map_err(verify_error)?;
        self.annotate_known(&mut report)?;
        // What the sender's store says its clause versions came from (a followed library).
        if let Some(draft) = report.draft.as_deref() {
            if let Ok(d) = steward_clauses::draft_file::parse(draft) {
                let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
                for from in d.sources.values() {
                    *counts.entry(from.as_str()).or_default() += 1;
                }
                report.library_sources = counts
                    .into_iter()
                    .map(|(from, n)| format!("{from} ({n} {})", if n == 1 { "version" } else { "versions" }))
                    .collect();
            }
        }
        Ok(report)
    }
}

/// A verification that could not run: a damaged file, or not a PDF at all.
pub(crate) fn verify_error(e: steward_sign::SignError) -> Error {
    match e {
        steward_sign::SignError::Damaged(m) => Error::Damaged(format!("the PDF is damaged {m}")),
        other => Error::invalid("PDF", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use crate::secrets::KeyringStore;
    use crate::{FixedClock, SequentialIds, Steward};
    use std::sync::Arc;

    fn steward(dir: &std::path::Path, store: Arc<keyring_core::CredentialStore>) -> Steward {
        let clock = Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time")));
        Steward::open(&dir.join("s.db"), clock)
            .expect("store")
            .with_ids(Arc::new(SequentialIds::default()))
            .with_secrets(Arc::new(KeyringStore::with_store(store)))
    }

    /// The embedded draft carries every pinned template version, each under the hash of its
    /// content, so a partner can read text its own library lacks.
    #[test]
    fn the_embedded_draft_carries_the_pinned_templates() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = steward(dir.path(), keyring_core::mock::Store::new().expect("mock"));
        let demo = s.install_demo().expect("demo");
        let agreement = demo.agreement_ids[3];
        let pdf = s.export_agreement(agreement, None, None).expect("export").pdf;
        let draft = s.verify_pdf(&pdf).expect("read").draft.expect("embedded draft");
        let v: serde_json::Value = serde_json::from_slice(&draft).expect("JSON");
        assert_eq!((v["format"].as_str(), v["version"].as_u64()), (Some(super::DRAFT_FORMAT), Some(2)));
        assert_eq!(
            steward_clauses::canonical::encode(&v).as_bytes(),
            draft.as_slice(),
            "the spliced draft is exactly the canonical encoding"
        );
        let templates = v["templates"].as_object().expect("templates");
        let pins: Vec<&str> = std::iter::once(&v["spec"]["kind_version"])
            .chain(v["spec"]["clauses"].as_object().expect("clauses").values())
            .filter_map(serde_json::Value::as_str)
            .collect();
        assert_eq!(templates.len(), pins.len());
        for hash in pins {
            let t = steward_clauses::Template::from_canonical(&steward_clauses::canonical::encode(&templates[hash]))
                .expect("a template");
            assert_eq!(t.hash(), hash, "stored under the hash of its content");
        }
    }

    #[test]
    fn writer_and_verifier_agree_on_the_draft_file_name() {
        assert_eq!(steward_pdf::DRAFT_FILE_NAME, steward_sign::DRAFT_FILE_NAME);
    }
}
