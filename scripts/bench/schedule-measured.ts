// The poll schedules measured rather than replayed: loads of known length in the emulator, waited for
// with the provider's real client (its schedule, its history lookup) and with pycelonis's loop, taking
// turns in one process. Models carry a load history, and loads end at 0.75×, 1× and 1.25× of it.

import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import type { CelonisClient } from "../../provider/celonis/client";
import { spread } from "./metrics";
import { lastLoad, providerClient, trigger, waitForLoad } from "./provider-adapter";
import { PYCELONIS } from "./schedule";
import { BENCH_POOL, benchSeed, modelId } from "./stack-shape";

const API_KEY = "bench-api-key";
const MODEL = modelId(0);
const ENDED = new Set(["SUCCESS", "WARNING", "ERROR", "CANCELED"]);
const SCHEDULES = ["provider", "pycelonis"] as const;
type Schedule = (typeof SCHEDULES)[number];

export interface MeasuredRow {
  historySeconds: number;
  durationSeconds: number;
  schedule: Schedule;
  /** Medians over the repetitions: status reads made by the wait, and lag after the load's end. */
  requests: number;
  lagSeconds: number;
}

/** pycelonis's wait: read the last load, sleep 0.1 s, 0.3 s, 0.9 s, then 2 s, until it ended. */
async function pycelonisWait(client: CelonisClient, previousLoadId: string | null) {
  const start = Date.now();
  for (;;) {
    const load = await lastLoad(client, BENCH_POOL, MODEL);
    if (load && load.dataLoadId !== previousLoadId && ENDED.has(load.loadStatus)) return load;
    await new Promise((r) => setTimeout(r, PYCELONIS(Date.now() - start)));
  }
}

/** One load of `durationMs` waited for with `schedule`: its status reads, and ms from end to detection. */
async function measureOne(emu: Emulator, client: CelonisClient, schedule: Schedule, durationMs: number) {
  emu.setBehaviour(MODEL, { durationMs });
  const previousLoadId = (await lastLoad(client, BENCH_POOL, MODEL))?.dataLoadId ?? null;
  const triggeredAt = await trigger(client, BENCH_POOL, MODEL, previousLoadId);
  const waitStart = Date.now();
  const load =
    schedule === "provider"
      ? await waitForLoad(client, BENCH_POOL, MODEL, previousLoadId, triggeredAt)
      : await pycelonisWait(client, previousLoadId);
  const detected = Date.now();
  const reads = emu.requests().filter((q) => q.method === "GET" && q.time >= waitStart).length;
  return { requests: reads, lagMs: detected - (load?.endDate ?? detected) };
}

/** Loads at 0.75×, 1× and 1.25× of a `historyMs` history, each schedule in turn, `reps` times. */
async function measureHistory(historyMs: number, reps: number): Promise<MeasuredRow[]> {
  const seed = benchSeed({ models: 1, resourcesPerModel: 1, tablesPerResource: 1, loadMs: historyMs });
  const emu = await startEmulator({ port: 0, apiKeys: [API_KEY], seed });
  const client = providerClient(emu.url, API_KEY);
  const rows: MeasuredRow[] = [];
  try {
    for (const factor of [0.75, 1, 1.25]) {
      const runs = new Map<Schedule, { requests: number; lagMs: number }[]>(SCHEDULES.map((s) => [s, []]));
      for (let rep = 0; rep < reps; rep++)
        for (const s of rep % 2 === 0 ? SCHEDULES : [...SCHEDULES].reverse()) {
          emu.clearRequests();
          runs.get(s)!.push(await measureOne(emu, client, s, historyMs * factor));
        }
      for (const [schedule, ms] of runs)
        rows.push({
          historySeconds: historyMs / 1000,
          durationSeconds: (historyMs * factor) / 1000,
          schedule,
          requests: spread(ms.map((m) => m.requests)).median,
          lagSeconds: spread(ms.map((m) => m.lagMs / 1000)).median,
        });
    }
  } finally {
    client.close();
    await emu.stop();
  }
  return rows;
}

/** Every measured row, for histories of 2 s and 6 s. */
export async function measureSchedules(reps: number): Promise<MeasuredRow[]> {
  const rows: MeasuredRow[] = [];
  for (const historyMs of [2000, 6000]) rows.push(...(await measureHistory(historyMs, reps)));
  return rows;
}
