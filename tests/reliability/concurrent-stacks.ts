// Scenarios of several stacks reloading one data model at the same moment, each a separate CI
// runner (own project, own state, own CLI and provider host: scripts/concurrent-stacks.ts). Every
// stack is another writer to the others. Whole-model reloads may share a load: a COMPLETE load that
// started after a stack's change was ready covers it. Partial reloads keep their own loads. Counted
// from the emulator's side, like every scenario (harness.ts), into the same summary line.

import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import type { LoadRecord } from "../../provider/celonis/types";
import type { DataModelReloadArgs } from "../../provider";
import { openGroup, removeGroup, upAll, type GroupStack, type UpRun } from "../../scripts/concurrent-stacks";
import { REPO_ROOT } from "../../scripts/stack";
import { DEMO, TEST_API_KEY, waitForFinished } from "../helpers/emulator";
import { orphans, tally } from "./harness";

export interface ConcurrentScenario {
  name: string;
  stacks: number;
  /** The resources of stack i. */
  args: (i: number) => DataModelReloadArgs[];
  /** Most loads the first round may start in all. */
  maxLoads: number;
  /** Fewest loads the first round must start (each partial stack its own). */
  minLoads: number;
  /** PARTIAL: the tables each stack names must each be in a successful load's request. */
  tables?: (i: number) => string[];
}

const TABLE_NAMES = Object.keys(DEMO.tables) as (keyof typeof DEMO.tables)[];

/** The demo model reloaded whole by every stack (60 s deadline, the default onBusy "wait"). */
const whole = (): DataModelReloadArgs[] => [
  { poolId: DEMO.pool, dataModelId: DEMO.model, triggers: ["v1"], timeoutSeconds: 60 },
];
/** Stack i reloads one table of its own. */
const ownTable = (i: number): DataModelReloadArgs[] => [{ ...whole()[0], tables: [TABLE_NAMES[i]] }];

export const CONCURRENT_STACK_SCENARIOS: ConcurrentScenario[] = [
  {
    name: "other writers: four stacks reload one model whole at once: at most two loads cover them all",
    stacks: 4,
    args: whole,
    maxLoads: 2,
    minLoads: 1,
  },
  {
    name: "other writers: four stacks reload one table each of one model at once: a load each, no table lost",
    stacks: 4,
    args: ownTable,
    maxLoads: 4,
    minLoads: 4,
    tables: (i) => [DEMO.tables[TABLE_NAMES[i]]],
  },
];

/** The demo model's loads that started at or after `since`, by start date. */
function loadsSince(emu: Emulator, since: number): LoadRecord[] {
  return emu
    .loads(DEMO.model)
    .filter((l) => l.dataLoadId !== DEMO.seededLoadId && (l.startDate ?? 0) >= since)
    .sort((a, b) => (a.startDate ?? 0) - (b.startDate ?? 0));
}

/** What is wrong with the first round: its `up`s, their plan loads, the loads' count and overlap. */
export function firstRoundProblems(s: ConcurrentScenario, runs: UpRun[], loads: LoadRecord[]): string[] {
  const problems: string[] = [];
  if (loads.length > s.maxLoads)
    problems.push(`${loads.length} loads started, at most ${s.maxLoads} expected`);
  if (loads.length < s.minLoads)
    problems.push(`${loads.length} loads started, at least ${s.minLoads} expected`);
  for (const [a, b] of loads.slice(1).map((l, i) => [loads[i], l]))
    if ((b.startDate ?? 0) < (a.endDate ?? Infinity))
      problems.push(`loads ${a.dataLoadId} and ${b.dataLoadId} overlap`);
  for (const run of runs) problems.push(...runProblems(run, loads));
  return problems;
}

/** A stack's `up` must succeed, done, on a successful load of the round that started after it began. */
function runProblems(run: UpRun, loads: LoadRecord[]): string[] {
  const who = `stack ${run.index}`;
  if (run.error) return [`${who}: up failed: ${run.error.slice(0, 600)}`];
  return run.reloads.flatMap((r) => {
    const load = loads.find((l) => l.dataLoadId === r.planLoad?.loadId);
    if (r.planStatus !== "done") return [`${who}: planStatus ${r.planStatus}, expected done`];
    if (!load) return [`${who}: planLoad names ${r.planLoad?.loadId}, not a load of this round`];
    if (load.loadStatus !== "SUCCESS")
      return [`${who}: its load ${load.dataLoadId} ended ${load.loadStatus}`];
    if ((load.startDate ?? 0) < run.startedAt)
      return [`${who}: its load ${load.dataLoadId} started before its up began`];
    return [];
  });
}

/** Tables the scenario's stacks name that no successful partial-sync request of the round carried. */
function lostTables(s: ConcurrentScenario, emu: Emulator, since: number): string[] {
  if (!s.tables) return [];
  const loaded = new Set(
    emu
      .requests()
      .filter(
        (r) => r.time >= since && r.method === "POST" && r.path.endsWith("/partial-sync") && r.status < 300,
      )
      .flatMap((r) => (Array.isArray(r.body) ? (r.body as string[]) : [])),
  );
  const wanted = Array.from({ length: s.stacks }, (_, i) => s.tables?.(i) ?? []).flat();
  return wanted.filter((t) => !loaded.has(t));
}

/** The first round (every stack's create at once), then a second round with no change: no load. */
async function rounds(s: ConcurrentScenario, emu: Emulator, group: GroupStack[]): Promise<string[]> {
  const since = Date.now();
  const first = await upAll(group);
  const loads = loadsSince(emu, since);
  const problems = firstRoundProblems(s, first, loads);
  const lost = lostTables(s, emu, since);
  if (lost.length > 0) problems.push(`tables never loaded: ${lost.join(", ")}`);
  tally.duplicateLoads += Math.max(0, loads.length - s.maxLoads);
  // Lost: recorded done without a successful load of the round (a failed up fails the scenario).
  const covered = (id: string | null | undefined) =>
    loads.some((l) => l.dataLoadId === id && l.loadStatus === "SUCCESS");
  tally.lostReloads += first.filter((r) =>
    r.reloads.some((x) => x.planStatus === "done" && !covered(x.planLoad?.loadId)),
  ).length;
  await waitForFinished(emu, DEMO.model, 60_000).catch(() => undefined);
  const again = Date.now();
  const second = await upAll(group);
  const more = loadsSince(emu, again);
  if (more.length > 0) problems.push(`the no-change round started ${more.length} loads`);
  tally.duplicateLoads += more.length;
  for (const r of second)
    if (r.error) problems.push(`stack ${r.index}, no-change up failed: ${r.error.slice(0, 600)}`);
  return problems;
}

/** Runs one concurrent-stacks scenario against its own emulator (2 s loads) and counts it. */
export async function runConcurrentScenario(s: ConcurrentScenario): Promise<void> {
  tally.scenarios += 1;
  const slug = s.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
  const dir = path.join(REPO_ROOT, ".test-work", "reliability", slug);
  const emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 2000 });
  const problems: string[] = [];
  let group: GroupStack[] = [];
  try {
    group = await openGroup({ dir, count: s.stacks, url: emu.url, apiKey: TEST_API_KEY, args: s.args });
    problems.push(...(await rounds(s, emu, group)));
  } finally {
    for (const g of group) problems.push(...(await orphans(g.workDir)));
    await emu.stop();
  }
  if (problems.length > 0) throw new Error(`${s.name}:\n  ${problems.join("\n  ")}`);
  await removeGroup(group, dir);
  tally.passed += 1;
  tally.otherWriters += 1;
}
