// The records the screens' own tests render (copied from them, as they keep their data to
// themselves), for the accessibility check that renders every screen at once: an agreement with its
// text and redline, the builder's form and preview, the clause library, a received partner draft,
// a verified PDF, the due-diligence assessment, the ledger and the decision log.
import type {
  AgreementDetail, Assessment, Change, Decision, DraftForm, Document, ExchangeRedline, ImportedDraft, LedgerEntry,
  LogVerification, Preview, PullReport, QuestionnaireInfo, ReceivedSummary, Redline, Report, RevisionRow, Source,
  TemplateDetail, TemplateRow, TemplateSummary, VerifyReport, WordRun,
} from "../bindings";

// ---- agreements

export function revision(number: number, note: string | null): RevisionRow {
  return { agreement_id: 5, number, kind_hash: "k", spec_hash: `s${number}`, note, created_at: `2026-11-0${number}T10:00:00Z`, created_by: "helen" };
}

// `revisions` is typed `RevisionRow[] & number` by the bindings; on the wire it is the list.
export function agreementDetail(revisions: RevisionRow[] = [revision(1, "created"), revision(2, "longer term")]): AgreementDetail {
  return {
    id: 5, uid: "u-5", collaboration_id: 1, kind: "nda-mutual", title: "Mutual Confidentiality Agreement", archived: false,
    created_at: "2026-11-01T10:00:00Z", revisions, values: {}, fallbacks: {}, clauses: {}, recommendation: null,
  } as unknown as AgreementDetail;
}

export const agreementDocument: Document = {
  kind: "nda-mutual",
  title: "Mutual Confidentiality Agreement",
  date: "1 December 2026",
  parties: [
    { number: 1, legal_name: "The University of Northmoor", short_name: "Northmoor", description: "established in the United Kingdom" },
    { number: 2, legal_name: "Ferrant Cryogenics GmbH", short_name: "Ferrant", description: "established in Germany" },
  ],
  recitals: [{ letter: "A", text: "The parties wish to exchange information for the Purpose." }],
  sections: [
    {
      clause_id: "nda.term", number: "7", title: "Term", version: "h1", fallback: null,
      guidance: "Two to five years of confidentiality is usual.",
      blocks: [{ number: "7.1", level: 2, anchor: null, text: "This agreement lasts for two years." }],
    },
  ],
  schedules: [],
  signatures: [],
};

export const agreementRedline: Redline = {
  clauses: [
    { clause_id: "front", title: "Title, parties and background", change: "unchanged", moved: false, old_number: null, new_number: null, old_version: null, new_version: null, words: [] },
    {
      clause_id: "nda.term", title: "Term", change: "changed", moved: false, old_number: "7", new_number: "7", old_version: "aaaa1111", new_version: "bbbb2222",
      words: [{ op: "equal", text: "This agreement lasts for " }, { op: "delete", text: "two" }, { op: "insert", text: "three" }, { op: "equal", text: " years." }],
    },
    {
      clause_id: "nda.remedies", title: "Remedies", change: "added", moved: false, old_number: null, new_number: "8",
      old_version: null, new_version: "h2", words: [{ op: "insert", text: "Remedies\nDamages may not be enough." }],
    },
    { clause_id: "nda.purpose", title: "Purpose", change: "unchanged", moved: false, old_number: "2", new_number: "2", old_version: "h3", new_version: "h3", words: [] },
  ],
};

// ---- the builder

