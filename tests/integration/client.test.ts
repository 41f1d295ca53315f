// The Celonis client against the real emulator: the three auth kinds and token refresh, listing and
// resolving tables, each trigger kind, correlation of our load, waits that finish, time out or wait
// for someone else's load, the last-load fallback, and the 400/403/404 messages.
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { fastSleep, triggerFor } from "../helpers/client";
import { DEMO, call, legacy, waitForFinished } from "../helpers/emulator";
import {
  CelonisClient,
  CelonisError,
  TableResolutionError,
  isLoadAlreadyRunning,
  type CelonisClientOptions,
  type LoadProgress,
} from "../../provider/celonis";

const DEMO_POOL = DEMO.pool;
const FINANCE_POOL = DEMO.financePool;
const P2P = DEMO.model; // 9 tables, one past SUCCESS load
const O2C = DEMO.o2cModel; // never loaded
const AP = DEMO.apModel; // in the finance pool
const P2P_SEED_LOAD = DEMO.seededLoadId;
const T_ACTIVITIES = DEMO.tables.ACTIVITIES;
const T_CASES = DEMO.tables.CASES;
const T_LFA1 = DEMO.tables.VENDORS; // alias VENDORS

const API_KEY = "k1-api-key-0123456789";
const APP_KEY = "a1-app-key-9876543210";
const LIMITED_KEY = "k2-limited-key-5555555";
const CLIENT_ID = "c1-client";
const CLIENT_SECRET = "oauth-client-secret-abcdef";

