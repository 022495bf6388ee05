//! IP stewardship, the pure part: who owns a result under the agreed ownership model and the
//! parties that made it, the patent deadlines a filing starts, and what an exit does with each
//! item. The clause texts these rules follow are `templates/clauses/collab/ownership-*.hbs`.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The agreement's `ownership_model`: Lambert-style models 1 to 5, or joint ownership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Model {
    #[serde(rename = "1")]
    One,
    #[serde(rename = "2")]
    Two,
    #[serde(rename = "3")]
    Three,
    #[serde(rename = "4")]
    Four,
    #[serde(rename = "5")]
    Five,
    #[serde(rename = "joint")]
    Joint,
}

impl Model {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "1" => Ok(Model::One),
            "2" => Ok(Model::Two),
            "3" => Ok(Model::Three),
            "4" => Ok(Model::Four),
            "5" => Ok(Model::Five),
            "joint" => Ok(Model::Joint),
            _ => Err(format!("'{s}' is not an ownership model (1 to 5, or joint)")),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Model::One => "1",
            Model::Two => "2",
            Model::Three => "3",
            Model::Four => "4",
            Model::Five => "5",
            Model::Joint => "joint",
        }
    }
    /// The clause of the collaboration agreement that decides ownership under this model.
    pub fn clause(self) -> &'static str {
        match self {
            Model::One => "collab.ownership-1",
            Model::Two => "collab.ownership-2",
            Model::Three => "collab.ownership-3",
            Model::Four => "collab.ownership-4",
            Model::Five => "collab.ownership-5",
            Model::Joint => "collab.ownership-joint",
        }
    }
}

/// A party as ownership sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub id: i64,
    pub name: String,
    /// A university or research institute (an academic party).
    pub academic: bool,
    /// A company.
    pub company: bool,
}

/// How joint owners' shares are set (the joint clause's `joint_share_basis`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JointBasis {
    Equal,
    /// In proportion to contribution: each party's ledger share, in basis points.
    Contribution(Vec<(i64, u32)>),
    /// As listed in the agreement, in basis points.
    Listed(Vec<(i64, u32)>),
}

/// One owner and its share, in basis points (10,000 is the whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Share {
    pub party_id: i64,
    pub party: String,
    pub basis_points: u32,
}

/// Who owns a result, the rights others keep, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Ownership {
    pub owners: Vec<Share>,
    /// Rights that others keep: `Ferrant: a non-exclusive licence (clause collab.licences)`.
    pub rights: Vec<String>,
    /// The clause that decides it.
    pub clause: String,
    pub model: Model,
    /// The rule applied, in a sentence.
    pub reason: String,
}

/// Splits 10,000 basis points over `weights` (largest remainder, ties to the earlier party), so
/// the shares always add up to the whole.
fn split(weights: &[(i64, u64)]) -> Vec<(i64, u32)> {
    let total: u64 = weights.iter().map(|w| w.1).sum();
    if total == 0 {
        return split(&weights.iter().map(|w| (w.0, 1)).collect::<Vec<_>>());
    }
    let mut out: Vec<(i64, u32, u64)> = weights
        .iter()
        .map(|&(id, w)| {
            let exact = w * 10_000;
            (id, u32::try_from(exact / total).unwrap_or(u32::MAX), exact % total)
        })
        .collect();
    let given: u32 = out.iter().map(|o| o.1).sum();
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&a, &b| out[b].2.cmp(&out[a].2).then(a.cmp(&b)));
    for &i in order.iter().take(10_000u32.saturating_sub(given) as usize) {
        out[i].1 += 1;
    }
    out.into_iter().map(|(id, bp, _)| (id, bp)).collect()
}

fn shares(parties: &[&Party], weights: &[(i64, u64)]) -> Vec<Share> {
    split(weights)
        .into_iter()
        .filter_map(|(id, bp)| {
            parties.iter().find(|p| p.id == id).map(|p| Share { party_id: id, party: p.name.clone(), basis_points: bp })
        })
        .collect()
}

