//! The obligations a clause creates, declared in its front matter, and their due dates worked out
//! from a draft's values. Pure: the core stores what this derives and keeps its status.
//!
//! ```toml
//! [[obligations]]
//! id = "confidentiality-end"            # unique within the clause
//! title = "Confidentiality ends"
//! kind = "confidentiality_end"
//! party = "all"                          # all | role:ROLE | kind:KIND | a party variable
//! due = "effective_date + disclosure_period + confidentiality_period"
//! every = "6 months"                     # optional: a recurring obligation
//! until = "end_date"                     # the last day a recurring one may fall on
//! when = "!trade_secrets_indefinite"     # optional condition, as `include_when`
//! remind = "30 days"                     # reminder before the due date (default 14 days)
//! ```
//!
//! `due` and `until` are a date (a `date` variable) followed by durations (`duration` variables
//! or literals such as `3 months`) added or taken away. `every` is a duration, a `duration`
//! variable, or an `enum` variable mapped to durations by `every_values`.

use crate::cond::Cond;
use crate::values::{Duration, PartyInfo, Unit, VarType};
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// The most occurrences one recurring rule yields (a monthly report over twenty years).
pub const MAX_OCCURRENCES: usize = 240;

/// What an obligation is about: how hosts group and word it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    Reporting,
    Meeting,
    Deliverable,
    DisclosureEnd,
    ConfidentialityEnd,
    ProjectEnd,
    TerminationNotice,
    Sunset,
    DataReturn,
    EmbargoEnd,
    OptionWindow,
    LicenceWindow,
    PublicationReview,
    PublicationDelay,
    RiskReview,
    PatentDeadline,
    ExitAction,
    Other,
}

impl ObligationKind {
    pub const ALL: [ObligationKind; 18] = [
        Self::Reporting,
        Self::Meeting,
        Self::Deliverable,
        Self::DisclosureEnd,
        Self::ConfidentialityEnd,
        Self::ProjectEnd,
        Self::TerminationNotice,
        Self::Sunset,
        Self::DataReturn,
        Self::EmbargoEnd,
        Self::OptionWindow,
        Self::LicenceWindow,
        Self::PublicationReview,
        Self::PublicationDelay,
        Self::RiskReview,
        Self::PatentDeadline,
        Self::ExitAction,
        Self::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reporting => "reporting",
            Self::Meeting => "meeting",
            Self::Deliverable => "deliverable",
            Self::DisclosureEnd => "disclosure_end",
            Self::ConfidentialityEnd => "confidentiality_end",
            Self::ProjectEnd => "project_end",
            Self::TerminationNotice => "termination_notice",
            Self::Sunset => "sunset",
            Self::DataReturn => "data_return",
            Self::EmbargoEnd => "embargo_end",
            Self::OptionWindow => "option_window",
            Self::LicenceWindow => "licence_window",
            Self::PublicationReview => "publication_review",
            Self::PublicationDelay => "publication_delay",
            Self::RiskReview => "risk_review",
            Self::PatentDeadline => "patent_deadline",
            Self::ExitAction => "exit_action",
            Self::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One obligation a clause declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct ObligationRule {
    pub id: String,
    pub title: String,
    pub kind: ObligationKind,
    #[serde(default = "all_parties")]
    pub party: String,
    pub due: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    /// For `every` naming an enum variable: each of its values → a duration.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub every_values: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind: Option<String>,
}

fn all_parties() -> String {
    "all".into()
}

/// A term of a date expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Var(String),
    Literal(Duration),
}

/// `start (+|-) duration ...`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateExpr {
    start: String,
    steps: Vec<(bool, Term)>,
}

