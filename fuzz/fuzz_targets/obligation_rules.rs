//! The obligations a clause file declares: whatever the front matter says, reading, compiling and
//! deriving never panics; a recurring rule yields at most MAX_OCCURRENCES dates, in order, each
//! within its bounds. The values and parties (the demo collaboration's) are made once.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use steward_clauses::meta::parse_clause;
use steward_clauses::obligations::{MAX_OCCURRENCES, compile};
use steward_clauses::values::PartyInfo;

fn values() -> &'static (BTreeMap<String, Json>, Vec<PartyInfo>) {
    static V: OnceLock<(BTreeMap<String, Json>, Vec<PartyInfo>)> = OnceLock::new();
    V.get_or_init(|| {
        let mut v: BTreeMap<String, Json> = BTreeMap::new();
        for kind in ["collaboration", "nda-mutual", "publication"] {
            let text = steward_clauses::shipped::demo_values(kind).unwrap_or("{}");
            let m: BTreeMap<String, Json> = serde_json::from_str(text).unwrap_or_default();
            v.extend(m);
        }
        v.insert("coordinator_party".into(), Json::from(1));
        let parties = (1..=3)
            .map(|id| PartyInfo {
                id,
                legal_name: format!("Party {id}"),
                short_name: None,
                kind: if id == 3 { "company".into() } else { "university".into() },
                role: if id == 1 { "lead".into() } else { "partner".into() },
                registration_number: None,
                address: None,
                country: "GB".into(),
                country_name: "United Kingdom".into(),
            })
            .collect();
        (v, parties)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(clause) = parse_clause("fuzz.hbs", text) else { return };
    let (values, parties) = values();
    for rule in &clause.meta.obligations {
        let Ok(c) = compile(rule) else { continue };
        let _ = c.names();
        if let Ok(got) = c.derive(&clause.meta.id, values, &BTreeSet::new(), parties) {
            assert!(got.len() <= MAX_OCCURRENCES);
            assert!(got.windows(2).all(|w| w[0].due <= w[1].due), "occurrences in order");
        }
    }
});
