// Shapes of the core's data as they cross IPC (snake_case, as serde writes them).

export type CollabStatus = "planning" | "active" | "closed";
export type Role = "lead" | "partner" | "funder" | "subcontractor";

export interface Collaboration {
  id: number;
  title: string;
  summary: string | null;
  status: CollabStatus;
  start_date: string | null;
  end_date: string | null;
  sunset_date: string | null;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

export interface CollaborationSummary extends Collaboration {
  countries: string[];
  member_count: number;
}

export type ErrorKind = "invalid" | "not_found" | "conflict" | "newer_schema" | "storage" | "io";

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type that crosses IPC: branch on `kind`, show `message`. */
export interface IpcError {
  kind: ErrorKind;
  message: string;
  fields: FieldError[];
}
