// The reload decision, as pure functions, one per deployment step: `planAtCheck` (the plan `check`
// stores as the `plan` input, so previews show it), `planAtUpdate` (what `diff` and `update` do:
// the plan against what the outputs record as done, an owed reload merged in, an earlier load to
// settle first), and `planAfterSettling` (what the runner still runs once that earlier load ended).
// Beside them, `mergePlans` (an owed plan carried into a new one) and `combinePlans` (one load for a
// batch's plans). No I/O here: tests call these directly, row by row of the design table.

import type { ResolvedTable } from "./celonis/types";
import { INPUT_KEYS, PROPERTIES, RELOADING_INPUTS, type PlanInputs, type Property } from "./properties";
import {
  INFORMATIONAL_PLAN_KEYS,
  type CheckedInputs,
  type JsonValue,
  type LoadTypeOption,
  type Plan,
  type PlanLoad,
  type ReloadOutputs,
} from "./types";

/** The value the engine sends for an input that is not known yet (preview), also nested. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains at any depth, the engine's unknown marker. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** JSON with object keys sorted at every depth: equal for values that differ only in key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** The plan meaning "nothing to do". */
export const NO_RELOAD: Plan = { action: "none", loadType: null, tables: [], reasons: [] };

function wholeModelLoadType(loadType: LoadTypeOption): "COMPLETE" | "FROM_CACHE" {
  return loadType === "fromCache" ? "FROM_CACHE" : "COMPLETE";
}

/** A table's identity: its resolved id when known, else the reference as written. */
interface TableKey {
  key: string;
  name: string;
}

function tableKey(ref: string, resolved: ResolvedTable[] | null): TableKey {
  const hit = resolved?.find((t) => t.ref === ref);
  return hit ? { key: `id:${hit.id}`, name: hit.name } : { key: `ref:${ref}`, name: ref };
}

function keyedTables(state: PlanInputs): Map<string, string> | null {
  if (!state.tables) return null;
  const out = new Map<string, string>();
  for (const ref of state.tables) {
    const k = tableKey(ref, state.resolvedTables);
    out.set(k.key, k.name);
  }
  return out;
}

function keyedTriggers(state: PlanInputs): Map<string, { name: string; value: string }> {
  const out = new Map<string, { name: string; value: string }>();
  for (const [ref, value] of Object.entries(state.tableTriggers ?? {})) {
    const k = tableKey(ref, state.resolvedTables);
    out.set(k.key, { name: k.name, value: canonicalJson(value) });
  }
  return out;
}

/**
 * The reload-relevant identity of a set of inputs: two states with the same fingerprint need no
 * reload between them. Tables count by resolved id, so writing a table's alias instead of its name
 * changes nothing.
 */
export function reloadFingerprint(state: PlanInputs): string {
  const tables = keyedTables(state);
  const triggers = [...keyedTriggers(state).entries()].map(([k, v]) => [k, v.value]).sort();
  return canonicalJson({
    ...(state.connection ? { connection: state.connection } : {}), // unnamed: as before connections
    poolId: state.poolId,
    dataModelId: state.dataModelId,
    tables: tables ? [...tables.keys()].sort() : null,
    triggers: state.triggers ?? null,
    tableTriggers: triggers,
  });
}

function describeListChange(name: string, before: JsonValue[] | null, after: JsonValue[] | null): string {
  const a = before ?? [];
  const b = after ?? [];
  if (a.length !== b.length) return `${name} changed (${a.length} → ${b.length} values)`;
  const changed = b.map((v, i) => i).filter((i) => canonicalJson(a[i]) !== canonicalJson(b[i]));
  return `${name} changed (${changed.map((i) => `${name}[${i}]`).join(", ")})`;
}

/**
 * A partial reload of the tables in `keyed` (table key → display name): their names, and their ids
 * when every one is resolved, so the load sends exactly what the plan shows.
 */
