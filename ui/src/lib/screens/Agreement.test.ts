import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Agreement from "./Agreement.svelte";
import type { Channel } from "@tauri-apps/api/core";
import type { AgreementDetail, Document, ExportedPdf, Identity, Progress, Redline, RevisionRow } from "../bindings";
import { ferrant, identity as fixtureIdentity, northmoor } from "../test/fixtures";
import { nav } from "../nav.svelte";

const revision = (number: number, note: string | null): RevisionRow => ({
  agreement_id: 5,
  number,
  kind_hash: "k",
  spec_hash: `s${number}`,
  note,
  created_at: `2026-11-0${number}T10:00:00Z`,
  created_by: "helen",
});

// The generated AgreementDetail types `revisions` as `RevisionRow[] & number` (the flattened row's
// count beside the list); on the wire the list wins, so fixtures carry the list.
function detail(revisions: RevisionRow[]): AgreementDetail {
  return {
    id: 5,
    uid: "u-5",
    collaboration_id: 1,
    kind: "nda-mutual",
    title: "Mutual Confidentiality Agreement",
    archived: false,
    created_at: "2026-11-01T10:00:00Z",
    revisions,
    signatures: [],
    values: {},
    fallbacks: {},
    clauses: {},
    recommendation: null,
  } as AgreementDetail;
}

const doc: Document = {
  kind: "nda-mutual",
  title: "Mutual Confidentiality Agreement",
  date: "1 December 2026",
  parties: [{ number: 1, legal_name: "The University of Northmoor", short_name: "Northmoor", description: "established in the United Kingdom" }],
  recitals: [],
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

const redline: Redline = {
  clauses: [
    {
      clause_id: "front", title: "Title, parties and background", change: "unchanged", moved: false,
      old_number: null, new_number: null, old_version: null, new_version: null, words: [],
    },
    {
      clause_id: "nda.term", title: "Term", change: "changed", moved: false, old_number: "7", new_number: "7",
      old_version: "h1", new_version: "h1",
      words: [
        { op: "equal", text: "This agreement lasts for " },
        { op: "delete", text: "two" },
        { op: "insert", text: "three" },
        { op: "equal", text: " years." },
      ],
    },
    {
      clause_id: "nda.remedies", title: "Remedies", change: "added", moved: false, old_number: null, new_number: "8",
      old_version: null, new_version: "h2", words: [{ op: "insert", text: "Remedies\nDamages may not be enough." }],
    },
    {
      clause_id: "nda.purpose", title: "Purpose", change: "unchanged", moved: false, old_number: "2", new_number: "2",
      old_version: "h3", new_version: "h3", words: [],
    },
  ],
};

const identity: Identity = fixtureIdentity();

type Handler = (cmd: string, args: Record<string, unknown>) => unknown;

function mock(revisions: RevisionRow[], extra: Handler = () => undefined) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    const out = extra(cmd, args);
    if (out !== undefined) return out;
    switch (cmd) {
      case "agreement":
        return detail(revisions);
      case "collaboration":
        return { id: 1, title: "Low-loss superconducting resonators", members: [northmoor, ferrant], people: [] };
      case "render_agreement":
        return doc;
      case "diff_agreement":
        return redline;
      case "agreement_signers":
        return [{ ...identity, of_party: true }];
      default:
        return null;
    }
  });
  return calls;
}

afterEach(() => {
  cleanup();
  clearMocks();
  nav.screen = { name: "collabs" };
});

