// End to end under the real Pulumi engine (the pinned CLI, a file backend, the SDK's language server
// via the Automation API) against the emulator: previews name what will reload and why, `up` does
// exactly that, failures are retried or adopted on the next `up`, refresh and destroy behave, and no
// credential reaches the state files or the CLI output. Each test deploys a stack of its own, so any
// one runs alone (MOCHA_GREP).

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { DataModelReload, type DataModelReloadArgs } from "../../provider";
import * as celonisProvider from "../../provider/provider";
import { OUTPUT_PLACEHOLDERS } from "../../provider/resource";
import { serializeProvider } from "../helpers/host";
import { emulatorConfig, ensureToolchain, openStack, REPO_ROOT } from "../../scripts/stack";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";
import { readTree } from "../helpers/files";

const WORK = path.join(REPO_ROOT, ".test-work", "e2e");

// A provider whose code differs from celonisProvider (so its serialized text does too) but that
// behaves the same: what a user gets after upgrading the package.
const upgradedProvider: pulumi.dynamic.ResourceProvider = {
  ...celonisProvider,
  read: (id, props) => celonisProvider.read(id, props), // v2: same behaviour, new code
};
class UpgradedReload extends pulumi.dynamic.Resource {
  constructor(name: string, a: DataModelReloadArgs) {
    super(upgradedProvider, name, { ...a, ...OUTPUT_PLACEHOLDERS }, {}, "celonis", "DataModelReload");
  }
}

/** One test's stack of one DataModelReload ("sales"), its arguments, and what the CLI printed. */
interface Deployed {
  stack: Stack;
  workDir: string;
  output: string[];
  print: (s: string) => boolean;
  args: DataModelReloadArgs;
  upgraded: boolean;
  /** The resource's outputs in the state (exportStack decrypts secrets: search the files instead). */
  outputs(): Promise<Record<string, unknown>>;
}

const PARTIAL: DataModelReloadArgs = {
  poolId: DEMO.pool,
  dataModelId: DEMO.model,
  tables: ["ACTIVITIES", "VENDORS"],
  tableTriggers: { ACTIVITIES: "v1" },
};

