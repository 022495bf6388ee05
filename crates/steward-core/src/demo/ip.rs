//! The demo's IP register and an exit: background for each party of the demo collaboration, two
//! results (one with a filed application whose priority year is a due item, protected by the
//! publication review's patent delay), an option for the company partner; and a finished
//! benchmarking collaboration in exit, two of its datasets certified and one pending.

use crate::exit::{Certificate, Method, NewExit};
use crate::ip::{
    BackgroundFields, DatasetFields, DocumentHash, FilingFields, Grant, Inventor, LicenceFields, ResultFields, Tier,
};
use crate::{Id, NewCollaboration, Result, Role, Steward};
use chrono::{Days, NaiveDate};
use steward_ledger::EntryFields;

/// The demo's finished collaboration, by its title.
pub const DEMO_EXIT_TITLE: &str = "Cryogenic amplifier noise benchmarking";

fn back(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(days)).unwrap_or(d)
}

impl Steward {
    /// Background, results, a filing, an option and a dataset in the demo collaboration.
    pub(crate) fn demo_ip(&mut self, collab: Id) -> Result<()> {
        if !self.store().ip_records(collab, None)?.is_empty() {
            return Ok(());
        }
        let detail = self.collaboration(collab)?;
        let party = |short: &str| {
            detail.members.iter().find(|m| m.party.short_name.as_deref() == Some(short)).map_or(0, |m| m.party.id)
        };
        let (northmoor, kaminokawa, ferrant) = (party("Northmoor"), party("Kaminokawa Tech"), party("Ferrant"));
        let today = self.clock_today();
        let bg = |party_id,
                  item: &str,
                  description: &str,
                  restrictions: &str,
                  export: Option<&str>,
                  access: &str,
                  excluded| {
            BackgroundFields {
                party_id,
                item: item.into(),
                description: description.into(),
                owner: None,
                restrictions: restrictions.into(),
                export_control: export.map(Into::into),
                access_terms: access.into(),
                excluded,
                withdrawn: false,
            }
        };
        for f in [
            bg(
                northmoor,
                "Resonator fabrication process",
                "sputtered niobium and NbTiN films, with the cleanroom process sheets",
                "",
                None,
                "royalty-free for the Project",
                false,
            ),
            bg(
                northmoor,
                "Loss-tangent measurement software",
                "the group's analysis code for resonator quality factors",
                "includes a third-party fitting library under the MIT licence",
                None,
                "royalty-free for the Project",
                false,
            ),
            bg(
                kaminokawa,
                "Frequency-multiplexed readout design",
                "the multiplexer layouts of the group's earlier detector arrays",
                "",
                Some("JP METI 3A001"),
                "royalty-free for the Project; a licence on fair terms for exploitation",
                false,
            ),
            bg(
                ferrant,
                "Cryostat wiring design",
                "low-thermal-conductivity coaxial wiring for 10 mK stages",
                "",
                Some("UK 3A001.b"),
                "for the Project only",
                false,
            ),
            bg(
                ferrant,
                "Dilution refrigerator control firmware",
                "the firmware of its refrigerator control systems",
                "",
                None,
                "",
                true,
            ),
        ] {
            self.add_background(collab, &f)?;
        }

        let sha = |text: &str| steward_clauses::canonical::sha256_hex(text.as_bytes());
        let treatment = self.add_result(
            collab,
            &ResultFields {
                title: "Low-loss surface treatment for sputtered NbTiN resonators".into(),
                disclosed_on: back(today, 30),
                description: "A two-step oxide removal and passivation that lowers two-level-system loss below 100 mK."
                    .into(),
                inventors: vec![
                    Inventor { name: "Dr Helen Achterberg".into(), party_id: northmoor },
                    Inventor { name: "Jonas Weidlich".into(), party_id: ferrant },
                ],
                contributors: vec![northmoor, ferrant],
                documents: vec![DocumentHash {
                    name: "disclosure-nbtin-surface-treatment.pdf".into(),
                    sha256: sha("invention disclosure: NbTiN surface treatment (demo)"),
                }],
                owner_override: None,
            },
        )?;
        self.add_result(
            collab,
            &ResultFields {
                title: "Layout generator for frequency-multiplexed resonator arrays".into(),
                disclosed_on: back(today, 12),
                description: "Software that lays out a resonator array for a given band and spacing.".into(),
                inventors: vec![Inventor { name: "Prof. Aiko Tanabe".into(), party_id: kaminokawa }],
                contributors: vec![kaminokawa],
                documents: Vec::new(),
                owner_override: None,
            },
        )?;
        let publication = self.publications(Some(collab))?.first().map(|p| p.row.id);
        self.add_filing(&FilingFields {
            result_id: treatment.id,
            application_number: "GB2719043.6".into(),
            office: "GB".into(),
            filing_date: back(today, 10),
            priority_date: None,
            publication_id: publication,
        })?;
        self.add_licence(&LicenceFields {
            result_id: treatment.id,
            licensee_id: ferrant,
            grant: Grant::Option,
            exclusive: true,
            field: "cryogenic sensing instruments".into(),
            territory: "worldwide".into(),
            starts: Some(back(today, 10)),
            ends: today.checked_add_days(Days::new(170)),
        })?;
        self.add_dataset(
            collab,
            &DatasetFields {
                name: "Resonator measurement runs".into(),
                holder_id: northmoor,
                tier: Tier::Confidential,
                location: "Northmoor research data store, project share NM-QS-017".into(),
                description: "Raw S21 sweeps and fits from the dilution refrigerator".into(),
                supplied_by: None,
            },
        )?;
        Ok(())
    }

