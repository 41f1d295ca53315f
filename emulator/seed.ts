// Seed data for the emulator: the pools, data models and tables it serves, plus optional past loads.
// A seed is plain JSON so users can describe their own Celonis layout; this module validates it and
// fails with a message that names the offending path (e.g. `pools[0].dataModels[1].tables[2].name`).
import * as fs from "node:fs";
import * as path from "node:path";
import type { LoadStatus, LoadType } from "../provider/celonis/types";

/** A column as Celonis lists it inside a table config. */
export interface SeedColumn {
  name: string;
  /** STRING, INTEGER, FLOAT, DATE, TIME, DATETIME or BOOLEAN. */
  type: string;
  primaryKey?: boolean;
}

export interface SeedTable {
  /** Table config id: what partial-sync takes. Must be unique in the seed. */
  id: string;
  name: string;
  /** Alias shown in Celonis; `aliasOrName` is the alias when set. */
  alias?: string | null;
  dataSourceId?: string | null;
  columns?: SeedColumn[];
  /** Defaults to the columns marked `primaryKey`. */
  primaryKeys?: string[];
  /** Rows in the live data model after a load; default derived from the name. */
  rowCount?: number;
}

/** A load that happened before the emulator started (shows up in history and averages). */
export interface SeedLoad {
  dataLoadId?: string;
  loadType: LoadType;
  loadStatus: LoadStatus;
  /** How long before emulator start the load began. */
  startedMinutesAgo: number;
  durationMs: number;
  message?: string | null;
}

export interface SeedModel {
  id: string;
  name: string;
  description?: string | null;
  tables: SeedTable[];
  history?: SeedLoad[];
}

export interface SeedPool {
  id: string;
  name: string;
  description?: string | null;
  dataModels: SeedModel[];
}

export interface Seed {
  pools: SeedPool[];
}

/** Thrown for a seed that does not have the shape above; `message` names file and JSON path. */
export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SeedError";
  }
}

const LOAD_TYPES: readonly string[] = ["COMPLETE", "FROM_CACHE", "PARTIAL"];
const FINISHED_STATUSES: readonly string[] = ["SUCCESS", "WARNING", "ERROR", "CANCELED"];
const COLUMN_TYPES: readonly string[] = ["STRING", "INTEGER", "FLOAT", "DATE", "TIME", "DATETIME", "BOOLEAN"];

/**
 * Where the shipped demo seed lives: next to this file when run from source (`emulator/seed/`), or in
 * the package's `emulator/seed/` when run compiled from `dist/emulator/`.
 */
export function defaultSeedPath(): string {
  const candidates = [
    path.join(__dirname, "seed", "demo.json"),
    path.join(__dirname, "..", "..", "emulator", "seed", "demo.json"),
  ];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new SeedError(`demo seed not found; looked in: ${candidates.join(", ")}`);
}