describe("e2e: DataModelReload under the real pulumi engine", function () {
  this.timeout(180_000);
  let emu: Emulator;

  const loadTriggers = () => emu.requests().filter(isLoadTrigger);
  const tableId = (name: string) =>
    emu.state.tables(DEMO.pool, DEMO.model).find((t) => t.aliasOrName === name || t.name === name)!.id;

  /** A stack of its own for one test, created with `args`, and (unless `up` is false) deployed. */
  async function deployed(name: string, args: DataModelReloadArgs, up = true): Promise<Deployed> {
    const workDir = path.join(WORK, name);
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true });
    const output: string[] = [];
    const d: Deployed = {
      workDir,
      output,
      print: (s) => output.push(s) > 0,
      args,
      upgraded: false,
      stack: undefined as unknown as Stack,
      outputs: async () => {
        const state = await d.stack.exportStack();
        const res = (state.deployment.resources as { type: string; outputs: Record<string, unknown> }[]).find(
          (r) => r.type.endsWith("celonis:DataModelReload"),
        );
        return res!.outputs;
      },
    };
    d.stack = await openStack({
      projectName: `celonis-e2e-${name}`,
      workDir,
      stateDir: path.join(workDir, "state"),
      program: async () => {
        const r = d.upgraded ? new UpgradedReload("sales", d.args) : new DataModelReload("sales", d.args);
        const o = r as unknown as DataModelReload;
        return { plan: o.plan, planStatus: o.planStatus, lastLoad: o.lastLoad, reloadCount: o.reloadCount };
      },
      config: emulatorConfig(emu.url, TEST_API_KEY),
    });
    if (up) await d.stack.up({ onOutput: d.print });
    emu.clearRequests(); // the test counts what happens from here
    return d;
  }

  before(async () => {
    ensureToolchain();
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
  });
  beforeEach(() => emu.reset());
  after(async () => emu?.stop());

  it("preview names the tables and why; up runs exactly that; a second up does nothing", async () => {
    const d = await deployed("first", PARTIAL, false);
    const preview = await d.stack.preview({ diff: true, onOutput: d.print });
    assert.equal(preview.changeSummary.create, 2);
    assert.match(preview.stdout, /action\s*:\s*"reload"/);
    assert.match(preview.stdout, /loadType\s*:\s*"PARTIAL"/);
    assert.match(preview.stdout, /"ACTIVITIES"[\s\S]*"VENDORS"/);
    assert.match(preview.stdout, /"created"/);
    assert.equal(loadTriggers().length, 0, "preview triggers nothing");

    const up = await d.stack.up({ onOutput: d.print });
    assert.equal(up.summary.result, "succeeded");
    const [t] = loadTriggers();
    assert.equal(loadTriggers().length, 1);
    assert.match(t.path, /partial-sync$/);
    assert.deepEqual(new Set(t.body as string[]), new Set([tableId("ACTIVITIES"), tableId("VENDORS")]));
    assert.equal((up.outputs.lastLoad.value as { status: string }).status, "SUCCESS");
    assert.match(
      up.stdout,
      /triggering a PARTIAL load of tables ACTIVITIES, VENDORS/,
      "progress lines reach the CLI output",
    );

    emu.clearRequests();
    const again = await d.stack.up({ onOutput: d.print });
    assert.deepEqual(again.summary.resourceChanges, { same: 2 });
    assert.equal(loadTriggers().length, 0);
  });

  it("changing one tableTriggers value reloads only that table", async () => {
    const d = await deployed("table-trigger", PARTIAL);
    d.args = { ...PARTIAL, tableTriggers: { ACTIVITIES: "v2" } };
    const preview = await d.stack.preview({ diff: true, onOutput: d.print });
    assert.equal(preview.changeSummary.update, 1);
    assert.match(preview.stdout, /tableTriggers\.ACTIVITIES changed/);
    await d.stack.up({ onOutput: d.print });
    assert.equal(loadTriggers().length, 1);
    assert.deepEqual(loadTriggers()[0].body, [tableId("ACTIVITIES")]);
  });

  it("adding a table reloads only it", async () => {
    const d = await deployed("add-table", PARTIAL);
    d.args = { ...PARTIAL, tables: ["ACTIVITIES", "VENDORS", "INVOICES"] };
    const preview = await d.stack.preview({ diff: true, onOutput: d.print });
    assert.match(preview.stdout, /tables added: INVOICES/);
    await d.stack.up({ onOutput: d.print });
    assert.deepEqual(
      loadTriggers().map((r) => r.body),
      [[tableId("INVOICES")]],
    );
  });

  it("changing triggers reloads the whole scope", async () => {
    const d = await deployed("triggers", { ...PARTIAL, triggers: ["deploy-1"] });
    d.args = { ...PARTIAL, triggers: ["deploy-2"] };
    const up = await d.stack.up({ onOutput: d.print });
    assert.match(up.stdout, /triggers changed/);
    assert.equal(loadTriggers().length, 1);
    assert.deepEqual(
      new Set(loadTriggers()[0].body as string[]),
      new Set(["ACTIVITIES", "VENDORS"].map(tableId)),
    );
  });

  it("a secret trigger stays secret in state and output, and its change still reloads", async () => {
    const secret = "s3cret-trigger-5e1f";
    const d = await deployed("secret", { ...PARTIAL, triggers: ["plain"] });
    d.args = { ...PARTIAL, triggers: [pulumi.secret(secret)] };
    const up = await d.stack.up({ onOutput: d.print });
    assert.equal(loadTriggers().length, 1);
    assert.match(up.stdout, /triggers changed \(triggers\[0\]\)/);
    // The Automation API's export decrypts secrets ("plaintext"); the files on disk must not.
    const triggers = (await d.outputs()).triggers as Record<string, unknown>;
    assert.ok("4dabf18193072939515e22adb298388d" in triggers, "triggers stored as a secret");
    const files = readTree(d.workDir);
    assert.ok(files.includes("celonis:DataModelReload"), "the search covered the state");
    assert.ok(!files.includes(secret), "state files");
    assert.ok(!d.output.join("").includes(secret), "CLI output");
  });

  it("changing only timeoutSeconds reloads nothing", async () => {
    const d = await deployed("options", PARTIAL);
    d.args = { ...PARTIAL, timeoutSeconds: 900 };
    const up = await d.stack.up({ onOutput: d.print });
    assert.equal(up.summary.resourceChanges?.update, 1);
    assert.equal(loadTriggers().length, 0);
    assert.equal((await d.outputs()).timeoutSeconds, 900);
  });

  it("upgrading nothing but provider code reloads nothing and shows no change", async () => {
    const d = await deployed("upgrade", PARTIAL);
    const [current, next] = await Promise.all([
      serializeProvider(celonisProvider),
      serializeProvider(upgradedProvider),
    ]);
    assert.notEqual(
      next,
      current,
      "the upgraded provider serializes differently, as a new package version would",
    );
    d.upgraded = true;
    const up = await d.stack.up({ onOutput: d.print });
    assert.deepEqual(up.summary.resourceChanges, { same: 2 });
    assert.equal(loadTriggers().length, 0);
  });

  it("a load ending ERROR fails up with Celonis's message; the next up retries it", async () => {
    const d = await deployed("error", PARTIAL);
    emu.setBehaviour(DEMO.model, {
      outcome: "ERROR",
      message: "Table 'INVOICES': column INVOICE_KEY not found",
      times: 1,
    });
    d.args = { ...PARTIAL, triggers: ["deploy-3"] };
    await assert.rejects(
      d.stack.up({ onOutput: d.print }),
      /ended ERROR: Table 'INVOICES': column INVOICE_KEY not found/,
    );
    const failed = await d.outputs();
    assert.equal(failed.planStatus, "owed");
    assert.equal((failed.lastLoad as { status: string }).status, "ERROR");

    const preview = await d.stack.preview({ diff: true, onOutput: d.print });
    assert.equal(preview.changeSummary.update, 1, "the owed reload shows in the preview");
    const up = await d.stack.up({ onOutput: d.print });
    assert.equal(up.summary.result, "succeeded");
    assert.equal(loadTriggers().length, 2, "the failed load and its retry");
    assert.equal((await d.outputs()).planStatus, "done");
  });

  it("a timed-out load is adopted by the next up, not triggered again", async () => {
    const d = await deployed("timeout", PARTIAL);
    emu.setBehaviour(DEMO.model, { durationMs: 5000, times: 1 });
    d.args = { ...PARTIAL, triggers: ["deploy-4"], timeoutSeconds: 1 };
    await assert.rejects(
      d.stack.up({ onOutput: d.print }),
      /Timed out after 1s[\s\S]*waits for it instead of starting another/,
    );
    const timedOut = await d.outputs();
    assert.equal(timedOut.planStatus, "running");
    d.args = { ...d.args, timeoutSeconds: 60 };
    const up = await d.stack.up({ onOutput: d.print });
    assert.equal(up.summary.result, "succeeded");
    assert.equal(loadTriggers().length, 1, "one trigger across both runs");
    const done = await d.outputs();
    const id = (o: Record<string, unknown>) => (o.planLoad as { loadId: string }).loadId;
    assert.equal(id(done), id(timedOut));
    assert.equal((done.lastLoad as { status: string }).status, "SUCCESS");
  });

  it("refresh updates lastLoad after a load started outside Pulumi", async () => {
    const d = await deployed("refresh", PARTIAL);
    const outside = emu.startLoad(DEMO.model);
    await d.stack.refresh({ onOutput: d.print });
    assert.equal(((await d.outputs()).lastLoad as { loadId: string }).loadId, outside.dataLoadId);
    await new Promise((r) => setTimeout(r, 500));
  });

  it("an unknown table name fails the preview with suggestions", async () => {
    const d = await deployed("unknown-table", { ...PARTIAL, tables: ["ACTIVITIES", "INVOICE"] }, false);
    await assert.rejects(
      d.stack.preview({ onOutput: d.print }),
      /"INVOICE" matches no table \(did you mean "INVOICES"\?\)/,
    );
  });

  it("a reload chained to another's output previews as decided at deploy time, then reloads after it", async () => {
    let version = "1";
    const workDir = path.join(WORK, "chain");
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true });
    const chain = await openStack({
      projectName: "celonis-e2e-chain",
      workDir,
      stateDir: path.join(workDir, "state"),
      program: async () => {
        const first = new DataModelReload("p2p", {
          poolId: DEMO.pool,
          dataModelId: DEMO.model,
          triggers: [version],
        });
        const second = new DataModelReload("o2c", {
          poolId: DEMO.pool,
          dataModelId: DEMO.o2cModel,
          tables: ["SALES_ORDERS"],
          triggers: [first.lastLoad.apply((l) => l?.loadId ?? null)],
        });
        return { firstLoad: first.lastLoad, secondLoad: second.lastLoad };
      },
      config: emulatorConfig(emu.url, TEST_API_KEY),
    });
    await chain.up();
    version = "2";
    const preview = await chain.preview({ diff: true });
    assert.equal(preview.changeSummary.update, 2, "the dependent reload shows as an update too");
    assert.match(
      preview.stdout,
      /triggers not known until deploy: whether and what to reload is decided then/,
    );
    emu.clearRequests();
    const up = await chain.up();
    const posts = emu.requests().filter((r) => r.method === "POST" && r.status < 300);
    assert.deepEqual(
      posts.map((r) => r.path.includes(DEMO.o2cModel)),
      [false, true],
      "the first model loads, then the one chained to it",
    );
    const first = up.outputs.firstLoad.value as { finishedAt: string };
    const second = up.outputs.secondLoad.value as { startedAt: string };
    assert.ok(second.startedAt >= first.finishedAt);
    await chain.destroy();
  });

  it("destroy triggers nothing", async () => {
    const d = await deployed("destroy", PARTIAL);
    await d.stack.destroy({ onOutput: d.print });
    assert.equal(emu.requests().filter((r) => r.method === "POST").length, 0);
  });

  it("missing credentials fail the preview naming the config keys", async () => {
    const workDir = path.join(WORK, "nocreds");
    fs.mkdirSync(workDir, { recursive: true });
    const bare = await openStack({
      projectName: "celonis-e2e-nocreds",
      workDir,
      stateDir: path.join(workDir, "state"),
      program: async () => {
        new DataModelReload("sales", PARTIAL);
      },
      env: { CELONIS_URL: "", CELONIS_API_TOKEN: "", OAUTH_CLIENT_ID: "" },
    });
    await assert.rejects(bare.preview(), /celonis:url[\s\S]*CELONIS_URL/);
  });

  it("the state files and the CLI output contain no credential", async () => {
    const d = await deployed("no-credential", PARTIAL);
    await d.stack.refresh({ onOutput: d.print });
    d.args = { ...PARTIAL, triggers: ["x"] };
    await d.stack.up({ onOutput: d.print });
    const files = readTree(d.workDir);
    assert.ok(files.includes("celonis:DataModelReload"), "the search covered the state");
    const everything = files + d.output.join("");
    assert.ok(!everything.includes(TEST_API_KEY));
  });
});
