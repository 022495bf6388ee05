import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import DecisionLog from "./DecisionLog.svelte";
import { nav } from "../nav.svelte";
import type { Decision, Identity, IpcError, LedgerEntry, LogVerification } from "../bindings";
import { collaborationRecord, ferrant, identity as fixtureIdentity, northmoor, people } from "../test/fixtures";
import { demoRisks } from "../test/running";

afterEach(() => {
  cleanup();
  clearMocks();
});

function decision(seq: number, over: Partial<Decision> = {}): Decision {
  return {
    id: seq,
    log: "log-1",
    seq,
    title: `Decision ${seq}`,
    decision: `We decided thing ${seq}`,
    rationale: `Because of reason ${seq}`,
    participants: ["Helen Achterberg", "Aiko Tanabe"],
    date: `2027-0${seq}-01`,
    links: [],
    supersedes: null,
    author: "Helen Achterberg",
    author_fingerprint: "ab".repeat(32),
    recorded_at: "2027-01-01T09:00:00.000Z",
    prev: "0".repeat(64),
    hash: `${seq}`.repeat(12) + "f".repeat(52),
    superseded_by: [],
    ...over,
  };
}

const identity: Identity = fixtureIdentity({ organisation: "University of Northmoor", fingerprint: "ab".repeat(32), created_at: "2026-12-01T09:00:00Z" });

const intact = (entries: number): LogVerification => ({
  log: "log-1", entries, intact: true, first_break: null, authors: ["Helen Achterberg (abababab)"],
  checkpoint: {
    log: "log-1", collaboration: "c-1", entries, last_hash: "cd".repeat(32),
    signer_fingerprint: "AB:".repeat(31) + "AB", signed_at: "2027-03-01T09:30:00.000Z",
  },
  checked: "the chain, every entry's signature and the signed checkpoint of the head",
});

type Call = { cmd: string; args: Record<string, unknown> };

function ledgerEntry(over: Partial<LedgerEntry>): LedgerEntry {
  return {
    id: 1, number: 1, collaboration_id: 1, date: "2027-01-05", party_id: 1, party: "Northmoor", person_id: null, person: null,
    category: "cash", currency: "GBP", amount_minor: 6000000, amount: "60000.00", measure: "money", quantity: null,
    rate: null, description: "First instalment", evidence_note: null, evidence_sha256: null,
    reverses: null, replaces: null, reversed_by: null, recorded_by: "tester", recorded_at: "2027-01-05T10:00:00.000Z",
    ...over,
  };
}

/** What entries can link to: two agreements, two parties, two ledger entries (ids 12, 13), risks, a clause. */
const linkable: Record<string, (args: Record<string, unknown>) => unknown> = {
  agreements: () => [
    { id: 3, uid: "a-3", collaboration_id: 1, kind: "collaboration", title: "Collaboration Agreement", archived: false, created_at: "2026-11-01T10:00:00Z", revisions: 1, signatures: [] },
    { id: 4, uid: "a-4", collaboration_id: 1, kind: "nda-mutual", title: "Mutual Confidentiality Agreement", archived: false, created_at: "2026-11-01T10:00:00Z", revisions: 2, signatures: [] },
  ],
  collaboration: () => ({ ...collaborationRecord, members: [northmoor, ferrant], people }),
  ledger: () => [
    ledgerEntry({ id: 12, number: 1, description: "Equipment loan" }),
    ledgerEntry({ id: 13, number: 3, description: "First instalment" }),
  ],
  risk_register: () => ({ collaboration_id: 1, risks: demoRisks, heat_map: { inherent: [], residual: [], moves: [] } }),
  templates: () => [{ template_type: "clause", id: "collab.ownership-2", title: "Ownership model 2", versions: [], current: 1 }],
};

