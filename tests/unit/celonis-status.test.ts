// Load decisions of the Celonis client: terminal/success statuses, poll pacing ("is this our load": celonis-ours).
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  isTerminal,
  nextPollDelayMs,
  expectedDurationMs,
  latestLoadFromInfo,
  SPARSE_POLL_CAP_MS,
  AFTER_END_MS,
  densePollMs,
} from "../../provider/celonis/status";
import type { LoadInfoSync, LoadRecord, LoadStatus } from "../../provider/celonis/types";

function load(id: string, status: LoadStatus = "RUNNING", startDate: number | null = 1_000_000): LoadRecord {
  return {
    dataLoadId: id,
    dataModelId: "dm",
    startDate,
    endDate: null,
    loadStatus: status,
    message: null,
    loadType: "COMPLETE",
  };
}

describe("celonis status: terminal", () => {
  const table: [LoadStatus | string, boolean][] = [
    ["RUNNING", false],
    ["CANCELLING", false],
    ["LOST_CONNECTION", false],
    ["SUCCESS", true],
    ["WARNING", true],
    ["ERROR", true],
    ["CANCELED", true],
    ["SOMETHING_NEW", false],
  ];
  for (const [status, terminal] of table) {
    it(`${status}: terminal=${terminal}`, () => assert.equal(isTerminal(status), terminal));
  }
});

describe("celonis status: nextPollDelayMs", () => {
  /** Polls made and detection lag for a load ending at `endMs`, polling with the schedule from 0. */
  function replay(endMs: number, expectedMs?: number | null): { polls: number; lagMs: number } {
    let t = 0;
    let polls = 0;
    for (;;) {
      t += nextPollDelayMs(t, expectedMs);
      polls++;
      if (t >= endMs) return { polls, lagMs: t - endMs };
    }
  }
  const PYCELONIS = (e: number) => (e < 100 ? 100 : e < 400 ? 300 : e < 1300 ? 900 : 2000);
  const pycelonisPolls = (endMs: number) => {
    let t = 0;
    let n = 0;
    while (t < endMs) {
      t += PYCELONIS(t);
      n++;
    }
    return n;
  };

  it("without history, starts like pycelonis: 0.1 s, 0.3 s, 0.9 s, then 2 s, growing to 10 s", () => {
    let elapsed = 0;
    const seq: number[] = [];
    for (let i = 0; i < 5; i++) {
      const d = nextPollDelayMs(elapsed);
      seq.push(d);
      elapsed += d;
    }
    assert.deepEqual(seq, [100, 300, 900, 2000, 2000]);
    assert.equal(nextPollDelayMs(10_000_000), 10_000);
    assert.equal(nextPollDelayMs(50_000), 5_000);
  });

  it("with history, a 2 s load is polled at 1.5 and 2.05 s: seen 50 ms after its end with two requests", () => {
    const times: number[] = [];
    for (let t = 0; t < 2_000;) times.push((t += nextPollDelayMs(t, 2_000)));
    assert.deepEqual(times, [1_500, 2_050]);
  });

  it("with history, a load ending as expected is seen within the dense gap, in at most two polls more than the 60 s cap forces", () => {
    for (const expected of [2_000, 6_000, 60_000, 120_000, 600_000, 3_600_000]) {
      const r = replay(expected, expected);
      assert.ok(r.lagMs <= densePollMs(expected), `${expected} ms: lag ${r.lagMs}`);
      const floor = Math.ceil(expected / SPARSE_POLL_CAP_MS);
      assert.ok(r.polls <= floor + 2, `${expected} ms: ${r.polls} polls`);
      if (expected >= 60_000) {
        assert.ok(
          r.polls <= pycelonisPolls(expected) / 5,
          `${expected} ms: ${r.polls} vs ${pycelonisPolls(expected)}`,
        );
      }
    }
  });

  it("with history, loads ending within ±25% of it are seen within half a second (short loads)", () => {
    for (const expected of [2_000, 6_000, 30_000, 50_000]) {
      const lags = [0.75, 0.85, 0.95, 1, 1.05, 1.15, 1.25].map((f) => replay(expected * f, expected).lagMs);
      lags.sort((a, b) => a - b);
      assert.ok(lags[3] <= 500, `${expected} ms: median lag ${lags[3]} (${lags.join(", ")})`);
    }
  });

  it("tolerates nonsense input", () => {
    assert.equal(nextPollDelayMs(-5), 100);
    assert.equal(nextPollDelayMs(Number.NaN), 100);
    assert.equal(nextPollDelayMs(10_000, Number.NaN), 2_000);
    assert.equal(nextPollDelayMs(10_000, 0), 2_000);
  });

  it("property: bounded; without history non-decreasing; with history never jumping past the dense zone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 48 * 3_600_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.option(fc.integer({ min: 1, max: 24 * 3_600_000 }), { nil: undefined }),
        (a, step, exp) => {
          const d1 = nextPollDelayMs(a, exp);
          const d2 = nextPollDelayMs(a + step, exp);
          if (d1 < AFTER_END_MS || d1 > SPARSE_POLL_CAP_MS || d2 > SPARSE_POLL_CAP_MS) return false;
          if (exp === undefined) return d1 <= d2 && d2 <= 10_000;
          return a >= exp || a + d1 <= exp + densePollMs(exp);
        },
      ),
    );
  });
});

describe("celonis status: expected duration and latest load", () => {
  const info = (
    averages: { type: string; averageLoadingTime: number }[],
    current: LoadRecord | null,
    history: LoadRecord[],
  ): LoadInfoSync => ({
    loadInfo: { liveDataModel: null, currentComputeLoad: current },
    loadHistory: { lastSuccessfulDataModel: null, dataLoadHistory: history, averageLoadTime: averages },
  });
  it("finds the average for the load type", () => {
    const i = info(
      [
        { type: "COMPLETE", averageLoadingTime: 42_000 },
        { type: "partial", averageLoadingTime: 7_000 },
      ],
      null,
      [],
    );
    assert.equal(expectedDurationMs(i, "COMPLETE"), 42_000);
    assert.equal(expectedDurationMs(i, "PARTIAL"), 7_000);
    assert.equal(expectedDurationMs(i, "FROM_CACHE"), null);
    assert.equal(expectedDurationMs(i, null), null);
    assert.equal(expectedDurationMs(null, "COMPLETE"), null);
    assert.equal(
      expectedDurationMs(info([{ type: "COMPLETE", averageLoadingTime: 0 }], null, []), "COMPLETE"),
      null,
    );
  });
  it("latest load: currentComputeLoad first, else the newest of the history", () => {
    const a = load("a", "SUCCESS", 1);
    const b = load("b", "ERROR", 3);
    const c = load("c", "SUCCESS", 2);
    assert.equal(latestLoadFromInfo(info([], a, [b, c]))?.dataLoadId, "a");
    assert.equal(latestLoadFromInfo(info([], null, [a, b, c]))?.dataLoadId, "b");
    assert.equal(latestLoadFromInfo(info([], null, [])), null);
    assert.equal(latestLoadFromInfo({ loadInfo: null, loadHistory: null }), null);
  });
});
