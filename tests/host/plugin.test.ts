// The `pulumi-resource-celonis` plugin process, driven over gRPC the way the engine drives it:
// version and schema, Configure from args or variables (secrets wrapped), CheckConfig/DiffConfig,
// Check and the detailed Diff, Create/Read/import, a failed load's partial state, Cancel and the
// engine's timeout stopping a wait, log lines tagged with the resource, and exit on SIGINT.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import type * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { toStruct } from "../../provider/plugin/errors";
import { isSecret, secret } from "../../provider/plugin/secrets";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";
import { initFailureOf, type InitFailure } from "../helpers/host";
import { PluginProcess } from "../helpers/plugin";

type Props = Record<string, unknown>;
const ROOT = path.resolve(__dirname, "..", "..");
const URN = "urn:pulumi:test::celonis::celonis:index:DataModelReload::sales";
const { DIFF_NONE, DIFF_SOME } = provproto.DiffResponse.DiffChanges;

/** The partial state a failed Create carries; fails the test when it carries none. */
function initFailure(err: grpc.ServiceError): InitFailure {
  const failure = initFailureOf(err);
  assert.ok(failure, `no ErrorResourceInitFailed in the error: ${err.details}`);
  return failure;
}

describe("the provider plugin process over gRPC", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let plugin: PluginProcess;

  const configure = (args: Props, variables: Record<string, string> = {}) => {
    const req = new provproto.ConfigureRequest().setArgs(toStruct(args)).setAcceptsecrets(true);
    for (const [k, v] of Object.entries(variables)) req.getVariablesMap().set(k, v);
    return plugin.call<provproto.ConfigureRequest, provproto.ConfigureResponse>("configure", req);
  };
  const check = async (news: Props, olds: Props = {}) => {
    const req = new provproto.CheckRequest().setUrn(URN).setOlds(toStruct(olds)).setNews(toStruct(news));
    const res = await plugin.call<provproto.CheckRequest, provproto.CheckResponse>("check", req);
    return {
      inputs: res.getInputs()!.toJavaScript(),
      failures: res.getFailuresList().map((f) => f.getReason()),
    };
  };
  const create = async (props: Props, timeout = 0) => {
    const req = new provproto.CreateRequest().setUrn(URN).setProperties(toStruct(props)).setTimeout(timeout);
    const res = await plugin.call<provproto.CreateRequest, provproto.CreateResponse>("create", req);
    return { id: res.getId(), outs: res.getProperties()!.toJavaScript() };
  };
  const loads = () =>
    emu.requests().filter((r) => r.method === "POST" && /\/load/.test(r.path) && r.status < 300);

  before(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 150 });
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(CELONIS_|OAUTH_)/.test(k)),
    );
    plugin = await PluginProcess.start(env);
  });
  beforeEach(async () => {
    emu.reset();
    await configure({ url: emu.url, apiToken: secret(TEST_API_KEY) });
  });
  after(async () => {
    await plugin?.stop();
    await emu?.stop();
  });

  it("reports the package version and serves the committed schema", async () => {
    const info = await plugin.call<emptyproto.Empty, plugproto.PluginInfo>(
      "getPluginInfo",
      new emptyproto.Empty(),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    assert.equal(info.getVersion(), pkg.version);
    const res = await plugin.call<provproto.GetSchemaRequest, provproto.GetSchemaResponse>(
      "getSchema",
      new provproto.GetSchemaRequest(),
    );
    const committed = JSON.parse(fs.readFileSync(path.join(ROOT, "provider", "schema.json"), "utf8"));
    assert.deepEqual(JSON.parse(res.getSchema()), committed);
  });

  it("Configure accepts secrets; stack config reaches the core from args or from variables", async () => {
    const res = await configure({ url: emu.url, apiToken: secret(TEST_API_KEY) });
    assert.equal(res.getAcceptsecrets(), true);
    assert.equal((await check({ poolId: DEMO.pool, dataModelId: DEMO.model })).failures.length, 0);
    await configure({}, { "celonis:url": emu.url, "celonis:apiToken": TEST_API_KEY });
    assert.equal((await check({ poolId: DEMO.pool, dataModelId: DEMO.model })).failures.length, 0);
    await configure({}, {});
    await assert.rejects(
      check({ poolId: DEMO.pool, dataModelId: DEMO.model }),
      /celonis:url[\s\S]*CELONIS_URL/,
    );
  });

  it("CheckConfig keeps secrets as sent; DiffConfig names a changed key and replaces nothing", async () => {
    const news = { url: emu.url, apiToken: secret(TEST_API_KEY) };
    const checked = await plugin.call<provproto.CheckRequest, provproto.CheckResponse>(
      "checkConfig",
      new provproto.CheckRequest().setOlds(toStruct({})).setNews(toStruct(news)),
    );
    assert.ok(isSecret(checked.getInputs()!.toJavaScript().apiToken));
    const diff = (olds: Props) =>
      plugin.call<provproto.DiffRequest, provproto.DiffResponse>(
        "diffConfig",
        new provproto.DiffRequest().setOlds(toStruct(olds)).setNews(toStruct(news)),
      );
    const changed = await diff({ ...news, url: "http://127.0.0.1:1" });
    assert.equal(changed.getChanges(), DIFF_SOME);
    assert.deepEqual(changed.getDiffsList(), ["url"]);
    assert.deepEqual(changed.getReplacesList(), []);
    assert.equal((await diff(news)).getChanges(), DIFF_NONE);
  });

  it("Check keeps a secret trigger where it was; Diff explains the change per property", async () => {
    const base = { poolId: DEMO.pool, dataModelId: DEMO.model, tables: ["ACTIVITIES"] };
    const first = await check({ ...base, triggers: ["a", secret("s")], tableTriggers: { ACTIVITIES: 1 } });
    assert.deepEqual(first.inputs.triggers, ["a", secret("s")]);
    const { outs } = await create(first.inputs);
    assert.deepEqual(outs.triggers, ["a", secret("s")], "the output keeps the secret too");
    const next = await check(
      { ...base, triggers: ["a", secret("s")], tableTriggers: { ACTIVITIES: 2 } },
      first.inputs,
    );
    const res = await plugin.call<provproto.DiffRequest, provproto.DiffResponse>(
      "diff",
      new provproto.DiffRequest()
        .setId("x")
        .setUrn(URN)
        .setOlds(toStruct(outs))
        .setNews(toStruct(next.inputs)),
    );
    assert.equal(res.getChanges(), DIFF_SOME);
    assert.equal(res.getHasdetaileddiff(), true);
    const detailed: Record<string, number> = {};
    res.getDetaileddiffMap().forEach((diff, path) => (detailed[path] = diff.getKind()));
    assert.deepEqual(detailed, {
      "tableTriggers.ACTIVITIES": provproto.PropertyDiff.Kind.UPDATE,
      plan: provproto.PropertyDiff.Kind.UPDATE,
    });
  });

  it("Read with only an id imports the model without loading it, and returns the inputs to store", async () => {
    const id = `${DEMO.pool}/${DEMO.model}`;
    const res = await plugin.call<provproto.ReadRequest, provproto.ReadResponse>(
      "read",
      new provproto.ReadRequest().setId(id).setUrn(URN).setProperties(toStruct({})).setInputs(toStruct({})),
    );
    assert.equal(res.getId(), id);
    assert.equal(res.getProperties()!.toJavaScript().planStatus, "done");
    assert.deepEqual(Object.keys(res.getInputs()!.toJavaScript()).sort(), [
      "dataModelId",
      "plan",
      "poolId",
      "resolvedTables",
    ]);
    assert.equal(loads().length, 0);
  });

  it("a load ending ERROR fails Create with the partial state the engine keeps, secrets concealed", async () => {
    emu.setBehaviour(DEMO.model, { outcome: "ERROR", message: "column X not found", times: 1 });
    const { inputs } = await check({ poolId: DEMO.pool, dataModelId: DEMO.model, triggers: [secret("s")] });
    const err = (await create(inputs).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    assert.match(err.details, /ended ERROR: column X not found/);
    const failure = initFailure(err);
    assert.match(failure.id, new RegExp(`^${DEMO.model}/`));
    assert.equal(failure.properties.planStatus, "owed");
    assert.deepEqual(failure.properties.triggers, [secret("s")]);
  });

  it("progress lines name the resource they belong to", async function () {
    const { inputs } = await check({ poolId: DEMO.pool, dataModelId: DEMO.model });
    await create(inputs);
    assert.match(plugin.stderr.join(""), new RegExp(`${URN}: celonis model [^\\n]*triggering`));
  });

  it("the engine's timeout stops a wait; the load is recorded as running", async function () {
    emu.setBehaviour(DEMO.model, { durationMs: 20_000, times: 1 });
    const { inputs } = await check({ poolId: DEMO.pool, dataModelId: DEMO.model });
    const started = Date.now();
    const err = (await create(inputs, 1).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError;
    assert.ok(Date.now() - started < 4000, `ended ${Date.now() - started} ms after a 1 s timeout`);
    const failure = initFailure(err);
    assert.equal(failure.properties.planStatus, "running");
    assert.match(failure.reasons.join("\n"), /^The engine's timeout \(1s\) passed\. .* may still be running/);
    const load = failure.properties.planLoad as { loadType: string; triggeredAt: string };
    assert.equal(load.loadType, "COMPLETE");
    assert.ok(Date.parse(load.triggeredAt) >= started, "the load triggered by this Create");
    assert.equal(loads().length, 1);
  });

  // Last: after a Cancel the plugin stops every call it gets, as the engine expects.
  it("Cancel stops a wait at once; the load is recorded as running", async function () {
    emu.setBehaviour(DEMO.model, { durationMs: 20_000, times: 1 });
    const { inputs } = await check({ poolId: DEMO.pool, dataModelId: DEMO.model });
    const pending = create(inputs).catch((e: grpc.ServiceError) => e);
    await new Promise((r) => setTimeout(r, 1000));
    const cancelled = Date.now();
    await plugin.call("cancel", new emptyproto.Empty());
    const err = (await pending) as grpc.ServiceError;
    assert.ok(Date.now() - cancelled < 3000, "promptly");
    assert.equal(initFailure(err).properties.planStatus, "running");
    assert.match(
      initFailure(err).reasons.join("\n"),
      /^The deployment was cancelled\. .* may still be running/,
    );
    assert.equal(loads().length, 1);
  });

  it("ends on SIGINT, as the engine ends its plugins", async () => {
    const other = await PluginProcess.start(process.env);
    assert.equal(await other.stop(), 0);
  });
});
