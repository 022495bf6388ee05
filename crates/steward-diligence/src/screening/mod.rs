//! Offline sanctions screening: list files read in their publishers' layouts ([`lists`]), names
//! normalised ([`normal`]) and matched with a score ([`matcher`]). Nothing here sends anything
//! anywhere; the lists are files the user imported.

pub mod lists;
pub mod matcher;
pub mod normal;
mod xml;

pub use lists::{Entry, Format, List, SourceFile};
pub use matcher::{Hit, Index, Searcher, THRESHOLD};
