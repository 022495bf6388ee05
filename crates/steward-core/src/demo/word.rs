//! The demo's Word round trip: the company partner's counsel edited the collaboration agreement
//! in Word (one tracked change with a comment, one plain edit, one clause struck out), and the
//! file waits on the Exchange screen for its changes to be decided.

use crate::error::{Error, Result};
use crate::{Id, Steward};
use steward_docx::edit::{Edit, delete_clause, edit};

/// The file name the demo's Word draft arrived under.
pub const DEMO_WORD_FILE: &str = "ferrant-counsel-edits-r1.docx";

impl Steward {
    pub(crate) fn demo_word_draft(&mut self, agreement: Id) -> Result<Id> {
        let exported = self.export_agreement_docx(agreement, None)?;
        let (row, spec) = self.spec_of(agreement, None)?;
        let doc = self.render_revision(&row, &spec)?;
        // A numbered sub-clause of a clause, without cross-references: its last sentence is where
        // counsel's edits go.
        let sub = |i: usize| {
            doc.sections.get(i).and_then(|s| {
                s.blocks
                    .iter()
                    .find(|b| b.refs.is_empty() && b.number.is_some() && b.text.ends_with('.') && b.text.len() > 60)
                    .map(|b| (s.clause_id.clone(), b.text.clone()))
            })
        };
        let missing = || Error::Conflict("the demo agreement has fewer clauses than the demo edits".into());
        let (c5, t5) = sub(4).ok_or_else(missing)?;
        let (c8, t8) = sub(7).ok_or_else(missing)?;
        let tail = |t: &str| t.rsplit(' ').next().unwrap_or_default().to_string();
        let (w5, w8) = (tail(&t5), tail(&t8));
        let r5 = format!("{}, acting reasonably and in good faith.", w5.trim_end_matches('.'));
        let r8 = format!("{}, save as the parties agree otherwise in writing.", w8.trim_end_matches('.'));
        let edits = [
            Edit {
                clause: &c5,
                find: &w5,
                replace: &r5,
                tracked: true,
                comment: Some(
                    "Ferrant needs this to be judged reasonably: our engineers must be able to plan around it.",
                ),
            },
            Edit { clause: &c8, find: &w8, replace: &r8, tracked: false, comment: None },
        ];
        let edited = edit(&exported.docx, &edits, "Jonas Weidlich (Ferrant Cryogenics)", "2027-01-20T09:30:00Z")
            .map_err(|e| Error::Conflict(format!("the demo Word edits: {e}")))?;
        // Counsel also struck a late clause that no other clause refers to.
        let referred = |id: &str| {
            doc.sections
                .iter()
                .chain(&doc.schedules)
                .flat_map(|s| &s.blocks)
                .flat_map(|b| &b.refs)
                .any(|r| r.target == id || r.target.starts_with(&format!("{id}#")))
        };
        let struck = doc.sections.iter().skip(8).rev().find(|s| s.clause_id != c8 && !referred(&s.clause_id));
        let edited = match struck {
            Some(s) => delete_clause(&edited, &s.clause_id)
                .map_err(|e| Error::Conflict(format!("the demo Word edits: {e}")))?,
            None => edited,
        };
        Ok(self.import_partner_docx(&edited, DEMO_WORD_FILE)?.received.id)
    }
}
