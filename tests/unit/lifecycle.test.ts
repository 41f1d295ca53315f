// The reload lifecycle, transition by transition: what each step allows, and the invariant that a
// reload whose trigger may have reached Celonis is never recorded as owed by an error.

import assert from "node:assert/strict";
import {
  AMBIGUOUS_PARTIAL,
  adopted,
  deferred,
  interrupted,
  isInFlight,
  laterLoadOfTrigger,
  loadEnded,
  loadSeen,
  notFound,
  notStarted,
  nothingToLoad,
  persisted,
  planLoadMatch,
  planned,
  startBounded,
  triggerSent,
  type Reload,
} from "../../provider/lifecycle";
import type { LoadRecord } from "../../provider/celonis/types";
import type { Plan } from "../../provider/types";

const PLAN: Plan = {
  action: "reload",
  loadType: "PARTIAL",
  tables: ["CASES"],
  tableIds: ["t1"],
  reasons: ["x"],
};
const AT = Date.UTC(2026, 10, 29, 10, 0, 0);

const record = (over: Partial<LoadRecord> = {}): LoadRecord => ({
  dataLoadId: "L1",
  dataModelId: "M",
  startDate: AT + 100,
  endDate: null,
  loadStatus: "RUNNING",
  message: null,
  loadType: "PARTIAL",
  ...over,
});

const triggering = (): Reload =>
  triggerSent(planned(PLAN), { triggeredAt: AT, previousLoadId: "L0", loadType: "PARTIAL" });

describe("lifecycle: a reload's phases and transitions", () => {
  it("planned → triggering records the trigger time and the previous load, with no id yet", () => {
    const r = triggering();
    assert.equal(r.phase, "triggering");
    assert.deepEqual(r.load, {
      loadId: null,
      loadType: "PARTIAL",
      triggeredAt: "2026-11-29T10:00:00.000Z",
      previousLoadId: "L0",
      status: null,
    });
    assert.deepEqual(persisted(r), { planStatus: "running", planLoad: r.load });
  });

  it("triggering → running when the load is seen; → done or owed when it ends", () => {
    const running = loadSeen(triggering(), record());
    assert.equal(running.phase, "running");
    assert.equal(running.load?.loadId, "L1");
    const ok = loadEnded(running, record({ loadStatus: "SUCCESS", endDate: AT + 5000 }), "success");
    assert.deepEqual([ok.phase, ok.error, ok.load?.status], ["done", null, "SUCCESS"]);
    const failed = loadEnded(running, record({ loadStatus: "ERROR", message: "boom" }), "success");
    assert.equal(failed.phase, "owed");
    assert.match(failed.error!, /Celonis load L1 ended ERROR: boom\. The reload is still owed/);
    assert.deepEqual(persisted(failed).planStatus, "owed");
  });

  it("WARNING is done with a warning, or owed when warningsAs is error; CANCELED is owed", () => {
    const running = loadSeen(triggering(), record());
    const warn = loadEnded(running, record({ loadStatus: "WARNING", message: "3 rows" }), "success");
    assert.deepEqual([warn.phase, warn.warning], ["done", "3 rows"]);
    assert.equal(loadEnded(running, record({ loadStatus: "WARNING" }), "error").phase, "owed");
    assert.equal(loadEnded(running, record({ loadStatus: "CANCELED" }), "success").phase, "owed");
  });

  it("a plan deferred outside its reload window is stored as deferred, with no load; only from planned", () => {
    const r = deferred(planned(PLAN), "deferred: outside the reload window, next opens Fri 19:00 UTC");
    assert.deepEqual([r.phase, r.load, r.error], ["deferred", null, null]);
    assert.match(r.warning!, /next opens Fri 19:00 UTC/);
    assert.deepEqual(persisted(r), { planStatus: "deferred", planLoad: null });
    assert.throws(() => deferred(r, "again"), /deferred is not allowed from deferred/);
  });

  it("an error before any trigger leaves the plan owed", () => {
    const r = interrupted(planned(PLAN), "HTTP 403");
    assert.deepEqual([r.phase, r.error, r.load], ["owed", "HTTP 403", null]);
    assert.deepEqual(persisted(r), { planStatus: "owed", planLoad: null });
  });

  it("an error after a trigger never forgets the load: it stays running (the invariant)", () => {
    for (const r of [triggering(), loadSeen(triggering(), record())]) {
      const after = interrupted(r, "HTTP 500 on a status read");
      assert.equal(after.phase, r.phase);
      assert.equal(isInFlight(after), true);
      assert.equal(persisted(after).planStatus, "running");
      assert.deepEqual(persisted(after).planLoad, r.load);
    }
  });

  it("only a refused trigger or a load Celonis never shows turns a trigger back into owed", () => {
    assert.equal(notStarted(triggering(), "HTTP 400").phase, "owed");
    assert.equal(notFound(triggering(), "no load appeared").phase, "owed");
    assert.equal(notFound(loadSeen(triggering(), record()), "left the history").phase, "owed");
    assert.throws(() => notStarted(planned(PLAN), "x"), /notStarted is not allowed from planned/);
  });

  it("adopting an earlier run's load: by id it is running, by trigger time it is triggering", () => {
    const load = triggering().load!;
    assert.equal(adopted(planned(PLAN), load).phase, "triggering");
    assert.equal(adopted(planned(PLAN), { ...load, loadId: "L1" }).phase, "running");
  });

  it("a load that is not ours is refused; transitions out of order throw", () => {
    const running = loadSeen(triggering(), record());
    assert.throws(() => loadSeen(running, record({ dataLoadId: "L2" })), /load L2 is not ours \(L1\)/);
    assert.throws(() => loadSeen(planned(PLAN), record()), /loadSeen is not allowed from planned/);
    assert.throws(() => triggerSent(running, { triggeredAt: AT, previousLoadId: null, loadType: "PARTIAL" }));
    const done = nothingToLoad(planned(PLAN));
    assert.deepEqual(persisted(done), { planStatus: "done", planLoad: null });
    assert.throws(() => interrupted(done, "late"), /interrupted is not allowed from done/);
  });
});

