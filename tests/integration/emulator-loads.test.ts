// The emulator's load state machine under each load behaviour (ERROR/WARNING messages, stuck,
// visibleAfterMs, LOST_CONNECTION mid-load, `times`), queueTriggers, loads started "outside Pulumi",
// and the control API that drives all of it over HTTP. Every emulator here runs on a ManualClock:
// a test moves time itself, so each status is checked at the exact moment it should change.
import { strict as assert } from "node:assert";
import {
  ApiError,
  ManualClock,
  startEmulator,
  type Emulator,
  type LoadRecord,
} from "../../packages/celonis-emulator";
import { DEMO, call, newest, v1 } from "../helpers/emulator";

const KEY = `Bearer ${DEMO.apiKey}`;
const O2C_ACTIVITIES = "d2000000-0000-4000-a000-000000000201";
const trigger = (emu: Emulator, model: string = DEMO.model, query = "") =>
  call(emu, v1(DEMO.pool, model, `load${query}`), { method: "POST", auth: KEY });

/** The newest load of a model after moving the clock by `ms`. */
function later(clock: ManualClock, emu: Emulator, ms: number, model: string = DEMO.model): LoadRecord {
  clock.advance(ms);
  return newest(emu, model) as LoadRecord;
}

describe("emulator: load behaviours", function () {
  let emu: Emulator;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock();
    emu = await startEmulator({ port: 0, loadMs: 60, clock });
  });
  after(() => emu.stop());
  afterEach(() => emu.reset());

  it("ERROR ends with a realistic message naming a table; an explicit message wins", async () => {
    emu.setBehaviour(DEMO.model, { outcome: "ERROR" });
    await trigger(emu);
    assert.equal(later(clock, emu, 59).loadStatus, "RUNNING");
    const err = later(clock, emu, 1);
    assert.equal(err.loadStatus, "ERROR");
    assert.equal(err.message, "Table 'ACTIVITIES': column CASE_KEY not found");
    assert.equal(err.endDate, clock.now());

    emu.setBehaviour(DEMO.model, { outcome: "ERROR", message: "Table 'CASES': out of memory" });
    await call(emu, v1(DEMO.pool, DEMO.model, "load/partial-sync"), {
      method: "POST",
      auth: KEY,
      body: [DEMO.tables.CASES],
    });
    assert.equal(later(clock, emu, 60).message, "Table 'CASES': out of memory");
    const s = emu.state.loadInfoSync(DEMO.pool, DEMO.model);
    assert.equal(s.loadInfo.liveDataModel?.tableLoads.length, 9, "live model still the seeded success");
    assert.equal(
      s.loadHistory.lastSuccessfulDataModel?.dataLoadId,
      DEMO.seededLoadId,
      "failed loads do not become the last successful one",
    );
  });

  it("WARNING ends with a warning message; it counts as successful", async () => {
    emu.setBehaviour("*", { outcome: "WARNING" });
    await trigger(emu, DEMO.o2cModel);
    const w = later(clock, emu, 60, DEMO.o2cModel);
    assert.equal(w.loadStatus, "WARNING");
    assert.match(w.message ?? "", /ACTIVITIES.*skipped/);
    const s = emu.state.loadInfoSync(DEMO.pool, DEMO.o2cModel);
    assert.equal(s.loadHistory.lastSuccessfulDataModel?.dataLoadId, w.dataLoadId);
  });

  it("stuck: stays RUNNING past its duration until cancel-load", async () => {
    emu.setBehaviour(DEMO.model, { stuck: true, durationMs: 10 });
    await trigger(emu);
    const l = later(clock, emu, 3_600_000);
    assert.equal(l.loadStatus, "RUNNING");
    assert.equal(l.endDate, null);
    await call(emu, `/integration/api/pools/${DEMO.pool}/data-models/${DEMO.model}/cancel-load`, {
      method: "POST",
      auth: KEY,
    });
    assert.equal(later(clock, emu, 0).loadStatus, "CANCELLING");
    assert.equal(later(clock, emu, 20).loadStatus, "CANCELED", "CANCELLING lasts max(20, loadMs/4) ms");
  });

  it("visibleAfterMs: the trigger answers 204 but the RUNNING record appears later", async () => {
    emu.setBehaviour(DEMO.model, { visibleAfterMs: 150 });
    const r = await trigger(emu);
    assert.equal(r.status, 204);
    const last = await call(emu, v1(DEMO.pool, DEMO.model, "last-load"), { auth: KEY });
    assert.equal((last.json as LoadRecord).dataLoadId, DEMO.seededLoadId, "still the previous load");
    const busy = await trigger(emu);
    assert.equal(busy.status, 400, "the accepted load already makes the model busy");
    const info = (busy.json as { errorInformation: { dataLoadId: unknown } }).errorInformation;
    assert.equal(info.dataLoadId, null, "no id to show before the record appears");
    assert.equal(later(clock, emu, 149).dataLoadId, DEMO.seededLoadId);
    const appeared = later(clock, emu, 1);
    assert.equal(appeared.loadStatus, "RUNNING");
    assert.equal(appeared.startDate, clock.now(), "startDate is when the record appears");
    assert.equal(later(clock, emu, 60).loadStatus, "SUCCESS", "the duration counts from then");
  });

  it("lostConnectionMs: RUNNING → LOST_CONNECTION → RUNNING → SUCCESS; busy throughout", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 80, lostConnectionMs: 150 });
    await trigger(emu);
    const trail = [later(clock, emu, 39), later(clock, emu, 1), later(clock, emu, 149)].map(
      (l) => l.loadStatus,
    );
    const busy = await trigger(emu);
    assert.equal(busy.status, 400);
    assert.equal(
      (busy.json as { errorInformation: { loadStatus: string } }).errorInformation.loadStatus,
      "LOST_CONNECTION",
    );
    trail.push(
      later(clock, emu, 1).loadStatus,
      later(clock, emu, 39).loadStatus,
      later(clock, emu, 1).loadStatus,
    );
    assert.deepEqual(trail, [
      "RUNNING",
      "LOST_CONNECTION",
      "LOST_CONNECTION",
      "RUNNING",
      "RUNNING",
      "SUCCESS",
    ]);
  });

  it("outcome LOST_CONNECTION: the load stays LOST_CONNECTION (non-terminal, no endDate)", async () => {
    emu.setBehaviour(DEMO.model, { outcome: "LOST_CONNECTION", durationMs: 20 });
    await trigger(emu);
    assert.equal(later(clock, emu, 20).loadStatus, "LOST_CONNECTION");
    const l = later(clock, emu, 3_600_000);
    assert.equal(l.loadStatus, "LOST_CONNECTION");
    assert.equal(l.endDate, null);
    assert.equal((await trigger(emu)).status, 400);
  });

  it("CANCELED outcome ends like a user cancel", async () => {
    emu.setBehaviour(DEMO.model, { outcome: "CANCELED" });
    await trigger(emu);
    const c = later(clock, emu, 60);
    assert.equal(c.loadStatus, "CANCELED");
    assert.equal(typeof c.endDate, "number");
  });

  it("times: a behaviour applies to the next N loads, then reverts (model over '*')", async () => {
    emu.setBehaviour("*", { durationMs: 20 });
    emu.setBehaviour(DEMO.model, { outcome: "ERROR", times: 2 });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      await trigger(emu);
      outcomes.push(later(clock, emu, 20).loadStatus);
    }
    assert.deepEqual(outcomes, ["ERROR", "ERROR", "SUCCESS"]);
    await trigger(emu, DEMO.o2cModel);
    assert.equal(later(clock, emu, 20, DEMO.o2cModel).loadStatus, "SUCCESS");
  });

  it("durationMs sets the load time and feeds averageLoadTime", async () => {
    emu.setBehaviour(DEMO.o2cModel, { durationMs: 120 });
    await trigger(emu, DEMO.o2cModel, "?fullReload=false");
    const l = later(clock, emu, 120, DEMO.o2cModel);
    assert.equal(l.loadStatus, "SUCCESS");
    assert.equal((l.endDate as number) - (l.startDate as number), 120);
    const avg = emu.state.loadInfoSync(DEMO.pool, DEMO.o2cModel).loadHistory.averageLoadTime;
    assert.deepEqual(avg, [{ type: "FROM_CACHE", averageLoadingTime: 120 }]);
  });

  it("setBehaviour rejects unknown fields, bad outcomes and unknown models", () => {
    assert.throws(
      () => emu.setBehaviour(DEMO.model, { outcom: "ERROR" } as never),
      /unknown load behaviour field/,
    );
    assert.throws(
      () => emu.setBehaviour(DEMO.model, { outcome: "RUNNING" } as never),
      /outcome must be one of/,
    );
    assert.throws(() => emu.setBehaviour(DEMO.model, { durationMs: -1 }), /durationMs/);
    assert.throws(() => emu.setBehaviour(DEMO.model, { times: 0 }), /times/);
    assert.throws(
      () => emu.setBehaviour("nope", {}),
      (e: unknown) => e instanceof ApiError && e.status === 404,
    );
  });

  it("startLoad(): a load 'outside Pulumi' (not queued; busy → ApiError 400)", async () => {
    const rec = emu.startLoad(DEMO.model, "FROM_CACHE");
    assert.equal(rec.loadStatus, "RUNNING");
    assert.equal(rec.loadType, "FROM_CACHE");
    assert.equal(newest(emu, DEMO.model)?.dataLoadId, rec.dataLoadId);
    assert.throws(
      () => emu.startLoad(DEMO.model),
      (e: unknown) =>
        e instanceof ApiError &&
        e.status === 400 &&
        (e.body as { frontendErrorKey: string }).frontendErrorKey === "DATA_MODEL_LOAD_ALREADY_RUNNING",
    );
    const api = await trigger(emu);
    assert.equal(api.status, 400, "an API trigger sees the outside load as running");
    const done = later(clock, emu, 60);
    assert.deepEqual([done.dataLoadId, done.loadStatus], [rec.dataLoadId, "SUCCESS"]);
    assert.throws(() => emu.startLoad("nope"), /not found/);
  });
});

