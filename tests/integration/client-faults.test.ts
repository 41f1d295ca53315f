// The Celonis client against a struggling emulator: 429 bursts honoured by header, 502/503/drops and
// timeouts retried, a 500 retried on a read but never resent blindly as a trigger, Cancel during a
// slow OAuth token fetch, a trigger whose answer is lost never starts a second load, and no
// credential in any error, retry report or the emulator's request log.
import { strict as assert } from "node:assert";
import util from "node:util";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { fastSleep, triggerFor } from "../helpers/client";
import { DEMO } from "../helpers/emulator";
import {
  CancelledError,
  CelonisClient,
  CelonisError,
  TriggerError,
  type CelonisClientOptions,
  type RetryInfo,
} from "../../provider/celonis";

const DEMO_POOL = DEMO.pool;
const P2P = DEMO.model;
const P2P_SEED_LOAD = DEMO.seededLoadId;

const API_KEY = "k1-api-key-0123456789";
const APP_KEY = "a1-app-key-9876543210";
const CLIENT_ID = "c1-client";
const CLIENT_SECRET = "oauth-client-secret-abcdef";
const SECRETS = [
  API_KEY,
  APP_KEY,
  CLIENT_SECRET,
  Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64"),
];
/** Emulator access tokens look like emu_<base64url>. */
const ACCESS_TOKEN = /emu_[A-Za-z0-9_-]{8,}/;

function everyView(err: unknown): string {
  const e = err as Error;
  return [
    String(e),
    e.message,
    e.stack ?? "",
    JSON.stringify(e),
    util.inspect(e, { depth: 10, showHidden: true }),
  ].join("\n");
}

function assertNoCredential(text: string, what: string, extra: string[] = []): void {
  for (const s of [...SECRETS, ...extra]) assert.ok(!text.includes(s), `${what} contains a credential`);
  assert.ok(!ACCESS_TOKEN.test(text), `${what} contains an access token`);
}

