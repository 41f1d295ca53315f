// Celonis's clock (provider/celonis/server-clock.ts), table-driven: the offset and its bound from one
// answer, which estimate is kept on skewed and slow answers, and how load start dates correct it.
import { strict as assert } from "node:assert";
import {
  ESTIMATE_FRESH_MS,
  ServerClock,
  better,
  checkedByStart,
  errorAt,
  estimateFrom,
  toServerTime,
  type ClockEstimate,
} from "../../provider/celonis/server-clock";

const T = 1_800_000_000_000; // a runner time
const MIN = 60_000;

describe("server clock: one answer's estimate", () => {
  const cases: { name: string; sent: number; rtt: number; skew: number; offset: number; error: number }[] = [
    { name: "in step, fast answer", sent: T, rtt: 20, skew: 0, offset: -10, error: 1_010 },
    { name: "10 min ahead", sent: T, rtt: 20, skew: 10 * MIN, offset: 10 * MIN - 10, error: 1_010 },
    { name: "10 min behind", sent: T, rtt: 20, skew: -10 * MIN, offset: -10 * MIN - 10, error: 1_010 },
    { name: "slow answer (4 s)", sent: T, rtt: 4_000, skew: 0, offset: -2_000, error: 3_000 },
  ];
  for (const c of cases)
    it(c.name, () => {
      // Celonis stamped the answer at the request's start (whole seconds: T is a multiple of 1000).
      const e = estimateFrom({ sentAt: c.sent, receivedAt: c.sent + c.rtt, serverDate: c.sent + c.skew });
      assert.deepEqual(e, { offsetMs: c.offset, errorMs: c.error, at: c.sent + c.rtt });
      assert.ok(Math.abs(e!.offsetMs - c.skew) <= e!.errorMs, "the true offset lies within the bound");
    });

  it("answers received before they were sent, or without a date, give nothing", () => {
    assert.equal(estimateFrom({ sentAt: T, receivedAt: T - 1, serverDate: T }), null);
    assert.equal(estimateFrom({ sentAt: T, receivedAt: T, serverDate: NaN }), null);
  });
});

describe("server clock: which estimate is kept", () => {
  const tight: ClockEstimate = { offsetMs: 5 * MIN, errorMs: 1_010, at: T };
  const slow: ClockEstimate = { offsetMs: 5 * MIN + 2_000, errorMs: 4_000, at: T + 1_000 };
  const cases: {
    name: string;
    kept: ClockEstimate | null;
    next: ClockEstimate | null;
    want: ClockEstimate | null;
  }[] = [
    { name: "the first estimate", kept: null, next: slow, want: slow },
    { name: "a slow answer does not replace a tight one", kept: tight, next: slow, want: tight },
    {
      name: "a tighter answer replaces a slow one",
      kept: slow,
      next: { ...tight, at: T + 2_000 },
      want: { ...tight, at: T + 2_000 },
    },
    {
      name: "a stale estimate gives way to a looser fresh one",
      kept: tight,
      next: { ...slow, at: T + ESTIMATE_FRESH_MS + 1 },
      want: { ...slow, at: T + ESTIMATE_FRESH_MS + 1 },
    },
    { name: "no new estimate", kept: tight, next: null, want: tight },
    {
      name: "an old tight estimate has widened by drift: a looser fresh one replaces it",
      kept: tight,
      next: { ...tight, errorMs: 1_300, at: T + 5 * MIN },
      want: { ...tight, errorMs: 1_300, at: T + 5 * MIN },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(better(c.kept, c.next), c.want));
});

describe("server clock: cross-checked by load start dates", () => {
  const e: ClockEstimate = { offsetMs: 0, errorMs: 1_000, at: T };
  const cases: { name: string; start: number; received: number; want: ClockEstimate }[] = [
    {
      name: "a start date inside what the estimate allows changes nothing",
      start: T - 5_000,
      received: T,
      want: e,
    },
    {
      name: "a start date after the estimate's low end narrows it",
      start: T + 500,
      received: T,
      want: { offsetMs: 750, errorMs: 250, at: T },
    },
    {
      name: "a start date beyond the estimate replaces it (the estimate was wrong)",
      start: T + 10 * MIN,
      received: T,
      want: { offsetMs: 10 * MIN + 500, errorMs: 500, at: T },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(checkedByStart(e, c.start, c.received), c.want));
});

describe("server clock: the kept estimate", () => {
  it("reads Date headers, keeps the tightest and converts runner times", () => {
    const clock = new ServerClock();
    assert.equal(clock.serverTime(T), null);
    assert.equal(clock.toServer(T), T);
    const ahead = new Date(T + 10 * MIN).toUTCString();
    clock.observeDate(ahead, T, T + 3_000); // slow
    clock.observeDate(ahead, T + 100, T + 120); // fast
    clock.observeDate("not a date", T, T + 1);
    assert.deepEqual(clock.estimate(), { offsetMs: 10 * MIN - 110, errorMs: 1_010, at: T + 120 });
    // 880 ms after the estimate: its bound has widened by up to 1 ms of drift per second.
    assert.deepEqual(clock.serverTime(T + 1_000), { at: T + 1_000 + 10 * MIN - 110, errorMs: 1_011 });
    clock.observeStart(T + 10 * MIN + 950, T + 120); // the clock is at least that far ahead
    const kept = clock.estimate()!;
    assert.ok(kept.offsetMs - kept.errorMs >= 10 * MIN + 830 - 1e-9 && kept.errorMs < 1_010);
  });
});

describe("server clock: drift", () => {
  it("an estimate's bound widens with its age, so a drifting clock stays inside it", () => {
    const e: ClockEstimate = { offsetMs: 0, errorMs: 400, at: T };
    assert.equal(errorAt(e, T + 10 * MIN), 400 + 600, "1 ms per second for 10 minutes");
    // Celonis's clock drifts 900 ppm away: 10 minutes later it is 540 ms further off than measured.
    const truth = T + 10 * MIN + 0.0009 * 10 * MIN;
    const at = toServerTime(e, T + 10 * MIN)!;
    assert.ok(Math.abs(truth - at.at) <= at.errorMs, "the true time is inside the bound");
  });
  it("a start date read later is checked against the widened bound", () => {
    const e: ClockEstimate = { offsetMs: 0, errorMs: 400, at: T };
    const later = T + 10 * MIN;
    assert.deepEqual(
      checkedByStart(e, later - 2_000, later),
      e,
      "below the widened range: nothing to narrow",
    );
    assert.deepEqual(
      checkedByStart(e, later + 900, later),
      { offsetMs: 950, errorMs: 50, at: later },
      "inside the widened range (up to +1,000 ms): narrowed, not taken for a wrong estimate",
    );
  });
});
