// The emulator's Celonis routes: every route's status and shape (field names, epoch-ms numbers, nulls
// present), triggers for each load type, the already-running 400, cancel-load, 404s and the
// disableV1LastLoad switch. Auth, faults, behaviours and the CLI have their own emulator-*.test.ts.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ManualClock,
  SeedError,
  defaultSeedPath,
  loadSeed,
  startEmulator,
  validateSeed,
  type Emulator,
  type LoadInfoSync,
  type LoadRecord,
  type TableConfig,
} from "../../packages/celonis-emulator";
import { DEMO, call, legacy, v1, newest } from "../helpers/emulator";

const KEY = `Bearer ${DEMO.apiKey}`;

function assertLoadRecord(r: unknown, modelId: string): asserts r is LoadRecord {
  assert.ok(r && typeof r === "object");
  const rec = r as Record<string, unknown>;
  assert.deepEqual(Object.keys(rec).sort(), [
    "dataLoadId",
    "dataModelId",
    "dataPoolVersion",
    "endDate",
    "loadStatus",
    "loadType",
    "message",
    "startDate",
  ]);
  assert.equal(typeof rec.dataLoadId, "string");
  assert.equal(rec.dataModelId, modelId);
  assert.equal(typeof rec.startDate, "number");
  assert.ok((rec.startDate as number) > 1_600_000_000_000, "startDate is epoch ms");
  assert.ok(rec.endDate === null || typeof rec.endDate === "number");
  assert.ok(rec.message === null || typeof rec.message === "string");
  assert.ok(["COMPLETE", "FROM_CACHE", "PARTIAL"].includes(rec.loadType as string));
  assert.equal(rec.dataPoolVersion, null);
}

function assertTable(t: unknown): asserts t is TableConfig {
  const tab = t as Record<string, unknown>;
  for (const k of [
    "id",
    "dataModelId",
    "dataSourceId",
    "name",
    "alias",
    "aliasOrName",
    "columns",
    "primaryKeys",
  ])
    assert.ok(k in tab, `table has ${k}`);
  assert.equal(tab.aliasOrName, tab.alias ?? tab.name);
  assert.ok(Array.isArray(tab.columns) && Array.isArray(tab.primaryKeys));
}

