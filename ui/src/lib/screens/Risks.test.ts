import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Risks from "./Risks.svelte";
import HeatMap from "../ui/HeatMap.svelte";
import type { Risk, RiskFields } from "../bindings";
import {
  backend, demoDetail, demoIdentities, demoRisks, invalid, r1History, registerOf, risk, riskFields, type Handlers,
} from "../test/running";

function defaults(risks: Risk[] = demoRisks): Handlers {
  return {
    risk_register: (a) => registerOf(a.shared ? risks.filter((r) => r.fields.visibility === "shared") : risks),
    collaboration: () => demoDetail(),
    identities: () => demoIdentities,
    risk_history: (a) => (a.risk === 11 ? r1History : [{ version: 1, fields: risks.find((r) => r.id === a.risk)!.fields, changes: [], decision_seq: null, created_at: "2027-02-01T09:00:00Z", created_by: "Dr Helen Achterberg" }]),
    export_risk_report: () => ({ pages: 3, bytes: 48_213, signed_by: null }),
    export_risk_csv: () => 4,
  };
}

const cell = (map: string, l: number, i: number) => screen.getByTestId(`${map}-${l}-${i}`);

describe("HeatMap", () => {
  it("puts likelihood 5 on top, impact 1 on the left, and colours each cell by its band", () => {
    const cells = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0]);
    cells[3][4] = 1;
    cells[0][0] = 2;
    render(HeatMap, { title: "Inherent", cells, testid: "hm" });
    const rows = screen.getAllByRole("row");
    expect(within(rows[0]).getByRole("rowheader").textContent).toBe("5");
    expect(within(rows[4]).getByRole("rowheader").textContent).toBe("1");
    expect(within(rows[0]).getAllByRole("cell")[0].dataset.testid).toBe("hm-5-1");
    expect(cell("hm", 4, 5).textContent).toBe("1");
    expect(cell("hm", 4, 5).getAttribute("aria-label")).toBe("likelihood 4, impact 5: 1 risk");
    expect(cell("hm", 4, 5).className).toContain("band-red");
    expect(cell("hm", 1, 1).getAttribute("aria-label")).toBe("likelihood 1, impact 1: 2 risks");
    expect(cell("hm", 1, 1).className).toContain("band-green");
    expect(cell("hm", 2, 3).textContent).toBe("");
    expect(cell("hm", 2, 3).className).toContain("band-amber");
    expect(screen.getByText("Likelihood")).toBeTruthy();
    expect(screen.getByText("Impact")).toBeTruthy();
  });
});

