//! Typed variables: their declarations, parsing what a drafter typed into one normal form, the
//! constraints, and the formatting that templates print through helpers.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum VarType {
    Text,
    Date,
    Duration,
    Money,
    Percentage,
    Integer,
    Bool,
    Enum,
    Party,
    List,
}

impl VarType {
    pub fn as_str(self) -> &'static str {
        match self {
            VarType::Text => "text",
            VarType::Date => "date",
            VarType::Duration => "duration",
            VarType::Money => "money",
            VarType::Percentage => "percentage",
            VarType::Integer => "integer",
            VarType::Bool => "bool",
            VarType::Enum => "enum",
            VarType::Party => "party",
            VarType::List => "list",
        }
    }
    /// Whose values must be printed through a helper, never bare.
    pub fn needs_helper(self) -> (bool, &'static str) {
        match self {
            VarType::Date => (true, "date"),
            VarType::Duration => (true, "duration"),
            VarType::Money => (true, "money"),
            VarType::Percentage => (true, "percent"),
            VarType::Party => (true, "party_name"),
            VarType::List => (true, "list"),
            _ => (false, ""),
        }
    }
}

fn yes() -> bool {
    true
}

/// A typed variable as a template declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct VarDecl {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: VarType,
    pub label: String,
    #[serde(default)]
    pub help: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Json>,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currencies: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<VarType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
}

impl VarDecl {
    /// A required variable with no default or constraints.
    pub fn new(name: &str, ty: VarType, label: &str) -> Self {
        VarDecl {
            name: name.to_string(),
            ty,
            label: label.to_string(),
            help: String::new(),
            default: None,
            required: true,
            min: None,
            max: None,
            max_length: None,
            values: None,
            labels: None,
            currencies: None,
            item: None,
            min_items: None,
            max_items: None,
        }
    }
}

/// A party the draft may refer to: a member of the collaboration, as it was when the revision was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PartyInfo {
    pub id: i64,
    pub legal_name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub role: String,
    pub registration_number: Option<String>,
    pub address: Option<String>,
    pub country: String,
    pub country_name: String,
}

impl PartyInfo {
    pub fn short(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.legal_name)
    }
}

const MAX_TEXT: usize = 500;
const MAX_LIST_ITEMS: usize = 200;

