//! Precision and recall of the name matcher on a labelled set the test writes: listed names, and
//! for each the forms a party's name takes in practice (case and punctuation, word order, company
//! forms, a typo, accents, another script) that must match, and similar-looking other names that
//! must not.

use steward_diligence::screening::{Entry, Index, THRESHOLD};

const LISTED: &[&str] = &[
    "Harbin Institute of Technology",
    "Beihang University",
    "Northwestern Polytechnical University",
    "National University of Defense Technology",
    "Sichuan University",
    "Moscow Institute of Physics and Technology",
    "Bauman Moscow State Technical University",
    "Skolkovo Institute of Science and Technology",
    "Rostec State Corporation",
    "Almaz-Antey Air and Space Defence Corporation",
    "Tactical Missiles Corporation",
    "United Aircraft Corporation",
    "Kalashnikov Concern",
    "Sukhoi Company",
    "Tupolev Aviation Company",
    "Shahid Hemmat Industrial Group",
    "Iran Electronics Industries",
    "Malek Ashtar University of Technology",
    "Sharif University of Technology",
    "Korea Mining Development Trading Corporation",
    "Namchongang Trading Corporation",
    "Belarusian Optical and Mechanical Association",
    "Integral Joint Stock Company",
    "Tianjin Phytium Information Technology",
    "Sugon Information Industry",
    "Shenzhen Dahua Technology",
    "Hikvision Digital Technology",
    "Iflytek Corporation",
    "Megvii Technology Limited",
    "Sensetime Group",
    "Nanchang Hangkong University",
    "Ferrant Cryogenics GmbH",
    "Volga-Dnepr Airlines",
    "Sovcomflot",
    "Novatek Polar Systems",
    "Zala Aero Group",
    "Kronstadt Technologies",
    "Special Technology Centre",
    "Radioavtomatika",
    "Elbit Photonics Trading",
    "Petrov, Ivan Sergeyevich",
    "Kim Jong Sik",
    "Abdullah Ahmad Mansour",
    "Zhang Wei Electronics Trading",
    "Oboronprom United Industrial Corporation",
    "Kurchatov Institute Research Centre",
    "Sarov Federal Nuclear Centre",
    "Arzamas Precision Instruments",
    "Novosibirsk Cathode Plant",
    "Ural Optical and Mechanical Plant",
    "Svyaz Engineering",
    "Pyongyang Informatics Centre",
    "Syrian Scientific Studies and Research Center",
    "Defense Industries Organization",
    "Aerospace Industries Organization",
    "Mizan Machinery Manufacturing",
    "Qods Aviation Industries",
    "Tehran Chemie Pharmaceutical",
    "Zhongshan Haifeng Optoelectronics",
    "Dalian Maritime Navigation Systems",
];

/// Forms of a listed name that must match it.
fn variants(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let mut v = vec![format!("{}.", name.to_uppercase().replace(' ', "  "))];
    let mut rev = words.clone();
    rev.reverse();
    v.push(rev.join(" "));
    v.push(format!("{name} Co., Ltd."));
    // One letter dropped from the longest word.
    let longest = words.iter().copied().max_by_key(|w| w.len()).unwrap_or(name);
    if longest.len() >= 6 {
        let mut typo = longest.to_string();
        typo.remove(longest.len() / 2);
        v.push(name.replacen(longest, &typo, 1));
    }
    // Accents on the vowels.
    v.push(name.replace('e', "é").replace('a', "á").replace('o', "ö"));
    v
}

/// Other names that look alike and must not match the listed one: its distinctive word swapped.
fn look_alikes(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let first = words[0].trim_end_matches(',');
    let others = ["Lakeshore", "Brightwater", "Calderon"];
    others.iter().map(|o| name.replacen(first, o, 1)).collect()
}

fn entry(i: usize, name: &str) -> Entry {
    Entry {
        reference: i.to_string(),
        kind: String::new(),
        names: vec![name.to_string()],
        countries: vec![],
        programs: vec![],
    }
}

#[test]
fn recall_and_precision_on_a_labelled_set() {
    let entries: Vec<Entry> = LISTED.iter().enumerate().map(|(i, n)| entry(i, n)).collect();
    let index = Index::new(&entries);
    let mut pairs: Vec<(String, usize, bool)> = Vec::new();
    for (i, n) in LISTED.iter().enumerate() {
        pairs.extend(variants(n).into_iter().map(|q| (q, i, true)));
        pairs.extend(look_alikes(n).into_iter().map(|q| (q, i, false)));
    }
    // Another script, by hand.
    for (q, listed) in [
        ("Ростех", "Rostec State Corporation"),
        ("Концерн Калашников", "Kalashnikov Concern"),
        ("Совкомфлот", "Sovcomflot"),
        ("Радиоавтоматика", "Radioavtomatika"),
        ("Петров Иван Сергеевич", "Petrov, Ivan Sergeyevich"),
    ] {
        let i = LISTED.iter().position(|n| *n == listed).expect("listed");
        pairs.push((q.to_string(), i, true));
    }
    // Unrelated institutions (a party's own name should not be flagged).
    for (k, q) in [
        "The University of Northmoor",
        "Kaminokawa Institute of Technology",
        "Massachusetts Institute of Technology",
        "University of Cambridge",
        "Technische Universität München",
        "Fraunhofer Institute for Applied Optics",
        "Imperial College London",
        "National Physical Laboratory",
    ]
    .iter()
    .enumerate()
    {
        for i in [k, k + 8, k + 16, k + 24, k + 32] {
            pairs.push((q.to_string(), i % LISTED.len(), false));
        }
    }
    assert!(pairs.len() >= 200, "{} pairs", pairs.len());

    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut missed = Vec::new();
    let mut wrong = Vec::new();
    for (q, i, positive) in &pairs {
        let found = index.search(q, THRESHOLD).iter().any(|h| h.entry == *i);
        match (found, positive) {
            (true, true) => tp += 1,
            (true, false) => {
                fp += 1;
                wrong.push(format!("{q} ~ {}", LISTED[*i]));
            }
            (false, true) => {
                fn_ += 1;
                missed.push(format!("{q} !~ {}", LISTED[*i]));
            }
            (false, false) => {}
        }
    }
    let recall = f64::from(tp) / f64::from(tp + fn_);
    let precision = f64::from(tp) / f64::from(tp + fp);
    println!("pairs {} recall {recall:.3} precision {precision:.3}", pairs.len());
    println!("missed: {missed:#?}\nwrong: {wrong:#?}");
    assert!(recall >= 0.95, "recall {recall:.3}; missed {missed:#?}");
    assert!(precision >= 0.9, "precision {precision:.3}; wrong {wrong:#?}");
}
