// Connection settings: stack config first, pycelonis env names as fallback, errors that name the keys
// to set and never echo a credential.

import assert from "node:assert/strict";
import { ConfigError, readConnection } from "../../provider/config";

const get = (cfg: Record<string, string>) => (k: string) => cfg[k];

describe("config: reading the connection", () => {
  it("API key from stack config, bearer by default", () => {
    const c = readConnection(
      get({ "celonis:url": "https://t.eu-1.celonis.cloud/", "celonis:apiToken": "tok" }),
      {},
    );
    assert.deepEqual(c, { url: "https://t.eu-1.celonis.cloud", auth: { kind: "bearer", token: "tok" } });
  });

  it("application key by keyType, pycelonis spelling too", () => {
    const c = readConnection(
      get({ "celonis:url": "https://t.x", "celonis:apiToken": "k", "celonis:keyType": "appkey" }),
      {},
    );
    assert.equal(c.auth.kind, "appkey");
    const e = readConnection(() => undefined, {
      CELONIS_URL: "https://t.x",
      CELONIS_API_TOKEN: "k",
      CELONIS_KEY_TYPE: "APP_KEY",
    });
    assert.equal(e.auth.kind, "appkey");
    const u = readConnection(() => undefined, {
      CELONIS_URL: "https://t.x",
      CELONIS_API_TOKEN: "k",
      CELONIS_KEY_TYPE: "USER_KEY",
    });
    assert.equal(u.auth.kind, "bearer");
  });

  it("OAuth client from config or env, default scope", () => {
    const c = readConnection(
      get({ "celonis:url": "https://t.x", "celonis:clientId": "id", "celonis:clientSecret": "sec" }),
      {},
    );
    assert.deepEqual(c.auth, {
      kind: "oauth",
      clientId: "id",
      clientSecret: "sec",
      scope: "integration.data-pools",
    });
    const e = readConnection(() => undefined, {
      CELONIS_URL: "https://t.x",
      OAUTH_CLIENT_ID: "i",
      OAUTH_CLIENT_SECRET: "s",
      OAUTH_SCOPES: "a b",
    });
    assert.deepEqual(e.auth, { kind: "oauth", clientId: "i", clientSecret: "s", scope: "a b" });
  });

  it("stack config wins over the environment", () => {
    const c = readConnection(get({ "celonis:url": "https://config.x", "celonis:apiToken": "k" }), {
      CELONIS_URL: "https://env.x",
    });
    assert.equal(c.url, "https://config.x");
  });

  it("stack config wins for the credential as a whole: an OAuth client in the env never overrides an API token in config", () => {
    const env = {
      OAUTH_CLIENT_ID: "env-id",
      OAUTH_CLIENT_SECRET: "env-secret",
      CELONIS_API_TOKEN: "env-tok",
    };
    const c = readConnection(get({ "celonis:url": "https://t.x", "celonis:apiToken": "cfg-tok" }), env);
    assert.deepEqual(c.auth, { kind: "bearer", token: "cfg-tok" });
    // keyType comes with the token's source: the env's key type does not apply to a config token
    const typed = readConnection(get({ "celonis:url": "https://t.x", "celonis:apiToken": "k" }), {
      CELONIS_KEY_TYPE: "APP_KEY",
    });
    assert.equal(typed.auth.kind, "bearer");
    // with no credential in config, the environment's is used whole (URL from config is fine)
    const e = readConnection(get({ "celonis:url": "https://t.x" }), env);
    assert.deepEqual(e.auth, {
      kind: "oauth",
      clientId: "env-id",
      clientSecret: "env-secret",
      scope: "integration.data-pools",
    });
    // an OAuth id in config without its secret is an error even if the env has one
    assert.throws(
      () => readConnection(get({ "celonis:url": "https://t.x", "celonis:clientId": "cfg-id" }), env),
      /client secret missing: the OAuth client id is set in stack config/,
    );
  });

  it("a URL whose scheme would not do is refused when read, naming celonis:url and the host only", () => {
    const bad: [string, RegExp][] = [
      ["ftp://x.celonis.cloud", /must use https:\/\/ \(got ftp\)/],
      ["http://example.com", /Refusing plain http:\/\/ to host "example\.com"/],
    ];
    for (const [url, reason] of bad) {
      assert.throws(
        () => readConnection(get({ "celonis:url": url, "celonis:apiToken": "k" }), {}),
        (e: Error) => e instanceof ConfigError && /celonis:url/.test(e.message) && reason.test(e.message),
        url,
      );
    }
    assert.equal(
      readConnection(get({ "celonis:url": "http://127.0.0.1:8080", "celonis:apiToken": "k" }), {}).url,
      "http://127.0.0.1:8080",
      "plain http to a loopback host (the emulator) is fine",
    );
  });

  it("a URL with a path, user info, query or fragment is refused, naming what is wrong and never the rest", () => {
    const bad: [string, RegExp][] = [
      ["https://t.eu-1.celonis.cloud/integration", /a path \(\/integration\)/],
      ["https://user:p4ss-w0rd@t.eu-1.celonis.cloud", /a user name or password/],
      ["https://t.eu-1.celonis.cloud/?token=abc123", /a query string/],
      ["https://t.eu-1.celonis.cloud/#x", /a fragment/],
    ];
    for (const [url, reason] of bad) {
      assert.throws(
        () => readConnection(get({ "celonis:url": url, "celonis:apiToken": "k" }), {}),
        (e: Error) =>
          e instanceof ConfigError &&
          reason.test(e.message) &&
          /base URL only, e\.g\. https:\/\/t\.eu-1\.celonis\.cloud/.test(e.message) &&
          !e.message.includes("p4ss-w0rd") &&
          !e.message.includes("abc123"),
        url,
      );
    }
    assert.equal(
      readConnection(get({ "celonis:url": "https://t.eu-1.celonis.cloud/", "celonis:apiToken": "k" }), {})
        .url,
      "https://t.eu-1.celonis.cloud",
    );
  });

  it("requestTimeoutSeconds from config or env, checked", () => {
    const cfg = { "celonis:url": "https://t.x", "celonis:apiToken": "k" };
    assert.equal(readConnection(get(cfg), {}).requestTimeoutMs, undefined);
    assert.equal(
      readConnection(get({ ...cfg, "celonis:requestTimeoutSeconds": "5" }), {}).requestTimeoutMs,
      5000,
    );
    assert.equal(readConnection(get(cfg), { CELONIS_REQUEST_TIMEOUT_SECONDS: "2.5" }).requestTimeoutMs, 2500);
    assert.throws(
      () => readConnection(get({ ...cfg, "celonis:requestTimeoutSeconds": "0" }), {}),
      /requestTimeoutSeconds must be a number of seconds from 1 to 600, got "0"/,
    );
  });

  it("missing settings name the keys to set, and never the values", () => {
    assert.throws(
      () => readConnection(() => undefined, {}),
      (e: Error) =>
        e instanceof ConfigError && /celonis:url/.test(e.message) && /CELONIS_URL/.test(e.message),
    );
    assert.throws(
      () => readConnection(get({ "celonis:url": "https://t.x" }), {}),
      /celonis:apiToken.*celonis:clientId.*celonis:clientSecret.*CELONIS_API_TOKEN/,
    );
    assert.throws(
      () => readConnection(get({ "celonis:url": "https://t.x", "celonis:clientId": "id" }), {}),
      /celonis:clientSecret/,
    );
    assert.throws(
      () =>
        readConnection(
          get({
            "celonis:url": "https://t.x",
            "celonis:apiToken": "SECRET-TOKEN",
            "celonis:keyType": "weird",
          }),
          {},
        ),
      (e: Error) => /keyType/.test(e.message) && !e.message.includes("SECRET-TOKEN"),
    );
    assert.throws(
      () => readConnection(get({ "celonis:url": "not a url", "celonis:apiToken": "k" }), {}),
      /must be a URL/,
    );
  });
});
