//! The due-diligence questionnaire as data: a TOML file the legal team keeps (the shipped one is
//! `templates/diligence/trusted-research.toml`), hashed over its canonical JSON so that a stored
//! version is pinned by content like a clause version. Each question has a scope (asked once per
//! partner, or once for the work), a kind, help, a source, and rules: for an answer, a band on one
//! factor with a reason, and the clauses, reviewer roles, flags and re-screening interval it
//! requires.

use crate::Problem;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How serious a finding is. A `Block` stops drafting and signing until it is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Band {
    #[default]
    Low,
    Medium,
    High,
    Block,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Block => "block",
        }
    }
    /// `n` steps up from low, at most `cap`.
    pub fn steps(n: usize, cap: Band) -> Band {
        let b = match n {
            0 => Band::Low,
            1 => Band::Medium,
            2 => Band::High,
            _ => Band::Block,
        };
        b.min(cap)
    }
}

/// The three factors a research office rates and takes the highest of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// Sensitive areas, dual use, export control, data.
    Research,
    /// Sanctions, laws giving the state access, academic freedom.
    Country,
    /// Ownership, links, red flags.
    Partner,
}

impl Factor {
    pub const ALL: [Factor; 3] = [Factor::Research, Factor::Country, Factor::Partner];
    pub fn as_str(self) -> &'static str {
        match self {
            Factor::Research => "research",
            Factor::Country => "country",
            Factor::Partner => "partner",
        }
    }
}

/// Whom a question is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[serde(rename = "QuestionScope")]
pub enum Scope {
    /// Once for each partner of the collaboration.
    Partner,
    /// Once for the collaboration's work as a whole.
    Work,
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[serde(rename = "QuestionKind")]
pub enum Kind {
    YesNo,
    Choice,
    MultiChoice,
    /// One or more ISO 3166-1 alpha-2 codes.
    Country,
    Number,
    Text,
    /// EU dual-use Annex I classifications: category 0-9 and group A-E (`3A`), or an entry
    /// (`3A001`, `5D002.a.1`); several, comma-separated.
    AnnexI,
}

/// An option of a choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
#[serde(rename = "QuestionChoice")]
pub struct Choice {
    pub id: String,
    pub label: String,
}

/// What an answer triggers. Exactly one condition is set; `with` adds a second question that must
/// be answered (yes, or anything) in the same scope or in the work's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
#[serde(rename = "DiligenceRule")]
pub struct Rule {
    /// The answer is this (`yes` / `no`, or a choice's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    /// The answer (or one of its items) is one of these: choice ids, country codes, or `@name`
    /// for a named country set of the questionnaire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<String>,
    /// An item of the answer is outside these (country codes or `@name` sets): a visitor's
    /// nationality that is not exempt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_in: Vec<String>,
    /// The answer is given and not empty (any item, any code, any text).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answered: bool,
    /// A number at or above this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    /// Another question that must also be answered yes (or given, for other kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
    pub factor: Factor,
    pub band: Band,
    /// The band rises one step per matching item (from low), up to `band`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub per_item: bool,
    pub reason: String,
    /// Clause ids every agreement of a kind that can hold them must contain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<String>,
    /// Reviewer roles that must approve before signing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Flags that clause conditions can read (`flag.NAME`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// Screening must be repeated at least this often while this rule fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescreen_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub scope: Scope,
    pub kind: Kind,
    pub label: String,
    pub help: String,
    /// Where the question comes from (guidance, statute, office policy).
    pub source: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

/// Reviewer roles and what they are called.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct ReviewerRole {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub id: String,
    pub title: String,
    /// Screening is repeated at least this often (a rule may ask for more often).
    pub rescreen_days: u32,
    /// Roles that must approve a high rating (a block needs the roles of the rules that block).
    pub high_requires: Vec<String>,
    pub roles: Vec<ReviewerRole>,
    /// Named country sets that rules refer to as `@name`.
    #[serde(default)]
    pub countries: BTreeMap<String, Vec<String>>,
    pub questions: Vec<Question>,
}

/// The largest questionnaire file read.
pub const MAX_FILE: usize = 1 << 20;

impl Questionnaire {
    /// Reads and checks a questionnaire file; every problem is returned, named by question.
    pub fn parse(file: &str, text: &str) -> Result<Self, Vec<Problem>> {
        if text.len() > MAX_FILE {
            return Err(vec![Problem::new(file, format!("larger than {} bytes", MAX_FILE))]);
        }
        let q: Questionnaire = toml::from_str(text).map_err(|e| {
            let at = match e.span() {
                Some(span) => format!("{file}:{}", text[..span.start.min(text.len())].matches('\n').count() + 1),
                None => file.to_string(),
            };
            vec![Problem::new(at, e.message().to_string())]
        })?;
        let problems = q.check(file);
        if problems.is_empty() { Ok(q) } else { Err(problems) }
    }

