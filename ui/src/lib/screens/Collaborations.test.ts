import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Collaborations from "./Collaborations.svelte";
import Collaboration from "./Collaboration.svelte";
import type { CollaborationDetail, CollaborationSummary } from "../bindings";
import { collaborationSummary } from "../test/fixtures";
import { nextDue, warnings } from "./collab-health";
import { nav } from "../nav.svelte";

const demo: CollaborationSummary = collaborationSummary();

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
  it("finds the next date due and warns about ends and missing partners", () => {
    expect(nextDue(demo, "2028-06-01")).toEqual({ what: "Ends", date: "2029-12-31" });
    expect(nextDue(demo, "2030-01-01")).toBeNull();
    expect(warnings(demo, "2029-11-01")).toEqual(["ends in 60 days"]);
    expect(warnings({ ...demo, member_count: 1 }, "2028-01-01")).toEqual(["needs partners"]);
    expect(warnings({ ...demo, archived: true, member_count: 1 }, "2028-01-01")).toEqual([]);
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
});

vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn(), save: vi.fn() }));
