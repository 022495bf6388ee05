import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { save } from "@tauri-apps/plugin-dialog";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Identities from "./Identities.svelte";
import type { Identity } from "../bindings";

const fp = (seed: number) =>
  Array.from({ length: 32 }, (_, i) => ((i * 13 + seed) % 256).toString(16).padStart(2, "0").toUpperCase()).join(":");

const samuel: Identity = {
  id: 1,
  name: "Samuel Okafor",
  email: "s.okafor@northmoor.ac.uk",
  organisation: "The University of Northmoor",
  key_kind: "p256",
  fingerprint: fp(1),
  origin: "generated",
  created_at: "2026-11-01T09:00:00.000Z", expires_at: "2031-11-01", expiry: "valid",
};

const helen: Identity = {
  id: 2,
  name: "Helen Achterberg",
  email: "h.achterberg@ferrant.de",
  organisation: null,
  key_kind: "rsa3072",
  fingerprint: fp(7),
  origin: "imported",
  created_at: "2026-11-03T14:20:00.000Z", expires_at: "2031-11-01", expiry: "valid",
};

type Call = { cmd: string; args: Record<string, unknown> };

function mock(answer: (c: Call) => unknown): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const c = { cmd, args: (args ?? {}) as Record<string, unknown> };
    calls.push(c);
    return answer(c);
  });
  return calls;
}

afterEach(clearMocks);
afterEach(cleanup);

