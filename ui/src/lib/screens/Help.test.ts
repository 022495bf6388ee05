import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Help, { HELP_TOPICS } from "./Help.svelte";
import { nav } from "../nav.svelte";

let scrolled: Element[];

beforeEach(() => {
  scrolled = [];
  // jsdom lays nothing out and has no scrollIntoView.
  Element.prototype.scrollIntoView = vi.fn(function (this: Element) {
    scrolled.push(this);
  });
});

afterEach(() => {
  delete (Element.prototype as Partial<Element>).scrollIntoView;
  nav.screen = { name: "collabs" };
  nav.lastCollab = null;
});

describe("Help", () => {
  it("has a part for every screen and tab, each with its id, heading and a link in the contents", () => {
    const { container } = render(Help, {});
    const ids = HELP_TOPICS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const want of ["collaborations", "parties", "agreements", "diligence", "risks", "obligations", "publications", "ip",
      "exit", "ledger", "decisions", "builder", "agreement", "library", "exchange", "verify", "identities", "due", "settings",
      "shortcuts"]) {
      expect(ids).toContain(want);
    }
    for (const t of HELP_TOPICS) {
      const part = container.querySelector(`#help-${t.id}`);
      expect(part, t.id).not.toBeNull();
      expect(within(part as HTMLElement).getByRole("heading", { level: 3 }).textContent).toBe(t.title);
      expect(screen.getByRole("link", { name: t.title }).getAttribute("href")).toBe(`#help-${t.id}`);
    }
  });

  it("speaks of what is done on each screen, and names the shortcuts", () => {
    const { container } = render(Help, {});
    const text = (id: string) => container.querySelector(`#help-${id}`)?.textContent ?? "";
    expect(text("ledger")).toContain("Reverse");
    expect(text("ledger")).toContain("never guesses a rate");
    expect(text("library")).toContain("reinstate");
    expect(text("library")).toContain("Sources and releases");
    expect(text("exchange")).toContain("countersign");
    expect(text("agreement")).toContain("Redline");
    expect(text("agreement")).toContain("Print");
    expect(text("identities")).toContain("credential store");
    expect(text("shortcuts")).toMatch(/Ctrl\s*\+\s*K/);
    expect(text("shortcuts")).toMatch(/Ctrl\s*\+\s*P/);
    expect(text("shortcuts")).toContain("Print the agreement being read");
  });

  it("opens each screen from its part", async () => {
    render(Help, {});
    await fireEvent.click(screen.getByTestId("help-go-library"));
    expect(nav.screen).toEqual({ name: "library" });
    await fireEvent.click(screen.getByTestId("help-go-exchange"));
    expect(nav.screen).toEqual({ name: "exchange" });
    await fireEvent.click(screen.getByTestId("help-go-verify"));
    expect(nav.screen).toEqual({ name: "verify" });
    await fireEvent.click(screen.getByTestId("help-go-collaborations"));
    expect(nav.screen).toEqual({ name: "collabs" });
    for (const t of HELP_TOPICS) {
      if (t.target) expect(screen.getByTestId(`help-go-${t.id}`)).toBeTruthy();
      else expect(screen.queryByTestId(`help-go-${t.id}`)).toBeNull();
    }
  });

  it("opens a collaboration's tab in the collaboration opened last, else the list to choose one", async () => {
    render(Help, {});
    expect(screen.getByTestId("help-go-ledger").textContent).toBe("Choose a collaboration");
    await fireEvent.click(screen.getByTestId("help-go-ledger"));
    expect(nav.screen).toEqual({ name: "collabs" });

    nav.lastCollab = 3;
    await waitFor(() => expect(screen.getByTestId("help-go-ledger").textContent).toBe("Open Ledger"));
    await fireEvent.click(screen.getByTestId("help-go-ledger"));
    expect(nav.screen).toEqual({ name: "collab", id: 3, tab: "ledger" });
    await fireEvent.click(screen.getByTestId("help-go-builder"));
    expect(nav.screen).toEqual({ name: "collab", id: 3, tab: "agreements" });
  });

  it("scrolls to the topic asked for, marks it and gives its heading the focus", async () => {
    const { container } = render(Help, { props: { topic: "ledger" } });
    const part = container.querySelector("#help-ledger")!;
    await waitFor(() => expect(scrolled).toContain(part));
    expect(document.activeElement).toBe(part.querySelector("h3"));
    expect(part.classList.contains("current")).toBe(true);
    expect(screen.getByRole("link", { name: "Ledger of contributions" }).getAttribute("aria-current")).toBe("true");
  });

  it("ignores a topic it does not have", async () => {
    render(Help, { props: { topic: "nothing-like-it" } });
    await new Promise((r) => setTimeout(r, 10));
    expect(scrolled).toEqual([]);
  });
});
