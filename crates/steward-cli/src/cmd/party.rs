//! `steward party` and `steward person`: institutions and their people.

use crate::args::{PartyCmd, PersonCmd};
use crate::{Out, Outcome, output};
use steward_core::Steward;
use steward_core::{NewParty, NewPerson, Party, Person};

pub(crate) fn party(s: &mut Steward, cmd: PartyCmd, out: Out) -> Outcome {
    match cmd {
        PartyCmd::Add { name, country, short_name, kind, reg_no, address } => out.id(s.add_party(&NewParty {
            legal_name: name,
            short_name,
            kind,
            registration_number: reg_no,
            address,
            country,
        })?),
        PartyCmd::List { all } => {
            let list = s.parties(all)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            Ok(output::text(&output::table(
                &["ID", "COUNTRY", "KIND", "NAME"],
                &list.iter().map(party_row).collect::<Vec<_>>(),
            ))?)
        }
        PartyCmd::Show { id } => {
            let p = s.party(id)?;
            let keys = s.partner_keys(Some(id))?;
            if out.json {
                let mut v = serde_json::to_value(&p).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("keys".into(), serde_json::to_value(&keys).unwrap_or_default());
                }
                return Ok(output::json(&v)?);
            }
            let mut t = format!("{}  {}\n", p.id, p.legal_name);
            for (k, v) in [
                ("short", p.short_name.clone()),
                ("kind", Some(p.kind.to_string())),
                ("country", Some(p.country.clone())),
                ("reg. no", p.registration_number.clone()),
                ("address", p.address.clone()),
                ("archived", p.archived.then(|| "yes".to_string())),
            ] {
                if let Some(v) = v {
                    t.push_str(&format!("  {k:<9} {v}\n"));
                }
            }
            for k in &keys {
                let how = match k.decision_seq {
                    None => "first key".to_string(),
                    Some(d) => format!("accepted by decision {d}"),
                };
                t.push_str(&format!(
                    "  key       {}  {} (pinned {} from {}, {how})\n",
                    k.fingerprint, k.subject, k.pinned_at, k.file_name
                ));
            }
            Ok(output::text(&t)?)
        }
        PartyCmd::Archive { id } => {
            s.archive_party(id)?;
            out.done(&format!("party {id} archived"))
        }
        PartyCmd::Remove { id } => {
            s.remove_party(id)?;
            out.done(&format!("party {id} removed"))
        }
    }
}

pub(crate) fn party_row(p: &Party) -> Vec<String> {
    let name = if p.archived { format!("{} (archived)", p.legal_name) } else { p.legal_name.clone() };
    vec![p.id.to_string(), p.country.clone(), p.kind.to_string(), name]
}

pub(crate) fn person(s: &mut Steward, cmd: PersonCmd, out: Out) -> Outcome {
    match cmd {
        PersonCmd::Add { name, email, party, orcid } => {
            out.id(s.add_person(&NewPerson { name, email, orcid, party_id: party })?)
        }
        PersonCmd::List { party, collab, all } => {
            let list = s.people(party, collab, all)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list.iter().map(person_row).collect();
            Ok(output::text(&output::table(&["ID", "PARTY", "EMAIL", "ORCID", "NAME"], &rows))?)
        }
        PersonCmd::Archive { id } => {
            s.archive_person(id)?;
            out.done(&format!("person {id} archived"))
        }
        PersonCmd::Edit { id, name, email, orcid } => {
            let p = s.person(id)?;
            let orcid = match orcid {
                Some(o) if o.trim().is_empty() => None,
                Some(o) => Some(o),
                None => p.orcid.clone(),
            };
            let p = s.update_person(
                id,
                name.as_deref().unwrap_or(&p.name),
                email.as_deref().unwrap_or(&p.email),
                orcid.as_deref(),
            )?;
            if out.json {
                return Ok(output::json(&p)?);
            }
            out.done(&format!("person {id} is now {} <{}>", p.name, p.email))
        }
        PersonCmd::Remove { id } => {
            let removal = s.remove_person(id)?;
            if out.json {
                return Ok(output::json(&serde_json::json!({ "id": id, "removal": removal }))?);
            }
            out.done(&match removal {
                steward_core::collaborations::PersonRemoval::Deleted => format!("person {id} removed"),
                steward_core::collaborations::PersonRemoval::Archived => {
                    format!("person {id} archived: ledger entries or credit roles name them")
                }
            })
        }
    }
}

pub(crate) fn person_row(p: &Person) -> Vec<String> {
    vec![p.id.to_string(), p.party_id.to_string(), p.email.clone(), p.orcid.clone().unwrap_or_default(), p.name.clone()]
}
