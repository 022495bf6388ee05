import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import Verify from "./Verify.svelte";
import type { SignatureReport, VerifyReport } from "../bindings";

const FP = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, "0").toUpperCase()).join(":");

function sig(over: Partial<SignatureReport> = {}): SignatureReport {
  return {
    field: "Signature1",
    signer: "Samuel Okafor",
    organisation: "The University of Northmoor",
    email: "s.okafor@northmoor.ac.uk",
    fingerprint: FP,
    signing_time: "2027-01-15T10:32:00Z",
    integrity: "valid",
    problem: null,
    signed_length: 48213,
    covers_whole_file: false,
    revision: 2,
    page: 3,
    rect: [72, 100, 300, 170],
    modified_after_signing: [],
    draft_matches: true,
    known: { kind: "partner", party_id: 2, party: "The University of Northmoor" },
    ...over,
  };
}

const good: VerifyReport = {
  file_length: 96512,
  revisions: 2,
  ok: true,
  signatures: [
    sig(),
    sig({ field: "Signature2", signer: "Helen Achterberg", organisation: "Ferrant GmbH", email: null, signed_length: 96512, covers_whole_file: true }),
  ],
  library_sources: ["from The University of Northmoor's library, release 12 (3 versions)"],
};

const broken: VerifyReport = {
  file_length: 120000,
  revisions: 3,
  ok: false,
  signatures: [
    sig({ modified_after_signing: ["page 1 content"], draft_matches: false }),
    sig({ field: "Signature2", signer: "Helen Achterberg", integrity: "digest_mismatch", signed_length: 110000 }),
  ],
};

type Call = { cmd: string; args: Record<string, unknown> };

function mock(answer: (c: Call) => unknown): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const c = { cmd, args: (args ?? {}) as Record<string, unknown> };
    calls.push(c);
    if (cmd === "plugin:event|listen") return c.args.handler;
    return answer(c);
  });
  return calls;
}

/** Delivers a window event to the listener the screen registered for it. */
function deliver(calls: Call[], event: string, payload: unknown) {
  const listen = calls.find((c) => c.cmd === "plugin:event|listen" && c.args.event === event);
  if (!listen) throw new Error(`nothing listens to ${event}`);
  const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: unknown, data: unknown) => void } }).__TAURI_INTERNALS__;
  internals.runCallback(listen.args.handler, { event, id: 1, payload });
}

// Hooks run last-registered first: unmount (which unlistens) before the mocks go.
afterEach(clearMocks);
afterEach(cleanup);

