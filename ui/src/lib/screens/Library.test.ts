import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Library from "./Library.svelte";
import type { SearchHit, TemplateDetail, TemplateRow, TemplateSummary, WordRun } from "../bindings";

function row(id: string, version: number, status: string, title = "Purpose"): TemplateRow {
  return {
    hash: `${id}-${version}-`.padEnd(64, "a"),
    template_type: "clause",
    template_id: id,
    version,
    title,
    origin: "shipped",
    status,
    created_at: "2026-11-01T09:00:00Z",
    created_by: "Steward shipped library",
  };
}

const purpose: TemplateSummary = {
  template_type: "clause",
  id: "nda.purpose",
  title: "Purpose",
  versions: [row("nda.purpose", 1, "approved"), row("nda.purpose", 2, "draft")],
  current: 1,
};

const governing: TemplateSummary = {
  template_type: "clause",
  id: "common.governing-law",
  title: "Governing law",
  versions: [row("common.governing-law", 1, "approved", "Governing law")],
  current: 1,
};

const kind: TemplateSummary = {
  template_type: "kind",
  id: "nda-mutual",
  title: "Mutual Confidentiality Agreement",
  versions: [{ ...row("nda-mutual", 1, "approved", "Mutual Confidentiality Agreement"), template_type: "kind" }],
  current: 1,
};

function detailOf(s: TemplateSummary, version: number | null): TemplateDetail {
  const v = version ?? s.versions[s.versions.length - 1].version;
  return {
    ...s,
    version: v,
    content: {
      type: "clause",
      meta: {
        id: s.id,
        title: s.title,
        kinds: ["nda-mutual"],
        guidance: "Keep the purpose narrow: it limits what the Recipient may do.",
        defines: [],
        variables: [
          { name: "disclosure_purpose", type: "text", label: "Purpose of the disclosures", help: "One phrase.", required: true },
        ],
        fallbacks: [{ id: "wide", label: "A wider purpose", guidance: "Only for long projects.", body: "1. Any joint research." }],
      },
      body: `1. The Purpose is {{disclosure_purpose}} (version ${v}).`,
    },
    reviews:
      v === 1
        ? [{ from_status: "draft", to_status: "approved", reviewer: "Helen Achterberg", note: "plain wording", at: "2026-11-02T10:00:00Z" }]
        : [],
  };
}

type Call = { cmd: string; args: Record<string, unknown> };

function mock(extra: (c: Call) => unknown = () => undefined): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const c = { cmd, args: (args ?? {}) as Record<string, unknown> };
    calls.push(c);
    const r = extra(c);
    if (r !== undefined) return r;
    switch (cmd) {
      case "templates":
        return [kind, governing, purpose];
      case "template": {
        const t = [kind, governing, purpose].find((x) => x.id === c.args.id)!;
        return detailOf(t, c.args.version as number | null);
      }
      case "template_diff":
        return [
          { op: "equal", text: "1. The Purpose is " },
          { op: "delete", text: "narrow" },
          { op: "insert", text: "wide" },
          { op: "equal", text: "." },
        ] satisfies WordRun[];
      case "search_templates":
        return [];
      default:
        return null;
    }
  });
  return calls;
}

// No vitest globals here, so the DOM is cleaned up by hand (hooks run last-registered first).
afterEach(clearMocks);
afterEach(cleanup);

