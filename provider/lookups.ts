// Lookups by name for TypeScript programs: data pool and data model ids from their names, a model's
// tables, so nobody copies UUIDs from a browser. Dynamic providers have no Invoke, so these run in
// the program's process, in plain (Promise) and `…Output` forms as Pulumi packages offer them.
// They read the connection from stack config as the provider does (`celonis:*`, then the
// environment; or a named connection from `celonis:connections`), and each answer is cached for
// the run: the same question asked twice is one request.

import * as pulumi from "@pulumi/pulumi";
import { CelonisClient } from "./celonis/client";
import type { Connection } from "./config";
import { selectConnection } from "./connections";
import {
  findDataModel,
  findPool,
  findTables,
  type GetDataModelResult,
  type GetDataModelTablesResult,
  type GetDataPoolResult,
} from "./lookup-calls";

export type { GetDataModelResult, GetDataModelTablesResult, GetDataPoolResult } from "./lookup-calls";

/** Which connection a lookup uses: a name from `celonis:connections`; left out, the unnamed one. */
interface ConnectionArg {
  connection?: string;
}

/** Arguments of `getDataPool`. */
export interface GetDataPoolArgs extends ConnectionArg {
  /** The pool's name as Celonis shows it (exact, else ignoring case). */
  name: string;
}

/** Arguments of `getDataModel`. */
export interface GetDataModelArgs extends ConnectionArg {
  /** The pool: its name or its id. */
  pool: string;
  /** The data model's name in that pool. */
  name: string;
}

/** Arguments of `getDataModelTables`. */
export interface GetDataModelTablesArgs extends ConnectionArg {
  poolId: string;
  dataModelId: string;
}

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

/** The three lookups bound to one settings source, with their per-run cache. */
export function createLookups(settings: () => SettingsSource) {
  const answers = new Map<string, Promise<unknown>>();
  const clients = new Map<string, CelonisClient>();
  const client = (name: string | undefined): CelonisClient => {
    const key = name ?? "";
    let c = clients.get(key);
    if (!c) {
      const s = settings();
      const conn: Connection = selectConnection(name, s.get, s.env);
      c = new CelonisClient({ url: conn.url, auth: conn.auth, timeoutMs: conn.requestTimeoutMs });
      clients.set(key, c);
    }
    return c;
  };
  function cached<T>(
    parts: unknown[],
    connection: string | undefined,
    ask: (c: CelonisClient) => Promise<T>,
  ): Promise<T> {
    const key = JSON.stringify([connection ?? "", ...parts]);
    let answer = answers.get(key) as Promise<T> | undefined;
    if (!answer) {
      answer = Promise.resolve().then(() => ask(client(connection)));
      answers.set(key, answer);
      answer.catch(() => answers.delete(key)); // a failure is not remembered
    }
    return answer;
  }
  return {
    getDataPool: (a: GetDataPoolArgs) => cached(["pool", a.name], a.connection, (c) => findPool(c, a.name)),
    getDataModel: (a: GetDataModelArgs) =>
      cached(["model", a.pool, a.name], a.connection, (c) => findDataModel(c, a.pool, a.name)),
    getDataModelTables: (a: GetDataModelTablesArgs) =>
      cached(["tables", a.poolId, a.dataModelId], a.connection, (c) =>
        findTables(c, a.poolId, a.dataModelId),
      ),
    /** Closes idle connections of every client made (the cache stays). */
    close: () => clients.forEach((c) => c.close()),
  };
}

const program = createLookups(programSettings);

/** The data pool named `name`: `{id, name}`. Fails listing the pools when none or several match. */
export function getDataPool(args: GetDataPoolArgs): Promise<GetDataPoolResult> {
  return program.getDataPool(args);
}

/** `getDataPool` taking inputs, for use with other resources' outputs. */
export function getDataPoolOutput(args: Inputs<GetDataPoolArgs>): pulumi.Output<GetDataPoolResult> {
  return pulumi.output(args).apply((a) => getDataPool(a as GetDataPoolArgs));
}

/** The data model named `name` in `pool` (a name or an id): `{id, poolId, name}`. */
export function getDataModel(args: GetDataModelArgs): Promise<GetDataModelResult> {
  return program.getDataModel(args);
}

/** `getDataModel` taking inputs. */
export function getDataModelOutput(args: Inputs<GetDataModelArgs>): pulumi.Output<GetDataModelResult> {
  return pulumi.output(args).apply((a) => getDataModel(a as GetDataModelArgs));
}

/** A data model's tables: `{tables: [{id, name, alias}]}`. */
export function getDataModelTables(args: GetDataModelTablesArgs): Promise<GetDataModelTablesResult> {
  return program.getDataModelTables(args);
}

/** `getDataModelTables` taking inputs. */
export function getDataModelTablesOutput(
  args: Inputs<GetDataModelTablesArgs>,
): pulumi.Output<GetDataModelTablesResult> {
  return pulumi.output(args).apply((a) => getDataModelTables(a as GetDataModelTablesArgs));
}
