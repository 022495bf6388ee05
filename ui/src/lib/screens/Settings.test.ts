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
