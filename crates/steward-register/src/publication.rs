//! Publication review: a party sends the others a proposed publication; within the notice period
//! they may object on stated grounds (their confidential information or background, which must be
//! removed; or patentable results, which delay publication up to a cap so that an application can
//! be filed); silence is consent. There is never a right to stop the publication of results as such.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use steward_clauses::obligations::shift;
use steward_clauses::values::Duration;

/// Why a party objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// It discloses the objecting party's confidential information: remove it.
    Confidential,
    /// It discloses patentable results: delay, up to the cap, for a filing.
    Patent,
    /// It discloses the objecting party's background: remove it.
    Background,
}

impl Ground {
    pub fn as_str(self) -> &'static str {
        match self {
            Ground::Confidential => "confidential",
            Ground::Patent => "patent",
            Ground::Background => "background",
        }
    }
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "confidential" => Ok(Ground::Confidential),
            "patent" => Ok(Ground::Patent),
            "background" => Ok(Ground::Background),
            _ => Err(format!("'{s}' is not a ground of objection (confidential, patent or background)")),
        }
    }
}

/// The terms a review runs on, read from the collaboration's agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub notice_period: Duration,
    pub patent_delay: Duration,
}

/// The last day the others may object: the notice date plus the notice period.
pub fn review_deadline(notice: NaiveDate, terms: &Terms) -> Option<NaiveDate> {
    shift(notice, terms.notice_period, true)
}

/// The latest day a patent objection may hold the publication back: the cap, counted from the
/// day the objecting party received the proposed publication (the notice date).
pub fn delay_until(notice: NaiveDate, terms: &Terms) -> Option<NaiveDate> {
    shift(notice, terms.patent_delay, true)
}

/// An objection as release judges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenObjection {
    pub party: String,
    pub ground: Ground,
    /// For a patent objection: the day its delay ends.
    pub delay_until: Option<NaiveDate>,
    pub resolved: bool,
}

/// Whether a publication may be released today, or every reason it may not.
pub fn may_release(
    today: NaiveDate,
    deadline: NaiveDate,
    objections: &[OpenObjection],
    parties_to_consent: &[String],
    consented: &[String],
) -> Result<(), Vec<String>> {
    let mut why = Vec::new();
    let all_consented = parties_to_consent.iter().all(|p| consented.contains(p));
    if today <= deadline && !all_consented {
        let waiting: Vec<&str> =
            parties_to_consent.iter().filter(|p| !consented.contains(p)).map(String::as_str).collect();
        why.push(format!(
            "the review window is open until {deadline} and {} not consented",
            if waiting.len() == 1 { format!("{} has", waiting[0]) } else { format!("{} have", waiting.join(", ")) }
        ));
    }
    for o in objections.iter().filter(|o| !o.resolved) {
        match (o.ground, o.delay_until) {
            (Ground::Patent, Some(until)) if today > until => {}
            (Ground::Patent, Some(until)) => why.push(format!(
                "{} objected to allow a patent filing: publication is delayed until {until}, or until it says the application is filed",
                o.party
            )),
            (g, _) => why.push(format!(
                "{}'s objection ({}) is open: resolve it with a version that removes the material",
                o.party,
                g.as_str()
            )),
        }
    }
    if why.is_empty() { Ok(()) } else { Err(why) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }
    fn terms(notice: &str) -> Terms {
        Terms {
            notice_period: Duration::parse(notice).expect("duration"),
            patent_delay: Duration::parse("3 months").expect("duration"),
        }
    }

    #[test]
    fn a_sixty_day_notice_gives_a_sixty_day_deadline_and_the_cap_counts_from_receipt() {
        assert_eq!(review_deadline(d("2027-01-10"), &terms("60 days")), Some(d("2027-03-11")));
        assert_eq!(review_deadline(d("2027-01-10"), &terms("30 days")), Some(d("2027-02-09")));
        assert_eq!(delay_until(d("2027-01-10"), &terms("60 days")), Some(d("2027-04-10")));
    }

    #[test]
    fn release_waits_for_the_window_or_consent_and_for_open_objections() {
        let parties = vec!["Ferrant".to_string(), "Kaminokawa Tech".to_string()];
        let deadline = d("2027-03-11");
        let e = may_release(d("2027-02-01"), deadline, &[], &parties, &["Ferrant".into()]).unwrap_err();
        assert!(e[0].contains("Kaminokawa Tech has not consented"), "{e:?}");
        assert_eq!(may_release(d("2027-02-01"), deadline, &[], &parties, &parties), Ok(()));
        assert_eq!(may_release(d("2027-03-12"), deadline, &[], &parties, &[]), Ok(()));
        let patent = OpenObjection {
            party: "Ferrant".into(),
            ground: Ground::Patent,
            delay_until: Some(d("2027-04-10")),
            resolved: false,
        };
        assert!(may_release(d("2027-03-20"), deadline, std::slice::from_ref(&patent), &parties, &[]).is_err());
        assert_eq!(may_release(d("2027-04-11"), deadline, &[patent], &parties, &[]), Ok(()));
        let conf =
            OpenObjection { party: "Ferrant".into(), ground: Ground::Confidential, delay_until: None, resolved: false };
        assert!(may_release(d("2028-01-01"), deadline, std::slice::from_ref(&conf), &parties, &[]).is_err());
        let done = OpenObjection { resolved: true, ..conf };
        assert_eq!(may_release(d("2028-01-01"), deadline, &[done], &parties, &[]), Ok(()));
    }
}
