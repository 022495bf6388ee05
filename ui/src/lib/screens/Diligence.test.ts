import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Diligence from "./Diligence.svelte";
import type { Assessment, IpcError, QuestionnaireInfo } from "../bindings";
import { identity } from "../test/fixtures";

afterEach(() => {
  cleanup();
  clearMocks();
});

const questionnaire: QuestionnaireInfo = {
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

function assessment(over: Partial<Assessment> = {}): Assessment {
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
      { role: "research_office", label: "Research office", required_by: ["the rating is high"], stale: false,
        approval: { id: 1, collaboration_id: 1, role: "research_office", assessment_hash: "cd".repeat(32), screening_id: 1, decision_seq: 6, identity_id: 7, approved_by: "Samuel Okafor", note: "ok", approved_at: "2026-12-01T10:00:00Z" } },
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

type Call = { cmd: string; args: Record<string, unknown> };

function backend(over: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const calls: Call[] = [];
  const defaults: Record<string, (args: Record<string, unknown>) => unknown> = {
    diligence: () => assessment(),
    diligence_questions: () => questionnaire,
    identities: () => [identity({ id: 7, name: "Samuel Okafor" })],
    approve_diligence: () => assessment().approvals[1].approval,
    decide_screening_match: () => ({}),
    answer_diligence: () => assessment(),
    screen_collaboration: () => assessment().screening,
    import_screening_lists: () => [{ id: 2, format: "uk_consolidated_csv", name: "UK consolidated list", published: "2026-11-28", sha256: "ab".repeat(32), files: ["ConList.csv"], entry_count: 3, imported_at: "2026-12-01T09:00:00Z", imported_by: "Samuel Okafor" }],
  };
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    const h = over[cmd] ?? defaults[cmd];
    if (!h) throw { kind: "not_found", message: `no mock for ${cmd}`, fields: [], data: null } satisfies IpcError;
    return h((args ?? {}) as Record<string, unknown>);
  });
  return calls;
}

describe("Diligence", () => {
  it("shows the rating, its reasons, what blocks signing, the clauses and approvals", async () => {
    backend();
    render(Diligence, { collab: 1 });
    await waitFor(() => expect(screen.getByTestId("rating").textContent).toContain("Trusted Research rating: High"));
    expect(screen.getByTestId("blocks").textContent).toContain("approval by Export control");
    expect(screen.getByTestId("reasons").textContent).toContain("Controlled dual-use technology.");
    expect(screen.getByTestId("required-clauses").textContent).toContain("collab.export-control");
    const approvals = screen.getByTestId("approvals");
    expect(within(approvals).getByText("missing")).toBeTruthy();
    expect(approvals.textContent).toContain("by Samuel Okafor (decision 6)");
  });

  it("approves a missing role as a signed decision", async () => {
    const calls = backend();
    render(Diligence, { collab: 1 });
    await screen.findByTestId("approvals");
    await fireEvent.change(screen.getByLabelText("Role"), { target: { value: "export_control" } });
    const who = screen.getByLabelText("Signed by") as HTMLSelectElement;
    who.value = who.options[1].value;
    await fireEvent.change(who);
    await fireEvent.input(screen.getByLabelText("What was checked"), { target: { value: "Below the thresholds" } });
    await fireEvent.click(screen.getByText("Approve (signed decision)"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "approve_diligence")).toBe(true));
    const call = calls.find((c) => c.cmd === "approve_diligence")!;
    expect(call.args).toMatchObject({ collab: 1, role: "export_control", identity: 7, note: "Below the thresholds" });
  });

  it("clears a possible match with its reason", async () => {
    const calls = backend();
    render(Diligence, { collab: 1 });
    const matches = await screen.findByTestId("matches");
    await fireEvent.input(within(matches).getByLabelText("Reason for match 3"), { target: { value: "Other registration" } });
    await fireEvent.click(within(matches).getByText("Clear"));
    await waitFor(() => expect(calls.find((c) => c.cmd === "decide_screening_match")?.args).toMatchObject({ id: 3, confirm: false, reason: "Other registration" }));
  });

  it("saves changed answers of the chosen subject and shows each bad one at its question", async () => {
    const calls = backend({
      answer_diligence: (args) => {
        if ((args.set as Record<string, string>)["work.annex_i"] === "3X") {
          throw { kind: "invalid", message: "invalid input", fields: [{ field: "work.annex_i", message: "'3X' is not an Annex I classification" }], data: null } satisfies IpcError;
        }
        return assessment();
      },
    });
    render(Diligence, { collab: 1 });
    const form = await screen.findByTestId("questionnaire");
    const annex = within(form).getByLabelText(/Export-control classification/) as HTMLInputElement;
    expect(annex.value).toBe("3A001");
    await fireEvent.input(annex, { target: { value: "3X" } });
    await fireEvent.click(within(form).getByText("Save answers"));
    await waitFor(() => expect(form.textContent).toContain("'3X' is not an Annex I classification"));
    const first = calls.find((c) => c.cmd === "answer_diligence")!;
    expect(first.args).toMatchObject({ collab: 1, party: null, set: { "work.annex_i": "3X" } });

    // A partner's questions, once that partner is chosen.
    await fireEvent.click(screen.getByText("Ferrant Cryogenics GmbH", { selector: "button" }));
    const country = within(form).getByLabelText(/Where is the partner/) as HTMLInputElement;
    expect(country.value).toBe("DE");
    await fireEvent.input(country, { target: { value: "DE, CH" } });
    await fireEvent.click(within(form).getByText("Save answers"));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "answer_diligence").length).toBe(2));
    expect(calls.filter((c) => c.cmd === "answer_diligence")[1].args).toMatchObject({ party: 2, set: { "partner.country": "DE, CH" } });
  });

  it("imports a list file and says what it holds, or names the bad row", async () => {
    const calls = backend();
    render(Diligence, { collab: 1 });
    const path = (await screen.findByTestId("list-path")) as HTMLInputElement;
    await fireEvent.input(path, { target: { value: "/lists/ConList.csv" } });
    await fireEvent.click(screen.getByTestId("list-import"));
    await waitFor(() => expect(screen.getByTestId("list-imported").textContent).toContain("UK consolidated list (28 November 2026, 3 entries)"));
    expect(calls.find((c) => c.cmd === "import_screening_lists")?.args).toMatchObject({ paths: ["/lists/ConList.csv"] });

    cleanup();
    backend({
      import_screening_lists: () => {
        throw { kind: "invalid", message: "invalid input: bad.csv:2: country 'Atlantis' is not a two-letter ISO 3166-1 code", fields: [{ field: "bad.csv:2", message: "country 'Atlantis' is not a two-letter ISO 3166-1 code" }], data: null } satisfies IpcError;
      },
    });
    render(Diligence, { collab: 1 });
    const again = (await screen.findByTestId("list-path")) as HTMLInputElement;
    await fireEvent.input(again, { target: { value: "/lists/bad.csv" } });
    await fireEvent.click(screen.getByTestId("list-import"));
    await waitFor(() => expect(screen.getByTestId("error").textContent).toContain("country 'Atlantis'"));
  });
});
