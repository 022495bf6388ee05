//! Word documents that know their clauses.
//!
//! [`write`] lays an agreement's [`Document`] out as a .docx: Word styles, Word numbering, REF
//! fields for cross-references, a header and a `Page X of Y` footer, a signature block table and
//! core properties. Every clause and schedule sits in a content control tagged
//! `steward:clause:<id>:<version hash>`, and the canonical machine-readable draft (the one a
//! PDF embeds) travels as a custom XML part.
//!
//! [`read`] takes such a file back from a partner, clause by clause: tracked insertions count as
//! written and tracked deletions as gone (the document as the partner leaves it), the partner's
//! comments are tied to the clause they sit in, and paragraphs outside every clause are added
//! clauses. It refuses what it should not open (macros, external relationships, zip bombs,
//! entity definitions) with an error that names what and where.

pub mod edit;
mod read;
mod write;
mod xml;

pub use read::{MAX_DOCX, WordBlock, WordClause, WordComment, WordFile, read};
pub use write::{FONT, FONT_FALLBACK, write};

use std::collections::BTreeMap;
use steward_clauses::document::Document;

/// WordprocessingML's namespace (transitional), and the strict variant a reader may meet.
pub(crate) const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub(crate) const W_NS_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";

/// Content-control tags: a clause's is followed by `<id>:<version hash>`.
pub const TAG_CLAUSE: &str = "steward:clause:";
pub const TAG_FRONT: &str = "steward:front";
pub const TAG_SIGNATURES: &str = "steward:signatures";

/// The namespace of the custom XML part that carries the draft.
pub fn draft_namespace() -> &'static str {
    "urn:steward:draft"
}

/// What the package says about itself beyond the document.
#[derive(Debug, Clone)]
pub struct WordMeta<'a> {
    /// The header's right-hand side and the core description (`Draft · revision 3`).
    pub status: &'a str,
    pub subject: &'a str,
    pub author: &'a str,
    /// W3C dates (`2026-12-04T10:00:00Z`).
    pub created: &'a str,
    pub modified: &'a str,
    pub revision: i64,
    /// The revision's spec hash (names the custom XML item).
    pub spec_hash: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// The file is not one Steward opens; the message says why and where.
    #[error("{0}")]
    Refused(String),
    #[error("writing the Word document failed: {0}")]
    Write(String),
}

/// How the bookmarks of cross-reference targets begin.
pub const BOOKMARK_PREFIX: &str = "_RefSteward";

/// The bookmark each cross-reference target gets: `<clause id>` for a clause's heading,
/// `<clause id>#<anchor>` for an anchored paragraph. Hidden (`_`) and short, as Word wants.
pub fn bookmark_names(doc: &Document) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for s in doc.sections.iter().chain(&doc.schedules) {
        let n = names.len() + 1;
        names.insert(s.clause_id.clone(), format!("{BOOKMARK_PREFIX}{n}"));
        for b in &s.blocks {
            if let Some(a) = &b.anchor {
                let n = names.len() + 1;
                names.insert(format!("{}#{a}", s.clause_id), format!("{BOOKMARK_PREFIX}{n}"));
            }
        }
    }
    names
}

/// The paragraphs before the first clause (title, date, parties, background), with their
/// styles: what the front content control holds, and what the reader compares.
pub fn front_paragraphs(doc: &Document) -> Vec<(&'static str, String)> {
    use write::ids::*;
    let mut out = vec![(TITLE, doc.title.clone())];
    if let Some(d) = &doc.date {
        out.push((DATED, format!("This agreement is dated {d}.")));
    }
    out.push((PART, "Parties".to_string()));
    for p in &doc.parties {
        out.push((PARTY, doc.party_line(p)));
    }
    if !doc.recitals.is_empty() {
        out.push((PART, "Background".to_string()));
        for r in &doc.recitals {
            out.push((RECITAL, normalize(&r.text)));
        }
    }
    out.push((PART, "Agreed terms".to_string()));
    out
}

/// Whether a numbered paragraph is a definition (`“Term” means ...`).
pub(crate) fn is_definition(text: &str) -> bool {
    text.starts_with('\u{201c}') && text.contains("\u{201d} means ")
}

/// Runs of white space as one space, without leading or trailing space: how text is compared.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A block's text as [`read`] gives it back for an unedited paragraph: white space normalised,
/// each cross-reference as a marker naming its bookmark (`names`: [`bookmark_names`]).
pub fn marked_text(b: &steward_clauses::document::Block, names: &BTreeMap<String, String>) -> String {
    use steward_clauses::helpers::{REF_CLOSE, REF_OPEN};
    let mut out = String::new();
    let mut at = 0;
    for r in &b.refs {
        let (Some(before), Some(name)) = (b.text.get(at..r.start), names.get(&r.target)) else { continue };
        out.push_str(before);
        out.push(REF_OPEN);
        out.push_str(name);
        out.push(REF_CLOSE);
        at = r.start + r.len;
    }
    out.push_str(b.text.get(at..).unwrap_or_default());
    normalize(&out)
}
