//! What a time-stamping authority answers and what a signature carries: any bytes as a
//! TimeStampResp, as a time-stamp token checked against a digest, and as a certificate whose path
//! is built to a trust anchor; refused or checked, never a panic. The anchor is made once.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use steward_sign::chain::{self, Anchor, Purpose};

fn anchors() -> &'static [Anchor] {
    static A: OnceLock<Vec<Anchor>> = OnceLock::new();
    A.get_or_init(|| {
        let key = steward_sign::SecretKey::generate(steward_sign::KeyKind::P256).expect("key");
        let who = steward_sign::Subject { name: "Fuzz".into(), email: "f@example.org".into(), organisation: None };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("day");
        let (_, ca) = steward_sign::keys::issued_by_new_authority(&key, &who, "Fuzz CA", day, 5).expect("ca");
        vec![Anchor { name: "Fuzz CA".into(), der: ca }]
    })
}

fuzz_target!(|data: &[u8]| {
    let digest = [0x5a_u8; 32];
    let _ = steward_sign::timestamp::token_from_response(data, &digest, 7);
    if let Ok(t) = steward_sign::timestamp::check_token(data, &|_| Some(digest.to_vec())) {
        let _ = chain::validate(&t.certificate, &t.certificates, anchors(), t.time, Purpose::TimeStamping);
    }
    let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("time");
    let _ = chain::validate(data, &[], anchors(), at, Purpose::Signing);
    let _ = chain::revocation_urls(data);
    let _ = chain::is_ca(data);
    let _ = chain::issuers(data, &[data.to_vec()]);
});
