// The provider's own vocabulary: checked inputs, the reload plan, and the outputs stored in state.
// Everything here is plain JSON, because that is all a dynamic provider may put on the wire
// (undefined, Date or class instances break the engine's struct encoding).

import type { LoadStatus, LoadType, ResolvedTable } from "./celonis/types";
import type { OutsideWindow } from "./window-policy";

/** Any JSON value: what `triggers` and `tableTriggers` may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Kind of whole-model load: `complete` reloads every table, `fromCache` rebuilds from the data cache. */
export type LoadTypeOption = "complete" | "fromCache";

/** What to do when the data model is already loading (started elsewhere). */
export type OnBusy = "wait" | "fail";

/** How a load that ends with status WARNING counts. */
export type WarningsAs = "success" | "error";

/**
 * The reload decision for one deployment: computed in `check` from old and new inputs, stored as
 * an input so `pulumi preview --diff` shows it. `tables` are display names (alias or name).
 */
export interface Plan {
  action: "none" | "reload";
  /** COMPLETE / FROM_CACHE for a whole-model load, PARTIAL for tables; null when decided at deploy time. */
  loadType: LoadType | null;
  tables: string[];
  /**
   * The table config ids of `tables`, in the same order: what the load sends, so `up` loads exactly
   * what the preview showed without resolving names again. Absent in plans stored by 0.1.0.
   */
  tableIds?: string[];
  reasons: string[];
  /**
   * Informational, never compared (diff, plan reuse and the journal key ignore it): how long the load
   * will probably take in seconds (the model's average for its load type), null when unknown.
   */
  expectedSeconds?: number | null;
  /** Where `expectedSeconds` comes from: "history average of COMPLETE loads" (or PARTIAL, FROM_CACHE), or "unknown". */
  expectedBasis?: string;
  /**
   * Informational, never compared: set when the preview ran outside every reload window, e.g.
   * "deferred: outside the reload window, next opens Fri 19:00 Europe/Berlin".
   */
  window?: string;
}

/** The plan's keys that only inform: nothing decides on them. */
export const INFORMATIONAL_PLAN_KEYS = ["expectedSeconds", "expectedBasis", "window"] as const;

/** Inputs after `check`: validated, defaulted, with table references resolved and the plan attached. */
export interface CheckedInputs {
  poolId: string;
  dataModelId: string;
  tables: string[] | null;
  triggers: JsonValue[] | null;
  tableTriggers: { [table: string]: JsonValue } | null;
  loadType: LoadTypeOption;
  reloadOnCreate: boolean;
  wait: boolean;
  timeoutSeconds: number;
  onBusy: OnBusy;
  warningsAs: WarningsAs;
  // The four below are absent in inputs stored before windows and named connections existed.
  /** Reload windows as written (null: reload at any time). */
  windows?: string[] | null;
  /** The IANA zone `windows` are read in. */
  timeZone?: string;
  outsideWindow?: OutsideWindow;
  /** The named connection (`celonis:connections`) the model is on; null: the unnamed one. */
  connection?: string | null;
  /** Every table reference in `tables` and `tableTriggers`, resolved; null when not resolvable yet. */
  resolvedTables: ResolvedTable[] | null;
  plan: Plan;
}

/** Whether the stored plan has been carried out. */
export type PlanStatus =
  /** The plan ran to a successful load (or needed no load). */
  | "done"
  /** The plan's load failed, or nothing was started: the next `up` runs it again. */
  | "owed"
  /**
   * A load for the plan was triggered and has not been seen to end (the wait timed out or was
   * interrupted, or `wait` is false): the next `up` (or `refresh`) settles that load, never starting
   * another for the same change while it may still run.
   */
  | "running"
  /**
   * The plan was due outside every reload window and `outsideWindow` is "defer": nothing was
   * triggered, the change stays owed, and the next `up` inside a window runs it.
   */
  | "deferred";

/** The load that carries out the plan: the one this resource triggered, or adopted. */
export interface PlanLoad {
  /** Celonis's id for it; null while the trigger was sent but the load has not been seen yet. */
  loadId: string | null;
  loadType: LoadType;
  /** When the trigger was sent (ISO, the runner's clock). */
  triggeredAt: string;
  /**
   * The same moment in Celonis's clock (ISO), estimated from its answers' `Date` headers: a load not
   * seen yet is recognised as one started after this, within `serverErrorMs`. Absent (states written
   * before the provider read Celonis's clock): `triggeredAt` with a five-minute tolerance.
   */
  triggeredAtServer?: string;
  /** How far `triggeredAtServer` may be off Celonis's true time (ms). */
  serverErrorMs?: number;
  /**
   * The latest moment (ISO, Celonis's clock, the error bound included) the trigger could have started
   * its load: its answer, or the reset of its connection, came by then (for a trigger with no answer
   * at all, the end of its watch). A load that started later is not ours. Absent: not bounded.
   */
  startedBy?: string;
  /**
   * When the accepted trigger's answer came (ISO, Celonis's clock, the error bound included): two
   * loads that started between the trigger and this may each be ours, so neither is taken. Absent:
   * not known.
   */
  answeredBy?: string;
  /** The model's last load before the trigger, which is therefore not ours. */
  previousLoadId: string | null;
  /**
   * "unknown": no attempt of the trigger was seen accepted (its answers were lost, or 5xx). A PARTIAL
   * load found by its start window may then be another writer's (Celonis does not say which tables a
   * partial load loaded): it does not settle a partial plan, which stays owed. Absent: accepted, or
   * a state written before Celonis's clock was read (matched by the old rule).
   */
  outcome?: "unknown";
  /**
   * While the id is unknown: when the load would have shown at the latest (ISO). Not seen by then,
   * the trigger started nothing and the plan is owed again. Absent: 120 s after `triggeredAt`.
   */
  visibleBy?: string;
  /** Its last known status; null while not seen. */
  status: LoadStatus | null;
  /**
   * "other": a COMPLETE load this resource did not (knowingly) trigger, taken because it started
   * after the change was ready and so covers it (another writer's, or an earlier trigger's whose
   * answer was lost). Absent: the load of this resource's own trigger.
   */
  adoptedFrom?: "other";
}

/** The last load Celonis reports for the data model, with ISO dates. */
export interface LastLoad {
  loadId: string;
  status: LoadStatus;
  loadType: LoadType | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  message: string | null;
}

/** A table a reload covered. */
export interface ReloadedTable {
  id: string;
  name: string;
}

/** What the resource stores as outputs: the inputs echoed (so `diff` can compare) plus the load facts. */
export interface ReloadOutputs extends CheckedInputs {
  planStatus: PlanStatus;
  /** The plan's own load (null when the plan needed none); apart from the model's `lastLoad`. */
  planLoad: PlanLoad | null;
  lastLoad: LastLoad | null;
  reloadedTables: ReloadedTable[];
  reloadCount: number;
}