impl DateExpr {
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut parts: Vec<(bool, String)> = Vec::new();
        let mut sign = true;
        let mut cur = String::new();
        for ch in s.chars() {
            if ch == '+' || ch == '-' {
                if cur.trim().is_empty() {
                    return Err(format!("'{s}': '{ch}' needs a term before it"));
                }
                parts.push((sign, cur.trim().to_string()));
                cur.clear();
                sign = ch == '+';
            } else {
                cur.push(ch);
            }
        }
        if cur.trim().is_empty() {
            return Err(if s.trim().is_empty() {
                "the date is empty: name a date variable such as effective_date".into()
            } else {
                format!("'{s}' ends with an operator")
            });
        }
        parts.push((sign, cur.trim().to_string()));
        let (_, start) = parts.remove(0);
        if !is_name(&start) {
            return Err(format!("'{s}' must start with a date variable, not '{start}'"));
        }
        let mut steps = Vec::new();
        for (plus, t) in parts {
            let term = if t.starts_with(|c: char| c.is_ascii_digit()) {
                Term::Literal(Duration::parse(&t).map_err(|e| format!("'{s}': {e}"))?)
            } else if is_name(&t) {
                Term::Var(t)
            } else {
                return Err(format!("'{s}': '{t}' is neither a duration variable nor a duration such as 3 months"));
            };
            steps.push((plus, term));
        }
        Ok(Self { start, steps })
    }

    /// The variables it reads: the date first, then each duration variable.
    pub fn names(&self) -> Vec<(&str, VarType)> {
        let mut out = vec![(self.start.as_str(), VarType::Date)];
        for (_, t) in &self.steps {
            if let Term::Var(n) = t {
                out.push((n.as_str(), VarType::Duration));
            }
        }
        out
    }

    /// The date, or why it has none (a value is missing or not of its type). `Ok(None)`: an
    /// optional variable it reads has no value, so the obligation does not arise.
    pub fn eval(&self, values: &BTreeMap<String, Json>) -> Result<Option<NaiveDate>, String> {
        let Some(start) = values.get(&self.start).filter(|v| !v.is_null()) else { return Ok(None) };
        let mut d = start
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .ok_or_else(|| format!("{} is not a date ({start})", self.start))?;
        for (plus, t) in &self.steps {
            let dur = match t {
                Term::Literal(d) => *d,
                Term::Var(n) => {
                    let Some(v) = values.get(n).filter(|v| !v.is_null()) else { return Ok(None) };
                    Duration::parse(v.as_str().unwrap_or_default()).map_err(|e| format!("{n}: {e}"))?
                }
            };
            d = shift(d, dur, *plus).ok_or_else(|| format!("{} is out of the calendar's range", self.text()))?;
        }
        Ok(Some(d))
    }

    fn text(&self) -> String {
        let mut s = self.start.clone();
        for (plus, t) in &self.steps {
            s.push_str(if *plus { " + " } else { " - " });
            match t {
                Term::Var(n) => s.push_str(n),
                Term::Literal(d) => s.push_str(&d.to_string()),
            }
        }
        s
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `d` moved by `dur` (months and years keep the day of the month, or the month's last day).
pub fn shift(d: NaiveDate, dur: Duration, plus: bool) -> Option<NaiveDate> {
    let n = dur.count;
    match (dur.unit, plus) {
        (Unit::Days, true) => d.checked_add_days(Days::new(n.into())),
        (Unit::Days, false) => d.checked_sub_days(Days::new(n.into())),
        (Unit::Weeks, true) => d.checked_add_days(Days::new(u64::from(n) * 7)),
        (Unit::Weeks, false) => d.checked_sub_days(Days::new(u64::from(n) * 7)),
        (Unit::Months, true) => d.checked_add_months(Months::new(n)),
        (Unit::Months, false) => d.checked_sub_months(Months::new(n)),
        (Unit::Years, true) => d.checked_add_months(Months::new(n.checked_mul(12)?)),
        (Unit::Years, false) => d.checked_sub_months(Months::new(n.checked_mul(12)?)),
    }
}

/// A rule read and checked once, ready to derive from any number of drafts.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub rule: ObligationRule,
    due: DateExpr,
    until: Option<DateExpr>,
    every: Option<Every>,
    when: Option<Cond>,
    remind: Duration,
}

#[derive(Debug, Clone)]
enum Every {
    Fixed(Duration),
    Var(String),
    Mapped(String, BTreeMap<String, Duration>),
}

/// What reads a rule's names: the rule's problems, each in a sentence.
pub fn compile(rule: &ObligationRule) -> Result<CompiledRule, Vec<String>> {
    let mut problems = Vec::new();
    if !rule.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') || rule.id.is_empty() {
        problems.push(format!("obligation id '{}': ids are lower case letters, digits and '-'", rule.id));
    }
    if rule.title.trim().is_empty() {
        problems.push(format!("obligation {}: needs a title", rule.id));
    }
    let due = DateExpr::parse(&rule.due).map_err(|e| problems.push(format!("obligation {}: due {e}", rule.id))).ok();
    let until = match &rule.until {
        Some(u) => DateExpr::parse(u).map_err(|e| problems.push(format!("obligation {}: until {e}", rule.id))).ok(),
        None => None,
    };
    let every = match rule.every.as_deref().map(str::trim) {
        None => None,
        Some(e) if e.starts_with(|c: char| c.is_ascii_digit()) => match Duration::parse(e) {
            Ok(d) if d.count == 0 => {
                problems.push(format!("obligation {}: every must be longer than nothing", rule.id));
                None
            }
            Ok(d) => Some(Every::Fixed(d)),
            Err(m) => {
                problems.push(format!("obligation {}: every {m}", rule.id));
                None
            }
        },
        Some(e) if is_name(e) && rule.every_values.is_empty() => Some(Every::Var(e.to_string())),
        Some(e) if is_name(e) => {
            let mut map = BTreeMap::new();
            for (k, v) in &rule.every_values {
                match Duration::parse(v) {
                    Ok(d) if d.count > 0 => {
                        map.insert(k.clone(), d);
                    }
                    Ok(_) => {
                        problems.push(format!("obligation {}: every_values.{k} must be longer than nothing", rule.id))
                    }
                    Err(m) => problems.push(format!("obligation {}: every_values.{k}: {m}", rule.id)),
                }
            }
            Some(Every::Mapped(e.to_string(), map))
        }
        Some(e) => {
            problems.push(format!("obligation {}: every '{e}' is neither a duration nor a variable", rule.id));
            None
        }
    };
    if every.is_some() && until.is_none() && rule.until.is_none() {
        problems
            .push(format!("obligation {}: a recurring obligation needs `until`, the last day it may fall on", rule.id));
    }
    if every.is_none() && (rule.until.is_some() || !rule.every_values.is_empty()) {
        problems.push(format!("obligation {}: `until` and `every_values` need `every`", rule.id));
    }
    let when = match &rule.when {
        Some(w) => Cond::parse(w).map_err(|e| problems.push(format!("obligation {}: when: {e}", rule.id))).ok(),
        None => None,
    };
    let remind = match &rule.remind {
        Some(r) => Duration::parse(r).map_err(|e| problems.push(format!("obligation {}: remind: {e}", rule.id))).ok(),
        None => Some(Duration { count: 14, unit: Unit::Days }),
    };
    let party_ok = matches!(rule.party.as_str(), "all")
        || rule.party.strip_prefix("role:").is_some_and(|r| !r.is_empty())
        || rule.party.strip_prefix("kind:").is_some_and(|r| !r.is_empty())
        || is_name(&rule.party);
    if !party_ok {
        problems.push(format!(
            "obligation {}: party '{}' must be all, role:ROLE, kind:KIND or a party variable",
            rule.id, rule.party
        ));
    }
    match (due, problems.is_empty(), remind) {
        (Some(due), true, Some(remind)) => Ok(CompiledRule { rule: rule.clone(), due, until, every, when, remind }),
        _ => Err(problems),
    }
}

