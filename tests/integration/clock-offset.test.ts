// Celonis's clock minutes off the runner's (the emulator's clock-offset fault): the emulator shifts
// what it reports, and the provider still recognises its load and sees it end within one poll gap,
// because it reads Celonis's clock from each answer's `Date` header (provider/celonis/server-clock.ts).

import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import type { ProviderContext } from "../../provider/context";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";
import { deploy, testContext } from "../helpers/engine";

const MIN = 60_000;
const base = { poolId: DEMO.pool, dataModelId: DEMO.model, timeoutSeconds: 30 };

describe("clock offset: the emulator's fault", function () {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 200 });
  });
  after(() => emu.stop());

  it("shifts the Date header and every load date the API reports, not the control API's", async () => {
    emu.reset();
    emu.setClockOffset(-10 * MIN);
    const load = emu.startLoad(DEMO.model);
    const res = await fetch(
      `${emu.url}/integration/api/v1/data-pools/${DEMO.pool}/data-models/${DEMO.model}/last-load`,
      { headers: { Authorization: `Bearer ${TEST_API_KEY}` } },
    );
    const body = (await res.json()) as { dataLoadId: string; startDate: number };
    assert.equal(body.dataLoadId, load.dataLoadId);
    assert.equal(body.startDate, load.startDate! - 10 * MIN);
    const date = Date.parse(res.headers.get("date") ?? "");
    assert.ok(Math.abs(date - (Date.now() - 10 * MIN)) < 2_000, `Date header ${res.headers.get("date")}`);
    const control = await (await fetch(`${emu.url}/_emulator/clock`)).json();
    assert.deepEqual(control, { offsetMs: -10 * MIN });
    emu.reset();
    assert.deepEqual(await (await fetch(`${emu.url}/_emulator/clock`)).json(), { offsetMs: 0 });
  });
});

describe("clock offset: a load is recognised and seen ended within one poll gap", function () {
  this.timeout(90_000);
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 1500 });
  });
  let pc: ProviderContext;
  beforeEach(() => {
    emu.reset();
    pc = testContext({ url: emu.url, token: TEST_API_KEY });
  });
  after(async () => {
    await emu.stop();
  });

  /** The widest gap between polls near a short load's end (status.ts SHORT_BAND_GAP_MS). */
  const ONE_POLL_GAP_MS = 1_000;

  for (const [name, offsetMs] of [
    ["10 minutes ahead", 10 * MIN],
    ["10 minutes behind", -10 * MIN],
  ] as const) {
    it(`Celonis's clock ${name}: each change is one load, settled as ours, seen ended in time`, async () => {
      emu.setClockOffset(offsetMs);
      let state: Awaited<ReturnType<typeof deploy>> | undefined;
      const lags: number[] = [];
      for (const rev of [1, 2, 3]) {
        state = await deploy(pc, state, { ...base, triggers: [`rev=${rev}`] });
        const returned = Date.now();
        assert.equal(state.failed, false, state.error?.message);
        const loads = emu.loads(DEMO.model).filter((l) => l.dataLoadId !== DEMO.seededLoadId);
        assert.equal(loads.length, rev, "one load per change");
        const own = loads[loads.length - 1];
        assert.equal(state.outputs.planStatus, "done");
        assert.equal(state.outputs.planLoad?.loadId, own.dataLoadId, "settled on its own load");
        lags.push(returned - own.endDate!);
      }
      // The first load has only the seeded 2.4 s load as history; the later ones their own.
      console.log(`      clock ${name}: seen ended ${lags.join(", ")} ms after the end`);
      for (const lag of lags.slice(1)) assert.ok(lag <= ONE_POLL_GAP_MS, `seen ${lag} ms after its end`);
    });
  }
});
