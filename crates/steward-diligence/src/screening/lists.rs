//! Sanctions and export-control list files, in the layouts their publishers use, recognised by
//! content (never by file name): the OFAC SDN list as its CSV files (`sdn.csv`, with `alt.csv` and
//! `add.csv` beside it), the UK consolidated list CSV, the EU consolidated financial sanctions CSV,
//! the US Consolidated Screening List CSV, and a generic CSV (`name`, `aliases`, `country`, `list`,
//! `reference`). Columns are read by name where the file has a header. A file is read whole or not
//! at all: every bad row is named by file and line.

use crate::Problem;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The largest list file read (the largest published ones are tens of megabytes).
pub const MAX_FILE: usize = 128 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    OfacSdnCsv,
    OfacSdnXml,
    UkConsolidatedCsv,
    EuConsolidatedCsv,
    EuConsolidatedXml,
    UsConsolidatedScreeningCsv,
    GenericCsv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::OfacSdnCsv => "ofac_sdn_csv",
            Format::OfacSdnXml => "ofac_sdn_xml",
            Format::EuConsolidatedXml => "eu_consolidated_xml",
            Format::UkConsolidatedCsv => "uk_consolidated_csv",
            Format::EuConsolidatedCsv => "eu_consolidated_csv",
            Format::UsConsolidatedScreeningCsv => "us_csl_csv",
            Format::GenericCsv => "generic_csv",
        }
    }
}

/// A file as read from disk.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// One listed person, organisation, vessel or aircraft, with every name it is listed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Entry {
    /// The publisher's id for it (OFAC ent_num, UK Group ID, EU logical id, ...).
    pub reference: String,
    /// `individual`, `entity`, `vessel`, `aircraft`, or empty when the list does not say.
    pub kind: String,
    /// The primary name first, then aliases.
    pub names: Vec<String>,
    pub countries: Vec<String>,
    pub programs: Vec<String>,
}

/// A list read from its files.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct List {
    pub format: Format,
    pub name: String,
    /// The publication date the file states (`YYYY-MM-DD`), if it states one.
    pub published: Option<String>,
    /// SHA-256 over the files' bytes, in file-name order.
    pub sha256: String,
    pub files: Vec<String>,
    pub entries: Vec<Entry>,
}

/// What one file turned out to be.
enum Part {
    OfacSdn(Vec<(String, Entry)>),
    OfacAlt(Vec<(String, String)>),
    OfacAdd(Vec<(String, String)>),
    Whole(List),
}

