//! The Word round trip: an agreement revision exported as a .docx that knows its clauses, and a
//! partner's edited copy read back as proposed changes: each clause whose text the partner left
//! different (tracked or not) becomes the partner's version of that clause (non-standard text),
//! a clause deleted in Word is left out, a clause added in Word is added where it stands. The
//! changes then go through the same redline, decisions and log as a partner's PDF.

use super::{ImportedDraft, refuse};
use crate::error::{Error, Result};
use crate::{Id, Steward};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use steward_clauses::document::{Document, Section};
use steward_clauses::helpers::{REF_CLOSE, REF_OPEN};
use steward_clauses::meta::{ClauseMeta, ClauseTemplate};
use steward_clauses::{DraftSpec, Template};
use steward_docx::{WordClause, WordFile};

/// A .docx Steward made.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportedDocx {
    #[serde(skip)]
    pub docx: Vec<u8>,
    pub bytes: usize,
    pub revision: i64,
    /// Clauses and schedules, each in its own content control.
    pub clauses: usize,
}

/// A comment the partner left in their Word file, with the clause it is on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PartnerComment {
    /// The clause it is attached to (none: on text outside every clause).
    pub clause: Option<String>,
    pub author: String,
    pub date: Option<String>,
    pub text: String,
}

impl Steward {
    /// Exports a revision (default: the latest) as a Word document for a partner to edit. It
    /// carries no signature: what goes back for signature is a signed PDF.
    pub fn export_agreement_docx(&self, agreement: Id, revision: Option<i64>) -> Result<ExportedDocx> {
        let a = self.store().agreement_row_by_id(agreement)?;
        let (row, spec) = self.spec_of(agreement, revision)?;
        let doc = self.render_revision(&row, &spec)?;
        let draft = self.draft_of(&a, &row, &[])?;
        let status = format!("Draft \u{00b7} revision {} \u{00b7} for discussion, not signed", row.number);
        let now = self.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let created = chrono::DateTime::parse_from_rfc3339(&row.created_at)
            .map(|d| d.to_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|_| now.clone());
        let meta = steward_docx::WordMeta {
            status: &status,
            subject: &format!("{} ({})", a.title, a.kind),
            author: self.actor(),
            created: &created,
            modified: &now,
            revision: row.number,
            spec_hash: &row.spec_hash,
        };
        let docx = steward_docx::write(&doc, &draft, &meta).map_err(|e| Error::Typesetting(e.to_string()))?;
        Ok(ExportedDocx {
            bytes: docx.len(),
            docx,
            revision: row.number,
            clauses: doc.sections.len() + doc.schedules.len(),
        })
    }

