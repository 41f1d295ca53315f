// Benchmark: how the client's adaptive poll schedule compares with pycelonis's (0.1 s, 0.3 s, 0.9 s,
// then every 2 s) — status requests per load (API pressure, rate limits) against the lag between a
// load's end and its detection. Part 1 replays both schedules over load durations deterministically;
// part 2 runs both side by side against the emulator in one process and reports measured ratios.
// Run: npm run bench

import { startEmulator, type Emulator } from "../emulator";
import { CelonisClient } from "../provider/celonis/client";
import { nextPollDelayMs } from "../provider/celonis/status";

/** The demo seed's pool and "P2P Demo Model". */
const POOL = "d0000000-0000-4000-a000-000000000001";
const MODEL = "d1000000-0000-4000-a000-000000000001";

const PYCELONIS = (elapsedMs: number): number =>
  elapsedMs < 100 ? 100 : elapsedMs < 400 ? 300 : elapsedMs < 1300 ? 900 : 2000;

/** Polls made and detection lag for a load of `durationMs`, polling from its start with `delay`. */
function replay(durationMs: number, delay: (elapsed: number) => number): { polls: number; lagMs: number } {
  let t = 0;
  let polls = 0;
  for (;;) {
    t += delay(t);
    polls++;
    if (t >= durationMs) return { polls, lagMs: t - durationMs };
  }
}

function part1(): void {
  console.log("Part 1: schedules replayed (deterministic), load detected at the first poll after it ends");
  console.log(
    "duration | pycelonis polls, lag | adaptive (history known) polls, lag | adaptive (no history) polls, lag | polls ratio (known)",
  );
  for (const s of [5, 30, 120, 600, 1800, 3600]) {
    const d = s * 1000;
    const py = replay(d, PYCELONIS);
    const known = replay(d, (e) => nextPollDelayMs(e, d));
    const unknown = replay(d, (e) => nextPollDelayMs(e, null));
    const f = (r: { polls: number; lagMs: number }) => `${r.polls}, ${(r.lagMs / 1000).toFixed(1)}s`;
    console.log(`${s}s | ${f(py)} | ${f(known)} | ${f(unknown)} | ${(known.polls / py.polls).toFixed(2)}`);
  }
}

type Schedule = "pycelonis" | "adaptive";

/** One load of `durationMs` waited for with one schedule: status GETs made, and ms from its end to its detection. */
async function measure(
  emu: Emulator,
  client: CelonisClient,
  schedule: Schedule,
  durationMs: number,
): Promise<{ gets: number; lag: number }> {
  emu.setBehaviour(MODEL, { durationMs });
  const before = await client.getLastLoad(POOL, MODEL);
  const previousLoadId = before?.dataLoadId ?? null;
  emu.clearRequests();
  const triggeredAt = Date.now();
  await client.triggerLoad(
    POOL,
    MODEL,
    { kind: "COMPLETE" },
    { previousLoadId, triggeredAt, deadline: triggeredAt + 60_000 },
  );
  const start = Date.now();
  let load;
  if (schedule === "adaptive") {
    const match = { previousLoadId, triggeredAt };
    load = (await client.waitForLoad(POOL, MODEL, { match, deadline: start + 60_000 })).load;
  } else {
    for (;;) {
      await new Promise((r) => setTimeout(r, PYCELONIS(Date.now() - start)));
      load = await client.getLastLoad(POOL, MODEL);
      if (load && load.dataLoadId !== previousLoadId && load.loadStatus !== "RUNNING") break;
    }
  }
  const detected = Date.now();
  return {
    gets: emu.requests().filter((q) => q.method === "GET").length,
    lag: detected - (load?.endDate ?? detected),
  };
}

async function part2(): Promise<void> {
  console.log("\nPart 2: measured against the emulator, both clients alternating in one run");
  const key = "bench-key";
  const emu = await startEmulator({ port: 0, apiKeys: [key] });
  const client = new CelonisClient({ url: emu.url, auth: { kind: "bearer", token: key } });
  try {
    console.log("load | schedule | status GETs | lag after end (ms)");
    for (const durationMs of [1500, 6000]) {
      const totals: Record<Schedule, { gets: number; lag: number }> = {
        pycelonis: { gets: 0, lag: 0 },
        adaptive: { gets: 0, lag: 0 },
      };
      const reps = 2;
      for (let rep = 0; rep < reps; rep++) {
        for (const schedule of ["pycelonis", "adaptive"] as const) {
          const m = await measure(emu, client, schedule, durationMs);
          totals[schedule].gets += m.gets;
          totals[schedule].lag += m.lag;
        }
      }
      for (const [name, t] of Object.entries(totals))
        console.log(
          `${durationMs / 1000}s | ${name} | ${(t.gets / reps).toFixed(1)} | ${Math.round(t.lag / reps)}`,
        );
      console.log(
        `${durationMs / 1000}s | ratio adaptive/pycelonis | ${(totals.adaptive.gets / totals.pycelonis.gets).toFixed(2)} | ` +
          `${(totals.adaptive.lag / Math.max(1, totals.pycelonis.lag)).toFixed(2)}`,
      );
    }
  } finally {
    client.close();
    await emu.stop();
  }
}

part1();
part2().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
