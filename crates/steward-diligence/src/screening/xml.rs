//! The XML editions of the lists: OFAC's `SDN.XML` (`sdnList` of `sdnEntry`, names in elements)
//! and the EU consolidated financial sanctions file (`export` of `sanctionEntity`, names in
//! attributes). Read with quick-xml as a stream; every bad entry is named with its line.

use super::lists::{Entry, Format, List, SourceFile, sha256_one};
use crate::Problem;
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;

/// Which XML list a document is, by its root element.
pub(crate) fn layout(text: &str) -> Option<Format> {
    let mut r = quick_xml::Reader::from_str(text);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return match e.local_name().as_ref() {
                    b"sdnList" => Some(Format::OfacSdnXml),
                    b"export" => Some(Format::EuConsolidatedXml),
                    _ => None,
                };
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn line_at(text: &str, pos: u64) -> usize {
    let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    text.as_bytes()[..pos].iter().filter(|b| **b == b'\n').count() + 1
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.trim().to_string()))
        .unwrap_or_default()
}

fn xml_error(f: &SourceFile<'_>, text: &str, pos: u64, e: impl std::fmt::Display) -> Vec<Problem> {
    vec![Problem::new(format!("{}:{}", f.name, line_at(text, pos)), format!("not well-formed XML: {e}"))]
}

/// `MM/DD/YYYY` (OFAC's publication date) as `YYYY-MM-DD`.
fn mdy(s: &str) -> Option<String> {
    let mut p = s.trim().split('/');
    let (m, d, y) = (p.next()?, p.next()?, p.next()?);
    let ok = |x: &str, n: usize| !x.is_empty() && x.len() <= n && x.bytes().all(|b| b.is_ascii_digit());
    (ok(m, 2) && ok(d, 2) && y.len() == 4 && ok(y, 4)).then(|| format!("{y}-{m:0>2}-{d:0>2}"))
}

