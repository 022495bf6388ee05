//! The exit pack reader on any bytes: a record is read only from a pack whose signatures verify
//! intact, and then it is JSON; anything else is refused with a reason, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if steward_core::exit::read_exit_record(data).is_ok() {
        // A record read back is intact: the file's signatures verify.
        let report = steward_sign::verify(data).expect("verified before the record was read");
        assert!(report.signatures.iter().all(|s| s.integrity == steward_sign::Integrity::Valid));
    }
});
