#!/usr/bin/env python3
"""Independent reading of an iCalendar file with the `icalendar` package.

Prints one JSON object: {"version", "prodid", "events": [{"uid", "sequence", "status", "date",
"summary", "description", "alarm"}]}. Exits 1 with the parser's message if the file does not
parse, or if an event lacks what RFC 5545 requires (UID, DTSTAMP) or is not an all-day event.
Usage: ics_check.py FILE.ics
"""
import datetime
import json
import sys

from icalendar import Calendar


def main(path: str) -> int:
    raw = open(path, "rb").read()
    for line in raw.split(b"\r\n"):
        if len(line) > 75:
            print(json.dumps({"error": f"a line is longer than 75 octets: {line[:40]!r}"}))
            return 1
    cal = Calendar.from_ical(raw)
    events = []
    for ev in cal.walk("VEVENT"):
        for need in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            if need not in ev:
                print(json.dumps({"error": f"an event lacks {need}"}))
                return 1
        start = ev.decoded("DTSTART")
        if isinstance(start, datetime.datetime) or not isinstance(start, datetime.date):
            print(json.dumps({"error": f"{ev['UID']} is not an all-day event"}))
            return 1
        alarms = [a for a in ev.walk("VALARM")]
        events.append({
            "uid": str(ev["UID"]),
            "sequence": int(ev.get("SEQUENCE", 0)),
            "status": str(ev.get("STATUS", "")),
            "date": start.isoformat(),
            "summary": str(ev["SUMMARY"]),
            "description": str(ev.get("DESCRIPTION", "")),
            "alarm": str(alarms[0]["TRIGGER"].to_ical(), "ascii") if alarms else None,
        })
    print(json.dumps({"version": str(cal.get("VERSION")), "prodid": str(cal.get("PRODID")), "events": events}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