/// Parses a drafter's value for `decl` into the normal form stored in drafts, or says why not.
/// `input` is what came in: text from `--set`, or any JSON from a variables file.
pub fn normalize(decl: &VarDecl, input: &Json, parties: &[PartyInfo]) -> Result<Json, String> {
    let text = match input {
        Json::String(s) => Some(s.trim().to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let need_text =
        || text.clone().ok_or_else(|| format!("expected a {} value, got {}", decl.ty.as_str(), kind_of(input)));
    match decl.ty {
        VarType::Text => {
            let s = need_text()?;
            check_text(&s, decl.max_length.unwrap_or(MAX_TEXT))?;
            Ok(Json::String(s))
        }
        VarType::Date => {
            let d = parse_date(&need_text()?)?;
            for (bound, is_min) in [(&decl.min, true), (&decl.max, false)] {
                if let Some(b) = bound.as_ref().and_then(Json::as_str).and_then(|b| parse_date(b).ok()) {
                    if (is_min && d < b) || (!is_min && d > b) {
                        return Err(format!("{} is {} {}", d, if is_min { "before" } else { "after" }, b));
                    }
                }
            }
            Ok(Json::String(d.format("%Y-%m-%d").to_string()))
        }
        VarType::Duration => {
            let d = Duration::parse(&need_text()?)?;
            for (bound, is_min) in [(&decl.min, true), (&decl.max, false)] {
                if let Some(b) = bound.as_ref().and_then(Json::as_str).and_then(|b| Duration::parse(b).ok()) {
                    if (is_min && d.approx_days() < b.approx_days()) || (!is_min && d.approx_days() > b.approx_days()) {
                        return Err(format!(
                            "{} is {} than the {} of {}",
                            d,
                            if is_min { "shorter" } else { "longer" },
                            if is_min { "minimum" } else { "maximum" },
                            b
                        ));
                    }
                }
            }
            Ok(Json::String(d.to_string()))
        }
        VarType::Money => {
            let m = Money::parse(&need_text()?)?;
            if let Some(allowed) = &decl.currencies {
                if !allowed.iter().any(|c| c == &m.currency) {
                    return Err(format!("currency {} is not one of {}", m.currency, allowed.join(", ")));
                }
            }
            for (bound, is_min) in [(&decl.min, true), (&decl.max, false)] {
                if let Some(b) = bound.as_ref().and_then(Json::as_str).and_then(|b| Money::parse(b).ok()) {
                    if b.currency == m.currency && ((is_min && m.minor < b.minor) || (!is_min && m.minor > b.minor)) {
                        return Err(format!(
                            "{} is {} {}",
                            m,
                            if is_min { "below the minimum of" } else { "above the maximum of" },
                            b
                        ));
                    }
                }
            }
            Ok(Json::String(m.to_string()))
        }
        VarType::Percentage => {
            let p = parse_percent(&need_text()?)?;
            let min = decl.min.as_ref().and_then(json_number).unwrap_or(0.0);
            let max = decl.max.as_ref().and_then(json_number).unwrap_or(100.0);
            let v = p as f64 / 100.0;
            if v < min || v > max {
                return Err(format!("{} is outside {}% to {}%", format_percent(p), min, max));
            }
            Ok(Json::String(format_percent_plain(p)))
        }
        VarType::Integer => {
            let s = need_text()?;
            let n: i64 = s.replace(',', "").parse().map_err(|_| format!("'{s}' is not a whole number"))?;
            if let Some(min) = decl.min.as_ref().and_then(Json::as_i64) {
                if n < min {
                    return Err(format!("{n} is below the minimum of {min}"));
                }
            }
            if let Some(max) = decl.max.as_ref().and_then(Json::as_i64) {
                if n > max {
                    return Err(format!("{n} is above the maximum of {max}"));
                }
            }
            Ok(json!(n))
        }
        VarType::Bool => match need_text()?.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "on" => Ok(Json::Bool(true)),
            "false" | "no" | "n" | "0" | "off" => Ok(Json::Bool(false)),
            other => Err(format!("'{other}' is not yes or no (true / false)")),
        },
        VarType::Enum => {
            let s = need_text()?;
            let values = decl.values.as_deref().unwrap_or_default();
            if let Some(v) = values.iter().find(|v| v.eq_ignore_ascii_case(&s)) {
                return Ok(Json::String(v.clone()));
            }
            // A label chosen in a form counts too.
            if let Some(labels) = &decl.labels {
                if let Some(i) = labels.iter().position(|l| l.eq_ignore_ascii_case(&s)) {
                    if let Some(v) = values.get(i) {
                        return Ok(Json::String(v.clone()));
                    }
                }
            }
            Err(format!("'{s}' is not one of: {}", values.join(", ")))
        }
        VarType::Party => {
            let s = need_text()?;
            resolve_party(&s, parties).map(|p| json!(p.id))
        }
        VarType::List => {
            let items: Vec<String> = match input {
                Json::Array(a) => a
                    .iter()
                    .map(|i| match i {
                        Json::String(s) => Ok(s.trim().to_string()),
                        Json::Number(n) => Ok(n.to_string()),
                        other => Err(format!("list items must be text, got {}", kind_of(other))),
                    })
                    .collect::<Result<_, _>>()?,
                Json::String(s) if s.trim_start().starts_with('[') => {
                    let parsed: Json = serde_json::from_str(s).map_err(|e| format!("not a JSON list: {e}"))?;
                    return normalize(decl, &parsed, parties);
                }
                Json::String(s) => s.split(';').map(|i| i.trim().to_string()).collect(),
                other => return Err(format!("expected a list, got {}", kind_of(other))),
            };
            let items: Vec<String> = items.into_iter().filter(|i| !i.is_empty()).collect();
            for (i, item) in items.iter().enumerate() {
                check_text(item, decl.max_length.unwrap_or(MAX_TEXT)).map_err(|e| format!("item {}: {e}", i + 1))?;
            }
            let min = decl.min_items.unwrap_or(0);
            let max = decl.max_items.unwrap_or(MAX_LIST_ITEMS);
            if items.len() < min {
                return Err(format!("has {} items; at least {min} are needed", items.len()));
            }
            if items.len() > max {
                return Err(format!("has {} items; at most {max} are allowed", items.len()));
            }
            Ok(json!(items))
        }
    }
}

fn json_number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim_end_matches('%').trim().parse().ok(),
        _ => None,
    }
}

fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "true/false",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

fn check_text(s: &str, max: usize) -> Result<(), String> {
    let n = s.chars().count();
    if n > max {
        return Err(format!("is {n} characters long; at most {max} are allowed"));
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(format!("contains the control character U+{:04X} (values are one line of text)", c as u32));
    }
    Ok(())
}

pub fn resolve_party<'a>(s: &str, parties: &'a [PartyInfo]) -> Result<&'a PartyInfo, String> {
    let s = s.trim();
    if let Ok(id) = s.parse::<i64>() {
        if let Some(p) = parties.iter().find(|p| p.id == id) {
            return Ok(p);
        }
    }
    let found: Vec<&PartyInfo> = parties
        .iter()
        .filter(|p| {
            p.legal_name.eq_ignore_ascii_case(s) || p.short_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(s))
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => {
            let names: Vec<String> = parties.iter().map(|p| format!("{} ({})", p.short(), p.id)).collect();
            Err(format!(
                "'{s}' is not a party of this collaboration (parties: {})",
                if names.is_empty() { "none".into() } else { names.join(", ") }
            ))
        }
        _ => Err(format!("'{s}' names more than one party; use the party's id")),
    }
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{}' is not a date of the form YYYY-MM-DD", s.trim()))?;
    if !(1900..=2300).contains(&d.year()) {
        return Err(format!("{d} is outside the years 1900 to 2300"));
    }
    Ok(d)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `1 March 2027`.
pub fn format_date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    fn name(self, n: u32) -> &'static str {
        match (self, n == 1) {
            (Unit::Days, true) => "day",
            (Unit::Days, false) => "days",
            (Unit::Weeks, true) => "week",
            (Unit::Weeks, false) => "weeks",
            (Unit::Months, true) => "month",
            (Unit::Months, false) => "months",
            (Unit::Years, true) => "year",
            (Unit::Years, false) => "years",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub count: u32,
    pub unit: Unit,
}

impl Duration {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let mut parts = s.split_whitespace();
        let (Some(n), Some(u), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("'{s}' is not a duration such as \"30 days\", \"6 months\" or \"2 years\""));
        };
        let count: u32 = n.parse().map_err(|_| format!("'{n}' in '{s}' is not a whole number"))?;
        let unit = match u.to_ascii_lowercase().as_str() {
            "day" | "days" => Unit::Days,
            "week" | "weeks" => Unit::Weeks,
            "month" | "months" => Unit::Months,
            "year" | "years" => Unit::Years,
            other => return Err(format!("'{other}' is not a unit of days, weeks, months or years")),
        };
        if count > 10_000 || (unit == Unit::Years && count > 200) {
            return Err(format!("'{s}' is implausibly long"));
        }
        Ok(Self { count, unit })
    }
    /// Length in days for comparisons (months of 30 days, years of 365).
    pub fn approx_days(self) -> u64 {
        u64::from(self.count)
            * match self.unit {
                Unit::Days => 1,
                Unit::Weeks => 7,
                Unit::Months => 30,
                Unit::Years => 365,
            }
    }
    /// `sixty (60) days`.
    pub fn words(self) -> String {
        format!("{} {}", number_words_with_digits(i64::from(self.count)), self.unit.name(self.count))
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.count, self.unit.name(self.count))
    }
}

