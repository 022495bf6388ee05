//! Each list format read from a small file in its publisher's layout; bad files refused whole
//! with the row named; the screening finds a party listed under another form of its name.

use steward_diligence::screening::{Format, Index, SourceFile, THRESHOLD, lists};

use steward_diligence::samples::{ADD, ALT, CSL, EU, EU_XML, GENERIC, OFAC_XML, SDN, UK};

fn one(name: &str, text: &str) -> lists::List {
    let mut v =
        lists::parse(&[SourceFile { name, bytes: text.as_bytes() }]).unwrap_or_else(|p| panic!("{name}: {p:#?}"));
    assert_eq!(v.len(), 1);
    v.remove(0)
}

#[test]
fn an_ofac_release_is_one_list_with_aliases_and_countries() {
    let files = [
        SourceFile { name: "sdn.csv", bytes: SDN.as_bytes() },
        SourceFile { name: "alt.csv", bytes: ALT.as_bytes() },
        SourceFile { name: "add.csv", bytes: ADD.as_bytes() },
    ];
    let v = lists::parse(&files).expect("parses");
    assert_eq!(v.len(), 1);
    let l = &v[0];
    assert_eq!(l.format, Format::OfacSdnCsv);
    assert_eq!(l.entries.len(), 3);
    let aero = l.entries.iter().find(|e| e.reference == "36").expect("36");
    assert_eq!(aero.names, ["AEROCARIBBEAN AIRLINES", "AERO-CARIBBEAN"]);
    assert_eq!(aero.countries, ["Cuba"]);
    assert_eq!(aero.kind, "entity");
    let petrov = l.entries.iter().find(|e| e.reference == "2674").expect("2674");
    assert_eq!(petrov.kind, "individual");
    assert_eq!(petrov.programs, ["RUSSIA-EO14024"]);
    assert_eq!(l.sha256.len(), 64);
    // The file order does not change the list's hash.
    let again = lists::parse(&[files[2], files[0], files[1]]).expect("parses");
    assert_eq!(again[0].sha256, l.sha256);
}

#[test]
fn uk_eu_csl_and_generic_files_are_read_by_their_headers() {
    let uk = one("ConList.csv", UK);
    assert_eq!((uk.format, uk.published.as_deref()), (Format::UkConsolidatedCsv, Some("2026-11-28")));
    assert_eq!(uk.entries.len(), 2);
    assert_eq!(uk.entries[0].names, ["ROSTEC STATE CORPORATION", "ROSTEKH"]);
    assert_eq!(uk.entries[1].names, ["Ivan Sergeyevich PETROV"]);
    assert_eq!(uk.entries[1].kind, "individual");

    let eu = one("eu.csv", EU);
    assert_eq!((eu.format, eu.published.as_deref()), (Format::EuConsolidatedCsv, Some("2026-11-27")));
    assert_eq!(eu.entries[0].names.len(), 2);
    assert_eq!(eu.entries[0].countries, ["RU"]);
    assert_eq!(eu.entries[1].kind, "individual");

    let csl = one("consolidated.csv", CSL);
    assert_eq!(csl.format, Format::UsConsolidatedScreeningCsv);
    assert_eq!(csl.entries[0].names, ["Harbin Institute of Technology", "HIT", "Harbin Gongye Daxue"]);
    assert!(csl.entries[0].programs[0].starts_with("Entity List"));

    let g = one("watch.csv", GENERIC);
    assert_eq!((g.format, g.name.as_str()), (Format::GenericCsv, "Internal watch list"));
    assert_eq!(g.entries[0].names, ["Ferrant Cryogenix Holdings", "Ferrant Kryo"]);
}

#[test]
fn bad_files_are_refused_whole_with_the_row_named() {
    let check = |files: &[(&str, &str)], want: &[&str]| {
        let files: Vec<SourceFile<'_>> =
            files.iter().map(|(n, t)| SourceFile { name: n, bytes: t.as_bytes() }).collect();
        let problems = lists::parse(&files).expect_err("refused");
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        for w in want {
            assert!(text.iter().any(|t| t.contains(w)), "{w} not in {text:#?}");
        }
    };
    check(&[("empty.csv", "")], &["empty.csv: the file is empty"]);
    check(&[("x.csv", "hello,world\n1,2\n")], &["x.csv:1: not a list layout"]);
    check(&[("sdn.csv", "36,\"A\",-0-,\"CUBA\"\n")], &["sdn.csv"]);
    check(&[("sdn.csv", &SDN.replace("173,", "x173,"))], &["sdn.csv:2"]);
    check(
        &[("sdn.csv", &SDN.replace("\"ANGLO-CARIBBEAN CO., LTD.\"", "-0-"))],
        &["sdn.csv:2: an entry needs its number"],
    );
    check(&[("alt.csv", ALT)], &["found 0 sdn files"]);
    check(&[("sdn.csv", SDN), ("alt.csv", "999,1,\"aka\",\"GHOST\",-0- \n")], &["entry 999"]);
    check(&[("ConList.csv", &UK.replace("Group ID", "Group Number"))], &["ConList.csv:2: the header lacks Group ID"]);
    check(&[("ConList.csv", &UK.replace(",14201", ","))], &["ConList.csv:5"]);
    check(&[("eu.csv", &EU.replace(";27;", ";;"))], &["eu.csv:4"]);
    check(&[("watch.csv", &GENERIC.replace(",DE,", ",Germany,"))], &["watch.csv:2: country 'Germany'"]);
    check(&[("watch.csv", &format!("{GENERIC},,,,\n"))], &["watch.csv:4: a row needs its name"]);
    // A good file beside a bad one: nothing is read.
    check(&[("watch.csv", GENERIC), ("x.csv", "nothing here\n")], &["x.csv:1"]);
}

