import { afterEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import axe from "axe-core";
import SearchPalette, { snippetRuns } from "./SearchPalette.svelte";
import type { Found } from "../bindings";
import { nav } from "../nav.svelte";
import { backend, type Handlers } from "../test/running";

afterEach(() => {
  nav.screen = { name: "collabs" };
});

function found(kind: Found["kind"], over: Partial<Found> = {}): Found {
  return { kind, id: 1, template: null, title: `A ${kind}`, detail: "", collaboration_id: null, ...over };
}

const everything: Found[] = [
  // The core ranks by how well the title matches, not by kind: the palette groups them.
  found("clause", { id: null, template: "nda.term", title: "Term", detail: "This agreement lasts for two [years]; the [Recipient] keeps it" }),
  found("collaboration", { id: 1, title: "Low-loss superconducting resonators", detail: "Northmoor, Ferrant", collaboration_id: 1 }),
  found("agreement", { id: 5, title: "Mutual Confidentiality Agreement", detail: "Low-loss superconducting resonators", collaboration_id: 1 }),
  found("party", { id: 2, title: "Ferrant Composites GmbH", detail: "Ferrant · DE", collaboration_id: 4 }),
  found("person", { id: 2, title: "Jonas Ferrant", detail: "j.ferrant@ferrant.de · Ferrant", collaboration_id: 4 }),
];

function handlers(over: Handlers = {}): Handlers {
  return {
    search: () => everything,
    ...over,
  };
}

async function openWithCtrlK() {
  await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
  return screen.findByTestId("search-palette");
}

async function type(text: string) {
  await fireEvent.input(screen.getByTestId("search-input"), { target: { value: text } });
}

describe("SearchPalette", () => {
  it("opens on Ctrl+K with the field focused, and closes on Escape", async () => {
    backend(handlers());
    render(SearchPalette, {});
    expect(screen.queryByTestId("search-palette")).toBeNull();
    const ev = new KeyboardEvent("keydown", { key: "k", ctrlKey: true, cancelable: true, bubbles: true });
    window.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(true);
    const dialog = await screen.findByTestId("search-palette");
    expect(dialog.getAttribute("role")).toBe("dialog");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(document.getElementById(dialog.getAttribute("aria-labelledby")!)?.textContent).toBe("Search");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("search-input")));

    await fireEvent.keyDown(screen.getByTestId("search-input"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("search-palette")).toBeNull());
  });

  it("opens on Cmd+K too", async () => {
    backend(handlers());
    render(SearchPalette, {});
    await fireEvent.keyDown(window, { key: "K", metaKey: true });
    expect(await screen.findByTestId("search-palette")).toBeTruthy();
  });

  it("searches as typed, once the typing pauses, and groups what it finds by kind", async () => {
    const calls = backend(handlers());
    render(SearchPalette, { open: true });
    await screen.findByTestId("search-palette");
    await type("f");
    await type("fe");
    await type("fer");
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(5));
    // One search, for what was typed last.
    expect(calls.filter((c) => c.cmd === "search").map((c) => c.args.query)).toEqual(["fer"]);

    const results = screen.getAllByTestId("search-result");
    expect(results.map((r) => r.dataset.kind)).toEqual(["collaboration", "agreement", "party", "person", "clause"]);
    const labels = [...screen.getByTestId("search-results").querySelectorAll(".group-label")].map((l) => l.textContent);
    expect(labels).toEqual(["Collaborations", "Agreements", "Parties", "People", "Clauses"]);
    expect(results[3].textContent).toContain("Jonas Ferrant");
    expect(results[3].textContent).toContain("j.ferrant@ferrant.de · Ferrant");
    // A clause's matched words are marked, without their brackets.
    const marks = [...results[4].querySelectorAll("mark")].map((m) => m.textContent);
    expect(marks).toEqual(["years", "Recipient"]);
    expect(results[4].textContent).not.toContain("[");
    expect(results[4].textContent).toContain("This agreement lasts for two years; the Recipient keeps it");

    const { violations } = await axe.run(screen.getByTestId("search-palette"), { rules: { "color-contrast": { enabled: false } } });
    expect(violations.map((v) => v.id)).toEqual([]);
  });

  it("ignores an answer that comes after a newer one", async () => {
    let slow: ((v: Found[]) => void) | null = null;
    const calls = backend(handlers({
      search: (a) => (a.query === "old" ? new Promise<Found[]>((r) => (slow = r)) : [found("collaboration", { title: "Fresh answer" })]),
    }));
    render(SearchPalette, { open: true });
    await screen.findByTestId("search-palette");
    await type("old");
    await waitFor(() => expect(calls.some((c) => c.cmd === "search")).toBe(true));
    await type("new");
    expect((await screen.findByTestId("search-result")).textContent).toContain("Fresh answer");
    slow!([found("collaboration", { title: "Stale answer" })]);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getAllByTestId("search-result").map((r) => r.textContent)).toEqual([expect.stringContaining("Fresh answer")]);
  });

  it("says so when nothing matches", async () => {
    backend(handlers({ search: () => [] }));
    render(SearchPalette, { open: true });
    await screen.findByTestId("search-palette");
    await type("zebra ");
    expect((await screen.findByTestId("search-nothing")).textContent).toBe("Nothing matches “zebra”.");
  });

  it("moves with Up and Down, names the active result, and opens it with Enter", async () => {
    backend(handlers());
    render(SearchPalette, { open: true });
    await screen.findByTestId("search-palette");
    await type("fer");
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(5));
    const input = screen.getByTestId("search-input");
    const results = screen.getAllByTestId("search-result");
    expect(input.getAttribute("aria-activedescendant")).toBe(results[0].id);
    expect(results[0].getAttribute("aria-selected")).toBe("true");
    await fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(input.getAttribute("aria-activedescendant")).toBe(results[1].id);
    expect(results[1].getAttribute("aria-selected")).toBe("true");
    expect(results[0].getAttribute("aria-selected")).toBe("false");
    await fireEvent.keyDown(input, { key: "ArrowUp" });
    await fireEvent.keyDown(input, { key: "ArrowUp" });
    // Up from the first wraps to the last.
    expect(input.getAttribute("aria-activedescendant")).toBe(results[4].id);
    await fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(nav.screen).toEqual({ name: "library", template: "nda.term" }));
    expect(screen.queryByTestId("search-palette")).toBeNull();
  });

  it("opens collaborations and agreements where they are", async () => {
    backend(handlers());
    render(SearchPalette, { open: true });
    await screen.findByTestId("search-palette");
    await type("fer");
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(5));
    await fireEvent.keyDown(screen.getByTestId("search-input"), { key: "ArrowDown" });
    await fireEvent.keyDown(screen.getByTestId("search-input"), { key: "Enter" });
    expect(nav.screen).toEqual({ name: "agreement", id: 5 });
  });

  it("opens a party on the parties tab of the first collaboration it is in", async () => {
    backend(handlers());
    render(SearchPalette, { open: true });
    await screen.findByTestId("search-palette");
    await type("fer");
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(5));
    await fireEvent.click(screen.getAllByTestId("search-result")[2]);
    await waitFor(() => expect(nav.screen).toEqual({ name: "collab", id: 4, tab: "parties" }));
    expect(screen.queryByTestId("search-palette")).toBeNull();
  });

  it("opens a person on the parties tab of a collaboration their party is in", async () => {
    backend(handlers());
    render(SearchPalette, { open: true });
    await screen.findByTestId("search-palette");
    await type("fer");
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(5));
    await fireEvent.click(screen.getAllByTestId("search-result")[3]);
    await waitFor(() => expect(nav.screen).toEqual({ name: "collab", id: 4, tab: "parties" }));
  });

  it("opens the collaborations list for a person whose party is in none", async () => {
    nav.screen = { name: "due" };
    backend(handlers({ search: () => everything.map((f) => (f.kind === "person" ? { ...f, collaboration_id: null } : f)) }));
    render(SearchPalette, { open: true });
    await screen.findByTestId("search-palette");
    await type("fer");
    await waitFor(() => expect(screen.getAllByTestId("search-result")).toHaveLength(5));
    await fireEvent.click(screen.getAllByTestId("search-result")[3]);
    await waitFor(() => expect(nav.screen).toEqual({ name: "collabs" }));
  });

  it("shows a failed search as an error", async () => {
    backend(handlers({ search: () => { throw { kind: "storage", message: "database is locked", fields: [], data: null }; } }));
    render(SearchPalette, { open: true });
    await screen.findByTestId("search-palette");
    await type("fer");
    expect((await screen.findByRole("alert")).textContent).toContain("database is locked");
  });
});

describe("snippetRuns", () => {
  it("splits a snippet into plain and matched runs", () => {
    expect(snippetRuns("…the [Recipient] shall [keep]")).toEqual([
      { text: "…the ", match: false },
      { text: "Recipient", match: true },
      { text: " shall ", match: false },
      { text: "keep", match: true },
    ]);
    expect(snippetRuns("no match here")).toEqual([{ text: "no match here", match: false }]);
  });
});
