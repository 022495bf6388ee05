import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Collaborations from "./Collaborations.svelte";
import Collaboration from "./Collaboration.svelte";
import type { CollaborationDetail, CollaborationSummary } from "../bindings";
import { collaborationSummary } from "../test/fixtures";
import { daysFromToday, demoDetail, demoRisks, health, registerOf } from "../test/running";
import { nextDue } from "./collab-health";
import { longDate } from "../format";
import { nav } from "../nav.svelte";

const demo: CollaborationSummary = collaborationSummary({ health: health() });

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("Collaborations", () => {
  it("lists collaborations with status, countries, dates and the next date due", async () => {
    mockIPC((cmd) => (cmd === "list_collaborations" ? [demo] : null));
    render(Collaborations, {});
    expect(await screen.findByText("Low-loss superconducting resonators")).toBeTruthy();
    expect(screen.getByText("active")).toBeTruthy();
    expect(screen.getByText(/GB/)).toBeTruthy();
    expect(screen.getByText(/1 January 2027 – 31 December 2029/)).toBeTruthy();
    expect(screen.getByTestId("next-due-1").textContent).toContain(longDate(daysFromToday(9)));
    expect(screen.getByTestId("next-due-1").textContent).toContain("1 overdue · 2 items due soon");
  });

  it("names each collaboration's parties in the order they joined, beside the countries", async () => {
    mockIPC((cmd) => (cmd === "list_collaborations" ? [demo, collaborationSummary({ id: 2, title: "Pilot", parties: [] })] : null));
    render(Collaborations, {});
    const names = await screen.findByTestId("collab-parties-1");
    expect(names.textContent).toBe("Northmoor · Ferrant · Kisaragi");
    expect(names.closest("td")!.classList.contains("title")).toBe(true);
    expect(names.closest("tr")!.querySelector(".countries")!.textContent).toContain("DE · GB · JP");
    expect(screen.queryByTestId("collab-parties-2")).toBeNull();
  });

  it("shows the core's verdict and its reasons, coloured by level", async () => {
    const atRisk = collaborationSummary({
      id: 2, title: "Cryogenic amplifier feasibility study", status: "planning",
      health: health({
        verdict: "at_risk",
        reasons: [
          { code: "risk_red", level: "at_risk", message: "1 red risk open" },
          { code: "diligence_blocked", level: "at_risk", message: "signing blocked by due diligence" },
        ],
        next_due: null, overdue: 0, due_soon: 0,
      }),
    });
    const fine = collaborationSummary({ id: 3, title: "Graphene sensor pilot", health: health({ verdict: "on_track", reasons: [], overdue: 0, due_soon: 0 }) });
    mockIPC((cmd) => (cmd === "list_collaborations" ? [demo, atRisk, fine] : null));
    render(Collaborations, {});
    expect((await screen.findByTestId("health-1")).textContent).toBe("Attention");
    expect(screen.getByTestId("health-1").className).toContain("verdict-attention");
    expect(screen.getByTestId("health-reasons-1").textContent).toContain("1 obligation overdue");
    expect(screen.getByTestId("health-reasons-1").textContent).toContain("1 publication under review");
    expect(screen.getByTestId("health-2").textContent).toBe("At risk");
    const reason = screen.getByText("signing blocked by due diligence");
    expect(reason.className).toContain("reason-at_risk");
    expect(reason.closest("td")!.classList.contains("health")).toBe(true);
    expect(screen.getByTestId("next-due-2").textContent!.trim()).toBe("—");
    expect(screen.getByTestId("health-3").textContent).toBe("On track");
    expect(screen.queryByTestId("health-reasons-3")).toBeNull();
    // The first four cells stay title, status, partners and dates (an end-to-end test reads them).
    const cells = [...screen.getByTestId("collab-list").querySelectorAll("tbody tr")][1].querySelectorAll("td");
    expect(cells[0].textContent!.trim().startsWith("Cryogenic amplifier feasibility study")).toBe(true);
    expect(cells[1].textContent!.trim()).toBe("planning");
    expect(cells[3].textContent).toBe("1 January 2027 – 31 December 2029");
    expect(cells[4].textContent).toContain("At risk");
  });

  it("falls back to the summary's own dates when it carries no health", async () => {
    mockIPC((cmd) => (cmd === "list_collaborations" ? [collaborationSummary({ start_date: "2099-01-01", end_date: "2099-12-31", health: null })] : null));
    render(Collaborations, {});
    expect((await screen.findByTestId("next-due-1")).textContent).toContain("Starts 1 January 2099");
    expect(screen.queryByTestId("health-1")).toBeNull();
  });

  it("shows an empty state", async () => {
    mockIPC(() => []);
    render(Collaborations, {});
    expect(await screen.findByText("No collaborations yet.")).toBeTruthy();
  });

  it("branches on the error kind, not its text", async () => {
    mockIPC(() => {
      throw { kind: "newer_schema", message: "schema version 9", fields: [] };
    });
    render(Collaborations, {});
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("needs a newer Steward");
    expect(alert.textContent).toContain("schema version 9");
  });

  it("creates a collaboration and shows field errors from the core", async () => {
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "list_collaborations") return [];
      if (cmd === "create_collaboration") {
        calls.push(args);
        if (calls.length === 1) throw { kind: "invalid", message: "title: must not be empty", fields: [{ field: "title", message: "must not be empty" }] };
        return 7;
      }
      return null;
    });
    render(Collaborations, {});
    await fireEvent.click(await screen.findByTestId("collab-new"));
    await fireEvent.submit(screen.getByRole("form", { name: "New collaboration" }));
    expect(await screen.findByText("must not be empty")).toBeTruthy();
    await fireEvent.input(screen.getByTestId("collab-title"), { target: { value: "Quantum sensing" } });
    await fireEvent.submit(screen.getByRole("form", { name: "New collaboration" }));
    await waitFor(() => expect(nav.screen).toEqual({ name: "collab", id: 7, tab: "parties" }));
    expect((calls[1] as { collaboration: { title: string } }).collaboration.title).toBe("Quantum sensing");
  });
});

