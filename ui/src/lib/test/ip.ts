// The demo's IP register and an exit, for the tests of the IP and exit screens: Northmoor (1),
// Kaminokawa Tech (2) and Ferrant (3); two background items (one changed since the agreement), a
// result owned under model 2 with a filing and an option, a dataset; an exit at sunset with one
// dataset still to certify.
import type { BackgroundItem, Dataset, ExitPlan, IpRegister, IpResult, PlanItem } from "../bindings";

export function backgroundItem(n: number, over: Partial<BackgroundItem> = {}): BackgroundItem {
  return {
    id: 100 + n,
    label: `B${n}`,
    version: 1,
    party_name: n === 2 ? "Ferrant" : "Northmoor",
    fields: n === 2
      ? { party_id: 3, item: "Cryostat wiring design", description: "low-thermal-conductivity coaxial wiring for 10 mK stages", owner: null, restrictions: "", export_control: "UK 3A001.b", access_terms: "for the Project only", excluded: false, withdrawn: false }
      : { party_id: 1, item: "Resonator fabrication process", description: "sputtered niobium and NbTiN films", owner: null, restrictions: "", export_control: null, access_terms: "royalty-free for the Project", excluded: false, withdrawn: false },
    schedule_line: n === 2 ? "Ferrant: Cryostat wiring design" : "Northmoor: Resonator fabrication process",
    updated_at: "2026-11-20T10:00:00Z",
    updated_by: "Dr Helen Achterberg",
    ...over,
  };
}

export function ipResult(over: Partial<IpResult> = {}): IpResult {
  return {
    id: 201,
    collaboration_id: 1,
    label: "IP1",
    version: 1,
    fields: {
      title: "Low-loss surface treatment for sputtered NbTiN resonators",
      disclosed_on: "2026-11-03",
      description: "A plasma treatment that halves two-level-system loss",
      inventors: [{ name: "Dr Helen Achterberg", party_id: 1 }],
      contributors: [1],
      documents: [{ name: "disclosure-ip1.pdf", sha256: "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8" }],
      owner_override: null,
    },
    computed: {
      owners: [{ party_id: 1, party: "Northmoor", basis_points: 10_000 }],
      rights: ["Kaminokawa Tech: a non-exclusive licence (clause collab.ownership-2)"],
      clause: "collab.ownership-2",
      model: "2",
      reason: "Model 2: the university that generated it owns it; the company has a non-exclusive licence",
    },
    owner_problem: null,
    owners: [{ party_id: 1, party: "Northmoor", basis_points: 10_000 }],
    decided_by: "Research Collaboration Agreement, revision 1",
    filings: [{ id: 301, label: "F1", fields: { result_id: 201, application_number: "GB2719043.6", office: "GB", filing_date: "2026-11-10", priority_date: null, publication_id: null }, deadlines: { priority: "2027-11-10", national_30: "2029-05-10", national_31: "2029-06-10" } }],
    licences: [{ id: 401, label: "L1", licensee: "Ferrant", fields: { result_id: 201, licensee_id: 3, grant: "option", exclusive: true, field: "cryogenic amplifiers", territory: "worldwide", starts: null, ends: "2027-05-10" } }],
    updated_at: "2026-11-10T10:00:00Z",
    updated_by: "Dr Helen Achterberg",
    ...over,
  };
}

export function dataset(over: Partial<Dataset> = {}): Dataset {
  return {
    id: 501,
    label: "D1",
    holder: "Northmoor",
    supplied_by: "Ferrant",
    fields: { name: "Ferrant amplifier bias settings", holder_id: 1, tier: "restricted", location: "Two encrypted USB drives in the lab safe", description: "", supplied_by: 3 },
    ...over,
  };
}

export function register(over: Partial<IpRegister> = {}): IpRegister {
  return {
    collaboration_id: 1,
    background: {
      collaboration_id: 1,
      items: [backgroundItem(1), backgroundItem(2)],
      schedule: ["Northmoor: Resonator fabrication process", "Ferrant: Cryostat wiring design"],
      exclusions: [],
      agreement: {
        agreement_id: 4,
        agreement_title: "Research Collaboration Agreement",
        revision: 1,
        signed: true,
        signed_at: "2026-10-01T09:00:00Z",
        matches: false,
        missing: ["Ferrant: Cryostat wiring design"],
        extra: ["Ferrant: the designs of its dilution refrigerator platforms"],
      },
    },
    results: [ipResult()],
    datasets: [dataset()],
    ...over,
  };
}

export function planItem(over: Partial<PlanItem> = {}): PlanItem {
  return { key: "dataset:501", section: "dataset", label: "D2", title: "Ferrant amplifier bias settings (restricted, held by Northmoor)", proposed: "return to Ferrant, or destroy with a certificate", needs_decision: true, decided: null, ...over };
}

export function exitPlan(over: Partial<ExitPlan> = {}): ExitPlan {
  const items: PlanItem[] = [
    { key: "obligation:9", section: "survives", label: "2031-11-19", title: "Confidentiality (clause collab.confidentiality)", proposed: "survives until 2031-11-19", needs_decision: false, decided: null },
    planItem({ key: "dataset:500", label: "D1", title: "Amplifier noise temperature runs", proposed: "destroy with a certificate", decided: { kind: "certificate", value: "purge", fields: {}, decision_seq: 14, at: "2026-11-25T10:00:00Z", by: "Dr Helen Achterberg" } }),
    planItem(),
    { key: "result:201", section: "result", label: "IP1", title: "Low-loss surface treatment", proposed: "stays with its owner (Northmoor)", needs_decision: true, decided: null },
  ];
  return {
    exit: {
      id: 1, collaboration_id: 3, trigger: "sunset", trigger_words: "sunset (the collaboration reached its end date)", party_id: null, party: null,
      exit_date: "2026-11-19", note: "The project ended on schedule", evidence_name: null, evidence_sha256: null, decision_seq: 12,
      started_at: "2026-11-20T09:00:00Z", started_by: "Dr Helen Achterberg", completed_at: null, pack_sha256: null,
    },
    collaboration: "Cryogenic amplifier noise benchmarking",
    items,
    accounts: { as_of: "2026-11-19", currency: "EUR", total: "EUR 104,000.00", lines: ["Northmoor: EUR 48,000.00 (46.15%)", "Ferrant: EUR 56,000.00 (53.85%)"], problem: null },
    open_risks: ["R2 Key cryostat unavailable (amber)"],
    open_publications: [],
    undecided: ["D2 Ferrant amplifier bias settings", "IP1 Low-loss surface treatment"],
    ...over,
  };
}
