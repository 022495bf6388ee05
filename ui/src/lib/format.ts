// Dates, times and numbers as people read them, in the locale chosen in Settings (else the
// system's; see locale.svelte.ts). Dates are calendar days, `YYYY-MM-DD`: they are formatted in UTC so
// no time zone moves them to the day before.
import { activeLocale, datePattern, ISO, numberStyle, type NumberStyle } from "./locale.svelte";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The locale's long date (`1 March 2027`) or its time of day (`09:30`, `9:30 AM`), both in UTC. */
function formatter(locale: string, kind: "date" | "time"): Intl.DateTimeFormat {
  const key = `${kind} ${locale}`;
  let f = formatters.get(key);
  if (!f) {
    const base = { timeZone: "UTC", calendar: "gregory", numberingSystem: "latn" } as const;
    if (kind === "date") {
      f = new Intl.DateTimeFormat(locale, { ...base, day: "numeric", month: "long", year: "numeric" });
    } else {
      const cycle = new Intl.DateTimeFormat(locale, { hour: "numeric", timeZone: "UTC" }).resolvedOptions().hourCycle;
      const twelve = cycle === "h11" || cycle === "h12";
      f = new Intl.DateTimeFormat(locale, { ...base, hour: twelve ? "numeric" : "2-digit", minute: "2-digit" });
    }
    formatters.set(key, f);
  }
  return f;
}

/** The day `y-m-d` at midnight UTC; null when the calendar has no such day (31 February). */
function calendarDay(y: number, m: number, d: number): Date | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? t : null;
}

/**
 * `2027-03-01` (or the day of an RFC 3339 time) as the locale writes it: `1 March 2027` en-GB,
 * `March 1, 2027` en-US, `1. März 2027` de-DE, `2027-03-01` ISO 8601. Anything else unchanged.
 */
export function longDate(iso: string | null): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})(?=$|[T ])/.exec(iso);
  const d = m ? calendarDay(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  if (!m || !d) return iso;
  const locale = activeLocale();
  return locale === ISO ? `${m[1]}-${m[2]}-${m[3]}` : formatter(locale, "date").format(d);
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

/**
 * `2027-03-01T09:30:00Z` as `1 March 2027, 09:30 UTC` (en-GB; `March 1, 2027, 9:30 AM UTC` en-US):
 * the time as written, its zone named (another zone as `(UTC+02:00)`); `fallback` when absent.
 */
export function dateTime(iso: string | null, fallback = "not recorded"): string {
  if (!iso) return fallback;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/.exec(iso);
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) return iso;
  const zone = !m[4] ? "" : /^(Z|[+-]00:?00)$/.test(m[4]) ? " UTC" : ` (UTC${m[4]})`;
  const locale = activeLocale();
  if (locale === ISO) return `${longDate(m[1])} ${m[2]}:${m[3]}${zone}`;
  const time = formatter(locale, "time").format(new Date(Date.UTC(2000, 0, 1, Number(m[2]), Number(m[3]))));
  const between = /^(ja|zh|ko)\b/.test(locale) ? " " : ", ";
  return `${longDate(m[1])}${between}${time}${zone}`;
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

// ---- dates as typed ----

/** `2027-03-01` in the locale's numeric order: `01/03/2027` en-GB, `03/01/2027` en-US, `01.03.2027` de-DE. */
export function numericDate(iso: string | null, locale: string = activeLocale()): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const p = datePattern(locale);
  const parts = { year: m[1], month: m[2], day: m[3] };
  return p.order.map((o) => parts[o]).join(p.separator);
}

/** A typed date read: the day as `YYYY-MM-DD` ("" for no date), or why it cannot be one. */
export type DateReading = { iso: string } | { problem: "format" | "no_such_day" };

/**
 * Reads a typed date: `2027-03-01` always; otherwise day, month and year in the locale's order
 * (`1/3/2027` or `01.03.2027` en-GB, `3/1/2027` en-US) with any of `/ . -` or spaces between and a
 * four-digit year. Empty text is no date.
 */
export function parseDate(text: string, locale: string = activeLocale()): DateReading {
  const t = text.trim();
  if (!t) return { iso: "" };
  let ymd: [string, string, string];
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (iso) {
    ymd = [iso[1], iso[2], iso[3]];
  } else {
    const bits = t.replace(/[年년月월]/g, "/").replace(/[日일]$/, "").replace(/[.\s]+$/, "").split(/\s*[/.\-\u2010-\u2015]\s*|\s+/);
    if (bits.length !== 3 || !bits.every((b) => /^\d+$/.test(b))) return { problem: "format" };
    const at = (part: "day" | "month" | "year") => bits[datePattern(locale).order.indexOf(part)];
    ymd = [at("year"), at("month"), at("day")];
  }
  const [y, m, d] = ymd;
  if (!/^\d{4}$/.test(y) || !/^\d{1,2}$/.test(m) || !/^\d{1,2}$/.test(d)) return { problem: "format" };
  if (!calendarDay(Number(y), Number(m), Number(d))) return { problem: "no_such_day" };
  return { iso: `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}` };
}

