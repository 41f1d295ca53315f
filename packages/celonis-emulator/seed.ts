// Seed data for the emulator: the pools, data models and tables it serves, plus optional past loads.
// A seed is plain JSON so users can describe their own Celonis layout; this module validates it (a
// zod schema) and fails with a message that names the offending path (e.g.
// `pools[0].dataModels[1].tables[2].name`).
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { pathText } from "./validate";
import { COLUMN_TYPES, FINISHED_STATUSES, LOAD_TYPES, type LoadStatus, type LoadType } from "./wire";

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

/**
 * Where the shipped demo seed lives: next to this file when run from source (`seed/`), or one folder
 * up when run compiled from the package's `dist/`.
 */
export function defaultSeedPath(): string {
  const candidates = [
    path.join(__dirname, "seed", "demo.json"),
    path.join(__dirname, "..", "seed", "demo.json"),
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

const nonEmpty = "expected a non-empty string";
const text = z.string({ error: nonEmpty }).refine((v) => v.trim() !== "", { error: nonEmpty });
const optionalText = text.nullish().transform((v) => v ?? null);
const id = text.refine((v) => !/[/?#%\s]/.test(v), {
  error: (issue) => `id "${String(issue.input)}" must not contain '/', '?', '#', '%' or whitespace`,
});
const count = z.number({ error: "expected a number >= 0" }).min(0, { error: "expected a number >= 0" });
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: "expected an array" });
const object = <S extends z.ZodRawShape>(shape: S) => z.object(shape, { error: "expected an object" });

const columnSchema = object({
  name: text,
  type: z.enum(COLUMN_TYPES, { error: `expected one of ${COLUMN_TYPES.join(", ")}` }).default("STRING"),
  primaryKey: z.boolean({ error: "expected a boolean" }).optional(),
}).transform((c): SeedColumn => ({ name: c.name, type: c.type, primaryKey: c.primaryKey === true }));

const tableSchema = object({
  id,
  name: text,
  alias: optionalText,
  dataSourceId: optionalText,
  columns: list(columnSchema).default([]),
  primaryKeys: list(text).optional(),
  rowCount: count.optional(),
}).transform((t): SeedTable => {
  const table: SeedTable = {
    id: t.id,
    name: t.name,
    alias: t.alias,
    dataSourceId: t.dataSourceId,
    columns: t.columns,
    primaryKeys: t.primaryKeys ?? t.columns.filter((c) => c.primaryKey).map((c) => c.name),
  };
  if (t.rowCount !== undefined) table.rowCount = Math.round(t.rowCount);
  return table;
});

const loadSchema = object({
  dataLoadId: id.optional(),
  loadType: z.enum(LOAD_TYPES, { error: `expected one of ${LOAD_TYPES.join(", ")}` }),
  loadStatus: z.enum(FINISHED_STATUSES, {
    error: `expected a finished status: ${FINISHED_STATUSES.join(", ")}`,
  }),
  startedMinutesAgo: count,
  durationMs: count,
  message: optionalText,
}).transform(({ dataLoadId, ...rest }): SeedLoad =>
  dataLoadId === undefined ? rest : { dataLoadId, ...rest },
);

const modelSchema = object({
  id,
  name: text,
  description: optionalText,
  tables: list(tableSchema).default([]),
  history: list(loadSchema).default([]),
});

const poolSchema = object({
  id,
  name: text,
  description: optionalText,
  dataModels: list(modelSchema).default([]),
});

const seedSchema = object({
  pools: list(poolSchema).min(1, { error: "a seed needs at least one pool" }),
}).superRefine(checkUnique);

/** Ids are unique across the seed; table names and aliases unique (case-insensitively) per model. */
function checkUnique(seed: Seed, ctx: z.RefinementCtx): void {
  type Path = (string | number)[];
  const claim = (seen: Map<string, string>, key: string, what: string, path: Path): void => {
    const prev = seen.get(key);
    if (prev === undefined) seen.set(key, pathText(path));
    else ctx.addIssue({ code: "custom", path, message: `${what} is already used at ${prev}` });
  };
  const ids = new Map<string, string>();
  const claimId = (value: string, path: Path): void => claim(ids, value, `id "${value}"`, path);
  seed.pools.forEach((pool, pi) => {
    claimId(pool.id, ["pools", pi, "id"]);
    pool.dataModels.forEach((model, mi) => {
      const at: Path = ["pools", pi, "dataModels", mi];
      claimId(model.id, [...at, "id"]);
      const names = new Map<string, string>();
      model.tables.forEach((t, ti) => {
        claimId(t.id, [...at, "tables", ti, "id"]);
        for (const n of new Set([t.name, t.alias ?? t.name]))
          claim(names, n.toUpperCase(), `table name/alias "${n}"`, [...at, "tables", ti]);
      });
      (model.history ?? []).forEach((h, hi) => {
        if (h.dataLoadId !== undefined) claimId(h.dataLoadId, [...at, "history", hi, "dataLoadId"]);
      });
    });
  });
}

/** Check `value` is a well-formed seed; returns a normalized deep copy. */
export function validateSeed(value: unknown, source = "seed"): Seed {
  const result = seedSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new SeedError(`invalid seed (${source}): ${pathText(issue.path) || "$"}: ${issue.message}`);
}
