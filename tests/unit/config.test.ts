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
