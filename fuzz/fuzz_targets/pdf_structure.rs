//! Steward's strict PDF structure reader (revisions, cross-reference tables and streams, object
//! streams) on any bytes: it reads the file or names the damage, and never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = steward_sign::pdf::file::PdfFile::parse(data) {
        // Whatever it read is consistent: revisions in order, inside the file.
        let mut end = 0;
        for r in &file.revisions {
            assert_eq!(r.span.start, end);
            assert!(r.span.end <= data.len() && r.xref_offset < r.span.end);
            end = r.span.end;
        }
        let last = file.revisions.len() - 1;
        let _ = file.pages(last);
        let _ = steward_sign::pdf::changes::signature_fields(&file, last);
    }
});