/// Text of the current element, with entity references resolved.
fn push_text(buf: &mut String, e: &Event<'_>) {
    match e {
        Event::Text(t) => {
            if let Ok(s) = t.decode() {
                buf.push_str(&s);
            }
        }
        Event::CData(t) => {
            if let Ok(s) = t.decode() {
                buf.push_str(&s);
            }
        }
        Event::GeneralRef(r) => {
            if let Ok(Some(c)) = r.resolve_char_ref() {
                buf.push(c);
            } else if let Ok(name) = r.decode() {
                buf.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
        }
        _ => {}
    }
}

/// An sdnEntry being read: its line, fields, aliases, countries and programmes.
type Reading = (usize, BTreeMap<&'static str, String>, Vec<String>, Vec<String>, Vec<String>);

pub(crate) fn ofac(f: &SourceFile<'_>, text: &str) -> Result<List, Vec<Problem>> {
    let mut r = quick_xml::Reader::from_str(text);
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut buf = String::new();
    let mut published = None;
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    // The entry being read: its fields, and the aka / address being read inside it.
    let mut cur: Option<Reading> = None;
    let mut aka = (String::new(), String::new());
    loop {
        let pos = r.buffer_position();
        let ev = match r.read_event() {
            Ok(ev) => ev,
            Err(e) => return Err(xml_error(f, text, r.error_position(), e)),
        };
        match &ev {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_vec();
                if name == b"sdnEntry" {
                    cur = Some((line_at(text, pos), BTreeMap::new(), Vec::new(), Vec::new(), Vec::new()));
                }
                if name == b"aka" {
                    aka = (String::new(), String::new());
                }
                path.push(name);
                buf.clear();
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(Vec::as_slice).unwrap_or(b"");
                let value = buf.trim().to_string();
                buf.clear();
                match (parent, name.as_slice()) {
                    (b"publshInformation" | b"publishInformation", b"Publish_Date") => published = mdy(&value),
                    (b"sdnEntry", field @ (b"uid" | b"firstName" | b"lastName" | b"sdnType")) => {
                        if let Some(c) = cur.as_mut() {
                            let key = match field {
                                b"uid" => "uid",
                                b"firstName" => "first",
                                b"lastName" => "last",
                                _ => "type",
                            };
                            c.1.insert(key, value);
                        }
                    }
                    (b"programList", b"program") => {
                        if let Some(c) = cur.as_mut() {
                            c.4.push(value);
                        }
                    }
                    (b"aka", b"firstName") => aka.0 = value,
                    (b"aka", b"lastName") => aka.1 = value,
                    (b"akaList", b"aka") => {
                        if let Some(c) = cur.as_mut() {
                            let n = [aka.0.as_str(), aka.1.as_str()]
                                .iter()
                                .filter(|s| !s.is_empty())
                                .copied()
                                .collect::<Vec<_>>()
                                .join(" ");
                            if !n.is_empty() {
                                c.2.push(n);
                            }
                        }
                    }
                    (b"address", b"country") => {
                        if let Some(c) = cur.as_mut() {
                            if !value.is_empty() && !c.3.contains(&value) {
                                c.3.push(value);
                            }
                        }
                    }
                    (_, b"sdnEntry") => {
                        if let Some((line, fields, akas, countries, programs)) = cur.take() {
                            let uid = fields.get("uid").cloned().unwrap_or_default();
                            let last = fields.get("last").cloned().unwrap_or_default();
                            if uid.is_empty() || last.is_empty() {
                                problems.push(Problem::new(
                                    format!("{}:{line}", f.name),
                                    "an sdnEntry needs its uid and lastName",
                                ));
                                continue;
                            }
                            let first = fields.get("first").cloned().unwrap_or_default();
                            let primary = if first.is_empty() { last } else { format!("{first} {last}") };
                            let mut names = vec![primary];
                            names.extend(akas);
                            let kind = fields.get("type").map(|t| t.to_ascii_lowercase()).unwrap_or_default();
                            entries.push(Entry { reference: uid, kind, names, countries, programs });
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => {
                if let Some(open) = path.last() {
                    return Err(vec![Problem::new(
                        format!("{}:{}", f.name, line_at(text, pos)),
                        format!("the file ends inside <{}>: it is cut short", String::from_utf8_lossy(open)),
                    )]);
                }
                break;
            }
            other => push_text(&mut buf, other),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if entries.is_empty() {
        return Err(vec![Problem::new(f.name, "an sdnList without any sdnEntry")]);
    }
    Ok(List {
        format: Format::OfacSdnXml,
        name: "OFAC Specially Designated Nationals and Blocked Persons".into(),
        published,
        sha256: sha256_one(f),
        files: vec![f.name.to_string()],
        entries,
    })
}

pub(crate) fn eu(f: &SourceFile<'_>, text: &str) -> Result<List, Vec<Problem>> {
    let mut r = quick_xml::Reader::from_str(text);
    let mut published = None;
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut cur: Option<(usize, Entry)> = None;
    let mut depth = 0usize;
    loop {
        let pos = r.buffer_position();
        let ev = match r.read_event() {
            Ok(ev) => ev,
            Err(e) => return Err(xml_error(f, text, r.error_position(), e)),
        };
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.local_name().as_ref() {
                b"export" => {
                    let d = attr(&e, b"generationDate");
                    published = super::lists::iso_date(&d);
                }
                b"sanctionEntity" => {
                    let entry = Entry {
                        reference: attr(&e, b"logicalId"),
                        kind: String::new(),
                        names: Vec::new(),
                        countries: Vec::new(),
                        programs: Vec::new(),
                    };
                    let line = line_at(text, pos);
                    if empty {
                        problems.push(Problem::new(format!("{}:{line}", f.name), "a sanctionEntity without names"));
                    } else {
                        cur = Some((line, entry));
                    }
                }
                b"subjectType" => {
                    if let Some((_, c)) = cur.as_mut() {
                        c.kind = match attr(&e, b"code").as_str() {
                            "person" => "individual".into(),
                            "enterprise" => "entity".into(),
                            other => other.to_string(),
                        };
                    }
                }
                b"nameAlias" => {
                    if let Some((_, c)) = cur.as_mut() {
                        let whole = attr(&e, b"wholeName");
                        if !whole.is_empty() && !c.names.contains(&whole) {
                            c.names.push(whole);
                        }
                    }
                }
                b"citizenship" | b"address" => {
                    if let Some((_, c)) = cur.as_mut() {
                        let code = attr(&e, b"countryIso2Code");
                        if !code.is_empty() && code != "00" && !c.countries.contains(&code) {
                            c.countries.push(code);
                        }
                    }
                }
                b"regulation" => {
                    if let Some((_, c)) = cur.as_mut() {
                        let p = attr(&e, b"programme");
                        if !p.is_empty() && !c.programs.contains(&p) {
                            c.programs.push(p);
                        }
                    }
                }
                _ => {}
            }
        }
        match &ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match ev {
            Event::Eof if depth > 0 => {
                return Err(vec![Problem::new(
                    format!("{}:{}", f.name, line_at(text, pos)),
                    "the file ends inside an element: it is cut short",
                )]);
            }
            Event::End(e) if e.local_name().as_ref() == b"sanctionEntity" => {
                if let Some((line, entry)) = cur.take() {
                    if entry.reference.is_empty() || entry.names.is_empty() {
                        problems.push(Problem::new(
                            format!("{}:{line}", f.name),
                            "a sanctionEntity needs its logicalId and a nameAlias with a wholeName",
                        ));
                    } else {
                        entries.push(entry);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if entries.is_empty() {
        return Err(vec![Problem::new(f.name, "an export without any sanctionEntity")]);
    }
    Ok(List {
        format: Format::EuConsolidatedXml,
        name: "EU consolidated list of persons, groups and entities subject to financial sanctions".into(),
        published,
        sha256: sha256_one(f),
        files: vec![f.name.to_string()],
        entries,
    })
}
