import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import Exchange from "./Exchange.svelte";
import type {
  Change,
  CollaborationSummary,
  ExchangeDecision,
  Identity,
  ImportedDraft,
  PartnerComment,
  Progress,
  ReceivedSummary,
  Redline,
} from "../bindings";
import { identity as fixtureIdentity } from "../test/fixtures";
import { nav } from "../nav.svelte";

const SHA = "9f2c4e1ab0d3c5e7f90112233445566778899aabbccddeeff00112233445566";

function summary(over: Partial<ReceivedSummary> = {}): ReceivedSummary {
  return {
    id: 3,
    agreement_id: 5,
    collaboration_id: 1,
    agreement_title: "Mutual Confidentiality Agreement",
    file_name: "nda-northmoor-r3.pdf",
    file_sha256: SHA,
    signed: true,
    format: "pdf",
    signers: ["Samuel Okafor <s.okafor@northmoor.ac.uk>, The University of Northmoor"],
    their_revision: 3,
    base_revision: 2,
    received_at: "2027-01-15T10:32:00.000Z",
    decided: false,
    result_revision: null,
    rejected: 0,
    state: { kind: "to_decide" },
    state_label: "to decide",
    ...over,
  };
}

const changes: Change[] = [
  { id: "title", of: "title", target: "title", label: "Title", ours: "Mutual NDA", theirs: "Mutual Confidentiality Agreement", non_standard: false },
  { id: "clause:nda.term", of: "clause", target: "nda.term", label: "Term", ours: "aaaa1111", theirs: "bbbb2222", non_standard: true },
  { id: "value:term_years", of: "value", target: "term_years", label: "term years", ours: 2, theirs: 3, non_standard: false },
  { id: "value:residuals", of: "value", target: "residuals", label: "residuals", ours: false, theirs: null, non_standard: false },
];

function imported(over: Partial<ImportedDraft> = {}): ImportedDraft {
  return {
    ...summary(),
    created_agreement: false,
    created_collaboration: false,
    new_versions: ["nda.term v3"],
    changes,
    pinned: ["pinned the key of Helen Achterberg, The University of Northmoor"],
    our_signatures: [],
    only_ours: false,
    comments: [],
    notes: [],
    ...over,
  };
}

const redline: Redline = {
  clauses: [
    {
      clause_id: "front", title: "Title, parties and background", change: "unchanged", moved: false,
      old_number: null, new_number: null, old_version: null, new_version: null, words: [],
    },
    {
      clause_id: "nda.term", title: "Term", change: "changed", moved: false, old_number: "7", new_number: "7",
      old_version: "aaaa1111", new_version: "bbbb2222",
      words: [
        { op: "equal", text: "This agreement lasts for " },
        { op: "delete", text: "two" },
        { op: "insert", text: "three" },
        { op: "equal", text: " years." },
      ],
    },
  ],
};

function exchangeRedline(received: ReceivedSummary = summary(), list: Change[] = changes) {
  return {
    received, ours: 2, changes: list, redline, non_standard: list.filter((c) => c.non_standard).map((c) => c.target),
    comments: [] as PartnerComment[], notes: [] as string[],
  };
}

const identity: Identity = fixtureIdentity();
const identity2: Identity = { ...identity, id: 8, name: "Samuel Okafor", email: "s.okafor@northmoor.ac.uk" };

const collab: CollaborationSummary = {
  id: 1,
  title: "Low-loss superconducting resonators",
  summary: null,
  status: "active",
  start_date: null,
  end_date: null,
  sunset_date: null,
  archived: false,
  created_at: "2026-11-01T10:00:00Z",
  updated_at: "2026-11-01T10:00:00Z",
  countries: ["GB"],
  member_count: 2,
};

type Handler = (cmd: string, args: Record<string, unknown>) => unknown;

