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
import type { LoadInfoSync, LoadRecord, LoadRequest } from "../../provider/celonis/types";
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
  serverTime = () => null;
  resolveTables = async () => [];
  waitForIdle = async (_p: string, _m: string, o: { deadline: number }) => {
    await this.clock.sleep(o.deadline - this.clock.now());
    return { outcome: "timeout" as const, load: this.current ?? record() };
  };
  triggerLoad = async (_p: string, _m: string, req: LoadRequest) => {
    this.triggers.push(req);
    return this.trigger();
  };
  waitForLoad = async () => this.ends();
}

/** A member that records the events it gets (taking each in a tick later, as an awaited one). */
function member(clock: ManualClock, over: Partial<Member> = {}): Member & { events: BatchEvent["kind"][] } {
  const events: BatchEvent["kind"][] = [];
  return {
    name: "r",
    scope: null,
    plan: PLAN,
    inputs: { onBusy: "wait", wait: true },
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
    const m = member(clock, { inputs: { onBusy: "fail", wait: true } });
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
    const m = member(clock, { inputs: { onBusy: "wait", wait: false } });
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