describe("emulator: Celonis routes", function () {
  let emu: Emulator;
  const clock = new ManualClock();
  /** Moves the emulator's clock past any load's end (loads take 80 ms, CANCELLING 20 ms). */
  const finishLoads = (): void => clock.advance(100);
  before(async () => {
    emu = await startEmulator({ port: 0, loadMs: 80, clock });
  });
  after(async () => {
    await emu.stop();
  });
  afterEach(() => emu.reset());

  it("binds to 127.0.0.1 on a free port", () => {
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(emu.port > 0);
  });

  it("GET /integration/api/pools lists the seeded pools", async () => {
    const r = await call(emu, "/integration/api/pools", { auth: KEY });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /application\/json/);
    const pools = r.json as Record<string, unknown>[];
    assert.deepEqual(
      pools.map((p) => [p.id, p.name]),
      [
        [DEMO.pool, "Demo Pool"],
        [DEMO.financePool, "Finance Pool"],
      ],
    );
    for (const p of pools) {
      assert.equal(typeof p.timeStamp, "number");
      assert.ok("description" in p && "permissions" in p);
    }
  });

  it("GET pool, data models and one data model (with tables[])", async () => {
    const pool = await call(emu, `/integration/api/pools/${DEMO.pool}`, { auth: KEY });
    assert.equal(pool.status, 200);
    assert.equal((pool.json as { id: string }).id, DEMO.pool);

    const list = await call(emu, `/integration/api/pools/${DEMO.pool}/data-models`, { auth: KEY });
    assert.equal(list.status, 200);
    const models = list.json as Record<string, unknown>[];
    assert.deepEqual(
      models.map((m) => [m.id, m.name, m.poolId]),
      [
        [DEMO.model, "P2P Demo Model", DEMO.pool],
        [DEMO.o2cModel, "O2C Sales Model", DEMO.pool],
      ],
    );

    const one = await call(emu, legacy(DEMO.pool, DEMO.model), { auth: KEY });
    assert.equal(one.status, 200);
    const m = one.json as { id: string; poolId: string; tables: unknown[]; createDate: unknown };
    assert.equal(m.id, DEMO.model);
    assert.equal(m.poolId, DEMO.pool);
    assert.equal(typeof m.createDate, "number");
    assert.equal(m.tables.length, 9);
    m.tables.forEach(assertTable);
  });

  it("GET v1 …/tables answers table configs with ids, names and aliases", async () => {
    const r = await call(emu, v1(DEMO.pool, DEMO.model, "tables"), { auth: KEY });
    assert.equal(r.status, 200);
    const tables = r.json as TableConfig[];
    assert.equal(tables.length, 9);
    tables.forEach(assertTable);
    const byAlias = new Map(tables.map((t) => [t.aliasOrName, t]));
    for (const [name, id] of Object.entries(DEMO.tables)) assert.equal(byAlias.get(name)?.id, id);
    const po = byAlias.get("PURCHASE_ORDERS");
    assert.equal(po?.name, "EKKO");
    assert.equal(po?.alias, "PURCHASE_ORDERS");
    const act = byAlias.get("ACTIVITIES");
    assert.equal(act?.alias, null);
    assert.equal(act?.dataModelId, DEMO.model);
    const o2c = (await call(emu, v1(DEMO.pool, DEMO.o2cModel, "tables"), { auth: KEY }))
      .json as TableConfig[];
    const vbak = o2c.find((t) => t.name === "O2C_VBAK");
    assert.equal(vbak?.aliasOrName, "SALES_ORDERS");
    assert.ok(o2c.some((t) => t.aliasOrName === "ORDER_ITEMS"));
  });

  it("last-load: 204 when never loaded, the seeded record otherwise", async () => {
    const never = await call(emu, v1(DEMO.pool, DEMO.o2cModel, "last-load"), { auth: KEY });
    assert.equal(never.status, 204);
    assert.equal(never.text, "");
    const seeded = await call(emu, v1(DEMO.pool, DEMO.model, "last-load"), { auth: KEY });
    assert.equal(seeded.status, 200);
    assertLoadRecord(seeded.json, DEMO.model);
    assert.equal(seeded.json.dataLoadId, DEMO.seededLoadId);
    assert.equal(seeded.json.loadStatus, "SUCCESS");
    assert.equal(seeded.json.endDate, (seeded.json.startDate as number) + 2400);
  });

  it("load-info-sync of a never-loaded model has null loads and empty history", async () => {
    const r = await call(emu, legacy(DEMO.pool, DEMO.o2cModel, "load-history/load-info-sync"), { auth: KEY });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      loadInfo: { liveDataModel: null, currentComputeLoad: null },
      loadHistory: { lastSuccessfulDataModel: null, dataLoadHistory: [], averageLoadTime: [] },
    });
  });

  it("load-info-sync of a seeded model: history newest first, averages in ms per type", async () => {
    const r = await call(emu, legacy(DEMO.financePool, DEMO.apModel, "load-history/load-info-sync"), {
      auth: KEY,
    });
    const s = r.json as LoadInfoSync;
    const hist = s.loadHistory?.dataLoadHistory ?? [];
    assert.deepEqual(
      hist.map((h) => [h.loadType, h.loadStatus]),
      [
        ["FROM_CACHE", "SUCCESS"],
        ["PARTIAL", "ERROR"],
        ["COMPLETE", "SUCCESS"],
      ],
    );
    hist.forEach((h) => assertLoadRecord(h, DEMO.apModel));
    assert.match(hist[1].message ?? "", /column VENDOR_ID not found/);
    assert.deepEqual(s.loadHistory?.averageLoadTime, [
      { type: "COMPLETE", averageLoadingTime: 5200 },
      { type: "FROM_CACHE", averageLoadingTime: 1300 },
    ]);
    assert.equal(s.loadInfo?.currentComputeLoad?.dataLoadId, hist[0].dataLoadId);
    const lastOk = s.loadHistory.lastSuccessfulDataModel;
    assert.equal(lastOk?.dataLoadId, hist[0].dataLoadId);
    assert.equal(lastOk?.done, true);
    assert.equal((s.loadInfo?.liveDataModel?.tableLoads ?? []).length, 4);
  });

  it("POST v1 …/load: 204 no body, RUNNING record before the answer, then SUCCESS with row counts", async () => {
    const before = clock.now();
    const r = await call(emu, v1(DEMO.pool, DEMO.model, "load"), { method: "POST", auth: KEY });
    assert.equal(r.status, 204);
    assert.equal(r.text, "");
    const running = newest(emu, DEMO.model);
    assert.ok(running);
    assert.notEqual(running.dataLoadId, DEMO.seededLoadId);
    assert.equal(running.loadStatus, "RUNNING");
    assert.equal(running.loadType, "COMPLETE");
    assert.equal(running.endDate, null);
    assert.equal(running.startDate, before);
    const last = await call(emu, v1(DEMO.pool, DEMO.model, "last-load"), { auth: KEY });
    assertLoadRecord(last.json, DEMO.model);
    assert.equal(last.json.dataLoadId, running.dataLoadId);
    assert.equal(last.json.loadStatus, "RUNNING");

    clock.advance(79);
    assert.equal(newest(emu, DEMO.model)?.loadStatus, "RUNNING");
    clock.advance(1);
    const done = newest(emu, DEMO.model) as LoadRecord;
    assert.equal(done.dataLoadId, running.dataLoadId);
    assert.equal(done.loadStatus, "SUCCESS");
    assert.equal(done.message, null);
    assert.equal(done.endDate, (done.startDate as number) + 80);

    const s = (await call(emu, legacy(DEMO.pool, DEMO.model, "load-history/load-info-sync"), { auth: KEY }))
      .json as LoadInfoSync;
    assert.equal(s.loadInfo?.currentComputeLoad?.dataLoadId, done.dataLoadId);
    assert.equal(s.loadHistory?.dataLoadHistory[0].dataLoadId, done.dataLoadId);
    assert.equal(s.loadHistory?.dataLoadHistory.length, 2);
    const avg = s.loadHistory?.averageLoadTime.find((a) => a.type === "COMPLETE");
    assert.ok(avg && avg.averageLoadingTime > 0 && Number.isInteger(avg.averageLoadingTime));
    const live = s.loadInfo?.liveDataModel as unknown as Record<string, unknown> & {
      tableLoads: Record<string, unknown>[];
    };
    assert.equal(live.dataLoadId, done.dataLoadId);
    assert.equal(live.tableLoads.length, 9);
    for (const t of live.tableLoads) {
      assert.deepEqual(Object.keys(t).sort(), [
        "cancel",
        "done",
        "invisible",
        "tableId",
        "tableName",
        "tableRowCount",
      ]);
      assert.ok(Number.isInteger(t.tableRowCount) && (t.tableRowCount as number) > 0);
      assert.equal(t.done, true);
    }
    const act = live.tableLoads.find((t) => t.tableName === "ACTIVITIES");
    assert.ok((act?.tableRowCount as number) > 1284331, "a complete load refreshes row counts");
  });

  it("fullReload=false → FROM_CACHE; legacy reload defaults to FROM_CACHE, forceComplete=true → COMPLETE", async () => {
    const cases: [string, string][] = [
      [v1(DEMO.pool, DEMO.o2cModel, "load?fullReload=false"), "FROM_CACHE"],
      [v1(DEMO.pool, DEMO.o2cModel, "load?fullReload=true"), "COMPLETE"],
      [legacy(DEMO.pool, DEMO.o2cModel, "reload"), "FROM_CACHE"],
      [legacy(DEMO.pool, DEMO.o2cModel, "reload?forceComplete=true"), "COMPLETE"],
      [legacy(DEMO.pool, DEMO.o2cModel, "reload?forceComplete=false"), "FROM_CACHE"],
    ];
    for (const [path, type] of cases) {
      const r = await call(emu, path, { method: "POST", auth: KEY });
      assert.equal(r.status, 204, path);
      assert.equal(newest(emu, DEMO.o2cModel)?.loadType, type, path);
      finishLoads();
    }
    assert.equal(emu.loads(DEMO.o2cModel).length, cases.length);
    const bad = await call(emu, v1(DEMO.pool, DEMO.o2cModel, "load?fullReload=maybe"), {
      method: "POST",
      auth: KEY,
    });
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { frontendErrorKey: string }).frontendErrorKey, "INVALID_REQUEST_PARAMETER");
  });

  it("partial-sync: PARTIAL load of the listed table ids; the log keeps the ids", async () => {
    const ids = [DEMO.tables.ACTIVITIES, DEMO.tables.VENDORS];
    const r = await call(emu, v1(DEMO.pool, DEMO.model, "load/partial-sync"), {
      method: "POST",
      auth: KEY,
      body: ids,
    });
    assert.equal(r.status, 204);
    assert.equal(newest(emu, DEMO.model)?.loadType, "PARTIAL");
    const entry = emu.requests().find((e) => e.path.endsWith("/partial-sync"));
    assert.deepEqual(entry?.body, ids);
    finishLoads();
    const s = emu.state.loadInfoSync(DEMO.pool, DEMO.model);
    const rows = new Map(
      (s.loadInfo?.liveDataModel?.tableLoads ?? []).map((t) => [t.tableName, t.tableRowCount]),
    );
    assert.ok((rows.get("VENDORS") as number) > 4210, "listed table refreshed");
    assert.equal(rows.get("CASES"), 182004, "unlisted table from cache");
  });

  it("partial-sync rejects unknown ids, an empty list and a non-array body with 400 frontendErrorKey", async () => {
    const path = v1(DEMO.pool, DEMO.model, "load/partial-sync");
    const unknown = await call(emu, path, { method: "POST", auth: KEY, body: [DEMO.tables.CASES, "nope"] });
    assert.equal(unknown.status, 400);
    const u = unknown.json as { frontendErrorKey: string; errorInformation: { tableIds: string[] } };
    assert.equal(u.frontendErrorKey, "DATA_MODEL_TABLE_NOT_FOUND");
    assert.deepEqual(u.errorInformation.tableIds, ["nope"]);
    const empty = await call(emu, path, { method: "POST", auth: KEY, body: [] });
    assert.equal(empty.status, 400);
    assert.equal(typeof (empty.json as { frontendErrorKey: unknown }).frontendErrorKey, "string");
    const obj = await call(emu, path, { method: "POST", auth: KEY, body: { tables: ["x"] } });
    assert.equal(obj.status, 400);
    const notJson = await call(emu, path, { method: "POST", auth: KEY, body: "[oops" });
    assert.equal(notJson.status, 400);
    // A table of another data model is unknown here too.
    const other = await call(emu, v1(DEMO.pool, DEMO.o2cModel, "load/partial-sync"), {
      method: "POST",
      auth: KEY,
      body: [DEMO.tables.ACTIVITIES],
    });
    assert.equal(other.status, 400);
    assert.equal(emu.loads(DEMO.model).length, 1, "no load started (only the seeded one)");
    assert.equal(emu.loads(DEMO.o2cModel).length, 0);
  });

  it("a second trigger while a load runs → 400 DATA_MODEL_LOAD_ALREADY_RUNNING (v1 and legacy)", async () => {
    await call(emu, v1(DEMO.pool, DEMO.model, "load"), { method: "POST", auth: KEY });
    const running = newest(emu, DEMO.model);
    for (const [path, body] of [
      [v1(DEMO.pool, DEMO.model, "load"), undefined],
      [v1(DEMO.pool, DEMO.model, "load/partial-sync"), [DEMO.tables.CASES]],
      [legacy(DEMO.pool, DEMO.model, "reload?forceComplete=true"), undefined],
    ] as const) {
      const r = await call(emu, path, { method: "POST", auth: KEY, body });
      assert.equal(r.status, 400, path);
      const j = r.json as { frontendErrorKey: string; errorInformation: Record<string, unknown> };
      assert.equal(j.frontendErrorKey, "DATA_MODEL_LOAD_ALREADY_RUNNING");
      assert.equal(j.errorInformation.dataLoadId, running?.dataLoadId);
      assert.equal(j.errorInformation.dataModelId, DEMO.model);
    }
    assert.equal(emu.loads(DEMO.model).length, 2);
    finishLoads();
    const again = await call(emu, v1(DEMO.pool, DEMO.model, "load"), { method: "POST", auth: KEY });
    assert.equal(again.status, 204, "accepted once the load ended");
  });

  it("cancel-load: RUNNING → CANCELLING → CANCELED; without a running load it is a no-op 204", async () => {
    emu.setBehaviour(DEMO.model, { stuck: true });
    await call(emu, v1(DEMO.pool, DEMO.model, "load"), { method: "POST", auth: KEY });
    const r = await call(emu, legacy(DEMO.pool, DEMO.model, "cancel-load"), { method: "POST", auth: KEY });
    assert.equal(r.status, 204);
    assert.equal(newest(emu, DEMO.model)?.loadStatus, "CANCELLING");
    const again = await call(emu, v1(DEMO.pool, DEMO.model, "load"), { method: "POST", auth: KEY });
    assert.equal(again.status, 400, "CANCELLING still counts as running");
    finishLoads();
    const done = newest(emu, DEMO.model) as LoadRecord;
    assert.equal(done.loadStatus, "CANCELED");
    assert.equal(typeof done.endDate, "number");
    assert.equal(typeof done.message, "string");
    const noop = await call(emu, legacy(DEMO.pool, DEMO.o2cModel, "cancel-load"), {
      method: "POST",
      auth: KEY,
    });
    assert.equal(noop.status, 204);
  });

  it("unknown pool or model → 404 plain string; a model under the wrong pool → 404", async () => {
    const paths = [
      v1("no-such-pool", DEMO.model, "load"),
      v1(DEMO.pool, "no-such-model", "load"),
      v1(DEMO.financePool, DEMO.model, "tables"),
      v1(DEMO.pool, "no-such-model", "load/partial-sync"),
      legacy(DEMO.pool, "nope", "load-history/load-info-sync"),
      legacy("nope", DEMO.model),
      `/integration/api/pools/nope/data-models`,
      `/integration/api/pools/nope`,
      `/integration/api/nothing-here`,
    ];
    for (const path of paths) {
      const method = path.endsWith("load") || path.endsWith("partial-sync") ? "POST" : "GET";
      const r = await call(emu, path, { method, auth: KEY, body: method === "POST" ? [] : undefined });
      assert.equal(r.status, 404, path);
      assert.match(r.headers.get("content-type") ?? "", /text\/plain/, path);
      assert.ok(r.text.length > 0 && r.json === undefined, path);
    }
    assert.equal((await call(emu, "/somewhere-else")).status, 404);
  });

  it("a wrong method on a known route → 405; trailing slashes are accepted", async () => {
    const r = await call(emu, v1(DEMO.pool, DEMO.model, "tables"), { method: "POST", auth: KEY });
    assert.equal(r.status, 405);
    const s = await call(emu, `/integration/api/pools/`, { auth: KEY });
    assert.equal(s.status, 200);
  });

  it("a body over 1 MiB → 413 answered (not a reset), and the log records what the client saw", async () => {
    emu.clearRequests();
    const big = `[${'"x",'.repeat(300_000)}"x"]`;
    const r = await call(emu, v1(DEMO.pool, DEMO.model, "load/partial-sync"), {
      method: "POST",
      auth: KEY,
      body: big,
    });
    assert.equal(r.status, 413);
    assert.equal(r.text, "Payload Too Large");
    assert.deepEqual(
      emu.requests().map((e) => e.status),
      [413],
    );
    assert.equal(emu.loads(DEMO.model).length, 1, "nothing was triggered");
  });

  it("the request log records method, path, query, status and auth kind", async () => {
    emu.clearRequests();
    await call(emu, v1(DEMO.pool, DEMO.model, "load?fullReload=false"), { method: "POST", auth: KEY });
    const [e] = emu.requests();
    assert.equal(e.method, "POST");
    assert.equal(e.path, v1(DEMO.pool, DEMO.model, "load"));
    assert.deepEqual(e.query, { fullReload: "false" });
    assert.equal(e.status, 204);
    assert.equal(e.auth, "bearer");
    assert.equal(typeof e.time, "number");
    assert.equal(e.fault, undefined);
    assert.equal(e.body, undefined);
  });
});

