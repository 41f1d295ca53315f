// Error messages of the Celonis client: what they say, and that they never carry a credential.
import { strict as assert } from "node:assert";
import util from "node:util";
import fc from "fast-check";
import {
  CelonisError,
  TriggerError,
  redact,
  errorFromResponse,
  isLoadAlreadyRunning,
  formatCelonisMessage,
} from "../../provider/celonis/errors";

const SECRET = "s3cr3t-api-key-value";

function everyView(err: Error): string {
  return [
    err.message,
    err.stack ?? "",
    JSON.stringify(err),
    util.inspect(err, { depth: 10 }),
    String(err),
  ].join("\n");
}

describe("celonis errors: redact", () => {
  it("removes every occurrence of each secret", () => {
    assert.equal(redact(`a ${SECRET} b ${SECRET}`, [SECRET]), "a [REDACTED] b [REDACTED]");
  });
  it("removes Authorization-shaped values even for unknown secrets", () => {
    assert.equal(redact("Authorization: Bearer abc.def-ghi", []), "Authorization: Bearer [REDACTED]");
    assert.equal(redact("AppKey XYZ123==", []), "AppKey [REDACTED]");
    assert.equal(redact("basic dXNlcjpwYXNz", []), "basic [REDACTED]");
  });
  it("removes token-shaped JSON and form fields", () => {
    assert.equal(redact('{"access_token":"eyJabc","x":1}', []), '{"access_token":"[REDACTED]","x":1}');
    assert.equal(redact("client_secret=hunter22&scope=a", []), "client_secret=[REDACTED]&scope=a");
  });
  it("a longer secret containing a shorter one is removed whole", () => {
    assert.equal(redact("xx abcdef123 yy", ["abcd", "abcdef123"]), "xx [REDACTED] yy");
  });
  it("leaves ordinary text alone and ignores very short secrets", () => {
    assert.equal(redact("HTTP 404 not found", ["a", ""]), "HTTP 404 not found");
  });
  it("property: the secret never survives, wherever it is embedded", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.stringMatching(/^[A-Za-z0-9_.~-]{4,40}$/), (a, b, secret) => {
        return !redact(a + secret + b + secret, [secret]).includes(secret);
      }),
    );
  });
});

describe("celonis errors: CelonisError", () => {
  it("formats call, data model, status, key and message", () => {
    const e = new CelonisError({
      call: "trigger partial load",
      dataModelId: "7f00",
      status: 400,
      frontendErrorKey: "DATA_MODEL_LOAD_ALREADY_RUNNING",
      celonisMessage: "A load is already running",
      retryable: false,
    });
    assert.equal(
      e.message,
      "Celonis trigger partial load for data model 7f00: HTTP 400 DATA_MODEL_LOAD_ALREADY_RUNNING: A load is already running",
    );
    assert.equal(e.name, "CelonisError");
    assert.ok(isLoadAlreadyRunning(e));
  });
  it("network failure without status", () => {
    assert.equal(
      formatCelonisMessage({
        call: "get last load",
        dataModelId: "m",
        code: "ECONNRESET",
        celonisMessage: "connection reset",
        retryable: true,
      }),
      "Celonis get last load for data model m: no answer (ECONNRESET): connection reset",
    );
  });
  it("redacts secrets from every field and every view of the error", () => {
    const e = new CelonisError(
      {
        call: "list tables",
        dataModelId: "m",
        status: 500,
        celonisMessage: `echo Bearer ${SECRET} and ${SECRET}`,
        retryable: false,
      },
      [SECRET],
    );
    assert.ok(!everyView(e).includes(SECRET), everyView(e));
  });
});

