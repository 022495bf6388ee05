// The demo collaboration as it is run, for the tests of the risk register, obligations,
// publications and the due list: Northmoor (1, lead), Kaminokawa Tech (2) and Ferrant (3); five
// risks, R1 treated from red to amber; obligations around today; a paper under a patent objection.
import type {
  CollaborationDetail, Health, Identity, IpcError, Member, Obligation, Publication, Risk, RiskFields, RiskRegister,
  RiskVersion,
} from "../bindings";
import { mockIPC } from "@tauri-apps/api/mocks";
import { collaborationRecord, identity } from "./fixtures";

export const demoTitle = "Low-loss superconducting resonators for quantum sensing";

/** `n` days from today (negative: before), as `YYYY-MM-DD`, the way the window counts today. */
export function daysFromToday(n: number): string {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

function member(id: number, role: Member["role"], legal_name: string, short_name: string, kind: Member["party"]["kind"], country: string): Member {
  return { role, party: { id, legal_name, short_name, kind, registration_number: null, address: null, country, archived: false } };
}

export const demoMembers: Member[] = [
  member(1, "lead", "The University of Northmoor", "Northmoor", "university", "GB"),
  member(2, "partner", "Kaminokawa Technology Co., Ltd.", "Kaminokawa Tech", "company", "JP"),
  member(3, "partner", "Ferrant Cryogenics GmbH", "Ferrant", "company", "DE"),
];

export function demoDetail(): CollaborationDetail {
  return {
    ...collaborationRecord,
    title: demoTitle,
    members: demoMembers,
    people: [
      { id: 1, name: "Dr Helen Achterberg", email: "h.achterberg@northmoor.ac.uk", orcid: null, party_id: 1, archived: false },
      { id: 2, name: "Prof. Aiko Tanabe", email: "a.tanabe@kaminokawa.co.jp", orcid: null, party_id: 2, archived: false },
      { id: 3, name: "Dr Jonas Weidlich", email: "j.weidlich@ferrant.de", orcid: null, party_id: 3, archived: false },
    ],
  };
}

/** Our own signing identity, and a partner's (which never signs our entries). */
export const demoIdentities: Identity[] = [
  identity({ id: 7, name: "Dr Helen Achterberg" }),
  identity({ id: 8, name: "Samuel Okafor", email: "s.okafor@northmoor.ac.uk" }),
  identity({ id: 9, name: "Prof. Aiko Tanabe", email: "a.tanabe@kaminokawa.co.jp", organisation: "Kaminokawa Tech", origin: "partner" }),
];

const partyNames: Record<number, string> = { 1: "Northmoor", 2: "Kaminokawa Tech", 3: "Ferrant" };

export function riskFields(over: Partial<RiskFields> = {}): RiskFields {
  return {
    title: "Resonator designs shared abroad before export-control classification",
    category: "research_security",
    cause: "Fabrication recipes may fall under a dual-use control entry for quantum devices",
    event: "A design pack reaches Kaminokawa Tech before it has been classified",
    consequence: "Unlicensed export of controlled technology; suspension of the collaboration",
    raised_by: 1,
    owner_party: 1,
    owner_person: "Samuel Okafor",
    inherent: { likelihood: 4, impact: 5 },
    residual: { likelihood: 2, impact: 4 },
    controls: "Designs leave Northmoor only through the research office's transfer log",
    treatment: "reduce_likelihood",
    actions: [{ text: "Classify each design pack before transfer", owner: "Samuel Okafor", due: "2027-02-15", done: false }],
    status: "treating",
    next_review: "2027-03-17",
    visibility: "shared",
    links: ["clause:collab.export-control"],
    ...over,
  };
}

function score(f: RiskFields): number {
  const r = f.residual ?? f.inherent;
  return r.likelihood * r.impact;
}

export function risk(number: number, fields: RiskFields, over: Partial<Risk> = {}): Risk {
  const current = score(fields);
  return {
    id: 10 + number,
    collaboration_id: 1,
    label: `R${number}`,
    number,
    version: 1,
    source: null,
    fields,
    inherent_score: fields.inherent.likelihood * fields.inherent.impact,
    current_score: current,
    band: current >= 15 ? "red" : current >= 5 ? "amber" : "green",
    raised_by_name: partyNames[fields.raised_by] ?? "?",
    owner_party_name: partyNames[fields.owner_party] ?? "?",
    review_overdue: false,
    updated_at: "2027-01-31T10:00:00Z",
    updated_by: "Dr Helen Achterberg",
    ...over,
  };
}

export const demoRisks: Risk[] = [
  risk(1, riskFields(), { version: 2, source: "diligence:research", updated_by: "Samuel Okafor" }),
  risk(2, riskFields({
    title: "Dilution refrigerator time at Kaminokawa oversubscribed", category: "operational",
    raised_by: 2, owner_party: 2, owner_person: "Prof. Aiko Tanabe",
    inherent: { likelihood: 3, impact: 3 }, residual: { likelihood: 2, impact: 3 }, actions: [], links: ["clause:collab.project"],
  })),
  risk(3, riskFields({
    title: "Patent filings hold back the project's first papers", category: "ip", owner_person: "Dr Helen Achterberg",
    inherent: { likelihood: 3, impact: 3 }, residual: { likelihood: 2, impact: 2 }, treatment: "reduce_consequence", actions: [], links: [],
  })),
  risk(4, riskFields({
    title: "Postdoctoral funding gap between years two and three", category: "people", owner_person: "Dr Helen Achterberg",
    inherent: { likelihood: 3, impact: 4 }, residual: null, treatment: "accept", status: "accepted", visibility: "internal", actions: [], links: [],
  })),
  risk(5, riskFields({
    title: "Measurement data lost from the shared repository", category: "data", raised_by: 3,
    inherent: { likelihood: 2, impact: 5 }, residual: { likelihood: 1, impact: 5 }, status: "open", next_review: "2027-01-20", actions: [], links: [],
  }), { review_overdue: true }),
];

/** A register with its heat maps counted from the risks, as the core counts them. */
export function registerOf(risks: Risk[]): RiskRegister {
  const grid = () => Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
  const inherent = grid();
  const residual = grid();
  const moves: RiskRegister["heat_map"]["moves"] = [];
  for (const r of risks) {
    inherent[r.fields.inherent.likelihood - 1][r.fields.inherent.impact - 1] += 1;
    if (r.fields.residual) {
      residual[r.fields.residual.likelihood - 1][r.fields.residual.impact - 1] += 1;
      moves.push({ risk: r.label, from: r.fields.inherent, to: r.fields.residual });
    }
  }
  return { collaboration_id: 1, risks, heat_map: { inherent, residual, moves } };
}

export const r1History: RiskVersion[] = [
  {
    version: 1, fields: riskFields({ residual: null, treatment: null, status: "open" }), changes: [], decision_seq: 11,
    created_at: "2027-01-10T09:00:00Z", created_by: "Dr Helen Achterberg",
  },
  {
    version: 2, fields: riskFields(), changes: ["residual none → 8", "treatment set to reduce likelihood", "status open → treating"],
    decision_seq: 14, created_at: "2027-01-31T10:00:00Z", created_by: "Samuel Okafor",
  },
];

export function obligation(id: number, over: Partial<Obligation> = {}): Obligation {
  return {
    id,
    collaboration_id: 1,
    key: `manual:${id}`,
    origin: "manual",
    agreement_id: 3,
    revision: null,
    clause_id: "collab.background",
    kind: "deliverable",
    title: "Send Ferrant the sample inventory for the Background schedule",
    party_ids: [1],
    party_label: "Northmoor",
    due_date: daysFromToday(9),
    rule: "added by hand",
    remind_days: 7,
    status: "open",
    note: null,
    evidence_sha256: null,
    decision_seq: null,
    closed_at: null,
    closed_by: null,
    sequence: 0,
    created_at: "2027-01-05T09:00:00Z",
    updated_at: "2027-01-05T09:00:00Z",
    ...over,
  };
}

export function demoObligations(): Obligation[] {
  return [
    obligation(4, {
      title: "Confirm the export-control classification of the first design pack", due_date: daysFromToday(-9),
      clause_id: "collab.export-control",
    }),
    obligation(5),
    obligation(6, {
      title: "Name Kaminokawa Tech's publication reviewer", kind: "publication_review", due_date: daysFromToday(23),
      party_ids: [2], party_label: "Kaminokawa Tech", agreement_id: 4, clause_id: "pub.notice",
    }),
    obligation(1, {
      key: "agreement:2/nda.term/confidentiality_end", origin: "agreement", agreement_id: 2, revision: 1, clause_id: "nda.term",
      kind: "confidentiality_end", title: "Confidentiality obligations under the mutual NDA end", due_date: "2031-01-31",
      party_ids: [1, 2, 3], party_label: "all parties",
      rule: "effective date 2026-02-01 + disclosure period 1 year + confidentiality period 4 years",
    }),
  ];
}

export function publication(over: Partial<Publication> = {}): Publication {
  return {
    id: 1,
    collaboration_id: 1,
    number: 1,
    title: "Two-level-system loss in sputtered NbTiN resonators below 100 mK",
    venue: "Physical Review Applied",
    file_name: "nbtin-tls-loss-draft3.pdf",
    file_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    file_size: 48_213,
    publishing_party: 1,
    recipients: [2, 3],
    terms_agreement_id: 4,
    terms_revision: 1,
    notice_period: "30 days",
    patent_delay: "3 months",
    notice_date: daysFromToday(-20),
    submit_by: daysFromToday(75),
    review_deadline: daysFromToday(10),
    status: "objected",
    released_on: null,
    doi: null,
    created_at: "2027-01-12T09:00:00Z",
    created_by: "Dr Helen Achterberg",
    publishing_party_name: "Northmoor",
    recipient_names: ["Kaminokawa Tech", "Ferrant"],
    terms_agreement_title: "Publication agreement",
    events: [
      { id: 1, publication_id: 1, kind: "notice", party_id: 1, ground: null, note: null, file_sha256: "9f86d081884c7d65", objection_id: null, delay_until: null, on_date: daysFromToday(-20), decision_seq: 20, at: "2027-01-12T09:00:00Z", by: "Dr Helen Achterberg" },
      { id: 2, publication_id: 1, kind: "consent", party_id: 2, ground: null, note: "No confidential information of ours; please go ahead.", file_sha256: null, objection_id: null, delay_until: null, on_date: daysFromToday(-15), decision_seq: 21, at: "2027-01-17T09:00:00Z", by: "Prof. Aiko Tanabe" },
      { id: 3, publication_id: 1, kind: "objection", party_id: 3, ground: "patent", note: "Section IV discloses the surface treatment of Results owned by Ferrant.", file_sha256: null, objection_id: null, delay_until: daysFromToday(70), on_date: daysFromToday(-12), decision_seq: 22, at: "2027-01-20T09:00:00Z", by: "Dr Jonas Weidlich" },
    ],
    objections: [
      { event_id: 3, party_id: 3, party_name: "Ferrant", ground: "patent", note: "Section IV discloses the surface treatment of Results owned by Ferrant.", on_date: daysFromToday(-12), delay_until: daysFromToday(70), resolved: false, resolution: null },
    ],
    consented: ["Kaminokawa Tech"],
    days_left: 10,
    delay_until: daysFromToday(70),
    release_blocked_by: [
      `the review runs until ${daysFromToday(10)}`,
      "Ferrant's patent objection is not resolved",
    ],
    ...over,
  };
}

export function health(over: Partial<Health> = {}): Health {
  return {
    verdict: "attention",
    reasons: [
      { code: "overdue", level: "attention", message: "1 obligation overdue" },
      { code: "publication_pending", level: "attention", message: "1 publication under review" },
    ],
    overdue: 1,
    due_soon: 2,
    next_due: daysFromToday(9),
    open_high_risks: 0,
    pending_publications: 1,
    days_to_sunset: null,
    diligence_band: "high",
    ...over,
  };
}

export type Call = { cmd: string; args: Record<string, unknown> };
export type Handlers = Record<string, (args: Record<string, unknown>) => unknown>;

/** An invalid-input error as the core reports it. */
export function invalid(...fields: [string, string][]): IpcError {
  return { kind: "invalid", message: "invalid input", fields: fields.map(([field, message]) => ({ field, message })), data: null };
}

/** Mocks the core: `over` replaces `defaults` per command; every call is recorded, in order. */
export function backend(defaults: Handlers, over: Handlers = {}): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    const h = over[cmd] ?? defaults[cmd];
    if (!h) throw { kind: "not_found", message: `no mock for ${cmd}`, fields: [], data: null } satisfies IpcError;
    return h(a);
  });
  return calls;
}
