import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Publications from "./Publications.svelte";
import type { IpcError } from "../bindings";
import { longDate } from "../format";
import { backend, daysFromToday, demoDetail, demoIdentities, invalid, publication, type Handlers } from "../test/running";

function defaults(): Handlers {
  return {
    publications: () => [publication()],
    collaboration: () => demoDetail(),
    identities: () => demoIdentities,
    object_to_publication: () => publication(),
    consent_to_publication: () => publication(),
    resolve_objection: () => publication(),
    release_publication: () => publication({ status: "released" }),
    notify_publication: () => publication({ id: 2, number: 2 }),
  };
}

describe("Publications", () => {
  it("shows a review: who sent what to whom, its terms, the days left, objections, consents and what holds release back", async () => {
    backend(defaults());
    render(Publications, { collab: 1 });
    const card = await screen.findByTestId("publication-1");
    expect(card.textContent).toContain("Two-level-system loss in sputtered NbTiN resonators below 100 mK");
    expect(screen.getByTestId("pub-status-1").textContent).toBe("objected");
    expect(card.textContent).toContain(`Northmoor sent it to Kaminokawa Tech and Ferrant on ${longDate(daysFromToday(-20))}, for Physical Review Applied`);
    expect(card.textContent).toContain("nbtin-tls-loss-draft3.pdf");
    expect(card.textContent).toContain("9f86d081884c7d65");
    expect(card.textContent).not.toContain("9f86d081884c7d659a2f");
    expect(card.textContent).toContain("Under Publication agreement (revision 1): notice period 30 days, patent delay up to 3 months.");
    expect(screen.getByTestId("pub-countdown-1").textContent).toBe("10 days left to object");
    const objections = screen.getByTestId("pub-objections-1");
    expect(objections.textContent).toContain("Ferrant");
    expect(objections.textContent).toContain("patentable results");
    expect(objections.textContent).toContain("Section IV discloses the surface treatment");
    expect(objections.textContent).toContain(`until ${longDate(daysFromToday(70))}`);
    expect(screen.getByTestId("pub-consents-1").textContent).toContain("Kaminokawa Tech");
    const blocked = within(screen.getByTestId("pub-blocked-1")).getAllByRole("listitem").map((li) => li.textContent);
    expect(blocked).toEqual([`the review runs until ${daysFromToday(10)}`, "Ferrant's patent objection is not resolved"]);
    expect((screen.getByTestId("pub-release-1") as HTMLButtonElement).disabled).toBe(true);
  });

  it("says the review is closed once it has passed, and allows release when nothing holds it back", async () => {
    const calls = backend(defaults(), {
      publications: () => [publication({ days_left: -3, status: "under_review", objections: [], release_blocked_by: [], delay_until: null })],
    });
    render(Publications, { collab: 1 });
    expect((await screen.findByTestId("pub-countdown-1")).textContent).toBe("review closed");
    expect(screen.queryByTestId("pub-blocked-1")).toBeNull();
    const release = screen.getByTestId("pub-release-1") as HTMLButtonElement;
    expect(release.disabled).toBe(false);
    await fireEvent.click(release);
    const form = screen.getByTestId("pub-action-form");
    await fireEvent.input(within(form).getByTestId("pub-doi"), { target: { value: "10.1103/PhysRevApplied.27.014001" } });
    await fireEvent.input(within(form).getByTestId("pub-note"), { target: { value: "Submitted to the journal" } });
    await fireEvent.click(within(form).getByTestId("pub-action-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "release_publication")).toBe(true));
    expect(calls.find((c) => c.cmd === "release_publication")!.args).toEqual({ id: 1, doi: "10.1103/PhysRevApplied.27.014001", note: "Submitted to the journal", identity: 7 });
  });

  it("records an objection with its party and ground, signed by one of our identities", async () => {
    const calls = backend(defaults());
    render(Publications, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("pub-object-1"));
    const form = screen.getByTestId("pub-action-form");
    const party = within(form).getByTestId("pub-party") as HTMLSelectElement;
    expect([...party.options].map((o) => o.textContent)).toEqual(["Kaminokawa Tech", "Ferrant"]);
    const who = within(form).getByTestId("pub-action-identity") as HTMLSelectElement;
    expect(who.options.length).toBe(2);
    await fireEvent.change(party, { target: { value: "2" } });
    await fireEvent.change(within(form).getByTestId("pub-ground"), { target: { value: "confidential" } });
    await fireEvent.input(within(form).getByTestId("pub-note"), { target: { value: "Figure 3 shows Kaminokawa's cryostat wiring" } });
    await fireEvent.change(who, { target: { value: "8" } });
    await fireEvent.click(within(form).getByTestId("pub-action-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "object_to_publication")).toBe(true));
    expect(calls.find((c) => c.cmd === "object_to_publication")!.args).toEqual({
      id: 1, party: "2", ground: "confidential", note: "Figure 3 shows Kaminokawa's cryostat wiring", identity: 8,
    });
    await waitFor(() => expect(screen.queryByTestId("pub-action-form")).toBeNull());
  });

  it("shows a conflict in a box, and a missing note beside the note", async () => {
    const conflict: IpcError = { kind: "conflict", message: "publication 1 is already released", fields: [], data: null };
    let n = 0;
    backend(defaults(), {
      consent_to_publication: () => {
        n += 1;
        throw n === 1 ? conflict : invalid(["note", "say what the consent covers"]);
      },
    });
    render(Publications, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("pub-consent-1"));
    const form = screen.getByTestId("pub-action-form");
    // Kaminokawa Tech has consented already: Ferrant is offered first.
    expect((within(form).getByTestId("pub-party") as HTMLSelectElement).value).toBe("3");
    await fireEvent.click(within(form).getByTestId("pub-action-save"));
    const box = await within(form).findByTestId("error");
    expect(box.dataset.kind).toBe("conflict");
    expect(box.textContent).toContain("That cannot be done now");
    await fireEvent.click(within(form).getByTestId("pub-action-save"));
    await waitFor(() => expect(within(form).getByTestId("pub-note").closest(".field")!.textContent).toContain("say what the consent covers"));
    expect(within(form).queryByTestId("error")).toBeNull();
  });

  it("resolves an objection with a note and a revised file", async () => {
    const calls = backend(defaults());
    render(Publications, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("pub-resolve-3"));
    const form = screen.getByTestId("pub-action-form");
    await fireEvent.input(within(form).getByTestId("pub-note"), { target: { value: "GB application 2701234.5 filed" } });
    await fireEvent.input(within(form).getByTestId("pub-resolve-file"), { target: { value: "/papers/nbtin-draft4.pdf" } });
    await fireEvent.click(within(form).getByTestId("pub-action-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "resolve_objection")).toBe(true));
    expect(calls.find((c) => c.cmd === "resolve_objection")!.args).toEqual({
      id: 1, objection: 3, note: "GB application 2701234.5 filed", path: "/papers/nbtin-draft4.pdf", identity: 7,
    });
  });

  it("gives notice of a manuscript, naming the file, and shows a date inside the notice period at its field", async () => {
    const calls = backend(defaults(), {
      notify_publication: (a) => {
        const p = a.publication as { submit_by: string | null };
        if (p.submit_by === "2027-01-15") throw invalid(["submit_by", "2027-01-15 falls within the 30 days notice period of agreement 4"]);
        return publication({ id: 2 });
      },
    });
    render(Publications, { collab: 1 });
    await fireEvent.click(await screen.findByTestId("pub-notify"));
    await fireEvent.input(screen.getByTestId("pub-title"), { target: { value: "Quasiparticle loss in NbTiN" } });
    await fireEvent.input(screen.getByTestId("pub-file"), { target: { value: "/papers/qp-loss.pdf" } });
    await fireEvent.input(screen.getByTestId("pub-venue"), { target: { value: "Applied Physics Letters" } });
    await fireEvent.input(screen.getByTestId("pub-submit-by"), { target: { value: "2027-01-15" } });
    await fireEvent.click(screen.getByTestId("pub-notify-save"));
    await waitFor(() => expect(screen.getByTestId("pub-submit-by").closest(".field")!.textContent).toContain("falls within the 30 days notice period"));
    expect(calls.find((c) => c.cmd === "notify_publication")!.args).toEqual({
      collab: 1,
      publication: { title: "Quasiparticle loss in NbTiN", venue: "Applied Physics Letters", file_name: "qp-loss.pdf", submit_by: "2027-01-15", party: null, notice_date: null },
      path: "/papers/qp-loss.pdf",
      identity: 7,
    });
    await fireEvent.input(screen.getByTestId("pub-submit-by"), { target: { value: "2027-04-01" } });
    await fireEvent.click(screen.getByTestId("pub-notify-save"));
    await waitFor(() => expect(screen.queryByTestId("pub-notify-form")).toBeNull());
  });
});
