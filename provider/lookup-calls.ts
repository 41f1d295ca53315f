// What each lookup by name asks Celonis and answers, given a client: a data pool by name, a data
// model by name in a pool given by name or id, a model's tables. Shared by the functions a
// TypeScript program calls (lookups.ts) and the plugin's Invoke, so both faces answer alike.
// Reads only; matching is pure (celonis/match-name.ts).

import type { CelonisClient } from "./celonis/client";
import { matchOne } from "./celonis/match-name";

/** The reads lookups make: a CelonisClient, or a per-run cache in front of one. */
export type DiscoveryReader = Pick<CelonisClient, "listPools" | "listDataModels" | "listTables">;

/** A data pool found by name: `getDataPool`'s result. */
export interface GetDataPoolResult {
  /** The pool's id, what `DataModelReload.poolId` takes. */
  id: string;
  name: string;
}

/** A data model found by name: `getDataModel`'s result. */
export interface GetDataModelResult {
  /** The data model's id, what `DataModelReload.dataModelId` takes. */
  id: string;
  /** Its pool's id, what `DataModelReload.poolId` takes. */
  poolId: string;
  name: string;
}

/** A data model's tables: `getDataModelTables`'s result. */
export interface GetDataModelTablesResult {
  /** Each table config: its id (what a partial load takes), name and alias (null when unset). */
  tables: { id: string; name: string; alias: string | null }[];
}

/** The pool named `name`. */
export async function findPool(client: DiscoveryReader, name: string): Promise<GetDataPoolResult> {
  const pool = matchOne(await client.listPools(), name, { kind: "data pool" });
  return { id: pool.id, name: pool.name };
}

/** The data model named `name` in the pool `pool` names (its name or its id). */
export async function findDataModel(
  client: DiscoveryReader,
  pool: string,
  name: string,
): Promise<GetDataModelResult> {
  const p = matchOne(await client.listPools(), pool, { kind: "data pool", byId: true });
  const models = await client.listDataModels(p.id);
  const model = matchOne(models, name, { kind: "data model", where: `pool "${p.name}" (${p.id})` });
  return { id: model.id, poolId: model.poolId, name: model.name };
}

/** The tables of a data model. */
export async function findTables(
  client: DiscoveryReader,
  poolId: string,
  dataModelId: string,
): Promise<GetDataModelTablesResult> {
  const tables = await client.listTables(poolId, dataModelId);
  return { tables: tables.map((t) => ({ id: t.id, name: t.name, alias: t.alias })) };
}