fn names(ps: &[&Party]) -> String {
    let n: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
    match n.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Who owns a result made by `contributors` (ids of `parties`) under `model`.
pub fn decide(model: Model, parties: &[Party], contributors: &[i64], basis: &JointBasis) -> Result<Ownership, String> {
    let made: Vec<&Party> = parties.iter().filter(|p| contributors.contains(&p.id)).collect();
    if made.is_empty() {
        return Err("a result needs at least one contributing party of the collaboration".into());
    }
    let academic: Vec<&Party> = parties.iter().filter(|p| p.academic).collect();
    let companies: Vec<&Party> = parties.iter().filter(|p| p.company).collect();
    let equal = |ps: &[&Party]| shares(ps, &ps.iter().map(|p| (p.id, 1)).collect::<Vec<_>>());
    let clause = model.clause().to_string();
    match model {
        Model::One | Model::Two | Model::Three => {
            if academic.is_empty() {
                return Err(format!(
                    "ownership model {} gives the Results to the Universities, and no party is a university or research institute",
                    model.as_str()
                ));
            }
            let made_academic: Vec<&Party> = made.iter().copied().filter(|p| p.academic).collect();
            let (owners, reason) = if made_academic.is_empty() {
                (
                    academic.clone(),
                    format!(
                        "Model {}: the Universities own the Results; no University contributed, so the company's rights are assigned to all the Universities jointly and equally.",
                        model.as_str()
                    ),
                )
            } else if made_academic.len() == 1 {
                (
                    made_academic.clone(),
                    format!(
                        "Model {}: the Universities own the Results; {} generated it{}.",
                        model.as_str(),
                        made_academic[0].name,
                        if made.len() > 1 { ", and the company's rights are assigned to it" } else { "" }
                    ),
                )
            } else {
                (
                    made_academic.clone(),
                    format!(
                        "Model {}: Results generated by more than one University are owned by {} jointly in equal shares.",
                        model.as_str(),
                        names(&made_academic)
                    ),
                )
            };
            let grant = match model {
                Model::One => "a non-exclusive licence",
                Model::Two => "a non-exclusive licence and an option to an exclusive licence",
                _ => "a non-exclusive licence and an option to take an assignment",
            };
            let rights = companies.iter().map(|c| format!("{}: {grant} (clause collab.licences)", c.name)).collect();
            Ok(Ownership { owners: equal(&owners), rights, clause, model, reason })
        }
        Model::Four | Model::Five => {
            if companies.is_empty() {
                return Err(format!(
                    "ownership model {} gives the Results to the Company, and no party is a company",
                    model.as_str()
                ));
            }
            let made_company: Vec<&Party> = made.iter().copied().filter(|p| p.company).collect();
            let owners = if made_company.is_empty() { companies.clone() } else { made_company };
            let reason = format!(
                "Model {}: the Company owns the Results; each University assigns its rights in them to {}.",
                model.as_str(),
                names(&owners)
            );
            let rights = if model == Model::Four {
                academic
                    .iter()
                    .map(|u| {
                        format!(
                            "{}: the right to use the Results for Academic Purposes (clause collab.licences)",
                            u.name
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Ok(Ownership { owners: equal(&owners), rights, clause, model, reason })
        }
        Model::Joint => {
            if made.len() == 1 {
                return Ok(Ownership {
                    owners: equal(&made),
                    rights: Vec::new(),
                    clause,
                    model,
                    reason: format!(
                        "Joint model: each party owns the Results its own personnel generated alone ({}).",
                        made[0].name
                    ),
                });
            }
            let (weights, why): (Vec<(i64, u64)>, String) = match basis {
                JointBasis::Equal => (made.iter().map(|p| (p.id, 1)).collect(), "in equal shares".into()),
                JointBasis::Contribution(ledger) | JointBasis::Listed(ledger) => {
                    let w: Vec<(i64, u64)> = made
                        .iter()
                        .map(|p| (p.id, u64::from(ledger.iter().find(|l| l.0 == p.id).map_or(0, |l| l.1))))
                        .collect();
                    if w.iter().all(|x| x.1 == 0) {
                        let what = if matches!(basis, JointBasis::Listed(_)) { "listed shares" } else { "ledger" };
                        return Err(format!("the {what} give none of {} a share: record them first", names(&made)));
                    }
                    let how = if matches!(basis, JointBasis::Listed(_)) {
                        "in the shares the agreement lists"
                    } else {
                        "in proportion to the contributions in the ledger"
                    };
                    (w, how.into())
                }
            };
            let owners = shares(&made, &weights);
            Ok(Ownership {
                reason: format!("Joint model: a Result generated jointly is owned by {} {why}.", names(&made)),
                owners,
                rights: Vec::new(),
                clause,
                model,
            })
        }
    }
}

/// Reads a listed share such as `Northmoor: 40%` or `Ferrant: 12.5 %`: the party's name and basis
/// points.
pub fn listed_share(text: &str) -> Option<(String, u32)> {
    let (name, share) = text.rsplit_once(':')?;
    let n = share.trim().trim_end_matches('%').trim();
    let (whole, frac) = n.split_once('.').unwrap_or((n, ""));
    let whole: u32 = whole.parse().ok()?;
    let frac = format!("{frac:0<2}");
    let frac: u32 = frac.get(..2)?.parse().ok()?;
    let bp = whole.checked_mul(100)?.checked_add(frac)?;
    (bp <= 10_000 && !name.trim().is_empty()).then(|| (name.trim().to_string(), bp))
}

/// The deadlines a patent application starts, from its priority date (the filing date of the
/// first application for the invention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PatentDeadlines {
    /// The end of the priority year (Paris Convention: 12 months): file abroad or under the PCT.
    pub priority: NaiveDate,
    /// PCT national phase entry at most offices: 30 months from priority.
    pub national_30: NaiveDate,
    /// PCT national or regional phase entry where 31 months apply (the EPO, among others).
    pub national_31: NaiveDate,
}

/// The deadlines counted from `priority_date`; `None` past the calendar's end.
pub fn patent_deadlines(priority_date: NaiveDate) -> Option<PatentDeadlines> {
    Some(PatentDeadlines {
        priority: priority_date.checked_add_months(Months::new(12))?,
        national_30: priority_date.checked_add_months(Months::new(30))?,
        national_31: priority_date.checked_add_months(Months::new(31))?,
    })
}

/// What ends a collaboration, or a party's part in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    Sunset,
    Breach,
    Insolvency,
    ChangeOfControl,
    Withdrawal,
    KeyPersonnel,
    ByAgreement,
}

impl Trigger {
    pub const ALL: [Trigger; 7] = [
        Trigger::Sunset,
        Trigger::Breach,
        Trigger::Insolvency,
        Trigger::ChangeOfControl,
        Trigger::Withdrawal,
        Trigger::KeyPersonnel,
        Trigger::ByAgreement,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Sunset => "sunset",
            Trigger::Breach => "breach",
            Trigger::Insolvency => "insolvency",
            Trigger::ChangeOfControl => "change-of-control",
            Trigger::Withdrawal => "withdrawal",
            Trigger::KeyPersonnel => "key-personnel",
            Trigger::ByAgreement => "by-agreement",
        }
    }
    pub fn parse(s: &str) -> Result<Self, String> {
        Trigger::ALL.into_iter().find(|t| t.as_str() == s.trim().to_ascii_lowercase()).ok_or_else(|| {
            format!(
                "'{s}' is not an exit trigger ({})",
                Trigger::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
            )
        })
    }
    /// Whether the trigger concerns one party (who must be named) rather than the whole
    /// collaboration.
    pub fn names_a_party(self) -> bool {
        !matches!(self, Trigger::Sunset | Trigger::ByAgreement)
    }
    /// The whole collaboration ends (every party leaves), not one party.
    pub fn ends_all(self) -> bool {
        matches!(self, Trigger::Sunset | Trigger::ByAgreement)
    }
    pub fn describe(self) -> &'static str {
        match self {
            Trigger::Sunset => "the collaboration reached its end date",
            Trigger::Breach => "a material breach was not remedied within the cure period",
            Trigger::Insolvency => "a party became insolvent",
            Trigger::ChangeOfControl => "a party came under the control of another person",
            Trigger::Withdrawal => "a party withdrew on notice",
            Trigger::KeyPersonnel => "a party lost the key personnel the project depends on",
            Trigger::ByAgreement => "the parties agreed to end the collaboration",
        }
    }
}

/// What an exit does with an IP item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum Disposition {
    /// It stays with its owner (access rights under the agreement end, save those that survive).
    Stays,
    /// It is assigned to another party.
    Assigned,
    /// It stays with its owner, licensed back to the others for research and teaching.
    LicensedBack,
    /// A licence granted on it ends.
    LicenceEnded,
    /// A licence granted on it continues on its terms.
    LicenceContinues,
}

