// The reload plan, row by row of the design table, plus properties over random inputs: nothing
// reload-relevant changed → no reload; the reload scope is never larger than what changed.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  canonicalJson,
  planAtUpdate,
  mergePlans,
  planAfterSettling,
  planAtCheck,
  planReload,
  reloadFingerprint,
  UNKNOWN,
} from "../../provider/plan";
import type { PlanInputs } from "../../provider/properties";
import type { CheckedInputs, Plan, ReloadOutputs } from "../../provider/types";

const POOL = "11111111-1111-4111-8111-111111111111";
const MODEL = "22222222-2222-4222-8222-222222222222";
const TABLES = ["ACTIVITIES", "CASES", "VENDORS", "INVOICES"];
const resolved = (refs: string[]) =>
  refs.map((ref) => ({ ref, id: `id-${ref.toUpperCase()}`, name: ref.toUpperCase() }));

function state(over: Partial<PlanInputs> = {}): PlanInputs {
  const tables = over.tables === undefined ? null : over.tables;
  const refs = [...(tables ?? []), ...Object.keys(over.tableTriggers ?? {})];
  return {
    poolId: POOL,
    dataModelId: MODEL,
    tables,
    triggers: null,
    tableTriggers: null,
    loadType: "complete",
    reloadOnCreate: true,
    resolvedTables: resolved(refs),
    ...over,
  };
}

function inputs(over: Partial<PlanInputs> = {}, old?: CheckedInputs): CheckedInputs {
  const s = state(over);
  return {
    ...s,
    wait: true,
    timeoutSeconds: 3600,
    onBusy: "wait",
    warningsAs: "success",
    plan: planAtCheck(old, s),
  };
}

function done(i: CheckedInputs, status: ReloadOutputs["planStatus"] = "done"): ReloadOutputs {
  return { ...i, planStatus: status, planLoad: null, lastLoad: null, reloadedTables: [], reloadCount: 1 };
}

function lastLoadOf(loadId: string): NonNullable<ReloadOutputs["lastLoad"]> {
  return {
    loadId,
    status: "RUNNING",
    loadType: "PARTIAL",
    startedAt: null,
    finishedAt: null,
    durationSeconds: null,
    message: null,
  };
}