export const draftForm: DraftForm = {
  kind: "nda-mutual",
  title: "Mutual Confidentiality Agreement",
  description: "Two parties share confidential information with each other for a stated purpose.",
  kind_version: 1,
  party_slots: [
    { name: "party_a", label: "First party", default: "role:lead" },
    { name: "party_b", label: "Second party", default: "role:partner" },
  ],
  questions: [
    {
      name: "marking_required", type: "bool", default: true, required: true,
      label: "Must written confidential information be marked as confidential to be protected?",
      help: "Marking gives certainty to the Recipient.",
    },
  ],
  variables: [
    { name: "effective_date", type: "date", label: "Date of the agreement", help: "Usually the date of the last signature.", required: true },
    {
      name: "governing_law", type: "enum", label: "Governing law", help: "The law that governs the agreement.", required: true,
      values: ["England and Wales", "Germany"], labels: ["England and Wales", "Germany (German law)"], default: "England and Wales",
    },
  ],
  clauses: [
    {
      id: "nda.purpose", title: "Purpose", version: 1, include_when: null, include_when_words: null, fallbacks: [],
      guidance: "State the Purpose narrowly: the Recipient may use the information for nothing else.",
      variables: [{ name: "disclosure_purpose", type: "text", label: "Purpose", help: "Why the parties share information.", max_length: 600, required: true }],
    },
    {
      id: "nda.obligations", title: "Obligations of the Recipient", version: 2, include_when: null, include_when_words: null,
      guidance: "The core duties: keep the information secret and use it only for the Purpose.",
      fallbacks: [{ id: "strict-care", label: "Stricter standard of care", guidance: "Use for unpublished inventions." }],
      variables: [{ name: "liability_cap", type: "money", label: "Liability cap", help: "The most each party can be liable for.", default: "GBP 500000", required: true }],
    },
    {
      id: "nda.exclusions", title: "Exclusions", version: 1, include_when: "marking_required || flag.international",
      include_when_words: "the answer to “Must written confidential information be marked as confidential to be protected?” is yes or the parties are in more than one country",
      guidance: "", fallbacks: [], variables: [],
    },
  ],
  recommendation: null,
  recommendation_when: [],
};

export const draftPreview: Preview = { recommendation: null, document: agreementDocument };

// ---- the clause library

export function templateRow(id: string, version: number, status: string, title = "Purpose"): TemplateRow {
  return {
    hash: `${id}-${version}-`.padEnd(64, "a"), template_type: "clause", template_id: id, version, title, origin: "shipped", status,
    created_at: "2026-11-01T09:00:00Z", created_by: "Steward shipped library",
  };
}

export const purposeTemplate: TemplateSummary = {
  template_type: "clause", id: "nda.purpose", title: "Purpose",
  versions: [templateRow("nda.purpose", 1, "approved"), templateRow("nda.purpose", 2, "draft")], current: 1,
};

export const governingTemplate: TemplateSummary = {
  template_type: "clause", id: "common.governing-law", title: "Governing law",
  versions: [templateRow("common.governing-law", 1, "approved", "Governing law")], current: 1,
};

export const kindTemplate: TemplateSummary = {
  template_type: "kind", id: "nda-mutual", title: "Mutual Confidentiality Agreement",
  versions: [{ ...templateRow("nda-mutual", 1, "approved", "Mutual Confidentiality Agreement"), template_type: "kind" }], current: 1,
};

export const templates: TemplateSummary[] = [kindTemplate, governingTemplate, purposeTemplate];

export function templateDetail(s: TemplateSummary, version: number | null): TemplateDetail {
  const v = version ?? s.versions[s.versions.length - 1].version;
  return {
    ...s,
    version: v,
    content: {
      type: "clause",
      meta: {
        id: s.id, title: s.title, kinds: ["nda-mutual"],
        guidance: "Keep the purpose narrow: it limits what the Recipient may do.",
        defines: [],
        variables: [{ name: "disclosure_purpose", type: "text", label: "Purpose of the disclosures", help: "One phrase.", required: true }],
        fallbacks: [{ id: "wide", label: "A wider purpose", guidance: "Only for long projects.", body: "1. Any joint research." }],
      },
      body: `1. The Purpose is {{disclosure_purpose}} (version ${v}).`,
    },
    reviews: v === 1 ? [{ from_status: "draft", to_status: "approved", reviewer: "Helen Achterberg", note: "plain wording", at: "2026-11-02T10:00:00Z" }] : [],
  };
}

