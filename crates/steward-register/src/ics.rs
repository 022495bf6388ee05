//! iCalendar files (RFC 5545): one all-day `VEVENT` per due item, with a stable `UID`, a
//! `SEQUENCE` the caller raises on every change, `STATUS:CANCELLED` for items that went away, and a
//! `VALARM` reminder. Text is escaped, lines are folded at 75 octets and end in CRLF. Calendar
//! apps ignore `VTODO` widely, so due items are events.

use chrono::{DateTime, NaiveDate, Utc};
use std::fmt::Write;

/// One due item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable for the life of the item: a calendar app matches re-exports on it.
    pub uid: String,
    pub sequence: u32,
    /// When this version of the item was made.
    pub stamp: DateTime<Utc>,
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
    pub categories: Vec<String>,
    pub cancelled: bool,
    /// Days before the date to remind; none for cancelled items.
    pub remind_days: Option<u32>,
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets without splitting a character.
fn line(out: &mut String, text: &str) {
    let mut width = 0;
    for c in text.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A whole calendar file.
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = String::with_capacity(256 + events.len() * 400);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Steward//Steward obligations//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", e.stamp.format("%Y%m%dT%H%M%SZ")));
        line(&mut out, &format!("DTSTART;VALUE=DATE:{}", date(e.date)));
        let next = e.date.succ_opt().unwrap_or(e.date);
        line(&mut out, &format!("DTEND;VALUE=DATE:{}", date(next)));
        line(&mut out, &format!("SEQUENCE:{}", e.sequence));
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        if !e.categories.is_empty() {
            let cats: Vec<String> = e.categories.iter().map(|c| escape(c)).collect();
            line(&mut out, &format!("CATEGORIES:{}", cats.join(",")));
        }
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, if e.cancelled { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
        if let (Some(days), false) = (e.remind_days, e.cancelled) {
            line(&mut out, "BEGIN:VALARM");
            line(&mut out, "ACTION:DISPLAY");
            let mut d = String::new();
            let _ = write!(d, "DESCRIPTION:{}", escape(&e.summary));
            line(&mut out, &d);
            line(&mut out, &format!("TRIGGER:-P{days}D"));
            line(&mut out, "END:VALARM");
        }
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_on_character_boundaries_and_end_in_crlf() {
        let e = Event {
            uid: "u1@steward".into(),
            sequence: 2,
            stamp: DateTime::UNIX_EPOCH,
            date: NaiveDate::from_ymd_opt(2027, 3, 1).expect("date"),
            summary: "Confidentiality ends; Kaminokawa, Ferrant".into(),
            description: "秘密保持期間が終了します。".repeat(8),
            categories: vec!["confidentiality_end".into()],
            cancelled: false,
            remind_days: Some(30),
        };
        let ics = calendar("Demo", &[e]);
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        assert!(!ics.replace("\r\n", "").contains('\n'));
        assert!(ics.contains("SUMMARY:Confidentiality ends\\; Kaminokawa\\, Ferrant\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270302\r\n"));
        assert!(ics.contains("TRIGGER:-P30D"));
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}", "秘密保持期間が終了します。".repeat(8))));
    }
}
