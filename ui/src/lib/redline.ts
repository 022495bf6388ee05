// How a redline is summarised and numbered, for every screen that shows one.
import type { ChangeKind, ClauseDiff, Redline } from "./bindings";

export const CHANGE_LABEL: Record<ChangeKind, string> = {
  added: "added",
  removed: "removed",
  changed: "changed",
  moved: "moved",
  unchanged: "unchanged",
};

/** `2 changed · 1 added · 13 unchanged`. */
export function redlineCounts(redline: Redline | null): string {
  const n: Partial<Record<ChangeKind, number>> = {};
  for (const c of redline?.clauses ?? []) n[c.change] = (n[c.change] ?? 0) + 1;
  return (["changed", "added", "removed", "moved", "unchanged"] as ChangeKind[])
    .filter((k) => n[k])
    .map((k) => `${n[k]} ${CHANGE_LABEL[k]}`)
    .join(" · ");
}

/** The clause's number, or `3.2 → 4.1` when it moved. */
export function clauseNumber(c: ClauseDiff): string {
  if (c.old_number && c.new_number && c.old_number !== c.new_number) return `${c.old_number} → ${c.new_number}`;
  return c.new_number ?? c.old_number ?? "";
}
