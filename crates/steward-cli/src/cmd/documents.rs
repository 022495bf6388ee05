//! `steward sign` and `steward verify`: signatures on PDFs.

pub(crate) fn verify_text(r: &steward_sign::VerifyReport) -> String {
    let mut t = String::new();
    if r.signatures.is_empty() {
        t.push_str("The file has no signatures.\n");
    }
    for (i, sig) in r.signatures.iter().enumerate() {
        t.push_str(&format!(
            "Signature {}: {}{}{}\n",
            i + 1,
            sig.signer,
            sig.organisation.as_deref().map(|o| format!(" ({o})")).unwrap_or_default(),
            sig.email.as_deref().map(|e| format!(" <{e}>")).unwrap_or_default()
        ));
        t.push_str(&format!("  certificate SHA-256  {}\n", sig.fingerprint));
        let known = match &sig.known {
            Some(steward_sign::KnownCertificate::Identity { id, name }) => format!("ours: identity {id} ({name})"),
            Some(steward_sign::KnownCertificate::Partner { party_id, party }) => {
                format!("a partner's pinned key: {party} (party {party_id})")
            }
            Some(steward_sign::KnownCertificate::Trusted { anchor }) => {
                format!("trusted: its path leads to the trust anchor {anchor}")
            }
            _ => "UNKNOWN: not one of our identities or a pinned partner key".to_string(),
        };
        if !sig.fingerprint.is_empty() {
            t.push_str(&format!("  certificate          {known}\n"));
        }
        if sig.document_timestamp {
            t.push_str("  kind                 document time stamp\n");
        } else if let Some(m) = &sig.signing_time {
            t.push_str(&format!("  signing time         {m} (the signer's own clock)\n"));
        }
        if let Some(ts) = &sig.timestamp {
            if ts.valid {
                t.push_str(&format!("  time-stamped         {} by {}\n", ts.time, ts.authority));
            } else {
                t.push_str(&format!("  TIME STAMP INVALID: {}\n", ts.problem.clone().unwrap_or_default()));
            }
            if let Some(c) = &ts.chain {
                t.push_str(&format!("  time stamp path      {}\n", chain_line(c)));
            }
        }
        if let Some(c) = &sig.chain {
            let pinned = matches!(
                sig.known,
                Some(steward_sign::KnownCertificate::Identity { .. } | steward_sign::KnownCertificate::Partner { .. })
            );
            let line = if pinned && c.state != "trusted" {
                format!(
                    "no path to a trust anchor ({}); the key itself is known, as above",
                    c.problem.clone().unwrap_or_default()
                )
            } else {
                chain_line(c)
            };
            t.push_str(&format!("  certificate path     {line}\n"));
        }
        if r.dss.is_some() {
            t.push_str(if sig.ltv {
                "  long-term data       every certificate of its path is in the file (DSS)\n"
            } else {
                "  long-term data       the file's DSS lacks certificates of its path\n"
            });
        }
        let integrity = match sig.integrity {
            steward_sign::Integrity::Valid => "valid".to_string(),
            steward_sign::Integrity::DigestMismatch => "DIGEST MISMATCH: the signed bytes were changed".to_string(),
            steward_sign::Integrity::InvalidSignature => {
                "INVALID: the signature does not match the certificate".to_string()
            }
            steward_sign::Integrity::Malformed => format!("MALFORMED: {}", sig.problem.clone().unwrap_or_default()),
        };
        t.push_str(&format!("  integrity            {integrity}\n"));
        let covers = if sig.covers_whole_file {
            "the whole file".to_string()
        } else {
            format!("the first {} bytes (a later revision follows)", sig.signed_length)
        };
        t.push_str(&format!("  covers               {covers} (revision {} of {})\n", sig.revision, r.revisions));
        if sig.modified_after_signing.is_empty() {
            if !sig.covers_whole_file {
                t.push_str("  after signing        only further signatures were added\n");
            }
        } else {
            t.push_str(&format!("  MODIFIED AFTER SIGNING: {}\n", sig.modified_after_signing.join(", ")));
        }
        match sig.draft_matches {
            Some(true) => t.push_str("  embedded draft       matches what was signed\n"),
            Some(false) => t.push_str("  EMBEDDED DRAFT CHANGED after signing\n"),
            None => {}
        }
    }
    for from in &r.library_sources {
        t.push_str(&format!("Clause versions {from}, as the sender's store says\n"));
    }
    t.push_str(if r.ok {
        "Result: every signature is intact and nothing but signatures was added after signing.\n"
    } else {
        "Result: NOT VERIFIED.\n"
    });
    t
}

fn chain_line(c: &steward_sign::pdf::ChainReport) -> String {
    match c.state.as_str() {
        "trusted" => format!(
            "trusted to {} ({}), checked at {}",
            c.anchor.clone().unwrap_or_default(),
            c.path.join(" \u{2192} "),
            c.checked_at
        ),
        "no_anchors" => "not checked: no trust anchors are set".to_string(),
        _ => format!("NOT TRUSTED: {} (checked at {})", c.problem.clone().unwrap_or_default(), c.checked_at),
    }
}

pub(crate) fn sign(
    s: &steward_core::Steward,
    file: &std::path::Path,
    identity: i64,
    path: &std::path::Path,
    reason: Option<&str>,
    ltv: bool,
    out: crate::Out,
) -> crate::Outcome {
    let pdf = crate::read_bytes(file, steward_core::files::MAX_PDF)?;
    let signed = s.sign_pdf(&pdf, identity, reason)?;
    if ltv {
        return super::lasting::add_ltv(s, &signed, path, out);
    }
    crate::write_bytes(path, &signed)?;
    if out.json {
        crate::output::json(&serde_json::json!({ "out": path, "bytes": signed.len() }))?;
    } else {
        crate::output::text(&format!("signed: {}", path.display()))?;
    }
    Ok(())
}

pub(crate) fn verify(s: &steward_core::Steward, file: &std::path::Path, out: crate::Out) -> crate::Outcome {
    let pdf = crate::read_bytes(file, steward_core::files::MAX_PDF)?;
    let report = s.verify_pdf(&pdf)?;
    if out.json {
        crate::output::json(&report)?;
    } else {
        crate::output::text(&verify_text(&report))?;
    }
    if !report.ok {
        return Err(crate::Failure::Core(steward_core::Error::Signature(if report.signatures.is_empty() {
            "the file has no signatures".into()
        } else {
            "not every signature is intact and unchanged since signing".into()
        })));
    }
    Ok(())
}
