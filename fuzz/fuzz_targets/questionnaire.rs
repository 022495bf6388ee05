//! Questionnaire files: parsing and checking never panics, and a questionnaire that reads can be
//! rated on answers read from its own text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use steward_diligence::questionnaire::{Answers, Scope};
use steward_diligence::rating::{Subject, rate};
use steward_diligence::Questionnaire;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(q) = Questionnaire::parse("fuzz.toml", text) else { return };
    let _ = q.hash();
    let mut answers = Answers::new();
    for question in &q.questions {
        // Every question answered with its own first option, a code, or a number.
        let guess = question.options.first().map(|o| o.id.clone()).unwrap_or_else(|| "yes".into());
        for attempt in [guess.as_str(), "JP, KP", "3A001", "25000"] {
            if let Ok(a) = question.parse_answer(attempt) {
                answers.insert(question.id.clone(), a);
                break;
            }
        }
    }
    let subjects = [
        Subject { key: "work".into(), label: "work".into(), scope: Scope::Work, answers: &answers },
        Subject { key: "party:1".into(), label: "p".into(), scope: Scope::Partner, answers: &answers },
    ];
    let _ = rate(&q, &subjects);
});
