// Every example project under the real engine against the emulator, as `npm run stack -- <name> up`
// runs it: what each README promises is what the emulator's request log shows. An example whose
// resource plugin cannot be had on this machine is skipped with the reason, never passed.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import {
  emulatorConfig,
  ensureToolchain,
  exampleProgram,
  missingPlugins,
  openStack,
  REPO_ROOT,
  skipMessage,
} from "../../scripts/stack";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";

const STATE = path.join(REPO_ROOT, ".test-work", "examples-state");

describe("e2e: the examples", function () {
  this.timeout(180_000);
  let emu: Emulator;

  before(async () => {
    ensureToolchain();
    fs.rmSync(STATE, { recursive: true, force: true });
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 400 });
  });
  beforeEach(() => emu.reset());
  after(async () => {
    await emu?.stop();
  });

  async function run(name: string, config: Record<string, string> = {}) {
    const dir = path.join(REPO_ROOT, "examples", name);
    const stack = await openStack({
      projectName: name,
      stackName: "e2e",
      workDir: dir,
      stateDir: STATE,
      program: exampleProgram(dir),
      config: {
        ...emulatorConfig(emu.url, TEST_API_KEY),
        ...Object.fromEntries(Object.entries(config).map(([k, v]) => [`${name}:${k}`, { value: v }])),
      },
    });
    return stack;
  }
  const posts = () => emu.requests().filter((r) => r.method === "POST" && r.status < 300);

  it("quickstart: one complete load, then nothing", async () => {
    const stack = await run("quickstart");
    try {
      const up = await stack.up();
      assert.equal(up.outputs.status.value, "SUCCESS");
      assert.deepEqual(
        posts().map((r) => r.query.fullReload),
        ["true"],
      );
      const again = await stack.preview();
      assert.deepEqual(again.changeSummary, { same: 2 });
    } finally {
      await stack.destroy();
      await stack.workspace.removeStack("e2e");
    }
  });

  it("partial-by-name: names and an alias resolve; one config change reloads one table", async () => {
    const stack = await run("partial-by-name");
    try {
      await stack.up();
      const first = posts();
      assert.equal(first.length, 1);
      assert.deepEqual(
        new Set(first[0].body as string[]),
        new Set([DEMO.tables.ACTIVITIES, DEMO.tables.CASES, DEMO.tables.VENDORS]),
      );
      emu.clearRequests();
      await stack.setConfig("partial-by-name:activitiesVersion", { value: "v2" });
      const up = await stack.up();
      assert.deepEqual(
        posts().map((r) => r.body),
        [[DEMO.tables.ACTIVITIES]],
      );
      assert.deepEqual(up.outputs.reloadedTables.value, ["ACTIVITIES"]);
    } finally {
      await stack.destroy();
      await stack.workspace.removeStack("e2e");
    }
  });

  it("multi-model: parallel across models; two reloads of one model share one load", async () => {
    const stack = await run("multi-model");
    try {
      const up = await stack.up();
      for (const [k, v] of Object.entries(up.outputs)) assert.equal(v.value, "SUCCESS", k);
      const p2p = emu.loads(DEMO.model).slice(1); // after the seeded load
      assert.equal(p2p.length, 1, "p2p and p2p-vendors share one load");
      assert.equal(p2p[0].loadType, "COMPLETE", "the whole-model reload covers VENDORS too");
      const others = [emu.loads(DEMO.o2cModel).at(-1)!, emu.loads(DEMO.apModel).at(-1)!];
      const overlapsAcross = others.some(
        (l) => l.startDate! < p2p[0].endDate! && l.endDate! > p2p[0].startDate!,
      );
      assert.ok(overlapsAcross, "loads of different models ran one after another");
    } finally {
      await stack.destroy();
      await stack.workspace.removeStack("e2e");
    }
  });

  it("after-command: the reload runs after the command and is triggered by its output", async function () {
    const missing = missingPlugins(path.join(REPO_ROOT, "examples", "after-command"));
    if (missing.length > 0) {
      console.log(`      ${skipMessage(missing)}`);
      this.skip();
    }
    const stack = await run("after-command");
    try {
      const up = await stack.up();
      assert.equal(up.outputs.status.value, "SUCCESS");
      assert.match(String(up.outputs.extractOutput.value), /extract/);
    } finally {
      await stack.destroy();
      await stack.workspace.removeStack("e2e");
    }
  });

  it("night-window: outside its windows production is deferred and loads nothing; the preview knows its duration", async () => {
    const closed = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][(new Date().getUTCDay() + 9) % 7];
    const stack = await run("night-window", { windows: JSON.stringify([closed]) });
    try {
      const up = await stack.up();
      assert.equal(up.outputs.productionStatus.value, "deferred");
      assert.equal(typeof up.outputs.productionExpectedSeconds.value, "number");
      assert.equal(posts().length, 0, "nothing triggered outside the window");
    } finally {
      await stack.destroy();
      await stack.workspace.removeStack("e2e");
    }
  });
});
