// The runner's pure pieces: how a Celonis load record becomes `lastLoad`, what a final status means,
// and how a plan becomes a trigger.

import assert from "node:assert/strict";
import { judgeLoad } from "../../provider/lifecycle";
import { loadRequestFor } from "../../provider/batch";
import { toLastLoad } from "../../provider/runner";
import type { LoadRecord } from "../../provider/celonis/types";

const record = (over: Partial<LoadRecord> = {}): LoadRecord => ({
  dataLoadId: "L1",
  dataModelId: "M1",
  startDate: Date.UTC(2026, 10, 29, 9, 0, 0),
  endDate: Date.UTC(2026, 10, 29, 9, 0, 12, 345),
  loadStatus: "SUCCESS",
  message: null,
  loadType: "PARTIAL",
  ...over,
});

describe("reload: pure pieces", () => {
  it("toLastLoad: ISO dates, seconds to a tenth, nulls where unknown", () => {
    assert.deepEqual(toLastLoad(record()), {
      loadId: "L1",
      status: "SUCCESS",
      loadType: "PARTIAL",
      startedAt: "2026-11-29T09:00:00.000Z",
      finishedAt: "2026-11-29T09:00:12.345Z",
      durationSeconds: 12.3,
      message: null,
    });
    const running = toLastLoad(record({ endDate: null, loadStatus: "RUNNING", loadType: null }));
    assert.deepEqual([running.finishedAt, running.durationSeconds, running.loadType], [null, null, null]);
  });

  it("judgeLoad: SUCCESS ok; WARNING ok with a warning unless warningsAs error; the rest fail", () => {
    assert.deepEqual(judgeLoad(record(), "success"), { ok: true, warning: null });
    assert.deepEqual(judgeLoad(record({ loadStatus: "WARNING", message: "3 rows" }), "success"), {
      ok: true,
      warning: "3 rows",
    });
    assert.equal(judgeLoad(record({ loadStatus: "WARNING" }), "error").ok, false);
    for (const s of ["ERROR", "CANCELED", "LOST_CONNECTION"] as const) {
      assert.equal(judgeLoad(record({ loadStatus: s }), "success").ok, false, s);
    }
  });

  it("loadRequestFor: whole-model kinds; partial tables by the plan's own ids, else resolved by name", async () => {
    const plan = (
      loadType: "COMPLETE" | "FROM_CACHE" | "PARTIAL",
      tables: string[] = [],
      tableIds?: string[],
    ) => ({
      action: "reload" as const,
      loadType,
      tables,
      ...(tableIds ? { tableIds } : {}),
      reasons: [],
    });
    const asked: string[][] = [];
    const resolve = async (names: string[]) => {
      asked.push(names);
      return names.map((n) => `id-of-${n}`);
    };
    assert.deepEqual(await loadRequestFor(plan("COMPLETE"), resolve), { kind: "COMPLETE" });
    assert.deepEqual(await loadRequestFor(plan("FROM_CACHE"), resolve), { kind: "FROM_CACHE" });
    assert.deepEqual(await loadRequestFor(plan("PARTIAL", ["CASES", "VENDORS"], ["t2", "t3"]), resolve), {
      kind: "PARTIAL",
      tableIds: ["t2", "t3"],
    });
    assert.deepEqual(asked, [], "a plan with ids is loaded without resolving names again");
    assert.deepEqual(await loadRequestFor(plan("PARTIAL", ["CASES"]), resolve), {
      kind: "PARTIAL",
      tableIds: ["id-of-CASES"],
    });
    assert.deepEqual(asked, [["CASES"]], "a 0.1.0 plan (no ids) resolves its names once");
  });
});