impl Disposition {
    pub const ALL: [Disposition; 5] = [
        Disposition::Stays,
        Disposition::Assigned,
        Disposition::LicensedBack,
        Disposition::LicenceEnded,
        Disposition::LicenceContinues,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Stays => "stays",
            Disposition::Assigned => "assigned",
            Disposition::LicensedBack => "licensed-back",
            Disposition::LicenceEnded => "licence-ended",
            Disposition::LicenceContinues => "licence-continues",
        }
    }
    pub fn parse(s: &str) -> Result<Self, String> {
        Disposition::ALL.into_iter().find(|d| d.as_str() == s.trim().to_ascii_lowercase()).ok_or_else(|| {
            format!(
                "'{s}' is not a disposition ({})",
                Disposition::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ")
            )
        })
    }
    pub fn describe(self) -> &'static str {
        match self {
            Disposition::Stays => "stays with its owner",
            Disposition::Assigned => "assigned",
            Disposition::LicensedBack => "stays with its owner, licensed back for research and teaching",
            Disposition::LicenceEnded => "licence ended",
            Disposition::LicenceContinues => "licence continues on its terms",
        }
    }
}

/// The disposition an exit proposes for a result owned by `owners` when `leaving` leaves (none:
/// the whole collaboration ends), and whether someone must decide it.
pub fn propose_result(trigger: Trigger, leaving: Option<i64>, owners: &[i64]) -> (Disposition, bool) {
    match leaving {
        // A party leaves and owns (part of) the result: the others keep using it for research
        // and teaching; whether more is needed (an assignment) is for the parties to decide.
        Some(p) if owners.contains(&p) => (Disposition::LicensedBack, true),
        Some(_) => (Disposition::Stays, false),
        None if trigger == Trigger::Sunset => (Disposition::Stays, false),
        None => (Disposition::Stays, true),
    }
}

