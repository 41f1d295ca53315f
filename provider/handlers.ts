// The DataModelReload provider methods (configure/check/diff/create/update/read/delete). This module
// is NOT serialized into state: the small shim in provider.ts requires it inside the dynamic-provider
// host process, so state stays small, provider upgrades take effect, and credentials read in
// `configure` stay in this process's memory only.

import { randomUUID } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { CelonisClient } from "./celonis/client";
import { CelonisError } from "./celonis/errors";
import { resolveTables } from "./celonis/resolve";
import type { ResolvedTable, TableConfig } from "./celonis/types";
import { ConfigError, readConnection, type Connection } from "./config";
import { resolvedFailures, tableRefs, validateInputs, type CheckFailure } from "./inputs";
import {
  containsUnknown,
  decideUpdate,
  INPUT_KEYS,
  mergePlans,
  NO_RELOAD,
  planForCheck,
  UNKNOWN,
} from "./plan";
import { judgeLoad, runPlan, toLastLoad, type RunOutcome } from "./reload";
import { isTerminal } from "./celonis/status";
import type { CheckedInputs, Plan, ReloadOutputs } from "./types";

type Props = Record<string, unknown>;

let connection: Connection | ConfigError | undefined;
let client: CelonisClient | undefined;

/** How long `check` reuses a model's table list: one deployment's previews of many resources on one
 * model then cost one request, not one each (Celonis rate-limits). Runs always read it fresh. */
const TABLES_TTL_MS = 60_000;
const tableLists = new Map<string, { at: number; tables: Promise<TableConfig[]> }>();

function cachedTables(api: CelonisClient, poolId: string, dataModelId: string): Promise<TableConfig[]> {
  const key = `${poolId}/${dataModelId}`;
  const hit = tableLists.get(key);
  if (hit && Date.now() - hit.at < TABLES_TTL_MS) return hit.tables;
  const tables = api.listTables(poolId, dataModelId);
  tableLists.set(key, { at: Date.now(), tables });
  tables.catch(() => tableLists.delete(key)); // never keep a failure
  return tables;
}

/** Reads credentials from stack config (secrets arrive decrypted) with env fallbacks. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  try {
    connection = readConnection((key) => req.config.get(key), process.env);
  } catch (err) {
    connection = err instanceof ConfigError ? err : new ConfigError(String(err));
  }
  client = undefined;
  tableLists.clear();
}

/** Sets the connection directly (tests and programs that drive the handlers without Pulumi). */
export function useConnection(conn: Connection | undefined): void {
  connection = conn;
  client = undefined;
  tableLists.clear();
}

function celonis(): CelonisClient {
  if (connection === undefined) {
    try {
      connection = readConnection(() => undefined, process.env);
    } catch (err) {
      connection = err as ConfigError;
    }
  }
  if (connection instanceof ConfigError) throw connection;
  client ??= new CelonisClient({ url: connection.url, auth: connection.auth });
  return client;
}

// The engine shows a dynamic provider's stdout as info lines of the deployment.
let log: (line: string) => void = (line) => console.log(line);

/** Redirects progress and warning lines (tests collect them). */
export function useLogger(logger: (line: string) => void): void {
  log = logger;
}

/**
 * What a provider face passes with one create/update/read: where this resource's progress lines go
 * (the plugin attaches them to the resource; default: the logger above), and a signal that stops
 * waits early (Ctrl-C, the engine's Cancel). A stopped wait records its load as running.
 */