describe("celonis client vs emulator", function () {
  this.timeout(20000);
  let emu: Emulator;
  const clients: CelonisClient[] = [];
  const client = (
    auth: CelonisClientOptions["auth"] = { kind: "bearer", token: API_KEY },
    extra: Partial<CelonisClientOptions> = {},
  ) => {
    const c = new CelonisClient({
      url: emu.url,
      auth,
      sleep: fastSleep().sleep,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
      ...extra,
    });
    clients.push(c);
    return c;
  };
  const posts = () => emu.requests().filter((r) => r.method === "POST" && r.path.includes("/load"));

  before(async () => {
    emu = await startEmulator({
      port: 0,
      apiKeys: [API_KEY, LIMITED_KEY],
      appKeys: [APP_KEY],
      oauthClients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      loadMs: 250,
      poolAccess: { [LIMITED_KEY]: [FINANCE_POOL] },
    });
  });
  beforeEach(() => emu.reset());
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  after(async () => emu.stop());

  describe("authentication", () => {
    it("user API key as Bearer", async () => {
      const tables = await client({ kind: "bearer", token: API_KEY }).listTables(DEMO_POOL, P2P);
      assert.equal(tables.length, 9);
      assert.deepEqual(
        emu.requests().map((r) => [r.auth, r.status]),
        [["bearer", 200]],
      );
    });

    it("application key as AppKey", async () => {
      const tables = await client({ kind: "appkey", token: APP_KEY }).listTables(DEMO_POOL, P2P);
      assert.equal(tables[0].id, T_ACTIVITIES);
      assert.equal(emu.requests()[0].auth, "appkey");
    });

    it("a key sent with the wrong scheme is a clear 401", async () => {
      await assert.rejects(
        client({ kind: "appkey", token: API_KEY }).listTables(DEMO_POOL, P2P),
        (e: unknown) => {
          assert.ok(e instanceof CelonisError);
          assert.equal(e.status, 401);
          assert.match(
            e.message,
            /^Celonis list tables for data model d1000000-0000-4000-a000-000000000001: HTTP 401: authentication failed/,
          );
          assert.match(e.message, /AppKey/);
          return true;
        },
      );
      assert.equal(emu.requests().length, 1, "a 401 with a static key is not retried");
    });

    it("OAuth client credentials with HTTP Basic, token cached across calls", async () => {
      const c = client({
        kind: "oauth",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scope: "integration.data-pools",
      });
      await c.listTables(DEMO_POOL, P2P);
      await c.getLastLoad(DEMO_POOL, P2P);
      const log = emu.requests();
      assert.deepEqual(
        log.map((r) => [r.method, r.path.replace(/.*\//, ""), r.auth, r.status]),
        [
          ["POST", "token", "basic", 200],
          ["GET", "tables", "oauth", 200],
          ["GET", "last-load", "oauth", 200],
        ],
      );
    });

    it("OAuth falls back to form fields when Basic is refused", async () => {
      emu.addFault({
        match: { path: "/oauth2/token" },
        kind: "status",
        status: 401,
        body: { error: "invalid_client" },
      });
      const c = client({
        kind: "oauth",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scope: "integration.data-pools",
      });
      await c.listTables(DEMO_POOL, P2P);
      assert.deepEqual(
        emu.requests().map((r) => [r.auth, r.status]),
        [
          ["basic", 401],
          ["form", 200],
          ["oauth", 200],
        ],
      );
    });

    it("OAuth refreshes once on a 401 after the server expired the token", async () => {
      const c = client({
        kind: "oauth",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scope: "integration.data-pools",
      });
      await c.listTables(DEMO_POOL, P2P);
      emu.expireTokens();
      assert.equal((await c.listTables(DEMO_POOL, P2P)).length, 9);
      assert.deepEqual(
        emu.requests().map((r) => [r.method, r.status]),
        [
          ["POST", 200],
          ["GET", 200],
          ["GET", 401],
          ["POST", 200],
          ["GET", 200],
        ],
      );
    });

    it("a wrong OAuth secret fails with the token call named", async () => {
      const c = client({
        kind: "oauth",
        clientId: CLIENT_ID,
        clientSecret: "not-the-secret-xyz",
        scope: "integration.data-pools",
      });
      await assert.rejects(c.listTables(DEMO_POOL, P2P), (e: unknown) => {
        assert.ok(e instanceof CelonisError);
        assert.equal(e.call, "get OAuth token");
        assert.equal(e.status, 401);
        assert.match(e.message, /invalid_client/);
        assert.ok(!e.message.includes("not-the-secret-xyz"));
        return true;
      });
    });

    it("missing Edit permission on the pool: a clear 403", async () => {
      const c = client({ kind: "bearer", token: LIMITED_KEY });
      assert.equal((await c.listTables(FINANCE_POOL, AP)).length, 4);
      await assert.rejects(
        triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" }, { previousLoadId: P2P_SEED_LOAD }),
        (e: unknown) => {
          assert.ok(e instanceof CelonisError);
          assert.equal(e.status, 403);
          assert.equal(
            e.message,
            `Celonis trigger complete load for data model ${P2P}: HTTP 403: permission denied: the API key or OAuth client needs Edit permission on data pool ${DEMO_POOL}`,
          );
          return true;
        },
      );
    });
  });

  describe("tables", () => {
    it("lists table configs with ids, names and aliases", async () => {
      const tables = await client().listTables(DEMO_POOL, P2P);
      const vendors = tables.find((t) => t.id === T_LFA1);
      assert.deepEqual(vendors && [vendors.name, vendors.alias, vendors.aliasOrName, vendors.dataModelId], [
        "LFA1",
        "VENDORS",
        "VENDORS",
        P2P,
      ]);
    });

    it("resolves names, aliases, ids and other case", async () => {
      const r = await client().resolveTables(DEMO_POOL, P2P, ["ACTIVITIES", "vendors", "LFA1", T_CASES]);
      assert.deepEqual(
        r.map((x) => [x.ref, x.id, x.name]),
        [
          ["ACTIVITIES", T_ACTIVITIES, "ACTIVITIES"],
          ["vendors", T_LFA1, "VENDORS"],
          ["LFA1", T_LFA1, "VENDORS"],
          [T_CASES, T_CASES, "CASES"],
        ],
      );
    });

    it("an unknown name fails with suggestions and the valid names", async () => {
      await assert.rejects(
        client().resolveTables(DEMO_POOL, P2P, ["ACTIVITES", "CASES", "VENDOR"]),
        (e: unknown) => {
          assert.ok(e instanceof TableResolutionError);
          assert.deepEqual(
            e.unknown.map((u) => [u.ref, u.suggestions[0]]),
            [
              ["ACTIVITES", "ACTIVITIES"],
              ["VENDOR", "VENDORS"],
            ],
          );
          assert.match(e.message, /Valid tables: ACTIVITIES, CASES, VENDORS, MATERIALS/);
          assert.match(e.message, new RegExp(`data model ${P2P}`));
          return true;
        },
      );
    });

    it("an unknown data model is a 404 naming it", async () => {
      await assert.rejects(client().listTables(DEMO_POOL, "no-such-model"), (e: unknown) => {
        assert.ok(e instanceof CelonisError);
        assert.equal(e.status, 404);
        assert.match(
          e.message,
          /Celonis list tables for data model no-such-model: HTTP 404: Data model with id no-such-model not found/,
        );
        return true;
      });
    });
  });

  describe("triggering and waiting", () => {
    const deadline = () => Date.now() + 8000;

    it("complete load: new load id, COMPLETE, SUCCESS, progress reported", async () => {
      const c = client();
      const progress: LoadProgress[] = [];
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal("previousLoadId" in t.match && t.match.previousLoadId, P2P_SEED_LOAD);
      assert.equal(t.confirmedBy, "answer");
      assert.equal(t.load, null, "an accepted trigger has not seen its load yet");
      const r = await c.waitForLoad(DEMO_POOL, P2P, {
        ...t,
        deadline: deadline(),
        onProgress: (p) => progress.push(p),
      });
      assert.equal(r.outcome, "finished");
      assert.notEqual(r.load?.dataLoadId, P2P_SEED_LOAD);
      assert.equal(r.load?.loadStatus, "SUCCESS");
      assert.equal(r.load?.loadType, "COMPLETE");
      assert.deepEqual(
        posts().map((p) => p.query),
        [{ fullReload: "true" }],
      );
      assert.equal(emu.loads(P2P).length, 2);
      assert.ok(progress.length >= 1);
      assert.equal(progress[progress.length - 1].status, "SUCCESS");
      assert.equal(progress[progress.length - 1].loadId, r.load?.dataLoadId);
      assert.ok(progress.every((p) => p.expectedSeconds === null || p.expectedSeconds > 0));
    });

    it("load from cache: fullReload=false", async () => {
      const c = client();
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "FROM_CACHE" });
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: deadline() });
      assert.equal(r.load?.loadType, "FROM_CACHE");
      assert.deepEqual(
        posts().map((p) => p.query),
        [{ fullReload: "false" }],
      );
    });

    it("partial load: table ids in the body of partial-sync", async () => {
      const c = client();
      const ids = (await c.resolveTables(DEMO_POOL, P2P, ["ACTIVITIES", "VENDORS"])).map((x) => x.id);
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "PARTIAL", tableIds: ids });
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: deadline() });
      assert.equal(r.outcome, "finished");
      assert.equal(r.load?.loadType, "PARTIAL");
      const p = posts();
      assert.equal(p.length, 1);
      assert.match(p[0].path, /\/load\/partial-sync$/);
      assert.deepEqual(p[0].body, [T_ACTIVITIES, T_LFA1]);
    });

    it("an empty partial load is refused before any call", async () => {
      await assert.rejects(
        client().triggerLoad(
          DEMO_POOL,
          P2P,
          { kind: "PARTIAL", tableIds: [] },
          { previousLoadId: P2P_SEED_LOAD, deadline: Date.now() + 5000 },
        ),
        /at least one table id/,
      );
      assert.equal(emu.requests().length, 0);
    });

    it("a never-loaded model: no last load, then our load", async () => {
      const c = client();
      assert.equal(await c.getLastLoad(DEMO_POOL, O2C), null);
      const before = Date.now();
      const t = await triggerFor(c, DEMO_POOL, O2C, { kind: "COMPLETE" });
      const after = Date.now();
      const { triggeredAt } = t.match as { triggeredAt: number };
      assert.ok(before <= triggeredAt && triggeredAt <= after, "triggeredAt is the time of the call");
      assert.deepEqual(t.match, { previousLoadId: null, triggeredAt });
      assert.equal(t.confirmedBy, "answer");
      assert.equal(t.load, null, "an accepted trigger has not seen its load yet");
      const r = await c.waitForLoad(DEMO_POOL, O2C, { ...t, deadline: deadline() });
      assert.equal(r.load?.loadStatus, "SUCCESS");
      assert.ok(r.load!.startDate! >= triggeredAt, "the load started after the trigger");
    });

    it("correlation: the previous load's SUCCESS is never taken for the new load", async () => {
      emu.setBehaviour(P2P, { visibleAfterMs: 600, durationMs: 200 });
      const c = client();
      const progress: LoadProgress[] = [];
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      // Right after the trigger, last-load still shows the old SUCCESS.
      assert.equal((await c.getLastLoad(DEMO_POOL, P2P))?.dataLoadId, P2P_SEED_LOAD);
      const r = await c.waitForLoad(DEMO_POOL, P2P, {
        ...t,
        deadline: deadline(),
        onProgress: (p) => progress.push(p),
      });
      assert.equal(r.outcome, "finished");
      assert.notEqual(r.load?.dataLoadId, P2P_SEED_LOAD);
      const newest = emu.loads(P2P).at(-1);
      assert.equal(r.load?.dataLoadId, newest?.dataLoadId);
      assert.equal(progress[0].status, "NOT_STARTED");
      assert.ok(progress.every((p) => p.loadId !== P2P_SEED_LOAD));
    });

    it("a load that goes LOST_CONNECTION for a while is still waited for", async () => {
      emu.setBehaviour(P2P, { durationMs: 200, lostConnectionMs: 300 });
      const c = client();
      const seen = new Set<string>();
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      const r = await c.waitForLoad(DEMO_POOL, P2P, {
        ...t,
        deadline: deadline(),
        onProgress: (p) => seen.add(p.status),
      });
      assert.equal(r.load?.loadStatus, "SUCCESS");
      assert.ok(seen.has("LOST_CONNECTION"), [...seen].join());
    });

    it("an ERROR load is returned with Celonis's message", async () => {
      emu.setBehaviour(P2P, {
        outcome: "ERROR",
        message: "Table 'CASES': column CASE_KEY not found",
        durationMs: 100,
      });
      const c = client();
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: deadline() });
      assert.equal(r.outcome, "finished");
      assert.equal(r.load?.loadStatus, "ERROR");
      assert.equal(r.load?.message, "Table 'CASES': column CASE_KEY not found");
    });

    it("the deadline returns a timeout with our running load; a wait by its id then sees it end", async () => {
      emu.setBehaviour(P2P, { stuck: true });
      const c = client();
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      const started = Date.now();
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: Date.now() + 700 });
      assert.equal(r.outcome, "timeout");
      assert.equal(r.load?.loadStatus, "RUNNING");
      assert.notEqual(r.load?.dataLoadId, P2P_SEED_LOAD);
      assert.ok(Date.now() - started < 2500);
      await call(emu, legacy(DEMO_POOL, P2P, "cancel-load"), { method: "POST", auth: `Bearer ${API_KEY}` });
      const after = await c.waitForLoad(DEMO_POOL, P2P, {
        match: { loadId: r.load!.dataLoadId },
        deadline: deadline(),
      });
      assert.equal(after.load?.loadStatus, "CANCELED");
      assert.equal(after.load?.dataLoadId, r.load?.dataLoadId);
    });

    it("a load that never becomes visible times out with load null", async () => {
      emu.setBehaviour(P2P, { visibleAfterMs: 10_000 });
      const c = client();
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: Date.now() + 500 });
      assert.deepEqual(r, { outcome: "timeout", load: null });
    });

    it("a trigger that seems ignored fails after the not-visible grace period", async () => {
      const c = client();
      // Pretend we triggered: nothing new will ever show up.
      await assert.rejects(
        c.waitForLoad(DEMO_POOL, P2P, {
          match: { previousLoadId: P2P_SEED_LOAD, triggeredAt: Date.now() },
          deadline: deadline(),
          notVisibleGraceMs: 300,
        }),
        (e: unknown) => e instanceof CelonisError && /no new load appeared/.test(e.message),
      );
    });

    it("a load already running: 400 with frontendErrorKey, then waitForIdle", async () => {
      emu.setBehaviour(P2P, { durationMs: 400 });
      const other = emu.startLoad(P2P);
      const c = client();
      await assert.rejects(triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" }), (e: unknown) => {
        assert.ok(e instanceof CelonisError);
        assert.equal(e.status, 400);
        assert.equal(e.frontendErrorKey, "DATA_MODEL_LOAD_ALREADY_RUNNING");
        assert.ok(isLoadAlreadyRunning(e));
        assert.match(
          e.message,
          /^Celonis trigger complete load for data model .*: HTTP 400 DATA_MODEL_LOAD_ALREADY_RUNNING: A load of data model "P2P Demo Model" is already running$/,
        );
        return true;
      });
      const seen: LoadProgress[] = [];
      const idle = await c.waitForIdle(DEMO_POOL, P2P, {
        deadline: deadline(),
        onProgress: (p) => seen.push(p),
      });
      assert.equal(idle.outcome, "idle");
      assert.equal(idle.load?.dataLoadId, other.dataLoadId);
      assert.equal(idle.load?.loadStatus, "SUCCESS");
      assert.equal(seen[0]?.loadId, other.dataLoadId);
      // Now the model is free: our trigger works and our load is a third one.
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal("previousLoadId" in t.match && t.match.previousLoadId, other.dataLoadId);
      assert.equal(t.confirmedBy, "answer");
      assert.equal(t.load, null);
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: deadline() });
      assert.equal(r.load?.loadStatus, "SUCCESS");
      assert.equal(emu.loads(P2P).length, 3);
    });

    it("waitForIdle with whileLoad returns changed when another load runs instead", async () => {
      emu.setBehaviour(P2P, { durationMs: 100, times: 1 });
      const first = emu.startLoad(P2P);
      await waitForFinished(emu, P2P);
      emu.setBehaviour(P2P, { durationMs: 3_000, times: 1 });
      const next = emu.startLoad(P2P); // started while we were about to wait for the first
      const r = await client().waitForIdle(DEMO_POOL, P2P, {
        deadline: deadline(),
        whileLoad: first.dataLoadId,
      });
      assert.deepEqual([r.outcome, r.load?.dataLoadId], ["changed", next.dataLoadId]);
    });

    it("a wait for a load by id finds it in the history when a newer load stands in last-load", async () => {
      emu.setBehaviour(P2P, { durationMs: 200, times: 1 });
      const ours = emu.startLoad(P2P);
      await waitForFinished(emu, P2P);
      emu.setBehaviour(P2P, { durationMs: 5_000, times: 1 });
      emu.startLoad(P2P); // another writer's, now the last load
      const r = await client().waitForLoad(DEMO_POOL, P2P, {
        match: { loadId: ours.dataLoadId },
        deadline: Date.now() + 3_000,
      });
      assert.equal(r.outcome, "finished");
      assert.equal(r.load?.dataLoadId, ours.dataLoadId);
    });

    it("waitForIdle times out on a stuck load and returns it", async () => {
      emu.setBehaviour(P2P, { stuck: true });
      const other = emu.startLoad(P2P);
      const r = await client().waitForIdle(DEMO_POOL, P2P, { deadline: Date.now() + 400 });
      assert.equal(r.outcome, "timeout");
      assert.equal(r.load?.dataLoadId, other.dataLoadId);
    });

    it("waitForIdle on an idle or never-loaded model returns at once", async () => {
      const c = client();
      assert.deepEqual(await c.waitForIdle(DEMO_POOL, O2C, { deadline: deadline() }), {
        outcome: "idle",
        load: null,
      });
      const r = await c.waitForIdle(DEMO_POOL, P2P, { deadline: deadline() });
      assert.equal(r.load?.dataLoadId, P2P_SEED_LOAD);
    });
  });

  describe("last load", () => {
    it("an unknown model is an error, not 'never loaded', and does not disable v1", async () => {
      const c = client();
      await assert.rejects(c.getLastLoad(DEMO_POOL, "no-such-model"), (e: unknown) => {
        assert.ok(e instanceof CelonisError);
        assert.equal(e.status, 404);
        assert.match(e.message, /get last load for data model no-such-model: HTTP 404/);
        return true;
      });
      emu.clearRequests();
      assert.equal((await c.getLastLoad(DEMO_POOL, P2P))?.dataLoadId, P2P_SEED_LOAD);
      assert.match(emu.requests()[0].path, /\/v1\/.*\/last-load$/);
    });
  });
});