impl CompiledRule {
    /// Every variable the rule reads, with the type it must have (`when` names any type).
    pub fn names(&self) -> Vec<(String, Option<VarType>)> {
        let mut out: Vec<(String, Option<VarType>)> =
            self.due.names().into_iter().map(|(n, t)| (n.to_string(), Some(t))).collect();
        if let Some(u) = &self.until {
            out.extend(u.names().into_iter().map(|(n, t)| (n.to_string(), Some(t))));
        }
        match &self.every {
            Some(Every::Var(n)) => out.push((n.clone(), Some(VarType::Duration))),
            Some(Every::Mapped(n, _)) => out.push((n.clone(), Some(VarType::Enum))),
            _ => {}
        }
        if let Some(w) = &self.when {
            out.extend(w.names().into_iter().map(|n| (n.to_string(), None)));
        }
        if is_name(&self.rule.party) && self.rule.party != "all" {
            out.push((self.rule.party.clone(), Some(VarType::Party)));
        }
        out
    }

    /// The enum variable `every` reads and the values it maps (check: every value is mapped).
    pub fn mapped_every(&self) -> Option<(&str, Vec<&str>)> {
        match &self.every {
            Some(Every::Mapped(n, m)) => Some((n.as_str(), m.keys().map(String::as_str).collect())),
            _ => None,
        }
    }

    pub fn remind_days(&self) -> u32 {
        u32::try_from(self.remind.approx_days()).unwrap_or(u32::MAX)
    }

