// Emulator authentication: user API keys (Bearer), application keys (AppKey), OAuth client credentials
// at /oauth2/token with expiry, wrong-scheme and unknown-credential 401s, per-pool 403s without a body,
// and the rule that the request log never contains a credential.
import { strict as assert } from "node:assert";
import { ManualClock, startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { DEMO, call, legacy, v1 } from "../helpers/emulator";

const API_KEY = "user-key-7f3a9c";
const APP_KEY = "app-key-51d0e2";
const RESTRICTED_KEY = "restricted-key-2b8e";
const CLIENT = { clientId: "ci-client", clientSecret: "s3cr3t+/=%value" };
const FINANCE_CLIENT = { clientId: "finance-client", clientSecret: "finance-secret-9q" };
const TABLES = v1(DEMO.pool, DEMO.model, "tables");

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

async function token(
  emu: Emulator,
  fields: Record<string, string>,
  basic?: { clientId: string; clientSecret: string },
): Promise<{ status: number; json: Record<string, unknown> | undefined; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  const auth = basic
    ? `Basic ${Buffer.from(`${encodeURIComponent(basic.clientId)}:${encodeURIComponent(basic.clientSecret)}`).toString("base64")}`
    : undefined;
  const r = await call(emu, "/oauth2/token", { method: "POST", auth, headers, body: form(fields) });
  return { status: r.status, json: r.json as Record<string, unknown> | undefined, text: r.text };
}

describe("emulator: authentication", function () {
  let emu: Emulator;
  const issued: string[] = [];
  const clock = new ManualClock();

  before(async () => {
    emu = await startEmulator({
      port: 0,
      loadMs: 50,
      apiKeys: [API_KEY, RESTRICTED_KEY],
      appKeys: [APP_KEY],
      oauthClients: [CLIENT, FINANCE_CLIENT],
      tokenLifetimeSeconds: 1,
      clock,
      poolAccess: { [RESTRICTED_KEY]: [DEMO.financePool], [FINANCE_CLIENT.clientId]: [DEMO.financePool] },
    });
  });
  after(() => emu.stop());

  it("accepts a user API key as Bearer and an application key as AppKey", async () => {
    const a = await call(emu, TABLES, { auth: `Bearer ${API_KEY}` });
    assert.equal(a.status, 200);
    const b = await call(emu, TABLES, { auth: `AppKey ${APP_KEY}` });
    assert.equal(b.status, 200);
    const kinds = emu
      .requests()
      .slice(-2)
      .map((e) => e.auth);
    assert.deepEqual(kinds, ["bearer", "appkey"]);
  });

  it("401 with a plain string body: missing header, unknown key, wrong scheme, other schemes", async () => {
    const cases: [string | undefined, string][] = [
      [undefined, "none"],
      ["Bearer not-a-key", "invalid"],
      [`Bearer ${APP_KEY}`, "invalid"], // application key sent as Bearer
      [`AppKey ${API_KEY}`, "invalid"], // user API key sent as AppKey
      [`Basic ${Buffer.from("a:b").toString("base64")}`, "invalid"],
      ["Bearer", "invalid"],
    ];
    for (const [auth, kind] of cases) {
      const r = await call(emu, TABLES, { auth });
      assert.equal(r.status, 401, String(auth));
      assert.match(r.headers.get("content-type") ?? "", /text\/plain/);
      assert.ok(r.text.length > 0 && r.json === undefined);
      assert.equal(emu.requests().at(-1)?.auth, kind);
    }
    const trigger = await call(emu, v1(DEMO.pool, DEMO.model, "load"), {
      method: "POST",
      auth: "Bearer nope",
    });
    assert.equal(trigger.status, 401);
    assert.equal(emu.loads(DEMO.model).length, 1, "an unauthenticated trigger starts nothing");
  });

  it("OAuth: client credentials by HTTP Basic or form fields; the token works as Bearer", async () => {
    const basic = await token(
      emu,
      { grant_type: "client_credentials", scope: "integration.data-pools" },
      CLIENT,
    );
    assert.equal(basic.status, 200);
    assert.deepEqual(Object.keys(basic.json ?? {}).sort(), [
      "access_token",
      "expires_in",
      "scope",
      "token_type",
    ]);
    assert.equal(basic.json?.token_type, "Bearer");
    assert.equal(basic.json?.scope, "integration.data-pools");
    assert.equal(basic.json?.expires_in, 1);
    assert.equal(emu.requests().at(-1)?.auth, "basic");
    const viaForm = await token(emu, {
      grant_type: "client_credentials",
      scope: "integration.data-pools studio",
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    assert.equal(viaForm.status, 200);
    assert.equal(viaForm.json?.scope, "integration.data-pools studio");
    assert.equal(emu.requests().at(-1)?.auth, "form");
    const t1 = basic.json?.access_token as string;
    const t2 = viaForm.json?.access_token as string;
    issued.push(t1, t2);
    assert.notEqual(t1, t2);
    const r = await call(emu, TABLES, { auth: `Bearer ${t1}` });
    assert.equal(r.status, 200);
    assert.equal(emu.requests().at(-1)?.auth, "oauth");
    const wrongScheme = await call(emu, TABLES, { auth: `AppKey ${t1}` });
    assert.equal(wrongScheme.status, 401);
  });

  it("OAuth errors: bad client → 401 invalid_client, unknown scope → 400 invalid_scope, bad grant → 400", async () => {
    const bad = await token(
      emu,
      { grant_type: "client_credentials", scope: "integration.data-pools" },
      {
        clientId: CLIENT.clientId,
        clientSecret: "wrong",
      },
    );
    assert.equal(bad.status, 401);
    assert.equal(bad.json?.error, "invalid_client");
    assert.equal(emu.requests().at(-1)?.auth, "invalid");
    const unknownClient = await token(emu, {
      grant_type: "client_credentials",
      client_id: "who",
      client_secret: "x",
    });
    assert.equal(unknownClient.status, 401);
    const none = await token(emu, { grant_type: "client_credentials" });
    assert.equal(none.status, 401);
    assert.equal(none.json?.error, "invalid_client");
    const scope = await token(
      emu,
      { grant_type: "client_credentials", scope: "integration.data-pools bogus.scope" },
      CLIENT,
    );
    assert.equal(scope.status, 400);
    assert.equal(scope.json?.error, "invalid_scope");
    const grant = await token(emu, { grant_type: "password", scope: "integration.data-pools" }, CLIENT);
    assert.equal(grant.status, 400);
    assert.equal(grant.json?.error, "unsupported_grant_type");
    const get = await call(emu, "/oauth2/token");
    assert.equal(get.status, 405);
  });

  it("a token without integration.data-pools gets 403 on data calls", async () => {
    const t = await token(emu, { grant_type: "client_credentials", scope: "studio" }, CLIENT);
    assert.equal(t.status, 200);
    issued.push(t.json?.access_token as string);
    const r = await call(emu, TABLES, { auth: `Bearer ${t.json?.access_token as string}` });
    assert.equal(r.status, 403);
    assert.equal(r.text, "");
  });

  it("tokens expire after tokenLifetimeSeconds, and expireTokens() ends them at once → 401", async () => {
    const t = await token(emu, { grant_type: "client_credentials", scope: "integration.data-pools" }, CLIENT);
    const access = t.json?.access_token as string;
    issued.push(access);
    clock.advance(999);
    assert.equal(
      (await call(emu, TABLES, { auth: `Bearer ${access}` })).status,
      200,
      "valid until its lifetime ends",
    );
    clock.advance(1);
    const expired = await call(emu, TABLES, { auth: `Bearer ${access}` });
    assert.equal(expired.status, 401);
    assert.equal(emu.requests().at(-1)?.auth, "invalid");

    const t2 = await token(
      emu,
      { grant_type: "client_credentials", scope: "integration.data-pools" },
      CLIENT,
    );
    const access2 = t2.json?.access_token as string;
    issued.push(access2);
    assert.equal((await call(emu, TABLES, { auth: `Bearer ${access2}` })).status, 200);
    emu.expireTokens();
    assert.equal((await call(emu, TABLES, { auth: `Bearer ${access2}` })).status, 401);

    const t3 = await token(
      emu,
      { grant_type: "client_credentials", scope: "integration.data-pools" },
      CLIENT,
    );
    const access3 = t3.json?.access_token as string;
    issued.push(access3);
    const ctl = await call(emu, "/_emulator/tokens/expire", { method: "POST" });
    assert.equal(ctl.status, 204);
    assert.equal((await call(emu, TABLES, { auth: `Bearer ${access3}` })).status, 401);
    assert.equal((await call(emu, TABLES, { auth: `Bearer ${API_KEY}` })).status, 200, "keys do not expire");
  });

  it("poolAccess: a key or client without permission on a pool → 403 with no body", async () => {
    const restricted = `Bearer ${RESTRICTED_KEY}`;
    for (const [method, path] of [
      ["GET", TABLES],
      ["POST", v1(DEMO.pool, DEMO.model, "load")],
      ["GET", legacy(DEMO.pool, DEMO.model, "load-history/load-info-sync")],
      ["GET", `/integration/api/pools/${DEMO.pool}/data-models`],
    ] as const) {
      const r = await call(emu, path, { method, auth: restricted });
      assert.equal(r.status, 403, path);
      assert.equal(r.text, "", path);
      assert.equal(r.headers.get("content-type"), null);
    }
    assert.equal(emu.loads(DEMO.model).length, 1, "the forbidden trigger started nothing");
    const ok = await call(emu, legacy(DEMO.financePool, DEMO.apModel, "load-history/load-info-sync"), {
      auth: restricted,
    });
    assert.equal(ok.status, 200);
    const pools = await call(emu, "/integration/api/pools", { auth: restricted });
    assert.deepEqual(
      (pools.json as { id: string }[]).map((p) => p.id),
      [DEMO.financePool],
      "the pool list shows only permitted pools",
    );
    const unknownPool = await call(emu, v1("no-pool", DEMO.model, "tables"), { auth: restricted });
    assert.equal(unknownPool.status, 404);

    const t = await token(
      emu,
      { grant_type: "client_credentials", scope: "integration.data-pools" },
      FINANCE_CLIENT,
    );
    const access = t.json?.access_token as string;
    issued.push(access);
    assert.equal((await call(emu, TABLES, { auth: `Bearer ${access}` })).status, 403);
    assert.equal(
      (await call(emu, v1(DEMO.financePool, DEMO.apModel, "tables"), { auth: `Bearer ${access}` })).status,
      200,
    );
  });

  it("the request log never contains a credential (keys, secrets, tokens, Basic blobs)", async () => {
    // A client that puts its secret in the query string still must not leak it into the log.
    await call(emu, `/oauth2/token?client_secret=${encodeURIComponent(CLIENT.clientSecret)}&x=1`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form({ grant_type: "client_credentials" }),
    });
    assert.deepEqual(emu.requests().at(-1)?.query, { client_secret: "[redacted]", x: "1" });
    const ctl = await call(emu, "/_emulator/requests");
    const texts = [JSON.stringify(emu.requests()), ctl.text];
    const secrets = [
      API_KEY,
      APP_KEY,
      RESTRICTED_KEY,
      CLIENT.clientSecret,
      encodeURIComponent(CLIENT.clientSecret),
      FINANCE_CLIENT.clientSecret,
      Buffer.from(`${CLIENT.clientId}:${encodeURIComponent(CLIENT.clientSecret)}`).toString("base64"),
      ...issued,
    ];
    assert.ok(issued.length >= 5);
    assert.ok(emu.requests().length > 30);
    for (const text of texts)
      for (const s of secrets) assert.ok(!text.includes(s), `log leaks ${s.slice(0, 4)}…`);
  });
});

describe("emulator: default credentials", function () {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ port: 0, loadMs: 50 });
  });
  after(() => emu.stop());

  it("with no keys configured, the demo API key, app key and OAuth client work", async () => {
    assert.equal((await call(emu, TABLES, { auth: `Bearer ${DEMO.apiKey}` })).status, 200);
    assert.equal((await call(emu, TABLES, { auth: `AppKey ${DEMO.appKey}` })).status, 200);
    const t = await token(
      emu,
      { grant_type: "client_credentials", scope: "integration.data-pools" },
      {
        clientId: DEMO.clientId,
        clientSecret: DEMO.clientSecret,
      },
    );
    assert.equal(t.status, 200);
    assert.equal(t.json?.expires_in, 899);
    assert.equal((await call(emu, TABLES, { auth: `Bearer ${t.json?.access_token as string}` })).status, 200);
  });

  it("configuring any key replaces all demo credentials", async () => {
    const only = await startEmulator({ port: 0, apiKeys: ["k"] });
    try {
      assert.equal((await call(only, TABLES, { auth: "Bearer k" })).status, 200);
      assert.equal((await call(only, TABLES, { auth: `Bearer ${DEMO.apiKey}` })).status, 401);
      assert.equal((await call(only, TABLES, { auth: `AppKey ${DEMO.appKey}` })).status, 401);
    } finally {
      await only.stop();
    }
  });
});
