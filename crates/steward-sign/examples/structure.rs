fn main() {
    for p in std::env::args().skip(1) {
        let b = std::fs::read(&p).expect("read");
        match steward_sign::pdf::file::PdfFile::parse(&b) {
            Ok(f) => {
                println!("{p}: {} revisions", f.revisions.len());
                for r in &f.revisions {
                    println!(
                        "  {:?} eof {} xref {} objs {} stream {:?}",
                        r.span,
                        r.eof,
                        r.xref_offset,
                        r.objects.len(),
                        r.xref_stream
                    );
                }
            }
            Err(e) => println!("{p}: DAMAGED {e}"),
        }
    }
}