describe("celonis client vs emulator: v1 last-load missing", function () {
  this.timeout(20000);
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [API_KEY], loadMs: 200, disableV1LastLoad: true });
  });
  after(async () => emu.stop());

  it("falls back to load-info-sync, remembers it, and still waits correctly", async () => {
    const c = new CelonisClient({
      url: emu.url,
      auth: { kind: "bearer", token: API_KEY },
      sleep: fastSleep().sleep,
    });
    try {
      assert.equal((await c.getLastLoad(DEMO_POOL, P2P))?.dataLoadId, P2P_SEED_LOAD);
      assert.equal(await c.getLastLoad(DEMO_POOL, O2C), null);
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal("previousLoadId" in t.match && t.match.previousLoadId, P2P_SEED_LOAD);
      assert.equal(t.confirmedBy, "answer");
      assert.equal(t.load, null);
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: Date.now() + 8000 });
      assert.equal(r.load?.loadStatus, "SUCCESS");
      assert.notEqual(r.load?.dataLoadId, P2P_SEED_LOAD);
      const v1 = emu.requests().filter((x) => x.path.endsWith("/last-load"));
      assert.equal(v1.length, 1, "v1 last-load is asked once, then the client remembers it is missing");
      assert.equal(v1[0].status, 404);
      await assert.rejects(
        c.getLastLoad(DEMO_POOL, "no-such-model"),
        (e: unknown) => e instanceof CelonisError && e.status === 404,
      );
    } finally {
      c.close();
    }
  });
});

