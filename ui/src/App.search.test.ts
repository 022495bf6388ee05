// The global search as the shell mounts it: the sidebar's Search button (with its shortcut) and
// Ctrl+K open the one palette; closing it gives the focus back.
import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import App from "./App.svelte";
import { nav } from "./lib/nav.svelte";
import { backend } from "./lib/test/running";
import { collaborationSummary } from "./lib/test/fixtures";

afterEach(() => {
  nav.screen = { name: "collabs" };
});

function shell() {
  return backend({
    startup: () => ({ opened_demo: false, collaboration: null }),
    mark: () => null,
    list_collaborations: () => [collaborationSummary()],
    search: () => [
      { kind: "collaboration", id: 1, template: null, title: "Low-loss superconducting resonators", detail: "Northmoor, Ferrant", collaboration_id: 1 },
    ],
    collaboration: () => ({ ...collaborationSummary(), members: [], people: [] }),
    agreements: () => [],
    parties: () => [],
  });
}

describe("the shell's search", () => {
  it("opens from the sidebar's Search button, which shows its shortcut, and gives the focus back on Escape", async () => {
    shell();
    render(App, {});
    const button = await screen.findByTestId("nav-search");
    expect(button.textContent).toContain("Ctrl+K");
    expect(button.getAttribute("aria-keyshortcuts")).toContain("Control+K");
    expect(screen.getByRole("button", { name: "Search" })).toBe(button);
    button.focus();
    await fireEvent.click(button);
    const input = await screen.findByTestId("search-input");
    await waitFor(() => expect(document.activeElement).toBe(input));
    await fireEvent.keyDown(input, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("search-palette")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(button));
  });

  it("opens with Ctrl+K on any screen and opens what is chosen", async () => {
    shell();
    render(App, {});
    await screen.findByTestId("collab-list");
    await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    await fireEvent.input(await screen.findByTestId("search-input"), { target: { value: "low" } });
    await screen.findByTestId("search-result");
    await fireEvent.keyDown(screen.getByTestId("search-input"), { key: "Enter" });
    await waitFor(() => expect(nav.screen).toEqual({ name: "collab", id: 1 }));
    expect(screen.queryByTestId("search-palette")).toBeNull();
  });
});
