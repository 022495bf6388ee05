//! Exported decision logs: verifying any file never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = steward_core::decisions::verify_exported_log(data, None);
});
