//! Page layout on glyph metrics.

use crate::PdfError;
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
};
use std::collections::HashMap;
use std::sync::OnceLock;
use steward_clauses::document::Document;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 72.0;
const RIGHT: f32 = PAGE_W - 72.0;
const TOP: f32 = PAGE_H - 78.0;
const BOTTOM: f32 = 70.0;
const BODY: f32 = 10.5;
const LEADING: f32 = 14.2;

static REGULAR: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/LiberationSerif-Bold.ttf");
static ITALIC: &[u8] = include_bytes!("../fonts/LiberationSerif-Italic.ttf");
static CJK: &[u8] = include_bytes!("../fonts/DroidSansFallbackFull.ttf");

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Face {
    Regular,
    Bold,
    Italic,
    Cjk,
}

struct Fonts {
    latin: [ParsedFont; 3],
}

impl Fonts {
    fn get(&self, f: Face) -> &ParsedFont {
        match f {
            Face::Regular => &self.latin[0],
            Face::Bold => &self.latin[1],
            Face::Italic => &self.latin[2],
            // Parsed on first use: most agreements never need it, and it is 4 MB.
            Face::Cjk => cjk().unwrap_or(&self.latin[0]),
        }
    }
}

fn fonts() -> Result<&'static Fonts, PdfError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut w = Vec::new();
            Some(Fonts {
                latin: [
                    ParsedFont::from_bytes(REGULAR, 0, &mut w)?,
                    ParsedFont::from_bytes(BOLD, 0, &mut w)?,
                    ParsedFont::from_bytes(ITALIC, 0, &mut w)?,
                ],
            })
        })
        .as_ref()
        .ok_or(PdfError::Font("Liberation Serif"))
}

fn cjk() -> Option<&'static ParsedFont> {
    static CJK_FONT: OnceLock<Option<ParsedFont>> = OnceLock::new();
    CJK_FONT.get_or_init(|| ParsedFont::from_bytes(CJK, 0, &mut Vec::new())).as_ref()
}

/// Whether any character needs a face other than Liberation Serif's.
fn needs_cjk(latin: &ParsedFont, text: &str) -> bool {
    text.chars().any(|c| !c.is_whitespace() && latin.lookup_glyph_index(c as u32).is_none_or(|g| g == 0))
}

/// Characters below this are measured through a table, the rest through a map.
const TABLE: usize = 0x250;

/// Measures and splits text into runs of one face, falling back to the CJK face per glyph.
struct Metrics<'a> {
    fonts: &'a Fonts,
    /// Per base face, Latin characters' (face, advance); advance below zero: not measured yet.
    table: Vec<(Face, f32)>,
    cache: HashMap<(Face, char), (Face, f32)>,
}

impl<'a> Metrics<'a> {
    fn new(fonts: &'a Fonts) -> Self {
        Metrics { fonts, table: vec![(Face::Regular, -1.0); 4 * TABLE], cache: HashMap::new() }
    }

