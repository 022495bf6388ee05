//! Writing: the document model as a WordprocessingML package a lawyer can work in. Word styles
//! carry all formatting (no direct formatting in the body), clause numbering is Word numbering
//! linked to those styles, cross-references are REF fields to bookmarks, the header and footer
//! hold the title, the status and `Page X of Y` fields. Each clause sits in a content control
//! tagged with its id and pinned version; the machine-readable draft travels as a custom XML part.

use crate::xml::Xml;
use crate::{DocxError, TAG_CLAUSE, TAG_FRONT, TAG_SIGNATURES, W_NS, WordMeta, bookmark_names, draft_namespace};
use std::collections::BTreeMap;
use std::io::Write as _;
use steward_clauses::document::{Block, Document, Section};
use zip::write::SimpleFileOptions;

const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
const PKG_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const WML: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.";

/// The body font (the PDF's typeface) and the fallback for scripts it lacks.
pub const FONT: &str = "Liberation Serif";
pub const FONT_FALLBACK: &str = "Droid Sans Fallback";

/// Text width of an A4 page with one-inch margins, in twentieths of a point.
const TEXT_WIDTH: u32 = 9026;

/// Writes `doc` as a .docx with `draft` (the canonical machine-readable draft) as its custom
/// XML part.
pub fn write(doc: &Document, draft: &str, meta: &WordMeta<'_>) -> Result<Vec<u8>, DocxError> {
    let names = bookmark_names(doc);
    let parts: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", content_types()?),
        ("_rels/.rels", package_rels()?),
        ("docProps/core.xml", core_props(doc, meta)?),
        ("docProps/app.xml", app_props()?),
        ("word/document.xml", document(doc, &names)?),
        ("word/_rels/document.xml.rels", document_rels()?),
        ("word/styles.xml", styles()?),
        ("word/numbering.xml", numbering()?),
        ("word/settings.xml", settings()?),
        ("word/fontTable.xml", font_table()?),
        ("word/header1.xml", header(doc, meta)?),
        ("word/footer1.xml", footer()?),
        ("customXml/item1.xml", draft_item(draft)?),
        ("customXml/itemProps1.xml", draft_item_props(meta)?),
        ("customXml/_rels/item1.xml.rels", draft_item_rels()?),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(64 << 10)));
    // A fixed time in every entry: the same revision exports to the same bytes.
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        zip.start_file(name, opts).map_err(|e| DocxError::Write(e.to_string()))?;
        zip.write_all(&bytes).map_err(|e| DocxError::Write(e.to_string()))?;
    }
    let out = zip.finish().map_err(|e| DocxError::Write(e.to_string()))?;
    Ok(out.into_inner())
}

fn done(x: Xml) -> Result<Vec<u8>, DocxError> {
    x.finish().map_err(|e| DocxError::Write(e.to_string()))
}

fn content_types() -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::part();
    x.open("Types", &[("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types")]);
    x.leaf(
        "Default",
        &[("Extension", "rels"), ("ContentType", "application/vnd.openxmlformats-package.relationships+xml")],
    );
    x.leaf("Default", &[("Extension", "xml"), ("ContentType", "application/xml")]);
    let overrides = [
        ("/word/document.xml", format!("{WML}document.main+xml")),
        ("/word/styles.xml", format!("{WML}styles+xml")),
        ("/word/numbering.xml", format!("{WML}numbering+xml")),
        ("/word/settings.xml", format!("{WML}settings+xml")),
        ("/word/fontTable.xml", format!("{WML}fontTable+xml")),
        ("/word/header1.xml", format!("{WML}header+xml")),
        ("/word/footer1.xml", format!("{WML}footer+xml")),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml".into()),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml".into()),
        ("/customXml/itemProps1.xml", "application/vnd.openxmlformats-officedocument.customXmlProperties+xml".into()),
    ];
    for (part, ty) in &overrides {
        x.leaf("Override", &[("PartName", part), ("ContentType", ty)]);
    }
    x.close("Types");
    done(x)
}

fn rels(items: &[(&str, &str, &str)]) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::part();
    x.open("Relationships", &[("xmlns", PKG_RELS)]);
    for (id, ty, target) in items {
        x.leaf("Relationship", &[("Id", id), ("Type", ty), ("Target", target)]);
    }
    x.close("Relationships");
    done(x)
}

