// The words for obligations: their kinds and the state of one today.
import type { Obligation } from "../bindings";

/** Every kind the core knows, in the order a person picks them. */
export const obligationKinds: { id: string; label: string }[] = [
  { id: "reporting", label: "reporting" },
  { id: "meeting", label: "meeting" },
  { id: "deliverable", label: "deliverable" },
  { id: "disclosure_end", label: "disclosure end" },
  { id: "confidentiality_end", label: "confidentiality end" },
  { id: "project_end", label: "project end" },
  { id: "termination_notice", label: "termination notice" },
  { id: "sunset", label: "sunset" },
  { id: "data_return", label: "data return" },
  { id: "embargo_end", label: "embargo end" },
  { id: "option_window", label: "option window" },
  { id: "licence_window", label: "licence window" },
  { id: "publication_review", label: "publication review" },
  { id: "publication_delay", label: "publication delay" },
  { id: "risk_review", label: "risk review" },
  { id: "patent_deadline", label: "patent deadline" },
  { id: "exit_action", label: "exit action" },
  { id: "other", label: "other" },
];

/** `confidentiality_end` as `confidentiality end`. */
export function kindWords(kind: string): string {
  return obligationKinds.find((k) => k.id === kind)?.label ?? kind.replace(/_/g, " ");
}

export type ObligationState = "open" | "overdue" | "done" | "waived" | "withdrawn";

/** Its state today: an open item whose date has passed is overdue. */
export function obligationState(o: Obligation, today: string): ObligationState {
  if (o.status === "open") return o.due_date < today ? "overdue" : "open";
  return o.status as ObligationState;
}

/** Today as `YYYY-MM-DD`. */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}
