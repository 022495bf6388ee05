import { describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import TabsHarness from "../test/TabsHarness.svelte";

const tab = (name: string) => screen.getByRole("tab", { name });
const selected = () => screen.getAllByRole("tab").filter((t) => t.getAttribute("aria-selected") === "true").map((t) => t.textContent);

async function press(key: string) {
  await fireEvent.keyDown(document.activeElement!, { key });
}

describe("Tabs", () => {
  it("is a named tab list whose tabs say which is selected and which panel they show", () => {
    render(TabsHarness, {});
    expect(screen.getByRole("tablist", { name: "Letters" })).toBeTruthy();
    expect(screen.getAllByRole("tab").map((t) => [t.textContent, t.getAttribute("aria-selected"), t.getAttribute("aria-controls")])).toEqual([
      ["Alpha", "true", "harness-panel"],
      ["Beta", "false", "harness-panel"],
      ["Gamma", "false", "harness-panel"],
    ]);
    expect(screen.getByRole("tabpanel", { name: "Alpha" }).textContent).toBe("Panel alpha");
  });

  it("is one tab stop: only the selected tab is in the tab order", async () => {
    render(TabsHarness, {});
    expect(screen.getAllByRole("tab").map((t) => t.tabIndex)).toEqual([0, -1, -1]);
    await fireEvent.click(tab("Beta"));
    expect(screen.getAllByRole("tab").map((t) => t.tabIndex)).toEqual([-1, 0, -1]);
  });

  it("moves with Left and Right (wrapping round), Home and End, selecting as it goes", async () => {
    render(TabsHarness, {});
    tab("Alpha").focus();
    await press("ArrowRight");
    expect(document.activeElement).toBe(tab("Beta"));
    expect(selected()).toEqual(["Beta"]);
    expect(screen.getByRole("tabpanel").textContent).toBe("Panel beta");
    await press("ArrowRight");
    await press("ArrowRight");
    expect(document.activeElement).toBe(tab("Alpha"));
    await press("ArrowLeft");
    expect(document.activeElement).toBe(tab("Gamma"));
    expect(selected()).toEqual(["Gamma"]);
    await press("Home");
    expect(document.activeElement).toBe(tab("Alpha"));
    await press("End");
    expect(document.activeElement).toBe(tab("Gamma"));
    expect(selected()).toEqual(["Gamma"]);
  });

  it("leaves other keys alone", async () => {
    render(TabsHarness, {});
    tab("Alpha").focus();
    const down = new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true, cancelable: true });
    tab("Alpha").dispatchEvent(down);
    expect(down.defaultPrevented).toBe(false);
    expect(selected()).toEqual(["Alpha"]);
  });
});
