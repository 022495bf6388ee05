// Where the window is: one small state object every screen reads and sets.

export type Screen =
  | { name: "collabs" }
  | { name: "collab"; id: number; tab?: CollabTab }
  | { name: "builder"; collab: number; kind?: string; agreement?: number }
  | { name: "agreement"; id: number; view?: "text" | "redline" | "export" }
  | { name: "library"; template?: string }
  | { name: "verify"; path?: string }
  | { name: "identities" }
  | { name: "due" }
  | { name: "exchange"; received?: number }
  | { name: "settings" }
  | { name: "help"; topic?: string };

export type CollabTab =
  | "parties"
  | "agreements"
  | "diligence"
  | "risks"
  | "obligations"
  | "publications"
  | "ip"
  | "exit"
  | "ledger"
  | "decisions";

export const nav = $state<{ screen: Screen; refresh: number; lastCollab: number | null }>({
  screen: { name: "collabs" },
  refresh: 0,
  /** The collaboration opened last (Help's buttons open its tabs). */
  lastCollab: null,
});

export function go(screen: Screen) {
  nav.screen = screen;
  if (screen.name === "collab") nav.lastCollab = screen.id;
  else if (screen.name === "builder") nav.lastCollab = screen.collab;
}

/** Tells list screens (the sidebar too) to load again after a change. */
export function changed() {
  nav.refresh += 1;
}
