// Shapes of the core's data as they cross IPC: generated into ./bindings.ts from the Rust types.
export type * from "./bindings";
