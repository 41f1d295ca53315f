// Retry policy of the Celonis client: which failures are retried and how long each wait is.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  classifyFailure,
  retryDelayMs,
  serverRequestedDelayMs,
  headerValue,
} from "../../provider/celonis/retry";

describe("celonis retry: classifyFailure", () => {
  const cases: [string, Parameters<typeof classifyFailure>[0], boolean][] = [
    ["429", { status: 429 }, true],
    ["502", { status: 502 }, true],
    ["503", { status: 503 }, true],
    ["504", { status: 504 }, true],
    ["500 is a real error", { status: 500 }, false],
    ["400", { status: 400 }, false],
    ["401", { status: 401 }, false],
    ["403", { status: 403 }, false],
    ["404", { status: 404 }, false],
    ["ECONNRESET", { code: "ECONNRESET" }, true],
    ["ECONNREFUSED", { code: "ECONNREFUSED" }, true],
    ["ETIMEDOUT", { code: "ETIMEDOUT" }, true],
    ["axios timeout ECONNABORTED", { code: "ECONNABORTED", message: "timeout of 50ms exceeded" }, true],
    ["EPIPE", { code: "EPIPE" }, true],
    ["socket hang up without code", { message: "socket hang up" }, true],
    ["ENOTFOUND", { code: "ENOTFOUND" }, false],
    ["unknown network error", { message: "boom" }, false],
    ["an untrusted CA (gateway sends the leaf)", { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }, false],
    ["an untrusted CA (gateway sends its root)", { code: "SELF_SIGNED_CERT_IN_CHAIN" }, false],
    ["a certificate for another host", { code: "ERR_TLS_CERT_ALTNAME_INVALID" }, false],
    ["an expired certificate", { code: "CERT_HAS_EXPIRED" }, false],
  ];
  for (const [name, input, retryable] of cases) {
    it(`${name} → ${retryable ? "retry" : "no retry"}`, () => {
      const c = classifyFailure(input);
      assert.equal(c.retryable, retryable);
      assert.ok(c.reason.length > 0);
    });
  }
});

describe("celonis retry: TLS failures say what to do", () => {
  const cases: [string, RegExp][] = [
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", /not trusted[\s\S]*NODE_EXTRA_CA_CERTS/],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", /not trusted[\s\S]*NODE_EXTRA_CA_CERTS/],
    ["SELF_SIGNED_CERT_IN_CHAIN", /not trusted[\s\S]*NODE_EXTRA_CA_CERTS/],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", /not trusted[\s\S]*NODE_EXTRA_CA_CERTS/],
    ["ERR_TLS_CERT_ALTNAME_INVALID", /another host name[\s\S]*celonis:url/],
    ["CERT_NOT_YET_VALID", /validity period[\s\S]*clock/],
  ];
  for (const [code, expected] of cases) {
    it(`${code}: ${String(expected)}`, () => {
      const c = classifyFailure({ code });
      assert.equal(c.retryable, false);
      assert.match(c.reason, expected);
      assert.match(c.reason, new RegExp(code));
    });
  }
  it("a connection failure is not called a TLS problem", () => {
    assert.doesNotMatch(classifyFailure({ code: "ECONNREFUSED" }).reason, /TLS/);
  });
});

describe("celonis retry: server-requested delay", () => {
  const now = Date.parse("2024-06-01T12:00:00Z");
  it("reads x-ratelimit-reset as seconds from now", () => {
    assert.equal(serverRequestedDelayMs({ "x-ratelimit-reset": "3" }, now), 3000);
  });
  it("reads x-ratelimit-reset that looks like an epoch second", () => {
    assert.equal(serverRequestedDelayMs({ "x-ratelimit-reset": String(now / 1000 + 4) }, now), 4000);
  });
  it("reads Retry-After seconds, case-insensitively", () => {
    assert.equal(serverRequestedDelayMs({ "Retry-After": "2" }, now), 2000);
  });
  it("reads Retry-After as an HTTP date", () => {
    assert.equal(serverRequestedDelayMs({ "retry-after": new Date(now + 5000).toUTCString() }, now), 5000);
  });
  it("a date in the past means no wait", () => {
    assert.equal(serverRequestedDelayMs({ "retry-after": new Date(now - 5000).toUTCString() }, now), 0);
  });
  it("takes the longer of the two", () => {
    assert.equal(serverRequestedDelayMs({ "retry-after": "1", "x-ratelimit-reset": "7" }, now), 7000);
  });
  it("ignores garbage and absence", () => {
    assert.equal(serverRequestedDelayMs({ "retry-after": "soon" }, now), undefined);
    assert.equal(serverRequestedDelayMs({}, now), undefined);
    assert.equal(serverRequestedDelayMs(undefined, now), undefined);
  });
  it("headerValue takes the first of an array", () => {
    assert.equal(headerValue({ "Retry-After": ["3", "4"] }, "retry-after"), "3");
  });
});

describe("celonis retry: retryDelayMs", () => {
  const opts = { baseMs: 100, maxMs: 2000 };
  it("full jitter: random 0 gives 0, random near 1 gives the ceiling", () => {
    assert.equal(
      retryDelayMs(1, opts, undefined, () => 0),
      0,
    );
    assert.equal(
      retryDelayMs(1, opts, undefined, () => 0.9999999),
      99,
    );
    assert.equal(
      retryDelayMs(3, opts, undefined, () => 0.9999999),
      399,
    );
  });
  it("is capped by maxMs however many attempts", () => {
    assert.ok(retryDelayMs(50, opts, undefined, () => 0.9999999) < 2000);
  });
  it("honours x-ratelimit-reset over backoff, with a little jitter", () => {
    const d = retryDelayMs(1, opts, { "x-ratelimit-reset": "2" }, () => 0.5);
    assert.ok(d >= 2000 && d < 2100, String(d));
  });
  it("caps a server-requested wait at maxHeaderMs", () => {
    const d = retryDelayMs(1, { ...opts, maxHeaderMs: 5000 }, { "retry-after": "3600" }, () => 0);
    assert.equal(d, 5000);
  });
  it("property: within [0, min(maxMs, base·2^(n-1))) without headers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 60000 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (attempt, baseMs, maxMs, r) => {
          const d = retryDelayMs(attempt, { baseMs, maxMs }, undefined, () => r);
          const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
          return Number.isInteger(d) && d >= 0 && d <= ceiling && d <= maxMs;
        },
      ),
    );
  });
  it("property: a server-requested wait is never shortened below what was asked (up to the cap)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (secs, r) => {
          const d = retryDelayMs(
            1,
            { baseMs: 200, maxMs: 1000 },
            { "x-ratelimit-reset": String(secs) },
            () => r,
          );
          const asked = Math.min(secs * 1000, 60000);
          return d >= asked && d < asked + 200;
        },
      ),
    );
  });
});
