// The plugin's Invoke over gRPC, as the engine calls it for a YAML `fn::invoke` (or a Python, Go or
// .NET SDK function): the lookups by name through the configured connection, argument failures
// named, a name matching nothing failing with the candidates, a named connection, an unknown token.

import assert from "node:assert/strict";
import type * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { toStruct } from "../../provider/plugin/errors";
import { secret } from "../../provider/plugin/secrets";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";
import { PluginProcess } from "../helpers/plugin";

type Props = Record<string, unknown>;

describe("the provider plugin's Invoke: lookups by name", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let other: Emulator;
  let plugin: PluginProcess;

  const invoke = async (tok: string, args: Props) => {
    const req = new provproto.InvokeRequest().setTok(tok).setArgs(toStruct(args));
    const res = await plugin.call<provproto.InvokeRequest, provproto.InvokeResponse>("invoke", req);
    return {
      result: res.getReturn()?.toJavaScript(),
      failures: res.getFailuresList().map((f) => [f.getProperty(), f.getReason()]),
    };
  };
  const fails = (tok: string, args: Props, message: RegExp) =>
    assert.rejects(invoke(tok, args), (e: grpc.ServiceError) => {
      assert.match(e.details, message);
      assert.ok(!e.details.includes(TEST_API_KEY));
      return true;
    });

  before(async () => {
    [emu, other] = await Promise.all([
      startEmulator({ port: 0, apiKeys: [TEST_API_KEY] }),
      startEmulator({ port: 0, apiKeys: [TEST_API_KEY] }),
    ]);
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(CELONIS_|OAUTH_)/.test(k)),
    );
    plugin = await PluginProcess.start(env);
    const connections = JSON.stringify({ other: { url: other.url, apiToken: TEST_API_KEY } });
    const req = new provproto.ConfigureRequest()
      .setArgs(toStruct({ url: emu.url, apiToken: secret(TEST_API_KEY), connections: secret(connections) }))
      .setAcceptsecrets(true);
    await plugin.call<provproto.ConfigureRequest, provproto.ConfigureResponse>("configure", req);
  });
  after(async () => {
    await plugin?.stop();
    await Promise.all([emu?.stop(), other?.stop()]);
  });

  it("getDataPool, getDataModel (pool by name) and getDataModelTables answer with ids", async () => {
    assert.deepEqual(await invoke("celonis:index:getDataPool", { name: "Demo Pool" }), {
      result: { id: DEMO.pool, name: "Demo Pool" },
      failures: [],
    });
    const model = await invoke("celonis:index:getDataModel", {
      pool: "Finance Pool",
      name: "AP Invoice Model",
    });
    assert.deepEqual(model.result, { id: DEMO.apModel, poolId: DEMO.financePool, name: "AP Invoice Model" });
    const tables = await invoke("celonis:index:getDataModelTables", {
      poolId: DEMO.pool,
      dataModelId: DEMO.model,
    });
    const rows = (tables.result as { tables: Props[] }).tables;
    assert.equal(rows.length, 9);
    assert.deepEqual(
      rows.find((t) => t.id === DEMO.tables.ACTIVITIES),
      { id: DEMO.tables.ACTIVITIES, name: "ACTIVITIES", alias: null },
    );
  });

  it("a named connection from the provider's config reaches its own team", async () => {
    other.clearRequests();
    const pool = await invoke("celonis:index:getDataPool", { name: "Finance Pool", connection: "other" });
    assert.equal((pool.result as Props).id, DEMO.financePool);
    assert.equal(other.requests().filter((r) => r.path === "/integration/api/pools").length, 1);
  });

  it("missing, mistyped and unknown arguments come back as failures naming them", async () => {
    const { failures } = await invoke("celonis:index:getDataModel", { name: 7, colour: "red" });
    assert.deepEqual(failures, [
      ["colour", "getDataModel takes no argument colour; it takes pool, name, connection"],
      ["pool", "getDataModel needs pool: a non-empty string, got nothing"],
      ["name", "getDataModel needs name: a non-empty string, got 7"],
    ]);
  });

  it("a name matching nothing fails listing the candidates; an unknown function names the served ones", async () => {
    await fails(
      "celonis:index:getDataModel",
      { pool: DEMO.pool, name: "Sales" },
      /no data model in pool "Demo Pool" .* is named "Sales"; the data models in pool .* are "O2C Sales Model" .*"P2P Demo Model"/,
    );
    await fails(
      "celonis:index:getPools",
      {},
      /unknown function celonis:index:getPools: the celonis plugin serves celonis:index:getDataPool, /,
    );
  });
});
