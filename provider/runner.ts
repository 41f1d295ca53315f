// Carries out one reload plan against Celonis, in the steps a reader can check one by one:
//   settle  – a load an earlier run triggered (a timed-out wait, `wait: false`, an interrupted
//             deployment found in the journal) is found again and waited for, never triggered twice;
//   share   – the plan joins the model's batch (batch.ts): the member's reload window is asked first
//             (window-policy.ts: trigger, defer, wait or fail), then the batch waits out (or refuses) a load
//             started elsewhere as `onBusy` says, triggers one load covering every member (each
//             member journals it first, on the batch's "about to trigger"), and follows it; it ends
//             with a result per member, as data;
//   verdict – the load's final status decides done or owed.
// The runner is the only code that moves a reload along lifecycle.ts; any error, timeout or
// cancellation ends the run through `interrupted`, which never forgets a load that may have started.
// One Deadline (timeoutSeconds and the call's signal) bounds every step, also while it shares a
// load; time is read only through the context's clock. The outcome says what it records.

import type { CelonisClient } from "./celonis/client";
import { CancelledError, CelonisError, TriggerError } from "./celonis/errors";
import { celonisOrder, firstCovering } from "./celonis/ours";
import { expectedDurationMs, findLoadIn, isTerminal, unprovableIn } from "./celonis/status";
import type { LoadProgress, LoadRecord } from "./celonis/types";
import type { BatchEvent, BatchResult, Batches, Member, ModelRef } from "./batch";
import type { Clock } from "./clock";
import { Deadline } from "./deadline";
import type { Journal } from "./journal";
import {
  adopted,
  AMBIGUOUS_PARTIAL,
  deferred,
  interrupted,
  isInFlight,
  judgeLoad,
  laterLoadOfTrigger,
  latestVisible,
  loadEnded,
  loadSeen,
  MAY_LOAD_TWICE,
  notStarted,
  nothingToLoad,
  partialUnproven,
  planLoadMatch,
  planned,
  settleFound,
  startBounded,
  triggerSent,
  visibleBy,
  type InFlight,
  type Reload,
} from "./lifecycle";
import { planAfterSettling } from "./plan";
import { decideWindow, DEFAULT_OUTSIDE_WINDOW } from "./window-policy";
import { validateWindows } from "./windows";
import { modelLabel, progressLine, shortId } from "./progress";
import type { CheckedInputs, LastLoad, Plan, PlanLoad, ReloadedTable } from "./types";

/** What the runner needs from its surroundings (a provider context gives it; see operations.ts). */
export interface RunContext {
  client: CelonisClient;
  /** The model's batches (the context's). */
  batches: Batches;
  clock: Clock;
  /** A progress or warning line for the user (the provider prints it; the CLI shows it). */
  log: (line: string) => void;
  /** Stops waits early (the run then records its load as running). */
  signal?: AbortSignal;
  /** Where triggers are written down before they are sent (see journal.ts); null: none. */
  journal?: Journal | null;
}

/** What to run: the plan, an earlier run's load to settle first, and the change's journal key. */
export interface RunJob {
  /** The resource's name, for progress lines (the scope's last part, or its id). */
  name: string;
  /** Who the resource is (see operations.scopeOf), or null. */
  scope: string | null;
  /** The model, on its connection. */
  model: ModelRef;
  inputs: CheckedInputs;
  plan: Plan;
  adopt: { load: PlanLoad; plan: Plan } | null;
  /** The last load of an owed plan that is all this job runs (see plan.UpdateDecision.owed). */
  owed?: PlanLoad | null;
  journalKey: string | null;
}

/** A load of ours that succeeded in this run; `tables` null: the whole model. */
export interface SucceededLoad {
  load: PlanLoad;
  tables: ReloadedTable[] | null;
}

/** What a run leaves for the resource to record. */
export interface RunOutcome {
  /** The last reload of the run: its phase, plan, load and error decide what is stored. */
  reload: Reload;
  /** The model's last load as last seen in this run (null: not read). */
  lastLoad: LastLoad | null;
  /** Loads of ours that succeeded in this run (an adopted one, then a new one). */
  succeeded: SucceededLoad[];
  /** New changes left for the next `up` because an earlier load of ours was still running. */
  deferredNewChanges: boolean;
}