describe("plan: the design table", () => {
  it("created → the tables (partial)", () => {
    const p = planReload(undefined, state({ tables: ["ACTIVITIES", "CASES"] }));
    assert.deepEqual(p, {
      action: "reload",
      loadType: "PARTIAL",
      tables: ["ACTIVITIES", "CASES"],
      tableIds: ["id-ACTIVITIES", "id-CASES"],
      reasons: ["created"],
    });
  });

  it("created without tables → the whole model, complete or from cache", () => {
    assert.equal(planReload(undefined, state()).loadType, "COMPLETE");
    assert.equal(planReload(undefined, state({ loadType: "fromCache" })).loadType, "FROM_CACHE");
  });

  it("created with reloadOnCreate false → none", () => {
    const p = planReload(undefined, state({ reloadOnCreate: false }));
    assert.equal(p.action, "none");
    assert.match(p.reasons[0], /reloadOnCreate is false/);
  });

  it("triggers changed → the same scope as on create, naming the position", () => {
    const old = state({ tables: ["ACTIVITIES", "CASES"], triggers: ["a", 1] });
    const p = planReload(old, state({ tables: ["ACTIVITIES", "CASES"], triggers: ["a", 2] }));
    assert.deepEqual(p, {
      action: "reload",
      loadType: "PARTIAL",
      tables: ["ACTIVITIES", "CASES"],
      tableIds: ["id-ACTIVITIES", "id-CASES"],
      reasons: ["triggers changed (triggers[1])"],
    });
    const whole = planReload(state({ triggers: ["x"] }), state({ triggers: ["y", "z"] }));
    assert.deepEqual(whole, {
      action: "reload",
      loadType: "COMPLETE",
      tables: [],
      reasons: ["triggers changed (1 → 2 values)"],
    });
  });

  it("triggers compared deeply, key order ignored", () => {
    const a = state({ triggers: [{ b: 1, a: { y: [1, 2], x: null } }] });
    const b = state({ triggers: [{ a: { x: null, y: [1, 2] }, b: 1 }] });
    assert.equal(planReload(a, b).action, "none");
    const c = state({ triggers: [{ a: { x: null, y: [2, 1] }, b: 1 }] });
    assert.equal(planReload(a, c).action, "reload");
  });

  it("tableTriggers[X] changed → partial, only X", () => {
    const tables = ["ACTIVITIES", "CASES", "VENDORS"];
    const old = state({ tables, tableTriggers: { ACTIVITIES: "v1", CASES: "v1" } });
    const p = planReload(old, state({ tables, tableTriggers: { ACTIVITIES: "v2", CASES: "v1" } }));
    assert.deepEqual(p, {
      action: "reload",
      loadType: "PARTIAL",
      tables: ["ACTIVITIES"],
      tableIds: ["id-ACTIVITIES"],
      reasons: ["tableTriggers.ACTIVITIES changed"],
    });
  });

  it("tableTriggers entry added → that table; removed → nothing", () => {
    const tables = ["ACTIVITIES", "CASES"];
    const added = planReload(state({ tables }), state({ tables, tableTriggers: { CASES: 1 } }));
    assert.deepEqual(
      [added.loadType, added.tables, added.reasons],
      ["PARTIAL", ["CASES"], ["tableTriggers.CASES added"]],
    );
    const removed = planReload(state({ tables, tableTriggers: { CASES: 1 } }), state({ tables }));
    assert.equal(removed.action, "none");
    assert.deepEqual(removed.reasons, ["tableTriggers.CASES removed (no reload)"]);
  });

  it("tableTriggers without tables → partial load of that table of the whole model", () => {
    const p = planReload(state({ tableTriggers: { CASES: 1 } }), state({ tableTriggers: { CASES: 2 } }));
    assert.deepEqual([p.loadType, p.tables], ["PARTIAL", ["CASES"]]);
  });

  it("tables added → partial, only the added ones", () => {
    const p = planReload(
      state({ tables: ["ACTIVITIES"] }),
      state({ tables: ["ACTIVITIES", "CASES", "VENDORS"] }),
    );
    assert.deepEqual(p, {
      action: "reload",
      loadType: "PARTIAL",
      tables: ["CASES", "VENDORS"],
      tableIds: ["id-CASES", "id-VENDORS"],
      reasons: ["tables added: CASES, VENDORS"],
    });
  });

  it("tables only removed → none (state update)", () => {
    const p = planReload(state({ tables: ["ACTIVITIES", "CASES"] }), state({ tables: ["CASES"] }));
    assert.deepEqual(p, {
      action: "none",
      loadType: null,
      tables: [],
      reasons: ["tables removed: ACTIVITIES (no reload)"],
    });
  });

  it("tables removed entirely → complete load", () => {
    const p = planReload(state({ tables: ["ACTIVITIES"] }), state());
    assert.deepEqual([p.action, p.loadType, p.tables], ["reload", "COMPLETE", []]);
    assert.match(p.reasons[0], /whole data model/);
  });

  it("tables set where there were none → none (scope narrowed)", () => {
    assert.equal(planReload(state(), state({ tables: ["CASES"] })).action, "none");
  });

  it("a table written by alias instead of name is the same table", () => {
    const old = state({ tables: ["CASES"], resolvedTables: [{ ref: "CASES", id: "t1", name: "CASES" }] });
    const next = state({
      tables: ["cases_alias"],
      resolvedTables: [{ ref: "cases_alias", id: "t1", name: "CASES" }],
    });
    assert.equal(planReload(old, next).action, "none");
    assert.equal(reloadFingerprint(old), reloadFingerprint(next));
  });

  it("poolId / dataModelId changed → the replacement loads like a create", () => {
    const p = planReload(state(), state({ dataModelId: "33333333-3333-4333-8333-333333333333" }));
    assert.deepEqual([p.action, p.loadType], ["reload", "COMPLETE"]);
    assert.match(p.reasons[0], /dataModelId changed: the resource is replaced/);
    const d = planAtUpdate(done(inputs()), inputs({ poolId: "44444444-4444-4444-8444-444444444444" }));
    assert.deepEqual(d.replaces, ["poolId"]);
    assert.equal(d.changes, true);
  });

  it("only wait/timeout/policy options changed → no reload, but an update", () => {
    const before = inputs({ tables: ["CASES"] });
    const after: CheckedInputs = {
      ...inputs({ tables: ["CASES"] }, before),
      timeoutSeconds: 60,
      onBusy: "fail",
      wait: false,
    };
    assert.deepEqual(after.plan, before.plan, "check keeps the plan while nothing reload-relevant changed");
    const d = planAtUpdate(done(before), after);
    assert.equal(d.changes, true);
    assert.equal(d.run.action, "none");
    assert.deepEqual(d.replaces, []);
  });

  it("loadType changed → no reload (applies to the next load)", () => {
    const before = inputs();
    const after = inputs({ loadType: "fromCache" }, before);
    const d = planAtUpdate(done(before), after);
    assert.equal(d.run.action, "none");
    assert.equal(d.changes, true);
  });

  it("nothing changed (provider code upgrade only) → no changes at all", () => {
    const before = inputs({ tables: ["CASES"], triggers: ["x"] });
    const after = inputs({ tables: ["CASES"], triggers: ["x"] }, before);
    const d = planAtUpdate({ ...done(before), __provider: "old code" } as ReloadOutputs, after);
    assert.deepEqual(d, {
      replaces: [],
      changes: false,
      run: { action: "none", loadType: null, tables: [], reasons: [] },
      adopt: null,
      owed: null,
    });
  });

  it("connection changed → replaced, and the replacement loads like a create", () => {
    const p = planReload(state(), state({ connection: "prod" }));
    assert.match(p.reasons[0], /connection changed: the resource is replaced/);
    const d = planAtUpdate(done(inputs()), inputs({ connection: "prod" }));
    assert.deepEqual(d.replaces, ["connection"]);
    // a state written before named connections (no key) against the unnamed one: the same identity
    const old = done(inputs());
    delete old.connection;
    assert.deepEqual(planAtUpdate(old, inputs({ connection: null })).replaces, []);
  });

  it("a state stored before windows and connections existed needs no update after an upgrade", () => {
    const before = inputs({ tables: ["CASES"] });
    const stored = done(before);
    for (const k of ["windows", "timeZone", "outsideWindow", "connection"] as const) delete stored[k];
    const after: CheckedInputs = {
      ...inputs({ tables: ["CASES"] }, before),
      windows: null,
      timeZone: "UTC",
      outsideWindow: "defer",
      connection: null,
    };
    assert.equal(planAtUpdate(stored, after).changes, false);
    assert.equal(planAtUpdate(stored, { ...after, timeZone: "Europe/Berlin" }).changes, true);
  });

  it("the expected duration and the window note never cause an update by themselves", () => {
    const before = inputs({ tables: ["CASES"] });
    const stored = done({ ...before, plan: { ...before.plan, expectedSeconds: 12.5, expectedBasis: "x" } });
    const after = inputs({ tables: ["CASES"] }, before);
    const informed: CheckedInputs = {
      ...after,
      plan: { ...after.plan, expectedSeconds: 99, expectedBasis: "unknown", window: "deferred: …" },
    };
    const d = planAtUpdate(stored, informed);
    assert.equal(d.changes, false);
    assert.equal(d.run.action, "none");
  });

  it("a deferred plan is owed: the next update runs it (once, its reasons not wrapped twice)", () => {
    const before = inputs();
    const first = done(before, "deferred");
    const d = planAtUpdate(first, inputs({}, before));
    assert.equal(d.changes, true);
    assert.deepEqual([d.run.action, d.run.loadType], ["reload", "COMPLETE"]);
    assert.deepEqual(d.run.reasons, ["still owed from the last run (created)"]);
    const again = planAtUpdate({ ...first, plan: d.run }, inputs({}, before));
    assert.deepEqual(again.run.reasons, ["still owed from the last run (created)"]);
  });

  it("previous reload failed → the same reload again, and the preview keeps saying so", () => {
    const before = inputs({ tables: ["CASES"], tableTriggers: { CASES: 1 } });
    const changed = inputs({ tables: ["CASES"], tableTriggers: { CASES: 2 } }, before);
    const failed = { ...done(changed, "owed"), plan: changed.plan };
    const again = inputs({ tables: ["CASES"], tableTriggers: { CASES: 2 } }, changed);
    assert.deepEqual(again.plan, changed.plan, "check keeps the owed plan");
    const d = planAtUpdate(failed, again);
    assert.equal(d.changes, true);
    assert.deepEqual([d.run.action, d.run.tables], ["reload", ["CASES"]]);
  });

  it("previous reload failed and something else changed → both, merged", () => {
    const tables = ["CASES", "VENDORS"];
    const first = inputs({ tables, tableTriggers: { CASES: 1, VENDORS: 1 } });
    const owedStep = inputs({ tables, tableTriggers: { CASES: 2, VENDORS: 1 } }, first);
    const failed = done(owedStep, "owed");
    const next = inputs({ tables, tableTriggers: { CASES: 2, VENDORS: 2 } }, owedStep);
    const d = planAtUpdate(failed, next);
    assert.deepEqual(d.run.tables, ["CASES", "VENDORS"]);
    assert.match(d.run.reasons[0], /still owed/);
  });

  it("previous wait timed out → adopt the plan's own load, trigger nothing new", () => {
    const i = inputs({ tables: ["CASES"] });
    const planLoad = {
      loadId: "L1",
      loadType: "PARTIAL" as const,
      triggeredAt: "2026-11-29T10:00:00.000Z",
      previousLoadId: "L0",
      status: "RUNNING" as const,
    };
    const olds: ReloadOutputs = { ...done(i, "running"), planLoad };
    const d = planAtUpdate(olds, inputs({ tables: ["CASES"] }, i));
    assert.equal(d.changes, true);
    assert.deepEqual(d.adopt, { load: planLoad, plan: i.plan });
    assert.equal(d.run.action, "none");
    // The model's last load (someone else's, say) is not what is adopted.
    const other = { ...olds, lastLoad: { ...lastLoadOf("L9"), status: "SUCCESS" as const } };
    assert.equal(planAtUpdate(other, inputs({ tables: ["CASES"] }, i)).adopt?.load.loadId, "L1");
  });

  it("a running plan stored by 0.1.0 (no planLoad) adopts the load its lastLoad recorded", () => {
    const i = inputs({ tables: ["CASES"] });
    const olds: ReloadOutputs = {
      ...done(i, "running"),
      lastLoad: lastLoadOf("L1"),
    };
    const d = planAtUpdate(olds, inputs({ tables: ["CASES"] }, i));
    assert.equal(d.changes, true);
    assert.equal(d.adopt?.load.loadId, "L1");
    assert.equal(d.adopt?.load.loadType, "PARTIAL");
    assert.deepEqual(d.adopt?.plan, i.plan);
    assert.equal(d.run.action, "none");
  });

  it("an input unknown in preview → reload, scope decided at deploy time", () => {
    const p = planReload(state({ triggers: ["a"] }), state({ triggers: [UNKNOWN] }));
    assert.deepEqual([p.action, p.loadType], ["reload", null]);
    assert.match(p.reasons[0], /triggers not known until deploy/);
    const nested = planReload(state(), state({ tableTriggers: { CASES: { v: UNKNOWN } } }));
    assert.match(nested.reasons[0], /tableTriggers/);
    const d = planAtUpdate(done(inputs()), { ...inputs(), dataModelId: UNKNOWN });
    assert.equal(d.changes, true);
    assert.deepEqual(d.replaces, ["dataModelId"]);
  });

  it("a plan left to deploy time is decided in update, from the outputs", () => {
    const before = inputs({ tables: ["CASES", "VENDORS"], tableTriggers: { CASES: 1 } });
    const deferred: CheckedInputs = {
      ...inputs({ tables: ["CASES", "VENDORS"], tableTriggers: { CASES: 2 } }, before),
      plan: { action: "reload", loadType: null, tables: [], reasons: ["decided at deploy time"] },
    };
    const d = planAtUpdate(done(before), deferred);
    assert.deepEqual([d.run.loadType, d.run.tables], ["PARTIAL", ["CASES"]]);
  });

  it("secret trigger values never appear in plan or reasons", () => {
    const secret = "s3cr3t-value-123";
    const p = planReload(
      state({ tables: ["CASES"], triggers: ["old"], tableTriggers: { CASES: "x" } }),
      state({ tables: ["CASES"], triggers: [secret], tableTriggers: { CASES: { token: secret } } }),
    );
    assert.equal(p.action, "reload");
    assert.ok(!JSON.stringify(p).includes(secret));
  });

  it("diff: no change exactly when nothing changed and the plan is done; a 0.1.0-shaped state counts as changed", () => {
    const i = inputs({ tables: ["CASES"], triggers: ["a"] });
    assert.equal(planAtUpdate(done(i), inputs({ tables: ["CASES"], triggers: ["a"] }, i)).changes, false);
    for (const status of ["owed", "running"] as const) {
      assert.equal(
        planAtUpdate(done(i, status), inputs({ tables: ["CASES"], triggers: ["a"] }, i)).changes,
        true,
      );
    }
    assert.equal(planAtUpdate({}, i).changes, true, "outputs without a plan are not up to date");
  });
});