describe("Library", () => {
  it("groups the library by kind and clause prefix", async () => {
    mock();
    render(Library, {});
    const list = await screen.findByTestId("library-list");
    expect(list.textContent).toContain("Agreement kinds");
    expect(list.textContent).toContain("Common clauses");
    expect(list.textContent).toContain("Confidentiality clauses");
    expect(within(list).getByText("Mutual Confidentiality Agreement")).toBeTruthy();
  });

  it("searches with a debounce and marks the matches", async () => {
    const hits: SearchHit[] = [
      {
        template_type: "clause",
        id: "nda.purpose",
        version: 2,
        title: "Purpose",
        status: "draft",
        snippet: "…the [Purpose] of the [disclosures] is…",
      },
    ];
    const calls = mock((c) => (c.cmd === "search_templates" ? hits : undefined));
    render(Library, {});
    const box = screen.getByTestId("library-search");
    await fireEvent.input(box, { target: { value: "purpose discl" } });
    const hit = await screen.findByTestId("library-hit");
    expect(hit.textContent).toContain("nda.purpose");
    expect(hit.textContent).toContain("v2");
    expect(hit.textContent).toContain("draft");
    const marks = hit.querySelectorAll("mark");
    expect([...marks].map((m) => m.textContent)).toEqual(["Purpose", "disclosures"]);
    expect(hit.textContent).not.toContain("[");
    const searches = calls.filter((c) => c.cmd === "search_templates");
    expect(searches).toHaveLength(1);
    expect(searches[0].args.query).toBe("purpose discl");
  });

  it("says when a search finds nothing", async () => {
    mock();
    render(Library, {});
    await fireEvent.input(screen.getByTestId("library-search"), { target: { value: "zzz" } });
    expect(await screen.findByText(/No template matches/)).toBeTruthy();
  });

  it("shows a template with guidance, variables, fallbacks, history and the diff", async () => {
    const calls = mock();
    render(Library, { template: "nda.purpose" });
    const detail = await screen.findByTestId("template-detail");
    expect(detail.textContent).toContain("showing version 2");
    expect(screen.getByTestId("template-guidance").textContent).toContain("Keep the purpose narrow");
    expect(screen.getByTestId("template-body").textContent).toContain("(version 2)");
    // Numbered paragraphs are a numbered list, not "1." each.
    expect(screen.getByTestId("template-body").querySelectorAll("ol > li").length).toBe(1);
    expect(screen.getByTestId("template-body").textContent).not.toContain("1. The Purpose");
    expect(screen.getByTestId("template-variables").textContent).toContain("disclosure_purpose");
    expect(screen.getByTestId("template-fallback").textContent).toContain("A wider purpose");

    const diff = await screen.findByTestId("template-diff");
    expect(diff.querySelector("del")?.textContent).toBe("narrow");
    expect(diff.querySelector("ins")?.textContent).toBe("wide");
    const d = calls.find((c) => c.cmd === "template_diff")!;
    expect(d.args).toEqual({ id: "nda.purpose", from: 1, to: 2 });

    // Version 1 carries its review history.
    await fireEvent.click(screen.getByRole("button", { name: /Show version 1/ }));
    await waitFor(() => expect(screen.getByTestId("template-reviews").textContent).toContain("Helen Achterberg"));
    expect(screen.getByTestId("template-reviews").textContent).toContain("plain wording");
  });

  it("has nothing to compare with one version", async () => {
    mock();
    render(Library, { template: "common.governing-law" });
    expect(await screen.findByTestId("diff-none")).toBeTruthy();
  });

  it("approves the shown draft with the note, then reloads", async () => {
    const calls = mock((c) => (c.cmd === "review_template" ? { ...row("nda.purpose", 2, "approved") } : undefined));
    render(Library, { template: "nda.purpose" });
    await screen.findByTestId("template-detail");
    expect(screen.queryByTestId("review-deprecated")).toBeNull();
    await fireEvent.click(screen.getByTestId("review-approved"));

    // A note is required.
    await fireEvent.click(screen.getByTestId("review-submit"));
    expect(screen.getByText("A note is required.")).toBeTruthy();
    expect(calls.some((c) => c.cmd === "review_template")).toBe(false);

    await fireEvent.input(screen.getByTestId("review-note"), { target: { value: "  clearer purpose  " } });
    const before = calls.filter((c) => c.cmd === "template").length;
    await fireEvent.click(screen.getByTestId("review-submit"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "review_template")).toBe(true));
    const r = calls.find((c) => c.cmd === "review_template")!;
    expect(r.args).toEqual({ id: "nda.purpose", version: 2, to: "approved", note: "clearer purpose" });
    await waitFor(() => expect(calls.filter((c) => c.cmd === "template").length).toBeGreaterThan(before));
    expect(await screen.findByText(/is now approved/)).toBeTruthy();
  });

  it("shows a refused transition as a conflict", async () => {
    mock((c) =>
      c.cmd === "review_template"
        ? Promise.reject({ kind: "conflict", message: "nda.purpose version 2 is approved; only a draft version can become rejected", fields: [] })
        : undefined,
    );
    render(Library, { template: "nda.purpose" });
    await screen.findByTestId("template-detail");
    await fireEvent.click(screen.getByTestId("review-rejected"));
    await fireEvent.input(screen.getByTestId("review-note"), { target: { value: "too wide" } });
    await fireEvent.click(screen.getByTestId("review-submit"));
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.kind).toBe("conflict");
    expect(alert.textContent).toContain("only a draft version can become rejected");
  });

  it("reinstates a deprecated version with a reason", async () => {
    const retired: TemplateSummary = { ...governing, versions: [row("common.governing-law", 1, "deprecated", "Governing law")], current: null };
    const calls = mock((c) => {
      if (c.cmd === "templates") return [kind, retired, purpose];
      if (c.cmd === "template" && c.args.id === "common.governing-law") return detailOf(retired, 1);
      if (c.cmd === "reinstate_template") return row("common.governing-law", 1, "approved", "Governing law");
      return undefined;
    });
    render(Library, { template: "common.governing-law" });
    await screen.findByTestId("template-detail");
    expect(screen.queryByTestId("review-deprecated")).toBeNull();
    const reinstate = screen.getByTestId("review-approved");
    expect(reinstate.textContent).toBe("Reinstate");
    await fireEvent.click(reinstate);
    await fireEvent.input(screen.getByTestId("review-note"), { target: { value: "the replacement was withdrawn" } });
    expect(screen.getByTestId("review-submit").textContent).toBe("Reinstate version 1");
    await fireEvent.click(screen.getByTestId("review-submit"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "reinstate_template")).toBe(true));
    expect(calls.find((c) => c.cmd === "reinstate_template")!.args).toEqual({ id: "common.governing-law", version: 1, note: "the replacement was withdrawn" });
    expect(calls.some((c) => c.cmd === "review_template")).toBe(false);
  });

  it("shows why the only approved version of a needed clause cannot be deprecated", async () => {
    mock((c) =>
      c.cmd === "review_template"
        ? Promise.reject({ kind: "conflict", message: "version 1 is the only approved version of \u201cGoverning law\u201d, and Mutual Confidentiality Agreement needs it", fields: [] })
        : undefined,
    );
    render(Library, { template: "common.governing-law" });
    await screen.findByTestId("template-detail");
    await fireEvent.click(screen.getByTestId("review-deprecated"));
    await fireEvent.input(screen.getByTestId("review-note"), { target: { value: "retire" } });
    await fireEvent.click(screen.getByTestId("review-submit"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("only approved version of \u201cGoverning law\u201d, and Mutual Confidentiality Agreement needs it");
  });

  it("offers deprecation for an approved version", async () => {
    mock();
    render(Library, { template: "common.governing-law" });
    await screen.findByTestId("template-detail");
    expect(screen.getByTestId("review-deprecated")).toBeTruthy();
    expect(screen.queryByTestId("review-approved")).toBeNull();
  });

  it("proposes a new version from the edited file, checked as typed, then compares it with the one in use", async () => {
    const file = "+++\nid = \"nda.purpose\"\ntitle = \"Purpose\"\n+++\n1. The Purpose is {{disclosure_purpose}}.\n";
    let versions = [...purpose.versions];
    const calls = mock((c) => {
      if (c.cmd === "template_file") return { name: "clauses/nda.purpose.hbs", text: file, version: 2 };
      if (c.cmd === "check_template_text") {
        const text = String(c.args.text);
        return text.includes("{{disclosure_purpose}") && !text.includes("{{disclosure_purpose}}")
          ? [{ file: "clauses/nda.purpose.hbs", line: 5, message: "an expression is not closed" }]
          : [];
      }
      if (c.cmd === "propose_template_version") {
        versions = [...versions, row("nda.purpose", 3, "draft")];
        return { template_type: "clause", id: "nda.purpose", version: 3, hash: "h".repeat(64), status: "draft" };
      }
      if (c.cmd === "template") return detailOf({ ...purpose, versions }, c.args.version as number | null);
      if (c.cmd === "templates") return [kind, governing, { ...purpose, versions }];
      return undefined;
    });
    render(Library, { template: "nda.purpose" });
    await screen.findByTestId("template-detail");
    await fireEvent.click(screen.getByTestId("propose-open"));
    const text = (await screen.findByTestId("propose-text")) as HTMLTextAreaElement;
    expect(text.value).toBe(file);
    expect(calls.find((c) => c.cmd === "template_file")!.args).toEqual({ id: "nda.purpose", version: 2 });
    expect(document.activeElement).toBe(text);

    // A broken expression: the checker's problem with its line, and no saving.
    await fireEvent.input(text, { target: { value: file.replace("}}.", "}.") } });
    expect((await screen.findByTestId("propose-problems")).textContent).toContain("Line 5: an expression is not closed");
    expect((screen.getByTestId("propose-submit") as HTMLButtonElement).disabled).toBe(true);

    // Mended: the checks pass; a note is asked for before anything is sent.
    await fireEvent.input(text, { target: { value: file.replace("Purpose is", "Purpose is only") } });
    await screen.findByText("The library's checks pass.");
    await fireEvent.click(screen.getByTestId("propose-submit"));
    expect(screen.getByText("Say what the new version changes.")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId("propose-note"));
    expect(calls.some((c) => c.cmd === "propose_template_version")).toBe(false);

    await fireEvent.input(screen.getByTestId("propose-note"), { target: { value: "Narrow the purpose" } });
    await fireEvent.click(screen.getByTestId("propose-submit"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "propose_template_version")).toBe(true));
    expect(calls.find((c) => c.cmd === "propose_template_version")!.args).toEqual({
      id: "nda.purpose", text: file.replace("Purpose is", "Purpose is only"), note: "Narrow the purpose",
    });
    expect(await screen.findByText(/Version 3 is saved as a draft/)).toBeTruthy();
    await waitFor(() => expect(calls.some((c) => c.cmd === "template_diff" && c.args.from === 1 && c.args.to === 3)).toBe(true));
    expect(screen.queryByTestId("propose-form")).toBeNull();
    expect(screen.getByTestId("review-approved")).toBeTruthy();
  });
});