function partialReload(keyed: Map<string, string>, reasons: string[]): Plan {
  const tables: string[] = [];
  const tableIds: string[] = [];
  for (const [key, name] of keyed) {
    tables.push(name);
    if (key.startsWith("id:")) tableIds.push(key.slice(3));
  }
  const ids = tableIds.length === tables.length ? { tableIds } : {};
  return { action: "reload", loadType: "PARTIAL", tables, ...ids, reasons };
}

function createPlan(state: PlanInputs, reasons: string[]): Plan {
  const tables = keyedTables(state);
  if (tables) return partialReload(tables, reasons);
  return { action: "reload", loadType: wholeModelLoadType(state.loadType), tables: [], reasons };
}

function unknownInputs(state: PlanInputs): string[] {
  return RELOADING_INPUTS.filter((f) => containsUnknown(state[f]));
}

/**
 * The plan from old inputs (undefined on create) to new ones. Implements the design table:
 * create, triggers, tableTriggers, tables added / removed / dropped, identity change, unknowns.
 * Reasons never contain trigger values (they may be secrets), only their names and positions.
 */
export function planReload(old: PlanInputs | undefined, next: PlanInputs): Plan {
  const unknown = unknownInputs(next);
  if (unknown.length > 0) {
    return {
      action: "reload",
      loadType: null,
      tables: [],
      reasons: [`${unknown.join(", ")} not known until deploy: whether and what to reload is decided then`],
    };
  }
  if (!old || identityChanges(old, next).length > 0) {
    const why = !old
      ? "created"
      : (old.connection ?? null) !== (next.connection ?? null)
        ? "connection changed: the resource is replaced"
        : old.poolId !== next.poolId
          ? "poolId changed: the resource is replaced"
          : "dataModelId changed: the resource is replaced";
    if (!next.reloadOnCreate) return { ...NO_RELOAD, reasons: [`${why}; reloadOnCreate is false`] };
    return createPlan(next, [why]);
  }
  const c: Changes = { reasons: [], info: [], whole: false, partial: new Map() };
  triggerChanges(old, next, c);
  tableChanges(old, next, c);
  tableTriggerChanges(old, next, c);
  if (c.whole)
    return { action: "reload", loadType: wholeModelLoadType(next.loadType), tables: [], reasons: c.reasons };
  if (c.partial.size > 0) return partialReload(c.partial, c.reasons);
  return { ...NO_RELOAD, reasons: c.info.length > 0 ? c.info : ["no reload-relevant change"] };
}

/** The keys whose change replaces the resource: the model's identity (its connection and ids). */
const IDENTITY_KEYS = ["connection", "poolId", "dataModelId"] as const;

function identityChanges(old: Partial<PlanInputs>, next: PlanInputs): string[] {
  return IDENTITY_KEYS.filter((k) => (old[k] ?? null) !== (next[k] ?? null) || containsUnknown(next[k]));
}

/** The value a key left out takes (null when it has no default). */
function defaultOf(k: keyof CheckedInputs): unknown {
  const p: Property = PROPERTIES[k];
  return p.default ?? null;
}

/** The plan without what only informs (expected duration, window note): what decisions compare. */
export function decisivePlan(plan: Plan | null | undefined): Plan | null {
  if (!plan) return null;
  const out: Record<string, unknown> = { ...plan };
  for (const k of INFORMATIONAL_PLAN_KEYS) delete out[k];
  return out as unknown as Plan;
}

/** What changed between two states of one resource, as planReload collects it. */
interface Changes {
  /** Why a reload is needed. */
  reasons: string[];
  /** Changes that need no reload, said in the plan when nothing reloads. */
  info: string[];
  /** The whole model must reload. */
  whole: boolean;
  /** Tables that must reload (table key → display name). */
  partial: Map<string, string>;
}

/** `triggers` changed: the same scope as on create reloads. */
function triggerChanges(old: PlanInputs, next: PlanInputs, c: Changes): void {
  if (canonicalJson(old.triggers ?? null) === canonicalJson(next.triggers ?? null)) return;
  c.reasons.push(describeListChange("triggers", old.triggers, next.triggers));
  const scope = keyedTables(next);
  if (scope) scope.forEach((name, key) => c.partial.set(key, name));
  else c.whole = true;
}