describe("celonis client vs emulator: queued triggers", function () {
  this.timeout(20000);
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [API_KEY], loadMs: 300, queueTriggers: true });
  });
  after(async () => emu.stop());

  it("a trigger queued behind someone else's load: we wait for ours, not theirs", async () => {
    const c = new CelonisClient({
      url: emu.url,
      auth: { kind: "bearer", token: API_KEY },
      sleep: fastSleep().sleep,
    });
    try {
      const other = emu.startLoad(P2P);
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal("previousLoadId" in t.match && t.match.previousLoadId, other.dataLoadId);
      assert.equal(t.confirmedBy, "answer");
      assert.equal(t.load, null);
      const r = await c.waitForLoad(DEMO_POOL, P2P, {
        ...t,
        deadline: Date.now() + 8000,
        notVisibleGraceMs: 100,
      });
      assert.equal(r.outcome, "finished");
      assert.notEqual(r.load?.dataLoadId, other.dataLoadId);
      assert.equal(r.load?.dataLoadId, emu.loads(P2P).at(-1)?.dataLoadId);
      assert.equal(emu.loads(P2P).length, 3);
    } finally {
      c.close();
    }
  });
});

describe("celonis client vs emulator: OAuth token lifetime shorter than the wait", function () {
  this.timeout(20000);
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({
      port: 0,
      oauthClients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      tokenLifetimeSeconds: 2,
      loadMs: 2200,
    });
  });
  after(async () => emu.stop());

  it("refreshes the token before it expires: a long wait sees no 401", async () => {
    const { sleep } = fastSleep(150);
    const c = new CelonisClient({
      url: emu.url,
      auth: {
        kind: "oauth",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scope: "integration.data-pools",
      },
      sleep,
    });
    try {
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: Date.now() + 8000 });
      assert.equal(r.load?.loadStatus, "SUCCESS");
      const log = emu.requests();
      assert.deepEqual(
        log.filter((x) => x.status === 401),
        [],
        "no request was refused",
      );
      assert.ok(
        log.filter((x) => x.path === "/oauth2/token").length >= 2,
        "the token was renewed during the wait",
      );
    } finally {
      c.close();
    }
  });
});