fn package_rels() -> Result<Vec<u8>, DocxError> {
    rels(&[
        ("rId1", &format!("{REL}officeDocument"), "word/document.xml"),
        (
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
        ),
        ("rId3", &format!("{REL}extended-properties"), "docProps/app.xml"),
    ])
}

fn document_rels() -> Result<Vec<u8>, DocxError> {
    rels(&[
        ("rId1", &format!("{REL}styles"), "styles.xml"),
        ("rId2", &format!("{REL}numbering"), "numbering.xml"),
        ("rId3", &format!("{REL}settings"), "settings.xml"),
        ("rId4", &format!("{REL}fontTable"), "fontTable.xml"),
        ("rId5", &format!("{REL}header"), "header1.xml"),
        ("rId6", &format!("{REL}footer"), "footer1.xml"),
        ("rId7", &format!("{REL}customXml"), "../customXml/item1.xml"),
    ])
}

fn draft_item_rels() -> Result<Vec<u8>, DocxError> {
    rels(&[("rId1", &format!("{REL}customXmlProps"), "itemProps1.xml")])
}

fn core_props(doc: &Document, meta: &WordMeta<'_>) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::part();
    x.open(
        "cp:coreProperties",
        &[
            ("xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
            ("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    x.text_el("dc:title", &[], &doc.title);
    x.text_el("dc:subject", &[], meta.subject);
    x.text_el("dc:creator", &[], meta.author);
    x.text_el("cp:keywords", &[], &format!("Steward; {}; revision {}", doc.kind, meta.revision));
    x.text_el("dc:description", &[], meta.status);
    x.text_el("cp:lastModifiedBy", &[], meta.author);
    x.text_el("cp:revision", &[], &meta.revision.to_string());
    x.text_el("dcterms:created", &[("xsi:type", "dcterms:W3CDTF")], meta.created);
    x.text_el("dcterms:modified", &[("xsi:type", "dcterms:W3CDTF")], meta.modified);
    x.close("cp:coreProperties");
    done(x)
}

fn app_props() -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::part();
    x.open("Properties", &[("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties")]);
    x.text_el("Application", &[], "Steward");
    x.close("Properties");
    done(x)
}

fn draft_item(draft: &str) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::part();
    x.text_el("draft", &[("xmlns", draft_namespace()), ("format", "steward-draft")], draft);
    done(x)
}

fn draft_item_props(meta: &WordMeta<'_>) -> Result<Vec<u8>, DocxError> {
    // A stable item id from the revision's spec hash: {8-4-4-4-12}.
    let mut hex: String = meta.spec_hash.chars().filter(char::is_ascii_hexdigit).take(32).collect();
    while hex.len() < 32 {
        hex.push('0');
    }
    let hex = hex.to_uppercase();
    let guid = format!("{{{}-{}-{}-{}-{}}}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]);
    let mut x = Xml::part();
    x.open(
        "ds:datastoreItem",
        &[("ds:itemID", &guid), ("xmlns:ds", "http://schemas.openxmlformats.org/officeDocument/2006/customXml")],
    );
    x.open("ds:schemaRefs", &[]).leaf("ds:schemaRef", &[("ds:uri", draft_namespace())]).close("ds:schemaRefs");
    x.close("ds:datastoreItem");
    done(x)
}

fn settings() -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::part();
    x.open("w:settings", &[("xmlns:w", W_NS)]);
    x.val("w:defaultTabStop", "720");
    x.val("w:characterSpacingControl", "doNotCompress");
    x.open("w:compat", &[]);
    x.leaf(
        "w:compatSetting",
        &[("w:name", "compatibilityMode"), ("w:uri", "http://schemas.microsoft.com/office/word"), ("w:val", "15")],
    );
    x.close("w:compat");
    x.close("w:settings");
    done(x)
}

fn font_table() -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::part();
    x.open("w:fonts", &[("xmlns:w", W_NS)]);
    for (name, family) in [(FONT, "roman"), (FONT_FALLBACK, "swiss")] {
        x.open("w:font", &[("w:name", name)]).val("w:family", family).val("w:pitch", "variable").close("w:font");
    }
    x.close("w:fonts");
    done(x)
}

/// Paragraph and run properties of a style, in schema order.
#[derive(Default)]
struct Props<'a> {
    keep_next: bool,
    page_break: bool,
    num: Option<(&'a str, &'a str)>,
    before: u32,
    after: u32,
    ind: Option<(u32, u32)>,
    jc: Option<&'a str>,
    outline: Option<&'a str>,
    tab_right: bool,
    bold: bool,
    italic: bool,
    caps: bool,
    size: Option<&'a str>,
}

