//! Sanctions list files: reading any bytes as one or several list files never panics, and a list
//! that reads can be indexed and searched.
#![no_main]
use libfuzzer_sys::fuzz_target;
use steward_diligence::screening::{Index, SourceFile, THRESHOLD, lists};

fuzz_target!(|data: &[u8]| {
    // Up to three files, split at form feeds (an OFAC release is sdn.csv + alt.csv + add.csv).
    let parts: Vec<&[u8]> = data.splitn(3, |b| *b == 0x0c).collect();
    let names = ["sdn.csv", "alt.csv", "add.csv"];
    let files: Vec<SourceFile<'_>> = parts.iter().zip(names).map(|(b, n)| SourceFile { name: n, bytes: b }).collect();
    if let Ok(lists) = lists::parse(&files) {
        for l in lists {
            let index = Index::new(&l.entries);
            if let Some(name) = l.entries.first().and_then(|e| e.names.first()) {
                let _ = index.search(name, THRESHOLD);
            }
        }
    }
});
