// Reload windows through the provider methods against the emulator, with windows built relative to
// the current time: a reload due outside every window is deferred (nothing triggered, `up` succeeds,
// planStatus "deferred") and runs exactly once at the next deployment inside a window; "fail" fails
// keeping it owed; "wait" waits for a window that opens before the deadline; changing the windows
// alone never reloads.

import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { systemClock, type Clock } from "../../provider/clock";
import { DAY_NAMES } from "../../provider/windows";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";
import { deploy, testContext } from "../helpers/engine";

const DAY_MS = 24 * 3600_000;
/** The UTC day name of `t` ("Mon" … "Sun"). */
const dayOf = (t: number) => DAY_NAMES[(new Date(t).getUTCDay() + 6) % 7];
const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
/** A window open all of today (UTC), and one that is closed now (a whole day three days away). */
const openNow = () => [dayOf(Date.now())];
const closedNow = () => [dayOf(Date.now() + 3 * DAY_MS)];

describe("reload windows against the emulator", function () {
  this.timeout(30_000);
  let emu: Emulator;
  let lines: string[];
  const base = { poolId: DEMO.pool, dataModelId: DEMO.model, __scope: "proj/dev/sales" };
  const context = (clock?: Clock) => testContext({ url: emu.url, token: TEST_API_KEY, lines, clock });
  const triggers = () => emu.requests().filter(isLoadTrigger);

  before(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 150 });
  });
  beforeEach(() => {
    emu.reset();
    lines = [];
  });
  after(async () => {
    await emu.stop();
  });

  it("outside every window: deferred with a warning, then loaded once by the next up inside one", async () => {
    const pc = context();
    const closed = closedNow();
    const s1 = await deploy(pc, undefined, { ...base, windows: closed });
    assert.equal(s1.failed, false, s1.error?.message);
    assert.equal(s1.outputs.planStatus, "deferred");
    assert.equal(triggers().length, 0, "nothing triggered outside the window");
    const next = `next opens ${closed[0]} 00:00 UTC`;
    assert.equal(
      s1.inputs.plan && (s1.inputs.plan as { window?: string }).window,
      `deferred: outside the reload window, ${next}`,
    );
    assert.ok(
      lines.some((l) => l.startsWith("warning:") && l.includes(next)),
      lines.join("\n"),
    );
    const s2 = await deploy(pc, s1, { ...base, windows: openNow() });
    assert.equal(s2.failed, false, s2.error?.message);
    assert.equal(s2.outputs.planStatus, "done");
    assert.equal(triggers().length, 1, "the deferred reload ran once");
    assert.equal(s2.outputs.reloadCount, 1);
    const s3 = await deploy(pc, s2, { ...base, windows: openNow() });
    assert.equal(s3, s2, "nothing left to do");
    const s4 = await deploy(pc, s3, { ...base, windows: closedNow(), timeZone: "Europe/Berlin" });
    assert.equal(s4.outputs.planStatus, "done", "changing the windows alone reloads nothing");
    assert.equal(triggers().length, 1);
  });

  it('outsideWindow "fail": the update fails, nothing triggered, the reload stays owed', async () => {
    const s1 = await deploy(context(), undefined, { ...base, windows: closedNow(), outsideWindow: "fail" });
    assert.equal(s1.failed, true);
    assert.match(s1.error!.message, /not reloaded: outside the reload window .*outsideWindow is "fail"/);
    assert.equal(s1.outputs.planStatus, "owed");
    assert.equal(triggers().length, 0);
  });

  it('outsideWindow "wait": waits for a window opening before the deadline, then loads once', async () => {
    // A clock 1.5 s before a minute boundary, so a window can open soon (windows have minutes).
    const offset = 60_000 - (Date.now() % 60_000) - 1_500;
    const clock: Clock = { ...systemClock, now: () => Date.now() + offset };
    const opens = clock.now() + 1_500;
    const window = `${dayOf(opens)} ${hhmm(opens)}-${hhmm(opens + 120_000)}`;
    const started = Date.now();
    const s1 = await deploy(context(clock), undefined, {
      ...base,
      windows: [window],
      outsideWindow: "wait",
      timeoutSeconds: 30,
    });
    assert.equal(s1.failed, false, s1.error?.message);
    assert.equal(s1.outputs.planStatus, "done");
    assert.equal(triggers().length, 1);
    assert.ok(Date.now() - started >= 1_000, "it waited for the window");
    assert.ok(
      lines.some((l) => /waiting: outside the reload window/.test(l)),
      lines.join("\n"),
    );
  });

  it("a reload waiting for its window does not hold up another reload of the same model", async () => {
    // A clock 6 s before a minute boundary: the waiting reload's window opens then.
    const offset = 60_000 - (Date.now() % 60_000) - 6_000;
    const clock: Clock = { ...systemClock, now: () => Date.now() + offset };
    const opens = clock.now() + 6_000;
    const window = `${dayOf(opens)} ${hhmm(opens)}-${hhmm(opens + 120_000)}`;
    const pc = context(clock); // one provider process: the two reloads share its batches
    const waiting = deploy(pc, undefined, {
      ...base,
      __scope: "proj/dev/waiting",
      windows: [window],
      outsideWindow: "wait",
      timeoutSeconds: 30,
    });
    const started = Date.now();
    const free = await deploy(pc, undefined, { ...base, __scope: "proj/dev/free", timeoutSeconds: 30 });
    const freeTook = Date.now() - started;
    assert.equal(free.outputs.planStatus, "done");
    assert.ok(
      freeTook < 4_000,
      `the reload without a window took ${freeTook} ms: it waited for the other's window`,
    );
    const s = await waiting;
    assert.equal(s.failed, false, s.error?.message);
    assert.equal(s.outputs.planStatus, "done");
    // The other reload's COMPLETE load started after this change was ready: it covers it.
    assert.equal(triggers().length, 1);
    assert.equal(s.outputs.planLoad?.loadId, free.outputs.planLoad?.loadId);
  });
});
