//! Planning a CSV import: every row checked (values, party and person, reversals of earlier
//! rows or of stored entries, ids used once), before anything is stored. All or nothing: either
//! the whole plan, or every problem with its line.

use crate::csv_io::{Row, RowProblem};
use crate::{Currency, Problem, ValidEntry};
use std::collections::{HashMap, HashSet};

/// What a planned reversal reverses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An entry already in the ledger.
    Stored(i64),
    /// An earlier row of the same file (its index in the plan).
    InFile(usize),
}

/// One step of an import.
#[derive(Debug, Clone, PartialEq)]
pub enum Planned {
    Entry { entry: ValidEntry, party: i64, person: Option<i64> },
    Reversal { target: Target, line: u64 },
}

/// What the plan needs to know of the ledger it goes into.
pub trait Ledger {
    /// The party a row names (by id, short or legal name).
    fn party(&self, text: &str) -> Result<i64, Problem>;
    /// The person a row names, who must belong to `party`.
    fn person(&self, text: &str, party: i64) -> Result<i64, Problem>;
    /// A stored entry a row may reverse: its amount (minor units) and currency, or why not.
    fn reversible(&self, id: i64) -> Result<(i64, String), String>;
}

/// Plans the import of `rows` into `ledger`; every problem is returned, each with its line.
pub fn plan(rows: &[Row], ledger: &dyn Ledger) -> Result<Vec<Planned>, Vec<RowProblem>> {
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut planned: Vec<Planned> = Vec::with_capacity(rows.len());
    let mut file_ids: HashMap<String, usize> = HashMap::new();
    let mut reversed: HashSet<String> = HashSet::new();
    for row in rows {
        let line = row.line;
        let planned_before = planned.len();
        if let Some(target) = &row.reverses {
            // A reversal: the negated amount of an entry earlier in this file or already stored.
            let t = match file_ids.get(target) {
                Some(i) => Some((Target::InFile(*i), None)),
                None => match target.parse::<i64>().ok().map(|id| (id, ledger.reversible(id))) {
                    Some((id, Ok(stored))) => Some((Target::Stored(id), Some(stored))),
                    Some((_, Err(e))) => {
                        problems.push(RowProblem::new(line, Problem::new("reverses", e)));
                        None
                    }
                    None => {
                        problems.push(RowProblem::new(
                            line,
                            Problem::new(
                                "reverses",
                                format!("'{target}' is neither an earlier row's id nor a stored entry"),
                            ),
                        ));
                        None
                    }
                },
            };
            if !reversed.insert(target.clone()) {
                problems
                    .push(RowProblem::new(line, Problem::new("reverses", format!("entry {target} is reversed twice"))));
            }
            if let Some((t, stored)) = t {
                let (amount, currency) = match (t, stored) {
                    (Target::InFile(i), _) => match planned.get(i) {
                        Some(Planned::Entry { entry, .. }) => (entry.amount_minor, entry.currency.to_string()),
                        _ => (0, String::new()),
                    },
                    (Target::Stored(_), Some(s)) => s,
                    (Target::Stored(_), None) => (0, String::new()),
                };
                let given = Currency::parse("currency", &row.fields.currency)
                    .and_then(|c| c.parse_amount("amount", &row.fields.amount).map(|a| (c, a)));
                match given {
                    Ok((c, a)) if c.code() == currency && a == -amount && amount != 0 => {
                        planned.push(Planned::Reversal { target: t, line });
                    }
                    Ok(_) => problems.push(RowProblem::new(
                        line,
                        Problem::new(
                            "amount",
                            format!("a reversal must be exactly -{amount} minor units of {currency}"),
                        ),
                    )),
                    Err(p) => problems.push(RowProblem::new(line, p)),
                }
            }
        } else {
            match row.fields.validate() {
                Ok(v) => {
                    let party = ledger.party(&v.party).map_err(|p| problems.push(RowProblem::new(line, p))).ok();
                    let person = match (&v.person, party) {
                        (Some(p), Some(party)) => {
                            ledger.person(p, party).map_err(|p| problems.push(RowProblem::new(line, p))).ok()
                        }
                        _ => None,
                    };
                    if let Some(party) = party {
                        planned.push(Planned::Entry { entry: v, party, person });
                    }
                }
                Err(ps) => problems.extend(ps.into_iter().map(|p| RowProblem::new(line, p))),
            }
        }
        // Only a row that was planned can be referred to by a later reversal.
        if let (Some(id), true) = (&row.id, planned.len() > planned_before) {
            if file_ids.insert(id.clone(), planned.len() - 1).is_some() {
                problems.push(RowProblem::new(line, Problem::new("id", format!("'{id}' appears twice in the file"))));
            }
        }
    }
    if problems.is_empty() {
        Ok(planned)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Two;
    impl Ledger for Two {
        fn party(&self, text: &str) -> Result<i64, Problem> {
            match text {
                "Northmoor" => Ok(1),
                "Ferrant" => Ok(2),
                other => Err(Problem::new("party", format!("'{other}' is not a party"))),
            }
        }
        fn person(&self, _: &str, _: i64) -> Result<i64, Problem> {
            Err(Problem::new("person", "nobody"))
        }
        fn reversible(&self, id: i64) -> Result<(i64, String), String> {
            if id == 9 { Ok((5000, "GBP".into())) } else { Err(format!("there is no entry {id}")) }
        }
    }

    fn csv(text: &str) -> Vec<Row> {
        crate::csv_io::read(text.as_bytes()).expect("reads").0
    }

    const HEAD: &str =
        "id,date,party,person,category,amount,currency,hours,fte_months,rate,description,evidence,reverses\n";

    #[test]
    fn a_file_plans_entries_and_reversals_or_names_every_problem() {
        let ok = csv(&format!(
            "{HEAD}a,2027-01-05,Northmoor,,cash,100.00,GBP,,,,First,,\n,2027-01-05,Northmoor,,cash,-100.00,GBP,,,,Undo,,a\n,2027-01-06,Ferrant,,cash,-50.00,GBP,,,,Undo stored,,9\n"
        ));
        let p = plan(&ok, &Two).expect("plans");
        assert_eq!(p.len(), 3);
        assert!(matches!(p[1], Planned::Reversal { target: Target::InFile(0), line: 3 }));
        assert!(matches!(p[2], Planned::Reversal { target: Target::Stored(9), .. }));
        let bad = csv(&format!(
            "{HEAD}a,2027-01-05,Nobody,,cash,100.00,GBP,,,,First,,\n,2027-01-05,Northmoor,,cash,-1.00,GBP,,,,Undo,,7\na,2027-01-05,Ferrant,,cash,1.00,GBP,,,,Again,,\nb,2027-01-05,Ferrant,,cash,1.00,GBP,,,,x,,\n,2027-01-05,Ferrant,,cash,-2.00,GBP,,,,y,,b\n"
        ));
        let e = plan(&bad, &Two).expect_err("refused");
        let lines: Vec<(u64, &str)> = e.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(lines, [(2, "party"), (3, "reverses"), (6, "amount")]);
    }
}
