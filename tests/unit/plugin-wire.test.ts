// What crosses the plugin's wire: secrets revealed for the handlers and concealed again exactly
// where they were (or wholly, when the value changed shape; derived table lists when table names
// are secret), Configure's args and variables read as the handlers' config, the partial state of a
// failed reload packed as the engine expects, log severities, and the import's inputs.

import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import { configKey, configureRequest } from "../../provider/plugin/config";
import { severityOf } from "../../provider/plugin/engine-log";
import { wireError } from "../../provider/plugin/errors";
import { conceal, holdsSecret, isSecret, reveal, secret } from "../../provider/plugin/secrets";
import { importedInputs, requireResourceType } from "../../provider/plugin/server";
import { engineAddress } from "../../provider/plugin/main";
import { initFailureOf } from "../helpers/host";

describe("plugin: secrets on the wire", () => {
  const wire = { triggers: ["a", secret("s3cret")], tables: ["ACTIVITIES"], timeoutSeconds: 60 };

  it("reveal unwraps at any depth; holdsSecret finds them", () => {
    assert.deepEqual(reveal(wire), { triggers: ["a", "s3cret"], tables: ["ACTIVITIES"], timeoutSeconds: 60 });
    assert.ok(holdsSecret(wire.triggers));
    assert.ok(!holdsSecret(wire.tables));
    assert.ok(isSecret(secret(secret(1))) && !isSecret((secret(secret(1)) as { value: unknown }).value));
  });

  it("an echoed input keeps its secret exactly where it was", () => {
    const outs = conceal({ ...(reveal(wire) as object), planStatus: "done" }, wire);
    assert.deepEqual(outs.triggers, ["a", secret("s3cret")]);
    assert.deepEqual(outs.tables, ["ACTIVITIES"]);
    assert.equal(outs.planStatus, "done");
  });

  it("an echoed input whose keys come back in another order still keeps its secret where it was", () => {
    const src = { tableTriggers: { CASES: 1, ACTIVITIES: secret("h2") } };
    const outs = conceal({ tableTriggers: { ACTIVITIES: "h2", CASES: 1 } }, src);
    assert.deepEqual(outs.tableTriggers, { CASES: 1, ACTIVITIES: secret("h2") });
  });

  it("an input that changed shape becomes secret as a whole", () => {
    const outs = conceal({ triggers: ["s3cret"] }, wire);
    assert.deepEqual(outs.triggers, secret(["s3cret"]));
  });

  it("secret table names make the plan and the table lists secret", () => {
    const src = { tables: [secret("HIDDEN")] };
    const outs = conceal(
      { tables: ["HIDDEN"], plan: { tables: ["HIDDEN"] }, resolvedTables: [], poolId: "p" },
      src,
    );
    assert.ok(isSecret(outs.plan) && isSecret(outs.resolvedTables));
    assert.equal(outs.poolId, "p");
    const whole = conceal(
      { tableTriggers: { HIDDEN: 1 }, plan: {} },
      { tableTriggers: secret({ HIDDEN: 1 }) },
    );
    assert.ok(isSecret(whole.plan) && isSecret(whole.tableTriggers));
  });

  it("a secret trigger value alone leaves the plan readable (it names positions only)", () => {
    const outs = conceal(
      { triggers: ["x"], plan: { reasons: ["triggers changed (triggers[0])"] } },
      {
        triggers: [secret("x")],
      },
    );
    assert.ok(!isSecret(outs.plan));
  });
});

describe("plugin: Configure", () => {
  it("args win over variables; every key spelling reaches celonis:<key>", () => {
    const req = configureRequest(
      { "celonis:config:url": "http://old", "celonis:keyType": "appkey" },
      { url: "http://new", apiToken: secret("tok"), version: "1.0.0", timeout: 5 },
    );
    assert.equal(req.config.get("celonis:url"), "http://new");
    assert.equal(req.config.get("celonis:apiToken"), "tok");
    assert.equal(req.config.get("celonis:keyType"), "appkey");
    assert.equal(req.config.get("celonis:timeout"), "5");
    assert.equal(req.config.get("celonis:version"), undefined);
    assert.throws(
      () => req.config.require("celonis:scope"),
      /Missing required configuration key: celonis:scope/,
    );
  });

  it("configKey", () => {
    assert.equal(configKey("url"), "celonis:url");
    assert.equal(configKey("celonis:config:url"), "celonis:url");
    assert.equal(configKey("other:x"), "other:x");
  });
});

describe("plugin: errors, logs, arguments", () => {
  it("a failure with partial state carries ErrorResourceInitFailed, secrets concealed, no __provider", () => {
    const err = Object.assign(new Error("load ended ERROR"), {
      id: "m/1",
      properties: { planStatus: "owed", triggers: ["s"], __provider: "x" },
      reasons: ["load ended ERROR"],
    });
    const out = wireError(err, (p) => ({ ...p, triggers: secret(p.triggers) }));
    assert.equal(out.code, grpc.status.UNKNOWN);
    assert.equal(out.details, "load ended ERROR");
    const failure = initFailureOf(out);
    assert.ok(failure, "the status details carry a pulumirpc.ErrorResourceInitFailed");
    assert.equal(failure.id, "m/1");
    assert.deepEqual(failure.reasons, ["load ended ERROR"]);
    const props = failure.properties;
    assert.ok(isSecret(props.triggers) && !("__provider" in props));
  });

  it("a plain failure is only a message", () => {
    const out = wireError(new Error("bad"));
    assert.equal(out.details, "bad");
    assert.equal(out.metadata.get("grpc-status-details-bin").length, 0);
  });

  it("warning lines are warnings; the engine address is the last argument, after the flags", () => {
    assert.equal(severityOf("warning: model x: load ended WARNING"), LogSeverity.WARNING);
    assert.equal(severityOf("model x: load RUNNING"), LogSeverity.INFO);
    assert.equal(engineAddress(["--logtostderr", "-v=9", "127.0.0.1:5000"]), "127.0.0.1:5000");
    assert.equal(engineAddress(["--tracing", "http://127.0.0.1:9411", "127.0.0.1:5000"]), "127.0.0.1:5000");
    assert.equal(engineAddress(["--tracing", "http://127.0.0.1:9411"]), undefined);
    assert.equal(engineAddress([]), undefined);
  });

  it("imported inputs keep the plan and ids, drop options at their defaults and nulls", () => {
    const inputs = importedInputs({
      poolId: "p",
      dataModelId: "m",
      tables: null,
      loadType: "complete",
      timeoutSeconds: 3600,
      onBusy: "fail",
      plan: { action: "none" },
      resolvedTables: [],
      planStatus: "done",
      lastLoad: null,
    });
    assert.deepEqual(inputs, {
      poolId: "p",
      dataModelId: "m",
      onBusy: "fail",
      resolvedTables: [],
      plan: { action: "none" },
    });
  });

  it("serves its one resource type, also under a parent; names what it serves otherwise", () => {
    requireResourceType("urn:pulumi:dev::p::celonis:index:DataModelReload::sales");
    requireResourceType("urn:pulumi:dev::p::my:index:Component$celonis:index:DataModelReload::sales");
    assert.throws(
      () => requireResourceType("urn:pulumi:dev::p::celonis:index:Other::x"),
      /unknown resource type celonis:index:Other: the celonis plugin serves celonis:index:DataModelReload only/,
    );
  });
});