export const templateWords: WordRun[] = [
  { op: "equal", text: "1. The Purpose is " }, { op: "delete", text: "narrow" }, { op: "insert", text: "wide" }, { op: "equal", text: "." },
];

const trustedFp = Array(32).fill("AB").join(":");

export function librarySource(over: Partial<Source> = {}): Source {
  return {
    id: 1, name: "northmoor", url: "git@git.northmoor.ac.uk:research-office/clauses.git", branch: "main", trusted: [trustedFp],
    release: 1, library: "The University of Northmoor", publisher: "Samuel Okafor <s.okafor@northmoor.ac.uk>",
    released_at: "2027-01-04T10:00:00Z", last_pulled_at: "2027-01-05T09:00:00Z", created_at: "2027-01-05T08:00:00Z", ...over,
  };
}

export function pullReport(over: Partial<PullReport> = {}): PullReport {
  return {
    source: "northmoor", url: librarySource().url, from_release: 1, release: 2, library: "The University of Northmoor",
    publisher: "Samuel Okafor <s.okafor@northmoor.ac.uk>", unchanged: false,
    changes: [{
      template_type: "clause", id: "pub.notice", title: "Notice of proposed publications", version: 2, change: "new", previous_version: 1,
      diff: [{ op: "insert", text: "The parties value open publication. " }, { op: "equal", text: "Each party may publish" }, { op: "delete", text: " freely" }],
    }],
    ...over,
  };
}

// ---- partner drafts

const SHA = "9f2c4e1ab0d3c5e7f90112233445566778899aabbccddeeff00112233445566";

export function receivedSummary(over: Partial<ReceivedSummary> = {}): ReceivedSummary {
  return {
    id: 3, agreement_id: 5, collaboration_id: 1, agreement_title: "Mutual Confidentiality Agreement", file_name: "nda-northmoor-r3.pdf",
    file_sha256: SHA, signed: true, format: "pdf", signers: ["Samuel Okafor <s.okafor@northmoor.ac.uk>, The University of Northmoor"],
    their_revision: 3, base_revision: 2, received_at: "2027-01-15T10:32:00.000Z", decided: false, result_revision: null, rejected: 0,
    state: { kind: "to_decide" }, state_label: "to decide", ...over,
  };
}

export const draftChanges: Change[] = [
  { id: "title", of: "title", target: "title", label: "Title", ours: "Mutual NDA", theirs: "Mutual Confidentiality Agreement", non_standard: false },
  { id: "clause:nda.term", of: "clause", target: "nda.term", label: "Term", ours: "aaaa1111", theirs: "bbbb2222", non_standard: true },
  { id: "value:term_years", of: "value", target: "term_years", label: "term years", ours: 2, theirs: 3, non_standard: false },
  { id: "value:residuals", of: "value", target: "residuals", label: "residuals", ours: false, theirs: null, non_standard: false },
];

export function importedDraft(over: Partial<ImportedDraft> = {}): ImportedDraft {
  return {
    ...receivedSummary(), created_agreement: false, created_collaboration: false, new_versions: ["nda.term v3"], changes: draftChanges,
    pinned: ["pinned the key of Helen Achterberg, The University of Northmoor"], our_signatures: [], only_ours: false,
    comments: [], notes: [], ...over,
  };
}

export function exchangeRedline(received: ReceivedSummary = receivedSummary(), list: Change[] = draftChanges): ExchangeRedline {
  return {
    received, ours: 2, changes: list, redline: agreementRedline, non_standard: list.filter((c) => c.non_standard).map((c) => c.target),
    comments: [], notes: [],
  };
}

// ---- a verified PDF

const verifyFp = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, "0").toUpperCase()).join(":");

