//! A partner's PDF as `exchange import` reads it: any bytes are verified and refused or imported
//! without panicking, and a refused file leaves the store as it was. The store (with the shipped
//! library) is opened once, not per input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    static STORE: RefCell<Option<steward_core::Steward>> = RefCell::new({
        let clock = Arc::new(steward_core::FixedClock::new(chrono::DateTime::UNIX_EPOCH));
        steward_core::Steward::open_in_memory(clock).ok()
    });
}

fuzz_target!(|data: &[u8]| {
    STORE.with(|cell| {
        let mut cell = cell.borrow_mut();
        let Some(s) = cell.as_mut() else { return };
        let before = s.received_drafts(None).map(|v| v.len()).unwrap_or(0);
        if s.import_partner_pdf(data, "fuzz.pdf", None, true).is_err() {
            assert_eq!(s.received_drafts(None).map(|v| v.len()).unwrap_or(0), before);
        }
    });
});
