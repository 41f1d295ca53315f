// The batch on its own: a fake client and a manual clock, no emulator and no real time. It checks
// what the batch says to its members (events, in order, each awaited) and how it ends for each of
// them (results, as data), for the ways a shared load can go.

import assert from "node:assert/strict";
import {
  Batches,
  type BatchClient,
  type BatchEvent,
  type BatchResult,
  type Member,
} from "../../provider/batch";
import { CelonisError, TriggerError } from "../../provider/celonis/errors";
import type { IdleResult, LoadInfoSync, LoadRecord, LoadRequest } from "../../provider/celonis/types";
import { Deadline } from "../../provider/deadline";
import type { Plan } from "../../provider/types";
import { ManualClock } from "../helpers/clock";

const MODEL = { connection: "", poolId: "P", dataModelId: "M" };
const PLAN: Plan = { action: "reload", loadType: "COMPLETE", tables: [], reasons: ["created"] };

const record = (over: Partial<LoadRecord> = {}): LoadRecord => ({
  dataLoadId: "L1",
  dataModelId: "M",
  startDate: null,
  endDate: null,
  loadStatus: "RUNNING",
  message: null,
  loadType: "COMPLETE",
  ...over,
});

const infoWith = (current: LoadRecord | null): LoadInfoSync => ({
  loadInfo: { liveDataModel: null, currentComputeLoad: current },
  loadHistory: { lastSuccessfulDataModel: null, dataLoadHistory: [], averageLoadTime: [] },
});

/** A client whose answers a test sets; it records the triggers it was sent. */
class FakeClient implements BatchClient {
  triggers: LoadRequest[] = [];
  current: LoadRecord | null = null;
  trigger: () => Promise<{ confirmedBy: "answer"; load: LoadRecord | null; window: null }> = async () => ({
    confirmedBy: "answer",
    load: record(),
    window: null,
  });
  ends: () => Promise<{ outcome: "finished"; load: LoadRecord } | { outcome: "timeout"; load: null }> =
    async () => ({ outcome: "finished", load: record({ loadStatus: "SUCCESS" }) });

  constructor(private readonly clock: ManualClock) {}

  getLoadInfo = async () => infoWith(this.current);
  findLoad = async () => null;
  /** Celonis's clock minus the runner's, as the client estimates it; null: no estimate yet. */
  offsetMs: number | null = null;
  serverTime = (ms: number) => (this.offsetMs === null ? null : { at: ms + this.offsetMs, errorMs: 1_000 });
  resolveTables = async () => [];
  waitForIdle = async (_p: string, _m: string, o: { deadline: number }): Promise<IdleResult> => {
    await this.clock.sleep(o.deadline - this.clock.now());
    return { outcome: "timeout" as const, load: this.current ?? record() };
  };
  triggerLoad = async (_p: string, _m: string, req: LoadRequest) => {
    this.triggers.push(req);
    return this.trigger();
  };
  waitForLoad = async (_p: string, _m: string, o: { match: unknown }) => {
    this.waitedFor.push(o.match);
    return this.ends();
  };
  /** The loads the next waits end with, in order; the model is free once one has ended. */
  endWith(...loads: LoadRecord[]): void {
    this.ends = async () => {
      this.current = null;
      return { outcome: "finished", load: loads.shift()! };
    };
  }
  /** The match of every waitForLoad call. */
  waitedFor: unknown[] = [];
}

/** A member that records the events it gets (taking each in a tick later, as an awaited one). */
function member(clock: ManualClock, over: Partial<Member> = {}): Member & { events: BatchEvent["kind"][] } {
  const events: BatchEvent["kind"][] = [];
  return {
    name: "r",
    scope: null,
    plan: PLAN,
    inputs: { onBusy: "wait", wait: true, warningsAs: "success" },
    readyAt: clock.now(),
    deadline: Deadline.after(60_000, clock),
    log: () => undefined,
    on: async (e) => {
      await Promise.resolve();
      events.push(e.kind);
    },
    events,
    ...over,
  };
}