describe("emulator: disableV1LastLoad", function () {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ port: 0, loadMs: 50, disableV1LastLoad: true });
  });
  after(() => emu.stop());

  it("v1 last-load answers 404 while load-info-sync still works", async () => {
    const r = await call(emu, v1(DEMO.pool, DEMO.model, "last-load"), { auth: KEY });
    assert.equal(r.status, 404);
    const s = await call(emu, legacy(DEMO.pool, DEMO.model, "load-history/load-info-sync"), { auth: KEY });
    assert.equal(s.status, 200);
    assert.equal((s.json as LoadInfoSync).loadInfo?.currentComputeLoad?.dataLoadId, DEMO.seededLoadId);
  });

  it("a custom seed object replaces the demo", async () => {
    const custom = await startEmulator({
      port: 0,
      seed: {
        pools: [
          { id: "p1", name: "P", dataModels: [{ id: "m1", name: "M", tables: [{ id: "t1", name: "T" }] }] },
        ],
      },
    });
    try {
      const r = await call(custom, v1("p1", "m1", "tables"), { auth: KEY });
      assert.deepEqual(r.json, [
        {
          id: "t1",
          dataModelId: "m1",
          dataSourceId: null,
          name: "T",
          alias: null,
          aliasOrName: "T",
          columns: [],
          primaryKeys: [],
        },
      ]);
      const load = await call(custom, v1("p1", "m1", "load"), { method: "POST", auth: KEY });
      assert.equal(load.status, 204);
    } finally {
      await custom.stop();
    }
  });
});

