// Carries out one reload plan against Celonis: one load per data model at a time in this process,
// the onBusy policy, the trigger, the wait with its own deadline, progress lines, and the mapping of
// the final status to what the resource records. The decisions it needs (what a status means, when
// to print) are small pure functions exported for tests; the I/O is the client's.

import type { CelonisClient } from "./celonis/client";
import { isLoadAlreadyRunning } from "./celonis/errors";
import { isTerminal } from "./celonis/status";
import type { LoadProgress, LoadRecord, LoadRequest, ResolvedTable } from "./celonis/types";
import { mergePlans } from "./plan";
import type { CheckedInputs, LastLoad, Plan, PlanStatus, ReloadedTable } from "./types";

/** What a run leaves in the outputs. `error` set means the update fails (with partial state). */
export interface RunOutcome {
  planStatus: PlanStatus;
  lastLoad: LastLoad | null;
  /** Tables the successful reload covered; null when no reload succeeded in this run. */
  reloadedTables: ReloadedTable[] | null;
  /** The plan to record as still owed or running (unused when done). */
  plan: Plan;
  error: string | null;
}

/** What the runner needs from its surroundings. */
export interface RunContext {
  client: CelonisClient;
  /** A progress or warning line for the user (the provider prints it; the CLI shows it). */
  log: (line: string) => void;
  now?: () => number;
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

/** How a finished load counts for the plan: success, success with a warning, or failure. */
export function judgeLoad(
  load: LoadRecord,
  warningsAs: CheckedInputs["warningsAs"],
): { ok: boolean; warning: string | null } {
  if (load.loadStatus === "SUCCESS") return { ok: true, warning: null };
  if (load.loadStatus === "WARNING") {
    return { ok: warningsAs !== "error", warning: load.message ?? "the load reported a warning" };
  }
  return { ok: false, warning: null };
}

/** The trigger a plan needs, with partial tables mapped from display names to table config ids. */
export function loadRequestFor(plan: Plan, resolved: readonly ResolvedTable[]): LoadRequest {
  if (plan.loadType === "FROM_CACHE") return { kind: "FROM_CACHE" };
  if (plan.loadType !== "PARTIAL") return { kind: "COMPLETE" };
  const ids = plan.tables.map((name) => {
    const hit = resolved.find((t) => t.name === name || t.ref === name);
    if (!hit) throw new Error(`table ${name} of the plan is not in the data model any more`);
    return hit.id;
  });
  return { kind: "PARTIAL", tableIds: [...new Set(ids)] };
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` when no other run for the same data model is in progress in this process. One provider
 * process serves every resource of a deployment, so this is what keeps their loads from overlapping.
 */
export function withModelLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

function short(id: string | null): string {
  return id ? id.slice(0, 8) : "(not visible yet)";
}

function progressPrinter(ctx: RunContext, label: string) {
  // The client already reports only on a status change or every few seconds. The end of a load gets
  // its own line from the caller, with the verdict, so terminal reports are not printed here.
  return (p: LoadProgress) => {
    if (p.status !== "NOT_STARTED" && isTerminal(p.status)) return;
    const expected = p.expectedSeconds !== null ? `, expected ~${Math.round(p.expectedSeconds)}s` : "";
    ctx.log(
      `${label}: load ${short(p.loadId)} ${p.status}, ${Math.round(p.elapsedSeconds)}s elapsed${expected}`,
    );
  };
}

/**
 * Runs `plan` for the resource described by `inputs`. Never throws for load outcomes: a failed or
 * timed-out load comes back as `error` with the status to record, so the caller can keep the resource
 * in state. Throws only for unexpected failures before anything was triggered.
 */
export async function runPlan(
  ctx: RunContext,
  inputs: CheckedInputs,
  plan: Plan,
  adopt: { loadId: string; plan: Plan } | null,
): Promise<RunOutcome> {
  const now = ctx.now ?? Date.now;
  const { poolId, dataModelId } = inputs;
  // The full id: seeded and real model ids often share a prefix.
  const label = `celonis model ${dataModelId}`;
  const deadline = now() + inputs.timeoutSeconds * 1000;
  const onProgress = progressPrinter(ctx, label);

  return withModelLock(`${poolId}/${dataModelId}`, async () => {
    let owed = plan;
    if (adopt) {
      ctx.log(`${label}: waiting for load ${short(adopt.loadId)} from the last run (not triggering another)`);
      const idle = await ctx.client.waitForIdle(poolId, dataModelId, { deadline, onProgress });
      const info = await ctx.client.getLoadInfo(poolId, dataModelId);
      const candidates = [info.loadInfo?.currentComputeLoad, ...(info.loadHistory?.dataLoadHistory ?? [])];
      const adopted = candidates.find((l) => l?.dataLoadId === adopt.loadId) ?? idle.load;
      if (idle.outcome === "timeout" && adopted && !isTerminal(adopted.loadStatus)) {
        if (plan.action === "none") return timedOut(inputs, adopted, adopt.plan);
        // New changes wait behind the running load: record both as owed (the next up waits for the
        // load as any busy model, then runs them), rather than lose the new part.
        return { ...timedOut(inputs, adopted, mergePlans(adopt.plan, plan)), planStatus: "owed" };
      }
      if (adopted?.dataLoadId === adopt.loadId && judgeLoad(adopted, inputs.warningsAs).ok) {
        ctx.log(`${label}: load ${short(adopt.loadId)} from the last run ended ${adopted.loadStatus}`);
        if (plan.action === "none") {
          return {
            planStatus: "done",
            lastLoad: toLastLoad(adopted),
            reloadedTables: null,
            plan,
            error: null,
          };
        }
      } else {
        owed = mergePlans(adopt.plan, plan);
      }
    }
    if (owed.action === "none") {
      // Nothing to load; still report the model's current last load (e.g. reloadOnCreate: false).
      const current = adopt ? null : await ctx.client.getLastLoad(poolId, dataModelId);
      return {
        planStatus: "done",
        lastLoad: current ? toLastLoad(current) : null,
        reloadedTables: null,
        plan: owed,
        error: null,
      };
    }

    // A load started elsewhere: wait for it, or fail, as onBusy says.
    const current = await ctx.client.getLastLoad(poolId, dataModelId);
    if (current && !isTerminal(current.loadStatus)) {
      const busy = await handleBusy(ctx, inputs, current, deadline, label, onProgress);
      if (busy) return { ...busy, lastLoad: toLastLoad(current), plan: owed };
    }

    const resolved =
      owed.loadType === "PARTIAL" ? await ctx.client.resolveTables(poolId, dataModelId, owed.tables) : [];
    const request = loadRequestFor(owed, resolved);
    const scope = request.kind === "PARTIAL" ? `tables ${owed.tables.join(", ")}` : "the whole data model";
    ctx.log(`${label}: triggering a ${request.kind} load of ${scope} (${owed.reasons.join("; ")})`);

    let trigger: { previousLoadId: string | null; triggeredAt: number };
    for (;;) {
      try {
        const latest = await ctx.client.getLastLoad(poolId, dataModelId);
        trigger = await ctx.client.triggerLoad(poolId, dataModelId, request, {
          previousLoadId: latest?.dataLoadId ?? null,
        });
        break;
      } catch (err) {
        if (!isLoadAlreadyRunning(err)) throw err;
        const latest = await ctx.client.getLastLoad(poolId, dataModelId);
        const busy = await handleBusy(ctx, inputs, latest, deadline, label, onProgress);
        if (busy) return { ...busy, lastLoad: latest ? toLastLoad(latest) : null, plan: owed };
      }
    }

    const covered = request.kind === "PARTIAL" ? resolved : await ctx.client.listTables(poolId, dataModelId);
    const tables: ReloadedTable[] = covered.map((t) => ({
      id: t.id,
      name: "aliasOrName" in t ? t.aliasOrName : t.name,
    }));
    if (!inputs.wait) {
      const started = await ctx.client.getLastLoad(poolId, dataModelId);
      const ours = started && started.dataLoadId !== trigger.previousLoadId ? started : null;
      ctx.log(
        `${label}: load ${short(ours?.dataLoadId ?? null)} triggered; not waiting for it (wait: false)`,
      );
      return {
        planStatus: "done",
        lastLoad: ours ? toLastLoad(ours) : null,
        reloadedTables: tables,
        plan: owed,
        error: null,
      };
    }
    const result = await ctx.client.waitForLoad(poolId, dataModelId, {
      previousLoadId: trigger.previousLoadId,
      triggeredAt: trigger.triggeredAt,
      deadline,
      onProgress,
    });
    const load = result.load;
    if (result.outcome === "timeout") return timedOut(inputs, load, owed);

    const verdict = judgeLoad(result.load, inputs.warningsAs);
    const lastLoad = toLastLoad(result.load);
    if (verdict.ok) {
      if (verdict.warning)
        ctx.log(`warning: ${label}: load ${short(load!.dataLoadId)} ended WARNING: ${verdict.warning}`);
      else
        ctx.log(
          `${label}: load ${short(load!.dataLoadId)} ${load!.loadStatus} in ${lastLoad.durationSeconds ?? "?"}s`,
        );
      return { planStatus: "done", lastLoad, reloadedTables: tables, plan: owed, error: null };
    }
    const why = result.load.message ? `: ${result.load.message}` : "";
    return {
      planStatus: "owed",
      lastLoad,
      reloadedTables: null,
      plan: owed,
      error:
        `Celonis load ${result.load.dataLoadId} of data model ${dataModelId} ended ${result.load.loadStatus}${why}. ` +
        "The reload is still owed: the next `pulumi up` runs it again.",
    };
  });
}

function timedOut(inputs: CheckedInputs, load: LoadRecord | null, plan: Plan): RunOutcome {
  const running = load !== null && !isTerminal(load.loadStatus);
  return {
    planStatus: running ? "running" : "owed",
    lastLoad: load ? toLastLoad(load) : null,
    reloadedTables: null,
    plan,
    error: running
      ? `Timed out after ${inputs.timeoutSeconds}s waiting for Celonis load ${load!.dataLoadId} of data model ${inputs.dataModelId} ` +
        `(still ${load!.loadStatus}). It keeps running in Celonis; the next \`pulumi up\` waits for it instead of starting another ` +
        "(raise timeoutSeconds to wait longer)."
      : `Timed out after ${inputs.timeoutSeconds}s: the load of data model ${inputs.dataModelId} never became visible in Celonis. ` +
        "The reload is still owed: the next `pulumi up` runs it again.",
  };
}

