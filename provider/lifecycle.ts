// The life of one reload, written down once. A plan passes through these phases, and only through
// the transitions below; the runner (runner.ts) moves it along, and create, update and read store
// what `persisted` makes of it. The promise it keeps: each change becomes exactly one load.
//
//   planned ──triggerSent──▶ triggering ──loadSeen──▶ running ──loadEnded──▶ done | owed
//      │                        │  ▲                                            ▲
//      │                        │  └── adopted (a load of an earlier run or an interrupted deployment)
//      │                        ├──notStarted (Celonis refused the trigger)──────────────────▶ owed
//      │                        └──notFound (no load ever appeared, or it left the history)─▶ owed
//      ├──nothingToLoad──▶ done
//      ├──deferred (due outside every reload window, outsideWindow "defer") ──▶ deferred (still owed)
//      └──interrupted (any error before a trigger) ──▶ owed
//
// The invariant: once a trigger may have reached Celonis (`triggering`, `running`), an error never
// turns the reload back into `owed`; it stays `running` with its load (its id, or the trigger time
// while the id is unknown), and the next `up` settles that load instead of starting another.
// Pure: no I/O, no clock (the time a decision needs is passed in).

import { NOT_VISIBLE_GRACE_MS } from "./celonis/client";
import type { ServerTime } from "./celonis/server-clock";
import type { StartWindow } from "./celonis/trigger";
import { isTerminal, triggerMatch, type LoadMatch } from "./celonis/status";
import type { LoadRecord, LoadType } from "./celonis/types";
import type { Plan, PlanLoad, PlanStatus, WarningsAs } from "./types";

/** Where a reload stands. */
export type Phase = "planned" | "triggering" | "running" | "done" | "owed" | "deferred";

/** What every phase of a reload carries: its plan. */
interface ReloadBase {
  readonly plan: Plan;
  /** A WARNING load's message when it counted as success (only `done` has one). */
  readonly warning: string | null;
}

/**
 * One reload, by phase. A reload that is triggering or running always has its load (its id, or the
 * trigger time while the id is unknown); `error` says why a reload did not finish as done (the
 * update's error), and stays on an in-flight reload that was interrupted.
 */
export type Reload =
  | (ReloadBase & { readonly phase: "planned"; readonly load: null; readonly error: null })
  | (ReloadBase & {
      readonly phase: "triggering" | "running";
      readonly load: PlanLoad;
      readonly error: string | null;
    })
  | (ReloadBase & { readonly phase: "done"; readonly load: PlanLoad | null; readonly error: null })
  | (ReloadBase & { readonly phase: "owed"; readonly load: PlanLoad | null; readonly error: string })
  /** Not triggered because no reload window was open; `warning` says when the next one opens. */
  | (ReloadBase & { readonly phase: "deferred"; readonly load: null; readonly error: null });

/** A reload whose trigger may have reached Celonis: it has a load. */
export type InFlight = Extract<Reload, { phase: "triggering" | "running" }>;

type Transition =
  | "triggerSent"
  | "adopted"
  | "loadSeen"
  | "loadEnded"
  | "notStarted"
  | "notFound"
  | "visibleBy"
  | "startBounded"
  | "nothingToLoad"
  | "deferred"
  | "interrupted";

const ALLOWED: Record<Transition, readonly Phase[]> = {
  triggerSent: ["planned"],
  adopted: ["planned"],
  loadSeen: ["triggering", "running"],
  loadEnded: ["triggering", "running"],
  notStarted: ["triggering"],
  notFound: ["triggering", "running"],
  visibleBy: ["triggering"],
  startBounded: ["triggering", "running"],
  nothingToLoad: ["planned"],
  deferred: ["planned"],
  interrupted: ["planned", "triggering", "running"],
};

/** Fails unless `transition` is allowed from `r`'s phase. */
function check(r: Reload, transition: Transition): void {
  if (!ALLOWED[transition].includes(r.phase)) {
    throw new Error(`reload lifecycle: ${transition} is not allowed from ${r.phase}`);
  }
}

/** `r` as an in-flight reload, checked against ALLOWED for `transition`. */
function inFlight(r: Reload, transition: Transition): InFlight {
  check(r, transition);
  if (!isInFlight(r)) throw new Error(`reload lifecycle: ${transition} needs a load`);
  return r;
}

/** A reload about to run `plan`: nothing has been sent to Celonis. */
export function planned(plan: Plan): Reload {
  return { phase: "planned", plan, load: null, error: null, warning: null };
}

/** The trigger is about to be sent: from here on the reload may have a load in Celonis. */
export function triggerSent(
  r: Reload,
  at: { triggeredAt: number; server?: ServerTime | null; previousLoadId: string | null; loadType: LoadType },
): Reload {
  check(r, "triggerSent");
  const load: PlanLoad = {
    loadId: null,
    loadType: at.loadType,
    triggeredAt: new Date(at.triggeredAt).toISOString(),
    ...(at.server
      ? {
          triggeredAtServer: new Date(at.server.at).toISOString(),
          serverErrorMs: at.server.errorMs,
          outcome: "unknown" as const,
        }
      : {}),
    previousLoadId: at.previousLoadId,
    status: null,
  };
  return { phase: "triggering", plan: r.plan, load, error: null, warning: null };
}

