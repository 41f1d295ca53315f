// OAuth token handling of the Celonis client, against an injected token transport (no HTTP):
// caching, refresh before expiry, one shared request for concurrent callers, Basic → form fallback.
import { strict as assert } from "node:assert";
import {
  Authenticator,
  refreshMarginMs,
  tokenNeedsRefresh,
  parseTokenBody,
  basicHeader,
  type TokenTransport,
} from "../../provider/celonis/auth";
import { CelonisError } from "../../provider/celonis/errors";

const oauth = {
  kind: "oauth" as const,
  clientId: "client-1",
  clientSecret: "very-secret-value",
  scope: "integration.data-pools",
};

function fakeTransport(opts: { acceptBasic?: boolean; expiresIn?: number; status?: number } = {}) {
  const calls: { form: Record<string, string>; basic: string | undefined }[] = [];
  let n = 0;
  const transport: TokenTransport = async (form, basic) => {
    calls.push({ form, basic });
    await new Promise((r) => setImmediate(r));
    if (opts.status)
      return {
        status: opts.status,
        body: JSON.stringify({
          error: "invalid_client",
          error_description: `bad ${form.client_secret ?? ""}`,
        }),
      };
    if (basic && opts.acceptBasic === false) return { status: 401, body: "" };
    n++;
    return {
      status: 200,
      body: JSON.stringify({
        access_token: `tok-${n}`,
        token_type: "Bearer",
        expires_in: opts.expiresIn ?? 899,
      }),
    };
  };
  return { transport, calls };
}

describe("celonis auth: pure rules", () => {
  it("refresh margin is 60 s or 10% of the lifetime, whichever is smaller", () => {
    assert.equal(refreshMarginMs(899_000), 60_000);
    assert.equal(refreshMarginMs(300_000), 30_000);
    assert.equal(refreshMarginMs(2_000), 200);
  });
  it("tokenNeedsRefresh", () => {
    const t = { accessToken: "x", obtainedAt: 0, expiresAt: 900_000 };
    assert.equal(tokenNeedsRefresh(null, 0), true);
    assert.equal(tokenNeedsRefresh(t, 839_999), false);
    assert.equal(tokenNeedsRefresh(t, 840_000), true);
  });
  it("parseTokenBody", () => {
    assert.deepEqual(parseTokenBody('{"access_token":"a","expires_in":10}', 5), {
      accessToken: "a",
      obtainedAt: 5,
      expiresAt: 10_005,
    });
    assert.equal(parseTokenBody('{"access_token":"a"}', 0)?.expiresAt, 899_000);
    assert.equal(parseTokenBody("nope", 0), null);
    assert.equal(parseTokenBody('{"token":"a"}', 0), null);
  });
  it("basicHeader url-encodes then base64-encodes", () => {
    assert.equal(basicHeader("a b", "c:d"), `Basic ${Buffer.from("a%20b:c%3Ad").toString("base64")}`);
  });
});

describe("celonis auth: Authenticator", () => {
  it("static keys", async () => {
    assert.equal(await new Authenticator({ kind: "bearer", token: "k" }).header(), "Bearer k");
    assert.equal(await new Authenticator({ kind: "appkey", token: "k" }).header(), "AppKey k");
    assert.equal(new Authenticator({ kind: "appkey", token: "k" }).canRefresh, false);
  });
  it("OAuth: Basic client auth, cached until close to expiry, then refreshed", async () => {
    let now = 1_000_000;
    const { transport, calls } = fakeTransport({ expiresIn: 100 });
    const a = new Authenticator(oauth, { transport, now: () => now });
    assert.equal(await a.header(), "Bearer tok-1");
    assert.equal(calls[0].basic, basicHeader(oauth.clientId, oauth.clientSecret));
    assert.deepEqual(calls[0].form, { grant_type: "client_credentials", scope: "integration.data-pools" });
    now += 89_000;
    assert.equal(await a.header(), "Bearer tok-1");
    now += 1_000; // 10 s left of 100 s: inside the 10% margin
    assert.equal(await a.header(), "Bearer tok-2");
    assert.equal(calls.length, 2);
  });
  it("concurrent callers share one token request", async () => {
    const { transport, calls } = fakeTransport();
    const a = new Authenticator(oauth, { transport });
    const headers = await Promise.all([a.header(), a.header(), a.header(), a.header()]);
    assert.deepEqual(new Set(headers), new Set(["Bearer tok-1"]));
    assert.equal(calls.length, 1);
  });
  it("invalidate drops the rejected token only", async () => {
    const { transport } = fakeTransport();
    const a = new Authenticator(oauth, { transport });
    const h1 = await a.header();
    a.invalidate("Bearer some-other-token");
    assert.equal(await a.header(), h1);
    a.invalidate(h1);
    assert.equal(await a.header(), "Bearer tok-2");
  });
  it("falls back to form credentials when Basic gets 401, and remembers it", async () => {
    const { transport, calls } = fakeTransport({ acceptBasic: false, expiresIn: 1 });
    let now = 0;
    const a = new Authenticator(oauth, { transport, now: () => now });
    assert.equal(await a.header(), "Bearer tok-1");
    assert.equal(calls.length, 2);
    assert.equal(calls[1].basic, undefined);
    assert.equal(calls[1].form.client_id, "client-1");
    assert.equal(calls[1].form.client_secret, oauth.clientSecret);
    now += 5_000;
    await a.header();
    assert.equal(calls.length, 3);
    assert.equal(calls[2].basic, undefined);
  });
  it("a rejected client is a CelonisError without the secret", async () => {
    const { transport } = fakeTransport({ status: 401 });
    const a = new Authenticator(oauth, { transport });
    await assert.rejects(a.header(), (e: unknown) => {
      assert.ok(e instanceof CelonisError);
      assert.equal(e.call, "get OAuth token");
      assert.equal(e.status, 401);
      assert.ok(!e.message.includes(oauth.clientSecret), e.message);
      assert.ok(!JSON.stringify(e).includes(oauth.clientSecret));
      return true;
    });
  });
});
