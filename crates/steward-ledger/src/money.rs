//! Currencies (ISO 4217, with their minor units) and exact decimals.

use crate::Problem;
use std::fmt;

/// An ISO 4217 currency that has a minor unit (GBP: 2 decimals, JPY: 0, BHD: 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

impl Currency {
    /// Parses a code such as `EUR` (case-insensitive).
    pub fn parse(field: &str, text: &str) -> Result<Self, Problem> {
        let code = text.trim().to_ascii_uppercase();
        let c = iso_currency::Currency::from_code(&code)
            .ok_or_else(|| Problem::new(field, format!("'{}' is not an ISO 4217 currency code", text.trim())))?;
        let exponent = c
            .exponent()
            .ok_or_else(|| Problem::new(field, format!("{code} has no minor unit and cannot hold amounts")))?;
        let mut bytes = [0u8; 3];
        bytes.copy_from_slice(code.as_bytes());
        Ok(Self { code: bytes, exponent: exponent as u8 })
    }

    pub fn code(&self) -> &str {
        // Always three ASCII letters (from the ISO table).
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Decimal places of the minor unit.
    pub fn exponent(&self) -> u32 {
        u32::from(self.exponent)
    }

    /// Parses an amount in major units (`1234.56`, `1,234.56`) to minor units. More decimal
    /// places than the currency has are an error, not a rounding.
    pub fn parse_amount(&self, field: &str, text: &str) -> Result<i64, Problem> {
        let d = Decimal::parse(field, text)?;
        if d.scale > self.exponent() {
            return Err(Problem::new(
                field,
                format!("'{}' has more decimal places than {} has ({})", text.trim(), self.code(), self.exponent()),
            ));
        }
        let minor = d.units * 10i128.pow(self.exponent() - d.scale);
        i64::try_from(minor)
            .ok()
            .filter(|m| m.abs() <= MAX_MINOR)
            .ok_or_else(|| Problem::new(field, format!("'{}' is too large", text.trim())))
    }

    /// Formats minor units as major units with this currency's decimals and thousands separators.
    pub fn format(&self, minor: i128) -> String {
        format!("{} {}", self.code(), self.format_number(minor))
    }

    /// The number alone, e.g. `310,000.00`.
    pub fn format_number(&self, minor: i128) -> String {
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        let scale = 10u128.pow(self.exponent());
        let whole = group_thousands(&(abs / scale).to_string());
        if self.exponent() == 0 {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{:0width$}", abs % scale, width = self.exponent() as usize)
        }
    }

    /// Minor units as a plain decimal (`310000.00`), for CSV and JSON.
    pub fn plain(&self, minor: i128) -> String {
        self.format_number(minor).replace(',', "")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The largest amount one entry may carry, in minor units (10^15: sums of millions of entries
/// stay far inside i128, and any real contribution fits).
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An exact decimal: `units / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub units: i128,
    pub scale: u32,
}

impl Decimal {
    /// Parses `123`, `-1.5`, `1,234.5678`: digits with optional thousands commas and at most
    /// 12 decimals; no exponents, no spaces inside.
    pub fn parse(field: &str, text: &str) -> Result<Self, Problem> {
        let t = text.trim();
        let bad = |why: &str| Problem::new(field, format!("'{t}' is not a number: {why}"));
        if t.is_empty() {
            return Err(Problem::new(field, "is empty"));
        }
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (whole, frac) = match body.split_once('.') {
            Some((w, f)) => (w, f),
            None => (body, ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(bad("no digits"));
        }
        if whole.contains(',') {
            let groups: Vec<&str> = whole.split(',').collect();
            let ok = !groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3)
                && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                return Err(bad("thousands separators must group three digits"));
            }
        }
        let whole: String = whole.chars().filter(|c| *c != ',').collect();
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("only digits, one '.' and thousands commas are allowed"));
        }
        if frac.len() > 12 {
            return Err(bad("more than 12 decimal places"));
        }
        if whole.trim_start_matches('0').len() > 18 {
            return Err(bad("too large"));
        }
        let digits = format!("{whole}{frac}");
        let units: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| bad("too large"))? };
        Ok(Self { units: if neg { -units } else { units }, scale: frac.len() as u32 })
    }

    pub fn is_positive(&self) -> bool {
        self.units > 0
    }

    /// The value in hundredths, if it has at most two decimals.
    pub fn to_centi(self) -> Option<i64> {
        if self.scale > 2 {
            return None;
        }
        i64::try_from(self.units * 10i128.pow(2 - self.scale)).ok()
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let abs = self.units.unsigned_abs();
        if self.scale == 0 {
            return write!(f, "{sign}{abs}");
        }
        let p = 10u128.pow(self.scale);
        write!(f, "{sign}{}.{:0w$}", abs / p, abs % p, w = self.scale as usize)
    }
}

/// `num / den` rounded to the nearest integer, halves away from zero (`den` > 0).
pub fn div_round(num: i128, den: i128) -> i128 {
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den { q + num.signum() } else { q }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_currency_minor_unit() {
        let gbp = Currency::parse("c", "gbp").expect("GBP");
        let jpy = Currency::parse("c", "JPY").expect("JPY");
        let bhd = Currency::parse("c", "BHD").expect("BHD");
        assert_eq!(gbp.parse_amount("a", "1,234.5").expect("ok"), 123_450);
        assert_eq!(jpy.parse_amount("a", "1200").expect("ok"), 1200);
        assert_eq!(bhd.parse_amount("a", "1.234").expect("ok"), 1234);
        assert!(jpy.parse_amount("a", "1.5").expect_err("no decimals").message.contains("JPY"));
        assert_eq!(gbp.format(123_450), "GBP 1,234.50");
        assert_eq!(jpy.format(-1_234_567), "JPY -1,234,567");
        assert_eq!(gbp.plain(31_000_000), "310000.00");
    }

    #[test]
    fn bad_currencies_and_numbers_are_named() {
        assert!(Currency::parse("currency", "EURO").expect_err("bad").to_string().contains("ISO 4217"));
        assert!(Currency::parse("currency", "XAU").expect_err("no minor unit").message.contains("minor unit"));
        for bad in ["", "1e5", "1.2.3", "12,34", "abc", "--1", "1 000", "9999999999999999999999"] {
            assert!(Decimal::parse("n", bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(Decimal::parse("n", "-0.25").expect("ok"), Decimal { units: -25, scale: 2 });
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(4, 3), 1);
        assert_eq!(div_round(-4, 3), -1);
    }
}