describe("collaboration health", () => {
  it("finds the next date due from the summary's dates", () => {
    expect(nextDue(demo, "2026-12-01")).toEqual({ what: "Starts", date: "2027-01-01" });
    expect(nextDue(demo, "2028-06-01")).toEqual({ what: "Ends", date: "2029-12-31" });
    expect(nextDue({ ...demo, sunset_date: "2034-12-31" }, "2030-01-01")).toEqual({ what: "Obligations end", date: "2034-12-31" });
    expect(nextDue(demo, "2030-01-01")).toBeNull();
  });
});

describe("Collaboration", () => {
  const detail: CollaborationDetail = {
    ...demo,
    members: [
      { role: "lead", party: { id: 1, legal_name: "University of Northbridge", short_name: "UNB", kind: "university", registration_number: null, address: null, country: "GB", archived: false } },
    ],
    people: [],
  };

  it("adds a new party as a member with its role", async () => {
    const log: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      log.push([cmd, args]);
      switch (cmd) {
        case "collaboration": return detail;
        case "agreements": return [];
        case "parties": return [];
        case "add_party": return 5;
        case "add_member": return null;
        case "ledger": case "rates": case "decisions": case "identities": return [];
        default: return null;
      }
    });
    render(Collaboration, { id: 1 });
    expect((await screen.findAllByText("University of Northbridge")).length).toBeGreaterThan(0);
    await fireEvent.input(screen.getByTestId("party-legal_name"), { target: { value: "Tokai Institute" } });
    await fireEvent.input(screen.getByTestId("party-country"), { target: { value: "JP" } });
    await fireEvent.change(screen.getByTestId("party-role"), { target: { value: "partner" } });
    await fireEvent.submit(screen.getByRole("form", { name: "Add a party" }));
    await waitFor(() => expect(log.some(([c]) => c === "add_member")).toBe(true));
    const added = log.find(([c]) => c === "add_party")?.[1] as { party: { legal_name: string; country: string } };
    expect(added.party.legal_name).toBe("Tokai Institute");
    expect(added.party.country).toBe("JP");
    expect(log.find(([c]) => c === "add_member")?.[1]).toEqual({ collab: 1, party: 5, role: "partner" });
  });

  it("switches tabs with the arrow keys", async () => {
    mockIPC((cmd) => (cmd === "collaboration" ? detail : cmd === "agreements" || cmd === "parties" ? [] : null));
    render(Collaboration, { id: 1 });
    const tab = await screen.findByTestId("tab-parties");
    await fireEvent.keyDown(tab, { key: "ArrowRight" });
    expect(screen.getByTestId("tab-agreements").getAttribute("aria-selected")).toBe("true");
    expect(await screen.findByText("No agreements yet.")).toBeTruthy();
  });

  it("opens on the risks tab when asked, and runs the collaboration in its own tabs", async () => {
    mockIPC((cmd) => {
      switch (cmd) {
        case "collaboration": return demoDetail();
        case "agreements": case "parties": case "identities": case "publications": case "obligations": return [];
        case "risk_register": return registerOf(demoRisks);
        default: return null;
      }
    });
    render(Collaboration, { id: 1, tab: "risks" });
    expect((await screen.findByTestId("tab-risks")).getAttribute("aria-selected")).toBe("true");
    expect((await screen.findByTestId("heat-inherent-4-5")).textContent).toBe("1");
    await fireEvent.click(screen.getByTestId("tab-obligations"));
    expect(await screen.findByTestId("obligation-timeline")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("tab-publications"));
    expect(await screen.findByTestId("pub-notify")).toBeTruthy();
    for (const t of ["parties", "agreements", "diligence", "ledger", "decisions"]) expect(screen.getByTestId(`tab-${t}`)).toBeTruthy();
  });
});

vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn(), save: vi.fn() }));
