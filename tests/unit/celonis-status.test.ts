// Load decisions of the Celonis client: terminal/success statuses, "is this our load", poll pacing.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  isTerminal,
  isSuccess,
  isOurLoad,
  nextPollDelayMs,
  expectedDurationMs,
  latestLoadFromInfo,
  MAX_POLL_DELAY_MS,
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

describe("celonis status: terminal and success", () => {
  const table: [LoadStatus | string, boolean, boolean][] = [
    ["RUNNING", false, false],
    ["CANCELLING", false, false],
    ["LOST_CONNECTION", false, false],
    ["SUCCESS", true, true],
    ["WARNING", true, true],
    ["ERROR", true, false],
    ["CANCELED", true, false],
    ["SOMETHING_NEW", false, false],
  ];
  for (const [status, terminal, success] of table) {
    it(`${status}: terminal=${terminal} success=${success}`, () => {
      assert.equal(isTerminal(status), terminal);
      assert.equal(isSuccess(status), success);
    });
  }
});

describe("celonis status: isOurLoad", () => {
  const triggeredAt = 10_000_000;
  const table: [string, LoadRecord | null, string | null, number | undefined, boolean][] = [
    ["no load visible yet", null, "old", triggeredAt, false],
    ["stale SUCCESS of the previous load", load("old", "SUCCESS"), "old", triggeredAt, false],
    ["previous load still RUNNING", load("old", "RUNNING"), "old", triggeredAt, false],
    ["new id RUNNING", load("new", "RUNNING", triggeredAt + 5), "old", triggeredAt, true],
    ["new id SUCCESS", load("new", "SUCCESS", triggeredAt + 5), "old", triggeredAt, true],
    ["never loaded before: any load is new", load("new", "RUNNING", triggeredAt), null, triggeredAt, true],
    [
      "new id but started an hour before the trigger",
      load("other", "SUCCESS", triggeredAt - 3_600_000),
      null,
      triggeredAt,
      false,
    ],
    [
      "new id, start slightly before trigger (clock skew)",
      load("new", "RUNNING", triggeredAt - 2_000),
      "old",
      triggeredAt,
      true,
    ],
    ["new id, unknown start date", load("new", "RUNNING", null), "old", triggeredAt, true],
    ["no triggeredAt given", load("new", "RUNNING", 0), "old", undefined, true],
    ["empty id", load("", "RUNNING"), "old", undefined, false],
  ];
  for (const [name, l, prev, at, expected] of table) {
    it(`${name} → ${expected}`, () => assert.equal(isOurLoad(l, prev, at), expected));
  }
  it("property: a load with the previous id is never ours, whatever its status", () => {
    const statuses: LoadStatus[] = [
      "RUNNING",
      "SUCCESS",
      "WARNING",
      "ERROR",
      "LOST_CONNECTION",
      "CANCELED",
      "CANCELLING",
    ];
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.constantFrom(...statuses),
        fc.integer(),
        (id, st, start) => {
          return !isOurLoad(load(id, st, start), id, start);
        },
      ),
    );
  });
});

describe("celonis status: nextPollDelayMs", () => {
  it("starts like pycelonis: 0.1 s, 0.3 s, 0.9 s, then 2 s", () => {
    let elapsed = 0;
    const seq: number[] = [];
    for (let i = 0; i < 5; i++) {
      const d = nextPollDelayMs(elapsed);
      seq.push(d);
      elapsed += d;
    }
    assert.deepEqual(seq, [100, 300, 900, 2000, 2000]);
  });
  it("grows to 10% of the expected duration, capped at 15 s", () => {
    assert.equal(nextPollDelayMs(600_000, 60_000), 6_000);
    assert.equal(nextPollDelayMs(3_600_000, 3_600_000), MAX_POLL_DELAY_MS);
    assert.equal(nextPollDelayMs(30_000, 3_600_000), 3_000);
    assert.equal(nextPollDelayMs(600_000, 5_000), 2_000);
  });
  it("without an expected duration grows to 10 s", () => {
    assert.equal(nextPollDelayMs(10_000_000), 10_000);
    assert.equal(nextPollDelayMs(50_000), 5_000);
  });
  it("tolerates nonsense input", () => {
    assert.equal(nextPollDelayMs(-5), 100);
    assert.equal(nextPollDelayMs(Number.NaN), 100);
    assert.equal(nextPollDelayMs(10_000, Number.NaN), 2_000);
  });
  it("property: bounded and non-decreasing in elapsed time", () => {
    const expectedArb = fc.option(fc.integer({ min: 0, max: 24 * 3_600_000 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 48 * 3_600_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        expectedArb,
        (a, step, exp) => {
          const d1 = nextPollDelayMs(a, exp);
          const d2 = nextPollDelayMs(a + step, exp);
          return d1 >= 100 && d2 <= MAX_POLL_DELAY_MS && d1 <= d2;
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
