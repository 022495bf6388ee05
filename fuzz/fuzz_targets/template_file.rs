//! Clause and kind files: parsing (front matter, TOML, metadata) never panics, and what parses
//! has a stable hash and reads back from its canonical form.
#![no_main]
use libfuzzer_sys::fuzz_target;
use steward_clauses::meta::{Template, parse_file};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for name in ["fuzz.hbs", "fuzz.toml"] {
        if let Ok(t) = parse_file(name, text) {
            let back = Template::from_canonical(&t.canonical()).expect("canonical form reads back");
            assert_eq!(back.hash(), t.hash());
        }
    }
});
