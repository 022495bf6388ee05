import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Builder from "./Builder.svelte";
import type { AgreementDetail, CollaborationDetail, RevisionRow, DraftForm, IpcError, Preview, Saved, TemplateSummary } from "../bindings";
import { collaborationRecord } from "../test/fixtures";
import { nav } from "../nav.svelte";

const collaboration: CollaborationDetail = {
  ...collaborationRecord,
  people: [],
  members: [
    {
      role: "lead",
      party: {
        id: 3, legal_name: "The University of Northmoor", short_name: "Northmoor", kind: "university",
        registration_number: null, address: null, country: "GB", archived: false,
      },
    },
    {
      role: "partner",
      party: {
        id: 7, legal_name: "Ferrant Cryogenics GmbH", short_name: "Ferrant", kind: "company",
        registration_number: "HRB 214739", address: null, country: "DE", archived: false,
      },
    },
  ],
};

const form: DraftForm = {
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
      variables: [
        { name: "disclosure_purpose", type: "text", label: "Purpose", help: "Why the parties share information.", max_length: 600, required: true },
      ],
    },
    {
      id: "nda.obligations", title: "Obligations of the Recipient", version: 2, include_when: null, include_when_words: null,
      guidance: "The core duties: keep the information secret and use it only for the Purpose.",
      fallbacks: [{ id: "strict-care", label: "Stricter standard of care", guidance: "Use for unpublished inventions." }],
      variables: [
        { name: "liability_cap", type: "money", label: "Liability cap", help: "The most each party can be liable for.", default: "GBP 500000", required: true },
      ],
    },
    {
      id: "nda.exclusions", title: "Exclusions", version: 1, include_when: "marking_required || flag.international",
      include_when_words:
        "the answer to “Must written confidential information be marked as confidential to be protected?” is yes or the parties are in more than one country",
      guidance: "", fallbacks: [], variables: [],
    },
  ],
  recommendation: null,
  recommendation_when: [],
};

const preview: Preview = {
  recommendation: null,
  document: {
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
        clause_id: "nda.purpose", number: "1", title: "Purpose", version: "abc", fallback: null, guidance: "",
        blocks: [{ number: "1.1", level: 2, anchor: null, text: "The Purpose is the evaluation of resonator designs." }],
      },
    ],
    schedules: [],
    signatures: [],
  },
};

type Handler = (cmd: string, args: Record<string, unknown>) => unknown;

function mock(extra: Handler = () => undefined) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    const out = extra(cmd, args);
    if (out !== undefined) return out;
    if (cmd === "collaboration") return collaboration;
    if (cmd === "agreement_form") return form;
    if (cmd === "preview_agreement") return preview;
    return null;
  });
  return calls;
}

afterEach(() => {
  cleanup();
  clearMocks();
  nav.screen = { name: "collabs" };
});

