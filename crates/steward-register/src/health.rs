//! A collaboration's health: a verdict (on track, attention, at risk) and the reasons for it,
//! from counts the core gathers. The same reasons reach the collaborations list, `collab list` and
//! its `--json`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How many days ahead count as "due soon".
pub const DUE_SOON_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    OnTrack,
    Attention,
    AtRisk,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::OnTrack => "on track",
            Verdict::Attention => "attention",
            Verdict::AtRisk => "at risk",
        }
    }
}

/// One reason for a verdict: a stable code hosts may branch on, and a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Reason {
    pub code: String,
    pub level: Verdict,
    pub message: String,
}

/// What the core counts for one collaboration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub archived: bool,
    pub status: String,
    pub members: usize,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub sunset: Option<NaiveDate>,
    /// Open obligations' due dates (any order).
    pub open_due: Vec<NaiveDate>,
    /// Open (not closed) risks that are red now, and how many of them are accepted.
    pub open_high_risks: u32,
    pub accepted_high_risks: u32,
    pub pending_publications: u32,
    /// The Trusted Research band (`low`, `medium`, `high`) once assessed, and whether signing is
    /// blocked by due diligence.
    pub diligence_band: Option<String>,
    pub diligence_blocks_signing: bool,
    /// An exit is under way (its plan is being worked through).
    pub exit_under_way: bool,
}

/// The verdict and what it counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Health {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub overdue: u32,
    pub due_soon: u32,
    pub next_due: Option<NaiveDate>,
    pub open_high_risks: u32,
    pub pending_publications: u32,
    pub days_to_sunset: Option<i64>,
    pub diligence_band: Option<String>,
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// Judges one collaboration on `today`.
pub fn assess(f: &Facts, today: NaiveDate) -> Health {
    let mut reasons = Vec::new();
    let mut say = |code: &str, level: Verdict, message: String| {
        reasons.push(Reason { code: code.into(), level, message });
    };
    let overdue = f.open_due.iter().filter(|d| **d < today).count() as u32;
    let due_soon =
        f.open_due.iter().filter(|d| **d >= today && (**d - today).num_days() <= DUE_SOON_DAYS).count() as u32;
    let next_due = f.open_due.iter().filter(|d| **d >= today).min().copied();
    let days_to_sunset = f.sunset.map(|s| (s - today).num_days());
    if !f.archived {
        if overdue > 0 {
            say("overdue", Verdict::AtRisk, format!("{} overdue", plural(overdue, "obligation", "obligations")));
        }
        let unaccepted = f.open_high_risks.saturating_sub(f.accepted_high_risks);
        if unaccepted > 0 {
            say("high_risk", Verdict::AtRisk, format!("{} open", plural(unaccepted, "high risk", "high risks")));
        }
        if f.diligence_blocks_signing {
            say(
                "diligence_blocked",
                Verdict::AtRisk,
                "Trusted Research approvals outstanding: signing is blocked".into(),
            );
        }
        if due_soon > 0 {
            say(
                "due_soon",
                Verdict::Attention,
                format!("{} due within {DUE_SOON_DAYS} days", plural(due_soon, "obligation", "obligations")),
            );
        }
        if f.accepted_high_risks > 0 {
            say(
                "high_risk_accepted",
                Verdict::Attention,
                format!("{} accepted", plural(f.accepted_high_risks, "high risk", "high risks")),
            );
        }
        if f.pending_publications > 0 {
            say(
                "publication_review",
                Verdict::Attention,
                format!("{} under review", plural(f.pending_publications, "publication", "publications")),
            );
        }
        if f.diligence_band.as_deref() == Some("high") && !f.diligence_blocks_signing {
            say("diligence_high", Verdict::Attention, "rated high for Trusted Research".into());
        }
        if f.members < 2 {
            say("needs_partners", Verdict::Attention, "needs partners".into());
        }
        if f.exit_under_way && f.status != "closed" {
            say("in_exit", Verdict::Attention, "exit under way".into());
        } else if f.status != "closed" {
            if let Some(end) = f.end {
                let left = (end - today).num_days();
                if left < 0 {
                    say("past_end", Verdict::Attention, "past its end date".into());
                } else if left <= 90 {
                    say("ends_soon", Verdict::Attention, format!("ends in {left} days"));
                }
            }
            if let Some(days) = days_to_sunset {
                if days < 0 {
                    say("past_sunset", Verdict::AtRisk, "past its sunset date but not closed".into());
                }
            }
        }
        if let Some(start) = f.start {
            if f.status == "planning" && start < today {
                say("planning_late", Verdict::Attention, "started but still planning".into());
            }
        }
    }
    let verdict = reasons.iter().map(|r| r.level).max().unwrap_or(Verdict::OnTrack);
    Health {
        verdict,
        reasons,
        overdue,
        due_soon,
        next_due,
        open_high_risks: f.open_high_risks,
        pending_publications: f.pending_publications,
        days_to_sunset,
        diligence_band: f.diligence_band.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_worst_reason_sets_the_verdict() {
        let today = d("2027-01-10");
        let base = Facts { status: "active".into(), members: 3, ..Facts::default() };
        assert_eq!(assess(&base, today).verdict, Verdict::OnTrack);
        let soon = Facts { open_due: vec![d("2027-01-20"), d("2027-06-01")], ..base.clone() };
        let h = assess(&soon, today);
        assert_eq!((h.verdict, h.due_soon, h.next_due), (Verdict::Attention, 1, Some(d("2027-01-20"))));
        let late = Facts { open_due: vec![d("2027-01-01")], open_high_risks: 1, ..soon };
        let h = assess(&late, today);
        assert_eq!(h.verdict, Verdict::AtRisk);
        assert_eq!(h.reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["overdue", "high_risk"]);
    }

    #[test]
    fn an_accepted_high_risk_asks_for_attention_only() {
        let f = Facts {
            status: "active".into(),
            members: 2,
            open_high_risks: 1,
            accepted_high_risks: 1,
            ..Facts::default()
        };
        assert_eq!(assess(&f, d("2027-01-10")).verdict, Verdict::Attention);
    }

    #[test]
    fn an_exit_under_way_replaces_the_past_sunset_alarm() {
        let over = Facts {
            status: "active".into(),
            members: 2,
            end: Some(d("2026-12-01")),
            sunset: Some(d("2026-12-01")),
            ..Facts::default()
        };
        let h = assess(&over, d("2027-01-10"));
        assert_eq!(h.verdict, Verdict::AtRisk);
        let exiting = Facts { exit_under_way: true, ..over };
        let h = assess(&exiting, d("2027-01-10"));
        assert_eq!((h.verdict, h.reasons[0].code.as_str()), (Verdict::Attention, "in_exit"));
    }
}
