//! The domain's plain data: what the store keeps and the API hands out. Raw user input arrives in
//! the `New*` / `*Patch` structs as text and is validated here, every problem reported at once.

pub mod validate;

use crate::error::{FieldError, Problems, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Declares an enum stored and typed as lower-case text, with parsing that lists the allowed values.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parses the stored / typed form; the error names `field` and the allowed values.
            pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
                let v = value.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                match v.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(FieldError::new(field, format!(
                        "'{}' is not one of: {}", value.trim(),
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// Where a collaboration stands.
    CollabStatus { Planning = "planning", Active = "active", Closed = "closed" }
);

text_enum!(
    /// What a party does in a collaboration.
    Role { Lead = "lead", Partner = "partner", Funder = "funder", Subcontractor = "subcontractor" }
);

text_enum!(
    /// What kind of organisation a party is.
    PartyKind {
        University = "university",
        ResearchInstitute = "research_institute",
        Company = "company",
        Funder = "funder",
        Government = "government",
        Other = "other",
    }
);

pub type Id = i64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Collaboration {
    pub id: Id,
    pub title: String,
    pub summary: Option<String>,
    pub status: CollabStatus,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub sunset_date: Option<NaiveDate>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A party's place in one collaboration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Member {
    pub role: Role,
    pub party: Party,
}

/// A collaboration with the parties taking part and their people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CollaborationDetail {
    #[serde(flatten)]
    pub collaboration: Collaboration,
    pub members: Vec<Member>,
    pub people: Vec<Person>,
}

impl CollaborationDetail {
    /// The member a user names: by party id, short name or legal name (case aside), or a
    /// sentence saying why none or several match, listing the members.
    pub fn member(&self, text: &str) -> std::result::Result<&Member, String> {
        let t = text.trim();
        let found: Vec<&Member> = self
            .members
            .iter()
            .filter(|m| {
                m.party.id.to_string() == t
                    || m.party.legal_name.eq_ignore_ascii_case(t)
                    || m.party.short_name.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(t))
            })
            .collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(format!(
                "'{t}' is not a party of collaboration {} ({})",
                self.collaboration.id,
                self.members
                    .iter()
                    .map(|m| format!("{} ({})", m.party.display_name(), m.party.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Err(format!("'{t}' names more than one party of collaboration {}: use its id", self.collaboration.id)),
        }
    }

    /// The document's party list: each member numbered, with its kind, country and role.
    pub fn doc_parties(&self) -> Vec<steward_clauses::document::DocParty> {
        self.members
            .iter()
            .enumerate()
            .map(|(i, m)| steward_clauses::document::DocParty {
                number: i + 1,
                legal_name: m.party.legal_name.clone(),
                short_name: m.party.display_name().to_string(),
                description: format!(
                    "a {} in {} ({})",
                    m.party.kind.as_str().replace('_', " "),
                    m.party.country,
                    m.role.as_str()
                ),
            })
            .collect()
    }
}

/// One row of the collaborations list: enough for an overview screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CollaborationSummary {
    #[serde(flatten)]
    pub collaboration: Collaboration,
    /// ISO 3166-1 alpha-2 codes of the members' countries, sorted, without repeats.
    pub countries: Vec<String>,
    pub member_count: usize,
    /// The members' names as lists show them (short name, else legal name), in the order they joined.
    #[serde(default)]
    pub parties: Vec<String>,
    /// The verdict and its reasons (filled by `Steward::collaboration_overview`).
    #[serde(default)]
    pub health: Option<steward_register::health::Health>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Party {
    pub id: Id,
    pub legal_name: String,
    pub short_name: Option<String>,
    pub kind: PartyKind,
    pub registration_number: Option<String>,
    pub address: Option<String>,
    pub country: String,
    pub archived: bool,
}

impl Party {
    /// The name to show in lists: the short name if there is one.
    pub fn display_name(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.legal_name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Person {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub orcid: Option<String>,
    pub party_id: Id,
    pub archived: bool,
}

// ---- input -------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct NewCollaboration {
    pub title: String,
    pub summary: Option<String>,
    pub status: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub sunset_date: Option<String>,
}

/// Changes to a collaboration: `None` keeps a field, `Some("")` clears an optional one.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CollaborationPatch {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub status: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub sunset_date: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct NewParty {
    pub legal_name: String,
    pub short_name: Option<String>,
    pub kind: Option<String>,
    pub registration_number: Option<String>,
    pub address: Option<String>,
    pub country: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct NewPerson {
    pub name: String,
    pub email: String,
    pub orcid: Option<String>,
    pub party_id: Id,
}

// ---- validated forms ---------------------------------------------------------------------------

pub(crate) struct CollabFields {
    pub title: String,
    pub summary: Option<String>,
    pub status: CollabStatus,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub sunset_date: Option<NaiveDate>,
}

fn opt_date(p: &mut Problems, field: &str, v: Option<&str>) -> Option<NaiveDate> {
    let v = v.map(str::trim).filter(|v| !v.is_empty())?;
    p.take(validate::date(field, v))
}

impl CollabFields {
    /// Applies `patch` on top of `base` and validates the result as a whole.
    pub(crate) fn merge(base: Option<&Collaboration>, patch: &CollaborationPatch) -> Result<Self> {
        let mut p = Problems::new();
        let title = match (&patch.title, base) {
            (Some(t), _) => p.take(validate::required_text("title", t, 300)),
            (None, Some(b)) => Some(b.title.clone()),
            (None, None) => p.take(validate::required_text("title", "", 300)),
        };
        let summary = match &patch.summary {
            Some(s) => p.take(validate::optional_text("summary", Some(s), 5000)).flatten(),
            None => base.and_then(|b| b.summary.clone()),
        };
        let status = match &patch.status {
            Some(s) => p.take(CollabStatus::parse("status", s)),
            None => Some(base.map_or(CollabStatus::Planning, |b| b.status)),
        };
        let mut date = |field: &str, v: &Option<String>, old: Option<NaiveDate>| match v {
            Some(s) => opt_date(&mut p, field, Some(s)),
            None => old,
        };
        let start_date = date("start_date", &patch.start_date, base.and_then(|b| b.start_date));
        let end_date = date("end_date", &patch.end_date, base.and_then(|b| b.end_date));
        let sunset_date = date("sunset_date", &patch.sunset_date, base.and_then(|b| b.sunset_date));
        if let (Some(s), Some(e)) = (start_date, end_date) {
            if e < s {
                p.push("end_date", format!("{e} is before the start date {s}"));
            }
        }
        if let (Some(e), Some(s)) = (end_date.or(start_date), sunset_date) {
            if s < e {
                p.push(
                    "sunset_date",
                    format!("{s} is before the {} {e}", if end_date.is_some() { "end date" } else { "start date" }),
                );
            }
        }
        p.finish()?;
        // Every field is Some once `finish` passed: each None above pushed a problem.
        match (title, status) {
            (Some(title), Some(status)) => Ok(Self { title, summary, status, start_date, end_date, sunset_date }),
            _ => Err(crate::Error::invalid("title", "must not be empty")),
        }
    }
}

impl From<&NewCollaboration> for CollaborationPatch {
    fn from(n: &NewCollaboration) -> Self {
        Self {
            title: Some(n.title.clone()),
            summary: n.summary.clone(),
            status: n.status.clone(),
            start_date: n.start_date.clone(),
            end_date: n.end_date.clone(),
            sunset_date: n.sunset_date.clone(),
        }
    }
}

pub(crate) struct PartyFields {
    pub legal_name: String,
    pub short_name: Option<String>,
    pub kind: PartyKind,
    pub registration_number: Option<String>,
    pub address: Option<String>,
    pub country: String,
}

impl PartyFields {
    pub(crate) fn validate(n: &NewParty) -> Result<Self> {
        let mut p = Problems::new();
        let legal_name = p.take(validate::required_text("legal_name", &n.legal_name, 300));
        let short_name = p.take(validate::optional_text("short_name", n.short_name.as_deref(), 80)).flatten();
        let kind = match n.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => p.take(PartyKind::parse("kind", k)),
            None => Some(PartyKind::Other),
        };
        let registration_number =
            p.take(validate::optional_text("registration_number", n.registration_number.as_deref(), 100)).flatten();
        let address = p.take(validate::optional_text("address", n.address.as_deref(), 1000)).flatten();
        let country = if n.country.trim().is_empty() {
            p.push("country", "is required (an ISO 3166-1 alpha-2 code such as GB)");
            None
        } else {
            p.take(validate::country("country", &n.country))
        };
        p.finish()?;
        match (legal_name, kind, country) {
            (Some(legal_name), Some(kind), Some(country)) => {
                Ok(Self { legal_name, short_name, kind, registration_number, address, country })
            }
            _ => Err(crate::Error::invalid("party", "is incomplete")),
        }
    }
}

pub(crate) struct PersonFields {
    pub name: String,
    pub email: String,
    pub orcid: Option<String>,
}

impl PersonFields {
    pub(crate) fn validate(n: &NewPerson) -> Result<Self> {
        let mut p = Problems::new();
        let name = p.take(validate::required_text("name", &n.name, 200));
        let email = if n.email.trim().is_empty() {
            p.push("email", "is required");
            None
        } else {
            p.take(validate::email("email", &n.email))
        };
        let orcid = match n.orcid.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => p.take(validate::orcid("orcid", o)),
            None => None,
        };
        p.finish()?;
        match (name, email) {
            (Some(name), Some(email)) => Ok(Self { name, email, orcid }),
            _ => Err(crate::Error::invalid("person", "is incomplete")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collab_reports_every_problem_at_once() {
        let n = NewCollaboration {
            title: " ".into(),
            status: Some("finished".into()),
            start_date: Some("2027-05-01".into()),
            end_date: Some("2027-04-01".into()),
            sunset_date: Some("yesterday".into()),
            ..Default::default()
        };
        let err = CollabFields::merge(None, &(&n).into()).err().expect("must fail");
        let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["title", "status", "sunset_date", "end_date"]);
        assert!(err.to_string().contains("2027-04-01 is before the start date 2027-05-01"), "{err}");
    }

    #[test]
    fn patch_keeps_and_clears() {
        let n = NewCollaboration {
            title: "T".into(),
            summary: Some("S".into()),
            start_date: Some("2027-01-01".into()),
            ..Default::default()
        };
        let f = CollabFields::merge(None, &(&n).into()).expect("valid");
        assert_eq!(f.status, CollabStatus::Planning);
        let base = Collaboration {
            id: 1,
            title: f.title,
            summary: f.summary,
            status: f.status,
            start_date: f.start_date,
            end_date: None,
            sunset_date: None,
            archived: false,
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        };
        let patch =
            CollaborationPatch { summary: Some(String::new()), status: Some("Active".into()), ..Default::default() };
        let g = CollabFields::merge(Some(&base), &patch).expect("valid");
        assert_eq!(g.title, "T");
        assert_eq!(g.summary, None);
        assert_eq!(g.status, CollabStatus::Active);
        assert_eq!(g.start_date, base.start_date);
    }

    #[test]
    fn party_and_person_validation() {
        let err =
            PartyFields::validate(&NewParty { kind: Some("bank".into()), country: "XX".into(), ..Default::default() })
                .err()
                .expect("must fail");
        let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["legal_name", "kind", "country"]);
        let err = PersonFields::validate(&NewPerson {
            name: "Ada".into(),
            email: "ada@".into(),
            orcid: Some("0000-0002-1825-0098".into()),
            party_id: 1,
        })
        .err()
        .expect("must fail");
        let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["email", "orcid"]);
    }

    #[test]
    fn enums_parse_leniently_and_list_choices() {
        assert_eq!(PartyKind::parse("k", "Research Institute"), Ok(PartyKind::ResearchInstitute));
        let e = Role::parse("role", "owner").unwrap_err();
        assert_eq!(e.message, "'owner' is not one of: lead, partner, funder, subcontractor");
    }
}