describe("Builder", () => {
  it("generates the form from the variable declarations, with help text and defaults", async () => {
    mock();
    render(Builder, { collab: 1, kind: "nda-mutual" });

    const purpose = (await screen.findByTestId("var-disclosure_purpose")) as HTMLInputElement;
    expect(purpose.type).toBe("text");
    expect(purpose.maxLength).toBe(600);
    expect(screen.getByLabelText(/^Purpose/, { selector: "input" })).toBe(purpose);
    expect(screen.getByText("Why the parties share information.")).toBeTruthy();

    const marking = screen.getByTestId("var-marking_required") as HTMLInputElement;
    expect(marking.type).toBe("checkbox");
    expect(marking.checked).toBe(true);
    expect(screen.getByText("Marking gives certainty to the Recipient.")).toBeTruthy();

    const law = screen.getByTestId("var-governing_law") as HTMLSelectElement;
    expect(law.tagName).toBe("SELECT");
    expect([...law.options].map((o) => o.textContent)).toEqual(["England and Wales", "Germany (German law)"]);
    expect(law.value).toBe("England and Wales");

    const cap = screen.getByTestId("var-liability_cap") as HTMLInputElement;
    expect(cap.value).toBe("500000");
    const currency = screen.getByTestId("var-liability_cap-currency") as HTMLSelectElement;
    expect(currency.value).toBe("GBP");
    expect([...currency.options].map((o) => o.value)).toEqual(["GBP", "EUR", "USD", "JPY", "CHF"]);

    const date = screen.getByTestId("var-effective_date") as HTMLInputElement;
    expect(date.placeholder).toBe("dd/mm/yyyy");
    expect(screen.getByLabelText(/Date of the agreement/)).toBe(date);

    // Party slots default from the members' roles.
    expect((screen.getByTestId("var-party_a") as HTMLSelectElement).value).toBe("3");
    expect((screen.getByTestId("var-party_b") as HTMLSelectElement).value).toBe("7");

    // Conditions in plain words.
    expect(screen.getByTestId("clause-nda.exclusions").textContent).toContain(
      "Included when: the answer to “Must written confidential information be marked as confidential to be protected?” is yes or the parties are in more than one country",
    );
  });

  it("shows reviewer guidance beside each clause, and a fallback's guidance when chosen", async () => {
    const calls = mock();
    render(Builder, { collab: 1, kind: "nda-mutual" });
    const card = await screen.findByTestId("clause-nda.obligations");
    expect(within(card).getByText("The core duties: keep the information secret and use it only for the Purpose.")).toBeTruthy();
    expect(within(card).getByText("version 2")).toBeTruthy();
    const wording = within(card).getByLabelText("Wording") as HTMLSelectElement;
    expect([...wording.options].map((o) => o.textContent)).toEqual(["Standard wording", "Stricter standard of care"]);
    await fireEvent.change(wording, { target: { value: "strict-care" } });
    expect(within(card).getByText("Use for unpublished inventions.")).toBeTruthy();
    await waitFor(() => {
      const last = calls.filter((c) => c.cmd === "preview_agreement").at(-1);
      expect(last?.args.fallbacks).toEqual({ "nda.obligations": "strict-care" });
    });
  });

  it("renders the live preview and puts an invalid value's message next to its field", async () => {
    const calls = mock((cmd, args) => {
      if (cmd === "preview_agreement" && (args.values as Record<string, unknown>).disclosure_purpose === "x") {
        const err: IpcError = {
          kind: "invalid",
          message: "1 problem",
          fields: [
            { field: "disclosure_purpose", message: "is too vague to be a Purpose", clause: "nda.purpose" },
            { field: "nda.obligations", message: "refers to nda.missing, which is not part of this agreement" },
          ],
        };
        throw err;
      }
    });
    render(Builder, { collab: 1, kind: "nda-mutual" });
    const pane = await screen.findByTestId("preview");
    await waitFor(() => expect(pane.textContent).toContain("The Purpose is the evaluation of resonator designs."));
    expect(pane.textContent).toContain("(1) The University of Northmoor");

    await fireEvent.input(screen.getByTestId("var-disclosure_purpose"), { target: { value: "x" } });
    const msg = await screen.findByTestId("error-disclosure_purpose", {}, { timeout: 2000 });
    expect(msg.textContent).toBe("is too vague to be a Purpose");
    expect(msg.closest("[data-field]")?.getAttribute("data-field")).toBe("disclosure_purpose");
    expect(screen.getByTestId("var-disclosure_purpose").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("clause-error-nda.obligations").textContent).toContain("refers to nda.missing");

    const sent = calls.filter((c) => c.cmd === "preview_agreement").at(-1)!.args;
    expect(sent).toMatchObject({ collab: 1, kind: "nda-mutual", agreement: null });
  });

  it("saves with typed values and opens the new agreement", async () => {
    const saved: Saved = { agreement_id: 42, revision: 1, recommendation: null };
    const calls = mock((cmd) => (cmd === "create_agreement" ? saved : undefined));
    render(Builder, { collab: 1, kind: "nda-mutual" });

    await fireEvent.input(await screen.findByTestId("var-disclosure_purpose"), { target: { value: " the evaluation of designs " } });
    await fireEvent.input(screen.getByTestId("var-effective_date"), { target: { value: "2026-12-01" } });
    await fireEvent.change(screen.getByTestId("var-governing_law"), { target: { value: "Germany" } });
    await fireEvent.click(screen.getByTestId("var-marking_required"));
    await fireEvent.change(screen.getByTestId("var-liability_cap-currency"), { target: { value: "EUR" } });
    await fireEvent.input(screen.getByTestId("var-liability_cap"), { target: { value: "250,000" } });
    await fireEvent.input(screen.getByTestId("builder-title"), { target: { value: "NDA with Ferrant" } });
    await fireEvent.click(screen.getByTestId("builder-save"));

    await waitFor(() => expect(nav.screen).toEqual({ name: "agreement", id: 42 }));
    const create = calls.find((c) => c.cmd === "create_agreement")!;
    expect(create.args).toEqual({
      collab: 1,
      kind: "nda-mutual",
      values: {
        party_a: 3,
        party_b: 7,
        marking_required: false,
        effective_date: "2026-12-01",
        governing_law: "Germany",
        disclosure_purpose: "the evaluation of designs",
        liability_cap: "EUR 250,000",
      },
      fallbacks: {},
      title: "NDA with Ferrant",
    });
  });

  it("shows every problem inline and in a summary when saving fails", async () => {
    mock((cmd) => {
      if (cmd === "create_agreement") {
        throw {
          kind: "invalid",
          message: "2 problems",
          fields: [
            { field: "effective_date", message: "missing: Date of the agreement", clause: "kind:nda-mutual" },
            { field: "party_b", message: "is the same party as party_a", clause: "kind:nda-mutual" },
          ],
        } satisfies IpcError;
      }
    });
    render(Builder, { collab: 1, kind: "nda-mutual" });
    await fireEvent.click(await screen.findByTestId("builder-save"));
    expect((await screen.findByTestId("error-effective_date")).textContent).toBe("missing: Date of the agreement");
    expect(screen.getByTestId("error-party_b").textContent).toBe("is the same party as party_a");
    const box = screen.getByTestId("error");
    expect(box.textContent).toContain("Please check these values");
    expect(nav.screen.name).not.toBe("agreement");
  });

  it("lets the drafter pick the kind first", async () => {
    const kinds: TemplateSummary[] = [
      { template_type: "kind", id: "nda-mutual", title: "Mutual Confidentiality Agreement", versions: [], current: 1 },
      { template_type: "kind", id: "draft-only", title: "Unapproved kind", versions: [], current: null },
      { template_type: "clause", id: "nda.purpose", title: "Purpose", versions: [], current: 1 },
    ];
    const calls = mock((cmd) => (cmd === "templates" ? kinds : undefined));
    render(Builder, { collab: 1 });
    const pick = (await screen.findByTestId("builder-kind")) as HTMLSelectElement;
    expect([...pick.options].map((o) => o.textContent)).toEqual(["Choose a kind…", "Mutual Confidentiality Agreement"]);
    await fireEvent.change(pick, { target: { value: "nda-mutual" } });
    expect(await screen.findByTestId("var-disclosure_purpose")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "agreement_form")?.args).toEqual({ kind: "nda-mutual" });
  });

  it("explains the ownership recommendation and says when the drafter overrules it", async () => {
    const collabForm: DraftForm = {
      ...form,
      kind: "collaboration",
      title: "Research Collaboration Agreement",
      party_slots: [],
      questions: [
        { name: "partner_needs_exclusivity", type: "bool", label: "Does the company need exclusive rights?", default: false },
        {
          name: "ownership_model", type: "enum", label: "Ownership model", values: ["1", "2"],
          labels: ["1: Universities own; non-exclusive licence", "2: Universities own; option to an exclusive licence"],
        },
      ],
      variables: [],
      clauses: [],
      recommendation: {
        variable: "ownership_model",
        rules: [
          { when: "partner_needs_exclusivity", value: "2", because: "The company needs exclusivity." },
          { when: "!partner_needs_exclusivity", value: "1", because: "The company needs no exclusivity." },
        ],
      },
      recommendation_when: [
        "the answer to “Does the company need exclusive rights?” is yes",
        "the answer to “Does the company need exclusive rights?” is no",
      ],
    };
    const calls = mock((cmd, args) => {
      if (cmd === "agreement_form") return collabForm;
      if (cmd === "preview_agreement") {
        const chosen = (args.values as Record<string, unknown>).ownership_model;
        return {
          ...preview,
          recommendation: { variable: "ownership_model", value: "1", because: "The company needs no exclusivity.", followed: chosen === undefined || chosen === "1" },
        } satisfies Preview;
      }
    });
    render(Builder, { collab: 1, kind: "collaboration" });
    const box = await screen.findByTestId("recommendation");
    await waitFor(() => expect(box.textContent).toContain("The draft follows this recommendation."));
    expect(box.textContent).toContain("1: Universities own; non-exclusive licence");
    expect(box.textContent).toContain("When the answer to “Does the company need exclusive rights?” is no:");

    await fireEvent.change(screen.getByTestId("var-ownership_model"), { target: { value: "2" } });
    await waitFor(() => expect(box.textContent).toContain("the drafter overrules the recommendation"), { timeout: 2000 });
    expect(calls.filter((c) => c.cmd === "preview_agreement").at(-1)?.args.values).toMatchObject({ ownership_model: "2" });
  });

  it("edits an agreement: prefilled from its latest revision, sending only what changed", async () => {
    const rows: RevisionRow[] = [
      { agreement_id: 9, number: 1, kind_hash: "k", spec_hash: "s", note: "created", created_at: "2026-11-01T10:00:00Z", created_by: "helen" },
    ];
    // `revisions` is typed `RevisionRow[] & number` by the bindings; on the wire it is the list.
    const existing = {
      id: 9, uid: "u-9", collaboration_id: 1, kind: "nda-mutual", title: "NDA with Ferrant", archived: false,
      created_at: "2026-11-01T10:00:00Z", recommendation: null, clauses: {},
      revisions: rows,
      values: {
        party_a: 3, party_b: 7, marking_required: true, effective_date: "2026-12-01", governing_law: "Germany",
        disclosure_purpose: "the evaluation of designs", liability_cap: "EUR 540,000.00",
      },
      fallbacks: { "nda.obligations": "strict-care" },
    } as unknown as AgreementDetail;
    const saved: Saved = { agreement_id: 9, revision: 2, recommendation: null };
    const calls = mock((cmd) => (cmd === "agreement" ? existing : cmd === "update_agreement" ? saved : undefined));
    render(Builder, { collab: 1, kind: "nda-mutual", agreement: 9 });

    const cap = (await screen.findByTestId("var-liability_cap")) as HTMLInputElement;
    expect(cap.value).toBe("540,000.00");
    expect((screen.getByTestId("var-liability_cap-currency") as HTMLSelectElement).value).toBe("EUR");
    expect((screen.getByTestId("var-governing_law") as HTMLSelectElement).value).toBe("Germany");
    expect((screen.getByTestId("fallback-nda.obligations") as HTMLSelectElement).value).toBe("strict-care");
    expect(screen.queryByTestId("builder-title")).toBeNull();
    expect(screen.getByText(/saving makes revision 2/)).toBeTruthy();

    await fireEvent.input(screen.getByTestId("var-disclosure_purpose"), { target: { value: "joint research" } });
    await fireEvent.change(screen.getByTestId("fallback-nda.obligations"), { target: { value: "" } });
    await fireEvent.input(screen.getByTestId("builder-note"), { target: { value: "narrower purpose" } });
    await fireEvent.click(screen.getByTestId("builder-save"));

    await waitFor(() => expect(nav.screen).toEqual({ name: "agreement", id: 9 }));
    expect(calls.find((c) => c.cmd === "update_agreement")?.args).toEqual({
      id: 9,
      values: { disclosure_purpose: "joint research" },
      fallbacks: { "nda.obligations": "" },
      note: "narrower purpose",
    });
    expect(calls.find((c) => c.cmd === "preview_agreement")?.args).toMatchObject({ agreement: 9 });
  });
});