/** A Celonis load record as the resource shows it: ISO dates, seconds, nulls where unknown. */
export function toLastLoad(load: LoadRecord): LastLoad {
  const iso = (ms: number | null) => (typeof ms === "number" ? new Date(ms).toISOString() : null);
  const duration =
    typeof load.startDate === "number" && typeof load.endDate === "number"
      ? Math.round((load.endDate - load.startDate) / 100) / 10
      : null;
  return {
    loadId: load.dataLoadId,
    status: load.loadStatus,
    loadType: load.loadType ?? null,
    startedAt: iso(load.startDate),
    finishedAt: iso(load.endDate),
    durationSeconds: duration,
    message: load.message ?? null,
  };
}

/** The tables a plan's load covers: names with their ids; null for a whole-model load. */
export function planTables(plan: Plan): ReloadedTable[] | null {
  if (plan.loadType !== "PARTIAL") return null;
  return plan.tables.map((name, i) => ({ id: plan.tableIds?.[i] ?? name, name }));
}

/** An expected end of a run, with the message the update fails with. */
class Stop extends Error {}

/** Carries out `job`. Never throws for load outcomes or Celonis errors: see RunOutcome. */
export async function runPlan(ctx: RunContext, job: RunJob): Promise<RunOutcome> {
  const deadline = Deadline.after(job.inputs.timeoutSeconds * 1000, ctx.clock, ctx.signal);
  const run = new ReloadRun(ctx, job, deadline);
  try {
    await run.execute();
  } catch (err) {
    run.stopped(err);
  }
  return run.outcome();
}

/** One run of the steps above; `reload` is always the current state, so an error can be recorded. */
class ReloadRun {
  reload: Reload;
  private lastLoad: LastLoad | null = null;
  private readonly succeeded: SucceededLoad[] = [];
  private deferred = false;
  /** Whether this run's loads are written to the journal (its own trigger, or a journaled one). */
  private journaling = false;
  private readonly inputs: CheckedInputs;
  private readonly label: string;
  /** When this change was ready: the run began (its create or update reached the provider). */
  private readonly readyAt: number;

  constructor(
    private readonly ctx: RunContext,
    private readonly job: RunJob,
    private readonly deadline: Deadline,
  ) {
    this.inputs = job.inputs;
    this.reload = planned(job.plan);
    this.label = modelLabel(job.inputs.dataModelId);
    this.readyAt = ctx.clock.now();
  }

  async execute(): Promise<void> {
    let plan = this.job.plan;
    let owed = this.job.owed ?? null;
    if (this.job.adopt) {
      const { load, plan: earlier } = this.job.adopt;
      this.log(
        `load ${shortId(load.loadId)} from the last run carries that run's plan: settling it (not triggering another)`,
      );
      this.deferred = plan.action === "reload"; // until the earlier load has ended
      await this.settle(earlier, load, this.inputs.wait || plan.action === "reload");
      if (isInFlight(this.reload)) return;
      this.deferred = false;
      const next = planAfterSettling(earlier, this.reload.phase === "owed" ? "owed" : "done", plan);
      if (next === null) return; // the earlier load carried the plan: it is the record
      if (plan.action === "none" && this.reload.phase === "owed") owed = this.reload.load;
      plan = next;
    }
    this.reload = planned(plan);
    if (plan.action === "none") {
      this.reload = nothingToLoad(this.reload);
      await this.noteLastLoad();
      return;
    }
    if (await this.settleJournaled(plan)) return;
    if (owed && (await this.settleLateTrigger(plan, owed))) return;
    if (owed && (await this.settleCovered(plan, owed))) return;
    // Also when a refresh recorded it owed (it prints no warning): the next load may be a second one.
    if (owed?.loadId && partialUnproven(owed, owed))
      this.warnTwice(`load ${owed.loadId} ${AMBIGUOUS_PARTIAL} (its trigger's answer was lost)`);
    await this.share(plan);
  }

  /** Records an error, timeout or cancellation: see lifecycle.interrupted. */
  stopped(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (["done", "owed", "deferred"].includes(this.reload.phase)) {
      this.log(`after the reload was decided: ${message}`); // nothing left to record
      return;
    }
    this.reload = interrupted(this.reload, this.explain(err, message));
  }

