//! `steward collab`: collaborations and their members.

use crate::args::{CollabCmd, CollabFields};
use crate::{Failure, Out, Outcome, output};
use steward_core::Steward;
use steward_core::{CollaborationDetail, CollaborationPatch, NewCollaboration, Role};

pub(crate) fn patch(title: Option<String>, f: CollabFields) -> CollaborationPatch {
    CollaborationPatch {
        title,
        summary: f.summary,
        status: f.status,
        start_date: f.start_date,
        end_date: f.end_date,
        sunset_date: f.sunset_date,
    }
}

pub(crate) fn role(text: &str) -> Result<Role, Failure> {
    Role::parse("role", text).map_err(|e| Failure::Core(steward_core::Error::invalid(e.field, e.message)))
}

pub(crate) fn collab(s: &mut Steward, cmd: CollabCmd, out: Out) -> Outcome {
    match cmd {
        CollabCmd::New { title, fields } => {
            let p = patch(Some(title), fields);
            let new = NewCollaboration {
                title: p.title.unwrap_or_default(),
                summary: p.summary,
                status: p.status,
                start_date: p.start_date,
                end_date: p.end_date,
                sunset_date: p.sunset_date,
            };
            out.id(s.create_collaboration(&new)?)
        }
        CollabCmd::List { all } => {
            let list = s.collaboration_overview(all)?;
            if out.json {
                return Ok(output::json(&list)?);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    let c0 = &c.collaboration;
                    vec![
                        c0.id.to_string(),
                        c0.status.to_string() + if c0.archived { " (archived)" } else { "" },
                        c.countries.join(","),
                        c0.start_date.map(|d| d.to_string()).unwrap_or_default(),
                        c0.end_date.map(|d| d.to_string()).unwrap_or_default(),
                        c.health.as_ref().map(|h| h.verdict.as_str().to_string()).unwrap_or_default(),
                        c.health
                            .as_ref()
                            .map(|h| h.reasons.iter().map(|r| r.message.as_str()).collect::<Vec<_>>().join("; "))
                            .unwrap_or_default(),
                        c0.title.clone(),
                    ]
                })
                .collect();
            Ok(output::text(&output::table(
                &["ID", "STATUS", "COUNTRIES", "START", "END", "HEALTH", "REASONS", "TITLE"],
                &rows,
            ))?)
        }
        CollabCmd::Show { id } => {
            let d = s.collaboration(id)?;
            if out.json { Ok(output::json(&d)?) } else { Ok(output::text(&show_collab(&d))?) }
        }
        CollabCmd::Edit { id, title, fields } => {
            let c = s.update_collaboration(id, &patch(title, fields))?;
            if out.json { Ok(output::json(&c)?) } else { out.done(&format!("collaboration {id} updated")) }
        }
        CollabCmd::Archive { id } => {
            s.archive_collaboration(id)?;
            out.done(&format!("collaboration {id} archived"))
        }
        CollabCmd::Restore { id } => {
            s.restore_collaboration(id)?;
            out.done(&format!("collaboration {id} restored"))
        }
        CollabCmd::AddParty { id, party, role: r } => {
            s.add_member(id, party, role(&r)?)?;
            out.done(&format!("party {party} added to collaboration {id} as {r}"))
        }
        CollabCmd::SetRole { id, party, role: r } => {
            s.set_member_role(id, party, role(&r)?)?;
            out.done(&format!("party {party} is now {r} in collaboration {id}"))
        }
        CollabCmd::RemoveParty { id, party } => {
            s.remove_member(id, party)?;
            out.done(&format!("party {party} removed from collaboration {id}"))
        }
    }
}

pub(crate) fn show_collab(d: &CollaborationDetail) -> String {
    let c = &d.collaboration;
    let mut t = format!("{}  {}\n", c.id, c.title);
    let field = |t: &mut String, k: &str, v: Option<String>| {
        if let Some(v) = v {
            t.push_str(&format!("  {k:<8} {v}\n"));
        }
    };
    field(&mut t, "status", Some(c.status.to_string() + if c.archived { " (archived)" } else { "" }));
    field(&mut t, "start", c.start_date.map(|d| d.to_string()));
    field(&mut t, "end", c.end_date.map(|d| d.to_string()));
    field(&mut t, "sunset", c.sunset_date.map(|d| d.to_string()));
    field(&mut t, "summary", c.summary.clone());
    t.push_str("\nParties\n");
    if d.members.is_empty() {
        t.push_str("  (none yet: steward collab add-party ID --party P --role lead)\n");
    }
    for m in &d.members {
        t.push_str(&format!("  {:<14} {} ({}, {})\n", m.role, m.party.legal_name, m.party.country, m.party.id));
        for p in d.people.iter().filter(|p| p.party_id == m.party.id) {
            t.push_str(&format!("  {:<14}   {} <{}>\n", "", p.name, p.email));
        }
    }
    t
}
