//! The joint risk register (ISO 31000 style): a risk's fields, checked whole; likelihood × impact
//! scores and their bands; the 5x5 heat map with each risk's move from inherent to residual; the
//! changes the decision log records; the register as CSV.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! words {
    ($(#[$m:meta])* $name:ident { $($v:ident = $s:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(rename_all = "snake_case")]
        $(#[$m])*
        pub enum $name { $($v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),+ } }
            pub fn parse(s: &str) -> Result<Self, String> {
                let want = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                Self::ALL.iter().copied().find(|v| v.as_str() == want).ok_or_else(|| {
                    format!("'{s}' is not one of: {}", Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "))
                })
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

words!(
    /// What a risk threatens.
    RiskCategory {
        ResearchSecurity = "research_security",
        Data = "data",
        Ip = "ip",
        Financial = "financial",
        Legal = "legal",
        Reputational = "reputational",
        Operational = "operational",
        People = "people",
    }
);
words!(
    /// What the parties do about a risk.
    Treatment { Avoid = "avoid", ReduceLikelihood = "reduce_likelihood", ReduceConsequence = "reduce_consequence", Share = "share", Accept = "accept" }
);
words!(
    RiskStatus { Open = "open", Treating = "treating", Accepted = "accepted", Closed = "closed" }
);
words!(
    /// Shared with the partners, or kept to this institution.
    Visibility { Shared = "shared", Internal = "internal" }
);
words!(
    /// 1-4 green, 5-14 amber, 15-25 red.
    #[serde(rename = "RiskBand")]
    Band { Green = "green", Amber = "amber", Red = "red" }
);

impl Band {
    pub fn of(score: u8) -> Band {
        match score {
            0..=4 => Band::Green,
            5..=14 => Band::Amber,
            _ => Band::Red,
        }
    }
}

/// Likelihood and impact, each 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "RiskRating")]
pub struct Rating {
    pub likelihood: u8,
    pub impact: u8,
}

impl Rating {
    pub fn score(self) -> u8 {
        self.likelihood * self.impact
    }
    pub fn band(self) -> Band {
        Band::of(self.score())
    }
}

/// One action of a risk's treatment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RiskAction {
    pub text: String,
    pub owner: String,
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub done: bool,
}

/// Everything a version of a risk says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RiskFields {
    pub title: String,
    pub category: RiskCategory,
    pub cause: String,
    pub event: String,
    pub consequence: String,
    /// The party that raised it (an id of a party of the collaboration).
    pub raised_by: i64,
    pub owner_party: i64,
    pub owner_person: String,
    pub inherent: Rating,
    /// After treatment; none until the treatment is planned.
    pub residual: Option<Rating>,
    pub controls: String,
    pub treatment: Option<Treatment>,
    pub actions: Vec<RiskAction>,
    pub status: RiskStatus,
    pub next_review: Option<NaiveDate>,
    pub visibility: Visibility,
    /// `clause:ID`, `obligation:ID`, `question:SUBJECT/QUESTION`, `agreement:ID`.
    pub links: Vec<String>,
}

/// The text limits of a risk's fields.
const SHORT: usize = 300;
const LONG: usize = 4000;

impl RiskFields {
    /// The score that matters now: residual once planned, inherent before.
    pub fn current(&self) -> Rating {
        self.residual.unwrap_or(self.inherent)
    }

    /// Red now and not closed.
    pub fn is_open_high(&self) -> bool {
        self.status != RiskStatus::Closed && self.current().band() == Band::Red
    }

    /// Every problem, as (field, message). `parties` are the collaboration's party ids; `today`
    /// bounds review dates of a new version.
    pub fn check(&self, parties: &[i64]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut text = |field: &str, v: &str, max: usize, required: bool| {
            if required && v.trim().is_empty() {
                out.push((field.into(), "is required".into()));
            } else if v.chars().count() > max {
                out.push((field.into(), format!("is longer than {max} characters")));
            } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                out.push((field.into(), "holds control characters".into()));
            }
        };
        text("title", &self.title, SHORT, true);
        text("cause", &self.cause, LONG, true);
        text("event", &self.event, LONG, true);
        text("consequence", &self.consequence, LONG, true);
        text("owner_person", &self.owner_person, SHORT, true);
        text("controls", &self.controls, LONG, false);
        for (i, a) in self.actions.iter().enumerate() {
            text(&format!("actions[{}].text", i + 1), &a.text, LONG, true);
            text(&format!("actions[{}].owner", i + 1), &a.owner, SHORT, true);
        }
        for (field, r) in [("inherent", Some(self.inherent)), ("residual", self.residual)] {
            let Some(r) = r else { continue };
            for (part, v) in [("likelihood", r.likelihood), ("impact", r.impact)] {
                if !(1..=5).contains(&v) {
                    out.push((format!("{field}.{part}"), format!("{v} is not between 1 and 5")));
                }
            }
        }
        if let (Some(res), true) = (self.residual, (1..=5).contains(&self.inherent.likelihood)) {
            if (1..=5).contains(&res.likelihood) && res.score() > self.inherent.score() && (1..=5).contains(&res.impact)
            {
                out.push((
                    "residual".into(),
                    format!(
                        "a residual score of {} is higher than the inherent {}: treatment does not raise a risk",
                        res.score(),
                        self.inherent.score()
                    ),
                ));
            }
        }
        for (field, p) in [("raised_by", self.raised_by), ("owner_party", self.owner_party)] {
            if !parties.contains(&p) {
                out.push((field.into(), format!("party {p} is not a party of this collaboration")));
            }
        }
        if self.status == RiskStatus::Accepted && self.treatment != Some(Treatment::Accept) {
            out.push(("treatment".into(), "an accepted risk has the treatment 'accept'".into()));
        }
        if self.status != RiskStatus::Closed && self.next_review.is_none() {
            out.push(("next_review".into(), "a risk that is not closed needs a next review date".into()));
        }
        if self.links.len() > 20 {
            out.push(("links".into(), "at most 20 links".into()));
        }
        out
    }

    /// What about this version the decision log records (empty: not significant).
    pub fn significant_changes(before: Option<&RiskFields>, after: &RiskFields) -> Vec<String> {
        let Some(b) = before else {
            return vec![format!(
                "new risk, inherent {} ({}){}",
                after.inherent.score(),
                after.inherent.band(),
                after.residual.map(|r| format!(", residual {} ({})", r.score(), r.band())).unwrap_or_default()
            )];
        };
        let mut out = Vec::new();
        if b.inherent != after.inherent {
            out.push(format!(
                "inherent score {} → {} ({})",
                b.inherent.score(),
                after.inherent.score(),
                after.inherent.band()
            ));
        }
        if b.residual != after.residual {
            let s = |r: Option<Rating>| r.map_or("none".to_string(), |r| r.score().to_string());
            out.push(format!(
                "residual score {} → {}{}",
                s(b.residual),
                s(after.residual),
                after.residual.map(|r| format!(" ({})", r.band())).unwrap_or_default()
            ));
        }
        if b.status != after.status && after.status == RiskStatus::Closed {
            out.push("closed".into());
        }
        if b.status == RiskStatus::Closed && after.status != RiskStatus::Closed {
            out.push("reopened".into());
        }
        if after.status == RiskStatus::Accepted
            && b.status != RiskStatus::Accepted
            && after.current().band() == Band::Red
        {
            out.push(format!("high risk accepted at {}", after.current().score()));
        }
        out
    }

    /// The fields that differ between two versions, named.
    pub fn changed_fields(before: &RiskFields, after: &RiskFields) -> Vec<&'static str> {
        let mut out = Vec::new();
        macro_rules! cmp {
            ($($f:ident),+) => { $(if before.$f != after.$f { out.push(stringify!($f)); })+ };
        }
        cmp!(
            title,
            category,
            cause,
            event,
            consequence,
            raised_by,
            owner_party,
            owner_person,
            inherent,
            residual,
            controls,
            treatment,
            actions,
            status,
            next_review,
            visibility,
            links
        );
        out
    }
}

