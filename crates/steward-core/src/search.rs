//! One search over everything a user names: collaborations, agreements, parties, people and
//! clauses (the window's Ctrl+K, `steward search`). Every word typed must match somewhere in a
//! record (by word prefix, ignoring case and accents); a match in the name ranks first.

use crate::error::Result;
use crate::{Id, Steward};
use serde::Serialize;

/// What a search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FoundKind {
    Collaboration,
    Agreement,
    Party,
    Person,
    Clause,
}

/// One record a search found, with what a list shows of it and where it opens.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Found {
    pub kind: FoundKind,
    /// The record's id (none for a clause: see `template`).
    pub id: Option<Id>,
    /// A clause's template id.
    pub template: Option<String>,
    pub title: String,
    /// A second line: the collaboration an agreement is in, a person's organisation, a clause's
    /// matching words.
    pub detail: String,
    /// The collaboration the record belongs to, when it belongs to one; for a party or a person,
    /// the most recently changed collaboration their party is in.
    pub collaboration_id: Option<Id>,
}

/// The most a search returns.
pub const SEARCH_LIMIT: usize = 40;

impl Steward {
    /// Everything whose name or details match every word of `query`, best first (at most
    /// [`SEARCH_LIMIT`]). An empty query finds nothing.
    pub fn search(&self, query: &str) -> Result<Vec<Found>> {
        let words = tokens(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        // (rank, found): rank 0 when the title matches every word, 1 otherwise.
        let mut hits: Vec<(u8, Found)> = Vec::new();
        let mut consider = |found: Found, title: &str, details: &[&str]| {
            let title_words = tokens(title);
            let mut all = title_words.clone();
            for d in details {
                all.extend(tokens(d));
            }
            if !words.iter().all(|w| all.iter().any(|t| t.starts_with(w.as_str()))) {
                return;
            }
            let rank = u8::from(!words.iter().all(|w| title_words.iter().any(|t| t.starts_with(w.as_str()))));
            hits.push((rank, found));
        };

        let collabs = self.collaborations(false)?;
        let collab_title =
            |id: Id| collabs.iter().find(|c| c.collaboration.id == id).map(|c| c.collaboration.title.clone());
        for c in &collabs {
            let col = &c.collaboration;
            let parties = c.parties.join(", ");
            consider(
                Found {
                    kind: FoundKind::Collaboration,
                    id: Some(col.id),
                    template: None,
                    title: col.title.clone(),
                    detail: parties.clone(),
                    collaboration_id: Some(col.id),
                },
                &col.title,
                &[col.summary.as_deref().unwrap_or_default(), &parties],
            );
        }
        // The rows alone: the list's signatures are not needed here.
        for a in self.store().agreement_rows(None)? {
            if a.archived {
                continue;
            }
            let Some(collab) = collab_title(a.collaboration_id) else { continue };
            consider(
                Found {
                    kind: FoundKind::Agreement,
                    id: Some(a.id),
                    template: None,
                    title: a.title.clone(),
                    detail: collab.clone(),
                    collaboration_id: Some(a.collaboration_id),
                },
                &a.title,
                &[&collab, &a.kind],
            );
        }
        let parties = self.parties(false)?;
        let in_collab = self.store().party_collaborations()?;
        let collab_of = |party: Id| in_collab.iter().find(|(p, _)| *p == party).map(|(_, c)| *c);
        for p in &parties {
            let short = p.short_name.clone().unwrap_or_default();
            consider(
                Found {
                    kind: FoundKind::Party,
                    id: Some(p.id),
                    template: None,
                    title: p.legal_name.clone(),
                    detail: if short.is_empty() { p.country.clone() } else { format!("{short} · {}", p.country) },
                    collaboration_id: collab_of(p.id),
                },
                &format!("{} {short}", p.legal_name),
                &[&p.country],
            );
        }
        for person in self.people(None, None, false)? {
            let org = parties.iter().find(|p| p.id == person.party_id).map(|p| p.display_name().to_string());
            consider(
                Found {
                    kind: FoundKind::Person,
                    id: Some(person.id),
                    template: None,
                    title: person.name.clone(),
                    detail: match &org {
                        Some(o) => format!("{} · {o}", person.email),
                        None => person.email.clone(),
                    },
                    collaboration_id: collab_of(person.party_id),
                },
                &person.name,
                &[&person.email, org.as_deref().unwrap_or_default(), person.orcid.as_deref().unwrap_or_default()],
            );
        }
        // Clauses: the library's full-text index (titles, wording, guidance, fallbacks) gives
        // the matching words; a clause whose title matches ranks with the names above.
        let mut clauses: Vec<(u8, Found)> = Vec::new();
        for hit in self.search_templates(query)? {
            let title_words = tokens(&hit.title);
            let rank = u8::from(!words.iter().all(|w| title_words.iter().any(|t| t.starts_with(w.as_str()))));
            let detail = if hit.snippet.contains('[') { hit.snippet.clone() } else { String::new() };
            clauses.push((
                rank,
                Found {
                    kind: FoundKind::Clause,
                    id: None,
                    template: Some(hit.id.clone()),
                    title: hit.title.clone(),
                    detail,
                    collaboration_id: None,
                },
            ));
        }
        hits.extend(clauses);
        hits.sort_by(|(ra, a), (rb, b)| ra.cmp(rb).then(a.kind.cmp(&b.kind)));
        Ok(hits.into_iter().map(|(_, f)| f).take(SEARCH_LIMIT).collect())
    }
}

/// Lower case without accents, for matching.
fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// The words of a text, folded.
fn tokens(s: &str) -> Vec<String> {
    fold(s).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_split() {
        assert_eq!(tokens("Universität Hälle-Wittenberg (DE)"), ["universitat", "halle", "wittenberg", "de"]);
        assert_eq!(fold("ÉCOLE"), "ecole");
    }
}
