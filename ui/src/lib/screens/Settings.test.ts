import { describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import Settings from "./Settings.svelte";
import { activeLocale, LOCALE_KEY } from "../locale.svelte";
import { longDate } from "../format";

describe("Settings: dates and numbers", () => {
  it("follows the system by default and names it", () => {
    render(Settings);
    const select = screen.getByLabelText("Write dates, times and amounts as") as HTMLSelectElement;
    expect(select.value).toBe("");
    expect(select.options[0].textContent).toBe("System: British English (en-GB)");
    expect([...select.options].map((o) => o.textContent)).toContain("ISO 8601");
    const preview = screen.getByTestId("locale-preview").textContent ?? "";
    expect(preview).toContain("1 March 2027");
    expect(preview).toContain("1 March 2027, 14:30 UTC");
    expect(preview).toContain("1,234,567.89");
    expect(screen.getByTestId("locale-typing").textContent).toContain("dd/mm/yyyy");
  });

  it("applies a choice at once, everywhere, and keeps it", async () => {
    render(Settings);
    const select = screen.getByLabelText("Write dates, times and amounts as") as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: "de-DE" } });
    const preview = screen.getByTestId("locale-preview").textContent ?? "";
    expect(preview).toContain("1. März 2027");
    expect(preview).toContain("1. März 2027, 14:30 UTC");
    expect(preview).toContain("1.234.567,89");
    expect(screen.getByTestId("locale-typing").textContent).toContain("dd.mm.yyyy");
    expect(localStorage.getItem(LOCALE_KEY)).toBe("de-DE");
    expect(activeLocale()).toBe("de-DE");
    expect(longDate("2027-12-24")).toBe("24. Dezember 2027");

    await fireEvent.change(select, { target: { value: "iso" } });
    expect(screen.getByTestId("locale-preview").textContent).toContain("2027-03-01 14:30 UTC");
    expect(localStorage.getItem(LOCALE_KEY)).toBe("iso");

    await fireEvent.change(select, { target: { value: "" } });
    expect(screen.getByTestId("locale-preview").textContent).toContain("1 March 2027");
    expect(localStorage.getItem(LOCALE_KEY)).toBeNull();
  });
});

import { afterEach } from "vitest";
import { cleanup, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { TrustAnchor } from "../bindings";

describe("Settings: signatures", () => {
  afterEach(clearMocks);
  afterEach(cleanup);

  const anchor = (id: number, name: string): TrustAnchor => ({
    id, name, subject: `${name} (The University of Northmoor)`, fingerprint: "D3:0D:B8:71:CC:50:72:8E:B1:EE:2D:5F:36:07:63:5F",
    not_before: "2025-12-03", not_after: "2036-12-03", added_at: "2026-12-03T10:00:00Z", added_by: "demo",
  });

  function backend() {
    const state = { tsa: null as string | null, anchors: [anchor(1, "Northmoor Research CA")] };
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    mockIPC((cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      if (cmd === "tsa_url") return state.tsa;
      if (cmd === "set_tsa_url") return (state.tsa = (a.url as string | null) ?? null);
      if (cmd === "trust_anchors") return state.anchors;
      if (cmd === "add_trust_anchor") {
        const n = anchor(2, (a.name as string) ?? "Test CA");
        state.anchors = [...state.anchors, n];
        return n;
      }
      if (cmd === "remove_trust_anchor") {
        const gone = state.anchors.find((x) => x.id === a.id);
        state.anchors = state.anchors.filter((x) => x.id !== a.id);
        return gone;
      }
      return null;
    });
    return { state, calls };
  }

  it("saves and clears the time-stamping authority", async () => {
    const { state } = backend();
    render(Settings);
    const input = (await screen.findByTestId("tsa-url")) as HTMLInputElement;
    await waitFor(() => expect(screen.getAllByTestId("trust-anchor-row")).toHaveLength(1));
    await fireEvent.input(input, { target: { value: " https://tsa.example.org/tsr " } });
    await fireEvent.click(screen.getByTestId("tsa-save"));
    await waitFor(() => expect(state.tsa).toBe("https://tsa.example.org/tsr"));
    expect((await screen.findByTestId("settings-note")).textContent).toContain("time-stamped by this authority");
    await fireEvent.click(screen.getByTestId("tsa-clear"));
    await waitFor(() => expect(state.tsa).toBeNull());
    expect(input.value).toBe("");
  });

  it("lists, adds and removes trust anchors, removal confirmed", async () => {
    const { state, calls } = backend();
    render(Settings);
    await waitFor(() => expect(screen.getAllByTestId("trust-anchor-row")).toHaveLength(1));
    expect(screen.getByTestId("trust-anchors").textContent).toContain("Northmoor Research CA");
    expect(screen.getByTestId("trust-anchors").textContent).toContain("3 December 2036");
    await fireEvent.input(screen.getByTestId("trust-add-path"), { target: { value: "/tmp/ca.pem" } });
    await fireEvent.input(screen.getByTestId("trust-add-name"), { target: { value: "Test CA" } });
    await fireEvent.click(screen.getByTestId("trust-add"));
    await waitFor(() => expect(screen.getAllByTestId("trust-anchor-row")).toHaveLength(2));
    expect(calls.find((c) => c.cmd === "add_trust_anchor")?.args).toMatchObject({ path: "/tmp/ca.pem", name: "Test CA" });
    await fireEvent.click(screen.getAllByTestId("trust-remove")[0]);
    expect(state.anchors).toHaveLength(2);
    await fireEvent.click(screen.getByTestId("trust-remove-confirm"));
    await waitFor(() => expect(screen.getAllByTestId("trust-anchor-row")).toHaveLength(1));
    expect(state.anchors.map((a) => a.name)).toEqual(["Test CA"]);
  });
});