function backend(over: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const calls: Call[] = [];
  const defaults: Record<string, (args: Record<string, unknown>) => unknown> = {
    decisions: () => [
      decision(1, { superseded_by: [3] }),
      decision(2, { links: ["agreement:4", "decision:1"] }),
      decision(3, { supersedes: 1 }),
    ],
    identities: () => [identity],
    verify_decisions: () => intact(3),
  };
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    const h = over[cmd] ?? defaults[cmd];
    if (!h) throw { kind: "not_found", message: `no mock for ${cmd}`, fields: [] } satisfies IpcError;
    return h((args ?? {}) as Record<string, unknown>);
  });
  return calls;
}

describe("DecisionLog", () => {
  it("says Verified for an intact chain and lists decisions newest first", async () => {
    const calls = backend();
    render(DecisionLog, { collab: 1 });

    await waitFor(() => expect(screen.getByTestId("chain-status").textContent).toContain("Verified"));
    const status = screen.getByTestId("chain-status");
    expect(status.textContent).toContain("3 entries, every hash, link and signature checks");
    expect(status.getAttribute("data-intact")).toBe("true");
    expect(calls.find((c) => c.cmd === "verify_decisions")?.args.collab).toBe(1);

    const items = await screen.findAllByTestId("decision");
    expect(items.map((i) => i.getAttribute("data-seq"))).toEqual(["3", "2", "1"]);
    expect(items[0].textContent).toContain("supersedes #1");
    expect(items[2].textContent).toContain("superseded by #3");
    expect(items[2].classList.contains("superseded")).toBe(true);
    expect(items[1].textContent).toContain("222222222222");
    expect(items[1].textContent).not.toContain("2222222222222");
    expect(items[1].textContent).toContain("We decided thing 2");
    expect(items[1].textContent).toContain("Because of reason 2");
    expect(items[1].textContent).toContain("Helen Achterberg, Aiko Tanabe");
    expect(items[1].textContent).toContain("agreement:4");
  });

  it("names the first broken entry and what broke", async () => {
    backend({
      verify_decisions: () => ({
        log: "log-1",
        entries: 3,
        intact: false,
        first_break: { position: 2, entry: 2, kind: "content_changed", detail: "entry 2: its content no longer matches its hash" },
        authors: [],
        checkpoint: null,
        checked: "the chain",
      }) satisfies LogVerification,
    });
    render(DecisionLog, { collab: 1 });

    await waitFor(() => expect(screen.getByTestId("chain-status").getAttribute("data-intact")).toBe("false"));
    const status = screen.getByTestId("chain-status");
    expect(status.textContent).toContain("broken at entry #2");
    expect(status.textContent).toContain("content changed");
    expect(status.textContent).toContain("its content no longer matches its hash");
    expect(status.textContent).not.toContain("Verified");
    const marked = await screen.findByTestId("broken-marker");
    expect(marked.closest('[data-testid="decision"]')?.getAttribute("data-seq")).toBe("2");
  });

  it("shows an error when the log cannot be verified, and verifies again on request", async () => {
    let attempts = 0;
    backend({
      verify_decisions: () => {
        attempts += 1;
        if (attempts === 1) throw { kind: "storage", message: "database is locked", fields: [] } satisfies IpcError;
        return intact(3);
      },
    });
    render(DecisionLog, { collab: 1 });
    await waitFor(() => expect(screen.getByTestId("chain-status").textContent).toContain("database is locked"));
    await fireEvent.click(screen.getByTestId("verify-again"));
    await waitFor(() => expect(screen.getByTestId("chain-status").textContent).toContain("Verified"));
    expect(attempts).toBe(2);
  });

  it("sends a NewDecision with the identity, then reloads and verifies again", async () => {
    let recorded = false;
    const calls = backend({
      ...linkable,
      decisions: () => (recorded ? [decision(1), decision(2), decision(3), decision(4, { title: "Ownership model" })] : [decision(1), decision(2), decision(3)]),
      verify_decisions: () => intact(recorded ? 4 : 3),
      add_decision: () => {
        recorded = true;
        return decision(4, { title: "Ownership model" });
      },
    });
    render(DecisionLog, { collab: 1 });
    await screen.findAllByTestId("decision");
    await waitFor(() => expect((screen.getByTestId("decision-identity") as HTMLSelectElement).value).toBe("7"));

    await fireEvent.input(screen.getByTestId("decision-title"), { target: { value: "Ownership model" } });
    await fireEvent.input(screen.getByTestId("decision-text"), { target: { value: "Model 2: joint ownership" } });
    await fireEvent.input(screen.getByTestId("decision-rationale"), { target: { value: "Both parties contribute background IP" } });
    await fireEvent.input(screen.getByTestId("decision-participants"), { target: { value: "Helen Achterberg, Aiko Tanabe , " } });
    await fireEvent.input(screen.getByTestId("decision-date"), { target: { value: "2027-04-02" } });
    await fireEvent.change(screen.getByTestId("decision-link-kind"), { target: { value: "agreement" } });
    await fireEvent.change(screen.getByTestId("decision-link-record"), { target: { value: "agreement:3" } });
    await fireEvent.click(screen.getByTestId("decision-link-add"));
    await fireEvent.change(screen.getByTestId("decision-link-kind"), { target: { value: "decision" } });
    await fireEvent.change(screen.getByTestId("decision-link-record"), { target: { value: "decision:1" } });
    await fireEvent.click(screen.getByTestId("decision-link-add"));
    await fireEvent.change(screen.getByTestId("decision-supersedes"), { target: { value: "2" } });
    await fireEvent.click(screen.getByTestId("decision-add"));

    await waitFor(() => expect(screen.getByTestId("chain-status").textContent).toContain("4 entries"));
    expect(calls.find((c) => c.cmd === "add_decision")?.args).toEqual({
      collab: 1,
      decision: {
        title: "Ownership model",
        decision: "Model 2: joint ownership",
        rationale: "Both parties contribute background IP",
        participants: ["Helen Achterberg", "Aiko Tanabe"],
        date: "2027-04-02",
        links: ["agreement:3", "decision:1"],
        supersedes: 2,
      },
      identity: 7,
    });
    expect(await screen.findAllByTestId("decision")).toHaveLength(4);
    expect(calls.filter((c) => c.cmd === "verify_decisions")).toHaveLength(2);
    expect((screen.getByTestId("decision-title") as HTMLInputElement).value).toBe("");
    expect(screen.queryByTestId("decision-links-chosen")).toBeNull();
  });

  it("names linked records instead of their keys, and keeps a key it cannot name", async () => {
    backend({
      ...linkable,
      decisions: () => [
        decision(1),
        decision(2, { links: ["ledger:13", "party:1", "agreement:4", "risk:11", "clause:collab.ownership-2", "decision:1", "obligation:9", "ledger:99"] }),
      ],
      verify_decisions: () => intact(2),
    });
    render(DecisionLog, { collab: 1 });
    const item = (await screen.findAllByTestId("decision")).find((d) => d.dataset.seq === "2")!;
    const link = (l: string) => item.querySelector(`[data-link="${l}"]`)?.textContent?.trim();
    await waitFor(() => expect(link("ledger:13")).toBe("Ledger entry 3 — First instalment"));
    expect(link("party:1")).toBe("University of Northmoor");
    expect(link("agreement:4")).toBe("Mutual Confidentiality Agreement");
    expect(link("risk:11")).toBe(`Risk R1 — ${demoRisks[0].fields.title}`);
    expect(link("clause:collab.ownership-2")).toBe("Clause: Ownership model 2");
    expect(link("decision:1")).toBe("Decision #1 — Decision 1");
    expect(link("obligation:9")).toBe("obligation:9");
    expect(link("ledger:99")).toBe("ledger:99");

    await fireEvent.click(item.querySelector<HTMLButtonElement>('[data-link="agreement:4"] button')!);
    expect(nav.screen).toEqual({ name: "agreement", id: 4 });
  });

  it("picks links by kind and record, named as they will read, and drops one on request", async () => {
    const calls = backend({ ...linkable, add_decision: () => decision(4) });
    render(DecisionLog, { collab: 1 });
    await waitFor(() => expect((screen.getByTestId("decision-identity") as HTMLSelectElement).value).toBe("7"));
    const kinds = screen.getByTestId("decision-link-kind") as HTMLSelectElement;
    await waitFor(() => expect([...kinds.options].map((o) => o.value)).toEqual(["", "agreement", "party", "ledger", "risk", "decision", "clause"]));
    expect((screen.getByTestId("decision-link-record") as HTMLSelectElement).disabled).toBe(true);

    await fireEvent.change(kinds, { target: { value: "ledger" } });
    const records = screen.getByTestId("decision-link-record") as HTMLSelectElement;
    expect([...records.options].map((o) => o.textContent)).toEqual(["Choose…", "Entry 1 — Equipment loan", "Entry 3 — First instalment"]);
    await fireEvent.change(records, { target: { value: "ledger:13" } });
    await fireEvent.click(screen.getByTestId("decision-link-add"));
    // A linked record is not offered twice.
    expect([...records.options].map((o) => o.value)).toEqual(["", "ledger:12"]);

    await fireEvent.change(kinds, { target: { value: "party" } });
    expect([...records.options].map((o) => o.textContent)).toEqual(["Choose…", "University of Northmoor (Northmoor)", "Ferrant Composites GmbH (Ferrant)"]);
    await fireEvent.change(records, { target: { value: "party:2" } });
    await fireEvent.click(screen.getByTestId("decision-link-add"));
    await fireEvent.change(kinds, { target: { value: "risk" } });
    await fireEvent.change(records, { target: { value: "risk:12" } });
    await fireEvent.click(screen.getByTestId("decision-link-add"));

    const chosen = screen.getByTestId("decision-links-chosen");
    expect([...chosen.querySelectorAll("li > span")].map((s) => s.textContent)).toEqual([
      "Ledger entry 3 — First instalment", "Ferrant Composites GmbH", `Risk R2 — ${demoRisks[1].fields.title}`,
    ]);
    await fireEvent.click(screen.getByRole("button", { name: "Remove the link to Ferrant Composites GmbH" }));

    await fireEvent.input(screen.getByTestId("decision-title"), { target: { value: "Accept the equipment loan" } });
    await fireEvent.click(screen.getByTestId("decision-add"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "add_decision")).toBe(true));
    expect((calls.find((c) => c.cmd === "add_decision")?.args.decision as { links: string[] }).links).toEqual(["ledger:13", "risk:12"]);
  });

  it("puts a refused entry's problems next to their fields", async () => {
    backend({
      add_decision: () => {
        throw {
          kind: "invalid",
          message: "invalid input: title: is required; link: 'agreement:99' ...",
          fields: [
            { field: "title", message: "is required" },
            { field: "link", message: "agreement 99 belongs to another collaboration" },
          ],
        } satisfies IpcError;
      },
    });
    render(DecisionLog, { collab: 1 });
    await waitFor(() => expect((screen.getByTestId("decision-identity") as HTMLSelectElement).value).toBe("7"));
    await fireEvent.click(screen.getByTestId("decision-add"));
    expect((await screen.findByTestId("decision-title-error")).textContent).toBe("is required");
    expect(screen.getByTestId("decision-links-error").textContent).toContain("belongs to another collaboration");
    expect(screen.getByTestId("decision-title").getAttribute("aria-describedby")).toBe(screen.getByTestId("decision-title-error").id);
  });

  it("points to the Identities screen when there is no identity, and shows an empty log", async () => {
    backend({ identities: () => [], decisions: () => [], verify_decisions: () => intact(0) });
    render(DecisionLog, { collab: 1 });
    expect((await screen.findByTestId("decisions-empty")).textContent).toContain("No decisions recorded yet");
    const goButton = await screen.findByTestId("go-identities");
    expect(screen.queryByTestId("decision-add")).toBeNull();
    await fireEvent.click(goButton);
    expect(nav.screen).toEqual({ name: "identities" });
  });
});
