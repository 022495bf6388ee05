//! The demo collaboration: realistic content for a new user's first look and for the tests.
//! Installed once per store; installing again gives back the same collaboration.

use crate::{Id, NewCollaboration, NewParty, NewPerson, Result, Role, Steward};

const DEMO_KEY: &str = "demo.collaboration";
const FIRST_RUN_KEY: &str = "first_run.done";

/// What the demo created, for hosts to point at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Demo {
    pub collaboration_id: Id,
    pub party_ids: Vec<Id>,
    pub agreement_ids: Vec<Id>,
    pub created: bool,
}

impl Steward {
    /// What a desktop host does once on a fresh store: install the demo collaboration so a new
    /// user sees real content at once. Returns whether this call did the setup.
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
                return Ok(Demo { collaboration_id: id, party_ids, agreement_ids, created: false });
            }
        }
        self.atomically(|s| {
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
            let agreement_ids = s.demo_agreements(collab)?;
            s.store().set_setting(DEMO_KEY, &collab.to_string())?;
            Ok(Demo { collaboration_id: collab, party_ids, agreement_ids, created: true })
        })
    }
}

/// The demo's signatories: (person, party short name). Their identities are marked as demo.
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
        let mut ids = Vec::new();
        for (name, email, org) in DEMO_SIGNATORIES {
            let existing = self.identities()?.into_iter().find(|i| i.origin == "demo" && i.email == *email);
            let id = match existing {
                Some(i) => i.id,
                None => self.create_identity(name, email, Some(org), "p256", true)?.id,
            };
            ids.push((id, *org));
        }
        let mut out = Vec::new();
        for agreement in demo.agreement_ids {
            let doc = self.render_agreement(agreement, None)?;
            let a = self.agreement(agreement)?;
            let mut pdf = self.export_agreement(agreement, None, None)?.pdf;
            for party in &doc.parties {
                if let Some((id, _)) = ids.iter().find(|(_, org)| *org == party.legal_name) {
                    pdf = self.sign_pdf(&pdf, *id, Some("Demo signature"))?;
                }
            }
            out.push((format!("{}-{}.pdf", agreement, a.agreement.kind), pdf));
        }
        Ok(out)
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
        let countries = &s.collaborations(false).expect("list")[0].countries;
        assert_eq!(countries, &["DE", "GB", "JP"]);
    }
}