describe("lifecycle: a trigger's time in Celonis's clock", () => {
  const plan: Plan = { action: "reload", loadType: "COMPLETE", tables: [], reasons: ["created"] };
  const at = { triggeredAt: 1_000_000, previousLoadId: "prev", loadType: "COMPLETE" as const };

  it("is recorded beside the runner's time and is what the load is matched by", () => {
    const r = triggerSent(planned(plan), { ...at, server: { at: 1_600_000, errorMs: 1_050 } });
    assert.equal(r.load?.triggeredAt, new Date(1_000_000).toISOString());
    assert.equal(r.load?.triggeredAtServer, new Date(1_600_000).toISOString());
    assert.deepEqual(planLoadMatch(r.load!), {
      previousLoadId: "prev",
      triggeredAt: 1_600_000,
      errorMs: 1_050,
      loadType: "COMPLETE",
    });
  });

  it("a load recorded without it (an older state or journal) is matched by the old rule", () => {
    const r = triggerSent(planned(plan), { ...at, server: null });
    assert.equal("triggeredAtServer" in r.load!, false);
    assert.deepEqual(planLoadMatch(r.load!), {
      previousLoadId: "prev",
      triggeredAt: 1_000_000,
      loadType: "COMPLETE",
    });
  });
});

describe("lifecycle: a partial load found while the trigger's outcome is unknown", () => {
  const server = { at: AT, errorMs: 1_000 };
  const sent = () =>
    triggerSent(planned(PLAN), { triggeredAt: AT, server, previousLoadId: "L0", loadType: "PARTIAL" });
  const ended = record({ loadStatus: "SUCCESS", endDate: AT + 900 });

  it("does not settle the plan: it may be another writer's partial load of other tables", () => {
    const r = loadEnded(loadSeen(sent(), record()), ended, "success");
    assert.equal(r.phase, "owed");
    assert.match(r.error!, new RegExp(AMBIGUOUS_PARTIAL));
    const failed = loadEnded(sent(), record({ loadStatus: "ERROR" }), "success");
    assert.match(failed.error!, new RegExp(AMBIGUOUS_PARTIAL));
  });

  it("settles it once Celonis accepted the trigger, or when the load is COMPLETE", () => {
    const window = { from: server, by: null, accepted: true as const };
    assert.equal(loadEnded(startBounded(sent(), window), ended, "success").phase, "done");
    const complete = record({ loadType: "COMPLETE", loadStatus: "SUCCESS" });
    assert.equal(loadEnded(sent(), complete, "success").phase, "done");
  });

  it("a window from a lost answer keeps the outcome unknown", () => {
    const r = startBounded(sent(), { from: server, by: AT + 3_000 });
    assert.equal(r.load?.outcome, "unknown");
  });
});

describe("lifecycle: a failed load taken for a trigger that never got an answer", () => {
  const server = { at: AT, errorMs: 1_000 };
  const load = triggerSent(planned(PLAN), {
    triggeredAt: AT,
    server,
    previousLoadId: "L0",
    loadType: "PARTIAL",
  }).load!;
  const failed = { dataLoadId: "L1", loadStatus: "ERROR" as const };

  it("while the request may still land, the trigger is looked for again after that load", () => {
    assert.deepEqual(laterLoadOfTrigger(load, failed, AT + 30_000), {
      ...load,
      loadId: null,
      previousLoadId: "L1",
      status: null,
    });
  });

  it("not once the request can no longer land, nor after a success, nor when the answer came", () => {
    assert.equal(laterLoadOfTrigger(load, failed, AT + 121_000), null);
    assert.equal(laterLoadOfTrigger(load, { ...failed, loadStatus: "SUCCESS" }, AT + 30_000), null);
    const answered = { ...load };
    delete answered.outcome;
    assert.equal(laterLoadOfTrigger(answered, failed, AT + 30_000), null);
  });
});
