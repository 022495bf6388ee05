//! The contribution report: totals per party and category in one currency, converted with the rate
//! in force on each entry's date, and shares that sum to exactly 100.00.

use crate::entry::Category;
use crate::money::Currency;
use crate::rates::{RateTable, RateUsed, convert};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Entries of one party, category and currency on one date, summed (in minor units). Amounts are
/// summed before they are converted: each such group is converted and rounded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub party: i64,
    pub category: Category,
    pub currency: Currency,
    pub date: NaiveDate,
    pub minor: i128,
}

/// One party's line of the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PartyTotal {
    pub party_id: i64,
    pub party: String,
    /// In minor units of the report currency.
    pub total_minor: i128,
    /// The same, as a decimal in major units (`310000.00`).
    pub total: String,
    /// Per category, in minor units of the report currency.
    pub by_category_minor: BTreeMap<Category, i128>,
    /// The same, as decimals in major units.
    pub by_category: BTreeMap<Category, String>,
    /// Share in basis points (hundredths of a per cent): all of them sum to 10000.
    pub share_basis_points: u32,
    /// The share as a percentage with two decimals (`45.00`).
    pub share: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Report {
    pub currency: String,
    pub as_of: Option<NaiveDate>,
    pub parties: Vec<PartyTotal>,
    pub total_minor: i128,
    pub total: String,
    pub by_category: BTreeMap<Category, String>,
    pub rates_used: Vec<RateUsed>,
    pub entries: u64,
    pub rounding: &'static str,
}

pub const ROUNDING: &str = "Amounts of one party, category, currency and date are summed, converted at the rate in force on that date and rounded half away from zero to the report currency's minor unit. Shares are taken to hundredths of a per cent by the largest-remainder method: each party gets the whole hundredths of its exact share, and the hundredths left over go to the largest remainders (ties to the party listed first), so the shares sum to exactly 100.00.";

