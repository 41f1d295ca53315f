// Reload windows: parsing and validation of entries and zones, whether a window is open and when the
// next one opens (across daylight saving changes in Europe/Berlin and America/New_York, midnight
// crossings and the week's wrap), and the decision taken before a trigger outside every window.

import assert from "node:assert/strict";
import { UNKNOWN } from "../../provider/plan";
import {
  decideWindow,
  previewDeferral,
  type OutsideWindow,
  type WindowQuestion,
} from "../../provider/window-policy";
import { isOpen, nextOpening, parseWindow, validateWindows, type ReloadWindow } from "../../provider/windows";
import { instantOf, offsetAt, wallTimeAt } from "../../provider/zoned-time";

const at = (iso: string): number => Date.parse(iso);
const parse = (...entries: string[]): ReloadWindow[] => entries.map(parseWindow);
const BERLIN = "Europe/Berlin";
const NY = "America/New_York";

describe("zoned time: wall clock and instants in an IANA zone", () => {
  const cases: [string, string, [number, number, number], string, string][] = [
    ["Berlin summer", BERLIN, [2024, 6, 7], "19:00", "2024-06-07T17:00:00Z"],
    ["Berlin spring gap moves forward", BERLIN, [2024, 3, 31], "02:30", "2024-03-31T01:30:00Z"],
    ["Berlin spring gap start", BERLIN, [2024, 3, 31], "02:00", "2024-03-31T01:00:00Z"],
    ["Berlin autumn repeat: first", BERLIN, [2024, 10, 27], "02:30", "2024-10-27T00:30:00Z"],
    ["Berlin after autumn change", BERLIN, [2024, 10, 27], "03:00", "2024-10-27T02:00:00Z"],
    ["New York spring gap", NY, [2024, 3, 10], "02:30", "2024-03-10T07:30:00Z"],
    ["New York autumn repeat: first", NY, [2024, 11, 3], "01:30", "2024-11-03T05:30:00Z"],
    ["UTC", "UTC", [2024, 2, 29], "23:59", "2024-02-29T23:59:00Z"],
  ];
  for (const [name, zone, [year, month, day], hhmm, iso] of cases) {
    it(`${name}: ${hhmm} on ${year}-${month}-${day} is ${iso}`, () => {
      const [h, m] = hhmm.split(":").map(Number);
      assert.equal(
        new Date(instantOf(zone, { year, month, day }, h * 60 + m)).toISOString(),
        new Date(at(iso)).toISOString(),
      );
    });
  }

  it("a minute past 24:00 is the next day's, and offsets follow the season", () => {
    assert.equal(
      instantOf(BERLIN, { year: 2024, month: 12, day: 31 }, 24 * 60 + 30),
      at("2024-12-31T23:30:00Z"),
    );
    assert.equal(offsetAt(BERLIN, at("2024-01-15T12:00:00Z")), 3_600_000);
    assert.equal(offsetAt(BERLIN, at("2024-07-15T12:00:00Z")), 7_200_000);
    assert.deepEqual(wallTimeAt(NY, at("2024-11-03T06:30:00Z")), {
      year: 2024,
      month: 11,
      day: 3,
      weekday: 6,
      minute: 90,
    });
  });
});

