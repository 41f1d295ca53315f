// The DataModelReload provider methods (configure/check/diff/create/update/read/delete) over one
// provider context (context.ts), which holds everything they keep between calls. The dynamic
// resource reaches them through handlers.ts (one context per host process), the plugin through its
// server (one context per provider instance), tests with a context of their own.

import { randomUUID } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { ReadOptions } from "./celonis/client";
import { CelonisError } from "./celonis/errors";
import { resolveTables } from "./celonis/resolve";
import type { ResolvedTable } from "./celonis/types";
import type { ModelRef } from "./batch";
import type { ProviderContext } from "./context";
import { ConfigError } from "./config";
import { expectedDuration } from "./expected-duration";
import {
  resolvedFailures,
  tableRefs,
  unresolvedFailures,
  validateInputs,
  type CheckFailure,
  type ValidatedInputs,
} from "./inputs";
import { engineReachable } from "./host-guard";
import { changeKey, type ChangeParts } from "./journal";
import { interrupted, persisted, planLoadMatch, planned, settleFound, type Reload } from "./lifecycle";
import {
  containsUnknown,
  decisivePlan,
  planAtUpdate,
  NO_RELOAD,
  planAtCheck,
  runningLoad,
  UNKNOWN,
  type UpdateDecision,
} from "./plan";
import { planTables, runPlan, toLastLoad, type RunOutcome } from "./runner";
import { FINGERPRINT_KEYS, INPUT_KEYS } from "./properties";
import type { CheckedInputs, Plan, ReloadedTable, ReloadOutputs } from "./types";
import { previewDeferral } from "./window-policy";
import { validateWindows } from "./windows";

type Props = Record<string, unknown>;

/** Reads credentials from stack config (secrets arrive decrypted) with env fallbacks. */
export async function configure(pc: ProviderContext, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  pc.configure((key) => req.config.get(key));
}

/**
 * What a provider face passes with one create/update/read: where this resource's progress lines go
 * (the plugin attaches them to the resource; default: the logger above), and a signal that stops
 * waits early (Ctrl-C, the engine's Cancel). A stopped wait records its load as running.
 */
