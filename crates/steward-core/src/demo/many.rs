//! Many collaborations for benchmarks: each a copy of the demo's shape (three parties, its four
//! agreements and another NDA, dates moved per collaboration), with obligations derived and one
//! hand-added item. Used by the benches of the health view, never by the hosts' first run.

use crate::obligations::NewObligation;
use crate::{Id, NewCollaboration, NewParty, Result, Role, Steward};
use chrono::{Days, NaiveDate};

impl Steward {
    /// Adds `n` collaborations with five agreements each; returns their ids.
    pub fn install_many(&mut self, n: usize) -> Result<Vec<Id>> {
        let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let kinds = ["nda-mutual", "nda-one-way", "publication", "collaboration", "nda-mutual"];
        let demo: Vec<std::collections::BTreeMap<String, serde_json::Value>> = kinds
            .iter()
            .map(|k| {
                steward_clauses::shipped::demo_values(k).and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default()
            })
            .collect();
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let day = base + Days::new((i % 700) as u64);
            let end = day + Days::new(1095);
            let id = self.atomically(|s| {
                let c = s.create_collaboration(&NewCollaboration {
                    title: format!("Collaboration {i}: resonators for quantum sensing"),
                    status: Some("active".into()),
                    start_date: Some(day.to_string()),
                    end_date: Some(end.to_string()),
                    sunset_date: Some((day + Days::new(2920)).to_string()),
                    ..Default::default()
                })?;
                for (k, (short, kind, country, role)) in [
                    ("Northmoor", "university", "GB", Role::Lead),
                    ("Kaminokawa Tech", "university", "JP", Role::Partner),
                    ("Ferrant", "company", "DE", Role::Partner),
                ]
                .into_iter()
                .enumerate()
                {
                    let p = s.add_party(&NewParty {
                        legal_name: format!("{short} {i}.{k}"),
                        short_name: Some(short.into()),
                        kind: Some(kind.into()),
                        country: country.into(),
                        ..Default::default()
                    })?;
                    s.add_member(c, p, role)?;
                }
                for (kind, values) in kinds.iter().zip(&demo) {
                    let mut set: std::collections::BTreeMap<String, serde_json::Value> = values
                        .iter()
                        .filter(|(k, _)| !k.starts_with('@'))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    set.insert("effective_date".into(), day.to_string().into());
                    if *kind == "collaboration" {
                        set.insert("start_date".into(), day.to_string().into());
                        set.insert("end_date".into(), end.to_string().into());
                        set.insert("sunset_date".into(), (day + Days::new(2920)).to_string().into());
                    }
                    s.create_agreement(c, kind, set, Default::default(), None)?;
                }
                s.add_obligation(
                    c,
                    &NewObligation {
                        title: "Annual report to the funder".into(),
                        due_date: (day + Days::new(365)).to_string(),
                        kind: Some("reporting".into()),
                        ..Default::default()
                    },
                )?;
                Ok(c)
            })?;
            ids.push(id);
        }
        self.refresh_obligations(None)?;
        Ok(ids)
    }
}
