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

/** `3 entries`, `1 entry`. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2027-03-01T09:30:00Z` as `1 March 2027, 09:30 UTC` (another zone is named); `fallback` when absent. */
export function dateTime(iso: string | null, fallback = "not recorded"): string {
  if (!iso) return fallback;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/.exec(iso);
  if (!m) return iso;
  const zone = !m[3] ? "" : /^(Z|[+-]00:?00)$/.test(m[3]) ? " UTC" : ` (UTC${m[3]})`;
  return `${longDate(m[1])}, ${m[2]}${zone}`;
}

/** The day of an RFC 3339 time, as `1 March 2027`. */
export function day(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(iso);
  return m ? longDate(m[1]) : iso;
}

/** `48.2 KB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A SHA-256 fingerprint (`AB:CD:…`) in groups of four bytes, for reading aloud and comparing. */
export function fingerprintGroups(fp: string): string[] {
  const b = fp.split(":");
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 4) out.push(b.slice(i, i + 4).join(":"));
  return out;
}

/** The first 8 bytes of a fingerprint, `6B45 2A37 FDF7 B283`: enough to tell keys apart in a list. */
export function shortFingerprint(f: string): string {
  return f.replace(/[^0-9a-fA-F]/g, "").slice(0, 16).toUpperCase().replace(/(.{4})(?=.)/g, "$1 ");
}

/** An identity in a select: `Helen Achterberg <h@…> · 6B45 2A37 FDF7 B283`. */
export function identityLabel(i: { name: string; email: string; fingerprint: string }): string {
  return `${i.name} <${i.email}> · ${shortFingerprint(i.fingerprint)}`;
}
