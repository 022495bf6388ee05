//! Exchange rates as the user recorded them (dated, with a source), and conversion with the rate in
//! force on a date: the latest recorded on or before it, for the pair or its inverse. Nothing is
//! ever guessed: a missing rate is an answer of its own.

use crate::Problem;
use crate::money::{Currency, Decimal, div_round};
use chrono::NaiveDate;
use std::collections::HashMap;

/// One recorded rate: 1 `from` = `rate` `to`, as of `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub from: Currency,
    pub to: Currency,
    pub date: NaiveDate,
    pub rate: Decimal,
    pub source: String,
}

impl Rate {
    /// Checks a rate as typed: positive, at most 12 significant digits.
    pub fn parse_rate(field: &str, text: &str) -> Result<Decimal, Problem> {
        let d = Decimal::parse(field, text)?;
        if !d.is_positive() {
            return Err(Problem::new(field, format!("must be more than zero, not {}", text.trim())));
        }
        if d.units >= 1_000_000_000_000 {
            return Err(Problem::new(field, "has more than 12 significant digits"));
        }
        Ok(d)
    }
}

/// A rate a report used, and for which amounts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RateUsed {
    pub from: String,
    pub to: String,
    pub date: NaiveDate,
    pub rate: String,
    pub source: String,
    /// Applied as 1 / rate (the user recorded the opposite direction).
    pub inverse: bool,
}

/// Every recorded rate, indexed by pair and date.
#[derive(Debug, Default, Clone)]
pub struct RateTable {
    rates: Vec<Rate>,
    by_pair: HashMap<(Currency, Currency), Vec<(NaiveDate, usize)>>,
}

impl RateTable {
    pub fn new(rates: Vec<Rate>) -> Self {
        let mut by_pair: HashMap<(Currency, Currency), Vec<(NaiveDate, usize)>> = HashMap::new();
        for (i, r) in rates.iter().enumerate() {
            by_pair.entry((r.from, r.to)).or_default().push((r.date, i));
        }
        for v in by_pair.values_mut() {
            v.sort();
        }
        Self { rates, by_pair }
    }

    pub fn rates(&self) -> &[Rate] {
        &self.rates
    }

    fn latest(&self, from: Currency, to: Currency, on: NaiveDate) -> Option<(NaiveDate, usize)> {
        let v = self.by_pair.get(&(from, to))?;
        let n = v.partition_point(|(d, _)| *d <= on);
        n.checked_sub(1).map(|i| v[i])
    }

    /// The rate in force on `on` for converting `from` into `to`: the latest recorded on or before
    /// that date, directly or inverted (the more recent wins; the direct one on a tie).
    pub fn in_force(&self, from: Currency, to: Currency, on: NaiveDate) -> Option<(&Rate, bool)> {
        let direct = self.latest(from, to, on);
        let inverse = self.latest(to, from, on);
        match (direct, inverse) {
            (Some(d), Some(i)) if i.0 > d.0 => Some((&self.rates[i.1], true)),
            (Some(d), _) => Some((&self.rates[d.1], false)),
            (None, Some(i)) => Some((&self.rates[i.1], true)),
            (None, None) => None,
        }
    }
}

/// Converts `minor` units of `from` into minor units of `to` at `rate` (or 1 / rate), rounded
/// half away from zero. `None` if the numbers overflow.
pub fn convert(minor: i128, from: Currency, to: Currency, rate: Decimal, inverse: bool) -> Option<i128> {
    let p = |e: u32| 10i128.checked_pow(e);
    // value_to = minor × rate × 10^exp_to / 10^exp_from
    let (num, den) = if inverse {
        (minor.checked_mul(p(to.exponent() + rate.scale)?)?, rate.units.checked_mul(p(from.exponent())?)?)
    } else {
        (minor.checked_mul(rate.units)?.checked_mul(p(to.exponent())?)?, p(rate.scale + from.exponent())?)
    };
    Some(div_round(num, den))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Currency {
        Currency::parse("c", code).expect("currency")
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }
    fn rate(from: &str, to: &str, date: &str, r: &str) -> Rate {
        Rate {
            from: c(from),
            to: c(to),
            date: d(date),
            rate: Rate::parse_rate("r", r).expect("rate"),
            source: "test".into(),
        }
    }

    #[test]
    fn the_latest_rate_on_or_before_the_date_applies() {
        let t = RateTable::new(vec![
            rate("EUR", "GBP", "2027-01-01", "0.85"),
            rate("EUR", "GBP", "2027-06-01", "0.87"),
            rate("GBP", "EUR", "2027-09-01", "1.20"),
        ]);
        assert!(t.in_force(c("EUR"), c("GBP"), d("2026-12-31")).is_none());
        assert_eq!(t.in_force(c("EUR"), c("GBP"), d("2027-05-31")).map(|(r, i)| (r.rate.units, i)), Some((85, false)));
        assert_eq!(t.in_force(c("EUR"), c("GBP"), d("2027-06-01")).map(|(r, i)| (r.rate.units, i)), Some((87, false)));
        assert_eq!(t.in_force(c("EUR"), c("GBP"), d("2027-10-01")).map(|(r, i)| (r.rate.units, i)), Some((120, true)));
    }

    #[test]
    fn conversion_respects_minor_units_and_rounds_once() {
        // JPY 1,000,000 at 0.0053 GBP per JPY = GBP 5,300.00
        let r = Rate::parse_rate("r", "0.0053").expect("rate");
        assert_eq!(convert(1_000_000, c("JPY"), c("GBP"), r, false), Some(530_000));
        // GBP 100.00 into EUR with GBP/EUR recorded as EUR→GBP 0.85 (inverse): 117.647 → 117.65
        let r = Rate::parse_rate("r", "0.85").expect("rate");
        assert_eq!(convert(10_000, c("GBP"), c("EUR"), r, true), Some(11_765));
        assert_eq!(convert(-10_000, c("GBP"), c("EUR"), r, true), Some(-11_765));
        assert!(Rate::parse_rate("r", "0").is_err());
        assert!(Rate::parse_rate("r", "-1.2").is_err());
    }
}
