// End to end under the real Pulumi engine (the pinned CLI, a file backend, the SDK's language server
// via the Automation API) against the emulator: previews name what will reload and why, `up` does
// exactly that, failures are retried or adopted on the next `up`, refresh and destroy behave, and no
// credential reaches the state files or the CLI output.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../emulator";
import { DataModelReload, type DataModelReloadArgs } from "../../provider";
import * as celonisProvider from "../../provider/provider";
import { OUTPUT_PLACEHOLDERS } from "../../provider/resource";
import { serializeProvider } from "../helpers/host";
import { emulatorConfig, ensureToolchain, openStack, REPO_ROOT } from "../../scripts/stack";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";

const WORK = path.join(REPO_ROOT, ".test-work", "e2e");

/** Every file below `dir`, as text. */
function readTree(dir: string): string {
  if (!fs.existsSync(dir)) return "";
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"))
    .join("\n");
}

describe("e2e: DataModelReload under the real pulumi engine", function () {
  this.timeout(180_000);
  let emu: Emulator;
  let stack: Stack;
  let args: DataModelReloadArgs;
  let upgraded = false;
  const output: string[] = [];
  const print = (s: string) => output.push(s);

  // A provider whose code differs from celonisProvider (so its serialized text does too) but that
  // behaves the same: what a user gets after upgrading the package.
  const upgradedProvider: pulumi.dynamic.ResourceProvider = {
    ...celonisProvider,
    read: (id, props) => celonisProvider.read!(id, props), // v2: same behaviour, new code
  };
  class UpgradedReload extends pulumi.dynamic.Resource {
    constructor(name: string, a: DataModelReloadArgs) {
      super(upgradedProvider, name, { ...a, ...OUTPUT_PLACEHOLDERS }, {}, "celonis", "DataModelReload");
    }
  }

  const program = async () => {
    const r = upgraded ? new UpgradedReload("sales", args) : new DataModelReload("sales", args);
    const o = r as unknown as DataModelReload;
    return { plan: o.plan, planStatus: o.planStatus, lastLoad: o.lastLoad, reloadCount: o.reloadCount };
  };

  const loadTriggers = () =>
    emu
      .requests()
      .filter((r) => r.method === "POST" && /\/load(\/partial-sync)?$/.test(r.path) && r.status < 300);
  const tableId = (name: string) =>
    emu.state.tables(DEMO.pool, DEMO.model).find((t) => t.aliasOrName === name || t.name === name)!.id;
  async function resourceOutputs(): Promise<Record<string, unknown>> {
    const state = await stack.exportStack();
    const res = (state.deployment.resources as { type: string; outputs: Record<string, unknown> }[]).find(
      (r) => r.type.endsWith("celonis:DataModelReload"),
    );
    return res!.outputs;
  }

  before(async () => {
    ensureToolchain();
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(path.join(WORK, "project"), { recursive: true });
    fs.mkdirSync(path.join(WORK, "project-nocreds"), { recursive: true });
    fs.mkdirSync(path.join(WORK, "project-chain"), { recursive: true });
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
    stack = await openStack({
      projectName: "celonis-e2e",
      workDir: path.join(WORK, "project"),
      stateDir: path.join(WORK, "state"),
      program,
      config: emulatorConfig(emu.url, TEST_API_KEY),
    });
  });
  after(async () => {
    await emu?.stop();
  });

  it("preview names the tables and why; up runs exactly that; a second up does nothing", async () => {
    args = {
      poolId: DEMO.pool,
      dataModelId: DEMO.model,
      tables: ["ACTIVITIES", "VENDORS"],
      tableTriggers: { ACTIVITIES: "v1" },
    };
    const preview = await stack.preview({ diff: true, onOutput: print });
    assert.equal(preview.changeSummary.create, 2);
    assert.match(preview.stdout, /action\s*:\s*"reload"/);
    assert.match(preview.stdout, /loadType\s*:\s*"PARTIAL"/);
    assert.match(preview.stdout, /"ACTIVITIES"[\s\S]*"VENDORS"/);
    assert.match(preview.stdout, /"created"/);
    assert.equal(loadTriggers().length, 0, "preview triggers nothing");

    const up = await stack.up({ onOutput: print });
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
    const again = await stack.up({ onOutput: print });
    assert.deepEqual(again.summary.resourceChanges, { same: 2 });
    assert.equal(loadTriggers().length, 0);
  });

  it("changing one tableTriggers value reloads only that table", async () => {
    args = { ...args, tableTriggers: { ACTIVITIES: "v2" } };
    const preview = await stack.preview({ diff: true, onOutput: print });
    assert.equal(preview.changeSummary.update, 1);
    assert.match(preview.stdout, /tableTriggers\.ACTIVITIES changed/);
    emu.clearRequests();
    await stack.up({ onOutput: print });
    assert.equal(loadTriggers().length, 1);
    assert.deepEqual(loadTriggers()[0].body, [tableId("ACTIVITIES")]);
  });

  it("adding a table reloads only it", async () => {
    args = { ...args, tables: ["ACTIVITIES", "VENDORS", "INVOICES"] };
    const preview = await stack.preview({ diff: true, onOutput: print });
    assert.match(preview.stdout, /tables added: INVOICES/);
    emu.clearRequests();
    await stack.up({ onOutput: print });
    assert.deepEqual(
      loadTriggers().map((r) => r.body),
      [[tableId("INVOICES")]],
    );
  });

  it("changing triggers reloads the whole scope", async () => {
    args = { ...args, triggers: ["deploy-2"] };
    emu.clearRequests();
    const up = await stack.up({ onOutput: print });
    assert.match(up.stdout, /triggers changed/);
    assert.equal(loadTriggers().length, 1);
    assert.deepEqual(
      new Set(loadTriggers()[0].body as string[]),
      new Set(["ACTIVITIES", "VENDORS", "INVOICES"].map(tableId)),
    );
  });

  it("a secret trigger stays secret in state and output, and its change still reloads", async () => {
    const secret = "s3cret-trigger-5e1f";
    args = { ...args, triggers: [pulumi.secret(secret)] };
    emu.clearRequests();
    const up = await stack.up({ onOutput: print });
    assert.equal(loadTriggers().length, 1);
    assert.match(up.stdout, /triggers changed \(triggers\[0\]\)/);
    // The Automation API's export decrypts secrets ("plaintext"); the files on disk must not.
    const triggers = (await resourceOutputs()).triggers as Record<string, unknown>;
    assert.ok("4dabf18193072939515e22adb298388d" in triggers, "triggers stored as a secret");
    const where = (text: string) =>
      text.slice(Math.max(0, text.indexOf(secret) - 300), text.indexOf(secret) + 50);
    assert.ok(!readTree(WORK).includes(secret), `state files: ${where(readTree(WORK))}`);
    assert.ok(!output.join("").includes(secret), `CLI output: ${where(output.join(""))}`);
  });

  it("changing only timeoutSeconds reloads nothing", async () => {
    args = { ...args, timeoutSeconds: 900 };
    emu.clearRequests();
    const up = await stack.up({ onOutput: print });
    assert.equal(up.summary.resourceChanges?.update, 1);
    assert.equal(loadTriggers().length, 0);
    assert.equal((await resourceOutputs()).timeoutSeconds, 900);
  });

  it("upgrading nothing but provider code reloads nothing and shows no change", async () => {
    const [current, next] = await Promise.all([
      serializeProvider(celonisProvider),
      serializeProvider(upgradedProvider),
    ]);
    assert.notEqual(
      next,
      current,
      "the upgraded provider serializes differently, as a new package version would",
    );
    upgraded = true;
    try {
      const before = (await resourceOutputs()).__provider as string;
      emu.clearRequests();
      const up = await stack.up({ onOutput: print });
      assert.deepEqual(up.summary.resourceChanges, { same: 2 });
      assert.equal(loadTriggers().length, 0);
      assert.notEqual(before, undefined);
    } finally {
      upgraded = false;
    }
  });

  it("a load ending ERROR fails up with Celonis's message; the next up retries it", async () => {
    emu.setBehaviour(DEMO.model, {
      outcome: "ERROR",
      message: "Table 'INVOICES': column INVOICE_KEY not found",
      times: 1,
    });
    args = { ...args, triggers: ["deploy-3"] };
    emu.clearRequests();
    await assert.rejects(
      stack.up({ onOutput: print }),
      /ended ERROR: Table 'INVOICES': column INVOICE_KEY not found/,
    );
    const failed = await resourceOutputs();
    assert.equal(failed.planStatus, "owed");
    assert.equal((failed.lastLoad as { status: string }).status, "ERROR");

    const preview = await stack.preview({ diff: true, onOutput: print });
    assert.equal(preview.changeSummary.update, 1, "the owed reload shows in the preview");
    const up = await stack.up({ onOutput: print });
    assert.equal(up.summary.result, "succeeded");
    assert.equal(loadTriggers().length, 2, "the failed load and its retry");
    assert.equal((await resourceOutputs()).planStatus, "done");
  });

  it("a timed-out load is adopted by the next up, not triggered again", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 5000, times: 1 });
    args = { ...args, triggers: ["deploy-4"], timeoutSeconds: 1 };
    emu.clearRequests();
    await assert.rejects(
      stack.up({ onOutput: print }),
      /Timed out after 1s[\s\S]*waits for it instead of starting another/,
    );
    const timedOut = await resourceOutputs();
    assert.equal(timedOut.planStatus, "running");
    args = { ...args, timeoutSeconds: 60 };
    const up = await stack.up({ onOutput: print });
    assert.equal(up.summary.result, "succeeded");
    assert.equal(loadTriggers().length, 1, "one trigger across both runs");
    const done = await resourceOutputs();
    assert.equal(
      (done.lastLoad as { loadId: string }).loadId,
      (timedOut.lastLoad as { loadId: string }).loadId,
    );
    assert.equal((done.lastLoad as { status: string }).status, "SUCCESS");
  });

  it("refresh updates lastLoad after a load started outside Pulumi", async () => {
    const outside = emu.startLoad(DEMO.model);
    await stack.refresh({ onOutput: print });
    assert.equal(((await resourceOutputs()).lastLoad as { loadId: string }).loadId, outside.dataLoadId);
    await new Promise((r) => setTimeout(r, 500));
  });

  it("an unknown table name fails the preview with suggestions", async () => {
    const saved = args;
    args = { ...args, tables: ["ACTIVITIES", "INVOICE"] };
    try {
      await assert.rejects(
        stack.preview({ onOutput: print }),
        /"INVOICE" matches no table \(did you mean "INVOICES"\?\)/,
      );
    } finally {
      args = saved;
    }
  });

  it("a reload chained to another's output previews as decided at deploy time, then reloads after it", async () => {
    let version = "1";
    const chain = await openStack({
      projectName: "celonis-e2e-chain",
      workDir: path.join(WORK, "project-chain"),
      stateDir: path.join(WORK, "state"),
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
    await chain.up({ onOutput: print });
    version = "2";
    const preview = await chain.preview({ diff: true, onOutput: print });
    assert.equal(preview.changeSummary.update, 2, "the dependent reload shows as an update too");
    assert.match(
      preview.stdout,
      /triggers not known until deploy: whether and what to reload is decided then/,
    );
    emu.clearRequests();
    const up = await chain.up({ onOutput: print });
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
    emu.clearRequests();
    await stack.destroy({ onOutput: print });
    assert.equal(emu.requests().filter((r) => r.method === "POST").length, 0);
  });

  it("missing credentials fail the preview naming the config keys", async () => {
    const bare = await openStack({
      projectName: "celonis-e2e-nocreds",
      workDir: path.join(WORK, "project-nocreds"),
      stateDir: path.join(WORK, "state"),
      program,
      env: { CELONIS_URL: "", CELONIS_API_TOKEN: "", OAUTH_CLIENT_ID: "" },
    });
    await assert.rejects(bare.preview({ onOutput: print }), /celonis:url[\s\S]*CELONIS_URL/);
  });

  it("the state files and the CLI output contain no credential", () => {
    const everything = readTree(WORK) + output.join("");
    assert.ok(everything.includes("celonis:DataModelReload"), "the search covered the state");
    assert.ok(!everything.includes(TEST_API_KEY));
  });
});