/** Takes over a load triggered earlier (a timed-out wait, `wait: false`, an interrupted deployment). */
export function adopted(r: Reload, load: PlanLoad): Reload {
  check(r, "adopted");
  const phase = load.loadId ? "running" : "triggering";
  return { phase, plan: r.plan, load: { ...load }, error: null, warning: null };
}

/** Our load is visible in Celonis (its id is now known) and not finished. */
export function loadSeen(r: Reload, record: LoadRecord): Reload {
  const f = inFlight(r, "loadSeen");
  return { ...f, phase: "running", load: withRecord(f, record) };
}

/** Our load reached a terminal status: done if it counts as success, else the plan is owed again. */
export function loadEnded(r: Reload, record: LoadRecord, warningsAs: WarningsAs): Reload {
  const f = inFlight(r, "loadEnded");
  const load = withRecord(f, record);
  const verdict = judgeLoad(record, warningsAs);
  const unproven = partialUnproven(f.load, record);
  if (verdict.ok && !unproven)
    return { phase: "done", plan: f.plan, load, error: null, warning: verdict.warning };
  const why = record.message ? `: ${record.message}` : "";
  const error =
    `Celonis load ${record.dataLoadId} ended ${record.loadStatus}${why}${unproven ?? ""}. ` +
    "The reload is still owed: the next `pulumi up` runs it again.";
  return { phase: "owed", plan: f.plan, load, error, warning: null };
}

/** Says an ambiguous partial load apart in the reason of an owed plan. */
export const AMBIGUOUS_PARTIAL = "may be another writer's partial load";

/**
 * Ends every warning that says a load of this change cannot be shown to be ours (or to have covered
 * it), so the reload stays owed and its next trigger may load the change a second time (never zero
 * times). The simulator accepts a second load of a change only after a line with this marker.
 */
export const MAY_LOAD_TWICE = "this change may be loaded twice";

/**
 * Why a PARTIAL load, whatever its end, does not settle the plan, or null when it may: it was found by
 * its start window while the trigger's outcome was unknown, so it may be another writer's partial load
 * of other tables (Celonis does not say which). The plan stays owed: a second load is possible, a
 * lost one is not.
 */
export function partialUnproven(load: PlanLoad, record: Pick<LoadRecord, "loadType">): string | null {
  if (load.outcome !== "unknown" || load.loadType !== "PARTIAL" || record.loadType !== "PARTIAL") return null;
  return (
    `; it started while the trigger's outcome was unknown (its answer was lost) and ${AMBIGUOUS_PARTIAL}` +
    " (Celonis does not say which tables a partial load loaded), so it does not settle the plan"
  );
}

/** While the load has not been seen: the latest time it could still appear (see PlanLoad.visibleBy). */
export function visibleBy(r: Reload, at: number): Reload {
  const f = inFlight(r, "visibleBy");
  return { ...f, load: { ...f.load, visibleBy: new Date(at).toISOString() } };
}

/**
 * The trigger's attempts bound when its load could have started (trigger.ts's StartWindow, Celonis's
 * clock): from the send of the attempt that counts, by its answer or reset (see PlanLoad.startedBy).
 */
export function startBounded(r: Reload, window: StartWindow | null | undefined): Reload {
  const f = inFlight(r, "startBounded");
  if (!window) return f;
  const iso = (ms: number) => new Date(ms).toISOString();
  const load: PlanLoad = {
    ...f.load,
    triggeredAtServer: iso(window.from.at),
    serverErrorMs: window.from.errorMs,
  };
  if (window.accepted) delete load.outcome;
  if (window.by === null) delete load.startedBy;
  else load.startedBy = iso(window.by);
  if (window.answeredBy === undefined) delete load.answeredBy;
  else load.answeredBy = iso(window.answeredBy);
  return { ...f, load };
}

/** Celonis refused the trigger: it certainly started nothing. */
export function notStarted(r: Reload, error: string): Reload {
  const f = inFlight(r, "notStarted");
  return { phase: "owed", plan: f.plan, load: f.load, error, warning: null };
}

/** Celonis shows no load for an earlier trigger (it started nothing, or the load left the history). */
export function notFound(r: Reload, error: string): Reload {
  const f = inFlight(r, "notFound");
  return { phase: "owed", plan: f.plan, load: f.load, error, warning: null };
}

/** The plan needs no load (or its load was already carried out). */
export function nothingToLoad(r: Reload): Reload {
  check(r, "nothingToLoad");
  return { phase: "done", plan: r.plan, load: null, error: null, warning: null };
}

/** Due outside every reload window: nothing is triggered and the plan stays owed (`why` is the warning). */
export function deferred(r: Reload, why: string): Reload {
  check(r, "deferred");
  return { phase: "deferred", plan: r.plan, load: null, error: null, warning: why };
}