describe("Verify", () => {
  it("verifies the given path on mount and shows a valid report", async () => {
    const calls = mock((c) => (c.cmd === "verify_pdf" ? good : null));
    render(Verify, { path: "/tmp/nda-both.pdf" });
    const result = await screen.findByTestId("verify-result");
    expect((screen.getByTestId("verify-path") as HTMLInputElement).value).toBe("/tmp/nda-both.pdf");
    expect(screen.getByTestId("verify-verdict").textContent).toContain("Valid: every signature intact, nothing changed after signing");
    const cards = screen.getAllByTestId("signature");
    expect(cards).toHaveLength(2);
    expect(cards[0].textContent).toContain("Samuel Okafor");
    expect(cards[0].textContent).toContain("The University of Northmoor");
    expect(cards[0].textContent).toContain("15 January 2027, 10:32 UTC");
    expect(cards[0].textContent).toContain("Intact");
    expect(cards[0].textContent).toContain("only further signatures were added");
    expect(cards[0].textContent).toContain(FP);
    expect(cards[1].textContent).toContain("the whole file");
    expect(result.textContent).toContain("94.3 KB");
    expect(result.textContent).toContain("Steward draft is embedded");
    expect(screen.getByTestId("verify-library-sources").textContent).toBe("From The University of Northmoor's library, release 12 (3 versions), as the sender's store says.");
    const v = calls.filter((c) => c.cmd === "verify_pdf");
    expect(v).toHaveLength(1);
    expect(v[0].args.path).toBe("/tmp/nda-both.pdf");
  });

  it("says whose certificate each signature is", async () => {
    mockIPC((cmd) => {
      if (cmd === "verify_pdf") {
        return {
          ...good,
          signatures: [
            sig(),
            sig({ field: "Signature2", known: { kind: "identity", id: 3, name: "Aiko Tanabe" } }),
            sig({ field: "Signature3", known: { kind: "unknown" } }),
          ],
        };
      }
    });
    render(Verify, { path: "/tmp/three.pdf" });
    await screen.findByTestId("verify-result");
    const known = screen.getAllByTestId("signature-known").map((e) => e.textContent ?? "");
    expect(known[0]).toContain("the pinned key of The University of Northmoor");
    expect(known[1]).toContain("one of our identities (Aiko Tanabe)");
    expect(known[2]).toContain("unknown");
    // Beside the verdict, plainly: whose key each signature is.
    const trust = screen.getByTestId("verify-trust");
    expect(trust.textContent).toContain("signature 1 (Samuel Okafor): The University of Northmoor's pinned key");
    expect(trust.textContent).toContain("our identity");
    expect(trust.textContent).toContain("an unknown certificate (integrity checked, identity not)");
    expect(trust.classList.contains("warn")).toBe(true);
  });

  it("names what failed in a broken report", async () => {
    mock((c) => (c.cmd === "verify_pdf" ? broken : null));
    render(Verify, {});
    await fireEvent.input(screen.getByTestId("verify-path"), { target: { value: "/tmp/tampered.pdf" } });
    await fireEvent.click(screen.getByTestId("verify-go"));
    const verdict = await screen.findByTestId("verify-verdict");
    expect(verdict.textContent).toContain("Not valid");
    expect(verdict.textContent).not.toMatch(/^\W*Valid/);
    expect(verdict.textContent).toContain("changed after signing: page 1 content");
    expect(verdict.textContent).toContain("signature 2 (Helen Achterberg): the signed bytes were changed");
    const cards = screen.getAllByTestId("signature");
    expect(cards[1].querySelector("[data-testid=signature-status]")?.textContent).toBe("Broken digest");
    expect(cards[0].textContent).toContain("Embedded draft");
    expect(cards[0].textContent).toContain("changed after signing");
  });

  it("says a file without signatures is not valid", async () => {
    mock((c) => (c.cmd === "verify_pdf" ? { file_length: 900, revisions: 1, ok: false, signatures: [] } : null));
    render(Verify, { path: "/tmp/plain.pdf" });
    expect((await screen.findByTestId("verify-verdict")).textContent).toContain("Not valid: the file has no signatures");
  });

  it("shows an unreadable file in the error box", async () => {
    mock((c) =>
      c.cmd === "verify_pdf" ? Promise.reject({ kind: "io", message: "/tmp/x.pdf: cannot be read: No such file", fields: [] }) : null,
    );
    render(Verify, { path: "/tmp/x.pdf" });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("cannot be read");
    expect(screen.queryByTestId("verify-result")).toBeNull();
  });

  it("asks for a path before verifying", async () => {
    const calls = mock(() => null);
    render(Verify, {});
    await fireEvent.click(screen.getByTestId("verify-go"));
    expect((await screen.findByRole("alert")).textContent).toContain("Choose or type the path of a PDF");
    expect(calls.some((c) => c.cmd === "verify_pdf")).toBe(false);
  });

  it("verifies the first PDF dropped on the window", async () => {
    mockWindows("main");
    const calls = mock((c) => (c.cmd === "verify_pdf" ? good : null));
    render(Verify, {});
    // The listeners are registered asynchronously.
    await waitFor(() => expect(calls.filter((c) => c.cmd === "plugin:event|listen").length).toBe(4));
    deliver(calls, "tauri://drag-enter", { paths: ["/home/s/Signed.PDF"], position: { x: 10, y: 10 } });
    expect((await screen.findByTestId("verify-drop")).textContent).toContain("Drop the PDF to verify it");
    deliver(calls, "tauri://drag-drop", { paths: ["/home/s/notes.txt", "/home/s/Signed.PDF"], position: { x: 10, y: 10 } });
    await screen.findByTestId("verify-result");
    expect(calls.find((c) => c.cmd === "verify_pdf")?.args.path).toBe("/home/s/Signed.PDF");
    expect((screen.getByTestId("verify-path") as HTMLInputElement).value).toBe("/home/s/Signed.PDF");
  });

  it("refuses a dropped file that is not a PDF", async () => {
    mockWindows("main");
    const calls = mock(() => null);
    render(Verify, {});
    await waitFor(() => expect(calls.filter((c) => c.cmd === "plugin:event|listen").length).toBe(4));
    deliver(calls, "tauri://drag-drop", { paths: ["/home/s/notes.txt"], position: { x: 0, y: 0 } });
    expect((await screen.findByRole("alert")).textContent).toContain("Only a PDF file can be verified");
    expect(calls.some((c) => c.cmd === "verify_pdf")).toBe(false);
  });
});