/// One risk's place on the heat map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Move {
    pub risk: String,
    pub from: Rating,
    pub to: Rating,
}

/// Counts per cell, `cells[likelihood - 1][impact - 1]`, inherent and residual, plus each risk's move.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeatMap {
    pub inherent: Vec<Vec<u32>>,
    pub residual: Vec<Vec<u32>>,
    pub moves: Vec<Move>,
}

/// The heat map of the risks that are not closed (`label` names each on the map, e.g. `R3`).
pub fn heat_map<'a>(risks: impl IntoIterator<Item = (String, &'a RiskFields)>) -> HeatMap {
    let mut m = HeatMap { inherent: vec![vec![0; 5]; 5], residual: vec![vec![0; 5]; 5], moves: Vec::new() };
    for (label, r) in risks {
        if r.status == RiskStatus::Closed {
            continue;
        }
        let cell = |x: Rating| ((x.likelihood.clamp(1, 5) - 1) as usize, (x.impact.clamp(1, 5) - 1) as usize);
        let (l, i) = cell(r.inherent);
        m.inherent[l][i] += 1;
        let to = r.current();
        let (l, i) = cell(to);
        m.residual[l][i] += 1;
        m.moves.push(Move { risk: label, from: r.inherent, to });
    }
    m
}

/// One row of an exported register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RegisterRow {
    pub id: String,
    pub version: u32,
    #[serde(flatten)]
    pub fields: RiskFields,
    pub raised_by_name: String,
    pub owner_party_name: String,
}

