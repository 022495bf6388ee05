//! Fuzzy matching of a party's names against the listed names. Both sides are normalised
//! ([`super::normal::tokens`]); a pair is scored as the weighted share of each side's words that
//! the other side has (exactly, or within a small Jaro-Winkler distance for typos and
//! transliteration variants), words weighted by how rare they are on the list, so that two
//! institutes that share "institute of technology" and differ in the name that matters do not
//! match. The words written together ("Kamino Kawa" / "Kaminokawa") are compared as well.
//! Candidates come from an index of words and word beginnings and endings, so a query touches a
//! few names, not the whole list.

use super::lists::Entry;
use super::normal::tokens;
use serde::Serialize;
use std::collections::HashMap;

/// Scores at or above this are possible matches a person must clear or confirm.
pub const THRESHOLD: f32 = 0.86;

/// Two words this similar (Jaro-Winkler) count as the same word, in proportion.
const WORD_SIMILAR: f64 = 0.88;

/// An index key this common is not used to find candidates ("institute", "<tec"): the query's
/// distinctive words find the name.
const COMMON: usize = 300;

struct Name {
    entry: u32,
    name: u32,
    words: Vec<String>,
    weights: Vec<f32>,
    joined: String,
}

/// The listed names of one or more lists, ready to search.
pub struct Index {
    names: Vec<Name>,
    keys: HashMap<u64, Vec<u32>>,
    idf: HashMap<String, f32>,
    rare: f32,
}

/// A listed name that a query resembles.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Hit {
    /// Which entry (index into the entries the index was built from).
    pub entry: usize,
    /// Which of its names.
    pub name: usize,
    pub score: f32,
}

/// A key of the index: a tag and some letters, hashed (FNV-1a).
fn key(tag: u8, letters: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(tag).chain(letters.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The index keys of a word: the word itself, and for longer words its first and last four
/// letters (a typo leaves one of them whole). Words are ASCII once normalised.
fn keys_of(word: &str) -> impl Iterator<Item = u64> + '_ {
    let long = word.len() >= 6 && word.is_ascii();
    std::iter::once(key(b'=', word))
        .chain(long.then(|| key(b'<', &word[..4])))
        .chain(long.then(|| key(b'>', &word[word.len() - 4..])))
}

impl Index {
    pub fn new(entries: &[Entry]) -> Self {
        // Normalising the names is most of the work: it is spread over the cores.
        let all: Vec<(u32, u32, &String)> = entries
            .iter()
            .enumerate()
            .flat_map(|(ei, e)| e.names.iter().enumerate().map(move |(ni, n)| (ei as u32, ni as u32, n)))
            .collect();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let chunk = all.len().div_ceil(cores).max(1);
        let tokenised: Vec<(u32, u32, Vec<String>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = all
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(|(e, n, s)| (*e, *n, tokens(s))).collect::<Vec<_>>()))
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
        });
        let mut names = Vec::new();
        let mut df: HashMap<String, usize> = HashMap::new();
        for (ei, ni, words) in tokenised {
            {
                if words.is_empty() {
                    continue;
                }
                let mut seen: Vec<&String> = Vec::new();
                for w in &words {
                    if !seen.contains(&w) {
                        match df.get_mut(w) {
                            Some(n) => *n += 1,
                            None => {
                                df.insert(w.clone(), 1);
                            }
                        }
                        seen.push(w);
                    }
                }
                names.push(Name { entry: ei, name: ni, joined: words.concat(), words, weights: Vec::new() });
            }
        }
        let total = names.len().max(1) as f32;
        let idf: HashMap<String, f32> = df.into_iter().map(|(w, n)| (w, (1.0 + total / n as f32).ln())).collect();
        let rare = (1.0 + total).ln();
        let mut keys: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, n) in names.iter_mut().enumerate() {
            n.weights = n.words.iter().map(|w| idf.get(w).copied().unwrap_or(rare)).collect();
            for w in &n.words {
                for k in keys_of(w) {
                    let v = keys.entry(k).or_default();
                    if v.last() != Some(&(i as u32)) {
                        v.push(i as u32);
                    }
                }
            }
        }
        Index { names, keys, idf, rare }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The listed names that `query` resembles at or above `threshold`, the best name per entry,
    /// best first. For many queries, [`Index::searcher`] reuses its buffers.
    pub fn search(&self, query: &str, threshold: f32) -> Vec<Hit> {
        self.searcher().search(query, threshold)
    }

    /// Searches every query, spread over the cores; the hits of each query in its place.
    pub fn search_all(&self, queries: &[String], threshold: f32) -> Vec<Vec<Hit>> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        if cores == 1 || queries.len() < 64 {
            let mut s = self.searcher();
            return queries.iter().map(|q| s.search(q, threshold)).collect();
        }
        let chunk = queries.len().div_ceil(cores);
        std::thread::scope(|scope| {
            let handles: Vec<_> = queries
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut s = self.searcher();
                        part.iter().map(|q| s.search(q, threshold)).collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
        })
    }

    /// A searcher with its own buffers, for one thread's queries.
    pub fn searcher(&self) -> Searcher<'_> {
        Searcher { index: self, votes: vec![0.0; self.names.len()], touched: Vec::new() }
    }
}

/// How many of the names that share the most index keys with a query are scored in full.
const SHORTLIST: usize = 16;