    /// Imports a partner's edited Word file (one we exported): its draft part names our base
    /// revision; the body, clause by clause as the partner leaves it, becomes the partner's
    /// draft, compared with our latest revision change by change. A Word file carries no
    /// signature: it is kept as an unsigned draft. Anything wrong with the file refuses it whole,
    /// and the store is unchanged.
    pub fn import_partner_docx(&mut self, bytes: &[u8], file_name: &str) -> Result<ImportedDraft> {
        let word = steward_docx::read(bytes).map_err(|e| refuse(e.to_string()))?;
        let draft = super::parse_draft(word.draft.as_bytes()).map_err(|e| refuse(format!("its Steward draft: {e}")))?;
        let Some(agreement) = self.store().agreement_by_uid(&draft.uid)? else {
            return Err(refuse(format!(
                "it is a draft of \u{201c}{}\u{201d}, which is not an agreement of this store: a Word file is read only against the revision it was exported from",
                draft.title
            )));
        };
        let base_hash = steward_clauses::canonical::sha256_hex(draft.spec.canonical().as_bytes());
        let revisions = self.store().revisions(agreement.id)?;
        if !revisions.iter().any(|r| r.spec_hash == base_hash) {
            return Err(refuse(format!(
                "it was exported from revision {} of \u{201c}{}\u{201d} (spec {}), which this store does not have",
                draft.revision,
                draft.title,
                &base_hash[..12]
            )));
        }
        let sha = hex::encode(Sha256::digest(bytes));
        if let Some(d) = self.store().received_by_file(agreement.id, &sha)? {
            return Err(Error::Conflict(format!("this file was imported before (received draft {d})")));
        }
        let base_spec = draft.spec.clone();
        let base_doc = self.render_spec(&base_spec)?;
        let proposal = self.proposal(&base_spec, &base_doc, &word, file_name, &sha)?;

        let by = self.actor().to_string();
        let now = self.now();
        let origin = format!("received in {file_name} (SHA-256 {})", &sha[..16]);
        let our_latest = revisions.last().map(|r| r.number);
        let comments_json = serde_json::to_string(&proposal.comments).unwrap_or_else(|_| "[]".into());
        let notes_json = serde_json::to_string(&proposal.notes).unwrap_or_else(|_| "[]".into());
        let (received_id, new_versions) = self.atomically(|s| {
            let mut new_versions = Vec::new();
            for t in &proposal.templates {
                let t = Template::Clause(t.clone());
                if s.store().template_version(&t.hash())?.is_none() {
                    new_versions.push(s.keep_received_version(&t, &origin)?);
                }
            }
            // The partner's draft must render with the versions it pins.
            s.render_spec(&proposal.spec)?;
            let id = s.store().insert_received(
                &crate::store::exchange::NewReceived {
                    agreement: agreement.id,
                    file_name,
                    file_sha256: &sha,
                    file: bytes,
                    signed: false,
                    signers: &[],
                    their_revision: draft.revision,
                    spec: &proposal.spec.canonical(),
                    base_revision: our_latest,
                    received_by: &by,
                    format: super::FileFormat::Docx,
                    comments: &comments_json,
                    notes: &notes_json,
                },
                now,
            )?;
            Ok((id, new_versions))
        })?;
        let changes = self.received_changes(received_id)?.1;
        Ok(ImportedDraft {
            received: self.received(received_id)?,
            created_agreement: false,
            created_collaboration: false,
            new_versions,
            changes,
            pinned: Vec::new(),
            our_signatures: Vec::new(),
            only_ours: false,
            comments: proposal.comments,
            notes: proposal.notes,
        })
    }

