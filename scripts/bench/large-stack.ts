// The large-stack benchmark: 20 data models × 3 DataModelReload resources against the
// emulator, through the real CLI (Automation API, file backend). Each run measures, in order,
// Pulumi's own cost (`reloadOnCreate: false`), create, update after a trigger change, and at the CLI's
// default parallelism also a no-change `up` and a preview after a change; the default and the
// `--parallel 64` blocks alternate their order from run to run so both see the same machine noise.

import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { installPacked } from "../packed-install";
import { emulatorConfig, ensureToolchain, openStack } from "../stack";
import { phaseMetrics, type PhaseMetrics } from "./metrics";
import { runPhase, type PhaseName, type PhaseRecord } from "./phase-run";
import { readStateSize, stateFile, type StateSize } from "./state-size";
import {
  benchResources,
  benchSeed,
  modelId,
  stackProgram,
  type ReloadClass,
  type StackInputs,
  type StackShape,
} from "./stack-shape";

const API_KEY = "bench-api-key";
const PROJECT = "celonis-bench";
export const WIDE_PARALLEL = 64;

export interface LargeStackOptions {
  runs: number;
  shape: StackShape;
  /** Scratch directory (wiped): project dir and file backend. */
  workDir: string;
  /** Print the CLI's output. */
  verbose: boolean;
}

export interface RunResult {
  run: number;
  order: string[];
  /** Raw facts per phase (kept for the timeline; not written to JSON). */
  records: PhaseRecord[];
  metrics: PhaseMetrics[];
  /** State sizes after create at the default parallelism, and after its update. */
  state: { afterCreate: StateSize | null; afterUpdate: StateSize | null };
}

/** What a block of phases needs: the run's emulator, where stacks live, and how to report. */
interface RunContext {
  run: number;
  opts: LargeStackOptions;
  emulator: Emulator;
  stateDir: string;
  projectDir: string;
  modelIds: string[];
  records: PhaseRecord[];
  /** The figures of each of `records`, computed once as each phase ends. */
  metrics: PhaseMetrics[];
  state: RunResult["state"];
  /** The resource class of the package installed into the project (see scripts/packed-install.ts). */
  Reload: ReloadClass;
}

/** A fresh stack of the large stack's program; `inputs` is read at every deployment. */
async function freshStack(ctx: RunContext, name: string, inputs: StackInputs): Promise<Stack> {
  return openStack({
    projectName: PROJECT,
    stackName: name,
    workDir: ctx.projectDir,
    stateDir: ctx.stateDir,
    program: stackProgram(benchResources(ctx.opts.shape), () => inputs, ctx.Reload),
    config: emulatorConfig(ctx.emulator.url, API_KEY),
  });
}

async function phase(
  ctx: RunContext,
  stack: Stack,
  name: PhaseName,
  action: "up" | "preview",
  parallel: number | null,
): Promise<void> {
  const print = ctx.opts.verbose ? (s: string) => process.stdout.write(s) : undefined;
  const rec = await runPhase(
    { phase: name, stack, action, parallel, emulator: ctx.emulator, modelIds: ctx.modelIds },
    print,
  );
  const m = phaseMetrics(rec, ctx.modelIds);
  ctx.records.push(rec);
  ctx.metrics.push(m);
  const fails = m.error ? `  FAILED: ${m.error.split("\n")[0]}` : "";
  console.log(
    `  run ${ctx.run} ${name.padEnd(14)} ${m.wallSeconds.toFixed(1).padStart(6)} s  ${m.loads} loads${fails}`,
  );
}

/** One parallelism's phases: own cost on a throwaway stack, then create and update (and, at the
 * default parallelism, no-change and preview) on another. */
async function block(ctx: RunContext, wide: boolean): Promise<void> {
  const parallel = wide ? WIDE_PARALLEL : null;
  const tag = wide ? "p64" : "default";
  const own = await freshStack(ctx, `own-${tag}-${ctx.run}`, { version: "v1", reloadOnCreate: false });
  await phase(ctx, own, wide ? "own-p64" : "own-default", "up", parallel);
  await own.workspace.removeStack(own.name, { force: true });

  const inputs: StackInputs = { version: "v1", reloadOnCreate: true };
  const main = await freshStack(ctx, `main-${tag}-${ctx.run}`, inputs);
  const file = stateFile(ctx.stateDir, PROJECT, main.name);
  await phase(ctx, main, wide ? "create-p64" : "create-default", "up", parallel);
  if (!wide) ctx.state.afterCreate = readStateSize(file);
  inputs.version = "v2";
  await phase(ctx, main, wide ? "update-p64" : "update-default", "up", parallel);
  if (!wide) {
    ctx.state.afterUpdate = readStateSize(file);
    await phase(ctx, main, "no-change", "up", null);
    inputs.version = "v3";
    await phase(ctx, main, "preview", "preview", null);
  }
  await main.workspace.removeStack(main.name, { force: true });
}

/** One unmeasured `up` of the stack without loads, so the first measured phase does not pay for cold
 * caches (the CLI's plugins, the provider host's modules). */
async function warmUp(ctx: RunContext): Promise<void> {
  const stack = await freshStack(ctx, "warm-up", { version: "v1", reloadOnCreate: false });
  const started = Date.now();
  await stack.up();
  await stack.workspace.removeStack(stack.name, { force: true });
  console.log(`  warm-up (not measured) ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function oneRun(
  run: number,
  opts: LargeStackOptions,
  dirs: { state: string; project: string },
  Reload: ReloadClass,
) {
  const emulator = await startEmulator({
    port: 0,
    apiKeys: [API_KEY],
    seed: benchSeed(opts.shape),
    loadMs: opts.shape.loadMs,
  });
  const order = run % 2 === 1 ? [false, true] : [true, false];
  const ctx: RunContext = {
    run,
    opts,
    Reload,
    emulator,
    stateDir: dirs.state,
    projectDir: dirs.project,
    modelIds: Array.from({ length: opts.shape.models }, (_, i) => modelId(i)),
    records: [],
    metrics: [],
    state: { afterCreate: null, afterUpdate: null },
  };
  try {
    if (run === 1) await warmUp(ctx);
    for (const wide of order) await block(ctx, wide);
  } finally {
    await emulator.stop();
  }
  return {
    run,
    order: order.map((w) => (w ? "p64" : "default")),
    records: ctx.records,
    metrics: ctx.metrics,
    state: ctx.state,
  };
}

/** Runs the benchmark `opts.runs` times; each run has its own emulator and stacks. */
export async function runLargeStack(opts: LargeStackOptions): Promise<RunResult[]> {
  ensureToolchain();
  fs.rmSync(opts.workDir, { recursive: true, force: true });
  const dirs = { state: path.join(opts.workDir, "state"), project: path.join(opts.workDir, "project") };
  // The stack runs the package as users install it, so the state holds what theirs holds.
  const installed = installPacked(dirs.project, path.join(opts.workDir, "pack"), PROJECT);
  const Reload = (require(installed) as { DataModelReload: ReloadClass }).DataModelReload;
  const results: RunResult[] = [];
  for (let run = 1; run <= opts.runs; run++) {
    console.log(`Large stack, run ${run} of ${opts.runs}`);
    results.push(await oneRun(run, opts, dirs, Reload));
  }
  return results;
}