  outcome(): RunOutcome {
    return {
      reload: this.reload,
      lastLoad: this.lastLoad,
      succeeded: this.succeeded,
      deferredNewChanges: this.deferred,
    };
  }

  // ---- settle: a load triggered earlier ---------------------------------------------------------

  /** Finds `load` again and follows it (or, when `follow` is false, only looks at it once). */
  private async settle(plan: Plan, load: PlanLoad, follow: boolean): Promise<void> {
    this.reload = adopted(planned(plan), load);
    const { found, expectedMs, unprovable } = await this.findEarlierLoad(load);
    this.reload = settleFound(plan, load, found, this.inputs.warningsAs, this.ctx.clock.now());
    if (!found) {
      this.log(`${this.reload.error}: the reload is owed and runs now`);
      if (load.loadId) this.warnTwice(`load ${load.loadId} left Celonis's history before it was settled`);
      else if (unprovable)
        this.warnTwice(`the load of the trigger of ${load.triggeredAt} cannot be told (${unprovable})`);
      return;
    }
    this.lastLoad = toLastLoad(found);
    const later = laterLoadOfTrigger(load, found, this.ctx.clock.now());
    if (isTerminal(found.loadStatus) && later) return this.settleLater(plan, later, found, follow);
    if (isTerminal(found.loadStatus)) return this.ended(found);
    if (follow) await this.waitFor(found.dataLoadId, expectedMs);
  }

  /**
   * An owed plan whose last load, taken for its unanswered trigger, failed: the trigger may still
   * start a load (laterLoadOfTrigger); it is looked for before triggering again. True when settled.
   */
  private async settleLateTrigger(plan: Plan, owed: PlanLoad): Promise<boolean> {
    const failed = owed.loadId && owed.status ? { dataLoadId: owed.loadId, loadStatus: owed.status } : null;
    const later = failed && laterLoadOfTrigger(owed, failed, this.ctx.clock.now());
    if (!failed || !later) return false;
    await this.settleLater(plan, later, failed, true);
    return this.settledElsePlanned(plan);
  }

  /** After settling an earlier load: true when that settled the plan, else the plan runs again. */
  private settledElsePlanned(plan: Plan): boolean {
    if (this.reload.phase !== "owed") return true;
    this.reload = planned(plan);
    return false;
  }

  /** The load taken for the trigger failed, but the trigger may still land (laterLoadOfTrigger). */
  private async settleLater(
    plan: Plan,
    later: PlanLoad,
    failed: Pick<LoadRecord, "dataLoadId" | "loadStatus">,
    follow: boolean,
  ): Promise<void> {
    this.log(
      `load ${shortId(failed.dataLoadId)} ended ${failed.loadStatus}, but the trigger of ${later.triggeredAt} ` +
        "got no answer and may still start a load: looking for it before triggering again",
    );
    await this.settle(plan, later, follow);
  }

  /**
   * The earlier load (while its id is unknown, looked for until it may still appear), and how long
   * its kind of load takes, from the same read.
   */
  private async findEarlierLoad(
    load: PlanLoad,
  ): Promise<{ found: LoadRecord | null; expectedMs: number | null; unprovable: string | null }> {
    const { poolId, dataModelId } = this.inputs;
    const until = latestVisible(load);
    for (let delay = 1_000; ; delay = Math.min(delay * 2, 10_000)) {
      const info = await this.ctx.client.getLoadInfo(poolId, dataModelId, this.deadline.limits());
      // Through findLoadIn, the export the simulator wraps with its matcher; the rule runs again only
      // when nothing was found, to say why.
      const match = planLoadMatch(load);
      const found = findLoadIn(info, match);
      const expectedMs = expectedDurationMs(info, found?.loadType ?? load.loadType);
      if (found || load.loadId || this.ctx.clock.now() >= until)
        return { found, expectedMs, unprovable: found ? null : unprovableIn(info, match) };
      if (this.deadline.passed()) throw new Stop(this.notVisibleYet(load));
      await this.deadline.pause(Math.min(delay, until - this.ctx.clock.now()));
    }
  }

