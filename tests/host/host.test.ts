// The provider inside the real dynamic-provider host process, driven over gRPC: serialized as Pulumi
// serializes it, configured with stack config, then Check/Diff/Create/Update/Read/Delete against the
// emulator. Also: the serialized text is small and holds no credential; partial state on failure.

import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { Journal } from "../../provider/journal";
import { decisivePlan, UNKNOWN } from "../../provider/plan";
import type { Plan } from "../../provider/types";
import * as celonisProvider from "../../provider/provider";
import { DEMO, TEST_API_KEY, sleep, waitFor } from "../helpers/emulator";
import { ProviderHost, REPO_ROOT, serializeProvider, type InitFailure } from "../helpers/host";

const DIFF_NONE = 1;
const DIFF_SOME = 2;

function envWithout(prefixes: RegExp): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !prefixes.test(k)));
}

describe("the real dynamic-provider host over gRPC", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let host: ProviderHost;
  let providerText: string;
  const seen: unknown[] = [];

  before(async () => {
    emu = await startEmulator({
      port: 0,
      apiKeys: [TEST_API_KEY],
      oauthClients: [{ clientId: "host-client", clientSecret: "host-client-secret-93ab" }],
      loadMs: 150,
    });
    providerText = await serializeProvider(celonisProvider);
    host = await ProviderHost.start(REPO_ROOT, {
      ...envWithout(/^(CELONIS_|OAUTH_)/),
      PULUMI_CELONIS_JOURNAL: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "host-journal-")), "j.json"),
    });
    await host.configure({
      "celonis:url": emu.url,
      "celonis:apiToken": TEST_API_KEY,
      "celonis:keyType": "bearer",
    });
  });
  beforeEach(() => emu.reset());
  after(async () => {
    await host?.stop();
    await emu?.stop();
  });

  const raw = (extra: Record<string, unknown> = {}) => ({
    poolId: DEMO.pool,
    dataModelId: DEMO.model,
    __provider: providerText,
    ...extra,
  });

  it("serializes small, with no client, config or credential", () => {
    console.log(`      __provider: ${providerText.length} bytes`);
    assert.ok(providerText.length < 6000, `__provider is ${providerText.length} bytes`);
    assert.ok(!providerText.includes(TEST_API_KEY));
    assert.ok(!/axios|CelonisClient|apiToken/.test(providerText), "the shim captures no client or config");
  });

  it("walks a resource through check, create, diff, update, read and delete", async () => {
    const c1 = await host.check(
      "r1",
      {},
      raw({ tables: ["ACTIVITIES", "VENDORS"], tableTriggers: { ACTIVITIES: "v1" } }),
    );
    assert.deepEqual(c1.failures, []);
    assert.deepEqual(c1.inputs.plan, {
      action: "reload",
      loadType: "PARTIAL",
      tables: ["ACTIVITIES", "VENDORS"],
      tableIds: [DEMO.tables.ACTIVITIES, DEMO.tables.VENDORS],
      reasons: ["created"],
      expectedSeconds: null, // the model's history has no PARTIAL load yet
      expectedBasis: "unknown",
    });
    assert.equal(c1.inputs.__provider, providerText);

    const created = await host.create("r1", c1.inputs);
    seen.push(created);
    assert.equal((created.outs.lastLoad as { status: string }).status, "SUCCESS");
    assert.equal(created.outs.__provider, providerText, "the host keeps __provider in the outputs");
    assert.ok(
      host.output.some((l) => /triggering a PARTIAL load of tables ACTIVITIES, VENDORS/.test(l)),
      host.output.join("\n"),
    );

    const c2 = await host.check(
      "r1",
      c1.inputs,
      raw({ tables: ["ACTIVITIES", "VENDORS"], tableTriggers: { ACTIVITIES: "v1" } }),
    );
    assert.deepEqual(c2.inputs.plan, c1.inputs.plan, "nothing changed: the plan is kept");
    assert.equal((await host.diff("r1", created.id, created.outs, c2.inputs)).changes, DIFF_NONE);

    const c3 = await host.check(
      "r1",
      c2.inputs,
      raw({ tables: ["ACTIVITIES", "VENDORS"], tableTriggers: { ACTIVITIES: "v2" } }),
    );
    assert.deepEqual(decisivePlan(c3.inputs.plan as Plan), {
      action: "reload",
      loadType: "PARTIAL",
      tables: ["ACTIVITIES"],
      tableIds: [DEMO.tables.ACTIVITIES],
      reasons: ["tableTriggers.ACTIVITIES changed"],
    });
    const d3 = await host.diff("r1", created.id, created.outs, c3.inputs);
    assert.deepEqual(d3, { changes: DIFF_SOME, replaces: [] });
    emu.clearRequests();
    const updated = await host.update("r1", created.id, created.outs, c3.inputs);
    seen.push(updated);
    const syncs = emu.requests().filter((r) => r.path.endsWith("partial-sync"));
    assert.equal(syncs.length, 1);
    assert.equal((syncs[0].body as string[]).length, 1);
    assert.equal(updated.outs.reloadCount, 2);

    const outside = emu.startLoad(DEMO.model);
    const read = await host.read("r1", created.id, updated.outs);
    seen.push(read);
    assert.equal((read.props.lastLoad as { loadId: string }).loadId, outside.dataLoadId);

    emu.clearRequests();
    await host.delete("r1", created.id, read.props);
    assert.equal(emu.requests().length, 0, "delete calls nothing");
  });

  it("a model change is a replace", async () => {
    const c = await host.check("r2", {}, raw());
    const created = await host.create("r2", c.inputs);
    const c2 = await host.check("r2", c.inputs, raw({ dataModelId: DEMO.o2cModel }));
    const d = await host.diff("r2", created.id, created.outs, c2.inputs);
    assert.deepEqual(d, { changes: DIFF_SOME, replaces: ["dataModelId"] });
  });

  it("check fails an unknown table with suggestions", async () => {
    const c = await host.check("r3", {}, raw({ tables: ["INVOICE"] }));
    assert.equal(c.failures[0].property, "tables[0]");
    assert.match(c.failures[0].reason, /"INVOICE" matches no table \(did you mean "INVOICES"\?\)/);
  });

  it("check tolerates unknown values (preview) and plans a deploy-time decision", async () => {
    const c = await host.check("r4", {}, raw({ triggers: [UNKNOWN], tables: ["CASES", UNKNOWN] }));
    assert.deepEqual(c.failures, []);
    const plan = c.inputs.plan as { action: string; loadType: unknown; reasons: string[] };
    assert.equal(plan.action, "reload");
    assert.equal(plan.loadType, null);
    assert.match(plan.reasons[0], /not known until deploy/);
  });

  it("a failed load crosses the wire as partial state and the update finishes it", async () => {
    emu.setBehaviour(DEMO.model, {
      outcome: "ERROR",
      message: "Table 'CASES': column CASE_KEY not found",
      times: 1,
    });
    const c = await host.check("r5", {}, raw({ tables: ["CASES"] }));
    const err = (await host.create("r5", c.inputs).then(
      () => assert.fail("create should fail"),
      (e: { init?: InitFailure }) => e,
    )) as { init?: InitFailure };
    assert.ok(err.init, "the error carries ErrorResourceInitFailed details");
    seen.push(err.init);
    assert.match(err.init.message, /ended ERROR: Table 'CASES': column CASE_KEY not found/);
    assert.ok(err.init.id.startsWith(DEMO.model));
    assert.equal(err.init.properties.planStatus, "owed");
    assert.equal(err.init.properties.__provider, providerText, "partial state keeps __provider");
    assert.deepEqual(err.init.reasons, [err.init.message]);

    const again = await host.check("r5", c.inputs, raw({ tables: ["CASES"] }));
    assert.equal((await host.diff("r5", err.init.id, err.init.properties, again.inputs)).changes, DIFF_SOME);
    const fixed = await host.update("r5", err.init.id, err.init.properties, again.inputs);
    assert.equal(fixed.outs.planStatus, "done");
    assert.equal((fixed.outs.lastLoad as { status: string }).status, "SUCCESS");
  });

  it("no credential anywhere on the wire or in the host's output", () => {
    const text = JSON.stringify(seen) + host.output.join("\n") + JSON.stringify(emu.requests());
    assert.ok(seen.length >= 4);
    assert.ok(!text.includes(TEST_API_KEY));
  });

  it("an OAuth client from stack config works through the host (token fetched, never shown)", async () => {
    const oauthHost = await ProviderHost.start(REPO_ROOT, envWithout(/^(CELONIS_|OAUTH_)/));
    try {
      await oauthHost.configure({
        "celonis:url": emu.url,
        "celonis:clientId": "host-client",
        "celonis:clientSecret": "host-client-secret-93ab",
      });
      const c = await oauthHost.check("r7", {}, raw({ tables: ["CASES"] }));
      assert.deepEqual(c.failures, []);
      const created = await oauthHost.create("r7", c.inputs);
      assert.equal((created.outs.lastLoad as { status: string }).status, "SUCCESS");
      const kinds = new Set(emu.requests().map((r) => r.auth));
      assert.ok(kinds.has("basic") || kinds.has("form"), "a token was requested with client credentials");
      assert.ok(kinds.has("oauth"), "data calls used the OAuth token");
      const text = JSON.stringify([created, emu.requests()]) + oauthHost.output.join("\n");
      assert.ok(!text.includes("host-client-secret-93ab"));
    } finally {
      await oauthHost.stop();
    }
  });

  it("missing credentials fail check with the config keys to set", async () => {
    const bare = await ProviderHost.start(REPO_ROOT, envWithout(/^(CELONIS_|OAUTH_)/));
    try {
      await bare.configure({});
      await assert.rejects(bare.check("r6", {}, raw()), /celonis:url/);
    } finally {
      await bare.stop();
    }
  });
});

