// Benchmark: how the client's adaptive poll schedule compares with pycelonis's (0.1 s, 0.3 s, 0.9 s,
// then every 2 s) — status requests per load (API pressure, rate limits) against the lag between a
// load's end and its detection. Part 1 replays both schedules over load durations deterministically;
// part 2 runs both side by side against the emulator in one process and reports measured ratios.
// Run: npm run bench

import { startEmulator } from "../emulator";
import { CelonisClient } from "../provider/celonis/client";
import { nextPollDelayMs } from "../provider/celonis/status";

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

async function part2(): Promise<void> {
  console.log("\nPart 2: measured against the emulator, both clients alternating in one run");
  const key = "bench-key";
  const emu = await startEmulator({ port: 0, apiKeys: [key] });
  const pool = "d0000000-0000-4000-a000-000000000001";
  const model = "d1000000-0000-4000-a000-000000000001";
  const client = new CelonisClient({ url: emu.url, auth: { kind: "bearer", token: key } });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    console.log("load | schedule | status GETs | lag after end (ms)");
    for (const durationMs of [1500, 6000]) {
      const totals: Record<string, { gets: number; lag: number; n: number }> = {};
      for (let rep = 0; rep < 2; rep++) {
        for (const name of ["pycelonis", "adaptive"]) {
          emu.setBehaviour(model, { durationMs });
          const before = await client.getLastLoad(pool, model);
          emu.clearRequests();
          const triggeredAt = Date.now();
          const previousLoadId = before?.dataLoadId ?? null;
          await client.triggerLoad(
            pool,
            model,
            { kind: "COMPLETE" },
            { previousLoadId, triggeredAt, deadline: triggeredAt + 60_000 },
          );
          const start = Date.now();
          let load;
          if (name === "adaptive") {
            const r = await client.waitForLoad(pool, model, {
              match: { previousLoadId, triggeredAt },
              deadline: start + 60_000,
            });
            load = r.load;
          } else {
            for (;;) {
              await sleep(PYCELONIS(Date.now() - start));
              load = await client.getLastLoad(pool, model);
              if (load && load.dataLoadId !== before?.dataLoadId && load.loadStatus !== "RUNNING") break;
            }
          }
          const detected = Date.now();
          const gets = emu.requests().filter((q) => q.method === "GET").length;
          const t = (totals[name] ??= { gets: 0, lag: 0, n: 0 });
          t.gets += gets;
          t.lag += detected - (load?.endDate ?? detected);
          t.n++;
        }
      }
      for (const [name, t] of Object.entries(totals)) {
        console.log(
          `${durationMs / 1000}s | ${name} | ${(t.gets / t.n).toFixed(1)} | ${Math.round(t.lag / t.n)}`,
        );
      }
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
