//! Clause templates and agreement assembly. Pure: no store, no window, no clock. The core keeps
//! versions in its store and calls this crate to check, assemble, render and compare.
//!
//! - [`meta`]: template files (clause files with TOML front matter, agreement-kind files).
//! - [`values`]: typed variables, normal forms, formatting.
//! - [`cond`]: inclusion conditions.
//! - [`library`]: versions by hash, compiled once.
//! - [`check`]: what `steward template check` runs.
//! - [`assemble`]: a draft to a numbered [`document::Document`].
//! - [`diff`]: redlines between two documents.
//! - [`obligations`]: the obligations clauses declare, and their dates from a draft's values.
//! - [`canonical`]: the one canonical encoding that is hashed.

pub mod assemble;
pub mod canonical;
pub mod changes;
pub mod check;
pub mod cond;
pub mod diff;
pub mod document;
pub mod draft_file;
pub mod helpers;
pub mod library;
pub mod meta;
pub mod obligations;
pub mod shipped;
pub mod values;

pub use assemble::{DraftInput, DraftSpec, Problem, Recommended};
pub use document::Document;
pub use library::Library;
pub use meta::{Template, TemplateError};
