//! Inclusion conditions: `name`, `!name`, `name == "v"`, `name != "v"`, `flag.x`, `&&`, `||`, `( )`.

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Truthy(String),
    Flag(String),
    Eq(String, String),
    Ne(String, String),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Not,
    And,
    Or,
    EqEq,
    NotEq,
    Open,
    Close,
}

fn lex(s: &str) -> Result<Vec<(usize, Tok)>, String> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, c)| c);
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push((pos, Tok::Open));
                i += 1;
            }
            ')' => {
                out.push((pos, Tok::Close));
                i += 1;
            }
            '!' if next == Some('=') => {
                out.push((pos, Tok::NotEq));
                i += 2;
            }
            '!' => {
                out.push((pos, Tok::Not));
                i += 1;
            }
            '=' if next == Some('=') => {
                out.push((pos, Tok::EqEq));
                i += 2;
            }
            '&' if next == Some('&') => {
                out.push((pos, Tok::And));
                i += 2;
            }
            '|' if next == Some('|') => {
                out.push((pos, Tok::Or));
                i += 2;
            }
            '"' => {
                let mut j = i + 1;
                let mut lit = String::new();
                while j < chars.len() && chars[j].1 != '"' {
                    lit.push(chars[j].1);
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(format!("unterminated string starting at column {}", pos + 1));
                }
                out.push((pos, Tok::Str(lit)));
                i = j + 1;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut j = i;
                let mut id = String::new();
                while j < chars.len() && (chars[j].1.is_ascii_alphanumeric() || chars[j].1 == '_' || chars[j].1 == '.')
                {
                    id.push(chars[j].1);
                    j += 1;
                }
                out.push((pos, Tok::Ident(id)));
                i = j;
            }
            other => return Err(format!("unexpected '{other}' at column {}", pos + 1)),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    len: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }
    fn col(&self) -> usize {
        self.toks.get(self.at).map_or(self.len, |(p, _)| *p) + 1
    }
    fn or(&mut self, depth: usize) -> Result<Cond, String> {
        if depth > 64 {
            return Err("the condition is nested too deeply".into());
        }
        let mut left = self.and(depth)?;
        while self.peek() == Some(&Tok::Or) {
            self.at += 1;
            left = Cond::Or(Box::new(left), Box::new(self.and(depth)?));
        }
        Ok(left)
    }
    fn and(&mut self, depth: usize) -> Result<Cond, String> {
        let mut left = self.unary(depth)?;
        while self.peek() == Some(&Tok::And) {
            self.at += 1;
            left = Cond::And(Box::new(left), Box::new(self.unary(depth)?));
        }
        Ok(left)
    }
    fn unary(&mut self, depth: usize) -> Result<Cond, String> {
        if depth > 64 {
            return Err("the condition is nested too deeply".into());
        }
        match self.peek() {
            Some(Tok::Not) => {
                self.at += 1;
                Ok(Cond::Not(Box::new(self.unary(depth + 1)?)))
            }
            Some(Tok::Open) => {
                self.at += 1;
                let inner = self.or(depth + 1)?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(format!("expected ')' at column {}", self.col()));
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Tok::Ident(id)) => {
                let id = id.clone();
                self.at += 1;
                if let Some(flag) = id.strip_prefix("flag.") {
                    return Ok(Cond::Flag(flag.to_string()));
                }
                let op = self.peek().cloned();
                match op {
                    Some(Tok::EqEq) | Some(Tok::NotEq) => {
                        self.at += 1;
                        let Some(Tok::Str(lit)) = self.peek().cloned() else {
                            return Err(format!("expected a quoted value at column {}", self.col()));
                        };
                        self.at += 1;
                        Ok(if op == Some(Tok::EqEq) { Cond::Eq(id, lit) } else { Cond::Ne(id, lit) })
                    }
                    _ => Ok(Cond::Truthy(id)),
                }
            }
            _ => Err(format!("expected a name, '!' or '(' at column {}", self.col())),
        }
    }
}

impl Cond {
    pub fn parse(s: &str) -> Result<Cond, String> {
        let toks = lex(s)?;
        if toks.is_empty() {
            return Err("the condition is empty".into());
        }
        let mut p = Parser { toks, at: 0, len: s.len() };
        let c = p.or(0)?;
        if p.at != p.toks.len() {
            return Err(format!("unexpected text at column {}", p.col()));
        }
        Ok(c)
    }