function mock(extra: Handler = () => undefined, opts: { drafts?: ReceivedSummary[]; identities?: Identity[] } = {}) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    const out = extra(cmd, args);
    if (out !== undefined) return out;
    switch (cmd) {
      case "received_drafts":
        return opts.drafts ?? [];
      case "list_collaborations":
        return [collab];
      case "identities":
        return opts.identities ?? [identity, identity2];
      case "exchange_redline":
        return exchangeRedline();
      default:
        return null;
    }
  });
  return calls;
}

async function importFile(path = "/home/helen/nda-northmoor-r3.pdf") {
  await fireEvent.input(screen.getByTestId("exchange-path"), { target: { value: path } });
  await fireEvent.click(screen.getByTestId("exchange-import"));
}

const text = (el: Element | null) => el?.textContent?.replace(/\s+/g, " ").trim() ?? "";

afterEach(() => {
  nav.screen = { name: "collabs" };
});

describe("Exchange", () => {
  it("imports a file and shows its verification and changes", async () => {
    const calls = mock((cmd, args) => {
      if (cmd === "import_partner_pdf") {
        (args.progress as Channel<Progress>).onmessage({ step: 1, steps: 2, label: "Verifying every signature" });
        return imported();
      }
    });
    render(Exchange, {});
    expect(await screen.findByTestId("received-empty")).toBeTruthy();
    expect((screen.getByTestId("exchange-import") as HTMLButtonElement).disabled).toBe(true);
    await importFile();

    const panel = await screen.findByTestId("exchange-verification");
    expect(calls.find((c) => c.cmd === "import_partner_pdf")?.args).toMatchObject({
      path: "/home/helen/nda-northmoor-r3.pdf",
      collab: null,
      allowUnsigned: false,
    });
    expect(text(within(panel).getByTestId("verification-status"))).toContain("Signatures valid");
    expect(within(panel).getAllByTestId("signer").map(text)).toEqual([
      "Samuel Okafor <s.okafor@northmoor.ac.uk>, The University of Northmoor",
    ]);
    expect(within(panel).queryByTestId("unsigned-badge")).toBeNull();
    expect(text(within(panel).getByTestId("exchange-file"))).toBe("nda-northmoor-r3.pdf");
    expect(text(within(panel).getByTestId("exchange-sha"))).toBe(SHA);
    expect(text(within(panel).getByTestId("exchange-new-versions"))).toBe("Kept as received (non-standard): nda.term v3");

    const box = await screen.findByTestId("exchange-changes");
    await waitFor(() => expect(calls.find((c) => c.cmd === "exchange_redline")?.args).toEqual({ id: 3 }));
    const rows = within(box).getAllByTestId("change");
    expect(rows.map((r) => r.dataset.change)).toEqual(["title", "clause:nda.term", "value:term_years", "value:residuals"]);
    expect(text(rows[0])).toContain("Mutual NDA → Mutual Confidentiality Agreement");
    expect(text(rows[1])).toContain("our version → their version");
    expect(text(rows[1])).not.toContain("bbbb2222");
    expect(text(rows[2])).toContain("2 → 3");
    expect(text(rows[3])).toContain("no → (none)");
    for (const r of rows) {
      expect(within(r).getByRole("button", { name: "Accept" }).getAttribute("aria-pressed")).toBe("false");
      expect(within(r).getByRole("button", { name: "Reject" }).getAttribute("aria-pressed")).toBe("false");
    }

    const rl = await screen.findByTestId("exchange-redline");
    expect(rl.querySelector("del")?.textContent).toBe("two");
    expect(rl.querySelector("ins")?.textContent).toBe("three");
    expect(within(rl).getAllByTestId("change-badge").map(text)).toEqual(["changed"]);
    expect(within(rl).getByText("1 unchanged clause")).toBeTruthy();
    // The import told the sidebar and the list that something changed.
    await waitFor(() => expect(calls.filter((c) => c.cmd === "received_drafts").length).toBe(2));
  });

  it("keeps Decide disabled until every change is decided, then sends exactly those decisions", async () => {
    const calls = mock((cmd) => {
      if (cmd === "decide_exchange") {
        return { received_id: 3, accepted: ["title", "value:term_years"], rejected: ["clause:nda.term", "value:residuals"], revision: 4, decision_seq: 12 } satisfies ExchangeDecision;
      }
    }, { drafts: [summary()] });
    render(Exchange, { received: 3 });
    await screen.findAllByTestId("change");
    const decide = screen.getByTestId("exchange-decide") as HTMLButtonElement;
    expect(decide.disabled).toBe(true);

    const who = screen.getByTestId("exchange-identity") as HTMLSelectElement;
    await waitFor(() => expect(who.options.length).toBe(3));
    await fireEvent.change(who, { target: { value: "8" } });
    expect(decide.disabled).toBe(true);

    await fireEvent.click(screen.getByTestId("accept-all"));
    await fireEvent.click(screen.getByTestId("reject-clause:nda.term"));
    expect(screen.getByTestId("reject-clause:nda.term").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("accept-clause:nda.term").getAttribute("aria-pressed")).toBe("false");
    await fireEvent.click(screen.getByTestId("reject-all"));
    await fireEvent.click(screen.getByTestId("accept-title"));
    expect(decide.disabled).toBe(false);

    await fireEvent.click(screen.getByTestId("accept-value:term_years"));
    expect(decide.disabled).toBe(false);
    expect(text(screen.getByTestId("decide-help"))).toContain("new revision");

    const refresh = nav.refresh;
    await fireEvent.click(decide);
    const result = await screen.findByTestId("exchange-result");
    expect(calls.find((c) => c.cmd === "decide_exchange")?.args).toEqual({
      id: 3,
      accept: ["title", "value:term_years"],
      reject: ["clause:nda.term", "value:residuals"],
      identity: 8,
    });
    expect(text(result)).toBe("Accepted 2, rejected 2: revision 4 saved; recorded as decision #12");
    expect(nav.refresh).toBe(refresh + 1);
    expect((screen.getByTestId("accept-title") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByTestId("exchange-decide")).toBeNull();

    await fireEvent.click(screen.getByTestId("exchange-result-open"));
    expect(nav.screen).toEqual({ name: "agreement", id: 5, view: "text" });
  });

  it("does not enable Decide while any change is open", async () => {
    mock(undefined, { identities: [identity] });
    render(Exchange, { received: 3 });
    await screen.findAllByTestId("change");
    const decide = screen.getByTestId("exchange-decide") as HTMLButtonElement;
    // One identity is chosen for you.
    await waitFor(() => expect((screen.getByTestId("exchange-identity") as HTMLSelectElement).value).toBe("7"));
    await fireEvent.click(screen.getByTestId("accept-title"));
    await fireEvent.click(screen.getByTestId("reject-clause:nda.term"));
    await fireEvent.click(screen.getByTestId("accept-value:term_years"));
    expect(decide.disabled).toBe(true);
    expect(text(screen.getByTestId("decide-help"))).toContain("1 is still open");
    await fireEvent.click(screen.getByTestId("reject-value:residuals"));
    expect(decide.disabled).toBe(false);
  });

  it("flags a clause change that is not an approved version of our library", async () => {
    mock();
    render(Exchange, { received: 3 });
    const rows = await screen.findAllByTestId("change");
    const badges = screen.getAllByTestId("non-standard");
    expect(badges).toHaveLength(1);
    expect(rows[1].contains(badges[0])).toBe(true);
    expect(text(badges[0])).toBe("NON-STANDARD");
    expect(text(rows[1])).toContain("not an approved version of our library");
    const rl = await screen.findByTestId("exchange-redline");
    const clause = within(rl).getAllByTestId("redline-clause").find((c) => c.dataset.clause === "nda.term")!;
    expect(within(clause).getByTestId("redline-non-standard")).toBeTruthy();
  });

  it("flags an unsigned draft in the list and in the verification panel", async () => {
    const unsigned = summary({ id: 4, signed: false, signers: [], file_name: "draft.pdf" });
    const decided = summary({
      id: 2, decided: true, result_revision: null, file_name: "older.pdf", state: { kind: "all_rejected" }, state_label: "all rejected",
    });
    const calls = mock((cmd, args) => {
      if (cmd === "exchange_redline") return exchangeRedline(args.id === 4 ? unsigned : decided);
    }, { drafts: [unsigned, decided] });
    render(Exchange, {});
    const list = await screen.findByTestId("received-list");
    const rows = await within(list).findAllByTestId("received-row");
    expect(within(rows[0]).getByTestId("unsigned-badge").textContent).toBe("UNSIGNED");
    expect(text(within(rows[0]).getByTestId("received-state"))).toBe("to decide");
    expect(within(rows[1]).queryByTestId("unsigned-badge")).toBeNull();
    expect(text(rows[1])).toContain("Samuel Okafor");
    expect(text(within(rows[1]).getByTestId("received-state"))).toBe("all rejected");
    expect(text(rows[0])).toContain("15 January 2027");

    await fireEvent.click(rows[0]);
    const panel = await screen.findByTestId("exchange-verification");
    expect(calls.find((c) => c.cmd === "exchange_redline")?.args).toEqual({ id: 4 });
    expect(text(within(panel).getByTestId("unsigned-badge"))).toBe("UNSIGNED draft");
    expect(text(within(panel).getByTestId("verification-status"))).not.toContain("Signatures valid");
    expect(within(panel).queryAllByTestId("signer")).toHaveLength(0);
    expect(rows[0].getAttribute("aria-current")).toBe("true");
  });

  it("imports an unsigned draft into a chosen collaboration and says what it created", async () => {
    const calls = mock((cmd) => {
      if (cmd === "import_partner_pdf") {
        return imported({
          signed: false, signers: [], created_agreement: true, base_revision: null, decided: true, result_revision: 1,
          new_versions: [], changes: [],
        });
      }
      if (cmd === "exchange_redline") return exchangeRedline(summary({ signed: false, signers: [], base_revision: null, decided: true, result_revision: 1 }), []);
    });
    render(Exchange, {});
    const select = (await screen.findByTestId("exchange-collab")) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(2));
    expect(select.options[0].textContent).toBe("A new collaboration named after the agreement");
    await fireEvent.change(select, { target: { value: "1" } });
    await fireEvent.click(screen.getByTestId("exchange-unsigned"));
    await importFile("/tmp/draft.pdf");

    const created = await screen.findByTestId("exchange-created");
    expect(calls.find((c) => c.cmd === "import_partner_pdf")?.args).toMatchObject({ path: "/tmp/draft.pdf", collab: 1, allowUnsigned: true });
    expect(text(created)).toContain("New here: created agreement “Mutual Confidentiality Agreement” in collaboration “Low-loss superconducting resonators”");
    expect(screen.getByTestId("exchange-verification").textContent).toContain("UNSIGNED draft");
    expect(await screen.findByTestId("no-changes")).toBeTruthy();
    expect(screen.queryByTestId("exchange-decide")).toBeNull();
    await fireEvent.click(within(created).getByRole("button", { name: "Open the agreement" }));
    expect(nav.screen).toEqual({ name: "agreement", id: 5 });
  });

  it("shows why a file was refused, and that nothing was stored", async () => {
    const calls = mock((cmd) => {
      if (cmd === "import_partner_pdf") {
        throw {
          kind: "invalid",
          message: "invalid input: file: the file was modified after Samuel Okafor signed it: page 3 content",
          fields: [{ field: "file", message: "the file was modified after Samuel Okafor signed it: page 3 content" }],
        };
      }
    });
    render(Exchange, {});
    await importFile();
    const box = await screen.findByTestId("exchange-refused");
    expect(box.getAttribute("role")).toBe("alert");
    expect(text(box)).toContain("The file was refused");
    expect(text(screen.getByTestId("refusal-reason"))).toBe("the file was modified after Samuel Okafor signed it: page 3 content");
    expect(text(box)).toContain("Nothing was stored.");
    expect(screen.queryByTestId("exchange-verification")).toBeNull();
    expect(calls.some((c) => c.cmd === "exchange_redline")).toBe(false);
  });

  it("stops at a partner's new key and imports only when the user accepts it, signing the decision", async () => {
    let attempts = 0;
    const calls = mock((cmd, args) => {
      if (cmd === "import_partner_pdf") {
        attempts += 1;
        if (args.acceptNewKey == null) {
          throw {
            kind: "new_key",
            message: "new key for The University of Northmoor: ...",
            fields: [],
            data: {
              kind: "new_key",
              party: "The University of Northmoor",
              signer: "Samuel Okafor <s.okafor@northmoor.ac.uk>, The University of Northmoor",
              fingerprint: "AA:BB:CC",
              pinned: "11:22:33 (Helen Achterberg, from nda-r1.pdf)",
            },
          };
        }
        return imported({ pinned: ["accepted a new key of Samuel Okafor for The University of Northmoor (AA:BB:CC), decision 9"] });
      }
    });
    render(Exchange, {});
    await importFile();
    const box = await screen.findByTestId("exchange-new-key");
    expect(text(box)).toContain("New signing key for The University of Northmoor");
    expect(text(box)).toContain("AA:BB:CC");
    expect(text(box)).toContain("11:22:33 (Helen Achterberg, from nda-r1.pdf)");
    expect(text(box)).toContain("Nothing was stored.");
    const accept = within(box).getByTestId("exchange-accept-key") as HTMLButtonElement;
    await fireEvent.change(within(box).getByTestId("exchange-newkey-identity"), { target: { value: "8" } });
    expect(accept.disabled).toBe(false);
    await fireEvent.click(accept);
    await screen.findByTestId("exchange-verification");
    expect(attempts).toBe(2);
    expect(calls.filter((c) => c.cmd === "import_partner_pdf").map((c) => c.args.acceptNewKey)).toEqual([null, 8]);
    expect(screen.queryByTestId("exchange-new-key")).toBeNull();
  });

  it("refuses a file imported before", async () => {
    mock((cmd) => {
      if (cmd === "import_partner_pdf") throw { kind: "conflict", message: "this file was imported before (received draft 3)", fields: [] };
    });
    render(Exchange, {});
    await importFile();
    expect(text(await screen.findByTestId("refusal-reason"))).toBe("this file was imported before (received draft 3)");
  });

  it("countersigns the file as received and offers to open and verify it", async () => {
    let finish: (v: null) => void = () => {};
    const calls = mock((cmd, args) => {
      if (cmd === "countersign_received") {
        (args.progress as Channel<Progress>).onmessage({ step: 1, steps: 2, label: "Saving the file" });
        return new Promise<null>((resolve) => (finish = resolve));
      }
    });
    render(Exchange, { received: 3 });
    const who = (await screen.findByTestId("countersign-identity")) as HTMLSelectElement;
    await waitFor(() => expect(who.options.length).toBe(3));
    await fireEvent.change(who, { target: { value: "7" } });
    const go = screen.getByTestId("countersign-go") as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("countersign-path"), { target: { value: "/tmp/nda-countersigned.pdf" } });
    expect(go.disabled).toBe(false);
    await fireEvent.click(go);

    expect(text(await screen.findByTestId("progress"))).toContain("Saving the file");
    expect(calls.find((c) => c.cmd === "countersign_received")?.args).toMatchObject({
      id: 3,
      identity: 7,
      output: "/tmp/nda-countersigned.pdf",
    });
    finish(null);
    const result = await screen.findByTestId("countersign-result");
    expect(text(result)).toBe("Countersigned as received and saved to /tmp/nda-countersigned.pdf");
    expect(screen.queryByTestId("progress")).toBeNull();

    await fireEvent.click(screen.getByRole("button", { name: "Open in viewer" }));
    await waitFor(() => expect(calls.find((c) => c.cmd === "open_path")?.args).toEqual({ path: "/tmp/nda-countersigned.pdf" }));
    await fireEvent.click(screen.getByRole("button", { name: "Verify it" }));
    expect(nav.screen).toEqual({ name: "verify", path: "/tmp/nda-countersigned.pdf" });
  });

  it("shows a partner's Word file as an unsigned draft, its comments beside their clause, and sends back a signed PDF", async () => {
    const word = summary({ id: 6, signed: false, signers: [], format: "docx", file_name: "ferrant-counsel-edits-r1.docx" });
    const calls = mock((cmd) => {
      if (cmd === "exchange_redline") {
        return {
          ...exchangeRedline(word, [changes[1]]),
          comments: [
            { clause: "nda.term", author: "Jonas Weidlich", date: "2027-01-20T09:30:00Z", text: "Two years is too short for us." },
            { clause: null, author: "Jonas Weidlich", date: null, text: "General remark." },
          ],
          notes: ["The partner changed the parties, date or background in Word"],
        };
      }
      if (cmd === "export_agreement") return { pages: 4, bytes: 9000, signed_by: "Samuel Okafor" };
    }, { drafts: [word] });
    render(Exchange, { received: 6 });
    const panel = await screen.findByTestId("exchange-verification");
    expect(text(within(panel).getByTestId("unsigned-badge"))).toBe("UNSIGNED draft");
    expect(text(within(panel).getByTestId("word-draft"))).toContain("Word files carry no signature");
    const change = await screen.findByTestId("change");
    const onClause = within(change).getByTestId("partner-comment");
    expect(onClause.getAttribute("data-clause")).toBe("nda.term");
    expect(text(onClause)).toBe("Jonas Weidlich (20 January 2027): Two years is too short for us.");
    const all = screen.getAllByTestId("partner-comment");
    expect(all.map(text)).toContain("Jonas Weidlich commented: General remark.");
    expect(text(screen.getByTestId("exchange-note"))).toContain("parties, date or background");
    // No countersigning a Word file: our revision goes back, signed.
    expect(text(screen.getByRole("heading", { name: /Send back our revised draft/ }))).toContain("signed");
    const who = (await screen.findByTestId("countersign-identity")) as HTMLSelectElement;
    await waitFor(() => expect(who.options.length).toBe(3));
    await fireEvent.change(who, { target: { value: "7" } });
    await fireEvent.input(screen.getByTestId("countersign-path"), { target: { value: "/tmp/back.pdf" } });
    await fireEvent.click(screen.getByTestId("countersign-go"));
    await screen.findByTestId("countersign-result");
    expect(calls.some((c) => c.cmd === "countersign_received")).toBe(false);
    expect(calls.find((c) => c.cmd === "export_agreement")?.args).toMatchObject({ agreement: 5, identity: 7, path: "/tmp/back.pdf" });
  });

  it("shows when the received drafts cannot be read", async () => {
    mock((cmd) => {
      if (cmd === "received_drafts") throw { kind: "storage", message: "database error: disk I/O error", fields: [] };
    });
    render(Exchange, {});
    expect(text(await screen.findByTestId("error"))).toContain("disk I/O error");
  });

  it("warns when the imported file carries only our own side's signature", async () => {
    mock((cmd) => {
      if (cmd === "import_partner_pdf")
        return imported({ our_signatures: ["Samuel Okafor <s.okafor@northmoor.ac.uk>, The University of Northmoor"], only_ours: true });
    });
    render(Exchange, {});
    await screen.findByTestId("received-empty");
    await importFile();
    const warn = await screen.findByTestId("exchange-our-signatures");
    expect(text(warn)).toContain("only our own side's signature (Samuel Okafor");
    expect(text(warn)).toContain("not a partner's signed answer");
  });

  it("says nothing of our side when only partners signed", async () => {
    mock((cmd) => (cmd === "import_partner_pdf" ? imported() : undefined));
    render(Exchange, {});
    await screen.findByTestId("received-empty");
    await importFile();
    await screen.findByTestId("exchange-verification");
    expect(screen.queryByTestId("exchange-our-signatures")).toBeNull();
  });
});