export interface CallContext {
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** The inputs echoed into outputs: everything `diff` compares, and nothing else. */
function echo(inputs: CheckedInputs): CheckedInputs {
  const out: Props = {};
  for (const key of INPUT_KEYS) out[key] = inputs[key] ?? null;
  return out as unknown as CheckedInputs;
}

/**
 * Validates and defaults the inputs, resolves table references (an unknown name fails with close
 * matches), and attaches the plan: kept as it was while nothing reload-relevant changed.
 */
export async function check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
  const { inputs, failures } = validateInputs(news);
  const api = celonis();
  const refs = tableRefs(inputs);
  let resolvedTables: ResolvedTable[] | null = null;
  const idsKnown = inputs.poolId !== UNKNOWN && inputs.dataModelId !== UNKNOWN;
  const idsValid = !failures.some((f) => f.property === "poolId" || f.property === "dataModelId");
  if (idsKnown && idsValid) {
    try {
      const tables = await cachedTables(api, inputs.poolId, inputs.dataModelId);
      const result = resolveTables(refs, tables);
      resolvedTables = result.resolved;
      const valid = tables.map((t) => t.aliasOrName);
      for (const miss of result.unknown) {
        const i = inputs.tables?.indexOf(miss.ref) ?? -1;
        const property = i >= 0 ? `tables[${i}]` : `tableTriggers.${miss.ref}`;
        const close =
          miss.suggestions.length > 0
            ? ` Did you mean ${miss.suggestions.map((s) => `"${s}"`).join(", ")}?`
            : "";
        failures.push({
          property,
          reason:
            `${property}: no table "${miss.ref}" in data model ${inputs.dataModelId}.${close} ` +
            `Valid names: ${valid.slice(0, 30).join(", ")}${valid.length > 30 ? ", …" : ""}`,
        });
      }
      for (const amb of result.ambiguous ?? []) {
        failures.push({
          property: "tables",
          reason: `"${amb.ref}" matches several tables (${amb.candidates.join(", ")}): write the exact name or the table id`,
        });
      }
      failures.push(...resolvedFailures(inputs, resolvedTables));
    } catch (err) {
      if (!(err instanceof CelonisError)) throw err;
      failures.push({
        property: "dataModelId",
        reason: `cannot read the tables of data model ${inputs.dataModelId} in pool ${inputs.poolId}: ${err.message}`,
      });
    }
  }
  const state = { ...inputs, resolvedTables };
  const old = olds && typeof olds.poolId === "string" ? (olds as unknown as CheckedInputs) : undefined;
  const plan: Plan =
    failures.length > 0
      ? { action: "none", loadType: null, tables: [], reasons: [] }
      : planForCheck(old, state);
  return { inputs: { ...news, ...state, plan }, failures };
}

/** Whether the engine must update (or replace) the resource; always a boolean, never "unknown". */
export async function diff(
  _id: string,
  olds: Props,
  news: Props,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const d = decideUpdate(olds as Partial<ReloadOutputs>, news as unknown as CheckedInputs);
  return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
}

/** A create/update failure that keeps the resource in state with what happened (partial state). */
export class ReloadFailedError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "ReloadFailedError";
  }
}

function outputs(
  inputs: CheckedInputs,
  olds: Partial<ReloadOutputs> | undefined,
  outcome: RunOutcome,
): ReloadOutputs {
  const reloaded =
    outcome.planStatus === "done" && outcome.plan.action === "reload" && outcome.reloadedTables !== null;
  return {
    ...echo(inputs),
    // A failed or timed-out plan is recorded as what is still owed; diff and update pick it up.
    plan: outcome.planStatus === "done" ? inputs.plan : outcome.plan,
    planStatus: outcome.planStatus,
    lastLoad: outcome.lastLoad ?? olds?.lastLoad ?? null,
    reloadedTables: outcome.reloadedTables ?? olds?.reloadedTables ?? [],
    reloadCount: (olds?.reloadCount ?? 0) + (reloaded ? 1 : 0),
  };
}

