// The `pulumi-resource-celonis` plugin on a corporate network: HTTPS_PROXY (a CONNECT proxy on
// 127.0.0.1), NO_PROXY, and NODE_EXTRA_CA_CERTS (the CA of a TLS-inspecting gateway in front of the
// emulator), with an OAuth client so the token endpoint is crossed too. The proxy's counts show the
// traffic went through it; its log shows no credential crossed it in clear; without the CA, the
// error names the TLS problem and the variable that fixes it.

import assert from "node:assert/strict";
import type * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { toStruct } from "../../provider/plugin/errors";
import { secret } from "../../provider/plugin/secrets";
import { DEMO } from "../helpers/emulator";
import {
  assertDeployedThroughProxy,
  hasOpenssl,
  startConnectProxy,
  startGateway,
  withoutNetworkSettings,
  type ConnectProxy,
  type Gateway,
} from "../helpers/corporate-network";
import { PluginProcess } from "../helpers/plugin";

const URN = "urn:pulumi:test::celonis::celonis:index:DataModelReload::sales";
const CLIENT = { clientId: "corp-client", clientSecret: "corp-secret-5b0e7a91" };

describe("the provider plugin behind a CONNECT proxy and a TLS-inspecting gateway", function () {
  this.timeout(60_000);
  let gateway: Gateway;
  let proxy: ConnectProxy;
  let plugin: PluginProcess | undefined;
  const emu = () => gateway.emu;

  before(async function () {
    if (!hasOpenssl()) this.skip(); // the test CA needs openssl; node:crypto cannot sign certificates
    gateway = await startGateway({ oauthClients: [CLIENT], loadMs: 100 });
  });
  beforeEach(async () => {
    proxy = await startConnectProxy();
    gateway.emu.reset();
    gateway.standIn.authorizations.length = 0;
  });
  afterEach(async () => {
    await plugin?.stop();
    plugin = undefined;
    await proxy?.stop();
  });
  after(async () => gateway?.stop());

  /** The plugin started with `network` as its only proxy/CA settings, configured for the stand-in. */
  async function startPlugin(network: Record<string, string>): Promise<PluginProcess> {
    const base = Object.entries(withoutNetworkSettings(process.env)).filter(
      ([k]) => !/^(CELONIS_|OAUTH_)/.test(k),
    );
    plugin = await PluginProcess.start({ ...Object.fromEntries(base), ...network });
    const args = {
      url: gateway.standIn.url,
      clientId: CLIENT.clientId,
      clientSecret: secret(CLIENT.clientSecret),
    };
    await plugin.call(
      "configure",
      new provproto.ConfigureRequest().setArgs(toStruct(args)).setAcceptsecrets(true),
    );
    return plugin;
  }

  /** Check then Create of a partial reload of one table (names resolved over the network). */
  async function deploy(p: PluginProcess): Promise<string> {
    const news = { poolId: DEMO.pool, dataModelId: DEMO.model, tables: ["ACTIVITIES"] };
    const checked = await p.call<provproto.CheckRequest, provproto.CheckResponse>(
      "check",
      new provproto.CheckRequest().setUrn(URN).setOlds(toStruct({})).setNews(toStruct(news)),
    );
    const failures = checked.getFailuresList().map((f) => f.getReason());
    if (failures.length > 0) throw new Error(failures.join("; "));
    const req = new provproto.CreateRequest().setUrn(URN).setProperties(checked.getInputs()!);
    const res = await p.call<provproto.CreateRequest, provproto.CreateResponse>("create", req);
    return res.getId();
  }

  it("HTTPS_PROXY + NODE_EXTRA_CA_CERTS: the token call and the reload go through the proxy, inside TLS", async () => {
    await deploy(await startPlugin({ HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: gateway.pki.caPem }));
    assertDeployedThroughProxy(proxy, gateway, [CLIENT.clientSecret]);
  });

  it("NO_PROXY naming the host: the same deployment goes direct, the proxy sees nothing", async () => {
    const network = { HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1", NODE_EXTRA_CA_CERTS: gateway.pki.caPem };
    await deploy(await startPlugin(network));
    assert.equal(emu().requests().filter(isLoadTrigger).length, 1);
    assert.deepEqual(proxy.connects, []);
  });

  it("without NODE_EXTRA_CA_CERTS: the error names the untrusted certificate and the variable, and nothing loads", async () => {
    const err = await deploy(await startPlugin({ HTTPS_PROXY: proxy.url })).then(
      () => assert.fail("deployed without trusting the gateway's CA"),
      (e: grpc.ServiceError | Error) => e,
    );
    const message = "details" in err ? err.details : err.message;
    assert.match(message, /TLS certificate/i);
    assert.match(message, /NODE_EXTRA_CA_CERTS/);
    assert.ok(!message.includes(CLIENT.clientSecret));
    assert.ok(proxy.connects.length > 0, "it did try through the proxy");
    assert.equal(emu().requests().length, 0, "no request reached Celonis");
  });
});
