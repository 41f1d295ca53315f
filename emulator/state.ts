// The emulator's in-memory Celonis: pools, data models, tables and, per data model, a load state
// machine (RUNNING → SUCCESS/WARNING/ERROR/CANCELED, with CANCELLING and LOST_CONNECTION) driven by
// timers and a configurable per-model "load behaviour". No HTTP here: server.ts maps routes onto these
// methods, and tests can drive it directly through `Emulator.state`.
import { randomUUID } from "node:crypto";
import type {
  LoadInfoSync,
  LoadRecord,
  LoadStatus,
  LoadType,
  TableConfig,
  TableLoad,
} from "../provider/celonis/types";
import type { Seed, SeedModel, SeedPool } from "./seed";

/** How the next loads of a data model (or of every model, key "*") behave. */
export interface LoadBehaviour {
  /** How long a load runs (ms); default the emulator's `loadMs`. */
  durationMs?: number;
  /** Final status; default the emulator's `outcome` (SUCCESS). LOST_CONNECTION stays forever. */
  outcome?: LoadStatus;
  /** Message of the finished load; default a realistic one for ERROR/WARNING/CANCELED, else null. */
  message?: string | null;
  /** The load stays RUNNING forever (until cancel-load or reset). */
  stuck?: boolean;
  /** The trigger answers 204 but the RUNNING record appears only after this delay (ms). */
  visibleAfterMs?: number;
  /** Mid-load, the load shows LOST_CONNECTION for this long (ms), then continues to `outcome`. */
  lostConnectionMs?: number;
  /** Applies to the next N loads, then reverts; omitted = until changed. */
  times?: number;
}

/** An API error the server turns into a response: string body = text/plain, object = JSON, undefined = none. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Record<string, unknown> | undefined,
  ) {
    super(typeof body === "string" ? body : body === undefined ? `HTTP ${status}` : JSON.stringify(body));
    this.name = "ApiError";
  }
}

/** The 400 shape Celonis uses for request errors. */
export function frontendError(key: string, info: Record<string, unknown> = {}): ApiError {
  return new ApiError(400, { frontendErrorKey: key, errorInformation: info });
}

/** Pool as served by `GET /integration/api/pools` (a subset of Celonis's DataPoolTransport). */
export interface PoolView {
  id: string;
  name: string;
  description: string | null;
  timeStamp: number;
  configurationStatus: string;
  locked: boolean;
  permissions: string[];
  creatorUserId: string | null;
}

/** Data model as served by discovery (a subset of Celonis's DataModelTransport). */
export interface DataModelView {
  id: string;
  name: string;
  poolId: string;
  description: string | null;
  createDate: number;
  changedDate: number;
  configurationSkipped: boolean;
  unavailable: boolean;
  editable: boolean;
  creatorUserId: string | null;
  permissions: string[];
  tables: TableConfig[];
  foreignKeys: unknown[];
}

/** `liveDataModel` of load-info-sync (Celonis's DataModelLoadTransport). */
export interface LiveDataModel {
  dataModelId: string;
  dataModelName: string;
  dataModelUUID: string;
  dataLoadId: string;
  done: boolean;
  error: boolean;
  tablesLoaded: boolean;
  errorMessage: string | null;
  lastLoad: number | null;
  nextLoad: number | null;
  startTime: number | null;
  endTime: number | null;
  numTables: number;
  scheduledLoading: boolean;
  cancel: boolean;
  projectName: string | null;
  response: string | null;
  tableLoads: (TableLoad & { invisible: boolean; cancel: boolean })[];
}

/** `lastSuccessfulDataModel` of load-info-sync (Celonis's DataLoadHistoryTransport). */
export interface LastSuccessfulDataModel {
  dataModelId: string;
  dataLoadId: string;
  message: string | null;
  loadStatus: LoadStatus;
  startDate: number | null;
  endDate: number | null;
  warmupDuration: number | null;
  done: boolean;
}

