//! The document model an agreement renders to, and its plain-text and HTML forms.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Document {
    /// The agreement kind's id (`nda-mutual`, ...).
    pub kind: String,
    /// The title printed at the top.
    pub title: String,
    /// `1 December 2026`, when the draft has an effective date.
    pub date: Option<String>,
    pub parties: Vec<DocParty>,
    pub recitals: Vec<Recital>,
    pub sections: Vec<Section>,
    pub schedules: Vec<Section>,
    pub signatures: Vec<SignatureBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocParty {
    pub number: usize,
    pub legal_name: String,
    pub short_name: String,
    /// `registered in Germany under number HRB 214739, whose address is ...`
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Recital {
    pub letter: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Section {
    pub clause_id: String,
    /// `7` for a clause, `Schedule 2` for a schedule.
    pub number: String,
    pub title: String,
    /// The pinned clause version (SHA-256 of its canonical content).
    pub version: String,
    /// The fallback wording chosen, if any.
    pub fallback: Option<String>,
    pub guidance: String,
    pub blocks: Vec<Block>,
}

impl Section {
    /// The section's words without its numbers: what a redline compares, so that a clause that
    /// only moved (and was renumbered) is not reported as changed.
    pub fn content(&self) -> String {
        let mut s = self.title.clone();
        for b in &self.blocks {
            s.push('\n');
            s.push_str(&b.text);
        }
        s
    }

    /// The section's whole text with numbers.
    pub fn plain(&self) -> String {
        let mut s = self.title.clone();
        for b in &self.blocks {
            s.push('\n');
            if let Some(n) = &b.number {
                s.push_str(n);
                s.push(' ');
            }
            s.push_str(&b.text);
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Block {
    /// `7.2`, `7.2.1`, or none for a plain paragraph.
    pub number: Option<String>,
    /// 1: plain paragraph, 2: sub-clause, 3: item of a sub-clause.
    pub level: u8,
    pub anchor: Option<String>,
    pub text: String,
    /// Where `text` holds cross-references (numbers of other clauses), for formats that keep
    /// them live (Word's REF fields).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<CrossRef>,
}

/// A cross-reference in a block's text: `len` bytes from byte `start` are the number of
/// `target` (a clause id, or `clause#anchor`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CrossRef {
    pub start: usize,
    pub len: usize,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignatureBlock {
    pub party_legal_name: String,
    pub party_short_name: String,
    pub lines: Vec<String>,
}

const WIDTH: usize = 88;

fn wrap(out: &mut String, first_prefix: &str, text: &str) {
    let indent = " ".repeat(first_prefix.chars().count());
    let opts = textwrap::Options::new(WIDTH).initial_indent(first_prefix).subsequent_indent(&indent);
    for line in textwrap::wrap(text, opts) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

impl Document {
    /// A party's entry in the parties list: `LEGAL NAME, description ("Short");`, with `; and`
    /// before the last and a full stop after it.
    pub fn party_line(&self, p: &DocParty) -> String {
        let n = self.parties.len();
        let end = if p.number + 1 == n {
            "; and"
        } else if p.number == n {
            "."
        } else {
            ";"
        };
        format!("{}, {} (\u{201c}{}\u{201d}){end}", p.legal_name.to_uppercase(), p.description, p.short_name)
    }

    /// Plain text: numbered, wrapped at 88 columns with hanging numbers.
    pub fn to_text(&self) -> String {
        let mut t = String::new();
        t.push_str(&self.title.to_uppercase());
        t.push_str("\n\n");
        if let Some(d) = &self.date {
            t.push_str(&format!("This agreement is dated {d}.\n\n"));
        }
        t.push_str("PARTIES\n\n");
        for p in &self.parties {
            wrap(&mut t, &format!("({})  ", p.number), &self.party_line(p));
            t.push('\n');
        }
        if !self.recitals.is_empty() {
            t.push_str("BACKGROUND\n\n");
            for r in &self.recitals {
                wrap(&mut t, &format!("({})  ", r.letter), &r.text);
                t.push('\n');
            }
        }
        t.push_str("AGREED TERMS\n\n");
        for s in &self.sections {
            section_text(&mut t, s, &format!("{}.", s.number));
        }
        for s in &self.schedules {
            t.push_str(&format!("{} \u{2014} {}\n\n", s.number.to_uppercase(), s.title.to_uppercase()));
            section_body_text(&mut t, s);
        }
        t.push_str("SIGNATURES\n\n");
        for sig in &self.signatures {
            wrap(&mut t, "", &format!("Signed for and on behalf of {}", sig.party_legal_name.to_uppercase()));
            t.push('\n');
            for l in &sig.lines {
                t.push_str(&format!("{:<10} ________________________________\n", format!("{l}:")));
            }
            t.push('\n');
        }
        t.truncate(t.trim_end().len());
        t.push('\n');
        t
    }

    /// A standalone HTML page (the desktop preview). All text is escaped.
    pub fn to_html(&self) -> String {
        let e = escape;
        let mut h = String::new();
        h.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.push_str(&format!(
            "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<article class=\"agreement\">\n",
            e(&self.title),
            CSS
        ));
        h.push_str(&format!("<h1>{}</h1>\n", e(&self.title)));
        if let Some(d) = &self.date {
            h.push_str(&format!("<p class=\"dated\">This agreement is dated {}.</p>\n", e(d)));
        }
        h.push_str("<h2>Parties</h2>\n<ol class=\"parties\">\n");
        for p in &self.parties {
            h.push_str(&format!(
                "<li><strong>{}</strong>, {} (\u{201c}{}\u{201d})</li>\n",
                e(&p.legal_name.to_uppercase()),
                e(&p.description),
                e(&p.short_name)
            ));
        }
        h.push_str("</ol>\n");
        if !self.recitals.is_empty() {
            h.push_str("<h2>Background</h2>\n<ol class=\"recitals\">\n");
            for r in &self.recitals {
                h.push_str(&format!("<li data-letter=\"{}\">{}</li>\n", e(&r.letter), e(&r.text)));
            }
            h.push_str("</ol>\n");
        }
        h.push_str("<h2>Agreed terms</h2>\n");
        for s in self.sections.iter().chain(&self.schedules) {
            let schedule = s.number.starts_with("Schedule");
            h.push_str(&format!(
                "<section id=\"{}\" class=\"{}\">\n",
                e(&s.clause_id),
                if schedule { "schedule" } else { "clause" }
            ));
            if schedule {
                h.push_str(&format!("<h3>{} \u{2014} {}</h3>\n", e(&s.number), e(&s.title)));
            } else {
                h.push_str(&format!("<h3><span class=\"num\">{}.</span> {}</h3>\n", e(&s.number), e(&s.title)));
            }
            for b in &s.blocks {
                let num =
                    b.number.as_deref().map(|n| format!("<span class=\"num\">{}</span> ", e(n))).unwrap_or_default();
                h.push_str(&format!("<p class=\"l{}\">{}{}</p>\n", b.level, num, e(&b.text)));
            }
            h.push_str("</section>\n");
        }
        h.push_str("<h2>Signatures</h2>\n<div class=\"signatures\">\n");
        for sig in &self.signatures {
            h.push_str(&format!(
                "<div class=\"sig\"><p>Signed for and on behalf of <strong>{}</strong></p>\n",
                e(&sig.party_legal_name)
            ));
            for l in &sig.lines {
                h.push_str(&format!("<p class=\"line\">{}: <span></span></p>\n", e(l)));
            }
            h.push_str("</div>\n");
        }
        h.push_str("</div>\n</article>\n</body>\n</html>\n");
        h
    }
}

fn section_text(t: &mut String, s: &Section, heading_num: &str) {
    let single_para = s.blocks.len() == 1 && s.blocks[0].number.is_none();
    if single_para {
        wrap(t, &format!("{heading_num:<7}"), &format!("{}. {}", s.title.to_uppercase(), s.blocks[0].text));
        t.push('\n');
        return;
    }
    t.push_str(&format!("{heading_num:<7}{}\n\n", s.title.to_uppercase()));
    section_body_text(t, s);
}

fn section_body_text(t: &mut String, s: &Section) {
    for b in &s.blocks {
        match (&b.number, b.level) {
            (Some(n), 3) => wrap(t, &format!("       {n:<9}"), &b.text),
            (Some(n), _) => wrap(t, &format!("{n:<7}"), &b.text),
            (None, _) => wrap(t, "       ", &b.text),
        }
        t.push('\n');
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = "body{margin:0;background:#f4f4f2;font-family:'Liberation Serif','Times New Roman',serif;color:#1b1b1b}\
.agreement{max-width:46rem;margin:1.5rem auto;background:#fff;padding:2.5rem 3rem;line-height:1.45;box-shadow:0 1px 3px rgba(0,0,0,.12)}\
h1{text-align:center;font-size:1.4rem;letter-spacing:.04em;text-transform:uppercase}\
h2{font-size:1rem;text-transform:uppercase;letter-spacing:.06em;margin-top:1.8rem}\
h3{font-size:1rem;margin:1.4rem 0 .4rem}.num{display:inline-block;min-width:3.2rem;font-weight:600}\
p{margin:.35rem 0;text-align:justify}p.l2{padding-left:3.2rem;text-indent:-3.2rem}p.l3{padding-left:7rem;text-indent:-3.8rem}\
p.l1{padding-left:3.2rem}ol.parties li,ol.recitals li{margin:.4rem 0}\
.signatures{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}.sig p.line span{display:inline-block;width:12rem;border-bottom:1px solid #444}";

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_everything_that_matters() {
        assert_eq!(super::escape(r#"<b a="x">'&'"#), "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;");
    }
}