describe("celonis client vs emulator: faults and retries", function () {
  this.timeout(20000);
  let emu: Emulator;
  let delays: number[];
  let retries: RetryInfo[];
  const clients: CelonisClient[] = [];
  const client = (extra: Partial<CelonisClientOptions> = {}) => {
    const c = new CelonisClient({
      url: emu.url,
      auth: { kind: "bearer", token: API_KEY },
      // Record the requested waits, sleep at most 30 ms of each.
      sleep: (ms) => fastSleep(30, delays).sleep(ms),
      retry: { baseDelayMs: 20, maxDelayMs: 200 },
      // Watch briefly for the load of a trigger whose answer was lost (tests of the long window set it).
      trigger: { answeredGraceMs: 150, unansweredGraceMs: 300 },
      onRetry: (i) => retries.push(i),
      ...extra,
    });
    clients.push(c);
    return c;
  };
  const triggerPosts = () => emu.requests().filter((r) => r.method === "POST" && r.path.includes("/load"));

  before(async () => {
    emu = await startEmulator({
      port: 0,
      apiKeys: [API_KEY],
      appKeys: [APP_KEY],
      oauthClients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      loadMs: 200,
    });
  });
  beforeEach(() => {
    emu.reset();
    delays = [];
    retries = [];
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  after(async () => emu.stop());

  describe("reads", () => {
    it("a 429 burst is retried, waiting what x-ratelimit-reset asks", async () => {
      emu.addFault({ match: { path: "/tables" }, kind: "rateLimit", resetSeconds: 2, count: 3 });
      assert.equal((await client().listTables(DEMO_POOL, P2P)).length, 9);
      assert.deepEqual(
        emu.requests().map((r) => r.status),
        [429, 429, 429, 200],
      );
      assert.equal(retries.length, 3);
      assert.ok(
        retries.every((r) => r.status === 429 && r.method === "GET" && r.delayMs >= 2000),
        JSON.stringify(retries),
      );
      assert.ok(
        delays.every((d) => d >= 2000 && d < 2100),
        JSON.stringify(delays),
      );
    });

    it("Retry-After is honoured too", async () => {
      emu.addFault({ match: { path: "/tables" }, kind: "rateLimit", resetSeconds: 0, retryAfterSeconds: 3 });
      await client().listTables(DEMO_POOL, P2P);
      assert.equal(delays.length, 1);
      assert.ok(delays[0] >= 3000, String(delays[0]));
    });

    it("502 and 503 are retried with backoff", async () => {
      emu.addFault({ match: { path: "/last-load" }, kind: "status", status: 502 });
      emu.addFault({ match: { path: "/last-load" }, kind: "status", status: 503 });
      assert.equal((await client().getLastLoad(DEMO_POOL, P2P))?.dataLoadId, P2P_SEED_LOAD);
      assert.deepEqual(
        retries.map((r) => r.status),
        [502, 503],
      );
      assert.ok(delays.every((d) => d >= 0 && d <= 200));
    });

    it("a dropped connection is retried", async () => {
      emu.addFault({ match: { path: "/tables" }, kind: "drop", count: 2 });
      assert.equal((await client().listTables(DEMO_POOL, P2P)).length, 9);
      assert.equal(retries.length, 2);
      assert.ok(
        retries.every((r) => r.status === undefined && r.code !== undefined),
        JSON.stringify(retries),
      );
    });

    it("a slow answer past the request timeout is retried", async () => {
      emu.addFault({ match: { path: "/tables" }, kind: "delay", delayMs: 800 });
      assert.equal((await client({ timeoutMs: 250 }).listTables(DEMO_POOL, P2P)).length, 9);
      assert.equal(retries.length, 1);
    });

    it("a 500 on a read is retried (a read has no effect); one that persists carries Celonis's reference", async () => {
      emu.addFault({ match: { path: "/tables" }, kind: "status", status: 500 });
      assert.equal((await client().listTables(DEMO_POOL, P2P)).length, 9);
      assert.equal(emu.requests().length, 2);
      emu.clearRequests();
      emu.addFault({ match: { path: "/tables" }, kind: "status", status: 500, count: 0 });
      const c = client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
      await assert.rejects(c.listTables(DEMO_POOL, P2P), (e: unknown) => {
        assert.ok(e instanceof CelonisError);
        assert.equal(e.status, 500);
        assert.equal(e.retryable, true, "a wait polling it keeps going");
        assert.ok(e.reference);
        assert.match(e.message, /HTTP 500: An unexpected error occurred.*\(reference .+\)/);
        return true;
      });
      assert.equal(emu.requests().length, 3);
    });

    it("a 500 on a trigger is not sent again blindly: the load is looked for first", async () => {
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "status", status: 500, after: true });
      const t = await triggerFor(client(), DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal(t.confirmedBy, "poll");
      assert.equal(triggerPosts().length, 1);
      assert.equal(emu.loads(P2P).length, 2);
    });

    it("retries stop after maxAttempts with the last status", async () => {
      emu.addFault({ match: { path: "/tables" }, kind: "status", status: 503, count: 0 });
      await assert.rejects(
        client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }).listTables(DEMO_POOL, P2P),
        (e: unknown) => {
          assert.ok(e instanceof CelonisError);
          assert.equal(e.status, 503);
          assert.equal(e.retryable, true);
          return true;
        },
      );
      assert.equal(emu.requests().length, 3);
    });

    it("Cancel stops a call waiting for its OAuth token at once; the token fetch goes on for the next call", async () => {
      emu.addFault({ match: { path: "/oauth2/token" }, kind: "delay", delayMs: 2000 });
      const oauth = {
        kind: "oauth" as const,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scope: "integration.data-pools",
      };
      const c = client({ auth: oauth });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const started = Date.now();
      await assert.rejects(
        c.listTables(DEMO_POOL, P2P, { signal: controller.signal }),
        (e: unknown) => e instanceof CancelledError,
      );
      assert.ok(Date.now() - started < 1000, `stopped after ${Date.now() - started} ms`);
      assert.equal((await c.listTables(DEMO_POOL, P2P)).length, 9, "the next call gets the token");
      const tokens = emu.requests().filter((r) => r.path.endsWith("/oauth2/token"));
      assert.deepEqual(
        tokens.map((r) => r.status),
        [200],
        "one token fetch, shared by both calls",
      );
    });

    it("transient poll failures during a wait are ridden out", async () => {
      const c = client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      emu.addFault({ match: { path: "/last-load" }, kind: "status", status: 503, count: 6 });
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: Date.now() + 8000 });
      assert.equal(r.outcome, "finished");
      assert.equal(r.load?.loadStatus, "SUCCESS");
    });
  });

  describe("triggers never start a second load", () => {
    it("an answer dropped after the load started: no second POST", async () => {
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "drop", after: true });
      const c = client();
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal(t.confirmedBy, "poll");
      assert.equal(triggerPosts().length, 1);
      assert.equal(emu.loads(P2P).length, 2);
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: Date.now() + 8000 });
      assert.equal(r.load?.loadStatus, "SUCCESS");
      assert.equal(emu.loads(P2P).length, 2);
    });

    it("a 502 after the load started: no second POST", async () => {
      emu.addFault({
        match: { method: "POST", path: "/partial-sync" },
        kind: "status",
        status: 502,
        after: true,
      });
      const t = await triggerFor(client(), DEMO_POOL, P2P, {
        kind: "PARTIAL",
        tableIds: [DEMO.tables.ACTIVITIES],
      });
      assert.equal(t.confirmedBy, "poll");
      assert.equal(triggerPosts().length, 1);
      assert.equal(emu.loads(P2P).length, 2);
    });

    it("an answer slower than the timeout after the load started: no second POST", async () => {
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "delay", delayMs: 800, after: true });
      const t = await triggerFor(client({ timeoutMs: 250 }), DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal(t.confirmedBy, "poll");
      assert.equal(emu.loads(P2P).length, 2);
      await new Promise((r) => setTimeout(r, 700)); // the emulator logs the POST when its slow answer goes out
      assert.equal(triggerPosts().length, 1);
    });

    it("503 and drops before the route ran: the load is watched for, then the POST is repeated once none started", async () => {
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "status", status: 503 });
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "drop" });
      const t = await triggerFor(client(), DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal(t.confirmedBy, "answer");
      const log = emu
        .requests()
        .map((r) => `${r.method} ${r.path.replace(/.*\/data-models\/[^/]+\//, "")} ${r.status}`)
        .filter((line, i, all) => line !== all[i - 1]); // the watch looks several times
      assert.deepEqual(log, [
        "GET last-load 200", // previous load id
        "POST load 503",
        "GET last-load 200", // did it start? not within the watch window
        "POST load 0",
        "GET last-load 200",
        "POST load 204",
      ]);
      assert.equal(emu.loads(P2P).length, 2);
    });

    it("a trigger that reaches Celonis after the client gave up on it: watched for, not sent again", async () => {
      // The request waits 1.2 s before the route runs; the client times out after 0.4 s.
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "delay", delayMs: 1200 });
      const c = client({ timeoutMs: 400, trigger: { unansweredGraceMs: 3000 } });
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal(t.confirmedBy, "poll");
      assert.equal(emu.loads(P2P).length, 2, "exactly one new load");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(triggerPosts().length, 1, "one POST only");
    });

    it("a trigger whose answer is lost with the deadline before the watch ends: maybe started, not sent again", async () => {
      emu.setBehaviour(P2P, { visibleAfterMs: 2000, durationMs: 100 });
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "drop", after: true });
      const c = client({ trigger: { unansweredGraceMs: 5000 } });
      await assert.rejects(
        triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" }, { deadline: Date.now() + 500 }),
        (e: unknown) => e instanceof TriggerError && e.maybeStarted && /not triggering again/.test(e.message),
      );
      assert.equal(triggerPosts().length, 1);
    });

    it("an answer lost while the new load is not yet visible: the retry's 'already running' is taken as ours", async () => {
      // Visible only after the client's watch window (0.3 s) has ended: the client sends again.
      emu.setBehaviour(P2P, { visibleAfterMs: 1000, durationMs: 100 });
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "drop", after: true });
      const c = client();
      const t = await triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" });
      assert.equal(t.confirmedBy, "busy");
      assert.equal(triggerPosts().length, 2);
      const r = await c.waitForLoad(DEMO_POOL, P2P, { ...t, deadline: Date.now() + 8000 });
      assert.equal(r.load?.loadStatus, "SUCCESS");
      assert.equal(emu.loads(P2P).length, 2, "exactly one new load");
    });

    it("'already running' after only a 429 is someone else's load: surfaced", async () => {
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "rateLimit", resetSeconds: 0 });
      const c = client({
        // While the client waits out the 429, someone else starts a load.
        sleep: (ms) => {
          delays.push(ms);
          try {
            emu.startLoad(P2P);
          } catch {
            // already started
          }
          return new Promise((r) => setTimeout(r, 5));
        },
      });
      await assert.rejects(
        triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" }, { previousLoadId: P2P_SEED_LOAD }),
        (e: unknown) => e instanceof CelonisError && e.frontendErrorKey === "DATA_MODEL_LOAD_ALREADY_RUNNING",
      );
    });

    it("a 429 on the trigger is retried after the header's wait", async () => {
      emu.addFault({
        match: { method: "POST", path: "/load" },
        kind: "rateLimit",
        resetSeconds: 1,
        count: 2,
      });
      const t = await triggerFor(
        client(),
        DEMO_POOL,
        P2P,
        { kind: "FROM_CACHE" },
        { previousLoadId: P2P_SEED_LOAD },
      );
      assert.equal(t.confirmedBy, "answer");
      assert.equal(triggerPosts().length, 3);
      assert.equal(emu.loads(P2P).length, 2);
      assert.ok(delays.filter((d) => d >= 1000).length === 2, JSON.stringify(delays));
    });

    it("a trigger failing every time gives up without starting anything", async () => {
      emu.addFault({ match: { method: "POST", path: "/load" }, kind: "status", status: 503, count: 0 });
      await assert.rejects(
        triggerFor(client({ trigger: { maxAttempts: 3, answeredGraceMs: 50 } }), DEMO_POOL, P2P, {
          kind: "COMPLETE",
        }),
        (e: unknown) => e instanceof CelonisError && e.status === 503 && e.call === "trigger complete load",
      );
      assert.equal(triggerPosts().length, 3);
      assert.equal(emu.loads(P2P).length, 1);
    });
  });

  describe("no credential leaks", () => {
    it("in errors of every kind, in retry reports and in the emulator's log", async () => {
      const errors: unknown[] = [];
      const capture = async (p: Promise<unknown>): Promise<void> => {
        try {
          await p;
          assert.fail("expected a failure");
        } catch (e) {
          assert.ok(e instanceof CelonisError, `not a CelonisError: ${String(e)}`);
          errors.push(e);
        }
      };
      const oauth = {
        kind: "oauth" as const,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scope: "integration.data-pools",
      };
      const WRONG = "wrong-key-zzzzzzzz";
      // 401 wrong key, wrong scheme, bad OAuth secret
      await capture(client({ auth: { kind: "bearer", token: WRONG } }).listTables(DEMO_POOL, P2P));
      await capture(client({ auth: { kind: "bearer", token: APP_KEY } }).listTables(DEMO_POOL, P2P));
      await capture(client({ auth: { ...oauth, clientSecret: WRONG } }).listTables(DEMO_POOL, P2P));
      // 404, 500, 400 already running, 403 via fault, with an OAuth token in play
      const c = client({ auth: oauth, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
      await capture(c.listTables(DEMO_POOL, "no-such-model"));
      emu.addFault({ match: { path: "/tables" }, kind: "status", status: 500, count: 2 });
      await capture(c.listTables(DEMO_POOL, P2P));
      emu.addFault({ match: { path: "/tables" }, kind: "status", status: 403 });
      await capture(c.listTables(DEMO_POOL, P2P));
      emu.setBehaviour(P2P, { stuck: true });
      emu.startLoad(P2P);
      await capture(triggerFor(c, DEMO_POOL, P2P, { kind: "COMPLETE" }));
      // a body that echoes the credential back
      emu.addFault({
        match: { path: "/tables" },
        kind: "status",
        status: 400,
        body: `bad header: Bearer ${API_KEY}`,
      });
      await capture(client().listTables(DEMO_POOL, P2P));
      // connection failures after every retry
      emu.addFault({ match: { path: "/tables" }, kind: "drop", count: 0 });
      await capture(
        client({ auth: oauth, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }).listTables(
          DEMO_POOL,
          P2P,
        ),
      );
      emu.clearFaults();
      // unresolvable tables and a refused plain-http URL
      await capture(
        client({ auth: { kind: "appkey", token: APP_KEY } }).resolveTables(DEMO_POOL, P2P, ["NOPE"]),
      );
      await capture(
        Promise.resolve().then(
          () =>
            new CelonisClient({
              url: `http://user:${API_KEY}@celonis.example.com`,
              auth: { kind: "bearer", token: API_KEY },
            }),
        ),
      );

      assert.equal(errors.length, 11);
      for (const e of errors) assertNoCredential(everyView(e), `error "${(e as Error).message}"`, [WRONG]);
      assertNoCredential(JSON.stringify(retries), "onRetry reports");
      assertNoCredential(JSON.stringify(emu.requests()), "the emulator's request log", [WRONG]);
      assert.ok(retries.length > 0);
    });

    it("a closed port: connection refused after the retries, as a CelonisError", async () => {
      const gone = await startEmulator({ port: 0, apiKeys: [API_KEY] });
      const url = gone.url;
      await gone.stop();
      const c = new CelonisClient({
        url,
        auth: { kind: "bearer", token: API_KEY },
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      });
      try {
        await assert.rejects(c.getLastLoad(DEMO_POOL, P2P), (e: unknown) => {
          assert.ok(e instanceof CelonisError);
          assert.equal(e.code, "ECONNREFUSED");
          assert.equal(e.retryable, true);
          assert.match(
            e.message,
            /^Celonis get last load for data model .*: no answer \(ECONNREFUSED\): connection refused \(ECONNREFUSED\) after 3 attempts$/,
          );
          assertNoCredential(everyView(e), "connection error");
          return true;
        });
      } finally {
        c.close();
      }
    });
  });
});