/// The disposition an exit proposes for a licence to `licensee` when `leaving` leaves.
pub fn propose_licence(trigger: Trigger, leaving: Option<i64>, licensee: i64) -> (Disposition, bool) {
    match (trigger, leaving) {
        (Trigger::Insolvency | Trigger::Breach | Trigger::ChangeOfControl, Some(p)) if p == licensee => {
            (Disposition::LicenceEnded, true)
        }
        _ => (Disposition::LicenceContinues, true),
    }
}

/// How a dataset's media were sanitised (NIST SP 800-88 categories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Overwriting with logical techniques: protects against simple recovery.
    Clear,
    /// Physical or logical techniques that defeat laboratory recovery (e.g. cryptographic erase).
    Purge,
    /// The media cannot be used again (shredding, disintegration, incineration).
    Destroy,
    /// Returned to the party that supplied it (no sanitisation here).
    Return,
}

impl Method {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "clear" => Ok(Method::Clear),
            "purge" => Ok(Method::Purge),
            "destroy" => Ok(Method::Destroy),
            "return" => Ok(Method::Return),
            _ => Err(format!("'{s}' is not a sanitisation method (clear, purge, destroy or return)")),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Clear => "clear",
            Method::Purge => "purge",
            Method::Destroy => "destroy",
            Method::Return => "return",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn parties() -> Vec<Party> {
        vec![
            Party { id: 1, name: "Northmoor".into(), academic: true, company: false },
            Party { id: 2, name: "Kaminokawa Tech".into(), academic: true, company: false },
            Party { id: 3, name: "Ferrant".into(), academic: false, company: true },
        ]
    }

    fn owners(o: &Ownership) -> Vec<(String, u32)> {
        o.owners.iter().map(|s| (s.party.clone(), s.basis_points)).collect()
    }

