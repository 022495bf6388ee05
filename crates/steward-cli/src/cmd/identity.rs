//! `steward identity`: signing identities (keys in the OS credential store).

use crate::args::IdentityCmd;
use crate::{Out, Outcome, io_error, output};
use steward_core::Steward;

pub(crate) fn identity(s: &mut Steward, cmd: IdentityCmd, out: Out) -> Outcome {
    match cmd {
        IdentityCmd::New { name, email, org, key } => {
            let id = s.create_identity(&name, &email, org.as_deref(), key.as_str(), false)?;
            if out.json {
                return Ok(output::json(&id)?);
            }
            out.id(id.id)
        }
        IdentityCmd::Import { file, password_stdin } => {
            let bytes = crate::read_bytes(&file, 1 << 20)?;
            let password = if password_stdin || !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| io_error(std::path::Path::new("standard input"), e))?;
                line.trim_end_matches(['\r', '\n']).to_string()
            } else {
                rpassword::prompt_password(format!("Password for {}: ", file.display()))
                    .map_err(|e| io_error(&file, e))?
            };
            let id = s.import_identity(&bytes, &password)?;
            if out.json {
                return Ok(output::json(&id)?);
            }
            out.id(id.id)
        }
        IdentityCmd::List => {
            let list = s.identities()?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|i| {
                    vec![
                        i.id.to_string(),
                        i.key_kind.clone(),
                        i.origin.clone(),
                        i.fingerprint[..23].to_string() + "…",
                        format!(
                            "{} <{}>{}{}",
                            i.name,
                            i.email,
                            i.organisation.as_deref().map(|o| format!(", {o}")).unwrap_or_default(),
                            match (i.expiry.as_str(), &i.expires_at) {
                                ("expired", Some(d)) => format!("  (EXPIRED {d}: cannot sign)"),
                                ("expires_soon", Some(d)) => format!("  (expires {d}: renew it)"),
                                _ => String::new(),
                            }
                        ),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(&["ID", "KEY", "ORIGIN", "SHA-256", "WHO"], &rows))?)
        }
        IdentityCmd::Export { id, out: file } => {
            let pem = s.identity_certificate_pem(id)?;
            steward_core::files::write_atomically(&file, pem.as_bytes())?;
            out.done(&format!("wrote {}", file.display()))
        }
        IdentityCmd::Remove { id, yes } => {
            if !yes {
                return Err(steward_core::Error::invalid(
                    "yes",
                    "removing an identity deletes its private key from the credential store for good: add --yes to confirm",
                )
                .into());
            }
            let who = s.remove_identity(id)?;
            if out.json {
                return Ok(output::json(&who)?);
            }
            out.done(&format!("removed the identity of {} (its certificate is kept for verifying)", who.name))
        }
    }
}