describe("plan: merging an owed reload into a new one", () => {
  const P = (loadType: Plan["loadType"], tables: string[] = []): Plan => ({
    action: "reload",
    loadType,
    tables,
    reasons: ["r"],
  });
  const none: Plan = { action: "none", loadType: null, tables: [], reasons: [] };
  it("after settling an earlier load: owed merges it in, done leaves the new plan or nothing", () => {
    const rows: [Plan, "done" | "owed", Plan, Plan | null][] = [
      [P("PARTIAL", ["A"]), "done", none, null],
      [P("PARTIAL", ["A"]), "done", P("PARTIAL", ["B"]), P("PARTIAL", ["B"])],
      [P("PARTIAL", ["A"]), "owed", none, mergePlans(P("PARTIAL", ["A"]), none)],
      [
        P("PARTIAL", ["A"]),
        "owed",
        P("PARTIAL", ["B"]),
        mergePlans(P("PARTIAL", ["A"]), P("PARTIAL", ["B"])),
      ],
    ];
    for (const [earlier, ended, next, want] of rows) {
      assert.deepEqual(planAfterSettling(earlier, ended, next), want, `${ended} then ${next.action}`);
    }
  });
  it("none on either side keeps the other", () => {
    assert.deepEqual(mergePlans(none, P("PARTIAL", ["A"])), P("PARTIAL", ["A"]));
    assert.deepEqual(mergePlans(P("PARTIAL", ["A"]), none).tables, ["A"]);
  });
  it("complete covers everything; partial covers from-cache; partials union", () => {
    assert.equal(mergePlans(P("COMPLETE"), P("PARTIAL", ["A"])).loadType, "COMPLETE");
    assert.deepEqual(mergePlans(P("FROM_CACHE"), P("PARTIAL", ["A"])).tables, ["A"]);
    assert.equal(mergePlans(P("FROM_CACHE"), P("FROM_CACHE")).loadType, "FROM_CACHE");
    assert.deepEqual(mergePlans(P("PARTIAL", ["A", "B"]), P("PARTIAL", ["B", "C"])).tables, ["A", "B", "C"]);
  });
});

