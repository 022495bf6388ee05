import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Obligations from "./Obligations.svelte";
import type { Obligation } from "../bindings";
import { longDate } from "../format";
import { backend, daysFromToday, demoDetail, demoIdentities, demoObligations, invalid, obligation, type Handlers } from "../test/running";

const filed = obligation(3, {
  title: "File the countersigned mutual NDA with the research office", due_date: daysFromToday(-20), status: "done",
  clause_id: "common.counterparts", note: "Filed in the contracts register as RO-2026-0412",
  evidence_sha256: "5b1c0e8d3f0a4e2b9c7d6a5f4e3d2c1b0a99887766554433221100ffeeddccbb", decision_seq: 17,
  closed_at: "2027-01-21T09:00:00Z", closed_by: "Dr Helen Achterberg",
});

function defaults(): Handlers {
  return {
    obligations: (a) => {
      const f = a.filter as { include_closed: boolean };
      return f.include_closed ? [filed, ...demoObligations()] : demoObligations();
    },
    collaboration: () => demoDetail(),
    identities: () => demoIdentities,
    complete_obligation: (a) => ({ ...demoObligations()[0], status: "done", note: a.note as string }) satisfies Obligation,
    waive_obligation: (a) => ({ ...demoObligations()[1], status: "waived", note: a.reason as string }) satisfies Obligation,
    add_obligation: () => obligation(7),
  };
}

