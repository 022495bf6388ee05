import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import CollaborationList from "./CollaborationList.svelte";
import type { CollaborationSummary } from "./types";

const demo: CollaborationSummary = {
  id: 1,
  title: "Low-loss superconducting resonators",
  summary: null,
  status: "active",
  start_date: "2027-01-01",
  end_date: "2029-12-31",
  sunset_date: null,
  archived: false,
  created_at: "2026-11-01T09:00:00Z",
  updated_at: "2026-11-01T09:00:00Z",
  countries: ["DE", "GB", "JP"],
  member_count: 3,
};

describe("CollaborationList", () => {
  it("lists collaborations with status, countries and dates", () => {
    render(CollaborationList, { items: [demo], error: null });
    expect(screen.getByText("Low-loss superconducting resonators")).toBeTruthy();
    expect(screen.getByText("active")).toBeTruthy();
    expect(screen.getByText(/DE · GB · JP/)).toBeTruthy();
    expect(screen.getByText(/1 January 2027 – 31 December 2029/)).toBeTruthy();
  });

  it("shows an empty state", () => {
    render(CollaborationList, { items: [], error: null });
    expect(screen.getByText("No collaborations yet.")).toBeTruthy();
  });

  it("branches on the error kind, not its text", () => {
    render(CollaborationList, {
      items: null,
      error: { kind: "newer_schema", message: "schema version 9", fields: [] },
    });
    expect(screen.getByRole("alert").textContent).toContain("needs a newer Steward");
    expect(screen.getByRole("alert").textContent).toContain("schema version 9");
  });
});