/// Reads the files of one import: the parts of an OFAC release become one list, every other file a
/// list of its own. All or nothing: any problem in any file refuses the whole import.
pub fn parse(files: &[SourceFile<'_>]) -> Result<Vec<List>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut parts = Vec::new();
    for f in files {
        if f.bytes.len() > MAX_FILE {
            problems.push(Problem::new(f.name, format!("larger than {} MB", MAX_FILE >> 20)));
            continue;
        }
        match part(f) {
            Ok(p) => parts.push((f, p)),
            Err(mut e) => problems.append(&mut e),
        }
    }
    let mut lists = Vec::new();
    let (mut sdn, mut alt, mut add) = (Vec::new(), Vec::new(), Vec::new());
    let mut ofac_files: Vec<&SourceFile<'_>> = Vec::new();
    for (f, p) in parts {
        match p {
            Part::Whole(l) => lists.push(l),
            Part::OfacSdn(v) => {
                ofac_files.push(f);
                sdn.push((f.name, v));
            }
            Part::OfacAlt(v) => {
                ofac_files.push(f);
                alt.extend(v);
            }
            Part::OfacAdd(v) => {
                ofac_files.push(f);
                add.extend(v);
            }
        }
    }
    if !ofac_files.is_empty() {
        if sdn.len() != 1 {
            let names: Vec<&str> = ofac_files.iter().map(|f| f.name).collect();
            problems.push(Problem::new(
                names.join(", "),
                format!("an OFAC release is one sdn.csv with its alt.csv and add.csv; found {} sdn files", sdn.len()),
            ));
        } else if let Some((file, entries)) = sdn.pop() {
            let mut by_ref: BTreeMap<String, Entry> = entries.into_iter().collect();
            for (r, name) in alt {
                match by_ref.get_mut(&r) {
                    Some(e) => e.names.push(name),
                    None => problems
                        .push(Problem::new(file, format!("alt.csv names entry {r}, which is not in the sdn file"))),
                }
            }
            for (r, country) in add {
                if let Some(e) = by_ref.get_mut(&r) {
                    if !e.countries.contains(&country) {
                        e.countries.push(country);
                    }
                }
            }
            lists.push(List {
                format: Format::OfacSdnCsv,
                name: "OFAC Specially Designated Nationals and Blocked Persons".into(),
                published: None,
                sha256: sha256_of(&ofac_files),
                files: ofac_files.iter().map(|f| f.name.to_string()).collect(),
                entries: by_ref.into_values().collect(),
            });
        }
    }
    if problems.is_empty() { Ok(lists) } else { Err(problems) }
}

pub(crate) fn sha256_one(f: &SourceFile<'_>) -> String {
    sha256_of(&[f])
}

fn sha256_of(files: &[&SourceFile<'_>]) -> String {
    let mut sorted: Vec<&&SourceFile<'_>> = files.iter().collect();
    sorted.sort_by_key(|f| f.name);
    let mut h = Sha256::new();
    for f in sorted {
        h.update(f.bytes);
    }
    hex::encode(h.finalize())
}

/// The text of a file: UTF-8 (a byte-order mark dropped), else Windows-1252 as older exports are.
fn text_of(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn part(f: &SourceFile<'_>) -> Result<Part, Vec<Problem>> {
    let text = text_of(f.bytes);
    // OFAC's files end with a DOS end-of-file mark.
    let text = text.trim_end_matches(['\u{1a}', '\r', '\n', ' ']);
    let first = text.lines().next().unwrap_or("").trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(vec![Problem::new(f.name, "the file is empty")]);
    }
    if text.trim_start().starts_with('<') {
        return match super::xml::layout(text) {
            Some(Format::OfacSdnXml) => super::xml::ofac(f, text).map(Part::Whole),
            Some(Format::EuConsolidatedXml) => super::xml::eu(f, text).map(Part::Whole),
            _ => Err(vec![Problem::new(
                format!("{}:1", f.name),
                "an XML list Steward does not read: OFAC's SDN.XML (sdnList) and the EU consolidated file (export) are read; for the UK Sanctions List, import its CSV",
            )]),
        };
    }
    if first.to_ascii_lowercase().starts_with("last updated") {
        return uk(f, text).map(Part::Whole);
    }
    if first.contains("Entity_LogicalId") {
        return eu(f, text).map(Part::Whole);
    }
    let header: Vec<String> = first.split(',').map(|h| h.trim().trim_matches('"').to_ascii_lowercase()).collect();
    let has = |h: &str| header.iter().any(|x| x == h);
    if has("source") && has("name") && has("alt_names") {
        return csl(f, text).map(Part::Whole);
    }
    if has("name") && (has("aliases") || has("reference") || has("list")) {
        return generic(f, text).map(Part::Whole);
    }
    let mut first_row = csv_reader(text.as_bytes(), b',', false);
    let record = first_row.records().next().and_then(Result::ok);
    if let Some(r) = record {
        let numeric = r.get(0).is_some_and(|s| !s.trim().is_empty() && s.trim().bytes().all(|b| b.is_ascii_digit()));
        if numeric && r.len() == 12 {
            return ofac_sdn(f, text).map(Part::OfacSdn);
        }
        if numeric
            && r.len() == 5
            && matches!(r.get(2).map(|s| s.trim().to_ascii_lowercase()).as_deref(), Some("aka" | "fka" | "nka"))
        {
            return ofac_alt(f, text).map(Part::OfacAlt);
        }
        if numeric && r.len() == 6 {
            return ofac_add(f, text).map(Part::OfacAdd);
        }
    }
    let shown: String = first.chars().take(80).collect();
    Err(vec![Problem::new(
        format!("{}:1", f.name),
        format!(
            "not a list layout Steward reads (OFAC SDN CSV or XML, UK consolidated CSV, EU consolidated CSV or XML, US Consolidated Screening List CSV, or a CSV with name, aliases, country, list, reference); it starts: {shown}"
        ),
    )])
}

fn csv_reader(data: &[u8], delimiter: u8, headers: bool) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().delimiter(delimiter).has_headers(headers).flexible(true).from_reader(data)
}

/// OFAC writes `-0-` for an empty field.
fn ofac(s: Option<&str>) -> String {
    let s = s.unwrap_or("").trim();
    if s == "-0-" { String::new() } else { s.to_string() }
}

/// Line numbers from byte offsets (the csv crate's own line count is off by one after `\r\n`).
struct Lines(Vec<usize>);

impl Lines {
    fn of(text: &str) -> Self {
        Lines(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i).collect())
    }
    /// The 1-based line of a record or error at `pos`, plus `offset` lines skipped before the text.
    fn at(&self, pos: Option<&csv::Position>, offset: usize) -> usize {
        let byte = pos.map_or(0, |p| p.byte() as usize);
        self.0.partition_point(|&n| n <= byte) + 1 + offset
    }
}