export interface StateOptions {
  /** Default load duration (ms). */
  loadMs: number;
  /** Default final status. */
  outcome: LoadStatus;
  /** A trigger while a load runs is queued (started when the running one ends) instead of a 400. */
  queueTriggers: boolean;
  /** How long CANCELLING lasts before CANCELED (ms); default min(500, max(20, loadMs / 4)). */
  cancelMs?: number;
}

/** What a load is asked to do. */
export interface LoadSpec {
  loadType: LoadType;
  /** PARTIAL only: table config ids (already validated). */
  tableIds?: string[];
}

export type TriggerResult =
  { kind: "started"; record: LoadRecord; visible: boolean } | { kind: "queued"; position: number };

const OUTCOMES: readonly LoadStatus[] = ["SUCCESS", "WARNING", "ERROR", "CANCELED", "LOST_CONNECTION"];
const BEHAVIOUR_KEYS = new Set([
  "durationMs",
  "outcome",
  "message",
  "stuck",
  "visibleAfterMs",
  "lostConnectionMs",
  "times",
]);

interface ResolvedBehaviour {
  durationMs: number;
  outcome: LoadStatus;
  message: string | null | undefined;
  stuck: boolean;
  visibleAfterMs: number;
  lostConnectionMs: number;
}

interface BehaviourSlot {
  behaviour: LoadBehaviour;
  /** Loads left before the slot reverts; undefined = until changed. */
  remaining?: number;
}

interface LoadEntry {
  record: LoadRecord;
  /** Tables whose data this load refreshes (COMPLETE: all, PARTIAL: listed, FROM_CACHE: none). */
  refreshedTableIds: string[];
  behaviour: ResolvedBehaviour;
  visible: boolean;
  timers: NodeJS.Timeout[];
}

interface ModelRuntime {
  pool: SeedPool;
  model: SeedModel;
  tables: TableConfig[];
  rowCounts: Map<string, number>;
  /** Visible load records, oldest first. */
  loads: LoadEntry[];
  /** The load not yet finished (invisible, RUNNING, LOST_CONNECTION or CANCELLING), if any. */
  active: LoadEntry | null;
  /** Triggers waiting for `active` to end (queueTriggers mode). */
  queue: LoadSpec[];
  live: { entry: LoadEntry } | null;
  createdAt: number;
}

/** Validate a behaviour object (from code or JSON); throws Error with a clear message. */
export function validateBehaviour(value: unknown): LoadBehaviour {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("load behaviour must be an object");
  const b = value as Record<string, unknown>;
  for (const k of Object.keys(b))
    if (!BEHAVIOUR_KEYS.has(k))
      throw new Error(`unknown load behaviour field "${k}" (known: ${[...BEHAVIOUR_KEYS].join(", ")})`);
  const ms = (k: string): void => {
    const v = b[k];
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 0))
      throw new Error(`load behaviour ${k} must be a number >= 0`);
  };
  ms("durationMs");
  ms("visibleAfterMs");
  ms("lostConnectionMs");
  if (b.outcome !== undefined && !OUTCOMES.includes(b.outcome as LoadStatus))
    throw new Error(`load behaviour outcome must be one of ${OUTCOMES.join(", ")}`);
  if (b.message !== undefined && b.message !== null && typeof b.message !== "string")
    throw new Error("load behaviour message must be a string or null");
  if (b.stuck !== undefined && typeof b.stuck !== "boolean")
    throw new Error("load behaviour stuck must be a boolean");
  if (b.times !== undefined && !(typeof b.times === "number" && Number.isInteger(b.times) && b.times >= 1))
    throw new Error("load behaviour times must be an integer >= 1");
  return { ...(b as LoadBehaviour) };
}

/** A deterministic, plausible row count for a table that has none in the seed. */
function defaultRowCount(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 1000 + (h % 250000);
}

