// A panel that opens in place (a form to fill, a step to confirm): as it opens it takes the focus
// (its first field, or itself), Escape closes it, and as it closes the focus goes back to the
// control that opened it, so a keyboard user is never dropped at the top of the window.
import type { Attachment } from "svelte/attachments";

const FOCUSABLE = [
  "input:not([disabled]):not([type=hidden])", "select:not([disabled])", "textarea:not([disabled])",
  "button:not([disabled])", "a[href]", "[tabindex]:not([tabindex='-1'])",
].join(", ");

/**
 * `{@attach panel(close)}` on the panel; `close` is what its Cancel button does. `back` names where
 * the focus goes when the control that opened the panel is gone by the time it closes.
 */
export function panel(close?: () => void, back?: () => HTMLElement | null | undefined): Attachment<HTMLElement> {
  return (node) => {
    const active = document.activeElement;
    const opener = active instanceof HTMLElement && active !== document.body && !node.contains(active) ? active : null;
    const first = node.querySelector<HTMLElement>(FOCUSABLE);
    if (first) first.focus();
    else {
      if (!node.hasAttribute("tabindex")) node.tabIndex = -1;
      node.focus();
    }

    function onkeydown(e: KeyboardEvent) {
      if (e.key !== "Escape" || !close || e.defaultPrevented) return;
      e.preventDefault();
      close();
    }
    node.addEventListener("keydown", onkeydown);

    return () => {
      node.removeEventListener("keydown", onkeydown);
      // Once the window has redrawn, and only if the focus went with the panel (a click elsewhere
      // keeps the focus it gave).
      queueMicrotask(() => {
        const now = document.activeElement;
        if (now !== null && now !== document.body && now.isConnected) return;
        const to = opener?.isConnected ? opener : back?.();
        to?.focus();
      });
    };
  };
}