/// The register as CSV (one row per risk; actions and links joined with `; `).
pub fn to_csv(rows: &[RegisterRow]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let head = [
        "id",
        "version",
        "title",
        "category",
        "cause",
        "event",
        "consequence",
        "raised_by",
        "owner_party",
        "owner_person",
        "inherent_likelihood",
        "inherent_impact",
        "inherent_score",
        "residual_likelihood",
        "residual_impact",
        "residual_score",
        "band",
        "controls",
        "treatment",
        "actions",
        "status",
        "next_review",
        "visibility",
        "links",
    ];
    w.write_record(head).map_err(|e| e.to_string())?;
    for r in rows {
        let f = &r.fields;
        let opt = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
        let actions: Vec<String> = f
            .actions
            .iter()
            .map(|a| {
                format!(
                    "{} ({}{}{})",
                    a.text,
                    a.owner,
                    a.due.map(|d| format!(", due {d}")).unwrap_or_default(),
                    if a.done { ", done" } else { "" }
                )
            })
            .collect();
        w.write_record([
            r.id.clone(),
            r.version.to_string(),
            f.title.clone(),
            f.category.to_string(),
            f.cause.clone(),
            f.event.clone(),
            f.consequence.clone(),
            r.raised_by_name.clone(),
            r.owner_party_name.clone(),
            f.owner_person.clone(),
            f.inherent.likelihood.to_string(),
            f.inherent.impact.to_string(),
            f.inherent.score().to_string(),
            opt(f.residual.map(|r| r.likelihood)),
            opt(f.residual.map(|r| r.impact)),
            opt(f.residual.map(Rating::score)),
            f.current().band().to_string(),
            f.controls.clone(),
            f.treatment.map(|t| t.to_string()).unwrap_or_default(),
            actions.join("; "),
            f.status.to_string(),
            f.next_review.map(|d| d.to_string()).unwrap_or_default(),
            f.visibility.to_string(),
            f.links.join("; "),
        ])
        .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> RiskFields {
        RiskFields {
            title: "Export-controlled designs shared without a licence".into(),
            category: RiskCategory::ResearchSecurity,
            cause: "Resonator designs may fall under a dual-use entry".into(),
            event: "Designs sent to a partner abroad before classification".into(),
            consequence: "Breach of export control law; suspension".into(),
            raised_by: 1,
            owner_party: 1,
            owner_person: "Samuel Okafor".into(),
            inherent: Rating { likelihood: 4, impact: 5 },
            residual: Some(Rating { likelihood: 2, impact: 5 }),
            controls: "Classification before each transfer".into(),
            treatment: Some(Treatment::ReduceLikelihood),
            actions: vec![],
            status: RiskStatus::Treating,
            next_review: NaiveDate::from_ymd_opt(2027, 3, 1),
            visibility: Visibility::Shared,
            links: vec![],
        }
    }

    #[test]
    fn bands_follow_the_common_cut_offs() {
        assert_eq!([4, 5, 14, 15, 25].map(Band::of), [Band::Green, Band::Amber, Band::Amber, Band::Red, Band::Red]);
    }

    #[test]
    fn a_likelihood_of_seven_and_a_stranger_are_refused_by_name() {
        let mut r = sample();
        r.inherent.likelihood = 7;
        r.owner_party = 9;
        let p = r.check(&[1, 2]);
        assert!(p.iter().any(|(f, m)| f == "inherent.likelihood" && m.contains("7 is not between 1 and 5")), "{p:?}");
        assert!(p.iter().any(|(f, m)| f == "owner_party" && m.contains("party 9")), "{p:?}");
    }

    #[test]
    fn significant_changes_are_named_and_small_edits_are_not() {
        let a = sample();
        assert!(RiskFields::significant_changes(None, &a)[0].starts_with("new risk, inherent 20 (red)"));
        let mut b = a.clone();
        b.controls.push_str(" and training");
        assert!(RiskFields::significant_changes(Some(&a), &b).is_empty());
        assert_eq!(RiskFields::changed_fields(&a, &b), vec!["controls"]);
        b.residual = Some(Rating { likelihood: 1, impact: 5 });
        assert_eq!(RiskFields::significant_changes(Some(&a), &b), vec!["residual score 10 → 5 (amber)"]);
        let mut c = a.clone();
        c.residual = None;
        c.status = RiskStatus::Accepted;
        c.treatment = Some(Treatment::Accept);
        assert!(RiskFields::significant_changes(Some(&a), &c).contains(&"high risk accepted at 20".to_string()));
    }

    #[test]
    fn the_heat_map_counts_open_risks_and_their_moves() {
        let a = sample();
        let mut closed = sample();
        closed.status = RiskStatus::Closed;
        let m = heat_map([("R1".to_string(), &a), ("R2".to_string(), &closed)]);
        assert_eq!(m.inherent[3][4], 1);
        assert_eq!(m.residual[1][4], 1);
        assert_eq!(m.moves.len(), 1);
        assert_eq!(m.inherent.iter().flatten().sum::<u32>(), 1);
    }
}
