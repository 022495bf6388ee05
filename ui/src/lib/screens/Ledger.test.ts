import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Ledger from "./Ledger.svelte";
import type { CollaborationDetail, ExchangeRate, IpcError, LedgerEntry, Report } from "../bindings";
import { collaborationRecord, ferrant, northmoor, people } from "../test/fixtures";
import { setLocaleChoice } from "../locale.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const detail: CollaborationDetail = { ...collaborationRecord, members: [northmoor, ferrant], people };

function entry(over: Partial<LedgerEntry>): LedgerEntry {
  return {
    id: 1, collaboration_id: 1, date: "2027-01-05", party_id: 1, party: "Northmoor", person_id: null, person: null,
    category: "cash", currency: "GBP", amount_minor: 6000000, amount: "60000.00", measure: "money", quantity: null,
    rate: null, description: "First instalment", evidence_note: "Remittance NM-1", evidence_sha256: null,
    reverses: null, replaces: null, reversed_by: null, recorded_by: "tester", recorded_at: "2027-01-05T10:00:00.000Z",
    number: over.id ?? 1,
    ...over,
  };
}

function report(northmoor: [string, number, string], ferrant: [string, number, string]): Report {
  const line = (id: number, party: string, [total, bp, share]: [string, number, string]) => ({
    party_id: id, party, total_minor: Math.round(Number(total) * 100), total,
    by_category_minor: { cash: Math.round(Number(total) * 100) }, by_category: { cash: total },
    share_basis_points: bp, share,
  });
  return {
    currency: "GBP", as_of: null,
    parties: [line(1, "Northmoor", northmoor), line(2, "Ferrant", ferrant)],
    total_minor: 0, total: "100000.00", by_category: { cash: "100000.00" }, rates_used: [], entries: 2,
    rounding: "Shares are taken to hundredths of a per cent by the largest-remainder method.",
  };
}

type Call = { cmd: string; args: Record<string, unknown> };

/** A mocked backend: the handlers given win over the defaults; every call is recorded. */
function backend(over: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const calls: Call[] = [];
  const defaults: Record<string, (args: Record<string, unknown>) => unknown> = {
    collaboration: () => detail,
    ledger: () => [
      entry({ id: 1 }),
      entry({ id: 2, party_id: 2, party: "Ferrant", amount: "40000.00", amount_minor: 4000000, description: "Equipment loan", category: "equipment", evidence_note: null }),
    ],
    rates: () => [] as ExchangeRate[],
    ledger_report: () => ({ ...report(["60000.00", 6000, "60.00"], ["40000.00", 4000, "40.00"]), total_minor: 10000000 }),
  };
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    const h = over[cmd] ?? defaults[cmd];
    if (!h) throw { kind: "not_found", message: `no mock for ${cmd}`, fields: [] } satisfies IpcError;
    return h((args ?? {}) as Record<string, unknown>);
  });
  return calls;
}

async function type(testid: string, value: string) {
  await fireEvent.input(screen.getByTestId(testid), { target: { value } });
}

async function choose(testid: string, value: string) {
  await fireEvent.change(screen.getByTestId(testid), { target: { value } });
}

