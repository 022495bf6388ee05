//! The demo collaboration: realistic content for a new user's first look and for the tests.
//! Installed once per store; installing again gives back the same collaboration.

use crate::{Id, NewCollaboration, NewParty, NewPerson, Result, Role, Steward};

mod diligence;
mod ip;
pub mod library;
mod many;
mod running;
mod word;
pub use diligence::{DEMO_WATCH_LIST, DEMO_WATCH_LIST_FILE};
pub use ip::DEMO_EXIT_TITLE;
pub use running::DEMO_MANUSCRIPT;

const DEMO_KEY: &str = "demo.collaboration";
const DEMO_SECOND_KEY: &str = "demo.collaboration.blocked";
const FIRST_RUN_KEY: &str = "first_run.done";

/// What the demo created, for hosts to point at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Demo {
    pub collaboration_id: Id,
    pub party_ids: Vec<Id>,
    pub agreement_ids: Vec<Id>,
    pub created: bool,
    /// Entries in the demo's decision log (signed by demo identities; 0 when the credential
    /// store was unavailable, see `decision_log_note`).
    pub decisions: u64,
    /// Why the decision log was not written, if it was not.
    pub decision_log_note: Option<String>,
}

impl Steward {
    /// What a desktop host does once on a fresh store: install the demo collaboration so a new
    /// user sees real content at once. Returns whether this call did the setup.
    /// The demo collaboration, if this store has one.
    pub fn demo_collaboration(&self) -> Result<Option<Id>> {
        Ok(self.store().setting(DEMO_KEY)?.and_then(|v| v.parse::<Id>().ok()))
    }

    pub fn first_run(&mut self) -> Result<bool> {
        if self.store().setting(FIRST_RUN_KEY)?.is_some() {
            return Ok(false);
        }
        if self.collaborations(true)?.is_empty() {
            self.install_demo()?;
        }
        self.store().set_setting(FIRST_RUN_KEY, &self.now().to_rfc3339())?;
        Ok(true)
    }

