//! Ledger entries: what a party put in, validated from text (the CLI, the desktop form and CSV rows
//! all pass through [`EntryFields::validate`]).

use crate::Problem;
use crate::money::{Currency, Decimal, MAX_MINOR, div_round};
use chrono::NaiveDate;

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parses the stored name; spaces and hyphens may stand for underscores.
            pub fn parse(field: &str, text: &str) -> Result<Self, $crate::Problem> {
                let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                match t.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::Problem::new(field, format!(
                        "'{}' is not one of: {}", text.trim(), [$($text),+].join(", ")
                    ))),
                }
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// What kind of contribution an entry records.
    Category {
        Cash = "cash",
        StaffTime = "staff_time",
        BackgroundIp = "background_ip",
        Data = "data",
        Equipment = "equipment",
        Facilities = "facilities",
        Materials = "materials",
    }
);

text_enum!(
    /// How the amount was arrived at: money directly, or time times a rate.
    Measure { Money = "money", Hours = "hours", FteMonths = "fte_months" }
);

/// An entry as typed or read from a CSV row: every field text, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct EntryFields {
    pub date: String,
    pub party: String,
    pub person: String,
    pub category: String,
    /// Money in major units (`1234.56`); or empty when hours / FTE-months are given.
    pub amount: String,
    pub currency: String,
    pub hours: String,
    pub fte_months: String,
    /// Money per hour or per FTE-month, in major units of `currency`.
    pub rate: String,
    pub description: String,
    /// A note, or `sha256:` and 64 hex digits naming a file.
    pub evidence: String,
}

/// A checked entry (the party and person still as given: the store resolves them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEntry {
    pub date: NaiveDate,
    pub party: String,
    pub person: Option<String>,
    pub category: Category,
    pub currency: Currency,
    pub amount_minor: i64,
    pub measure: Measure,
    /// Hours or FTE-months in hundredths.
    pub quantity_centi: Option<i64>,
    pub rate_minor: Option<i64>,
    pub description: String,
    pub evidence_note: Option<String>,
    pub evidence_sha256: Option<String>,
}

/// The evidence field that names a file by its content (the file itself is not kept).
pub fn file_evidence(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(bytes)))
}

/// Earliest and latest dates an entry may carry.
pub const FIRST_DATE: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
pub const LAST_DATE: NaiveDate = NaiveDate::from_ymd_opt(2199, 12, 31).expect("valid date");

/// Parses an ISO date within the ledger's range.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate, Problem> {
    let t = text.trim();
    let d = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| Problem::new(field, format!("'{t}' is not a date (YYYY-MM-DD)")))?;
    if d < FIRST_DATE || d > LAST_DATE {
        return Err(Problem::new(field, format!("{t} is out of range ({FIRST_DATE} to {LAST_DATE})")));
    }
    Ok(d)
}

/// The amount of `quantity_centi` hundredths of a unit at `rate_minor` per unit, rounded half away
/// from zero to a minor unit; `None` beyond [`MAX_MINOR`].
pub fn amount_from_time(quantity_centi: i64, rate_minor: i64) -> Option<i64> {
    let amount = div_round(i128::from(quantity_centi) * i128::from(rate_minor), 100);
    i64::try_from(amount).ok().filter(|a| a.abs() <= MAX_MINOR)
}

