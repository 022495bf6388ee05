import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Due from "./Due.svelte";
import { collaborationSummary } from "../test/fixtures";
import { nav } from "../nav.svelte";
import { backend, daysFromToday, demoObligations, demoTitle, obligation, type Handlers } from "../test/running";

function defaults(): Handlers {
  return {
    // The core lists them by date; the NDA's end (years away) is outside the 90 days.
    obligations: () => [
      ...demoObligations().filter((o) => o.due_date <= daysFromToday(90)),
      obligation(21, {
        collaboration_id: 2, title: "Export-control approval for the cryogenic amplifier study", kind: "other",
        due_date: daysFromToday(-2), party_label: "all parties", clause_id: null,
      }),
      obligation(22, { collaboration_id: 2, title: "Steering committee", kind: "meeting", due_date: daysFromToday(60), clause_id: null }),
    ],
    list_collaborations: () => [
      collaborationSummary({ title: demoTitle }),
      collaborationSummary({ id: 2, title: "Cryogenic amplifier feasibility study", status: "planning" }),
    ],
    export_calendar: () => 12,
  };
}

describe("Due", () => {
  it("lists what is due across collaborations within 90 days, overdue first, each naming its collaboration", async () => {
    const calls = backend(defaults());
    render(Due, {});
    const list = await screen.findByTestId("due-list");
    expect(calls.find((c) => c.cmd === "obligations")?.args).toEqual({ filter: { collaboration_id: null, due_within_days: 90, overdue: false, include_closed: false } });
    expect(calls.find((c) => c.cmd === "list_collaborations")?.args).toEqual({ includeArchived: false });
    const rows = within(list).getAllByRole("row").map((r) => r.dataset.testid).filter(Boolean);
    expect(rows).toEqual(["due-row-4", "due-row-21", "due-row-5", "due-row-6", "due-row-22"]);
    const overdue = screen.getByTestId("due-group-overdue");
    expect(overdue.textContent).toContain("Overdue (2)");
    expect(within(overdue).getAllByText("overdue").length).toBe(2);
    expect(screen.getByTestId("due-row-4").textContent).toContain("9 days ago");
    expect(screen.getByTestId("due-collab-4").textContent).toBe(demoTitle);
    expect(screen.getByTestId("due-collab-21").textContent).toBe("Cryogenic amplifier feasibility study");
    expect(screen.getByTestId("due-group-later").textContent).toContain("Steering committee");

    await fireEvent.click(screen.getByTestId("due-collab-21"));
    expect(nav.screen).toEqual({ name: "collab", id: 2, tab: "obligations" });
  });

  it("exports every open item as a calendar and says how many events it wrote", async () => {
    const calls = backend(defaults());
    render(Due, {});
    const path = (await screen.findByTestId("due-ics-path")) as HTMLInputElement;
    expect(path.value).toBe("steward-obligations.ics");
    await fireEvent.input(path, { target: { value: "/home/helen/steward-obligations.ics" } });
    await fireEvent.click(screen.getByTestId("due-export-ics"));
    await waitFor(() => expect(screen.getByTestId("due-exported").textContent).toBe("Wrote 12 events to /home/helen/steward-obligations.ics."));
    expect(calls.find((c) => c.cmd === "export_calendar")?.args).toEqual({ collab: null, path: "/home/helen/steward-obligations.ics" });
  });

  it("says when nothing is due", async () => {
    backend(defaults(), { obligations: () => [] });
    render(Due, {});
    expect(await screen.findByText("Nothing due in the next 90 days.")).toBeTruthy();
  });
});
