// The risk register's words and bands, shared by the register, its form and the heat maps.
import type { RiskBand, RiskCategory, RiskStatus, Treatment, Visibility } from "../bindings";

/** Likelihood × impact as a band: 1-4 green, 5-14 amber, 15-25 red (as the core counts them). */
export function band(score: number): RiskBand {
  if (score >= 15) return "red";
  if (score >= 5) return "amber";
  return "green";
}

export const categories: { id: RiskCategory; label: string }[] = [
  { id: "research_security", label: "Research security" },
  { id: "data", label: "Data" },
  { id: "ip", label: "Intellectual property" },
  { id: "financial", label: "Financial" },
  { id: "legal", label: "Legal" },
  { id: "reputational", label: "Reputational" },
  { id: "operational", label: "Operational" },
  { id: "people", label: "People" },
];

export const treatments: { id: Treatment; label: string }[] = [
  { id: "avoid", label: "Avoid" },
  { id: "reduce_likelihood", label: "Reduce likelihood" },
  { id: "reduce_consequence", label: "Reduce consequence" },
  { id: "share", label: "Share" },
  { id: "accept", label: "Accept" },
];

export const statuses: { id: RiskStatus; label: string }[] = [
  { id: "open", label: "Open" },
  { id: "treating", label: "Treating" },
  { id: "accepted", label: "Accepted" },
  { id: "closed", label: "Closed" },
];

export const visibilities: { id: Visibility; label: string }[] = [
  { id: "shared", label: "Shared with the partners" },
  { id: "internal", label: "Internal to this institution" },
];

/** `research_security` as `research security`: a code in words. */
export function words(code: string): string {
  return code.replace(/_/g, " ");
}
