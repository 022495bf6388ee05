// Accessibility, checked: every screen rendered with the demo's records and run through axe-core.
// A violation fails the test with its rule, what it asks for and the elements it found.
// jsdom lays nothing out and computes no colours, so colour contrast is left to contrast.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import axe from "axe-core";
import App from "../App.svelte";
import Collaborations from "./screens/Collaborations.svelte";
import Collaboration from "./screens/Collaboration.svelte";
import Builder from "./screens/Builder.svelte";
import Agreement from "./screens/Agreement.svelte";
import Library from "./screens/Library.svelte";
import LibrarySources from "./screens/LibrarySources.svelte";
import Exchange from "./screens/Exchange.svelte";
import Verify from "./screens/Verify.svelte";
import Identities from "./screens/Identities.svelte";
import Due from "./screens/Due.svelte";
import { nav, type CollabTab } from "./nav.svelte";
import { collaborationSummary } from "./test/fixtures";
import {
  backend, daysFromToday, demoDetail, demoIdentities, demoObligations, demoRisks, demoTitle, health, obligation, publication,
  r1History, registerOf, type Handlers,
} from "./test/running";
import { exitPlan, ipResult, register } from "./test/ip";
import {
  agreementDetail, agreementDocument, agreementRedline, assessment, decisions, draftForm, draftPreview, exchangeRedline, importedDraft,
  ledgerEntries, ledgerReport, librarySource, logIntact, pullReport, questionnaire, receivedSummary, templateDetail, templates,
  templateWords, verifyReport,
} from "./test/screens";

/** Every command the screens below call, answered with the demo's records. */
function handlers(): Handlers {
  return {
    startup: () => ({ opened_demo: false, collaboration: null }),
    mark: () => null,
    list_collaborations: () => [
      collaborationSummary({ title: demoTitle, health: health() }),
      collaborationSummary({
        id: 2, title: "Cryogenic amplifier feasibility study", status: "planning",
        health: health({ verdict: "at_risk", reasons: [{ code: "risk_red", level: "at_risk", message: "1 red risk open" }], next_due: null, overdue: 0, due_soon: 0 }),
      }),
      collaborationSummary({ id: 3, title: "Graphene sensor pilot", status: "closed", health: health({ verdict: "on_track", reasons: [], overdue: 0, due_soon: 0 }) }),
    ],
    collaboration: () => demoDetail(),
    agreements: () => [{ id: 5, collaboration_id: 1, kind: "nda-mutual", title: "Mutual Confidentiality Agreement", archived: false, created_at: "2026-11-01T10:00:00Z", revisions: 2 }],
    parties: () => [],
    identities: () => demoIdentities,
    agreement_signers: () => demoIdentities.map((i) => ({ ...i, of_party: true })),
    // due diligence
    diligence: () => assessment(),
    diligence_questions: () => questionnaire,
    // risks, obligations, publications
    risk_register: () => registerOf(demoRisks),
    risk_history: () => r1History,
    obligations: () => [
      ...demoObligations(),
      obligation(21, { collaboration_id: 2, title: "Export-control approval for the cryogenic amplifier study", kind: "other", due_date: daysFromToday(-2), party_label: "all parties", clause_id: null }),
    ],
    publications: () => [publication()],
    // IP and exit
    ip_register: () => register(),
    ip_history: () => [],
    exit_plan: () => exitPlan(),
    // ledger
    ledger: () => ledgerEntries(),
    rates: () => [],
    ledger_report: () => ledgerReport(),
    // decision log
    decisions: () => decisions(),
    verify_decisions: () => logIntact(3),
    // agreements and the builder
    agreement: () => agreementDetail(),
    render_agreement: () => agreementDocument,
    diff_agreement: () => agreementRedline,
    agreement_form: () => draftForm,
    preview_agreement: () => draftPreview,
    // the library
    templates: () => templates,
    template: (a) => templateDetail(templates.find((t) => t.id === a.id)!, a.version as number | null),
    template_diff: () => templateWords,
    search_templates: () => [],
    library_sources: () => [librarySource()],
    published_library_releases: () => [],
    pull_library: () => [pullReport()],
    // partner drafts
    received_drafts: () => [receivedSummary(), receivedSummary({ id: 4, signed: false, signers: [], file_name: "draft.pdf" })],
    exchange_redline: () => exchangeRedline(),
    // verify
    verify_pdf: () => verifyReport,
    "plugin:event|listen": (a) => a.handler,
    "plugin:event|unlisten": () => null,
  };
}