describe("batch: one load for its members, outcomes as data", () => {
  let clock: ManualClock;
  let client: FakeClient;
  let batches: Batches;
  beforeEach(() => {
    clock = new ManualClock();
    client = new FakeClient(clock);
    batches = new Batches(clock);
  });

  it("two members gathered together share one trigger; each hears about to trigger, then seen, and ends", async () => {
    const a = member(clock);
    const b = member(clock);
    const results = Promise.all([batches.join(client, MODEL, a), batches.join(client, MODEL, b)]);
    await clock.advance(1_000);
    const [ra, rb] = await results;
    assert.equal(client.triggers.length, 1);
    assert.deepEqual(ra, { kind: "ended", load: record({ loadStatus: "SUCCESS" }) });
    assert.deepEqual(rb, ra);
    assert.deepEqual(a.events, ["aboutToTrigger", "seen"]);
  });

  it("the member has written down the trigger before it is sent (about to trigger is awaited)", async () => {
    let recorded = false;
    const m = member(clock, {
      on: async (e) => {
        await new Promise((r) => setImmediate(r));
        if (e.kind === "aboutToTrigger") recorded = true;
      },
    });
    client.trigger = async () => {
      assert.ok(recorded, "the trigger went out before the member took in aboutToTrigger");
      return { confirmedBy: "answer", load: null, window: null };
    };
    const result = batches.join(client, MODEL, m);
    await clock.advance(1_000);
    assert.equal((await result).kind, "ended");
  });

  it("a model busy elsewhere: onBusy fail ends as busy with that load; nothing is triggered", async () => {
    client.current = record({ dataLoadId: "OTHER" });
    const m = member(clock, { inputs: { onBusy: "fail", wait: true, warningsAs: "success" } });
    const result = batches.join(client, MODEL, m);
    await clock.advance(1_000);
    const r = await result;
    assert.equal(r.kind, "busy");
    assert.equal(r.kind === "busy" && r.current?.dataLoadId, "OTHER");
    assert.equal(client.triggers.length, 0);
  });

  it("a refused trigger ends as refused, after the refused event; nothing else is sent", async () => {
    const refusal = new CelonisError({
      call: "trigger",
      poolId: "P",
      dataModelId: "M",
      status: 429,
      retryable: true,
    });
    client.trigger = async () => {
      throw new TriggerError(refusal, false);
    };
    const m = member(clock);
    const result = batches.join(client, MODEL, m);
    await clock.advance(1_000);
    const r = await result;
    assert.equal(r.kind, "refused");
    assert.match(r.kind === "refused" ? r.message : "", /Nothing was started; the reload is still owed/);
    assert.deepEqual(m.events, ["aboutToTrigger", "refused"]);
  });

  it("a trigger that may have started ends as stopped with the client's error", async () => {
    const lost = new CelonisError({ call: "trigger", poolId: "P", dataModelId: "M", retryable: true });
    client.trigger = async () => {
      throw new TriggerError(lost, true, undefined, clock.now() + 5_000);
    };
    const result = batches.join(client, MODEL, member(clock));
    await clock.advance(1_000);
    const r = await result;
    assert.equal(r.kind, "stopped");
    assert.ok(r.kind === "stopped" && r.error instanceof TriggerError && r.error.maybeStarted);
  });

  it("a member whose deadline passes while it waits for a busy model ends as timed out; the other goes on", async () => {
    client.current = record({ dataLoadId: "OTHER" });
    const early = member(clock, { deadline: Deadline.after(5_000, clock) });
    const late = member(clock, { deadline: Deadline.after(60_000, clock) });
    const results: BatchResult[] = [];
    void batches.join(client, MODEL, early).then((r) => results.push(r));
    const lateResult = batches.join(client, MODEL, late);
    await clock.advance(6_000);
    assert.deepEqual(results, [{ kind: "timedOut" }]);
    await clock.advance(60_000);
    const r = await lateResult;
    assert.equal(r.kind, "busy", "the later member got the batch's own word at its deadline");
  });

  it("a cancelled member ends as cancelled at once, with the signal's reason", async () => {
    const abort = new AbortController();
    const m = member(clock, { deadline: Deadline.after(60_000, clock, abort.signal) });
    client.ends = () => new Promise(() => undefined); // a load that never ends
    const result = batches.join(client, MODEL, m);
    await clock.advance(1_000);
    abort.abort();
    const r = await result;
    assert.equal(r.kind, "cancelled");
  });

  it("wait: false ends as triggered once the load is sent", async () => {
    const m = member(clock, { inputs: { onBusy: "wait", wait: false, warningsAs: "success" } });
    const result = batches.join(client, MODEL, m);
    await clock.advance(1_000);
    assert.deepEqual(await result, { kind: "triggered" });
  });

  it("the same ids on two connections are two batches: two triggers, one per connection", async () => {
    const a = batches.join(client, MODEL, member(clock));
    const b = batches.join(client, { ...MODEL, connection: "other" }, member(clock));
    await clock.advance(1_000);
    await Promise.all([a, b]);
    assert.equal(client.triggers.length, 2);
  });
});