function toTableConfig(modelId: string, t: SeedModel["tables"][number]): TableConfig {
  return {
    id: t.id,
    dataModelId: modelId,
    dataSourceId: t.dataSourceId ?? null,
    name: t.name,
    alias: t.alias ?? null,
    aliasOrName: t.alias ?? t.name,
    columns: (t.columns ?? []).map((c) => ({
      name: c.name,
      type: c.type,
      primaryKey: c.primaryKey === true,
    })),
    primaryKeys: [...(t.primaryKeys ?? [])],
  };
}

/** The in-memory Celonis. Every timer is unref'd and tracked; `stop()` clears them all. */
export class EmulatorState {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly models = new Map<string, ModelRuntime>();
  private readonly poolOrder: SeedPool[] = [];
  private readonly behaviours = new Map<string, BehaviourSlot>();
  private readonly startedAt = Date.now();
  private stopped = false;

  constructor(
    private readonly seed: Seed,
    private readonly options: StateOptions,
  ) {
    this.build();
  }

  // ---------------------------------------------------------------- discovery

  listPools(): PoolView[] {
    return this.poolOrder.map((p) => this.poolView(p));
  }

  getPool(poolId: string): PoolView {
    return this.poolView(this.pool(poolId));
  }

  listModels(poolId: string): DataModelView[] {
    const pool = this.pool(poolId);
    return pool.dataModels.map((m) => this.modelView(this.runtime(poolId, m.id)));
  }

  getModel(poolId: string, modelId: string): DataModelView {
    return this.modelView(this.runtime(poolId, modelId));
  }

  tables(poolId: string, modelId: string): TableConfig[] {
    return this.runtime(poolId, modelId).tables.map((t) => structuredClone(t));
  }

  /** Whether a pool exists (no error). */
  hasPool(poolId: string): boolean {
    return this.poolOrder.some((p) => p.id === poolId);
  }

  /** The pool id of a data model, or undefined if unknown. */
  poolOfModel(modelId: string): string | undefined {
    return this.models.get(modelId)?.pool.id;
  }

  // ---------------------------------------------------------------- loads

  /**
   * A trigger from the API. Unknown pool/model → 404; a load already running → 400
   * DATA_MODEL_LOAD_ALREADY_RUNNING unless `queueTriggers`. The RUNNING record exists when this returns
   * (unless the behaviour sets `visibleAfterMs`).
   */
  trigger(poolId: string, modelId: string, spec: LoadSpec): TriggerResult {
    const rt = this.runtime(poolId, modelId);
    this.checkSpec(rt, spec);
    if (rt.active) {
      if (this.options.queueTriggers) {
        rt.queue.push(spec);
        return { kind: "queued", position: rt.queue.length };
      }
      throw this.alreadyRunning(rt);
    }
    const entry = this.begin(rt, spec);
    return { kind: "started", record: { ...entry.record }, visible: entry.visible };
  }

  /**
   * Start a load "outside Pulumi" (control API / tests). Never queued: throws the 400 ApiError when a
   * load is running. Returns a snapshot of the new record (not yet visible if `visibleAfterMs` is set).
   */
  startLoad(modelId: string, loadType: LoadType = "COMPLETE", tableIds?: string[]): LoadRecord {
    const rt = this.models.get(modelId);
    if (!rt) throw new ApiError(404, `Data model with id ${modelId} not found`);
    const spec: LoadSpec =
      loadType === "PARTIAL"
        ? { loadType, tableIds: tableIds ?? rt.tables.slice(0, 1).map((t) => t.id) }
        : { loadType };
    this.checkSpec(rt, spec);
    if (rt.active) throw this.alreadyRunning(rt);
    return { ...this.begin(rt, spec).record };
  }

  /** cancel-load: the running load goes CANCELLING, then CANCELED. No load running → no-op. */
  cancel(poolId: string, modelId: string): void {
    const rt = this.runtime(poolId, modelId);
    const entry = rt.active;
    if (!entry || entry.record.loadStatus === "CANCELLING") return;
    this.clearEntryTimers(entry);
    if (!entry.visible) this.makeVisible(rt, entry);
    entry.record.loadStatus = "CANCELLING";
    const cancelMs = this.options.cancelMs ?? Math.min(500, Math.max(20, this.options.loadMs / 4));
    this.after(entry, cancelMs, () =>
      this.finish(rt, entry, "CANCELED", "Data model load was canceled by a user"),
    );
  }

