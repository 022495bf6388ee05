//! What verification trusts: this store's own identities, and partners' keys pinned to their
//! party. The first signed file imported from a party pins its signer's certificate; a later file
//! from that party signed with another key stops the import ([`Error::NewKey`]) unless the user
//! accepts the new key, which is recorded as a signed decision in the collaboration's log.

pub mod lasting;

use crate::decisions::NewDecision;
use crate::error::{Error, FieldError, Result};
use crate::store::trust::NewPin;
use crate::{Id, Steward};
use steward_clauses::values::PartyInfo;
use steward_sign::{KnownCertificate, SignatureReport, VerifyReport};

pub use crate::store::PartnerKey;

/// A signature box as the embedded draft names it.
#[derive(Debug, Clone, serde::Deserialize)]
struct DraftBox {
    party: String,
    page: usize,
    rect: [f64; 4],
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Who a signature is, in a line: name <e-mail>, organisation.
pub fn signer_line(s: &SignatureReport) -> String {
    let mut who = s.signer.clone();
    if let Some(e) = &s.email {
        who.push_str(&format!(" <{e}>"));
    }
    if let Some(o) = &s.organisation {
        who.push_str(&format!(", {o}"));
    }
    who
}

impl Steward {
    /// Partners' pinned keys: of one party, or of every party.
    pub fn partner_keys(&self, party: Option<Id>) -> Result<Vec<PartnerKey>> {
        if let Some(p) = party {
            self.store().party(p)?;
        }
        self.store().partner_keys(party)
    }

    /// Whose certificate `fingerprint` is: one of our identities, a pinned partner key, or unknown.
    pub fn known_certificate(&self, fingerprint: &str) -> Result<KnownCertificate> {
        if let Some(i) = self.identity_by_fingerprint(fingerprint)? {
            return Ok(KnownCertificate::Identity { id: i.id, name: i.name });
        }
        if let Some(k) = self.store().partner_keys_by_fingerprint(fingerprint)?.into_iter().next() {
            return Ok(KnownCertificate::Partner { party_id: k.party_id, party: k.party });
        }
        Ok(KnownCertificate::Unknown)
    }

    /// Says for each signature of `report` whose certificate it is: one of ours, a partner's
    /// pinned key, one whose path leads to a trust anchor, or unknown; and checks each path (the
    /// signer's and its time stamp's) to the trust anchors.
    pub(crate) fn annotate_known(&self, report: &mut VerifyReport) -> Result<()> {
        self.annotate_chains(report)?;
        for s in &mut report.signatures {
            if !s.fingerprint.is_empty() {
                let mut known = self.known_certificate(&s.fingerprint)?;
                if known == KnownCertificate::Unknown {
                    if let Some(anchor) =
                        s.chain.as_ref().filter(|c| c.state == "trusted").and_then(|c| c.anchor.clone())
                    {
                        known = KnownCertificate::Trusted { anchor };
                    }
                }
                s.known = Some(known);
            }
        }
        Ok(())
    }

    /// For a file being imported (inside the import's transaction): ties each signature that is
    /// not ours to a party of the draft, pins the key of a party that has none, and stops at a key
    /// other than the pinned ones unless `accept` names the identity that signs the decision to
    /// accept it. Returns what was pinned, in lines.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn pin_signers(
        &mut self,
        report: &VerifyReport,
        draft: &[u8],
        parties: &[PartyInfo],
        collab: Id,
        file_name: &str,
        file_sha256: &str,
        accept: Option<Id>,
    ) -> Result<Vec<String>> {
        let boxes: Vec<DraftBox> = serde_json::from_slice::<serde_json::Value>(draft)
            .ok()
            .and_then(|v| v.get("signature_boxes").cloned())
            .and_then(|b| serde_json::from_value(b).ok())
            .unwrap_or_default();
        let mut pinned = Vec::new();
        for (i, s) in report.signatures.iter().enumerate() {
            if self.identity_by_fingerprint(&s.fingerprint)?.is_some() {
                continue;
            }
            let by_org = s.organisation.as_deref().map(norm).and_then(|org| {
                parties
                    .iter()
                    .find(|p| norm(&p.legal_name) == org || p.short_name.as_deref().map(norm) == Some(org.clone()))
            });
            let by_box = || {
                let (page, r) = (s.page?, s.rect?);
                let r = [r[0].min(r[2]), r[1].min(r[3]), r[0].max(r[2]), r[1].max(r[3])];
                let b = boxes.iter().find(|b| {
                    b.page == page
                        && r[0] >= b.rect[0] - 2.0
                        && r[1] >= b.rect[1] - 2.0
                        && r[2] <= b.rect[2] + 2.0
                        && r[3] <= b.rect[3] + 2.0
                })?;
                parties.iter().find(|p| norm(&p.legal_name) == norm(&b.party))
            };
            let Some(party) = by_org.or_else(by_box) else {
                return Err(Error::invalid(
                    "file",
                    format!(
                        "signature {} by {} cannot be tied to a party the agreement names (neither the certificate's organisation nor the signature's place names one)",
                        i + 1,
                        signer_line(s)
                    ),
                ));
            };
            let keys = self.store().partner_keys(Some(party.id))?;
            if keys.iter().any(|k| k.fingerprint == s.fingerprint) {
                continue;
            }
            let subject = signer_line(s);
            let by = self.actor().to_string();
            let mut pin = NewPin {
                party_id: party.id,
                fingerprint: &s.fingerprint,
                certificate: &s.certificate,
                subject: &subject,
                by: &by,
                file_name,
                file_sha256,
                decision_seq: None,
            };
            if keys.is_empty() {
                self.store().insert_partner_key(&pin, self.now())?;
                pinned.push(format!("pinned the key of {} for {} ({})", subject, party.legal_name, s.fingerprint));
                continue;
            }
            let known: Vec<String> =
                keys.iter().map(|k| format!("{} ({}, from {})", k.fingerprint, k.subject, k.file_name)).collect();
            let Some(identity) = accept else {
                return Err(Error::NewKey {
                    message: format!(
                        "new key for {}: signature {} by {} is made with certificate {}, but the key pinned for {} is {}. If {} really signs with a new key, import the file again accepting it (--accept-new-key --identity N); the acceptance is signed into the decision log",
                        party.legal_name,
                        i + 1,
                        subject,
                        s.fingerprint,
                        party.legal_name,
                        known.join("; "),
                        party.legal_name
                    ),
                    details: vec![
                        FieldError::new("party", party.legal_name.clone()),
                        FieldError::new("signer", subject.clone()),
                        FieldError::new("fingerprint", s.fingerprint.clone()),
                        FieldError::new("pinned", known.join("; ")),
                    ],
                });
            };
            let d = self.add_decision(
                collab,
                &NewDecision {
                    title: format!("New signing key accepted for {}", party.legal_name),
                    decision: Some(format!(
                        "The key of certificate {} ({}) is accepted as a key of {}.",
                        s.fingerprint, subject, party.legal_name
                    )),
                    rationale: Some(format!(
                        "It signed {file_name} (SHA-256 {file_sha256}); the keys pinned before were {}.",
                        known.join("; ")
                    )),
                    participants: vec![self.actor().to_string()],
                    date: None,
                    links: vec![format!("party:{}", party.id)],
                    supersedes: None,
                },
                identity,
            )?;
            pin.decision_seq = Some(d.entry.seq as i64);
            self.store().insert_partner_key(&pin, self.now())?;
            pinned.push(format!(
                "accepted a new key of {} for {} ({}), decision {}",
                subject, party.legal_name, s.fingerprint, d.entry.seq
            ));
        }
        Ok(pinned)
    }
}
