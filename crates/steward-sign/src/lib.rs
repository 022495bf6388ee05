//! Signatures on PDFs: PAdES baseline B-B (`ETSI.CAdES.detached`, SHA-256, ESS
//! signing-certificate-v2) added as incremental updates, so that countersignatures keep every
//! earlier signature valid; and verification that reports, for each signature, its integrity and
//! anything changed after it other than further signatures (the incremental-saving attack).
//! Also the signing keys and certificates: generation, self-signed certificates, PKCS#12 import.

pub mod chain;
pub mod cms_sig;
pub mod keys;
pub mod pdf;
pub mod raw;
pub mod timestamp;

pub use keys::{KeyKind, SecretKey, Subject};
pub use pdf::{
    Integrity, KnownCertificate, SignOptions, SignRequest, SignatureReport, VerifyReport, add_dss, sign,
    sign_with_options, timestamp_document, verify,
};
pub use timestamp::{HttpTsa, TimeStamper};

/// The name of the embedded machine-readable draft Steward puts in its PDFs.
pub const DRAFT_FILE_NAME: &str = "steward-draft.json";

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The file or input is not acceptable (not a PDF, damaged, wrong password, ...).
    #[error("{0}")]
    Input(String),
    #[error("key: {0}")]
    Key(String),
    #[error("signature: {0}")]
    Cms(String),
    #[error("PDF: {0}")]
    Pdf(String),
    /// The file's structure is damaged or ambiguous (it would need repair): what and where.
    #[error("the PDF is damaged {0}")]
    Damaged(String),
}