fn ppr(x: &mut Xml, p: &Props<'_>) {
    x.open("w:pPr", &[]);
    if p.keep_next {
        x.leaf("w:keepNext", &[]);
    }
    if p.page_break {
        x.leaf("w:pageBreakBefore", &[]);
    }
    if let Some((num, lvl)) = p.num {
        x.open("w:numPr", &[]).val("w:ilvl", lvl).val("w:numId", num).close("w:numPr");
    }
    if p.tab_right {
        x.open("w:tabs", &[]);
        x.leaf("w:tab", &[("w:val", "right"), ("w:pos", &TEXT_WIDTH.to_string())]);
        x.close("w:tabs");
    }
    x.leaf("w:spacing", &[("w:before", &p.before.to_string()), ("w:after", &p.after.to_string())]);
    if let Some((left, hanging)) = p.ind {
        if hanging > 0 {
            x.leaf("w:ind", &[("w:left", &left.to_string()), ("w:hanging", &hanging.to_string())]);
        } else {
            x.leaf("w:ind", &[("w:left", &left.to_string())]);
        }
    }
    if let Some(jc) = p.jc {
        x.val("w:jc", jc);
    }
    if let Some(o) = p.outline {
        x.val("w:outlineLvl", o);
    }
    x.close("w:pPr");
    if p.bold || p.italic || p.caps || p.size.is_some() {
        x.open("w:rPr", &[]);
        if p.bold {
            x.leaf("w:b", &[]);
        }
        if p.italic {
            x.leaf("w:i", &[]);
        }
        if p.caps {
            x.leaf("w:caps", &[]);
        }
        if let Some(s) = p.size {
            x.val("w:sz", s).val("w:szCs", s);
        }
        x.close("w:rPr");
    }
}

fn style(x: &mut Xml, id: &str, name: &str, based_on: Option<&str>, next: Option<&str>, p: &Props<'_>) {
    x.open("w:style", &[("w:type", "paragraph"), ("w:styleId", id)]);
    x.val("w:name", name);
    if let Some(b) = based_on {
        x.val("w:basedOn", b);
    }
    if let Some(n) = next {
        x.val("w:next", n);
    }
    x.val("w:uiPriority", "9");
    x.leaf("w:qFormat", &[]);
    ppr(x, p);
    x.close("w:style");
}

/// The style ids the body uses; the reader knows a paragraph's level by them.
pub(crate) mod ids {
    // Each id is the style's name without its spaces: what Word and LibreOffice make of the name,
    // so a file saved again by either keeps them.
    pub const TITLE: &str = "Title";
    pub const DATED: &str = "AgreementDate";
    pub const PART: &str = "PartLabel";
    pub const PARTY: &str = "Party";
    pub const RECITAL: &str = "Recital";
    pub const HEADING: &str = "Heading1";
    pub const LEVEL2: &str = "ClauseLevel2";
    pub const LEVEL3: &str = "ClauseLevel3";
    pub const BODY: &str = "BodyText";
    pub const DEFINITION: &str = "Definition";
    pub const SCHEDULE: &str = "ScheduleHeading";
    pub const SCHEDULE2: &str = "ScheduleLevel2";
    pub const SCHEDULE3: &str = "ScheduleLevel3";
    pub const SIGNED_FOR: &str = "SignedFor";
    pub const SIGNATURE_LINE: &str = "SignatureLine";
}