    /// Creates the demo collaboration (a UK university leading, an overseas university and a
    /// company partner, with their people), unless this store already has it.
    pub fn install_demo(&mut self) -> Result<Demo> {
        if let Some(id) = self.store().setting(DEMO_KEY)?.and_then(|v| v.parse::<Id>().ok()) {
            if let Ok(d) = self.collaboration(id) {
                let party_ids = d.members.iter().map(|m| m.party.id).collect();
                let agreement_ids = self.agreements(Some(id))?.iter().map(|a| a.id).collect();
                let decisions = self.decisions(id)?.len() as u64;
                return Ok(Demo {
                    collaboration_id: id,
                    party_ids,
                    agreement_ids,
                    created: false,
                    decisions,
                    decision_log_note: None,
                });
            }
        }
        let mut demo = self.atomically(|s| {
            let collab = s.create_collaboration(&NewCollaboration {
                title: "Low-loss superconducting resonators for quantum sensing".into(),
                summary: Some(
                    "Three-year joint programme to design, fabricate and characterise thin-film \
                     resonators for cryogenic quantum sensors, with a company partner preparing \
                     them for manufacture."
                        .into(),
                ),
                status: Some("active".into()),
                start_date: Some("2027-01-01".into()),
                end_date: Some("2029-12-31".into()),
                sunset_date: Some("2034-12-31".into()),
            })?;
            let parties = [
                (
                    NewParty {
                        legal_name: "The University of Northmoor".into(),
                        short_name: Some("Northmoor".into()),
                        kind: Some("university".into()),
                        registration_number: Some("RC000871".into()),
                        address: Some("Registry Building, Castle Hill, Northmoor NM1 4QT, United Kingdom".into()),
                        country: "GB".into(),
                    },
                    Role::Lead,
                    vec![
                        ("Dr Helen Achterberg", "h.achterberg@northmoor.ac.uk", Some("0000-0002-1825-0097")),
                        ("Samuel Okafor", "research.contracts@northmoor.ac.uk", None),
                    ],
                ),
                (
                    NewParty {
                        legal_name: "Kaminokawa Institute of Science and Technology".into(),
                        short_name: Some("Kaminokawa Tech".into()),
                        kind: Some("university".into()),
                        registration_number: Some("7010005003271".into()),
                        address: Some("2-12-1 Ookayama-minami, Kaminokawa, Tochigi 329-0611, Japan".into()),
                        country: "JP".into(),
                    },
                    Role::Partner,
                    vec![("Prof. Aiko Tanabe", "tanabe.aiko@kaminokawa-tech.ac.jp", Some("0000-0001-5109-3700"))],
                ),
                (
                    NewParty {
                        legal_name: "Ferrant Cryogenics GmbH".into(),
                        short_name: Some("Ferrant".into()),
                        kind: Some("company".into()),
                        registration_number: Some("HRB 214739".into()),
                        address: Some("Werkstraße 18, 01109 Dresden, Germany".into()),
                        country: "DE".into(),
                    },
                    Role::Partner,
                    vec![("Jonas Weidlich", "j.weidlich@ferrant-cryo.de", None)],
                ),
            ];
            let mut party_ids = Vec::new();
            for (party, role, people) in parties {
                let id = s.add_party(&party)?;
                s.add_member(collab, id, role)?;
                for (name, email, orcid) in people {
                    s.add_person(&NewPerson {
                        name: name.into(),
                        email: email.into(),
                        orcid: orcid.map(Into::into),
                        party_id: id,
                    })?;
                }
                party_ids.push(id);
            }
            s.demo_assessment(collab, &party_ids)?;
            let agreement_ids = s.demo_agreements(collab)?;
            s.demo_ledger(collab)?;
            s.store().set_setting(DEMO_KEY, &collab.to_string())?;
            let second = s.demo_second_collaboration(party_ids[0])?;
            s.store().set_setting(DEMO_SECOND_KEY, &second.to_string())?;
            Ok(Demo {
                collaboration_id: collab,
                party_ids,
                agreement_ids,
                created: true,
                decisions: 0,
                decision_log_note: None,
            })
        })?;
        // The log is signed with keys from the credential store: without one, the rest of the
        // demo still stands and the host says why the log is missing.
        let second = self.store().setting(DEMO_SECOND_KEY)?.and_then(|v| v.parse::<Id>().ok());
        let logged = self.demo_decisions(&demo).and_then(|_| {
            let who = self.demo_identities()?;
            let reviewer = who[0].0;
            self.demo_approvals(demo.collaboration_id, second, reviewer)?;
            self.demo_running(demo.collaboration_id, (who[0].0, who[1].0, who[2].0))?;
            self.demo_ip(demo.collaboration_id)?;
            self.demo_exit(demo.party_ids[0], demo.party_ids[2], (who[0].0, who[1].0, who[2].0))?;
            Ok(self.decisions(demo.collaboration_id)?.len() as u64)
        });
        // A partner's Word edits, to decide (needs no keys).
        if let Some(&a) = demo.agreement_ids.get(3) {
            self.demo_word_draft(a)?;
        }
        match logged {
            Ok(n) => demo.decisions = n,
            Err(e @ crate::Error::Credentials(_)) => {
                demo.decision_log_note = Some(format!("the demo decision log was not written: {e}"))
            }
            Err(e) => return Err(e),
        }
        Ok(demo)
    }