describe("emulator: queueTriggers", function () {
  let emu: Emulator;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock();
    emu = await startEmulator({ port: 0, loadMs: 80, queueTriggers: true, clock });
  });
  after(() => emu.stop());

  it("a trigger during a load answers 204 and its RUNNING record appears when the running one ends", async () => {
    assert.equal((await trigger(emu, DEMO.o2cModel)).status, 204);
    const first = newest(emu, DEMO.o2cModel) as LoadRecord;
    assert.equal(first.loadStatus, "RUNNING");
    const queued = await call(emu, v1(DEMO.pool, DEMO.o2cModel, "load/partial-sync"), {
      method: "POST",
      auth: KEY,
      body: [O2C_ACTIVITIES],
    });
    assert.equal(queued.status, 204);
    assert.equal(emu.loads(DEMO.o2cModel).length, 1, "queued: no record yet");
    assert.equal(emu.state.queued(DEMO.o2cModel), 1);
    clock.advance(80);
    const [done, second] = emu.loads(DEMO.o2cModel);
    assert.equal(done.loadStatus, "SUCCESS");
    assert.equal(second.loadStatus, "RUNNING");
    assert.equal(second.loadType, "PARTIAL");
    assert.equal(second.startDate, done.endDate, "in the same instant");
    assert.equal(later(clock, emu, 80, DEMO.o2cModel).loadStatus, "SUCCESS");
  });

  it("queued triggers are still validated (unknown table → 400)", async () => {
    await trigger(emu, DEMO.o2cModel);
    const loads = emu.loads(DEMO.o2cModel).length;
    const r = await call(emu, v1(DEMO.pool, DEMO.o2cModel, "load/partial-sync"), {
      method: "POST",
      auth: KEY,
      body: ["nope"],
    });
    assert.equal(r.status, 400);
    assert.equal(emu.state.queued(DEMO.o2cModel), 0, "the refused trigger is not queued");
    clock.advance(80);
    assert.equal(emu.state.queued(DEMO.o2cModel), 0);
    assert.equal(emu.loads(DEMO.o2cModel).length, loads, "and starts no load when the running one ends");
  });
});