describe("emulator: seeds", function () {
  it("the shipped demo seed loads and has the documented layout", () => {
    const seed = loadSeed();
    assert.ok(seed.pools.length >= 2);
    const models = seed.pools.flatMap((p) => p.dataModels);
    assert.ok(models.length >= 3);
    assert.equal(seed.pools[0].id, DEMO.pool);
    assert.equal(seed.pools[0].dataModels[0].id, DEMO.model);
    assert.ok(seed.pools[0].dataModels[0].tables.length >= 8);
    assert.ok(models.flatMap((m) => m.tables).some((t) => t.alias && t.alias !== t.name));
    assert.equal(
      defaultSeedPath(),
      path.resolve(__dirname, "../../packages/celonis-emulator/seed/demo.json"),
    );
  });

  it("a bad seed fails with a message naming the file or the JSON path", async () => {
    const bad = (seed: unknown, re: RegExp) =>
      assert.throws(
        () => validateSeed(seed),
        (e: unknown) => e instanceof SeedError && re.test(e.message),
      );
    bad({}, /pools: expected an array/);
    bad({ pools: [] }, /at least one pool/);
    bad({ pools: [{ id: "p", name: "" }] }, /pools\[0\]\.name: expected a non-empty string/);
    bad({ pools: [{ id: "a/b", name: "P" }] }, /pools\[0\]\.id: id "a\/b" must not contain/);
    bad(
      {
        pools: [
          { id: "p", name: "P", dataModels: [{ id: "m", name: "M", tables: [{ id: "p", name: "T" }] }] },
        ],
      },
      /tables\[0\]\.id: id "p" is already used at pools\[0\]\.id/,
    );
    bad(
      {
        pools: [
          {
            id: "p",
            name: "P",
            dataModels: [
              {
                id: "m",
                name: "M",
                tables: [
                  { id: "t1", name: "A" },
                  { id: "t2", name: "B", alias: "a" },
                ],
              },
            ],
          },
        ],
      },
      /table name\/alias "a" is already used/,
    );
    bad(
      {
        pools: [
          {
            id: "p",
            name: "P",
            dataModels: [
              {
                id: "m",
                name: "M",
                tables: [],
                history: [
                  { loadType: "COMPLETE", loadStatus: "RUNNING", startedMinutesAgo: 1, durationMs: 1 },
                ],
              },
            ],
          },
        ],
      },
      /history\[0\]\.loadStatus: expected a finished status/,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-seed-"));
    try {
      const file = path.join(dir, "broken.json");
      fs.writeFileSync(file, "{ not json");
      await assert.rejects(startEmulator({ port: 0, seed: file }), /broken\.json is not valid JSON/);
      await assert.rejects(
        startEmulator({ port: 0, seed: path.join(dir, "missing.json") }),
        /cannot read seed file/,
      );
      const good = path.join(dir, "good.json");
      fs.writeFileSync(good, JSON.stringify({ pools: [{ id: "p", name: "P", dataModels: [] }] }));
      const emu = await startEmulator({ port: 0, seed: good });
      await emu.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
