//! Verification with its change analysis on any bytes (best started from signed files and the
//! attack corpus, scripts/fuzz.sh): a report or an error, never a panic, and a report that says
//! "ok" only with every signature valid and nothing changed after it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = steward_sign::verify(data) {
        if r.ok {
            assert!(!r.signatures.is_empty());
            for s in &r.signatures {
                assert_eq!(s.integrity, steward_sign::Integrity::Valid);
                assert!(s.modified_after_signing.is_empty());
            }
        }
    }
});
