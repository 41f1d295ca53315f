// Coalescing: the reloads of one data model in one deployment share one load when that is correct.
// One provider process serves every resource of a deployment, so resources of one model whose
// create/update run together join a batch here. A batch gathers for a short window (GATHER_MS after
// the last resource joined, at most GATHER_MAX_MS after the first) and for as long as it waits for the
// model to be free; then it triggers one load that covers every member's plan (plan.combinePlans),
// follows it, and tells every member. A resource joins only a batch that has not triggered yet, so a
// load never stands in for a resource whose create/update began after the load started. Batches of a
// model run one after another, so loads of a model never overlap.
// A model busy with another writer's COMPLETE load that started after every member's change was
// ready (in Celonis's clock, beyond the clock's error bound) needs no load of ours: that load covers
// the changes, whoever started it (another stack, a schedule, the UI). The batch adopts it and
// follows it instead of triggering after it; if it fails, the batch triggers its own.
//
// The batch only does the I/O once. It tells each member what happens as awaited events (about to
// trigger — the member writes its journal entry before the request is sent —, seen, refused) and
// ends each member's wait with a result, as data (BatchResult). It never moves a member's reload:
// the runner (runner.ts) does that from the events and the result. Each member keeps its own
// deadline and cancellation (its Deadline): the batch ends that member's wait when they pass. Keys
// name the connection, so two Celonis teams with the same ids never share a load.

import type { CelonisClient } from "./celonis/client";
import { CancelledError, TriggerError, isLoadAlreadyRunning } from "./celonis/errors";
import { expectedDurationMs, isTerminal, latestLoadFromInfo } from "./celonis/status";
import { celonisOrder, firstCovering } from "./celonis/ours";
import { windowMatch, type StartWindow } from "./celonis/trigger";
import type { ServerTime } from "./celonis/server-clock";
import type { LoadInfoSync, LoadProgress, LoadRecord, LoadRequest, LoadType } from "./celonis/types";
import type { Clock } from "./clock";
import { cancelReason, type Deadline } from "./deadline";
import { judgeLoad } from "./lifecycle";
import { combinePlans } from "./plan";
import { modelLabel, progressLine, shortId } from "./progress";
import type { CheckedInputs, Plan } from "./types";

/** How long a batch waits for more resources after one joined: what a lone resource pays. */
export const GATHER_MS = 150;
/** The longest a batch gathers after its first member joined. */
export const GATHER_MAX_MS = 2_000;
/**
 * How long an announced resource (checked or diffed with a reload to run, see `announce`) is waited
 * for. The engine checks and diffs every resource before it creates or updates it, in no fixed order,
 * so the resources of one model can reach the provider a second apart; an announcement a batch has
 * not seen join within this time is taken as held back by the engine's parallelism limit.
 */
export const ANNOUNCED_FRESH_MS = 1_000;

/** A data model of one connection: what a batch, an announcement and a table cache are keyed by. */
export interface ModelRef {
  /** The connection's name ("" for the one configured today). */
  connection: string;
  poolId: string;
  dataModelId: string;
}

/** The one key of a model of a connection. */
export function modelKey(m: ModelRef): string {
  return `${m.connection}\u0000${m.poolId}/${m.dataModelId}`;
}

/** The client calls a batch makes (a test passes a fake). */
export type BatchClient = Pick<
  CelonisClient,
  "getLoadInfo" | "waitForIdle" | "triggerLoad" | "resolveTables" | "findLoad" | "waitForLoad" | "serverTime"
>;

/** The trigger a member's plan went out with. */
export interface TriggerInfo {
  triggeredAt: number;
  /** `triggeredAt` in Celonis's clock, when the client had read it. */
  server: ServerTime | null;
  previousLoadId: string | null;
  loadType: LoadType;
}