    /// A finished collaboration of Northmoor and Ferrant, in exit at its end date: three datasets,
    /// two certified by their holders and one waiting. `who`: the demo identities of Northmoor,
    /// Kaminokawa Tech and Ferrant.
    pub(crate) fn demo_exit(&mut self, northmoor: Id, ferrant: Id, who: (Id, Id, Id)) -> Result<Id> {
        if let Some(c) = self.collaborations(true)?.into_iter().find(|c| c.collaboration.title == DEMO_EXIT_TITLE) {
            return Ok(c.collaboration.id);
        }
        let today = self.clock_today();
        let collab = self.create_collaboration(&NewCollaboration {
            title: DEMO_EXIT_TITLE.into(),
            summary: Some(
                "Eighteen-month study of amplifier noise at millikelvin temperatures, now at its end: the \
                 datasets are returned or destroyed and the accounts closed."
                    .into(),
            ),
            status: Some("active".into()),
            start_date: Some(back(today, 560).to_string()),
            end_date: Some(back(today, 14).to_string()),
            sunset_date: Some(back(today, 14).to_string()),
        })?;
        self.add_member(collab, northmoor, Role::Lead)?;
        self.add_member(collab, ferrant, Role::Partner)?;
        for (party, amount, currency, what) in [
            ("Northmoor", "48000", "GBP", "Dilution refrigerator time, 8 weeks at the internal rate"),
            ("Ferrant", "56000", "GBP", "Two cryogenic HEMT amplifiers and their characterisation"),
        ] {
            self.add_ledger_entry(
                collab,
                &EntryFields {
                    // The ledger takes dates from 1970 (a test clock may stand at the epoch).
                    date: back(today, 400).max(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).to_string(),
                    party: party.into(),
                    person: String::new(),
                    category: if party == "Ferrant" { "equipment" } else { "facilities" }.into(),
                    amount: amount.into(),
                    currency: currency.into(),
                    hours: String::new(),
                    fte_months: String::new(),
                    rate: String::new(),
                    description: what.into(),
                    evidence: String::new(),
                },
                None,
            )?;
        }
        let ds = |s: &mut Self, name: &str, holder, tier, location: &str, supplied_by| {
            s.add_dataset(
                collab,
                &DatasetFields {
                    name: name.into(),
                    holder_id: holder,
                    tier,
                    location: location.into(),
                    description: String::new(),
                    supplied_by,
                },
            )
        };
        let d1 = ds(
            self,
            "Amplifier noise temperature runs",
            northmoor,
            Tier::Confidential,
            "Northmoor lab server CRYO-3",
            None,
        )?;
        ds(
            self,
            "Ferrant amplifier bias settings",
            northmoor,
            Tier::Restricted,
            "Two encrypted USB drives in the lab safe",
            Some(ferrant),
        )?;
        let d3 = ds(
            self,
            "Northmoor wiring drawings",
            ferrant,
            Tier::Internal,
            "Ferrant engineering PLM, project folder",
            Some(northmoor),
        )?;
        let plan = self.start_exit(
            collab,
            &NewExit {
                trigger: "sunset".into(),
                party: None,
                exit_date: Some(back(today, 14)),
                note: Some(
                    "The project reached its end date; the Steering Committee closed it at its final meeting.".into(),
                ),
                evidence_name: None,
                evidence: None,
            },
            Some(who.0),
        )?;
        let exit = plan.exit.id;
        self.certify_dataset(
            exit,
            &d1.label,
            Some(&Certificate {
                method: Method::Purge,
                media: "RAID volume CRYO-3/data2 (4 x 2 TB SSD)".into(),
                performed_by: "Samuel Okafor".into(),
                performed_on: back(today, 7),
                verification: "cryptographic erase, controller report checked".into(),
                media_fate: "reused in the Northmoor lab".into(),
            }),
            None,
            Some(who.0),
        )?;
        self.certify_dataset(
            exit,
            &d3.label,
            Some(&Certificate {
                method: Method::Destroy,
                media: "printed drawings and the PLM project folder".into(),
                performed_by: "Jonas Weidlich".into(),
                performed_on: back(today, 5),
                verification: "folder deletion logged by the PLM system; prints shredded under witness".into(),
                media_fate: "shredded by Ferrant's document contractor".into(),
            }),
            None,
            Some(who.2),
        )?;
        Ok(collab)
    }
}
