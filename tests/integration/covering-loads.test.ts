// Covering loads across processes: stacks that reload the same data model at the same time, each
// with its own provider context (as on separate CI runners), share loads instead of queueing one
// each. A COMPLETE load that started after a stack's change was ready covers that change, whoever
// started it. Counted from the emulator's side: the loads it started.

import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import type { ProviderContext } from "../../provider/context";
import { DEMO, TEST_API_KEY, sleep, waitFor } from "../helpers/emulator";
import { deploy, testContext } from "../helpers/engine";

const base = { poolId: DEMO.pool, dataModelId: DEMO.model, timeoutSeconds: 60 };

describe("covering loads: concurrent stacks on one data model", function () {
  this.timeout(60_000);
  let emu: Emulator;
  afterEach(async () => {
    await emu?.stop();
  });

  /** Loads started on the demo model since the seed, as the emulator recorded them. */
  const started = () => emu.loads(DEMO.model).filter((l) => l.dataLoadId !== DEMO.seededLoadId);
  const stacks = (n: number, lines: string[][] = []): ProviderContext[] =>
    Array.from({ length: n }, (_, i) =>
      testContext({ url: emu.url, token: TEST_API_KEY, lines: (lines[i] = []) }),
    );

  for (const clockOffsetMs of [0, 10 * 60_000, -10 * 60_000]) {
    const clock =
      clockOffsetMs === 0 ? "" : ` (Celonis's clock ${clockOffsetMs > 0 ? "ahead" : "behind"} by 10 min)`;
    it(`four whole-model stacks at once take at most two loads; each change is covered by a load that started after it${clock}`, async () => {
      emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 1_500, clockOffsetMs });
      const lines: string[][] = [];
      const pcs = stacks(4, lines);
      const readyAt = pcs.map(() => 0);
      const results = await Promise.all(
        pcs.map((pc, i) => {
          readyAt[i] = Date.now(); // the emulator keeps its records in true time
          return deploy(pc, undefined, { ...base, triggers: [`stack-${i}`] });
        }),
      );
      const loads = started();
      assert.ok(loads.length <= 2, `at most two loads, got ${loads.length}`);
      results.forEach((s, i) => {
        assert.equal(s.failed, false, s.error?.message);
        assert.equal(s.outputs.planStatus, "done");
        const load = loads.find((l) => l.dataLoadId === s.outputs.planLoad?.loadId);
        assert.ok(load, `stack ${i}'s planLoad names a load the emulator started`);
        assert.equal(load.loadStatus, "SUCCESS");
        assert.ok(load.startDate! >= readyAt[i], `stack ${i}'s load started after its change was ready`);
      });
      const adopters = results.filter((s) => s.outputs.planLoad?.adoptedFrom === "other");
      assert.equal(adopters.length, 4 - loads.length, "every stack that did not trigger adopted a load");
      assert.ok(
        lines.flat().some((l) => /was started by another writer after the change was ready/.test(l)),
        "the progress line says whose load it is",
      );
      const byStart = [...loads].sort((a, b) => a.startDate! - b.startDate!);
      for (let i = 1; i < byStart.length; i++)
        assert.ok(byStart[i].startDate! >= byStart[i - 1].endDate!, "no two loads overlap");
    });
  }

  it("a stack finds another writer's COMPLETE load started after its change: adopts it, triggers none", async () => {
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 1_500 });
    const [pc] = stacks(1);
    emu.setBehaviour(DEMO.model, { durationMs: 2_500, times: 1 });
    const first = emu.startLoad(DEMO.model, "COMPLETE"); // started before the change: not covering
    let other = "";
    const ended = () => emu.loads(DEMO.model).find((l) => l.dataLoadId === first.dataLoadId)?.endDate;
    void waitFor(ended, 10_000, 5).then(() => {
      other = emu.startLoad(DEMO.model, "COMPLETE").dataLoadId; // a schedule, right after it
    });
    const s = await deploy(pc, undefined, { ...base, triggers: ["v1"] });
    assert.equal(s.failed, false, s.error?.message);
    assert.ok(other, "the second load of the other writer started");
    assert.equal(s.outputs.planLoad?.loadId, other);
    assert.equal(s.outputs.planLoad?.adoptedFrom, "other");
    assert.equal(started().length, 2, "the other writer's two loads, none of ours");
    await sleep(50);
    const again = await deploy(pc, s, { ...base, triggers: ["v1"] });
    assert.equal(again, s, "nothing to do on the next up");
  });

  it("the adopted load fails: the stack triggers its own within its deadline, and that one is the record", async () => {
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 800 });
    const lines: string[][] = [];
    const [pc] = stacks(1, lines);
    emu.setBehaviour(DEMO.model, { durationMs: 2_500, times: 1 });
    const first = emu.startLoad(DEMO.model, "COMPLETE"); // started before the change: waited out
    let other = "";
    const ended = () => emu.loads(DEMO.model).find((l) => l.dataLoadId === first.dataLoadId)?.endDate;
    void waitFor(ended, 10_000, 5).then(() => {
      emu.setBehaviour(DEMO.model, { outcome: "ERROR", durationMs: 1_000, times: 1 });
      other = emu.startLoad(DEMO.model, "COMPLETE").dataLoadId; // adopted, and it fails
    });
    const s = await deploy(pc, undefined, { ...base, triggers: ["v1"] });
    assert.equal(s.failed, false, s.error?.message);
    assert.equal(s.outputs.planStatus, "done");
    const loads = started();
    assert.equal(loads.length, 3, "the other writer's two loads and ours");
    assert.equal(loads.find((l) => l.dataLoadId === other)?.loadStatus, "ERROR");
    assert.equal(s.outputs.planLoad?.loadId, loads[2].dataLoadId);
    assert.equal(s.outputs.planLoad?.adoptedFrom, undefined);
    assert.ok(lines[0].some((l) => /of another writer ended ERROR: triggering our own/.test(l)));
  });
});
