// The benchmark's large stack, as data: an emulator seed with N data models (each with a table for
// every resource's own tables and a load history of `loadMs` loads, so a history-aware poll schedule
// has something to go on), the resources that reload them, and the inline Pulumi program declaring
// those resources. Generated rather than stored, so the shape can be changed with one number.

import type { Seed, SeedLoad } from "../../packages/celonis-emulator";
import type { DataModelReload } from "../../provider";

export interface StackShape {
  models: number;
  resourcesPerModel: number;
  tablesPerResource: number;
  /** How long every load takes in the emulator, and the length of the seeded history. */
  loadMs: number;
}

export const LARGE_STACK: StackShape = {
  models: 20,
  resourcesPerModel: 3,
  tablesPerResource: 2,
  loadMs: 2000,
};

export const BENCH_POOL = "b0000000-0000-4000-a000-000000000001";

/** One DataModelReload of the stack. */
export interface BenchResource {
  name: string;
  modelId: string;
  /** Table names (the resource's own; no two resources share one). */
  tables: string[];
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0");

/** The id of the i-th model (0-based): a UUID like the demo seed's. */
export const modelId = (i: number): string => `b1000000-0000-4000-a000-${hex(i + 1, 12)}`;
/** "m01", "m02", …: the model's label in resource names, tables and the timeline. */
export const modelLabel = (i: number): string => `m${String(i + 1).padStart(2, "0")}`;
const tableName = (t: number): string => `T${String(t + 1).padStart(2, "0")}`;

/** Every resource of the stack, model by model: `m01-r1`, `m01-r2`, … each on its own tables. */
export function benchResources(shape: StackShape): BenchResource[] {
  const out: BenchResource[] = [];
  for (let m = 0; m < shape.models; m++) {
    for (let r = 0; r < shape.resourcesPerModel; r++) {
      const first = r * shape.tablesPerResource;
      const tables = Array.from({ length: shape.tablesPerResource }, (_, k) => tableName(first + k));
      out.push({ name: `${modelLabel(m)}-r${r + 1}`, modelId: modelId(m), tables });
    }
  }
  return out;
}

/** Past loads of `loadMs`: three of each type a resource may run, all SUCCESS. */
function history(loadMs: number): SeedLoad[] {
  return [60, 120, 180].flatMap((minutes) => [
    { loadType: "PARTIAL", loadStatus: "SUCCESS", startedMinutesAgo: minutes, durationMs: loadMs },
    { loadType: "COMPLETE", loadStatus: "SUCCESS", startedMinutesAgo: minutes + 30, durationMs: loadMs },
  ]);
}

/** The emulator seed: one pool, `models` data models, each with every table its resources use. */
export function benchSeed(shape: StackShape): Seed {
  const tablesPerModel = shape.resourcesPerModel * shape.tablesPerResource;
  const dataModels = Array.from({ length: shape.models }, (_, m) => ({
    id: modelId(m),
    name: `Bench model ${modelLabel(m)}`,
    tables: Array.from({ length: tablesPerModel }, (_, t) => ({
      id: `b2000000-0000-4000-a${hex(m + 1, 3)}-${hex(t + 1, 12)}`,
      name: tableName(t),
      rowCount: 1000,
    })),
    history: history(shape.loadMs),
  }));
  return { pools: [{ id: BENCH_POOL, name: "Bench Pool", dataModels }] };
}

/** What a deployment of the stack declares: one `triggers` value shared by every resource. */
export interface StackInputs {
  version: string;
  reloadOnCreate: boolean;
}

/** The DataModelReload class: this checkout's, or (what users run) an installed copy's. */
export type ReloadClass = typeof DataModelReload;

/** The inline program: every resource of `resources`, with the inputs `current()` gives at each run. */
export function stackProgram(
  resources: BenchResource[],
  current: () => StackInputs,
  Reload: ReloadClass,
): () => Promise<void> {
  return async () => {
    const { version, reloadOnCreate } = current();
    for (const r of resources) {
      new Reload(r.name, {
        poolId: BENCH_POOL,
        dataModelId: r.modelId,
        tables: r.tables,
        triggers: [version],
        reloadOnCreate,
      });
    }
  };
}