describe("Risks", () => {
  it("counts the register's risks per cell, before and after treatment, and lists each move", async () => {
    backend(defaults());
    render(Risks, { collab: 1 });
    await screen.findByTestId("risk-register");
    // Inherent: R1 4×5, R2 and R3 3×3, R4 3×4, R5 2×5.
    expect(cell("heat-inherent", 4, 5).textContent).toBe("1");
    expect(cell("heat-inherent", 3, 3).textContent).toBe("2");
    expect(cell("heat-inherent", 3, 3).getAttribute("aria-label")).toBe("likelihood 3, impact 3: 2 risks");
    expect(cell("heat-inherent", 3, 4).textContent).toBe("1");
    expect(cell("heat-inherent", 2, 5).textContent).toBe("1");
    expect(cell("heat-inherent", 2, 4).textContent).toBe("");
    // Residual: R4 is not assessed yet.
    expect(cell("heat-residual", 2, 4).textContent).toBe("1");
    expect(cell("heat-residual", 2, 3).textContent).toBe("1");
    expect(cell("heat-residual", 2, 2).textContent).toBe("1");
    expect(cell("heat-residual", 1, 5).textContent).toBe("1");
    expect(cell("heat-residual", 4, 5).textContent).toBe("");
    const moves = screen.getByTestId("risk-moves").textContent!.replace(/\s+/g, " ");
    expect(moves).toContain("R1 20 → 8");
    expect(moves).toContain("R5 10 → 5");
    expect(moves).not.toContain("R4");

    const r1 = screen.getByTestId("risk-row-R1");
    expect(r1.textContent).toContain("Resonator designs shared abroad");
    expect(within(r1).getByText("amber")).toBeTruthy();
    expect(r1.textContent).toContain("20");
    expect(r1.textContent).toContain("Samuel Okafor");
    const r4 = screen.getByTestId("risk-row-R4");
    expect(r4.textContent).toContain("—");
    expect(r4.textContent).toContain("internal");
    expect(screen.getByTestId("risk-overdue-R5").textContent).toBe("overdue");
    expect(screen.queryByTestId("risk-overdue-R1")).toBeNull();
  });

  it("asks for the shared view only when ticked, and exports with that flag", async () => {
    const calls = backend(defaults());
    render(Risks, { collab: 1 });
    await screen.findByTestId("risk-row-R4");
    await fireEvent.click(screen.getByTestId("risk-shared"));
    await waitFor(() => expect(screen.queryByTestId("risk-row-R4")).toBeNull());
    expect(calls.filter((c) => c.cmd === "risk_register").map((c) => c.args)).toEqual([{ collab: 1, shared: false }, { collab: 1, shared: true }]);

    await fireEvent.input(screen.getByTestId("risk-export-path"), { target: { value: "/tmp/risks.pdf" } });
    await fireEvent.click(screen.getByTestId("risk-export-pdf"));
    await waitFor(() => expect(screen.getByTestId("risk-exported").textContent).toContain("Wrote /tmp/risks.pdf: 3 pages, 47.1 KB"));
    expect(calls.find((c) => c.cmd === "export_risk_report")?.args).toEqual({ collab: 1, shared: true, path: "/tmp/risks.pdf" });

    await fireEvent.input(screen.getByTestId("risk-export-path"), { target: { value: "/tmp/risks.csv" } });
    await fireEvent.click(screen.getByTestId("risk-export-csv"));
    await waitFor(() => expect(screen.getByTestId("risk-exported").textContent).toContain("Wrote 4 risks to /tmp/risks.csv"));
    expect(calls.find((c) => c.cmd === "export_risk_csv")?.args).toEqual({ collab: 1, shared: true, path: "/tmp/risks.csv" });
  });

  it("shows a selected risk's details and every version with its changes and decision", async () => {
    backend(defaults());
    render(Risks, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("risk-select-R1"));
    const history = await screen.findByTestId("risk-history");
    expect(screen.getByTestId("risk-row-R1").getAttribute("aria-current")).toBe("true");
    const versions = within(history).getAllByRole("listitem").filter((li) => li.dataset.version);
    expect(versions.map((v) => v.dataset.version)).toEqual(["2", "1"]);
    expect(versions[0].textContent).toContain("31 January 2027");
    expect(versions[0].textContent).toContain("Samuel Okafor");
    expect(versions[0].textContent).toContain("decision 14");
    expect(versions[0].textContent).toContain("treatment set to reduce likelihood");
    expect(versions[1].textContent).toContain("decision 11");
    const detail = screen.getByTestId("risk-detail");
    expect(detail.textContent).toContain("Classify each design pack before transfer");
    expect(detail.textContent).toContain("clause:collab.export-control");

    // Editing starts from the selected risk's fields.
    await fireEvent.click(screen.getByTestId("risk-edit"));
    const form = screen.getByTestId("risk-form");
    expect((within(form).getByTestId("risk-title") as HTMLInputElement).value).toBe("Resonator designs shared abroad before export-control classification");
    expect((within(form).getByTestId("risk-category") as HTMLSelectElement).value).toBe("research_security");
    expect((within(form).getByTestId("risk-next-review") as HTMLInputElement).value).toBe("17/03/2027");
    expect(within(form).getByTestId("risk-inherent-score").textContent).toBe("20 · red");
    expect(within(form).getByTestId("risk-residual-score").textContent).toBe("8 · amber");
    expect(within(form).getByTestId("risk-note")).toBeTruthy();
  });

  it("adds a risk with the typed fields, shows each problem beside its field, then selects it", async () => {
    let saved: Risk[] = demoRisks;
    const added = (f: RiskFields) => risk(6, f, { id: 16 });
    const calls = backend(defaults(), {
      risk_register: () => registerOf(saved),
      add_risk: (a) => {
        const f = a.fields as RiskFields;
        if (!f.next_review || f.owner_person === "") {
          throw invalid(["owner_person", "is required"], ["next_review", "a risk that is not closed needs a next review date"], ["inherent.impact", "6 is not between 1 and 5"]);
        }
        saved = [...demoRisks, added(f)];
        return added(f);
      },
      risk_history: () => [{ version: 1, fields: saved[5].fields, changes: [], decision_seq: 31, created_at: "2027-02-02T09:00:00Z", created_by: "Dr Helen Achterberg" }],
    });
    render(Risks, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("risk-add"));
    const form = screen.getByTestId("risk-form");
    const set = (id: string, value: string) => fireEvent.input(within(form).getByTestId(id), { target: { value } });
    const choose = (id: string, value: string) => fireEvent.change(within(form).getByTestId(id), { target: { value } });
    expect(within(form).queryByTestId("risk-note")).toBeNull();
    await set("risk-title", "Cryostat helium supply interrupted");
    await choose("risk-category", "operational");
    await set("risk-cause", "Helium recovery at Kaminokawa depends on one supplier");
    await set("risk-event", "The supplier cannot deliver for a quarter");
    await set("risk-consequence", "Measurement runs for milestone M3 stop");
    await choose("risk-raised-by", "2");
    await choose("risk-owner-party", "2");
    await choose("risk-inherent-l", "4");
    await choose("risk-inherent-i", "5");
    expect(within(form).getByTestId("risk-inherent-score").textContent).toBe("20 · red");
    await choose("risk-residual-l", "2");
    expect(within(form).getByTestId("risk-residual-score").textContent).toBe("not assessed");
    await choose("risk-residual-i", "3");
    expect(within(form).getByTestId("risk-residual-score").textContent).toBe("6 · amber");
    await choose("risk-treatment", "share");
    await set("risk-controls", "A second supplier qualified");
    await choose("risk-status", "treating");
    await choose("risk-visibility", "shared");
    const who = within(form).getByTestId("risk-identity") as HTMLSelectElement;
    expect([...who.options].map((o) => o.textContent)).not.toContain(expect.stringContaining("Tanabe"));
    expect(who.options.length).toBe(2);
    await choose("risk-identity", "8");
    await fireEvent.click(within(form).getByTestId("risk-save"));

    await waitFor(() => expect(form.textContent).toContain("a risk that is not closed needs a next review date"));
    const beside = (id: string) => within(form).getByTestId(id).closest(".field")!.textContent;
    expect(beside("risk-next-review")).toContain("a risk that is not closed needs a next review date");
    expect(beside("risk-owner")).toContain("is required");
    expect(beside("risk-inherent-i")).toContain("6 is not between 1 and 5");
    const first = calls.find((c) => c.cmd === "add_risk")!;
    expect(first.args).toEqual({
      collab: 1,
      identity: 8,
      fields: {
        title: "Cryostat helium supply interrupted", category: "operational",
        cause: "Helium recovery at Kaminokawa depends on one supplier", event: "The supplier cannot deliver for a quarter",
        consequence: "Measurement runs for milestone M3 stop", raised_by: 2, owner_party: 2, owner_person: "",
        inherent: { likelihood: 4, impact: 5 }, residual: { likelihood: 2, impact: 3 }, controls: "A second supplier qualified",
        treatment: "share", actions: [], status: "treating", next_review: null, visibility: "shared", links: [],
      },
    });

    await set("risk-owner", "Prof. Aiko Tanabe");
    await set("risk-next-review", "2027-04-01");
    await fireEvent.click(within(form).getByTestId("risk-save"));
    await waitFor(() => expect(screen.queryByTestId("risk-form")).toBeNull());
    expect(calls.filter((c) => c.cmd === "add_risk")[1].args).toMatchObject({ fields: { owner_person: "Prof. Aiko Tanabe", next_review: "2027-04-01" } });
    expect(await screen.findByTestId("risk-row-R6")).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("risk-row-R6").getAttribute("aria-current")).toBe("true"));
    expect((await screen.findByTestId("risk-history")).textContent).toContain("decision 31");
    expect(calls.filter((c) => c.cmd === "risk_register").length).toBe(2);
  });

  it("saves an edit with its note and the chosen identity, and keeps a half-chosen residual in the window", async () => {
    const calls = backend(defaults(), { update_risk: (a) => risk(3, a.fields as RiskFields, { version: 2 }) });
    render(Risks, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("risk-select-R3"));
    await fireEvent.click(screen.getByTestId("risk-edit"));
    const form = screen.getByTestId("risk-form");
    await fireEvent.change(within(form).getByTestId("risk-residual-i"), { target: { value: "" } });
    await fireEvent.click(within(form).getByTestId("risk-save"));
    expect(within(form).getByTestId("risk-residual-i").closest("fieldset")!.textContent).toContain("choose both the likelihood and the impact");
    expect(calls.some((c) => c.cmd === "update_risk")).toBe(false);

    await fireEvent.change(within(form).getByTestId("risk-residual-i"), { target: { value: "1" } });
    await fireEvent.change(within(form).getByTestId("risk-status"), { target: { value: "closed" } });
    await fireEvent.input(within(form).getByTestId("risk-note"), { target: { value: "Patent delay capped in the signed publication agreement" } });
    await fireEvent.click(within(form).getByTestId("risk-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "update_risk")).toBe(true));
    expect(calls.find((c) => c.cmd === "update_risk")!.args).toMatchObject({
      risk: 13,
      note: "Patent delay capped in the signed publication agreement",
      identity: 7,
      fields: { title: "Patent filings hold back the project's first papers", residual: { likelihood: 2, impact: 1 }, status: "closed" },
    });
  });
});
