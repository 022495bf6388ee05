//! The demo collaboration as it is run: five risks in its joint register (one high, treated to
//! amber), obligations added by hand beside those its agreements create (one overdue, two due
//! within thirty days, one done with evidence), and a publication under review with a patent
//! objection. Dates are counted from today, so the demo looks the same whenever it is installed.

use crate::obligations::{Evidence, NewObligation};
use crate::publications::NewPublication;
use crate::risks::{Rating, RiskAction, RiskCategory, RiskFields, RiskStatus, Treatment, Visibility};
use crate::{Id, Result, Steward};
use chrono::{Days, NaiveDate};

/// The demo manuscript's text: the file whose hash the publication notice records.
pub const DEMO_MANUSCRIPT: &str = "Two-level-system loss in sputtered NbTiN resonators below 100 mK\n\
Helen Achterberg, Aiko Tanabe, Jonas Weidlich\n\n\
Abstract. We measure the internal quality factor of coplanar waveguide resonators sputtered from \
NbTiN on high-resistivity silicon between 10 mK and 300 mK, and separate two-level-system loss \
from quasiparticle loss by its power dependence. A surface treatment developed in the project \
lowers the loss tangent of the substrate-metal interface by a factor of three.\n";

fn shift(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 { d + Days::new(days as u64) } else { d - Days::new(days.unsigned_abs()) }
}