fn styles() -> Result<Vec<u8>, DocxError> {
    use ids::*;
    let mut x = Xml::part();
    x.open("w:styles", &[("xmlns:w", W_NS)]);
    x.open("w:docDefaults", &[]);
    x.open("w:rPrDefault", &[]).open("w:rPr", &[]);
    x.leaf("w:rFonts", &[("w:ascii", FONT), ("w:hAnsi", FONT), ("w:cs", FONT), ("w:eastAsia", FONT_FALLBACK)]);
    x.val("w:sz", "21").val("w:szCs", "21");
    x.leaf("w:lang", &[("w:val", "en-GB"), ("w:eastAsia", "zh-CN"), ("w:bidi", "ar-SA")]);
    x.close("w:rPr").close("w:rPrDefault");
    x.open("w:pPrDefault", &[]).open("w:pPr", &[]);
    x.leaf("w:spacing", &[("w:after", "100"), ("w:line", "284"), ("w:lineRule", "atLeast")]);
    x.close("w:pPr").close("w:pPrDefault");
    x.close("w:docDefaults");

    x.open("w:style", &[("w:type", "paragraph"), ("w:default", "1"), ("w:styleId", "Normal")]);
    x.val("w:name", "Normal").leaf("w:qFormat", &[]);
    x.close("w:style");
    x.open("w:style", &[("w:type", "character"), ("w:default", "1"), ("w:styleId", "DefaultParagraphFont")]);
    x.val("w:name", "Default Paragraph Font").val("w:uiPriority", "1").leaf("w:semiHidden", &[]);
    x.close("w:style");

    let title = Props {
        before: 0,
        after: 240,
        jc: Some("center"),
        bold: true,
        caps: true,
        size: Some("32"),
        ..Default::default()
    };
    style(&mut x, TITLE, "Title", Some("Normal"), Some("Normal"), &title);
    style(&mut x, DATED, "Agreement Date", Some("Normal"), Some("Normal"), &Props { after: 240, ..Default::default() });
    let part = Props { keep_next: true, before: 240, after: 100, bold: true, caps: true, ..Default::default() };
    style(&mut x, PART, "Part Label", Some("Normal"), Some("Normal"), &part);
    let party = Props { num: Some(("3", "0")), after: 100, ind: Some((720, 720)), ..Default::default() };
    style(&mut x, PARTY, "Party", Some("Normal"), None, &party);
    let recital =
        Props { num: Some(("4", "0")), after: 100, ind: Some((720, 720)), jc: Some("both"), ..Default::default() };
    style(&mut x, RECITAL, "Recital", Some("Normal"), None, &recital);
    let heading = Props {
        keep_next: true,
        num: Some(("1", "0")),
        before: 240,
        after: 100,
        ind: Some((720, 720)),
        outline: Some("0"),
        bold: true,
        caps: true,
        ..Default::default()
    };
    style(&mut x, HEADING, "heading 1", Some("Normal"), Some(LEVEL2), &heading);
    let l2 = Props { num: Some(("1", "1")), after: 100, ind: Some((720, 720)), jc: Some("both"), ..Default::default() };
    style(&mut x, LEVEL2, "Clause Level 2", Some("Normal"), None, &l2);
    let l3 =
        Props { num: Some(("1", "2")), after: 100, ind: Some((1584, 864)), jc: Some("both"), ..Default::default() };
    style(&mut x, LEVEL3, "Clause Level 3", Some("Normal"), None, &l3);
    style(
        &mut x,
        BODY,
        "Body Text",
        Some("Normal"),
        None,
        &Props { after: 100, ind: Some((720, 0)), jc: Some("both"), ..Default::default() },
    );
    style(&mut x, DEFINITION, "Definition", Some(LEVEL2), None, &l2);
    let schedule = Props {
        keep_next: true,
        page_break: true,
        num: Some(("2", "0")),
        before: 0,
        after: 240,
        outline: Some("0"),
        bold: true,
        caps: true,
        ..Default::default()
    };
    style(&mut x, SCHEDULE, "Schedule Heading", Some("Normal"), Some(SCHEDULE2), &schedule);
    let s2 = Props { num: Some(("2", "1")), after: 100, ind: Some((720, 720)), jc: Some("both"), ..Default::default() };
    style(&mut x, SCHEDULE2, "Schedule Level 2", Some("Normal"), None, &s2);
    let s3 =
        Props { num: Some(("2", "2")), after: 100, ind: Some((1584, 864)), jc: Some("both"), ..Default::default() };
    style(&mut x, SCHEDULE3, "Schedule Level 3", Some("Normal"), None, &s3);
    let signed = Props { keep_next: true, before: 360, after: 100, bold: true, ..Default::default() };
    style(&mut x, SIGNED_FOR, "Signed For", Some("Normal"), None, &signed);
    style(
        &mut x,
        SIGNATURE_LINE,
        "Signature Line",
        Some("Normal"),
        None,
        // Kept with the next: a party's signature block stays on one page.
        &Props { keep_next: true, before: 240, after: 0, ..Default::default() },
    );
    let hf = Props { after: 0, tab_right: true, size: Some("18"), ..Default::default() };
    style(&mut x, "Header", "header", Some("Normal"), None, &hf);
    style(&mut x, "Footer", "footer", Some("Normal"), None, &Props { jc: Some("center"), ..hf });

    x.open("w:style", &[("w:type", "table"), ("w:styleId", "SignatureTable")]);
    x.val("w:name", "Signature Table");
    x.open("w:tblPr", &[]);
    x.open("w:tblCellMar", &[]);
    x.leaf("w:left", &[("w:w", "0"), ("w:type", "dxa")]).leaf("w:right", &[("w:w", "115"), ("w:type", "dxa")]);
    x.close("w:tblCellMar").close("w:tblPr");
    x.close("w:style");
    x.close("w:styles");
    done(x)
}

