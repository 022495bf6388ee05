//! A partner's Word file as `exchange import` reads it: any bytes are read (zip, relationships,
//! custom XML, body, comments) without panicking, and imported or refused; a refused file leaves
//! the store as it was. The store is the demo (with ids and clock fixed, so that the seed files
//! exported from the same demo name its agreements), installed once, not per input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    static STORE: RefCell<Option<steward_core::Steward>> = RefCell::new({
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let clock = Arc::new(steward_core::FixedClock::new(at));
        steward_core::Steward::open_in_memory(clock).ok().and_then(|s| {
            let mut s = s.with_ids(Arc::new(steward_core::SequentialIds::default()));
            s.install_demo().ok().map(|_| s)
        })
    });
}

fuzz_target!(|data: &[u8]| {
    let _ = steward_docx::read(data);
    STORE.with(|cell| {
        let mut cell = cell.borrow_mut();
        let Some(s) = cell.as_mut() else { return };
        let before = s.received_drafts(None).map(|v| v.len()).unwrap_or(0);
        if s.import_partner_docx(data, "fuzz.docx").is_err() {
            assert_eq!(s.received_drafts(None).map(|v| v.len()).unwrap_or(0), before);
        }
    });
});