fn row_error(f: &SourceFile<'_>, line: usize, msg: impl Into<String>) -> Problem {
    Problem::new(format!("{}:{line}", f.name), msg)
}

/// The rows of a headerless OFAC file with their lines; a row of another width is a problem.
fn ofac_rows(
    f: &SourceFile<'_>,
    text: &str,
    width: usize,
    what: &str,
) -> (Vec<(usize, csv::StringRecord)>, Vec<Problem>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let lines = Lines::of(text);
    for r in csv_reader(text.as_bytes(), b',', false).records() {
        match r {
            Err(e) => problems.push(row_error(f, lines.at(e.position(), 0), e.to_string())),
            Ok(r) if r.len() != width => problems.push(row_error(
                f,
                lines.at(r.position(), 0),
                format!("an {what} row has {width} fields, this one {}", r.len()),
            )),
            Ok(r) => rows.push((lines.at(r.position(), 0), r)),
        }
    }
    (rows, problems)
}

fn ofac_sdn(f: &SourceFile<'_>, text: &str) -> Result<Vec<(String, Entry)>, Vec<Problem>> {
    let (rows, mut problems) = ofac_rows(f, text, 12, "sdn.csv");
    let mut out = Vec::new();
    for (line, r) in rows {
        let reference = ofac(r.get(0));
        let name = ofac(r.get(1));
        if reference.is_empty() || !reference.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
            problems.push(row_error(f, line, "an entry needs its number (ent_num) and its name (SDN_Name)"));
            continue;
        }
        let kind = match ofac(r.get(2)).to_ascii_lowercase().as_str() {
            "" => "entity".to_string(),
            other => other.to_string(),
        };
        let programs = ofac(r.get(3))
            .split(']')
            .map(|p| p.trim().trim_start_matches('[').trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        out.push((reference.clone(), Entry { reference, kind, names: vec![name], countries: Vec::new(), programs }));
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

fn ofac_alt(f: &SourceFile<'_>, text: &str) -> Result<Vec<(String, String)>, Vec<Problem>> {
    ofac_pairs(f, text, 5, 3, "alt.csv", "its entry number and the alias (alt_name)")
}

fn ofac_add(f: &SourceFile<'_>, text: &str) -> Result<Vec<(String, String)>, Vec<Problem>> {
    let rows = ofac_pairs(f, text, 6, 4, "add.csv", "its entry number")?;
    Ok(rows.into_iter().filter(|(_, c)| !c.is_empty()).collect())
}

fn ofac_pairs(
    f: &SourceFile<'_>,
    text: &str,
    width: usize,
    column: usize,
    what: &str,
    needs: &str,
) -> Result<Vec<(String, String)>, Vec<Problem>> {
    let (rows, mut problems) = ofac_rows(f, text, width, what);
    let mut out = Vec::new();
    for (line, r) in rows {
        let reference = ofac(r.get(0));
        let value = ofac(r.get(column));
        if reference.is_empty()
            || !reference.bytes().all(|b| b.is_ascii_digit())
            || (what == "alt.csv" && value.is_empty())
        {
            problems.push(row_error(f, line, format!("an {what} row needs {needs}")));
            continue;
        }
        out.push((reference, value));
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// Reads a headed CSV: the header's column positions by name (case-insensitive), and each row.
struct Headed {
    columns: BTreeMap<String, usize>,
    rows: Vec<(usize, csv::StringRecord)>,
}

impl Headed {
    fn read(
        f: &SourceFile<'_>,
        text: &str,
        delimiter: u8,
        skip_lines: usize,
        required: &[&str],
    ) -> Result<Self, Vec<Problem>> {
        let body: &str = {
            let mut rest = text;
            for _ in 0..skip_lines {
                rest = rest.split_once('\n').map_or("", |(_, r)| r);
            }
            rest
        };
        let mut rdr = csv_reader(body.as_bytes(), delimiter, true);
        let header = rdr.headers().map_err(|e| vec![row_error(f, skip_lines + 1, e.to_string())])?.clone();
        let columns: BTreeMap<String, usize> =
            header.iter().enumerate().map(|(i, h)| (h.trim().to_ascii_lowercase(), i)).collect();
        let missing: Vec<&str> =
            required.iter().copied().filter(|c| !columns.contains_key(&c.to_ascii_lowercase())).collect();
        if !missing.is_empty() {
            return Err(vec![row_error(
                f,
                skip_lines + 1,
                format!("the header lacks {}: the publisher may have changed the layout", missing.join(", ")),
            )]);
        }
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        let lines = Lines::of(body);
        for r in rdr.records() {
            match r {
                Ok(r) => rows.push((lines.at(r.position(), skip_lines), r)),
                Err(e) => problems.push(row_error(f, lines.at(e.position(), skip_lines), e.to_string())),
            }
        }
        if problems.is_empty() { Ok(Headed { columns, rows }) } else { Err(problems) }
    }
    fn get<'r>(&self, r: &'r csv::StringRecord, column: &str) -> &'r str {
        self.columns.get(&column.to_ascii_lowercase()).and_then(|i| r.get(*i)).unwrap_or("").trim()
    }
}

/// Entries grouped by reference, in first-seen order, names and countries without repeats.
#[derive(Default)]
struct Grouped {
    order: Vec<String>,
    by_ref: BTreeMap<String, Entry>,
}

impl Grouped {
    fn add(&mut self, reference: &str, kind: &str, name: &str, country: &str, program: &str) {
        let e = self.by_ref.entry(reference.to_string()).or_insert_with(|| {
            self.order.push(reference.to_string());
            Entry {
                reference: reference.to_string(),
                kind: String::new(),
                names: Vec::new(),
                countries: Vec::new(),
                programs: Vec::new(),
            }
        });
        if e.kind.is_empty() && !kind.is_empty() {
            e.kind = kind.to_string();
        }
        for (v, item) in [(&mut e.names, name), (&mut e.countries, country), (&mut e.programs, program)] {
            if !item.is_empty() && !v.iter().any(|x| x == item) {
                v.push(item.to_string());
            }
        }
    }
    fn entries(mut self) -> Vec<Entry> {
        self.order.iter().filter_map(|r| self.by_ref.remove(r)).filter(|e| !e.names.is_empty()).collect()
    }
}

/// The `YYYY-MM-DD` a timestamp starts with, if it starts with one.
pub(crate) fn iso_date(s: &str) -> Option<String> {
    let d = s.trim().get(..10)?;
    let b = d.as_bytes();
    let shape = b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    shape.then(|| d.to_string())
}

/// `dd/mm/yyyy` as `yyyy-mm-dd`.
fn dmy(s: &str) -> Option<String> {
    let mut p = s.trim().split(['/', '.', '-']);
    let (d, m, y) = (p.next()?, p.next()?, p.next()?);
    let ok = |x: &str, n: usize| x.len() <= n && !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    (ok(d, 2) && ok(m, 2) && y.len() == 4 && ok(y, 4)).then(|| format!("{y}-{m:0>2}-{d:0>2}"))
}

fn uk(f: &SourceFile<'_>, text: &str) -> Result<List, Vec<Problem>> {
    let first = text.lines().next().unwrap_or("");
    let published = first.split(',').nth(1).and_then(dmy);
    let h = Headed::read(f, text, b',', 1, &["Name 6", "Group ID", "Group Type"])?;
    let mut g = Grouped::default();
    let mut problems = Vec::new();
    for (line, r) in &h.rows {
        let reference = h.get(r, "Group ID");
        let parts: Vec<&str> = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"]
            .iter()
            .map(|c| h.get(r, c))
            .filter(|s| !s.is_empty())
            .collect();
        if reference.is_empty() || h.get(r, "Name 6").is_empty() {
            problems.push(row_error(
                f,
                *line,
                "a row needs its Group ID and Name 6 (the surname or the entity's name)",
            ));
            continue;
        }
        let kind = match h.get(r, "Group Type").to_ascii_lowercase().as_str() {
            "individual" => "individual",
            "entity" => "entity",
            "ship" => "vessel",
            _ => "",
        };
        g.add(reference, kind, &parts.join(" "), h.get(r, "Country"), h.get(r, "Regime"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(List {
        format: Format::UkConsolidatedCsv,
        name: "UK consolidated list of financial sanctions targets".into(),
        published,
        sha256: sha256_of(&[f]),
        files: vec![f.name.to_string()],
        entries: g.entries(),
    })
}

fn eu(f: &SourceFile<'_>, text: &str) -> Result<List, Vec<Problem>> {
    let h = Headed::read(f, text, b';', 0, &["Entity_LogicalId", "NameAlias_WholeName"])?;
    let mut g = Grouped::default();
    let mut problems = Vec::new();
    let mut published = None;
    for (line, r) in &h.rows {
        let reference = h.get(r, "Entity_LogicalId");
        if reference.is_empty() {
            problems.push(row_error(f, *line, "a row needs its Entity_LogicalId"));
            continue;
        }
        if published.is_none() {
            published = iso_date(h.get(r, "fileGenerationDate"));
        }
        let kind = match h.get(r, "Entity_SubjectType_ClassificationCode").to_ascii_lowercase().as_str() {
            "person" => "individual",
            "enterprise" => "entity",
            _ => match h.get(r, "Entity_SubjectType") {
                "P" | "p" => "individual",
                "E" | "e" => "entity",
                _ => "",
            },
        };
        let country = [h.get(r, "Citizenship_CountryIso2Code"), h.get(r, "Address_CountryIso2Code")];
        g.add(reference, kind, h.get(r, "NameAlias_WholeName"), country[0], h.get(r, "Entity_Regulation_Programme"));
        if !country[1].is_empty() {
            g.add(reference, kind, "", country[1], "");
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let entries = g.entries();
    if entries.is_empty() {
        return Err(vec![Problem::new(f.name, "no entry has a name (NameAlias_WholeName)")]);
    }
    Ok(List {
        format: Format::EuConsolidatedCsv,
        name: "EU consolidated list of persons, groups and entities subject to financial sanctions".into(),
        published,
        sha256: sha256_of(&[f]),
        files: vec![f.name.to_string()],
        entries,
    })
}

fn csl(f: &SourceFile<'_>, text: &str) -> Result<List, Vec<Problem>> {
    let h = Headed::read(f, text, b',', 0, &["source", "name", "alt_names"])?;
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (line, r) in &h.rows {
        let name = h.get(r, "name");
        if name.is_empty() {
            problems.push(row_error(f, *line, "a row needs its name"));
            continue;
        }
        let reference = [h.get(r, "_id"), h.get(r, "id"), h.get(r, "entity_number")]
            .into_iter()
            .find(|s| !s.is_empty())
            .map_or_else(|| format!("row {line}"), str::to_string);
        let mut names = vec![name.to_string()];
        names.extend(h.get(r, "alt_names").split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string));
        let countries = [h.get(r, "citizenships"), h.get(r, "nationalities")]
            .iter()
            .flat_map(|s| s.split([';', ',']))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let mut programs: Vec<String> = vec![h.get(r, "source").to_string()];
        programs.extend(h.get(r, "programs").split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string));
        programs.retain(|p| !p.is_empty());
        entries.push(Entry { reference, kind: h.get(r, "type").to_ascii_lowercase(), names, countries, programs });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(List {
        format: Format::UsConsolidatedScreeningCsv,
        name: "US Consolidated Screening List".into(),
        published: None,
        sha256: sha256_of(&[f]),
        files: vec![f.name.to_string()],
        entries,
    })
}

fn generic(f: &SourceFile<'_>, text: &str) -> Result<List, Vec<Problem>> {
    let h = Headed::read(f, text, b',', 0, &["name"])?;
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut list_names: Vec<String> = Vec::new();
    for (line, r) in &h.rows {
        let name = h.get(r, "name");
        if name.is_empty() {
            problems.push(row_error(f, *line, "a row needs its name"));
            continue;
        }
        let country = h.get(r, "country");
        if !country.is_empty() && !crate::questionnaire::is_country_code(&country.to_ascii_uppercase()) {
            problems.push(row_error(f, *line, format!("country '{country}' is not a two-letter ISO 3166-1 code")));
            continue;
        }
        let list = h.get(r, "list");
        if !list.is_empty() && !list_names.iter().any(|l| l == list) {
            list_names.push(list.to_string());
        }
        let mut names = vec![name.to_string()];
        names.extend(h.get(r, "aliases").split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string));
        let reference =
            Some(h.get(r, "reference")).filter(|s| !s.is_empty()).map_or_else(|| format!("row {line}"), str::to_string);
        entries.push(Entry {
            reference,
            kind: String::new(),
            names,
            countries: if country.is_empty() { vec![] } else { vec![country.to_ascii_uppercase()] },
            programs: if list.is_empty() { vec![] } else { vec![list.to_string()] },
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let name = match list_names.as_slice() {
        [one] => one.clone(),
        _ => f.name.rsplit(['/', '\\']).next().unwrap_or(f.name).to_string(),
    };
    Ok(List {
        format: Format::GenericCsv,
        name,
        published: None,
        sha256: sha256_of(&[f]),
        files: vec![f.name.to_string()],
        entries,
    })
}
