//! Inclusion conditions: parsing and evaluating never panics, however deep or odd.
#![no_main]
use libfuzzer_sys::fuzz_target;
use steward_clauses::cond::Cond;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(c) = Cond::parse(text) {
        let _ = c.eval(&Default::default(), &Default::default());
    }
});
