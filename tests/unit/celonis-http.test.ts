// Base URL policy of the Celonis client: https anywhere, plain http only to loopback hosts.
import { strict as assert } from "node:assert";
import { checkBaseUrl, isLoopbackHost } from "../../provider/celonis/http";
import { CelonisError } from "../../provider/celonis/errors";

describe("celonis http: loopback check", () => {
  const table: [string, boolean][] = [
    ["localhost", true],
    ["LOCALHOST", true],
    ["app.localhost", true],
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["[::1]", true],
    ["::1", true],
    ["[::ffff:7f00:1]", true],
    ["128.0.0.1", false],
    ["10.0.0.1", false],
    ["192.168.1.1", false],
    ["127.0.0.1.evil.com", false],
    ["localhost.evil.com", false],
    ["127.0.0.256", false],
    ["team.eu-1.celonis.cloud", false],
    ["[::2]", false],
  ];
  for (const [host, loopback] of table) {
    it(`${host} → ${loopback}`, () => assert.equal(isLoopbackHost(host), loopback));
  }
});

describe("celonis http: checkBaseUrl", () => {
  it("accepts https and strips trailing slashes", () => {
    assert.equal(checkBaseUrl("https://team.eu-1.celonis.cloud/"), "https://team.eu-1.celonis.cloud");
  });
  it("accepts http to loopback with a port", () => {
    assert.equal(checkBaseUrl("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    assert.equal(checkBaseUrl("http://localhost:1/"), "http://localhost:1");
    assert.equal(checkBaseUrl("http://[::1]:9"), "http://[::1]:9");
  });
  it("refuses http to any other host, naming only the host", () => {
    assert.throws(
      () => checkBaseUrl("http://team.eu-1.celonis.cloud/some/path?token=abc"),
      (e: unknown) =>
        e instanceof CelonisError &&
        /Refusing plain http:\/\/ to host "team\.eu-1\.celonis\.cloud"/.test(e.message) &&
        !e.message.includes("token=abc") &&
        !e.message.includes("/some/path"),
    );
  });
  it("refuses userinfo without echoing it", () => {
    assert.throws(
      () => checkBaseUrl("https://user:pa55word@team.celonis.cloud"),
      (e: unknown) =>
        e instanceof CelonisError &&
        !e.message.includes("pa55word") &&
        /team\.celonis\.cloud/.test(e.message),
    );
  });
  it("refuses other schemes and garbage", () => {
    assert.throws(() => checkBaseUrl("ftp://localhost"), /must use https/);
    assert.throws(
      () => checkBaseUrl("not a url secret123"),
      (e: unknown) => e instanceof CelonisError && !e.message.includes("secret123"),
    );
  });
});