    /// What is wrong with it: ids, options, rules that could never fire, unknown roles and sets.
    pub fn check(&self, file: &str) -> Vec<Problem> {
        let mut p = Vec::new();
        let id_ok = |s: &str| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        };
        if !id_ok(&self.id) {
            p.push(Problem::new(file, format!("id '{}' must be lower-case letters, digits, '.', '_' or '-'", self.id)));
        }
        if self.rescreen_days == 0 {
            p.push(Problem::new(file, "rescreen_days must be at least 1"));
        }
        let roles: BTreeSet<&str> = self.roles.iter().map(|r| r.id.as_str()).collect();
        for r in &self.high_requires {
            if !roles.contains(r.as_str()) {
                p.push(Problem::new(file, format!("high_requires names role '{r}', which is not in [[roles]]")));
            }
        }
        for (name, codes) in &self.countries {
            for c in codes {
                if !is_country_code(c) {
                    p.push(Problem::new(
                        format!("{file}: countries.{name}"),
                        format!("'{c}' is not a two-letter country code"),
                    ));
                }
            }
        }
        let mut seen = BTreeSet::new();
        let by_id: BTreeMap<&str, &Question> = self.questions.iter().map(|q| (q.id.as_str(), q)).collect();
        for q in &self.questions {
            let at = format!("{file}: {}", q.id);
            if !id_ok(&q.id) {
                p.push(Problem::new(&at, "a question id is lower-case letters, digits, '.', '_' or '-'"));
            }
            if !seen.insert(q.id.as_str()) {
                p.push(Problem::new(&at, "this id is used by an earlier question"));
            }
            if q.label.trim().is_empty() || q.help.trim().is_empty() || q.source.trim().is_empty() {
                p.push(Problem::new(&at, "label, help and source must all be given"));
            }
            let choice = matches!(q.kind, Kind::Choice | Kind::MultiChoice);
            if choice && q.options.len() < 2 {
                p.push(Problem::new(&at, "a choice question needs at least two options"));
            }
            if !choice && !q.options.is_empty() {
                p.push(Problem::new(&at, "only choice questions have options"));
            }
            let option_ids: BTreeSet<&str> = q.options.iter().map(|o| o.id.as_str()).collect();
            for (i, r) in q.rules.iter().enumerate() {
                let at = format!("{at} rule {}", i + 1);
                let conditions = usize::from(r.equals.is_some())
                    + usize::from(!r.any_of.is_empty())
                    + usize::from(!r.not_in.is_empty())
                    + usize::from(r.answered)
                    + usize::from(r.at_least.is_some());
                if conditions != 1 {
                    p.push(Problem::new(&at, "set exactly one of equals, any_of, not_in, answered, at_least"));
                }
                if let Some(e) = &r.equals {
                    let ok = match q.kind {
                        Kind::YesNo => e == "yes" || e == "no",
                        Kind::Choice | Kind::MultiChoice => option_ids.contains(e.as_str()),
                        _ => false,
                    };
                    if !ok {
                        p.push(Problem::new(
                            &at,
                            format!("equals '{e}' can never match a {} answer", kind_name(q.kind)),
                        ));
                    }
                }
                for a in &r.not_in {
                    let ok = q.kind == Kind::Country
                        && match a.strip_prefix('@') {
                            Some(set) => self.countries.contains_key(set),
                            None => is_country_code(a),
                        };
                    if !ok {
                        p.push(Problem::new(&at, format!("not_in '{a}' applies to country codes and sets only")));
                    }
                }
                for a in &r.any_of {
                    let ok = match q.kind {
                        Kind::Choice | Kind::MultiChoice => option_ids.contains(a.as_str()),
                        Kind::Country => match a.strip_prefix('@') {
                            Some(set) => self.countries.contains_key(set),
                            None => is_country_code(a),
                        },
                        _ => false,
                    };
                    if !ok {
                        p.push(Problem::new(
                            &at,
                            format!("any_of '{a}' can never match a {} answer", kind_name(q.kind)),
                        ));
                    }
                }
                if r.at_least.is_some() && q.kind != Kind::Number {
                    p.push(Problem::new(&at, "at_least applies to number questions only"));
                }
                if r.per_item && q.kind != Kind::MultiChoice {
                    p.push(Problem::new(&at, "per_item applies to multi_choice questions only"));
                }
                if let Some(w) = &r.with {
                    match by_id.get(w.as_str()) {
                        None => p.push(Problem::new(&at, format!("with names '{w}', which is not a question"))),
                        Some(other) if other.scope == Scope::Partner && q.scope == Scope::Work => {
                            p.push(Problem::new(&at, format!("with names partner question '{w}' from a work question")))
                        }
                        Some(_) => {}
                    }
                }
                if r.reason.trim().is_empty() {
                    p.push(Problem::new(&at, "a rule gives its reason"));
                }
                for role in &r.roles {
                    if !roles.contains(role.as_str()) {
                        p.push(Problem::new(&at, format!("role '{role}' is not in [[roles]]")));
                    }
                }
                if r.rescreen_days == Some(0) {
                    p.push(Problem::new(&at, "rescreen_days must be at least 1"));
                }
            }
        }
        p
    }

