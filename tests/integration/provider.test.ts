// The provider handlers against a real emulator: each plan row end to end, failures that keep the
// resource in state and stay owed, timeouts that are adopted, onBusy, WARNING handling, and
// concurrency (several resources on one model never overlap their loads).

import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { ProviderContext } from "../../provider/context";
import * as operations from "../../provider/operations";
import { DEMO, TEST_API_KEY, waitFor, waitForFinished } from "../helpers/emulator";
import { deploy, testContext } from "../helpers/engine";

const base = { poolId: DEMO.pool, dataModelId: DEMO.model };

describe("provider handlers against the emulator", function () {
  this.timeout(30_000);
  let emu: Emulator;
  let lines: string[];
  let pc: ProviderContext;

  before(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 150 });
  });
  beforeEach(() => {
    emu.reset();
    lines = [];
    // Each test gets a context of its own: an empty trigger journal, its lines collected.
    pc = testContext({ url: emu.url, token: TEST_API_KEY, lines });
  });
  after(async () => {
    await emu.stop();
  });

  const triggers = () => emu.requests().filter(isLoadTrigger);

  it("create without tables runs one complete load and records it", async () => {
    const s = await deploy(pc, undefined, base);
    assert.equal(triggers().length, 1);
    assert.equal(triggers()[0].query.fullReload, "true");
    assert.equal(s.outputs.planStatus, "done");
    assert.equal(s.outputs.lastLoad?.status, "SUCCESS");
    assert.equal(s.outputs.lastLoad?.loadType, "COMPLETE");
    assert.match(s.outputs.lastLoad!.startedAt!, /^\d{4}-\d\d-\d\dT/);
    assert.ok(s.outputs.lastLoad!.durationSeconds! >= 0);
    assert.equal(s.outputs.reloadCount, 1);
    assert.equal(s.outputs.reloadedTables.length, 9, "a whole-model load covers every table");
    assert.deepEqual(s.outputs.plan, {
      action: "reload",
      loadType: "COMPLETE",
      tables: [],
      reasons: ["created"],
      expectedSeconds: s.outputs.plan.expectedSeconds,
      expectedBasis: "history average of COMPLETE loads",
    });
    assert.equal(typeof s.outputs.plan.expectedSeconds, "number", "the demo model has a history");
    assert.ok(lines.some((l) => /triggering a COMPLETE load of the whole data model/.test(l)));
    assert.ok(lines.some((l) => /SUCCESS in/.test(l)));
  });

  it("loadType fromCache triggers fullReload=false", async () => {
    await deploy(pc, undefined, { ...base, loadType: "fromCache" });
    assert.equal(triggers()[0].query.fullReload, "false");
    assert.equal(emu.loads(DEMO.model).at(-1)?.loadType, "FROM_CACHE");
  });

  it("tables by name, alias and id reload only those tables (partial-sync with their ids)", async () => {
    const tables = emu.state.tables(DEMO.pool, DEMO.model);
    const cases = tables.find((t) => t.name === "CASES")!;
    const s = await deploy(pc, undefined, { ...base, tables: ["ACTIVITIES", "VENDORS", cases.id] });
    const [t] = triggers();
    assert.match(t.path, /partial-sync$/);
    const lfa1 = tables.find((x) => x.name === "LFA1")!;
    const acts = tables.find((x) => x.name === "ACTIVITIES")!;
    assert.deepEqual(new Set(t.body as string[]), new Set([acts.id, lfa1.id, cases.id]));
    assert.deepEqual(s.outputs.plan.tables, ["ACTIVITIES", "VENDORS", "CASES"]);
    assert.deepEqual(
      s.outputs.resolvedTables?.map((r) => r.name),
      ["ACTIVITIES", "VENDORS", "CASES"],
    );
    assert.equal(s.outputs.lastLoad?.loadType, "PARTIAL");
  });

  it("a second deployment with nothing changed triggers nothing", async () => {
    const s1 = await deploy(pc, undefined, { ...base, tables: ["CASES"], triggers: ["v1"] });
    const s2 = await deploy(pc, s1, { ...base, tables: ["CASES"], triggers: ["v1"] });
    assert.equal(s2, s1, "diff said no changes");
    assert.equal(triggers().length, 1);
  });

  it("changing one tableTriggers value reloads only that table; adding a table only it", async () => {
    const tables = ["ACTIVITIES", "CASES", "INVOICES"];
    const s1 = await deploy(pc, undefined, { ...base, tables, tableTriggers: { ACTIVITIES: 1, CASES: 1 } });
    emu.clearRequests();
    const s2 = await deploy(pc, s1, { ...base, tables, tableTriggers: { ACTIVITIES: 2, CASES: 1 } });
    assert.deepEqual(s2.outputs.plan.tables, ["ACTIVITIES"]);
    assert.deepEqual(s2.outputs.plan.reasons, ["tableTriggers.ACTIVITIES changed"]);
    assert.equal((triggers()[0].body as string[]).length, 1);
    assert.deepEqual(
      s2.outputs.reloadedTables.map((t) => t.name),
      ["ACTIVITIES"],
    );
    emu.clearRequests();
    const s3 = await deploy(pc, s2, {
      ...base,
      tables: [...tables, "PAYMENTS"],
      tableTriggers: { ACTIVITIES: 2, CASES: 1 },
    });
    assert.deepEqual(s3.outputs.plan.tables, ["PAYMENTS"]);
    assert.equal(triggers().length, 1);
    assert.equal(s3.outputs.reloadCount, 3);
  });

  it("changing only options (timeout, onBusy) updates state and triggers nothing", async () => {
    const s1 = await deploy(pc, undefined, { ...base, tables: ["CASES"] });
    emu.clearRequests();
    const s2 = await deploy(pc, s1, { ...base, tables: ["CASES"], timeoutSeconds: 120, onBusy: "fail" });
    assert.equal(triggers().length, 0);
    assert.equal(s2.outputs.timeoutSeconds, 120);
    assert.equal(s2.outputs.reloadCount, 1);
  });

  it("removing tables only triggers nothing; dropping the list loads the whole model", async () => {
    const s1 = await deploy(pc, undefined, { ...base, tables: ["CASES", "ACTIVITIES"] });
    emu.clearRequests();
    const s2 = await deploy(pc, s1, { ...base, tables: ["CASES"] });
    assert.equal(triggers().length, 0);
    assert.equal(s2.outputs.plan.action, "none");
    const s3 = await deploy(pc, s2, { ...base });
    assert.equal(triggers().length, 1);
    assert.equal(s3.outputs.lastLoad?.loadType, "COMPLETE");
  });

  it("reloadOnCreate false: creating loads nothing but records the model's last load", async () => {
    const s = await deploy(pc, undefined, { ...base, reloadOnCreate: false });
    assert.equal(triggers().length, 0);
    assert.equal(s.outputs.plan.action, "none");
    assert.equal(s.outputs.reloadCount, 0);
    assert.equal(s.outputs.lastLoad?.loadId, emu.loads(DEMO.model).at(-1)?.dataLoadId, "the seeded load");
    const s2 = await deploy(pc, s, { ...base, reloadOnCreate: false, triggers: ["v2"] });
    assert.equal(triggers().length, 1, "a later trigger change does reload");
    assert.equal(s2.outputs.reloadCount, 1);
  });

  it("check reads a model's table list once for many resources (rate limits)", async () => {
    emu.clearRequests();
    await Promise.all(
      ["CASES", "INVOICES", "PAYMENTS"].map((t) => operations.check(pc, {}, { ...base, tables: [t] })),
    );
    assert.equal(emu.requests().filter((r) => r.path.endsWith("/tables")).length, 1);
  });

  it("check: an unknown table fails with close matches and the valid names", async () => {
    const r = await operations.check(pc, {}, { ...base, tables: ["ACTIVITES", "CASES"] });
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0].property, "tables[0]");
    assert.match(r.failures[0].reason, /"ACTIVITES" matches no table \(did you mean "ACTIVITIES"\?\)/);
    assert.match(r.failures[0].reason, /Valid tables: .*CASES/);
  });

  it("check: a model that does not exist fails on dataModelId with Celonis's answer", async () => {
    const r = await operations.check(
      pc,
      {},
      { ...base, dataModelId: "99999999-9999-4999-8999-999999999999" },
    );
    assert.equal(r.failures[0].property, "dataModelId");
    assert.match(r.failures[0].reason, /404/);
  });

  it("check: missing credentials name the config keys", async () => {
    pc = new ProviderContext();
    const saved = { ...process.env };
    for (const k of ["CELONIS_URL", "CELONIS_API_TOKEN", "OAUTH_CLIENT_ID"]) delete process.env[k];
    try {
      await operations.configure(pc, { config: { get: () => undefined, require: () => "" } });
      await assert.rejects(operations.check(pc, {}, base), /celonis:url.*CELONIS_URL/);
    } finally {
      Object.assign(process.env, saved);
    }
  });

  it("a load ending ERROR fails with Celonis's message, stays in state, and the next up retries it", async () => {
    emu.setBehaviour(DEMO.model, {
      outcome: "ERROR",
      message: "Table 'CASES': column CASE_KEY not found",
      times: 1,
    });
    const s1 = await deploy(pc, undefined, { ...base, tables: ["CASES"] });
    assert.ok(s1.failed);
    assert.match(s1.error!.message, /ended ERROR: Table 'CASES': column CASE_KEY not found/);
    assert.match(s1.error!.message, /still owed/);
    assert.equal(s1.outputs.planStatus, "owed");
    assert.equal(s1.outputs.lastLoad?.status, "ERROR");
    assert.equal(s1.outputs.reloadCount, 0);
    assert.ok(s1.id.startsWith(DEMO.model));
    assert.deepEqual(s1.error!.reasons, [s1.error!.message]);
    // The next deployment with the same inputs: the plan is kept, the reload is still owed.
    const s2 = await deploy(pc, s1, { ...base, tables: ["CASES"] });
    assert.equal(s2.failed, false);
    assert.deepEqual(s2.outputs.plan, s1.outputs.plan);
    assert.equal(s2.outputs.planStatus, "done");
    assert.equal(s2.outputs.lastLoad?.status, "SUCCESS");
    assert.equal(triggers().length, 2);
  });

  it("a timed-out load is adopted by the next up, not triggered again", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 2500, times: 1 });
    const s1 = await deploy(pc, undefined, { ...base, timeoutSeconds: 0.5 });
    assert.ok(s1.failed);
    assert.match(
      s1.error!.message,
      /Timed out after 0.5s .*\(still RUNNING\).*waits for it instead of starting another/,
    );
    assert.equal(s1.outputs.planStatus, "running");
    assert.equal(s1.outputs.lastLoad?.status, "RUNNING");
    const s2 = await deploy(pc, s1, { ...base, timeoutSeconds: 0.5 + 10 });
    assert.equal(s2.failed, false, s2.error?.message);
    assert.equal(triggers().length, 1, "no second trigger");
    assert.equal(s2.outputs.planStatus, "done");
    assert.equal(
      s2.outputs.planLoad?.loadId,
      s1.outputs.planLoad?.loadId,
      "the adopted load is the plan's record",
    );
    assert.equal(s2.outputs.planLoad?.status, "SUCCESS");
    assert.equal(s2.outputs.reloadCount, 1);
    assert.equal(s2.outputs.lastLoad?.loadId, s1.outputs.lastLoad?.loadId);
    assert.equal(s2.outputs.lastLoad?.status, "SUCCESS");
  });

  it("a load that times out twice stays owed with its plan, and is retried once it has failed", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 1500, outcome: "ERROR", times: 1 });
    const s1 = await deploy(pc, undefined, { ...base, timeoutSeconds: 0.3 });
    assert.equal(s1.outputs.planStatus, "running");
    const s2 = await deploy(pc, s1, { ...base, timeoutSeconds: 0.3 });
    assert.equal(s2.outputs.planStatus, "running");
    assert.deepEqual(s2.outputs.plan, s1.outputs.plan, "the running load's plan is kept, not forgotten");
    await new Promise((r) => setTimeout(r, 1500));
    const s3 = await deploy(pc, s2, { ...base, timeoutSeconds: 10 });
    assert.equal(s3.failed, false, s3.error?.message);
    assert.equal(s3.outputs.lastLoad?.status, "SUCCESS");
    assert.equal(triggers().length, 2, "the failed load, then one retry");
  });

  it("new changes while a timed-out load still runs wait for it, then load only what is new", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 1500, times: 1 });
    const s1 = await deploy(pc, undefined, { ...base, tables: ["CASES"], timeoutSeconds: 0.3 });
    assert.equal(s1.outputs.planStatus, "running");
    const s2 = await deploy(pc, s1, { ...base, tables: ["CASES", "INVOICES"], timeoutSeconds: 0.3 });
    assert.equal(s2.outputs.planStatus, "running", "the first load still runs and is still ours");
    assert.equal(s2.outputs.planLoad?.loadId, s1.outputs.planLoad?.loadId);
    assert.deepEqual(s2.outputs.tables, ["CASES"], "the new table is not recorded as carried out");
    const s3 = await deploy(pc, s2, { ...base, tables: ["CASES", "INVOICES"], timeoutSeconds: 10 });
    assert.equal(s3.failed, false, s3.error?.message);
    assert.equal(triggers().length, 2, "the first load counted once, the new table loaded once");
    assert.deepEqual(triggers()[1].body, [DEMO.tables.INVOICES]);
    assert.equal(s3.outputs.reloadCount, 2);
    assert.deepEqual(s3.outputs.tables, ["CASES", "INVOICES"]);
  });

  it("onBusy fail: a load started elsewhere fails the update and leaves the reload owed", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 1500, times: 1 });
    const outside = emu.startLoad(DEMO.model);
    const s = await deploy(pc, undefined, { ...base, onBusy: "fail" });
    assert.ok(s.failed);
    assert.match(s.error!.message, /busy: load .* is RUNNING .*onBusy is "fail"/);
    assert.equal(s.outputs.planStatus, "owed");
    assert.equal(s.outputs.lastLoad?.loadId, outside.dataLoadId);
    assert.equal(triggers().length, 0);
  });

  it("onBusy wait: waits for the load started elsewhere, then loads", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 600, times: 1 });
    const outside = emu.startLoad(DEMO.model);
    const s = await deploy(pc, undefined, { ...base });
    assert.equal(s.failed, false, s.error?.message);
    assert.notEqual(s.outputs.lastLoad?.loadId, outside.dataLoadId);
    assert.ok(lines.some((l) => /started elsewhere is RUNNING; waiting for it/.test(l)));
    assert.equal(emu.requests().filter((r) => r.status === 400).length, 0);
  });

  it("WARNING succeeds with a printed warning; warningsAs error fails it", async () => {
    emu.setBehaviour(DEMO.model, { outcome: "WARNING", message: "2 rows rejected" });
    const ok = await deploy(pc, undefined, { ...base });
    assert.equal(ok.failed, false);
    assert.ok(lines.some((l) => /^warning: .*ended WARNING: 2 rows rejected/.test(l)));
    const bad = await deploy(pc, undefined, { ...base, warningsAs: "error" });
    assert.ok(bad.failed);
    assert.match(bad.error!.message, /ended WARNING: 2 rows rejected/);
    assert.equal(bad.outputs.planStatus, "owed");
  });

  it("wait: false triggers and returns; the load counts only once refresh sees it succeed", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 400, times: 1 });
    const s = await deploy(pc, undefined, { ...base, wait: false });
    assert.equal(s.failed, false, s.error?.message);
    assert.equal(s.outputs.planStatus, "running");
    assert.equal(s.outputs.planLoad?.status, "RUNNING");
    assert.equal(s.outputs.reloadCount, 0, "not counted before it is known to succeed");
    await waitForFinished(emu, DEMO.model);
    const { props } = await operations.read(pc, s.id, s.outputs as unknown as Record<string, unknown>);
    assert.equal(props.planStatus, "done");
    assert.equal(props.reloadCount, 1);
    assert.equal((props.reloadedTables as unknown[]).length, 9);
    assert.equal(triggers().length, 1);
  });

  it("wait: false and a load that ends ERROR: refresh leaves it owed and uncounted; the next up reloads", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 300, outcome: "ERROR", times: 1 });
    const s = await deploy(pc, undefined, { ...base, tables: ["CASES"], wait: false });
    await waitForFinished(emu, DEMO.model);
    const { props } = await operations.read(pc, s.id, s.outputs as unknown as Record<string, unknown>);
    assert.equal(props.planStatus, "owed");
    assert.equal(props.reloadCount, 0);
    assert.deepEqual(props.reloadedTables, []);
    const again = await deploy(
      pc,
      { ...s, outputs: props as unknown as typeof s.outputs },
      { ...base, tables: ["CASES"], wait: false },
    );
    assert.equal(again.failed, false);
    assert.equal(triggers().length, 2, "the owed reload ran again");
  });

  it("several resources on one model in one deployment share one load covering all their tables", async () => {
    const seeded = emu.loads(DEMO.model).length;
    const names = ["ACTIVITIES", "CASES", "INVOICES", "PAYMENTS"];
    const results = await Promise.all(names.map((t) => deploy(pc, undefined, { ...base, tables: [t] })));
    assert.ok(results.every((r) => !r.failed));
    const loads = emu.loads(DEMO.model).slice(seeded);
    assert.equal(loads.length, 1, "one load for the four resources");
    assert.deepEqual(
      new Set(triggers()[0].body as string[]),
      new Set(names.map((n) => DEMO.tables[n as keyof typeof DEMO.tables])),
    );
    for (const [i, r] of results.entries()) {
      assert.equal(r.outputs.planLoad?.loadId, loads[0].dataLoadId, "each records the shared load");
      assert.deepEqual(
        r.outputs.reloadedTables.map((t) => t.name),
        [names[i]],
        "each its own tables",
      );
      assert.equal(r.outputs.reloadCount, 1);
    }
    assert.ok(
      lines.some((l) => /for 4 resources/.test(l)),
      lines.join("\n"),
    );
    assert.equal(emu.requests().filter((r) => r.status === 400).length, 0, "no trigger was rejected as busy");
  });

  it("resources sharing a whole-model load read the model's table list once in all", async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((v) => deploy(pc, undefined, { ...base, triggers: [v] })),
    );
    assert.ok(results.every((r) => !r.failed && r.outputs.reloadedTables.length === 9));
    const listings = emu.requests().filter((r) => r.method === "GET" && r.path.endsWith("/tables"));
    assert.equal(listings.length, 1, "check's listing serves every resource's reloadedTables");
  });

  it("a resource that arrives after the shared load was triggered gets a load of its own, after it", async () => {
    const seeded = emu.loads(DEMO.model).length;
    const first = deploy(pc, undefined, { ...base, tables: ["CASES"] });
    await waitFor(() => emu.loads(DEMO.model).length > seeded);
    const second = await deploy(pc, undefined, { ...base, tables: ["INVOICES"] });
    assert.equal((await first).failed, false);
    assert.equal(second.failed, false);
    const loads = emu.loads(DEMO.model).slice(seeded);
    assert.equal(loads.length, 2);
    assert.ok(loads[1].startDate! >= loads[0].endDate!, "loads of one model never overlap");
  });

  it("read (refresh) picks up a load started outside Pulumi", async () => {
    const s = await deploy(pc, undefined, { ...base });
    const outside = emu.startLoad(DEMO.model);
    const r = await operations.read(pc, s.id, s.outputs as unknown as Record<string, unknown>);
    assert.equal((r.props.lastLoad as { loadId: string }).loadId, outside.dataLoadId);
    assert.equal(r.id, s.id);
  });

  it("read with only an id (pulumi import) adopts the model without loading it", async () => {
    const { id, props } = await operations.read(pc, `${DEMO.pool}/${DEMO.model}`, {});
    assert.equal(id, `${DEMO.pool}/${DEMO.model}`);
    assert.equal(triggers().length, 0, "importing loads nothing");
    assert.equal(props.poolId, DEMO.pool);
    assert.equal(props.dataModelId, DEMO.model);
    assert.equal(props.planStatus, "done");
    assert.equal(props.reloadCount, 0);
    assert.equal((props.lastLoad as { loadId: string }).loadId, DEMO.seededLoadId);
    // The adopted state is what the next deployment compares with: the same inputs change nothing.
    const checked = await operations.check(pc, props, base);
    assert.equal((await operations.diff(pc, id, props, checked.inputs)).changes, false);
    await assert.rejects(
      operations.read(pc, "not-a-pool/x", {}),
      /import id must be "<poolId>\/<dataModelId>"/,
    );
    await assert.rejects(
      operations.read(pc, `${DEMO.pool}/d1000000-0000-4000-a000-0000000000ff`, {}),
      /404|not found/i,
    );
  });

  it("deleting a resource whose load still runs calls nothing and leaves that load alone", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 800, times: 1 });
    const s = await deploy(pc, undefined, { ...base, timeoutSeconds: 0.4 });
    assert.equal(s.outputs.planStatus, "running");
    emu.clearRequests();
    await operations.remove(); // what the provider's delete calls on destroy
    assert.equal(emu.requests().length, 0, "no call at all: data cannot be un-loaded");
    const ended = await waitForFinished(emu, DEMO.model);
    assert.equal(ended.dataLoadId, s.outputs.planLoad?.loadId);
    assert.equal(ended.loadStatus, "SUCCESS", "the load was not cancelled");
  });

  it("no credential in outputs, errors or progress lines", async () => {
    emu.setBehaviour(DEMO.model, { outcome: "ERROR", times: 1 });
    const s = await deploy(pc, undefined, { ...base, tables: ["CASES"] });
    const text = JSON.stringify([s.outputs, s.error?.message, s.error?.stack, lines]);
    assert.ok(!text.includes(TEST_API_KEY));
  });
});