describe("Verify: signatures that last", () => {
  const stamped: VerifyReport = {
    file_length: 120000,
    revisions: 3,
    ok: true,
    dss: { certificates: 5, crls: 1, ocsps: 0 },
    signatures: [
      sig({
        known: { kind: "trusted", anchor: "Northmoor Root" },
        timestamp: { time: "2027-01-15T10:32:05Z", authority: "Example TSA", valid: true, problem: null,
          chain: { state: "trusted", anchor: "TSA Root", path: ["Example TSA", "TSA Root"], problem: null, checked_at: "2027-01-15T10:32:05Z" } },
        chain: { state: "trusted", anchor: "Northmoor Root", path: ["Samuel Okafor", "Northmoor Signing CA", "Northmoor Root"], problem: null, checked_at: "2027-01-15T10:32:05Z" },
        ltv: true,
      }),
      sig({
        field: "Timestamp3",
        signer: "Example TSA",
        document_timestamp: true,
        covers_whole_file: true,
        known: { kind: "unknown" },
        timestamp: { time: "2027-01-16T08:00:00Z", authority: "Example TSA", valid: true, problem: null },
        chain: { state: "broken", anchor: null, path: [], problem: "Example TSA expired on 1 January 2027", checked_at: "2027-01-16T08:00:00Z" },
        ltv: false,
      }),
    ],
  };

  it("shows the stamped time, the certificate paths and the validation data", async () => {
    mock((c) => (c.cmd === "verify_pdf" ? stamped : null));
    render(Verify, { path: "/tmp/lta.pdf" });
    await screen.findByTestId("verify-result");
    const [ts, docTs] = screen.getAllByTestId("sig-timestamp");
    expect(ts.dataset.valid).toBe("true");
    expect(ts.textContent).toContain("15 January 2027, 10:32 UTC by Example TSA");
    expect(ts.textContent).toContain("Trusted to TSA Root");
    expect(docTs.textContent).toContain("16 January 2027");
    const [chain, broken] = screen.getAllByTestId("sig-chain");
    expect(chain.dataset.state).toBe("trusted");
    expect(chain.textContent).toContain("Trusted to Northmoor Root: Samuel Okafor → Northmoor Signing CA → Northmoor Root");
    expect(broken.dataset.state).toBe("broken");
    expect(broken.textContent).toContain("Not trusted: Example TSA expired on 1 January 2027");
    expect(screen.getByTestId("sig-kind").textContent).toContain("Document time stamp");
    const ltv = screen.getAllByTestId("sig-ltv");
    expect(ltv.map((e) => e.dataset.ltv)).toEqual(["true", "false"]);
    expect(screen.getByTestId("verify-dss").textContent).toContain("5 certificates, 1 CRLs");
    expect(screen.getAllByTestId("signature-known")[0].textContent).toContain("trust anchor Northmoor Root");
    expect(screen.getByTestId("verify-trust").textContent).toContain("trusted to Northmoor Root");
  });

  it("names a time stamp that does not hold as the reason the file is not valid", async () => {
    const bad: VerifyReport = {
      ...stamped,
      ok: false,
      dss: null,
      signatures: [sig({ timestamp: { time: "2027-01-15T10:32:05Z", authority: "Example TSA", valid: false, problem: "the time stamp is for other data" } })],
    };
    mock((c) => (c.cmd === "verify_pdf" ? bad : null));
    render(Verify, { path: "/tmp/moved.pdf" });
    await screen.findByTestId("verify-result");
    const ts = screen.getByTestId("sig-timestamp");
    expect(ts.dataset.valid).toBe("false");
    expect(ts.textContent).toContain("for other data");
    expect(screen.getByTestId("verify-verdict").textContent).toContain("its time stamp does not hold: the time stamp is for other data");
    expect(screen.queryByTestId("sig-ltv")).toBeNull();
    expect(screen.queryByTestId("verify-add-ltv")).toBeNull();
  });

  it("adds validation data to a verified file and verifies the new one", async () => {
    const calls = mock((c) => {
      if (c.cmd === "verify_pdf") return c.args.path === "/tmp/bt-lasting.pdf" ? stamped : good;
      if (c.cmd === "add_validation_data") return { certificates: 5, crls: 0, unreachable: ["http://crl.example/ca.crl"] };
      return null;
    });
    render(Verify, { path: "/tmp/bt.pdf" });
    await screen.findByTestId("verify-result");
    expect((screen.getByTestId("verify-lasting-path") as HTMLInputElement).value).toBe("/tmp/bt-lasting.pdf");
    await fireEvent.click(screen.getByTestId("verify-add-ltv"));
    await waitFor(() => expect(screen.getAllByTestId("sig-ltv")).toHaveLength(2));
    const add = calls.find((c) => c.cmd === "add_validation_data");
    expect(add?.args).toMatchObject({ path: "/tmp/bt.pdf", output: "/tmp/bt-lasting.pdf" });
    expect(screen.getByTestId("verify-lasting-note").textContent).toContain("Added 5 certificates and 0 CRLs. Not reachable: http://crl.example/ca.crl.");
    expect((screen.getByTestId("verify-path") as HTMLInputElement).value).toBe("/tmp/bt-lasting.pdf");
  });
});