/// Searches one index, reusing its buffers between queries.
pub struct Searcher<'i> {
    index: &'i Index,
    votes: Vec<f32>,
    touched: Vec<u32>,
}

impl Searcher<'_> {
    /// As [`Index::search`].
    pub fn search(&mut self, query: &str, threshold: f32) -> Vec<Hit> {
        let ix = self.index;
        let words = tokens(query);
        if words.is_empty() {
            return Vec::new();
        }
        let weights: Vec<f32> = words.iter().map(|w| ix.idf.get(w).copied().unwrap_or(ix.rare)).collect();
        let joined = words.concat();
        // Each name gets a vote from every key it shares with the query, rarer keys more.
        let mut smallest_common: Option<&Vec<u32>> = None;
        for w in &words {
            for k in keys_of(w) {
                let Some(p) = ix.keys.get(&k) else { continue };
                if p.len() > COMMON {
                    if smallest_common.is_none_or(|s| p.len() < s.len()) {
                        smallest_common = Some(p);
                    }
                    continue;
                }
                let vote = 1.0 / (1.0 + p.len() as f32).ln();
                for &c in p {
                    if self.votes[c as usize] == 0.0 {
                        self.touched.push(c);
                    }
                    self.votes[c as usize] += vote;
                }
            }
        }
        if self.touched.is_empty() {
            // Every word of the query is common: its shortest list is where a match can be.
            for &c in smallest_common.map_or(&[][..], |p| &p[..]) {
                if self.votes[c as usize] == 0.0 {
                    self.touched.push(c);
                }
                self.votes[c as usize] += 1.0;
            }
        }
        let mut shortlist: Vec<u32> = std::mem::take(&mut self.touched);
        if shortlist.len() > SHORTLIST {
            shortlist
                .select_nth_unstable_by(SHORTLIST, |a, b| self.votes[*b as usize].total_cmp(&self.votes[*a as usize]));
        }
        let mut best: HashMap<u32, Hit> = HashMap::new();
        for (i, c) in shortlist.iter().enumerate() {
            if i < SHORTLIST {
                let n = &ix.names[*c as usize];
                let score = score(&words, &weights, &joined, n, threshold);
                if score >= threshold {
                    let hit = Hit { entry: n.entry as usize, name: n.name as usize, score };
                    best.entry(n.entry)
                        .and_modify(|h| {
                            if score > h.score {
                                *h = hit.clone()
                            }
                        })
                        .or_insert(hit);
                }
            }
            self.votes[*c as usize] = 0.0;
        }
        shortlist.clear();
        self.touched = shortlist;
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        hits
    }
}

fn word_sim(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let s = strsim::jaro_winkler(a, b);
    if s >= WORD_SIMILAR { s } else { 0.0 }
}

/// The weighted share of each side's words found on the other side, or the similarity of the
/// words written together, whichever is higher.
fn score(words: &[String], weights: &[f32], joined: &str, n: &Name, threshold: f32) -> f32 {
    let side = |a: &[String], wa: &[f32], b: &[String]| -> (f64, f64) {
        let mut got = 0.0;
        let mut total = 0.0;
        for (w, weight) in a.iter().zip(wa) {
            let best = b.iter().map(|x| word_sim(w, x)).fold(0.0, f64::max);
            got += best * f64::from(*weight);
            total += f64::from(*weight);
        }
        (got, total)
    };
    let (g1, t1) = side(words, weights, &n.words);
    let (g2, t2) = side(&n.words, &n.weights, words);
    let overlap = if t1 + t2 > 0.0 { (g1 + g2) / (t1 + t2) } else { 0.0 };
    // Written together, only where that could reach the threshold (lengths close enough).
    let (a, b) = (joined.len(), n.joined.len());
    let reachable = 1.0 - a.abs_diff(b) as f64 / a.max(b).max(1) as f64 >= f64::from(threshold);
    let together = if overlap < f64::from(threshold) && a >= 8 && b >= 8 && reachable {
        strsim::normalized_levenshtein(joined, &n.joined)
    } else {
        0.0
    };
    overlap.max(together) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(r: &str, names: &[&str]) -> Entry {
        Entry {
            reference: r.into(),
            kind: "entity".into(),
            names: names.iter().map(|s| s.to_string()).collect(),
            countries: vec![],
            programs: vec![],
        }
    }

    #[test]
    fn finds_the_listed_name_under_variants() {
        let list = vec![
            entry("1", &["Harbin Institute of Technology", "HIT"]),
            entry("2", &["Beijing Institute of Technology"]),
            entry("3", &["Rostec State Corporation", "Rostekh"]),
            entry("4", &["Kaminokawa Institute of Technology"]),
        ];
        let idx = Index::new(&list);
        let top = |q: &str| idx.search(q, THRESHOLD).first().map(|h| list[h.entry].reference.clone());
        assert_eq!(top("HARBIN INST. OF TECHNOLOGY"), Some("1".into()));
        assert_eq!(top("Technology Institute Harbin"), Some("1".into()));
        assert_eq!(top("Harbin Institue of Tecnology"), Some("1".into()));
        assert_eq!(top("Ростех"), Some("3".into()));
        assert_eq!(top("Kamino Kawa Institute of Technology"), Some("4".into()));
        assert_eq!(top("Shanghai Institute of Technology"), None);
        assert_eq!(top("Massachusetts Institute of Technology"), None);
    }
}
