// The one way the window calls Steward: the generated commands, with every failure normalised to
// an IpcError (branch on `kind`, show `message`, put `fields` next to their inputs).
import { Channel } from "@tauri-apps/api/core";
import { commands, type IpcError, type Progress } from "./bindings";

export { commands };
export type { IpcError, Progress };

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && "kind" in e && "message" in e;
}

/** Normalises anything thrown by a command into an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return { kind: e.kind, message: e.message, fields: e.fields ?? [], data: e.data ?? null };
  return { kind: "io", message: e instanceof Error ? e.message : String(e), fields: [], data: null };
}

/** Awaits a command; failures are rethrown as IpcError. */
export async function call<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw toIpcError(e);
  }
}

/** A progress channel for long work: `onStep` sees each step as it is reported. */
export function progressChannel(onStep: (p: Progress) => void): Channel<Progress> {
  const ch = new Channel<Progress>();
  ch.onmessage = onStep;
  return ch;
}

/**
 * Whether an error needs the box under a form: anything but an invalid-input error whose every
 * problem sits beside one of the form's `fields`.
 */
export function needsBox(err: IpcError | null, fields: string[]): boolean {
  return err !== null && (err.kind !== "invalid" || err.fields.length === 0 || err.fields.some((f) => !fields.includes(f.field)));
}

/** The problem reported for one form field, if any. */
export function fieldError(err: IpcError | null, field: string): string | null {
  return err?.fields.find((f) => f.field === field)?.message ?? null;
}

/** Backwards-compatible wrapper used by the first screens. */
export const api = {
  listCollaborations: (includeArchived = false) => call(commands.listCollaborations(includeArchived)),
};
