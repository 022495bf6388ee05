//! Names brought to one form before they are compared: Unicode compatibility decomposition with the
//! accents dropped, other scripts transliterated to Latin, lower case, punctuation to spaces, and
//! the words that say what kind of company or body a name is (Ltd, GmbH, LLC, "the", ...) left out.

use unicode_normalization::UnicodeNormalization;

/// Words that do not tell one organisation from another.
const NOISE: &[&str] = &[
    "the",
    "of",
    "and",
    "for",
    "de",
    "des",
    "du",
    "der",
    "und",
    "la",
    "le",
    "el",
    "y",
    "et",
    "ltd",
    "limited",
    "gmbh",
    "mbh",
    "llc",
    "l",
    "inc",
    "incorporated",
    "co",
    "company",
    "corp",
    "corporation",
    "sa",
    "ag",
    "plc",
    "llp",
    "lp",
    "kg",
    "bv",
    "nv",
    "oy",
    "ab",
    "spa",
    "srl",
    "sarl",
    "sas",
    "pty",
    "pte",
    "kk",
    "kabushiki",
    "kaisha",
    "ooo",
    "oao",
    "zao",
    "pao",
    "ao",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "tov",
    "fze",
    "fzco",
    "fzc",
    "wll",
    "bhd",
    "sdn",
    "tbk",
    "pt",
    "se",
    "eg",
    "ug",
    "ev",
    "gesellschaft",
    "aktiengesellschaft",
    "s",
    "a",
    "group",
    "holding",
    "holdings",
];

/// Long company forms, also when mistyped ("Corpoation").
const LONG_NOISE: &[&str] =
    &["corporation", "company", "limited", "incorporated", "gesellschaft", "aktiengesellschaft", "holdings"];

fn noise(w: &str) -> bool {
    NOISE.contains(&w)
        || (w.len() >= 6
            && LONG_NOISE.iter().any(|n| n.as_bytes()[..2] == w.as_bytes()[..2] && strsim::jaro_winkler(w, n) >= 0.94))
}

/// The distinguishing words of a name, normalised, in their order.
pub fn tokens(name: &str) -> Vec<String> {
    // Most listed names are plain ASCII already.
    let latin = if name.is_ascii() {
        std::borrow::Cow::Borrowed(name)
    } else {
        let decomposed: String = name.nfkd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).collect();
        std::borrow::Cow::Owned(deunicode::deunicode(&decomposed))
    };
    let mut lower = String::with_capacity(latin.len());
    for c in latin.chars() {
        if c.is_ascii_alphanumeric() {
            lower.push(c.to_ascii_lowercase());
        } else if c == '\'' {
            // O'Brien, Xi'an: one word.
        } else {
            lower.push(' ');
        }
    }
    // Letters written apart ("G.m.b.H.", "S. A.", "J. R.") are one word.
    let mut words: Vec<String> = Vec::new();
    let mut letters = false;
    for w in lower.split_whitespace() {
        let single = w.len() == 1 && w.as_bytes()[0].is_ascii_alphabetic();
        match words.last_mut() {
            Some(last) if single && letters => last.push_str(w),
            _ => words.push(w.to_string()),
        }
        letters = single;
    }
    let kept: Vec<String> = words.iter().filter(|w| !noise(w)).cloned().collect();
    // A name made only of such words ("The Company") is kept as it is.
    if kept.is_empty() { words } else { kept }
}

#[cfg(test)]
mod tests {
    use super::tokens;

    #[test]
    fn accents_scripts_case_punctuation_and_company_forms() {
        assert_eq!(tokens("Ferrant Cryogenics GmbH"), ["ferrant", "cryogenics"]);
        assert_eq!(tokens("FERRANT-CRYOGENICS G.m.b.H."), ["ferrant", "cryogenics"]);
        assert_eq!(tokens("Société Générale d'Études S.A."), ["societe", "generale", "detudes"]);
        assert_eq!(tokens("Московский институт"), ["moskovskii", "institut"]);
        assert_eq!(tokens("ＡＣＭＥ Ltd"), ["acme"]);
        assert_eq!(tokens("The Company Ltd"), ["the", "company", "ltd"]);
        assert_eq!(tokens(""), Vec::<String>::new());
    }
}
