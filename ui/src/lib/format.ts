const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

/** `2027-03-01` as `1 March 2027`; anything else unchanged. */
export function longDate(iso: string | null): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** A regional-indicator flag for an ISO 3166-1 alpha-2 code. */
export function flag(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code;
  return String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

/** `1 January 2027 – 31 December 2029`, or whichever end is known. */
export function dateRange(start: string | null, end: string | null): string {
  if (start && end) return `${longDate(start)} – ${longDate(end)}`;
  if (start) return `from ${longDate(start)}`;
  if (end) return `until ${longDate(end)}`;
  return "";
}
