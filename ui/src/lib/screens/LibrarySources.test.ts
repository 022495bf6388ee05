import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import LibrarySources from "./LibrarySources.svelte";
import type { PullReport, Source } from "../bindings";
import { backend, demoIdentities, invalid, type Handlers } from "../test/running";

const fp = Array(32).fill("AB").join(":");

function source(over: Partial<Source> = {}): Source {
  return {
    id: 1, name: "northmoor", url: "git@git.northmoor.ac.uk:research-office/clauses.git", branch: "main", trusted: [fp],
    release: 1, library: "The University of Northmoor", publisher: "Samuel Okafor <s.okafor@northmoor.ac.uk>",
    released_at: "2027-01-04T10:00:00Z", last_pulled_at: "2027-01-05T09:00:00Z", created_at: "2027-01-05T08:00:00Z", ...over,
  };
}

function report(over: Partial<PullReport> = {}): PullReport {
  return {
    source: "northmoor", url: source().url, from_release: 1, release: 2, library: "The University of Northmoor",
    publisher: "Samuel Okafor <s.okafor@northmoor.ac.uk>", unchanged: false,
    changes: [{
      template_type: "clause", id: "pub.notice", title: "Notice of proposed publications", version: 2, change: "new", previous_version: 1,
      diff: [{ op: "insert", text: "The parties value open publication. " }, { op: "equal", text: "Each party may publish" }, { op: "delete", text: " freely" }],
    }],
    ...over,
  };
}

function defaults(): Handlers {
  return {
    library_sources: () => [source()],
    published_library_releases: () => [],
    identities: () => demoIdentities,
    follow_library: () => source({ id: 2, name: "kaminokawa", release: null }),
    pull_library: () => [report()],
    publish_library: () => ({ remote: "/srv/clauses.git", branch: "main", sequence: 3, previous: 2, library: "The University of Northmoor", versions: 58, changed: [], commit: "abc", manifest_sha256: "00".repeat(32), signed_by: "Dr Helen Achterberg <h@northmoor.ac.uk>" }),
  };
}

describe("Library sources", () => {
  it("lists sources with their release, pulls one and shows each changed clause as a word diff", async () => {
    const calls = backend(defaults());
    let pulled = 0;
    render(LibrarySources, { onpulled: () => pulled++ });
    const row = await screen.findByTestId("source-northmoor");
    expect(row.textContent).toContain("release 1");
    expect(row.textContent).toContain("The University of Northmoor");
    expect(row.textContent).toContain("(main)");
    await fireEvent.click(screen.getByTestId("source-pull-northmoor"));
    const done = await screen.findByTestId("source-pulled");
    expect(done.textContent).toContain("release 1 to release 2 of The University of Northmoor's library, signed by Samuel Okafor <s.okafor@northmoor.ac.uk>, verified");
    const change = within(done).getByTestId("source-change-pub.notice");
    expect(change.textContent).toContain("version 2 replaces version 1");
    expect(change.querySelector("ins")?.textContent).toBe("The parties value open publication. ");
    expect(change.querySelector("del")?.textContent).toBe(" freely");
    expect(calls.find((c) => c.cmd === "pull_library")!.args).toEqual({ name: "northmoor" });
    await waitFor(() => expect(pulled).toBe(1));
  });

  it("says a pull found nothing new, and shows a refused release's reason", async () => {
    backend(defaults(), { pull_library: () => [report({ unchanged: true, from_release: 2, changes: [] })] });
    render(LibrarySources, {});
    await fireEvent.click(await screen.findByTestId("source-pull-northmoor"));
    expect((await screen.findByTestId("source-pulled")).textContent).toContain("at release 2 of The University of Northmoor's library; nothing new");

    await waitFor(() => expect((screen.getByTestId("source-pull-northmoor") as HTMLButtonElement).disabled).toBe(false));
    backend(defaults(), { pull_library: () => { throw { kind: "release", message: "release 3 is signed by a key not trusted for 'northmoor'", fields: [], data: null }; } });
    await fireEvent.click(screen.getByTestId("source-pull-northmoor"));
    expect((await screen.findByTestId("source-pull-error")).textContent).toContain("not trusted for 'northmoor'");
  });

  it("follows a library with its trusted fingerprints, and puts a refusal beside the field", async () => {
    const calls = backend(defaults(), { follow_library: () => { throw invalid(["trust", "'12:34' is not a certificate fingerprint"]); } });
    render(LibrarySources, {});
    await fireEvent.click(await screen.findByTestId("source-follow"));
    const form = screen.getByTestId("source-follow-form");
    await fireEvent.input(within(form).getByTestId("source-url"), { target: { value: " /srv/kaminokawa.git " } });
    await fireEvent.input(within(form).getByTestId("source-trust"), { target: { value: `${fp}\n12:34\n` } });
    await fireEvent.input(within(form).getByTestId("source-name"), { target: { value: "kaminokawa" } });
    await fireEvent.click(within(form).getByTestId("source-follow-save"));
    expect(await within(form).findByText("'12:34' is not a certificate fingerprint")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "follow_library")!.args).toEqual({ url: "/srv/kaminokawa.git", trust: [fp, "12:34"], name: "kaminokawa", branch: null });
  });

  it("publishes a release signed by one of our identities", async () => {
    const calls = backend(defaults());
    render(LibrarySources, {});
    await fireEvent.click(await screen.findByTestId("publish-open"));
    const form = screen.getByTestId("publish-form");
    await fireEvent.input(within(form).getByTestId("publish-remote"), { target: { value: "/srv/clauses.git" } });
    await fireEvent.input(within(form).getByTestId("publish-note"), { target: { value: "notice clause" } });
    expect((within(form).getByTestId("publish-identity") as HTMLSelectElement).options.length).toBe(2);
    await fireEvent.click(within(form).getByTestId("publish-save"));
    await waitFor(() => expect(screen.getByTestId("publish-done").textContent).toContain("Release 3 of The University of Northmoor's library is published to /srv/clauses.git (main): 58 versions"));
    expect(calls.find((c) => c.cmd === "publish_library")!.args).toEqual({ remote: "/srv/clauses.git", branch: null, identity: 7, note: "notice clause" });
  });
});
