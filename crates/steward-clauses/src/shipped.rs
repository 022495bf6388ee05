//! The clause library that ships inside Steward (the repository's `templates/` folder).

use crate::check::SourceFile;

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// The shipped template files (clauses and kinds).
pub fn template_files() -> Vec<SourceFile> {
    FILES
        .iter()
        .filter(|(p, _)| p.ends_with(".hbs") || (p.ends_with(".toml") && p.starts_with("kinds/")))
        .map(|(p, t)| SourceFile { name: format!("templates/{p}"), text: (*t).to_string() })
        .collect()
}

/// The demo values for an agreement kind, if the library has them.
pub fn demo_values(kind: &str) -> Option<&'static str> {
    let want = format!("demo/{kind}.json");
    FILES.iter().find(|(p, _)| *p == want).map(|(_, t)| *t)
}
