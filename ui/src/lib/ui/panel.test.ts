import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import PanelHarness from "../test/PanelHarness.svelte";

async function open() {
  const opener = screen.getByRole("button", { name: "Open" });
  opener.focus();
  await fireEvent.click(opener);
  return opener;
}

describe("a panel opened in place", () => {
  it("takes the focus to its first field, closes on Escape and gives the focus back", async () => {
    render(PanelHarness, {});
    const opener = await open();
    expect(document.activeElement).toBe(screen.getByLabelText("Note"));
    await fireEvent.keyDown(screen.getByLabelText("Note"), { key: "Escape" });
    expect(screen.queryByRole("region", { name: "The panel" })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(opener));
  });

  it("gives the focus back when its Cancel button closes it", async () => {
    render(PanelHarness, {});
    const opener = await open();
    const cancel = screen.getByRole("button", { name: "Cancel" });
    cancel.focus();
    await fireEvent.click(cancel);
    await waitFor(() => expect(document.activeElement).toBe(opener));
  });

  it("leaves the focus where a click elsewhere put it", async () => {
    render(PanelHarness, {});
    await open();
    const elsewhere = screen.getByRole("button", { name: "Elsewhere" });
    elsewhere.focus();
    await fireEvent.click(elsewhere);
    expect(screen.queryByRole("region", { name: "The panel" })).toBeNull();
    await Promise.resolve();
    expect(document.activeElement).toBe(elsewhere);
  });

  it("takes the focus itself when it has nothing to fill in", async () => {
    render(PanelHarness, { fields: false });
    const opener = await open();
    const region = screen.getByRole("region", { name: "The panel" });
    expect(document.activeElement).toBe(region);
    expect(region.tabIndex).toBe(-1);
    await fireEvent.keyDown(region, { key: "Escape" });
    await waitFor(() => expect(document.activeElement).toBe(opener));
  });
});