/**
 * Something failed, timed out or was cancelled. Before any trigger the plan stays owed; after one,
 * the load is never forgotten: the reload stays where it was (triggering or running) with the error.
 */
export function interrupted(r: Reload, error: string): Reload {
  check(r, "interrupted");
  if (isInFlight(r)) return { ...r, error };
  return { phase: "owed", plan: r.plan, load: r.load, error, warning: null };
}

/** What the resource stores: `triggering` is stored as `running` with the load's trigger time. */
export function persisted(r: Reload): { planStatus: PlanStatus; planLoad: PlanLoad | null } {
  switch (r.phase) {
    case "done":
      return { planStatus: "done", planLoad: r.load };
    case "owed":
    case "planned":
      return { planStatus: "owed", planLoad: r.load };
    case "triggering":
    case "running":
      return { planStatus: "running", planLoad: r.load };
    case "deferred":
      return { planStatus: "deferred", planLoad: null };
  }
}

/** True once a trigger may have reached Celonis and the outcome is not known. */
export function isInFlight(r: Reload): r is InFlight {
  return r.phase === "triggering" || r.phase === "running";
}

/** How a finished load counts: success, success with a warning, or failure. */
export function judgeLoad(
  load: Pick<LoadRecord, "loadStatus" | "message">,
  warningsAs: WarningsAs,
): { ok: boolean; warning: string | null } {
  if (load.loadStatus === "SUCCESS") return { ok: true, warning: null };
  if (load.loadStatus === "WARNING") {
    return { ok: warningsAs !== "error", warning: load.message ?? "the load reported a warning" };
  }
  return { ok: false, warning: null };
}

/** When a load whose id is unknown would have shown at the latest (epoch ms). */
export function latestVisible(load: PlanLoad): number {
  return load.visibleBy ? Date.parse(load.visibleBy) : Date.parse(load.triggeredAt) + NOT_VISIBLE_GRACE_MS;
}

/**
 * How a plan's load is found again: by id once known; else by the rule of ours.ts after its trigger,
 * of its load type, in Celonis's clock when the trigger's server time was recorded (a load without
 * it, from an older state or journal, is matched by the runner's time and the old tolerance), and
 * started by `startedBy` when the trigger's answer bounded it.
 */
export function planLoadMatch(load: PlanLoad): LoadMatch {
  if (load.loadId) return { loadId: load.loadId };
  const at = load.triggeredAtServer ? Date.parse(load.triggeredAtServer) : NaN;
  const server =
    Number.isFinite(at) && typeof load.serverErrorMs === "number"
      ? { at, errorMs: load.serverErrorMs }
      : null;
  const { previousLoadId, loadType } = load;
  const by = load.startedBy ? Date.parse(load.startedBy) : NaN;
  const startedBy = Number.isFinite(by) ? by : null;
  const answer = load.answeredBy ? Date.parse(load.answeredBy) : NaN;
  const answeredBy = Number.isFinite(answer) ? answer : null;
  const triggeredAt = Date.parse(load.triggeredAt);
  return triggerMatch({ previousLoadId, triggeredAt, loadType, server, startedBy, answeredBy });
}

/**
 * What a look for a plan's earlier load found, as a lifecycle step: ended (done or owed), running,
 * or not there: owed once it can no longer appear (its id was known, or `latestVisible` has passed),
 * else still triggering.
 */
export function settleFound(
  plan: Plan,
  load: PlanLoad,
  found: LoadRecord | null,
  warningsAs: WarningsAs,
  nowMs: number,
): Reload {
  const r = adopted(planned(plan), load);
  if (!found) {
    const gone = load.loadId !== null || nowMs >= latestVisible(load);
    const which = `the trigger of ${load.triggeredAt}${load.loadId ? ` (load ${load.loadId})` : ""}`;
    return gone ? notFound(r, `Celonis shows no load for ${which}`) : r;
  }
  const seen = loadSeen(r, found);
  return isTerminal(found.loadStatus) ? loadEnded(seen, found, warningsAs) : seen;
}

/**
 * A load taken for ours while its trigger's outcome was unknown (no answer ever came) ended without
 * success: it may have been another writer's, and our request may still start a load until it can no
 * longer appear. Until then the trigger is looked for again, after that load (the result), instead of
 * triggering another; null when the outcome was known, or the request can no longer land. Pure.
 */
export function laterLoadOfTrigger(
  load: PlanLoad,
  failed: Pick<LoadRecord, "dataLoadId" | "loadStatus">,
  nowMs: number,
): PlanLoad | null {
  if (load.outcome !== "unknown" || judgeLoad({ ...failed, message: null }, "success").ok) return null;
  if (nowMs >= latestVisible(load)) return null;
  return { ...load, loadId: null, previousLoadId: failed.dataLoadId, status: null };
}

function withRecord(r: InFlight, record: LoadRecord): PlanLoad {
  if (r.load.loadId !== null && r.load.loadId !== record.dataLoadId) {
    throw new Error(`reload lifecycle: load ${record.dataLoadId} is not ours (${r.load.loadId})`);
  }
  return { ...r.load, loadId: record.dataLoadId, status: record.loadStatus };
}
