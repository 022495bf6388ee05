//! A library release as a follower reads it from a remote, on any bytes: the manifest, then a NUL,
//! then its signature file. Reading and checking refuse bad input with a reason, never a panic; a
//! signature that verifies names the signer's fingerprint in the form trust lists hold.
#![no_main]
use libfuzzer_sys::fuzz_target;
use steward_core::library::release::{Manifest, normalise_fingerprint, verify};

fuzz_target!(|data: &[u8]| {
    let (manifest, signature) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let parsed = Manifest::parse(manifest, "the release");
    if let Ok(fp) = verify(manifest, signature, "the release") {
        assert_eq!(normalise_fingerprint(&fp).as_deref(), Ok(fp.as_str()));
    }
    if let Ok(m) = parsed {
        // What parses writes back as a manifest that parses to the same thing.
        assert_eq!(Manifest::parse(&m.to_bytes(), "again").ok().as_ref(), Some(&m));
        let _ = normalise_fingerprint(&m.publisher.fingerprint);
    }
});