describe("Agreement", () => {
  it("shows the header and the text with numbers and reviewer guidance", async () => {
    const calls = mock([revision(1, "created"), revision(2, "longer term")]);
    render(Agreement, { id: 5 });
    expect(await screen.findByRole("heading", { name: "Mutual Confidentiality Agreement", level: 1 })).toBeTruthy();
    expect(screen.getByText(/2 revisions/)).toBeTruthy();
    const link = await screen.findByRole("button", { name: "Low-loss superconducting resonators" });

    const text = await screen.findByTestId("agreement-text");
    expect(text.textContent).toContain("7. Term");
    expect(text.textContent).toContain("7.1 This agreement lasts for two years.");
    expect(within(text).getByText("Two to five years of confidentiality is usual.")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "render_agreement")?.args).toEqual({ id: 5, revision: 2 });

    await fireEvent.change(screen.getByTestId("text-revision"), { target: { value: "1" } });
    await waitFor(() => expect(calls.filter((c) => c.cmd === "render_agreement").at(-1)?.args).toEqual({ id: 5, revision: 1 }));

    await fireEvent.click(link);
    expect(nav.screen).toEqual({ name: "collab", id: 1, tab: "agreements" });
  });

  it("edits in the builder", async () => {
    mock([revision(1, "created")]);
    render(Agreement, { id: 5 });
    await fireEvent.click(await screen.findByTestId("agreement-edit"));
    expect(nav.screen).toEqual({ name: "builder", collab: 1, kind: "nda-mutual", agreement: 5 });
  });

  it("redlines the previous revision against the latest, word by word, with change badges", async () => {
    const calls = mock([revision(1, "created"), revision(2, null), revision(3, "longer term")]);
    render(Agreement, { id: 5, view: "redline" });
    const box = await screen.findByTestId("redline");
    expect(calls.find((c) => c.cmd === "diff_agreement")?.args).toEqual({ id: 5, from: 2, to: 3 });

    expect(box.querySelector("del")?.textContent).toBe("two");
    expect(box.querySelector("ins")?.textContent).toBe("three");
    const badges = within(box).getAllByTestId("change-badge").map((b) => b.textContent);
    expect(badges).toEqual(["changed", "added"]);
    expect(within(box).getByText("2 unchanged clauses")).toBeTruthy();
    expect(box.textContent).toContain("1 changed · 1 added · 2 unchanged");

    await fireEvent.change(screen.getByTestId("redline-from"), { target: { value: "1" } });
    await waitFor(() => expect(calls.filter((c) => c.cmd === "diff_agreement").at(-1)?.args).toEqual({ id: 5, from: 1, to: 3 }));
  });

  it("says there is nothing to compare with one revision", async () => {
    const calls = mock([revision(1, "created")]);
    render(Agreement, { id: 5 });
    await fireEvent.click(await screen.findByTestId("tab-redline"));
    expect(screen.getByTestId("redline-empty").textContent).toContain("nothing to compare");
    expect(calls.some((c) => c.cmd === "diff_agreement")).toBe(false);
  });

  it("exports with the chosen identity and path, showing progress, then the result", async () => {
    let finish: (v: ExportedPdf) => void = () => {};
    const calls = mock([revision(1, "created"), revision(2, null)], (cmd, args) => {
      if (cmd === "export_agreement") {
        const channel = args.progress as Channel<Progress>;
        channel.onmessage({ step: 1, steps: 2, label: "Typesetting and signing" } satisfies Progress);
        return new Promise<ExportedPdf>((resolve) => (finish = resolve));
      }
    });
    render(Agreement, { id: 5, view: "export" });

    const who = (await screen.findByTestId("export-identity")) as HTMLSelectElement;
    await waitFor(() => expect(who.options.length).toBe(2));
    expect(who.options[0].textContent).toBe("Unsigned draft");
    expect(who.options[1].textContent).toBe("Helen Achterberg <h.achterberg@northmoor.ac.uk> · A1B2 C3D4 E5F6 0718");
    await fireEvent.change(who, { target: { value: "7" } });

    const go = screen.getByTestId("export-go") as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("export-path"), { target: { value: "/tmp/nda.pdf" } });
    expect(go.disabled).toBe(false);
    await fireEvent.click(go);

    const bar = await screen.findByTestId("progress");
    expect(bar.textContent).toContain("Typesetting and signing");
    expect(go.disabled).toBe(true);
    expect(calls.find((c) => c.cmd === "export_agreement")?.args).toMatchObject({
      agreement: 5,
      revision: 2,
      identity: 7,
      path: "/tmp/nda.pdf",
    });

    finish({ pages: 19, bytes: 393_216, signed_by: "Helen Achterberg" });
    const result = await screen.findByTestId("export-result");
    expect(result.textContent?.replace(/\s+/g, " ").trim()).toBe(
      "Saved 19 pages (384 KB), signed by Helen Achterberg, to /tmp/nda.pdf",
    );
    expect(screen.queryByTestId("progress")).toBeNull();

    await fireEvent.click(screen.getByRole("button", { name: "Open in viewer" }));
    await waitFor(() => expect(calls.find((c) => c.cmd === "open_path")?.args).toEqual({ path: "/tmp/nda.pdf" }));
    await fireEvent.click(screen.getByTestId("export-verify"));
    expect(nav.screen).toEqual({ name: "verify", path: "/tmp/nda.pdf" });
  });

  it("exports the chosen revision for Word, unsigned, and says what it wrote", async () => {
    const calls = mock([revision(1, "created"), revision(2, null)], (cmd) => {
      if (cmd === "export_agreement_docx") return { bytes: 74_500, revision: 1, clauses: 31 };
    });
    render(Agreement, { id: 5, view: "export" });
    const rev = (await screen.findByTestId("export-revision")) as HTMLSelectElement;
    await waitFor(() => expect(rev.options.length).toBe(2));
    await fireEvent.change(rev, { target: { value: "1" } });
    const go = screen.getByTestId("export-docx-go") as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    expect(screen.getByTestId("export-word").textContent).toContain("never signed");
    await fireEvent.input(screen.getByTestId("export-docx-path"), { target: { value: "/tmp/rca.docx" } });
    await fireEvent.click(go);
    const result = await screen.findByTestId("export-docx-result");
    expect(result.textContent?.replace(/\s+/g, " ").trim()).toBe("Saved revision 1 for Word (31 clauses, 73 KB), unsigned, to /tmp/rca.docx");
    expect(calls.find((c) => c.cmd === "export_agreement_docx")?.args).toEqual({ agreement: 5, revision: 1, path: "/tmp/rca.docx" });
    expect(calls.some((c) => c.cmd === "export_agreement")).toBe(false);
  });

  it("shows export errors and points to the Identities screen when the key is the problem", async () => {
    mock([revision(1, "created")], (cmd) => {
      if (cmd === "export_agreement") throw { kind: "credentials", message: "the credential store is locked", fields: [] };
    });
    render(Agreement, { id: 5, view: "export" });
    const who = (await screen.findByTestId("export-identity")) as HTMLSelectElement;
    await waitFor(() => expect(who.options.length).toBe(2));
    await fireEvent.change(who, { target: { value: "7" } });
    await fireEvent.input(screen.getByTestId("export-path"), { target: { value: "/tmp/nda.pdf" } });
    await fireEvent.click(screen.getByTestId("export-go"));
    expect((await screen.findByTestId("error")).textContent).toContain("the credential store is locked");
    await fireEvent.click(screen.getByRole("button", { name: "Go to Identities" }));
    expect(nav.screen).toEqual({ name: "identities" });
  });

  it("shows who signed which revision, marking a superseded one", async () => {
    mock([revision(1, "created"), revision(2, null)], (cmd) => {
      if (cmd === "agreement")
        return {
          ...detail([revision(1, "created"), revision(2, null)]),
          signatures: [
            { revision: 1, their_revision: null, side: "ours", signer: "Helen Achterberg", organisation: "The University of Northmoor",
              signed_at: "2026-11-03T10:00:00Z", file_sha256: "a".repeat(64), received_draft: null },
            { revision: 1, their_revision: 1, side: "partner", signer: "Jonas Weidlich <j.weidlich@ferrant.de>", organisation: "Ferrant Composites GmbH",
              signed_at: "2026-11-04T09:30:00Z", file_sha256: "b".repeat(64), received_draft: 3 },
            { revision: null, their_revision: 3, side: "partner", signer: "Jonas Weidlich <j.weidlich@ferrant.de>", organisation: "Ferrant Composites GmbH",
              signed_at: "2026-11-05T09:30:00Z", file_sha256: "c".repeat(64), received_draft: 4 },
          ],
        };
    });
    render(Agreement, { id: 5 });
    const list = await screen.findByTestId("agreement-signatures");
    await waitFor(() => expect(screen.getByTestId("signed-revision-1")).toBeTruthy());
    const line = screen.getByTestId("signed-revision-1").textContent!.replace(/\s+/g, " ");
    expect(line).toContain("Revision 1 (superseded) signed by");
    expect(line).toContain("Helen Achterberg (The University of Northmoor), 3 November 2026, 10:00 UTC");
    expect(line).toContain("Jonas Weidlich <j.weidlich@ferrant.de> (Ferrant Composites GmbH), 4 November 2026, 09:30 UTC, in their file");
    expect(list.textContent).not.toContain("Not signed yet");
    expect(screen.getByTestId("signed-their-draft").textContent!.replace(/\s+/g, " ")).toContain(
      "Their draft (their revision 3, with changes of their own) signed by Jonas Weidlich");
  });

  it("offers only the parties' identities as signers, others on an explicit choice", async () => {
    const outsider: Identity = { ...identity, id: 9, name: "Mara Quist", email: "m.quist@elsewhere.org", organisation: "Elsewhere Labs", fingerprint: "99:88" };
    mock([revision(1, "created")], (cmd) =>
      cmd === "agreement_signers" ? [{ ...identity, of_party: true }, { ...outsider, of_party: false }] : undefined);
    render(Agreement, { id: 5, view: "export" });
    const who = (await screen.findByTestId("export-identity")) as HTMLSelectElement;
    await waitFor(() => expect(who.options.length).toBe(2));
    expect([...who.options].map((o) => o.textContent)).not.toContain(expect.stringContaining("Mara Quist"));
    await fireEvent.click(screen.getByTestId("export-other-identities"));
    await waitFor(() => expect(who.options.length).toBe(3));
    expect(who.options[2].textContent).toContain("Mara Quist");
    expect(who.options[2].textContent).toContain("(not a party)");
  });

  it("asks before signing a superseded revision", async () => {
    const calls = mock([revision(1, "created"), revision(2, null)], (cmd) =>
      cmd === "export_agreement" ? { pages: 3, bytes: 2048, signed_by: "Helen Achterberg" } : undefined);
    render(Agreement, { id: 5, view: "export" });
    const who = (await screen.findByTestId("export-identity")) as HTMLSelectElement;
    await waitFor(() => expect(who.options.length).toBe(2));
    await fireEvent.change(who, { target: { value: "7" } });
    await fireEvent.change(screen.getByTestId("export-revision"), { target: { value: "1" } });
    await fireEvent.input(screen.getByTestId("export-path"), { target: { value: "/tmp/old.pdf" } });
    await fireEvent.click(screen.getByTestId("export-go"));
    const ask = await screen.findByTestId("export-superseded");
    expect(ask.textContent).toContain("Revision 1 has been superseded by revision 2. Sign revision 1 anyway?");
    expect(calls.some((c) => c.cmd === "export_agreement")).toBe(false);
    await fireEvent.click(screen.getByTestId("export-superseded-sign"));
    await waitFor(() => expect(calls.find((c) => c.cmd === "export_agreement")?.args).toMatchObject({ revision: 1, identity: 7 }));
    await screen.findByTestId("export-result");
  });
});
