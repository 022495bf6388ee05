import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Ip from "./Ip.svelte";
import { backend, demoDetail, demoIdentities, invalid, type Handlers } from "../test/running";
import { ipResult, register } from "../test/ip";
import { longDate } from "../format";

function defaults(): Handlers {
  return {
    ip_register: () => register(),
    collaboration: () => demoDetail(),
    identities: () => demoIdentities,
    bind_background: () => ({ agreement_id: 4, revision: 2, recommendation: null }),
    add_result: () => ipResult({ id: 202, label: "IP2" }),
    overrule_owner: () => ipResult(),
    add_filing: () => ipResult().filings[0],
    add_licence: () => ipResult().licences[0],
    add_dataset: () => register().datasets[0],
    add_background: () => register().background.items[0],
    update_background: () => register().background.items[0],
    ip_history: () => [
      { version: 1, fields: {}, note: null, decision_seq: null, created_at: "2026-11-01T09:00:00Z", created_by: "Dr Helen Achterberg" },
      { version: 2, fields: {}, note: "access terms agreed", decision_seq: null, created_at: "2026-11-20T09:00:00Z", created_by: "Samuel Okafor" },
    ],
  };
}

describe("IP register", () => {
  it("shows the background against the signed schedule and binds it into the agreement as a new revision", async () => {
    const calls = backend(defaults());
    render(Ip, { collab: 1 });
    const schedule = await screen.findByTestId("bg-schedule");
    expect(schedule.textContent).toContain("Changed since signing");
    expect(schedule.textContent).toContain(`signed ${longDate("2026-10-01T09:00:00Z")}`);
    expect(schedule.textContent).toContain("+ Ferrant: Cryostat wiring design");
    expect(schedule.textContent).toContain("− Ferrant: the designs of its dilution refrigerator platforms");
    const b2 = screen.getByTestId("bg-row-B2");
    expect(b2.textContent).toContain("Ferrant");
    expect(b2.textContent).toContain("UK 3A001.b");
    expect(b2.textContent).toContain("for the Project only");
    await fireEvent.click(screen.getByTestId("bg-bind"));
    await waitFor(() => expect(screen.getByTestId("bg-bound").textContent).toContain("Revision 2 of the agreement"));
    expect(calls.find((c) => c.cmd === "bind_background")!.args).toEqual({ agreement: 4 });
    expect(calls.filter((c) => c.cmd === "ip_register").length).toBe(2);
  });

  it("shows a result's owner with the clause that decides it, its filing deadlines and its option", async () => {
    backend(defaults());
    render(Ip, { collab: 1 });
    const owner = await screen.findByTestId("result-owner-IP1");
    expect(owner.textContent).toContain("Owner: Northmoor");
    expect(owner.textContent).toContain("Model 2: the university that generated it owns it");
    expect(owner.textContent).toContain("collab.ownership-2");
    expect(owner.textContent).toContain("Kaminokawa Tech: a non-exclusive licence");
    const filing = screen.getByTestId("filing-F1").textContent!;
    expect(filing).toContain("GB GB2719043.6");
    expect(filing).toContain(`priority year ends ${longDate("2027-11-10")}`);
    expect(filing).toContain(`${longDate("2029-05-10")} (30 months)`);
    expect(filing).toContain(`${longDate("2029-06-10")} (31 months)`);
    const licence = screen.getByTestId("licence-L1").textContent!;
    expect(licence).toContain("exclusive option to Ferrant, cryogenic amplifiers, worldwide");
    expect(licence).toContain(`the option window closes ${longDate("2027-05-10")}`);
    expect(screen.getByTestId("result-IP1").textContent).toContain("disclosure-ip1.pdf");
  });

  it("shows an overruled owner beside what the agreement gives, and overrules with shares, a reason and a signer", async () => {
    const calls = backend(defaults(), {
      ip_register: () => register({
        results: [ipResult({
          owners: [{ party_id: 1, party: "Northmoor", basis_points: 6000 }, { party_id: 3, party: "Ferrant", basis_points: 4000 }],
          fields: { ...ipResult().fields, owner_override: { owners: [], reason: "Ferrant's engineers co-designed the treatment", decision_seq: 21 } },
        })],
      }),
    });
    render(Ip, { collab: 1 });
    const owner = await screen.findByTestId("result-owner-IP1");
    expect(owner.textContent).toContain("Owner: Northmoor 60%, Ferrant 40%");
    expect(owner.textContent).toContain("overruled");
    expect(owner.textContent).toContain("(decision 21): Ferrant's engineers co-designed the treatment");
    expect(owner.textContent).toContain("The agreement gives it to Northmoor.");

    await fireEvent.click(screen.getByTestId("result-overrule-IP1"));
    const form = screen.getByTestId("ip-form");
    expect((within(form).getByTestId("overrule-pct-0") as HTMLInputElement).value).toBe("60");
    await fireEvent.input(within(form).getByTestId("overrule-pct-0"), { target: { value: "50" } });
    await fireEvent.input(within(form).getByTestId("overrule-pct-1"), { target: { value: "50" } });
    await fireEvent.input(within(form).getByTestId("overrule-reason"), { target: { value: "Equal inventive contribution" } });
    await fireEvent.change(within(form).getByTestId("ip-identity"), { target: { value: "8" } });
    await fireEvent.click(within(form).getByTestId("ip-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "overrule_owner")).toBe(true));
    expect(calls.find((c) => c.cmd === "overrule_owner")!.args).toEqual({
      result: 201, owners: [["1", 50], ["3", 50]], reason: "Equal inventive contribution", identity: 8,
    });
  });

  it("records a result with its inventors, contributors and disclosure files, and puts a refusal beside the field", async () => {
    const calls = backend(defaults(), { add_result: () => { throw invalid(["title", "give the result a title"]); } });
    render(Ip, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("result-add"));
    const form = screen.getByTestId("ip-form");
    await fireEvent.input(within(form).getByTestId("result-date"), { target: { value: "2026-11-21" } });
    await fireEvent.input(within(form).getByTestId("result-inventor-0"), { target: { value: "Prof. Aiko Tanabe" } });
    await fireEvent.change(within(form).getByTestId("result-inventor-party-0"), { target: { value: "2" } });
    await fireEvent.click(within(form).getByTestId("result-contributor-3"));
    await fireEvent.input(within(form).getByTestId("result-documents"), { target: { value: "/tmp/disclosure-ip2.pdf\n" } });
    await fireEvent.click(within(form).getByTestId("ip-save"));
    await waitFor(() => expect(within(form).getByText("give the result a title")).toBeTruthy());
    const args = calls.find((c) => c.cmd === "add_result")!.args as { collab: number; fields: { inventors: unknown; contributors: unknown; disclosed_on: string }; documents: string[] };
    expect(args.collab).toBe(1);
    expect(args.fields.disclosed_on).toBe("2026-11-21");
    expect(args.fields.inventors).toEqual([{ name: "Prof. Aiko Tanabe", party_id: 2 }]);
    expect(args.fields.contributors).toEqual([3]);
    expect(args.documents).toEqual(["/tmp/disclosure-ip2.pdf"]);
    expect(screen.getByTestId("ip-form")).toBeTruthy();
  });

  it("adds a filing and a dataset, and shows a record's versions", async () => {
    const calls = backend(defaults());
    render(Ip, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("result-filing-IP1"));
    let form = screen.getByTestId("ip-form");
    await fireEvent.input(within(form).getByTestId("filing-number"), { target: { value: "PCT/GB2027/050123" } });
    await fireEvent.change(within(form).getByTestId("filing-office"), { target: { value: "PCT" } });
    await fireEvent.input(within(form).getByTestId("filing-date"), { target: { value: "2027-11-01" } });
    await fireEvent.input(within(form).getByTestId("filing-priority"), { target: { value: "2026-11-10" } });
    await fireEvent.click(within(form).getByTestId("ip-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "add_filing")).toBe(true));
    expect(calls.find((c) => c.cmd === "add_filing")!.args).toEqual({
      fields: { result_id: 201, application_number: "PCT/GB2027/050123", office: "PCT", filing_date: "2027-11-01", priority_date: "2026-11-10", publication_id: null },
    });
    await waitFor(() => expect(screen.queryByTestId("ip-form")).toBeNull());

    await fireEvent.click(screen.getByTestId("dataset-add"));
    form = screen.getByTestId("ip-form");
    await fireEvent.input(within(form).getByTestId("dataset-name"), { target: { value: "Resonator loss sweeps" } });
    await fireEvent.change(within(form).getByTestId("dataset-holder"), { target: { value: "2" } });
    await fireEvent.change(within(form).getByTestId("dataset-tier"), { target: { value: "internal" } });
    await fireEvent.input(within(form).getByTestId("dataset-location"), { target: { value: "Kaminokawa data lake" } });
    await fireEvent.click(within(form).getByTestId("ip-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "add_dataset")).toBe(true));
    expect(calls.find((c) => c.cmd === "add_dataset")!.args).toEqual({
      collab: 1, fields: { name: "Resonator loss sweeps", holder_id: 2, tier: "internal", location: "Kaminokawa data lake", description: "", supplied_by: null },
    });
    expect(screen.getByTestId("dataset-D1").textContent).toContain("supplied by Ferrant");

    await fireEvent.click(screen.getByTestId("bg-history-B1"));
    const history = await screen.findByTestId("ip-history-101");
    expect(history.textContent).toContain("version 2");
    expect(history.textContent).toContain("Samuel Okafor: access terms agreed");
  });
});
