//! Ledger CSV: the columns of [`EntryFields`] (plus, on export, each entry's id and the entries it
//! reverses or replaces). Reading reports every bad row with its line number; it never stops at
//! the first.

use crate::Problem;
use crate::entry::EntryFields;

/// Columns an import understands; `date`, `party`, `category`, `currency` and `description` are
/// required, and each row gives `amount` or (`hours` or `fte_months`) with `rate`.
pub const COLUMNS: &[&str] = &[
    "date",
    "party",
    "person",
    "category",
    "amount",
    "currency",
    "hours",
    "fte_months",
    "rate",
    "description",
    "evidence",
];
/// Columns an export adds; an import accepts them (`id` and `reverses` link reversals within a
/// file, the rest is ignored).
pub const EXPORT_COLUMNS: &[&str] = &["id", "reverses", "replaces", "recorded_by", "recorded_at"];
const REQUIRED: &[&str] = &["date", "party", "category", "currency", "description"];

/// The largest file an import reads (rows beyond it are refused as a whole).
pub const MAX_ROWS: usize = 1_000_000;

/// One data row: its line in the file, its fields, and the export-only links it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub fields: EntryFields,
    pub id: Option<String>,
    pub reverses: Option<String>,
}

/// A problem with a line of the file (line 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("line {line}: {field}: {message}")]
pub struct RowProblem {
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl RowProblem {
    pub fn new(line: u64, p: Problem) -> Self {
        Self { line, field: p.field, message: p.message }
    }
}

/// Reads the rows of a ledger CSV. A bad header fails the whole file; problems of single rows
/// (ragged, bad UTF-8) come back beside every row that could be read.
pub fn read(data: &[u8]) -> Result<(Vec<Row>, Vec<RowProblem>), Vec<RowProblem>> {
    let mut problems = Vec::new();
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut r = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(data);
    let headers = match r.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_ascii_lowercase()).collect::<Vec<_>>(),
        Err(e) => return Err(vec![RowProblem::new(1, Problem::new("header", csv_reason(&e)))]),
    };
    if headers.iter().all(String::is_empty) {
        return Err(vec![RowProblem::new(1, Problem::new("header", "the file is empty or has no header row"))]);
    }
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) && !EXPORT_COLUMNS.contains(&h.as_str()) {
            problems.push(RowProblem::new(
                1,
                Problem::new(format!("column '{h}'"), format!("is not a ledger column ({})", COLUMNS.join(", "))),
            ));
        }
    }
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            problems.push(RowProblem::new(1, Problem::new(format!("column '{h}'"), "appears twice")));
        }
    }
    for req in REQUIRED {
        if !headers.iter().any(|h| h == req) {
            problems.push(RowProblem::new(1, Problem::new(format!("column '{req}'"), "is missing")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let idx: Vec<Option<usize>> = COLUMNS.iter().map(|c| col(c)).collect();
    let (id_col, rev_col) = (col("id"), col("reverses"));
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers from byte offsets (the reader's own count skips blank lines).
    let (mut counted_to, mut lines_before) = (0usize, 0u64);
    let mut line_at = |byte: u64| {
        // A record's position is where reading began, before any blank lines it skipped.
        let mut byte = (byte as usize).min(data.len());
        while byte < data.len() && matches!(data[byte], b'\n' | b'\r') {
            byte += 1;
        }
        if byte >= counted_to {
            // A line ends at LF, CRLF, or a CR alone (old spreadsheet exports).
            lines_before += (counted_to..byte)
                .filter(|&k| data[k] == b'\n' || (data[k] == b'\r' && data.get(k + 1) != Some(&b'\n')))
                .count() as u64;
            counted_to = byte;
        }
        lines_before + 1
    };
    loop {
        let line = line_at(r.position().byte());
        match r.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| line_at(p.byte()));
                if rows.len() >= MAX_ROWS {
                    problems
                        .push(RowProblem::new(line, Problem::new("file", format!("has more than {MAX_ROWS} rows"))));
                    break;
                }
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let get = |i: usize| idx[i].and_then(|c| record.get(c)).unwrap_or("").to_string();
                let opt = |c: Option<usize>| {
                    c.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
                };
                rows.push(Row {
                    line,
                    fields: EntryFields {
                        date: get(0),
                        party: get(1),
                        person: get(2),
                        category: get(3),
                        amount: get(4),
                        currency: get(5),
                        hours: get(6),
                        fte_months: get(7),
                        rate: get(8),
                        description: get(9),
                        evidence: get(10),
                    },
                    id: opt(id_col),
                    reverses: opt(rev_col),
                });
            }
            Err(e) => {
                let at = e.position().map_or(line, |p| line_at(p.byte()));
                problems.push(RowProblem::new(at, Problem::new("row", csv_reason(&e))));
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    Ok((rows, problems))
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8".to_string(),
        _ => e.to_string(),
    }
}

/// One exported entry: the import columns and the export-only ones, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportRow {
    pub fields: EntryFields,
    pub id: String,
    pub reverses: String,
    pub replaces: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// Writes rows with the full header; the result imports again.
pub fn write(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(EXPORT_COLUMNS[..1].iter().chain(COLUMNS).chain(&EXPORT_COLUMNS[1..]))?;
    for r in rows {
        let f = &r.fields;
        w.write_record([
            &r.id,
            &f.date,
            &f.party,
            &f.person,
            &f.category,
            &f.amount,
            &f.currency,
            &f.hours,
            &f.fte_months,
            &f.rate,
            &f.description,
            &f.evidence,
            &r.reverses,
            &r.replaces,
            &r.recorded_by,
            &r.recorded_at,
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_with_their_line_numbers() {
        let data = b"date,party,category,amount,currency,description\n2027-01-31,Northmoor,cash,100.00,GBP,\"Funds, first tranche\"\n\n2027-02-28,Ferrant,equipment,5000,EUR,Cryostat time\n";
        let (rows, problems) = read(data).expect("reads");
        assert!(problems.is_empty());
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4]);
        assert_eq!(rows[0].fields.description, "Funds, first tranche");
    }

    #[test]
    fn lines_are_counted_for_any_line_ending() {
        for nl in ["\n", "\r\n", "\r"] {
            let data = [
                "date,party,category,amount,currency,description",
                "2027-01-31,A,cash,1,GBP,x",
                "",
                "2027-02-28,B,cash,2,EUR,y",
                "",
            ]
            .join(nl);
            let (rows, problems) = read(data.as_bytes()).expect("reads");
            assert!(problems.is_empty());
            assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4], "line ending {nl:?}");
        }
    }

    #[test]
    fn structural_problems_name_their_lines() {
        let problems = read(b"date,party,colour\n").expect_err("bad header");
        assert!(problems.iter().any(|p| p.field == "column 'colour'"));
        assert!(problems.iter().any(|p| p.field == "column 'currency'" && p.message == "is missing"));
        let (rows, problems) =
            read(b"date,party,category,currency,description,amount\n2027-01-01,A,cash,GBP,x,1\n2027-01-01,A,cash\n2027-01-01,A,cash,GBP,x\n")
                .expect("header fine");
        assert_eq!(rows.len(), 1);
        assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), vec![3, 4]);
        assert!(read(b"").is_err());
        let (_, problems) = read(b"date,party,category,currency,description\n\xff\xfe,x,y,z,w\n").expect("header fine");
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn an_export_reads_back() {
        let row = ExportRow {
            fields: EntryFields {
                date: "2027-01-31".into(),
                party: "Ferrant".into(),
                category: "cash".into(),
                amount: "-100.00".into(),
                currency: "EUR".into(),
                description: "Reverses 3: \"wrong\" invoice".into(),
                ..EntryFields::default()
            },
            id: "4".into(),
            reverses: "3".into(),
            ..ExportRow::default()
        };
        let bytes = write(std::slice::from_ref(&row)).expect("writes");
        let (back, _) = read(&bytes).expect("reads");
        assert_eq!(back[0].fields, row.fields);
        assert_eq!((back[0].id.as_deref(), back[0].reverses.as_deref()), (Some("4"), Some("3")));
    }
}