/** Applies onBusy to a load running elsewhere. Returns an outcome to stop with, or null to go on. */
async function handleBusy(
  ctx: RunContext,
  inputs: CheckedInputs,
  current: LoadRecord | null,
  deadline: number,
  label: string,
  onProgress: (p: LoadProgress) => void,
): Promise<Omit<RunOutcome, "lastLoad" | "plan"> | null> {
  const id = current?.dataLoadId ?? null;
  if (inputs.onBusy === "fail") {
    return {
      planStatus: "owed",
      reloadedTables: null,
      error:
        `Data model ${inputs.dataModelId} is busy: load ${id ?? "?"} is ${current?.loadStatus ?? "RUNNING"} (started outside this deployment) ` +
        'and onBusy is "fail". The reload is still owed: run `pulumi up` again when it has finished, or set onBusy: "wait".',
    };
  }
  ctx.log(
    `${label}: load ${short(id)} started elsewhere is ${current?.loadStatus ?? "RUNNING"}; waiting for it (onBusy: wait)`,
  );
  const idle = await ctx.client.waitForIdle(inputs.poolId, inputs.dataModelId, { deadline, onProgress });
  if (idle.outcome === "timeout") {
    return {
      planStatus: "owed",
      reloadedTables: null,
      error:
        `Timed out after ${inputs.timeoutSeconds}s waiting for load ${id ?? "?"} (started outside this deployment) to finish ` +
        `on data model ${inputs.dataModelId}; nothing was triggered. The reload is still owed.`,
    };
  }
  return null;
}
