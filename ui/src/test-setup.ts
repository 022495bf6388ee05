// Every component test starts on an empty page with no IPC mocks left from the one before, and no
// system dialogs (the path can still be typed).
import { afterEach, vi } from "vitest";
import { cleanup } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";

vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn(), save: vi.fn() }));

afterEach(() => {
  cleanup();
  clearMocks();
});
