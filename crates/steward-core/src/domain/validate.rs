//! Validation of single values that users type. Each check returns a [`FieldError`] naming the field.

use crate::error::FieldError;
use chrono::NaiveDate;

/// Trims and requires a non-empty text of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    optional_text(field, Some(v), max).map(|o| o.unwrap_or_default())
}

/// Trims; an empty text becomes `None`. Longer than `max` characters or control characters are refused.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let n = v.chars().count();
    if n > max {
        return Err(FieldError::new(field, format!("is {n} characters long; at most {max} are allowed")));
    }
    if let Some(c) = v.chars().find(|c| c.is_control() && *c != '\n' && *c != '\t') {
        return Err(FieldError::new(field, format!("contains the control character U+{:04X}", c as u32)));
    }
    Ok(Some(v.to_string()))
}

/// A country as its ISO 3166-1 alpha-2 code, upper-cased (`gb` becomes `GB`); also taken as
/// an alpha-3 code (`PRT`) or the country's English name in ISO 3166 (`Portugal`, any case).
pub fn country(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let mut code = v.to_ascii_uppercase();
    // ISO keeps UK reserved for the United Kingdom, whose code is GB; people type both.
    if code == "UK" {
        code = "GB".into();
    }
    if code.len() == 2 && isocountry::CountryCode::for_alpha2(&code).is_ok() {
        return Ok(code);
    }
    if code.len() == 3 {
        if let Ok(c) = isocountry::CountryCode::for_alpha3(&code) {
            return Ok(c.alpha2().to_string());
        }
    }
    let folded = v.to_lowercase();
    if let Some(c) = isocountry::CountryCode::iter().find(|c| c.name().to_lowercase() == folded) {
        return Ok(c.alpha2().to_string());
    }
    Err(FieldError::new(
        field,
        format!("'{v}' is not a country Steward knows: type its name (Portugal) or its ISO code (PT)"),
    ))
}

/// Every country as (alpha-2 code, English name), by name: what a country field suggests.
pub fn countries() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        isocountry::CountryCode::iter().map(|c| (c.alpha2().to_string(), c.name().to_string())).collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The English short name of a valid alpha-2 code.
pub fn country_name(code: &str) -> Option<&'static str> {
    isocountry::CountryCode::for_alpha2(code).ok().map(|c| c.name())
}

/// An e-mail address, syntax only (nothing is sent).
pub fn email(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let ok = email_address::EmailAddress::parse_with_options(
        v,
        email_address::Options::default().with_required_tld().without_display_text(),
    )
    .is_ok();
    if ok { Ok(v.to_string()) } else { Err(FieldError::new(field, format!("'{v}' is not an e-mail address"))) }
}