async function run(
  id: string,
  inputs: CheckedInputs,
  olds: Partial<ReloadOutputs> | undefined,
  plan: Plan,
  adopt: { loadId: string; plan: Plan } | null,
  provider: unknown,
): Promise<ReloadOutputs> {
  let outcome: RunOutcome;
  try {
    outcome = await runPlan({ client: celonis(), log }, inputs, plan, adopt);
  } catch (err) {
    const owed = adopt ? mergePlans(adopt.plan, plan) : plan;
    outcome = {
      planStatus: "owed",
      lastLoad: null,
      reloadedTables: null,
      plan: owed,
      // Client errors are built from status and body only, so their messages hold no credential.
      error: err instanceof Error ? err.message : String(err),
    };
  }
  const outs = outputs(inputs, olds, outcome);
  if (outcome.error !== null) {
    throw new ReloadFailedError(outcome.error, id, { ...outs, __provider: provider }, [outcome.error]);
  }
  return outs;
}

/** Runs the plan of a new resource; a failed load keeps it in state as partially created. */
export async function create(
  news: Props,
  _ctx: CallContext = {},
): Promise<{ id: string; outs: ReloadOutputs }> {
  const inputs = news as unknown as CheckedInputs;
  const id = `${inputs.dataModelId}/${randomUUID().slice(0, 8)}`;
  const outs = await run(id, inputs, undefined, inputs.plan, null, news.__provider);
  return { id, outs };
}

/** Runs what changed, plus a reload still owed, or waits for a load that timed out last time. */
export async function update(
  id: string,
  olds: Props,
  news: Props,
  _ctx: CallContext = {},
): Promise<{ outs: ReloadOutputs }> {
  const inputs = news as unknown as CheckedInputs;
  const previous = olds as Partial<ReloadOutputs>;
  const d = decideUpdate(previous, inputs);
  return { outs: await run(id, inputs, previous, d.run, d.adopt, news.__provider) };
}

/** Refresh: `lastLoad` from the service, and the status of a load that was still running. */
export async function read(
  id: string,
  props: Props,
  _ctx: CallContext = {},
): Promise<{ id: string; props: Props }> {
  const state = props as Partial<ReloadOutputs>;
  if (state.poolId === undefined && state.dataModelId === undefined) return importModel(id);
  if (!state.poolId || !state.dataModelId || containsUnknown(state.poolId)) return { id, props };
  const load = await celonis().getLastLoad(state.poolId, state.dataModelId);
  if (!load) return { id, props };
  const lastLoad = toLastLoad(load);
  let planStatus = state.planStatus ?? "done";
  let reloadCount = state.reloadCount ?? 0;
  if (planStatus === "running" && load.dataLoadId === state.lastLoad?.loadId && isTerminal(load.loadStatus)) {
    const { ok } = judgeLoad(load, state.warningsAs ?? "success");
    planStatus = ok ? "done" : "owed";
    if (ok) reloadCount += 1;
  }
  return { id, props: { ...props, lastLoad, planStatus, reloadCount } };
}

/**
 * `pulumi import` (a read with only an id, `<poolId>/<dataModelId>`): the model adopted as it is,
 * every option at its default, nothing loaded. Its last load is read so a missing model fails here.
 */
async function importModel(id: string): Promise<{ id: string; props: Props }> {
  const [poolId, dataModelId, ...rest] = id.split("/");
  const { inputs, failures } = validateInputs({ poolId, dataModelId });
  if (rest.length > 0 || failures.length > 0) {
    throw new Error(
      `import id must be "<poolId>/<dataModelId>" (two Celonis UUIDs), got "${id}"` +
        (failures.length > 0 ? `: ${failures.map((f) => f.reason).join("; ")}` : ""),
    );
  }
  const load = await celonis().getLastLoad(inputs.poolId, inputs.dataModelId);
  const checked: CheckedInputs = {
    ...inputs,
    resolvedTables: [], // what check resolves for no table references
    plan: { ...NO_RELOAD, reasons: ["imported: nothing reloaded"] },
  };
  const outs: ReloadOutputs = {
    ...echo(checked),
    planStatus: "done",
    lastLoad: load ? toLastLoad(load) : null,
    reloadedTables: [],
    reloadCount: 0,
  };
  return { id, props: outs as unknown as Props };
}

/** Data cannot be un-loaded: deleting the resource only forgets it. */
export async function remove(): Promise<void> {}