    /// The partner's draft that a Word file's body makes of `base`.
    fn proposal(
        &self,
        base: &DraftSpec,
        base_doc: &Document,
        word: &WordFile,
        file_name: &str,
        sha: &str,
    ) -> Result<Proposal> {
        let names = steward_docx::bookmark_names(base_doc);
        let by_name: BTreeMap<&str, &str> = names.iter().map(|(t, n)| (n.as_str(), t.as_str())).collect();
        let lib = self.library_with(
            std::iter::once(base.kind_version.as_str()).chain(base.clauses.values().map(String::as_str)),
        )?;
        let mut spec = base.clone();
        let mut templates = Vec::new();
        let mut notes = Vec::new();
        let sections: Vec<&Section> = base_doc.sections.iter().chain(&base_doc.schedules).collect();
        // Which Word clause stands for each of ours: the first control that carries its id.
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut ours_at: Vec<Option<&Section>> = Vec::with_capacity(word.clauses.len());
        for c in &word.clauses {
            // By its content control's tag, or (an editor dropped the controls) by its heading's
            // bookmark.
            let id = c.id.as_deref().or_else(|| c.bookmark.as_deref().and_then(|b| by_name.get(b).copied()));
            let s =
                id.filter(|id| !seen.contains(id)).and_then(|id| sections.iter().copied().find(|s| s.clause_id == id));
            if let Some(s) = s {
                seen.insert(s.clause_id.as_str());
            }
            ours_at.push(s);
        }
        for s in &sections {
            let theirs = word.clauses.iter().zip(&ours_at).find(|(_, o)| o.is_some_and(|o| o.clause_id == s.clause_id));
            match theirs {
                None => {
                    spec.omitted.insert(s.clause_id.clone());
                }
                Some((c, _)) if c.is_empty() => {
                    spec.omitted.insert(s.clause_id.clone());
                }
                Some((c, _)) => {
                    if same_text(s, c, &names) {
                        continue;
                    }
                    let clause = lib
                        .clause(&s.version)
                        .ok_or_else(|| Error::Conflict(format!("clause version {} is missing", s.version)))?;
                    let t = partner_version(clause, s, c, &by_name)?;
                    spec.clauses.insert(s.clause_id.clone(), Template::Clause(t.clone()).hash());
                    templates.push(t);
                }
            }
        }
        // Clauses added in Word, after the clause before them.
        let mut before = String::new();
        let mut taken: BTreeSet<String> = spec.clauses.keys().cloned().collect();
        // The clause id each Word clause stands for (ours, or the one added for it).
        let mut ids_at: Vec<Option<String>> = Vec::with_capacity(word.clauses.len());
        for (c, ours) in word.clauses.iter().zip(&ours_at) {
            if let Some(s) = ours {
                before = s.clause_id.clone();
                ids_at.push(Some(before.clone()));
                continue;
            }
            if c.is_empty() {
                ids_at.push(None);
                continue;
            }
            let id = added_id(&c.title, &taken);
            taken.insert(id.clone());
            let title = if c.title.is_empty() { "Added clause".to_string() } else { c.title.clone() };
            let t = ClauseTemplate {
                meta: ClauseMeta {
                    id: id.clone(),
                    title,
                    version: None,
                    kinds: vec![base.kind.clone()],
                    include_when: None,
                    guidance: format!("Added by the partner in Word ({file_name}, SHA-256 {}).", &sha[..16]),
                    defines: Vec::new(),
                    variables: Vec::new(),
                    fallbacks: Vec::new(),
                    obligations: Vec::new(),
                },
                body: literal_body(&c.blocks, &BTreeMap::new(), &by_name, &id)?,
                body_line: 1,
            };
            spec.clauses.insert(id.clone(), Template::Clause(t.clone()).hash());
            spec.placed.insert(id.clone(), before.clone());
            ids_at.push(Some(id.clone()));
            before = id;
            templates.push(t);
        }
        // The title, from the front; other edits there are not clause text.
        if let Some(front) = &word.front {
            let ours: Vec<String> = steward_docx::front_paragraphs(base_doc)
                .into_iter()
                .map(|(_, t)| steward_docx::normalize(&t))
                .collect();
            if let Some(title) = front.first().filter(|t| !t.is_empty()) {
                if *title != steward_docx::normalize(&base.title) {
                    spec.title = title.clone();
                }
            }
            if front.get(1..) != ours.get(1..) {
                notes.push(
                    "The partner changed the parties, date or background in Word: those come from the agreement's details, not its clauses, and were not taken; read them in the file".to_string(),
                );
            }
        } else {
            notes.push("The partner removed the title and parties block in Word; the title was kept as ours".into());
        }
        if !word.unplaced.is_empty() {
            notes.push(format!(
                "{} paragraph(s) after the signature blocks were not taken: {}",
                word.unplaced.len(),
                word.unplaced.iter().map(|t| short(t)).collect::<Vec<_>>().join(" / ")
            ));
        }
        let comments = word
            .comments
            .iter()
            .map(|c| PartnerComment {
                clause: c.clause.and_then(|i| ids_at.get(i).cloned().flatten()),
                author: c.author.clone(),
                date: c.date.clone(),
                text: c.text.clone(),
            })
            .collect();
        Ok(Proposal { spec, templates, comments, notes })
    }
}

struct Proposal {
    spec: DraftSpec,
    templates: Vec<ClauseTemplate>,
    comments: Vec<PartnerComment>,
    notes: Vec<String>,
}

