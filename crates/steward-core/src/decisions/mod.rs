//! The decision log of a collaboration: append-only, hash-chained, each entry signed by its author's
//! identity. The core has no API to change or remove an entry (and the database refuses both);
//! verification recomputes the chain and every signature and names the first broken entry. An
//! export carries the authors' certificates, so it verifies without this database.

use crate::error::{Error, FieldError, Invalid, Result};
use crate::{Id, Steward};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use steward_ledger::log::{self, Break, BreakKind, Entry, GENESIS, Head, Packed, Sealed, SignatureCheck};
use steward_sign::raw::{PublicKey, Signer};

/// A decision to record.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct NewDecision {
    pub title: String,
    pub decision: Option<String>,
    pub rationale: Option<String>,
    pub participants: Vec<String>,
    /// The day it was taken (default: today).
    pub date: Option<String>,
    /// `agreement:ID`, `clause:TEMPLATE-ID`, `party:ID`, `ledger:ID`, `decision:SEQ`.
    pub links: Vec<String>,
    /// The entry (seq) this one amends.
    pub supersedes: Option<u64>,
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Decision {
    pub id: Id,
    #[serde(flatten)]
    pub entry: Entry,
    pub hash: String,
    /// Entries that supersede this one.
    pub superseded_by: Vec<u64>,
}

/// The outcome of verifying a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LogVerification {
    pub log: String,
    pub entries: u64,
    pub intact: bool,
    pub first_break: Option<Break>,
    /// Each author seen, with the certificate fingerprint their entries are checked against.
    pub authors: Vec<String>,
    /// The signed checkpoint of the log's head, as it reads (when there is one).
    pub checkpoint: Option<log::Checkpoint>,
    /// What was checked, and against which keys, in a sentence.
    pub checked: String,
}

/// An author's certificate as an export carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuthorCertificate {
    pub name: String,
    pub fingerprint: String,
    /// The X.509 certificate, DER, hex.
    pub certificate: String,
}

/// A signed checkpoint as an export carries it: its canonical text and the signature over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignedCheckpoint {
    pub text: String,
    /// Hex.
    pub signature: String,
}

/// The exported log: every entry with its hash and signature, the authors' certificates, and
/// (from version 2) the collaboration's uid and the signed checkpoint of the head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LogExport {
    pub format: String,
    pub version: u32,
    pub log: String,
    pub collaboration: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collaboration_uid: Option<String>,
    pub head: Head,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<SignedCheckpoint>,
    pub authors: Vec<AuthorCertificate>,
    pub entries: Vec<Sealed>,
    pub canonical_encoding: String,
}

pub const LOG_FORMAT: &str = "steward-decision-log";
/// The export version this Steward writes (1: no signed checkpoint; 2: with it).
pub const LOG_VERSION: u32 = 2;
const ENCODING: &str = "Each entry's hash is SHA-256 (hex) over its canonical encoding: a JSON object of the entry's fields (author, author_fingerprint, date, decision, format, links, log, participants, prev, rationale, recorded_at, seq, supersedes, title) with keys in that (sorted) order, no whitespace, strings escaped as JSON requires. `prev` is the hash of the entry before (64 zeros for the first). The signature is over the same bytes: ECDSA P-256 (DER) or RSA PKCS#1 v1.5, with SHA-256, by the key of the certificate whose SHA-256 is author_fingerprint. The checkpoint's text (collaboration, entries, format, last_hash, log, signed_at, signer_fingerprint, in that order, encoded alike) is signed the same way by the author of the latest entry: it must name this log and collaboration, the number of entries and the last entry's hash.";