/** What the batch tells a member on the way; it waits for the member to take each in. */
export type BatchEvent =
  /** The trigger carrying the member's plan is about to be sent. */
  | { kind: "aboutToTrigger"; trigger: TriggerInfo }
  /** Its attempts bound when its load could have started (Celonis's clock; see trigger.ts). */
  | { kind: "bounded"; window: StartWindow }
  /**
   * Another writer's running COMPLETE load covers every member's change: the batch follows it instead
   * of triggering (`previousLoadId`: the load before it in Celonis's order).
   */
  | { kind: "adopting"; load: LoadRecord; previousLoadId: string | null }
  /** The adopted load ended without success: the batch triggers its own load next. */
  | { kind: "adoptedFailed"; load: LoadRecord }
  /** The batch's load was seen (first, and on each status change). */
  | { kind: "seen"; load: LoadRecord }
  /** Celonis refused that trigger, it started nothing (`retrying`: the batch tries again). */
  | { kind: "refused"; message: string; retrying: boolean };

/** How the batch ended for a member. */
export type BatchResult =
  /** The load was triggered, or adopted, and ended (any status). */
  | { kind: "ended"; load: LoadRecord }
  /** The load was triggered (or adopted); the member does not wait for it (wait: false). */
  | { kind: "triggered" }
  /** Celonis refused the trigger: nothing started. */
  | { kind: "refused"; message: string }
  /** A load started elsewhere kept the model busy (onBusy "fail", or until the deadline). */
  | { kind: "busy"; message: string; current: LoadRecord | null }
  /** The member's deadline passed. */
  | { kind: "timedOut" }
  /** The member's signal fired. */
  | { kind: "cancelled"; reason: CancelledError }
  /** The member held its plan back before the trigger (its reload window is closed; see Member.admit). */
  | { kind: "withheld" }
  /** An error ended the batch (a Celonis error, a trigger that may have started). */
  | { kind: "stopped"; error: unknown };

/** One resource in a batch: its plan and options, its limits, and where the batch's events go. */
export interface Member {
  /** The resource's name, for progress lines. */
  name: string;
  /** Its scope, as announced (see `Batches.announce`); null when unknown. */
  scope: string | null;
  plan: Plan;
  inputs: Pick<CheckedInputs, "onBusy" | "wait" | "warningsAs">;
  /** When the member's change was ready (its create or update reached the provider; runner ms). */
  readyAt: number;
  deadline: Deadline;
  log: (line: string) => void;
  on(event: BatchEvent): void | Promise<void>;
  /**
   * Asked once before the batch looks for a free model and triggers: false holds the member's plan
   * back (its reload window is closed). It answers at once: a member that waits for a window waits
   * before it joins, so it never holds up the other members.
   */
  admit?(): Promise<boolean>;
}

/**
 * The trigger a plan needs. Partial loads send the plan's own table ids (what the preview showed);
 * a plan stored by 0.1.0 has none, and `resolve` maps its names once. Pure but for `resolve`.
 */
export async function loadRequestFor(
  plan: Plan,
  resolve: (names: string[]) => Promise<string[]>,
): Promise<LoadRequest> {
  if (plan.loadType === "FROM_CACHE") return { kind: "FROM_CACHE" };
  if (plan.loadType !== "PARTIAL") return { kind: "COMPLETE" };
  const known = plan.tableIds && plan.tableIds.length === plan.tables.length;
  const ids = known ? plan.tableIds! : await resolve(plan.tables);
  return { kind: "PARTIAL", tableIds: [...new Set(ids)] };
}

/** The reads that find a data model busy or free, with what they learnt. */
interface Idle {
  previousLoadId: string | null;
  info: LoadInfoSync;
}

/** The trigger that went out, the model's load info read just before it, and its start bound. */
interface Sent {
  trigger: TriggerInfo;
  info: LoadInfoSync;
  window: StartWindow | null;
  /** Our load when the trigger protocol saw it: followed by its id (a later look must not pick another). */
  seen: LoadRecord | null;
}

interface Joined {
  member: Member;
  settle(r: BatchResult): void;
  /** Set once the member's wait has ended. */
  result?: BatchResult;
  /** The member's deadline passed while a step bounded by it was under way: applied when it ends. */
  expired?: boolean;
  /** Stops watching the member's deadline and signal. */
  unwatch(): void;
}

