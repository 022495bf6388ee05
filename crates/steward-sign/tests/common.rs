//! Helpers shared by the signing tests and benchmarks: a typeset demo agreement, identities.
#![allow(dead_code, unused_imports)]

use std::process::Command;

pub use steward_testkit::{demo_document, demo_document_with, identity, request};

pub fn tool(name: &str) -> bool {
    let ok = Command::new(name).arg("--help").output().is_ok();
    if !ok && std::env::var("STEWARD_REQUIRE_TOOLS").is_ok() {
        panic!("{name} is required (apt-get install poppler-utils qpdf)");
    }
    ok
}
