// THE ADAPTER: a thin model of what `pulumi up` does with one DataModelReload, for the simulator.
// It stands for handlers.ts (update → run → outputsOf, forgetting the journal entry once the engine
// has the outcome), reload.ts (ReloadRun: settle an earlier load, settle a journaled trigger, share,
// verdict) and coalesce.ts (a batch of one member: whenIdle, triggerOnce, follow), step for step,
// because those read `Date.now()` and real timers and cannot run on a virtual clock yet. Replace it
// by the runner itself once it takes the provider context's injectable clock (the core refactor).
// Everything it calls is the provider's real code: plan.ts (planAtCheck, planAtUpdate, mergePlans),
// journal.ts (changeKey), lifecycle.ts (every transition, settleFound, persisted, latestVisible,
// planLoadMatch), batch.ts (loadRequestFor), status.ts (findLoadIn, latestLoadFromInfo,
// expectedDurationMs) and the real CelonisClient (trigger protocol, waits, poll schedule).
// Engine persistence is modelled as the engine does it: the outputs after a completed step, and
// the trigger journal (kept on disk, so it survives a kill).

import type { CelonisClient } from "../../provider/celonis/client";
import { TriggerError, isLoadAlreadyRunning } from "../../provider/celonis/errors";
import { celonisOrder, findOurs } from "../../provider/celonis/ours";
import {
  expectedDurationMs,
  findLoadIn,
  fiveMinuteMatch,
  isTerminal,
  latestLoadFromInfo,
  oursQuery,
  type LoadMatch,
} from "../../provider/celonis/status";
import type { LoadInfoSync, LoadRecord } from "../../provider/celonis/types";
import { loadRequestFor, type TriggerInfo } from "../../provider/batch";
import { changeKey, type ChangeParts } from "../../provider/journal";
import * as life from "../../provider/lifecycle";
import { mergePlans, planAtCheck, planAtUpdate } from "../../provider/plan";
import type { CheckedInputs, Plan, PlanLoad, ReloadOutputs } from "../../provider/types";
import type { World } from "./world";

/** Which matcher finds a load by its trigger: the rule of ours.ts, or the old five-minute one. */
export type Matcher = "ours" | "five-minute";

/**
 * The load a match names in a load-info answer, by the chosen matcher; when the rule finds its load
 * unprovable (the one case where it accepts a second load), `onUnprovable` hears why (the real
 * findOurs verdict, noted for the invariant only).
 */
export function matchIn(
  matcher: Matcher,
  info: LoadInfoSync,
  match: LoadMatch,
  onUnprovable: (why: string) => void,
): LoadRecord | null {
  if ("loadId" in match) return findLoadIn(info, match);
  if (matcher === "five-minute") return fiveMinuteMatch(info, match);
  const found = findLoadIn(info, match);
  if (!found) {
    const verdict = findOurs(celonisOrder(info), oursQuery(match));
    if (verdict.kind === "unprovable") onUnprovable(verdict.why);
  }
  return found;
}

/** The client with the chosen matcher (its waits and trigger protocol call `findLoad`). */
export function withMatcher(
  client: CelonisClient,
  matcher: Matcher,
  onUnprovable: (why: string) => void,
): CelonisClient {
  client.findLoad = async (pool, model, match, opts) =>
    matchIn(matcher, await client.getLoadInfo(pool, model, opts), match, onUnprovable);
  return client;
}

/** The inputs of a stack's resource at change revision `rev` (before `check` adds the plan). */
export function inputsAt(
  rev: number,
  tables: string[] | null,
  timeoutSeconds: number,
): Omit<CheckedInputs, "plan"> {
  return {
    poolId: "p",
    dataModelId: "m",
    tables,
    triggers: [rev],
    tableTriggers: null,
    loadType: "complete",
    reloadOnCreate: true,
    wait: true,
    timeoutSeconds,
    onBusy: "wait",
    warningsAs: "success",
    resolvedTables: tables ? tables.map((t) => ({ ref: t, id: t, name: t })) : null,
  };
}

/** What `check` makes of new inputs (the plan attached). */
export function checked(olds: ReloadOutputs | null, next: Omit<CheckedInputs, "plan">): CheckedInputs {
  return { ...next, plan: planAtCheck(olds ?? undefined, next) };
}

/** What one `up` of the resource needs. */
export interface UpJob {
  world: World;
  client: CelonisClient;
  matcher: Matcher;
  proc: { alive: boolean; name: string };
  journal: Map<string, PlanLoad>;
  olds: ReloadOutputs | null;
  inputs: CheckedInputs;
  /** Told when the rule found its load unprovable (the case where it accepts a second load). */
  onUnprovable(why: string): void;
  /** Told which load the run took for its own (for the invariant's messages). */
  onTaken(loadId: string): void;
}

