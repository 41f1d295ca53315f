// The emulator against the documented contract: every answer it gives on the routes the provider
// uses (and the discovery routes) has the shape of the documentation's examples in
// tests/contract/fixtures: field names, JSON types, nullability, epoch-ms dates and enum values.
// The emulator does not import the provider's types, so this is what keeps the two sides honest.
import { strict as assert } from "node:assert";
import { ManualClock, startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { DEMO, call, legacy, v1 } from "../helpers/emulator";
import { ENUMS, RATE_LIMITED, SHAPES } from "./fixtures";
import { mismatches, type Shape } from "./shape";

const KEY = `Bearer ${DEMO.apiKey}`;

function assertShape(value: unknown, shape: Shape, what: string): void {
  assert.deepEqual(mismatches(value, shape, ENUMS), [], `${what}: ${JSON.stringify(value).slice(0, 400)}`);
}

describe("contract: the emulator answers as documented", function () {
  let emu: Emulator;
  const clock = new ManualClock();
  before(async () => {
    emu = await startEmulator({ port: 0, loadMs: 100, clock });
  });
  after(() => emu.stop());
  afterEach(() => emu.reset());

  const get = (path: string) => call(emu, path, { auth: KEY });
  const post = (path: string, body?: unknown) => call(emu, path, { method: "POST", auth: KEY, body });

  it("GET v1 …/tables: table configs, with and without alias and data source", async () => {
    for (const model of [DEMO.model, DEMO.o2cModel]) {
      const r = await get(v1(DEMO.pool, model, "tables"));
      assert.equal(r.status, 200);
      assertShape(r.json, SHAPES.tables, `tables of ${model}`);
    }
  });

  it("GET v1 …/last-load: a finished and a running load record; 204 with no body when never loaded", async () => {
    assertShape((await get(v1(DEMO.pool, DEMO.model, "last-load"))).json, SHAPES.loadRecord, "finished");
    assert.equal((await post(v1(DEMO.pool, DEMO.model, "load"))).status, 204);
    const running = await get(v1(DEMO.pool, DEMO.model, "last-load"));
    assert.equal((running.json as { loadStatus: string }).loadStatus, "RUNNING");
    assertShape(running.json, SHAPES.loadRecord, "running");
    const never = await get(v1(DEMO.pool, DEMO.o2cModel, "last-load"));
    assert.deepEqual([never.status, never.text, never.headers.get("content-type")], [204, "", null]);
  });

  it("GET …/load-info-sync: a loaded model with a load running, a history, and a never-loaded model", async () => {
    const path = legacy(DEMO.financePool, DEMO.apModel, "load-history/load-info-sync");
    assertShape((await get(path)).json, SHAPES.loadInfoSync, "seeded history");
    await post(v1(DEMO.financePool, DEMO.apModel, "load"));
    assertShape((await get(path)).json, SHAPES.loadInfoSync, "a load running");
    clock.advance(100);
    assertShape((await get(path)).json, SHAPES.loadInfoSync, "after a new load");
    const never = (await get(legacy(DEMO.pool, DEMO.o2cModel, "load-history/load-info-sync"))).json;
    assertShape(never, SHAPES.loadInfoSync, "never loaded");
  });

  it("GET pools, one pool, a pool's data models and one data model", async () => {
    assertShape((await get("/integration/api/pools")).json, SHAPES.pools, "pools");
    assertShape((await get(`/integration/api/pools/${DEMO.pool}`)).json, SHAPES.pool, "pool");
    assertShape(
      (await get(`/integration/api/pools/${DEMO.pool}/data-models`)).json,
      SHAPES.dataModels,
      "models",
    );
    assertShape((await get(legacy(DEMO.pool, DEMO.model))).json, SHAPES.dataModel, "model");
  });

  it("triggers and cancel-load answer 204 with no body", async () => {
    for (const r of [
      await post(v1(DEMO.pool, DEMO.o2cModel, "load/partial-sync"), ["d2000000-0000-4000-a000-000000000201"]),
      await post(legacy(DEMO.pool, DEMO.o2cModel, "cancel-load")),
      await post(legacy(DEMO.pool, DEMO.model, "reload?forceComplete=true")),
    ])
      assert.deepEqual([r.status, r.text, r.headers.get("content-type")], [204, "", null]);
  });

  it("400 for a trigger while a load runs: DATA_MODEL_LOAD_ALREADY_RUNNING with its errorInformation", async () => {
    await post(v1(DEMO.pool, DEMO.model, "load"));
    const r = await post(v1(DEMO.pool, DEMO.model, "load"));
    assert.equal(r.status, 400);
    assertShape(r.json, SHAPES.alreadyRunning, "already running");
    const bad = (await post(v1(DEMO.pool, DEMO.o2cModel, "load/partial-sync"), ["nope"])).json as Record<
      string,
      unknown
    >;
    assert.equal(typeof bad.frontendErrorKey, "string", "every 400 names its frontendErrorKey");
    assert.equal(typeof bad.errorInformation, "object");
  });

  it("500: {reference, message, shortMessage}; 429: plain text and the x-ratelimit-* headers", async () => {
    emu.addFault({ kind: "status", status: 500 });
    const failed = await get(v1(DEMO.pool, DEMO.model, "tables"));
    assert.equal(failed.status, 500);
    assertShape(failed.json, SHAPES.internalError, "500");
    emu.addFault({ kind: "rateLimit" });
    const limited = await get(v1(DEMO.pool, DEMO.model, "tables"));
    assert.equal(limited.status, RATE_LIMITED.status);
    assert.match(limited.headers.get("content-type") ?? "", /^text\/plain/);
    assert.ok(limited.text.length > 0 && limited.json === undefined);
    for (const name of Object.keys(RATE_LIMITED.headers))
      assert.match(limited.headers.get(name) ?? "", /^\d+$/, `${name} is a number of requests or seconds`);
  });

  it("401 plain text without a valid credential, 403 with no body, 404 plain text", async () => {
    const unauthorized = await call(emu, v1(DEMO.pool, DEMO.model, "tables"), { auth: "Bearer nope" });
    assert.equal(unauthorized.status, 401);
    assert.match(unauthorized.headers.get("content-type") ?? "", /^text\/plain/);
    emu.addFault({ kind: "status", status: 403 });
    const forbidden = await get(v1(DEMO.pool, DEMO.model, "tables"));
    assert.deepEqual([forbidden.status, forbidden.text], [403, ""]);
    const missing = await get(v1(DEMO.pool, "no-such-model", "tables"));
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get("content-type") ?? "", /^text\/plain/);
  });

  it("POST /oauth2/token: the token answer, and invalid_client", async () => {
    const form = (secret: string) =>
      call(emu, "/oauth2/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `grant_type=client_credentials&scope=integration.data-pools&client_id=${DEMO.clientId}&client_secret=${secret}`,
      });
    const ok = await form(DEMO.clientSecret);
    assert.equal(ok.status, 200);
    assertShape(ok.json, SHAPES.token, "token");
    const refused = await form("wrong");
    assert.equal(refused.status, 401);
    assertShape(refused.json, SHAPES.oauthError, "invalid_client");
  });
});