describe("emulator: control API", function () {
  let emu: Emulator;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock();
    emu = await startEmulator({ port: 0, loadMs: 60, clock });
  });
  after(() => emu.stop());

  it("PUT /_emulator/behaviour/{id|*} sets behaviours; invalid ones → 400", async () => {
    const r = await call(emu, `/_emulator/behaviour/${DEMO.model}`, {
      method: "PUT",
      body: { outcome: "ERROR", message: "boom", times: 1 },
    });
    assert.equal(r.status, 204);
    await trigger(emu);
    const l = later(clock, emu, 60);
    assert.deepEqual([l.loadStatus, l.message], ["ERROR", "boom"]);
    assert.equal(
      (await call(emu, "/_emulator/behaviour/*", { method: "PUT", body: { stuck: true } })).status,
      204,
    );
    const bad = await call(emu, "/_emulator/behaviour/*", { method: "PUT", body: { outcome: "NOPE" } });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: string }).error, /outcome/);
    assert.equal((await call(emu, "/_emulator/behaviour/nope", { method: "PUT", body: {} })).status, 404);
  });

  it("POST/GET /_emulator/models/{id}/loads start and list loads", async () => {
    const r = await call(emu, `/_emulator/models/${DEMO.o2cModel}/loads`, {
      method: "POST",
      body: { loadType: "FROM_CACHE" },
    });
    assert.equal(r.status, 201);
    const rec = r.json as LoadRecord;
    assert.equal(rec.loadType, "FROM_CACHE");
    assert.equal(rec.loadStatus, "RUNNING");
    const busy = await call(emu, `/_emulator/models/${DEMO.o2cModel}/loads`, { method: "POST" });
    assert.equal(busy.status, 400);
    const list = await call(emu, `/_emulator/models/${DEMO.o2cModel}/loads`);
    assert.deepEqual(
      (list.json as LoadRecord[]).map((x) => x.dataLoadId),
      [rec.dataLoadId],
    );
    assert.equal((await call(emu, `/_emulator/models/nope/loads`)).status, 404);
    const badType = await call(emu, `/_emulator/models/${DEMO.model}/loads`, {
      method: "POST",
      body: { loadType: "X" },
    });
    assert.equal(badType.status, 400);
  });

  it("GET/DELETE /_emulator/requests, POST /_emulator/reset; control calls are not logged", async () => {
    await call(emu, v1(DEMO.pool, DEMO.model, "tables"), { auth: KEY });
    const log = await call(emu, "/_emulator/requests");
    const entries = log.json as { path: string }[];
    assert.ok(entries.length > 0);
    assert.ok(entries.every((e) => !e.path.startsWith("/_emulator")));
    assert.equal((await call(emu, "/_emulator/requests", { method: "DELETE" })).status, 204);
    assert.deepEqual((await call(emu, "/_emulator/requests")).json, []);

    emu.setBehaviour("*", { stuck: true });
    emu.startLoad(DEMO.model);
    assert.equal((await call(emu, "/_emulator/reset", { method: "POST" })).status, 204);
    assert.deepEqual(
      emu.loads(DEMO.model).map((l) => l.dataLoadId),
      [DEMO.seededLoadId],
      "back to the seed",
    );
    await trigger(emu);
    assert.equal(later(clock, emu, 60).loadStatus, "SUCCESS", "behaviours reset too");
    assert.equal((await call(emu, "/_emulator/nothing")).status, 404);
    assert.equal((await call(emu, "/_emulator/health")).status, 200);
  });
});