/** What a date field says when its text is not a date: `Type the date as dd/mm/yyyy or 2027-03-01.` */
export function dateHint(problem: "format" | "no_such_day", locale: string = activeLocale()): string {
  const p = datePattern(locale).placeholder;
  const how = p === "yyyy-mm-dd" ? "Type the date as yyyy-mm-dd, e.g. 2027-03-01." : `Type the date as ${p} or 2027-03-01.`;
  return problem === "no_such_day" ? `That day is not in the calendar. ${how}` : how;
}

// ---- amounts ----

function groupDigits(int: string, s: NumberStyle): string {
  if (!s.group || int.length < s.minDigits) return int;
  const out = [int.slice(-s.primary)];
  let rest = int.slice(0, -s.primary);
  while (rest.length > s.secondary) {
    out.unshift(rest.slice(-s.secondary));
    rest = rest.slice(0, -s.secondary);
  }
  if (rest) out.unshift(rest);
  return out.join(s.group);
}

/**
 * A decimal as the core writes it (`-1250.50`) as the locale does: `-1,250.50` en-GB, `-1.250,50`
 * de-DE, `-1 250,50` fr-FR, `-1 250.50` ISO (SI style). Digits are kept as they are (no rounding);
 * anything else is unchanged.
 */
export function formatAmount(plain: string, locale: string = activeLocale()): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(plain.trim());
  if (!m) return plain;
  const s = numberStyle(locale);
  return `${m[1]}${groupDigits(m[2], s)}${m[3] !== undefined ? s.decimal + m[3] : ""}`;
}

const SPACE = /^[ \u00a0\u202f\u2009]$/;

/** The number in `t` written the locale's way (`1.250,00` de-DE), as `1250.00`; null when it is not. */
function readLocal(t: string, s: NumberStyle): string | null {
  const halves = t.split(s.decimal);
  if (halves.length > 2) return null;
  const [int, frac] = halves;
  if (frac !== undefined && !/^\d+$/.test(frac)) return null;
  let digits = int;
  if (!/^\d+$/.test(int)) {
    if (!s.group) return null;
    const marks = SPACE.test(s.group) ? "[ \u00a0\u202f\u2009]" : s.group === "’" || s.group === "'" ? "['’]" : s.group.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const groups = int.split(new RegExp(marks));
    const first = groups[0];
    const last = groups[groups.length - 1];
    const middle = groups.slice(1, -1);
    if (groups.length < 2 || !/^[1-9]\d*$/.test(first) || first.length > s.secondary || last.length !== s.primary || !/^\d+$/.test(last)) return null;
    if (!middle.every((g) => g.length === s.secondary && /^\d+$/.test(g))) return null;
    digits = groups.join("");
  }
  return frac === undefined ? digits : `${digits}.${frac}`;
}

/**
 * An amount as typed, as the plain decimal the core takes (`1250.00`): the locale's way of writing
 * it (`1.250,00` de-DE; `1,250.00` en-GB and en-US; `1 250,00` fr-FR, with a normal or a no-break
 * space) or plainly, `1250.00` or `1250`. When both readings fit (`1.250` in de-DE) the locale's wins.
 * Work is on the text, so nothing is rounded; null when it is not a number.
 */
export function parseAmount(text: string, locale: string = activeLocale()): string | null {
  let t = text.trim().replace(/^[\u2212\u2012\u2013]/, "-");
  let sign = "";
  if (t.startsWith("-") || t.startsWith("+")) {
    sign = t.startsWith("-") ? "-" : "";
    t = t.slice(1);
  }
  if (!t) return null;
  const read = readLocal(t, numberStyle(locale)) ?? (/^\d+(\.\d+)?$/.test(t) ? t : null);
  if (read === null) return null;
  const [int, frac] = read.split(".");
  return `${sign}${int.replace(/^0+(?=\d)/, "")}${frac !== undefined ? `.${frac}` : ""}`;
}

/** Examples of a number as it may be typed: `1,250.00 or 1250.00` (en-GB), `1.250,00 or 1250.00` (de-DE). */
export function amountExample(plain = "1250.00", locale: string = activeLocale()): string {
  const local = formatAmount(plain, locale);
  return local === plain ? plain : `${local} or ${plain}`;
}