/** A batch: the members that share one load of one model. */
class Batch {
  readonly joined: Joined[] = [];
  triggered = false;
  private readonly clock: Clock;
  private readonly opened: number;
  private lastJoin: number;
  private readonly abort = new AbortController();
  /** The deadline the step under way (a client call or wait) ends by itself; null between steps. */
  private stepDeadline: number | null = null;
  /** Loads of other writers this batch adopted that failed: never adopted again. */
  private readonly failedAdoptions = new Set<string>();
  /** The `seen` events sent from inside a client wait, not yet taken in. */
  private seenEvents: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: BatchClient,
    private readonly model: ModelRef,
    private readonly registry: Batches,
  ) {
    this.clock = registry.clock;
    this.opened = this.lastJoin = this.clock.now();
  }

  add(member: Member): Promise<BatchResult> {
    this.lastJoin = this.clock.now();
    return new Promise<BatchResult>((settle) => {
      const j: Joined = { member, settle, unwatch: () => undefined };
      this.joined.push(j);
      this.watch(j);
    });
  }

  /** Ends the member's wait at its deadline (see `expire`) or when its signal fires. */
  private watch(j: Joined): void {
    const { deadline } = j.member;
    const cancel = () => this.finish(j, { kind: "cancelled", reason: cancelReason(deadline.signal) });
    if (deadline.signal?.aborted) return cancel();
    const stopTimer = this.clock.timer(deadline.remainingMs(), () => this.expire(j));
    deadline.signal?.addEventListener("abort", cancel, { once: true });
    j.unwatch = () => {
      stopTimer();
      deadline.signal?.removeEventListener("abort", cancel);
    };
  }

  /**
   * The member's deadline passed. A step that ends by that same deadline (a trigger, a wait) is let
   * finish: what it learns (a trigger that may have started, a busy model) is the better answer.
   */
  private expire(j: Joined): void {
    if (this.stepDeadline !== null && this.stepDeadline <= j.member.deadline.at) j.expired = true;
    else this.finish(j, { kind: "timedOut" });
  }

  /** Ends a member's wait (once); when no member is left, the batch stops too. */
  private finish(j: Joined, result: BatchResult): void {
    if (j.result) return;
    j.result = result;
    j.unwatch();
    j.settle(result);
    if (this.active().length === 0) this.abort.abort(new CancelledError("no member left"));
  }

  async run(previous: Promise<void>): Promise<void> {
    try {
      await this.gather();
      await previous;
      if (this.joined.some((j) => j.member.admit)) await this.admit();
      const idle = this.active().length > 0 && (await this.whenIdle());
      const sent = idle && (await this.triggerOnce(idle));
      if (sent) await this.follow(sent);
      this.flushExpired();
    } catch (error) {
      await this.seenEvents;
      for (const j of this.active()) this.finish(j, { kind: "stopped", error });
    }
  }

  /** Each member's own say before the trigger (Member.admit); those that hold back leave. */
  private async admit(): Promise<void> {
    const members = this.active();
    const answers = await Promise.all(members.map((j) => j.member.admit?.() ?? true));
    members.forEach((j, i) => answers[i] || this.finish(j, { kind: "withheld" }));
  }

  private active(): Joined[] {
    return this.joined.filter((j) => !j.result);
  }

  /**
   * Waits until GATHER_MS have passed both since the last member joined and since any resource was
   * announced (the engine checks and diffs a deployment's resources in a burst, in no fixed order),
   * and while an announced resource of this model has not joined yet (at most ANNOUNCED_FRESH_MS
   * after its announcement); all within GATHER_MAX_MS of the first join.
   */
  private async gather(): Promise<void> {
    const key = modelKey(this.model);
    for (;;) {
      const now = this.clock.now();
      const hard = this.opened + GATHER_MAX_MS;
      const quiet = Math.max(this.lastJoin, this.registry.lastAnnounced) + GATHER_MS;
      if (now >= hard || (now >= quiet && !this.registry.awaited(key, now))) return;
      await this.clock.sleep(Math.min(50, hard - now));
    }
  }

  /**
   * Runs one client call or wait bounded by the latest deadline of `members`, stopped when no member
   * is left; members whose deadline passed meanwhile are ended once it returns (see `expire`).
   */
  private async step<T>(
    call: (limits: { deadline: number; signal: AbortSignal }) => Promise<T>,
    members = this.active(),
  ): Promise<T> {
    const deadline = Math.max(...members.map((j) => j.member.deadline.at));
    this.stepDeadline = deadline;
    try {
      return await call({ deadline, signal: this.abort.signal });
    } finally {
      this.stepDeadline = null;
      await this.seenEvents;
    }
  }

  /** Ends the waits of members whose deadline passed during the last step, once it has been told. */
  private flushExpired(): void {
    for (const j of this.active()) if (j.expired) this.finish(j, { kind: "timedOut" });
  }

  /** Sends `event` to `members` and waits until each has taken it in. */
  private async emit(members: Joined[], event: BatchEvent): Promise<void> {
    await Promise.all(members.map((j) => j.member.on(event)));
  }

  /** `seen` from inside a client wait (a synchronous callback): queued, and awaited after the step. */
  private seenLater(load: LoadRecord): void {
    const members = this.active();
    this.seenEvents = this.seenEvents.then(() => this.emit(members, { kind: "seen", load }));
  }

  /**
   * Reads the model's load info, then waits until it is free. Busy with someone else's load: members
   * with onBusy "fail" stop; a COMPLETE load that covers every member's change is adopted (see
   * `adopt`), once; any other load is waited out (each member within its own deadline), and a load
   * that starts meanwhile is judged the same way. Null when no member is left to trigger for.
   */
  private async whenIdle(): Promise<Idle | null> {
    const { poolId, dataModelId } = this.model;
    const read = () => this.step((limits) => this.client.getLoadInfo(poolId, dataModelId, limits));
    let info = await read();
    let current = latestLoadFromInfo(info);
    for (;;) {
      this.flushExpired();
      if (this.active().length === 0) return null;
      if (!current || isTerminal(current.loadStatus)) return this.free(current, info);
      for (const j of this.active().filter((x) => x.member.inputs.onBusy === "fail")) {
        this.finish(j, { kind: "busy", message: busyMessage(this.model, current), current });
      }
      if (this.active().length === 0) return null;
      if (this.covers(current) && !this.failedAdoptions.has(current.dataLoadId)) {
        if (await this.adopt(current, info)) return null;
        info = await read(); // it failed: read again, then trigger our own
        current = latestLoadFromInfo(info);
        continue;
      }
      const waited = await this.waitOut(current, info);
      if (waited === null || !("changed" in waited)) return waited;
      current = waited.changed;
    }
  }

  /**
   * The model is free. Its last load settles the members it counts for when it covers every change
   * (COMPLETE, started after the changes were ready, succeeded): another writer's load that ended
   * before this batch looked. The rest trigger.
   */
  private async free(last: LoadRecord | null, info: LoadInfoSync): Promise<Idle | null> {
    const settled = last !== null && this.covers(last) ? this.active().filter((j) => counts(last, j)) : [];
    if (last && settled.length > 0) {
      this.triggered = true; // a change that becomes ready from now on is not covered: next batch
      this.log(`${coveringLine(last)}: not triggering another`);
      await this.emit(settled, { kind: "adopting", load: last, previousLoadId: previousOf(last, info) });
      for (const j of settled) this.finish(j, { kind: "ended", load: last });
      if (this.active().length === 0) return null;
    }
    return { previousLoadId: last?.dataLoadId ?? null, info };
  }

  /**
   * Waits until someone else's load `current` has ended; null when the members' deadlines came first,
   * `changed` when another load runs instead (it may cover the members' changes: judged next).
   */
  private async waitOut(
    current: LoadRecord,
    info: LoadInfoSync,
  ): Promise<Idle | null | { changed: LoadRecord }> {
    const { poolId, dataModelId } = this.model;
    this.log(
      `load ${shortId(current.dataLoadId)} started elsewhere is ${current.loadStatus}; waiting for it (onBusy: wait)`,
    );
    const idle = await this.step((limits) =>
      this.client.waitForIdle(poolId, dataModelId, {
        ...limits,
        whileLoad: current.dataLoadId,
        onProgress: this.progress(),
      }),
    );
    if (idle.outcome === "changed") return { changed: idle.load };
    if (idle.outcome === "timeout") {
      const message = busyTimeout(this.model, current);
      for (const j of this.active()) this.finish(j, { kind: "busy", message, current: idle.load });
      return null;
    }
    this.flushExpired();
    return { previousLoadId: idle.load?.dataLoadId ?? null, info };
  }

  /**
   * Whether a running load covers every active member's change: COMPLETE, and started after the
   * latest member's change was ready, in Celonis's clock beyond its error bound. Without an estimate
   * of Celonis's clock nothing can be shown to cover.
   */
  private covers(load: LoadRecord): boolean {
    let since = -Infinity;
    for (const j of this.active()) {
      const ready = this.client.serverTime(j.member.readyAt);
      if (!ready) return false;
      since = Math.max(since, ready.at + ready.errorMs);
    }
    return firstCovering([load], since, () => true) !== null;
  }

  /**
   * Follows another writer's load that covers every member's change instead of triggering one (see
   * `covers`). True when that ended the members' waits (it succeeded or ended with a warning; a
   * member's deadline came); false when it failed, and the batch goes on to trigger its own.
   */
  private async adopt(load: LoadRecord, info: LoadInfoSync): Promise<boolean> {
    const { poolId, dataModelId } = this.model;
    this.triggered = true; // a change that becomes ready from now on is not covered: next batch
    this.log(`${coveringLine(load)}: following it instead of triggering another`);
    await this.emit(this.active(), { kind: "adopting", load, previousLoadId: previousOf(load, info) });
    for (const j of this.active()) if (!j.member.inputs.wait) this.finish(j, { kind: "triggered" });
    if (this.active().length === 0) return true;
    const result = await this.step((limits) =>
      this.client.waitForLoad(poolId, dataModelId, {
        match: { loadId: load.dataLoadId },
        expectedMs: expectedDurationMs(info, "COMPLETE"),
        ...limits,
        onProgress: this.progress(),
        onSeen: (seen) => this.seenLater(seen),
      }),
    );
    if (result.outcome !== "finished") {
      for (const j of this.active()) this.finish(j, { kind: "timedOut" });
      return true;
    }
    const end = result.load;
    for (const j of this.active()) if (counts(end, j)) this.finish(j, { kind: "ended", load: end });
    if (this.active().length === 0) return true;
    this.failedAdoptions.add(load.dataLoadId);
    this.log(
      `load ${shortId(load.dataLoadId)} of another writer ended ${end.loadStatus}: triggering our own`,
    );
    await this.emit(this.active(), { kind: "adoptedFailed", load: end });
    return false;
  }

  /**
   * Triggers the combined plan: the trigger that went out when a load is (or may be) on its way,
   * null when none did. A refused trigger is sent again after the load that refused it, with what
   * the new read says.
   */
  private async triggerOnce(idle: Idle): Promise<Sent | null> {
    for (let busy = idle; ;) {
      this.triggered = true; // from here on, newcomers form the next batch
      this.flushExpired();
      const members = this.active();
      if (members.length === 0) return null;
      const plan = combinePlans(members.map((j) => j.member.plan));
      const request = await this.requestFor(plan);
      const now = this.clock.now();
      const trigger = {
        triggeredAt: now,
        server: this.client.serverTime(now),
        previousLoadId: busy.previousLoadId,
        loadType: request.kind,
      };
      this.log(triggerLine(plan, request.kind, members));
      await this.emit(members, { kind: "aboutToTrigger", trigger });
      const sent = await this.send(request, trigger, members);
      if ("window" in sent) return { trigger, info: busy.info, window: sent.window, seen: sent.seen };
      const refusal = sent;
      const { message, retrying } = refusal;
      await this.emit(members, { kind: "refused", message, retrying });
      if (!retrying) {
        for (const j of this.active()) this.finish(j, { kind: "refused", message });
        return null;
      }
      const again = await this.whenIdle(); // someone else's load started meanwhile
      if (!again) return null;
      busy = again;
    }
  }

  /** Sends the trigger: its start bound when it went out (or may have), else why Celonis refused it. */
  private async send(
    request: LoadRequest,
    trigger: TriggerInfo,
    members: Joined[],
  ): Promise<
    { message: string; retrying: boolean } | { window: StartWindow | null; seen: LoadRecord | null }
  > {
    const { poolId, dataModelId } = this.model;
    try {
      const confirmed = await this.step((limits) => {
        const { previousLoadId, triggeredAt } = trigger;
        return this.client.triggerLoad(poolId, dataModelId, request, {
          previousLoadId,
          triggeredAt,
          ...limits,
        });
      }, members);
      const { window } = confirmed;
      if (window !== null) await this.emit(this.active(), { kind: "bounded", window });
      if (confirmed.load) await this.emit(this.active(), { kind: "seen", load: confirmed.load });
      this.flushExpired();
      return { window, seen: confirmed.load };
    } catch (err) {
      if (!(err instanceof TriggerError) || err.maybeStarted) throw err;
      const message = `${err.message.replace(/\.+$/, "")}. Nothing was started; the reload is still owed`;
      return { message, retrying: isLoadAlreadyRunning(err) };
    }
  }

  private async requestFor(plan: Plan): Promise<LoadRequest> {
    const { poolId, dataModelId } = this.model;
    return loadRequestFor(plan, async (names) =>
      (await this.step((limits) => this.client.resolveTables(poolId, dataModelId, names, limits))).map(
        (t) => t.id,
      ),
    );
  }

  /**
   * Follows the load to its end. Members with wait: false are released once it is triggered (after
   * one look, so they can record its id); the batch stops when no member waits any more.
   */
  private async follow({ trigger, info, window, seen }: Sent): Promise<void> {
    const { poolId, dataModelId } = this.model;
    const match = seen ? { loadId: seen.dataLoadId } : windowMatch(trigger, window);
    const notWaiting = this.active().filter((x) => !x.member.inputs.wait);
    if (notWaiting.length > 0) {
      const last = await this.step(
        (limits) => this.client.findLoad(poolId, dataModelId, match, limits).catch(() => null),
        notWaiting,
      );
      if (last) await this.emit(notWaiting, { kind: "seen", load: last });
      for (const j of notWaiting) this.finish(j, { kind: "triggered" });
    }
    const waiting = this.active();
    if (waiting.length === 0) return;
    const result = await this.step(
      (limits) =>
        this.client.waitForLoad(poolId, dataModelId, {
          match,
          expectedMs: expectedDurationMs(info, trigger.loadType),
          ...limits,
          onProgress: this.progress(),
          onSeen: (load) => this.seenLater(load),
        }),
      waiting,
    );
    const end: BatchResult =
      result.outcome === "finished" ? { kind: "ended", load: result.load } : { kind: "timedOut" };
    for (const j of this.active()) this.finish(j, end);
  }

  /** One line to each distinct log (the dynamic provider's members share one: printed once). */
  private log(line: string): void {
    const logs = new Set(this.active().map((j) => j.member.log));
    for (const log of logs) log(`${modelLabel(this.model.dataModelId)}: ${line}`);
  }

  private progress(): (p: LoadProgress) => void {
    // The client reports on a status change or every few seconds; a load's end gets its own line.
    return (p) => {
      const line = progressLine(p);
      if (line) this.log(line);
    };
  }
}
/** The batches and announcements of one provider context, by model. */
export class Batches {
  private readonly open = new Map<string, Batch>();
  private readonly tails = new Map<string, Promise<void>>();
  /** Resources announced per model (key → resource → when), not yet joined. */
  private readonly announced = new Map<string, Map<string, number>>();
  /** When any resource was last announced: while resources keep arriving, more of a model may come. */
  lastAnnounced = 0;

