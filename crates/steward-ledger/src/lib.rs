//! The arithmetic of Steward's contribution ledger and the decision log's hash chain, free of any
//! storage: money in integer minor units, recorded exchange rates, reports whose shares always sum
//! to exactly 100.00 (largest remainder), CSV import and export with every bad row reported, the
//! CRediT contributor roles, and the canonical encoding, hashing and verification of decision
//! entries.

pub mod credit;
pub mod csv_io;
pub mod entry;
pub mod import;
pub mod log;
pub mod money;
pub mod rates;
pub mod report;

pub use entry::{Category, EntryFields, Measure, ValidEntry};
pub use money::{Currency, Decimal};
pub use rates::{Rate, RateTable, RateUsed};
pub use report::{Group, PartyTotal, Report, largest_remainder};

/// One problem with one input: the field (or CSV line and column) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{field}: {message}")]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}
