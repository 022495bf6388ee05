//! Signing identities and signed exports. A private key is created or imported straight into the
//! credential store; the database keeps the certificate and a reference, never the key.

use crate::error::{Error, FieldError, Invalid, Result};
use crate::{Id, Steward};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use std::collections::BTreeSet;
use steward_sign::{KeyKind, SecretKey, SignRequest, Subject, VerifyReport, keys};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Identity {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub key_kind: String,
    pub fingerprint: String,
    pub origin: String,
    pub created_at: String,
    #[serde(skip)]
    pub certificate: Vec<u8>,
    #[serde(skip)]
    key_ref: String,
}

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

/// The machine-readable draft a PDF carries.
pub const DRAFT_FORMAT: &str = "steward-draft";
/// Version 2 carries the content of every template version the draft pins, so that a partner
/// whose library lacks one can still read (and compare) the text.
pub const DRAFT_VERSION: u32 = 2;

impl Steward {
    fn identity_row(&self, sql_where: &str, p: impl rusqlite::Params) -> Result<Option<Identity>> {
        Ok(self
            .store()
            .conn
            .query_row(
                &format!("SELECT id, name, email, organisation, key_kind, fingerprint, origin, created_at, certificate, key_ref FROM identity WHERE {sql_where}"),
                p,
                |r| {
                    Ok(Identity {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        email: r.get(2)?,
                        organisation: r.get(3)?,
                        key_kind: r.get(4)?,
                        fingerprint: r.get(5)?,
                        origin: r.get(6)?,
                        created_at: r.get(7)?,
                        certificate: r.get(8)?,
                        key_ref: r.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn identities(&self) -> Result<Vec<Identity>> {
        let ids: Vec<Id> = {
            let mut stmt =
                self.store().conn.prepare("SELECT id FROM identity WHERE archived_at IS NULL ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        ids.into_iter().map(|id| self.identity(id)).collect()
    }

    /// The identity whose certificate has this fingerprint (archived ones included).
    pub(crate) fn identity_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Identity>> {
        self.identity_row("fingerprint = ?1", [fingerprint])
    }

    pub fn identity(&self, id: Id) -> Result<Identity> {
        self.identity_row("id = ?1", [id])?.ok_or_else(|| Error::not_found("identity", id))
    }

    fn save_identity(&mut self, key: SecretKey, cert: Vec<u8>, origin: &str) -> Result<Identity> {
        let who = keys::describe_certificate(&cert).map_err(|e| Error::invalid("certificate", e.to_string()))?;
        let fp = keys::fingerprint(&cert);
        if self.identity_row("fingerprint = ?1", [&fp])?.is_some() {
            return Err(Error::Conflict(format!("an identity with certificate {fp} already exists")));
        }
        let kind = key.kind().map_err(|e| Error::invalid("key", e.to_string()))?;
        let key_ref = self.new_uid();
        // The key goes to the credential store first; only then does the database learn of it.
        self.secrets.put(&key_ref, key.expose_pkcs8())?;
        drop(key);
        let now = self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let inserted = self.store().conn.execute(
            "INSERT INTO identity (name, email, organisation, key_kind, certificate, fingerprint, key_ref, origin, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![who.name, who.email, who.organisation, kind.as_str(), cert, fp, key_ref, origin, now],
        );
        if let Err(e) = inserted {
            let _ = self.secrets.delete(&key_ref);
            return Err(e.into());
        }
        self.identity(self.store().conn.last_insert_rowid())
    }

    /// Generates a key pair in the credential store and a self-signed certificate for it.
    pub fn create_identity(
        &mut self,
        name: &str,
        email: &str,
        organisation: Option<&str>,
        key: &str,
        demo: bool,
    ) -> Result<Identity> {
        let mut problems = Vec::new();
        let name = crate::domain::validate::required_text("name", name, 200).map_err(|e| problems.push(e)).ok();
        let email = crate::domain::validate::email("email", email).map_err(|e| problems.push(e)).ok();
        let kind = KeyKind::parse(key).map_err(|e| problems.push(FieldError::new("key", e.to_string()))).ok();
        let (Some(name), Some(email), Some(kind)) = (name, email, kind) else {
            return Err(Error::Invalid(Invalid(problems)));
        };
        let org = organisation.map(str::trim).filter(|o| !o.is_empty()).map(str::to_string);
        let secret = SecretKey::generate(kind).map_err(|e| Error::Signature(e.to_string()))?;
        let who = Subject { name, email, organisation: org };
        let cert = keys::self_signed_certificate(&secret, &who, self.clock_today(), 5)
            .map_err(|e| Error::Signature(e.to_string()))?;
        self.save_identity(secret, cert, if demo { "demo" } else { "generated" })
    }

    /// Imports an institution's certificate and key from a PKCS#12 file.
    pub fn import_identity(&mut self, p12: &[u8], password: &str) -> Result<Identity> {
        let (key, chain) =
            keys::read_pkcs12(p12, password).map_err(|e| Error::invalid("PKCS#12 file", e.to_string()))?;
        let leaf = chain.into_iter().next().ok_or_else(|| Error::invalid("PKCS#12 file", "holds no certificate"))?;
        self.save_identity(key, leaf, "imported")
    }

    pub(crate) fn clock_today(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }

    pub(crate) fn signing_key(&self, identity: &Identity) -> Result<SecretKey> {
        Ok(SecretKey::from_pkcs8(self.secrets.get(&identity.key_ref)?))
    }

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
        let spec: serde_json::Value =
            serde_json::from_str(&row.spec).map_err(|e| Error::Conflict(format!("stored revision is damaged: {e}")))?;
        // Every pinned version, in its canonical form (what its hash is taken over). The stored
        // canonical text is spliced in as it is: it already is the canonical encoding of that
        // value, so the draft stays canonical without parsing and re-encoding every template.
        let pinned: BTreeSet<&str> = std::iter::once(&spec["kind_version"])
            .chain(spec["clauses"].as_object().into_iter().flat_map(|m| m.values()))
            .filter_map(serde_json::Value::as_str)
            .collect();
        let mut templates = String::from("{");
        for (i, hash) in pinned.into_iter().enumerate() {
            let canonical =
                self.store().template_canonical(hash)?.ok_or_else(|| Error::not_found("template version", hash))?;
            if i > 0 {
                templates.push(',');
            }
            templates.push_str(&serde_json::Value::from(hash).to_string());
            templates.push(':');
            templates.push_str(&canonical);
        }
        templates.push('}');
        let v = serde_json::json!({
            "format": DRAFT_FORMAT,
            "agreement": { "uid": a.uid, "title": a.title, "kind": a.kind },
            "revision": row.number,
            "spec_hash": row.spec_hash,
            "spec": spec,
            "signature_boxes": boxes,
        });
        // Keys sort as agreement, format, revision, signature_boxes, spec, spec_hash, templates,
        // version: the last two go on the end.
        let mut out = steward_clauses::canonical::encode(&v);
        out.pop(); // the closing brace
        out.push_str(",\"templates\":");
        out.push_str(&templates);
        out.push_str(&format!(",\"version\":{DRAFT_VERSION}}}"));
        Ok(out)
    }

    /// Typesets a revision as PDF with its draft embedded; signed by `sign` if given.
    pub fn export_agreement(&self, agreement: Id, revision: Option<i64>, sign: Option<Id>) -> Result<ExportedPdf> {
        let signer = sign.map(|id| self.identity(id)).transpose()?;
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
                    (pdf, Some(who.name))
                }
                _ => (pdf, None),
            };
            Ok(ExportedPdf { pages, bytes: pdf.len(), pdf, signed_by })
        })
    }

    /// The typeset revision with its draft embedded, its page count and its signature boxes.
    fn typeset_with_draft(
        &self,
        agreement: Id,
        revision: Option<i64>,
        for_signature: bool,
    ) -> Result<(Vec<u8>, usize, Vec<steward_pdf::SignatureBox>)> {
        let doc = self.render_agreement(agreement, revision)?;
        let detail = self.agreement(agreement)?;
        let rev = revision.unwrap_or(detail.revisions.last().map_or(1, |r| r.number));
        let row = detail.revisions.iter().find(|r| r.number == rev).ok_or_else(|| Error::not_found("revision", rev))?;
        let opts = steward_pdf::ExportOptions {
            status: if for_signature {
                format!("Revision {rev} \u{00b7} for signature")
            } else {
                format!("Draft \u{00b7} revision {rev}")
            },
            doc_id: row.spec_hash[..12].to_string(),
            draft_mark: !for_signature,
            author: self.actor().to_string(),
            subject: format!("{} ({})", detail.agreement.title, detail.agreement.kind),
            created: self.now().timestamp(),
        };
        let out = steward_pdf::typeset(&doc, &opts).map_err(|e| Error::Signature(e.to_string()))?;
        let draft = self.draft_document(agreement, Some(rev), &out.signature_boxes)?;
        let date = self.now().format("D:%Y%m%d%H%M%S+00'00'").to_string();
        let pdf = steward_pdf::embed_file(
            &out.pdf,
            steward_pdf::DRAFT_FILE_NAME,
            "application/json",
            draft.as_bytes(),
            &date,
        )
        .map_err(|e| Error::Signature(e.to_string()))?;
        Ok((pdf, out.pages, out.signature_boxes))
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
        let boxes: Vec<steward_pdf::SignatureBox> = report
            .draft
            .as_deref()
            .and_then(|d| serde_json::from_slice::<serde_json::Value>(d).ok())
            .and_then(|v| v.get("signature_boxes").cloned())
            .and_then(|b| serde_json::from_value(b).ok())
            .unwrap_or_default();
        let key = self.signing_key(&who)?;
        self.sign_with(pdf, &boxes, report.signatures.len(), &who, &key, reason)
    }

    /// Signs `pdf` (checked, with `taken` signatures already) with `key`, in the box of the
    /// signatory's organisation or else the next free one.
    fn sign_with(
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
        steward_sign::sign(pdf, key, &who.certificate, &req).map_err(|e| match e {
            steward_sign::SignError::Input(m) => Error::invalid("PDF", m),
            other => Error::Signature(other.to_string()),
        })
    }

    /// Verifies a PDF's signatures and says whose certificate each is (ours, a partner's pinned
    /// key, or unknown). A file that needs repair is refused as damaged.
    pub fn verify_pdf(&self, pdf: &[u8]) -> Result<VerifyReport> {
        let mut report = steward_sign::verify(pdf).map_err(verify_error)?;
        self.annotate_known(&mut report)?;
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
    use crate::{ErrorKind, FixedClock, SequentialIds, Steward};
    use keyring_core::api::CredentialStoreApi;
    use std::sync::Arc;

    fn steward(dir: &std::path::Path, store: Arc<keyring_core::CredentialStore>) -> Steward {
        let clock = Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time")));
        Steward::open(&dir.join("s.db"), clock)
            .expect("store")
            .with_ids(Arc::new(SequentialIds::default()))
            .with_secrets(Arc::new(KeyringStore::with_store(store)))
    }

    fn all_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).expect("ls").flatten() {
            let p = e.path();
            if p.is_dir() { out.extend(all_files(&p)) } else { out.push(p) }
        }
        out
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
    fn private_keys_live_only_in_the_credential_store() {
        let started = std::time::SystemTime::now();
        let dir = tempfile::tempdir().expect("tmp");
        let store = keyring_core::mock::Store::new().expect("mock");
        let mut s = steward(dir.path(), store.clone());
        let demo = s.install_demo().expect("demo");
        let who = s
            .create_identity(
                "Helen Achterberg",
                "h@northmoor.ac.uk",
                Some("The University of Northmoor"),
                "p256",
                false,
            )
            .expect("identity");
        let exported = s.export_agreement(demo.agreement_ids[0], None, Some(who.id)).expect("signed export");
        std::fs::write(dir.path().join("signed.pdf"), &exported.pdf).expect("write");
        let report = s.verify_pdf(&exported.pdf).expect("verify");
        assert!(report.ok, "{report:#?}");
        assert_eq!(report.signatures[0].signer, "Helen Achterberg");
        assert_eq!(report.signatures[0].signing_time.as_deref(), Some("2027-01-15T08:00:00Z"));

        // The key is in the store, and nowhere on disk: not in the database, its WAL, or any file.
        let key = s.signing_key(&who).expect("key");
        let raw = key.expose_pkcs8().to_vec();
        let hex_lower = hex::encode(&raw);
        drop(s);
        for f in all_files(dir.path()) {
            let bytes = std::fs::read(&f).expect("read");
            assert!(bytes.windows(raw.len()).all(|w| w != raw.as_slice()), "raw key bytes in {}", f.display());
            assert!(
                bytes.windows(hex_lower.len()).all(|w| !w.eq_ignore_ascii_case(hex_lower.as_bytes())),
                "hex key in {}",
                f.display()
            );
        }
        // And in no file written to the system temp folder while the test ran.
        let fresh = |f: &std::path::PathBuf| {
            std::fs::metadata(f).is_ok_and(|m| m.len() < 20_000_000 && m.modified().is_ok_and(|t| t >= started))
        };
        let top: Vec<_> = std::fs::read_dir(std::env::temp_dir())
            .expect("ls")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        for f in top.into_iter().chain(all_files(dir.path())).filter(fresh) {
            if let Ok(bytes) = std::fs::read(&f) {
                assert!(bytes.windows(raw.len()).all(|w| w != raw.as_slice()), "raw key bytes in {}", f.display());
            }
        }
    }

    #[test]
    fn a_locked_credential_store_gives_a_clear_error() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = keyring_core::mock::Store::new().expect("mock");
        let mut s = steward(dir.path(), store.clone());
        let demo = s.install_demo().expect("demo");
        let who = s.create_identity("A B", "a@b.org", None, "p256", false).expect("identity");
        // Lock the entry: the next read fails as a locked keyring would.
        let entry = store.build("org.steward.signing-key", &who.key_ref, None).expect("entry");
        let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().expect("mock cred");
        cred.set_error(keyring_core::Error::NoStorageAccess("collection is locked".into()));
        let err = s.export_agreement(demo.agreement_ids[0], None, Some(who.id)).expect_err("locked");
        assert_eq!(err.kind(), ErrorKind::Credentials);
        assert!(err.to_string().contains("locked or unavailable") && err.to_string().contains("unlock"), "{err}");
        // Once unlocked, it works.
        assert!(s.export_agreement(demo.agreement_ids[0], None, Some(who.id)).is_ok());
    }

    /// The PDF writer and the signature checker name the embedded draft the same way.
    #[test]
    fn writer_and_verifier_agree_on_the_draft_file_name() {
        assert_eq!(steward_pdf::DRAFT_FILE_NAME, steward_sign::DRAFT_FILE_NAME);
    }

    #[test]
    fn identities_validate_and_import_pkcs12() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = steward(dir.path(), keyring_core::mock::Store::new().expect("mock"));
        let err = s.create_identity("", "nope", None, "ed25519", false).expect_err("bad");
        let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "key"]);
        let key = steward_sign::SecretKey::generate(steward_sign::KeyKind::P256).expect("key");
        let who = steward_sign::Subject {
            name: "Registry Office".into(),
            email: "registry@northmoor.ac.uk".into(),
            organisation: Some("The University of Northmoor".into()),
        };
        let cert = steward_sign::keys::self_signed_certificate(
            &key,
            &who,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("d"),
            3,
        )
        .expect("cert");
        let p12 = steward_sign::keys::write_pkcs12(&key, &cert, "s3cret").expect("p12");
        let e = s.import_identity(&p12, "wrong").expect_err("wrong password");
        assert_eq!(e.kind(), ErrorKind::Invalid);
        let id = s.import_identity(&p12, "s3cret").expect("imports");
        assert_eq!(
            (id.name.as_str(), id.origin.as_str(), id.organisation.as_deref()),
            ("Registry Office", "imported", Some("The University of Northmoor"))
        );
        assert_eq!(s.import_identity(&p12, "s3cret").expect_err("twice").kind(), ErrorKind::Conflict);
        assert_eq!(s.identities().expect("list").len(), 1);
    }
}