describe("Obligations", () => {
  it("shows what is due with its state, kind, party, clause and the rule behind its date", async () => {
    const calls = backend(defaults());
    render(Obligations, { collab: 1 });
    const late = await screen.findByTestId("obligation-row-4");
    expect(calls.find((c) => c.cmd === "obligations")?.args).toEqual({ filter: { collaboration_id: 1, due_within_days: null, overdue: false, include_closed: false } });
    expect(screen.getByTestId("obligation-state-4").textContent).toBe("overdue");
    expect(late.textContent).toContain(longDate(daysFromToday(-9)));
    expect(late.textContent).toContain("collab.export-control");
    expect(screen.getByTestId("obligation-state-5").textContent).toBe("open");
    const nda = screen.getByTestId("obligation-row-1");
    expect(within(nda).getByText("confidentiality end")).toBeTruthy();
    expect(nda.textContent).toContain("all parties");
    expect(nda.textContent).toContain("31 January 2031");
    expect(within(nda).getByText("effective date 2026-02-01 + disclosure period 1 year + confidentiality period 4 years").className).toContain("rule");
    expect(screen.getByTestId("obligation-row-6").textContent).toContain("Kaminokawa Tech");

    // The strip: the overdue item at the left edge, the next ones in their months, the NDA's end later.
    const strip = screen.getByTestId("obligation-timeline");
    const overdue = within(strip).getByRole("region", { name: /^Overdue/ });
    expect(within(overdue).getByTestId("timeline-item-4")).toBeTruthy();
    expect(within(overdue).queryByTestId("timeline-item-5")).toBeNull();
    expect(within(strip).getByTestId("timeline-item-5")).toBeTruthy();
    expect(within(strip).getByRole("region", { name: /^Later: 1 item/ })).toBeTruthy();
  });

  it("marks an item done with its note, evidence file and the signing identity", async () => {
    const calls = backend(defaults());
    render(Obligations, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("obligation-done-4"));
    const form = screen.getByTestId("obligation-close-form");
    const who = within(form).getByTestId("obligation-identity") as HTMLSelectElement;
    expect(who.options.length).toBe(2); // the partner's identity does not sign our entries
    expect(who.value).toBe("7");
    await fireEvent.input(within(form).getByTestId("obligation-note"), { target: { value: "Classified as 3A001 by the export control office" } });
    await fireEvent.input(within(form).getByTestId("obligation-evidence"), { target: { value: "/home/helen/ecju-rating.pdf" } });
    await fireEvent.change(who, { target: { value: "8" } });
    await fireEvent.click(within(form).getByTestId("obligation-close-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "complete_obligation")).toBe(true));
    expect(calls.find((c) => c.cmd === "complete_obligation")!.args).toEqual({
      id: 4, note: "Classified as 3A001 by the export control office", evidencePath: "/home/helen/ecju-rating.pdf", identity: 8,
    });
    await waitFor(() => expect(screen.queryByTestId("obligation-close-form")).toBeNull());
    expect(calls.filter((c) => c.cmd === "obligations").length).toBe(2);
  });

  it("waives an item with a reason, showing the core's problem beside it", async () => {
    const calls = backend(defaults(), {
      waive_obligation: (a) => {
        if (a.reason === "") throw invalid(["reason", "say why the obligation is waived"]);
        return { ...demoObligations()[1], status: "waived" };
      },
    });
    render(Obligations, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("obligation-waive-5"));
    const form = screen.getByTestId("obligation-close-form");
    expect(within(form).queryByTestId("obligation-evidence")).toBeNull();
    await fireEvent.click(within(form).getByTestId("obligation-close-save"));
    await waitFor(() => expect(within(form).getByTestId("obligation-reason").closest(".field")!.textContent).toContain("say why the obligation is waived"));
    await fireEvent.input(within(form).getByTestId("obligation-reason"), { target: { value: "Ferrant already holds the inventory" } });
    await fireEvent.click(within(form).getByTestId("obligation-close-save"));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "waive_obligation").length).toBe(2));
    expect(calls.filter((c) => c.cmd === "waive_obligation")[1].args).toEqual({ id: 5, reason: "Ferrant already holds the inventory", identity: 7 });
  });

  it("shows closed items on request, with their evidence and decision", async () => {
    const calls = backend(defaults());
    render(Obligations, { collab: 1 });
    await screen.findByTestId("obligation-row-4");
    expect(screen.queryByTestId("obligation-row-3")).toBeNull();
    await fireEvent.click(screen.getByTestId("obligation-show-closed"));
    const row = await screen.findByTestId("obligation-row-3");
    expect(calls.filter((c) => c.cmd === "obligations")[1].args).toMatchObject({ filter: { include_closed: true } });
    expect(screen.getByTestId("obligation-state-3").textContent).toBe("done");
    expect(row.textContent).toContain("RO-2026-0412");
    expect(row.textContent).toContain("5b1c0e8d3f0a4e2b");
    expect(row.textContent).toContain("decision 17");
    expect(within(row).queryByTestId("obligation-done-3")).toBeNull();
  });

  it("adds an obligation by hand and shows each problem at its field", async () => {
    const calls = backend(defaults(), {
      add_obligation: (a) => {
        const o = a.obligation as { due_date: string };
        if (o.due_date === "") throw invalid(["due_date", "'' is not a date (YYYY-MM-DD)"]);
        return obligation(7);
      },
    });
    render(Obligations, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("obligation-add"));
    await fireEvent.input(screen.getByTestId("obligation-title"), { target: { value: "Annual report to the funder" } });
    await fireEvent.change(screen.getByTestId("obligation-kind"), { target: { value: "reporting" } });
    await fireEvent.change(screen.getByTestId("obligation-party"), { target: { value: "3" } });
    await fireEvent.input(screen.getByTestId("obligation-clause"), { target: { value: "collab.reporting" } });
    await fireEvent.click(screen.getByTestId("obligation-add-save"));
    await waitFor(() => expect(screen.getByTestId("obligation-due").closest(".field")!.textContent).toContain("is not a date"));
    await fireEvent.input(screen.getByTestId("obligation-due"), { target: { value: "2027-12-31" } });
    await fireEvent.click(screen.getByTestId("obligation-add-save"));
    await waitFor(() => expect(screen.queryByTestId("obligation-add-form")).toBeNull());
    expect(calls.filter((c) => c.cmd === "add_obligation")[1].args).toEqual({
      collab: 1,
      obligation: { title: "Annual report to the funder", due_date: "2027-12-31", kind: "reporting", party: "3", clause_id: "collab.reporting", note: null },
    });
  });
});
