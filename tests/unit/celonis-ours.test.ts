// The rule for "ours" (provider/celonis/ours.ts), table-driven: which load of a history a trigger
// started, when that cannot be told, and what then covers the change.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { celonisOrder, findOurs, isCandidate, type OursQuery } from "../../provider/celonis/ours";
import { fiveMinuteMatch, findLoadIn } from "../../provider/celonis/status";
import type { LoadInfoSync, LoadRecord, LoadStatus, LoadType } from "../../provider/celonis/types";

const T = 10_000_000; // the trigger, in Celonis's clock
const E = 1_500; // the clock's error bound

function rec(
  id: string,
  start: number | null,
  status: LoadStatus = "SUCCESS",
  type: LoadType = "COMPLETE",
): LoadRecord {
  return {
    dataLoadId: id,
    dataModelId: "dm",
    startDate: start,
    endDate: null,
    loadStatus: status,
    message: null,
    loadType: type,
  };
}

/** A load-info-sync answer listing `oldestFirst` newest first, as Celonis does. */
function info(oldestFirst: LoadRecord[], current: LoadRecord | null = null): LoadInfoSync {
  return {
    loadInfo: { liveDataModel: null, currentComputeLoad: current },
    loadHistory: {
      lastSuccessfulDataModel: null,
      dataLoadHistory: [...oldestFirst].reverse(),
      averageLoadTime: [],
    },
  };
}

const q = (over: Partial<OursQuery> = {}): OursQuery => ({
  previousLoadId: "B",
  triggeredAt: T,
  errorMs: E,
  loadType: "COMPLETE",
  ...over,
});

describe("ours: the first load of our type after the previous one, not before the trigger", () => {
  const A = rec("A", T - 31_000);
  const B = rec("B", T - 25_000);
  type Row = [string, LoadRecord[], Partial<OursQuery>, string];
  const table: Row[] = [
    ["the reset trigger: only older loads (A, then B) → none, never A", [A, B], {}, "none"],
    ["our load after B", [A, B, rec("C", T + 40)], {}, "ours C"],
    [
      "our load slightly before the trigger in Celonis's clock (within the bound)",
      [A, B, rec("C", T - 900)],
      {},
      "ours C",
    ],
    [
      "a load after B that started before the trigger beyond the bound is not ours",
      [A, B, rec("X", T - 9_000)],
      {},
      "none",
    ],
    [
      "the first of two: ours, a later one someone else's",
      [A, B, rec("C", T + 40, "ERROR"), rec("D", T + 9_000)],
      {},
      "ours C",
    ],
    [
      "another type after B is skipped",
      [B, rec("P", T + 10, "ERROR", "PARTIAL"), rec("C", T + 3_000)],
      {},
      "ours C",
    ],
    ["never loaded before: the first load at all", [rec("C", T + 20)], { previousLoadId: null }, "ours C"],
    [
      "a start date tie: the history's position decides",
      [B, rec("C1", T + 10), rec("C2", T + 10)],
      { errorMs: 5 },
      "ours C1",
    ],
    [
      "B left the history, a COMPLETE success after the trigger covers",
      [rec("C", T + 5_000)],
      {},
      "covering C",
    ],
    ["B left the history, nothing after the trigger: owed", [A], {}, "unprovable"],
    [
      "B left the history, a partial success after it: owed",
      [rec("P", T + 5_000, "SUCCESS", "PARTIAL")],
      {},
      "unprovable",
    ],
    [
      "two candidates inside the error window cannot be told apart: the later success covers",
      [B, rec("X", T - 1_000, "ERROR"), rec("C", T + 1_000, "ERROR"), rec("D", T + 20_000)],
      {},
      "covering D",
    ],
    [
      "two candidates inside the error window, nothing after: owed",
      [B, rec("X", T - 1_000), rec("C", T + 1_000)],
      {},
      "unprovable",
    ],
    ["a record without a start date is no candidate", [B, rec("N", null)], {}, "none"],
  ];
  for (const [name, history, over, want] of table) {
    it(`${name} → ${want}`, () => {
      const v = findOurs(celonisOrder(info(history)), q(over));
      const got = v.kind === "ours" || v.kind === "covering" ? `${v.kind} ${v.load.dataLoadId}` : v.kind;
      assert.equal(got, want);
    });
  }

  it("the current load joins the order when the history does not list it yet", () => {
    const got = findLoadIn(info([rec("B", T - 25_000)], rec("C", T + 50, "RUNNING")), {
      previousLoadId: "B",
      triggeredAt: T,
      errorMs: E,
    });
    assert.equal(got?.dataLoadId, "C");
  });

  it("without a clock estimate (errorMs absent) the five-minute bound stands in, and order still rules", () => {
    const h = info([rec("A", T - 31_000), rec("B", T - 25_000)]);
    assert.equal(findLoadIn(h, { previousLoadId: "B", triggeredAt: T }), null);
  });

  it("the old five-minute matcher takes the older load A (what the simulator must catch)", () => {
    const h = info([rec("A", T - 31_000), rec("B", T - 25_000)]);
    assert.equal(fiveMinuteMatch(h, { previousLoadId: "B", triggeredAt: T })?.dataLoadId, "A");
  });

  it("a record seen alone is a candidate only: not the previous, of our type, not clearly before", () => {
    const rows: [LoadRecord | null, boolean][] = [
      [null, false],
      [rec("B", T + 10), false],
      [rec("C", T + 10, "RUNNING", "PARTIAL"), false],
      [rec("C", T - E - 1), false],
      [rec("C", T - E), true],
      [rec("", T), false],
    ];
    for (const [l, want] of rows) assert.equal(isCandidate(l, q()), want, JSON.stringify(l));
  });

  it("property: a load that started before the previous one is never ours", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        (gap, prevAgo) => {
          const older = rec("O", T - prevAgo - gap);
          const prev = rec("B", T - prevAgo);
          const v = findOurs(celonisOrder(info([older, prev])), q({ errorMs: 300_000 }));
          return v.kind === "none";
        },
      ),
    );
  });
});
