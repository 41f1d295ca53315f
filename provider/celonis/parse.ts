// Reads Celonis answers into the types of types.ts, tolerantly: some shapes are not published
// (last-load) and fields may be null or missing, so every parser returns null for "not this shape"
// instead of throwing, and the client decides what that means (e.g. fall back to load-info-sync).
// Pure functions.

import type { LoadInfoSync, LoadRecord, LoadStatus, LoadType, TableConfig, TableLoad } from "./types";

/** The body as JSON: `null` for an empty body, `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  const t = text.trim();
  if (t === "") return null;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Epoch ms from a number or an ISO string; null otherwise. */
export function toEpochMs(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "") {
    if (/^\d+$/.test(v.trim())) return Number(v.trim());
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

const LOAD_TYPES: ReadonlySet<string> = new Set<LoadType>(["COMPLETE", "FROM_CACHE", "PARTIAL"]);

/**
 * A load record, or null when `raw` is not one (it must have a load id and a status). A status
 * this client does not know is kept as Celonis wrote it (upper-cased); status.ts treats it as
 * still running.
 */
export function parseLoadRecord(raw: unknown): LoadRecord | null {
  if (!isRecord(raw)) return null;
  const id = raw.dataLoadId ?? raw.id ?? raw.loadId;
  const status = raw.loadStatus ?? raw.status;
  if (typeof id !== "string" || id === "" || typeof status !== "string" || status === "") return null;
  const loadType =
    typeof raw.loadType === "string" && LOAD_TYPES.has(raw.loadType.toUpperCase())
      ? raw.loadType.toUpperCase()
      : null;
  const rec: LoadRecord = {
    dataLoadId: id,
    dataModelId: typeof raw.dataModelId === "string" ? raw.dataModelId : "",
    startDate: toEpochMs(raw.startDate),
    endDate: toEpochMs(raw.endDate),
    // A string outside the LoadStatus union is kept on purpose (see the doc comment above).
    loadStatus: status.toUpperCase() as LoadStatus,
    message: typeof raw.message === "string" ? raw.message : null,
    loadType: loadType as LoadType | null,
  };
  if (raw.dataPoolVersion !== undefined)
    rec.dataPoolVersion = typeof raw.dataPoolVersion === "string" ? raw.dataPoolVersion : null;
  return rec;
}

function parseTableLoads(raw: unknown): TableLoad[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: TableLoad[] = [];
  for (const t of raw) {
    if (!isRecord(t)) continue;
    out.push({
      tableId: typeof t.tableId === "string" ? t.tableId : "",
      tableName: typeof t.tableName === "string" ? t.tableName : "",
      tableRowCount: typeof t.tableRowCount === "number" ? t.tableRowCount : 0,
      done: t.done === true,
    });
  }
  return out;
}

/** A load-info-sync answer, or null when `raw` is not an object. Missing parts become null/[]. */
export function parseLoadInfo(raw: unknown): LoadInfoSync | null {
  if (!isRecord(raw)) return null;
  let loadInfo: LoadInfoSync["loadInfo"] = null;
  if (isRecord(raw.loadInfo)) {
    const live = raw.loadInfo.liveDataModel;
    let liveDataModel: { tableLoads?: TableLoad[] } | null = null;
    if (isRecord(live)) {
      liveDataModel = {};
      const tl = parseTableLoads(live.tableLoads);
      if (tl) liveDataModel.tableLoads = tl;
    }
    loadInfo = { liveDataModel, currentComputeLoad: parseLoadRecord(raw.loadInfo.currentComputeLoad) };
  }
  let loadHistory: LoadInfoSync["loadHistory"] = null;
  if (isRecord(raw.loadHistory)) {
    const h = raw.loadHistory;
    const history = Array.isArray(h.dataLoadHistory) ? h.dataLoadHistory.map(parseLoadRecord) : [];
    const averages = Array.isArray(h.averageLoadTime) ? h.averageLoadTime : [];
    loadHistory = {
      lastSuccessfulDataModel: h.lastSuccessfulDataModel ?? null,
      dataLoadHistory: history.filter((l): l is LoadRecord => l !== null),
      averageLoadTime: averages
        .filter(isRecord)
        .filter((a) => typeof a.type === "string")
        .map((a) => ({ type: String(a.type), averageLoadingTime: Number(a.averageLoadingTime) }))
        .filter((a) => Number.isFinite(a.averageLoadingTime)),
    };
  }
  return { loadInfo, loadHistory };
}

/** The table configs of `GET …/tables`, or null when `raw` is not a list. Entries without an id are dropped. */
export function parseTables(raw: unknown): TableConfig[] | null {
  if (!Array.isArray(raw)) return null;
  const out: TableConfig[] = [];
  for (const t of raw) {
    if (!isRecord(t) || typeof t.id !== "string" || t.id === "") continue;
    const name =
      typeof t.name === "string" ? t.name : typeof t.aliasOrName === "string" ? t.aliasOrName : t.id;
    const alias = typeof t.alias === "string" && t.alias !== "" ? t.alias : null;
    const table: TableConfig = {
      id: t.id,
      dataModelId: typeof t.dataModelId === "string" ? t.dataModelId : "",
      dataSourceId: typeof t.dataSourceId === "string" ? t.dataSourceId : null,
      name,
      alias,
      aliasOrName:
        typeof t.aliasOrName === "string" && t.aliasOrName !== "" ? t.aliasOrName : (alias ?? name),
    };
    if (Array.isArray(t.columns)) table.columns = t.columns;
    if (Array.isArray(t.primaryKeys))
      table.primaryKeys = t.primaryKeys.filter((k): k is string => typeof k === "string");
    out.push(table);
  }
  return out;
}