    /// The face that draws `c` when `base` is wanted, and its advance in 1/1000 em.
    fn glyph(&mut self, base: Face, c: char) -> (Face, f32) {
        let slot = (c as usize) < TABLE;
        if slot {
            let hit = self.table[base as usize * TABLE + c as usize];
            if hit.1 >= 0.0 {
                return hit;
            }
        } else if let Some(hit) = self.cache.get(&(base, c)) {
            return *hit;
        }
        let has = |f: Face| self.fonts.get(f).lookup_glyph_index(c as u32).filter(|g| *g != 0);
        let face = if has(base).is_some() || c == ' ' {
            base
        } else if has(Face::Cjk).is_some() {
            Face::Cjk
        } else {
            base
        };
        let font = self.fonts.get(face);
        let gid = font.lookup_glyph_index(c as u32).unwrap_or(0);
        let upm = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let adv = (f32::from(font.get_horizontal_advance(gid)) * 1000.0 / upm).trunc();
        if slot {
            self.table[base as usize * TABLE + c as usize] = (face, adv);
        } else {
            self.cache.insert((base, c), (face, adv));
        }
        (face, adv)
    }
    fn width(&mut self, base: Face, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(base, c).1).sum::<f32>() / 1000.0 * size
    }
    /// Splits text into runs of one face.
    fn runs<'t>(&mut self, base: Face, text: &'t str) -> Vec<(Face, &'t str)> {
        let mut out: Vec<(Face, &'t str)> = Vec::new();
        let mut start = 0;
        let mut face = None;
        for (i, c) in text.char_indices() {
            let f = self.glyph(base, c).0;
            match face {
                Some(cur) if cur == f => {}
                Some(cur) => {
                    out.push((cur, &text[start..i]));
                    (start, face) = (i, Some(f));
                }
                None => face = Some(f),
            }
        }
        if let Some(cur) = face {
            out.push((cur, &text[start..]));
        }
        out
    }
}

/// One line placed on a page.
#[derive(Debug, Clone)]
struct Placed {
    x: f32,
    y: f32,
    text: String,
    face: Face,
    size: f32,
    /// Extra space per gap, for justified lines.
    gap: f32,
    grey: bool,
}

#[derive(Debug, Default)]
struct PageContent {
    lines: Vec<Placed>,
    rules: Vec<(f32, f32, f32, f32)>,
    boxes: Vec<(f32, f32, f32, f32)>,
    /// Filled rectangles (x, y, w, h) in an RGB colour, drawn under the text.
    fills: Vec<(f32, f32, f32, f32, [f32; 3])>,
}

/// A paragraph waiting for layout.
struct Para {
    label: Option<String>,
    label_x: f32,
    text_x: f32,
    text: String,
    face: Face,
    size: f32,
    justify: bool,
    center: bool,
    space_before: f32,
    keep_with_next: bool,
}

impl Para {
    fn body(label: Option<String>, label_x: f32, text_x: f32, text: &str) -> Self {
        Para {
            label,
            label_x,
            text_x,
            text: text.to_string(),
            face: Face::Regular,
            size: BODY,
            justify: true,
            center: false,
            space_before: 5.0,
            keep_with_next: false,
        }
    }
}

struct Layout<'a> {
    m: Metrics<'a>,
    pages: Vec<PageContent>,
    y: f32,
    bookmarks: Vec<(String, usize)>,
}