describe("the provider host does not outlive the engine", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let providerText: string;
  const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "host-journal-"));
  const env = {
    ...envWithout(/^(CELONIS_|OAUTH_)/),
    PULUMI_CELONIS_JOURNAL: path.join(journalDir, "j.json"),
  };

  before(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 20_000 });
    providerText = await serializeProvider(celonisProvider);
  });
  after(async () => emu?.stop());

  const exited = (child: ChildProcess, withinMs: number) =>
    new Promise<number>((resolve, reject) => {
      if (child.exitCode !== null) return resolve(0);
      const t0 = Date.now();
      const timer = setTimeout(() => reject(new Error(`host still running after ${withinMs} ms`)), withinMs);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(Date.now() - t0);
      });
    });

  async function startCreate(host: ProviderHost): Promise<void> {
    await host.configure({ "celonis:url": emu.url, "celonis:apiToken": TEST_API_KEY });
    const c = await host.check(
      "r",
      {},
      { poolId: DEMO.pool, dataModelId: DEMO.model, __provider: providerText },
    );
    host.create("r", c.inputs).catch(() => undefined); // the engine that asked is about to go away
    await waitFor(() => emu.loads(DEMO.model).some((l) => l.loadStatus === "RUNNING"), 10_000);
  }

  it("exits when the engine's address stops answering, keeping the journal entry for the next up", async () => {
    const engine = net.createServer((socket) => socket.on("error", () => undefined)).listen(0, "127.0.0.1");
    await new Promise((r) => engine.once("listening", r));
    const address = `127.0.0.1:${(engine.address() as net.AddressInfo).port}`;
    const host = await ProviderHost.start(REPO_ROOT, env, address);
    try {
      await startCreate(host);
      await sleep(2500); // the watchdog has seen the engine answer
      await new Promise((r) => engine.close(r));
      const ms = await exited(host.process, 15_000);
      console.log(`      host exited ${ms} ms after the engine went away`);
      const entries = new Journal(env.PULUMI_CELONIS_JOURNAL).entries();
      assert.equal(entries.length, 1, "the trigger stays in the journal");
      assert.equal(emu.loads(DEMO.model).at(-1)?.loadStatus, "RUNNING", "the load itself goes on");
    } finally {
      await host.stop();
    }
  });

  it("exits when its output pipe breaks instead of spinning on EPIPE", async () => {
    emu.reset();
    const host = await ProviderHost.start(REPO_ROOT, env);
    try {
      await startCreate(host);
      host.process.stdout!.destroy(); // what a killed engine does to the pipe
      host.process.stderr!.destroy();
      const ms = await exited(host.process, 20_000);
      console.log(`      host exited ${ms} ms after its pipe closed`);
    } finally {
      await host.stop();
    }
  });
});