/// An ORCID iD: `0000-0002-1825-0097`, with or without the `https://orcid.org/` prefix; the last
/// character is an ISO 7064 MOD 11-2 check digit (0-9 or X). Returns the bare 19-character form.
pub fn orcid(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let bare = v
        .strip_prefix("https://orcid.org/")
        .or_else(|| v.strip_prefix("http://orcid.org/"))
        .or_else(|| v.strip_prefix("orcid.org/"))
        .unwrap_or(v);
    let shape_ok = bare.len() == 19
        && bare.char_indices().all(|(i, c)| match i {
            4 | 9 | 14 => c == '-',
            18 => c.is_ascii_digit() || c == 'X' || c == 'x',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(FieldError::new(field, format!("'{v}' is not an ORCID iD (form 0000-0000-0000-000X)")));
    }
    let digits: Vec<u32> =
        bare.chars().filter(|c| c.is_ascii_digit()).take(15).filter_map(|c| c.to_digit(10)).collect();
    let total = digits.iter().fold(0u32, |t, d| (t + d) * 2);
    let check = (12 - total % 11) % 11;
    let expected = if check == 10 { 'X' } else { char::from_digit(check, 10).unwrap_or('?') };
    let last = bare.chars().last().map(|c| c.to_ascii_uppercase()).unwrap_or(' ');
    if last != expected {
        return Err(FieldError::new(
            field,
            format!("'{v}' has a wrong check digit: it ends in {last}, the checksum gives {expected}"),
        ));
    }
    Ok(bare.to_ascii_uppercase())
}

/// A calendar date written as YYYY-MM-DD.
pub fn date(field: &str, value: &str) -> Result<NaiveDate, FieldError> {
    let v = value.trim();
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, format!("'{v}' is not a date of the form YYYY-MM-DD")))
        .and_then(|d| {
            let y = d.format("%Y").to_string().parse::<i32>().unwrap_or(0);
            if (1900..=2300).contains(&y) {
                Ok(d)
            } else {
                Err(FieldError::new(field, format!("{v} is outside the years 1900 to 2300")))
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries() {
        assert_eq!(country("c", "gb").as_deref(), Ok("GB"));
        assert_eq!(country("c", " DE ").as_deref(), Ok("DE"));
        for bad in ["", "G", "XX", "12", "é"] {
            let e = country("country", bad).unwrap_err();
            assert_eq!(e.field, "country");
            assert!(e.message.contains("is not a country Steward knows"), "{bad}: {}", e.message);
        }
        assert_eq!(country_name("JP"), Some("Japan"));
    }

    #[test]
    fn orcids() {
        // Published examples with a digit and with X as check character.
        assert_eq!(orcid("o", "0000-0002-1825-0097").as_deref(), Ok("0000-0002-1825-0097"));
        assert_eq!(orcid("o", "https://orcid.org/0000-0001-5109-3700").as_deref(), Ok("0000-0001-5109-3700"));
        assert_eq!(orcid("o", "0000-0002-1694-233x").as_deref(), Ok("0000-0002-1694-233X"));
        let e = orcid("orcid", "0000-0002-1825-0098").unwrap_err();
        assert!(e.message.contains("check digit"), "{}", e.message);
        for bad in ["", "0000-0002-1825-009", "0000000218250097", "0000-0002-1825-00X7", "abcd-0002-1825-0097"] {
            assert!(orcid("orcid", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(email("e", " a.b@uni.ac.uk ").as_deref(), Ok("a.b@uni.ac.uk"));
        for bad in ["", "a", "a@", "@b.com", "a b@c.com", "a@b", "Ann <a@b.com>"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts() {
        assert_eq!(required_text("t", "  x ", 5).as_deref(), Ok("x"));
        assert!(required_text("t", "   ", 5).is_err());
        assert!(required_text("t", "abcdef", 5).unwrap_err().message.contains("at most 5"));
        assert!(required_text("t", "a\u{0}b", 5).unwrap_err().message.contains("U+0000"));
        assert_eq!(optional_text("t", Some("  "), 5), Ok(None));
    }

    #[test]
    fn dates() {
        assert!(date("d", "2027-03-01").is_ok());
        for bad in ["2027-02-30", "1 March 2027", "27-03-01", "", "9999-01-01"] {
            assert!(date("start_date", bad).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod country_tests {
    #[test]
    fn countries_are_taken_by_code_or_name() {
        for (typed, code) in
            [("gb", "GB"), ("UK", "GB"), ("PRT", "PT"), ("Portugal", "PT"), (" portugal ", "PT"), ("Japan", "JP")]
        {
            assert_eq!(super::country("country", typed).ok().as_deref(), Some(code), "{typed}");
        }
        for bad in ["Po", "", "XX", "Atlantis"] {
            let e = super::country("country", bad).expect_err(bad);
            assert!(e.message.contains("is not a country Steward knows"), "{}", e.message);
        }
        let all = super::countries();
        assert!(all.len() > 240 && all.iter().any(|(c, n)| c == "PT" && n == "Portugal"));
    }
}