describe("windows: parsing and validation", () => {
  const valid: [string, number[], number, number][] = [
    ["Mon-Fri 19:00-06:00", [0, 1, 2, 3, 4], 19 * 60, 30 * 60],
    ["Sat-Sun", [5, 6], 0, 24 * 60],
    ["Mon,Wed,Fri 08:00-09:30", [0, 2, 4], 8 * 60, 9 * 60 + 30],
    ["Fri-Mon", [0, 4, 5, 6], 0, 24 * 60],
    ["Mon-Tue,Sat", [0, 1, 5], 0, 24 * 60],
    ["sun 22:00-24:00", [6], 22 * 60, 24 * 60],
    ["  Wed   0:00-1:15 ", [2], 0, 75],
  ];
  for (const [entry, days, start, end] of valid) {
    it(`"${entry}" → days ${days.join(",")}, ${start}-${end} min`, () => {
      assert.deepEqual(parseWindow(entry), { entry, days, start, end });
    });
  }

  const invalid: [string, unknown, RegExp][] = [
    [
      "a misspelt day",
      "Mon-Fry 19:00-06:00",
      /windows\[0\] "Mon-Fry 19:00-06:00" is not a reload window: "Fry" is not a day; write DAYS or DAYS HH:MM-HH:MM, where DAYS is a day \(Mon, Tue/,
    ],
    ["an hour past the day", "Mon 25:00-26:00", /"25:00" is not a time of day \(HH:MM from 00:00 to 23:59\)/],
    ["a start at 24:00", "Mon 24:00-02:00", /"24:00" is not a time of day/],
    ["minutes over 59", "Mon 10:60-11:00", /"10:60" is not a time of day/],
    ["no end", "Mon 19:00", /"19:00" is not a time range HH:MM-HH:MM/],
    [
      "an empty range",
      "Mon 10:00-10:00",
      /is empty \(it starts where it ends\); leave the time range out for the whole day/,
    ],
    ["a whole-day range written 00:00-24:00 is fine, 00:00-00:00 is not", "Mon 00:00-00:00", /is empty/],
    ["hours only", "Mon 9-10", /"9" is not a time of day/],
    ["an empty entry", "", /is not a reload window: it has more than a day part/],
    ["a third part", "Mon 10:00-11:00 Berlin", /it has more than a day part and a time range/],
    ["a dangling range", "Mon- 10:00-11:00", /"Mon-" is not a day or a day range/],
    ["a number", 42, /windows\[0\] 42 is not a reload window: it is not a string/],
  ];
  for (const [name, entry, reason] of invalid) {
    it(`fails naming the entry: ${name}`, () => {
      const { failures } = validateWindows([entry], undefined);
      assert.equal(failures.length, 1, JSON.stringify(failures));
      assert.equal(failures[0].property, "windows[0]");
      assert.match(failures[0].reason, reason);
    });
  }

  it("names each bad entry by its index and keeps the good ones", () => {
    const { options, failures } = validateWindows(["Sat-Sun", "Xyz", "Mon 1:00-2:00"], "UTC");
    assert.deepEqual(
      failures.map((f) => f.property),
      ["windows[1]"],
    );
    assert.deepEqual(
      options.windows?.map((w) => w.entry),
      ["Sat-Sun", "Mon 1:00-2:00"],
    );
  });

  it("windows must be a non-empty list; left out means always open", () => {
    for (const raw of [[], "Mon-Fri", { Mon: true }]) {
      const { failures } = validateWindows(raw, undefined);
      assert.equal(failures[0].property, "windows");
      assert.match(
        failures[0].reason,
        /windows must be a non-empty list .* or left out to reload at any time/,
      );
    }
    assert.deepEqual(validateWindows(undefined, undefined), {
      options: { windows: null, timeZone: "UTC" },
      failures: [],
    });
  });

  it("time zones: IANA names, canonicalised; default UTC; a bad one named with examples", () => {
    assert.equal(validateWindows(null, "europe/berlin").options.timeZone, BERLIN);
    assert.equal(validateWindows(null, undefined).options.timeZone, "UTC");
    for (const bad of ["Mars/Olympus", 5, ""]) {
      const { failures } = validateWindows(null, bad);
      assert.equal(failures[0].property, "timeZone");
      assert.match(
        failures[0].reason,
        /^timeZone must be an IANA time zone name such as "Europe\/Berlin", .* got /,
      );
    }
  });

  it("values unknown in preview pass: an unknown list or entry, an unknown zone", () => {
    assert.deepEqual(validateWindows(UNKNOWN, UNKNOWN), {
      options: { windows: null, timeZone: "UTC" },
      failures: [],
    });
    const some = validateWindows([UNKNOWN, "Sat"], undefined);
    assert.deepEqual([some.failures, some.options.windows?.length], [[], 1]);
    assert.equal(validateWindows([UNKNOWN], undefined).options.windows, null);
  });
});

describe("windows: open or not, and the next opening", () => {
  const open: [string, string[], string, string, boolean][] = [
    ["before the evening start", ["Mon-Fri 19:00-06:00"], "UTC", "2024-06-07T18:59:00Z", false],
    ["at the evening start", ["Mon-Fri 19:00-06:00"], "UTC", "2024-06-07T19:00:00Z", true],
    [
      "Friday night's range covers Saturday morning",
      ["Mon-Fri 19:00-06:00"],
      "UTC",
      "2024-06-08T05:59:00Z",
      true,
    ],
    ["and ends at 06:00", ["Mon-Fri 19:00-06:00"], "UTC", "2024-06-08T06:00:00Z", false],
    [
      "Monday's early morning belongs to Sunday",
      ["Mon-Fri 19:00-06:00"],
      "UTC",
      "2024-06-10T03:00:00Z",
      false,
    ],
    [
      "Tuesday's early morning belongs to Monday",
      ["Mon-Fri 19:00-06:00"],
      "UTC",
      "2024-06-11T03:00:00Z",
      true,
    ],
    ["week wrap: Sunday night into Monday", ["Sun 22:00-02:00"], "UTC", "2024-06-10T01:59:00Z", true],
    ["a whole day ends at midnight", ["Sun"], "UTC", "2024-06-10T00:00:00Z", false],
    ["a whole day's last minute", ["Sun"], "UTC", "2024-06-09T23:59:59Z", true],
    ["in the zone, not in UTC", ["Mon-Fri 19:00-06:00"], BERLIN, "2024-06-07T17:30:00Z", true],
    [
      "06:30 in Berlin is closed though 04:30 UTC would be open",
      ["Mon-Fri 19:00-06:00"],
      BERLIN,
      "2024-06-07T04:30:00Z",
      false,
    ],
    ["Berlin Saturday 08:00 is closed", ["Mon-Fri 19:00-06:00"], BERLIN, "2024-06-08T06:00:00Z", false],
    [
      "Berlin spring: a start in the gap moves forward (03:15 CEST closed)",
      ["Sun 02:30-04:00"],
      BERLIN,
      "2024-03-31T01:15:00Z",
      false,
    ],
    ["Berlin spring: open from 03:30 CEST", ["Sun 02:30-04:00"], BERLIN, "2024-03-31T01:30:00Z", true],
    [
      "Berlin spring: a night across the change ends at 06:00 CEST",
      ["Sat 22:00-06:00"],
      BERLIN,
      "2024-03-31T03:59:00Z",
      true,
    ],
    ["Berlin spring: …and not later", ["Sat 22:00-06:00"], BERLIN, "2024-03-31T04:00:00Z", false],
    [
      "Berlin autumn: a repeated range counts once (first pass)",
      ["Sun 02:00-02:30"],
      BERLIN,
      "2024-10-27T00:15:00Z",
      true,
    ],
    ["Berlin autumn: …not the second pass", ["Sun 02:00-02:30"], BERLIN, "2024-10-27T01:15:00Z", false],
    [
      "Berlin autumn: a night across the change ends at 06:00 CET",
      ["Sat 22:00-06:00"],
      BERLIN,
      "2024-10-27T04:59:00Z",
      true,
    ],
    ["Berlin autumn: …and not later", ["Sat 22:00-06:00"], BERLIN, "2024-10-27T05:00:00Z", false],
    [
      "New York spring: a range from inside the gap to its end is empty",
      ["Sun 02:30-03:30"],
      NY,
      "2024-03-10T07:30:00Z",
      false,
    ],
    ["New York autumn: 01:00-01:45 once (EDT)", ["Sun 01:00-01:45"], NY, "2024-11-03T05:30:00Z", true],
    ["New York autumn: not again at 01:30 EST", ["Sun 01:00-01:45"], NY, "2024-11-03T06:30:00Z", false],
    ["New York: Friday evening EDT", ["Mon-Fri 19:00-06:00"], NY, "2024-11-01T23:00:00Z", true],
  ];
  for (const [name, entries, zone, iso, expected] of open) {
    it(`${expected ? "open" : "closed"}: ${name}`, () => {
      assert.equal(isOpen(parse(...entries), zone, at(iso)), expected);
    });
  }

  it("no windows: always open", () => {
    assert.equal(isOpen(null, "UTC", at("2024-06-08T12:00:00Z")), true);
  });

  const next: [string, string[], string, string, string, string][] = [
    [
      "the issue's example",
      ["Mon-Fri 19:00-06:00"],
      BERLIN,
      "2024-06-07T12:00:00Z",
      "2024-06-07T17:00:00Z",
      "Fri 19:00 Europe/Berlin",
    ],
    [
      "over the weekend",
      ["Mon-Fri 19:00-06:00"],
      "UTC",
      "2024-06-08T12:00:00Z",
      "2024-06-10T19:00:00Z",
      "Mon 19:00 UTC",
    ],
    [
      "just closed",
      ["Mon-Fri 19:00-06:00"],
      "UTC",
      "2024-06-08T06:00:00Z",
      "2024-06-10T19:00:00Z",
      "Mon 19:00 UTC",
    ],
    ["open now: now", ["Sat-Sun"], "UTC", "2024-06-08T12:34:00Z", "2024-06-08T12:34:00Z", "Sat 12:34 UTC"],
    [
      "a full week ahead (week wrap)",
      ["Mon 08:00-09:00"],
      "UTC",
      "2024-06-10T10:00:00Z",
      "2024-06-17T08:00:00Z",
      "Mon 08:00 UTC",
    ],
    [
      "the earliest of several",
      ["Sun", "Sat 23:00-23:30"],
      "UTC",
      "2024-06-08T12:00:00Z",
      "2024-06-08T23:00:00Z",
      "Sat 23:00 UTC",
    ],
    [
      "Berlin spring: a start in the gap opens at 03:30",
      ["Sun 02:30-04:00"],
      BERLIN,
      "2024-03-30T12:00:00Z",
      "2024-03-31T01:30:00Z",
      "Sun 03:30 Europe/Berlin",
    ],
    [
      "Berlin autumn: the first 02:00",
      ["Sun 02:00-03:00"],
      BERLIN,
      "2024-10-26T12:00:00Z",
      "2024-10-27T00:00:00Z",
      "Sun 02:00 Europe/Berlin",
    ],
    [
      "Berlin autumn: after the first pass, next week",
      ["Sun 02:00-02:30"],
      BERLIN,
      "2024-10-27T01:00:00Z",
      "2024-11-03T01:00:00Z",
      "Sun 02:00 Europe/Berlin",
    ],
    [
      "New York spring: a range from inside the gap to its end waits a week",
      ["Sun 02:30-03:30"],
      NY,
      "2024-03-09T12:00:00Z",
      "2024-03-17T06:30:00Z",
      "Sun 02:30 America/New_York",
    ],
    [
      "New York autumn: 19:00 EST after the change",
      ["Mon-Fri 19:00-06:00"],
      NY,
      "2024-11-04T12:00:00Z",
      "2024-11-05T00:00:00Z",
      "Mon 19:00 America/New_York",
    ],
  ];
  for (const [name, entries, zone, from, iso, label] of next) {
    it(`next opening: ${name} → ${label}`, () => {
      assert.deepEqual(nextOpening(parse(...entries), zone, at(from)), { at: at(iso), label });
    });
  }

  it("a range wholly inside a skipped hour moves forward with it; nothing to open: null", () => {
    assert.deepEqual(nextOpening(parse("Sun 02:15-02:45"), BERLIN, at("2024-03-31T00:00:00Z")), {
      at: at("2024-03-31T01:15:00Z"),
      label: "Sun 03:15 Europe/Berlin",
    });
    assert.equal(isOpen(parse("Sun 02:15-02:45"), BERLIN, at("2024-03-31T01:44:00Z")), true);
    assert.equal(nextOpening([], "UTC", at("2024-06-08T12:00:00Z")), null);
  });
});

describe("windows: the decision before a trigger", () => {
  const windows = parse("Mon-Fri 19:00-06:00");
  const base: Omit<WindowQuestion, "outsideWindow"> = {
    windows,
    timeZone: BERLIN,
    now: at("2024-06-07T12:00:00Z"),
    deadline: at("2024-06-07T13:00:00Z"),
  };
  const opens = at("2024-06-07T17:00:00Z");
  const cases: [string, OutsideWindow, Partial<typeof base>, ReturnType<typeof decideWindow>][] = [
    ["inside a window: trigger", "fail", { now: at("2024-06-07T18:00:00Z") }, { kind: "trigger" }],
    ["no windows: trigger", "defer", { windows: null }, { kind: "trigger" }],
    [
      "outside, defer",
      "defer",
      {},
      {
        kind: "defer",
        message: "deferred: outside the reload window, next opens Fri 19:00 Europe/Berlin",
        opensAt: opens,
      },
    ],
    [
      "outside, wait, the window opens before the deadline",
      "wait",
      { deadline: at("2024-06-07T18:00:00Z") },
      {
        kind: "wait",
        until: opens,
        message:
          "waiting: outside the reload window (Mon-Fri 19:00-06:00; Europe/Berlin), next opens Fri 19:00 Europe/Berlin",
      },
    ],
    [
      "outside, wait, the window opens exactly at the deadline",
      "wait",
      { deadline: opens },
      {
        kind: "wait",
        until: opens,
        message:
          "waiting: outside the reload window (Mon-Fri 19:00-06:00; Europe/Berlin), next opens Fri 19:00 Europe/Berlin",
      },
    ],
  ];
  for (const [name, outsideWindow, over, expected] of cases) {
    it(name, () => assert.deepEqual(decideWindow({ ...base, ...over, outsideWindow }), expected));
  }

  it("outside, wait, the window opens after the deadline: fail saying so", () => {
    const d = decideWindow({ ...base, outsideWindow: "wait" });
    assert.equal(d.kind, "fail");
    assert.match(
      (d as { message: string }).message,
      /^not reloaded: outside the reload window \(Mon-Fri 19:00-06:00; Europe\/Berlin\), next opens Fri 19:00 Europe\/Berlin; outsideWindow is "wait" but that is after the deadline \(timeoutSeconds\)/,
    );
  });

  it("outside, fail", () => {
    const d = decideWindow({ ...base, outsideWindow: "fail" });
    assert.deepEqual(d, {
      kind: "fail",
      message:
        'not reloaded: outside the reload window (Mon-Fri 19:00-06:00; Europe/Berlin), next opens Fri 19:00 Europe/Berlin; outsideWindow is "fail"',
    });
  });

  it("the preview's text: the deferral message outside, null inside", () => {
    assert.equal(
      previewDeferral(base),
      "deferred: outside the reload window, next opens Fri 19:00 Europe/Berlin",
    );
    assert.equal(previewDeferral({ ...base, now: at("2024-06-07T17:00:00Z") }), null);
  });
});
