// Reload windows, the expected duration and named connections under the real Pulumi engine (the
// pinned CLI, a file backend, the Automation API) against emulators: a reload outside its window
// (built relative to the current time) is deferred and loads once on the next `up` inside one; the
// preview shows the expected duration from the model's history and null without one; one program
// reloads the same ids on two emulators through two named connections, each seeing exactly its own
// load, with neither credential in the state or the output. Each test has a stack of its own.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { DataModelReload, type DataModelReloadArgs } from "../../provider";
import { expectedDuration } from "../../provider/expected-duration";
import { DAY_NAMES } from "../../provider/windows";
import { emulatorConfig, ensureToolchain, openStack, REPO_ROOT } from "../../scripts/stack";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";
import { readTree } from "../helpers/files";

const WORK = path.join(REPO_ROOT, ".test-work", "e2e-features");
const DAY_MS = 24 * 3600_000;
const dayOf = (t: number) => DAY_NAMES[(new Date(t).getUTCDay() + 6) % 7];

/** A stack of its own for one test, running `program` (resources by name → args). */
async function stackOf(
  name: string,
  program: () => Record<string, DataModelReloadArgs>,
  config: Record<string, { value: string; secret?: boolean }>,
): Promise<{ stack: Stack; workDir: string; output: string[] }> {
  const workDir = path.join(WORK, name);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const stack = await openStack({
    projectName: `celonis-e2e-${name}`,
    workDir,
    stateDir: path.join(workDir, "state"),
    program: async () => {
      const out: Record<string, unknown> = {};
      for (const [n, args] of Object.entries(program())) {
        const r = new DataModelReload(n, args);
        out[n] = { plan: r.plan, planStatus: r.planStatus, reloadCount: r.reloadCount };
      }
      return out;
    },
    config,
  });
  return { stack, workDir, output: [] };
}

describe("e2e: reload windows, expected duration and named connections", function () {
  this.timeout(180_000);
  let emu: Emulator;
  const loads = (e: Emulator) => e.requests().filter(isLoadTrigger);

  before(async () => {
    ensureToolchain();
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
  });
  after(async () => emu?.stop());

  it("outside its window a reload is deferred (preview says so), then loads once on the next up inside one", async () => {
    const closed = [dayOf(Date.now() + 3 * DAY_MS)];
    let windows = closed;
    const args = () => ({ sales: { poolId: DEMO.pool, dataModelId: DEMO.model, windows, timeZone: "UTC" } });
    const s = await stackOf("windows", args, emulatorConfig(emu.url, TEST_API_KEY));
    const print = (l: string) => void s.output.push(l);
    const preview = await s.stack.preview({ diff: true, onOutput: print });
    const next = `next opens ${closed[0]} 00:00 UTC`;
    assert.match(preview.stdout, new RegExp(`window\\s*:\\s*"deferred: outside the reload window, ${next}"`));
    assert.match(preview.stdout, /expectedSeconds\s*:\s*\d/);
    const up1 = await s.stack.up({ onOutput: print });
    assert.equal(up1.outputs.sales.value.planStatus, "deferred");
    assert.match(up1.stdout + s.output.join(""), /warning: .*deferred: outside the reload window/);
    assert.equal(loads(emu).length, 0, "nothing triggered outside the window");
    windows = [dayOf(Date.now())];
    const up2 = await s.stack.up({ onOutput: print });
    assert.equal(up2.outputs.sales.value.planStatus, "done");
    assert.equal(loads(emu).length, 1, "the deferred reload loaded once");
    const up3 = await s.stack.up({ onOutput: print });
    assert.equal(up3.outputs.sales.value.reloadCount, 1);
    assert.equal(loads(emu).length, 1, "and never again");
  });

  it("the preview shows the expected duration from the model's history, and null without one", async () => {
    const args = () => ({
      known: { poolId: DEMO.pool, dataModelId: DEMO.model },
      fresh: { poolId: DEMO.pool, dataModelId: DEMO.o2cModel },
    });
    const s = await stackOf("expected", args, emulatorConfig(emu.url, TEST_API_KEY));
    const preview = await s.stack.preview({ diff: true });
    const history = emu.state.loadInfoSync(DEMO.pool, DEMO.model);
    const seconds = expectedDuration(history, "COMPLETE").expectedSeconds;
    assert.equal(typeof seconds, "number", "the demo model has a COMPLETE load in its history");
    assert.match(preview.stdout, /expectedBasis\s*:\s*"history average of COMPLETE loads"/);
    assert.match(preview.stdout, new RegExp(`expectedSeconds\\s*:\\s*${seconds}\\s`));
    assert.match(preview.stdout, /expectedBasis\s*:\s*"unknown"/);
    assert.match(preview.stdout, /expectedSeconds\s*:\s*<null>/);
  });

  it("one program reloads the same ids on two emulators through two named connections, credentials kept out", async () => {
    const keys = { teamA: "team-a-key-4f1c9e", teamB: "team-b-key-8d27b3" };
    const teamA = await startEmulator({ port: 0, apiKeys: [keys.teamA], loadMs: 500 });
    const teamB = await startEmulator({ port: 0, apiKeys: [keys.teamB], loadMs: 500 });
    try {
      const model = { poolId: DEMO.pool, dataModelId: DEMO.model };
      let names = ["teamA", "teamB"];
      const program = () => Object.fromEntries(names.map((c) => [`sales-${c}`, { ...model, connection: c }]));
      const s = await stackOf("connections", program, {});
      for (const [name, emu2] of [
        ["teamA", teamA],
        ["teamB", teamB],
      ] as const) {
        await s.stack.setConfig(`celonis:connections.${name}.url`, { value: emu2.url }, true);
        await s.stack.setConfig(
          `celonis:connections.${name}.apiToken`,
          { value: keys[name], secret: true },
          true,
        );
      }
      const print = (l: string) => void s.output.push(l);
      const up = await s.stack.up({ onOutput: print });
      assert.equal(up.summary.result, "succeeded");
      assert.equal(loads(teamA).length, 1, "team A's emulator: exactly its own load");
      assert.equal(loads(teamB).length, 1, "team B's emulator: exactly its own load");
      const [a, b] = [teamA, teamB].map((e) => e.loads(DEMO.model).filter((l) => l.loadType === "COMPLETE"));
      const overlap = (x: (typeof a)[0], y: (typeof b)[0]) =>
        x.startDate! < y.endDate! && y.startDate! < x.endDate!;
      assert.ok(overlap(a.at(-1)!, b.at(-1)!), "the two loads ran at the same time");
      const files = readTree(s.workDir) + s.output.join("");
      for (const key of Object.values(keys))
        assert.ok(!files.includes(key), "a credential in state or output");
      names = ["nope"];
      await assert.rejects(
        s.stack.preview({ onOutput: print }),
        /connection "nope" is not configured: configured connections are "teamA", "teamB"/,
      );
    } finally {
      await teamA.stop();
      await teamB.stop();
    }
  });
});
