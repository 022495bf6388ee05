//! Running a collaboration, the pure part: no store, no clock (today is always passed in).
//!
//! - [`risk`]: the joint risk register's fields, checked; scores and bands; the 5x5 heat map;
//!   which changes are significant enough for the decision log; CSV and the shared view.
//! - [`publication`]: a proposed publication's review window, objections, delay and release.
//! - [`health`]: a collaboration's verdict (on track, attention, at risk) with its reasons.
//! - [`ics`]: RFC 5545 calendar files (all-day events, folded lines, reminders).
//! - [`ip`]: who owns a result under the ownership model, patent deadlines, exit triggers and
//!   what an exit does with each item.
//!
//! The obligations clauses create are declared with the clauses
//! ([`steward_clauses::obligations`]); the core stores them and this crate judges them.

pub mod health;
pub mod ics;
pub mod ip;
pub mod publication;
pub mod risk;
