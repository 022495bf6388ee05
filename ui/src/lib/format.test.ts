import { describe, expect, it } from "vitest";
import { bytes, dateTime, day, fingerprintGroups, identityLabel, longDate, plural, shortFingerprint } from "./format";

describe("format helpers", () => {
  it("writes dates, times and sizes as people read them", () => {
    expect(longDate("2027-03-01")).toBe("1 March 2027");
    expect(dateTime("2027-03-01T09:30:00Z")).toBe("1 March 2027, 09:30 UTC");
    expect(dateTime("2027-03-01T09:30:00+02:00")).toBe("1 March 2027, 09:30 (UTC+02:00)");
    expect(dateTime(null)).toBe("not recorded");
    expect(day("2027-03-01T09:30:00.000Z")).toBe("1 March 2027");
    expect(plural(1, "entry", "entries")).toBe("1 entry");
    expect(plural(3, "entry", "entries")).toBe("3 entries");
    expect(bytes(512)).toBe("512 bytes");
    expect(bytes(48213)).toBe("47.1 KB");
  });

  it("groups fingerprints and labels identities", () => {
    const fp = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, "0").toUpperCase()).join(":");
    expect(fingerprintGroups(fp)).toHaveLength(8);
    expect(fingerprintGroups(fp)[0]).toBe("00:01:02:03");
    expect(shortFingerprint(fp)).toBe("0001 0203 0405 0607");
    expect(identityLabel({ name: "Helen", email: "h@n.ac.uk", fingerprint: fp })).toBe("Helen <h@n.ac.uk> · 0001 0203 0405 0607");
  });
});