export const verifyReport: VerifyReport = {
  file_length: 96512,
  revisions: 2,
  ok: false,
  signatures: [
    {
      field: "Signature1", signer: "Samuel Okafor", organisation: "The University of Northmoor", email: "s.okafor@northmoor.ac.uk",
      fingerprint: verifyFp, signing_time: "2027-01-15T10:32:00Z", integrity: "valid", problem: null, signed_length: 48213,
      covers_whole_file: false, revision: 2, page: 3, rect: [72, 100, 300, 170], modified_after_signing: ["page 1 content"], draft_matches: false,
      known: { kind: "partner", party_id: 2, party: "The University of Northmoor" },
    },
    {
      field: "Signature2", signer: "Helen Achterberg", organisation: "Ferrant GmbH", email: null, fingerprint: verifyFp,
      signing_time: "2027-01-15T11:00:00Z", integrity: "digest_mismatch", problem: null, signed_length: 96512, covers_whole_file: true,
      revision: 2, page: 3, rect: [72, 200, 300, 270], modified_after_signing: [], draft_matches: true, known: { kind: "unknown" },
    },
  ],
  library_sources: ["from The University of Northmoor's library, release 12 (3 versions)"],
};

// ---- due diligence

export const questionnaire: QuestionnaireInfo = {
  version: { questionnaire_id: "uk-trusted-research", version: 1, hash: "ab".repeat(32), origin: "shipped", imported_at: "2026-12-01T09:00:00Z", imported_by: "Steward" },
  questionnaire: {
    id: "uk-trusted-research", title: "Trusted Research due diligence", rescreen_days: 365, high_requires: ["research_office"],
    roles: [{ id: "export_control", label: "Export control" }, { id: "research_office", label: "Research office" }],
    countries: {},
    questions: [
      { id: "work.annex_i", scope: "work", kind: "annex_i", label: "Export-control classification", help: "The entry, e.g. 3A001.", source: "Annex I", required: true },
      { id: "work.military_list", scope: "work", kind: "yes_no", label: "On the military list?", help: "ML1-ML22.", source: "UK Military List", required: true },
      { id: "work.nsi_areas", scope: "work", kind: "multi_choice", label: "NSI areas", help: "Every area.", source: "NSI Act", options: [{ id: "quantum_technologies", label: "Quantum technologies" }, { id: "energy", label: "Energy" }] },
      { id: "partner.country", scope: "partner", kind: "country", label: "Where is the partner?", help: "Two-letter codes.", source: "Guidance", required: true },
    ],
  },
};

export function assessment(over: Partial<Assessment> = {}): Assessment {
  return {
    collaboration_id: 1,
    questionnaire: questionnaire.version,
    revision: { collaboration_id: 1, number: 2, questionnaire_hash: "ab".repeat(32), hash: "cd".repeat(32), note: null, created_at: "2026-12-01T09:00:00Z", created_by: "Samuel Okafor" },
    subjects: [{ key: "work", label: "the work", party_id: null }, { key: "party:2", label: "Ferrant Cryogenics GmbH", party_id: 2 }],
    answers: { work: { "work.annex_i": ["3A001"], "work.military_list": false, "work.nsi_areas": ["quantum_technologies"] }, "party:2": { "partner.country": ["DE"] } },
    rating: {
      band: "high",
      factors: { research: "high", country: "low", partner: "low" },
      fired: [{ subject_key: "work", subject: "the work", question: "work.annex_i", answer: "3A001", factor: "research", band: "high", reason: "Controlled dual-use technology." }],
      clauses: { "collab.export-control": ["work.annex_i = 3A001 (the work)"] },
      roles: { export_control: ["work.annex_i = 3A001 (the work)"], research_office: ["the rating is high"] },
      flags: ["trusted_research"],
      rescreen_days: 365,
      missing: [],
    },
    approvals: [
      { role: "export_control", label: "Export control", required_by: ["work.annex_i = 3A001 (the work)"], approval: null, stale: false },
      {
        role: "research_office", label: "Research office", required_by: ["the rating is high"], stale: false,
        approval: { id: 1, collaboration_id: 1, role: "research_office", assessment_hash: "cd".repeat(32), screening_id: 1, decision_seq: 6, identity_id: 7, approved_by: "Samuel Okafor", note: "ok", approved_at: "2026-12-01T10:00:00Z" },
      },
    ],
    screening: {
      id: 1, created_at: "2026-12-01T09:30:00Z", created_by: "Samuel Okafor", names_checked: 4, due: false,
      lists: [{ id: 1, name: "Demo watch list", published: null, sha256: "ef".repeat(32) }],
      matches: [{ id: 3, screening_id: 1, party_id: 2, party_name: "Ferrant Cryogenics GmbH", list_id: 1, reference: "DW-001", listed_name: "Cryogenix Ferránt Holdings", score: 0.96, decision: null, reason: null, decided_at: null, decided_by: null }],
    },
    signing_blocked_by: ["approval by Export control (required by work.annex_i = 3A001 (the work))", "possible match 3 to clear or confirm"],
    drafting_blocked_by: [],
    ...over,
  };
}