/// Certificates the store trusts, by fingerprint: (who, DER).
pub type KnownKeys = HashMap<String, (String, Vec<u8>)>;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Steward {
    /// The log's uid and head, created with the first entry.
    fn log_head(&self, collab: Id) -> Result<Option<(String, Head)>> {
        self.store().log_head(collab)
    }

    /// Entries as stored, in the order they were appended (row order), whatever their content.
    fn sealed_entries(&self, collab: Id) -> Result<Vec<(Id, Sealed)>> {
        let uid = self.log_head(collab)?.map(|(u, _)| u).unwrap_or_default();
        self.store().sealed_entries(collab, &uid)
    }

    /// The log as verification reads it: canonical bytes straight from the rows.
    fn packed_log(&self, collab: Id) -> Result<(String, Option<Head>, Packed)> {
        let head = self.log_head(collab)?;
        let uid = head.as_ref().map(|(u, _)| u.clone()).unwrap_or_default();
        let packed = self.store().packed_log(collab, &uid, head.as_ref().map_or(0, |(_, h)| h.entries))?;
        Ok((uid, head.map(|(_, h)| h), packed))
    }

    fn chain_links(&self, collab: Id, uid: &str) -> Result<log::Links> {
        self.store().chain_links(collab, uid, threads())
    }

    fn check_link(&self, collab: Id, link: &str, next_seq: u64) -> std::result::Result<String, String> {
        let (kind, id) = link
            .split_once(':')
            .map(|(k, i)| (k.trim().to_ascii_lowercase(), i.trim().to_string()))
            .ok_or_else(|| format!("'{link}' is not KIND:ID (agreement, clause, party, ledger or decision)"))?;
        let num = || id.parse::<Id>().map_err(|_| format!("'{id}' is not a number"));
        match kind.as_str() {
            "agreement" => {
                let a = self.store().agreement_row_by_id(num()?).map_err(|e| e.to_string())?;
                if a.collaboration_id != collab {
                    return Err(format!("agreement {id} belongs to another collaboration"));
                }
            }
            "clause" => {
                let known = self.templates().map_err(|e| e.to_string())?.iter().any(|t| t.id == id);
                if !known {
                    return Err(format!("clause '{id}' is not in the library"));
                }
            }
            "party" => {
                let n = num()?;
                let member =
                    self.collaboration(collab).map_err(|e| e.to_string())?.members.iter().any(|m| m.party.id == n);
                if !member {
                    return Err(format!("party {id} is not a party of this collaboration"));
                }
            }
            "ledger" => {
                let e = self.ledger_entry(num()?).map_err(|e| e.to_string())?;
                if e.collaboration_id != collab {
                    return Err(format!("ledger entry {id} belongs to another collaboration"));
                }
            }
            "decision" => {
                let n = num()?;
                if n < 1 || n as u64 >= next_seq {
                    return Err(format!("decision {id} is not an earlier entry of this log"));
                }
            }
            "assessment" => {
                let known = self.store().assessments(collab).map_err(|e| e.to_string())?.iter().any(|a| a.hash == id);
                if !known {
                    return Err(format!("assessment {id} is not a revision of this collaboration's due diligence"));
                }
            }
            "screening" => {
                let n = num()?;
                if self.store().screening_collaboration(n).map_err(|e| e.to_string())? != collab {
                    return Err(format!("screening {id} belongs to another collaboration"));
                }
            }
            "risk" => {
                let r = self.store().risk_by_id(num()?).map_err(|e| e.to_string())?;
                if r.collaboration_id != collab {
                    return Err(format!("risk {id} belongs to another collaboration"));
                }
            }
            "obligation" => {
                let o = self.store().obligation(num()?).map_err(|e| e.to_string())?;
                if o.is_none_or(|o| o.collaboration_id != collab) {
                    return Err(format!("obligation {id} is not one of this collaboration's"));
                }
            }
            "publication" => {
                let p = self.store().publication(num()?).map_err(|e| e.to_string())?;
                if p.collaboration_id != collab {
                    return Err(format!("publication {id} belongs to another collaboration"));
                }
            }
            "ip" => {
                let r = self.store().ip_record(num()?).map_err(|e| e.to_string())?;
                if r.collaboration_id != collab {
                    return Err(format!("IP record {id} belongs to another collaboration"));
                }
            }
            "exit" => {
                let e = self.store().exit(num()?).map_err(|e| e.to_string())?;
                if e.collaboration_id != collab {
                    return Err(format!("exit {id} belongs to another collaboration"));
                }
            }
            _ => {
                return Err(format!(
                    "'{kind}' is not a link kind (agreement, clause, party, ledger, decision, risk, obligation, publication, ip or exit)"
                ));
            }
        }
        Ok(format!("{kind}:{id}"))
    }

    /// Appends a decision, signed by `identity` (its key comes from the credential store).
    pub fn add_decision(&mut self, collab: Id, new: &NewDecision, identity: Id) -> Result<Decision> {
        use crate::domain::validate;
        self.store().collaboration(collab)?;
        let author = self.identity(identity)?;
        let head = self.log_head(collab)?;
        let next = head.as_ref().map_or(1, |(_, h)| h.entries + 1);
        let mut problems: Vec<FieldError> = Vec::new();
        let mut take = |r: std::result::Result<String, FieldError>| r.map_err(|e| problems.push(e)).ok();
        let title = take(validate::required_text("title", &new.title, 300));
        let decision =
            take(validate::optional_text("decision", new.decision.as_deref(), 10_000).map(Option::unwrap_or_default));
        let rationale =
            take(validate::optional_text("rationale", new.rationale.as_deref(), 10_000).map(Option::unwrap_or_default));
        let mut participants = Vec::new();
        for (i, p) in new.participants.iter().enumerate() {
            if let Some(p) = take(validate::required_text(&format!("participant[{}]", i + 1), p, 200)) {
                participants.push(p);
            }
        }
        let date = match new.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => validate::date("date", d).map_err(|e| problems.push(e)).ok(),
            None => Some(self.clock_today()),
        };
        let mut links = Vec::new();
        for l in &new.links {
            match self.check_link(collab, l, next) {
                Ok(l) => links.push(l),
                Err(m) => problems.push(FieldError::new("link", m)),
            }
        }
        if let Some(s) = new.supersedes {
            if s < 1 || s >= next {
                problems.push(FieldError::new("supersedes", format!("{s} is not an earlier entry of this log")));
            }
        }
        let (Some(title), Some(decision), Some(rationale), Some(date), true) =
            (title, decision, rationale, date, problems.is_empty())
        else {
            return Err(Error::Invalid(Invalid(problems)));
        };
        let signer = Signer::new(&self.signing_key(&author)?).map_err(|e| Error::Signature(e.to_string()))?;
        let (uid, prev) = match &head {
            Some((uid, h)) => (uid.clone(), h.last_hash.clone()),
            None => (self.new_uid(), GENESIS.to_string()),
        };
        let entry = Entry {
            log: uid.clone(),
            seq: next,
            title,
            decision,
            rationale,
            participants,
            date: date.to_string(),
            links,
            supersedes: new.supersedes,
            author: author.name.clone(),
            author_fingerprint: author.fingerprint.clone(),
            recorded_at: self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            prev,
        };
        let sealed = log::seal(entry, |b| signer.sign(b)).map_err(|e| Error::Signature(e.to_string()))?;
        let checkpoint = log::Checkpoint {
            log: uid.clone(),
            collaboration: self.store().collaboration_uid(collab)?,
            entries: next,
            last_hash: sealed.hash.clone(),
            signer_fingerprint: author.fingerprint.clone(),
            signed_at: sealed.entry.recorded_at.clone(),
        }
        .canonical();
        let checkpoint_signature = signer.sign(checkpoint.as_bytes()).map_err(|e| Error::Signature(e.to_string()))?;
        let id = self.atomically(|s| {
            let id = s.store().append_decision(collab, &uid, &sealed)?;
            s.store().set_log_checkpoint(collab, &checkpoint, &checkpoint_signature)?;
            Ok(id)
        })?;
        Ok(Decision { id, entry: sealed.entry, hash: sealed.hash, superseded_by: Vec::new() })
    }

    /// The log of a collaboration, oldest first.
    pub fn decisions(&self, collab: Id) -> Result<Vec<Decision>> {
        self.store().collaboration(collab)?;
        let rows = self.sealed_entries(collab)?;
        let mut superseded: HashMap<u64, Vec<u64>> = HashMap::new();
        for (_, s) in &rows {
            if let Some(old) = s.entry.supersedes {
                superseded.entry(old).or_default().push(s.entry.seq);
            }
        }
        Ok(rows
            .into_iter()
            .map(|(id, s)| Decision {
                id,
                superseded_by: superseded.remove(&s.entry.seq).unwrap_or_default(),
                entry: s.entry,
                hash: s.hash,
            })
            .collect())
    }

    /// Certificates of every identity this store knows (archived ones included) and of every
    /// pinned partner key, by fingerprint.
    pub(crate) fn known_certificates(&self) -> Result<HashMap<String, (String, Vec<u8>)>> {
        let mut out: HashMap<String, (String, Vec<u8>)> = HashMap::new();
        for k in self.store().partner_keys(None)? {
            out.insert(k.fingerprint.clone(), (format!("{} ({})", k.subject, k.party), k.certificate));
        }
        for (fp, name, der) in self.store().identity_certificates()? {
            out.insert(fp, (name, der));
        }
        Ok(out)
    }

    /// Verifies an exported log against this store's identities and pinned partner keys.
    pub fn verify_exported_decisions(&self, data: &[u8]) -> Result<LogVerification> {
        verify_exported_log(data, Some(&self.known_certificates()?))
    }

    /// The log's signed checkpoint checked against the log: names what does not match.
    fn check_checkpoint(
        &self,
        collab: Id,
        uid: &str,
        head: Option<&Head>,
        certs: &HashMap<String, (String, Vec<u8>)>,
        v: &mut LogVerification,
    ) -> Result<()> {
        let Some(head) = head.filter(|h| h.entries > 0) else { return Ok(()) };
        let stored = self.store().log_checkpoint(collab)?;
        let collab_uid = self.store().collaboration_uid(collab)?;
        let found =
            judge_checkpoint(stored.as_ref().map(|(t, s)| (t.as_str(), s.as_slice())), uid, &collab_uid, head, certs);
        v.checkpoint = found.0;
        if v.first_break.is_none() {
            v.first_break = found.1;
            v.intact = v.first_break.is_none();
        }
        Ok(())
    }

    /// Recomputes the chain and checks every signature and the signed checkpoint of the head;
    /// names the first broken entry.
    pub fn verify_decisions(&self, collab: Id) -> Result<LogVerification> {
        self.store().collaboration(collab)?;
        let (uid, head, packed) = self.packed_log(collab)?;
        let certs = self.known_certificates()?;
        let mut v = verify_packed(&uid, head.as_ref(), &packed, &certs);
        self.check_checkpoint(collab, &uid, head.as_ref(), &certs, &mut v)?;
        v.checked = "the chain, every entry's signature and the signed checkpoint of the head, against this store's identities and pinned partner keys".into();
        Ok(v)
    }

    /// Signs a checkpoint of the log as it stands, once its chain and signatures verify: for a
    /// log written by a Steward that did not sign checkpoints yet.
    pub fn sign_decision_checkpoint(&mut self, collab: Id, identity: Id) -> Result<LogVerification> {
        self.store().collaboration(collab)?;
        let (uid, head, packed) = self.packed_log(collab)?;
        let certs = self.known_certificates()?;
        let v = verify_packed(&uid, head.as_ref(), &packed, &certs);
        if let Some(b) = &v.first_break {
            return Err(Error::Signature(format!(
                "the log does not verify (entry {}: {}); Steward signs a checkpoint only of an intact log",
                b.entry, b.detail
            )));
        }
        let Some(head) = head.filter(|h| h.entries > 0) else {
            return Err(Error::invalid("collaboration", format!("collaboration {collab} has no decisions yet")));
        };
        let author = self.identity(identity)?;
        let signer = Signer::new(&self.signing_key(&author)?).map_err(|e| Error::Signature(e.to_string()))?;
        let text = log::Checkpoint {
            log: uid,
            collaboration: self.store().collaboration_uid(collab)?,
            entries: head.entries,
            last_hash: head.last_hash,
            signer_fingerprint: author.fingerprint.clone(),
            signed_at: self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        }
        .canonical();
        let sig = signer.sign(text.as_bytes()).map_err(|e| Error::Signature(e.to_string()))?;
        self.atomically(|s| s.store().set_log_checkpoint(collab, &text, &sig))?;
        self.verify_decisions(collab)
    }

    /// The hash chain alone (hashes, links, order, head), without checking signatures: a quick
    /// check of a large log. [`Steward::verify_decisions`] does both.
    pub fn verify_decision_chain(&self, collab: Id) -> Result<LogVerification> {
        self.store().collaboration(collab)?;
        let (uid, head) = match self.log_head(collab)? {
            Some((u, h)) => (u, Some(h)),
            None => (String::new(), None),
        };
        let links = self.chain_links(collab, &uid)?;
        let entries = links.links.len() as u64;
        let first_break = links.verify(head.as_ref());
        let mut v = LogVerification {
            log: uid.clone(),
            entries,
            intact: first_break.is_none(),
            first_break,
            authors: Vec::new(),
            checkpoint: None,
            checked: "the chain and the signed checkpoint of the head (not each entry's signature)".into(),
        };
        let certs = self.known_certificates()?;
        self.check_checkpoint(collab, &uid, head.as_ref(), &certs, &mut v)?;
        Ok(v)
    }

    /// The log as a self-contained JSON document (hashes, signatures, authors' certificates).
    pub fn export_decisions(&self, collab: Id) -> Result<LogExport> {
        let c = self.store().collaboration(collab)?;
        let (uid, head) = self
            .log_head(collab)?
            .ok_or_else(|| Error::invalid("collaboration", format!("collaboration {collab} has no decisions yet")))?;
        let entries: Vec<Sealed> = self.sealed_entries(collab)?.into_iter().map(|(_, s)| s).collect();
        let certs = self.known_certificates()?;
        let mut authors: Vec<AuthorCertificate> = Vec::new();
        for e in &entries {
            if authors.iter().any(|a| a.fingerprint == e.entry.author_fingerprint) {
                continue;
            }
            if let Some((name, der)) = certs.get(&e.entry.author_fingerprint) {
                authors.push(AuthorCertificate {
                    name: name.clone(),
                    fingerprint: e.entry.author_fingerprint.clone(),
                    certificate: hex::encode(der),
                });
            }
        }
        let checkpoint = self
            .store()
            .log_checkpoint(collab)?
            .map(|(text, sig)| SignedCheckpoint { text, signature: hex::encode(sig) });
        // The checkpoint's signer is an author too (of the latest entry, or of a later checkpoint).
        if let Some(fp) =
            checkpoint.as_ref().and_then(|c| log::Checkpoint::parse(&c.text).ok()).map(|c| c.signer_fingerprint)
        {
            if !authors.iter().any(|a| a.fingerprint == fp) {
                if let Some((name, der)) = certs.get(&fp) {
                    authors.push(AuthorCertificate {
                        name: name.clone(),
                        fingerprint: fp,
                        certificate: hex::encode(der),
                    });
                }
            }
        }
        Ok(LogExport {
            format: LOG_FORMAT.into(),
            version: LOG_VERSION,
            log: uid,
            collaboration: c.title,
            collaboration_uid: Some(self.store().collaboration_uid(collab)?),
            head,
            checkpoint,
            authors,
            entries,
            canonical_encoding: ENCODING.into(),
        })
    }
}