    /// The obligations this rule gives for a draft of clause `clause`, or why it cannot.
    pub fn derive(
        &self,
        clause: &str,
        values: &BTreeMap<String, Json>,
        flags: &BTreeSet<String>,
        parties: &[PartyInfo],
    ) -> Result<Vec<Derived>, String> {
        if let Some(w) = &self.when {
            if !w.eval(values, flags) {
                return Ok(Vec::new());
            }
        }
        let Some(first) = self.due.eval(values)? else { return Ok(Vec::new()) };
        let party = self.party(values, parties);
        let base_key = format!("{clause}/{}", self.rule.id);
        let rule_text = self.rule_text();
        let Some(every) = &self.every else {
            return Ok(vec![Derived {
                key: base_key,
                rule_id: self.rule.id.clone(),
                clause: clause.to_string(),
                title: self.rule.title.clone(),
                kind: self.rule.kind,
                party,
                due: first,
                rule: rule_text,
                occurrence: None,
                remind_days: self.remind_days(),
            }]);
        };
        let step = match every {
            Every::Fixed(d) => *d,
            Every::Var(n) => match values.get(n).and_then(Json::as_str) {
                Some(v) => Duration::parse(v).map_err(|e| format!("{n}: {e}"))?,
                None => return Ok(Vec::new()),
            },
            Every::Mapped(n, m) => match values.get(n).and_then(Json::as_str) {
                Some(v) => *m.get(v).ok_or_else(|| format!("{n} = '{v}' has no entry in every_values"))?,
                None => return Ok(Vec::new()),
            },
        };
        if step.count == 0 {
            return Err(format!("obligation {} recurs every {step}", self.rule.id));
        }
        let Some(last) = self.until.as_ref().map(|u| u.eval(values)).transpose()?.flatten() else {
            return Ok(Vec::new());
        };
        let mut dates = Vec::new();
        let mut k: u32 = 0;
        while let Some(n) = step.count.checked_mul(k) {
            let Some(d) = shift(first, Duration { count: n, unit: step.unit }, true) else { break };
            if d > last || dates.len() >= MAX_OCCURRENCES {
                break;
            }
            dates.push(d);
            k += 1;
        }
        let total = dates.len();
        Ok(dates
            .into_iter()
            .enumerate()
            .map(|(i, due)| Derived {
                key: format!("{base_key}#{}", i + 1),
                rule_id: self.rule.id.clone(),
                clause: clause.to_string(),
                title: format!("{} ({} of {total})", self.rule.title, i + 1),
                kind: self.rule.kind,
                party: party.clone(),
                due,
                rule: format!("{rule_text}, every {step}"),
                occurrence: Some(i as u32 + 1),
                remind_days: self.remind_days(),
            })
            .collect())
    }

    fn party(&self, values: &BTreeMap<String, Json>, parties: &[PartyInfo]) -> DerivedParty {
        let p = self.rule.party.as_str();
        let pick = |f: &dyn Fn(&PartyInfo) -> bool| {
            let found: Vec<&PartyInfo> = parties.iter().filter(|x| f(x)).collect();
            DerivedParty {
                ids: found.iter().map(|x| x.id).collect(),
                label: if found.is_empty() {
                    "no party".into()
                } else {
                    found.iter().map(|x| x.short()).collect::<Vec<_>>().join(", ")
                },
            }
        };
        if p == "all" {
            DerivedParty { ids: parties.iter().map(|x| x.id).collect(), label: "all parties".into() }
        } else if let Some(role) = p.strip_prefix("role:") {
            pick(&|x| x.role == role)
        } else if let Some(kind) = p.strip_prefix("kind:") {
            pick(&|x| x.kind == kind || (kind == "university" && x.kind == "research_institute"))
        } else {
            let id = values.get(p).and_then(Json::as_i64);
            pick(&|x| Some(x.id) == id)
        }
    }

    /// The rule in words: `end_date + confidentiality_period`.
    pub fn rule_text(&self) -> String {
        match &self.until {
            Some(u) if self.every.is_some() => format!("from {} until {}", self.due.text(), u.text()),
            _ => self.due.text(),
        }
    }
}

/// Who an obligation falls on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DerivedParty {
    pub ids: Vec<i64>,
    pub label: String,
}

/// One obligation worked out from a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Derived {
    /// Stable across revisions: `clause/rule` (`#N` for the Nth occurrence of a recurring one).
    pub key: String,
    pub rule_id: String,
    pub clause: String,
    pub title: String,
    pub kind: ObligationKind,
    pub party: DerivedParty,
    pub due: NaiveDate,
    /// How the date was worked out, as the clause declares it.
    pub rule: String,
    pub occurrence: Option<u32>,
    pub remind_days: u32,
}

/// Derives the obligations of whole drafts, compiling each clause version's rules (and its
/// inclusion condition) once.
#[derive(Debug, Default)]
pub struct Deriver {
    rules: std::collections::HashMap<String, std::sync::Arc<Compiled>>,
}

#[derive(Debug)]
struct Compiled {
    /// None: always included; Some(None): a condition that does not parse, so never.
    include_when: Option<Option<Cond>>,
    rules: Vec<CompiledRule>,
}