/// Splits `scale` units (10000 = 100.00 %) in proportion to `totals` by the largest-remainder
/// method. Totals must be non-negative with a positive sum; otherwise all shares are zero.
pub fn largest_remainder(totals: &[i128], scale: u32) -> Vec<u32> {
    let sum: i128 = totals.iter().sum();
    if sum <= 0 || totals.iter().any(|t| *t < 0) {
        return vec![0; totals.len()];
    }
    let s = i128::from(scale);
    let mut shares: Vec<u32> = Vec::with_capacity(totals.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(totals.len());
    for (i, t) in totals.iter().enumerate() {
        // t ≤ sum, so t × scale fits whenever sum × scale does; fall back to a wider split if not.
        let (q, r) = match t.checked_mul(s) {
            Some(n) => (n / sum, n % sum),
            None => {
                let q = t / (sum / s);
                (q.min(s), 0)
            }
        };
        shares.push(q as u32);
        remainders.push((r, i));
    }
    let given: u32 = shares.iter().sum();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders.into_iter().take(scale.saturating_sub(given) as usize) {
        shares[i] += 1;
    }
    shares
}

/// What a report lacks: a rate for a pair on these dates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MissingRate {
    pub from: String,
    pub to: String,
    /// The earliest entry date that needs it (every later one may too).
    pub first_needed: NaiveDate,
    pub entries_on_dates: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportError {
    /// Rates the report needs and nobody recorded.
    MissingRates(Vec<MissingRate>),
    /// The sums are too large to convert exactly.
    TooLarge,
}

/// Builds the report over `groups` (dates after `as_of` already left out), for `parties` (id and
/// name, in report order). Fails listing every missing rate; never guesses one.
pub fn report(
    groups: &[Group],
    parties: &[(i64, String)],
    currency: Currency,
    rates: &RateTable,
    as_of: Option<NaiveDate>,
) -> Result<Report, ReportError> {
    let mut per_party: BTreeMap<i64, BTreeMap<Category, i128>> = BTreeMap::new();
    let mut used: BTreeSet<(String, String, NaiveDate, String, String, bool)> = BTreeSet::new();
    let mut missing: BTreeMap<(Currency, Currency), (NaiveDate, BTreeSet<NaiveDate>)> = BTreeMap::new();
    let mut overflow = false;
    for g in groups {
        let value = if g.currency == currency {
            Some(g.minor)
        } else {
            match rates.in_force(g.currency, currency, g.date) {
                Some((r, inverse)) => {
                    used.insert((
                        r.from.to_string(),
                        r.to.to_string(),
                        r.date,
                        r.rate.to_string(),
                        r.source.clone(),
                        inverse,
                    ));
                    let v = convert(g.minor, g.currency, currency, r.rate, inverse);
                    overflow |= v.is_none();
                    v
                }
                None => {
                    let m = missing.entry((g.currency, currency)).or_insert((g.date, BTreeSet::new()));
                    m.0 = m.0.min(g.date);
                    m.1.insert(g.date);
                    None
                }
            }
        };
        if let Some(v) = value {
            *per_party.entry(g.party).or_default().entry(g.category).or_default() += v;
        }
    }
    if !missing.is_empty() {
        return Err(ReportError::MissingRates(
            missing
                .into_iter()
                .map(|((from, to), (first, dates))| MissingRate {
                    from: from.to_string(),
                    to: to.to_string(),
                    first_needed: first,
                    entries_on_dates: dates.len(),
                })
                .collect(),
        ));
    }
    if overflow {
        return Err(ReportError::TooLarge);
    }
    let totals: Vec<i128> =
        parties.iter().map(|(id, _)| per_party.get(id).map_or(0, |c| c.values().sum::<i128>())).collect();
    let shares = largest_remainder(&totals, 10_000);
    let mut by_category: BTreeMap<Category, i128> = BTreeMap::new();
    for cats in per_party.values() {
        for (c, v) in cats {
            *by_category.entry(*c).or_default() += v;
        }
    }
    let fmt = |v: i128| currency.plain(v);
    let parties_out = parties
        .iter()
        .zip(totals.iter().zip(&shares))
        .map(|((id, name), (total, share))| PartyTotal {
            party_id: *id,
            party: name.clone(),
            total_minor: *total,
            total: fmt(*total),
            by_category_minor: per_party.get(id).cloned().unwrap_or_default(),
            by_category: per_party.get(id).map(|c| c.iter().map(|(k, v)| (*k, fmt(*v))).collect()).unwrap_or_default(),
            share_basis_points: *share,
            share: format!("{}.{:02}", share / 100, share % 100),
        })
        .collect();
    let total: i128 = totals.iter().sum();
    Ok(Report {
        currency: currency.to_string(),
        as_of,
        parties: parties_out,
        total_minor: total,
        total: fmt(total),
        by_category: by_category.into_iter().map(|(k, v)| (k, fmt(v))).collect(),
        rates_used: used
            .into_iter()
            .map(|(from, to, date, rate, source, inverse)| RateUsed { from, to, date, rate, source, inverse })
            .collect(),
        entries: 0,
        rounding: ROUNDING,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn thirds_sum_to_exactly_one_hundred() {
        assert_eq!(largest_remainder(&[1, 1, 1], 10_000), vec![3334, 3333, 3333]);
        assert_eq!(largest_remainder(&[2, 1], 10_000), vec![6667, 3333]);
        assert_eq!(largest_remainder(&[0, 0], 10_000), vec![0, 0]);
        assert_eq!(largest_remainder(&[5, 0], 10_000), vec![10_000, 0]);
    }

    proptest! {
        #[test]
        fn shares_always_sum_to_100_00(totals in proptest::collection::vec(0i128..1_000_000_000_000_000_000, 1..40)) {
            let shares = largest_remainder(&totals, 10_000);
            if totals.iter().sum::<i128>() > 0 {
                prop_assert_eq!(shares.iter().sum::<u32>(), 10_000);
                // No share is off its exact value by a whole hundredth or more.
                let sum: i128 = totals.iter().sum();
                for (t, s) in totals.iter().zip(&shares) {
                    let exact = t * 10_000;
                    prop_assert!((i128::from(*s) * sum - exact).abs() < sum);
                }
            }
        }
    }
}
