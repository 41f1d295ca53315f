// Named connections in stack config: each read by the unnamed connection's rules, no environment
// fallback, and messages that name the connection and key but never a credential.

import assert from "node:assert/strict";
import { ConfigError } from "../../provider/config";
import { connectionNames, readNamedConnections, selectConnection } from "../../provider/connections";

const TOKEN = "s3cr3t-token-value";
const SECRET = "oauth-client-s3cr3t";
const config =
  (connections: unknown, extra: Record<string, string> = {}) =>
  (key: string): string | undefined =>
    key === "celonis:connections"
      ? typeof connections === "string"
        ? connections
        : JSON.stringify(connections)
      : extra[key];

const ENV = {
  CELONIS_URL: "https://env.eu-1.celonis.cloud",
  CELONIS_API_TOKEN: "env-token",
  OAUTH_CLIENT_SECRET: "env-secret",
  CELONIS_KEY_TYPE: "APP_KEY",
};

describe("named connections", () => {
  it("reads each connection with the unnamed one's keys and rules", () => {
    const get = config({
      staging: { url: "https://staging.eu-1.celonis.cloud", apiToken: TOKEN, keyType: "appkey" },
      prod: {
        url: "https://prod.us-1.celonis.cloud/",
        clientId: "ci",
        clientSecret: SECRET,
        requestTimeoutSeconds: 45,
      },
    });
    assert.deepEqual(readNamedConnections(get), {
      staging: { url: "https://staging.eu-1.celonis.cloud", auth: { kind: "appkey", token: TOKEN } },
      prod: {
        url: "https://prod.us-1.celonis.cloud",
        auth: { kind: "oauth", clientId: "ci", clientSecret: SECRET, scope: "integration.data-pools" },
        requestTimeoutMs: 45_000,
      },
    });
    assert.deepEqual(connectionNames(get), ["prod", "staging"]);
  });

  it("none configured: an empty set", () => {
    assert.deepEqual(
      readNamedConnections(() => undefined),
      {},
    );
    assert.deepEqual(
      connectionNames(() => undefined),
      [],
    );
  });

  it("selects a named connection, or without a name the unnamed one (with its environment fallback)", () => {
    const get = config({ prod: { url: "https://prod.eu-1.celonis.cloud", apiToken: TOKEN } });
    assert.equal(selectConnection("prod", get, ENV).url, "https://prod.eu-1.celonis.cloud");
    assert.deepEqual(selectConnection(undefined, get, ENV), {
      url: "https://env.eu-1.celonis.cloud",
      auth: { kind: "appkey", token: "env-token" },
    });
  });

  const failures: [string, unknown, string, RegExp][] = [
    ["not an object", "[1,2]", "x", /^celonis:connections must be an object of named connections/],
    ["not JSON", "prod", "x", /^celonis:connections must be an object/],
    [
      "a connection not an object",
      { prod: "https://x" },
      "prod",
      /^celonis:connections\.prod must be an object with the keys url, apiToken/,
    ],
    [
      "an unknown key",
      { prod: { url: "https://p.celonis.cloud", token: TOKEN } },
      "prod",
      /^celonis:connections\.prod\.token is not a connection setting; valid keys: url, apiToken, keyType/,
    ],
    [
      "a key of the wrong type",
      { prod: { url: "https://p.celonis.cloud", apiToken: 42 } },
      "prod",
      /^celonis:connections\.prod\.apiToken must be a string, got number$/,
    ],
    [
      "no URL (no environment fallback)",
      { prod: { apiToken: TOKEN } },
      "prod",
      /^celonis:connections\.prod\.url is missing: set it with `pulumi config set --path 'celonis:connections\.prod\.url'/,
    ],
    [
      "no credential (no environment fallback)",
      { prod: { url: "https://p.celonis.cloud" } },
      "prod",
      /^celonis:connections\.prod has no credential: set `pulumi config set --path --secret 'celonis:connections\.prod\.apiToken'/,
    ],
    [
      "OAuth without its secret",
      { prod: { url: "https://p.celonis.cloud", clientId: "ci" } },
      "prod",
      /^OAuth client secret missing: .*`pulumi config set --secret celonis:connections\.prod\.clientSecret …`$/,
    ],
    [
      "a bad key type",
      { prod: { url: "https://p.celonis.cloud", apiToken: TOKEN, keyType: "magic" } },
      "prod",
      /^celonis:connections\.prod\.keyType must be "bearer" .* got "magic"$/,
    ],
    [
      "a URL with a path",
      { prod: { url: "https://p.celonis.cloud/integration", apiToken: TOKEN } },
      "prod",
      /^celonis:connections\.prod\.url must be the team's base URL only/,
    ],
    [
      "plain http to a remote host",
      { prod: { url: "http://p.celonis.cloud", apiToken: TOKEN } },
      "prod",
      /^celonis:connections\.prod\.url: /,
    ],
    [
      "a timeout out of range",
      { prod: { url: "https://p.celonis.cloud", apiToken: TOKEN, requestTimeoutSeconds: "0" } },
      "prod",
      /^celonis:connections\.prod\.requestTimeoutSeconds must be a number of seconds from 1 to 600/,
    ],
    [
      "a bad name",
      { "a b": { url: "https://p.celonis.cloud", apiToken: TOKEN } },
      "a b",
      /^celonis:connections\.a b: a connection name is letters, digits/,
    ],
    [
      "an unknown name lists the configured ones",
      { staging: {}, prod: {} },
      "qa",
      /^connection "qa" is not configured: configured connections are "prod", "staging"/,
    ],
    [
      "an unknown name, none configured",
      undefined,
      "qa",
      /^connection "qa" is not configured: celonis:connections is not set/,
    ],
  ];
  for (const [name, raw, pick, message] of failures) {
    it(`fails naming the connection and key: ${name}`, () => {
      const get = raw === undefined ? () => undefined : config(raw);
      assert.throws(
        () => selectConnection(pick, get, ENV),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.match(e.message, message);
          for (const secret of [TOKEN, SECRET, "env-token", "env-secret"])
            assert.ok(!e.message.includes(secret));
          assert.doesNotMatch(e.message, /CELONIS_|OAUTH_|environment/);
          return true;
        },
      );
    });
  }
});