impl EntryFields {
    /// Checks every field and reports every problem at once.
    pub fn validate(&self) -> Result<ValidEntry, Vec<Problem>> {
        let mut problems = Vec::new();
        let date = keep(&mut problems, parse_date("date", &self.date));
        let party = keep(&mut problems, nonempty("party", &self.party, 200));
        let category = keep(&mut problems, Category::parse("category", &self.category));
        let currency = keep(&mut problems, Currency::parse("currency", &self.currency));
        let description = keep(&mut problems, nonempty("description", &self.description, 2000));
        let given: Vec<&str> = [("amount", &self.amount), ("hours", &self.hours), ("fte_months", &self.fte_months)]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, _)| k)
            .collect();
        let mut measured = None;
        match given.as_slice() {
            [] => problems.push(Problem::new("amount", "give an amount, or hours or fte_months with a rate")),
            [_, _, ..] => problems.push(Problem::new(given[1], format!("give only one of {}", given.join(", ")))),
            ["amount"] => {
                if !self.rate.trim().is_empty() {
                    problems.push(Problem::new("rate", "a rate goes with hours or fte_months, not with an amount"));
                }
                if let Some(c) = currency {
                    match c.parse_amount("amount", &self.amount) {
                        Ok(m) if m > 0 => measured = Some((m, Measure::Money, None, None)),
                        Ok(_) => problems.push(Problem::new(
                            "amount",
                            "must be more than zero (a correction is a reversal of the entry, not a negative entry)",
                        )),
                        Err(p) => problems.push(p),
                    }
                }
            }
            [unit] => {
                let (measure, text, max) = if *unit == "hours" {
                    (Measure::Hours, &self.hours, 100_000_000) // hundredths: 1,000,000 hours
                } else {
                    (Measure::FteMonths, &self.fte_months, 1_000_000) // hundredths: 10,000 FTE-months
                };
                let quantity = match Decimal::parse(unit, text) {
                    Ok(d) if !d.is_positive() => {
                        problems.push(Problem::new(*unit, format!("must be more than zero, not {}", text.trim())));
                        None
                    }
                    Ok(d) => match d.to_centi() {
                        Some(c) if c <= max => Some(c),
                        Some(_) => {
                            problems.push(Problem::new(*unit, format!("{} is implausibly large", text.trim())));
                            None
                        }
                        None => {
                            problems.push(Problem::new(*unit, "has more than two decimal places"));
                            None
                        }
                    },
                    Err(p) => {
                        problems.push(p);
                        None
                    }
                };
                let rate = if self.rate.trim().is_empty() {
                    problems.push(Problem::new("rate", format!("{unit} need a rate per unit to yield an amount")));
                    None
                } else {
                    currency.and_then(|c| match c.parse_amount("rate", &self.rate) {
                        Ok(r) if r > 0 => Some(r),
                        Ok(_) => {
                            problems.push(Problem::new("rate", "must be more than zero"));
                            None
                        }
                        Err(p) => {
                            problems.push(p);
                            None
                        }
                    })
                };
                if let (Some(q), Some(r)) = (quantity, rate) {
                    match amount_from_time(q, r) {
                        None => problems.push(Problem::new("rate", "the amount it yields is too large")),
                        Some(0) => problems.push(Problem::new("rate", "the amount it yields rounds to zero")),
                        Some(amount) => measured = Some((amount, measure, Some(q), Some(r))),
                    }
                }
            }
        }
        let evidence = self.evidence.trim();
        let (evidence_note, evidence_sha256) = if evidence.is_empty() {
            (None, None)
        } else if let Some(h) = evidence.strip_prefix("sha256:") {
            if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
                (None, Some(h.to_ascii_lowercase()))
            } else {
                problems.push(Problem::new("evidence", "sha256: must be followed by 64 hexadecimal digits"));
                (None, None)
            }
        } else if evidence.chars().count() > 2000 {
            problems.push(Problem::new("evidence", "is longer than 2000 characters"));
            (None, None)
        } else {
            (Some(evidence.to_string()), None)
        };
        let person = self.person.trim();
        match (date, party, category, currency, description, measured) {
            (Some(date), Some(party), Some(category), Some(currency), Some(description), Some(m))
                if problems.is_empty() =>
            {
                Ok(ValidEntry {
                    date,
                    party,
                    person: (!person.is_empty()).then(|| person.to_string()),
                    category,
                    currency,
                    amount_minor: m.0,
                    measure: m.1,
                    quantity_centi: m.2,
                    rate_minor: m.3,
                    description,
                    evidence_note,
                    evidence_sha256,
                })
            }
            _ => Err(problems),
        }
    }
}

/// The value, or `None` with its problem noted.
pub fn keep<T>(problems: &mut Vec<Problem>, r: Result<T, Problem>) -> Option<T> {
    r.map_err(|p| problems.push(p)).ok()
}

fn nonempty(field: &str, text: &str, max: usize) -> Result<String, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Problem::new(field, "is required"));
    }
    if t.chars().count() > max {
        return Err(Problem::new(field, format!("is longer than {max} characters")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Problem::new(field, "contains control characters"));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> EntryFields {
        EntryFields {
            date: "2027-03-31".into(),
            party: "Northmoor".into(),
            category: "staff time".into(),
            currency: "GBP".into(),
            hours: "37.5".into(),
            rate: "48.20".into(),
            description: "Postdoctoral researcher, March".into(),
            ..EntryFields::default()
        }
    }

    #[test]
    fn time_times_rate_gives_the_amount() {
        let e = fields().validate().expect("valid");
        assert_eq!(
            (e.measure, e.quantity_centi, e.rate_minor, e.amount_minor),
            (Measure::Hours, Some(3750), Some(4820), 180_750)
        );
        assert_eq!(e.category, Category::StaffTime);
        assert_eq!(amount_from_time(150, 333), Some(500)); // 1.5 × 3.33 = 4.995 → 5.00
        // Products beyond the largest amount are refused, not wrapped.
        assert_eq!(amount_from_time(100_000_000, 18_446_744_073_710), None);
        let mut huge = fields();
        (huge.hours, huge.rate) = ("1000000".into(), "100000000000".into());
        assert!(huge.validate().expect_err("too large").iter().any(|p| p.message.contains("too large")));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = EntryFields {
            date: "2027-02-30".into(),
            party: " ".into(),
            category: "goodwill".into(),
            currency: "XYZ".into(),
            hours: "-3".into(),
            description: String::new(),
            evidence: "sha256:abc".into(),
            ..EntryFields::default()
        };
        let problems = bad.validate().expect_err("invalid");
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for f in ["date", "party", "category", "currency", "description", "hours", "rate", "evidence"] {
            assert!(fields.contains(&f), "{f} missing from {problems:?}");
        }
    }

    #[test]
    fn a_file_is_named_by_its_sha256() {
        let evidence = file_evidence(b"abc");
        assert_eq!(evidence, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let f = EntryFields { evidence, ..fields() };
        assert!(f.validate().expect("valid").evidence_sha256.is_some());
    }

    #[test]
    fn out_of_range_dates_and_two_measures_are_refused() {
        let mut f = fields();
        f.date = "1969-12-31".into();
        f.amount = "10".into();
        let problems = f.validate().expect_err("invalid");
        assert!(problems.iter().any(|p| p.field == "date" && p.message.contains("out of range")));
        assert!(problems.iter().any(|p| p.message.contains("only one of")));
    }
}
