// Coalescing: the reloads of one data model in one deployment share one load when that is correct.
// One provider process serves every resource of a deployment, so resources of one model whose
// create/update run together join a batch here. A batch gathers for a short window (GATHER_MS after
// the last resource joined, at most GATHER_MAX_MS after the first) and for as long as it waits for the
// model to be free; then it triggers one load that covers every member's plan (plan.combinePlans),
// follows it, and tells every member. A resource joins only a batch that has not triggered yet, so a
// load never stands in for a resource whose create/update began after the load started. Batches of a
// model run one after another, so loads of a model never overlap. Each member keeps its own deadline,
// cancellation and lifecycle (reload.ts); the batch only does the I/O once.

import type { CelonisClient } from "./celonis/client";
import { CancelledError, TriggerError, isLoadAlreadyRunning } from "./celonis/errors";
import { expectedDurationMs, isTerminal, latestLoadFromInfo, triggerMatch } from "./celonis/status";
import type { ServerTime } from "./celonis/server-clock";
import type { LoadInfoSync, LoadProgress, LoadRecord, LoadRequest, LoadType } from "./celonis/types";
import { combinePlans } from "./plan";
import { progressLine, shortId } from "./progress";
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

/** Resources announced per model (key → resource → when), not yet joined. */
const announced = new Map<string, Map<string, number>>();
/** When any resource was last announced: while resources keep arriving, more of a model may come. */
let lastAnnounced = 0;

/**
 * Says that `who` (a resource's scope) of the model `poolId/dataModelId` will run a reload soon: its
 * check (create) or diff (update) found one to run. A batch of that model gathers a little longer
 * while such a resource has not joined it.
 */
export function announce(poolId: string, dataModelId: string, who: string): void {
  const key = `${poolId}/${dataModelId}`;
  const now = Date.now();
  const pending = announced.get(key) ?? new Map<string, number>();
  for (const [w, at] of pending) if (now - at > ANNOUNCED_FRESH_MS) pending.delete(w);
  pending.set(who, now);
  announced.set(key, pending);
  lastAnnounced = now;
}

/** Whether an announced resource of the model may still join (announced recently, not yet joined). */
function awaited(key: string, now: number): boolean {
  for (const at of announced.get(key)?.values() ?? []) if (now - at <= ANNOUNCED_FRESH_MS) return true;
  return false;
}

/** The trigger a member's plan went out with. */
export interface TriggerInfo {
  triggeredAt: number;
  /** `triggeredAt` in Celonis's clock, when the client had read it. */
  server: ServerTime | null;
  previousLoadId: string | null;
  loadType: LoadType;
}

/** One resource in a batch: its plan and options, and how the batch tells it what happens. */
export interface Member {
  /** The resource's name, for progress lines. */
  name: string;
  /** Its scope, as announced (see `announce`); null when unknown. */
  scope: string | null;
  plan: Plan;
  inputs: Pick<CheckedInputs, "poolId" | "dataModelId" | "onBusy" | "wait">;
  deadline: number;
  log: (line: string) => void;
  /** The trigger carrying this member's plan is about to be sent. */
  onTrigger(t: TriggerInfo): void;
  /** Celonis refused that trigger, it started nothing: why (`retrying`: the batch tries again). */
  onRefused(message: string, retrying: boolean): void;
  /** The batch's load was seen (first, and on each status change). */
  onSeen(load: LoadRecord): void;
}

/** How a batch ended for a member: its load ended, or (wait: false) it was triggered. */
export type BatchResult = { kind: "ended"; load: LoadRecord } | { kind: "triggered" };

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

/** An expected end of a member's run, with the message its update fails with. */
export class BatchStop extends Error {
  /** The model's last load when that is what stopped it (a busy model). */
  constructor(
    message: string,
    readonly current?: LoadRecord,
  ) {
    super(message);
  }
}

/** The batch's wait reached its deadline (the latest of its members'): the load goes on. */
export class BatchTimeout extends Error {}

/** The reads that find a data model busy or free, with what they learnt. */
interface Idle {
  previousLoadId: string | null;
  info: LoadInfoSync;
}

/** The trigger that went out, and the model's load info read just before it. */
interface Sent {
  trigger: TriggerInfo;
  info: LoadInfoSync;
}

interface Joined {
  member: Member;
  resolve(r: BatchResult): void;
  reject(e: unknown): void;
  left: boolean;
}

/** A batch: the members that share one load of one model. */
class Batch {
  readonly joined: Joined[] = [];
  triggered = false;
  private lastJoin = Date.now();
  private readonly opened = Date.now();
  private readonly abort = new AbortController();

  constructor(
    private readonly client: CelonisClient,
    private readonly key: string,
  ) {}