/// Verifies a packed log `uid` against `head`, with authors' certificates by fingerprint.
fn verify_packed(
    uid: &str,
    head: Option<&Head>,
    packed: &Packed,
    certs: &HashMap<String, (String, Vec<u8>)>,
) -> LogVerification {
    // Each author's key is parsed once; a certificate that does not match its fingerprint counts
    // as unknown.
    let keys: HashMap<&str, PublicKey> = certs
        .iter()
        .filter(|(fp, (_, der))| steward_sign::keys::fingerprint(der) == **fp)
        .filter_map(|(fp, (_, der))| PublicKey::from_certificate(der).ok().map(|k| (fp.as_str(), k)))
        .collect();
    let first_break = packed.verify(head, threads(), |fp, msg, sig| match keys.get(fp) {
        None => SignatureCheck::UnknownAuthor,
        Some(k) if k.verify(msg, sig) => SignatureCheck::Valid,
        Some(_) => SignatureCheck::Invalid,
    });
    let authors: Vec<String> = packed.authors.iter().map(|(a, f)| format!("{a} ({f})")).collect();
    LogVerification {
        log: uid.to_string(),
        entries: packed.items.len() as u64,
        intact: first_break.is_none(),
        first_break,
        authors,
        checkpoint: None,
        checked: String::new(),
    }
}

