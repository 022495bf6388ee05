// What the ledger's panels share: the closed choices of an entry, the formatting of amounts, the
// report's default currency, and recording an exchange rate (from the rates panel or from the
// report when it lacks one).
import { call, commands, toIpcError } from "../../api";
import type { Category, IpcError, LedgerEntry, Measure } from "../../bindings";
import { formatAmount, longDate, parseAmount } from "../../format";

export const CATEGORIES: { id: Category; label: string }[] = [
  { id: "cash", label: "Cash" },
  { id: "staff_time", label: "Staff time" },
  { id: "background_ip", label: "Background IP" },
  { id: "data", label: "Data" },
  { id: "equipment", label: "Equipment" },
  { id: "facilities", label: "Facilities" },
  { id: "materials", label: "Materials" },
];
export const MEASURES: { id: Measure; label: string }[] = [
  { id: "money", label: "Money" },
  { id: "hours", label: "Hours" },
  { id: "fte_months", label: "FTE-months" },
];
/** Suggested codes; any ISO 4217 code with a minor unit is accepted. */
export const COMMON_CURRENCIES = ["GBP", "EUR", "USD", "JPY", "CHF", "SEK", "NOK", "DKK", "CAD", "AUD", "CNY", "INR"];

export function categoryLabel(c: string): string {
  return CATEGORIES.find((x) => x.id === c)?.label ?? c;
}

export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `-1234567.50` as this machine writes numbers: `-1,234,567.50` (en-GB), `-1.234.567,50` (de-DE). */
export function grouped(plain: string): string {
  return formatAmount(plain);
}

export function money(plain: string, currency: string): string {
  return `${currency} ${grouped(plain)}`;
}

/** The ledger's only currency, else GBP when used, else the most used one; `fallback` without entries. */
export function defaultCurrency(es: LedgerEntry[], fallback: string): string {
  const counts = new Map<string, number>();
  for (const e of es) counts.set(e.currency, (counts.get(e.currency) ?? 0) + 1);
  if (counts.size === 0) return fallback;
  if (counts.has("GBP") || counts.size === 1) return counts.has("GBP") ? "GBP" : [...counts.keys()][0];
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

/** An exchange rate as typed in a rate form. */
export type RateDraft = { from: string; to: string; rate: string; date: string; source: string };

/**
 * Records the rate a draft describes. Once it is recorded, `recorded` is given the sentence that
 * says so, and what it returns (the reloads) is awaited. Returns the failure, if any.
 */
export async function saveRate(d: RateDraft, recorded: (notice: string) => Promise<void>): Promise<IpcError | null> {
  try {
    const r = await call(
      commands.addRate(d.from.trim().toUpperCase(), d.to.trim().toUpperCase(), parseAmount(d.rate) ?? d.rate.trim(), d.date.trim(), d.source.trim()),
    );
    await recorded(`Recorded 1 ${r.from} = ${grouped(r.rate)} ${r.to} on ${longDate(r.date)}.`);
    return null;
  } catch (e) {
    return toIpcError(e);
  }
}