describe("celonis errors: errorFromResponse", () => {
  const ctx = { call: "trigger complete load", poolId: "pool-1", dataModelId: "dm-1" };
  it("400 with frontendErrorKey and errorInformation", () => {
    const e = errorFromResponse(ctx, {
      status: 400,
      body: JSON.stringify({
        frontendErrorKey: "DATA_MODEL_LOAD_ALREADY_RUNNING",
        errorInformation: { message: "busy" },
      }),
    });
    assert.equal(e.frontendErrorKey, "DATA_MODEL_LOAD_ALREADY_RUNNING");
    assert.equal(e.celonisMessage, "busy");
    assert.equal(e.status, 400);
    assert.equal(e.retryable, false);
    assert.ok(isLoadAlreadyRunning(e));
  });
  it("400 with an errorInformation object without message is shown as JSON", () => {
    const e = errorFromResponse(ctx, {
      status: 400,
      body: JSON.stringify({ frontendErrorKey: "X", errorInformation: { tableIds: ["t9"] } }),
    });
    assert.equal(e.celonisMessage, '{"tableIds":["t9"]}');
    assert.ok(!isLoadAlreadyRunning(e));
  });
  it("500 with reference, message, shortMessage", () => {
    const e = errorFromResponse(ctx, {
      status: 500,
      body: JSON.stringify({ reference: "ref-9", message: "Internal", shortMessage: "oops" }),
    });
    assert.equal(e.reference, "ref-9");
    assert.match(e.message, /HTTP 500: Internal \(reference ref-9\)/);
    assert.equal(e.retryable, false);
  });
  it("a 500 to a GET (a read) is retryable, to a POST or an unknown method it is not", () => {
    const body = JSON.stringify({ reference: "ref-9", message: "Internal" });
    assert.equal(errorFromResponse(ctx, { status: 500, body, method: "GET" }).retryable, true);
    assert.equal(errorFromResponse(ctx, { status: 500, body, method: "POST" }).retryable, false);
    assert.equal(errorFromResponse(ctx, { status: 500, body }).retryable, false);
  });
  it("404 and 429 plain strings", () => {
    assert.match(
      errorFromResponse(ctx, { status: 404, body: "Data model not found" }).message,
      /HTTP 404: Data model not found$/,
    );
    const r = errorFromResponse(ctx, { status: 429, body: "Too many requests" });
    assert.equal(r.retryable, true);
    assert.match(r.message, /HTTP 429: Too many requests/);
  });
  it("403 without body explains the permission", () => {
    const e = errorFromResponse(ctx, { status: 403, body: "" });
    assert.match(
      e.message,
      /permission denied: the API key or OAuth client needs Edit permission on data pool pool-1/,
    );
  });
  it("401 hints at the key type", () => {
    assert.match(errorFromResponse(ctx, { status: 401, body: "" }).message, /AppKey/);
  });
  it("an HTML error page is not pasted into the message", () => {
    const e = errorFromResponse(ctx, { status: 502, body: "<html><body>Bad Gateway</body></html>" });
    assert.equal(e.celonisMessage, undefined);
    assert.equal(e.retryable, true);
  });
  it("a body echoing the credential is redacted", () => {
    const e = errorFromResponse(
      ctx,
      {
        status: 400,
        body: JSON.stringify({ frontendErrorKey: "K", errorInformation: `bad token ${SECRET}` }),
      },
      [SECRET],
    );
    assert.ok(!everyView(e).includes(SECRET));
  });
});

describe("celonis errors: TriggerError", () => {
  const ctx = { call: "trigger complete load", poolId: "pool-1", dataModelId: "dm-1" };
  it("keeps every field of its cause, the support reference and Celonis's message included", () => {
    const cause = errorFromResponse(ctx, {
      status: 500,
      body: JSON.stringify({ reference: "ref-9", message: "Internal" }),
    });
    const e = new TriggerError(cause, true, "not triggering again", 1234);
    assert.equal(e.reference, "ref-9");
    assert.equal(e.celonisMessage, "Internal");
    assert.deepEqual(
      [e.call, e.poolId, e.dataModelId, e.status, e.retryable, e.maybeStarted, e.visibleBy],
      ["trigger complete load", "pool-1", "dm-1", 500, false, true, 1234],
    );
    assert.equal(e.message, `${cause.message}; not triggering again`);
    const busy = new TriggerError(
      errorFromResponse(ctx, { status: 400, body: JSON.stringify({ frontendErrorKey: "K" }) }),
      false,
    );
    assert.equal(busy.frontendErrorKey, "K");
    const lost = new TriggerError(new CelonisError({ ...ctx, code: "ECONNRESET", retryable: true }), true);
    assert.equal(lost.code, "ECONNRESET");
  });
});