/** What the engine records after the update: the outputs, or nothing when the update was a no-op. */
export interface UpResult {
  outs: ReloadOutputs | null;
  error: string | null;
}

/** One `pulumi up` of the resource: handlers.create/update → run. */
export async function up(job: UpJob): Promise<UpResult> {
  const { olds, inputs } = job;
  const decision = olds ? planAtUpdate(olds, inputs) : { run: inputs.plan, adopt: null, changes: true };
  if (!decision.changes) return { outs: null, error: null };
  const key = changeKey({
    scope: "proj/stack/r",
    from: (olds as ChangeParts["from"]) ?? null,
    to: inputs,
    plan: decision.run,
  });
  const run = new SimRun(job, key, decision.run, decision.adopt);
  try {
    await run.execute();
  } catch (err) {
    run.stopped(err);
  }
  const outs = outputsOf(inputs, olds, run);
  job.journal.delete(key); // the engine has the outcome (a killed process never gets here)
  return { outs, error: run.reload.phase === "done" ? null : run.reload.error };
}

function outputsOf(inputs: CheckedInputs, olds: ReloadOutputs | null, run: SimRun): ReloadOutputs {
  const { planStatus, planLoad } = life.persisted(run.reload);
  const echoed = { ...inputs };
  if (run.deferred && olds) echoed.triggers = olds.triggers;
  return {
    ...echoed,
    plan: planStatus === "done" ? inputs.plan : run.reload.plan,
    planStatus,
    planLoad,
    lastLoad: null,
    reloadedTables: [],
    reloadCount: (olds?.reloadCount ?? 0) + run.succeeded,
  };
}

/** An expected end of a run, with its message. */
class Stop extends Error {}

/** reload.ts's ReloadRun with a batch of one (coalesce.ts), on the world's clock. */
class SimRun {
  reload: life.Reload;
  deferred = false;
  succeeded = 0;
  /** Whether this run's loads go to the journal (its own trigger, or a journaled one): reload.ts's rule. */
  private journaling = false;
  private readonly deadline: number;

  constructor(
    private readonly job: UpJob,
    private readonly key: string,
    private readonly plan: Plan,
    private readonly adopt: { load: PlanLoad; plan: Plan } | null,
  ) {
    this.reload = life.planned(plan);
    this.deadline = job.world.now + job.inputs.timeoutSeconds * 1000;
  }

  async execute(): Promise<void> {
    let plan = this.plan;
    if (this.adopt) {
      this.deferred = plan.action === "reload";
      await this.settle(this.adopt.plan, this.adopt.load);
      if (life.isInFlight(this.reload)) return;
      this.deferred = false;
      if (this.reload.phase === "owed") plan = mergePlans(this.adopt.plan, plan);
      else if (plan.action === "none") return;
    }
    this.reload = life.planned(plan);
    if (plan.action === "none") {
      this.reload = life.nothingToLoad(this.reload);
      return;
    }
    if (await this.settleJournaled(plan)) return;
    await this.share(plan);
  }

  stopped(err: unknown): void {
    if (this.reload.phase === "done" || this.reload.phase === "owed") return;
    const message = err instanceof Error ? err.message : String(err);
    this.reload = life.interrupted(this.reload, message);
  }

  private get now(): number {
    return this.job.world.now;
  }

  private async settle(plan: Plan, load: PlanLoad): Promise<void> {
    this.reload = life.adopted(life.planned(plan), load);
    const { found, expectedMs } = await this.findEarlierLoad(load);
    this.reload = life.settleFound(plan, load, found, this.job.inputs.warningsAs, this.now);
    this.note(
      () =>
        `settle ${load.loadId ?? load.triggeredAt}: ${found ? `${found.dataLoadId} ${found.loadStatus}` : "none"} → ${this.reload.phase}`,
    );
    if (!found) return;
    if (isTerminal(found.loadStatus)) return this.ended();
    await this.waitFor({ loadId: found.dataLoadId }, expectedMs);
  }

  private async findEarlierLoad(
    load: PlanLoad,
  ): Promise<{ found: LoadRecord | null; expectedMs: number | null }> {
    const until = life.latestVisible(load);
    for (let delay = 1_000; ; delay = Math.min(delay * 2, 10_000)) {
      const info = await this.job.client.getLoadInfo("p", "m", { deadline: this.deadline });
      const match = life.planLoadMatch(load);
      const found = matchIn(this.job.matcher, info, match, (why) => this.job.onUnprovable(why));
      const expectedMs = expectedDurationMs(info, found?.loadType ?? load.loadType);
      if (found || load.loadId || this.now >= until) return { found, expectedMs };
      if (this.now >= this.deadline) throw new Stop("the earlier trigger's load has not become visible yet");
      await this.job.world.sleep(Math.min(delay, until - this.now, this.deadline - this.now), this.job.proc);
    }
  }

