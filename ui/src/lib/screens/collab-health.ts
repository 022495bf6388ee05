// What the collaborations list flags: the next date due and warnings, from a summary's dates.
import type { CollaborationSummary } from "../bindings";

/** The nearest date still ahead: start, end or the end of obligations (sunset). */
export function nextDue(c: CollaborationSummary, today: string): { what: string; date: string } | null {
  const dates = [
    { what: "Starts", date: c.start_date },
    { what: "Ends", date: c.end_date },
    { what: "Obligations end", date: c.sunset_date },
  ].filter((d): d is { what: string; date: string } => !!d.date && d.date >= today);
  dates.sort((a, b) => a.date.localeCompare(b.date));
  return dates[0] ?? null;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/** Short warnings for the list: things a principal investigator should act on. */
export function warnings(c: CollaborationSummary, today: string): string[] {
  const out: string[] = [];
  if (c.archived) return out;
  if (c.member_count < 2) out.push("needs partners");
  if (c.end_date && c.status !== "closed") {
    const left = daysBetween(today, c.end_date);
    if (left < 0) out.push("past its end date");
    else if (left <= 90) out.push(`ends in ${left} days`);
  }
  if (c.start_date && c.status === "planning" && c.start_date < today) out.push("started but still planning");
  return out;
}
