// What each lookup by name asks Celonis and answers, given a client: a data pool by name, a data
// model by name in a pool given by name or id, a model's tables. Shared by the functions a
// TypeScript program calls (lookups.ts) and the plugin's Invoke, so both faces answer alike.
// Reads only; matching is pure (celonis/match-name.ts).

import type { CelonisClient } from "./celonis/client";
import { matchOne } from "./celonis/match-name";

/** The reads lookups make: a CelonisClient, or a per-run cache in front of one. */
export type DiscoveryReader = Pick<CelonisClient, "listPools" | "listDataModels" | "listTables">;

/** Arguments of `getDataPool`. */
export interface GetDataPoolArgs {
  /** The pool's name as Celonis shows it (exact, else ignoring case and surrounding spaces). */
  name: string;
  /** A named connection from the `celonis:connections` config; left out, the provider's own connection. */
  connection?: string;
}

/** A data pool found by name: `getDataPool`'s result. */
export interface GetDataPoolResult {
  /** The pool's id, what `DataModelReload.poolId` takes. */
  id: string;
  /** The pool's name as Celonis spells it. */
  name: string;
}

/** Arguments of `getDataModel`. */
export interface GetDataModelArgs {
  /** The data pool: its name (as `getDataPool` matches it) or its id. */
  pool: string;
  /** The data model's name in that pool (exact, else ignoring case and surrounding spaces). */
  name: string;
  /** A named connection from the `celonis:connections` config; left out, the provider's own connection. */
  connection?: string;
}

/** A data model found by name: `getDataModel`'s result. */
export interface GetDataModelResult {
  /** The data model's id, what `DataModelReload.dataModelId` takes. */
  id: string;
  /** Its pool's id, what `DataModelReload.poolId` takes. */
  poolId: string;
  /** The data model's name as Celonis spells it. */
  name: string;
}

/** Arguments of `getDataModelTables`. */
export interface GetDataModelTablesArgs {
  /** The data pool's id. */
  poolId: string;
  /** The data model's id. */
  dataModelId: string;
  /** A named connection from the `celonis:connections` config; left out, the provider's own connection. */
  connection?: string;
}

/** One table of a data model. */
export interface DataModelTable {
  /** The table config id: what a partial load takes. */
  id: string;
  /** The table's name. */
  name: string;
  /** Its alias, or null when none is set. */
  alias: string | null;
}

/** A data model's tables: `getDataModelTables`'s result. */
export interface GetDataModelTablesResult {
  /** Each table of the model, in Celonis's order; `DataModelReload.tables` takes names, aliases or ids. */
  tables: DataModelTable[];
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

/**
 * The lookups as schema functions (`celonis:index:<name>`): the TSDoc interfaces the schema reads
 * their arguments and results from, and what the function does. gen-schema.ts and the plugin's
 * Invoke both read this table.
 */
export const LOOKUP_FUNCTIONS = {
  getDataPool: {
    args: "GetDataPoolArgs",
    result: "GetDataPoolResult",
    description:
      "Finds a data pool by name. Fails listing the pools this connection may see when the name matches none, or several.",
  },
  getDataModel: {
    args: "GetDataModelArgs",
    result: "GetDataModelResult",
    description:
      "Finds a data model by name in a data pool given by name or id. Fails listing the pool's data models when the name matches none, or several.",
  },
  getDataModelTables: {
    args: "GetDataModelTablesArgs",
    result: "GetDataModelTablesResult",
    description: "Lists a data model's tables: id, name and alias.",
  },
} as const;

/** A lookup's name: `getDataPool`, `getDataModel` or `getDataModelTables`. */
export type LookupName = keyof typeof LOOKUP_FUNCTIONS;
