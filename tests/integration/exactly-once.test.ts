// Exactly once, never lost: each fault that used to cost a change a second load (or its load),
// reproduced against the emulator through the provider handlers, counted from the emulator's side.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { ProviderContext } from "../../provider/context";
import * as operations from "../../provider/operations";
import { Journal, changeKey } from "../../provider/journal";
import type { CheckedInputs } from "../../provider/types";
import { DEMO, TEST_API_KEY, sleep, waitFor, waitForFinished } from "../helpers/emulator";
import { deploy } from "../helpers/engine";

const base = { poolId: DEMO.pool, dataModelId: DEMO.model };

describe("exactly once: faults during a reload", function () {
  this.timeout(30_000);
  let emu: Emulator;
  let journal: Journal;
  let pc: ProviderContext;
  let lines: string[];
  /** A fresh provider context for the test, with its own journal and collected lines. */
  const contextFor = (requestTimeoutMs?: number) =>
    new ProviderContext({
      journal,
      log: (l) => lines.push(l),
      connections: { "": { url: emu.url, auth: { kind: "bearer", token: TEST_API_KEY }, requestTimeoutMs } },
    });

  before(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
  });
  beforeEach(() => {
    emu.reset();
    journal = new Journal(path.join(fs.mkdtempSync(path.join(os.tmpdir(), "celonis-journal-")), "j.json"));
    lines = [];
    pc = contextFor();
  });
  after(async () => {
    await emu.stop();
  });

  /** Loads started on the demo model since the seed, as the emulator recorded them. */
  const started = () => emu.loads(DEMO.model).filter((l) => l.dataLoadId !== DEMO.seededLoadId);
  const later = (ms: number, fn: () => void) => setTimeout(fn, ms).unref();

  it("one HTTP 500 on a status read during the wait is ridden out: one load, and the next up starts none", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 3000, times: 1 });
    later(1500, () =>
      emu.addFault({ match: { method: "GET", path: "/last-load" }, kind: "status", status: 500 }),
    );
    const s1 = await deploy(pc, undefined, { ...base, triggers: ["v1"] });
    assert.equal(s1.failed, false, s1.error?.message);
    assert.equal(s1.outputs.planStatus, "done");
    assert.ok(
      emu.requests().some((r) => r.status === 500),
      "the fault was hit",
    );
    const s2 = await deploy(pc, s1, { ...base, triggers: ["v1"] });
    assert.equal(s2, s1, "nothing to do");
    assert.equal(started().length, 1);
  });

  it("a rejected credential during the wait keeps the load as running; the next up adopts it", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 1500, times: 1 });
    later(500, () =>
      emu.addFault({ match: { method: "GET", path: "/last-load" }, kind: "status", status: 401, count: 0 }),
    );
    const s1 = await deploy(pc, undefined, base);
    assert.ok(s1.failed);
    assert.equal(s1.outputs.planStatus, "running");
    // The load is recorded by its id, or (not yet polled: the schedule waits for its expected end)
    // by its trigger time; either way the next up finds it.
    assert.ok(s1.outputs.planLoad, "the load is recorded");
    assert.match(
      s1.error!.message,
      /HTTP 401.*may still be running in Celonis; the next `pulumi up` settles it/,
    );
    emu.clearFaults();
    const s2 = await deploy(pc, s1, base);
    assert.equal(s2.failed, false, s2.error?.message);
    assert.equal(s2.outputs.planStatus, "done");
    assert.equal(s2.outputs.reloadCount, 1, "the adopted load counts");
    assert.equal(s2.outputs.reloadedTables.length, 9);
    assert.equal(started().length, 1);
  });

  it("a dropped trigger answer and 503s on every status read: the load is never forgotten", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 300, times: 1 });
    emu.addFault({ match: { method: "POST", path: "/load" }, kind: "drop", after: true });
    // From the trigger on, every read fails (the two before it are let through: check's read of the
    // model's history for the expected duration, and the batch's look at whether the model is busy).
    emu.addFault({
      match: { method: "GET", path: "/load-info-sync" },
      kind: "status",
      status: 503,
      count: 0,
      skip: 2,
    });
    emu.addFault({ match: { method: "GET", path: "/last-load" }, kind: "status", status: 503, count: 0 });
    // The deadline must fall in the blind wait, well after the trigger, even on a busy machine.
    const s1 = await deploy(pc, undefined, { ...base, timeoutSeconds: 5 });
    assert.ok(s1.failed);
    assert.equal(s1.outputs.planStatus, "running", "a trigger that may have started a load is not owed");
    assert.equal(s1.outputs.planLoad?.loadId, null);
    emu.clearFaults();
    const s2 = await deploy(pc, s1, base);
    assert.equal(s2.failed, false, s2.error?.message);
    assert.equal(s2.outputs.planStatus, "done");
    assert.equal(started().length, 1, "the next up found the load by its trigger time");
  });

  it("a trigger reset before it reached Celonis, after two loads: the next up loads the change once, not settling on the first load", async () => {
    pc = contextFor(1500); // the protocol watches 3 s for a load after an unanswered trigger
    const s1 = await deploy(pc, undefined, { ...base, triggers: ["rev=0"] });
    const s2 = await deploy(pc, s1, { ...base, triggers: ["rev=1"] });
    assert.equal(s2.outputs.planStatus, "done", s2.error?.message);
    const [a, b] = started().map((l) => l.dataLoadId);
    emu.addFault({ match: { method: "POST", path: "/load" }, kind: "drop" });
    const s3 = await deploy(pc, s2, { ...base, triggers: ["rev=2"], timeoutSeconds: 2 });
    assert.match(s3.error?.message ?? "", /may still be running/);
    assert.equal(s3.outputs.planStatus, "running");
    assert.equal(s3.outputs.planLoad?.previousLoadId, b);
    assert.equal(started().length, 2, "the reset trigger started nothing");
    const s4 = await deploy(pc, s3, { ...base, triggers: ["rev=2"], timeoutSeconds: 10 });
    assert.equal(s4.error?.message, undefined);
    assert.equal(s4.outputs.planStatus, "done");
    assert.equal(started().length, 3, "exactly one load for rev=2");
    const c = started()[2].dataLoadId;
    assert.equal(s4.outputs.planLoad?.loadId, c, `planLoad names the new load (not ${a})`);
  });

  it("a trigger that reaches Celonis after the client gave up starts one load, not two", async () => {
    pc = contextFor(1000);
    emu.addFault({ match: { method: "POST", path: "/load" }, kind: "delay", delayMs: 1500 });
    const s1 = await deploy(pc, undefined, base);
    assert.equal(s1.failed, false, s1.error?.message);
    await sleep(200);
    assert.equal(started().length, 1);
    assert.equal(emu.requests().filter((r) => r.method === "POST").length, 1, "one POST");
  });

  it("a trigger refused because a load started elsewhere meanwhile: the retry follows its own load, not that one", async () => {
    // The outside load starts between our read of the model and our trigger, and ends ERROR; our
    // retried trigger's load shows up late. Following the retry with the first read's previous load
    // id took the outside load for ours: an owed reload, and a second load at the next up.
    emu.setBehaviour(DEMO.model, { durationMs: 500, outcome: "ERROR", times: 1 });
    emu.addFault({ match: { method: "POST", path: "/load" }, kind: "delay", delayMs: 400 });
    let outside = "";
    // The second read: the first is check's, for the expected duration.
    const infoReads = () => emu.requests().filter((r) => r.path.endsWith("/load-info-sync")).length;
    void waitFor(() => infoReads() >= 2).then(() => {
      outside = emu.startLoad(DEMO.model).dataLoadId;
      emu.setBehaviour(DEMO.model, { visibleAfterMs: 5000, durationMs: 300, times: 1 });
    });
    const s1 = await deploy(pc, undefined, base);
    assert.ok(
      emu.requests().some((r) => r.method === "POST" && r.status === 400),
      "the first trigger was refused as already running",
    );
    assert.equal(s1.failed, false, s1.error?.message);
    assert.equal(s1.outputs.planStatus, "done");
    assert.notEqual(s1.outputs.planLoad?.loadId, outside);
    const s2 = await deploy(pc, s1, base);
    assert.equal(s2, s1, "nothing to do");
    assert.equal(started().length, 2, "the outside load and ours");
  });

  it("refresh settles the plan from its own load: someone else's later success does not count", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 800, outcome: "ERROR", times: 1 });
    const s1 = await deploy(pc, undefined, { ...base, tables: ["CASES"], timeoutSeconds: 0.3 });
    assert.equal(s1.outputs.planStatus, "running");
    await waitForFinished(emu, DEMO.model);
    const other = emu.startLoad(DEMO.model); // started elsewhere, succeeds
    await waitFor(() =>
      emu.loads(DEMO.model).find((l) => l.dataLoadId === other.dataLoadId && l.loadStatus === "SUCCESS"),
    );
    const { props } = await operations.read(pc, s1.id, s1.outputs as unknown as Record<string, unknown>);
    assert.equal((props.lastLoad as { loadId: string }).loadId, other.dataLoadId, "lastLoad is the model's");
    assert.equal(props.planStatus, "owed", "our load failed: still owed");
    assert.equal(props.reloadCount, 0);
    const s2 = await deploy(pc, { ...s1, outputs: props as never }, { ...base, tables: ["CASES"] });
    assert.equal(s2.failed, false, s2.error?.message);
    assert.equal(started().filter((l) => l.loadType === "PARTIAL").length, 2, "the owed reload ran again");
  });

  it("a change whose trigger was journaled by an interrupted deployment is settled, not triggered again", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 800, times: 1 });
    const raw = { ...base, triggers: ["v7"], __scope: "proj/dev/sales" };
    const checked = await operations.check(pc, {}, raw);
    const inputs = checked.inputs as unknown as CheckedInputs;
    // What a deployment killed mid-wait leaves behind: the journal entry, and the load in Celonis.
    const previous = emu.loads(DEMO.model).at(-1)!;
    const load = emu.startLoad(DEMO.model);
    const key = changeKey({ scope: "proj/dev/sales", from: null, to: inputs, plan: inputs.plan });
    journal.record(key, {
      poolId: DEMO.pool,
      dataModelId: DEMO.model,
      load: {
        loadId: null,
        loadType: "COMPLETE",
        triggeredAt: new Date(load.startDate! - 50).toISOString(),
        previousLoadId: previous.dataLoadId,
        status: null,
      },
    });
    const s = await deploy(pc, undefined, raw);
    assert.equal(s.failed, false, s.error?.message);
    assert.equal(s.outputs.planLoad?.loadId, load.dataLoadId);
    assert.equal(s.outputs.reloadCount, 1);
    assert.equal(started().length, 1, "no second load");
    assert.equal(journal.entries().length, 0, "the entry is done once the engine has the outcome");
    // Another stack's identical resource does not take that load for its own.
    const again = await deploy(pc, undefined, { ...raw, __scope: "proj/prod/sales" });
    assert.equal(again.failed, false);
    assert.equal(started().length, 2);
  });

  it("a cancelled wait records the load as running; the next up settles it without a second load", async () => {
    emu.setBehaviour(DEMO.model, { durationMs: 1500, times: 1 });
    const cancel = new AbortController();
    later(400, () => cancel.abort());
    const t0 = Date.now();
    const s1 = await deploy(pc, undefined, base, { signal: cancel.signal });
    assert.ok(Date.now() - t0 < 1200, "the wait stopped promptly");
    assert.ok(s1.failed);
    assert.match(
      s1.error!.message,
      /The deployment was cancelled\. (Load|The load triggered at) .* may still be running/,
    );
    assert.equal(s1.outputs.planStatus, "running");
    const s2 = await deploy(pc, s1, base);
    assert.equal(s2.outputs.planStatus, "done");
    assert.equal(started().length, 1);
  });

  it("the deadline bounds a trigger's retries: a 429 asking for an hour fails within timeoutSeconds, owed", async () => {
    emu.addFault({
      match: { method: "POST" },
      kind: "rateLimit",
      retryAfterSeconds: 3600,
      resetSeconds: 3600,
      count: 0,
    });
    const t0 = Date.now();
    const s = await deploy(pc, undefined, { ...base, timeoutSeconds: 3 });
    const took = Date.now() - t0;
    assert.ok(took < 5000, `took ${took} ms`);
    assert.equal(s.outputs.planStatus, "owed", "a 429 is refused at the door: nothing started");
    assert.match(s.error!.message, /HTTP 429.*Nothing was started; the reload is still owed/);
    assert.equal(started().length, 0);
    assert.deepEqual(
      lines.filter((l) => /Nothing was started/.test(l)),
      [],
      "the refusal is the update's error, not also a progress line",
    );
  });

  it("a Date in triggers reloads when it changes", async () => {
    const s1 = await deploy(pc, undefined, { ...base, triggers: [new Date(Date.UTC(2026, 0, 1))] });
    const s2 = await deploy(pc, s1, { ...base, triggers: [new Date(Date.UTC(2026, 0, 2))] });
    assert.equal(s2.outputs.planStatus, "done");
    assert.deepEqual(s2.outputs.triggers, ["2026-01-02T00:00:00.000Z"]);
    assert.equal(started().length, 2);
  });

  // A load is ours only by evidence: a lost answer claims only a load that started while its request
  // could still reach Celonis; a whole-model change whose load cannot be told is settled on a COMPLETE
  // load that succeeded after it was ready.
  const afterPost = (ms: number, fn: () => void) =>
    void waitFor(() => emu.requests().some((r) => r.method === "POST")).then(() =>
      setTimeout(fn, ms).unref(),
    );

  it("a partial trigger reset before Celonis; another writer's partial load of other tables after the reset is not ours: the change gets its own load", async () => {
    pc = contextFor(1500); // a lost answer is watched for 3 s
    emu.addFault({ match: { method: "POST", path: "/load/partial-sync" }, kind: "drop" });
    let other = "";
    afterPost(1_500, () => {
      other = emu.startLoad(DEMO.model, "PARTIAL") /* its first table, not CASES */.dataLoadId;
    });
    const s = await deploy(pc, undefined, { ...base, tables: ["CASES"], timeoutSeconds: 20 });
    assert.equal(s.failed, false, s.error?.message);
    assert.equal(s.outputs.planStatus, "done");
    assert.ok(other, "the other writer's load started");
    assert.notEqual(s.outputs.planLoad?.loadId, other, "the other writer's load is not ours");
    const ours = started().filter((l) => l.dataLoadId === s.outputs.planLoad?.loadId);
    assert.equal(ours.length, 1, "the change has a load of its own");
    assert.equal(started().length, 2, "the other writer's load and ours, no more");
  });

  it("a partial trigger whose answer never came: the load it found may be another writer's, so the change stays owed with a warning, and the next up loads it again", async () => {
    pc = contextFor(1500); // the answer is given up on after 1.5 s; the request reaches Celonis at 2.5 s
    emu.addFault({ match: { method: "POST", path: "/load/partial-sync" }, kind: "delay", delayMs: 2_500 });
    const inputs = { ...base, tables: ["CASES"], timeoutSeconds: 20 };
    const s1 = await deploy(pc, undefined, inputs);
    assert.equal(s1.outputs.planStatus, "owed");
    assert.match(s1.error?.message ?? "", /may be another writer's partial load/);
    assert.ok(
      lines.some((l) => /^warning: .*this change may be loaded twice$/.test(l)),
      lines.join("\n"),
    );
    assert.equal(started().length, 1);
    const s2 = await deploy(pc, s1, inputs);
    assert.equal(s2.failed, false, s2.error?.message);
    assert.equal(s2.outputs.planStatus, "done");
    assert.equal(started().length, 2, "the second load the warning announced, no third");
  });

  it("a late COMPLETE trigger: a UI load that failed meanwhile was taken, our late load succeeded unseen; the next up finds it and loads nothing", async () => {
    pc = contextFor(1500);
    emu.addFault({ match: { method: "POST", path: "/load" }, kind: "delay", delayMs: 2_500 });
    emu.setBehaviour(DEMO.model, { outcome: "ERROR", times: 1 }); // the UI load fails
    afterPost(300, () => emu.startLoad(DEMO.model, "COMPLETE"));
    const s1 = await deploy(pc, undefined, { ...base, triggers: ["rev=1"], timeoutSeconds: 20 });
    assert.equal(s1.outputs.planStatus, "owed", "the UI load ended ERROR and was taken for ours");
    await waitFor(() => started().length === 2 && started().every((l) => l.loadStatus !== "RUNNING"));
    assert.equal(started()[1].loadStatus, "SUCCESS", "our late trigger's load succeeded unseen");
    await sleep(100);
    const s2 = await deploy(pc, s1, { ...base, triggers: ["rev=1"], timeoutSeconds: 20 });
    assert.equal(s2.failed, false, s2.error?.message);
    assert.equal(s2.outputs.planStatus, "done");
    assert.equal(s2.outputs.planLoad?.loadId, started()[1].dataLoadId);
    // Found as the trigger's own load: the UI load taken for it failed, so the trigger was looked for
    // again after it (its request got no answer and could still have landed).
    assert.equal(s2.outputs.planLoad?.adoptedFrom, undefined);
    assert.ok(lines.some((l) => /may still start a load: looking for it before triggering again/.test(l)));
    assert.equal(started().length, 2, "no second load of the change");
  });
});