/// An amount in a currency's minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub currency: String,
    pub minor: i128,
    pub exponent: u32,
}

impl Money {
    /// `GBP 25000`, `25,000.50 EUR`, `JPY 3000000`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let parts: Vec<&str> = s.split_whitespace().collect();
        let (code, amount) = match parts.as_slice() {
            [a, b] if a.chars().all(|c| c.is_ascii_alphabetic()) => (*a, *b),
            [a, b] if b.chars().all(|c| c.is_ascii_alphabetic()) => (*b, *a),
            _ => return Err(format!("'{s}' is not an amount with an ISO 4217 currency, such as \"GBP 25000\"")),
        };
        let code = code.to_ascii_uppercase();
        let currency = iso_currency::Currency::from_code(&code)
            .ok_or_else(|| format!("'{code}' is not an ISO 4217 currency code"))?;
        let exponent = u32::from(currency.exponent().unwrap_or(2));
        let clean = amount.replace(',', "");
        let (whole, frac) = clean.split_once('.').unwrap_or((&clean, ""));
        let bad = || format!("'{amount}' is not an amount of money");
        if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() as u32 > exponent {
            return Err(format!("{code} has {exponent} decimal places; '{amount}' has {}", frac.len()));
        }
        if whole.len() > 15 {
            return Err(format!("'{amount}' is too large"));
        }
        let whole: i128 = whole.parse().map_err(|_| bad())?;
        let frac_val: i128 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| bad())? };
        let minor = whole * 10i128.pow(exponent) + frac_val * 10i128.pow(exponent - frac.len() as u32);
        Ok(Self { currency: code, minor, exponent })
    }
}

impl std::fmt::Display for Money {
    /// `GBP 25,000.50`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scale = 10i128.pow(self.exponent);
        let whole = group_thousands(&(self.minor / scale).to_string());
        if self.exponent == 0 {
            write!(f, "{} {}", self.currency, whole)
        } else {
            write!(f, "{} {}.{:0width$}", self.currency, whole, self.minor % scale, width = self.exponent as usize)
        }
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Percent in hundredths: `12.5` → 1250.
pub fn parse_percent(s: &str) -> Result<i64, String> {
    let t = s.trim().trim_end_matches('%').trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || whole.len() > 6
    {
        return Err(format!("'{}' is not a percentage such as 12.5", s.trim()));
    }
    if frac.len() > 2 {
        return Err(format!("'{}' has more than two decimal places", s.trim()));
    }
    let w: i64 = whole.parse().map_err(|_| format!("'{t}' is not a number"))?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().map_err(|_| format!("'{t}' is not a number"))?
    };
    Ok(w * 100 + f)
}

fn format_percent_plain(hundredths: i64) -> String {
    let (w, f) = (hundredths / 100, hundredths % 100);
    if f == 0 {
        w.to_string()
    } else if f % 10 == 0 {
        format!("{w}.{}", f / 10)
    } else {
        format!("{w}.{f:02}")
    }
}