describe("Ledger", () => {
  it("renders the shares table and the bar chart from a report", async () => {
    const calls = backend();
    render(Ledger, { collab: 1 });

    const table = await screen.findByTestId("shares");
    const northmoor = table.querySelector('tr[data-party="University of Northmoor"]');
    const ferrant = table.querySelector('tr[data-party="Ferrant Composites GmbH"]');
    expect(northmoor?.querySelector(".share")?.textContent).toBe("60.00%");
    expect(ferrant?.querySelector(".share")?.textContent).toBe("40.00%");
    expect(within(table).getByTestId("report-total").textContent).toBe("100,000.00");

    const chart = screen.getByRole("img");
    expect(chart.getAttribute("aria-label")).toBe("Shares of contributions in GBP: Northmoor 60.00%, Ferrant 40.00%");
    const bars = chart.querySelectorAll<HTMLElement>(".bar");
    expect([...bars].map((b) => b.style.width)).toEqual(["60%", "40%"]);

    expect(calls.find((c) => c.cmd === "ledger_report")?.args).toEqual({ collab: 1, currency: "GBP", asOf: null });
    expect(screen.getByTestId("rounding").textContent).toContain("largest-remainder");
    // The entries are listed, each with its amount and currency.
    expect(screen.getAllByTestId("ledger-entry")).toHaveLength(2);
    expect(screen.getByText("GBP 60,000.00")).toBeTruthy();
  });

  it("sends the typed fields of a new entry and reloads the report", async () => {
    let added = false;
    const calls = backend({
      add_ledger_entry: () => {
        added = true;
        return entry({ id: 3, party_id: 2, party: "Ferrant", currency: "EUR", amount: "1807.50", measure: "hours" });
      },
      ledger_report: () =>
        added
          ? { ...report(["60000.00", 5000, "50.00"], ["60000.00", 5000, "50.00"]), total_minor: 12000000 }
          : { ...report(["60000.00", 6000, "60.00"], ["40000.00", 4000, "40.00"]), total_minor: 10000000 },
    });
    const { container } = render(Ledger, { collab: 1 });
    await screen.findByTestId("shares");

    await type("ledger-date", "2027-03-31");
    await choose("ledger-party", "2");
    await choose("ledger-person", "j.ferrant@ferrant.de");
    await choose("ledger-category", "staff_time");
    await fireEvent.click(screen.getByTestId("ledger-measure-hours"));
    await waitFor(() => expect(screen.getByTestId("ledger-hours")).toBeTruthy());
    expect(screen.queryByTestId("ledger-amount")).toBeNull();
    await type("ledger-hours", "37.5");
    await type("ledger-rate", "48.20");
    await type("ledger-currency", "eur");
    await type("ledger-description", "Postdoctoral researcher, March");
    await type("ledger-evidence", "Timesheet TS-3");
    await fireEvent.click(screen.getByTestId("ledger-add"));

    await waitFor(() =>
      expect(container.querySelector('tr[data-party="Ferrant Composites GmbH"] .share')?.textContent).toBe("50.00%"),
    );
    expect(calls.find((c) => c.cmd === "add_ledger_entry")?.args).toEqual({
      collab: 1,
      fields: {
        date: "2027-03-31",
        party: "2",
        person: "j.ferrant@ferrant.de",
        category: "staff_time",
        amount: "",
        currency: "EUR",
        hours: "37.5",
        fte_months: "",
        rate: "48.20",
        description: "Postdoctoral researcher, March",
        evidence: "Timesheet TS-3",
      },
      replaces: null,
    });
    // The entries and the report were loaded again; the description is cleared for the next entry.
    expect(calls.filter((c) => c.cmd === "ledger")).toHaveLength(2);
    expect(calls.filter((c) => c.cmd === "ledger_report")).toHaveLength(2);
    expect((screen.getByTestId("ledger-description") as HTMLInputElement).value).toBe("");
    expect(screen.getByTestId("ledger-notice").textContent).toContain("Entry 3 recorded");
  });

  it("shows an invalid entry's problems next to their fields", async () => {
    backend({
      add_ledger_entry: () => {
        throw {
          kind: "invalid",
          message: "invalid input: amount: must be more than zero; description: is required",
          fields: [
            { field: "amount", message: "must be more than zero (a correction is a reversal of the entry, not a negative entry)" },
            { field: "description", message: "is required" },
          ],
        } satisfies IpcError;
      },
    });
    render(Ledger, { collab: 1 });
    await screen.findByTestId("shares");
    await type("ledger-amount", "-5");
    await fireEvent.click(screen.getByTestId("ledger-add"));

    const amountError = await screen.findByTestId("ledger-amount-error");
    expect(amountError.textContent).toContain("must be more than zero");
    const amount = screen.getByTestId("ledger-amount");
    expect(amount.getAttribute("aria-invalid")).toBe("true");
    expect(amount.getAttribute("aria-describedby")).toBe(amountError.id);
    expect(screen.getByTestId("ledger-description-error").textContent).toBe("is required");
    expect(screen.queryByTestId("ledger-date-error")).toBeNull();
    expect(screen.getByTestId("error").textContent).toContain("Please check these values");
  });

  it("lists every bad CSV row with its line", async () => {
    const calls = backend({
      import_ledger_csv: () => {
        throw {
          kind: "invalid",
          message: "invalid input: line 3: currency: 'XYZ' is not an ISO 4217 currency code; line 6: party: 'Nobody' is not a party",
          fields: [
            { field: "line 3: currency", message: "'XYZ' is not an ISO 4217 currency code" },
            { field: "line 6: party", message: "'Nobody' is not a party of this collaboration (Northmoor, Ferrant)" },
          ],
        } satisfies IpcError;
      },
    });
    render(Ledger, { collab: 1 });
    await screen.findByTestId("shares");
    await type("ledger-csv-path", "/tmp/entries.csv");
    await fireEvent.click(screen.getByTestId("ledger-import"));

    const list = await screen.findByTestId("import-errors");
    const items = within(list).getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toEqual([
      "line 3: currency: 'XYZ' is not an ISO 4217 currency code",
      "line 6: party: 'Nobody' is not a party of this collaboration (Northmoor, Ferrant)",
    ]);
    const args = calls.find((c) => c.cmd === "import_ledger_csv")?.args;
    expect(args?.collab).toBe(1);
    expect(args?.path).toBe("/tmp/entries.csv");
    expect(args?.progress).toBeTypeOf("object");
  });

  it("reports what a successful import added", async () => {
    backend({ import_ledger_csv: () => ({ added: 13, reversals: 1, first_id: 3, last_id: 15 }) });
    render(Ledger, { collab: 1 });
    await screen.findByTestId("shares");
    await type("ledger-csv-path", "/tmp/entries.csv");
    await fireEvent.click(screen.getByTestId("ledger-import"));
    expect((await screen.findByTestId("import-result")).textContent).toContain("Added 13 entries (1 reversal)");
  });

  it("offers to record the exchange rate a report lacks", async () => {
    let haveRate = false;
    const calls = backend({
      ledger_report: () => {
        if (haveRate) return { ...report(["60000.00", 6000, "60.00"], ["40000.00", 4000, "40.00"]), total_minor: 10000000 };
        throw {
          kind: "invalid",
          message: "invalid input: no exchange rate is recorded for JPY→GBP on or before 2027-02-15 (2 entry date(s) need one)",
          fields: [{ field: "rate JPY→GBP", message: "no rate recorded on or before 2027-02-15 (2 entry date(s) need one)" }],
          data: { kind: "missing_rates", rates: [{ from: "JPY", to: "GBP", first_needed: "2027-02-15", entries_on_dates: 2 }] },
        } satisfies IpcError;
      },
      add_rate: (a) => {
        haveRate = true;
        return { id: 1, from: a.from, to: a.to, rate: a.rate, date: a.date, source: a.source, recorded_by: "t", recorded_at: "x" };
      },
    });
    render(Ledger, { collab: 1 });
    const box = await screen.findByTestId("missing-rate");
    expect(box.textContent).toContain("JPY→GBP");
    expect(box.textContent).not.toContain("steward rate add");
    expect((screen.getByTestId("missing-rate-from") as HTMLInputElement).value).toBe("JPY");
    expect((screen.getByTestId("missing-rate-to") as HTMLInputElement).value).toBe("GBP");
    expect((screen.getByTestId("missing-rate-date") as HTMLInputElement).value).toBe("15/02/2027");

    await type("missing-rate-rate", "0.0053");
    await type("missing-rate-source", "Bank of England");
    await fireEvent.click(screen.getByTestId("missing-rate-add"));
    await screen.findByTestId("shares");
    expect(calls.find((c) => c.cmd === "add_rate")?.args).toEqual({
      from: "JPY", to: "GBP", rate: "0.0053", date: "2027-02-15", source: "Bank of England",
    });
  });

  it("reverses an entry with a reason, and strikes reversed entries through", async () => {
    let reversed = false;
    const calls = backend({
      ledger: () =>
        reversed
          ? [
              entry({ id: 1, reversed_by: 3 }),
              entry({ id: 2, party_id: 2, party: "Ferrant", amount: "40000.00" }),
              entry({ id: 3, amount: "-60000.00", amount_minor: -6000000, reverses: 1, description: "Reversal of entry 1: Duplicate" }),
            ]
          : [entry({ id: 1 }), entry({ id: 2, party_id: 2, party: "Ferrant", amount: "40000.00" })],
      reverse_ledger_entry: () => {
        reversed = true;
        return entry({ id: 3, reverses: 1 });
      },
    });
    const { container } = render(Ledger, { collab: 1 });
    await screen.findByTestId("shares");
    await fireEvent.click(screen.getByTestId("reverse-1"));
    await type("reverse-reason", "Duplicate");
    await fireEvent.click(screen.getByTestId("reverse-confirm"));

    await waitFor(() => expect(container.querySelector('tr[data-entry="1"]')?.classList.contains("reversed")).toBe(true));
    expect(calls.find((c) => c.cmd === "reverse_ledger_entry")?.args).toEqual({ collab: 1, id: 1, reason: "Duplicate" });
    expect(container.querySelector('tr[data-entry="1"]')?.textContent).toContain("reversed by #3");
    expect(container.querySelector('tr[data-entry="3"]')?.textContent).toContain("reverses #1");
    // Neither a reversed entry nor a reversal can be reversed again.
    expect(screen.queryByTestId("reverse-1")).toBeNull();
    expect(screen.queryByTestId("reverse-3")).toBeNull();
  });

  it("names entries by their number in this collaboration, and sends their ids", async () => {
    let reversed = false;
    const first = entry({ id: 41, number: 1 });
    const second = entry({ id: 42, number: 2, party_id: 2, party: "Ferrant", amount: "40000.00", description: "Equipment loan" });
    const calls = backend({
      ledger: () =>
        reversed
          ? [{ ...first, reversed_by: 43 }, second, entry({ id: 43, number: 3, amount: "-60000.00", reverses: 41, description: "Reversal" })]
          : [first, second],
      reverse_ledger_entry: () => {
        reversed = true;
        return entry({ id: 43, number: 3, reverses: 41 });
      },
      add_ledger_entry: () => entry({ id: 44, number: 4, replaces: 42 }),
    });
    const { container } = render(Ledger, { collab: 1 });
    await screen.findByTestId("shares");
    const rows = screen.getAllByTestId("ledger-entry");
    expect(rows.map((r) => r.querySelector("td.id")?.textContent)).toEqual(["1", "2"]);
    expect(screen.getByTestId("reverse-41").getAttribute("aria-label")).toBe("Reverse entry 1");

    await fireEvent.click(screen.getByTestId("reverse-41"));
    expect(screen.getByLabelText("Why is entry 1 reversed?")).toBeTruthy();
    await type("reverse-reason", "Duplicate");
    await fireEvent.click(screen.getByTestId("reverse-confirm"));
    await waitFor(() => expect(screen.getByTestId("ledger-notice").textContent).toBe("Entry 1 reversed by entry 3."));
    expect(calls.find((c) => c.cmd === "reverse_ledger_entry")?.args).toEqual({ collab: 1, id: 41, reason: "Duplicate" });
    await waitFor(() => expect(container.querySelector('tr[data-entry="41"]')?.textContent).toContain("reversed by #3"));
    expect(container.querySelector('tr[data-entry="43"]')?.textContent).toContain("reverses #1");

    await fireEvent.click(screen.getByTestId("correct-42"));
    expect(screen.getByRole("heading", { name: "Correct entry 2" })).toBeTruthy();
    expect(screen.getByTestId("correcting").textContent).toContain("Saving reverses entry 2");
    expect(screen.getByTestId("ledger-add").textContent).toContain("Reverse entry 2 and record this");
    await fireEvent.click(screen.getByTestId("ledger-add"));
    await waitFor(() => expect(screen.getByTestId("ledger-notice").textContent).toBe("Entry 2 reversed and corrected by entry 4."));
    expect(calls.find((c) => c.cmd === "add_ledger_entry")?.args.replaces).toBe(42);
  });

  it("filters entries by party, category and text", async () => {
    backend();
    render(Ledger, { collab: 1 });
    await screen.findByTestId("shares");
    await choose("filter-party", "2");
    await waitFor(() => expect(screen.getAllByTestId("ledger-entry")).toHaveLength(1));
    expect(screen.getByTestId("ledger-entry").textContent).toContain("Equipment loan");
    await choose("filter-party", "");
    await type("filter-text", "instalment");
    await waitFor(() => expect(screen.getAllByTestId("ledger-entry")).toHaveLength(1));
    expect(screen.getByTestId("ledger-entry").textContent).toContain("First instalment");
    await type("filter-text", "");
    await choose("filter-category", "materials");
    expect(await screen.findByText("No entry matches these filters.")).toBeTruthy();
  });

  it("shows an empty state without entries", async () => {
    const calls = backend({ ledger: () => [] });
    render(Ledger, { collab: 1 });
    const empty = await screen.findByTestId("ledger-empty");
    expect(empty.textContent).toContain("No contributions recorded yet");
    expect(calls.some((c) => c.cmd === "ledger_report")).toBe(false);
    expect(screen.getByTestId("ledger-add")).toBeTruthy();
  });

  it("takes dates and amounts typed the way this machine writes them, and says when an amount is not a number", async () => {
    setLocaleChoice("de-DE");
    const calls = backend({ add_ledger_entry: () => entry({ id: 3, amount: "1250.50" }) });
    render(Ledger, { collab: 1 });
    await screen.findByTestId("shares");
    // Dates and amounts are shown the German way.
    expect(screen.getAllByText("5. Januar 2027", { selector: "td" })).toHaveLength(2);
    expect(screen.getAllByText("GBP 60.000,00").length).toBeGreaterThan(0);
    expect((screen.getByTestId("ledger-date") as HTMLInputElement).placeholder).toBe("dd.mm.yyyy");

    await fireEvent.input(screen.getByTestId("ledger-date"), { target: { value: "31.03.2027" } });
    await type("ledger-amount", "1.2.3");
    await type("ledger-description", "Second instalment");
    await fireEvent.click(screen.getByTestId("ledger-add"));
    const error = await screen.findByTestId("ledger-amount-error");
    expect(error.textContent).toBe("Type the amount as a number, such as 1.250,00 or 1250.00.");
    expect(screen.getByTestId("ledger-amount").getAttribute("aria-describedby")).toBe(error.id);
    expect(calls.some((c) => c.cmd === "add_ledger_entry")).toBe(false);

    await type("ledger-amount", "1.250,50");
    await fireEvent.click(screen.getByTestId("ledger-add"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "add_ledger_entry")).toBe(true));
    expect(screen.queryByTestId("ledger-amount-error")).toBeNull();
    const sent = calls.find((c) => c.cmd === "add_ledger_entry")?.args.fields as Record<string, string>;
    expect(sent.date).toBe("2027-03-31");
    expect(sent.amount).toBe("1250.50");
  });
});
