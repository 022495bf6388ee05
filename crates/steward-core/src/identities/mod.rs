//! Signing identities: a private key created or imported straight into the credential store;
//! the database keeps the certificate and a reference, never the key.

use crate::error::{Error, FieldError, Invalid, Result};
use crate::{Id, Steward};
use serde::Serialize;
use steward_sign::{KeyKind, SecretKey, Subject, keys};

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
    /// The last day of the certificate's validity (YYYY-MM-DD).
    pub expires_at: Option<String>,
    /// `valid`, `expires_soon` (within 60 days) or `expired`.
    pub expiry: String,
    #[serde(skip)]
    pub certificate: Vec<u8>,
    #[serde(skip)]
    pub(crate) key_ref: String,
    /// The issuers' certificates an imported PKCS #12 file carried (issuer first).
    #[serde(skip)]
    pub chain: Vec<Vec<u8>>,
}

/// An identity as a signer of one agreement: whether it belongs to one of the agreement's parties
/// (its certificate's organisation is a member's name, compared word by word without "The",
/// "of" and company forms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Signer {
    #[serde(flatten)]
    pub identity: Identity,
    pub of_party: bool,
}

impl Steward {
    /// Every identity that could sign `agreement`, those of its parties first.
    pub fn agreement_signers(&self, agreement: Id) -> Result<Vec<Signer>> {
        use steward_diligence::screening::normal::tokens;
        let collab = self.store().agreement_row_by_id(agreement)?.collaboration_id;
        let members: Vec<Vec<String>> = self
            .collaboration(collab)?
            .members
            .iter()
            .flat_map(|m| [Some(m.party.legal_name.as_str()), m.party.short_name.as_deref()])
            .flatten()
            .map(tokens)
            .collect();
        let mut out: Vec<Signer> = self
            .identities()?
            .into_iter()
            .map(|identity| {
                let of_party = identity.organisation.as_deref().is_some_and(|o| members.contains(&tokens(o)));
                Signer { identity, of_party }
            })
            .collect();
        out.sort_by_key(|s| !s.of_party);
        Ok(out)
    }

    pub fn identities(&self) -> Result<Vec<Identity>> {
        Ok(self.store().identities()?.into_iter().map(|i| self.with_expiry(i)).collect())
    }

    /// The identity with its certificate's expiry judged by the store's clock.
    fn with_expiry(&self, mut i: Identity) -> Identity {
        if let Some((_, to)) = steward_sign::chain::validity(&i.certificate) {
            let left = (to - self.now()).num_days();
            i.expiry = if to < self.now() {
                "expired"
            } else if left <= crate::trust::lasting::EXPIRY_WARNING_DAYS {
                "expires_soon"
            } else {
                "valid"
            }
            .into();
        }
        i
    }

    /// The identity whose certificate has this fingerprint (archived ones included).
    pub(crate) fn identity_by_fingerprint(&self, fingerprint: &str) -> Result<Option<Identity>> {
        self.store().identity_by_fingerprint(fingerprint)
    }

    pub fn identity(&self, id: Id) -> Result<Identity> {
        self.store().identity(id)?.map(|i| self.with_expiry(i)).ok_or_else(|| Error::not_found("identity", id))
    }

    /// An identity's certificate as PEM, for a partner to pin or a colleague to trust.
    pub fn identity_certificate_pem(&self, id: Id) -> Result<String> {
        let who = self.identity(id)?;
        keys::certificate_pem(&who.certificate).map_err(|e| Error::Damaged(e.to_string()))
    }

    /// Removes an identity: its private key is deleted from the credential store and it is no
    /// longer offered for signing. Its certificate stays in the store, so documents it signed
    /// still verify as signed by one of our identities.
    pub fn remove_identity(&mut self, id: Id) -> Result<Identity> {
        let who = self.identity(id)?;
        if !self.identities()?.iter().any(|i| i.id == id) {
            return Err(Error::Conflict(format!("the identity of {} was removed already", who.name)));
        }
        self.secrets.delete(&who.key_ref)?;
        let now = self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.store().archive_identity(id, &now)?;
        Ok(who)
    }

