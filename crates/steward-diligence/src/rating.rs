//! The rating a collaboration's answers give: on each factor the highest band any fired rule gives,
//! overall the highest factor, with every reason listed; the clauses, reviewer roles and flags the
//! fired rules require; the shortest re-screening interval; and the required questions not yet
//! answered.

use crate::questionnaire::{Answer, Answers, Band, Factor, Kind, Question, Questionnaire, Rule, Scope};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Whom a set of answers is about: the work, or one partner.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    /// `work`, or the caller's key for the partner (`party:3`).
    pub key: String,
    /// As a person reads it (`the work`, `Kaminokawa Institute of Technology`).
    pub label: String,
    pub scope: Scope,
    pub answers: &'a Answers,
}

/// A rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fired {
    pub subject_key: String,
    pub subject: String,
    pub question: String,
    pub answer: String,
    pub factor: Factor,
    pub band: Band,
    pub reason: String,
}

impl Fired {
    /// `work.annex_i = 3A001 (the work)`.
    pub fn cause(&self) -> String {
        format!("{} = {} ({})", self.question, self.answer, self.subject)
    }
}

/// A required question nobody has answered yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Missing {
    pub subject_key: String,
    pub subject: String,
    pub question: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rating {
    /// The highest band of the three factors.
    pub band: Band,
    pub factors: BTreeMap<Factor, Band>,
    /// Every rule that fired, in questionnaire order per subject.
    pub fired: Vec<Fired>,
    /// Clause id to the causes that require it.
    pub clauses: BTreeMap<String, Vec<String>>,
    /// Reviewer role to the causes that require its approval.
    pub roles: BTreeMap<String, Vec<String>>,
    pub flags: BTreeSet<String>,
    /// Screening must be no older than this.
    pub rescreen_days: u32,
    pub missing: Vec<Missing>,
}

impl Rating {
    /// What blocks: the causes of every block-band finding.
    pub fn blocks(&self) -> Vec<&Fired> {
        self.fired.iter().filter(|f| f.band == Band::Block).collect()
    }
}

/// Rates the answers of every subject against the questionnaire.
pub fn rate(q: &Questionnaire, subjects: &[Subject<'_>]) -> Rating {
    let work = subjects.iter().find(|s| s.scope == Scope::Work).map(|s| s.answers);
    let mut r = Rating {
        band: Band::Low,
        factors: Factor::ALL.iter().map(|f| (*f, Band::Low)).collect(),
        fired: Vec::new(),
        clauses: BTreeMap::new(),
        roles: BTreeMap::new(),
        flags: BTreeSet::new(),
        rescreen_days: q.rescreen_days,
        missing: Vec::new(),
    };
    for s in subjects {
        for question in q.questions.iter().filter(|x| x.scope == s.scope) {
            let Some(answer) = s.answers.get(&question.id) else {
                if question.required {
                    r.missing.push(Missing {
                        subject_key: s.key.clone(),
                        subject: s.label.clone(),
                        question: question.id.clone(),
                        label: question.label.clone(),
                    });
                }
                continue;
            };
            for rule in &question.rules {
                let Some(count) = matches(q, question, rule, answer) else { continue };
                if let Some(with) = &rule.with {
                    let other = s.answers.get(with).or_else(|| work.and_then(|w| w.get(with)));
                    if !other.is_some_and(Answer::given) {
                        continue;
                    }
                }
                let band = if rule.per_item { Band::steps(count, rule.band) } else { rule.band };
                let fired = Fired {
                    subject_key: s.key.clone(),
                    subject: s.label.clone(),
                    question: question.id.clone(),
                    answer: answer.display(),
                    factor: rule.factor,
                    band,
                    reason: rule.reason.clone(),
                };
                let cause = fired.cause();
                let f = r.factors.entry(rule.factor).or_default();
                *f = (*f).max(band);
                for c in &rule.clauses {
                    push_unique(r.clauses.entry(c.clone()).or_default(), &cause);
                }
                for role in &rule.roles {
                    push_unique(r.roles.entry(role.clone()).or_default(), &cause);
                }
                r.flags.extend(rule.flags.iter().cloned());
                if let Some(d) = rule.rescreen_days {
                    r.rescreen_days = r.rescreen_days.min(d);
                }
                r.fired.push(fired);
            }
        }
    }
    r.band = r.factors.values().copied().max().unwrap_or_default();
    if r.band >= Band::High {
        let cause = format!("the rating is {}", r.band.as_str());
        for role in &q.high_requires {
            push_unique(r.roles.entry(role.clone()).or_default(), &cause);
        }
    }
    r
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// Whether the rule's condition holds for the answer, and on how many items.
fn matches(q: &Questionnaire, question: &Question, rule: &Rule, a: &Answer) -> Option<usize> {
    let items: &[String] = match a {
        Answer::Items(v) => v,
        _ => &[],
    };
    let hit = |n: usize| (n > 0).then_some(n);
    if let Some(e) = &rule.equals {
        return match (question.kind, a) {
            (Kind::YesNo, Answer::Yes(b)) => (*b == (e == "yes")).then_some(1),
            _ => hit(items.iter().filter(|i| *i == e).count()),
        };
    }
    let set = |list: &'_ [String]| -> BTreeSet<String> {
        list.iter()
            .flat_map(|x| match x.strip_prefix('@') {
                Some(name) => q.countries.get(name).cloned().unwrap_or_default(),
                None => vec![x.clone()],
            })
            .collect()
    };
    if !rule.any_of.is_empty() {
        let set = set(&rule.any_of);
        return hit(items.iter().filter(|i| set.contains(*i)).count());
    }
    if !rule.not_in.is_empty() {
        let set = set(&rule.not_in);
        return hit(items.iter().filter(|i| !set.contains(*i)).count());
    }
    if rule.answered {
        return match a {
            Answer::Items(v) => hit(v.len()),
            other => other.given().then_some(1),
        };
    }
    if let (Some(min), Answer::Number(n)) = (rule.at_least, a) {
        return (*n >= min).then_some(1);
    }
    None
}