impl Deriver {
    pub fn new() -> Self {
        Self::default()
    }

    fn compiled(&mut self, lib: &crate::Library, id: &str, hash: &str) -> Result<std::sync::Arc<Compiled>, String> {
        if let Some(c) = self.rules.get(hash) {
            return Ok(c.clone());
        }
        let clause = lib.clause(hash).ok_or_else(|| format!("{id}: version {hash} is not compiled"))?;
        let mut rules = Vec::with_capacity(clause.meta.obligations.len());
        for r in &clause.meta.obligations {
            rules.push(compile(r).map_err(|p| format!("{id}: {}", p.join("; ")))?);
        }
        // As assembly reads it: a condition that does not parse includes nothing.
        let include_when = clause.meta.include_when.as_ref().map(|w| Cond::parse(w).ok());
        let c = std::sync::Arc::new(Compiled { include_when, rules });
        self.rules.insert(hash.to_string(), c.clone());
        Ok(c)
    }

    /// The obligations of every clause the draft includes, in the kind's order, or the first
    /// reason it cannot (a damaged stored version, a value that is not of its type). Inclusion
    /// is decided by [`crate::assemble::is_included`], as assembly decides it.
    pub fn derive(&mut self, lib: &crate::Library, spec: &crate::DraftSpec) -> Result<Vec<Derived>, String> {
        let kind = lib
            .kind(&spec.kind_version)
            .ok_or_else(|| format!("kind version {} is not compiled", spec.kind_version))?;
        let mut out = Vec::new();
        for id in kind.sections.iter().chain(&kind.schedules) {
            let Some(hash) = spec.clauses.get(id) else { continue };
            // A clause the draft leaves out creates nothing (unless due diligence requires it in).
            if spec.omitted.contains(id) && !spec.flags.contains(&format!("require:{id}")) {
                continue;
            }
            let c = self.compiled(lib, id, hash)?;
            if c.rules.is_empty() {
                continue;
            }
            if !crate::assemble::is_included(id, c.include_when.as_ref().map(Option::as_ref), &spec.values, &spec.flags)
            {
                continue;
            }
            for r in &c.rules {
                out.extend(r.derive(id, &spec.values, &spec.flags, &spec.parties).map_err(|e| format!("{id}: {e}"))?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(due: &str) -> ObligationRule {
        ObligationRule {
            id: "r".into(),
            title: "T".into(),
            kind: ObligationKind::Other,
            party: "all".into(),
            due: due.into(),
            every: None,
            every_values: BTreeMap::new(),
            until: None,
            when: None,
            remind: None,
        }
    }

    #[test]
    fn expressions_parse_and_refuse_nonsense() {
        assert!(DateExpr::parse("end_date + 5 years - 3 months").is_ok());
        for bad in ["", "+ x", "5 years + end_date", "end_date +", "end_date + 5 fortnights", "End", "a + b c"] {
            assert!(DateExpr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn months_keep_the_day_or_take_the_month_end() {
        let v: BTreeMap<String, Json> =
            [("d".to_string(), json!("2027-01-31")), ("p".to_string(), json!("1 month"))].into();
        let c = compile(&rule("d + p")).expect("compiles");
        let got = c.derive("c", &v, &BTreeSet::new(), &[]).expect("derives");
        assert_eq!(got[0].due, NaiveDate::from_ymd_opt(2027, 2, 28).expect("date"));
        let c = compile(&rule("d - 2 weeks + 1 year")).expect("compiles");
        let got = c.derive("c", &v, &BTreeSet::new(), &[]).expect("derives");
        assert_eq!(got[0].due, NaiveDate::from_ymd_opt(2028, 1, 17).expect("date"));
    }

    #[test]
    fn a_missing_optional_value_means_no_obligation_and_a_bad_one_an_error() {
        let c = compile(&rule("d + p")).expect("compiles");
        let none: BTreeMap<String, Json> = [("d".to_string(), json!("2027-01-31"))].into();
        assert_eq!(c.derive("c", &none, &BTreeSet::new(), &[]), Ok(Vec::new()));
        let bad: BTreeMap<String, Json> =
            [("d".to_string(), json!("soon")), ("p".to_string(), json!("1 month"))].into();
        assert!(c.derive("c", &bad, &BTreeSet::new(), &[]).unwrap_err().contains("d is not a date"));
    }

    #[test]
    fn compile_names_every_problem() {
        let mut r = rule("x +");
        r.id = "Bad Id".into();
        r.every = Some("0 days".into());
        r.party = "somebody else".into();
        let e = compile(&r).unwrap_err();
        assert_eq!(e.len(), 4, "{e:?}");
    }
}