    #[test]
    fn ownership_per_model_and_contributors() {
        let ps = parties();
        let ledger = JointBasis::Contribution(vec![(1, 4500), (2, 2000), (3, 3500)]);
        let o = |n: &str, s: u32| (n.to_string(), s);
        type Case<'a> = (&'a str, Vec<i64>, &'a JointBasis, Vec<(String, u32)>, usize);
        #[rustfmt::skip]
        let table: Vec<Case> = vec![
            // model, contributors, basis, owners, rights kept by others
            ("1", vec![1], &JointBasis::Equal, vec![o("Northmoor", 10_000)], 1),
            ("1", vec![1, 3], &JointBasis::Equal, vec![o("Northmoor", 10_000)], 1),
            ("2", vec![1, 2], &JointBasis::Equal, vec![o("Northmoor", 5000), o("Kaminokawa Tech", 5000)], 1),
            ("3", vec![3], &JointBasis::Equal, vec![o("Northmoor", 5000), o("Kaminokawa Tech", 5000)], 1),
            ("4", vec![1, 2], &JointBasis::Equal, vec![o("Ferrant", 10_000)], 2),
            ("4", vec![3], &JointBasis::Equal, vec![o("Ferrant", 10_000)], 2),
            ("5", vec![1], &JointBasis::Equal, vec![o("Ferrant", 10_000)], 0),
            ("joint", vec![2], &ledger, vec![o("Kaminokawa Tech", 10_000)], 0),
            ("joint", vec![1, 3], &JointBasis::Equal, vec![o("Northmoor", 5000), o("Ferrant", 5000)], 0),
            ("joint", vec![1, 3], &ledger, vec![o("Northmoor", 5625), o("Ferrant", 4375)], 0),
            ("joint", vec![1, 2, 3], &JointBasis::Equal, vec![o("Northmoor", 3334), o("Kaminokawa Tech", 3333), o("Ferrant", 3333)], 0),
        ];
        for (model, who, basis, want, rights) in table {
            let m = Model::parse(model).expect("model");
            let got = decide(m, &ps, &who, basis).expect("decided");
            assert_eq!(owners(&got), want, "model {model}, contributors {who:?}");
            assert_eq!(got.rights.len(), rights, "model {model}, contributors {who:?}: {:?}", got.rights);
            assert_eq!(got.clause, m.clause());
            assert_eq!(got.owners.iter().map(|s| s.basis_points).sum::<u32>(), 10_000);
        }
    }

    #[test]
    fn ownership_that_cannot_be_decided_says_why() {
        let ps = parties();
        assert!(decide(Model::One, &ps, &[], &JointBasis::Equal).unwrap_err().contains("at least one"));
        assert!(decide(Model::One, &ps, &[9], &JointBasis::Equal).is_err());
        let only_companies = vec![Party { id: 3, name: "Ferrant".into(), academic: false, company: true }];
        assert!(
            decide(Model::Two, &only_companies, &[3], &JointBasis::Equal)
                .unwrap_err()
                .contains("no party is a university")
        );
        let only_universities = &ps[..2];
        assert!(
            decide(Model::Four, only_universities, &[1], &JointBasis::Equal)
                .unwrap_err()
                .contains("no party is a company")
        );
        let none = JointBasis::Listed(vec![(2, 10_000)]);
        assert!(decide(Model::Joint, &ps, &[1, 3], &none).unwrap_err().contains("listed shares"));
        assert!(Model::parse("6").is_err());
    }

    #[test]
    fn listed_shares_read_as_basis_points() {
        assert_eq!(listed_share("Northmoor: 40%"), Some(("Northmoor".into(), 4000)));
        assert_eq!(listed_share("Kaminokawa Tech: 12.5 %"), Some(("Kaminokawa Tech".into(), 1250)));
        assert_eq!(listed_share("Ferrant: 101%"), None);
        assert_eq!(listed_share("no share"), None);
        assert_eq!(listed_share(": 10%"), None);
    }

    #[test]
    fn patent_deadlines_count_months_from_priority() {
        let p = patent_deadlines(d("2027-03-15")).expect("dates");
        assert_eq!(p.priority, d("2028-03-15"));
        assert_eq!(p.national_30, d("2029-09-15"));
        assert_eq!(p.national_31, d("2029-10-15"));
        // The end of a month stays at the end of a shorter month.
        let p = patent_deadlines(d("2027-08-31")).expect("dates");
        assert_eq!(p.national_30, d("2030-02-28"));
    }

    #[test]
    fn exit_proposals() {
        assert_eq!(propose_result(Trigger::Sunset, None, &[1]), (Disposition::Stays, false));
        assert_eq!(propose_result(Trigger::Withdrawal, Some(3), &[3]), (Disposition::LicensedBack, true));
        assert_eq!(propose_result(Trigger::Withdrawal, Some(3), &[1]), (Disposition::Stays, false));
        assert_eq!(propose_licence(Trigger::Insolvency, Some(3), 3), (Disposition::LicenceEnded, true));
        assert_eq!(propose_licence(Trigger::Sunset, None, 3), (Disposition::LicenceContinues, true));
        assert_eq!(Trigger::parse("change-of-control"), Ok(Trigger::ChangeOfControl));
        assert!(Trigger::parse("boredom").unwrap_err().contains("sunset"));
        assert!(Disposition::parse("kept").is_err());
        assert!(Method::parse("burn").is_err());
    }
}
