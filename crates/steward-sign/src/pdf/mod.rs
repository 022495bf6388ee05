//! PDF signatures: signing as incremental updates ([`sign()`]), and strict verification
//! ([`verify()`]): the structure read by Steward's own parser ([`file`], [`syntax`]), byte ranges
//! checked exactly, and every update after a signature judged by an allow-list ([`changes`]).

pub mod changes;
pub mod file;
mod sign;
pub mod syntax;
mod verify;

pub use sign::{SignOptions, SignRequest, add_dss, sign, sign_with_options, timestamp_document};
pub use verify::{
    ChainReport, DssSummary, Integrity, KnownCertificate, MAX_EMBEDDED_FILE, SignatureReport, TimestampReport,
    VerifyReport, embedded_file, verify,
};
