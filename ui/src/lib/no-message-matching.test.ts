// The window branches on an error's kind and reads its fields and data; it never matches on the
// text of a message (which is for people, and may be reworded). This test keeps it so.
import { describe, expect, it } from "vitest";

const files = import.meta.glob(["./**/*.svelte", "./**/*.ts", "!./**/*.test.ts", "!./bindings.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

const MATCHING = [
  /\.message\b[^;\n]*\.(test|exec|match|matchAll|includes|startsWith|endsWith|search|replace|replaceAll|indexOf)\s*\(/,
  /\.(test|exec|match|matchAll|includes|search)\s*\([^)\n]*\.message\b/,
];

describe("error handling in the window", () => {
  it("reads every source file of the window", () => {
    expect(Object.keys(files).length).toBeGreaterThan(10);
  });

  it("never matches on an error's message", () => {
    const offending: string[] = [];
    for (const [file, text] of Object.entries(files)) {
      text.split("\n").forEach((line, i) => {
        if (MATCHING.some((re) => re.test(line))) offending.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offending).toEqual([]);
  });
});