impl Layout<'_> {
    fn new_page(&mut self) {
        self.pages.push(PageContent::default());
        self.y = TOP;
    }
    fn page(&mut self) -> &mut PageContent {
        if self.pages.is_empty() {
            self.new_page();
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    /// Greedy line breaking within `width`: each line and whether it ends the paragraph.
    fn break_lines(&mut self, text: &str, face: Face, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut cur = String::new();
        let space = self.m.width(face, " ", size);
        let mut cur_w = 0.0;
        for word in text.split_whitespace() {
            let w = self.m.width(face, word, size);
            if !cur.is_empty() && cur_w + space + w > width {
                lines.push(std::mem::take(&mut cur));
                cur_w = 0.0;
            }
            if w > width {
                // A word wider than the line (a long URL): break it by characters.
                let mut piece = String::new();
                for c in word.chars() {
                    let cw = self.m.width(face, &c.to_string(), size);
                    if !piece.is_empty() && self.m.width(face, &piece, size) + cw > width {
                        lines.push(std::mem::take(&mut piece));
                    }
                    piece.push(c);
                }
                cur = piece;
                cur_w = self.m.width(face, &cur, size);
                continue;
            }
            if !cur.is_empty() {
                cur.push(' ');
                cur_w += space;
            }
            cur.push_str(word);
            cur_w += w;
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        lines
    }

    /// Places a paragraph, keeping at least two lines together at a page's foot and head.
    fn para(&mut self, p: Para, next_lines: usize) {
        let width = RIGHT - p.text_x;
        let lines = self.break_lines(&p.text, p.face, p.size, width);
        let lead = p.size * (LEADING / BODY);
        if self.pages.is_empty() {
            self.new_page();
        }
        if self.y < TOP {
            self.y -= p.space_before;
        }
        let n = lines.len();
        // Room for the whole paragraph (and the start of the next, if it must keep with it)?
        let need_keep = if p.keep_with_next { n + next_lines.min(2) } else { n };
        let room = ((self.y - BOTTOM) / lead).floor().max(0.0) as usize;
        if need_keep > room && (p.keep_with_next || n <= 3 || room < 2) {
            self.new_page();
        }
        let mut i = 0;
        while i < n {
            let room = ((self.y - BOTTOM) / lead).floor().max(0.0) as usize;
            if room == 0 {
                self.new_page();
                continue;
            }
            let left = n - i;
            // Take what fits, but never leave one line behind or carry one line over.
            let mut take = left.min(room);
            if take < left && left - take == 1 && take >= 3 {
                take -= 1;
            }
            if take < left && take < 2 {
                self.new_page();
                continue;
            }
            for (k, line) in lines[i..i + take].iter().enumerate() {
                let idx = i + k;
                let last = idx + 1 == n;
                self.y -= lead;
                let y = self.y;
                let natural = self.m.width(p.face, line, p.size);
                let gaps = line.matches(' ').count();
                let gap = if p.justify && !last && gaps > 0 {
                    ((width - natural) / gaps as f32).clamp(0.0, p.size)
                } else {
                    0.0
                };
                let x = if p.center { p.text_x + (width - natural) / 2.0 } else { p.text_x };
                if idx == 0 {
                    if let Some(label) = &p.label {
                        let lab = Placed {
                            x: p.label_x,
                            y,
                            text: label.clone(),
                            face: if p.face == Face::Bold { Face::Bold } else { Face::Regular },
                            size: p.size,
                            gap: 0.0,
                            grey: false,
                        };
                        self.page().lines.push(lab);
                    }
                }
                self.page().lines.push(Placed {
                    x,
                    y,
                    text: line.clone(),
                    face: p.face,
                    size: p.size,
                    gap,
                    grey: false,
                });
            }
            i += take;
            if i < n {
                self.new_page();
            }
        }
    }

    fn space(&mut self, pt: f32) {
        self.y -= pt;
    }

    /// Grids side by side, each with its title above, row names on the left and column names below.
    fn grids(&mut self, grids: &[Grid]) {
        const CELL: f32 = 26.0;
        const GUTTER: f32 = 28.0;
        let widest = grids.iter().map(|g| g.cols.len()).max().unwrap_or(0) as f32;
        let tallest = grids.iter().map(|g| g.rows.len()).max().unwrap_or(0) as f32;
        let height = 28.0 + tallest * CELL + 34.0;
        if self.y - height < BOTTOM {
            self.new_page();
        }
        let top = self.y;
        let each = 40.0 + widest * CELL + GUTTER;
        for (i, g) in grids.iter().enumerate() {
            let x0 = LEFT + i as f32 * each;
            let gx = x0 + 40.0;
            let gy = top - 28.0;
            let mut lines = Vec::new();
            lines.push(Placed {
                x: x0,
                y: top - 10.0,
                text: g.title.clone(),
                face: Face::Bold,
                size: 9.5,
                gap: 0.0,
                grey: false,
            });
            for (r, name) in g.rows.iter().enumerate() {
                let y = gy - (r as f32 + 1.0) * CELL;
                let w = self.m.width(Face::Regular, name, 8.0);
                lines.push(Placed {
                    x: gx - 6.0 - w,
                    y: y + CELL / 2.0 - 3.0,
                    text: name.clone(),
                    face: Face::Regular,
                    size: 8.0,
                    gap: 0.0,
                    grey: true,
                });
                for (c, (text, rgb)) in g.cells.get(r).into_iter().flatten().enumerate() {
                    let x = gx + c as f32 * CELL;
                    self.page().fills.push((x, y, CELL, CELL, *rgb));
                    self.page().boxes.push((x, y, CELL, CELL));
                    if !text.is_empty() {
                        let tw = self.m.width(Face::Bold, text, 9.0);
                        lines.push(Placed {
                            x: x + (CELL - tw) / 2.0,
                            y: y + CELL / 2.0 - 3.0,
                            text: text.clone(),
                            face: Face::Bold,
                            size: 9.0,
                            gap: 0.0,
                            grey: false,
                        });
                    }
                }
            }
            let below = gy - g.rows.len() as f32 * CELL - 11.0;
            for (c, name) in g.cols.iter().enumerate() {
                let w = self.m.width(Face::Regular, name, 8.0);
                lines.push(Placed {
                    x: gx + c as f32 * CELL + (CELL - w) / 2.0,
                    y: below,
                    text: name.clone(),
                    face: Face::Regular,
                    size: 8.0,
                    gap: 0.0,
                    grey: true,
                });
            }
            let axis = format!("{} (columns)", g.cols_label);
            lines.push(Placed {
                x: gx,
                y: below - 11.0,
                text: axis,
                face: Face::Italic,
                size: 8.0,
                gap: 0.0,
                grey: true,
            });
            let rows_label = format!("{} (rows)", g.rows_label);
            lines.push(Placed {
                x: gx,
                y: gy + 2.0,
                text: rows_label,
                face: Face::Italic,
                size: 7.5,
                gap: 0.0,
                grey: true,
            });
            self.page().lines.extend(lines.into_iter().filter(|l| !l.text.is_empty()));
        }
        self.y = top - height;
    }
}

/// What to print besides the document itself.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Printed in the header beside the title, e.g. `Draft · revision 2`.
    pub status: String,
    /// A short id in every footer (the draft's hash prefix).
    pub doc_id: String,
    /// A diagonal DRAFT mark on every page (unsigned drafts).
    pub draft_mark: bool,
    pub author: String,
    pub subject: String,
    /// UNIX seconds, for the PDF's dates.
    pub created: i64,
    /// The heading above the numbered sections (default: `AGREED TERMS`).
    pub terms_heading: Option<String>,
    /// Grids of coloured cells (heat maps) printed side by side after the title.
    pub grids: Vec<Grid>,
}

/// A grid of coloured cells with a label in each, such as a 5x5 risk heat map.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub title: String,
    /// Row names, top to bottom, and the axis they label.
    pub rows: Vec<String>,
    pub rows_label: String,
    /// Column names, left to right, and the axis they label.
    pub cols: Vec<String>,
    pub cols_label: String,
    /// `cells[row][col]`: the text and the fill colour (RGB, 0 to 1).
    pub cells: Vec<Vec<(String, [f32; 3])>>,
}

