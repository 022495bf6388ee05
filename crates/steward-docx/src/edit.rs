//! Edits made to an exported Word file as a partner's Word makes them: a tracked replacement
//! (`w:del` and `w:ins` with author and date), a plain replacement, a comment on the words. The
//! demo's received Word draft is made this way, and tests use it to stand for a partner.

use crate::xml::clean_text;
use crate::{DocxError, TAG_CLAUSE};
use std::io::{Read as _, Write as _};

/// One edit inside one clause: the first occurrence of `find` in it becomes `replace`.
#[derive(Debug, Clone)]
pub struct Edit<'a> {
    pub clause: &'a str,
    pub find: &'a str,
    pub replace: &'a str,
    /// As a tracked change (Word's Track Changes on), else a plain edit.
    pub tracked: bool,
    /// A comment on the edited words.
    pub comment: Option<&'a str>,
}

fn esc(t: &str) -> String {
    clean_text(t).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The file with `edits` made by `author` at `date` (a W3C date).
pub fn edit(docx: &[u8], edits: &[Edit<'_>], author: &str, date: &str) -> Result<Vec<u8>, DocxError> {
    let bad = |m: String| DocxError::Write(m);
    let mut parts = unpack(docx)?;
    let text = |parts: &[(String, Vec<u8>)], name: &str| -> Result<String, DocxError> {
        let p = parts.iter().find(|(n, _)| n == name).ok_or_else(|| bad(format!("{name} is missing")))?;
        String::from_utf8(p.1.clone()).map_err(|e| bad(e.to_string()))
    };
    let mut doc = text(&parts, "word/document.xml")?;
    let mut comments = Vec::new();
    for (n, e) in edits.iter().enumerate() {
        let tag = format!("w:val=\"{TAG_CLAUSE}{}:", e.clause);
        let start = doc.find(&tag).ok_or_else(|| bad(format!("clause {} is not in the file", e.clause)))?;
        let end = start + doc[start..].find("</w:sdt>").ok_or_else(|| bad("an open content control".into()))?;
        let needle = esc(e.find);
        let region = &doc[start..end];
        let at =
            region.find(&needle).ok_or_else(|| bad(format!("{:?} is not in clause {}", e.find, e.clause)))? + start;
        // The run that holds it: `<w:r><w:t xml:space="preserve">before|find|after</w:t></w:r>`.
        let t_open = doc[..at].rfind("<w:t").ok_or_else(|| bad("no run".into()))?;
        let t_text = t_open + doc[t_open..].find('>').ok_or_else(|| bad("no run".into()))? + 1;
        let r_open = doc[..t_open].rfind("<w:r>").ok_or_else(|| bad("no run".into()))?;
        let t_close = at + doc[at..].find("</w:t>").ok_or_else(|| bad("no run".into()))?;
        let r_close = t_close + doc[t_close..].find("</w:r>").ok_or_else(|| bad("no run".into()))? + "</w:r>".len();
        let before = &doc[t_text..at];
        let after = &doc[at + needle.len()..t_close];
        let run = |t: &str| format!("<w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r>");
        let id = (900 + 2 * n).to_string();
        let middle = if e.tracked {
            format!(
                "<w:del w:id=\"{id}\" w:author=\"{a}\" w:date=\"{date}\"><w:r><w:delText xml:space=\"preserve\">{needle}</w:delText></w:r></w:del><w:ins w:id=\"{}\" w:author=\"{a}\" w:date=\"{date}\">{}</w:ins>",
                900 + 2 * n + 1,
                run(&esc(e.replace)),
                a = esc(author)
            )
        } else {
            run(&esc(e.replace))
        };
        let middle = match e.comment {
            Some(c) => {
                let cid = comments.len().to_string();
                comments.push((cid.clone(), c));
                format!(
                    "<w:commentRangeStart w:id=\"{cid}\"/>{middle}<w:commentRangeEnd w:id=\"{cid}\"/><w:r><w:commentReference w:id=\"{cid}\"/></w:r>"
                )
            }
            None => middle,
        };
        let replaced = format!("{}{middle}{}", run(before), run(after));
        doc.replace_range(r_open..r_close, &replaced);
    }
    set(&mut parts, "word/document.xml", doc.into_bytes());
    if !comments.is_empty() {
        let mut c = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:comments xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
        );
        for (id, text) in &comments {
            c.push_str(&format!(
                "<w:comment w:id=\"{id}\" w:author=\"{}\" w:date=\"{date}\"><w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:comment>",
                esc(author),
                esc(text)
            ));
        }
        c.push_str("</w:comments>");
        set(&mut parts, "word/comments.xml", c.into_bytes());
        let rels = text(&parts, "word/_rels/document.xml.rels")?.replace(
            "</Relationships>",
            "<Relationship Id=\"rIdComments\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/></Relationships>",
        );
        set(&mut parts, "word/_rels/document.xml.rels", rels.into_bytes());
        let types = text(&parts, "[Content_Types].xml")?.replace(
            "</Types>",
            "<Override PartName=\"/word/comments.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/></Types>",
        );
        set(&mut parts, "[Content_Types].xml", types.into_bytes());
    }
    pack(&parts)
}

fn set(parts: &mut Vec<(String, Vec<u8>)>, name: &str, bytes: Vec<u8>) {
    match parts.iter_mut().find(|(n, _)| n == name) {
        Some(p) => p.1 = bytes,
        None => parts.push((name.to_string(), bytes)),
    }
}

/// The file with one clause's content control removed, as deleting the clause in Word does.
pub fn delete_clause(docx: &[u8], clause: &str) -> Result<Vec<u8>, DocxError> {
    let bad = |m: String| DocxError::Write(m);
    let mut parts = unpack(docx)?;
    let p = parts.iter_mut().find(|(n, _)| n == "word/document.xml").ok_or_else(|| bad("no document".into()))?;
    let mut doc = String::from_utf8(p.1.clone()).map_err(|e| bad(e.to_string()))?;
    let tag = format!("w:val=\"{TAG_CLAUSE}{clause}:");
    let at = doc.find(&tag).ok_or_else(|| bad(format!("clause {clause} is not in the file")))?;
    let start = doc[..at].rfind("<w:sdt>").ok_or_else(|| bad("no control".into()))?;
    let end = at + doc[at..].find("</w:sdt>").ok_or_else(|| bad("no control".into()))? + "</w:sdt>".len();
    doc.replace_range(start..end, "");
    p.1 = doc.into_bytes();
    pack(&parts)
}

fn unpack(docx: &[u8]) -> Result<Vec<(String, Vec<u8>)>, DocxError> {
    let bad = |e: &dyn std::fmt::Display| DocxError::Write(e.to_string());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(|e| bad(&e))?;
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| bad(&e))?;
        let mut b = Vec::new();
        f.read_to_end(&mut b).map_err(|e| bad(&e))?;
        parts.push((f.name().to_string(), b));
    }
    Ok(parts)
}

fn pack(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, DocxError> {
    let bad = |e: &dyn std::fmt::Display| DocxError::Write(e.to_string());
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, b) in parts {
        w.start_file(name.as_str(), opts).map_err(|e| bad(&e))?;
        w.write_all(b).map_err(|e| bad(&e))?;
    }
    Ok(w.finish().map_err(|e| bad(&e))?.into_inner())
}