    /// A ledger in three currencies (with the rates to report it in pounds), a corrected entry,
    /// and CRediT roles for the people.
    fn demo_ledger(&mut self, collab: Id) -> Result<()> {
        use steward_ledger::EntryFields;
        let rates = [
            ("EUR", "GBP", "0.8571", "2027-01-01"),
            ("EUR", "GBP", "0.8623", "2027-04-01"),
            ("JPY", "GBP", "0.00532", "2027-01-01"),
            ("JPY", "GBP", "0.00541", "2027-04-01"),
        ];
        for (from, to, rate, date) in rates {
            if !self.rates()?.iter().any(|r| r.from == from && r.to == to && r.date.to_string() == date) {
                self.add_rate(from, to, rate, date, "Central bank reference rate (demo figure)")?;
            }
        }
        let e = |date: &str,
                 party: &str,
                 person: &str,
                 category: &str,
                 money: (&str, &str),
                 time: (&str, &str, &str),
                 what: &str,
                 evidence: &str| EntryFields {
            date: date.into(),
            party: party.into(),
            person: person.into(),
            category: category.into(),
            amount: money.0.into(),
            currency: money.1.into(),
            hours: time.0.into(),
            fte_months: time.1.into(),
            rate: time.2.into(),
            description: what.into(),
            evidence: evidence.into(),
        };
        let none = ("", "", "");
        let entries = [
            e(
                "2027-01-05",
                "Ferrant",
                "",
                "cash",
                ("135000", "EUR"),
                none,
                "First quarterly instalment of the Company's cash contribution",
                "Remittance advice FC-2027-0113",
            ),
            e(
                "2027-01-29",
                "Northmoor",
                "h.achterberg@northmoor.ac.uk",
                "staff_time",
                ("", "GBP"),
                ("", "1.2", "9850"),
                "Principal investigator, 20% of time, January to June",
                "Timesheet summary approved by the department",
            ),
            e(
                "2027-01-31",
                "Northmoor",
                "",
                "staff_time",
                ("", "GBP"),
                ("480", "", "52.40"),
                "Postdoctoral researcher, resonator design, January to March",
                "sha256:9f2c41e0b7d5a3c86e1f04b29d7a5c3e8b61f0d2a4c97e53b18d6f2a0c4e7b91",
            ),
            e(
                "2027-02-15",
                "Kaminokawa Tech",
                "",
                "equipment",
                ("6400000", "JPY"),
                none,
                "Sputtering system time for niobium and tantalum films, 160 hours",
                "Facility booking log KT-SP-0441",
            ),
            e(
                "2027-02-26",
                "Ferrant",
                "",
                "materials",
                ("12000", "EUR"),
                none,
                "Sapphire substrates, 2 inch, batch of 40",
                "Invoice 7781",
            ),
            e(
                "2027-03-10",
                "Northmoor",
                "",
                "facilities",
                ("18500", "GBP"),
                none,
                "Cleanroom access, lithography and etching, February to March",
                "Internal recharge statement",
            ),
            e(
                "2027-03-31",
                "Kaminokawa Tech",
                "tanabe.aiko@kaminokawa-tech.ac.jp",
                "staff_time",
                ("", "JPY"),
                ("", "3", "780000"),
                "Staff scientist time, film characterisation",
                "",
            ),
            e(
                "2027-04-01",
                "Ferrant",
                "",
                "cash",
                ("135000", "EUR"),
                none,
                "Second quarterly instalment of the Company's cash contribution",
                "Remittance advice FC-2027-0388",
            ),
            e(
                "2027-04-12",
                "Ferrant",
                "j.weidlich@ferrant-cryo.de",
                "background_ip",
                ("60000", "EUR"),
                none,
                "Licence of the cryostat wiring design for the Project, valued as agreed by the Steering Committee",
                "Steering Committee minutes, meeting 2",
            ),
            e(
                "2027-04-20",
                "Northmoor",
                "",
                "equipment",
                ("42000", "GBP"),
                none,
                "Dilution refrigerator time, 6 weeks at the internal rate",
                "Equipment log DR-2",
            ),
            e(
                "2027-04-28",
                "Kaminokawa Tech",
                "",
                "materials",
                ("1150000", "JPY"),
                none,
                "Silicon wafers, high resistivity, 100 mm",
                "Purchase order KT-27-0932",
            ),
        ];
        let mut wrong = None;
        for fields in &entries {
            let entry = self.add_ledger_entry(collab, fields, None)?;
            if fields.description.starts_with("Sapphire") {
                wrong = Some(entry.id);
            }
        }
        if let Some(id) = wrong {
            // The invoice was for 36 substrates, not 40: corrected by reversal and replacement.
            let mut fixed = entries[4].clone();
            fixed.amount = "10800".into();
            fixed.description = "Sapphire substrates, 2 inch, batch of 36".into();
            self.add_ledger_entry(collab, &fixed, Some(id))?;
        }
        let people = self.collaboration(collab)?.people;
        let person = |email: &str| people.iter().find(|p| p.email == email).map(|p| p.id);
        let roles = [
            ("h.achterberg@northmoor.ac.uk", "conceptualization", "lead"),
            ("h.achterberg@northmoor.ac.uk", "funding_acquisition", "lead"),
            ("h.achterberg@northmoor.ac.uk", "supervision", "lead"),
            ("h.achterberg@northmoor.ac.uk", "writing_original_draft", "equal"),
            ("tanabe.aiko@kaminokawa-tech.ac.jp", "methodology", "lead"),
            ("tanabe.aiko@kaminokawa-tech.ac.jp", "investigation", "equal"),
            ("tanabe.aiko@kaminokawa-tech.ac.jp", "writing_original_draft", "equal"),
            ("tanabe.aiko@kaminokawa-tech.ac.jp", "writing_review_editing", "supporting"),
            ("j.weidlich@ferrant-cryo.de", "resources", "lead"),
            ("j.weidlich@ferrant-cryo.de", "validation", "supporting"),
        ];
        for (email, role, degree) in roles {
            if let Some(p) = person(email) {
                self.set_credit_role(collab, p, role, degree)?;
            }
        }
        Ok(())
    }