/// Where a signatory's signature goes: 1-based page and rectangle in PDF points.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SignatureBox {
    pub party: String,
    pub page: usize,
    pub rect: [f32; 4],
}

#[derive(Debug, Clone)]
pub struct Exported {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub signature_boxes: Vec<SignatureBox>,
}

fn grey(p: f32) -> Color {
    Color::Greyscale(Greyscale { percent: p, icc_profile: None })
}

/// Parses the fonts now (they are parsed once per process), so that another thread can do it
/// while the document is being rendered.
pub fn warm_up() {
    let _ = fonts();
}

/// Typesets the document, its streams deflated.
pub fn typeset(doc: &Document, opts: &ExportOptions) -> Result<Exported, PdfError> {
    let t = lay_out(doc, opts)?;
    let (pages, signature_boxes) = (t.pages, t.signature_boxes.clone());
    Ok(Exported { pdf: t.finish(None)?, pages, signature_boxes })
}

/// A document laid out as PDF objects, its streams still plain: [`Typeset::finish`] deflates
/// them (and embeds a file in the same pass) and writes the file once.
pub struct Typeset {
    pdf: lopdf::Document,
    pub pages: usize,
    pub signature_boxes: Vec<SignatureBox>,
}

impl Typeset {
    /// The file: every stream worth it deflated, and `attach` embedded.
    pub fn finish(self, attach: Option<&crate::Attachment<'_>>) -> Result<Vec<u8>, PdfError> {
        crate::finish_document(self.pdf, attach)
    }
}

