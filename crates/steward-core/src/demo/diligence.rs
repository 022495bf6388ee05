//! The demo's due diligence: the quantum-sensing collaboration answered in full (a sensitive NSI
//! area and a dual-use classification, so it requires the export-control and audit clauses and
//! three approvals), screened against a small fictitious watch list (one possible match, cleared
//! with its reason) and approved; and a second collaboration whose export-control approval is
//! still pending, so its agreement cannot be signed yet.

use crate::{Id, NewCollaboration, NewParty, Result, Role, Steward};
use std::collections::BTreeMap;

/// A watch list in the generic CSV layout. Every entry is invented for the demo.
pub const DEMO_WATCH_LIST: &str = "name,aliases,country,list,reference
Cryogenix Ferránt Holdings,Ferrant Kryo Holdings,CY,Demo watch list (fictitious entries),DW-001
Vostok Cryogenic Systems,Vostok Kriosistemy,RU,Demo watch list (fictitious entries),DW-002
Harbour Line Trading LLC,,AE,Demo watch list (fictitious entries),DW-003
Institute 27 of Applied Physics,,IR,Demo watch list (fictitious entries),DW-004
Kestrel Microwave Supply,,BY,Demo watch list (fictitious entries),DW-005
Northgate Dual Technologies,,KP,Demo watch list (fictitious entries),DW-006
";

pub const DEMO_WATCH_LIST_FILE: &str = "demo-watch-list.csv";

