// The emulator's in-memory Celonis: the seeded pools, data models and tables, looked up the way the
// API does (unknown pool/model → 404), and the entry points to the load state machine (loads.ts)
// and the read views (views.ts). No HTTP here: routes call these methods, and tests can drive the
// state directly through `Emulator.state`.
import { randomUUID } from "node:crypto";
import { BehaviourTable, type LoadBehaviour } from "./behaviour";
import { TimerGroup, type Clock } from "./clock";
import { ApiError, frontendError } from "./api-error";
import { LoadRunner, type LoadEntry, type LoadSpec, type ModelRuntime } from "./loads";
import type { Seed, SeedModel, SeedPool } from "./seed";
import { loadInfoSync, modelView, poolView, toTableConfig } from "./views";
import {
  isSuccessful,
  type DataModelView,
  type LoadInfoSync,
  type LoadOutcome,
  type LoadRecord,
  type LoadType,
  type PoolView,
  type TableConfig,
} from "./wire";

export interface StateOptions {
  /** Default load duration (ms). */
  loadMs: number;
  /** Default final status. */
  outcome: LoadOutcome;
  /** A trigger while a load runs is queued (started when the running one ends) instead of a 400. */
  queueTriggers: boolean;
  /** Now and timers; every load moves on this clock. */
  clock: Clock;
}

/** A deterministic, plausible row count for a table that has none in the seed. */
function defaultRowCount(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 1000 + (h % 250000);
}

/** The in-memory Celonis. Every timer runs on the options' clock; `stop()` cancels them all. */
export class EmulatorState {
  private readonly models = new Map<string, ModelRuntime>();
  private readonly behaviours: BehaviourTable;
  private readonly timers: TimerGroup;
  private readonly runner: LoadRunner;
  private readonly startedAt: number;

  constructor(
    private readonly seed: Seed,
    private readonly options: StateOptions,
  ) {
    this.startedAt = options.clock.now();
    this.behaviours = new BehaviourTable({ durationMs: options.loadMs, outcome: options.outcome });
    this.timers = new TimerGroup(options.clock);
    // CANCELLING lasts a quarter of a load, between 20 and 500 ms.
    const cancelMs = Math.min(500, Math.max(20, options.loadMs / 4));
    this.runner = new LoadRunner(options.clock, this.timers, this.behaviours, cancelMs);
    this.build();
  }

  // ---------------------------------------------------------------- discovery

  listPools(): PoolView[] {
    return this.seed.pools.map((p) => poolView(p, this.startedAt));
  }

  getPool(poolId: string): PoolView {
    return poolView(this.pool(poolId), this.startedAt);
  }

  listModels(poolId: string): DataModelView[] {
    return this.pool(poolId).dataModels.map((m) => modelView(this.runtime(poolId, m.id)));
  }

  getModel(poolId: string, modelId: string): DataModelView {
    return modelView(this.runtime(poolId, modelId));
  }

  /** Throws the 404 Celonis answers for an unknown pool, or a model not in it. */
  checkModel(poolId: string, modelId: string): void {
    this.runtime(poolId, modelId);
  }

  tables(poolId: string, modelId: string): TableConfig[] {
    return this.runtime(poolId, modelId).tables.map((t) => structuredClone(t));
  }

  // ---------------------------------------------------------------- loads

  /**
   * A trigger from the API. Unknown pool/model → 404; a load already running → 400
   * DATA_MODEL_LOAD_ALREADY_RUNNING unless `queueTriggers`. The RUNNING record exists when this returns
   * (unless the behaviour sets `visibleAfterMs`).
   */
  trigger(poolId: string, modelId: string, spec: LoadSpec): void {
    const rt = this.runtime(poolId, modelId);
    checkSpec(rt, spec);
    if (!rt.active) this.runner.begin(rt, spec);
    else if (this.options.queueTriggers) rt.queue.push(spec);
    else throw alreadyRunning(rt);
  }

  /**
   * Start a load "outside Pulumi" (control API / tests). Never queued: throws the 400 ApiError when a
   * load is running. Returns a snapshot of the new record (not yet visible if `visibleAfterMs` is set).
   */
  startLoad(modelId: string, loadType: LoadType = "COMPLETE", tableIds?: string[]): LoadRecord {
    const rt = this.modelById(modelId);
    const spec: LoadSpec =
      loadType === "PARTIAL"
        ? { loadType, tableIds: tableIds ?? rt.tables.slice(0, 1).map((t) => t.id) }
        : { loadType };
    checkSpec(rt, spec);
    if (rt.active) throw alreadyRunning(rt);
    return { ...this.runner.begin(rt, spec).record };
  }

  /** cancel-load: the running load goes CANCELLING, then CANCELED. No load running → no-op. */
  cancel(poolId: string, modelId: string): void {
    this.runner.cancel(this.runtime(poolId, modelId));
  }