/// Lays the document out on pages, as PDF objects not yet written.
pub fn lay_out(doc: &Document, opts: &ExportOptions) -> Result<Typeset, PdfError> {
    let fonts = fonts()?;
    let mut l = Layout { m: Metrics::new(fonts), pages: Vec::new(), y: TOP, bookmarks: Vec::new() };
    l.new_page();

    // Title block.
    let mut title = Para::body(None, LEFT, LEFT, &doc.title.to_uppercase());
    (title.face, title.size, title.justify, title.center, title.space_before) = (Face::Bold, 16.0, false, true, 0.0);
    l.para(title, 0);
    l.space(6.0);
    if let Some(d) = &doc.date {
        let mut p = Para::body(None, LEFT, LEFT, &format!("This agreement is dated {d}."));
        (p.justify, p.center, p.face) = (false, true, Face::Italic);
        l.para(p, 0);
    }
    l.space(10.0);
    if !opts.grids.is_empty() {
        l.grids(&opts.grids);
    }
    let heading = |l: &mut Layout<'_>, text: &str, space: f32| {
        let mut h = Para::body(None, LEFT, LEFT, text);
        (h.face, h.size, h.justify, h.space_before, h.keep_with_next) = (Face::Bold, 11.0, false, space, true);
        l.para(h, 2);
    };
    heading(&mut l, "PARTIES", 6.0);
    for p in &doc.parties {
        l.para(Para::body(Some(format!("({})", p.number)), LEFT, LEFT + 30.0, &doc.party_line(p)), 0);
    }
    if !doc.recitals.is_empty() {
        heading(&mut l, "BACKGROUND", 12.0);
        for r in &doc.recitals {
            l.para(Para::body(Some(format!("({})", r.letter)), LEFT, LEFT + 30.0, &r.text), 0);
        }
    }
    heading(&mut l, opts.terms_heading.as_deref().unwrap_or("AGREED TERMS"), 12.0);

    let mut sections: Vec<(&steward_clauses::document::Section, bool)> =
        doc.sections.iter().map(|s| (s, false)).collect();
    sections.extend(doc.schedules.iter().map(|s| (s, true)));
    for (s, schedule) in sections {
        if schedule && s.number == "Schedule 1" {
            l.new_page();
        }
        let label = if schedule {
            format!("{} \u{2014} {}", s.number.to_uppercase(), s.title.to_uppercase())
        } else {
            s.title.to_uppercase()
        };
        let mut h = Para::body(
            (!schedule).then(|| format!("{}.", s.number)),
            LEFT,
            if schedule { LEFT } else { LEFT + 36.0 },
            &label,
        );
        (h.face, h.size, h.justify, h.space_before, h.keep_with_next) = (Face::Bold, 10.5, false, 11.0, true);
        let first_lines = s.blocks.first().map_or(0, |_| 2);
        l.para(h, first_lines);
        let page = l.pages.len();
        let mark = if schedule { label.clone() } else { format!("{}. {}", s.number, s.title) };
        l.bookmarks.push((mark, page));
        for b in &s.blocks {
            let p = match (b.level, &b.number) {
                (3, Some(n)) => Para::body(Some(n.clone()), LEFT + 36.0, LEFT + 84.0, &b.text),
                (_, Some(n)) => Para::body(Some(n.clone()), LEFT, LEFT + 36.0, &b.text),
                _ => Para::body(None, LEFT, LEFT + 36.0, &b.text),
            };
            l.para(p, 0);
        }
    }

    // Signature page: one box per signatory.
    l.new_page();
    heading(&mut l, "SIGNATURES", 0.0);
    l.bookmarks.push(("Signatures".into(), l.pages.len()));
    let mut boxes = Vec::new();
    for sig in &doc.signatures {
        let box_h = 92.0;
        if l.y - (box_h + 64.0) < BOTTOM {
            l.new_page();
        }
        let mut p = Para::body(
            None,
            LEFT,
            LEFT,
            &format!("Signed for and on behalf of {}", sig.party_legal_name.to_uppercase()),
        );
        (p.justify, p.space_before) = (false, 14.0);
        l.para(p, 0);
        l.space(6.0);
        let top = l.y;
        let rect = [LEFT, top - box_h, RIGHT - 150.0, top];
        l.page().boxes.push((rect[0], rect[1], rect[2] - rect[0], box_h));
        boxes.push(SignatureBox { party: sig.party_legal_name.clone(), page: l.pages.len(), rect });
        l.y = top - box_h - 4.0;
        let mut info = Para::body(None, LEFT, LEFT, "Name, title and date as given in the digital signature above.");
        (info.face, info.size, info.justify, info.space_before) = (Face::Italic, 8.5, false, 0.0);
        l.para(info, 0);
    }

    // Emit pages, now that the total is known.
    let total = l.pages.len();
    let mut pdf = PdfDocument::new(&doc.title);
    let mut m = Metrics::new(fonts);
    // Embed only the faces the pages use (most agreements need no CJK face).
    let mut used = [true, true, true, false];
    let any_cjk = l.pages.iter().any(|p| p.lines.iter().any(|line| needs_cjk(fonts.get(Face::Regular), &line.text)));
    for page in l.pages.iter().filter(|_| any_cjk) {
        for line in &page.lines {
            for (face, _) in m.runs(line.face, &line.text) {
                used[face as usize] = true;
            }
        }
    }
    let ids: Vec<Option<FontId>> = [Face::Regular, Face::Bold, Face::Italic, Face::Cjk]
        .iter()
        .zip(used)
        .map(|(f, u)| u.then(|| pdf.add_font(fonts.get(*f))))
        .collect();
    let regular = ids[0].clone();
    let handle = |f: Face| {
        PdfFontHandle::External(ids[f as usize].clone().or_else(|| regular.clone()).unwrap_or(FontId(String::new())))
    };
    let mut pages = Vec::with_capacity(total);
    for (pi, page) in l.pages.iter_mut().enumerate() {
        // Header and footer.
        let header_y = PAGE_H - 44.0;
        page.lines.push(Placed {
            x: LEFT,
            y: header_y,
            text: doc.title.clone(),
            face: Face::Italic,
            size: 8.5,
            gap: 0.0,
            grey: true,
        });
        let status_w = m.width(Face::Regular, &opts.status, 8.5);
        page.lines.push(Placed {
            x: RIGHT - status_w,
            y: header_y,
            text: opts.status.clone(),
            face: Face::Regular,
            size: 8.5,
            gap: 0.0,
            grey: true,
        });
        page.rules.push((LEFT, header_y - 5.0, RIGHT, header_y - 5.0));
        let footer = format!("Page {} of {total}", pi + 1);
        let fw = m.width(Face::Regular, &footer, 8.5);
        page.lines.push(Placed {
            x: (PAGE_W - fw) / 2.0,
            y: 40.0,
            text: footer,
            face: Face::Regular,
            size: 8.5,
            gap: 0.0,
            grey: true,
        });
        let id = format!("Document {}", opts.doc_id);
        let iw = m.width(Face::Regular, &id, 7.5);
        page.lines.push(Placed {
            x: RIGHT - iw,
            y: 40.0,
            text: id,
            face: Face::Regular,
            size: 7.5,
            gap: 0.0,
            grey: true,
        });

        let mut ops = Vec::new();
        if opts.draft_mark {
            ops.extend([
                Op::SaveGraphicsState,
                Op::SetFillColor { col: grey(0.9) },
                Op::StartTextSection,
                Op::SetFont { font: handle(Face::Bold), size: Pt(110.0) },
                Op::SetTextMatrix { matrix: TextMatrix::TranslateRotate(Pt(150.0), Pt(250.0), 45.0) },
                Op::ShowText { items: vec![TextItem::Text("DRAFT".into())] },
                Op::EndTextSection,
                Op::RestoreGraphicsState,
            ]);
        }
        for (x, y, w, h, [r, g, b]) in &page.fills {
            ops.push(Op::SetFillColor { col: Color::Rgb(printpdf::Rgb { r: *r, g: *g, b: *b, icc_profile: None }) });
            ops.push(Op::DrawRectangle {
                rectangle: Rect { mode: Some(PaintMode::Fill), ..Rect::from_xywh(Pt(*x), Pt(*y), Pt(*w), Pt(*h)) },
            });
        }
        ops.push(Op::SetOutlineColor { col: grey(0.55) });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        for (x1, y1, x2, y2) in &page.rules {
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint { p: Point { x: Pt(*x1), y: Pt(*y1) }, bezier: false },
                        LinePoint { p: Point { x: Pt(*x2), y: Pt(*y2) }, bezier: false },
                    ],
                    is_closed: false,
                },
            });
        }
        for (x, y, w, h) in &page.boxes {
            ops.push(Op::DrawRectangle {
                rectangle: Rect { mode: Some(PaintMode::Stroke), ..Rect::from_xywh(Pt(*x), Pt(*y), Pt(*w), Pt(*h)) },
            });
        }
        ops.push(Op::StartTextSection);
        let mut current: Option<(Face, f32)> = None;
        let mut current_grey = None;
        for line in &page.lines {
            if current_grey != Some(line.grey) {
                ops.push(Op::SetFillColor { col: grey(if line.grey { 0.35 } else { 0.0 }) });
                current_grey = Some(line.grey);
            }
            ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(line.x), Pt(line.y)) });
            for (face, run) in m.runs(line.face, &line.text) {
                if current != Some((face, line.size)) {
                    ops.push(Op::SetFont { font: handle(face), size: Pt(line.size) });
                    current = Some((face, line.size));
                }
                let mut items = Vec::new();
                if line.gap > 0.0 {
                    let off = -line.gap / line.size * 1000.0;
                    let mut parts = run.split(' ').peekable();
                    while let Some(part) = parts.next() {
                        if parts.peek().is_some() {
                            items.push(TextItem::Text(format!("{part} ")));
                            items.push(TextItem::Offset(off));
                        } else if !part.is_empty() {
                            items.push(TextItem::Text(part.to_string()));
                        }
                    }
                } else {
                    items.push(TextItem::Text(run.to_string()));
                }
                ops.push(Op::ShowText { items });
            }
        }
        ops.push(Op::EndTextSection);
        pages.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
    }
    pdf.pages = pages;
    for (name, page) in &l.bookmarks {
        pdf.add_bookmark(name, *page);
    }
    let date = printpdf::DateTime::from_unix_timestamp(opts.created).unwrap_or_else(|_| printpdf::DateTime::epoch());
    pdf.metadata.info.document_title = doc.title.clone();
    pdf.metadata.info.author = opts.author.clone();
    pdf.metadata.info.subject = opts.subject.clone();
    pdf.metadata.info.creator = "Steward".into();
    pdf.metadata.info.producer = "Steward".into();
    pdf.metadata.info.creation_date = date;
    pdf.metadata.info.modification_date = date;
    pdf.metadata.info.metadata_date = date;
    let mut warnings = Vec::new();
    // printpdf would deflate every stream at the highest level on one core (two thirds of an
    // export's time); it writes them plain and `compress` deflates them at a moderate level on
    // every core, for files a few per cent larger.
    // The objects go straight to `finish`, without writing and reading the file in between.
    let plain = PdfSaveOptions { optimize: false, ..PdfSaveOptions::default() };
    let objects = pdf.to_lopdf_document(&plain, &mut warnings);
    if let Some(w) = warnings.iter().find(|w| matches!(w.severity, printpdf::PdfParseErrorSeverity::Error)) {
        return Err(PdfError::Write(w.msg.clone()));
    }
    Ok(Typeset { pdf: objects, pages: total, signature_boxes: boxes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout<'static> {
        let fonts = fonts().expect("fonts");
        let mut l = Layout { m: Metrics::new(fonts), pages: Vec::new(), y: TOP, bookmarks: Vec::new() };
        l.new_page();
        l
    }

    fn words(n: usize) -> String {
        (0..n).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ")
    }

    fn lines_of(l: &mut Layout<'_>, text: &str) -> usize {
        l.break_lines(text, Face::Regular, BODY, RIGHT - (LEFT + 36.0)).len()
    }

    /// Leaves room for `n` body lines on the current page (after the paragraph gap).
    fn room_for(l: &mut Layout<'_>, n: f32) {
        l.y = BOTTOM + 5.0 + LEADING * n + 1.0;
        l.pages[0].lines.push(Placed {
            x: LEFT,
            y: l.y,
            text: "above".into(),
            face: Face::Regular,
            size: BODY,
            gap: 0.0,
            grey: false,
        });
    }

    fn count(l: &Layout<'_>, page: usize) -> usize {
        l.pages[page].lines.iter().filter(|p| p.text.starts_with("word")).count()
    }

    #[test]
    fn no_orphan_a_paragraph_never_starts_with_one_line_at_the_foot() {
        let mut l = layout();
        let text = words(120);
        assert!(lines_of(&mut l, &text) >= 5);
        room_for(&mut l, 1.0);
        l.para(Para::body(None, LEFT, LEFT + 36.0, &text), 0);
        assert_eq!(count(&l, 0), 0, "nothing of it on the first page");
        assert_eq!(l.pages.len(), 2);
    }

    #[test]
    fn no_widow_a_split_paragraph_carries_at_least_two_lines_over() {
        let mut l = layout();
        let text = (10..300).map(words).find(|t| lines_of(&mut l, t) == 5).expect("some length makes five lines");
        room_for(&mut l, 4.0);
        l.para(Para::body(None, LEFT, LEFT + 36.0, &text), 0);
        assert_eq!((count(&l, 0), count(&l, 1)), (3, 2), "3 + 2, never 4 + 1");
    }

    #[test]
    fn a_heading_keeps_with_the_next_lines() {
        let mut l = layout();
        room_for(&mut l, 2.0);
        let mut h = Para::body(None, LEFT, LEFT, "word HEADING");
        (h.face, h.keep_with_next) = (Face::Bold, true);
        l.para(h, 2);
        assert_eq!(count(&l, 0), 0, "the heading moved to the next page with its text");
        assert_eq!(count(&l, 1), 1);
    }

    #[test]
    fn justified_lines_fill_the_measure() {
        let mut l = layout();
        l.para(Para::body(None, LEFT, LEFT + 36.0, &words(60)), 0);
        let lines: Vec<&Placed> = l.pages[0].lines.iter().filter(|p| p.text.starts_with("word")).collect();
        let width = RIGHT - (LEFT + 36.0);
        for p in &lines[..lines.len() - 1] {
            let natural = l.m.width(p.face, &p.text, p.size);
            let filled = natural + p.gap * p.text.matches(' ').count() as f32;
            assert!((filled - width).abs() < 0.5, "{filled} vs {width}");
        }
        assert_eq!(lines.last().map(|p| p.gap), Some(0.0), "the last line is not stretched");
    }
}