fn numbering() -> Result<Vec<u8>, DocxError> {
    use ids::*;
    struct Level<'a> {
        fmt: &'a str,
        text: &'a str,
        style: &'a str,
        ind: (u32, u32),
        suffix: Option<&'a str>,
    }
    let lists: [(&str, Vec<Level<'_>>); 4] = [
        (
            "1",
            vec![
                Level { fmt: "decimal", text: "%1", style: HEADING, ind: (720, 720), suffix: None },
                Level { fmt: "decimal", text: "%1.%2", style: LEVEL2, ind: (720, 720), suffix: None },
                Level { fmt: "decimal", text: "%1.%2.%3", style: LEVEL3, ind: (1584, 864), suffix: None },
            ],
        ),
        (
            "2",
            vec![
                Level { fmt: "decimal", text: "Schedule %1:", style: SCHEDULE, ind: (0, 0), suffix: Some("space") },
                Level { fmt: "decimal", text: "%2", style: SCHEDULE2, ind: (720, 720), suffix: None },
                Level { fmt: "decimal", text: "%2.%3", style: SCHEDULE3, ind: (1584, 864), suffix: None },
            ],
        ),
        ("3", vec![Level { fmt: "decimal", text: "(%1)", style: PARTY, ind: (720, 720), suffix: None }]),
        ("4", vec![Level { fmt: "upperLetter", text: "(%1)", style: RECITAL, ind: (720, 720), suffix: None }]),
    ];
    let mut x = Xml::part();
    x.open("w:numbering", &[("xmlns:w", W_NS)]);
    for (id, levels) in &lists {
        x.open("w:abstractNum", &[("w:abstractNumId", id)]);
        x.val("w:multiLevelType", if levels.len() > 1 { "multilevel" } else { "singleLevel" });
        for (i, l) in levels.iter().enumerate() {
            x.open("w:lvl", &[("w:ilvl", &i.to_string())]);
            x.val("w:start", "1").val("w:numFmt", l.fmt).val("w:pStyle", l.style);
            if let Some(s) = l.suffix {
                x.val("w:suff", s);
            }
            x.val("w:lvlText", l.text).val("w:lvlJc", "left");
            x.open("w:pPr", &[]);
            if l.ind.0 > 0 {
                x.leaf("w:ind", &[("w:left", &l.ind.0.to_string()), ("w:hanging", &l.ind.1.to_string())]);
            }
            x.close("w:pPr");
            x.close("w:lvl");
        }
        x.close("w:abstractNum");
    }
    for (id, _) in &lists {
        x.open("w:num", &[("w:numId", id)]).val("w:abstractNumId", id).close("w:num");
    }
    x.close("w:numbering");
    done(x)
}

fn header(doc: &Document, meta: &WordMeta<'_>) -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::part();
    x.open("w:hdr", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)]);
    x.open("w:p", &[]).open("w:pPr", &[]).val("w:pStyle", "Header").close("w:pPr");
    run(&mut x, &doc.title);
    x.open("w:r", &[]).leaf("w:tab", &[]).close("w:r");
    run(&mut x, meta.status);
    x.close("w:p");
    x.close("w:hdr");
    done(x)
}

fn footer() -> Result<Vec<u8>, DocxError> {
    let mut x = Xml::part();
    x.open("w:ftr", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)]);
    x.open("w:p", &[]).open("w:pPr", &[]).val("w:pStyle", "Footer").close("w:pPr");
    run(&mut x, "Page ");
    field(&mut x, " PAGE ", "1");
    run(&mut x, " of ");
    field(&mut x, " NUMPAGES ", "1");
    x.close("w:p");
    x.close("w:ftr");
    done(x)
}