/// A stored or exported checkpoint (text and signature) judged against the log it should
/// describe: what it says, and the first thing wrong.
fn judge_checkpoint(
    stored: Option<(&str, &[u8])>,
    uid: &str,
    collab_uid: &str,
    head: &Head,
    certs: &HashMap<String, (String, Vec<u8>)>,
) -> (Option<log::Checkpoint>, Option<Break>) {
    let n = head.entries;
    let broken = |kind, detail: String| Some(Break { position: n, entry: n, kind, detail });
    let Some((text, sig)) = stored else {
        return (
            None,
            broken(
                BreakKind::CheckpointMissing,
                "the log's head carries no signed checkpoint, so entries removed from its end would not show (a log from an older Steward: sign one with `steward decision checkpoint`)".into(),
            ),
        );
    };
    let c = match log::Checkpoint::parse(text) {
        Ok(c) => c,
        Err(e) => return (None, broken(BreakKind::CheckpointMismatch, format!("the checkpoint cannot be read: {e}"))),
    };
    let key = certs
        .get(&c.signer_fingerprint)
        .filter(|(_, der)| steward_sign::keys::fingerprint(der) == c.signer_fingerprint)
        .and_then(|(_, der)| PublicKey::from_certificate(der).ok());
    let problem = match key {
        None => broken(
            BreakKind::CheckpointSignature,
            format!("the checkpoint is signed by a key that is not known ({})", c.signer_fingerprint),
        ),
        Some(k) if !k.verify(text.as_bytes(), sig) => broken(
            BreakKind::CheckpointSignature,
            "the checkpoint's signature does not verify: the head of the log was rewritten".into(),
        ),
        Some(_) => c.check(uid, collab_uid, n, &head.last_hash),
    };
    (Some(c), problem)
}

