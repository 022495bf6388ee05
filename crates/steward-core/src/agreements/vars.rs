//! Variables files: a JSON object of variable name → value, with optional fallback choices.

use super::{Fallbacks, Values};
use crate::error::{Error, FieldError, Invalid, Result};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Values for a draft as a variables file gives them: a JSON object of name → value, with an
/// optional `"@fallbacks": {"clause.id": "fallback-id"}`. Errors name the file, line and column.
pub fn parse_vars_file(file: &str, text: &str) -> Result<(Values, Fallbacks)> {
    if text.len() > 1 << 20 {
        return Err(Error::invalid(file, "is larger than 1 MiB; a variables file holds a few dozen values"));
    }
    let v: Json = serde_json::from_str(text)
        .map_err(|e| Error::invalid(format!("{file}:{}:{}", e.line(), e.column()), format!("not valid JSON: {e}")))?;
    let Json::Object(map) = v else {
        return Err(Error::invalid(
            file,
            "must hold a JSON object of variable names and values, like {\"purpose\": \"...\"}",
        ));
    };
    let mut values = BTreeMap::new();
    let mut fallbacks = BTreeMap::new();
    let mut bad = Vec::new();
    for (k, v) in map {
        if k == "@fallbacks" {
            match v {
                Json::Object(f) => {
                    for (clause, id) in f {
                        match id {
                            Json::String(id) => {
                                fallbacks.insert(clause, id);
                            }
                            other => bad.push(FieldError::new(
                                format!("{file}: @fallbacks.{clause}"),
                                format!("must be a fallback id (text), not {other}"),
                            )),
                        }
                    }
                }
                _ => bad.push(FieldError::new(
                    format!("{file}: @fallbacks"),
                    "must be an object of clause id → fallback id",
                )),
            }
        } else if k.is_empty()
            || k.len() > 64
            || !k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            bad.push(FieldError::new(
                format!("{file}: {k:?}"),
                "is not a variable name (lower case letters, digits and _)",
            ));
        } else {
            values.insert(k, v);
        }
    }
    if !bad.is_empty() {
        return Err(Error::Invalid(Invalid(bad)));
    }
    Ok((values, fallbacks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars_files_are_parsed_with_clear_errors() {
        let (v, f) =
            parse_vars_file("v.json", r#"{"a_b": 1, "@fallbacks": {"nda.obligations": "strict-care"}}"#).expect("ok");
        assert_eq!(v["a_b"], Json::from(1));
        assert_eq!(f["nda.obligations"], "strict-care");
        for (text, want) in [
            ("", "v.json:1:0: not valid JSON"),
            ("{\"a\": }", "v.json:1:7"),
            ("\"just text\"", "must hold a JSON object"),
            ("{\"Bad Name\": 1}", "is not a variable name"),
            ("{\"@fallbacks\": [1]}", "@fallbacks"),
            ("{\"@fallbacks\": {\"x\": 3}}", "must be a fallback id"),
        ] {
            let e = parse_vars_file("v.json", text).expect_err(text).to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
        let big = format!("{{\"a\": \"{}\"}}", "x".repeat(2 << 20));
        assert!(parse_vars_file("v.json", &big).expect_err("big").to_string().contains("larger than 1 MiB"));
    }

    proptest::proptest! {
        #[test]
        fn vars_file_parsing_never_panics(text in "\\PC{0,200}") {
            let _ = parse_vars_file("v.json", &text);
        }
    }
}
