// How this window writes dates, times and numbers: one locale for every screen. By default it is
// the system's (as the window reports it); a choice made on the Settings screen overrides it on
// this machine, and ISO 8601 writes dates as 2027-03-01. The formatting itself is in format.ts;
// this file says which locale, and what that locale's numeric dates and numbers look like.

/** Where the choice is kept (empty or absent: follow the system). */
export const LOCALE_KEY = "steward.locale";

/** The choice that writes dates as `2027-03-01`. */
export const ISO = "iso";

/** The choices the Settings screen offers besides following the system. */
export const LOCALE_CHOICES: { value: string; label: string }[] = [
  { value: "en-GB", label: "English (UK)" },
  { value: "en-US", label: "English (US)" },
  { value: "de-DE", label: "Deutsch" },
  { value: "fr-FR", label: "Français" },
  { value: "es-ES", label: "Español" },
  { value: "it-IT", label: "Italiano" },
  { value: "nl-NL", label: "Nederlands" },
  { value: "pt-PT", label: "Português" },
  { value: "pl-PL", label: "Polski" },
  { value: "sv-SE", label: "Svenska" },
  { value: "ja-JP", label: "日本語" },
  { value: "zh-CN", label: "中文" },
  { value: ISO, label: "ISO 8601" },
];

/** A locale tag the formatters accept, else null. */
function supported(tag: string | null | undefined): string | null {
  if (!tag) return null;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag])[0] ?? null;
  } catch {
    return null;
  }
}

function readStored(): string {
  try {
    const v = globalThis.localStorage?.getItem(LOCALE_KEY) ?? "";
    return v === ISO || supported(v) ? v : "";
  } catch {
    return "";
  }
}

const prefs = $state({ choice: readStored(), systemChanged: 0 });

if (typeof window !== "undefined") {
  window.addEventListener("languagechange", () => (prefs.systemChanged += 1));
}

/** The system's locale, as the window reports it (read each time: it is what the system says now). */
export function systemLocale(): string {
  void prefs.systemChanged;
  const nav = typeof navigator === "undefined" ? undefined : navigator;
  return supported(nav?.languages?.[0] ?? nav?.language) ?? new Intl.DateTimeFormat().resolvedOptions().locale;
}

/** What was chosen on the Settings screen: a locale tag, `iso`, or "" to follow the system. */
export function localeChoice(): string {
  return prefs.choice;
}

/** Chooses how dates and numbers are written, at once on every screen, and keeps it on this machine. */
export function setLocaleChoice(choice: string) {
  const c = choice === ISO || supported(choice) ? choice : "";
  prefs.choice = c;
  try {
    if (c) globalThis.localStorage?.setItem(LOCALE_KEY, c);
    else globalThis.localStorage?.removeItem(LOCALE_KEY);
  } catch {
    // Storage refused (private mode, quota): the choice holds until the window closes.
  }
}

/** The locale dates and numbers are written in now: a tag, or `iso`. */
export function activeLocale(): string {
  return prefs.choice || systemLocale();
}

/** The name of a locale in the window's language, `British English (en-GB)`. */
export function localeName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(["en"], { type: "language" }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

// ---- what a locale's numeric dates and numbers look like ----

export type DateFieldPart = "day" | "month" | "year";

/** A locale's numeric date: the order of its parts, what separates them, and `dd/mm/yyyy`. */
export type DatePattern = { order: DateFieldPart[]; separator: string; placeholder: string };

const patterns = new Map<string, DatePattern>();

/** The numeric date of a locale (`dd/mm/yyyy` en-GB, `mm/dd/yyyy` en-US, `dd.mm.yyyy` de-DE). */
export function datePattern(locale: string = activeLocale()): DatePattern {
  const known = patterns.get(locale);
  if (known) return known;
  let order: DateFieldPart[] = ["year", "month", "day"];
  let separator = "-";
  if (locale !== ISO) {
    const parts = new Intl.DateTimeFormat(locale, {
      day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC", calendar: "gregory", numberingSystem: "latn",
    }).formatToParts(new Date(Date.UTC(2027, 2, 1)));
    const fields = parts.filter((p): p is Intl.DateTimeFormatPart & { type: DateFieldPart } =>
      p.type === "day" || p.type === "month" || p.type === "year");
    if (fields.length === 3) {
      order = fields.map((p) => p.type);
      const first = parts.indexOf(fields[0]);
      const between = parts[first + 1];
      separator = (between?.type === "literal" ? between.value.replace(/[\u200e\u200f\u061c]/g, "") : "") || "/";
    }
  }
  const word = { day: "dd", month: "mm", year: "yyyy" };
  const p: DatePattern = { order, separator, placeholder: order.map((o) => word[o]).join(separator) };
  patterns.set(locale, p);
  return p;
}

/**
 * A locale's numbers: the decimal mark, the grouping mark and group sizes (`primary` next to the
 * decimal mark, `secondary` further left, as 12,34,567 in India), and the fewest digits grouped.
 */
export type NumberStyle = { decimal: string; group: string; primary: number; secondary: number; minDigits: number };

const styles = new Map<string, NumberStyle>();

/** Numbers in a locale (`1.234.567,5` de-DE); ISO 8601 writes them in SI style, `1 234 567.5`. */
export function numberStyle(locale: string = activeLocale()): NumberStyle {
  const known = styles.get(locale);
  if (known) return known;
  let s: NumberStyle = { decimal: ".", group: "\u202f", primary: 3, secondary: 3, minDigits: 4 };
  if (locale !== ISO) {
    const nf = new Intl.NumberFormat(locale, { numberingSystem: "latn" });
    const parts = nf.formatToParts(1234567.5);
    const ints = parts.filter((p) => p.type === "integer").map((p) => p.value.length);
    const primary = ints.length > 1 ? ints[ints.length - 1] : 3;
    s = {
      decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
      group: parts.find((p) => p.type === "group")?.value ?? "",
      primary,
      secondary: ints.length > 2 ? ints[ints.length - 2] : primary,
      minDigits: nf.formatToParts(1234).some((p) => p.type === "group") ? primary + 1 : primary + 2,
    };
  }
  styles.set(locale, s);
  return s;
}