/// Verifies an exported log: its chain, its head, every signature and the signed checkpoint.
/// With a store (`known`: its identities and pinned partner keys) the authors must be keys the
/// store knows; without one, signatures are checked against the certificates the file carries,
/// which proves the file is whole but not who its authors are (and `checked` says so).
pub fn verify_exported_log(data: &[u8], known: Option<&KnownKeys>) -> Result<LogVerification> {
    let export: LogExport = serde_json::from_slice(data).map_err(|e| {
        Error::invalid(
            "log file",
            format!("not a Steward decision log (line {}, column {}): {e}", e.line(), e.column()),
        )
    })?;
    if export.format != LOG_FORMAT || !(1..=LOG_VERSION).contains(&export.version) {
        return Err(Error::invalid(
            "log file",
            format!(
                "format {} version {} is not one this Steward reads ({LOG_FORMAT} 1 to {LOG_VERSION})",
                export.format, export.version
            ),
        ));
    }
    let mut carried = HashMap::new();
    for (i, a) in export.authors.iter().enumerate() {
        let der = hex::decode(&a.certificate)
            .map_err(|e| Error::invalid(format!("authors[{i}].certificate"), format!("not hexadecimal: {e}")))?;
        carried.insert(a.fingerprint.clone(), (a.name.clone(), der));
    }
    let certs = match known {
        Some(k) => k.clone(),
        None => carried,
    };
    let packed = Packed::from_sealed(&export.entries, &export.log);
    let mut v = verify_packed(&export.log, Some(&export.head), &packed, &certs);
    if export.head.entries > 0 {
        let sig = export.checkpoint.as_ref().map(|c| hex::decode(&c.signature).unwrap_or_default());
        let stored = export.checkpoint.as_ref().zip(sig.as_ref()).map(|(c, s)| (c.text.as_str(), s.as_slice()));
        // The collaboration it names is the one the file says it is from (version 1 names none).
        let collab_uid = export
            .collaboration_uid
            .clone()
            .or_else(|| stored.and_then(|(t, _)| log::Checkpoint::parse(t).ok()).map(|c| c.collaboration))
            .unwrap_or_default();
        let (c, problem) = judge_checkpoint(stored, &export.log, &collab_uid, &export.head, &certs);
        v.checkpoint = c;
        if v.first_break.is_none() {
            v.first_break = problem.map(|mut b| {
                if export.version == 1 {
                    b.detail = format!("exported by an older Steward (format version 1): {}", b.detail);
                }
                b
            });
            v.intact = v.first_break.is_none();
        }
    }
    v.checked = if known.is_some() {
        "the chain, every signature and the signed checkpoint, against this store's identities and pinned partner keys"
            .into()
    } else {
        "the chain, every signature and the signed checkpoint against the certificates the file carries; no store was given, so who the authors are is not checked".into()
    };
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FixedClock, NewCollaboration, SequentialIds};
    use proptest::prelude::*;
    use steward_ledger::log::BreakKind;

    fn steward() -> Steward {
        let clock =
            std::sync::Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("t")));
        Steward::open_in_memory(clock).expect("store").with_ids(std::sync::Arc::new(SequentialIds::default()))
    }

    fn decision(n: usize) -> NewDecision {
        NewDecision {
            title: format!("Decision {n}"),
            decision: Some(format!("We decide thing {n}.")),
            rationale: Some("Because it is right.".into()),
            participants: vec!["A. Person".into()],
            date: Some("2027-01-15".into()),
            ..NewDecision::default()
        }
    }

    /// A collaboration with a log of `n` entries by one identity.
    fn log(s: &mut Steward, n: usize, author: Id) -> Id {
        let c = s.create_collaboration(&NewCollaboration { title: "Log".into(), ..Default::default() }).expect("c");
        for i in 1..=n {
            s.add_decision(c, &decision(i), author).expect("decision");
        }
        c
    }

    const DROP: &str = "DROP TRIGGER decision_no_update; DROP TRIGGER decision_no_delete;";

    #[test]
    fn the_demo_log_verifies_and_the_database_refuses_changes() {
        let mut s = steward();
        let d = s.install_demo().expect("demo");
        // Five decisions, the three Trusted Research approvals and the running records (risks, an obligation done, a publication review).
        assert_eq!(d.decisions, 19);
        let v = s.verify_decisions(d.collaboration_id).expect("verify");
        assert!(v.intact, "{v:?}");
        assert_eq!(s.decisions(d.collaboration_id).expect("list")[2].superseded_by, vec![4]);
        for sql in ["UPDATE decision SET title = 'x' WHERE seq = 1", "DELETE FROM decision WHERE seq = 1"] {
            assert!(s.store().conn.execute(sql, []).is_err(), "{sql}");
        }
        // An export verifies on its own, and a changed export does not.
        let export = serde_json::to_vec(&s.export_decisions(d.collaboration_id).expect("export")).expect("json");
        assert!(verify_exported_log(&export, None).expect("verify").intact);
        let text = String::from_utf8(export).expect("utf-8").replace("30 days", "60 days");
        let v = verify_exported_log(text.as_bytes(), None).expect("verify");
        assert_eq!(v.first_break.map(|b| (b.entry, b.kind)), Some((3, BreakKind::ContentChanged)));
        assert!(verify_exported_log(b"{\"format\": 1}", None).is_err());
    }

    #[test]
    fn bad_decisions_are_refused_with_every_problem_named() {
        let mut s = steward();
        let d = s.install_demo().expect("demo");
        let who = s.identities().expect("ids")[0].id;
        let bad = NewDecision {
            title: " ".into(),
            date: Some("2027-02-31".into()),
            links: vec!["agreement:999".into(), "planet:3".into(), "nonsense".into()],
            supersedes: Some(99),
            ..NewDecision::default()
        };
        let e = s.add_decision(d.collaboration_id, &bad, who).expect_err("invalid");
        let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "date", "link", "link", "link", "supersedes"], "{e}");
        assert_eq!(s.decisions(d.collaboration_id).expect("log").len(), 19, "nothing stored");
    }

    #[test]
    fn an_author_whose_certificate_is_unknown_is_named() {
        let mut s = steward();
        let who = s.create_identity("A. Author", "a@example.org", None, "p256", false).expect("identity").id;
        let c = log(&mut s, 3, who);
        s.store().conn.execute("UPDATE identity SET fingerprint = 'gone' WHERE id = ?1", [who]).expect("forget");
        let v = s.verify_decisions(c).expect("verify");
        assert_eq!(v.first_break.map(|b| (b.entry, b.kind)), Some((1, BreakKind::UnknownAuthor)));
    }

    /// A large log on disk is read in slices on several connections; a change in a later slice
    /// is found and named as in a single pass.
    #[test]
    fn a_large_log_is_checked_in_slices() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("s.db");
        let clock =
            std::sync::Arc::new(FixedClock::new(chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("t")));
        let mut s = Steward::open(&path, clock).expect("store");
        let c = s.create_collaboration(&NewCollaboration { title: "Big".into(), ..Default::default() }).expect("c");
        let n = 60_000u64;
        {
            let tx = s.store().conn.unchecked_transaction().expect("tx");
            let mut prev = GENESIS.to_string();
            for seq in 1..=n {
                let e = Entry {
                    log: "big".into(),
                    seq,
                    title: format!("Decision {seq}"),
                    decision: "Agreed.".into(),
                    rationale: String::new(),
                    participants: vec!["A".into()],
                    date: "2027-01-01".into(),
                    links: Vec::new(),
                    supersedes: None,
                    author: "A".into(),
                    author_fingerprint: "00".into(),
                    recorded_at: "2027-01-01T00:00:00.000Z".into(),
                    prev: prev.clone(),
                };
                let hash = e.hash();
                tx.execute(
                    "INSERT INTO decision (collaboration_id, seq, title, decision, rationale, participants, decided_on,
                         links, author_name, author_fingerprint, recorded_at, prev_hash, hash, signature)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, x'00')",
                    rusqlite::params![
                        c,
                        seq as i64,
                        e.title,
                        e.decision,
                        e.rationale,
                        "[\"A\"]",
                        e.date,
                        "[]",
                        e.author,
                        e.author_fingerprint,
                        e.recorded_at,
                        e.prev,
                        hash
                    ],
                )
                .expect("insert");
                prev = hash;
            }
            tx.execute(
                "INSERT INTO decision_log (collaboration_id, uid, entries, last_hash) VALUES (?1, 'big', ?2, ?3)",
                rusqlite::params![c, n as i64, prev],
            )
            .expect("head");
            tx.commit().expect("commit");
        }
        // The chain is whole; written by hand, the log has no signed checkpoint, and says so.
        let v = s.verify_decision_chain(c).expect("verify");
        assert!(
            v.entries == n && v.first_break.as_ref().is_some_and(|b| b.kind == BreakKind::CheckpointMissing),
            "{v:?}"
        );
        s.store()
            .conn
            .execute_batch(&format!("{DROP} UPDATE decision SET title = 'Changed' WHERE seq = 55000"))
            .expect("edit");
        let v = s.verify_decision_chain(c).expect("verify");
        assert_eq!(v.first_break.map(|b| (b.entry, b.kind)), Some((55_000, BreakKind::ContentChanged)));
    }

    thread_local! {
        static SHARED: std::cell::RefCell<(Steward, Id)> = std::cell::RefCell::new({
            let mut s = steward();
            let who = s.create_identity("A. Author", "a@example.org", None, "p256", false).expect("identity").id;
            (s, who)
        });
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// Any single edit, deletion, insertion or swap made directly in the database (triggers
        /// dropped) is detected, and verify names where it is.
        #[test]
        fn any_single_tampering_is_detected_and_located(
            n in 2usize..9,
            what in 0u8..5,
            a in any::<prop::sample::Index>(),
            b in any::<prop::sample::Index>(),
        ) {
            SHARED.with(|cell| {
                let (s, who) = &mut *cell.borrow_mut();
                let c = log(s, n, *who);
                prop_assert!(s.verify_decisions(c).expect("verify").intact);
                let k = a.index(n) as i64 + 1;
                let (i, j) = {
                    let (x, y) = (a.index(n) as i64 + 1, b.index(n) as i64 + 1);
                    if x == y { (1, n as i64) } else { (x.min(y), x.max(y)) }
                };
                let id_of = |seq: i64| -> i64 {
                    s.store().conn.query_row("SELECT id FROM decision WHERE collaboration_id = ?1 AND seq = ?2", [c, seq], |r| r.get(0)).expect("id")
                };
                let cols = "collaboration_id, seq, title, decision, rationale, participants, decided_on, links, supersedes, author_name, author_fingerprint, recorded_at, prev_hash, hash, signature";
                let (sql, expect): (String, (u64, BreakKind)) = match what {
                    0 => (format!("{DROP} UPDATE decision SET rationale = rationale || ' Really.' WHERE id = {}", id_of(k)), (k as u64, BreakKind::ContentChanged)),
                    1 => (format!("{DROP} DELETE FROM decision WHERE id = {}", id_of(k)), (k as u64, BreakKind::EntryMissing)),
                    // A copy of an entry appended at the end (a replayed, validly signed entry).
                    2 => (format!("{DROP} DROP INDEX decision_seq; INSERT INTO decision ({cols}) SELECT {cols} FROM decision WHERE id = {}", id_of(k)), (k as u64, BreakKind::EntryInserted)),
                    // Two rows exchange their contents.
                    3 => {
                        let (x, y) = (id_of(i), id_of(j));
                        let set: Vec<String> = cols.split(", ").map(|col| format!("{col} = (SELECT {col} FROM t WHERE t.id = CASE decision.id WHEN {x} THEN {y} ELSE {x} END)")).collect();
                        (format!("{DROP} DROP INDEX decision_seq; CREATE TEMP TABLE t AS SELECT * FROM decision WHERE id IN ({x}, {y}); UPDATE decision SET {} WHERE id IN ({x}, {y}); DROP TABLE t;", set.join(", ")), (i as u64, BreakKind::OrderChanged))
                    }
                    // An edit with the hash recomputed: only the signature can tell.
                    _ => {
                        let mut e = s.sealed_entries(c).expect("entries").into_iter().find(|(_, e)| e.entry.seq == k as u64).expect("entry").1.entry;
                        e.title.push_str(" (amended)");
                        (format!("{DROP} UPDATE decision SET title = '{}', hash = '{}' WHERE id = {}", e.title.replace('\'', "''"), e.hash(), id_of(k)), (k as u64, BreakKind::SignatureInvalid))
                    }
                };
                s.store().conn.execute_batch(&format!("SAVEPOINT tamper; {sql}")).expect("tamper");
                let v = s.verify_decisions(c).expect("verify");
                let chain = s.verify_decision_chain(c).expect("verify chain");
                s.store().conn.execute_batch("ROLLBACK TO tamper; RELEASE tamper;").expect("restore");
                if expect.1 != BreakKind::SignatureInvalid {
                    // The hash-only pass finds the same.
                    prop_assert_eq!(chain.first_break.as_ref().map(|b| (b.entry, b.kind)), Some(expect));
                } else {
                    // A rehashed entry breaks the link to the next one, or the recorded head.
                    let next = if k as usize == n { (k as u64, BreakKind::ContentChanged) } else { (k as u64 + 1, BreakKind::ChainBroken) };
                    prop_assert_eq!(chain.first_break.as_ref().map(|b| (b.entry, b.kind)), Some(next));
                }
                let got = v.first_break.as_ref().map(|b| (b.entry, b.kind));
                prop_assert!(!v.intact);
                prop_assert_eq!(got, Some(expect), "{:?}", v.first_break);
                prop_assert!(s.verify_decisions(c).expect("verify").intact, "restored");
                Ok(())
            })?;
        }
    }
}