    /// The demo signatories' identities (created in the credential store the first time).
    fn demo_identities(&mut self) -> Result<Vec<(Id, &'static str)>> {
        let mut ids = Vec::new();
        for (name, email, org) in DEMO_SIGNATORIES {
            let existing = self.identities()?.into_iter().find(|i| i.origin == "demo" && i.email == *email);
            let id = match existing {
                Some(i) => i.id,
                // The lead university signs with a certificate from its own authority, trusted
                // as an anchor; the partners with self-signed ones, pinned on import.
                None if *org == "The University of Northmoor" => {
                    self.create_demo_institutional_identity(name, email, org, DEMO_CA)?.id
                }
                None => self.create_identity(name, email, Some(org), "p256", true)?.id,
            };
            ids.push((id, *org));
        }
        Ok(ids)
    }

    /// A short decision log, each entry signed by one of the demo signatories.
    fn demo_decisions(&mut self, demo: &Demo) -> Result<u64> {
        let collab = demo.collaboration_id;
        if !self.decisions(collab)?.is_empty() {
            return Ok(self.decisions(collab)?.len() as u64);
        }
        let who = self.demo_identities()?;
        let (northmoor, kaminokawa, ferrant) = (who[0].0, who[1].0, who[2].0);
        let agreements = self.agreements(Some(collab))?;
        let of_kind = |k: &str| agreements.iter().find(|a| a.kind == k).map(|a| format!("agreement:{}", a.id));
        let collab_agreement = of_kind("collaboration").unwrap_or_default();
        let publication = of_kind("publication").unwrap_or_default();
        let replaced =
            self.ledger(collab)?.into_iter().find(|e| e.replaces.is_some()).map(|e| format!("ledger:{}", e.id));
        let parties = self.collaboration(collab)?.members;
        let party = |short: &str| {
            parties
                .iter()
                .find(|m| m.party.short_name.as_deref() == Some(short))
                .map(|m| format!("party:{}", m.party.id))
        };
        let everyone =
            vec!["Dr Helen Achterberg".to_string(), "Prof. Aiko Tanabe".to_string(), "Jonas Weidlich".to_string()];
        let d = |title: &str,
                 decision: &str,
                 rationale: &str,
                 date: &str,
                 links: Vec<Option<String>>,
                 supersedes: Option<u64>| {
            crate::decisions::NewDecision {
                title: title.into(),
                decision: Some(decision.into()),
                rationale: Some(rationale.into()),
                participants: everyone.clone(),
                date: Some(date.into()),
                links: links.into_iter().flatten().filter(|l| !l.is_empty()).collect(),
                supersedes,
            }
        };
        let log = [
            (
                northmoor,
                d(
                    "Ownership model for the collaboration agreement",
                    "Adopt model 2: the universities own the Results; Ferrant receives a non-exclusive licence in the Field and an option to an exclusive licence.",
                    "The questionnaire recommended model 2: Ferrant funds part of the work, needs exclusivity to invest in manufacture, and both universities must be free to publish.",
                    "2026-11-18",
                    vec![Some(collab_agreement.clone()), Some("clause:collab.ownership-2".into())],
                    None,
                ),
            ),
            (
                kaminokawa,
                d(
                    "Export-control screening of the resonator work",
                    "The screening found no listed items in the planned work; the export-control clause stays in the agreement and the screening is repeated before any change of work plan.",
                    "Cryogenic microwave components can fall under dual-use controls; the Project's designs stay below the listed performance thresholds.",
                    "2026-11-25",
                    vec![party("Kaminokawa Tech"), Some(collab_agreement.clone())],
                    None,
                ),
            ),
            (
                northmoor,
                d(
                    "Publication review period",
                    "Partners have 30 days to review a proposed publication.",
                    "The usual period in the parties' other agreements.",
                    "2026-12-02",
                    vec![Some(publication.clone())],
                    None,
                ),
            ),
            (
                northmoor,
                d(
                    "Publication review period extended",
                    "Partners have 45 days to review a proposed publication.",
                    "Ferrant's patent counsel needs longer than 30 days to assess a manuscript; the universities accept 45 days with the right to extend only for a filing.",
                    "2026-12-09",
                    vec![Some(publication)],
                    Some(3),
                ),
            ),
            (
                ferrant,
                d(
                    "Correction of the substrate entry",
                    "The sapphire substrate entry is reversed and recorded again at EUR 10,800.",
                    "The invoice covered 36 substrates, not 40.",
                    "2027-03-02",
                    vec![replaced, party("Ferrant")],
                    None,
                ),
            ),
        ];
        let mut n = 0;
        for (identity, new) in log {
            self.add_decision(collab, &new, identity)?;
            n += 1;
        }
        Ok(n)
    }
}

