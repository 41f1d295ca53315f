// Upgrading from a released version: the state a stack of pulumi-celonis 0.1.0 left behind
// (tests/fixtures/baseline-0.1.0, recorded by scripts/make-baseline.ts from the packed v0.1.0 install)
// is imported into a fresh stack whose node_modules/pulumi-celonis is this checkout. The current code
// must preview it with the same inputs as no change and no load, turn one changed trigger into exactly
// one load of the right scope, and still run the 0.1.0 provider shim kept in the state. Counted from
// the emulator's side.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import {
  BASELINE_API_KEY,
  BASELINE_DIR,
  baselineProgram,
  readBaselineInputs,
  type BaselineInputs,
  type ReloadClass,
} from "../../scripts/make-baseline";
import { emulatorConfig, ensureToolchain, openStack, REPO_ROOT } from "../../scripts/stack";
import { DEMO } from "../helpers/emulator";

const WORK = path.join(REPO_ROOT, ".test-work", "upgrade");

interface StoredResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

describe("e2e: upgrading a stack made by pulumi-celonis 0.1.0", function () {
  this.timeout(180_000);
  let emu: Emulator;
  const baselineText = fs.readFileSync(path.join(BASELINE_DIR, "state.json"), "utf8");
  const baseline = JSON.parse(baselineText) as { deployment: { resources: StoredResource[] } };
  const stored = (name: string): Record<string, unknown> =>
    baseline.deployment.resources.find((r) => r.urn.endsWith(`::${name}`))!.outputs!;

  before(async () => {
    ensureToolchain();
    emu = await startEmulator({ port: 0, apiKeys: [BASELINE_API_KEY], loadMs: 300 });
  });
  after(async () => {
    await emu?.stop();
  });

  /** A fresh project (pulumi-celonis linked to this checkout) and stack holding the 0.1.0 state. */
  async function importBaseline(name: string, inputs: BaselineInputs): Promise<Stack> {
    const dir = path.join(WORK, name);
    fs.rmSync(dir, { recursive: true, force: true });
    const project = path.join(dir, "project");
    fs.mkdirSync(path.join(project, "node_modules"), { recursive: true });
    fs.symlinkSync(REPO_ROOT, path.join(project, "node_modules", "pulumi-celonis"), "junction");
    const current = require(require.resolve("pulumi-celonis", { paths: [project] })) as {
      DataModelReload: ReloadClass;
    };
    const stack = await openStack({
      projectName: inputs.project,
      stackName: inputs.stack,
      workDir: project,
      stateDir: path.join(dir, "state"),
      program: baselineProgram(current.DataModelReload, inputs),
      config: emulatorConfig(emu.url, BASELINE_API_KEY),
    });
    // The Celonis the baseline talked to is this emulator: refresh and destroy use the state's config.
    const recordedUrl = stored("default")["celonis:url"] as string;
    await stack.importStack(JSON.parse(baselineText.split(recordedUrl).join(emu.url)));
    emu.reset();
    return stack;
  }

  const loadPosts = () =>
    emu.requests().filter((r) => r.method === "POST" && /\/(load|load\/partial-sync|reload)$/.test(r.path));
  async function reloadOutputs(stack: Stack, name: string): Promise<Record<string, unknown>> {
    const state = (await stack.exportStack()).deployment as { resources: StoredResource[] };
    return state.resources.find((r) => r.urn.endsWith(`::${name}`))!.outputs!;
  }

  it("previews the 0.1.0 state with the same inputs as no change, and starts no load", async () => {
    const stack = await importBaseline("same", readBaselineInputs());
    const preview = await stack.preview({ diff: true });
    const changed = Object.entries(preview.changeSummary).filter(([op, n]) => op !== "same" && n > 0);
    assert.deepEqual(changed, [], preview.stdout);
    assert.equal(loadPosts().length, 0);
    const up = await stack.up();
    assert.equal(loadPosts().length, 0, "up of the unchanged program loads nothing");
    assert.equal(up.summary.result, "succeeded");
  });

  it("one changed tableTrigger after the upgrade: exactly one partial load of that table; outputs follow", async () => {
    const inputs = readBaselineInputs();
    const p2p = inputs.resources["p2p-tables"] as { tableTriggers: Record<string, string> };
    p2p.tableTriggers = { ...p2p.tableTriggers, ACTIVITIES: "schema-2" };
    const stack = await importBaseline("changed", inputs);
    const before = stored("p2p-tables");

    const up = await stack.up();
    assert.equal(up.summary.result, "succeeded");
    const posts = loadPosts();
    assert.equal(posts.length, 1, JSON.stringify(posts));
    assert.match(posts[0].path, new RegExp(`${DEMO.model}/load/partial-sync$`));
    assert.deepEqual(posts[0].body, [DEMO.tables.ACTIVITIES]);
    const [load] = emu.loads(DEMO.model).slice(-1);
    assert.equal(load.loadType, "PARTIAL");

    const after = await reloadOutputs(stack, "p2p-tables");
    const lastLoad = after.lastLoad as { loadId: string; status: string };
    assert.equal(lastLoad.loadId, load.dataLoadId);
    assert.equal(lastLoad.status, "SUCCESS");
    assert.notEqual(lastLoad.loadId, (before.lastLoad as { loadId: string }).loadId);
    assert.equal(after.reloadCount, (before.reloadCount as number) + 1);
    assert.deepEqual(after.tableTriggers, p2p.tableTriggers);
  });

  it("refresh and destroy run through the 0.1.0 provider shim kept in the state, and load nothing", async () => {
    const stack = await importBaseline("shim", readBaselineInputs());
    const refreshed = await stack.refresh();
    assert.equal(refreshed.summary.result, "succeeded");
    const destroyed = await stack.destroy();
    assert.equal(destroyed.summary.result, "succeeded");
    assert.equal(loadPosts().length, 0);
  });
});
