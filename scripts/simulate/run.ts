// Runs many histories (or replays one) and says what they found: the summary line the test layer
// and CI read ("simulated N histories · violations V"), each violation with its seed and, replayed
// with the trace on, the readable event trace.

import { simulate, type HistoryResult, type SimOptions } from "./history";

/**
 * Open defects the simulator found in the provider, by what their violation says: with
 * `allowKnown`, histories showing only these are counted apart (so the test layer guards against
 * everything else) until they are fixed. Each names a seed to replay.
 */
export const KNOWN_DEFECTS: { pattern: RegExp; what: string; seed: number }[] = [];

/** The known defect a violation shows, or null. */
export function knownDefect(violation: string): string | null {
  return KNOWN_DEFECTS.find((d) => d.pattern.test(violation))?.what ?? null;
}

/** What a run of many histories found. */
export interface RunSummary {
  histories: number;
  violating: HistoryResult[];
  /** Seeds whose only violations were known open defects (with allowKnown). */
  known: number[];
  ms: number;
  /** Second loads the invariant accepted: the provider had said the change may be loaded twice. */
  ambiguous: number;
  line: string;
}

/** Runs `count` histories from `firstSeed` on. */
export async function runHistories(
  count: number,
  opts: SimOptions,
  how: { firstSeed?: number; stopAtFirst?: boolean; onViolation?: (text: string) => void } = {},
): Promise<RunSummary> {
  const started = Date.now();
  const cpu = process.cpuUsage();
  const violating: HistoryResult[] = [];
  const known: number[] = [];
  let n = 0;
  let ambiguous = 0;
  let loads = 0;
  for (let seed = how.firstSeed ?? 1; n < count; seed++, n++) {
    const r = await simulate(seed, { ...opts, tracing: false });
    ambiguous += r.ambiguous;
    loads += r.loads;
    if (r.violations.length === 0) continue;
    if (opts.allowKnown && r.violations.every((v) => knownDefect(v))) {
      known.push(seed);
      continue;
    }
    violating.push(r);
    how.onViolation?.((await replaySeed(seed, opts)).text);
    if (how.stopAtFirst) {
      n++;
      break;
    }
  }
  const ms = Date.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = ((used.user + used.system) / 1e6).toFixed(1);
  const rate = (n / (ms / 1000)).toFixed(0);
  const line = `simulated ${n} histories · violations ${violating.length} (${(ms / 1000).toFixed(1)} s, cpu ${cpuSeconds} s, ${rate} histories/s${opts.matcher === "five-minute" ? ", five-minute matcher" : ""})`;
  const apart = opts.allowKnown
    ? ` · known open defects in ${known.length} (seeds ${known.slice(0, 5).join(", ")}${known.length > 5 ? ", …" : ""})`
    : "";
  const twice = ` · ambiguous second loads ${ambiguous} of ${loads} the stacks started`;
  return { histories: n, violating, known, ms, ambiguous, line: line + twice + apart };
}

/** Replays one seed with its trace: the text to print, and its violations. */
export async function replaySeed(
  seed: number,
  opts: SimOptions,
): Promise<{ text: string; violations: string[] }> {
  const r = await simulate(seed, { ...opts, tracing: true });
  const head = r.violations.length
    ? `VIOLATION in seed ${seed} (replay: npm run simulate -- --seed ${seed} --max-offset-minutes ${opts.maxOffsetMs / 60_000} --trace${opts.matcher === "five-minute" ? " --five-minute-matcher" : ""})`
    : `seed ${seed}: no violation`;
  const body = opts.tracing || r.violations.length ? `\n${r.trace!.join("\n")}` : "";
  return {
    text: `${head}\n${r.violations.map((v) => `  ✗ ${v}`).join("\n")}${body}`,
    violations: r.violations,
  };
}