describe("Identities", () => {
  it("lists identities with their full fingerprints", async () => {
    mock((c) => (c.cmd === "identities" ? [samuel, helen] : null));
    render(Identities, {});
    const list = await screen.findByTestId("identity-list");
    expect(list.textContent).toContain("Samuel Okafor");
    expect(list.textContent).toContain("The University of Northmoor");
    expect(list.textContent).toContain("ECDSA P-256");
    expect(list.textContent).toContain("RSA 3072");
    expect(list.textContent).toContain("imported");
    expect(list.textContent).toContain("1 November 2026");
    const fps = screen.getAllByTestId("identity-fingerprint").map((e) => e.textContent);
    expect(fps).toEqual([samuel.fingerprint, helen.fingerprint]);
  });

  it("explains identities when there are none", async () => {
    mock((c) => (c.cmd === "identities" ? [] : null));
    render(Identities, {});
    const empty = await screen.findByTestId("identity-empty");
    expect(empty.textContent).toContain("credential store");
    expect(empty.textContent).toContain("certificate");
  });

  it("creates an identity from the form", async () => {
    let list: Identity[] = [];
    const calls = mock((c) => {
      if (c.cmd === "identities") return list;
      if (c.cmd === "create_identity") {
        const made: Identity = { ...samuel, id: 3, name: c.args.name as string, email: c.args.email as string, organisation: null };
        list = [made];
        return made;
      }
      return null;
    });
    render(Identities, {});
    await screen.findByTestId("identity-empty");
    await fireEvent.input(screen.getByTestId("identity-name"), { target: { value: " Mina Park " } });
    await fireEvent.input(screen.getByTestId("identity-email"), { target: { value: "mina@example.org" } });
    await fireEvent.change(screen.getByTestId("identity-key"), { target: { value: "rsa3072" } });
    await fireEvent.click(screen.getByTestId("identity-create"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "create_identity")).toBe(true));
    expect(calls.find((c) => c.cmd === "create_identity")!.args).toEqual({
      name: "Mina Park",
      email: "mina@example.org",
      organisation: null,
      key: "rsa3072",
    });
    expect((await screen.findByTestId("identity-list")).textContent).toContain("Mina Park");
    expect((screen.getByTestId("identity-name") as HTMLInputElement).value).toBe("");
  });

  it("shows field errors next to their inputs", async () => {
    mock((c) => {
      if (c.cmd === "identities") return [];
      if (c.cmd === "create_identity")
        return Promise.reject({
          kind: "invalid",
          message: "email: not an e-mail address",
          fields: [{ field: "email", message: "not an e-mail address" }],
        });
      return null;
    });
    render(Identities, {});
    await screen.findByTestId("identity-empty");
    await fireEvent.input(screen.getByTestId("identity-name"), { target: { value: "Mina Park" } });
    await fireEvent.input(screen.getByTestId("identity-email"), { target: { value: "mina" } });
    await fireEvent.input(screen.getByTestId("identity-org"), { target: { value: "Ferrant GmbH" } });
    await fireEvent.click(screen.getByTestId("identity-create"));
    const err = await screen.findByText("not an e-mail address");
    expect(err.id).toBe("identity-email-err");
    expect(screen.getByTestId("identity-email").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("identity-name").getAttribute("aria-invalid")).toBeNull();
  });

  it("imports a .p12 file and hints at a locked credential store on failure", async () => {
    const calls = mock((c) => {
      if (c.cmd === "identities") return [samuel];
      if (c.cmd === "import_identity")
        return Promise.reject({ kind: "credentials", message: "the credential store is locked", fields: [] });
      return null;
    });
    render(Identities, {});
    await screen.findByTestId("identity-list");
    await fireEvent.input(screen.getByTestId("identity-p12"), { target: { value: "/home/s/office.p12" } });
    await fireEvent.input(screen.getByTestId("identity-password"), { target: { value: "s3cret" } });
    await fireEvent.click(screen.getByTestId("identity-import"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "import_identity")).toBe(true));
    expect(calls.find((c) => c.cmd === "import_identity")!.args).toEqual({ path: "/home/s/office.p12", password: "s3cret" });
    expect((await screen.findByRole("alert")).textContent).toContain("the credential store is locked");
    expect(screen.getByTestId("credential-hint").textContent).toContain("may be locked");
    expect((screen.getByTestId("identity-password") as HTMLInputElement).value).toBe("");
  });

  it("exports an identity's certificate where the save dialog says, named after the identity", async () => {
    vi.mocked(save).mockResolvedValueOnce("/home/s/samuel-okafor.pem");
    const calls = mock((c) => (c.cmd === "identities" ? [samuel, helen] : null));
    render(Identities, {});
    await fireEvent.click(await screen.findByTestId("identity-export-1"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "export_identity_certificate")).toBe(true));
    expect(vi.mocked(save)).toHaveBeenCalledWith({ defaultPath: "samuel-okafor.pem", filters: [{ name: "PEM certificate", extensions: ["pem"] }] });
    expect(calls.find((c) => c.cmd === "export_identity_certificate")!.args).toEqual({ id: 1, path: "/home/s/samuel-okafor.pem" });
    expect((await screen.findByTestId("identity-card-done")).textContent).toBe("Saved the certificate of Samuel Okafor to /home/s/samuel-okafor.pem.");
  });

  it("exports nothing when the save dialog is cancelled", async () => {
    vi.mocked(save).mockResolvedValueOnce(null);
    const calls = mock((c) => (c.cmd === "identities" ? [samuel] : null));
    render(Identities, {});
    await fireEvent.click(await screen.findByTestId("identity-export-1"));
    await waitFor(() => expect(vi.mocked(save)).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.some((c) => c.cmd === "export_identity_certificate")).toBe(false);
    expect(screen.queryByTestId("identity-card-done")).toBeNull();
  });

  it("asks before removing an identity, saying what happens to its key and what it signed", async () => {
    let list = [samuel, helen];
    const calls = mock((c) => {
      if (c.cmd === "identities") return list;
      if (c.cmd === "remove_identity") {
        list = [helen];
        return samuel;
      }
      return null;
    });
    render(Identities, {});
    await fireEvent.click(await screen.findByTestId("identity-remove-1"));
    const confirm = screen.getByTestId("identity-remove-confirm");
    expect(confirm.textContent).toContain("private key will be deleted from this computer's credential store");
    expect(confirm.textContent).toContain("signed will still verify");
    expect(calls.some((c) => c.cmd === "remove_identity")).toBe(false);
    await fireEvent.click(within(confirm).getByText("Cancel"));
    expect(screen.queryByTestId("identity-remove-confirm")).toBeNull();

    await fireEvent.click(screen.getByTestId("identity-remove-1"));
    await fireEvent.click(screen.getByTestId("identity-remove-yes"));
    await waitFor(() => expect(screen.getByTestId("identity-list").textContent).not.toContain("Samuel Okafor"));
    expect(calls.find((c) => c.cmd === "remove_identity")!.args).toEqual({ id: 1 });
    expect(calls.filter((c) => c.cmd === "identities")).toHaveLength(2);
    expect(screen.getByTestId("identity-done").textContent).toContain("Removed the identity of Samuel Okafor");
  });

  it("shows why a removal failed, with the credential store hint", async () => {
    mock((c) => {
      if (c.cmd === "identities") return [samuel];
      if (c.cmd === "remove_identity") return Promise.reject({ kind: "credentials", message: "the credential store is locked", fields: [] });
      return null;
    });
    render(Identities, {});
    await fireEvent.click(await screen.findByTestId("identity-remove-1"));
    await fireEvent.click(screen.getByTestId("identity-remove-yes"));
    expect((await screen.findByRole("alert")).textContent).toContain("the credential store is locked");
    expect(screen.getByTestId("credential-hint")).toBeTruthy();
    expect(screen.getByTestId("identity-list").textContent).toContain("Samuel Okafor");
  });
});

describe("Identities: certificate expiry", () => {
  it("flags a certificate that expires soon and one that expired", async () => {
    mock((c) =>
      c.cmd === "identities"
        ? [
            { ...samuel, expires_at: "2026-12-15", expiry: "expires_soon" },
            { ...helen, expires_at: "2026-10-01", expiry: "expired" },
          ]
        : null,
    );
    render(Identities);
    await waitFor(() => expect(screen.getAllByTestId("identity-expiry")).toHaveLength(2));
    const [soon, gone] = screen.getAllByTestId("identity-expiry");
    expect(soon.dataset.expiry).toBe("expires_soon");
    expect(soon.textContent).toContain("Expires 15 December 2026: renew it");
    expect(gone.dataset.expiry).toBe("expired");
    expect(gone.textContent).toContain("Expired 1 October 2026: cannot sign");
  });

  it("shows no badge for a valid certificate, only its date", async () => {
    mock((c) => (c.cmd === "identities" ? [samuel] : null));
    render(Identities);
    await screen.findByText("Samuel Okafor");
    expect(screen.queryByTestId("identity-expiry")).toBeNull();
    expect(screen.getByTestId("identity-list").textContent).toContain("1 November 2031");
  });
});
