// Emulator fault injection: 429 with the x-ratelimit-* headers, 5xx bodies, dropped connections,
// slow answers, count/match/skip/activeAfterMs semantics, and `after: true` rules that let the load
// start and then lose the answer — what client tests use to prove a retried trigger never starts a
// second load. The emulator runs on a ManualClock: delays and "1.5 s into a wait" are moved, not slept.
import { strict as assert } from "node:assert";
import { ManualClock, startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { DEMO, call, newest, v1, waitFor } from "../helpers/emulator";

const KEY = `Bearer ${DEMO.apiKey}`;
const TABLES = v1(DEMO.pool, DEMO.model, "tables");
const LOAD = v1(DEMO.pool, DEMO.model, "load");

describe("emulator: faults", function () {
  let emu: Emulator;
  const clock = new ManualClock();
  before(async () => {
    emu = await startEmulator({ port: 0, loadMs: 50, clock });
  });
  after(() => emu.stop());
  afterEach(() => emu.reset());

  it("rateLimit → 429 plain string with x-ratelimit-limit/remaining/reset, no Retry-After by default", async () => {
    emu.addFault({ kind: "rateLimit", resetSeconds: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await call(emu, TABLES, { auth: KEY });
      assert.equal(r.status, 429);
      assert.match(r.headers.get("content-type") ?? "", /text\/plain/);
      assert.ok(r.text.length > 0 && r.json === undefined);
      assert.equal(r.headers.get("x-ratelimit-remaining"), "0");
      assert.equal(r.headers.get("x-ratelimit-reset"), "7");
      assert.match(r.headers.get("x-ratelimit-limit") ?? "", /^\d+$/);
      assert.equal(r.headers.get("retry-after"), null);
    }
    assert.equal((await call(emu, TABLES, { auth: KEY })).status, 200, "count 2 used up");
    emu.addFault({ kind: "rateLimit", retryAfterSeconds: 3 });
    const r = await call(emu, TABLES, { auth: KEY });
    assert.equal(r.headers.get("retry-after"), "3");
    assert.equal(r.headers.get("x-ratelimit-reset"), "1", "reset defaults to 1 s");
    assert.deepEqual(
      emu.requests().map((e) => [e.status, e.fault]),
      [
        [429, "rateLimit"],
        [429, "rateLimit"],
        [200, undefined],
        [429, "rateLimit"],
      ],
    );
  });

  it("status 500 → JSON {reference, message, shortMessage}; 502/503 plain strings; custom bodies", async () => {
    emu.addFault({ kind: "status", status: 500 });
    const r = await call(emu, TABLES, { auth: KEY });
    assert.equal(r.status, 500);
    assert.deepEqual(Object.keys(r.json as object).sort(), ["message", "reference", "shortMessage"]);
    for (const status of [502, 503, 504]) {
      emu.addFault({ kind: "status", status });
      const g = await call(emu, TABLES, { auth: KEY });
      assert.equal(g.status, status);
      assert.match(g.headers.get("content-type") ?? "", /text\/plain/);
    }
    emu.addFault({ kind: "status", status: 400, body: { frontendErrorKey: "X", errorInformation: {} } });
    assert.deepEqual((await call(emu, TABLES, { auth: KEY })).json, {
      frontendErrorKey: "X",
      errorInformation: {},
    });
    emu.addFault({ kind: "status", status: 403 });
    const f = await call(emu, TABLES, { auth: KEY });
    assert.equal(f.status, 403);
    assert.equal(f.text, "");
  });

  it("a fault before the route: a faulted trigger starts no load", async () => {
    emu.addFault({ kind: "status", status: 503, match: { method: "POST", path: "/load" } });
    assert.equal((await call(emu, LOAD, { method: "POST", auth: KEY })).status, 503);
    assert.equal(emu.loads(DEMO.model).length, 1, "only the seeded load");
    emu.addFault({ kind: "rateLimit", match: { method: "POST" } });
    assert.equal((await call(emu, LOAD, { method: "POST", auth: KEY })).status, 429);
    assert.equal(emu.loads(DEMO.model).length, 1);
    assert.equal((await call(emu, LOAD, { method: "POST", auth: KEY })).status, 204);
    assert.equal(emu.loads(DEMO.model).length, 2);
  });

  it("drop → the connection is reset (fetch rejects) and, before the route, no load starts", async () => {
    emu.addFault({ kind: "drop", match: { path: "/load" } });
    await assert.rejects(call(emu, LOAD, { method: "POST", auth: KEY }), TypeError);
    assert.equal(emu.loads(DEMO.model).length, 1);
    const [e] = emu.requests();
    assert.equal(e.status, 0);
    assert.equal(e.fault, "drop");
    assert.equal(
      (await call(emu, LOAD, { method: "POST", auth: KEY })).status,
      204,
      "next call goes through",
    );
  });

  it("after: true drop → the load starts, the answer is lost", async () => {
    emu.addFault({ kind: "drop", after: true, match: { method: "POST", path: "/load" } });
    await assert.rejects(call(emu, LOAD, { method: "POST", auth: KEY }));
    const all = emu.loads(DEMO.model);
    assert.equal(all.length, 2, "exactly one new load");
    assert.equal(all[1].loadStatus, "RUNNING");
    assert.equal(emu.requests()[0].fault, "drop(after)");
    // A blind retry would now hit the running load:
    const retry = await call(emu, LOAD, { method: "POST", auth: KEY });
    assert.equal(retry.status, 400);
  });

  it("after: true status → the load starts, the client sees 502", async () => {
    emu.addFault({ kind: "status", status: 502, after: true, match: { path: "partial-sync" } });
    const r = await call(emu, v1(DEMO.pool, DEMO.model, "load/partial-sync"), {
      method: "POST",
      auth: KEY,
      body: [DEMO.tables.CASES],
    });
    assert.equal(r.status, 502);
    assert.equal(newest(emu, DEMO.model)?.loadType, "PARTIAL");
    assert.equal(emu.loads(DEMO.model).length, 2);
    assert.deepEqual(emu.requests()[0].body, [DEMO.tables.CASES]);
    assert.equal(emu.requests()[0].status, 502);
  });

  it("delay → the answer comes late (before or after the route)", async () => {
    emu.addFault({ kind: "delay", delayMs: 200 });
    let answered = false;
    const slow = call(emu, TABLES, { auth: KEY }).finally(() => (answered = true));
    await waitFor(() => clock.pending === 1, 2000, 2);
    clock.advance(199);
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(answered, false, "no answer before the delay is over");
    clock.advance(1);
    assert.equal((await slow).status, 200);
    assert.equal(emu.requests()[0].fault, "delay:200ms");

    emu.addFault({ kind: "delay", delayMs: 150, after: true, match: { method: "POST" } });
    const pending = call(emu, LOAD, { method: "POST", auth: KEY });
    await waitFor(() => clock.pending === 2, 2000, 2); // the load's end and the delayed answer
    assert.equal(newest(emu, DEMO.model)?.loadStatus, "RUNNING", "the load started before the answer");
    clock.advance(150);
    assert.equal((await pending).status, 204);
  });

  it("skip: the first N matching requests pass, then the rule applies", async () => {
    emu.addFault({ kind: "status", status: 503, skip: 2, count: 2, match: { path: "/tables" } });
    emu.addFault({ kind: "drop", skip: 3, match: { path: "/tables" } });
    const statuses: number[] = [];
    // The drop rule counts requests 1, 2 and 5 (3 and 4 are taken by the 503 rule before it).
    for (let i = 0; i < 7; i++) {
      statuses.push(
        await call(emu, TABLES, { auth: KEY }).then(
          (r) => r.status,
          () => 0,
        ),
      );
    }
    assert.deepEqual(
      statuses,
      [200, 200, 503, 503, 200, 0, 200],
      "a skipping rule lets the next rules decide",
    );
    assert.equal((await call(emu, LOAD, { method: "POST", auth: KEY })).status, 204, "other paths untouched");
  });

  it("activeAfterMs: the rule hits only requests arriving that long after it was added", async () => {
    const lastLoad = v1(DEMO.pool, DEMO.model, "last-load");
    emu.addFault({
      kind: "status",
      status: 500,
      activeAfterMs: 1500,
      match: { method: "GET", path: "/last-load" },
    });
    assert.equal((await call(emu, lastLoad, { auth: KEY })).status, 200);
    clock.advance(1499);
    assert.equal((await call(emu, lastLoad, { auth: KEY })).status, 200, "not yet active");
    assert.equal(emu.requests().filter((e) => e.fault).length, 0);
    clock.advance(1);
    assert.equal((await call(emu, lastLoad, { auth: KEY })).status, 500, "one 500 at 1.5 s");
    assert.equal((await call(emu, lastLoad, { auth: KEY })).status, 200, "count 1 used up");
    const listed = await call(emu, "/_emulator/faults");
    assert.deepEqual(listed.json, []);
  });

  it("skip and activeAfterMs are validated and listed with what is left", async () => {
    for (const bad of [{ skip: -1 }, { skip: 1.5 }, { activeAfterMs: -5 }, { activeAfterMs: "1s" }]) {
      const r = await call(emu, "/_emulator/faults", { method: "POST", body: { kind: "drop", ...bad } });
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.match((r.json as { error: string }).error, /fault rule (skip|activeAfterMs) must be/);
    }
    emu.addFault({ kind: "drop", skip: 2, activeAfterMs: 10 });
    const [rule] = (await call(emu, "/_emulator/faults")).json as { skipLeft: number; remaining: number }[];
    assert.deepEqual([rule.skipLeft, rule.remaining], [2, 1]);
  });

  it("count 0 = forever until clearFaults; match.method and match.path filter", async () => {
    emu.addFault({ kind: "status", status: 503, count: 0, match: { method: "GET", path: "/tables" } });
    for (let i = 0; i < 4; i++) assert.equal((await call(emu, TABLES, { auth: KEY })).status, 503);
    assert.equal((await call(emu, v1(DEMO.pool, DEMO.model, "last-load"), { auth: KEY })).status, 200);
    assert.equal((await call(emu, TABLES, { method: "POST", auth: KEY })).status, 405, "POST not matched");
    emu.clearFaults();
    assert.equal((await call(emu, TABLES, { auth: KEY })).status, 200);
  });

  it("faults can match the query string and also hit /oauth2/token", async () => {
    emu.addFault({ kind: "status", status: 500, match: { path: "fullReload=false" } });
    assert.equal((await call(emu, LOAD, { method: "POST", auth: KEY })).status, 204);
    clock.advance(50);
    assert.equal((await call(emu, `${LOAD}?fullReload=false`, { method: "POST", auth: KEY })).status, 500);
    emu.addFault({ kind: "rateLimit", match: { path: "/oauth2/token" } });
    const t = await call(emu, "/oauth2/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret",
    });
    assert.equal(t.status, 429);
  });

  it("control API: POST/GET/DELETE /_emulator/faults; invalid rules → 400; control routes never faulted", async () => {
    const add = await call(emu, "/_emulator/faults", {
      method: "POST",
      body: [{ kind: "status", status: 502, count: 3 }, { kind: "drop" }],
    });
    assert.equal(add.status, 204);
    const list = await call(emu, "/_emulator/faults");
    assert.deepEqual(
      (list.json as { kind: string; remaining: number }[]).map((r) => [r.kind, r.remaining]),
      [
        ["status", 3],
        ["drop", 1],
      ],
    );
    assert.equal((await call(emu, TABLES, { auth: KEY })).status, 502);
    assert.equal((await call(emu, "/_emulator/faults", { method: "DELETE" })).status, 204);
    assert.equal((await call(emu, TABLES, { auth: KEY })).status, 200);
    for (const bad of [
      { kind: "explode" },
      { kind: "status" },
      { kind: "delay" },
      { kind: "drop", count: -1 },
      { kind: "rateLimit", after: true },
    ]) {
      const r = await call(emu, "/_emulator/faults", { method: "POST", body: bad });
      assert.equal(r.status, 400, JSON.stringify(bad));
    }
    assert.throws(() => emu.addFault({ kind: "status", status: 99 }), /status/);
    emu.addFault({ kind: "drop", count: 0 });
    assert.equal((await call(emu, "/_emulator/health")).status, 200);
    assert.equal((await call(emu, "/_emulator/requests")).status, 200);
    await assert.rejects(call(emu, TABLES, { auth: KEY }));
  });
});
