//! A partner's PDF as `exchange import` reads it: any bytes are verified and refused or imported
//! without panicking, and a refused file leaves the store as it was.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let clock = Arc::new(steward_core::FixedClock::new(chrono::DateTime::UNIX_EPOCH));
    let Ok(mut s) = steward_core::Steward::open_in_memory(clock) else { return };
    let before = s.received_drafts(None).map(|v| v.len()).unwrap_or(0);
    if s.import_partner_pdf(data, "fuzz.pdf", None, true).is_err() {
        assert_eq!(s.received_drafts(None).map(|v| v.len()).unwrap_or(0), before);
    }
});
