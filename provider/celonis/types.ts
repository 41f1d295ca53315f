// The shapes Celonis puts on the wire, and the client's own vocabulary for them.
// The client and the provider use them; the emulator has its own (emulator/wire.ts), and the
// contract tests check both against the documented examples
// (see docs/celonis-api.md for where each field comes from).

/** Every `loadStatus` Celonis reports. There is no QUEUED. */
export type LoadStatus =
  "RUNNING" | "SUCCESS" | "WARNING" | "ERROR" | "LOST_CONNECTION" | "CANCELED" | "CANCELLING";

/** Every `loadType` Celonis reports. */
export type LoadType = "COMPLETE" | "FROM_CACHE" | "PARTIAL";

/** A load record as served by `…/last-load` and inside `load-info-sync` (dates are epoch ms). */
export interface LoadRecord {
  dataLoadId: string;
  dataModelId: string;
  startDate: number | null;
  endDate: number | null;
  loadStatus: LoadStatus;
  message: string | null;
  loadType: LoadType | null;
  dataPoolVersion?: string | null;
}

/** A table config from `GET …/tables`: `id` is what `partial-sync` takes. */
export interface TableConfig {
  id: string;
  dataModelId: string;
  dataSourceId: string | null;
  name: string;
  alias: string | null;
  aliasOrName: string;
  columns?: unknown[];
  primaryKeys?: string[];
}

/** Per-table row counts of the live data model (`liveDataModel.tableLoads[]`). */
export interface TableLoad {
  tableId: string;
  tableName: string;
  tableRowCount: number;
  done: boolean;
}

/** `GET …/load-history/load-info-sync` (the endpoint pycelonis polls). */
export interface LoadInfoSync {
  loadInfo: {
    liveDataModel: { tableLoads?: TableLoad[] } | null;
    currentComputeLoad: LoadRecord | null;
  } | null;
  loadHistory: {
    lastSuccessfulDataModel: unknown | null;
    dataLoadHistory: LoadRecord[];
    averageLoadTime: { type: string; averageLoadingTime: number }[];
  } | null;
}

/** How the client authenticates. Credentials live only here, never in errors or logs. */
export type AuthConfig =
  | { kind: "bearer"; token: string }
  | { kind: "appkey"; token: string }
  | { kind: "oauth"; clientId: string; clientSecret: string; scope: string };

/** What a trigger asks Celonis to load. */
export type LoadRequest =
  { kind: "COMPLETE" } | { kind: "FROM_CACHE" } | { kind: "PARTIAL"; tableIds: string[] };

/** A table reference the user wrote, resolved against `GET …/tables`. */
export interface ResolvedTable {
  /** What the user wrote (name, alias or id). */
  ref: string;
  /** Table config id (what `partial-sync` takes). */
  id: string;
  /** `aliasOrName` as Celonis shows it. */
  name: string;
}

/** A progress report while waiting for a load. */
export interface LoadProgress {
  loadId: string | null;
  status: LoadStatus | "NOT_STARTED";
  elapsedSeconds: number;
  /** Average duration of this kind of load from history, when Celonis knows it. */
  expectedSeconds: number | null;
}

/** The end of a wait: the load reached a terminal status, or the deadline passed first. */
export type WaitResult =
  { outcome: "finished"; load: LoadRecord } | { outcome: "timeout"; load: LoadRecord | null };

/**
 * The end of waiting for a load started elsewhere: nothing runs any more, another load runs now (with
 * `whileLoad`: the caller decides again), or the deadline passed first.
 */
export type IdleResult =
  | { outcome: "idle"; load: LoadRecord | null }
  | { outcome: "changed"; load: LoadRecord }
  | { outcome: "timeout"; load: LoadRecord };
