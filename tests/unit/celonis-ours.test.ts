// The rule for "ours" (provider/celonis/ours.ts), table-driven: which load of a history a trigger
// started, when that cannot be told, and what then covers the change.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  celonisOrder,
  findOurs,
  firstCovering,
  isCandidate,
  type OursQuery,
} from "../../provider/celonis/ours";
import { planLoadMatch } from "../../provider/lifecycle";
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
    // The trigger's answer (or its connection's reset) bounds when its load could have started.
    [
      "a reset trigger: another writer's partial load after the reset is not ours",
      [B, rec("P", T + 3_000, "SUCCESS", "PARTIAL")],
      { loadType: "PARTIAL", startedBy: T + 1_200 },
      "none",
    ],
    [
      "a 5xx-answered trigger: its load, started before the answer, is ours",
      [B, rec("C", T + 200), rec("D", T + 9_000)],
      { startedBy: T + 1_400 },
      "ours C",
    ],
    [
      "a late trigger's window: a UI load before it ends is ours by the rule, one after it is not",
      [B, rec("U", T + 30_000, "ERROR"), rec("C", T + 70_000)],
      { startedBy: T + 61_000 },
      "ours U",
    ],
    [
      "bounded, nothing of ours inside: a COMPLETE success after the bound is no candidate",
      [B, rec("D", T + 9_000)],
      { startedBy: T + 1_400 },
      "none",
    ],
    // An accepted trigger's answer came late: every load that started before it may be ours.
    [
      "a late accepted partial trigger: two partial loads before its answer cannot be told apart",
      [B, rec("Z", T + 7_000, "ERROR", "PARTIAL"), rec("P", T + 25_000, "SUCCESS", "PARTIAL")],
      { loadType: "PARTIAL", answeredBy: T + 29_000 },
      "unprovable",
    ],
    [
      "a late accepted trigger: of two COMPLETE loads before its answer, the success after the send covers",
      [B, rec("S", T + 7_000, "CANCELED"), rec("C", T + 25_000)],
      { answeredBy: T + 29_000 },
      "covering C",
    ],
    [
      "an accepted trigger: one load before its answer is ours, a later one is not counted against it",
      [B, rec("C", T + 5_000, "ERROR"), rec("D", T + 60_000)],
      { answeredBy: T + 29_000 },
      "ours C",
    ],
    [
      "unbounded (no answer at all, still watching): the first load after the trigger",
      [B, rec("U", T + 30_000, "ERROR")],
      { startedBy: null },
      "ours U",
    ],
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

describe("ours: a trigger's start bound survives in the state (PlanLoad.startedBy)", () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  type Row = [string, Record<string, unknown>, string | null];
  const table: Row[] = [
    [
      "with a server time and a bound: the other writer's later load is not ours",
      { startedBy: iso(T + 1_200) },
      null,
    ],
    ["with a server time, no bound (older state): the first candidate is ours", {}, "P2"],
    [
      "an accepted answer after two partial loads: neither is taken",
      { answeredBy: iso(T + 9_000), outcome: undefined },
      null,
    ],
    ["no server time (oldest state): the old tolerance, no bound", { triggeredAtServer: undefined }, "P2"],
  ];
  for (const [name, over, want] of table) {
    it(`${name} → ${want ?? "none"}`, () => {
      const load = {
        loadId: null,
        loadType: "PARTIAL" as const,
        triggeredAt: iso(T),
        triggeredAtServer: iso(T),
        serverErrorMs: E,
        previousLoadId: "B",
        status: null,
        ...over,
      };
      const P1 = rec("P1", T + 5_000, "ERROR", "PARTIAL"); // a load the accepted answer's window also holds
      const after = "answeredBy" in over ? [P1] : [];
      const h = info([rec("B", T - 25_000), rec("P2", T + 3_000, "SUCCESS", "PARTIAL"), ...after]);
      assert.equal(findLoadIn(h, planLoadMatch(load))?.dataLoadId ?? null, want);
    });
  }
});

describe("ours: a COMPLETE load that succeeded after the change was ready covers it", () => {
  const ok = (l: LoadRecord) => l.loadStatus === "SUCCESS" || l.loadStatus === "WARNING";
  type Row = [string, LoadRecord[], string | null];
  const table: Row[] = [
    [
      "the UI load failed, our late load succeeded after it",
      [rec("U", T + 10_000, "ERROR"), rec("L", T + 40_000)],
      "L",
    ],
    ["a COMPLETE success before the change was ready covers nothing", [rec("O", T - 1)], null],
    ["a partial success after it covers nothing provable", [rec("P", T + 5_000, "SUCCESS", "PARTIAL")], null],
    ["a running COMPLETE load is not (yet) a success", [rec("R", T + 5_000, "RUNNING")], null],
    ["the first of two successes", [rec("C1", T + 5_000), rec("C2", T + 9_000)], "C1"],
  ];
  for (const [name, history, want] of table) {
    it(`${name} → ${want ?? "none"}`, () => {
      assert.equal(firstCovering(celonisOrder(info(history)), T, ok)?.dataLoadId ?? null, want);
    });
  }
});