export interface CallContext {
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Who the resource is (a plugin passes its URN); the dynamic resource sends `__scope` instead. */
  scope?: string;
  /** The connection the resource's model is on (default: the resource's `connection` input). */
  connection?: string;
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
export async function check(
  pc: ProviderContext,
  olds: Props,
  news: Props,
  ctx: CallContext = {},
): Promise<{ inputs: Props; failures: CheckFailure[] }> {
  const { inputs, failures } = validateInputs(news);
  const model = modelOf(inputs, ctx);
  const connectionFailure = connectionCheck(pc, model.connection);
  if (connectionFailure) return { inputs: { ...news, ...inputs }, failures: [connectionFailure] };
  const refs = tableRefs(inputs);
  let resolvedTables: ResolvedTable[] | null = null;
  const idsKnown = inputs.poolId !== UNKNOWN && inputs.dataModelId !== UNKNOWN;
  const idsValid = !failures.some((f) => f.property === "poolId" || f.property === "dataModelId");
  if (idsKnown && idsValid) {
    try {
      const tables = await pc.tables(model);
      const result = resolveTables(refs, tables);
      resolvedTables = result.resolved;
      const valid = tables.map((t) => t.aliasOrName);
      failures.push(...unresolvedFailures(inputs, result.unknown, result.ambiguous ?? [], valid));
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
    failures.length > 0 ? { ...NO_RELOAD } : await informed(pc, model, planAtCheck(old, state), inputs);
  // A create with a reload to run: its model's batch waits for it (see Batches.announce).
  const scope = scopeOf(news, ctx);
  if (!old && scope && plan.action === "reload") pc.batches.announce(model, scope);
  return { inputs: { ...news, ...state, plan }, failures };
}

/**
 * Fails for a bad connection before anything else: an unknown name as a failure of `connection`
 * (listing the configured ones), a missing or bad unnamed connection as an error, as before.
 */
function connectionCheck(pc: ProviderContext, name: string): CheckFailure | null {
  try {
    pc.client(name);
    return null;
  } catch (err) {
    if (!(err instanceof ConfigError) || name === "") throw err;
    return { property: "connection", reason: err.message };
  }
}

/**
 * The plan with what only informs the preview: the expected duration from one load-info read per
 * model (a failed read: unknown), and whether `up` would defer it now (outside every reload window).
 */
async function informed(
  pc: ProviderContext,
  model: ModelRef,
  plan: Plan,
  inputs: ValidatedInputs,
): Promise<Plan> {
  const out: Plan = { ...decisivePlan(plan)! };
  if (plan.action !== "reload" || containsUnknown([model.poolId, model.dataModelId])) return out;
  const info = plan.loadType ? await pc.loadInfo(model).catch(() => null) : null;
  const expected = expectedDuration(info, plan.loadType);
  out.expectedSeconds = expected.expectedSeconds;
  out.expectedBasis = expected.basis;
  const { options } = validateWindows(inputs.windows, inputs.timeZone);
  const deferral = previewDeferral({ ...options, now: pc.clock.now() });
  if (deferral) out.window = deferral;
  return out;
}

/** Whether the engine must update (or replace) the resource; always a boolean, never "unknown". */
export async function diff(
  pc: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
  ctx: CallContext = {},
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const inputs = news as unknown as CheckedInputs;
  const d = planAtUpdate(olds as Partial<ReloadOutputs>, inputs);
  // An update with a reload to run: its model's batch waits for it (see Batches.announce).
  const scope = scopeOf(news, ctx);
  if (scope && d.replaces.length === 0 && d.run.action === "reload")
    pc.batches.announce(modelOf(inputs, ctx), scope);
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

/**
 * What the resource records after a run. The inputs are echoed (what the next diff compares), except
 * that new changes left for the next `up` (an earlier load of ours still ran) keep the old values, so
 * the next diff still sees them.
 */
async function outputsOf(
  pc: ProviderContext,
  model: ModelRef,
  inputs: CheckedInputs,
  olds: Partial<ReloadOutputs> | undefined,
  outcome: RunOutcome,
): Promise<ReloadOutputs> {
  const { planStatus, planLoad } = persisted(outcome.reload);
  const echoed = echo(inputs) as unknown as Props;
  if (outcome.deferredNewChanges && olds) for (const k of FINGERPRINT_KEYS) echoed[k] = olds[k] ?? null;
  const last = outcome.succeeded.at(-1);
  return {
    ...(echoed as unknown as CheckedInputs),
    // A plan not carried out is recorded as what is still owed or running; update picks it up.
    plan: planStatus === "done" ? inputs.plan : outcome.reload.plan,
    planStatus,
    planLoad,
    lastLoad: outcome.lastLoad ?? olds?.lastLoad ?? null,
    reloadedTables: last ? await coveredTables(pc, model, last.tables) : (olds?.reloadedTables ?? []),
    reloadCount: (olds?.reloadCount ?? 0) + outcome.succeeded.length,
  };
}

/**
 * The tables a successful load covered: its own, or every table of the model (best effort; the list
 * check read serves every resource of a shared load).
 */
async function coveredTables(
  pc: ProviderContext,
  model: ModelRef,
  tables: ReloadedTable[] | null,
): Promise<ReloadedTable[]> {
  if (tables) return tables;
  try {
    const all = await pc.tables(model);
    return all.map((t) => ({ id: t.id, name: t.aliasOrName }));
  } catch (err) {
    if (!(err instanceof CelonisError)) throw err;
    return [];
  }
}

/** The resource's model on its connection: the key of its batch, announcements and table cache. */
function modelOf(
  inputs: Pick<CheckedInputs, "poolId" | "dataModelId" | "connection">,
  ctx: CallContext,
): ModelRef {
  const connection = ctx.connection ?? inputs.connection ?? "";
  return { connection, poolId: inputs.poolId, dataModelId: inputs.dataModelId };
}

/**
 * Whether a change's journal entry has done its job once its run ended: the engine will record what
 * the run returns (from then on the resource's state carries the load), or the reload is owed, so
 * no load of it can still run. Only an engine gone mid-run (killed while waiting) with a load that
 * may run or has succeeded keeps the entry: it lets the next `up` settle that load. Pure.
 */
export function journalEntryDone(reload: Reload, engineReached: boolean): boolean {
  return engineReached || reload.phase === "owed";
}

/** Who a resource is, for the journal: set by the resource (project/stack/name) or a plugin (URN). */
function scopeOf(news: Props, ctx: CallContext): string | null {
  return ctx.scope ?? (typeof news.__scope === "string" ? news.__scope : null);
}

async function run(
  pc: ProviderContext,
  id: string,
  news: Props,
  olds: Partial<ReloadOutputs> | undefined,
  decision: Pick<UpdateDecision, "run" | "adopt" | "owed">,
  ctx: CallContext,
): Promise<ReloadOutputs> {
  const inputs = news as unknown as CheckedInputs;
  const model = modelOf(inputs, ctx);
  const scope = scopeOf(news, ctx);
  const from = (olds as ChangeParts["from"]) ?? null;
  const journalKey = changeKey({ scope, connection: model.connection, from, to: inputs, plan: decision.run });
  const name = scope?.split(/::|\//).pop() || id; // <project>/<stack>/<name>, or a URN
  const { adopt, owed } = decision;
  const job = { name, scope, model, inputs, plan: decision.run, adopt, owed, journalKey };
  let outcome: RunOutcome;
  try {
    const { clock, batches } = pc;
    const log = ctx.log ?? pc.log;
    const runCtx = {
      client: pc.client(model.connection),
      batches,
      clock,
      log,
      signal: ctx.signal,
      journal: pc.journal(),
    };
    outcome = await runPlan(runCtx, job);
  } catch (err) {
    // Only before anything ran (no connection): nothing can have been triggered.
    const message = err instanceof Error ? err.message : String(err);
    outcome = {
      reload: interrupted(planned(decision.run), message),
      lastLoad: null,
      succeeded: [],
      deferredNewChanges: false,
    };
  }
  const outs = await outputsOf(pc, model, inputs, olds, outcome);
  // The one place a change's journal entry is dropped (see journalEntryDone).
  if (journalEntryDone(outcome.reload, await engineReachable())) pc.journal()?.forget(journalKey);
  const error = outcome.reload.phase === "done" ? null : outcome.reload.error;
  if (error !== null) {
    throw new ReloadFailedError(error, id, { ...outs, __provider: news.__provider }, [error]);
  }
  return outs;
}

/** Runs the plan of a new resource; a failed load keeps it in state as partially created. */
export async function create(
  pc: ProviderContext,
  news: Props,
  ctx: CallContext = {},
): Promise<{ id: string; outs: ReloadOutputs }> {
  const inputs = news as unknown as CheckedInputs;
  const id = `${inputs.dataModelId}/${randomUUID().slice(0, 8)}`;
  const outs = await run(pc, id, news, undefined, { run: inputs.plan, adopt: null, owed: null }, ctx);
  return { id, outs };
}

/** Runs what changed, plus a reload still owed; a load of an earlier run is settled first. */
export async function update(
  pc: ProviderContext,
  id: string,
  olds: Props,
  news: Props,
  ctx: CallContext = {},
): Promise<{ outs: ReloadOutputs }> {
  const previous = olds as Partial<ReloadOutputs>;
  const decision = planAtUpdate(previous, news as unknown as CheckedInputs);
  return { outs: await run(pc, id, news, previous, decision, ctx) };
}

/** Refresh: `lastLoad` from the service, and the outcome of a plan load that was still running. */
export async function read(
  pc: ProviderContext,
  id: string,
  props: Props,
  ctx: CallContext = {},
): Promise<{ id: string; props: Props }> {
  const state = props as Partial<ReloadOutputs>;
  const limits = { signal: ctx.signal }; // a plugin's Cancel stops a refresh too
  if (state.poolId === undefined && state.dataModelId === undefined) return importModel(pc, id, ctx, limits);
  if (!state.poolId || !state.dataModelId || containsUnknown(state.poolId)) return { id, props };
  const model = modelOf(
    { poolId: state.poolId, dataModelId: state.dataModelId, connection: state.connection },
    ctx,
  );
  const api = pc.client(model.connection);
  const last = await api.getLastLoad(state.poolId, state.dataModelId, limits);
  const refreshed: Props = { ...props, lastLoad: last ? toLastLoad(last) : (state.lastLoad ?? null) };
  const load = state.planStatus === "running" ? runningLoad(state) : null;
  if (!load || !state.plan) return { id, props: refreshed };
  const found = await api.findLoad(state.poolId, state.dataModelId, planLoadMatch(load), limits);
  const reload = settleFound(state.plan, load, found, state.warningsAs ?? "success", pc.clock.now());
  const { planStatus, planLoad } = persisted(reload);
  const succeeded = reload.phase === "done";
  return {
    id,
    props: {
      ...refreshed,
      planStatus,
      planLoad,
      reloadCount: (state.reloadCount ?? 0) + (succeeded ? 1 : 0),
      reloadedTables: succeeded
        ? await coveredTables(pc, model, planTables(state.plan))
        : (state.reloadedTables ?? []),
    },
  };
}

/**
 * `pulumi import` (a read with only an id, `<poolId>/<dataModelId>`): the model adopted as it is,
 * every option at its default, nothing loaded. Its last load is read so a missing model fails here.
 */
async function importModel(
  pc: ProviderContext,
  id: string,
  ctx: CallContext,
  limits: ReadOptions,
): Promise<{ id: string; props: Props }> {
  const [poolId, dataModelId, ...rest] = id.split("/");
  const { inputs, failures } = validateInputs({ poolId, dataModelId });
  if (rest.length > 0 || failures.length > 0) {
    throw new Error(
      `import id must be "<poolId>/<dataModelId>" (two Celonis UUIDs), got "${id}"` +
        (failures.length > 0 ? `: ${failures.map((f) => f.reason).join("; ")}` : ""),
    );
  }
  const api = pc.client(modelOf(inputs, ctx).connection);
  const load = await api.getLastLoad(inputs.poolId, inputs.dataModelId, limits);
  const checked: CheckedInputs = {
    ...inputs,
    resolvedTables: [], // what check resolves for no table references
    plan: { ...NO_RELOAD, reasons: ["imported: nothing reloaded"] },
  };
  const outs: ReloadOutputs = {
    ...echo(checked),
    planStatus: "done",
    planLoad: null,
    lastLoad: load ? toLastLoad(load) : null,
    reloadedTables: [],
    reloadCount: 0,
  };
  return { id, props: outs as unknown as Props };
}

/** Data cannot be un-loaded: deleting the resource only forgets it. */
export async function remove(): Promise<void> {}