fn set(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

impl Steward {
    /// Answers, list and screening of the first demo collaboration (before its agreements are
    /// drafted, so that they carry the clauses the answers require).
    pub(crate) fn demo_assessment(&mut self, collab: Id, party_ids: &[Id]) -> Result<()> {
        self.answer_diligence(
            collab,
            None,
            &set(&[
                ("work.nsi_areas", "quantum_technologies"),
                ("work.annex_i", "3A001"),
                ("work.military_list", "no"),
                ("work.transfer_modes", "visits, shipments"),
                ("work.transfers_ip", "yes"),
                ("work.us_origin", "no"),
                ("work.classified", "no"),
                ("work.commercial", "yes"),
                ("work.surveillance_use", "no"),
                ("data.personal", "none"),
                ("data.leaves_uk_eea", "yes"),
                ("people.atas_subject", "no"),
            ]),
            Some("Scoping of the resonator programme"),
        )?;
        let partner = [
            ("partner.military_links", "no"),
            ("partner.wmd_link", "no"),
            ("partner.end_user_known", "yes"),
            ("partner.red_flags", ""),
            ("partner.bribery_slavery", "no"),
            ("data.state_access", "no"),
        ];
        let (kaminokawa, ferrant) = (party_ids[1], party_ids[2]);
        let mut k = set(&partner);
        k.insert("partner.country".into(), "JP".into());
        k.insert("partner.control_of_ip".into(), "no".into());
        self.answer_diligence(collab, Some(kaminokawa), &k, Some("Kaminokawa's due-diligence return"))?;
        let mut f = set(&partner);
        f.insert("partner.country".into(), "DE".into());
        f.insert("partner.control_of_ip".into(), "yes".into());
        f.insert("partner.funding_to_partner".into(), "0".into());
        f.insert("partner.names".into(), "Ferrant Vakuumtechnik GmbH (until 2019); Ferrant Holding AG (parent)".into());
        self.answer_diligence(collab, Some(ferrant), &f, Some("Ferrant's due-diligence return"))?;
        self.import_screening_lists(&[(DEMO_WATCH_LIST_FILE.to_string(), DEMO_WATCH_LIST.as_bytes().to_vec())])?;
        let screening = self.screen_collaboration(collab)?;
        for m in screening.matches.iter().filter(|m| m.party_id == ferrant) {
            self.decide_screening_match(
                m.id,
                false,
                "Not the listed entity: DW-001 is registered in Cyprus under other owners; Ferrant Cryogenics GmbH is HRB 214739 (Amtsgericht Dresden), checked in the commercial register.",
            )?;
        }
        Ok(())
    }

    /// The second demo collaboration: a laser-sensor project with a Singapore company, answered
    /// and screened, with its mutual NDA drafted; its approvals come later (`demo_approvals`).
    pub(crate) fn demo_second_collaboration(&mut self, lead: Id) -> Result<Id> {
        let collab = self.create_collaboration(&NewCollaboration {
            title: "Laser gas sensors for port emissions monitoring".into(),
            summary: Some(
                "Eighteen-month feasibility study of mid-infrared laser sensors for measuring ship \
                 emissions in harbours, with a Singapore photonics company."
                    .into(),
            ),
            status: Some("planning".into()),
            start_date: Some("2027-04-01".into()),
            end_date: Some("2028-09-30".into()),
            sunset_date: None,
        })?;
        let partner = self.add_party(&NewParty {
            legal_name: "Tarsis Photonics Pte. Ltd.".into(),
            short_name: Some("Tarsis".into()),
            kind: Some("company".into()),
            registration_number: Some("201934127K".into()),
            address: Some("71 Science Park Drive, #04-12, Singapore 118254".into()),
            country: "SG".into(),
        })?;
        self.add_member(collab, lead, Role::Lead)?;
        self.add_member(collab, partner, Role::Partner)?;
        self.answer_diligence(
            collab,
            None,
            &set(&[
                ("work.nsi_areas", ""),
                ("work.annex_i", "6A005"),
                ("work.military_list", "no"),
                ("work.transfer_modes", "shipments"),
                ("work.classified", "no"),
                ("work.commercial", "yes"),
                ("data.personal", "none"),
            ]),
            Some("Scoping"),
        )?;
        self.answer_diligence(
            collab,
            Some(partner),
            &set(&[
                ("partner.country", "SG"),
                ("partner.military_links", "no"),
                ("partner.wmd_link", "no"),
                ("partner.end_user_known", "yes"),
            ]),
            Some("Tarsis's due-diligence return"),
        )?;
        self.screen_collaboration(collab)?;
        let values: BTreeMap<String, serde_json::Value> = steward_clauses::shipped::demo_values("nda-mutual")
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        let mut values: BTreeMap<String, serde_json::Value> =
            values.into_iter().filter(|(k, _)| !k.starts_with('@')).collect();
        values.insert("party_b".into(), "Tarsis".into());
        values.insert(
            "disclosure_purpose".into(),
            "the evaluation of each party's laser source designs, gas-cell measurements and field data, in order to decide whether to carry out a joint feasibility study of laser gas sensors for ports".into(),
        );
        self.create_agreement(
            collab,
            "nda-mutual",
            values,
            BTreeMap::new(),
            Some("Mutual NDA: laser gas sensors".into()),
        )?;
        Ok(collab)
    }

    /// Approvals, signed by the demo's research-office signatory: all three for the first
    /// collaboration; for the second, the research office only (export control is pending).
    pub(crate) fn demo_approvals(&mut self, first: Id, second: Option<Id>, reviewer: Id) -> Result<()> {
        let done = |s: &Self, c: Id| s.store().approvals(c).map(|a| !a.is_empty());
        if !done(self, first)? {
            for (role, note) in [
                (
                    "export_control",
                    "3A001 items stay below the listed thresholds at the partners' sites; shipments to Japan and Germany are covered by the EU General Export Authorisation; technology-control plan filed.",
                ),
                (
                    "nsi",
                    "Quantum sensing is a sensitive area; the licence to Ferrant is non-exclusive in the Field: no voluntary notification, decision recorded.",
                ),
                (
                    "research_office",
                    "Due diligence on both partners complete; screening clear after one possible match was cleared.",
                ),
            ] {
                self.approve_diligence(first, role, reviewer, note)?;
            }
        }
        if let Some(second) = second {
            if !done(self, second)? {
                self.approve_diligence(
                    second,
                    "research_office",
                    reviewer,
                    "Partner due diligence complete; the export-control review of the 6A005 sensors is still open.",
                )?;
            }
        }
        Ok(())
    }
}
