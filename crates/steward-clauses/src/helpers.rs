//! Handlebars helpers for clause bodies. They print typed values in the agreement's house style;
//! `ref` leaves a marker that assembly replaces with the clause number once numbering is known.

use crate::values::{self, Duration, Money};
use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use serde_json::Value as Json;

/// Opens and closes a cross-reference marker in rendered text.
pub const REF_OPEN: char = '\u{E000}';
pub const REF_CLOSE: char = '\u{E001}';

fn fail(helper: &str, msg: impl std::fmt::Display) -> handlebars::RenderError {
    RenderErrorReason::Other(format!("{helper}: {msg}")).into()
}

fn param<'a>(h: &'a Helper<'_>, helper: &str) -> Result<&'a Json, handlebars::RenderError> {
    h.param(0)
        .map(|p| p.value())
        .ok_or_else(|| fail(helper, "needs a value, as in {{".to_string() + helper + " name}}"))
}

fn text_param<'a>(h: &'a Helper<'_>, helper: &str) -> Result<&'a str, handlebars::RenderError> {
    match param(h, helper)? {
        Json::String(s) => Ok(s),
        Json::Null => Err(fail(helper, "the value is missing (test optional values with {{#if}})")),
        other => Err(fail(helper, format!("expected text, got {other}"))),
    }
}

fn int_param(h: &Helper<'_>, helper: &str) -> Result<i64, handlebars::RenderError> {
    match param(h, helper)? {
        Json::Number(n) => n.as_i64().ok_or_else(|| fail(helper, "expected a whole number")),
        Json::String(s) => s.trim().parse().map_err(|_| fail(helper, format!("'{s}' is not a whole number"))),
        other => Err(fail(helper, format!("expected a whole number, got {other}"))),
    }
}

type HelperFn = fn(&Helper<'_>, &Handlebars<'_>, &Context, &mut RenderContext<'_, '_>, &mut dyn Output) -> HelperResult;

fn date(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let d = values::parse_date(text_param(h, "date")?).map_err(|e| fail("date", e))?;
    out.write(&values::format_date(d))?;
    Ok(())
}

fn duration(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let d = Duration::parse(text_param(h, "duration")?).map_err(|e| fail("duration", e))?;
    out.write(&d.words())?;
    Ok(())
}

fn money(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let m = Money::parse(text_param(h, "money")?).map_err(|e| fail("money", e))?;
    out.write(&m.to_string())?;
    Ok(())
}

fn percent(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let text = match param(h, "percent")? {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        other => return Err(fail("percent", format!("expected a percentage, got {other}"))),
    };
    let p = values::parse_percent(&text).map_err(|e| fail("percent", e))?;
    out.write(&values::format_percent(p))?;
    Ok(())
}

fn words(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&values::number_words_with_digits(int_param(h, "words")?))?;
    Ok(())
}

fn ordinal(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&values::ordinal(int_param(h, "ordinal")?))?;
    Ok(())
}

fn list(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let items: Vec<String> = match param(h, "list")? {
        Json::Array(a) => a.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string)).collect(),
        other => return Err(fail("list", format!("expected a list, got {other}"))),
    };
    let conj = h.hash_get("conj").and_then(|c| c.value().as_str()).unwrap_or("and");
    out.write(&values::join_list(&items, conj))?;
    Ok(())
}

/// Looks up a party by the id a `party` variable holds.
fn party_field(h: &Helper<'_>, ctx: &Context, helper: &str, field: &str) -> Result<String, handlebars::RenderError> {
    let id = match param(h, helper)? {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.clone(),
        Json::Null => return Err(fail(helper, "no party was chosen")),
        other => return Err(fail(helper, format!("expected a party, got {other}"))),
    };
    let party = ctx
        .data()
        .get("_party")
        .and_then(|m| m.get(&id))
        .ok_or_else(|| fail(helper, format!("party {id} is not a party of this agreement")))?;
    let get = |k: &str| party.get(k).and_then(Json::as_str).map(str::to_string);
    Ok(match field {
        "short" => get("short_name").or_else(|| get("legal_name")).unwrap_or_default(),
        f => get(f).unwrap_or_default(),
    })
}

fn party_name(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    ctx: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&party_field(h, ctx, "party_name", "legal_name")?)?;
    Ok(())
}

fn party_short(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    ctx: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&party_field(h, ctx, "party_short", "short")?)?;
    Ok(())
}

fn party_address(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    ctx: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&party_field(h, ctx, "party_address", "address")?)?;
    Ok(())
}

fn party_country(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    ctx: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&party_field(h, ctx, "party_country", "country_name")?)?;
    Ok(())
}

fn reference(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let target = text_param(h, "ref")?;
    if target.contains([REF_OPEN, REF_CLOSE]) {
        return Err(fail("ref", "bad target"));
    }
    out.write(&format!("{REF_OPEN}{target}{REF_CLOSE}"))?;
    Ok(())
}

pub const HELPERS: &[(&str, HelperFn)] = &[
    ("date", date),
    ("duration", duration),
    ("money", money),
    ("percent", percent),
    ("words", words),
    ("ordinal", ordinal),
    ("list", list),
    ("party_name", party_name),
    ("party_short", party_short),
    ("party_address", party_address),
    ("party_country", party_country),
    ("ref", reference),
];

/// A Handlebars registry set up the way every clause is rendered: strict, no HTML escaping, our helpers.
pub fn registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    for (name, f) in HELPERS {
        hb.register_helper(name, Box::new(*f));
    }
    hb
}
