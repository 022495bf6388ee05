import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Exit from "./Exit.svelte";
import { backend, demoDetail, demoIdentities, invalid, type Handlers } from "../test/running";
import { exitPlan, planItem } from "../test/ip";
import { longDate } from "../format";

function defaults(): Handlers {
  return {
    exit_plan: () => exitPlan(),
    collaboration: () => demoDetail(),
    identities: () => demoIdentities,
    start_exit: () => exitPlan(),
    decide_exit_item: () => exitPlan(),
    certify_dataset: () => exitPlan(),
    complete_exit: () => ({ path: "/tmp/exit.pdf", log_path: "/tmp/exit.decisions.json", pages: 3, bytes: 48_213, sha256: "ab".repeat(32), signed_by: "Dr Helen Achterberg" }),
  };
}

describe("Exit", () => {
  it("starts an exit: a party's trigger needs the party, the evidence is hashed, the start is signed", async () => {
    const calls = backend(defaults(), { exit_plan: () => null });
    render(Exit, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("exit-start"));
    const form = screen.getByTestId("exit-start-form");
    expect(within(form).queryByTestId("exit-party")).toBeNull();
    await fireEvent.change(within(form).getByTestId("exit-trigger"), { target: { value: "withdrawal" } });
    await fireEvent.change(within(form).getByTestId("exit-party"), { target: { value: "2" } });
    await fireEvent.input(within(form).getByTestId("exit-date"), { target: { value: "2027-06-30" } });
    await fireEvent.input(within(form).getByTestId("exit-start-note"), { target: { value: "Kaminokawa gave notice of withdrawal" } });
    await fireEvent.input(within(form).getByTestId("exit-evidence"), { target: { value: "/home/pi/notice of withdrawal.pdf" } });
    await fireEvent.click(within(form).getByTestId("exit-start-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "start_exit")).toBe(true));
    expect(calls.find((c) => c.cmd === "start_exit")!.args).toEqual({
      collab: 1,
      exit: { trigger: "withdrawal", party: "2", exit_date: "2027-06-30", note: "Kaminokawa gave notice of withdrawal", evidence_name: "notice of withdrawal.pdf" },
      evidencePath: "/home/pi/notice of withdrawal.pdf",
      identity: 7,
    });
    expect(await screen.findByTestId("exit-status")).toBeTruthy();
  });

  it("shows the plan by section, what is decided, the final accounts, and refuses to complete while items are undecided", async () => {
    backend(defaults());
    render(Exit, { collab: 3 });
    const status = await screen.findByTestId("exit-status");
    expect(status.textContent).toContain("under way");
    expect(status.textContent).toContain("2 items to decide");
    const exit = screen.getByTestId("exit").textContent!;
    expect(exit).toContain(`Sunset: the collaboration reached its end date, effective ${longDate("2026-11-19")}`);
    expect(exit).toContain("by Dr Helen Achterberg (decision 12): The project ended on schedule");
    expect(screen.getByTestId("exit-section-survives").textContent).toContain("survives until 2031-11-19");
    expect(screen.getByTestId("exit-decided-D1").textContent).toContain("purged");
    expect(screen.getByTestId("exit-undecided-D2")).toBeTruthy();
    expect(screen.getByTestId("exit-accounts").textContent).toContain("Ferrant: EUR 56,000.00 (53.85%)");
    expect(screen.getByTestId("exit-accounts").textContent).toContain("Total EUR 104,000.00");
    expect(screen.getByTestId("exit-undecided").textContent).toContain("D2 Ferrant amplifier bias settings; IP1 Low-loss surface treatment");
    expect((screen.getByTestId("exit-complete") as HTMLButtonElement).disabled).toBe(true);
  });

  it("certifies a dataset's return, decides a result's disposition, then completes into a signed pack", async () => {
    const decided = exitPlan({
      undecided: [],
      items: exitPlan().items.map((i) => ({ ...i, decided: i.decided ?? { kind: "certificate", value: "return", fields: {}, decision_seq: 30, at: "2026-12-01T10:00:00Z", by: "Samuel Okafor" } })),
    });
    let plans = 0;
    const calls = backend(defaults(), {
      certify_dataset: () => exitPlan({ undecided: ["IP1 Low-loss surface treatment"], items: [planItem({ decided: { kind: "certificate", value: "return", fields: {}, decision_seq: 30, at: "2026-12-01T10:00:00Z", by: "Samuel Okafor" } }), exitPlan().items[3]] }),
      decide_exit_item: () => decided,
      exit_plan: () => (plans++ === 0 ? exitPlan() : { ...decided, exit: { ...decided.exit, completed_at: "2026-12-01T11:00:00Z", pack_sha256: "ab".repeat(32) } }),
    });
    render(Exit, { collab: 3 });
    await fireEvent.click(await screen.findByTestId("exit-decide-D2"));
    let form = screen.getByTestId("exit-form-D2");
    expect((within(form).getByTestId("exit-cert-method") as HTMLSelectElement).value).toBe("return");
    await fireEvent.input(within(form).getByTestId("exit-cert-media"), { target: { value: "Two encrypted USB drives" } });
    await fireEvent.input(within(form).getByTestId("exit-cert-by"), { target: { value: "Samuel Okafor" } });
    await fireEvent.input(within(form).getByTestId("exit-cert-on"), { target: { value: "2026-12-01" } });
    await fireEvent.input(within(form).getByTestId("exit-cert-verification"), { target: { value: "receipt signed by Ferrant" } });
    await fireEvent.input(within(form).getByTestId("exit-cert-fate"), { target: { value: "returned to Ferrant by courier" } });
    await fireEvent.change(within(form).getByTestId("exit-item-identity"), { target: { value: "8" } });
    await fireEvent.click(within(form).getByTestId("exit-decide-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "certify_dataset")).toBe(true));
    expect(calls.find((c) => c.cmd === "certify_dataset")!.args).toEqual({
      exit: 1, dataset: "D2", exception: null, identity: 8,
      certificate: { method: "return", media: "Two encrypted USB drives", performed_by: "Samuel Okafor", performed_on: "2026-12-01", verification: "receipt signed by Ferrant", media_fate: "returned to Ferrant by courier" },
    });
    expect((await screen.findByTestId("exit-decided-D2")).textContent).toContain("returned");

    await fireEvent.click(screen.getByTestId("exit-decide-IP1"));
    form = screen.getByTestId("exit-form-IP1");
    await fireEvent.change(within(form).getByTestId("exit-disposition"), { target: { value: "licensed-back" } });
    await fireEvent.input(within(form).getByTestId("exit-note"), { target: { value: "Northmoor keeps research use" } });
    await fireEvent.click(within(form).getByTestId("exit-decide-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "decide_exit_item")).toBe(true));
    expect(calls.find((c) => c.cmd === "decide_exit_item")!.args).toEqual({ exit: 1, item: "IP1", disposition: "licensed-back", note: "Northmoor keeps research use", identity: 8 });

    await waitFor(() => expect(screen.getByTestId("exit-status").textContent).toContain("every item decided: ready to complete"));
    const complete = await screen.findByTestId("exit-complete");
    await waitFor(() => expect((complete as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(complete);
    expect(screen.getByText("choose where to save the exit pack")).toBeTruthy();
    expect(calls.some((c) => c.cmd === "complete_exit")).toBe(false);
    await fireEvent.input(screen.getByTestId("exit-pack-path"), { target: { value: "/tmp/exit.pdf" } });
    await fireEvent.click(screen.getByTestId("exit-complete"));
    const done = await screen.findByTestId("exit-completed");
    expect(done.textContent).toContain("/tmp/exit.pdf");
    expect(done.textContent).toContain("3 pages");
    expect(done.textContent).toContain("signed by Dr Helen Achterberg");
    expect(calls.find((c) => c.cmd === "complete_exit")!.args).toEqual({ exit: 1, path: "/tmp/exit.pdf", identity: 8 });
    await waitFor(() => expect(screen.getByTestId("exit-status").textContent).toContain("completed"));
    expect(screen.queryByTestId("exit-complete")).toBeNull();
    expect(screen.getByTestId("exit-pack-sha").textContent).toBe("ab".repeat(32));
  });

  it("puts a refused certificate's reason beside its field", async () => {
    backend(defaults(), { certify_dataset: () => { throw invalid(["media", "say which media were sanitised"]); } });
    render(Exit, { collab: 3 });
    await fireEvent.click(await screen.findByTestId("exit-decide-D2"));
    const form = screen.getByTestId("exit-form-D2");
    await fireEvent.click(within(form).getByTestId("exit-decide-save"));
    expect(await within(form).findByText("say which media were sanitised")).toBeTruthy();
  });
});
