// One format for dates, times and amounts: the system's locale (en-GB in tests), or the one chosen
// in Settings; dates typed in the locale's order or as ISO 8601; amounts typed the locale's way.
import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { amountExample, dateHint, dateRange, dateTime, day, formatAmount, longDate, numericDate, parseAmount, parseDate } from "./format";
import { activeLocale, datePattern, ISO, LOCALE_KEY, localeChoice, setLocaleChoice, systemLocale } from "./locale.svelte";
import DateFieldForm from "./test/DateFieldForm.svelte";

describe("the locale", () => {
  it("follows the system until one is chosen, and keeps the choice", () => {
    expect(systemLocale()).toBe("en-GB");
    expect(localeChoice()).toBe("");
    expect(activeLocale()).toBe("en-GB");
    setLocaleChoice("de-DE");
    expect(activeLocale()).toBe("de-DE");
    expect(localStorage.getItem(LOCALE_KEY)).toBe("de-DE");
    setLocaleChoice("");
    expect(activeLocale()).toBe("en-GB");
    expect(localStorage.getItem(LOCALE_KEY)).toBeNull();
    setLocaleChoice("not a locale!");
    expect(localeChoice()).toBe("");
  });

  it("reads the choice kept on this machine when the window opens", async () => {
    localStorage.setItem(LOCALE_KEY, "fr-FR");
    vi.resetModules();
    const opened = await import("./locale.svelte");
    expect(opened.activeLocale()).toBe("fr-FR");
    localStorage.setItem(LOCALE_KEY, "nonsense!");
    vi.resetModules();
    expect((await import("./locale.svelte")).activeLocale()).toBe("en-GB");
  });

  it("writes dates and times in en-GB, en-US, de-DE and ISO 8601", () => {
    const cases: [string, string, string, string, string][] = [
      // locale, long date, date and time (UTC), another zone, a range
      ["en-GB", "1 March 2027", "1 March 2027, 09:30 UTC", "1 March 2027, 21:05 (UTC+02:00)", "1 January 2027 – 31 December 2029"],
      ["en-US", "March 1, 2027", "March 1, 2027, 9:30 AM UTC", "March 1, 2027, 9:05 PM (UTC+02:00)", "January 1, 2027 – December 31, 2029"],
      ["de-DE", "1. März 2027", "1. März 2027, 09:30 UTC", "1. März 2027, 21:05 (UTC+02:00)", "1. Januar 2027 – 31. Dezember 2029"],
      [ISO, "2027-03-01", "2027-03-01 09:30 UTC", "2027-03-01 21:05 (UTC+02:00)", "2027-01-01 – 2029-12-31"],
    ];
    for (const [locale, long, utc, zoned, range] of cases) {
      setLocaleChoice(locale);
      expect(longDate("2027-03-01"), locale).toBe(long);
      expect(day("2027-03-01T23:59:00.000Z"), locale).toBe(long);
      expect(dateTime("2027-03-01T09:30:00Z"), locale).toBe(utc);
      expect(dateTime("2027-03-01T21:05:00+02:00"), locale).toBe(zoned);
      expect(dateRange("2027-01-01", "2029-12-31"), locale).toBe(range);
    }
  });

  it("treats a date as a calendar day, whatever the time zone", () => {
    // The first and last days of a year are where a zone shift would show.
    expect(longDate("2027-01-01")).toBe("1 January 2027");
    expect(longDate("2026-12-31")).toBe("31 December 2026");
    expect(longDate("2026-10-01T09:00:00Z")).toBe("1 October 2026");
    expect(longDate("2027-02-31")).toBe("2027-02-31");
    expect(longDate("undated")).toBe("undated");
    expect(longDate(null)).toBe("");
  });

  it("derives the numeric date of each locale", () => {
    expect(datePattern("en-GB")).toEqual({ order: ["day", "month", "year"], separator: "/", placeholder: "dd/mm/yyyy" });
    expect(datePattern("en-US").placeholder).toBe("mm/dd/yyyy");
    expect(datePattern("de-DE").placeholder).toBe("dd.mm.yyyy");
    expect(datePattern("ja-JP").placeholder).toBe("yyyy/mm/dd");
    expect(datePattern(ISO).placeholder).toBe("yyyy-mm-dd");
    expect(numericDate("2027-03-01", "en-GB")).toBe("01/03/2027");
    expect(numericDate("2027-03-01", "en-US")).toBe("03/01/2027");
    expect(numericDate("2027-03-01", "de-DE")).toBe("01.03.2027");
  });

  it("reads dates typed in the locale's order, and ISO 8601 always", () => {
    const cases: [string, string, string | "format" | "no_such_day"][] = [
      ["en-GB", "01/03/2027", "2027-03-01"],
      ["en-GB", "1/3/2027", "2027-03-01"],
      ["en-GB", " 1.3.2027 ", "2027-03-01"],
      ["en-US", "3/1/2027", "2027-03-01"],
      ["en-US", "03/01/2027", "2027-03-01"],
      ["de-DE", "01.03.2027", "2027-03-01"],
      ["ja-JP", "2027/3/1", "2027-03-01"],
      ["en-GB", "2027-03-01", "2027-03-01"],
      ["en-US", "2027-03-01", "2027-03-01"],
      ["de-DE", "2027-3-1", "2027-03-01"],
      [ISO, "2027-03-01", "2027-03-01"],
      ["en-GB", "29/02/2028", "2028-02-29"],
      ["en-GB", "", ""],
      ["en-GB", "31/02/2027", "no_such_day"],
      ["en-GB", "29/02/2027", "no_such_day"],
      ["en-GB", "13/13/2027", "no_such_day"],
      ["en-US", "31/12/2027", "no_such_day"],
      ["en-GB", "01/03/27", "format"],
      ["en-GB", "1 March 2027", "format"],
      ["en-GB", "tomorrow", "format"],
      ["en-GB", "01/03", "format"],
    ];
    for (const [locale, text, want] of cases) {
      const r = parseDate(text, locale);
      expect("iso" in r ? r.iso : r.problem, `${locale} ${JSON.stringify(text)}`).toBe(want);
    }
    expect(dateHint("format", "en-GB")).toBe("Type the date as dd/mm/yyyy or 2027-03-01.");
    expect(dateHint("format", "de-DE")).toBe("Type the date as dd.mm.yyyy or 2027-03-01.");
    expect(dateHint("no_such_day", "en-US")).toBe("That day is not in the calendar. Type the date as mm/dd/yyyy or 2027-03-01.");
  });

  it("reads amounts typed the locale's way or plainly, without rounding", () => {
    const cases: [string, string, string | null][] = [
      ["de-DE", "1.250,00", "1250.00"],
      ["de-DE", "1250,00", "1250.00"],
      ["de-DE", "1.250", "1250"],
      ["de-DE", "1250.00", "1250.00"],
      ["de-DE", "0.8571", "0.8571"],
      ["de-DE", "1.234.567,891", "1234567.891"],
      ["en-GB", "1,250.00", "1250.00"],
      ["en-US", "1,250.00", "1250.00"],
      ["en-GB", "1250.00", "1250.00"],
      ["en-GB", "1250", "1250"],
      ["en-GB", "-5", "-5"],
      ["en-GB", "0.1", "0.1"],
      ["en-GB", "12345678901234567.89", "12345678901234567.89"],
      ["en-GB", "007.50", "7.50"],
      ["fr-FR", "1 250,00", "1250.00"],
      ["fr-FR", "1\u00a0250,00", "1250.00"],
      ["fr-FR", "1\u202f250,00", "1250.00"],
      ["fr-FR", "1250.00", "1250.00"],
      [ISO, "1250.00", "1250.00"],
      [ISO, "1\u202f250.00", "1250.00"],
      ["en-GB", "1.2.3", null],
      ["de-DE", "1.2.3", null],
      ["en-GB", "abc", null],
      ["en-GB", "", null],
      ["en-GB", "   ", null],
      ["en-GB", "1,25,0", null],
      ["de-DE", "1,25,0", null],
      ["en-GB", "1,25", null],
      ["en-GB", "1.250,00", null],
      ["de-DE", "1,250.00", null],
      ["en-GB", "12a", null],
      ["en-GB", "-", null],
      ["en-GB", "1e3", null],
    ];
    for (const [locale, text, want] of cases) expect(parseAmount(text, locale), `${locale} ${JSON.stringify(text)}`).toBe(want);
  });

  it("writes amounts the locale's way", () => {
    expect(formatAmount("1250.00", "en-GB")).toBe("1,250.00");
    expect(formatAmount("1250.00", "en-US")).toBe("1,250.00");
    expect(formatAmount("-1234567.50", "de-DE")).toBe("-1.234.567,50");
    expect(formatAmount("1250.00", "fr-FR")).toBe("1\u202f250,00");
    expect(formatAmount("1250.00", ISO)).toBe("1\u202f250.00");
    expect(formatAmount("12345678901234567.89", "en-GB")).toBe("12,345,678,901,234,567.89");
    expect(formatAmount("100", "en-GB")).toBe("100");
    expect(formatAmount("n/a", "en-GB")).toBe("n/a");
    expect(amountExample("1250.00", "de-DE")).toBe("1.250,00 or 1250.00");
    expect(amountExample("0.5", "en-GB")).toBe("0.5");
  });
});