    /// The variable names the condition reads (not flags).
    pub fn names(&self) -> Vec<&str> {
        match self {
            Cond::Truthy(n) | Cond::Eq(n, _) | Cond::Ne(n, _) => vec![n],
            Cond::Flag(_) => vec![],
            Cond::Not(c) => c.names(),
            Cond::And(a, b) | Cond::Or(a, b) => {
                let mut v = a.names();
                v.extend(b.names());
                v
            }
        }
    }

    pub fn eval(&self, values: &BTreeMap<String, Json>, flags: &BTreeSet<String>) -> bool {
        let text = |n: &str| match values.get(n) {
            Some(Json::String(s)) => Some(s.clone()),
            Some(Json::Number(x)) => Some(x.to_string()),
            Some(Json::Bool(b)) => Some(b.to_string()),
            _ => None,
        };
        match self {
            Cond::Truthy(n) => match values.get(n) {
                None | Some(Json::Null) => false,
                Some(Json::Bool(b)) => *b,
                Some(Json::String(s)) => !s.is_empty(),
                Some(Json::Array(a)) => !a.is_empty(),
                Some(Json::Number(x)) => x.as_f64() != Some(0.0),
                Some(Json::Object(_)) => true,
            },
            Cond::Flag(f) => flags.contains(f),
            Cond::Eq(n, v) => text(n).as_deref() == Some(v.as_str()),
            Cond::Ne(n, v) => text(n).as_deref() != Some(v.as_str()),
            Cond::Not(c) => !c.eval(values, flags),
            Cond::And(a, b) => a.eval(values, flags) && b.eval(values, flags),
            Cond::Or(a, b) => a.eval(values, flags) || b.eval(values, flags),
        }
    }
}

/// What the wording of a condition needs to know of a variable: its label, whether it is a
/// yes/no answer, and the labels of its choices.
pub struct Naming {
    pub label: String,
    pub yes_no: bool,
    /// Choice values and their labels.
    pub choices: Vec<(String, String)>,
}

fn flag_words(f: &str, yes: bool) -> String {
    match (f, yes) {
        ("international", true) => "the parties are in more than one country".into(),
        ("international", false) => "all parties are in the same country".into(),
        ("trusted_research", true) => "the collaboration is flagged for Trusted Research".into(),
        ("trusted_research", false) => "the collaboration is not flagged for Trusted Research".into(),
        (f, true) => format!("the \u{201c}{}\u{201d} flag is set", f.replace('_', " ")),
        (f, false) => format!("the \u{201c}{}\u{201d} flag is not set", f.replace('_', " ")),
    }
}

impl Cond {
    /// The condition in plain words, with the form's labels: `sensitive_research ||
    /// flag.trusted_research` becomes "the answer to “Sensitive research?” is yes or the
    /// collaboration is flagged for Trusted Research". `naming` describes each variable (none:
    /// the variable's own name, as a yes/no answer).
    pub fn describe(&self, naming: &dyn Fn(&str) -> Option<Naming>) -> String {
        self.words(naming, false)
    }