/** `tables`: added tables reload; removed ones do not; dropping the list reloads the whole model. */
function tableChanges(old: PlanInputs, next: PlanInputs, c: Changes): void {
  const oldTables = keyedTables(old);
  const newTables = keyedTables(next);
  if (oldTables && !newTables) {
    c.whole = true;
    c.reasons.push("tables removed: the whole data model is now in scope");
  } else if (oldTables && newTables) {
    const added = [...newTables].filter(([k]) => !oldTables.has(k));
    const removed = [...oldTables].filter(([k]) => !newTables.has(k));
    added.forEach(([k, name]) => c.partial.set(k, name));
    if (added.length > 0) c.reasons.push(`tables added: ${added.map(([, n]) => n).join(", ")}`);
    if (removed.length > 0)
      c.info.push(`tables removed: ${removed.map(([, n]) => n).join(", ")} (no reload)`);
  } else if (!oldTables && newTables) {
    c.info.push("tables set: the scope narrowed from the whole data model (no reload)");
  }
}

/** `tableTriggers`: a changed or added entry reloads its table; a removed one does not. */
function tableTriggerChanges(old: PlanInputs, next: PlanInputs, c: Changes): void {
  const oldTriggers = keyedTriggers(old);
  const newTriggers = keyedTriggers(next);
  for (const [key, { name, value }] of newTriggers) {
    const before = oldTriggers.get(key);
    if (before?.value === value) continue;
    c.partial.set(key, name);
    c.reasons.push(`tableTriggers.${name} ${before ? "changed" : "added"}`);
  }
  for (const [key, { name }] of oldTriggers) {
    if (!newTriggers.has(key)) c.info.push(`tableTriggers.${name} removed (no reload)`);
  }
}

/**
 * The plan `check` stores: the previous plan, unchanged, while nothing reload-relevant changed (so an
 * owed reload previews as what `up` will do), else a fresh one.
 */
export function planAtCheck(old: CheckedInputs | undefined, next: PlanInputs): Plan {
  if (old?.plan && !containsUnknown(next) && reloadFingerprint(old) === reloadFingerprint(next)) {
    return old.plan;
  }
  return planReload(old, next);
}

/**
 * What is left to run once an earlier load of ours (`earlier`'s, see UpdateDecision.adopt) ended:
 * if it failed or never started, `earlier` is owed and runs now with `next`; if it succeeded, `next`
 * alone, or null when there is nothing new (that load is the record). Pure.
 */
export function planAfterSettling(earlier: Plan, ended: "done" | "owed", next: Plan): Plan | null {
  if (ended === "owed") return mergePlans(earlier, next);
  return next.action === "none" ? null : next;
}

/**
 * One plan that does both: an owed reload carried into a new one, no larger than needed (see
 * combinePlans); the owed plan's reasons say it is still owed.
 */
export function mergePlans(owed: Plan, next: Plan): Plan {
  if (owed.action === "none") return next;
  const owedReasons = owed.reasons.map((r) =>
    r.startsWith("still owed from the last run") ? r : `still owed from the last run (${r})`,
  );
  return combinePlans([{ ...owed, reasons: owedReasons }, next]);
}

/**
 * One load that covers every plan, no larger than needed: a complete load when any plan needs one
 * (it covers everything), else a partial load of the union of their tables (a partial load reloads
 * its tables completely and the rest of the model from cache, so it covers a from-cache load too),
 * else from cache. Undecided (null) wins: the scope is decided at deploy time. Pure.
 */
export function combinePlans(plans: readonly Plan[]): Plan {
  const loads = plans.filter((p) => p.action === "reload");
  if (loads.length === 0) return plans[0] ?? NO_RELOAD;
  if (loads.length === 1) return loads[0];
  const reasons = loads.flatMap((p) => p.reasons);
  const types = loads.map((p) => p.loadType);
  if (types.includes(null)) return { action: "reload", loadType: null, tables: [], reasons };
  if (types.includes("COMPLETE")) return { action: "reload", loadType: "COMPLETE", tables: [], reasons };
  if (loads.some((p) => p.tables.length > 0)) return partialReload(tableUnion(...loads), reasons);
  return { action: "reload", loadType: "FROM_CACHE", tables: [], reasons };
}

