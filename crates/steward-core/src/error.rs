//! Typed errors of the core. Hosts turn them into a kind plus a message; nobody matches strings.

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// One problem with one field of user input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldError {
    /// The field, as the user named it (`country`, `end_date`, `people[2].email`, ...).
    pub field: String,
    /// What is wrong, in a sentence a user understands.
    pub message: String,
    /// The clause whose variable or wording it is, when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), clause: None }
    }

    /// A problem with a clause's variable or wording.
    pub fn in_clause(field: impl Into<String>, message: impl Into<String>, clause: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), clause: Some(clause.into()) }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)?;
        match &self.clause {
            Some(c) => write!(f, " (clause {c})"),
            None => Ok(()),
        }
    }
}

/// Every problem found in one piece of input, reported together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Invalid(pub Vec<FieldError>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input: {0}")]
    Invalid(Invalid),

    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },

    #[error("{0}")]
    Conflict(String),

    #[error(
        "the database at {path} has schema version {found}, but this version of Steward understands \
         schema versions up to {supported}; it was left untouched: use a newer Steward to open it"
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },

    #[error("cannot open the database at {path}: {reason}")]
    Open { path: PathBuf, reason: String },

    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),

    #[error("the credential store is locked or unavailable: {0}")]
    Credentials(String),

    #[error("{0}")]
    Signature(String),

    /// A PDF whose structure is damaged or ambiguous (it would need repair): what and where.
    #[error("{0}")]
    Damaged(String),

    /// A ledger report needs exchange rates nobody recorded: each pair and the first date, as
    /// data, and as one field each (`rate EUR→GBP`). Its kind is `invalid`.
    #[error("invalid input: no exchange rate is recorded for {}", describe_rates(rates))]
    MissingRates { rates: Vec<steward_ledger::report::MissingRate>, fields: Vec<FieldError> },

    /// Due diligence stops drafting or signing: what is missing, one field each.
    #[error("{message}")]
    Diligence { message: String, missing: Vec<FieldError> },

    /// A document could not be typeset or written as PDF.
    #[error("the document could not be typeset: {0}")]
    Typesetting(String),

    /// A signed file from a party whose pinned key is another: accepted only on purpose.
    #[error("{message}")]
    NewKey {
        message: String,
        /// `party`, `signer` and `fingerprint` of the new key (and `pinned`: the known ones).
        details: Vec<FieldError>,
    },

    /// A git remote could not be reached or refused (no network, wrong URL, no access).
    #[error("{0}")]
    Remote(String),

    /// A library release that fails its checks (untrusted, tampered, rolled back, rewritten).
    #[error("{0}")]
    Release(String),

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

/// What kind of failure, for hosts to branch on (UI colours, CLI exit codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Invalid,
    NotFound,
    Conflict,
    NewerSchema,
    Storage,
    Io,
    /// The OS credential store is locked, missing or refused.
    Credentials,
    /// Signing or verifying could not be done (a damaged signature, an unusable key).
    Signature,
    /// A PDF that is damaged or ambiguous and would need repair.
    Damaged,
    /// A party's file is signed with a key other than the one pinned for it.
    NewKey,
    /// A document could not be typeset.
    Typesetting,
    /// A git remote could not be reached, or refused us.
    Remote,
    /// A library release was refused: its signature, its chain or its files do not check out.
    Release,
    /// Due diligence is incomplete or blocks (an approval, a screening, a required clause).
    Diligence,
}

/// What an error carries as data, beyond its message and fields: for hosts to act on (a form to
/// record the missing rates, a dialog to accept a new key), never parsed out of the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorData {
    /// Every rate a report lacks: the pair and the first date that needs it.
    MissingRates { rates: Vec<steward_ledger::report::MissingRate> },
    /// A party's new signing key.
    NewKey { party: String, signer: String, fingerprint: String, pinned: String },
}

impl Error {
    /// The error for rates a report lacks.
    pub fn missing_rates(rates: Vec<steward_ledger::report::MissingRate>) -> Self {
        let fields = rates
            .iter()
            .map(|r| {
                FieldError::new(
                    format!("rate {}→{}", r.from, r.to),
                    format!(
                        "no rate recorded on or before {} ({} entry date(s) need one)",
                        r.first_needed, r.entries_on_dates
                    ),
                )
            })
            .collect();
        Error::MissingRates { rates, fields }
    }
}

fn describe_rates(rates: &[steward_ledger::report::MissingRate]) -> String {
    rates
        .iter()
        .map(|r| {
            format!(
                "{}→{} on or before {} ({} entry date(s) need one)",
                r.from, r.to, r.first_needed, r.entries_on_dates
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Invalid(_) => ErrorKind::Invalid,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::NewerSchema { .. } => ErrorKind::NewerSchema,
            Error::Open { .. } | Error::Database(_) => ErrorKind::Storage,
            Error::Io { .. } => ErrorKind::Io,
            Error::Credentials(_) => ErrorKind::Credentials,
            Error::Signature(_) => ErrorKind::Signature,
            Error::Damaged(_) => ErrorKind::Damaged,
            Error::NewKey { .. } => ErrorKind::NewKey,
            Error::MissingRates { .. } => ErrorKind::Invalid,
            Error::Typesetting(_) => ErrorKind::Typesetting,
            Error::Diligence { .. } => ErrorKind::Diligence,
            Error::Remote(_) => ErrorKind::Remote,
            Error::Release(_) => ErrorKind::Release,
        }
    }

    /// The data the error carries for hosts, if any.
    pub fn data(&self) -> Option<ErrorData> {
        match self {
            Error::MissingRates { rates, .. } => Some(ErrorData::MissingRates { rates: rates.clone() }),
            Error::NewKey { details, .. } => {
                let get =
                    |k: &str| details.iter().find(|f| f.field == k).map(|f| f.message.clone()).unwrap_or_default();
                Some(ErrorData::NewKey {
                    party: get("party"),
                    signer: get("signer"),
                    fingerprint: get("fingerprint"),
                    pinned: get("pinned"),
                })
            }
            _ => None,
        }
    }

    /// The individual field problems of an `Invalid` error, or the details of a `NewKey` one
    /// (empty for other kinds).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Invalid(inv) => &inv.0,
            Error::NewKey { details, .. } => details,
            Error::MissingRates { fields, .. } => fields,
            Error::Diligence { missing, .. } => missing,
            _ => &[],
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(Invalid(vec![FieldError::new(field, message)]))
    }

    pub fn not_found(what: &'static str, id: impl fmt::Display) -> Self {
        Error::NotFound { what, id: id.to_string() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Collects field errors so that every problem in one input is reported at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }
    /// Records the error of `r` (if any) and gives back its value.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() { Ok(()) } else { Err(Error::Invalid(Invalid(self.0))) }
    }
}