  private async settleJournaled(plan: Plan): Promise<boolean> {
    const load = this.job.journal.get(this.key);
    if (!load) return false;
    this.journaling = true;
    this.note(() => `journal has a trigger of ${load.triggeredAt} for this change: settling it`);
    await this.settle(plan, load);
    if (this.reload.phase !== "owed") return true;
    this.job.journal.delete(this.key);
    this.reload = life.planned(plan);
    return false;
  }

  /** coalesce.ts's Batch.run for one member: whenIdle, triggerOnce, follow. */
  private async share(plan: Plan): Promise<void> {
    let idle = await this.whenIdle();
    for (;;) {
      const request = await loadRequestFor(plan, async (names) => names);
      const trigger: TriggerInfo = {
        triggeredAt: this.now,
        server: this.job.client.serverTime(this.now),
        previousLoadId: idle.previousLoadId,
        loadType: request.kind,
      };
      this.reload = life.triggerSent(this.reload, trigger);
      this.journaling = true;
      this.job.journal.set(this.key, this.reload.load!);
      this.note(() => `trigger ${request.kind} (previous ${trigger.previousLoadId})`);
      try {
        const confirmed = await this.job.client.triggerLoad("p", "m", request, {
          ...trigger,
          deadline: this.deadline,
        });
        this.note(
          () =>
            `trigger confirmed by ${confirmed.confirmedBy}${confirmed.load ? ` (${confirmed.load.dataLoadId})` : ""}`,
        );
        if (confirmed.load) this.seen(confirmed.load);
        return await this.follow(trigger, idle.info);
      } catch (err) {
        if (!(err instanceof TriggerError)) throw err;
        if (err.maybeStarted) {
          if (err.visibleBy !== undefined) this.reload = life.visibleBy(this.reload, err.visibleBy);
          throw err;
        }
        this.reload = life.notStarted(this.reload, err.message);
        this.job.journal.delete(this.key);
        if (!isLoadAlreadyRunning(err)) return;
        this.reload = life.planned(plan);
        idle = await this.whenIdle();
      }
    }
  }

  private async whenIdle(): Promise<{ previousLoadId: string | null; info: LoadInfoSync }> {
    const info = await this.job.client.getLoadInfo("p", "m", { deadline: this.deadline });
    const current = latestLoadFromInfo(info);
    if (!current || isTerminal(current.loadStatus))
      return { previousLoadId: current?.dataLoadId ?? null, info };
    const idle = await this.job.client.waitForIdle("p", "m", { deadline: this.deadline });
    if (idle.outcome === "timeout")
      throw new Stop("timed out waiting for a load started elsewhere; nothing was triggered");
    return { previousLoadId: idle.load?.dataLoadId ?? null, info };
  }

  private async follow(t: TriggerInfo, info: LoadInfoSync): Promise<void> {
    const match = { previousLoadId: t.previousLoadId, triggeredAt: t.triggeredAt, loadType: t.loadType };
    await this.waitFor(match, expectedDurationMs(info, t.loadType));
  }

  private async waitFor(match: LoadMatch, expectedMs: number | null): Promise<void> {
    const result = await this.job.client.waitForLoad("p", "m", {
      match,
      expectedMs,
      deadline: this.deadline,
      onSeen: (load) => this.seen(load),
    });
    if (result.outcome === "finished") {
      this.reload = life.loadEnded(this.reload, result.load, this.job.inputs.warningsAs);
      this.note(
        () => `load ${result.load.dataLoadId} ended ${result.load.loadStatus} → ${this.reload.phase}`,
      );
      return this.ended();
    }
    if (result.load) this.seen(result.load);
    throw new Stop("timed out waiting for the load; the next up settles it");
  }

  private seen(load: LoadRecord): void {
    this.reload = life.loadSeen(this.reload, load);
    this.job.onTaken(load.dataLoadId);
    if (this.journaling) this.job.journal.set(this.key, this.reload.load!);
    this.note(() => `seen ${load.dataLoadId} ${load.loadStatus}`);
  }

  private ended(): void {
    if (this.reload.phase === "done") this.succeeded++;
  }

  private note(line: () => string): void {
    this.job.world.log(() => `${this.job.proc.name}: ${line()}`);
  }
}
