// The parties tab's people: added with a word of success, edited in place, removed once confirmed
// (deleted, or archived where records name them).
import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Collaboration from "./Collaboration.svelte";
import type { CollaborationDetail, Person } from "../bindings";
import { collaborationRecord, ferrant, northmoor, people } from "../test/fixtures";
import { backend, invalid, type Handlers } from "../test/running";

function detail(list: Person[] = people): CollaborationDetail {
  return { ...collaborationRecord, members: [northmoor, ferrant], people: list };
}

function handlers(over: Handlers = {}): Handlers {
  return {
    collaboration: () => detail(),
    agreements: () => [],
    parties: () => [],
    mark: () => null,
    ...over,
  };
}

async function type(testid: string, value: string) {
  await fireEvent.input(screen.getByTestId(testid), { target: { value } });
}

describe("Collaboration: people", () => {
  it("says who was added to which party, and keeps the party for the next person", async () => {
    const calls = backend(handlers({ add_person: () => 3 }));
    render(Collaboration, { id: 1 });
    await screen.findByTestId("members");
    await fireEvent.change(screen.getByTestId("person-party"), { target: { value: "2" } });
    await type("person-name", "Jonas Ferrant");
    await type("person-email", "jonas@ferrant.de");
    await fireEvent.click(screen.getByTestId("person-add"));
    expect((await screen.findByTestId("person-done")).textContent).toBe("Added Jonas Ferrant to Ferrant Composites GmbH.");
    expect(calls.find((c) => c.cmd === "add_person")?.args).toEqual({
      person: { name: "Jonas Ferrant", email: "jonas@ferrant.de", orcid: null, party_id: 2 },
    });
    expect((screen.getByTestId("person-name") as HTMLInputElement).value).toBe("");
    expect((screen.getByTestId("person-party") as HTMLSelectElement).value).toBe("2");
  });

  it("says a party was added, and sets the role back to partner after a lead", async () => {
    const calls = backend(handlers({ add_party: () => 9, add_member: () => null }));
    render(Collaboration, { id: 1 });
    await screen.findByTestId("members");
    await type("party-legal_name", "Kisaragi Institute of Technology");
    await type("party-country", "JP");
    await fireEvent.change(screen.getByTestId("party-role"), { target: { value: "lead" } });
    await fireEvent.click(screen.getByTestId("party-add"));
    expect((await screen.findByTestId("party-done")).textContent).toBe("Added Kisaragi Institute of Technology as lead.");
    expect(calls.find((c) => c.cmd === "add_member")?.args).toEqual({ collab: 1, party: 9, role: "lead" });
    expect((screen.getByTestId("party-role") as HTMLSelectElement).value).toBe("partner");
    expect((screen.getByTestId("party-legal_name") as HTMLInputElement).value).toBe("");
  });

  it("edits a person in place, with the core's problems beside their fields", async () => {
    let saved = false;
    let attempts = 0;
    const calls = backend(handlers({
      collaboration: () => detail(saved ? [people[0], { ...people[1], name: "Dr Jonas Ferrant", orcid: "0000-0002-1825-0097" }] : people),
      update_person: (a) => {
        attempts += 1;
        if (attempts === 1) throw invalid(["orcid", "is not a valid ORCID iD"]);
        saved = true;
        return { ...people[1], name: a.name, email: a.email, orcid: a.orcid };
      },
    }));
    render(Collaboration, { id: 1 });
    await fireEvent.click(await screen.findByTestId("person-edit-2"));
    const form = screen.getByRole("form", { name: "Edit Jonas Ferrant" });
    expect((screen.getByTestId("person-edit-name") as HTMLInputElement).value).toBe("Jonas Ferrant");
    expect((screen.getByTestId("person-edit-email") as HTMLInputElement).value).toBe("j.ferrant@ferrant.de");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("person-edit-name")));

    await type("person-edit-name", "Dr Jonas Ferrant");
    await type("person-edit-orcid", "0000-0002-1825-009");
    await fireEvent.submit(form);
    expect(await within(form).findByText("is not a valid ORCID iD")).toBeTruthy();
    expect(screen.getByTestId("person-edit-orcid").getAttribute("aria-invalid")).toBe("true");
    expect(within(form).queryByTestId("error")).toBeNull();

    await type("person-edit-orcid", "0000-0002-1825-0097");
    await fireEvent.submit(form);
    expect((await screen.findByTestId("people-notice")).textContent).toBe("Saved Dr Jonas Ferrant.");
    expect(calls.filter((c) => c.cmd === "update_person").at(-1)?.args).toEqual({
      id: 2, name: "Dr Jonas Ferrant", email: "j.ferrant@ferrant.de", orcid: "0000-0002-1825-0097",
    });
    expect(screen.queryByRole("form", { name: "Edit Jonas Ferrant" })).toBeNull();
    await waitFor(() => expect(screen.getByTestId("person-2").textContent).toContain("ORCID 0000-0002-1825-0097"));
  });

  it("asks before removing a person, and says they were deleted", async () => {
    let removed = false;
    const calls = backend(handlers({
      collaboration: () => detail(removed ? [people[0]] : people),
      remove_person: () => {
        removed = true;
        return "deleted";
      },
    }));
    render(Collaboration, { id: 1 });
    await fireEvent.click(await screen.findByTestId("person-remove-2"));
    const confirm = screen.getByTestId("person-remove-confirm");
    expect(confirm.textContent).toContain("Remove Jonas Ferrant?");
    expect(calls.some((c) => c.cmd === "remove_person")).toBe(false);
    await fireEvent.click(within(confirm).getByText("Cancel"));
    expect(screen.queryByTestId("person-remove-confirm")).toBeNull();

    await fireEvent.click(screen.getByTestId("person-remove-2"));
    await fireEvent.click(screen.getByTestId("person-remove-yes"));
    expect((await screen.findByTestId("people-notice")).textContent).toBe("Removed Jonas Ferrant.");
    expect(calls.find((c) => c.cmd === "remove_person")?.args).toEqual({ id: 2 });
    await waitFor(() => expect(screen.queryByTestId("person-2")).toBeNull());
  });

  it("says when a removed person is archived because records name them", async () => {
    backend(handlers({ remove_person: () => "archived" }));
    render(Collaboration, { id: 1 });
    await fireEvent.click(await screen.findByTestId("person-remove-1"));
    await fireEvent.click(screen.getByTestId("person-remove-yes"));
    const notice = await screen.findByTestId("people-notice");
    expect(notice.textContent).toContain("Helen Achterberg is archived, not deleted");
    expect(notice.textContent).toContain("records still name them");
  });

  it("shows why a removal failed", async () => {
    backend(handlers({ remove_person: () => { throw { kind: "storage", message: "database is locked", fields: [], data: null }; } }));
    render(Collaboration, { id: 1 });
    await fireEvent.click(await screen.findByTestId("person-remove-1"));
    await fireEvent.click(screen.getByTestId("person-remove-yes"));
    expect((await within(screen.getByTestId("person-remove-confirm")).findByRole("alert")).textContent).toContain("database is locked");
  });
});
