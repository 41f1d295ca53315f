// The life of one reload, written down once. A plan passes through these phases, and only through
// the transitions below; the runner (reload.ts) moves it along, and create, update and read store
// what `persisted` makes of it. The promise it keeps: each change becomes exactly one load.
//
//   planned ──triggerSent──▶ triggering ──loadSeen──▶ running ──loadEnded──▶ done | owed
//      │                        │  ▲                                            ▲
//      │                        │  └── adopted (a load of an earlier run or an interrupted deployment)
//      │                        ├──notStarted (Celonis refused the trigger)──────────────────▶ owed
//      │                        └──notFound (no load ever appeared, or it left the history)─▶ owed
//      ├──nothingToLoad──▶ done
//      └──interrupted (any error before a trigger) ──▶ owed
//
// The invariant: once a trigger may have reached Celonis (`triggering`, `running`), an error never
// turns the reload back into `owed`; it stays `running` with its load (its id, or the trigger time
// while the id is unknown), and the next `up` settles that load instead of starting another.
// Pure: no I/O, no clock (the time a decision needs is passed in).

import type { ServerTime } from "./celonis/server-clock";
import { isTerminal, triggerMatch, type LoadMatch } from "./celonis/status";
import type { LoadRecord, LoadType } from "./celonis/types";
import type { Plan, PlanLoad, PlanStatus, WarningsAs } from "./types";

/** Where a reload stands. */
export type Phase = "planned" | "triggering" | "running" | "done" | "owed";

/** One reload: its plan, its load once there is one, and why it stopped if it did not succeed. */
export interface Reload {
  readonly phase: Phase;
  readonly plan: Plan;
  /** The plan's load, from the moment a trigger may have been sent (or one was adopted). */
  readonly load: PlanLoad | null;
  /** Why the reload did not finish as done (shown as the update's error); null otherwise. */
  readonly error: string | null;
  /** A WARNING load's message when it counted as success. */
  readonly warning: string | null;
}

const ALLOWED: Record<string, readonly Phase[]> = {
  triggerSent: ["planned"],
  adopted: ["planned"],
  loadSeen: ["triggering", "running"],
  loadEnded: ["triggering", "running"],
  notStarted: ["triggering"],
  notFound: ["triggering", "running"],
  visibleBy: ["triggering"],
  nothingToLoad: ["planned"],
  interrupted: ["planned", "triggering", "running"],
};

/** Applies one transition: checked against ALLOWED first, then `next` computes the change. */
function step(r: Reload, transition: keyof typeof ALLOWED, next: () => Partial<Reload>): Reload {
  if (!ALLOWED[transition].includes(r.phase)) {
    throw new Error(`reload lifecycle: ${transition} is not allowed from ${r.phase}`);
  }
  return { ...r, ...next() };
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
  return step(r, "triggerSent", () => ({
    phase: "triggering",
    load: {
      loadId: null,
      loadType: at.loadType,
      triggeredAt: new Date(at.triggeredAt).toISOString(),
      ...(at.server
        ? { triggeredAtServer: new Date(at.server.at).toISOString(), serverErrorMs: at.server.errorMs }
        : {}),
      previousLoadId: at.previousLoadId,
      status: null,
    },
  }));
}

/** Takes over a load triggered earlier (a timed-out wait, `wait: false`, an interrupted deployment). */
export function adopted(r: Reload, load: PlanLoad): Reload {
  return step(r, "adopted", () => ({ phase: load.loadId ? "running" : "triggering", load: { ...load } }));
}

/** Our load is visible in Celonis (its id is now known) and not finished. */
export function loadSeen(r: Reload, record: LoadRecord): Reload {
  return step(r, "loadSeen", () => ({ phase: "running", load: withRecord(r, record) }));
}

/** Our load reached a terminal status: done if it counts as success, else the plan is owed again. */
export function loadEnded(r: Reload, record: LoadRecord, warningsAs: WarningsAs): Reload {
  return step(r, "loadEnded", () => {
    const load = withRecord(r, record);
    const verdict = judgeLoad(record, warningsAs);
    if (verdict.ok) return { phase: "done", load, error: null, warning: verdict.warning };
    const why = record.message ? `: ${record.message}` : "";
    const error =
      `Celonis load ${record.dataLoadId} ended ${record.loadStatus}${why}. ` +
      "The reload is still owed: the next `pulumi up` runs it again.";
    return { phase: "owed", load, error };
  });
}

/** While the load has not been seen: the latest time it could still appear (see PlanLoad.visibleBy). */
export function visibleBy(r: Reload, at: number): Reload {
  return step(r, "visibleBy", () => ({ load: { ...r.load!, visibleBy: new Date(at).toISOString() } }));
}

/** Celonis refused the trigger: it certainly started nothing. */
export function notStarted(r: Reload, error: string): Reload {
  return step(r, "notStarted", () => ({ phase: "owed", error }));
}

/** Celonis shows no load for an earlier trigger (it started nothing, or the load left the history). */
export function notFound(r: Reload, error: string): Reload {
  return step(r, "notFound", () => ({ phase: "owed", error }));
}

/** The plan needs no load (or its load was already carried out). */
export function nothingToLoad(r: Reload): Reload {
  return step(r, "nothingToLoad", () => ({ phase: "done" }));
}

/**
 * Something failed, timed out or was cancelled. Before any trigger the plan stays owed; after one,
 * the load is never forgotten: the reload stays where it was (triggering or running) with the error.
 */
export function interrupted(r: Reload, error: string): Reload {
  return step(r, "interrupted", () => ({ phase: r.phase === "planned" ? "owed" : r.phase, error }));
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
  }
}

/** True once a trigger may have reached Celonis and the outcome is not known. */
export function isInFlight(r: Reload): boolean {
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

/**
 * How long after its trigger a load may take to become visible in Celonis before we conclude the
 * trigger started nothing (unless the trigger's own `visibleBy` says otherwise).
 */
export const NOT_VISIBLE_GRACE_MS = 120_000;

/** When a load whose id is unknown would have shown at the latest (epoch ms). */
export function latestVisible(load: PlanLoad): number {
  return load.visibleBy ? Date.parse(load.visibleBy) : Date.parse(load.triggeredAt) + NOT_VISIBLE_GRACE_MS;
}

/**
 * How a plan's load is found again: by id once known; else by the rule of ours.ts after its trigger,
 * of its load type, in Celonis's clock when the trigger's server time was recorded (a load without
 * it, from an older state or journal, is matched by the runner's time and the old tolerance).
 */
export function planLoadMatch(load: PlanLoad): LoadMatch {
  if (load.loadId) return { loadId: load.loadId };
  const at = load.triggeredAtServer ? Date.parse(load.triggeredAtServer) : NaN;
  const server =
    Number.isFinite(at) && typeof load.serverErrorMs === "number"
      ? { at, errorMs: load.serverErrorMs }
      : null;
  const { previousLoadId, loadType } = load;
  return triggerMatch({ previousLoadId, triggeredAt: Date.parse(load.triggeredAt), loadType, server });
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

function withRecord(r: Reload, record: LoadRecord): PlanLoad {
  const base = r.load;
  if (!base) throw new Error("reload lifecycle: a load was seen before any trigger");
  if (base.loadId !== null && base.loadId !== record.dataLoadId) {
    throw new Error(`reload lifecycle: load ${record.dataLoadId} is not ours (${base.loadId})`);
  }
  return { ...base, loadId: record.dataLoadId, status: record.loadStatus };
}