    fn words(&self, naming: &dyn Fn(&str) -> Option<Naming>, negated: bool) -> String {
        let truth = |n: &str, yes: bool| match naming(n) {
            Some(v) if !v.yes_no => {
                format!("\u{201c}{}\u{201d} is {}", v.label, if yes { "filled in" } else { "left empty" })
            }
            Some(v) => format!("the answer to \u{201c}{}\u{201d} is {}", v.label, if yes { "yes" } else { "no" }),
            None => format!("the answer to \u{201c}{n}\u{201d} is {}", if yes { "yes" } else { "no" }),
        };
        let compare = |n: &str, v: &str, equal: bool| {
            let (label, value) = match naming(n) {
                Some(x) => {
                    let value =
                        x.choices.iter().find(|(c, _)| c == v).map_or_else(|| v.to_string(), |(_, l)| l.clone());
                    (x.label, value)
                }
                None => (n.to_string(), v.to_string()),
            };
            format!("\u{201c}{label}\u{201d} is {}\u{201c}{value}\u{201d}", if equal { "" } else { "not " })
        };
        let group = |c: &Cond| match c {
            Cond::Or(..) => format!("({})", c.words(naming, false)),
            _ => c.words(naming, false),
        };
        match (self, negated) {
            (Cond::Truthy(n), neg) => truth(n, !neg),
            (Cond::Flag(f), neg) => flag_words(f, !neg),
            (Cond::Eq(n, v), neg) => compare(n, v, !neg),
            (Cond::Ne(n, v), neg) => compare(n, v, neg),
            (Cond::Not(c), false) => match c.as_ref() {
                Cond::And(..) | Cond::Or(..) => format!("not ({})", c.words(naming, false)),
                inner => inner.words(naming, true),
            },
            (Cond::Not(c), true) => c.words(naming, false),
            (Cond::And(a, b), false) => format!("{} and {}", group(a), group(b)),
            (Cond::Or(a, b), false) => format!("{} or {}", a.words(naming, false), b.words(naming, false)),
            (c, true) => format!("not ({})", c.words(naming, false)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_evaluates() {
        let vals: BTreeMap<String, Json> =
            [("a".to_string(), json!(true)), ("m".to_string(), json!("2")), ("e".to_string(), json!(""))].into();
        let flags: BTreeSet<String> = ["trusted_research".to_string()].into();
        let t = |s: &str| Cond::parse(s).expect(s).eval(&vals, &flags);
        assert!(t("a"));
        assert!(!t("!a"));
        assert!(t(r#"m == "2""#));
        assert!(t(r#"m != "1" && a"#));
        assert!(!t("e"));
        assert!(!t("missing"));
        assert!(t("missing || flag.trusted_research"));
        assert!(!t("flag.export_control"));
        assert!(t(r#"!(a && m == "1")"#));
        assert_eq!(Cond::parse(r#"x == "1" || !(y && flag.z)"#).expect("ok").names(), ["x", "y"]);
    }

    #[test]
    fn errors_name_the_column() {
        for (bad, msg) in [
            ("", "empty"),
            ("a &&", "column 5"),
            ("a == b", "quoted value at column 6"),
            ("(a", "expected ')'"),
            ("a $ b", "'$' at column 3"),
            (r#"a == "x"#, "unterminated"),
            ("a b", "unexpected text at column 3"),
        ] {
            let e = Cond::parse(bad).expect_err(bad);
            assert!(e.contains(msg), "{bad}: {e}");
        }
        let deep = "!".repeat(100) + "a";
        assert!(Cond::parse(&deep).expect_err("deep").contains("too deeply"));
    }

    #[test]
    fn conditions_read_as_plain_words() {
        let named = |label: &str, yes_no: bool| Naming {
            label: label.into(),
            yes_no,
            choices: vec![("joint".into(), "Joint ownership".into())],
        };
        let naming = |n: &str| match n {
            "sensitive" => Some(named("Sensitive research?", true)),
            "model" => Some(named("Ownership model", false)),
            "notes" => Some(named("Notes", false)),
            _ => None,
        };
        let w = |s: &str| Cond::parse(s).expect("parses").describe(&naming);
        assert_eq!(
            w("sensitive || flag.trusted_research"),
            "the answer to \u{201c}Sensitive research?\u{201d} is yes or the collaboration is flagged for Trusted Research"
        );
        assert_eq!(
            w("!sensitive && model == \"joint\""),
            "the answer to \u{201c}Sensitive research?\u{201d} is no and \u{201c}Ownership model\u{201d} is \u{201c}Joint ownership\u{201d}"
        );
        assert_eq!(
            w("(sensitive || notes) && model != \"x\""),
            "(the answer to \u{201c}Sensitive research?\u{201d} is yes or \u{201c}Notes\u{201d} is filled in) and \u{201c}Ownership model\u{201d} is not \u{201c}x\u{201d}"
        );
        assert_eq!(w("!flag.international"), "all parties are in the same country");
        assert_eq!(
            w("!(a && b)"),
            "not (the answer to \u{201c}a\u{201d} is yes and the answer to \u{201c}b\u{201d} is yes)"
        );
    }
}