  constructor(readonly clock: Clock) {}

  /**
   * Says that `who` (a resource's scope) of the model will run a reload soon: its check (create) or
   * diff (update) found one to run. A batch of that model gathers a little longer while such a
   * resource has not joined it.
   */
  announce(model: ModelRef, who: string): void {
    const key = modelKey(model);
    const now = this.clock.now();
    const pending = this.announced.get(key) ?? new Map<string, number>();
    for (const [w, at] of pending) if (now - at > ANNOUNCED_FRESH_MS) pending.delete(w);
    pending.set(who, now);
    this.announced.set(key, pending);
    this.lastAnnounced = now;
  }

  /** Whether an announced resource of the model may still join (announced recently, not yet joined). */
  awaited(key: string, now: number): boolean {
    for (const at of this.announced.get(key)?.values() ?? []) if (now - at <= ANNOUNCED_FRESH_MS) return true;
    return false;
  }

  /** Joins the model's open batch (or opens one); resolves with how it ended for this member. */
  join(client: BatchClient, model: ModelRef, member: Member): Promise<BatchResult> {
    const key = modelKey(model);
    if (member.scope) this.announced.get(key)?.delete(member.scope);
    let batch = this.open.get(key);
    if (!batch || batch.triggered) {
      batch = new Batch(client, model, this);
      this.open.set(key, batch);
      const opened = batch;
      const done = opened.run(this.tails.get(key) ?? Promise.resolve()).finally(() => {
        if (this.open.get(key) === opened) this.open.delete(key);
      });
      this.tails.set(key, done);
      void done.then(() => {
        if (this.tails.get(key) === done) this.tails.delete(key);
      });
    }
    return batch.add(member);
  }
}

