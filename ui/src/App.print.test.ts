// Printing the agreement being read: Ctrl+P (or Cmd+P) on the agreement screen, or its Print button,
// asks the window to print; on any other screen Ctrl+P is left alone. From the Redline and Export tabs
// the printout is still the agreement's text (a copy kept for print only).
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import App from "./App.svelte";
import Agreement from "./lib/screens/Agreement.svelte";
import { go, nav } from "./lib/nav.svelte";
import { backend, demoDetail } from "./lib/test/running";
import { collaborationSummary } from "./lib/test/fixtures";
import { agreementDetail, agreementDocument, agreementRedline } from "./lib/test/screens";

let print: MockInstance<() => void>;

beforeEach(() => {
  print = vi.spyOn(window, "print").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
  nav.screen = { name: "collabs" };
});

function core() {
  return backend({
    startup: () => ({ opened_demo: false, collaboration: null }),
    mark: () => null,
    list_collaborations: () => [collaborationSummary()],
    collaboration: () => demoDetail(),
    agreements: () => [],
    parties: () => [],
    agreement: () => agreementDetail(),
    render_agreement: () => agreementDocument,
    diff_agreement: () => agreementRedline,
    identities: () => [],
  });
}

describe("Ctrl+P", () => {
  it("prints the agreement shown, with Ctrl or Cmd, and keeps the key from doing anything else", async () => {
    core();
    render(App, {});
    await screen.findByTestId("collab-list");
    go({ name: "agreement", id: 5 });
    await screen.findByTestId("agreement-text");
    const ctrl = await fireEvent.keyDown(window, { key: "p", ctrlKey: true });
    expect(print).toHaveBeenCalledTimes(1);
    expect(ctrl).toBe(false); // the default was prevented
    await fireEvent.keyDown(window, { key: "P", metaKey: true });
    expect(print).toHaveBeenCalledTimes(2);
  });

  it("does nothing special on other screens, nor with other keys", async () => {
    core();
    render(App, {});
    await screen.findByTestId("collab-list");
    expect(await fireEvent.keyDown(window, { key: "p", ctrlKey: true })).toBe(true);
    go({ name: "collab", id: 1 });
    await screen.findByTestId("collab-detail");
    expect(await fireEvent.keyDown(window, { key: "p", ctrlKey: true })).toBe(true);
    go({ name: "agreement", id: 5 });
    await screen.findByTestId("agreement-text");
    await fireEvent.keyDown(window, { key: "p" });
    await fireEvent.keyDown(window, { key: "p", ctrlKey: true, shiftKey: true });
    expect(print).not.toHaveBeenCalled();
  });
});

describe("the agreement's Print button", () => {
  it("prints once the text is there, and says its shortcut", async () => {
    core();
    render(Agreement, { props: { id: 5 } });
    const button = await screen.findByTestId("agreement-print");
    await screen.findByTestId("agreement-text");
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    expect(button.getAttribute("aria-keyshortcuts")).toContain("Control+P");
    await fireEvent.click(button);
    expect(print).toHaveBeenCalledTimes(1);
  });

  it("prints the text from the Redline tab too: a copy of it is kept for print", async () => {
    const calls = core();
    const { container } = render(Agreement, { props: { id: 5, view: "redline" } });
    await screen.findByTestId("redline");
    await waitFor(() => expect(container.querySelector(".print-copy")?.textContent).toContain("This agreement lasts for two years."));
    expect(calls.find((c) => c.cmd === "render_agreement")?.args).toEqual({ id: 5, revision: 2 });
    expect(container.querySelectorAll(".print-doc")).toHaveLength(1);
    await fireEvent.click(screen.getByTestId("agreement-print"));
    expect(print).toHaveBeenCalledTimes(1);
  });

  it("on the Text tab prints the text shown, with no second copy", async () => {
    core();
    const { container } = render(Agreement, { props: { id: 5 } });
    await screen.findByTestId("agreement-text");
    expect(container.querySelector(".print-copy")).toBeNull();
    expect(container.querySelector(".print-doc [data-testid=agreement-text]")).not.toBeNull();
  });
});