  /** The newest visible load record, or null when never loaded. */
  lastLoad(poolId: string, modelId: string): LoadRecord | null {
    const rt = this.runtime(poolId, modelId);
    const last = rt.loads[rt.loads.length - 1];
    return last ? { ...last.record } : null;
  }

  /** `GET …/load-history/load-info-sync`. */
  loadInfoSync(poolId: string, modelId: string): LoadInfoSync {
    const rt = this.runtime(poolId, modelId);
    const last = rt.loads[rt.loads.length - 1];
    const live = rt.live ? this.liveView(rt, rt.live.entry) : null;
    const lastOk = rt.live?.entry.record;
    const lastSuccessful: LastSuccessfulDataModel | null = lastOk
      ? {
          dataModelId: lastOk.dataModelId,
          dataLoadId: lastOk.dataLoadId,
          message: lastOk.message,
          loadStatus: lastOk.loadStatus,
          startDate: lastOk.startDate,
          endDate: lastOk.endDate,
          warmupDuration: null,
          done: true,
        }
      : null;
    return {
      loadInfo: { liveDataModel: live, currentComputeLoad: last ? { ...last.record } : null },
      loadHistory: {
        lastSuccessfulDataModel: lastSuccessful,
        dataLoadHistory: rt.loads.map((e) => ({ ...e.record })).reverse(),
        averageLoadTime: this.averages(rt),
      },
    };
  }

  /** Every visible load record of a model, oldest first (control API and tests). */
  loads(modelId: string): LoadRecord[] {
    const rt = this.models.get(modelId);
    if (!rt) throw new ApiError(404, `Data model with id ${modelId} not found`);
    return rt.loads.map((e) => ({ ...e.record }));
  }

  /** Number of triggers waiting in the queue of a model (queueTriggers mode). */
  queued(modelId: string): number {
    return this.models.get(modelId)?.queue.length ?? 0;
  }

  /** Set the behaviour of the next loads of one model, or of all models ("*"). */
  setBehaviour(modelId: string, behaviour: LoadBehaviour): void {
    const b = validateBehaviour(behaviour);
    if (modelId !== "*" && !this.models.has(modelId))
      throw new ApiError(404, `Data model with id ${modelId} not found`);
    this.behaviours.set(modelId, { behaviour: b, remaining: b.times });
  }

  /** Back to the seed: no loads beyond the seeded history, default behaviours, no queued triggers. */
  reset(): void {
    this.clearAllTimers();
    this.behaviours.clear();
    this.models.clear();
    this.poolOrder.length = 0;
    this.build();
  }

  /** Clear every timer; the state stays readable but no load moves any more. */
  stop(): void {
    this.stopped = true;
    this.clearAllTimers();
  }

  // ---------------------------------------------------------------- internals

