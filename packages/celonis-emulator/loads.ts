// The life of a data model's loads, on the emulator's clock: a trigger creates a load (visible at
// once or after `visibleAfterMs`), which runs RUNNING → (LOST_CONNECTION → RUNNING) → its outcome;
// cancel-load goes CANCELLING → CANCELED; triggers queued behind a running load start the moment it
// ends. Per-model data (tables, row counts, records) lives in ModelRuntime; no HTTP here.
import { randomUUID } from "node:crypto";
import type { BehaviourTable, ResolvedBehaviour } from "./behaviour";
import type { Clock, TimerGroup } from "./clock";
import type { SeedModel, SeedPool } from "./seed";
import { isSuccessful, type LoadRecord, type LoadStatus, type LoadType, type TableConfig } from "./wire";

/** What a load is asked to do. */
export interface LoadSpec {
  loadType: LoadType;
  /** PARTIAL only: table config ids (already validated). */
  tableIds?: string[];
}

export interface LoadEntry {
  record: LoadRecord;
  /** Tables whose data this load refreshes (COMPLETE: all, PARTIAL: listed, FROM_CACHE: none). */
  refreshedTableIds: string[];
  behaviour: ResolvedBehaviour;
  visible: boolean;
  /** Cancels the load's pending timers. */
  cancels: (() => void)[];
}

/** One data model as the emulator runs it. */
export interface ModelRuntime {
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
  /** The last successful load: what the live data model shows. */
  live: LoadEntry | null;
  createdAt: number;
}

/** Starts, advances, cancels and ends loads. */
export class LoadRunner {
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerGroup,
    private readonly behaviours: BehaviourTable,
    /** How long CANCELLING lasts before CANCELED (ms). */
    private readonly cancelMs: number,
  ) {}

  /** Create the load and schedule its life. The caller has checked that no load is active. */
  begin(rt: ModelRuntime, spec: LoadSpec): LoadEntry {
    const entry: LoadEntry = {
      record: {
        dataLoadId: randomUUID(),
        dataModelId: rt.model.id,
        startDate: this.clock.now(),
        endDate: null,
        loadStatus: "RUNNING",
        message: null,
        loadType: spec.loadType,
        dataPoolVersion: null,
      },
      refreshedTableIds: refreshedBy(rt, spec),
      behaviour: this.behaviours.resolve(rt.model.id, true),
      visible: false,
      cancels: [],
    };
    rt.active = entry;
    const appear = (): void => {
      this.makeVisible(rt, entry);
      this.run(rt, entry);
    };
    if (entry.behaviour.visibleAfterMs > 0) this.after(entry, entry.behaviour.visibleAfterMs, appear);
    else appear();
    return entry;
  }

  /** cancel-load: the active load goes CANCELLING, then CANCELED. Nothing active → no-op. */
  cancel(rt: ModelRuntime): void {
    const entry = rt.active;
    if (!entry || entry.record.loadStatus === "CANCELLING") return;
    this.clearTimers(entry);
    this.makeVisible(rt, entry);
    entry.record.loadStatus = "CANCELLING";
    this.after(entry, this.cancelMs, () =>
      this.finish(rt, entry, "CANCELED", "Data model load was canceled by a user"),
    );
  }

  /** No load moves any more; the records stay readable. */
  stop(): void {
    this.stopped = true;
    this.timers.cancelAll();
  }

  private makeVisible(rt: ModelRuntime, entry: LoadEntry): void {
    if (entry.visible) return;
    entry.visible = true;
    entry.record.startDate = this.clock.now();
    rt.loads.push(entry);
  }

  /** Schedule RUNNING → (LOST_CONNECTION → RUNNING) → outcome, from the moment the record is visible. */
  private run(rt: ModelRuntime, entry: LoadEntry): void {
    const b = entry.behaviour;
    if (b.stuck) return;
    const half = b.durationMs / 2;
    if (b.lostConnectionMs > 0) {
      this.after(entry, half, () => (entry.record.loadStatus = "LOST_CONNECTION"));
      this.after(entry, half + b.lostConnectionMs, () => (entry.record.loadStatus = "RUNNING"));
    }
    this.after(entry, b.durationMs + b.lostConnectionMs, () =>
      this.finish(rt, entry, b.outcome, messageFor(rt, entry, b.outcome)),
    );
  }

  private finish(rt: ModelRuntime, entry: LoadEntry, status: LoadStatus, message: string | null): void {
    this.clearTimers(entry);
    entry.record.loadStatus = status;
    entry.record.message = message;
    if (status === "LOST_CONNECTION") return; // stays non-terminal: the model remains busy
    entry.record.endDate = this.clock.now();
    if (isSuccessful(status)) {
      for (const id of entry.refreshedTableIds) {
        const n = rt.rowCounts.get(id) ?? 0;
        rt.rowCounts.set(id, n + Math.max(1, Math.round(n * 0.002)));
      }
      rt.live = entry;
    }
    if (rt.active === entry) rt.active = null;
    // queueTriggers: the next waiting trigger becomes a new RUNNING load right now.
    const next = rt.queue.shift();
    if (next && !this.stopped) this.begin(rt, next);
  }

  private after(entry: LoadEntry, ms: number, fn: () => void): void {
    if (this.stopped) return;
    entry.cancels.push(this.timers.after(ms, fn));
  }

  private clearTimers(entry: LoadEntry): void {
    for (const cancel of entry.cancels) cancel();
    entry.cancels = [];
  }
}

function refreshedBy(rt: ModelRuntime, spec: LoadSpec): string[] {
  if (spec.loadType === "COMPLETE") return rt.tables.map((t) => t.id);
  if (spec.loadType === "PARTIAL") return [...new Set(spec.tableIds ?? [])];
  return [];
}

/** The message a load ends with: the behaviour's, else a realistic one naming its first table. */
function messageFor(rt: ModelRuntime, entry: LoadEntry, outcome: LoadStatus): string | null {
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
