//! Variables files: parsing and typing every value against every variable type never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use steward_clauses::values::{VarDecl, VarType, normalize};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok((values, _)) = steward_core::agreements::parse_vars_file("fuzz.json", text) else { return };
    let types = [
        VarType::Text,
        VarType::Date,
        VarType::Duration,
        VarType::Money,
        VarType::Percentage,
        VarType::Integer,
        VarType::Bool,
        VarType::Enum,
        VarType::Party,
        VarType::List,
    ];
    for v in values.values() {
        for ty in types {
            let decl: VarDecl = serde_json::from_value(
                serde_json::json!({"name": "v", "type": ty, "label": "V", "values": ["a", "b"]}),
            )
            .expect("decl");
            let _ = normalize(&decl, v, &[]);
        }
    }
});
