// The shapes the emulator puts on the wire, in its own words (docs/celonis-api.md says where each
// comes from). Deliberately not shared with the provider's types: server and client must not agree
// by construction, so the contract tests (tests/contract) check each side against fixtures written
// from the documentation instead.

/** Every `loadType` Celonis reports. */
export const LOAD_TYPES = ["COMPLETE", "FROM_CACHE", "PARTIAL"] as const;
export type LoadType = (typeof LOAD_TYPES)[number];

/** Every `loadStatus` of a load record (pycelonis's DataModelLoadStatus). There is no QUEUED. */
export const LOAD_STATUSES = [
  "RUNNING",
  "SUCCESS",
  "WARNING",
  "ERROR",
  "LOST_CONNECTION",
  "CANCELED",
  "CANCELLING",
] as const;
export type LoadStatus = (typeof LOAD_STATUSES)[number];

/** How an emulated load may end (a load behaviour's `outcome`, the CLI's `--outcome`). */
export const LOAD_OUTCOMES = ["SUCCESS", "WARNING", "ERROR", "CANCELED", "LOST_CONNECTION"] as const;
export type LoadOutcome = (typeof LOAD_OUTCOMES)[number];

/** Statuses of a load that has ended (what a seeded past load may have). */
export const FINISHED_STATUSES = ["SUCCESS", "WARNING", "ERROR", "CANCELED"] as const;

/** Column types of a table config. */
export const COLUMN_TYPES = ["STRING", "INTEGER", "FLOAT", "DATE", "TIME", "DATETIME", "BOOLEAN"] as const;

/** Statuses after which the live data model is replaced (WARNING is a success with a warning). */
export function isSuccessful(status: LoadStatus): boolean {
  return status === "SUCCESS" || status === "WARNING";
}

/** A load: `…/v1/…/last-load`, and each entry of load-info-sync's history. Dates are epoch ms. */
export interface LoadRecord {
  dataLoadId: string;
  dataModelId: string;
  startDate: number | null;
  endDate: number | null;
  loadStatus: LoadStatus;
  message: string | null;
  loadType: LoadType;
  dataPoolVersion: string | null;
}

export interface TableColumn {
  name: string;
  type: string;
  primaryKey: boolean;
}

/** A table config of `GET …/v1/…/tables` and of a data model's `tables[]`: `id` is what partial-sync takes. */
export interface TableConfig {
  id: string;
  dataModelId: string;
  dataSourceId: string | null;
  name: string;
  alias: string | null;
  aliasOrName: string;
  columns: TableColumn[];
  primaryKeys: string[];
}

/** One table of the live data model (`liveDataModel.tableLoads[]`). */
export interface TableLoad {
  tableId: string;
  tableName: string;
  tableRowCount: number;
  done: boolean;
  invisible: boolean;
  cancel: boolean;
}

/** `liveDataModel` of load-info-sync: the data model as its last successful load left it. */
export interface LiveDataModel {
  dataModelId: string;
  dataModelName: string;
  dataModelUUID: string;
  dataLoadId: string;
  done: boolean;
  error: boolean;
  tablesLoaded: boolean;
  errorMessage: string | null;
  lastLoad: number | null;
  nextLoad: number | null;
  startTime: number | null;
  endTime: number | null;
  numTables: number;
  scheduledLoading: boolean;
  cancel: boolean;
  projectName: string | null;
  response: string | null;
  tableLoads: TableLoad[];
}

/** `lastSuccessfulDataModel` of load-info-sync. */
export interface LastSuccessfulLoad {
  dataModelId: string;
  dataLoadId: string;
  message: string | null;
  loadStatus: LoadStatus;
  startDate: number | null;
  endDate: number | null;
  warmupDuration: number | null;
  done: boolean;
}

/** `averageLoadTime[]` of load-info-sync: milliseconds per load type. */
export interface AverageLoadTime {
  type: LoadType;
  averageLoadingTime: number;
}

/** `GET /integration/api/pools/{poolId}/data-models/{dataModelId}/load-history/load-info-sync`. */
export interface LoadInfoSync {
  loadInfo: { liveDataModel: LiveDataModel | null; currentComputeLoad: LoadRecord | null };
  loadHistory: {
    lastSuccessfulDataModel: LastSuccessfulLoad | null;
    dataLoadHistory: LoadRecord[];
    averageLoadTime: AverageLoadTime[];
  };
}

/** A pool of `GET /integration/api/pools` (the part of Celonis's DataPoolTransport served here). */
export interface PoolView {
  id: string;
  name: string;
  description: string | null;
  timeStamp: number;
  configurationStatus: string;
  locked: boolean;
  permissions: string[];
  creatorUserId: string | null;
}

/** A data model of `GET /integration/api/pools/{poolId}/data-models[/{dataModelId}]`. */
export interface DataModelView {
  id: string;
  name: string;
  poolId: string;
  description: string | null;
  createDate: number;
  changedDate: number;
  configurationSkipped: boolean;
  unavailable: boolean;
  editable: boolean;
  creatorUserId: string | null;
  permissions: string[];
  tables: TableConfig[];
  foreignKeys: unknown[];
}

/** The 400 body of a refused request. */
export interface FrontendError {
  frontendErrorKey: string;
  errorInformation: Record<string, unknown>;
}
