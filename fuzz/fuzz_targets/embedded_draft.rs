//! A partner's embedded draft (`steward-draft.json` inside a PDF): reading any bytes never panics,
//! and whatever is accepted has a spec whose hash is the one it claims and templates whose hashes
//! are their content's.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = steward_core::exchange::parse_draft(data) {
        for (hash, t) in &d.templates {
            assert_eq!(&t.hash(), hash);
        }
    }
});
