// The plugin's detailed diff: every user input that changed is listed with its kind, per table for
// tableTriggers, replacing for the ids; the plan is listed whenever it explains the update; nothing
// is listed when the handlers decide there is no change.

import assert from "node:assert/strict";
import { changedProperties, detailedDiff, keyPath } from "../../provider/plugin/detailed-diff";
import { DEMO } from "../helpers/emulator";

const plan = (reasons: string[], tables: string[] = ["ACTIVITIES"]) => ({
  action: "reload",
  loadType: "PARTIAL",
  tables,
  reasons,
});

const stored = {
  poolId: DEMO.pool,
  dataModelId: DEMO.model,
  tables: ["ACTIVITIES", "VENDORS"],
  triggers: ["v1"],
  tableTriggers: { ACTIVITIES: "a1", VENDORS: "b1" },
  loadType: "complete",
  reloadOnCreate: true,
  wait: true,
  timeoutSeconds: 3600,
  onBusy: "wait",
  warningsAs: "success",
  resolvedTables: [],
  plan: plan(["created"], ["ACTIVITIES", "VENDORS"]),
  planStatus: "done",
};
const change = { changes: true, replaces: [] };

describe("plugin: detailed diff", () => {
  it("no change decided: nothing listed, even if derived values differ", () => {
    const news = { ...stored, resolvedTables: [{ ref: "X", id: "1", name: "X" }] };
    assert.deepEqual(detailedDiff(stored, news, { changes: false, replaces: [] }), {});
  });

  it("an option only: that option, and no plan (nothing reloads, the plan is kept)", () => {
    const news = { ...stored, timeoutSeconds: 900 };
    assert.deepEqual(detailedDiff(stored, news, change), { timeoutSeconds: "update" });
  });

  it("one table trigger changed, one added, one removed: per table, with the plan", () => {
    const news = {
      ...stored,
      tableTriggers: { ACTIVITIES: "a2", "ORDER ITEMS": "c1" },
      plan: plan(["tableTriggers.ACTIVITIES changed"]),
    };
    assert.deepEqual(detailedDiff(stored, news, change), {
      "tableTriggers.ACTIVITIES": "update",
      "tableTriggers.VENDORS": "delete",
      'tableTriggers["ORDER ITEMS"]': "add",
      plan: "update",
    });
  });

  it("tableTriggers set or dropped as a whole: the property itself", () => {
    const dropped = detailedDiff(stored, { ...stored, tableTriggers: null }, change);
    assert.equal(dropped.tableTriggers, "delete");
    const set = detailedDiff({ ...stored, tableTriggers: null }, stored, change);
    assert.equal(set.tableTriggers, "add");
  });

  it("triggers and tables: the property, added when there was none", () => {
    const news = { ...stored, triggers: ["v2"], tables: null, plan: plan(["x"], []) };
    const d = detailedDiff({ ...stored, triggers: null }, news, change);
    assert.equal(d.triggers, "add");
    assert.equal(d.tables, "delete");
    assert.equal(d.plan, "update");
  });

  it("a changed id replaces: the ids' kinds say so", () => {
    const news = { ...stored, dataModelId: DEMO.o2cModel, plan: plan(["dataModelId changed"]) };
    const d = detailedDiff(stored, news, { changes: true, replaces: ["dataModelId"] });
    assert.equal(d.dataModelId, "update-replace");
    assert.equal(d.poolId, undefined);
  });

  it("key order inside values is no change", () => {
    const olds = { ...stored, triggers: [{ a: 1, b: 2 }] };
    const news = { ...stored, triggers: [{ b: 2, a: 1 }], timeoutSeconds: 5 };
    assert.deepEqual(detailedDiff(olds, news, change), { timeoutSeconds: "update" });
  });

  it("nothing the user wrote changed but a reload is owed or running: the plan says why", () => {
    for (const planStatus of ["owed", "running"]) {
      assert.deepEqual(detailedDiff({ ...stored, planStatus }, stored, change), { plan: "update" });
    }
  });

  it("an update with no visible change still lists the plan, never an empty diff", () => {
    assert.deepEqual(detailedDiff(stored, stored, change), { plan: "update" });
  });

  it("changedProperties names the top-level properties; keyPath quotes odd keys", () => {
    assert.deepEqual(
      changedProperties({ "tableTriggers.A": "update", 'tableTriggers["B C"]': "add", plan: "update" }),
      ["tableTriggers", "plan"],
    );
    assert.equal(keyPath("tableTriggers", "ACTIVITIES"), "tableTriggers.ACTIVITIES");
    assert.equal(keyPath("tableTriggers", "a.b"), 'tableTriggers["a.b"]');
  });
});