// ---- the ledger (parties 1 and 2 of the demo collaboration)

export function ledgerEntry(over: Partial<LedgerEntry>): LedgerEntry {
  return {
    id: 1, collaboration_id: 1, date: "2027-01-05", party_id: 1, party: "Northmoor", person_id: null, person: null,
    category: "cash", currency: "GBP", amount_minor: 6000000, amount: "60000.00", measure: "money", quantity: null,
    rate: null, description: "First instalment", evidence_note: "Remittance NM-1", evidence_sha256: null,
    reverses: null, replaces: null, reversed_by: null, recorded_by: "tester", recorded_at: "2027-01-05T10:00:00.000Z",
    number: over.id ?? 1,
    ...over,
  };
}

export function ledgerEntries(): LedgerEntry[] {
  return [
    ledgerEntry({ id: 1 }),
    ledgerEntry({ id: 2, party_id: 2, party: "Kaminokawa Tech", amount: "40000.00", amount_minor: 4000000, description: "Equipment loan", category: "equipment", evidence_note: null }),
  ];
}

export function ledgerReport(): Report {
  const line = (id: number, party: string, total: string, bp: number, share: string) => ({
    party_id: id, party, total_minor: Math.round(Number(total) * 100), total,
    by_category_minor: { cash: Math.round(Number(total) * 100) }, by_category: { cash: total }, share_basis_points: bp, share,
  });
  return {
    currency: "GBP", as_of: null,
    parties: [line(1, "Northmoor", "60000.00", 6000, "60.00"), line(2, "Kaminokawa Tech", "40000.00", 4000, "40.00")],
    total_minor: 10000000, total: "100000.00", by_category: { cash: "100000.00" }, rates_used: [], entries: 2,
    rounding: "Shares are taken to hundredths of a per cent by the largest-remainder method.",
  };
}

// ---- the decision log

export function decision(seq: number, over: Partial<Decision> = {}): Decision {
  return {
    id: seq, log: "log-1", seq, title: `Decision ${seq}`, decision: `We decided thing ${seq}`, rationale: `Because of reason ${seq}`,
    participants: ["Helen Achterberg", "Aiko Tanabe"], date: `2027-0${seq}-01`, links: [], supersedes: null, author: "Helen Achterberg",
    author_fingerprint: "ab".repeat(32), recorded_at: "2027-01-01T09:00:00.000Z", prev: "0".repeat(64), hash: `${seq}`.repeat(12) + "f".repeat(52),
    superseded_by: [], ...over,
  };
}

export function decisions(): Decision[] {
  return [decision(1, { superseded_by: [3] }), decision(2, { links: ["agreement:4", "decision:1"] }), decision(3, { supersedes: 1 })];
}

export function logIntact(entries: number): LogVerification {
  return {
    log: "log-1", entries, intact: true, first_break: null, authors: ["Helen Achterberg (abababab)"],
    checkpoint: { log: "log-1", collaboration: "c-1", entries, last_hash: "cd".repeat(32), signer_fingerprint: "AB:".repeat(31) + "AB", signed_at: "2027-03-01T09:30:00.000Z" },
    checked: "the chain, every entry's signature and the signed checkpoint of the head",
  };
}
