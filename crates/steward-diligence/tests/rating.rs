//! Each trigger of the shipped questionnaire fires its band, clauses and reviewer roles.

use steward_diligence::questionnaire::{Answers, Band, Factor, Scope};
use steward_diligence::rating::{Subject, rate};
use steward_diligence::{Questionnaire, shipped};

fn q() -> Questionnaire {
    shipped::questionnaire().unwrap_or_else(|p| panic!("the shipped questionnaire is valid: {p:#?}"))
}

/// Answers that fire nothing: every required question answered harmlessly.
fn quiet(q: &Questionnaire, scope: Scope) -> Answers {
    let mut a = Answers::new();
    for (id, text) in [
        ("partner.country", "DE"),
        ("partner.military_links", "no"),
        ("partner.wmd_link", "no"),
        ("partner.end_user_known", "yes"),
        ("work.nsi_areas", ""),
        ("work.annex_i", ""),
        ("work.military_list", "no"),
        ("work.classified", "no"),
        ("data.personal", "none"),
    ] {
        let question = q.question(id).expect(id);
        if question.scope == scope {
            a.insert(id.into(), question.parse_answer(text).expect(id));
        }
    }
    a
}

fn rated(q: &Questionnaire, partner: &[(&str, &str)], work: &[(&str, &str)]) -> steward_diligence::Rating {
    let mut p = quiet(q, Scope::Partner);
    let mut w = quiet(q, Scope::Work);
    for (answers, set) in [(&mut p, partner), (&mut w, work)] {
        for (id, text) in set {
            let question = q.question(id).expect(id);
            answers.insert((*id).into(), question.parse_answer(text).expect(id));
        }
    }
    rate(
        q,
        &[
            Subject { key: "work".into(), label: "the work".into(), scope: Scope::Work, answers: &w },
            Subject { key: "party:2".into(), label: "Partner".into(), scope: Scope::Partner, answers: &p },
        ],
    )
}

#[test]
fn the_shipped_questionnaire_is_valid_and_hashes_stably() {
    let q = q();
    assert_eq!(q.hash(), q.hash());
    assert_eq!(q.hash().len(), 64);
    assert!(q.questions.len() >= 20);
}

#[test]
fn quiet_answers_rate_low_and_require_nothing() {
    let q = q();
    let r = rated(&q, &[], &[]);
    assert_eq!(r.band, Band::Low, "{:#?}", r.fired);
    assert!(r.missing.is_empty(), "{:#?}", r.missing);
    assert!(r.roles.is_empty() && r.clauses.is_empty());
}

#[test]
fn every_trigger_fires_its_band_clauses_and_roles() {
    let q = q();
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [(&'a str, &'a str)], Factor, Band, &'a [&'a str], &'a [&'a str]);
    let cases: &[Case<'_>] = &[
        (&[("partner.country", "KP")], &[], Factor::Country, Band::Block, &[], &["sanctions"]),
        (
            &[("partner.country", "JP, RU")],
            &[],
            Factor::Country,
            Band::High,
            &["collab.tr-sanctions", "collab.tr-suspension"],
            &["sanctions", "research_office"],
        ),
        (
            &[("partner.military_links", "yes")],
            &[],
            Factor::Partner,
            Band::High,
            &["collab.tr-audit", "collab.tr-suspension"],
            &["export_control", "research_office"],
        ),
        (&[("partner.wmd_link", "yes")], &[], Factor::Partner, Band::Block, &[], &["export_control"]),
        (&[("partner.red_flags", "cold_approach")], &[], Factor::Partner, Band::Medium, &[], &[]),
        (
            &[("partner.red_flags", "cold_approach, agent, too_good")],
            &[],
            Factor::Partner,
            Band::High,
            &[],
            &["research_office"],
        ),
        (
            &[("partner.end_user_known", "no")],
            &[],
            Factor::Partner,
            Band::High,
            &["collab.export-control"],
            &["export_control"],
        ),
        (&[("partner.control_of_ip", "yes")], &[], Factor::Partner, Band::Medium, &[], &["research_office"]),
        (&[("partner.funding_to_partner", "25000")], &[], Factor::Partner, Band::Medium, &[], &["research_office"]),
        (
            &[("partner.bribery_slavery", "yes")],
            &[],
            Factor::Partner,
            Band::High,
            &["collab.tr-audit"],
            &["research_office"],
        ),
        (
            &[("data.state_access", "yes")],
            &[],
            Factor::Country,
            Band::High,
            &["collab.tr-data-localisation", "collab.tr-audit"],
            &["research_office"],
        ),
        (
            &[],
            &[("work.nsi_areas", "quantum_technologies")],
            Factor::Research,
            Band::Medium,
            &["collab.tr-audit", "collab.tr-suspension"],
            &["nsi"],
        ),
        (
            &[],
            &[("work.nsi_areas", "energy"), ("work.transfers_ip", "yes")],
            Factor::Research,
            Band::Medium,
            &[],
            &["nsi"],
        ),
        (
            &[],
            &[("work.annex_i", "6A005")],
            Factor::Research,
            Band::High,
            &["collab.export-control", "collab.tr-audit", "collab.tr-suspension"],
            &["export_control", "research_office"],
        ),
        (&[], &[("work.military_list", "yes")], Factor::Research, Band::Block, &[], &["export_control"]),
        (
            &[],
            &[("work.annex_i", "3A001"), ("work.transfer_modes", "cloud")],
            Factor::Research,
            Band::High,
            &[],
            &["export_control"],
        ),
        (
            &[],
            &[("work.exemption", "basic_research"), ("work.commercial", "yes")],
            Factor::Research,
            Band::High,
            &[],
            &["export_control"],
        ),
        (
            &[],
            &[("work.us_origin", "yes")],
            Factor::Research,
            Band::Medium,
            &["collab.export-control"],
            &["export_control"],
        ),
        (
            &[],
            &[("people.atas_subject", "yes"), ("people.nationalities", "JP, CN")],
            Factor::Research,
            Band::Medium,
            &[],
            &["research_office"],
        ),
        (
            &[],
            &[("work.classified", "yes")],
            Factor::Research,
            Band::Block,
            &["collab.tr-security-clearance"],
            &["research_office"],
        ),
        (&[], &[("data.personal", "personal")], Factor::Research, Band::Low, &["collab.data-protection"], &[]),
        (
            &[],
            &[("data.personal", "special_category")],
            Factor::Research,
            Band::Medium,
            &["collab.data-protection"],
            &["data_protection"],
        ),
        (&[], &[("data.leaves_uk_eea", "yes")], Factor::Research, Band::Low, &["collab.data-protection"], &[]),
        (
            &[],
            &[("work.surveillance_use", "yes")],
            Factor::Research,
            Band::High,
            &["collab.ethics"],
            &["ethics", "research_office"],
        ),
        (
            &[],
            &[("work.academic_freedom", "yes")],
            Factor::Country,
            Band::Medium,
            &["collab.tr-academic-freedom"],
            &["research_office"],
        ),
    ];
    for (partner, work, factor, band, clauses, roles) in cases {
        let r = rated(&q, partner, work);
        let what = format!("{partner:?} {work:?}");
        assert_eq!(r.factors[factor], *band, "{what}: {:#?}", r.fired);
        for c in *clauses {
            assert!(r.clauses.contains_key(*c), "{what}: clause {c} not required: {:?}", r.clauses);
        }
        for role in *roles {
            assert!(r.roles.contains_key(*role), "{what}: role {role} not required: {:?}", r.roles);
        }
        assert!(r.fired.iter().all(|f| !f.reason.is_empty()));
    }
}