function triggerLine(plan: Plan, kind: LoadType, members: Joined[]): string {
  const scope = kind === "PARTIAL" ? `tables ${plan.tables.join(", ")}` : "the whole data model";
  const names = members.map((j) => j.member.name);
  const served = names.length > 1 ? ` for ${names.length} resources: ${names.join(", ")}` : "";
  return `triggering a ${kind} load of ${scope}${served} (${plan.reasons.join("; ")})`;
}

/** Whether an ended load counts as success for a member (lifecycle.judgeLoad, by its warningsAs). */
function counts(load: LoadRecord, j: Joined): boolean {
  return judgeLoad(load, j.member.inputs.warningsAs).ok;
}

/** The load before `load` in Celonis's order, from the same read. */
function previousOf(load: LoadRecord, info: LoadInfoSync): string | null {
  const order = celonisOrder(info);
  return order[order.findIndex((l) => l.dataLoadId === load.dataLoadId) - 1]?.dataLoadId ?? null;
}

function coveringLine(load: LoadRecord): string {
  return (
    `load ${shortId(load.dataLoadId)} (COMPLETE, ${load.loadStatus}) was started by another writer after ` +
    "the change was ready and covers it"
  );
}

function busyMessage(m: ModelRef, current: LoadRecord): string {
  return (
    `Data model ${m.dataModelId} is busy: load ${current.dataLoadId} is ${current.loadStatus} (started outside this deployment) ` +
    'and onBusy is "fail". The reload is still owed: run `pulumi up` again when it has finished, or set onBusy: "wait"'
  );
}

function busyTimeout(m: ModelRef, current: LoadRecord): string {
  return (
    `Timed out waiting for load ${current.dataLoadId} (started outside this deployment) to finish on data model ` +
    `${m.dataModelId}; nothing was triggered. The reload is still owed`
  );
}