impl Steward {
    /// Installs the running records of the demo collaboration, signed by the demo signatories:
    /// `who` is (Northmoor, Kaminokawa, Ferrant).
    pub(crate) fn demo_running(&mut self, collab: Id, who: (Id, Id, Id)) -> Result<()> {
        if !self.risk_register(collab, crate::risks::RegisterView::All)?.risks.iter().all(|r| r.source.is_some()) {
            return Ok(()); // installed already
        }
        let (northmoor_id, kaminokawa_id, ferrant_id) = who;
        let today = self.clock_today();
        let members = self.collaboration(collab)?.members;
        let party = |short: &str| {
            members.iter().find(|m| m.party.short_name.as_deref() == Some(short)).map_or(0, |m| m.party.id)
        };
        let (northmoor, kaminokawa, ferrant) = (party("Northmoor"), party("Kaminokawa Tech"), party("Ferrant"));
        let agreements = self.agreements(Some(collab))?;
        let of_kind = |k: &str| agreements.iter().find(|a| a.kind == k).map(|a| a.id);

        // The Trusted Research answers raise their own linked risk first.
        self.sync_diligence_risks(collab, Some(northmoor_id))?;
        let risk = |title: &str,
                    category,
                    cause: &str,
                    event: &str,
                    consequence: &str,
                    (raised_by, owner_party, owner_person): (Id, Id, &str),
                    inherent: (u8, u8),
                    residual: Option<(u8, u8)>,
                    controls: &str,
                    treatment,
                    status,
                    review_in: i64,
                    visibility,
                    links: &[&str]| RiskFields {
            title: title.into(),
            category,
            cause: cause.into(),
            event: event.into(),
            consequence: consequence.into(),
            raised_by,
            owner_party,
            owner_person: owner_person.into(),
            inherent: Rating { likelihood: inherent.0, impact: inherent.1 },
            residual: residual.map(|(l, i)| Rating { likelihood: l, impact: i }),
            controls: controls.into(),
            treatment,
            actions: Vec::new(),
            status,
            next_review: Some(shift(today, review_in)),
            visibility,
            links: links.iter().map(|l| (*l).to_string()).collect(),
        };
        let mut risks = vec![
            {
                let mut r = risk(
                    "Resonator designs shared abroad before export-control classification",
                    RiskCategory::ResearchSecurity,
                    "Fabrication recipes for low-loss superconducting resonators may fall under a dual-use control entry for quantum devices",
                    "A design pack reaches Kaminokawa Tech before it has been classified against the UK Strategic Export Control Lists",
                    "Unlicensed export of controlled technology; suspension of the collaboration under its export-control clause; harm to the University's reputation",
                    (northmoor, northmoor, "Samuel Okafor"),
                    (4, 5),
                    Some((2, 4)),
                    "Designs leave Northmoor only through the research office's transfer log; staff briefed on Trusted Research",
                    Some(Treatment::ReduceLikelihood),
                    RiskStatus::Treating,
                    45,
                    Visibility::Shared,
                    &["clause:collab.export-control"],
                );
                r.actions = vec![
                    RiskAction {
                        text: "Classify each design pack before transfer and record the rating number".into(),
                        owner: "Samuel Okafor".into(),
                        due: Some(shift(today, 14)),
                        done: false,
                    },
                    RiskAction {
                        text: "Obtain a licence determination from the Export Control Joint Unit for the NbTiN recipe"
                            .into(),
                        owner: "Dr Helen Achterberg".into(),
                        due: Some(shift(today, 40)),
                        done: false,
                    },
                ];
                r
            },
            risk(
                "Dilution refrigerator time at Kaminokawa oversubscribed",
                RiskCategory::Operational,
                "The Kaminokawa cryostat is shared with two other groups",
                "Measurement runs for milestone M2 slip by more than a quarter",
                "Delay to the loss-tangent results and to the company partner's design freeze",
                (kaminokawa, kaminokawa, "Prof. Aiko Tanabe"),
                (3, 3),
                Some((2, 3)),
                "Booked runs agreed a quarter ahead at the Steering Committee",
                Some(Treatment::ReduceLikelihood),
                RiskStatus::Treating,
                60,
                Visibility::Shared,
                &["clause:collab.project"],
            ),
            risk(
                "Patent filings hold back the project's first papers",
                RiskCategory::Ip,
                "Ferrant may wish to protect surface-treatment results before they are published",
                "A patent objection delays a paper beyond a student's thesis deadline",
                "Students' careers harmed; friction between the partners",
                (northmoor, northmoor, "Dr Helen Achterberg"),
                (3, 3),
                Some((2, 2)),
                "Patent delay capped at three months by the publication agreement; thesis submission protected",
                Some(Treatment::ReduceConsequence),
                RiskStatus::Treating,
                75,
                Visibility::Shared,
                &["clause:pub.patent-delay"],
            ),
            risk(
                "Postdoctoral funding gap between years two and three",
                RiskCategory::People,
                "The Northmoor postdoc's contract ends four months before the final milestone",
                "The postdoc leaves before the qubit readout demonstration",
                "Loss of know-how; milestone M4 at risk",
                (northmoor, northmoor, "Dr Helen Achterberg"),
                (3, 4),
                None,
                "Bridging funds requested from the departmental reserve",
                Some(Treatment::Accept),
                RiskStatus::Accepted,
                90,
                Visibility::Internal,
                &[],
            ),
            risk(
                "Measurement data lost from the shared repository",
                RiskCategory::Data,
                "Raw resonator sweeps are kept on one project server",
                "A disk failure or ransomware destroys the raw data",
                "Results cannot be reproduced; obligations under the data management plan breached",
                (ferrant, northmoor, "Samuel Okafor"),
                (2, 5),
                Some((1, 5)),
                "Nightly copies to the University's research data store",
                Some(Treatment::ReduceLikelihood),
                RiskStatus::Open,
                35,
                Visibility::Shared,
                &["clause:collab.data-protection"],
            ),
        ];
        // The risks the Trusted Research answers raised are treated: the research-area one (high)
        // becomes the export-control risk above, treated to amber; the others get their controls.
        let export_control = risks.remove(0);
        let mut have = 0;
        for raised in self.risk_register(collab, crate::risks::RegisterView::All)?.risks {
            if raised.source.is_none() {
                continue;
            }
            have += 1;
            let treated = if raised.source.as_deref() == Some("diligence:research") {
                let mut links = export_control.links.clone();
                links.extend(raised.fields.links.iter().cloned());
                RiskFields { links, inherent: raised.fields.inherent, ..export_control.clone() }
            } else {
                RiskFields {
                    owner_person: "Samuel Okafor".into(),
                    residual: Some(Rating { likelihood: 2, impact: 3 }),
                    treatment: Some(Treatment::ReduceLikelihood),
                    status: RiskStatus::Treating,
                    controls: "Partners screened against the imported sanctions lists; the one possible match cleared with reasons; re-screening every 90 days".into(),
                    next_review: Some(shift(today, 60)),
                    ..raised.fields.clone()
                }
            };
            self.update_risk(
                raised.id,
                &treated,
                Some("treatment agreed at the kick-off meeting"),
                Some(northmoor_id),
            )?;
        }
        if have == 0 {
            // No answers raised a risk: the export-control risk is recorded, then treated.
            let untreated = RiskFields {
                residual: None,
                treatment: None,
                status: RiskStatus::Open,
                actions: Vec::new(),
                next_review: Some(shift(today, 7)),
                ..export_control.clone()
            };
            let added = self.add_risk(collab, &untreated, Some(northmoor_id))?;
            self.update_risk(
                added.id,
                &export_control,
                Some("treatment agreed at the kick-off meeting"),
                Some(northmoor_id),
            )?;
            have = 1;
        }
        risks.truncate(5usize.saturating_sub(have));
        for r in &risks {
            self.add_risk(collab, r, Some(northmoor_id))?;
        }

        // Obligations added by hand beside the derived ones.
        let collab_agreement = of_kind("collaboration");
        let publication_agreement = of_kind("publication");
        let add =
            |s: &mut Self, title: &str, days: i64, kind: &str, party: &str, agreement: Option<Id>, clause: &str| {
                let mut new = NewObligation {
                    title: title.into(),
                    due_date: shift(today, days).to_string(),
                    kind: Some(kind.into()),
                    party: Some(party.into()),
                    agreement_id: agreement,
                    clause_id: Some(clause.into()),
                    note: None,
                    remind_days: Some(7),
                };
                // A date before the agreement takes effect cannot name it (only the clause).
                match s.add_obligation(collab, &new) {
                    Ok(o) => Ok(o),
                    Err(crate::Error::Invalid(_)) => {
                        new.agreement_id = None;
                        s.add_obligation(collab, &new)
                    }
                    Err(e) => Err(e),
                }
            };
        let filed = add(
            self,
            "File the countersigned mutual NDA with the research office",
            -20,
            "deliverable",
            "Northmoor",
            of_kind("nda-mutual"),
            "common.counterparts",
        )?;
        add(
            self,
            "Confirm the export-control classification of the first design pack",
            -9,
            "deliverable",
            "Northmoor",
            collab_agreement,
            "collab.export-control",
        )?;
        add(
            self,
            "Send Ferrant the sample inventory for the Background schedule",
            9,
            "deliverable",
            "Northmoor",
            collab_agreement,
            "collab.background",
        )?;
        add(
            self,
            "Name Kaminokawa Tech's publication reviewer",
            23,
            "publication_review",
            "Kaminokawa Tech",
            publication_agreement,
            "pub.notice",
        )?;
        self.complete_obligation(
            filed.id,
            &Evidence {
                note: "Filed in the contracts register as RO-2026-0412".into(),
                file_name: Some("nda-mutual-countersigned.pdf".into()),
                file: Some(b"countersigned NDA (demo)".to_vec()),
                sha256: None,
            },
            Some(northmoor_id),
        )?;

        // A paper under review, with the company partner's patent objection.
        let p = self.notify_publication(
            collab,
            &NewPublication {
                title: "Two-level-system loss in sputtered NbTiN resonators below 100 mK".into(),
                venue: Some("Physical Review Applied".into()),
                file_name: "nbtin-tls-loss-draft3.pdf".into(),
                file: DEMO_MANUSCRIPT.as_bytes().to_vec(),
                submit_by: Some(shift(today, 75).to_string()),
                party: Some("Northmoor".into()),
                notice_date: Some(shift(today, -20).to_string()),
            },
            Some(northmoor_id),
        )?;
        self.consent_to_publication(
            p.row.id,
            "Kaminokawa Tech",
            "No confidential information of ours; please go ahead.",
            Some(kaminokawa_id),
        )?;
        self.object_to_publication(
            p.row.id,
            "Ferrant",
            "patent",
            "Section IV discloses the surface treatment of Results owned by Ferrant; a GB application is being drafted.",
            Some(ferrant_id),
        )?;
        Ok(())
    }
}
