// Runs many histories (or replays one) and says what they found: the summary line the test layer
// and CI read ("simulated N histories · violations V"), each violation with its seed and, replayed
// with the trace on, the readable event trace.

import { simulate, type HistoryResult, type SimOptions } from "./history";

/** What a run of many histories found. */
export interface RunSummary {
  histories: number;
  violating: HistoryResult[];
  ms: number;
  line: string;
}

/** Runs `count` histories from `firstSeed` on. */
export async function runHistories(
  count: number,
  opts: SimOptions,
  how: { firstSeed?: number; stopAtFirst?: boolean; onViolation?: (text: string) => void } = {},
): Promise<RunSummary> {
  const started = Date.now();
  const violating: HistoryResult[] = [];
  let n = 0;
  for (let seed = how.firstSeed ?? 1; n < count; seed++, n++) {
    const r = await simulate(seed, { ...opts, tracing: false });
    if (r.violations.length === 0) continue;
    violating.push(r);
    how.onViolation?.((await replaySeed(seed, opts)).text);
    if (how.stopAtFirst) {
      n++;
      break;
    }
  }
  const ms = Date.now() - started;
  const rate = (n / (ms / 1000)).toFixed(0);
  const line = `simulated ${n} histories · violations ${violating.length} (${(ms / 1000).toFixed(1)} s, ${rate} histories/s${opts.matcher === "five-minute" ? ", five-minute matcher" : ""})`;
  return { histories: n, violating, ms, line };
}

/** Replays one seed with its trace: the text to print, and its violations. */
export async function replaySeed(seed: number, opts: SimOptions): Promise<{ text: string; violations: string[] }> {
  const r = await simulate(seed, { ...opts, tracing: true });
  const head = r.violations.length
    ? `VIOLATION in seed ${seed} (replay: npm run simulate -- --seed ${seed} --trace${opts.matcher === "five-minute" ? " --five-minute-matcher" : ""})`
    : `seed ${seed}: no violation`;
  const body = opts.tracing || r.violations.length ? `\n${r.trace!.join("\n")}` : "";
  return { text: `${head}\n${r.violations.map((v) => `  ✗ ${v}`).join("\n")}${body}`, violations: r.violations };
}
