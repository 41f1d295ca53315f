// The public API of pulumi-celonis: the DataModelReload resource and the types of its inputs and
// outputs. Everything else (provider, plan, client) is internal and may change.

export { DataModelReload, type DataModelReloadArgs } from "./resource";
export type {
  LastLoad,
  LoadTypeOption,
  OnBusy,
  Plan,
  PlanLoad,
  PlanStatus,
  ReloadedTable,
  WarningsAs,
  JsonValue,
} from "./types";
export type { LoadStatus, LoadType, ResolvedTable } from "./celonis/types";
