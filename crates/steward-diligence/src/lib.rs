//! Trusted Research due diligence, as pure logic: the questionnaire a legal team keeps as a file
//! (`questionnaire`), the rating that a collaboration's answers give (`rating`: a band on each of
//! three factors, the clauses, reviewer roles and re-screening interval the answers require), and
//! offline sanctions screening (`screening`: the published list files, and fuzzy matching of
//! party names against them). No I/O: callers hand in bytes and answers.

pub mod questionnaire;
/// The questionnaire Steward ships (`templates/diligence/trusted-research.toml`).
pub mod shipped {
    pub const FILE: &str = "templates/diligence/trusted-research.toml";
    pub const TEXT: &str = include_str!("../../../templates/diligence/trusted-research.toml");

    /// The shipped questionnaire, parsed (it is checked by the tests).
    pub fn questionnaire() -> Result<crate::Questionnaire, Vec<crate::Problem>> {
        crate::Questionnaire::parse(FILE, TEXT)
    }
}
pub mod rating;
pub mod samples;
pub mod screening;

pub use questionnaire::{Answer, Answers, Band, Factor, Kind, Question, Questionnaire, Scope};
pub use rating::{Fired, Missing, Rating, Subject};

/// One thing wrong with an input, named by where it is (`file:line`, a question id, ...).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Problem {
    pub at: String,
    pub message: String,
}

impl Problem {
    pub fn new(at: impl Into<String>, message: impl Into<String>) -> Self {
        Self { at: at.into(), message: message.into() }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}