  /** The newest visible load record, or null when never loaded. */
  lastLoad(poolId: string, modelId: string): LoadRecord | null {
    const last = this.runtime(poolId, modelId).loads.at(-1);
    return last ? { ...last.record } : null;
  }

  /** `GET …/load-history/load-info-sync`. */
  loadInfoSync(poolId: string, modelId: string): LoadInfoSync {
    return loadInfoSync(this.runtime(poolId, modelId));
  }

  /** Every visible load record of a model, oldest first (control API and tests). */
  loads(modelId: string): LoadRecord[] {
    return this.modelById(modelId).loads.map((e) => ({ ...e.record }));
  }

  /** Number of triggers waiting in the queue of a model (queueTriggers mode). */
  queued(modelId: string): number {
    return this.models.get(modelId)?.queue.length ?? 0;
  }

  /** Set the behaviour of the next loads of one model, or of all models ("*"). */
  setBehaviour(modelId: string, behaviour: LoadBehaviour): void {
    if (modelId !== "*") this.modelById(modelId); // 404 for an unknown model
    this.behaviours.set(modelId, behaviour);
  }

  /** Back to the seed: no loads beyond the seeded history, default behaviours, no queued triggers. */
  reset(): void {
    this.timers.cancelAll();
    this.behaviours.clear();
    this.models.clear();
    this.build();
  }

  /** Cancel every timer; the state stays readable but no load moves any more. */
  stop(): void {
    this.runner.stop();
  }

  // ---------------------------------------------------------------- internals

  private build(): void {
    for (const pool of this.seed.pools)
      for (const model of pool.dataModels) this.models.set(model.id, this.buildRuntime(pool, model));
  }

  /** A model as seeded: its tables, row counts and past loads (oldest first). */
  private buildRuntime(pool: SeedPool, model: SeedModel): ModelRuntime {
    const rt: ModelRuntime = {
      pool,
      model,
      tables: model.tables.map((t) => toTableConfig(model.id, t)),
      rowCounts: new Map(model.tables.map((t) => [t.id, t.rowCount ?? defaultRowCount(t.name)])),
      loads: [],
      active: null,
      queue: [],
      live: null,
      createdAt: this.startedAt - 30 * 24 * 3600 * 1000,
    };
    const history = [...(model.history ?? [])].sort((a, b) => b.startedMinutesAgo - a.startedMinutesAgo);
    for (const h of history) {
      const start = this.startedAt - Math.round(h.startedMinutesAgo * 60000);
      const entry: LoadEntry = {
        record: {
          dataLoadId: h.dataLoadId ?? randomUUID(),
          dataModelId: model.id,
          startDate: start,
          endDate: start + Math.round(h.durationMs),
          loadStatus: h.loadStatus,
          message: h.message ?? null,
          loadType: h.loadType,
          dataPoolVersion: null,
        },
        refreshedTableIds: [],
        behaviour: this.behaviours.resolve(model.id, false),
        visible: true,
        cancels: [],
      };
      rt.loads.push(entry);
      if (isSuccessful(h.loadStatus)) rt.live = entry;
    }
    return rt;
  }

  private pool(poolId: string): SeedPool {
    const p = this.seed.pools.find((x) => x.id === poolId);
    if (!p) throw new ApiError(404, `Data pool with id ${poolId} not found`);
    return p;
  }

  private runtime(poolId: string, modelId: string): ModelRuntime {
    this.pool(poolId);
    const rt = this.models.get(modelId);
    if (!rt || rt.pool.id !== poolId)
      throw new ApiError(404, `Data model with id ${modelId} not found in data pool ${poolId}`);
    return rt;
  }

  private modelById(modelId: string): ModelRuntime {
    const rt = this.models.get(modelId);
    if (!rt) throw new ApiError(404, `Data model with id ${modelId} not found`);
    return rt;
  }
}

/** A PARTIAL load needs known table ids of this model (else 400, like Celonis). */
function checkSpec(rt: ModelRuntime, spec: LoadSpec): void {
  if (spec.loadType !== "PARTIAL") return;
  const ids = spec.tableIds ?? [];
  if (ids.length === 0)
    throw frontendError("DATA_MODEL_PARTIAL_LOAD_NO_TABLES_SELECTED", {
      dataModelId: rt.model.id,
      message: "Select at least one table for a partial load",
    });
  const known = new Set(rt.tables.map((t) => t.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw frontendError("DATA_MODEL_TABLE_NOT_FOUND", {
      dataModelId: rt.model.id,
      tableIds: unknown,
      message: `Table config(s) not found in data model ${rt.model.id}: ${unknown.join(", ")}`,
    });
}

function alreadyRunning(rt: ModelRuntime): ApiError {
  const a = rt.active;
  return frontendError("DATA_MODEL_LOAD_ALREADY_RUNNING", {
    dataModelId: rt.model.id,
    dataLoadId: a && a.visible ? a.record.dataLoadId : null,
    loadStatus: a && a.visible ? a.record.loadStatus : "RUNNING",
    message: `A load of data model "${rt.model.name}" is already running`,
  });
}