describe("a date field", () => {
  async function type(text: string) {
    const field = screen.getByTestId("when") as HTMLInputElement;
    await fireEvent.input(field, { target: { value: text } });
    await fireEvent.change(field);
  }
  const bound = () => screen.getByTestId("bound").textContent;

  it("takes the date in the locale's order or as ISO, and shows a value set from outside in that order", async () => {
    render(DateFieldForm, { onsubmitted: () => {} });
    const field = screen.getByLabelText("When") as HTMLInputElement;
    expect(field.placeholder).toBe("dd/mm/yyyy");
    await type("01/03/2027");
    expect(bound()).toBe("2027-03-01");
    await type("2/3/2027");
    expect(bound()).toBe("2027-03-02");
    expect(field.value).toBe("2/3/2027");
    await type("2027-04-05");
    expect(bound()).toBe("2027-04-05");
    expect(field.value).toBe("2027-04-05");
    await type("");
    expect(bound()).toBe("");

    await fireEvent.click(screen.getByTestId("set"));
    expect(field.value).toBe("01/03/2027");
    setLocaleChoice("en-US");
    await Promise.resolve();
    await fireEvent.click(screen.getByTestId("set"));
    expect(field.value).toBe("03/01/2027");
    expect(field.placeholder).toBe("mm/dd/yyyy");
    await type("3/2/2027");
    expect(bound()).toBe("2027-03-02");
    await type("2027-03-01");
    expect(bound()).toBe("2027-03-01");
  });

  it("says how to type a date that is not one, keeps the last date, and stops the form", async () => {
    const submitted = vi.fn();
    render(DateFieldForm, { onsubmitted: submitted });
    const field = screen.getByTestId("when") as HTMLInputElement;
    await type("01/03/2027");
    await fireEvent.input(field, { target: { value: "31/02/2027" } });
    // While it is typed nothing is said yet, but the form already knows.
    expect(field.getAttribute("aria-invalid")).toBeNull();
    expect(screen.getByTestId("invalid").textContent).toBe("invalid");
    await fireEvent.change(field);
    const error = screen.getByText("That day is not in the calendar. Type the date as dd/mm/yyyy or 2027-03-01.");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.getAttribute("aria-describedby")).toBe(error.id);
    expect(bound()).toBe("2027-03-01");

    await fireEvent.click(screen.getByTestId("save"));
    expect(submitted).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(field);

    await type("next week");
    expect(screen.getByText("Type the date as dd/mm/yyyy or 2027-03-01.")).toBeTruthy();
    await type("28/02/2027");
    expect(screen.queryByText(/Type the date as/)).toBeNull();
    expect(field.getAttribute("aria-invalid")).toBeNull();
    expect(screen.getByTestId("invalid").textContent).toBe("valid");
    await fireEvent.click(screen.getByTestId("save"));
    expect(submitted).toHaveBeenCalledWith("2027-02-28");
  });
});