    /// The canonical JSON that is hashed (keys sorted, no white space).
    pub fn canonical(&self) -> String {
        // serde_json's maps are sorted (no preserve_order), so going through a Value sorts keys.
        let v = serde_json::to_value(self).unwrap_or_default();
        v.to_string()
    }

    /// SHA-256 of the canonical JSON, hex.
    pub fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.canonical().as_bytes()))
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn role_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.roles.iter().find(|r| r.id == id).map_or(id, |r| r.label.as_str())
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::YesNo => "yes/no",
        Kind::Choice => "choice",
        Kind::MultiChoice => "multi-choice",
        Kind::Country => "country",
        Kind::Number => "number",
        Kind::Text => "text",
        Kind::AnnexI => "Annex I",
    }
}

/// Whether `s` has the shape of an ISO 3166-1 alpha-2 code.
pub fn is_country_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether `s` is an EU dual-use Annex I classification: `3A`, `3A001`, `5D002.a.1`.
pub fn is_annex_i(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 2 || !b[0].is_ascii_digit() || !(b'A'..=b'E').contains(&b[1]) {
        return false;
    }
    if b.len() == 2 {
        return true;
    }
    if b.len() < 5 || !b[2..5].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let rest = &s[5..];
    rest.is_empty()
        || (rest.starts_with('.')
            && rest[1..]
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())))
}

/// An answer, typed by its question's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum Answer {
    Yes(bool),
    Number(f64),
    Items(Vec<String>),
    Text(String),
}

impl Answer {
    /// Whether it says anything (yes, a number, an item, some text).
    pub fn given(&self) -> bool {
        match self {
            Answer::Yes(b) => *b,
            Answer::Number(_) => true,
            Answer::Items(v) => !v.is_empty(),
            Answer::Text(t) => !t.trim().is_empty(),
        }
    }
    /// As a person reads it.
    pub fn display(&self) -> String {
        match self {
            Answer::Yes(true) => "yes".into(),
            Answer::Yes(false) => "no".into(),
            Answer::Number(n) => format!("{n}"),
            Answer::Items(v) if v.is_empty() => "none".into(),
            Answer::Items(v) => v.join(", "),
            Answer::Text(t) => t.clone(),
        }
    }
}

/// Answers by question id.
pub type Answers = BTreeMap<String, Answer>;

