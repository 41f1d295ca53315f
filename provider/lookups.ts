// Lookups by name for TypeScript programs: data pool and data model ids from their names, a model's
// tables, so nobody copies UUIDs from a browser. Dynamic providers have no Invoke, so these run in
// the program's process, in plain (Promise) and `…Output` forms as Pulumi packages offer them.
// They read the connection from stack config as the provider does (`celonis:*`, then the
// environment; or a named connection from `celonis:connections`), and each read is cached for the
// run: the pools are listed once per connection, however many lookups ask.

import * as pulumi from "@pulumi/pulumi";
import { CelonisClient } from "./celonis/client";
import type { Connection } from "./config";
import { selectConnection } from "./connections";
import {
  type DiscoveryReader,
  findDataModel,
  findPool,
  findTables,
  type GetDataModelArgs,
  type GetDataModelTablesArgs,
  type GetDataPoolArgs,
  type GetDataModelResult,
  type GetDataModelTablesResult,
  type GetDataPoolResult,
} from "./lookup-calls";

export type {
  DataModelTable,
  GetDataModelArgs,
  GetDataModelResult,
  GetDataModelTablesArgs,
  GetDataModelTablesResult,
  GetDataPoolArgs,
  GetDataPoolResult,
} from "./lookup-calls";

/** `…Output` forms take their arguments as inputs. */
export type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** Where the settings come from: `celonis:*` keys and the environment. */
export interface SettingsSource {
  get: (key: string) => string | undefined;
  env: Record<string, string | undefined>;
}

/** Stack config of the running program, and its environment. */
export function programSettings(): SettingsSource {
  const config = new pulumi.Config("celonis");
  return { get: (key) => config.get(key.replace(/^celonis:/, "")), env: process.env };
}

/** The three lookups bound to one settings source, and their cache. */
export type Lookups = ReturnType<typeof createLookups>;

/** `reader`'s answers remembered: the same read asked twice is one request; a failure is forgotten. */
function remembering(reader: DiscoveryReader): DiscoveryReader {
  const answers = new Map<string, Promise<unknown>>();
  function once<T>(key: unknown[], read: () => Promise<T>): Promise<T> {
    const k = JSON.stringify(key);
    let answer = answers.get(k) as Promise<T> | undefined;
    if (!answer) {
      answers.set(k, (answer = read()));
      answer.catch(() => answers.delete(k));
    }
    return answer;
  }
  return {
    listPools: () => once(["pools"], () => reader.listPools()),
    listDataModels: (poolId) => once(["models", poolId], () => reader.listDataModels(poolId)),
    listTables: (poolId, modelId) =>
      once(["tables", poolId, modelId], () => reader.listTables(poolId, modelId)),
  };
}

/** The three lookups bound to one settings source, each connection's reads cached (one cache per run). */
export function createLookups(settings: () => SettingsSource) {
  const clients: CelonisClient[] = [];
  const readers = new Map<string, DiscoveryReader>();
  /** The connection's reader, made on first use: a bad setting fails that lookup and is read again next time. */
  const reader = async (name: string | undefined): Promise<DiscoveryReader> => {
    let r = readers.get(name ?? "");
    if (!r) {
      const s = settings();
      const conn: Connection = selectConnection(name, s.get, s.env);
      const client = new CelonisClient({ url: conn.url, auth: conn.auth, timeoutMs: conn.requestTimeoutMs });
      clients.push(client);
      readers.set(name ?? "", (r = remembering(client)));
    }
    return r;
  };
  return {
    getDataPool: async (a: GetDataPoolArgs) => findPool(await reader(a.connection), a.name),
    getDataModel: async (a: GetDataModelArgs) => findDataModel(await reader(a.connection), a.pool, a.name),
    getDataModelTables: async (a: GetDataModelTablesArgs) =>
      findTables(await reader(a.connection), a.poolId, a.dataModelId),
    /** Closes idle connections of every client made (the cache stays). */
    close: () => clients.forEach((c) => c.close()),
  };
}

/**
 * The lookups of the program run in progress: a cache per run, even for inline Automation API programs.
 * Module-level on purpose: these functions run in the user's program process, where no provider
 * context exists; keyed by the run's monitor, so runs never share entries.
 */
const perRun = new WeakMap<object, Lookups>();
let outsideRun: Lookups | undefined;
function program(): Lookups {
  const run = pulumi.runtime.getMonitor(); // one per run; none outside a Pulumi run
  if (!run) return (outsideRun ??= createLookups(programSettings));
  let lookups = perRun.get(run);
  if (!lookups) perRun.set(run, (lookups = createLookups(programSettings)));
  return lookups;
}

/** The data pool named `name`: `{id, name}`. Fails listing the pools when none or several match. */
export function getDataPool(args: GetDataPoolArgs): Promise<GetDataPoolResult> {
  return program().getDataPool(args);
}

/** `getDataPool` taking inputs, for use with other resources' outputs. */
export function getDataPoolOutput(args: Inputs<GetDataPoolArgs>): pulumi.Output<GetDataPoolResult> {
  return pulumi.output(args).apply((a) => getDataPool(a as GetDataPoolArgs));
}

/** The data model named `name` in `pool` (a name or an id): `{id, poolId, name}`. */
export function getDataModel(args: GetDataModelArgs): Promise<GetDataModelResult> {
  return program().getDataModel(args);
}

/** `getDataModel` taking inputs. */
export function getDataModelOutput(args: Inputs<GetDataModelArgs>): pulumi.Output<GetDataModelResult> {
  return pulumi.output(args).apply((a) => getDataModel(a as GetDataModelArgs));
}

/** A data model's tables: `{tables: [{id, name, alias}]}`. */
export function getDataModelTables(args: GetDataModelTablesArgs): Promise<GetDataModelTablesResult> {
  return program().getDataModelTables(args);
}

/** `getDataModelTables` taking inputs. */
export function getDataModelTablesOutput(
  args: Inputs<GetDataModelTablesArgs>,
): pulumi.Output<GetDataModelTablesResult> {
  return pulumi.output(args).apply((a) => getDataModelTables(a as GetDataModelTablesArgs));
}