describe("plan: properties over random inputs", () => {
  const json = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<never>;
  const tableSet = fc.option(fc.subarray(TABLES, { minLength: 1 }), { nil: null });
  const triggerMap = fc.option(fc.dictionary(fc.constantFrom(...TABLES), json, { maxKeys: 3 }), {
    nil: null,
  });
  const arbState = fc
    .record({
      tables: tableSet,
      triggers: fc.option(fc.array(json, { maxLength: 3 }), { nil: null }),
      tableTriggers: triggerMap,
      loadType: fc.constantFrom("complete" as const, "fromCache" as const),
    })
    .map((r) => {
      // tableTriggers only for listed tables, as check enforces.
      const tt =
        r.tableTriggers && r.tables
          ? Object.fromEntries(Object.entries(r.tableTriggers).filter(([k]) => r.tables!.includes(k)))
          : r.tableTriggers;
      return state({ ...r, tableTriggers: tt });
    });

  it("no reload when nothing reload-relevant changed (key order reversed at every depth, loadType)", () => {
    /** The same value with every object's keys in reverse order. */
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : v !== null && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
    fc.assert(
      fc.property(arbState, fc.constantFrom("complete" as const, "fromCache" as const), (s, loadType) => {
        const same = {
          ...s,
          loadType,
          triggers: reversed(s.triggers),
          tableTriggers: reversed(s.tableTriggers),
        };
        return planReload(s, same as PlanInputs).action === "none";
      }),
    );
    // The property can fail: a value that changed is a reload.
    const a = state({ triggers: [{ x: 1, y: 2 }] });
    assert.equal(planReload(a, state({ triggers: [{ y: 2, x: 1 }] })).action, "none");
    assert.equal(planReload(a, state({ triggers: [{ y: 2, x: 3 }] })).action, "reload");
  });

  it("the reload scope is never larger than needed", () => {
    fc.assert(
      fc.property(arbState, arbState, (old, next) => {
        const p = planReload(old, next);
        if (p.action === "none") return true;
        if (p.loadType !== "PARTIAL") {
          // A whole-model load only when the triggers changed for a whole-model scope, or tables were dropped.
          const triggersChanged = canonicalJson(old.triggers) !== canonicalJson(next.triggers);
          return (next.tables === null && triggersChanged) || (old.tables !== null && next.tables === null);
        }
        const triggersChanged = canonicalJson(old.triggers) !== canonicalJson(next.triggers);
        const allowed = new Set<string>();
        if (triggersChanged) (next.tables ?? []).forEach((t) => allowed.add(t));
        (next.tables ?? []).filter((t) => !(old.tables ?? TABLES).includes(t)).forEach((t) => allowed.add(t));
        for (const [k, v] of Object.entries(next.tableTriggers ?? {})) {
          const before = old.tableTriggers ?? {};
          if (!(k in before) || canonicalJson(before[k]) !== canonicalJson(v)) allowed.add(k);
        }
        return p.tables.every((t) => allowed.has(t)) && p.tables.length > 0;
      }),
    );
  });

  it("a reload is planned whenever triggers or tableTriggers changed", () => {
    fc.assert(
      fc.property(arbState, arbState, (old, next) => {
        const changed =
          canonicalJson(old.triggers ?? null) !== canonicalJson(next.triggers ?? null) ||
          Object.entries(next.tableTriggers ?? {}).some(
            ([k, v]) =>
              !(k in (old.tableTriggers ?? {})) || canonicalJson(old.tableTriggers![k]) !== canonicalJson(v),
          );
        return !changed || planReload(old, next).action === "reload";
      }),
    );
  });
});