  /** A load of this very change triggered by an interrupted deployment (see journal.ts). */
  private async settleJournaled(plan: Plan): Promise<boolean> {
    const key = this.job.journalKey;
    const load = key ? this.ctx.journal?.find(key) : null;
    if (!key || !load) return false;
    this.journaling = true;
    this.log(
      `load ${shortId(load.loadId)} for this change was triggered at ${load.triggeredAt} by a deployment ` +
        "that was interrupted: settling it instead of triggering another",
    );
    await this.settle(plan, load, true);
    return this.settledElsePlanned(plan); // its next trigger replaces the entry
  }

  /**
   * An owed whole-model plan is covered by a COMPLETE load that succeeded and started after its last
   * trigger (so after the change was ready), whoever started it (ours.ts): a load of ours whose
   * answer came late, or another writer's. Settled on that load instead of triggering again. Needs
   * the trigger's time in Celonis's clock (older states keep the old way: trigger again).
   */
  private async settleCovered(plan: Plan, owed: PlanLoad): Promise<boolean> {
    const since = Date.parse(owed.triggeredAtServer ?? "") + (owed.serverErrorMs ?? NaN);
    if (plan.loadType !== "COMPLETE" || !Number.isFinite(since)) return false;
    const { poolId, dataModelId } = this.inputs;
    const info = await this.ctx.client.getLoadInfo(poolId, dataModelId, this.deadline.limits());
    const ok = (l: LoadRecord) => judgeLoad(l, this.inputs.warningsAs).ok;
    const load = firstCovering(celonisOrder(info), since, ok);
    if (!load || load.dataLoadId === owed.loadId) return false;
    this.log(
      `load ${shortId(load.dataLoadId)} (COMPLETE, ${load.loadStatus}) started after this change was ready ` +
        "and covers it: not triggering another",
    );
    const { triggeredAt, previousLoadId } = owed;
    const taken: PlanLoad = { loadId: null, loadType: "COMPLETE", triggeredAt, previousLoadId, status: null };
    this.reload = adopted(planned(plan), { ...taken, adoptedFrom: "other" });
    this.finish(load);
    return true;
  }

  // ---- share: one load for the model's batch ---------------------------------------------------

  /** Joins the model's batch (batch.ts) and acts on how it ended for this run. */
  private async share(plan: Plan): Promise<void> {
    for (;;) {
      // A reload that waits for its window waits here, before it joins: never inside a batch.
      if (this.inputs.windows && !(await this.admit(true))) return;
      const result = await this.ctx.batches.join(this.ctx.client, this.job.model, this.member(plan));
      if (result.kind === "withheld" && this.reload.phase === "planned") continue; // it closed again
      return this.shared(result);
    }
  }

  /** What the batch's result means for this reload (its events have moved it along already). */
  private shared(result: BatchResult): void {
    switch (result.kind) {
      case "ended":
        return this.finish(result.load);
      case "triggered": {
        const load = this.reload.load;
        const how = load?.adoptedFrom ? "of another writer adopted" : "triggered";
        return this.log(`load ${shortId(load?.loadId ?? null)} ${how}; not waiting for it (wait: false)`);
      }
      case "refused":
        return; // the refused event left the reload owed with Celonis's answer
      case "busy":
        if (result.current) this.lastLoad = toLastLoad(result.current);
        throw new Stop(result.message);
      case "timedOut":
        throw new Stop(this.timedOut());
      case "cancelled":
        throw result.reason;
      case "withheld":
        return; // admit left the reload deferred, or owed with why
      case "stopped": {
        const err = result.error;
        if (err instanceof TriggerError && err.maybeStarted && err.visibleBy !== undefined) {
          this.reload = startBounded(visibleBy(this.reload, err.visibleBy), err.window);
        }
        throw err;
      }
    }
  }

  /** This run as a member of a batch: its plan, options and limits, and where the events go. */
  private member(plan: Plan): Member {
    return {
      name: this.job.name,
      scope: this.job.scope,
      plan,
      inputs: this.inputs,
      readyAt: this.readyAt,
      deadline: this.deadline,
      log: this.ctx.log,
      on: (event) => this.onBatchEvent(plan, event),
      admit: this.inputs.windows ? () => this.admit(false) : undefined, // no windows: always open
    };
  }