/** The tables of partial plans, each once (by id where every plan has ids, else by name). */
function tableUnion(...plans: Plan[]): Map<string, string> {
  const out = new Map<string, string>();
  const withIds = plans.every((p) => p.loadType !== "PARTIAL" || p.tableIds?.length === p.tables.length);
  for (const p of plans) {
    p.tables.forEach((name, i) => {
      const id = p.tableIds?.[i];
      out.set(withIds && id ? `id:${id}` : `ref:${name}`, name);
    });
  }
  return out;
}

/** What `diff` and `update` do with a resource. */
export interface UpdateDecision {
  /** Properties whose change replaces the resource. */
  replaces: string[];
  /** Whether the engine should run an update (or replace) at all. Always a boolean. */
  changes: boolean;
  /** The reload to run now (merging a reload still owed from a failed run). */
  run: Plan;
  /**
   * A load an earlier run triggered that has not been seen to end (the plan is `running`): it is
   * settled first instead of triggering another. If it failed (or never started), `plan` is owed
   * and runs now, merged with `run`.
   */
  adopt: { load: PlanLoad; plan: Plan } | null;
  /**
   * The last load of an owed plan when that plan is all this update runs (no new change): a COMPLETE
   * load that succeeded after its trigger covers the change, and is settled on before triggering.
   */
  owed: PlanLoad | null;
}

/** Decides from the stored outputs and the new checked inputs. Pure. */
export function planAtUpdate(olds: Partial<ReloadOutputs>, news: CheckedInputs): UpdateDecision {
  const replaces = identityChanges(olds, news);
  const status = olds.planStatus ?? "done";
  const oldState = olds as PlanInputs;
  const reloadChanged =
    containsUnknown(news) ||
    !olds.plan ||
    reloadFingerprint({ ...oldState, resolvedTables: olds.resolvedTables ?? null }) !==
      reloadFingerprint(news);
  // A plan decided "at deploy time" (inputs unknown when check ran) is decided here, from the outputs.
  const deferred = news.plan.action === "reload" && news.plan.loadType === null && olds.plan !== undefined;
  const base = !reloadChanged ? NO_RELOAD : deferred ? planReload(oldState, news) : news.plan;
  // A deferred plan (due outside its reload window) is owed like a failed one.
  const owed =
    (status === "owed" || status === "deferred") && olds.plan ? decisivePlan(olds.plan)! : NO_RELOAD;
  // A key a stored state lacks (written before it existed) counts as its default: no update on upgrade.
  const compared = (s: Partial<CheckedInputs>, k: keyof CheckedInputs) =>
    canonicalJson((k === "plan" ? decisivePlan(s.plan) : (s[k] ?? defaultOf(k))) ?? null);
  const inputsChanged = INPUT_KEYS.some((k) => compared(olds, k) !== compared(news, k));
  const running = status === "running" ? runningLoad(olds) : null;
  return {
    replaces,
    changes: replaces.length > 0 || reloadChanged || status !== "done" || inputsChanged,
    run: mergePlans(owed, base),
    adopt: running && olds.plan ? { load: running, plan: olds.plan } : null,
    owed: status === "owed" && !reloadChanged ? (olds.planLoad ?? null) : null,
  };
}

/**
 * The load of a `running` plan: `planLoad`, or for state written by 0.1.0 (which had no planLoad)
 * the `lastLoad` it recorded when its wait timed out.
 */
export function runningLoad(olds: Partial<ReloadOutputs>): PlanLoad | null {
  if (olds.planLoad) return olds.planLoad;
  const last = olds.lastLoad;
  if (!last?.loadId) return null;
  return {
    loadId: last.loadId,
    loadType: last.loadType ?? olds.plan?.loadType ?? "COMPLETE",
    triggeredAt: last.startedAt ?? new Date(0).toISOString(),
    previousLoadId: null,
    status: last.status,
  };
}
