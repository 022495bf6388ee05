//! `steward timestamp`, `ltv add`, `trust add|list|remove` and `settings`: signatures that last.

use crate::args::{LtvCmd, SettingsCmd, TrustCmd};
use crate::{Failure, Out, Outcome, output};
use serde_json::json;
use steward_core::Steward;
use steward_core::trust::lasting::TSA_SETTING;

/// The settings `steward settings` knows.
const KNOWN: &[&str] = &[TSA_SETTING];

fn known(key: &str) -> Result<(), Failure> {
    if KNOWN.contains(&key) {
        Ok(())
    } else {
        Err(Failure::Core(steward_core::Error::invalid(
            "key",
            format!("{key:?} is not a setting; settings are: {}", KNOWN.join(", ")),
        )))
    }
}

pub(crate) fn timestamp(s: &Steward, file: &std::path::Path, dest: Option<&std::path::Path>, out: Out) -> Outcome {
    let pdf = crate::read_bytes(file, steward_core::files::MAX_PDF)?;
    let stamped = s.timestamp_pdf(&pdf)?;
    let path = dest.unwrap_or(file);
    crate::write_bytes(path, &stamped)?;
    let r = s.verify_pdf(&stamped)?;
    let time = r.signatures.iter().rev().find(|x| x.document_timestamp).and_then(|x| x.timestamp.clone());
    if out.json {
        return Ok(output::json(&json!({ "out": path, "bytes": stamped.len(), "timestamp": time }))?);
    }
    let when = time.map(|t| format!(" at {} by {}", t.time, t.authority)).unwrap_or_default();
    Ok(output::text(&format!("time-stamped{when}: {}", path.display()))?)
}

/// Adds validation data to the signed file at `path` (in place) and says what went in.
pub(crate) fn add_ltv(s: &Steward, pdf: &[u8], path: &std::path::Path, out: Out) -> Outcome {
    let added = s.add_validation_data(pdf)?;
    crate::write_bytes(path, &added.pdf)?;
    if out.json {
        return Ok(output::json(&json!({
            "out": path,
            "bytes": added.pdf.len(),
            "certificates": added.certificates,
            "crls": added.crls,
            "unreachable": added.unreachable,
        }))?);
    }
    let mut t =
        format!("validation data added: {} certificates, {} CRLs: {}", added.certificates, added.crls, path.display());
    for u in &added.unreachable {
        t.push_str(&format!("\n  not reachable (no revocation data from it): {u}"));
    }
    Ok(output::text(&t)?)
}

pub(crate) fn ltv(s: &Steward, cmd: LtvCmd, out: Out) -> Outcome {
    match cmd {
        LtvCmd::Add { file, out: dest } => {
            let pdf = crate::read_bytes(&file, steward_core::files::MAX_PDF)?;
            add_ltv(s, &pdf, dest.as_deref().unwrap_or(&file), out)
        }
    }
}

pub(crate) fn trust(s: &mut Steward, cmd: TrustCmd, out: Out) -> Outcome {
    match cmd {
        TrustCmd::Add { file, name } => {
            let bytes = crate::read_bytes(&file, 1 << 20)?;
            let a = s.add_trust_anchor(&bytes, name.as_deref())?;
            if out.json {
                return Ok(output::json(&a)?);
            }
            Ok(output::text(&format!(
                "trusted {} (anchor {}): {}, valid until {}\n  certificate SHA-256 {}",
                a.name, a.id, a.subject, a.not_after, a.fingerprint
            ))?)
        }
        TrustCmd::List => {
            let all = s.trust_anchors()?;
            if out.json {
                return Ok(output::json(&all)?);
            }
            if all.is_empty() {
                return Ok(output::text("No trust anchors. Add one with `steward trust add CA.pem`.")?);
            }
            let mut t = String::new();
            for a in all {
                t.push_str(&format!(
                    "{:>3}  {}  ({}; valid {} to {})\n     {}\n",
                    a.id, a.name, a.subject, a.not_before, a.not_after, a.fingerprint
                ));
            }
            Ok(output::text(t.trim_end())?)
        }
        TrustCmd::Remove { id } => {
            let a = s.remove_trust_anchor(id)?;
            if out.json {
                return Ok(output::json(&a)?);
            }
            Ok(output::text(&format!("no longer trusted: {} (anchor {})", a.name, a.id))?)
        }
    }
}

pub(crate) fn settings(s: &mut Steward, cmd: SettingsCmd, out: Out) -> Outcome {
    let show = |key: &str, value: Option<String>| -> Outcome {
        if out.json {
            return Ok(output::json(&json!({ "key": key, "value": value }))?);
        }
        Ok(output::text(&format!("{key} = {}", value.unwrap_or_else(|| "(not set)".into())))?)
    };
    match cmd {
        SettingsCmd::Set { key, value } => {
            known(&key)?;
            s.set_tsa_url(Some(&value))?;
            show(&key, s.tsa_url()?)
        }
        SettingsCmd::Get { key } => {
            known(&key)?;
            show(&key, s.tsa_url()?)
        }
        SettingsCmd::Unset { key } => {
            known(&key)?;
            s.set_tsa_url(None)?;
            show(&key, None)
        }
        SettingsCmd::List => {
            let tsa = s.tsa_url()?;
            if out.json {
                return Ok(output::json(&json!({ TSA_SETTING: tsa }))?);
            }
            Ok(output::text(&format!("{TSA_SETTING} = {}", tsa.unwrap_or_else(|| "(not set)".into())))?)
        }
    }
}
