//! Deflates the signature appearance font once, at build time, so signing need not.

use std::io::Write;

fn main() {
    let src = "../steward-pdf/fonts/LiberationSerif-Regular.ttf";
    println!("cargo:rerun-if-changed={src}");
    let font = std::fs::read(src).unwrap_or_else(|e| panic!("cannot read {src}: {e}"));
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&font).unwrap_or_else(|e| panic!("deflate: {e}"));
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("appearance-font.deflate");
    std::fs::write(&out, z.finish().unwrap_or_else(|e| panic!("deflate: {e}")))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
