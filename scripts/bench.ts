// `npm run bench`: the measurements behind the large-stack and polling targets, in one command on a fresh clone. Two parts:
//   schedule – the provider's status polling against pycelonis's schedule (replayed over load lengths
//              with the provider's real poll function, and measured against the emulator);
//   stack    – the large stack (20 data models × 3 DataModelReload resources, 2 s loads) through the
//              real CLI: Pulumi's own cost, create, update, no-change, preview; at the CLI's default
//              parallelism and at --parallel 64, medians of interleaved runs, and the targets.
// Prints Markdown tables, writes every figure to docs/bench/results.json (the part not run is kept
// from the previous file) and the loads' timeline to docs/bench/timeline.svg.
//
//   npm run bench                      # both parts, 3 runs of the large stack (about 5.5 min on 2 cores)
//   npm run bench -- --quick           # 1 run, 1 repetition of the measured schedules (about 2.5 min)
//   npm run bench -- --only stack      # or: --only schedule;  --runs N;  --verbose (CLI output)
//   npm run bench -- --concurrent-stacks   # only: 4 and 8 stacks reloading one model at once (~2.5 min)

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { runConcurrentStacks } from "./bench/concurrent-stacks";
import { runLargeStack, WIDE_PARALLEL, type RunResult } from "./bench/large-stack";
import * as report from "./bench/report";
import { replaySchedules, scheduleTargets } from "./bench/schedule";
import { measureSchedules } from "./bench/schedule-measured";
import { benchResources, LARGE_STACK, modelId, modelLabel } from "./bench/stack-shape";
import { largeStackTargets, summarize, type PhaseSummary } from "./bench/summary";
import { timelinePanels, timelineSvg } from "./bench/timeline-svg";
import { ensureToolchain, PULUMI_DIR, REPO_ROOT } from "./stack";

interface Options {
  parts: { stack: boolean; schedule: boolean; concurrent: boolean };
  runs: number;
  reps: number;
  quick: boolean;
  verbose: boolean;
  outDir: string;
}