  private build(): void {
    for (const pool of this.seed.pools) {
      this.poolOrder.push(pool);
      for (const model of pool.dataModels) {
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
            behaviour: this.resolve(model.id, false),
            visible: true,
            timers: [],
          };
          rt.loads.push(entry);
          if (h.loadStatus === "SUCCESS" || h.loadStatus === "WARNING") rt.live = { entry };
        }
        this.models.set(model.id, rt);
      }
    }
  }

  private pool(poolId: string): SeedPool {
    const p = this.poolOrder.find((x) => x.id === poolId);
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

  private poolView(p: SeedPool): PoolView {
    return {
      id: p.id,
      name: p.name,
      description: p.description ?? null,
      timeStamp: this.startedAt - 60 * 24 * 3600 * 1000,
      configurationStatus: "FINISHED",
      locked: false,
      permissions: ["OWNER", "EDIT", "USE"],
      creatorUserId: null,
    };
  }

  private modelView(rt: ModelRuntime): DataModelView {
    return {
      id: rt.model.id,
      name: rt.model.name,
      poolId: rt.pool.id,
      description: rt.model.description ?? null,
      createDate: rt.createdAt,
      changedDate: rt.createdAt,
      configurationSkipped: false,
      unavailable: false,
      editable: true,
      creatorUserId: null,
      permissions: ["OWNER", "EDIT", "USE"],
      tables: rt.tables.map((t) => structuredClone(t)),
      foreignKeys: [],
    };
  }

  private checkSpec(rt: ModelRuntime, spec: LoadSpec): void {
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

  private alreadyRunning(rt: ModelRuntime): ApiError {
    const a = rt.active;
    return frontendError("DATA_MODEL_LOAD_ALREADY_RUNNING", {
      dataModelId: rt.model.id,
      dataLoadId: a && a.visible ? a.record.dataLoadId : null,
      loadStatus: a && a.visible ? a.record.loadStatus : "RUNNING",
      message: `A load of data model "${rt.model.name}" is already running`,
    });
  }

  /** Merge defaults ← "*" ← model behaviour; `consume` counts the load against `times`. */
  private resolve(modelId: string, consume: boolean): ResolvedBehaviour {
    const star = this.behaviours.get("*");
    const own = this.behaviours.get(modelId);
    const b: LoadBehaviour = { ...(star?.behaviour ?? {}), ...(own?.behaviour ?? {}) };
    if (consume) {
      const top = own ? modelId : star ? "*" : undefined;
      const slot = top === undefined ? undefined : this.behaviours.get(top);
      if (top !== undefined && slot && slot.remaining !== undefined) {
        slot.remaining -= 1;
        if (slot.remaining <= 0) this.behaviours.delete(top);
      }
    }
    return {
      durationMs: b.durationMs ?? this.options.loadMs,
      outcome: b.outcome ?? this.options.outcome,
      message: b.message,
      stuck: b.stuck === true,
      visibleAfterMs: b.visibleAfterMs ?? 0,
      lostConnectionMs: b.lostConnectionMs ?? 0,
    };
  }

  /** Create the load and schedule its life. Caller has checked that no load is active. */
  private begin(rt: ModelRuntime, spec: LoadSpec): LoadEntry {
    const behaviour = this.resolve(rt.model.id, true);
    const refreshed =
      spec.loadType === "COMPLETE"
        ? rt.tables.map((t) => t.id)
        : spec.loadType === "PARTIAL"
          ? [...new Set(spec.tableIds ?? [])]
          : [];
    const entry: LoadEntry = {
      record: {
        dataLoadId: randomUUID(),
        dataModelId: rt.model.id,
        startDate: Date.now(),
        endDate: null,
        loadStatus: "RUNNING",
        message: null,
        loadType: spec.loadType,
        dataPoolVersion: null,
      },
      refreshedTableIds: refreshed,
      behaviour,
      visible: false,
      timers: [],
    };
    rt.active = entry;
    if (behaviour.visibleAfterMs > 0) {
      this.after(entry, behaviour.visibleAfterMs, () => {
        this.makeVisible(rt, entry);
        this.run(rt, entry);
      });
    } else {
      this.makeVisible(rt, entry);
      this.run(rt, entry);
    }
    return entry;
  }

  private makeVisible(rt: ModelRuntime, entry: LoadEntry): void {
    if (entry.visible) return;
    entry.visible = true;
    entry.record.startDate = Date.now();
    rt.loads.push(entry);
  }

  /** Schedule RUNNING → (LOST_CONNECTION → RUNNING) → outcome, from the moment the record is visible. */
  private run(rt: ModelRuntime, entry: LoadEntry): void {
    const b = entry.behaviour;
    if (b.stuck) return;
    const half = b.durationMs / 2;
    if (b.lostConnectionMs > 0) {
      this.after(entry, half, () => {
        entry.record.loadStatus = "LOST_CONNECTION";
      });
      this.after(entry, half + b.lostConnectionMs, () => {
        entry.record.loadStatus = "RUNNING";
      });
    }
    this.after(entry, b.durationMs + b.lostConnectionMs, () =>
      this.finish(rt, entry, b.outcome, this.messageFor(rt, entry, b.outcome)),
    );
  }

  private messageFor(rt: ModelRuntime, entry: LoadEntry, outcome: LoadStatus): string | null {
    if (entry.behaviour.message !== undefined) return entry.behaviour.message;
    const first = rt.tables.find((t) => t.id === entry.refreshedTableIds[0]) ?? rt.tables[0];
    const table = first ? first.aliasOrName : rt.model.name;
    switch (outcome) {
      case "ERROR":
        return `Table '${table}': column CASE_KEY not found`;
      case "WARNING":
        return `Table '${table}': 3 rows with a duplicate primary key were skipped`;
      case "CANCELED":
        return "Data model load was canceled";
      case "LOST_CONNECTION":
        return "Lost connection to the data model load; it may still be running";
      default:
        return null;
    }
  }

  private finish(rt: ModelRuntime, entry: LoadEntry, status: LoadStatus, message: string | null): void {
    this.clearEntryTimers(entry);
    entry.record.loadStatus = status;
    entry.record.message = message;
    if (status === "LOST_CONNECTION") return; // stays non-terminal: the model remains busy
    entry.record.endDate = Date.now();
    if (status === "SUCCESS" || status === "WARNING") {
      for (const id of entry.refreshedTableIds) {
        const n = rt.rowCounts.get(id) ?? 0;
        rt.rowCounts.set(id, n + Math.max(1, Math.round(n * 0.002)));
      }
      rt.live = { entry };
    }
    if (rt.active === entry) rt.active = null;
    // queueTriggers: the next waiting trigger becomes a new RUNNING load right now.
    const next = rt.queue.shift();
    if (next && !this.stopped) this.begin(rt, next);
  }

  private liveView(rt: ModelRuntime, entry: LoadEntry): LiveDataModel {
    const r = entry.record;
    return {
      dataModelId: rt.model.id,
      dataModelName: rt.model.name,
      dataModelUUID: rt.model.id,
      dataLoadId: r.dataLoadId,
      done: true,
      error: false,
      tablesLoaded: true,
      errorMessage: null,
      lastLoad: r.endDate,
      nextLoad: null,
      startTime: r.startDate,
      endTime: r.endDate,
      numTables: rt.tables.length,
      scheduledLoading: false,
      cancel: false,
      projectName: null,
      response: null,
      tableLoads: rt.tables.map((t) => ({
        tableId: t.id,
        tableName: t.aliasOrName,
        tableRowCount: rt.rowCounts.get(t.id) ?? 0,
        done: true,
        invisible: false,
        cancel: false,
      })),
    };
  }

  private averages(rt: ModelRuntime): { type: string; averageLoadingTime: number }[] {
    const out: { type: string; averageLoadingTime: number }[] = [];
    for (const type of ["COMPLETE", "FROM_CACHE", "PARTIAL"] as const) {
      const ds = rt.loads
        .map((e) => e.record)
        .filter(
          (r) =>
            r.loadType === type &&
            (r.loadStatus === "SUCCESS" || r.loadStatus === "WARNING") &&
            r.startDate !== null &&
            r.endDate !== null,
        )
        .map((r) => (r.endDate as number) - (r.startDate as number));
      if (ds.length > 0)
        out.push({ type, averageLoadingTime: Math.round(ds.reduce((a, b) => a + b, 0) / ds.length) });
    }
    return out;
  }

  private after(entry: LoadEntry, ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      entry.timers = entry.timers.filter((x) => x !== t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
    entry.timers.push(t);
  }

  private clearEntryTimers(entry: LoadEntry): void {
    for (const t of entry.timers) {
      clearTimeout(t);
      this.timers.delete(t);
    }
    entry.timers = [];
  }

  private clearAllTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