fn run(x: &mut Xml, text: &str) {
    if text.is_empty() {
        return;
    }
    x.open("w:r", &[]);
    x.text_el("w:t", &[("xml:space", "preserve")], text);
    x.close("w:r");
}

fn bold_run(x: &mut Xml, text: &str) {
    x.open("w:r", &[]).open("w:rPr", &[]).leaf("w:b", &[]).close("w:rPr");
    x.text_el("w:t", &[("xml:space", "preserve")], text);
    x.close("w:r");
}

/// A complex field: its instruction and the result shown until Word updates it.
fn field(x: &mut Xml, instruction: &str, result: &str) {
    x.open("w:r", &[]).leaf("w:fldChar", &[("w:fldCharType", "begin")]).close("w:r");
    x.open("w:r", &[]).text_el("w:instrText", &[("xml:space", "preserve")], instruction).close("w:r");
    x.open("w:r", &[]).leaf("w:fldChar", &[("w:fldCharType", "separate")]).close("w:r");
    run(x, result);
    x.open("w:r", &[]).leaf("w:fldChar", &[("w:fldCharType", "end")]).close("w:r");
}

fn para_start(x: &mut Xml, style: &str) {
    x.open("w:p", &[]).open("w:pPr", &[]).val("w:pStyle", style).close("w:pPr");
}

fn simple_para(x: &mut Xml, style: &str, text: &str) {
    para_start(x, style);
    run(x, text);
    x.close("w:p");
}

struct Ids {
    bookmark: u32,
    sdt: u32,
}

fn sdt_open(x: &mut Xml, ids: &mut Ids, tag: &str, alias: &str) {
    ids.sdt += 1;
    x.open("w:sdt", &[]).open("w:sdtPr", &[]);
    x.val("w:alias", alias).val("w:tag", tag).val("w:id", &ids.sdt.to_string());
    x.close("w:sdtPr").open("w:sdtContent", &[]);
}

fn sdt_close(x: &mut Xml) {
    x.close("w:sdtContent").close("w:sdt");
}

fn document(doc: &Document, names: &BTreeMap<String, String>) -> Result<Vec<u8>, DocxError> {
    use ids::*;
    let mut x = Xml::part();
    x.open("w:document", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)]);
    x.open("w:body", &[]);
    let mut ids = Ids { bookmark: 0, sdt: 0 };

    sdt_open(&mut x, &mut ids, TAG_FRONT, "Title, parties and background");
    for (style, text) in crate::front_paragraphs(doc) {
        match style {
            PARTY => {
                // The legal name in bold, as in the PDF; the text is the same either way.
                let p = doc.parties.iter().find(|p| text.starts_with(&p.legal_name.to_uppercase()));
                para_start(&mut x, style);
                match p {
                    Some(p) => {
                        let name = p.legal_name.to_uppercase();
                        bold_run(&mut x, &name);
                        run(&mut x, &text[name.len()..]);
                    }
                    None => run(&mut x, &text),
                }
                x.close("w:p");
            }
            _ => simple_para(&mut x, style, &text),
        }
    }
    sdt_close(&mut x);

    for s in &doc.sections {
        section(&mut x, &mut ids, s, names, false);
    }
    for s in &doc.schedules {
        section(&mut x, &mut ids, s, names, true);
    }

    sdt_open(&mut x, &mut ids, TAG_SIGNATURES, "Signatures");
    simple_para(&mut x, PART, "Signatures");
    for sig in &doc.signatures {
        simple_para(
            &mut x,
            SIGNED_FOR,
            &format!("Signed for and on behalf of {}", sig.party_legal_name.to_uppercase()),
        );
        signature_table(&mut x, &sig.lines);
    }
    sdt_close(&mut x);

    x.open("w:sectPr", &[]);
    x.leaf("w:headerReference", &[("w:type", "default"), ("r:id", "rId5")]);
    x.leaf("w:footerReference", &[("w:type", "default"), ("r:id", "rId6")]);
    x.leaf("w:pgSz", &[("w:w", "11906"), ("w:h", "16838")]);
    x.leaf(
        "w:pgMar",
        &[
            ("w:top", "1440"),
            ("w:right", "1440"),
            ("w:bottom", "1440"),
            ("w:left", "1440"),
            ("w:header", "708"),
            ("w:footer", "708"),
            ("w:gutter", "0"),
        ],
    );
    x.close("w:sectPr");
    x.close("w:body");
    x.close("w:document");
    done(x)
}

