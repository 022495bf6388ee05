//! The risk register as a PDF: the 5x5 heat maps (inherent and residual, counts per cell in their
//! band's colour), each risk's move, and every risk with its fields; the register embedded as JSON.

use super::{RegisterView, RiskRegister};
use crate::documents::ExportedPdf;
use crate::error::{Error, Result};
use crate::{Id, Steward};
use steward_clauses::document::{Block, Document, Section};
use steward_register::risk::{Band, Rating};

/// The name of the embedded register.
pub const REGISTER_FILE_NAME: &str = "steward-risk-register.json";

const LIKELIHOOD: [&str; 5] = ["1 rare", "2 unlikely", "3 possible", "4 likely", "5 almost certain"];

fn colour(likelihood: u8, impact: u8) -> [f32; 3] {
    match Band::of(likelihood * impact) {
        Band::Green => [0.78, 0.91, 0.76],
        Band::Amber => [0.99, 0.86, 0.58],
        Band::Red => [0.96, 0.64, 0.62],
    }
}

fn grid(title: &str, counts: &[Vec<u32>]) -> steward_pdf::Grid {
    // Rows top to bottom: likelihood 5 down to 1.
    let cells = (1..=5u8)
        .rev()
        .map(|l| {
            (1..=5u8)
                .map(|i| {
                    let n =
                        counts.get(usize::from(l - 1)).and_then(|r| r.get(usize::from(i - 1))).copied().unwrap_or(0);
                    (if n == 0 { String::new() } else { n.to_string() }, colour(l, i))
                })
                .collect()
        })
        .collect();
    steward_pdf::Grid {
        title: title.to_string(),
        rows: (1..=5).rev().map(|n| n.to_string()).collect(),
        rows_label: "Likelihood".into(),
        cols: (1..=5).map(|n| n.to_string()).collect(),
        cols_label: "Impact".into(),
        cells,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn line(number: String, text: String) -> Block {
    Block { level: 2, number: Some(number), anchor: None, text, refs: Vec::new() }
}

fn score(r: Option<Rating>) -> String {
    r.map_or("not yet assessed".into(), |r| {
        format!("likelihood {} x impact {} = {} ({})", r.likelihood, r.impact, r.score(), r.band())
    })
}

pub(crate) fn register_document(
    reg: &RiskRegister,
    c: &crate::CollaborationDetail,
    view: RegisterView,
    today: &str,
) -> Document {
    let parties = c.doc_parties();
    let mut sections = Vec::new();
    let moves: Vec<String> =
        reg.heat_map.moves.iter().map(|m| format!("{} from {} to {}", m.risk, m.from.score(), m.to.score())).collect();
    let open = reg.risks.iter().filter(|r| r.fields.status != super::RiskStatus::Closed).count();
    sections.push(Section {
        clause_id: "register.summary".into(),
        number: "1".into(),
        title: "Summary".into(),
        version: String::new(),
        fallback: None,
        guidance: String::new(),
        blocks: vec![
            line("1.1".into(), format!("Register of {} as at {today}: {} risks, {open} not closed{}.", c.collaboration.title, reg.risks.len(), if view == RegisterView::Shared { " (the view shared with the partners)" } else { "" })),
            line("1.2".into(), "Scores are likelihood x impact, each 1 to 5: 1 to 4 green, 5 to 14 amber, 15 to 25 red. The heat maps count the risks not closed, before treatment (inherent) and after it (residual).".into()),
            line("1.3".into(), if moves.is_empty() { "No open risks.".into() } else { format!("Moves from inherent to residual score: {}.", moves.join("; ")) }),
            line("1.4".into(), format!("Likelihood scale: {}.", LIKELIHOOD.join(", "))),
        ],
    });
    for (i, r) in reg.risks.iter().enumerate() {
        let n = i + 2;
        let f = &r.fields;
        let mut lines = vec![
            format!(
                "{} risk, {}; status {}; {}; version {} of {} by {}.",
                capitalise(&f.category.as_str().replace('_', " ")),
                r.band,
                f.status,
                if f.visibility == super::Visibility::Shared { "shared with the partners" } else { "internal" },
                r.version,
                &r.updated_at[..10.min(r.updated_at.len())],
                r.updated_by
            ),
            format!("Cause: {}", f.cause),
            format!("Event: {}", f.event),
            format!("Consequence: {}", f.consequence),
            format!("Raised by {}; owned by {} ({}).", r.raised_by_name, f.owner_person, r.owner_party_name),
            format!("Inherent: {}.", score(Some(f.inherent))),
            format!("Residual: {}.", score(f.residual)),
            format!("Controls: {}", if f.controls.is_empty() { "none recorded" } else { &f.controls }),
            format!("Treatment: {}.", f.treatment.map_or("not decided".to_string(), |t| t.as_str().replace('_', " "))),
        ];
        for a in &f.actions {
            lines.push(format!(
                "Action: {} (owner {}{}{}).",
                a.text,
                a.owner,
                a.due.map(|d| format!(", due {d}")).unwrap_or_default(),
                if a.done { ", done" } else { "" }
            ));
        }
        if let Some(d) = f.next_review {
            lines.push(format!("Next review: {d}{}.", if r.review_overdue { " (overdue)" } else { "" }));
        }
        if !f.links.is_empty() {
            lines.push(format!("Concerns: {}.", f.links.join(", ")));
        }
        sections.push(Section {
            clause_id: format!("register.{}", r.label),
            number: n.to_string(),
            title: format!("{}: {}", r.label, f.title),
            version: String::new(),
            fallback: None,
            guidance: String::new(),
            blocks: lines.into_iter().enumerate().map(|(k, t)| line(format!("{n}.{}", k + 1), t)).collect(),
        });
    }
    Document {
        kind: "risk-register".into(),
        title: format!("Joint risk register: {}", c.collaboration.title),
        date: None,
        parties,
        recitals: Vec::new(),
        sections,
        schedules: Vec::new(),
        signatures: Vec::new(),
    }
}

impl Steward {
    /// The register as a PDF with its heat maps; `view` chooses everything or the shared view.
    pub fn risk_report(&self, collab: Id, view: RegisterView) -> Result<ExportedPdf> {
        let reg = self.risk_register(collab, view)?;
        let c = self.collaboration(collab)?;
        let today = self.clock_today().to_string();
        let doc = register_document(&reg, &c, view, &today);
        let json = serde_json::to_string_pretty(&reg).map_err(|e| Error::Conflict(e.to_string()))?;
        let opts = steward_pdf::ExportOptions {
            status: format!("Risk register as at {today}"),
            doc_id: steward_clauses::canonical::sha256_hex(json.as_bytes())[..12].to_string(),
            draft_mark: false,
            author: self.actor().to_string(),
            subject: format!("Risk register: {}", c.collaboration.title),
            created: self.now().timestamp(),
            terms_heading: Some("REGISTER".into()),
            grids: vec![
                grid("Inherent (before treatment)", &reg.heat_map.inherent),
                grid("Residual (after treatment)", &reg.heat_map.residual),
            ],
        };
        let out = steward_pdf::lay_out(&doc, &opts).map_err(|e| Error::Typesetting(e.to_string()))?;
        let date = self.now().format("D:%Y%m%d%H%M%S+00'00'").to_string();
        let attachment = steward_pdf::Attachment {
            name: REGISTER_FILE_NAME,
            mime: "application/json",
            data: json.as_bytes(),
            created: &date,
        };
        let pages = out.pages;
        let pdf = out.finish(Some(&attachment)).map_err(|e| Error::Typesetting(e.to_string()))?;
        Ok(ExportedPdf { pages, bytes: pdf.len(), pdf, signed_by: None })
    }
}
