// End to end under the real Pulumi engine (Automation API, the pinned CLI, a file backend) against
// the emulator: a TypeScript program finds its data pool and data model by name and feeds their ids
// to a DataModelReload; the preview already names the right model's tables, `up` loads that model
// once, and no credential reaches the state or the output.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { DataModelReload, getDataModelOutput, getDataPool, getDataPoolOutput } from "../../provider";
import { emulatorConfig, ensureToolchain, openStack, REPO_ROOT } from "../../scripts/stack";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";
import { readTree } from "../helpers/files";

const WORK = path.join(REPO_ROOT, ".test-work", "e2e-lookups");

describe("e2e: lookups by name feed a DataModelReload", function () {
  this.timeout(180_000);
  let emu: Emulator;
  before(async () => {
    ensureToolchain();
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
  });
  after(async () => emu?.stop());

  it("a model found by name (pool by name, then by id) previews and loads the right model, once", async () => {
    const workDir = path.join(WORK, "by-name");
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true });
    const stack = await openStack({
      projectName: "celonis-e2e-lookups",
      workDir,
      stateDir: path.join(workDir, "state"),
      program: async () => {
        const pool = await getDataPool({ name: "Finance Pool" }); // the plain (Promise) form
        const byId = getDataModelOutput({ pool: pool.id, name: "AP Invoice Model" });
        const demo = getDataPoolOutput({ name: "demo pool" }); // the Output form, feeding another
        const model = getDataModelOutput({ pool: demo.name, name: "P2P Demo Model" });
        const reload = new DataModelReload("sales", {
          poolId: model.poolId,
          dataModelId: model.id,
          tables: ["ACTIVITIES"],
        });
        return { financeModel: byId.id, planStatus: reload.planStatus, lastLoad: reload.lastLoad };
      },
      config: emulatorConfig(emu.url, TEST_API_KEY),
    });
    const output: string[] = [];
    const preview = await stack.preview({ diff: true, onOutput: (s) => output.push(s) });
    assert.match(preview.stdout, new RegExp(`dataModelId\\s*:\\s*"${DEMO.model}"`));
    assert.match(preview.stdout, /loadType\s*:\s*"PARTIAL"[\s\S]*"ACTIVITIES"/);
    assert.equal(emu.requests().filter(isLoadTrigger).length, 0, "preview triggers nothing");

    const up = await stack.up({ onOutput: (s) => output.push(s) });
    assert.equal(up.summary.result, "succeeded");
    assert.equal(up.outputs.financeModel.value, DEMO.apModel);
    const triggers = emu.requests().filter(isLoadTrigger);
    assert.deepEqual(
      triggers.map((t) => [t.path, t.body]),
      [
        [
          `/integration/api/v1/data-pools/${DEMO.pool}/data-models/${DEMO.model}/load/partial-sync`,
          [DEMO.tables.ACTIVITIES],
        ],
      ],
    );
    assert.equal((up.outputs.lastLoad.value as { status: string }).status, "SUCCESS");
    const pools = emu.requests().filter((r) => r.path === "/integration/api/pools");
    assert.equal(pools.length, 2, "each run (preview, up) lists the pools once for its four lookups");
    assert.ok(!readTree(workDir).includes(TEST_API_KEY), "no credential in the state or stack files");
    assert.ok(!output.join("").includes(TEST_API_KEY), "no credential in the output");
  });
});