/// The demo's signatories: (person, party short name). Their identities are marked as demo.
/// The demo lead university's certificate authority, a trust anchor of the demo store.
const DEMO_CA: &str = "University of Northmoor Research Signing CA";

const DEMO_SIGNATORIES: &[(&str, &str, &str)] = &[
    ("Samuel Okafor", "research.contracts@northmoor.ac.uk", "The University of Northmoor"),
    ("Prof. Aiko Tanabe", "tanabe.aiko@kaminokawa-tech.ac.jp", "Kaminokawa Institute of Science and Technology"),
    ("Jonas Weidlich", "j.weidlich@ferrant-cryo.de", "Ferrant Cryogenics GmbH"),
];

impl Steward {
    /// Every demo agreement as a PDF signed by each of its parties' demo signatories (creating
    /// the demo identities in the credential store the first time): `(file name, bytes)`.
    pub fn demo_signed_pdfs(&mut self) -> Result<Vec<(String, Vec<u8>)>> {
        let demo = self.install_demo()?;
        let ids = self.demo_identities()?;
        let mut out = Vec::new();
        for agreement in demo.agreement_ids {
            let doc = self.render_agreement(agreement, None)?;
            let a = self.agreement(agreement)?;
            let signers: Vec<Id> = doc
                .parties
                .iter()
                .filter_map(|party| ids.iter().find(|(_, org)| *org == party.legal_name).map(|(id, _)| *id))
                .collect();
            // The first signatory signs on export (no DRAFT mark on a file for signature); the
            // others countersign.
            let mut pdf = self.export_agreement(agreement, None, signers.first().copied())?.pdf;
            for id in signers.iter().skip(1) {
                pdf = self.sign_pdf(&pdf, *id, Some("Demo signature"))?;
            }
            out.push((format!("{}-{}.pdf", agreement, a.agreement.kind), pdf));
        }
        Ok(out)
    }
}

impl Steward {
    /// Drafts one complete agreement of every kind for a collaboration, from the shipped demo values.
    pub fn demo_agreements(&mut self, collab: Id) -> Result<Vec<Id>> {
        let mut ids = Vec::new();
        for kind in ["nda-mutual", "nda-one-way", "publication", "collaboration"] {
            let values: std::collections::BTreeMap<String, serde_json::Value> =
                match steward_clauses::shipped::demo_values(kind) {
                    Some(text) => serde_json::from_str(text)
                        .map_err(|e| crate::Error::Conflict(format!("demo values for {kind}: {e}")))?,
                    None => Default::default(),
                };
            let set = values.into_iter().filter(|(k, _)| !k.starts_with('@')).collect();
            ids.push(self.create_agreement(collab, kind, set, Default::default(), None)?.agreement_id);
        }
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use crate::{FixedClock, Steward};
    use std::sync::Arc;

    #[test]
    fn demo_installs_once() {
        let clock = Arc::new(FixedClock::new(chrono::DateTime::UNIX_EPOCH));
        let mut s = Steward::open_in_memory(clock).expect("store");
        let first = s.install_demo().expect("demo");
        assert!(first.created);
        let again = s.install_demo().expect("demo");
        assert!(!again.created);
        assert_eq!(first.collaboration_id, again.collaboration_id);
        let d = s.collaboration(first.collaboration_id).expect("detail");
        assert_eq!(d.members.len(), 3);
        assert_eq!(d.people.len(), 4);
        let list = s.collaborations(false).expect("list");
        let first_countries = list.iter().find(|c| c.collaboration.id == first.collaboration_id).map(|c| &c.countries);
        assert_eq!(first_countries.map(Vec::as_slice), Some(&["DE".to_string(), "GB".into(), "JP".into()][..]));
        assert_eq!(list.len(), 3, "and the collaboration blocked on an approval, and the finished one in exit");
    }
}
