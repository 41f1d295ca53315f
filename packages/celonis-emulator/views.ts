// What each Celonis read endpoint answers, computed from the emulator's runtime data: pools, data
// models, table configs, load-info-sync. Pure functions; the shapes are those of wire.ts.
import type { LoadEntry, ModelRuntime } from "./loads";
import type { SeedModel, SeedPool } from "./seed";
import {
  LOAD_TYPES,
  isSuccessful,
  type AverageLoadTime,
  type DataModelView,
  type LastSuccessfulLoad,
  type LiveDataModel,
  type LoadInfoSync,
  type PoolView,
  type TableConfig,
} from "./wire";

const DAY_MS = 24 * 3600 * 1000;

export function toTableConfig(modelId: string, t: SeedModel["tables"][number]): TableConfig {
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

/** A pool as discovery lists it; `startedAt` dates it 60 days before the emulator started. */
export function poolView(p: SeedPool, startedAt: number): PoolView {
  return {
    id: p.id,
    name: p.name,
    description: p.description ?? null,
    timeStamp: startedAt - 60 * DAY_MS,
    configurationStatus: "CONFIGURED",
    locked: false,
    permissions: ["OWNER", "EDIT", "USE"],
    creatorUserId: null,
  };
}

export function modelView(rt: ModelRuntime): DataModelView {
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

/** `load-info-sync`: the newest load, the live model, the history newest first, average durations. */
export function loadInfoSync(rt: ModelRuntime): LoadInfoSync {
  const last = rt.loads[rt.loads.length - 1];
  return {
    loadInfo: {
      liveDataModel: rt.live ? liveView(rt, rt.live) : null,
      currentComputeLoad: last ? { ...last.record } : null,
    },
    loadHistory: {
      lastSuccessfulDataModel: rt.live ? lastSuccessful(rt.live) : null,
      dataLoadHistory: rt.loads.map((e) => ({ ...e.record })).reverse(),
      averageLoadTime: averages(rt),
    },
  };
}

function lastSuccessful(entry: LoadEntry): LastSuccessfulLoad {
  const r = entry.record;
  return {
    dataModelId: r.dataModelId,
    dataLoadId: r.dataLoadId,
    message: r.message,
    loadStatus: r.loadStatus,
    startDate: r.startDate,
    endDate: r.endDate,
    warmupDuration: null,
    done: true,
  };
}

function liveView(rt: ModelRuntime, entry: LoadEntry): LiveDataModel {
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

/** Mean duration (ms) of the successful loads of each type. */
function averages(rt: ModelRuntime): AverageLoadTime[] {
  const out: AverageLoadTime[] = [];
  for (const type of LOAD_TYPES) {
    const durations = rt.loads
      .map((e) => e.record)
      .filter((r) => r.loadType === type && isSuccessful(r.loadStatus))
      .flatMap((r) => (r.startDate !== null && r.endDate !== null ? [r.endDate - r.startDate] : []));
    if (durations.length > 0)
      out.push({
        type,
        averageLoadingTime: Math.round(durations.reduce((a, b) => a + b, 0) / durations.length),
      });
  }
  return out;
}