describe("batch: another writer's running COMPLETE load covers the members' changes", () => {
  const OFFSET = -5 * 60_000; // Celonis's clock five minutes behind the runner's
  let clock: ManualClock;
  let client: FakeClient;
  let batches: Batches;
  beforeEach(() => {
    clock = new ManualClock();
    client = new FakeClient(clock);
    client.offsetMs = OFFSET;
    batches = new Batches(clock);
  });
  /** Joins `members` to one batch and lets it run for a second: how it ended for each. */
  const joinAll = async (...members: Member[]): Promise<BatchResult[]> => {
    const all = Promise.all(members.map((m) => batches.join(client, MODEL, m)));
    await clock.advance(1_000);
    return all;
  };
  /** A running load of another writer that started `afterReadyMs` after now, in Celonis's clock. */
  const othersLoad = (afterReadyMs: number, over: Partial<LoadRecord> = {}) =>
    record({ dataLoadId: "OTHER", startDate: clock.now() + OFFSET + afterReadyMs, ...over });

  it("started after the change was ready (beyond the clock's error): adopted and followed, nothing triggered", async () => {
    const m = member(clock);
    client.current = othersLoad(1_500);
    client.ends = async () => ({ outcome: "finished", load: othersLoad(1_500, { loadStatus: "SUCCESS" }) });
    const [r] = await joinAll(m);
    assert.equal(client.triggers.length, 0);
    assert.deepEqual(client.waitedFor, [{ loadId: "OTHER" }]);
    assert.equal(r.kind === "ended" && r.load.dataLoadId, "OTHER");
    assert.deepEqual(m.events, ["adopting"]);
  });

  /** A model busy with `running` until the batch waits for it; then free. */
  const busyUntilWaited = (running: LoadRecord) => {
    client.current = running;
    client.waitForIdle = async () => {
      client.current = null;
      return { outcome: "idle" as const, load: null };
    };
  };
  const notCovering: [string, () => void][] = [
    [
      "started within the clock's error of the change (not provably after it)",
      () => busyUntilWaited(othersLoad(500)),
    ],
    [
      "a PARTIAL load of another writer (it covers nothing provable)",
      () => busyUntilWaited(othersLoad(5_000, { loadType: "PARTIAL" })),
    ],
    [
      "no estimate of Celonis's clock (nothing can be shown to cover)",
      () => {
        client.offsetMs = null;
        busyUntilWaited(othersLoad(60_000));
      },
    ],
  ];
  for (const [what, arrange] of notCovering) {
    it(`${what}: waited out, then our own load`, async () => {
      arrange();
      const [result] = await joinAll(member(clock));
      assert.equal(result.kind, "ended");
      assert.equal(client.triggers.length, 1);
      assert.equal(client.waitedFor.length, 1, "only our own load was followed");
    });
  }

  it("the adopted load fails: the members hear so, and the batch triggers its own", async () => {
    const m = member(clock);
    client.current = othersLoad(1_500);
    client.endWith(
      othersLoad(1_500, { loadStatus: "ERROR" }),
      record({ dataLoadId: "OURS", loadStatus: "SUCCESS" }),
    );
    const [r] = await joinAll(m);
    assert.equal(client.triggers.length, 1);
    assert.equal(r.kind === "ended" && r.load.dataLoadId, "OURS");
    assert.deepEqual(m.events, ["adopting", "adoptedFailed", "aboutToTrigger", "seen"]);
  });

  it("a load that was waited out is followed by another writer's covering load: that one is adopted", async () => {
    client.current = othersLoad(-5_000, { dataLoadId: "BEFORE" });
    client.waitForIdle = async () => {
      client.current = othersLoad(3_000);
      return { outcome: "changed" as const, load: client.current };
    };
    client.ends = async () => ({ outcome: "finished", load: othersLoad(3_000, { loadStatus: "SUCCESS" }) });
    const [r] = await joinAll(member(clock));
    assert.equal(client.triggers.length, 0);
    assert.equal(r.kind === "ended" && r.load.dataLoadId, "OTHER");
  });

  it("wait: false with a covering load: released once it is adopted, as after a trigger", async () => {
    client.current = othersLoad(1_500);
    const m = member(clock, { inputs: { onBusy: "wait", wait: false, warningsAs: "success" } });
    const [result] = await joinAll(m);
    assert.deepEqual(result, { kind: "triggered" });
    assert.deepEqual(m.events, ["adopting"]);
    assert.equal(client.triggers.length + client.waitedFor.length, 0);
  });

  it("a covering load that already ended with success settles the change: nothing triggered, nothing followed", async () => {
    const m = member(clock);
    client.current = othersLoad(1_500, { loadStatus: "SUCCESS" });
    const [r] = await joinAll(m);
    assert.equal(r.kind === "ended" && r.load.dataLoadId, "OTHER");
    assert.deepEqual([client.triggers.length, client.waitedFor.length], [0, 0]);
    assert.deepEqual(m.events, ["adopting"]);
  });

  it("an adopted load that ends WARNING counts only for members that take warnings as success", async () => {
    const lenient = member(clock);
    const strict = member(clock, { inputs: { onBusy: "wait", wait: true, warningsAs: "error" } });
    client.current = othersLoad(1_500);
    client.endWith(
      othersLoad(1_500, { loadStatus: "WARNING" }),
      record({ dataLoadId: "OURS", loadStatus: "SUCCESS" }),
    );
    const [rl, rs] = await joinAll(lenient, strict);
    assert.equal(rl.kind === "ended" && rl.load.dataLoadId, "OTHER");
    assert.equal(rs.kind === "ended" && rs.load.dataLoadId, "OURS");
    assert.equal(client.triggers.length, 1);
    assert.deepEqual(strict.events, ["adopting", "adoptedFailed", "aboutToTrigger", "seen"]);
  });

  it("an adopted load that failed is never adopted again, even while a stale read still shows it running", async () => {
    const m = member(clock);
    client.current = othersLoad(1_500); // every load-info read keeps showing it running
    const ends = [
      othersLoad(1_500, { loadStatus: "ERROR" }),
      record({ dataLoadId: "OURS", loadStatus: "SUCCESS" }),
    ];
    client.ends = async () => ({ outcome: "finished", load: ends.shift()! });
    client.waitForIdle = async () => ({
      outcome: "idle" as const,
      load: othersLoad(1_500, { loadStatus: "ERROR" }),
    });
    const [r] = await joinAll(m);
    assert.equal(r.kind === "ended" && r.load.dataLoadId, "OURS");
    assert.equal(m.events.filter((e) => e === "adopting").length, 1);
    assert.equal(client.triggers.length, 1);
  });

  it("onBusy fail keeps its meaning: busy, even with a covering load", async () => {
    client.current = othersLoad(1_500);
    const [result] = await joinAll(
      member(clock, { inputs: { onBusy: "fail", wait: true, warningsAs: "success" } }),
    );
    assert.equal(result.kind, "busy");
    assert.equal(client.triggers.length, 0);
  });

  it("a member whose change became ready after the load started is not covered by it", async () => {
    const early = member(clock);
    const late = member(clock, { readyAt: clock.now() + 10_000 });
    busyUntilWaited(othersLoad(1_500));
    const [re, rl] = await joinAll(early, late);
    assert.equal(client.triggers.length, 1, "the batch triggered one load covering both");
    assert.ok(
      !client.waitedFor.some((m) => JSON.stringify(m) === JSON.stringify({ loadId: "OTHER" })),
      "OTHER was not adopted",
    );
    assert.deepEqual(re, rl, "both ended with the same load, the batch's own");
  });
});