fn signature_table(x: &mut Xml, lines: &[String]) {
    let (label_w, line_w) = (2000u32, 5000u32);
    x.open("w:tbl", &[]);
    x.open("w:tblPr", &[]).val("w:tblStyle", "SignatureTable");
    x.leaf("w:tblW", &[("w:w", &(label_w + line_w).to_string()), ("w:type", "dxa")]);
    x.leaf(
        "w:tblLook",
        &[("w:val", "0000"), ("w:firstRow", "0"), ("w:lastRow", "0"), ("w:noHBand", "1"), ("w:noVBand", "1")],
    );
    x.close("w:tblPr");
    x.open("w:tblGrid", &[]);
    x.leaf("w:gridCol", &[("w:w", &label_w.to_string())]).leaf("w:gridCol", &[("w:w", &line_w.to_string())]);
    x.close("w:tblGrid");
    for l in lines {
        x.open("w:tr", &[]);
        x.open("w:trPr", &[]).leaf("w:cantSplit", &[]).close("w:trPr");
        x.open("w:tc", &[]).open("w:tcPr", &[]).leaf("w:tcW", &[("w:w", &label_w.to_string()), ("w:type", "dxa")]);
        x.close("w:tcPr");
        simple_para(x, ids::SIGNATURE_LINE, &format!("{l}:"));
        x.close("w:tc");
        x.open("w:tc", &[]).open("w:tcPr", &[]).leaf("w:tcW", &[("w:w", &line_w.to_string()), ("w:type", "dxa")]);
        x.open("w:tcBorders", &[]);
        x.leaf("w:bottom", &[("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")]);
        x.close("w:tcBorders").close("w:tcPr");
        para_start(x, ids::SIGNATURE_LINE);
        x.close("w:p");
        x.close("w:tc");
        x.close("w:tr");
    }
    x.close("w:tbl");
}

/// The style of one block of a clause or schedule.
fn block_style(b: &Block, schedule: bool) -> &'static str {
    use ids::*;
    match (b.number.is_some(), b.level, schedule) {
        (false, _, _) => BODY,
        (true, 3, false) => LEVEL3,
        (true, 3, true) => SCHEDULE3,
        (true, _, true) => SCHEDULE2,
        (true, _, false) if crate::is_definition(&b.text) => DEFINITION,
        (true, _, false) => LEVEL2,
    }
}

fn section(x: &mut Xml, ids: &mut Ids, s: &Section, names: &BTreeMap<String, String>, schedule: bool) {
    let tag = format!("{TAG_CLAUSE}{}:{}", s.clause_id, s.version);
    let alias =
        if schedule { format!("{}: {}", s.number, s.title) } else { format!("Clause {}: {}", s.number, s.title) };
    sdt_open(x, ids, &tag, &alias);
    para_start(x, if schedule { ids::SCHEDULE } else { ids::HEADING });
    bookmarked(x, ids, names.get(&s.clause_id), |x| run(x, &s.title));
    x.close("w:p");
    for b in &s.blocks {
        para_start(x, block_style(b, schedule));
        let name = b.anchor.as_ref().and_then(|a| names.get(&format!("{}#{a}", s.clause_id)));
        bookmarked(x, ids, name, |x| block_text(x, b, names));
        x.close("w:p");
    }
    sdt_close(x);
}

fn bookmarked(x: &mut Xml, ids: &mut Ids, name: Option<&String>, body: impl FnOnce(&mut Xml)) {
    match name {
        Some(name) => {
            ids.bookmark += 1;
            let id = ids.bookmark.to_string();
            x.leaf("w:bookmarkStart", &[("w:id", &id), ("w:name", name)]);
            body(x);
            x.leaf("w:bookmarkEnd", &[("w:id", &id)]);
        }
        None => body(x),
    }
}

/// A block's text, its cross-references as REF fields to the bookmarks of their targets.
fn block_text(x: &mut Xml, b: &Block, names: &BTreeMap<String, String>) {
    let mut at = 0;
    for r in &b.refs {
        let (start, end) = (r.start, r.start + r.len);
        let (Some(before), Some(shown)) = (b.text.get(at..start), b.text.get(start..end)) else { continue };
        run(x, before);
        match names.get(&r.target) {
            Some(name) => field(x, &format!(" REF {name} \\w \\h "), shown),
            None => run(x, shown),
        }
        at = end;
    }
    run(x, b.text.get(at..).unwrap_or_default());
}