pub fn format_percent(hundredths: i64) -> String {
    format!("{}%", format_percent_plain(hundredths))
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// English words for 0 to 999 999; larger numbers stay in digits.
pub fn number_words(n: i64) -> Option<String> {
    fn below_1000(n: usize) -> String {
        let (h, r) = (n / 100, n % 100);
        let rest = if r < 20 {
            ONES[r].to_string()
        } else if r % 10 == 0 {
            TENS[r / 10].to_string()
        } else {
            format!("{}-{}", TENS[r / 10], ONES[r % 10])
        };
        match (h, r) {
            (0, _) => rest,
            (h, 0) => format!("{} hundred", ONES[h]),
            (h, _) => format!("{} hundred and {rest}", ONES[h]),
        }
    }
    if !(0..1_000_000).contains(&n) {
        return None;
    }
    let n = n as usize;
    let (th, r) = (n / 1000, n % 1000);
    Some(match (th, r) {
        (0, r) => below_1000(r),
        (th, 0) => format!("{} thousand", below_1000(th)),
        (th, r) if r < 100 => format!("{} thousand and {}", below_1000(th), below_1000(r)),
        (th, r) => format!("{} thousand {}", below_1000(th), below_1000(r)),
    })
}

/// `sixty (60)`; digits alone beyond the range of words.
pub fn number_words_with_digits(n: i64) -> String {
    match number_words(n) {
        Some(w) => format!("{w} ({n})"),
        None => n.to_string(),
    }
}

/// `1st`, `2nd`, `3rd`, `11th`, `22nd`.
pub fn ordinal(n: i64) -> String {
    let suffix = match (n.rem_euclid(10), n.rem_euclid(100)) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `A`, `A and B`, `A, B and C` (or with another conjunction).
pub fn join_list(items: &[String], conj: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conj} {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(ty: VarType) -> VarDecl {
        VarDecl::new("x", ty, "X")
    }

    fn norm(d: &VarDecl, v: Json) -> Result<Json, String> {
        normalize(d, &v, &[])
    }

    #[test]
    fn every_type_normalizes_and_refuses_nonsense() {
        assert_eq!(norm(&decl(VarType::Text), json!("  hi ")), Ok(json!("hi")));
        assert!(norm(&decl(VarType::Text), json!("a\nb")).unwrap_err().contains("U+000A"));
        assert!(norm(&decl(VarType::Text), json!("x".repeat(501))).unwrap_err().contains("at most 500"));
        assert!(norm(&decl(VarType::Text), json!({"a": 1})).unwrap_err().contains("an object"));

        assert_eq!(norm(&decl(VarType::Date), json!("2027-03-01")), Ok(json!("2027-03-01")));
        assert!(norm(&decl(VarType::Date), json!("2027-02-30")).is_err());

        assert_eq!(norm(&decl(VarType::Duration), json!("60 Days")), Ok(json!("60 days")));
        assert_eq!(norm(&decl(VarType::Duration), json!("1 months")), Ok(json!("1 month")));
        assert!(norm(&decl(VarType::Duration), json!("sixty days")).is_err());
        assert!(norm(&decl(VarType::Duration), json!("-3 days")).is_err());
        assert!(norm(&decl(VarType::Duration), json!("3 fortnights")).unwrap_err().contains("fortnights"));

        assert_eq!(norm(&decl(VarType::Money), json!("25,000.5 gbp")), Ok(json!("GBP 25,000.50")));
        assert_eq!(norm(&decl(VarType::Money), json!("JPY 3000000")), Ok(json!("JPY 3,000,000")));
        assert!(norm(&decl(VarType::Money), json!("JPY 30.5")).unwrap_err().contains("0 decimal places"));
        assert!(norm(&decl(VarType::Money), json!("XYZ 10")).unwrap_err().contains("ISO 4217"));
        assert!(norm(&decl(VarType::Money), json!("GBP -10")).is_err());
        assert!(norm(&decl(VarType::Money), json!("GBP 9999999999999999999999")).unwrap_err().contains("too large"));

        assert_eq!(norm(&decl(VarType::Percentage), json!("12.5%")), Ok(json!("12.5")));
        assert_eq!(norm(&decl(VarType::Percentage), json!(40)), Ok(json!("40")));
        assert!(norm(&decl(VarType::Percentage), json!("120")).unwrap_err().contains("outside"));
        assert!(norm(&decl(VarType::Percentage), json!("1.234")).is_err());

        assert_eq!(norm(&decl(VarType::Integer), json!("3")), Ok(json!(3)));
        assert!(norm(&decl(VarType::Integer), json!("3.5")).is_err());

        assert_eq!(norm(&decl(VarType::Bool), json!("yes")), Ok(json!(true)));
        assert_eq!(norm(&decl(VarType::Bool), json!(false)), Ok(json!(false)));
        assert!(norm(&decl(VarType::Bool), json!("maybe")).is_err());

        let mut e = decl(VarType::Enum);
        e.values = Some(vec!["exclusive".into(), "non-exclusive".into()]);
        assert_eq!(norm(&e, json!("Exclusive")), Ok(json!("exclusive")));
        assert_eq!(norm(&e, json!("sole")).unwrap_err(), "'sole' is not one of: exclusive, non-exclusive");

        let l = decl(VarType::List);
        assert_eq!(norm(&l, json!("a; b ;;c")), Ok(json!(["a", "b", "c"])));
        assert_eq!(norm(&l, json!(r#"["x, y", "z"]"#)), Ok(json!(["x, y", "z"])));
        assert!(norm(&l, json!([1, {"a": 2}])).is_err());
    }

    #[test]
    fn bounds_are_enforced() {
        let mut d = decl(VarType::Duration);
        d.min = Some(json!("30 days"));
        d.max = Some(json!("6 months"));
        assert!(norm(&d, json!("2 weeks")).unwrap_err().contains("shorter than the minimum of 30 days"));
        assert!(norm(&d, json!("1 year")).unwrap_err().contains("longer than the maximum of 6 months"));
        assert!(norm(&d, json!("90 days")).is_ok());
        let mut m = decl(VarType::Money);
        m.max = Some(json!("GBP 1000"));
        m.currencies = Some(vec!["GBP".into(), "EUR".into()]);
        assert!(norm(&m, json!("GBP 1000.01")).unwrap_err().contains("above the maximum"));
        assert!(norm(&m, json!("USD 5")).unwrap_err().contains("not one of GBP, EUR"));
    }

    #[test]
    fn parties_by_id_or_name() {
        let p = |id, name: &str, short: &str| PartyInfo {
            id,
            legal_name: name.into(),
            short_name: Some(short.into()),
            kind: "university".into(),
            role: "lead".into(),
            registration_number: None,
            address: None,
            country: "GB".into(),
            country_name: "United Kingdom".into(),
        };
        let ps = [p(3, "The University of Northmoor", "Northmoor"), p(7, "Ferrant Cryogenics GmbH", "Ferrant")];
        let d = decl(VarType::Party);
        assert_eq!(normalize(&d, &json!("ferrant"), &ps), Ok(json!(7)));
        assert_eq!(normalize(&d, &json!(3), &ps), Ok(json!(3)));
        assert!(normalize(&d, &json!("Acme"), &ps).unwrap_err().contains("Northmoor (3), Ferrant (7)"));
    }

    #[test]
    fn words_and_formats() {
        assert_eq!(number_words(0).as_deref(), Some("zero"));
        assert_eq!(number_words(60).as_deref(), Some("sixty"));
        assert_eq!(number_words(21).as_deref(), Some("twenty-one"));
        assert_eq!(number_words(365).as_deref(), Some("three hundred and sixty-five"));
        assert_eq!(number_words(2005).as_deref(), Some("two thousand and five"));
        assert_eq!(number_words(12_345).as_deref(), Some("twelve thousand three hundred and forty-five"));
        assert_eq!(Duration::parse("60 days").map(Duration::words), Ok("sixty (60) days".into()));
        assert_eq!(Duration::parse("1 year").map(Duration::words), Ok("one (1) year".into()));
        assert_eq!(
            [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal),
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
        );
        assert_eq!(join_list(&["A".into(), "B".into(), "C".into()], "and"), "A, B and C");
        assert_eq!(join_list(&["A".into(), "B".into()], "or"), "A or B");
        assert_eq!(format_date(NaiveDate::from_ymd_opt(2027, 3, 1).expect("date")), "1 March 2027");
        assert_eq!(format_percent(1250), "12.5%");
        assert_eq!(format_percent(3333), "33.33%");
    }
}
