// Keyboard shortcuts the whole window answers (the handler is in App.svelte).

/** Ctrl+P, or Cmd+P: print. */
export function isPrint(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "p";
}
