// The collaborations list's fallback when a summary carries no health from the core: the next
// date due, from the summary's own dates.
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
