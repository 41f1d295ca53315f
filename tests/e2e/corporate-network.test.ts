// The dynamic resource on a corporate network, under the real engine through the Automation API:
// HTTPS_PROXY (a CONNECT proxy on 127.0.0.1) and NODE_EXTRA_CA_CERTS (the CA of a TLS-inspecting
// gateway in front of the emulator), with an OAuth client so the token endpoint is crossed too. The
// variables reach the provider host only through the environment of `pulumi`, as they do for a user.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { DataModelReload } from "../../provider";
import { ensureToolchain, openStack, REPO_ROOT } from "../../scripts/stack";
import { DEMO } from "../helpers/emulator";
import {
  assertDeployedThroughProxy,
  hasOpenssl,
  startConnectProxy,
  startGateway,
  type ConnectProxy,
  type Gateway,
} from "../helpers/corporate-network";

const WORK = path.join(REPO_ROOT, ".test-work", "corporate-network");
const CLIENT = { clientId: "corp-client", clientSecret: "corp-secret-3c9d2e10" };

describe("e2e: the dynamic resource behind a CONNECT proxy and a TLS-inspecting gateway", function () {
  this.timeout(180_000);
  let gateway: Gateway;
  let proxy: ConnectProxy;
  const emu = () => gateway.emu;

  before(async function () {
    if (!hasOpenssl()) this.skip(); // the test CA needs openssl; node:crypto cannot sign certificates
    ensureToolchain();
    gateway = await startGateway({ oauthClients: [CLIENT], loadMs: 100 });
  });
  beforeEach(async () => {
    proxy = await startConnectProxy();
    gateway.emu.reset();
    gateway.standIn.authorizations.length = 0;
  });
  afterEach(async () => proxy?.stop());
  after(async () => gateway?.stop());

  /** `pulumi up` of one partial reload in a stack of its own, with `network` in pulumi's environment. */
  async function up(name: string, network: Record<string, string>) {
    const workDir = path.join(WORK, name);
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true });
    const stack = await openStack({
      projectName: `celonis-corp-${name}`,
      workDir,
      stateDir: path.join(workDir, "state"),
      program: async () => {
        new DataModelReload("sales", { poolId: DEMO.pool, dataModelId: DEMO.model, tables: ["ACTIVITIES"] });
      },
      config: {
        "celonis:url": { value: gateway.standIn.url },
        "celonis:clientId": { value: CLIENT.clientId },
        "celonis:clientSecret": { value: CLIENT.clientSecret, secret: true },
      },
      // The test runner's own settings must not decide the outcome.
      env: { NO_PROXY: "", no_proxy: "", https_proxy: "", NODE_EXTRA_CA_CERTS: "", ...network },
    });
    const output: string[] = [];
    const result = await stack.up({ onOutput: (s) => output.push(s) }).then(
      (r) => r.summary.result,
      (e: Error) => e.message,
    );
    return { result, output: output.join("") };
  }

  it("HTTPS_PROXY + NODE_EXTRA_CA_CERTS: the token call and the reload go through the proxy, inside TLS", async () => {
    const { result, output } = await up("tunnelled", {
      HTTPS_PROXY: proxy.url,
      NODE_EXTRA_CA_CERTS: gateway.pki.caPem,
    });
    assert.equal(result, "succeeded", output);
    assertDeployedThroughProxy(proxy, gateway, [CLIENT.clientSecret]);
  });

  it("without NODE_EXTRA_CA_CERTS: up fails naming the untrusted certificate and the variable; nothing loads", async () => {
    const { result, output } = await up("no-ca", { HTTPS_PROXY: proxy.url });
    assert.notEqual(result, "succeeded");
    assert.match(result + output, /TLS certificate not trusted[\s\S]*NODE_EXTRA_CA_CERTS/);
    assert.ok(!(result + output).includes(CLIENT.clientSecret));
    assert.ok(proxy.connects.length > 0, "it did try through the proxy");
    assert.equal(emu().requests().length, 0, "no request reached Celonis");
  });
});
