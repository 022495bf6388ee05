import { invoke } from "@tauri-apps/api/core";
import type { CollaborationSummary, IpcError } from "./types";

function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && "kind" in e && "message" in e;
}

/** Calls a core command; anything thrown is normalised to an IpcError. */
async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (isIpcError(e)) throw e;
    throw { kind: "io", message: String(e), fields: [] } satisfies IpcError;
  }
}

export const api = {
  listCollaborations: (includeArchived = false) =>
    call<CollaborationSummary[]>("list_collaborations", { includeArchived }),
};