    fn save_identity(&mut self, key: SecretKey, cert: Vec<u8>, chain: &[Vec<u8>], origin: &str) -> Result<Identity> {
        let who = keys::describe_certificate(&cert).map_err(|e| Error::invalid("certificate", e.to_string()))?;
        let fp = keys::fingerprint(&cert);
        if self.store().identity_by_fingerprint(&fp)?.is_some() {
            return Err(Error::Conflict(format!("an identity with certificate {fp} already exists")));
        }
        let kind = key.kind().map_err(|e| Error::invalid("key", e.to_string()))?;
        let key_ref = self.new_uid();
        // The key goes to the credential store first; only then does the database learn of it.
        self.secrets.put(&key_ref, key.expose_pkcs8())?;
        drop(key);
        let now = self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let inserted = self.store().insert_identity(&crate::store::identities::NewIdentity {
            name: &who.name,
            email: &who.email,
            organisation: who.organisation.as_deref(),
            key_kind: kind.as_str(),
            certificate: &cert,
            fingerprint: &fp,
            key_ref: &key_ref,
            origin,
            created_at: &now,
            chain,
        });
        match inserted {
            Ok(id) => self.identity(id),
            Err(e) => {
                let _ = self.secrets.delete(&key_ref);
                Err(e)
            }
        }
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
        self.save_identity(secret, cert, &[], if demo { "demo" } else { "generated" })
    }

    /// A demo identity whose certificate is issued by its institution's certificate authority,
    /// which becomes a trust anchor: signatures by it verify as a trusted chain.
    pub(crate) fn create_demo_institutional_identity(
        &mut self,
        name: &str,
        email: &str,
        organisation: &str,
        ca_name: &str,
    ) -> Result<Identity> {
        let secret = SecretKey::generate(KeyKind::P256).map_err(|e| Error::Signature(e.to_string()))?;
        let who = Subject { name: name.into(), email: email.into(), organisation: Some(organisation.into()) };
        let (cert, ca) = keys::issued_by_new_authority(&secret, &who, ca_name, self.clock_today(), 5)
            .map_err(|e| Error::Signature(e.to_string()))?;
        let identity = self.save_identity(secret, cert, std::slice::from_ref(&ca), "demo")?;
        if !self.trust_anchors()?.iter().any(|a| a.name == ca_name) {
            self.add_trust_anchor(&ca, Some(ca_name))?;
        }
        Ok(identity)
    }

    /// Imports an institution's certificate and key from a PKCS#12 file.
    pub fn import_identity(&mut self, p12: &[u8], password: &str) -> Result<Identity> {
        let (key, chain) =
            keys::read_pkcs12(p12, password).map_err(|e| Error::invalid("PKCS#12 file", e.to_string()))?;
        let mut certs = chain.into_iter();
        let leaf = certs.next().ok_or_else(|| Error::invalid("PKCS#12 file", "holds no certificate"))?;
        // The issuers it carries, in path order (a file may list them in any order).
        let rest: Vec<Vec<u8>> = certs.collect();
        let issuers = steward_sign::chain::issuers(&leaf, &rest);
        self.save_identity(key, leaf, &issuers, "imported")
    }

    /// The identity that signs a decision-log entry: the one named, or this institution's only
    /// identity; with several and none named, the caller must choose.
    pub fn acting_identity(&self, given: Option<Id>) -> Result<Id> {
        if let Some(id) = given {
            return Ok(self.identity(id)?.id);
        }
        let own: Vec<Identity> = self.identities()?.into_iter().filter(|i| i.origin != "partner").collect();
        match own.as_slice() {
            [one] => Ok(one.id),
            [] => Err(Error::invalid(
                "identity",
                "this is recorded in the decision log, which needs a signing identity: create one with `steward identity create`",
            )),
            many => Err(Error::invalid(
                "identity",
                format!(
                    "choose the identity that signs the decision-log entry: {}",
                    many.iter().map(|i| format!("{} ({})", i.id, i.name)).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }

    /// Today, by the store's clock.
    pub fn clock_today(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }

    pub(crate) fn signing_key(&self, identity: &Identity) -> Result<SecretKey> {
        Ok(SecretKey::from_pkcs8(self.secrets.get(&identity.key_ref)?))
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
