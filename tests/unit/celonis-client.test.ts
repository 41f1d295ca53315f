// The pure parts of the Celonis client: what each trigger kind sends and what it is called in messages.
import { strict as assert } from "node:assert";
import { triggerRequest, triggerCallName } from "../../provider/celonis/client";
import { CelonisClient } from "../../provider/celonis";

describe("celonis client: trigger requests", () => {
  const base = "/integration/api/v1/data-pools/p%2F1/data-models/m%201";
  it("complete: POST …/load?fullReload=true, no body", () => {
    assert.deepEqual(triggerRequest("p/1", "m 1", { kind: "COMPLETE" }), {
      path: `${base}/load`,
      query: { fullReload: "true" },
    });
    assert.equal(triggerCallName({ kind: "COMPLETE" }), "trigger complete load");
  });
  it("from cache: POST …/load?fullReload=false", () => {
    assert.deepEqual(triggerRequest("p/1", "m 1", { kind: "FROM_CACHE" }).query, { fullReload: "false" });
    assert.equal(triggerCallName({ kind: "FROM_CACHE" }), "trigger load from cache");
  });
  it("partial: POST …/load/partial-sync?fullReload=true with the table ids", () => {
    assert.deepEqual(triggerRequest("p/1", "m 1", { kind: "PARTIAL", tableIds: ["a", "b"] }), {
      path: `${base}/load/partial-sync`,
      query: { fullReload: "true" },
      json: ["a", "b"],
    });
    assert.equal(triggerCallName({ kind: "PARTIAL", tableIds: ["a"] }), "trigger partial load");
  });
  it("the constructor refuses plain http to a remote host", () => {
    assert.throws(
      () =>
        new CelonisClient({
          url: "http://team.eu-1.celonis.cloud",
          auth: { kind: "bearer", token: "t0ken-xyz" },
        }),
      /Refusing plain http:\/\/ to host "team\.eu-1\.celonis\.cloud"/,
    );
    const c = new CelonisClient({ url: "http://127.0.0.1:9/", auth: { kind: "bearer", token: "t0ken-xyz" } });
    assert.equal(c.url, "http://127.0.0.1:9");
    c.close();
  });
});
