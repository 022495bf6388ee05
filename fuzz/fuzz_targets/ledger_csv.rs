//! Ledger CSV files: reading, checking every row and importing into a store never panics, and a
//! refused file leaves the ledger as it was.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::Arc;

thread_local! {
    static STORE: RefCell<steward_core::Steward> = RefCell::new({
        let clock = Arc::new(steward_core::FixedClock::new(chrono::DateTime::UNIX_EPOCH));
        let mut s = steward_core::Steward::open_in_memory(clock).expect("store");
        s.install_demo().expect("demo");
        s
    });
}

fuzz_target!(|data: &[u8]| {
    if let Ok((rows, _)) = steward_ledger::csv_io::read(data) {
        for r in rows {
            let _ = r.fields.validate();
        }
    }
    STORE.with(|cell| {
        let mut s = cell.borrow_mut();
        let before = s.ledger(1).expect("ledger").len();
        if s.import_ledger_csv(1, data).is_err() {
            assert_eq!(s.ledger(1).expect("ledger").len(), before, "a refused file changed the ledger");
        }
    });
});