  /**
   * The reload window (window-policy.ts): true to trigger now; false when deferred (a warning, the
   * plan stays owed) or failed (owed, with why). When `outsideWindow` is "wait" and a window opens
   * before the deadline: with `wait`, waits for it (before joining a batch); without, answers false
   * at once and leaves the reload planned (asked again just before the trigger: it closed meanwhile).
   */
  private async admit(wait: boolean): Promise<boolean> {
    const { options } = validateWindows(this.inputs.windows, this.inputs.timeZone);
    const outsideWindow = this.inputs.outsideWindow ?? DEFAULT_OUTSIDE_WINDOW;
    for (;;) {
      const now = this.ctx.clock.now();
      const d = decideWindow({ ...options, outsideWindow, now, deadline: this.deadline.at });
      if (d.kind === "trigger") return true;
      if (d.kind === "defer") {
        this.reload = deferred(this.reload, d.message);
        this.ctx.log(`warning: ${this.label}: ${d.message}; the reload stays owed (planStatus "deferred")`);
        return false;
      }
      if (d.kind === "fail") {
        this.reload = interrupted(this.reload, d.message);
        return false;
      }
      if (!wait) return false;
      this.log(d.message);
      await this.deadline.pause(d.until - now).catch(() => undefined); // a cancel ends the batch's wait
      if (this.deadline.signal?.aborted) return false;
    }
  }

  /** How the batch's trigger and load move this reload along its lifecycle. */
  private onBatchEvent(plan: Plan, event: BatchEvent): void {
    switch (event.kind) {
      case "aboutToTrigger":
        this.reload = triggerSent(this.reload, event.trigger);
        this.journaling = true;
        return this.journal(); // written before the request is sent
      case "bounded":
        this.reload = startBounded(this.reload, event.window);
        return this.journal();
      case "adopting":
        this.reload = adopted(this.reload, this.adoptedLoad(event.load, event.previousLoadId));
        this.journaling = true;
        return this.journal(); // an interrupted deployment settles this load, not another
      case "adoptedFailed":
        this.reload = loadEnded(this.reload, event.load, this.inputs.warningsAs);
        this.reload = planned(plan); // the batch triggers our own next
        return;
      case "seen":
        return this.seen(event.load);
      case "refused":
        this.reload = notStarted(this.reload, event.message);
        if (event.retrying) this.reload = planned(plan); // someone else's load started meanwhile
    }
  }

  /** Another writer's running COMPLETE load, as this reload's load (see batch.ts `adopt`). */
  private adoptedLoad(load: LoadRecord, previousLoadId: string | null): PlanLoad {
    const ready = this.ctx.client.serverTime(this.readyAt);
    return {
      loadId: load.dataLoadId,
      loadType: "COMPLETE",
      triggeredAt: new Date(this.readyAt).toISOString(),
      ...(ready ? { triggeredAtServer: new Date(ready.at).toISOString(), serverErrorMs: ready.errorMs } : {}),
      previousLoadId,
      status: load.loadStatus,
      adoptedFrom: "other",
    };
  }

  // ---- wait + verdict -----------------------------------------------------------------------------

  /** Follows a load already seen to its end, or to this run's deadline. */
  private async waitFor(loadId: string, expectedMs: number | null): Promise<void> {
    const { poolId, dataModelId } = this.inputs;
    const result = await this.ctx.client.waitForLoad(poolId, dataModelId, {
      match: { loadId },
      expectedMs,
      ...this.deadline.limits(),
      onProgress: this.progress(),
      onSeen: (load) => this.seen(load),
    });
    if (result.outcome === "finished") return this.finish(result.load);
    if (result.load) this.seen(result.load);
    throw new Stop(this.timedOut());
  }

  private seen(load: LoadRecord): void {
    this.reload = loadSeen(this.reload, load);
    this.lastLoad = toLastLoad(load);
    this.journal();
  }

  private finish(load: LoadRecord): void {
    this.reload = loadEnded(this.reload, load, this.inputs.warningsAs);
    this.ended(load);
  }