  add(member: Member): Promise<BatchResult> {
    this.lastJoin = Date.now();
    return new Promise<BatchResult>((resolve, reject) => {
      this.joined.push({ member, resolve, reject, left: false });
    });
  }

  /** A member stopped waiting (its deadline or a cancel): when none is left, the batch stops too. */
  leave(member: Member): void {
    const j = this.joined.find((x) => x.member === member);
    if (j) j.left = true;
    if (this.active().length === 0) this.abort.abort();
  }

  async run(previous: Promise<void>): Promise<void> {
    try {
      await this.gather();
      await previous;
      const idle = await this.whenIdle();
      const sent = idle && (await this.triggerOnce(idle));
      if (sent) await this.follow(sent);
    } catch (err) {
      this.rejectAll(err);
    }
  }

  private active(): Joined[] {
    return this.joined.filter((j) => !j.left);
  }

  /**
   * Waits until GATHER_MS have passed both since the last member joined and since any resource was
   * announced (the engine checks and diffs a deployment's resources in a burst, in no fixed order),
   * and while an announced resource of this model has not joined yet (at most ANNOUNCED_FRESH_MS
   * after its announcement); all within GATHER_MAX_MS of the first join.
   */
  private async gather(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const hard = this.opened + GATHER_MAX_MS;
      const quiet = Math.max(this.lastJoin, lastAnnounced) + GATHER_MS;
      if (now >= hard || (now >= quiet && !awaited(this.key, now))) return;
      await new Promise((r) => setTimeout(r, Math.min(50, hard - now)));
    }
  }

  private limits(members = this.active()): { deadline: number; signal: AbortSignal } {
    return { deadline: Math.max(...members.map((j) => j.member.deadline)), signal: this.abort.signal };
  }

  /**
   * One read of the model's load info: free, or busy with someone else's load. Busy: members with
   * onBusy "fail" stop; the others wait until it ends (each within its own deadline). Null when no
   * member is left to trigger for.
   */
  private async whenIdle(): Promise<Idle | null> {
    const { poolId, dataModelId } = this.first().inputs;
    const info = await this.client.getLoadInfo(poolId, dataModelId, this.limits());
    const current = latestLoadFromInfo(info);
    if (!current || isTerminal(current.loadStatus))
      return { previousLoadId: current?.dataLoadId ?? null, info };
    for (const j of this.active().filter((x) => x.member.inputs.onBusy === "fail")) {
      this.stop(j, new BatchStop(busyMessage(j.member, current), current));
    }
    if (this.active().length === 0) return null;
    this.log(
      `load ${shortId(current.dataLoadId)} started elsewhere is ${current.loadStatus}; waiting for it (onBusy: wait)`,
    );
    const idle = await this.client.waitForIdle(poolId, dataModelId, {
      ...this.limits(),
      onProgress: this.progress(),
    });
    if (idle.outcome === "timeout") {
      for (const j of this.active()) this.stop(j, new BatchStop(busyTimeout(j.member, current), idle.load));
      return null;
    }
    return { previousLoadId: idle.load?.dataLoadId ?? null, info };
  }

  /**
   * Triggers the combined plan: the trigger that went out when a load is (or may be) on its way,
   * null when none did. A refused trigger is sent again after the load that refused it, with what
   * the new read says.
   */
  private async triggerOnce(idle: Idle): Promise<Sent | null> {
    for (let busy = idle; ;) {
      this.triggered = true; // from here on, newcomers form the next batch
      const members = this.active();
      const plan = combinePlans(members.map((j) => j.member.plan));
      const request = await this.requestFor(plan);
      const now = Date.now();
      const server = this.client.serverTime(now);
      const info = { triggeredAt: now, server, previousLoadId: busy.previousLoadId, loadType: request.kind };
      this.log(triggerLine(plan, request.kind, members));
      members.forEach((j) => j.member.onTrigger(info));
      try {
        const { poolId, dataModelId } = this.first().inputs;
        const confirmed = await this.client.triggerLoad(poolId, dataModelId, request, {
          ...info,
          ...this.limits(),
        });
        if (confirmed.load) members.forEach((j) => j.member.onSeen(confirmed.load!));
        return { trigger: info, info: busy.info };
      } catch (err) {
        if (!(err instanceof TriggerError) || err.maybeStarted) throw err;
        const retry = isLoadAlreadyRunning(err);
        const why = `${err.message.replace(/\.+$/, "")}. Nothing was started; the reload is still owed`;
        members.forEach((j) => j.member.onRefused(why, retry));
        if (!retry) throw new BatchStop(why); // each member has recorded it: this ends their waits
        const again = await this.whenIdle(); // someone else's load started meanwhile
        if (!again) return null;
        busy = again;
      }
    }
  }

  private async requestFor(plan: Plan): Promise<LoadRequest> {
    const { poolId, dataModelId } = this.first().inputs;
    return loadRequestFor(plan, async (names) =>
      (await this.client.resolveTables(poolId, dataModelId, names, this.limits())).map((t) => t.id),
    );
  }

  /**
   * Follows the load to its end. Members with wait: false are released once it is triggered (after
   * one look, so they can record its id); the batch stops when no member waits any more.
   */
  private async follow({ trigger, info }: Sent): Promise<void> {
    const { poolId, dataModelId } = this.first().inputs;
    const match = triggerMatch(trigger);
    const notWaiting = this.active().filter((x) => !x.member.inputs.wait);
    if (notWaiting.length > 0) {
      const last = await this.client.findLoad(poolId, dataModelId, match, this.limits()).catch(() => null);
      if (last) notWaiting.forEach((j) => j.member.onSeen(last));
      notWaiting.forEach((j) => j.resolve({ kind: "triggered" }));
    }
    const waiting = this.active().filter((x) => x.member.inputs.wait);
    if (waiting.length === 0) return;
    const result = await this.client.waitForLoad(poolId, dataModelId, {
      match,
      expectedMs: expectedDurationMs(info, trigger.loadType),
      ...this.limits(waiting),
      onProgress: this.progress(),
      onSeen: (load) => this.active().forEach((j) => j.member.onSeen(load)),
    });
    if (result.outcome === "finished") {
      for (const j of this.active()) j.resolve({ kind: "ended", load: result.load });
    } else this.rejectAll(new BatchTimeout()); // every member's deadline has passed
  }

  private first(): Member {
    return (this.active()[0] ?? this.joined[0]).member;
  }

  private stop(j: Joined, why: BatchStop): void {
    j.left = true;
    j.reject(why);
  }

  /** Ends every member's wait with `err` (members that already left ignore it). */
  private rejectAll(err: unknown): void {
    const why =
      err instanceof CancelledError && this.abort.signal.aborted ? new BatchStop("no member left") : err;
    for (const j of this.joined) {
      j.left = true;
      j.reject(why);
    }
  }

  /** One line to each distinct log (the dynamic provider's members share one: printed once). */
  private log(line: string): void {
    const logs = new Set(this.active().map((j) => j.member.log));
    for (const log of logs) log(`celonis model ${this.key.split("/")[1]}: ${line}`);
  }

  private progress(): (p: LoadProgress) => void {
    // The client reports on a status change or every few seconds; a load's end gets its own line.
    return (p) => {
      const line = progressLine(p);
      if (line) this.log(line);
    };
  }
}