#[test]
fn latin1_files_and_byte_order_marks_are_read() {
    let latin1: Vec<u8> =
        b"name,aliases,country,list,reference\nSoci\xe9t\xe9 G\xe9n\xe9rale d'Armement,,FR,L,1\n".to_vec();
    let v = lists::parse(&[SourceFile { name: "l.csv", bytes: &latin1 }]).expect("parses");
    assert_eq!(v[0].entries[0].names[0], "Société Générale d'Armement");
    let bom = format!("\u{feff}{GENERIC}");
    assert_eq!(one("bom.csv", &bom).entries.len(), 2);
}

#[test]
fn screening_finds_parties_under_other_forms_of_a_listed_name() {
    let mut entries = one("ConList.csv", UK).entries;
    entries.extend(one("consolidated.csv", CSL).entries);
    entries.extend(one("watch.csv", GENERIC).entries);
    let index = Index::new(&entries);
    let found = |q: &str| index.search(q, THRESHOLD).first().map(|h| entries[h.entry].names[0].clone());
    assert_eq!(found("Ferránt Cryogenix Holdings GmbH").as_deref(), Some("Ferrant Cryogenix Holdings"));
    assert_eq!(found("Cryogenix Holdings Ferrant").as_deref(), Some("Ferrant Cryogenix Holdings"));
    assert_eq!(found("Ростех").as_deref(), Some("ROSTEC STATE CORPORATION"));
    assert_eq!(found("Harbin Inst. of Technology").as_deref(), Some("Harbin Institute of Technology"));
    assert_eq!(found("Sergeyevich Petrov Ivan").as_deref(), Some("Ivan Sergeyevich PETROV"));
    assert_eq!(found("The University of Northmoor"), None);
    // A near-identical name is a possible match for a person to clear; a different company is not.
    assert_eq!(found("Ferrant Cryogenics GmbH").as_deref(), Some("Ferrant Cryogenix Holdings"));
    assert_eq!(found("Ferrant Logistics GmbH"), None);
}

#[test]
fn the_xml_editions_of_the_ofac_and_eu_lists_are_read() {
    let ofac = one("SDN.XML", OFAC_XML);
    assert_eq!((ofac.format, ofac.published.as_deref()), (Format::OfacSdnXml, Some("2026-11-27")));
    assert_eq!(ofac.entries[0].names, ["AEROCARIBBEAN AIRLINES", "AERO-CARIBBEAN"]);
    assert_eq!(ofac.entries[0].countries, ["Cuba"]);
    assert_eq!(ofac.entries[1].names, ["Ivan Sergeyevich PETROV", "Ivan PETROV & SONS"]);
    assert_eq!(ofac.entries[1].kind, "individual");

    let eu = one("eu.xml", EU_XML);
    assert_eq!((eu.format, eu.published.as_deref()), (Format::EuConsolidatedXml, Some("2026-11-27")));
    assert_eq!(eu.entries[0].names.len(), 2);
    assert_eq!((eu.entries[0].kind.as_str(), eu.entries[0].countries.as_slice()), ("entity", &["RU".to_string()][..]));
    assert_eq!(eu.entries[1].countries, ["KP"]);

    let bad = |name: &str, text: &str, want: &str| {
        let problems = lists::parse(&[SourceFile { name, bytes: text.as_bytes() }]).expect_err("refused");
        let t: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(t.iter().any(|p| p.contains(want)), "{want} not in {t:#?}");
    };
    bad("SDN.XML", &OFAC_XML.replace("<uid>2674</uid>", ""), "SDN.XML:17: an sdnEntry needs its uid and lastName");
    bad("SDN.XML", &OFAC_XML.replace("</sdnList>", ""), "SDN.XML:");
    bad("eu.xml", &EU_XML.replace(r#"logicalId="27""#, ""), "eu.xml:10: a sanctionEntity needs its logicalId");
    bad(
        "uk.xml",
        "<?xml version=\"1.0\"?><Designations><Designation/></Designations>",
        "uk.xml:1: an XML list Steward does not read",
    );
}

#[test]
fn a_date_in_another_encoding_is_no_date_and_no_crash() {
    // Found by the fuzz target: a multi-byte character inside the first ten bytes of the date.
    let mut bytes = EU.replace("2026-11-27T10:00:00", "2X026-11-27T10:00:00").into_bytes();
    for b in bytes.iter_mut().filter(|b| **b == b'X') {
        *b = 0xe3;
    }
    let v = lists::parse(&[SourceFile { name: "eu.csv", bytes: &bytes }]).expect("parses");
    assert_eq!(v[0].published, None);
    let odd = EU_XML.replace("2026-11-27T10:00:00.000+01:00", "27/11/2026");
    assert_eq!(one("eu.xml", &odd).published, None);
}