fn short(t: &str) -> String {
    let mut s: String = t.chars().take(80).collect();
    if t.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// Whether the partner left a clause as we sent it (words and levels; numbering is Word's).
fn same_text(s: &Section, c: &WordClause, names: &BTreeMap<String, String>) -> bool {
    if steward_docx::normalize(&s.title) != c.title || s.blocks.len() != c.blocks.len() {
        return false;
    }
    s.blocks.iter().zip(&c.blocks).all(|(o, t)| {
        let level = if o.number.is_some() { o.level.max(2) } else { 1 };
        level == t.level && steward_docx::marked_text(o, names) == t.text
    })
}

/// The partner's version of one of our clauses: our metadata (variables, fallbacks, defines,
/// obligations stay as they are, so the draft's values still fit), the partner's title and
/// words as its body, every fallback wording the same words.
fn partner_version(
    ours: &ClauseTemplate,
    s: &Section,
    c: &WordClause,
    by_name: &BTreeMap<&str, &str>,
) -> Result<ClauseTemplate> {
    let mut anchors: BTreeMap<usize, String> = BTreeMap::new();
    let prefix = format!("{}#", s.clause_id);
    for (i, b) in c.blocks.iter().enumerate() {
        if let Some(a) =
            b.bookmarks.iter().filter_map(|n| by_name.get(n.as_str())).find_map(|t| t.strip_prefix(&prefix))
        {
            anchors.insert(i, a.to_string());
        }
    }
    // Anchors the partner's edits lost go to the numbered paragraph where they stood, so that
    // cross-references from other clauses still find a number.
    for (i, b) in s.blocks.iter().enumerate() {
        let Some(a) = &b.anchor else { continue };
        if anchors.values().any(|x| x == a) {
            continue;
        }
        let numbered = |j: &usize| c.blocks.get(*j).is_some_and(|b| b.level >= 2) && !anchors.contains_key(j);
        let at = (i..c.blocks.len()).find(numbered).or_else(|| (0..i.min(c.blocks.len())).rev().find(numbered));
        if let Some(j) = at {
            anchors.insert(j, a.clone());
        }
    }
    let body = literal_body(&c.blocks, &anchors, by_name, &s.clause_id)?;
    let mut meta = ours.meta.clone();
    if !c.title.is_empty() {
        meta.title = c.title.clone();
    }
    meta.version = None;
    for f in &mut meta.fallbacks {
        f.body = body.clone();
    }
    Ok(ClauseTemplate { meta, body, body_line: 1 })
}

/// Text as a clause body that renders as exactly that text: Handlebars' own syntax escaped,
/// cross-reference markers back as `{{ref}}`, sub-clauses as numbered lines.
fn literal_body(
    blocks: &[steward_docx::WordBlock],
    anchors: &BTreeMap<usize, String>,
    by_name: &BTreeMap<&str, &str>,
    clause: &str,
) -> Result<String> {
    let mut out = String::new();
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        match b.level {
            3 => out.push_str("   1. "),
            2 => out.push_str("1. "),
            _ => {}
        }
        if let Some(a) = anchors.get(&i).filter(|_| b.level >= 2) {
            out.push_str(&format!("{{#{a}}} "));
        }
        let mut rest = b.text.as_str();
        if b.level < 2 {
            // A plain paragraph that starts like a number or an anchor would read as one.
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if (digits > 0 && rest[digits..].starts_with('.')) || rest.starts_with("{#") || rest == "[[definitions]]" {
                out.push('\u{2060}');
            }
        }
        while let Some(start) = rest.find(REF_OPEN) {
            out.push_str(&escape(&rest[..start]));
            let after = &rest[start + REF_OPEN.len_utf8()..];
            let Some(end) = after.find(REF_CLOSE) else {
                return Err(refuse(format!("a cross-reference in clause {clause} is broken")));
            };
            if let Some(target) = by_name.get(&after[..end]) {
                out.push_str(&format!("{{{{ref \"{}\"}}}}", target.replace('"', "")));
            }
            rest = &after[end + REF_CLOSE.len_utf8()..];
        }
        out.push_str(&escape(rest));
    }
    Ok(out)
}

/// Handlebars reads `{{` as the start of an expression; a backslash makes it text.
fn escape(t: &str) -> String {
    t.replace("{{", "\\{{")
}

