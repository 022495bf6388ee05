// Every component test starts on an empty page with no IPC mocks left from the one before, and no
// system dialogs (the path can still be typed). The system locale is pinned to en-GB (dates as
// `1 January 2027`, amounts as `1,250.00`), and no choice made on the Settings screen outlives its test.
import { afterEach, vi } from "vitest";
import { cleanup } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { setLocaleChoice } from "./lib/locale.svelte";

vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn(), save: vi.fn() }));

Object.defineProperty(window.navigator, "languages", { value: ["en-GB"], configurable: true });
Object.defineProperty(window.navigator, "language", { value: "en-GB", configurable: true });

afterEach(() => {
  cleanup();
  clearMocks();
  setLocaleChoice("");
  localStorage.clear();
});