impl Question {
    /// Reads an answer as typed (`yes`, `3A001, 5D002`, `JP`, `25000`); the error says what the
    /// question takes.
    pub fn parse_answer(&self, text: &str) -> Result<Answer, String> {
        let t = text.trim();
        let items = || t.split(',').map(str::trim).filter(|s| !s.is_empty());
        match self.kind {
            Kind::YesNo => match t.to_ascii_lowercase().as_str() {
                "yes" | "y" | "true" => Ok(Answer::Yes(true)),
                "no" | "n" | "false" => Ok(Answer::Yes(false)),
                _ => Err(format!("'{t}' is not yes or no")),
            },
            Kind::Number => t
                .replace([',', '_'], "")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(Answer::Number)
                .ok_or_else(|| format!("'{t}' is not a number of zero or more")),
            Kind::Text => Ok(Answer::Text(t.to_string())),
            Kind::Choice | Kind::MultiChoice => {
                let mut out = Vec::new();
                for i in items() {
                    let i = i.to_ascii_lowercase().replace([' ', '-'], "_");
                    if !self.options.iter().any(|o| o.id == i) {
                        let ids: Vec<&str> = self.options.iter().map(|o| o.id.as_str()).collect();
                        return Err(format!("'{i}' is not one of: {}", ids.join(", ")));
                    }
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
                if self.kind == Kind::Choice && out.len() > 1 {
                    return Err("choose one".into());
                }
                if self.kind == Kind::Choice && out.is_empty() {
                    return Err("choose one".into());
                }
                Ok(Answer::Items(out))
            }
            Kind::Country => {
                let mut out = Vec::new();
                for i in items() {
                    let c = i.to_ascii_uppercase();
                    if !is_country_code(&c) {
                        return Err(format!("'{i}' is not a two-letter ISO 3166-1 country code"));
                    }
                    if !out.contains(&c) {
                        out.push(c);
                    }
                }
                Ok(Answer::Items(out))
            }
            Kind::AnnexI => {
                let mut out = Vec::new();
                for i in items() {
                    let mut c = i.to_string();
                    if c.len() >= 2 {
                        c.replace_range(..2, &c[..2].to_ascii_uppercase());
                    }
                    if !is_annex_i(&c) {
                        return Err(format!(
                            "'{i}' is not an Annex I classification: a category 0-9 and group A-E (3A), or an entry such as 3A001"
                        ));
                    }
                    if !out.contains(&c) {
                        out.push(c);
                    }
                }
                Ok(Answer::Items(out))
            }
        }
    }

    /// Checks an answer read from JSON against the question.
    pub fn check_answer(&self, a: &Answer) -> Result<Answer, String> {
        match (self.kind, a) {
            (Kind::YesNo, Answer::Yes(_)) | (Kind::Number, Answer::Number(_)) | (Kind::Text, Answer::Text(_)) => {
                if let Answer::Number(n) = a {
                    if !n.is_finite() || *n < 0.0 {
                        return Err(format!("{n} is not a number of zero or more"));
                    }
                }
                Ok(a.clone())
            }
            (_, Answer::Items(v)) if !matches!(self.kind, Kind::YesNo | Kind::Number | Kind::Text) => {
                self.parse_answer(&v.join(","))
            }
            (_, Answer::Text(t)) => self.parse_answer(t),
            (_, other) => self.parse_answer(&other.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_i_codes_are_format_checked() {
        for ok in ["3A", "3A001", "5D002", "9E003", "5D002.a.1", "0C001"] {
            assert!(is_annex_i(ok), "{ok}");
        }
        for bad in ["", "3", "3F001", "A3001", "3A01", "3A0011", "3A001.", "3A001.A", "3a001", "ML1"] {
            assert!(!is_annex_i(bad), "{bad}");
        }
    }

    #[test]
    fn answers_are_read_by_kind() {
        let q = |kind| Question {
            id: "q".into(),
            scope: Scope::Work,
            kind,
            label: "l".into(),
            help: "h".into(),
            source: "s".into(),
            required: false,
            options: vec![Choice { id: "a_b".into(), label: "A".into() }, Choice { id: "c".into(), label: "C".into() }],
            rules: vec![],
        };
        assert_eq!(q(Kind::YesNo).parse_answer(" Yes "), Ok(Answer::Yes(true)));
        assert!(q(Kind::YesNo).parse_answer("maybe").is_err());
        assert_eq!(q(Kind::Number).parse_answer("25,000"), Ok(Answer::Number(25000.0)));
        assert!(q(Kind::Number).parse_answer("-1").is_err());
        assert!(q(Kind::Number).parse_answer("NaN").is_err());
        assert_eq!(q(Kind::MultiChoice).parse_answer("a-b, c, c"), Ok(Answer::Items(vec!["a_b".into(), "c".into()])));
        assert!(q(Kind::Choice).parse_answer("a_b, c").is_err());
        assert!(q(Kind::Choice).parse_answer("z").unwrap_err().contains("a_b, c"));
        assert_eq!(q(Kind::Country).parse_answer("jp,de"), Ok(Answer::Items(vec!["JP".into(), "DE".into()])));
        assert!(q(Kind::Country).parse_answer("Japan").is_err());
        assert_eq!(q(Kind::AnnexI).parse_answer("3a001, 6A"), Ok(Answer::Items(vec!["3A001".into(), "6A".into()])));
        assert!(q(Kind::AnnexI).parse_answer("3X001").is_err());
    }
}
