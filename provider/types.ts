// The provider's own vocabulary: checked inputs, the reload plan, and the outputs stored in state.
// Everything here is plain JSON, because that is all a dynamic provider may put on the wire
// (undefined, Date or class instances break the engine's struct encoding).

import type { LoadStatus, LoadType, ResolvedTable } from "./celonis/types";

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
  reasons: string[];
}

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
  /** Every table reference in `tables` and `tableTriggers`, resolved; null when not resolvable yet. */
  resolvedTables: ResolvedTable[] | null;
  plan: Plan;
}

/** Whether the stored plan has been carried out. */
export type PlanStatus =
  /** The plan ran to a successful load (or needed no load). */
  | "done"
  /** The plan's load failed or never started: the next `up` runs it again. */
  | "owed"
  /** The wait timed out while the load kept running: the next `up` waits for that load. */
  | "running";

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
  lastLoad: LastLoad | null;
  reloadedTables: ReloadedTable[];
  reloadCount: number;
}