/** Load a seed from an object, a file path, or (undefined) the shipped demo seed; always validated. */
export function loadSeed(input?: Seed | string): Seed {
  if (input === undefined || typeof input === "string") {
    const file = input ?? defaultSeedPath();
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new SeedError(`cannot read seed file ${file}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new SeedError(`seed file ${file} is not valid JSON: ${(e as Error).message}`);
    }
    return validateSeed(parsed, file);
  }
  return validateSeed(input, "seed object");
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Check `value` is a well-formed seed; returns a normalized deep copy. */
export function validateSeed(value: unknown, source = "seed"): Seed {
  const fail = (at: string, what: string): never => {
    throw new SeedError(`invalid seed (${source}): ${at}: ${what}`);
  };
  const obj = (v: unknown, at: string): Obj => (isObj(v) ? v : fail(at, "expected an object"));
  const arr = (v: unknown, at: string): unknown[] => (Array.isArray(v) ? v : fail(at, "expected an array"));
  const str = (v: unknown, at: string): string =>
    typeof v === "string" && v.trim() !== "" ? v : fail(at, "expected a non-empty string");
  const optStr = (v: unknown, at: string): string | null =>
    v === undefined || v === null ? null : str(v, at);
  const id = (v: unknown, at: string): string => {
    const s = str(v, at);
    if (/[/?#%\s]/.test(s)) fail(at, `id "${s}" must not contain '/', '?', '#', '%' or whitespace`);
    return s;
  };
  const num = (v: unknown, at: string): number =>
    typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : fail(at, "expected a number >= 0");

  const seenIds = new Map<string, string>();
  const unique = (s: string, at: string): string => {
    const prev = seenIds.get(s);
    if (prev !== undefined) fail(at, `id "${s}" is already used at ${prev}`);
    seenIds.set(s, at);
    return s;
  };

  const root = obj(value, "$");
  const pools = arr(root.pools, "pools");
  if (pools.length === 0) fail("pools", "a seed needs at least one pool");
  return {
    pools: pools.map((p, pi): SeedPool => {
      const pAt = `pools[${pi}]`;
      const po = obj(p, pAt);
      return {
        id: unique(id(po.id, `${pAt}.id`), `${pAt}.id`),
        name: str(po.name, `${pAt}.name`),
        description: optStr(po.description, `${pAt}.description`),
        dataModels: arr(po.dataModels ?? [], `${pAt}.dataModels`).map((m, mi): SeedModel => {
          const mAt = `${pAt}.dataModels[${mi}]`;
          const mo = obj(m, mAt);
          const names = new Map<string, string>();
          const tables = arr(mo.tables ?? [], `${mAt}.tables`).map((t, ti): SeedTable => {
            const tAt = `${mAt}.tables[${ti}]`;
            const to = obj(t, tAt);
            const name = str(to.name, `${tAt}.name`);
            const alias = optStr(to.alias, `${tAt}.alias`);
            for (const n of new Set([name, alias ?? name])) {
              const key = n.toUpperCase();
              const prev = names.get(key);
              if (prev !== undefined) fail(tAt, `table name/alias "${n}" is already used at ${prev}`);
              names.set(key, tAt);
            }
            const columns = arr(to.columns ?? [], `${tAt}.columns`).map((c, ci): SeedColumn => {
              const cAt = `${tAt}.columns[${ci}]`;
              const co = obj(c, cAt);
              const type = str(co.type ?? "STRING", `${cAt}.type`);
              if (!COLUMN_TYPES.includes(type))
                fail(`${cAt}.type`, `expected one of ${COLUMN_TYPES.join(", ")}`);
              if (co.primaryKey !== undefined && typeof co.primaryKey !== "boolean")
                fail(`${cAt}.primaryKey`, "expected a boolean");
              return { name: str(co.name, `${cAt}.name`), type, primaryKey: co.primaryKey === true };
            });
            const primaryKeys =
              to.primaryKeys === undefined
                ? columns.filter((c) => c.primaryKey).map((c) => c.name)
                : arr(to.primaryKeys, `${tAt}.primaryKeys`).map((k, ki) =>
                    str(k, `${tAt}.primaryKeys[${ki}]`),
                  );
            const table: SeedTable = {
              id: unique(id(to.id, `${tAt}.id`), `${tAt}.id`),
              name,
              alias,
              dataSourceId: optStr(to.dataSourceId, `${tAt}.dataSourceId`),
              columns,
              primaryKeys,
            };
            if (to.rowCount !== undefined) table.rowCount = Math.round(num(to.rowCount, `${tAt}.rowCount`));
            return table;
          });
          const history = arr(mo.history ?? [], `${mAt}.history`).map((h, hi): SeedLoad => {
            const hAt = `${mAt}.history[${hi}]`;
            const ho = obj(h, hAt);
            const loadType = str(ho.loadType, `${hAt}.loadType`);
            if (!LOAD_TYPES.includes(loadType))
              fail(`${hAt}.loadType`, `expected one of ${LOAD_TYPES.join(", ")}`);
            const loadStatus = str(ho.loadStatus, `${hAt}.loadStatus`);
            if (!FINISHED_STATUSES.includes(loadStatus))
              fail(`${hAt}.loadStatus`, `expected a finished status: ${FINISHED_STATUSES.join(", ")}`);
            const load: SeedLoad = {
              loadType: loadType as LoadType,
              loadStatus: loadStatus as LoadStatus,
              startedMinutesAgo: num(ho.startedMinutesAgo, `${hAt}.startedMinutesAgo`),
              durationMs: num(ho.durationMs, `${hAt}.durationMs`),
              message: optStr(ho.message, `${hAt}.message`),
            };
            if (ho.dataLoadId !== undefined)
              load.dataLoadId = unique(id(ho.dataLoadId, `${hAt}.dataLoadId`), `${hAt}.dataLoadId`);
            return load;
          });
          return {
            id: unique(id(mo.id, `${mAt}.id`), `${mAt}.id`),
            name: str(mo.name, `${mAt}.name`),
            description: optStr(mo.description, `${mAt}.description`),
            tables,
            history,
          };
        }),
      };
    }),
  };
}