type Violation = { id: string; help: string; targets: string[] };

/** Runs axe on the rendered screen; colour contrast is not computable here (see contrast.test.ts). */
async function violations(root: Element, opts: { landmarks?: boolean } = {}): Promise<Violation[]> {
  const result = await axe.run(root, {
    rules: {
      "color-contrast": { enabled: false },
      // A screen alone sits outside the shell's landmarks; the shell's own test checks them.
      region: { enabled: opts.landmarks ?? false },
    },
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

function readable(found: Violation[]): string {
  return found.map((v) => `${v.id}: ${v.help}\n${v.targets.map((t) => `    ${t}`).join("\n")}`).join("\n");
}

/** Ids used twice: a label, a description or a tab's panel could point at the wrong one. */
function duplicateIds(root: Element): Violation[] {
  const count = new Map<string, number>();
  for (const el of root.querySelectorAll("[id]")) count.set(el.id, (count.get(el.id) ?? 0) + 1);
  const twice = [...count].filter(([, n]) => n > 1).map(([id]) => `#${id}`);
  return twice.length ? [{ id: "duplicate-id", help: "ids must be unique", targets: twice }] : [];
}

async function expectNoViolations(root: Element, opts: { landmarks?: boolean } = {}) {
  const found = [...(await violations(root, opts)), ...duplicateIds(root)];
  expect(readable(found), "axe found accessibility violations").toBe("");
}

/** Renders with the demo's records behind every command. */
function show<T>(draw: () => T): T {
  backend(handlers());
  return draw();
}

afterEach(() => {
  nav.screen = { name: "collabs" };
});

describe("every screen passes axe", () => {
  it("the shell: sidebar and the collaborations list", async () => {
    backend(handlers());
    const { container } = render(App, {});
    await screen.findByTestId("collab-list");
    await screen.findByTestId("sidebar-collabs");
    await expectNoViolations(container, { landmarks: true });
  });

  it("collaborations, with the new-collaboration form open", async () => {
    const { container } = show(() => render(Collaborations, { items: handlers().list_collaborations({}) as never, error: null }));
    await fireEvent.click(await screen.findByTestId("collab-new"));
    await expectNoViolations(container);
  });

  const ready: Record<CollabTab, () => Promise<unknown>> = {
    parties: () => screen.findByTestId("members"),
    agreements: () => screen.findByTestId("agreements"),
    diligence: () => screen.findByTestId("approvals"),
    risks: () => screen.findByTestId("risk-register"),
    obligations: () => screen.findByTestId("obligation-timeline"),
    publications: () => screen.findByTestId("publication-1"),
    ip: () => screen.findByTestId("bg-schedule"),
    exit: () => screen.findByTestId("exit-status"),
    ledger: () => screen.findByTestId("shares"),
    decisions: () => waitFor(() => expect(screen.getByTestId("chain-status").textContent).toContain("Verified")),
  };
  for (const tab of Object.keys(ready) as CollabTab[]) {
    it(`a collaboration on its ${tab} tab`, async () => {
      const { container } = show(() => render(Collaboration, { id: 1, tab }));
      await ready[tab]();
      await expectNoViolations(container);
    });
  }

  it("a collaboration being edited", async () => {
    const { container } = show(() => render(Collaboration, { id: 1 }));
    await screen.findByTestId("members");
    await fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    await expectNoViolations(container);
  });

  it("a risk selected, then its edit form", async () => {
    const { container } = show(() => render(Collaboration, { id: 1, tab: "risks" }));
    await fireEvent.click(await screen.findByTestId("risk-select-R1"));
    await screen.findByTestId("risk-history");
    await expectNoViolations(container);
    await fireEvent.click(screen.getByTestId("risk-edit"));
    await expectNoViolations(container);
  });

  it("an obligation's close form and the add form", async () => {
    const { container } = show(() => render(Collaboration, { id: 1, tab: "obligations" }));
    await fireEvent.click(await screen.findByTestId("obligation-done-4"));
    await expectNoViolations(container);
    await fireEvent.click(screen.getByTestId("obligation-add"));
    await expectNoViolations(container);
  });

  it("a publication's objection form and the notice form", async () => {
    const { container } = show(() => render(Collaboration, { id: 1, tab: "publications" }));
    await fireEvent.click(await screen.findByTestId("pub-object-1"));
    await expectNoViolations(container);
    await fireEvent.click(screen.getByTestId("pub-notify"));
    await expectNoViolations(container);
  });

  it("the IP register's result form and a record's history", async () => {
    const { container } = show(() => render(Collaboration, { id: 1, tab: "ip" }));
    await fireEvent.click(await screen.findByTestId("result-add"));
    await expectNoViolations(container);
  });

  it("the exit's decision form for a dataset", async () => {
    const { container } = show(() => render(Collaboration, { id: 1, tab: "exit" }));
    await fireEvent.click(await screen.findByTestId("exit-decide-D2"));
    await expectNoViolations(container);
  });

  it("a ledger entry about to be reversed", async () => {
    const { container } = show(() => render(Collaboration, { id: 1, tab: "ledger" }));
    await screen.findByTestId("shares");
    await fireEvent.click(screen.getByTestId("reverse-1"));
    await expectNoViolations(container);
  });

  it("the builder with its form and preview", async () => {
    const { container } = show(() => render(Builder, { collab: 1, kind: "nda-mutual" }));
    await screen.findByTestId("var-disclosure_purpose");
    await waitFor(() => expect(screen.getByTestId("preview").textContent).toContain("This agreement lasts"));
    await expectNoViolations(container);
  });

  it("the builder asking for the kind", async () => {
    const { container } = show(() => render(Builder, { collab: 1 }));
    await screen.findByTestId("builder-kind");
    await expectNoViolations(container);
  });

  for (const view of ["text", "redline", "export"] as const) {
    it(`an agreement in its ${view} view`, async () => {
      const { container } = show(() => render(Agreement, { id: 5, view }));
      const ids = { text: "agreement-text", redline: "redline", export: "export-identity" };
      await screen.findByTestId(ids[view]);
      await expectNoViolations(container);
    });
  }

  it("the library with a template shown and its review form open", async () => {
    const { container } = show(() => render(Library, { template: "nda.purpose" }));
    await screen.findByTestId("template-detail");
    await screen.findByTestId("template-diff");
    await fireEvent.click(screen.getByTestId("review-approved"));
    await screen.findByTestId("review-form");
    await expectNoViolations(container);
  });

  it("the library searched", async () => {
    const { container } = show(() => render(Library, {}));
    await screen.findByTestId("library-list");
    await expectNoViolations(container);
  });

  it("library sources, pulled, with the follow and publish forms open", async () => {
    const { container } = show(() => render(LibrarySources, {}));
    await fireEvent.click(await screen.findByTestId("source-pull-northmoor"));
    await screen.findByTestId("source-pulled");
    await fireEvent.click(screen.getByTestId("source-follow"));
    await fireEvent.click(screen.getByTestId("publish-open"));
    await expectNoViolations(container);
  });

  it("partner drafts: the list", async () => {
    const { container } = show(() => render(Exchange, {}));
    await screen.findAllByTestId("received-row");
    await expectNoViolations(container);
  });

  it("partner drafts: one received draft", async () => {
    const { container } = show(() => render(Exchange, { received: 3 }));
    await screen.findAllByTestId("change");
    await screen.findByTestId("exchange-redline");
    await expectNoViolations(container);
  });

  it("verify, with a report", async () => {
    const { container } = show(() => render(Verify, { path: "/tmp/nda-both.pdf" }));
    await screen.findByTestId("verify-result");
    await expectNoViolations(container);
  });

  it("identities", async () => {
    const { container } = show(() => render(Identities, {}));
    await screen.findByTestId("identity-list");
    await expectNoViolations(container);
  });

  it("due", async () => {
    const { container } = show(() => render(Due, {}));
    await screen.findByTestId("due-list");
    await expectNoViolations(container);
  });

  it("collaborations: none yet, and a store that needs a newer version", async () => {
    const { container, unmount } = show(() => render(Collaborations, { items: [], error: null }));
    await screen.findByText("No collaborations yet.");
    await expectNoViolations(container);
    unmount();
    const newer = show(() => render(Collaborations, { items: null, error: { kind: "newer_schema", message: "schema version 9", fields: [], data: null } }));
    await screen.findByRole("alert");
    await expectNoViolations(newer.container);
  });

  it("the IP register's other forms: overruling an owner, a filing, a licence, a dataset, background, a history", async () => {
    const { container } = show(() => render(Collaboration, { id: 1, tab: "ip" }));
    for (const open of ["result-overrule-IP1", "result-filing-IP1", "result-licence-IP1", "dataset-add", "bg-add", "bg-withdraw-B1", "bg-history-B1"]) {
      await fireEvent.click(await screen.findByTestId(open));
      await expectNoViolations(container);
    }
  });

  it("an exit to start, and an exit's result to decide", async () => {
    backend(handlers(), { exit_plan: () => null });
    const start = render(Collaboration, { id: 1, tab: "exit" });
    await fireEvent.click(await screen.findByTestId("exit-start"));
    await fireEvent.change(screen.getByTestId("exit-trigger"), { target: { value: "withdrawal" } });
    await expectNoViolations(start.container);
    start.unmount();
    const { container } = show(() => render(Collaboration, { id: 1, tab: "exit" }));
    await fireEvent.click(await screen.findByTestId("exit-decide-IP1"));
    await expectNoViolations(container);
  });

  it("a publication's consent, release and resolution forms", async () => {
    backend(handlers(), { publications: () => [publication(), publication({ id: 2, number: 2, title: "Quasiparticle loss in NbTiN", days_left: -3, status: "under_review", objections: [], release_blocked_by: [], delay_until: null })] });
    const { container } = render(Collaboration, { id: 1, tab: "publications" });
    for (const open of ["pub-consent-1", "pub-resolve-3", "pub-release-2"]) {
      await fireEvent.click(await screen.findByTestId(open));
      await expectNoViolations(container);
    }
  });

  it("a ledger report that needs an exchange rate", async () => {
    backend(handlers(), {
      ledger_report: () => {
        throw {
          kind: "invalid", message: "no exchange rate", fields: [{ field: "rate JPY→GBP", message: "no rate recorded on or before 2027-02-15" }],
          data: { kind: "missing_rates", rates: [{ from: "JPY", to: "GBP", first_needed: "2027-02-15", entries_on_dates: 2 }] },
        };
      },
    });
    const { container } = render(Collaboration, { id: 1, tab: "ledger" });
    await screen.findByTestId("missing-rate");
    await expectNoViolations(container);
  });

  it("a decision log whose chain is broken", async () => {
    backend(handlers(), {
      verify_decisions: () => ({
        log: "log-1", entries: 3, intact: false, authors: [], checkpoint: null, checked: "the chain",
        first_break: { position: 2, entry: 2, kind: "content_changed", detail: "entry 2: its content no longer matches its hash" },
      }),
    });
    const { container } = render(Collaboration, { id: 1, tab: "decisions" });
    await screen.findByTestId("broken-marker");
    await expectNoViolations(container);
  });

  it("due diligence on a partner's questions", async () => {
    const { container } = show(() => render(Collaboration, { id: 1, tab: "diligence" }));
    await fireEvent.click(await screen.findByText("Ferrant Cryogenics GmbH", { selector: "button" }));
    await expectNoViolations(container);
  });

  it("the builder showing every problem when saving fails", async () => {
    backend(handlers(), {
      create_agreement: () => {
        throw { kind: "invalid", message: "2 problems", data: null, fields: [
          { field: "effective_date", message: "missing: Date of the agreement", clause: "kind:nda-mutual" },
          { field: "party_b", message: "is the same party as party_a", clause: "kind:nda-mutual" },
        ] };
      },
    });
    const { container } = render(Builder, { collab: 1, kind: "nda-mutual" });
    await fireEvent.click(await screen.findByTestId("builder-save"));
    await screen.findByTestId("error-effective_date");
    await expectNoViolations(container);
  });

  it("an agreement's export with no signing identity yet", async () => {
    backend(handlers(), { identities: () => [], agreement_signers: () => [] });
    const { container } = render(Agreement, { id: 5, view: "export" });
    await screen.findByText(/No signing identity yet/);
    await expectNoViolations(container);
  });

  it("the library: an agreement kind, and search results", async () => {
    backend(handlers(), {
      search_templates: () => [{ template_type: "clause", id: "nda.purpose", version: 2, title: "Purpose", status: "draft", snippet: "…the [Purpose] of the [disclosures] is…" }],
    });
    const { container } = render(Library, { template: "nda-mutual" });
    await screen.findByTestId("template-detail");
    await fireEvent.input(screen.getByTestId("library-search"), { target: { value: "purpose" } });
    await screen.findByTestId("library-hit");
    await expectNoViolations(container);
  });

  it("partner drafts: a new signing key to accept", async () => {
    backend(handlers(), {
      import_partner_pdf: () => {
        throw {
          kind: "new_key", message: "new key", fields: [],
          data: { kind: "new_key", party: "The University of Northmoor", signer: "Samuel Okafor <s.okafor@northmoor.ac.uk>", fingerprint: "AA:BB:CC", pinned: "11:22:33 (Helen Achterberg, from nda-r1.pdf)" },
        };
      },
    });
    const { container } = render(Exchange, {});
    await fireEvent.input(await screen.findByTestId("exchange-path"), { target: { value: "/tmp/nda.pdf" } });
    await fireEvent.click(screen.getByTestId("exchange-import"));
    await screen.findByTestId("exchange-new-key");
    await expectNoViolations(container);
  });

  it("partner drafts: an import and its changes decided", async () => {
    backend(handlers(), {
      import_partner_pdf: () => importedDraft(),
      decide_exchange: () => ({ received_id: 3, accepted: ["title"], rejected: ["clause:nda.term", "value:term_years", "value:residuals"], revision: 4, decision_seq: 12 }),
    });
    const { container } = render(Exchange, {});
    await fireEvent.input(await screen.findByTestId("exchange-path"), { target: { value: "/tmp/nda.pdf" } });
    await fireEvent.click(screen.getByTestId("exchange-import"));
    await screen.findAllByTestId("change");
    await fireEvent.click(screen.getByTestId("reject-all"));
    await fireEvent.click(screen.getByTestId("accept-title"));
    const who = screen.getByTestId("exchange-identity") as HTMLSelectElement;
    await waitFor(() => expect(who.options.length).toBeGreaterThan(1));
    await fireEvent.change(who, { target: { value: "7" } });
    await fireEvent.click(screen.getByTestId("exchange-decide"));
    await screen.findByTestId("exchange-result");
    await expectNoViolations(container);
  });

  it("verify: a file that cannot be read", async () => {
    backend(handlers(), { verify_pdf: () => Promise.reject({ kind: "io", message: "/tmp/x.pdf: cannot be read", fields: [], data: null }) });
    const { container } = render(Verify, { path: "/tmp/x.pdf" });
    await screen.findByRole("alert");
    await expectNoViolations(container);
  });

  it("identities: none yet, with a field's error", async () => {
    backend(handlers(), {
      identities: () => [],
      create_identity: () => Promise.reject({ kind: "invalid", message: "email", fields: [{ field: "email", message: "not an e-mail address" }], data: null }),
    });
    const { container } = render(Identities, {});
    await screen.findByTestId("identity-empty");
    await fireEvent.click(screen.getByTestId("identity-create"));
    await screen.findByText("not an e-mail address");
    await expectNoViolations(container);
  });

  it("the shell with the search open and its results", async () => {
    backend(handlers(), {
      search: () => [
        { kind: "collaboration", id: 1, template: null, title: demoTitle, detail: "Northmoor, Kaminokawa Tech, Ferrant", collaboration_id: 1 },
        { kind: "clause", id: 0, template: "nda.purpose", title: "Purpose", detail: "…the [Purpose] of the disclosures…", collaboration_id: null },
      ],
    });
    const { container } = render(App, {});
    await fireEvent.click(await screen.findByTestId("nav-search"));
    await fireEvent.input(await screen.findByTestId("search-input"), { target: { value: "purpose" } });
    await waitFor(() => expect(screen.getByTestId("search-results").hidden).toBe(false));
    await expectNoViolations(container.ownerDocument.body, { landmarks: true });
  });

  it("settings and help", async () => {
    backend(handlers());
    const { container } = render(App, {});
    await screen.findByTestId("collab-list");
    await fireEvent.click(screen.getByTestId("nav-settings"));
    await screen.findByTestId("settings-locale");
    await expectNoViolations(container, { landmarks: true });
    nav.screen = { name: "help", topic: "ledger" };
    await screen.findByRole("heading", { name: "Help", level: 1 });
    await expectNoViolations(container, { landmarks: true });
  });

  it("names what it finds, readably", () => {
    const text = readable([{ id: "label", help: "Form elements must have labels", targets: ["#x", "#y"] }]);
    expect(text).toBe("label: Form elements must have labels\n    #x\n    #y");
  });
});

// ---- keyboard ------------------------------------------------------------------------------------

const sources = import.meta.glob(["../App.svelte", "./**/*.svelte"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;

const NATIVE = new Set(["button", "input", "select", "textarea", "a", "form", "summary", "details", "svelte:window", "svelte:document"]);

/** Elements in a component's markup that handle clicks or keys without being a control a keyboard reaches. */
function clickableNonControls(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/<([a-zA-Z][\w:-]*)\b((?:[^<>{}]|\{[^{}]*\})*?)\bon(click|dblclick|mousedown|mouseup|keydown|keyup)=((?:[^<>{}]|\{[^{}]*\})*)>/g)) {
    const [tag, attrs, event] = [m[1], m[2] + m[4], m[3]];
    if (NATIVE.has(tag.toLowerCase()) || /^[A-Z]/.test(tag)) continue;
    // A layer behind a dialog that closes it when clicked: the dialog closes on Escape too.
    if (/role="(presentation|none)"/.test(attrs) && event.startsWith("mouse")) continue;
    if (/role=/.test(attrs) && /tabindex=/.test(attrs) && /onkey(down|up)=|\{onkey(down|up)\}/.test(m[0])) continue;
    found.push(`${text.slice(0, m.index).split("\n").length}: <${tag}> on${event}`);
  }
  return found;
}

describe("the keyboard reaches everything", () => {
  it("reads every screen's source", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
  });

  it("has no clickable element that is not a control (a div or a row with onclick) unless it takes keys too", () => {
    const offending = Object.entries(sources).flatMap(([file, text]) => clickableNonControls(text).map((w) => `${file}:${w}`));
    expect(offending).toEqual([]);
  });

  it("would notice a clickable row", () => {
    expect(clickableNonControls(`<p>x</p>\n<tr class="row" onclick={() => open(r.id)}>`)).toEqual(["2: <tr> onclick"]);
    expect(clickableNonControls(`<div role="button" tabindex="0" onclick={go} onkeydown={key}>`)).toEqual([]);
    expect(clickableNonControls(`<button type="button" onclick={go}>`)).toEqual([]);
  });

  it("a collaboration's tabs control the panel below them, by arrows, Home and End", async () => {
    show(() => render(Collaboration, { id: 1, tab: "parties" }));
    const first = await screen.findByTestId("tab-parties");
    const panel = screen.getByRole("tabpanel");
    expect(first.getAttribute("aria-controls")).toBe(panel.id);
    expect(screen.getByRole("tablist").getAttribute("aria-label")).toBe("Parts of this collaboration");
    first.focus();
    await fireEvent.keyDown(first, { key: "End" });
    expect(document.activeElement).toBe(screen.getByTestId("tab-decisions"));
    expect(screen.getByRole("tabpanel", { name: "Decision log" })).toBeTruthy();
    await fireEvent.keyDown(document.activeElement!, { key: "Home" });
    expect(document.activeElement).toBe(first);
    expect(first.getAttribute("aria-selected")).toBe("true");
  });

  it("marking an obligation done: the form takes the focus, Escape closes it, the focus returns", async () => {
    show(() => render(Collaboration, { id: 1, tab: "obligations" }));
    const done = await screen.findByTestId("obligation-done-4");
    done.focus();
    await fireEvent.click(done);
    const note = screen.getByTestId("obligation-note");
    expect(document.activeElement).toBe(note);
    await fireEvent.keyDown(note, { key: "Escape" });
    expect(screen.queryByTestId("obligation-close-form")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(done));
  });

  it("reversing a ledger entry: Escape cancels, the focus returns to its Reverse button", async () => {
    show(() => render(Collaboration, { id: 1, tab: "ledger" }));
    const reverse = await screen.findByTestId("reverse-1");
    reverse.focus();
    await fireEvent.click(reverse);
    expect(document.activeElement).toBe(screen.getByTestId("reverse-reason"));
    await fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(screen.queryByTestId("reverse-reason")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("reverse-1")));
  });

  it("reviewing a template: the note takes the focus, Escape gives it back to the review buttons", async () => {
    show(() => render(Library, { template: "nda.purpose" }));
    const approve = await screen.findByTestId("review-approved");
    approve.focus();
    await fireEvent.click(approve);
    expect(document.activeElement).toBe(screen.getByTestId("review-note"));
    await fireEvent.keyDown(screen.getByTestId("review-note"), { key: "Escape" });
    expect(screen.queryByTestId("review-form")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("review-approved")));
  });

  it("a partner's new key: the confirmation takes the focus, Escape imports nothing", async () => {
    const calls = backend(handlers(), {
      import_partner_pdf: () => {
        throw {
          kind: "new_key", message: "new key", fields: [],
          data: { kind: "new_key", party: "The University of Northmoor", signer: "Samuel Okafor", fingerprint: "AA:BB:CC", pinned: "11:22:33" },
        };
      },
    });
    render(Exchange, {});
    await fireEvent.input(await screen.findByTestId("exchange-path"), { target: { value: "/tmp/nda.pdf" } });
    const go = screen.getByTestId("exchange-import");
    go.focus();
    await fireEvent.click(go);
    const box = await screen.findByTestId("exchange-new-key");
    await waitFor(() => expect(box.contains(document.activeElement)).toBe(true));
    await fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(screen.queryByTestId("exchange-new-key")).toBeNull();
    expect(calls.filter((c) => c.cmd === "import_partner_pdf")).toHaveLength(1);
    await waitFor(() => expect(document.activeElement).toBe(go));
  });
});
