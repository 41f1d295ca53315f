// `npm run simulate`: runs seeded histories of the reload protocol (history.ts) and reports
// violations of the exactly-once promise, each with its seed; `--seed N --trace` replays one with
// its event trace. Options: --histories N (default 1000), --seed N, --trace, --five-minute-matcher
// (the old matcher, which must fail), --max-offset-minutes M (default 10), --scenario NAME,
// --allow-known (count the known open defects of run.ts apart), --first-seed N, --stop-at-first.

import { runHistories, replaySeed, type RunSummary } from "./run";
import { SCENARIOS } from "./scenarios";
import type { SimOptions } from "./history";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const has = (name: string): boolean => process.argv.includes(`--${name}`);

async function main(): Promise<void> {
  const opts: SimOptions = {
    matcher: has("five-minute-matcher") ? "five-minute" : "ours",
    maxOffsetMs: Number(arg("max-offset-minutes") ?? 10) * 60_000,
    tracing: has("trace"),
    allowKnown: has("allow-known"),
  };
  const scenario = arg("scenario");
  if (scenario) {
    const run = SCENARIOS[scenario];
    if (!run) throw new Error(`unknown scenario ${scenario}; known: ${Object.keys(SCENARIOS).join(", ")}`);
    const r = await run(opts);
    if (r.trace) console.log(r.trace.join("\n"));
    console.log(r.violations.length ? r.violations.join("\n") : `scenario ${scenario}: no violation`);
    process.exitCode = r.violations.length ? 1 : 0;
    return;
  }
  const seed = arg("seed");
  if (seed !== undefined) {
    const r = await replaySeed(Number(seed), opts);
    console.log(r.text);
    process.exitCode = r.violations.length ? 1 : 0;
    return;
  }
  const summary: RunSummary = await runHistories(Number(arg("histories") ?? 1000), opts, {
    firstSeed: Number(arg("first-seed") ?? 1),
    stopAtFirst: has("stop-at-first"),
    onViolation: (text) => console.log(text),
  });
  console.log(summary.line);
  process.exitCode = summary.violating.length ? 1 : 0;
}

void main();