  /** What an ended load leaves: the last load, a line with the verdict, and a success counted. */
  private ended(load: LoadRecord): void {
    this.lastLoad = toLastLoad(load);
    const id = shortId(load.dataLoadId);
    if (this.reload.phase !== "done") {
      this.log(`load ${id} ended ${load.loadStatus}${load.message ? `: ${load.message}` : ""}`);
      if (this.reload.load && partialUnproven(this.reload.load, load))
        this.warnTwice(`load ${id} ${AMBIGUOUS_PARTIAL} (the trigger's answer was lost)`);
      return;
    }
    if (this.reload.warning)
      this.ctx.log(`warning: ${this.label}: load ${id} ended WARNING: ${this.reload.warning}`);
    else this.log(`load ${id} ${load.loadStatus} in ${this.lastLoad.durationSeconds ?? "?"}s`);
    if (this.reload.load)
      this.succeeded.push({ load: this.reload.load, tables: planTables(this.reload.plan) });
  }

  // ---- small helpers ------------------------------------------------------------------------------

  /** The model's last load, for the outputs of a run with nothing to load (best effort). */
  private async noteLastLoad(): Promise<void> {
    const { poolId, dataModelId } = this.inputs;
    try {
      const current = await this.ctx.client.getLastLoad(poolId, dataModelId, this.deadline.limits());
      this.lastLoad = current ? toLastLoad(current) : null;
    } catch (err) {
      if (!(err instanceof CelonisError)) throw err;
      this.log(`could not read the last load (${err.message}); lastLoad is left as it was`);
    }
  }

  private journal(): void {
    const key = this.job.journalKey;
    if (!key || !this.journaling || !this.reload.load) return;
    const { poolId, dataModelId } = this.inputs;
    this.ctx.journal?.record(key, { poolId, dataModelId, load: this.reload.load });
  }

  private progress(): (p: LoadProgress) => void {
    // The client reports on a status change or every few seconds; a load's end gets its own line.
    return (p) => {
      const line = progressLine(p);
      if (line) this.log(line);
    };
  }

  private log(line: string): void {
    this.ctx.log(`${this.label}: ${line}`);
  }

  /** Says that a load of this change cannot be shown to have covered it: the reload stays owed. */
  private warnTwice(doubt: string): void {
    this.ctx.log(`warning: ${this.label}: ${doubt}; the reload stays owed and ${MAY_LOAD_TWICE}`);
  }

  /** The message of a run that reached its deadline, by where its reload stands. */
  private timedOut(): string {
    const r = this.reload;
    if (r.phase === "running") return this.stillRunning(r);
    if (r.phase === "triggering") return this.notVisibleYet(r.load);
    return (
      `Timed out after ${this.inputs.timeoutSeconds}s before the load could be triggered (the data model was busy, ` +
      "or other reloads of it ran first); nothing was triggered. The reload is still owed"
    );
  }

  private stillRunning({ load }: InFlight): string {
    return (
      `Timed out after ${this.inputs.timeoutSeconds}s waiting for Celonis load ${load.loadId} of data model ` +
      `${this.inputs.dataModelId} (still ${load.status ?? "RUNNING"}). It keeps running in Celonis; the next ` +
      "`pulumi up` waits for it instead of starting another (raise timeoutSeconds to wait longer)"
    );
  }

  private notVisibleYet(load: PlanLoad): string {
    return (
      `Timed out after ${this.inputs.timeoutSeconds}s: the load triggered at ${load.triggeredAt} ` +
      `has not become visible in Celonis yet. The next \`pulumi up\` looks for it before triggering anything`
    );
  }

  /**
   * The message an interrupted run fails with: what happened, and what the next `up` does (a Stop
   * of this run already says it).
   */
  private explain(err: unknown, message: string): string {
    if (!isInFlight(this.reload) || err instanceof Stop) return message;
    const { load } = this.reload;
    const which = load.loadId ? `Load ${load.loadId}` : `The load triggered at ${load.triggeredAt}`;
    // A plugin's Cancel or the engine's timeout fires the signal with its CancelledError.
    const reason: unknown = this.ctx.signal?.reason;
    const stop = reason instanceof CancelledError ? reason : err;
    const what = stop instanceof CancelledError ? upperFirst(stop.what) : message;
    return `${what}. ${which} of data model ${this.inputs.dataModelId} may still be running in Celonis; the next \`pulumi up\` settles it instead of starting another`;
  }
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
