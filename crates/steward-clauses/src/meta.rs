//! Template files: clause files (TOML front matter + Handlebars body) and agreement-kind files
//! (TOML). Parsing reports the file, the line and the reason.

use crate::canonical;
use crate::values::VarDecl;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

/// A problem in a template file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl TemplateError {
    pub fn new(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Self { file: file.to_string(), line, message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Define {
    pub term: String,
    pub meaning: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Fallback {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub guidance: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct ClauseMeta {
    pub id: String,
    pub title: String,
    /// The version number the author expects this content to get (checked on import); the store
    /// numbers versions 1, 2, 3 ... per id either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    pub kinds: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_when: Option<String>,
    #[serde(default)]
    pub guidance: String,
    #[serde(default)]
    pub defines: Vec<Define>,
    #[serde(default)]
    pub variables: Vec<VarDecl>,
    #[serde(default)]
    pub fallbacks: Vec<Fallback>,
    /// The obligations the clause creates, worked out from a draft's values (see [`crate::obligations`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub obligations: Vec<crate::obligations::ObligationRule>,
}

/// A clause template: metadata and body, as one immutable version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClauseTemplate {
    pub meta: ClauseMeta,
    pub body: String,
    /// Line of the body's first line in the file it came from (for error messages).
    #[serde(skip)]
    pub body_line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PartyMode {
    /// The parties are the kind's party slots.
    Slots,
    /// Every member of the collaboration is a party.
    All,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PartySlot {
    pub name: String,
    pub label: String,
    /// `role:lead`, `role:partner`, `kind:company`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub when: String,
    pub value: String,
    pub because: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    pub variable: String,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct KindTemplate {
    pub id: String,
    pub title: String,
    /// As for clauses: the expected version number, checked on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default)]
    pub description: String,
    pub parties: PartyMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definitions: Option<String>,
    #[serde(default)]
    pub party_slots: Vec<PartySlot>,
    #[serde(default)]
    pub defines: Vec<Define>,
    #[serde(default)]
    pub recitals: Vec<String>,
    pub sections: Vec<String>,
    #[serde(default)]
    pub schedules: Vec<String>,
    #[serde(default)]
    pub questions: Vec<VarDecl>,
    #[serde(default)]
    pub variables: Vec<VarDecl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Recommendation>,
}

/// Either kind of template, as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    Clause(ClauseTemplate),
    Kind(KindTemplate),
}

impl Template {
    pub fn id(&self) -> &str {
        match self {
            Template::Clause(c) => &c.meta.id,
            Template::Kind(k) => &k.id,
        }
    }
    /// The version number the file declares, if it declares one.
    pub fn declared_version(&self) -> Option<i64> {
        match self {
            Template::Clause(c) => c.meta.version,
            Template::Kind(k) => k.version,
        }
    }
    pub fn type_name(&self) -> &'static str {
        match self {
            Template::Clause(_) => "clause",
            Template::Kind(_) => "kind",
        }
    }
    /// The canonical JSON whose SHA-256 names this version.
    pub fn canonical(&self) -> String {
        let v = match self {
            Template::Clause(c) => json!({"type": "clause", "meta": c.meta, "body": c.body}),
            Template::Kind(k) => json!({"type": "kind", "meta": k}),
        };
        canonical::encode(&v)
    }
    pub fn hash(&self) -> String {
        canonical::sha256_hex(self.canonical().as_bytes())
    }
    /// The version as a template file of the documented format (a clause: TOML front matter
    /// between `+++` lines, then the body; a kind: TOML), whose parse has this version's hash.
    pub fn file_text(&self) -> Result<String, String> {
        let text = match self {
            Template::Clause(c) => {
                let fm = toml::to_string(&c.meta).map_err(|e| format!("{}: {e}", c.meta.id))?;
                format!("+++\n{fm}+++\n{}\n", c.body)
            }
            Template::Kind(k) => toml::to_string(k).map_err(|e| format!("{}: {e}", k.id))?,
        };
        let name = self.file_name(None);
        let back = parse_file(&name, &text).map_err(|e| e.to_string())?;
        if back.hash() != self.hash() {
            return Err(format!("{name}: written as a file, it reads back as other content"));
        }
        Ok(text)
    }

    /// The file name of this template (`clauses/<id>.hbs`, `kinds/<id>.toml`), or of one version
    /// of it (`clauses/<id>/3.hbs`).
    pub fn file_name(&self, version: Option<i64>) -> String {
        let (dir, ext) = match self {
            Template::Clause(_) => ("clauses", "hbs"),
            Template::Kind(_) => ("kinds", "toml"),
        };
        match version {
            Some(v) => format!("{dir}/{}/{v}.{ext}", self.id()),
            None => format!("{dir}/{}.{ext}", self.id()),
        }
    }

    /// Reads back a stored canonical form.
    pub fn from_canonical(text: &str) -> Result<Template, String> {
        let v: Json = serde_json::from_str(text).map_err(|e| format!("stored template is not JSON: {e}"))?;
        match v.get("type").and_then(Json::as_str) {
            Some("clause") => {
                let meta =
                    serde_json::from_value(v.get("meta").cloned().unwrap_or(Json::Null)).map_err(|e| e.to_string())?;
                let body = v.get("body").and_then(Json::as_str).unwrap_or_default().to_string();
                Ok(Template::Clause(ClauseTemplate { meta, body, body_line: 1 }))
            }
            Some("kind") => Ok(Template::Kind(
                serde_json::from_value(v.get("meta").cloned().unwrap_or(Json::Null)).map_err(|e| e.to_string())?,
            )),
            _ => Err("stored template has no type".into()),
        }
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

fn toml_error(file: &str, text: &str, first_line: usize, e: &toml::de::Error) -> TemplateError {
    let line = e.span().map(|s| first_line + line_of(text, s.start) - 1);
    let msg = e.message().trim().to_string();
    TemplateError::new(file, line, msg)
}

/// Normalises line ends to `\n` and strips a leading byte-order mark.
fn clean(text: &str) -> String {
    text.trim_start_matches('\u{feff}').replace("\r\n", "\n").replace('\r', "\n")
}

/// Parses a clause file: `+++`, TOML, `+++`, body.
pub fn parse_clause(file: &str, text: &str) -> Result<ClauseTemplate, TemplateError> {
    let text = clean(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "+++" {
        return Err(TemplateError::new(
            file,
            Some(1),
            "a clause file must start with a line '+++' that opens its TOML front matter",
        ));
    }
    let fm_start = first.len();
    let mut offset = fm_start;
    let mut close = None;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "+++" {
            close = Some((offset, i + 2));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, close_line)) = close else {
        return Err(TemplateError::new(
            file,
            Some(1),
            "the front matter opened on line 1 is never closed by a line '+++'",
        ));
    };
    let fm = &text[fm_start..fm_end];
    let body_start = (fm_end + text[fm_end..].find('\n').map_or(text.len() - fm_end, |n| n + 1)).min(text.len());
    let body = text[body_start..].trim_end().to_string();
    let meta: ClauseMeta = toml::from_str(fm).map_err(|e| toml_error(file, fm, 2, &e))?;
    if body.trim().is_empty() {
        return Err(TemplateError::new(file, Some(close_line + 1), "the clause has no body after its front matter"));
    }
    Ok(ClauseTemplate { meta, body, body_line: close_line + 1 })
}

/// Parses an agreement-kind file (TOML).
pub fn parse_kind(file: &str, text: &str) -> Result<KindTemplate, TemplateError> {
    let text = clean(text);
    toml::from_str(&text).map_err(|e| toml_error(file, &text, 1, &e))
}

/// Parses any template file by its name: `*.toml` is a kind, `*.hbs` a clause.
pub fn parse_file(file: &str, text: &str) -> Result<Template, TemplateError> {
    if file.ends_with(".toml") {
        parse_kind(file, text).map(Template::Kind)
    } else if file.ends_with(".hbs") {
        parse_clause(file, text).map(Template::Clause)
    } else {
        Err(TemplateError::new(file, None, "not a template: clause files end in .hbs, agreement kinds in .toml"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nid = \"x.y\"\ntitle = \"T\"\nkinds = [\"k\"]\n+++\n1. Body {{a}}.\n";

    #[test]
    fn clause_round_trip_and_hash_ignores_layout() {
        let c = parse_clause("x.hbs", GOOD).expect("parses");
        assert_eq!(c.meta.id, "x.y");
        assert_eq!(c.body, "1. Body {{a}}.");
        assert_eq!(c.body_line, 6);
        let t = Template::Clause(c);
        let spaced = GOOD.replace("title = \"T\"", "# a comment\ntitle   =   \"T\"").replace('\n', "\r\n");
        let t2 = Template::Clause(parse_clause("x.hbs", &spaced).expect("parses"));
        assert_eq!(t.hash(), t2.hash(), "comments, spacing and line ends do not make a new version");
        let changed = Template::Clause(parse_clause("x.hbs", &GOOD.replace("Body", "Text")).expect("parses"));
        assert_ne!(t.hash(), changed.hash());
        let back = Template::from_canonical(&t.canonical()).expect("reads back");
        assert_eq!(back.hash(), t.hash());
    }

    #[test]
    fn every_shipped_template_is_written_back_as_a_file_with_the_same_hash() {
        let files = crate::shipped::template_files();
        assert!(files.len() > 20);
        for f in files {
            let t = parse_file(&f.name, &f.text).expect("shipped parses");
            let text = t.file_text().unwrap_or_else(|e| panic!("{}: {e}", f.name));
            let back = parse_file(&t.file_name(Some(1)), &text).expect("reads back");
            assert_eq!(back.hash(), t.hash(), "{}", f.name);
        }
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse_clause("a.hbs", "id = 1\n").expect_err("no opener");
        assert_eq!(
            e.to_string(),
            "a.hbs:1: a clause file must start with a line '+++' that opens its TOML front matter"
        );
        let e = parse_clause("a.hbs", "+++\nid = \"x\"\n").expect_err("not closed");
        assert!(e.message.contains("never closed"));
        let e = parse_clause("a.hbs", "+++\nid = \"x\"\ntitle = \"T\"\nkinds = [\"k\"]\ncolour = \"red\"\n+++\nbody\n")
            .expect_err("unknown key");
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.message.contains("colour"), "{e}");
        let e = parse_clause("a.hbs", "+++\nid = \"x\"\ntitle = \"T\"\n+++\nbody\n").expect_err("missing kinds");
        assert!(e.message.contains("kinds"), "{e}");
        let e = parse_clause("a.hbs", "+++\nid = \"x\"\ntitle = \"T\"\nkinds = [\"k\"]\n[[variables]]\nname = \"v\"\ntype = \"colour\"\nlabel = \"V\"\n+++\nb\n")
            .expect_err("bad type");
        assert_eq!(e.line, Some(7), "{e}");
        let e =
            parse_clause("a.hbs", "+++\nid = \"x\"\ntitle = \"T\"\nkinds = [\"k\"]\n+++\n  \n").expect_err("no body");
        assert!(e.message.contains("no body"));
        let e = parse_kind("k.toml", "id = \"k\"\ntitle = \"K\"\nparties = \"some\"\nsections = []\n")
            .expect_err("bad mode");
        assert_eq!(e.line, Some(3), "{e}");
    }
}