const USAGE =
  "usage: npm run bench -- [--quick] [--only stack|schedule] [--concurrent-stacks] [--runs N] [--out DIR] [--verbose]";

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      runs: { type: "string" },
      out: { type: "string", default: path.join(REPO_ROOT, "docs", "bench") },
      verbose: { type: "boolean", default: false },
      "concurrent-stacks": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.only !== undefined && values.only !== "stack" && values.only !== "schedule")
    throw new Error(`--only must be "stack" or "schedule", not "${values.only}"\n${USAGE}`);
  const concurrent = values["concurrent-stacks"];
  if (concurrent && values.only !== undefined)
    throw new Error(`--concurrent-stacks runs alone, without --only\n${USAGE}`);
  const runs = values.runs === undefined ? (values.quick ? 1 : 3) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a whole number ≥ 1, not "${values.runs}"`);
  return {
    parts: concurrent
      ? { stack: false, schedule: false, concurrent }
      : { stack: values.only !== "schedule", schedule: values.only !== "stack", concurrent },
    runs,
    reps: values.quick ? 1 : 2,
    quick: values.quick,
    verbose: values.verbose,
    outDir: path.resolve(values.out),
  };
}

/** What the figures are of: the checkout's commit (and whether provider/ or emulator/ differ from
 * it), the machine (with what `pulumi version` says of the CLI; null when none is set up), the mode,
 * the start time. */
function provenance(opts: Options): Record<string, unknown> {
  const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  let pulumi: string | null = null;
  try {
    pulumi = run(path.join(PULUMI_DIR, "bin", "pulumi"), ["version"]).replace(/^v/, "");
  } catch {
    // no CLI: a schedule-only run
  }
  const machine = { cpus: os.availableParallelism(), node: process.version, pulumi };
  const base = { generatedAt: new Date().toISOString(), quick: opts.quick, machine };
  try {
    const git = (...args: string[]) => run("git", args);
    const dirty = git("status", "--porcelain", "provider", "packages/celonis-emulator") !== "";
    return { commit: git("rev-parse", "--short", "HEAD"), dirty, ...base };
  } catch {
    return { commit: null, dirty: null, ...base };
  }
}

/** The CLI's default `--parallel` by its own rule (pkg/cmd/pulumi/operations/up.go, v3.248.0):
 * PULUMI_PARALLEL if set, else 4 × GOMAXPROCS (Go ≥ 1.25: the CPUs, capped by a cgroup CPU quota). */
function derivedDefaultParallelism(): { value: number; how: string } {
  const env = Number(process.env.PULUMI_PARALLEL);
  if (Number.isInteger(env) && env > 0) return { value: env, how: "PULUMI_PARALLEL" };
  let cpus = os.availableParallelism();
  try {
    const [quota, period] = fs.readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(/\s+/);
    if (quota !== "max") cpus = Math.min(cpus, Math.ceil(Number(quota) / Number(period)));
  } catch {
    // no cgroup v2 quota: GOMAXPROCS is the CPU count
  }
  return { value: 4 * cpus, how: `4 × GOMAXPROCS (${cpus} CPUs)` };
}

async function schedulePart(opts: Options, prov: Record<string, unknown>): Promise<Record<string, unknown>> {
  console.log("\n## Poll schedule vs pycelonis (0.1 s, 0.3 s, 0.9 s, then every 2 s)\n");
  const replay = replaySchedules();
  report.printReplay(replay);
  console.log("");
  const measured = await measureSchedules(opts.reps);
  report.printMeasured(measured, opts.reps);
  const targets = scheduleTargets(replay);
  console.log("");
  report.printTargets(targets);
  return { ...prov, replay, measured, reps: opts.reps, targets };
}

/** The run whose create at the default parallelism took the median time: the one the SVG draws. */
function medianRun(runs: RunResult[]): RunResult {
  const wall = (r: RunResult) => r.metrics.find((m) => m.phase === "create-default")?.wallSeconds ?? 0;
  const sorted = [...runs].sort((a, b) => wall(a) - wall(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function writeTimeline(
  opts: Options,
  commit: unknown,
  run: RunResult,
  phases: PhaseSummary[],
  slots: number,
): string {
  const modelIds = Array.from({ length: LARGE_STACK.models }, (_, i) => modelId(i));
  const label = (r: RunResult["records"][number]) =>
    `${report.phaseLabel(r.phase, slots)}: ${(r.wallMs / 1000).toFixed(1)} s, ${r.loads.length} loads`;
  const panels = timelinePanels(run.records, modelIds, label);
  const title =
    `Loads per data model, ${LARGE_STACK.models} models × ${LARGE_STACK.resourcesPerModel} resources, ` +
    `${LARGE_STACK.loadMs / 1000} s loads (run ${run.run} of ${phases[0]?.runs ?? 1}${commit ? `, ${String(commit)}` : ""})`;
  const rows = Array.from({ length: LARGE_STACK.models }, (_, i) => modelLabel(i));
  const file = path.join(opts.outDir, "timeline.svg");
  fs.writeFileSync(file, timelineSvg(title, rows, panels));
  return path.relative(REPO_ROOT, file);
}

async function largeStackPart(
  opts: Options,
  prov: Record<string, unknown>,
): Promise<{ json: Record<string, unknown>; failed: boolean }> {
  console.log(
    `\n## Large stack: ${LARGE_STACK.models} models × ${LARGE_STACK.resourcesPerModel} resources\n`,
  );
  const workDir = path.join(REPO_ROOT, ".test-work", "bench");
  const runs = await runLargeStack({ runs: opts.runs, shape: LARGE_STACK, workDir, verbose: opts.verbose });
  const phases = summarize(runs.map((r) => r.metrics));
  const derived = derivedDefaultParallelism();
  const measured = phases.find((p) => p.phase === "create-default")?.maxInFlight ?? 0;
  const slots = measured > 0 ? measured : derived.value;
  const drawn = medianRun(runs);
  const resources = benchResources(LARGE_STACK).length;
  const targets = largeStackTargets(phases, {
    loadSeconds: LARGE_STACK.loadMs / 1000,
    resources,
    defaultSlots: slots,
    state: drawn.state.afterCreate,
  });
  console.log(
    `\nMedians of ${opts.runs} interleaved run(s); default parallelism: ${derived.value} by the CLI's rule (${derived.how}), ${measured} steps at once measured.\n`,
  );
  report.printPhases(phases, slots);
  console.log("");
  report.printRequestKinds(phases);
  console.log("");
  report.printLag(phases);
  console.log("");
  report.printState("after create", drawn.state.afterCreate);
  report.printState("after update", drawn.state.afterUpdate);
  console.log("");
  report.printTargets(targets);
  const timeline = writeTimeline(opts, prov.commit, drawn, phases, slots);
  console.log(`\ntimeline: ${timeline}`);
  const json = {
    ...prov,
    shape: LARGE_STACK,
    runs: opts.runs,
    defaultParallelism: {
      derived: derived.value,
      how: derived.how,
      measuredStepsAtOnce: measured,
      used: slots,
    },
    wideParallelism: WIDE_PARALLEL,
    phases,
    state: drawn.state,
    targets,
    timeline: { file: timeline, run: drawn.run },
    perRun: runs.map((r) => ({ run: r.run, order: r.order, state: r.state, phases: r.metrics })),
  };
  return { json, failed: phases.some((p) => p.failedRuns > 0) };
}

async function concurrentPart(
  opts: Options,
  prov: Record<string, unknown>,
): Promise<{ json: Record<string, unknown>; failed: boolean }> {
  console.log("\n## Concurrent stacks: N stacks reload one data model at the same moment\n");
  const result = await runConcurrentStacks(
    path.join(REPO_ROOT, ".test-work", "bench-concurrent"),
    opts.verbose,
  );
  console.log("");
  report.printConcurrent(result);
  return { json: { ...prov, ...result }, failed: result.cases.some((c) => c.failedUps > 0) };
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  fs.mkdirSync(opts.outDir, { recursive: true });
  const file = path.join(opts.outDir, "results.json");
  const results = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>)
    : {};
  let failed = false;
  if (opts.parts.stack || opts.parts.concurrent) ensureToolchain(); // before provenance, which records the CLI's version
  const prov = provenance(opts);
  if (opts.parts.schedule) results.schedule = await schedulePart(opts, prov);
  if (opts.parts.stack) {
    const stack = await largeStackPart(opts, prov);
    results.largeStack = stack.json;
    failed = stack.failed;
  }
  if (opts.parts.concurrent) {
    const concurrent = await concurrentPart(opts, prov);
    results.concurrentStacks = concurrent.json;
    failed = concurrent.failed;
  }
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nfigures: ${path.relative(REPO_ROOT, file)}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