/// A new clause id for a clause the partner added: `partner.<words of its title>`.
fn added_id(title: &str, taken: &BTreeSet<String>) -> String {
    let mut slug = String::new();
    for w in title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(5) {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.extend(w.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()));
    }
    let slug = if slug.is_empty() { "added".to_string() } else { slug };
    let base = format!("partner.{slug}");
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FixedClock, SequentialIds};
    use std::io::{Read, Write};
    use std::sync::Arc;

    fn demo() -> (Steward, crate::demo::Demo) {
        let clock = Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH));
        let mut s = Steward::open_in_memory(clock)
            .expect("store")
            .with_ids(Arc::new(SequentialIds::default()))
            .with_secrets(Arc::new(crate::secrets::KeyringStore::mock()));
        let d = s.install_demo().expect("demo");
        (s, d)
    }

    /// The .docx with its document part rewritten by `f`.
    fn rewrite(docx: &[u8], f: impl Fn(&str) -> String) -> Vec<u8> {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..z.len() {
            let mut e = z.by_index(i).expect("entry");
            let mut b = Vec::new();
            e.read_to_end(&mut b).expect("read");
            if e.name() == "word/document.xml" {
                b = f(std::str::from_utf8(&b).expect("utf-8")).into_bytes();
            }
            w.start_file(e.name(), zip::write::SimpleFileOptions::default()).expect("start");
            w.write_all(&b).expect("write");
        }
        w.finish().expect("zip").into_inner()
    }

    #[test]
    fn a_clause_added_in_word_comes_in_where_it_stands_and_one_deleted_is_left_out() {
        let (mut s, d) = demo();
        let nda = d.agreement_ids[0];
        let before = s.render_agreement(nda, None).expect("doc");
        let docx = s.export_agreement_docx(nda, None).expect("docx").docx;
        let second = before.sections[1].clause_id.clone();
        let third = before.sections[2].clause_id.clone();
        let edited = rewrite(&docx, |x| {
            // After the second clause's control: a heading and a sub-clause of the partner's own.
            let tag = format!("steward:clause:{second}:");
            let at = x.find(&tag).expect("tag");
            let end = at + x[at..].find("</w:sdt>").expect("end") + "</w:sdt>".len();
            let added = "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Export control</w:t></w:r></w:p>\
                         <w:p><w:pPr><w:pStyle w:val=\"ClauseLevel2\"/></w:pPr><w:r><w:t>Each party complies with the export control law that applies to it.</w:t></w:r></w:p>";
            format!("{}{added}{}", &x[..end], &x[end..])
        });
        let edited = steward_docx::edit::delete_clause(&edited, &third).expect("deleted");
        let r = s.import_partner_docx(&edited, "nda-partner.docx").expect("imports");
        let ids: Vec<&str> = r.changes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, [format!("clause:{third}"), "clause:partner.export-control".to_string()], "{:?}", r.changes);
        assert!(r.changes[1].ours.is_none() && r.changes[1].non_standard);
        assert!(r.changes[0].theirs.is_none());
        let who = s.identities().expect("identities").first().map(|i| i.id).expect("the demo's identities");
        let all = vec!["all".to_string()];
        let decided = s.decide_exchange(r.received.id, &all, &[], who).expect("decided");
        let after = s.render_agreement(nda, decided.revision).expect("doc");
        let titles: Vec<&str> = after.sections.iter().map(|x| x.title.as_str()).collect();
        assert_eq!(titles[2], "Export control", "{titles:?}");
        assert!(!after.sections.iter().any(|x| x.clause_id == third));
        assert_eq!(after.sections.len(), before.sections.len());
    }

    #[test]
    fn added_clauses_get_fresh_ids_from_their_titles() {
        let taken: BTreeSet<String> = ["partner.data-protection".to_string()].into();
        assert_eq!(added_id("Data Protection", &taken), "partner.data-protection-2");
        assert_eq!(added_id("", &taken), "partner.added");
        assert_eq!(added_id("Läuft über — Export", &BTreeSet::new()), "partner.luft-ber-export");
    }

    #[test]
    fn handlebars_syntax_in_partner_text_stays_text() {
        let blocks =
            vec![steward_docx::WordBlock { level: 1, text: "Use {{this}} 3. as is".into(), bookmarks: vec![] }];
        let body = literal_body(&blocks, &BTreeMap::new(), &BTreeMap::new(), "x").expect("body");
        assert_eq!(body, "Use \\{{this}} 3. as is");
    }
}
