//! Each collaboration's health, computed in the core from its stored items, risks, reviews and
//! Trusted Research state: the verdict and its reasons (`steward_register::health`).

use crate::error::Result;
use crate::{CollaborationSummary, Id, Steward};
use chrono::NaiveDate;
use std::collections::HashMap;
use steward_register::health::{self, Facts, Health};

impl Steward {
    /// Health of each collaboration in `list`: one query per kind of fact, whatever the count.
    pub(crate) fn health_of(&self, list: &[CollaborationSummary]) -> Result<HashMap<Id, Health>> {
        let mut facts: HashMap<Id, Facts> = list
            .iter()
            .map(|c| {
                let k = &c.collaboration;
                (
                    k.id,
                    Facts {
                        archived: k.archived,
                        status: k.status.as_str().to_string(),
                        members: c.member_count,
                        start: k.start_date,
                        end: k.end_date,
                        sunset: k.sunset_date,
                        ..Facts::default()
                    },
                )
            })
            .collect();
        for collab in self.store().open_exits()? {
            if let Some(f) = facts.get_mut(&collab) {
                f.exit_under_way = true;
            }
        }
        for (collab, due) in self.store().open_due_dates()? {
            if let (Some(f), Ok(d)) = (facts.get_mut(&collab), NaiveDate::parse_from_str(&due, "%Y-%m-%d")) {
                f.open_due.push(d);
            }
        }
        for (collab, high, accepted) in self.store().high_risk_counts()? {
            if let Some(f) = facts.get_mut(&collab) {
                f.open_high_risks = high;
                f.accepted_high_risks = accepted;
            }
        }
        for (collab, n) in self.store().pending_publication_counts()? {
            if let Some(f) = facts.get_mut(&collab) {
                f.pending_publications = n;
            }
        }
        let today = self.clock_today();
        for (collab, stamp) in self.store().diligence_stamps()? {
            let Some(f) = facts.get_mut(&collab) else { continue };
            if stamp.starts_with('/') {
                continue; // never assessed
            }
            // Re-screening falls due with time: a summary holds for the day it was made.
            let stamp = format!("{stamp}/{today}");
            let (band, blocked) = match self.store().diligence_summary(collab)? {
                Some((s, band, blocked)) if s == stamp => (band, blocked),
                _ => {
                    let a = self.diligence(collab)?;
                    let band = a.revision.as_ref().map(|_| a.rating.band.as_str().to_string());
                    let blocked = !a.signing_blocked_by.is_empty();
                    // A cache: a store that cannot keep it computes it again next time.
                    let _ = self.store().set_diligence_summary(collab, &stamp, band.as_deref(), blocked);
                    (band, blocked)
                }
            };
            f.diligence_band = band;
            f.diligence_blocks_signing = blocked;
        }
        Ok(facts.into_iter().map(|(id, f)| (id, health::assess(&f, today))).collect())
    }

    /// One collaboration's health.
    pub fn collaboration_health(&mut self, collab: Id) -> Result<Health> {
        self.refresh_obligations(Some(collab))?;
        let list: Vec<CollaborationSummary> =
            self.store().collaborations(true)?.into_iter().filter(|c| c.collaboration.id == collab).collect();
        if list.is_empty() {
            return Err(crate::Error::not_found("collaboration", collab));
        }
        self.health_of(&list)?.remove(&collab).ok_or_else(|| crate::Error::not_found("collaboration", collab))
    }
}