const open = new Map<string, Batch>();
const tails = new Map<string, Promise<void>>();

/**
 * Joins the model's open batch (or opens one) and resolves with how the shared load ended for this
 * member. The member's own deadline and cancellation are not enforced here (see reload.ts); when
 * the member stops waiting, it calls the returned `leave`.
 */
export function joinBatch(
  client: CelonisClient,
  member: Member,
): { result: Promise<BatchResult>; leave(): void } {
  const key = `${member.inputs.poolId}/${member.inputs.dataModelId}`;
  if (member.scope) announced.get(key)?.delete(member.scope);
  let batch = open.get(key);
  if (!batch || batch.triggered) {
    batch = new Batch(client, key);
    open.set(key, batch);
    const opened = batch;
    const previous = tails.get(key) ?? Promise.resolve();
    const done = opened.run(previous).finally(() => {
      if (open.get(key) === opened) open.delete(key);
    });
    tails.set(key, done);
    void done.then(() => {
      if (tails.get(key) === done) tails.delete(key);
    });
  }
  const result = batch.add(member);
  const joined = batch;
  return { result, leave: () => joined.leave(member) };
}

function triggerLine(plan: Plan, kind: LoadType, members: Joined[]): string {
  const scope = kind === "PARTIAL" ? `tables ${plan.tables.join(", ")}` : "the whole data model";
  const names = members.map((j) => j.member.name);
  const served = names.length > 1 ? ` for ${names.length} resources: ${names.join(", ")}` : "";
  return `triggering a ${kind} load of ${scope}${served} (${plan.reasons.join("; ")})`;
}

function busyMessage(m: Member, current: LoadRecord): string {
  return (
    `Data model ${m.inputs.dataModelId} is busy: load ${current.dataLoadId} is ${current.loadStatus} (started outside this deployment) ` +
    'and onBusy is "fail". The reload is still owed: run `pulumi up` again when it has finished, or set onBusy: "wait"'
  );
}

function busyTimeout(m: Member, current: LoadRecord): string {
  return (
    `Timed out waiting for load ${current.dataLoadId} (started outside this deployment) to finish on data model ` +
    `${m.inputs.dataModelId}; nothing was triggered. The reload is still owed`
  );
}
