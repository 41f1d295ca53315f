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
/**
 * Lookups by name, run in the program's process (a TypeScript program has no Invoke for dynamic
 * providers): `getDataPool({name})` → `{id, name}`, `getDataModel({pool, name})` (pool by name or
 * id) → `{id, poolId, name}`, `getDataModelTables({poolId, dataModelId})` → `{tables: [{id, name,
 * alias}]}`, each also as `…Output` taking inputs. Each reads the connection from stack config as
 * the provider does (or the named connection `connection` from `celonis:connections`), caches its
 * answer for the run, and fails listing the candidates when a name matches nothing or several.
 */
export {
  getDataPool,
  getDataPoolOutput,
  getDataModel,
  getDataModelOutput,
  getDataModelTables,
  getDataModelTablesOutput,
} from "./lookups";
/** The arguments and results of the lookups (see `getDataPool`, `getDataModel`, `getDataModelTables`). */
export type {
  GetDataPoolArgs,
  GetDataPoolResult,
  GetDataModelArgs,
  GetDataModelResult,
  GetDataModelTablesArgs,
  GetDataModelTablesResult,
} from "./lookups";
