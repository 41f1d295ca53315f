// The concurrent-stacks benchmark: N stacks (separate projects, states, CLIs and provider hosts, as
// N CI runners) reload one data model at the same moment, whole-model or one table each, against an
// emulator with 2 s loads. It reports the loads the emulator started and the slowest stack's `up` as
// a multiple of one lone stack's `up` (the same reload, nobody else writing). The stacks are run by
// scripts/concurrent-stacks.ts, which the reliability suite's concurrent-stacks scenarios use too.

import * as path from "path";
import { startEmulator } from "../../packages/celonis-emulator";
import type { LoadRecord } from "../../packages/celonis-emulator";
import type { DataModelReloadArgs } from "../../provider";
import { openGroup, removeGroup, upAll, type UpRun } from "../concurrent-stacks";
import { overlappingLoads } from "./metrics";

const API_KEY = "bench-api-key";
const LOAD_MS = 2000;
/** The emulator's demo seed: its pool, its "P2P Demo Model" and eight of its tables (by alias). */
const POOL = "d0000000-0000-4000-a000-000000000001";
const MODEL = "d1000000-0000-4000-a000-000000000001";
const TABLES = [
  "ACTIVITIES",
  "CASES",
  "VENDORS",
  "MATERIALS",
  "PURCHASE_ORDERS",
  "ORDER_ITEMS",
  "INVOICES",
  "PAYMENTS",
];

export type Scope = "whole" | "partial";

export interface ConcurrentCase {
  stacks: number;
  scope: Scope;
}

/** The cases measured side by side in one run. */
export const CONCURRENT_CASES: ConcurrentCase[] = [
  { stacks: 4, scope: "whole" },
  { stacks: 4, scope: "partial" },
  { stacks: 8, scope: "whole" },
  { stacks: 8, scope: "partial" },
];

export interface CaseFigures extends ConcurrentCase {
  /** Loads the emulator started on the model. */
  loads: number;
  overlappingLoads: number;
  failedUps: number;
  /** Each stack's `up`, seconds, in stack order. */
  upSeconds: number[];
  slowestUpSeconds: number;
  /** The slowest `up` divided by the lone stack's. */
  slowestVsLone: number;
}

export interface ConcurrentResult {
  loadMs: number;
  lone: { upSeconds: number; loads: number };
  cases: CaseFigures[];
}

/** The figures of one case from its `up`s and the loads of its run. Pure. */
export function caseFigures(
  c: ConcurrentCase,
  runs: UpRun[],
  loads: LoadRecord[],
  loneSeconds: number,
): CaseFigures {
  const upSeconds = runs.map((r) => (r.endedAt - r.startedAt) / 1000);
  const slowest = Math.max(0, ...upSeconds);
  return {
    ...c,
    loads: loads.length,
    overlappingLoads: overlappingLoads(loads),
    failedUps: runs.filter((r) => r.error !== undefined).length,
    upSeconds,
    slowestUpSeconds: slowest,
    slowestVsLone: loneSeconds > 0 ? slowest / loneSeconds : NaN,
  };
}

/** Stack i's resource: the model whole, or its own table. */
function args(scope: Scope): (i: number) => DataModelReloadArgs[] {
  return (i) => [
    {
      poolId: POOL,
      dataModelId: MODEL,
      triggers: ["v1"],
      timeoutSeconds: 120,
      ...(scope === "partial" ? { tables: [TABLES[i % TABLES.length]] } : {}),
    },
  ];
}

/** One case on a fresh emulator: every stack's create at once; its `up`s and the loads started. */
async function runCase(
  c: ConcurrentCase,
  workDir: string,
  verbose: boolean,
): Promise<{ runs: UpRun[]; loads: LoadRecord[] }> {
  const emu = await startEmulator({ port: 0, apiKeys: [API_KEY], loadMs: LOAD_MS });
  const dir = path.join(workDir, `${c.stacks}-${c.scope}`);
  try {
    const group = await openGroup({
      dir,
      count: c.stacks,
      url: emu.url,
      apiKey: API_KEY,
      args: args(c.scope),
    });
    const since = Date.now();
    const print = verbose ? (i: number, line: string) => process.stdout.write(`[${i}] ${line}`) : undefined;
    const runs = await upAll(group, print);
    const loads = emu.loads(MODEL).filter((l) => (l.startDate ?? 0) >= since);
    await removeGroup(group, dir);
    return { runs, loads };
  } finally {
    await emu.stop();
  }
}

const label = (c: ConcurrentCase): string => `N=${c.stacks} ${c.scope}`.padEnd(12);

/** The lone stack (after an unmeasured warm-up), then every case; figures per case. */
export async function runConcurrentStacks(workDir: string, verbose: boolean): Promise<ConcurrentResult> {
  const lone: ConcurrentCase = { stacks: 1, scope: "whole" };
  await runCase(lone, workDir, verbose);
  const alone = await runCase(lone, workDir, verbose);
  const loneSeconds = (alone.runs[0].endedAt - alone.runs[0].startedAt) / 1000;
  console.log(`  lone stack    ${loneSeconds.toFixed(1)} s  ${alone.loads.length} load(s)`);
  const cases: CaseFigures[] = [];
  for (const c of CONCURRENT_CASES) {
    const { runs, loads } = await runCase(c, workDir, verbose);
    const fig = caseFigures(c, runs, loads, loneSeconds);
    cases.push(fig);
    const failed =
      fig.failedUps > 0
        ? `  ${fig.failedUps} up(s) FAILED: ${runs.find((r) => r.error)?.error?.split("\n")[0]}`
        : "";
    console.log(`  ${label(c)}  slowest ${fig.slowestUpSeconds.toFixed(1)} s  ${fig.loads} loads${failed}`);
  }
  return { loadMs: LOAD_MS, lone: { upSeconds: loneSeconds, loads: alone.loads.length }, cases };
}