#[test]
fn conditions_that_do_not_hold_fire_nothing() {
    let q = q();
    // Without the second question, `with` rules stay quiet.
    assert_eq!(rated(&q, &[], &[("work.transfer_modes", "cloud")]).band, Band::Low);
    assert_eq!(rated(&q, &[], &[("work.exemption", "basic_research")]).band, Band::Low);
    assert_eq!(
        rated(&q, &[], &[("people.atas_subject", "yes"), ("people.nationalities", "JP, DE, US")]).band,
        Band::Low
    );
    assert_eq!(rated(&q, &[("partner.funding_to_partner", "24999")], &[]).band, Band::Low);
}

#[test]
fn unanswered_required_questions_are_named_per_subject() {
    let q = q();
    let empty = Answers::new();
    let r = rate(
        &q,
        &[
            Subject { key: "work".into(), label: "the work".into(), scope: Scope::Work, answers: &empty },
            Subject { key: "party:2".into(), label: "Partner".into(), scope: Scope::Partner, answers: &empty },
        ],
    );
    let missing: Vec<String> = r.missing.iter().map(|m| format!("{} {}", m.subject_key, m.question)).collect();
    assert!(missing.contains(&"party:2 partner.country".to_string()), "{missing:?}");
    assert!(missing.contains(&"work work.annex_i".to_string()), "{missing:?}");
    assert!(!missing.iter().any(|m| m.contains("partner.control_of_ip")), "optional questions are not required");
}

#[test]
fn a_bad_questionnaire_file_is_refused_with_every_problem_named() {
    let bad = r#"
id = "x"
title = "X"
rescreen_days = 0
high_requires = ["nobody"]
roles = []

[[questions]]
id = "a"
scope = "work"
kind = "yes_no"
label = "A"
help = "h"
source = "s"

[[questions.rules]]
equals = "maybe"
factor = "research"
band = "high"
reason = "r"
roles = ["ghost"]

[[questions]]
id = "a"
scope = "work"
kind = "choice"
label = "B"
help = "h"
source = "s"
"#;
    let problems = Questionnaire::parse("q.toml", bad).expect_err("refused");
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for want in ["rescreen_days", "nobody", "equals 'maybe'", "ghost", "used by an earlier question", "two options"] {
        assert!(text.iter().any(|t| t.contains(want)), "{want} not in {text:#?}");
    }
    let syntax = Questionnaire::parse("q.toml", "id = \"x\"\n[[questions]\nid = 1").expect_err("refused");
    assert!(syntax[0].at.starts_with("q.toml:"), "{syntax:?}");
    let unknown = Questionnaire::parse(
        "q.toml",
        &shipped::TEXT.replace("rescreen_days = 365", "rescreen_days = 365\ncolour = \"red\""),
    )
    .expect_err("refused");
    assert!(unknown[0].message.contains("colour"), "{unknown:?}");
}
