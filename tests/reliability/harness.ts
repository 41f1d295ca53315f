// The reliability harness: runs one scenario (a stack of DataModelReload resources, a fault, the
// deployments of the scenario) through the real pulumi CLI against its own emulator, then converges
// (faults cleared, `up` until it succeeds) and counts from the service's side: loads started,
// changes left without a load, deployments that ran past their deadline, secrets found in state,
// output or logs, and provider hosts left running. The counts feed the suite's summary line.

import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type FaultRule,
  type RequestLogEntry,
} from "../../packages/celonis-emulator";
import { describeFault } from "../../packages/celonis-emulator/faults";
import { DataModelReload, type DataModelReloadArgs } from "../../provider";
import { REPO_ROOT, describeStackError, emulatorConfig, openStack } from "../../scripts/stack";
import type { LoadRecord } from "../../provider/celonis/types";
import type { PlanLoad, PlanStatus } from "../../provider/types";
import { DEMO, TEST_API_KEY, sleep, waitFor, waitForFinished } from "../helpers/emulator";
import { readTree } from "../helpers/files";

/** What the suite counts; every field but `scenarios`/`passed` must end at 0. */
export interface Tally {
  scenarios: number;
  passed: number;
  lostReloads: number;
  duplicateLoads: number;
  hungWaits: number;
  leakedSecrets: number;
  orphanProcesses: number;
  /** Scenarios run a second time because a program run lost its resources (see ProgramLost). */
  rerun: number;
  /** Steps run again because the test bed failed before any provider call (see testBedFailure). */
  testBedRerun: number;
  /** Passed scenarios where another writer (a separate process) loaded the same model. */
  otherWriters: number;
  /** Passed scenarios where Celonis's clock was off the runner's (the emulator's clock-offset fault). */
  clockOffset: number;
}

export const tally: Tally = {
  scenarios: 0,
  passed: 0,
  lostReloads: 0,
  duplicateLoads: 0,
  hungWaits: 0,
  leakedSecrets: 0,
  orphanProcesses: 0,
  rerun: 0,
  testBedRerun: 0,
  otherWriters: 0,
  clockOffset: 0,
};

/** The summary line `npm test` prints for this suite. */
export function summaryLine(t: Tally = tally): string {
  return (
    `scenarios ${t.scenarios} · passed ${t.passed} · lost reloads ${t.lostReloads} · ` +
    `duplicate loads ${t.duplicateLoads} · hung waits ${t.hungWaits} · leaked secrets ${t.leakedSecrets} · ` +
    `orphan processes ${t.orphanProcesses} · other writers ${t.otherWriters} · clock offset ${t.clockOffset}` +
    (t.rerun > 0 ? ` · rerun after a lost program run ${t.rerun}` : "") +
    (t.testBedRerun > 0 ? ` · rerun after a test-bed failure ${t.testBedRerun}` : "")
  );
}

/** A secret trigger value scenarios may use; searched for like the credentials. */
export const SECRET_TRIGGER = "s3cret-trigger-value-91c2";
const OAUTH = { clientId: "rel-client", clientSecret: "rel-client-secret-77f1" };
const SECRETS = [TEST_API_KEY, OAUTH.clientSecret, SECRET_TRIGGER];

/** What a step or hook can reach. */
export interface ScenarioContext {
  emu: Emulator;
  stack: Stack;
  workDir: string;
  /** Loads started "outside Pulumi" by the scenario (not counted as ours). */
  elsewhere: Set<string>;
  /** Starts a load outside Pulumi on the demo model. */
  startElsewhere(loadType?: "COMPLETE" | "PARTIAL"): LoadRecord;
  /** Resolves once our first load of this step is visible in the emulator. */
  ourLoadStarted(): Promise<LoadRecord>;
  /** The CLI process of the running `pulumi up`, by pid (found through /proc). */
  cliPid(): Promise<number>;
  /** The planLoad of every DataModelReload in the stack's state, in state order. */
  planLoads(): (PlanLoad | null | undefined)[];
  /** When the current step began (epoch ms). */
  stepStart: number;
  /**
   * Arms a fault rule that this step must use up: after the operation, the emulator's log must show
   * it hit `count` requests (count 0, "forever": at least one). A rule never hit tests nothing.
   */
  fault(rule: FaultRule): void;
}

/** The context as the harness keeps it: with the rules armed during the current step. */
interface RunContext extends ScenarioContext {
  armed: { rule: FaultRule; at: number }[];
}

/** One deployment of a scenario. */
export interface Step {
  op: "up" | "refresh" | "preview";
  /** The resources' arguments for this step (default: the previous step's). */
  args?: DataModelReloadArgs[];
  /** Runs before the operation (faults, behaviours). */
  before?: (ctx: ScenarioContext) => void | Promise<void>;
  /** Runs while the operation runs (a fault mid-wait, a kill). */
  during?: (ctx: ScenarioContext) => Promise<void>;
  /** Checks after the operation (what state records, which loads ran); throwing reports a problem. */
  after?: (ctx: ScenarioContext) => void | Promise<void>;
  /** Whether the operation must fail (a regex: with that message); default false. */
  fails?: boolean | RegExp;
  /** The CLI is killed in this step: after it, the lock is removed (`pulumi cancel`). */
  killed?: boolean;
  /**
   * The planStatus each DataModelReload must have in state right after the operation: one for every
   * resource, or one per resource in state order. Unchecked when omitted.
   */
  status?: PlanStatus | PlanStatus[];
}

/** A scenario: the stack, its steps, and how many loads of ours it must end with. */
export interface Scenario {
  name: string;
  emulator?: Partial<EmulatorOptions>;
  /** Extra stack config, e.g. { "celonis:requestTimeoutSeconds": "2" } (default request timeout 2 s). */
  config?: Record<string, string>;
  /** Use OAuth client credentials instead of the API key. */
  oauth?: boolean;
  /** Environment of the engine and provider host (e.g. pycelonis variables that must not win). */
  env?: Record<string, string>;
  steps: Step[];
  /** Loads of ours the scenario must start in all (a failed load retried counts twice). */
  loads: number;
  /** Skip the final converging `up` (scenarios that end in a deliberate failure). */
  noConverge?: boolean;
  /** Another writer (a separate process) loads the model during the scenario: counted in the summary. */
  otherWriters?: boolean;
}

/** The longest any single operation may take before it counts as hung: its deadline plus slack. */
const HUNG_AFTER_MS = 90_000;

const WORK = path.join(REPO_ROOT, ".test-work", "reliability");

/**
 * The engine deleted a DataModelReload the program declares: the Automation API's in-process
 * program run registered nothing, with no error from the Pulumi SDK 3.248 (seen once, in a full CI
 * run on 2 busy cores: the converging `up` of a refresh scenario deleted its resource). No scenario
 * removes a resource, so it is not the provider's doing; the scenario runs again from the start,
 * and the summary line says so.
 */
class ProgramLost extends Error {}

/** Runs one scenario (once more after a lost program run) and adds its counts to the tally. */
export async function runScenario(s: Scenario): Promise<void> {
  tally.scenarios += 1;
  try {
    await attempt(s);
  } catch (err) {
    if (!(err instanceof ProgramLost)) throw err;
    tally.rerun += 1;
    await attempt(s);
  }
  tally.passed += 1;
  if (s.otherWriters) tally.otherWriters += 1;
  if (s.emulator?.clockOffsetMs) tally.clockOffset += 1;
}

/** One run of a scenario; throws when it did not pass. */
async function attempt(s: Scenario): Promise<void> {
  const slug = s.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
  const workDir = path.join(WORK, slug);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const emu = await startEmulator({
    port: 0,
    apiKeys: [TEST_API_KEY],
    oauthClients: [OAUTH],
    loadMs: 1000,
    ...s.emulator,
  });
  const problems: string[] = [];
  const output: string[] = [];
  try {
    const ctx = await setUp(s, emu, workDir);
    await runSteps(s, ctx, output, problems);
    if (!s.noConverge) await converge(ctx, output, problems);
    count(s, ctx, output, problems);
  } catch (err) {
    // Kept for a reader: the attempt's output, beside the directory the rerun starts afresh.
    if (err instanceof ProgramLost) fs.writeFileSync(`${workDir}.lost.log`, output.join("\n"));
    throw err;
  } finally {
    problems.push(...(await orphans(workDir)));
    await emu.stop();
  }
  if (problems.length > 0) {
    // Everything the CLI printed, and the emulator's log, beside the state: what a reader of a
    // failure needs.
    fs.writeFileSync(path.join(workDir, "output.log"), output.join("\n"));
    fs.writeFileSync(path.join(workDir, "requests.json"), JSON.stringify(emu.requests(), null, 1));
    throw new Error(`${s.name}:\n  ${problems.join("\n  ")}\n  (details: ${workDir}/output.log)`);
  }
}

let current: DataModelReloadArgs[] = [];

async function setUp(s: Scenario, emu: Emulator, workDir: string): Promise<RunContext> {
  const config: Record<string, { value: string; secret?: boolean }> = s.oauth
    ? {
        "celonis:url": { value: emu.url },
        "celonis:clientId": { value: OAUTH.clientId },
        "celonis:clientSecret": { value: OAUTH.clientSecret, secret: true },
      }
    : emulatorConfig(emu.url, TEST_API_KEY);
  config["celonis:requestTimeoutSeconds"] = { value: "2" };
  for (const [k, v] of Object.entries(s.config ?? {})) config[k] = { value: v };
  const stack = await openStack({
    projectName: "reliability",
    workDir,
    stateDir: path.join(workDir, "state"),
    program: async () => {
      const rs = current.map((a, i) => new DataModelReload(`r${i}`, a));
      return { status: rs[0]?.planStatus };
    },
    config,
    env: { CELONIS_URL: "", CELONIS_API_TOKEN: "", OAUTH_CLIENT_ID: "", OAUTH_CLIENT_SECRET: "", ...s.env },
  });
  const elsewhere = new Set<string>();
  const ctx: RunContext = {
    stepStart: 0,
    armed: [],
    emu,
    stack,
    workDir,
    elsewhere,
    startElsewhere: (loadType = "COMPLETE") => {
      const rec = emu.startLoad(DEMO.model, loadType);
      elsewhere.add(rec.dataLoadId);
      return rec;
    },
    ourLoadStarted: () =>
      waitFor(() => ours(emu, elsewhere).find((l) => (l.startDate ?? 0) >= ctx.stepStart - 50), 60_000, 25),
    cliPid: () => waitFor(() => findCli(workDir), 30_000, 25),
    planLoads: () => stateReloads(workDir).map((r) => r.outputs?.planLoad),
    fault: (rule) => {
      ctx.armed.push({ rule, at: Date.now() });
      emu.addFault(rule);
    },
  };
  return ctx;
}

async function runSteps(s: Scenario, ctx: RunContext, output: string[], problems: string[]): Promise<void> {
  for (const [i, step] of s.steps.entries()) {
    if (step.args) current = step.args;
    let result = await runStep(ctx, step, i, output, problems);
    if (testBedFailure(result.error, apiRequestsSince(ctx.emu, ctx.stepStart))) {
      // Nothing reached Celonis: the engine could not run the program. The step is run again.
      tally.testBedRerun += 1;
      output.push(`step ${i}: test-bed failure before any provider call, run again`);
      // No request reached the emulator, so the rules `before` armed are untouched: not armed again.
      result = await runStep(ctx, { ...step, before: undefined }, i, output, problems);
    }
    if (result.lost) throw new ProgramLost(`step ${i} (${step.op}): the engine deleted a declared resource`);
    if (result.ms > HUNG_AFTER_MS) {
      tally.hungWaits += 1;
      problems.push(`step ${i} (${step.op}) took ${result.ms} ms`);
    }
    const expected = step.fails ?? false;
    if (!expected && result.error)
      problems.push(`step ${i} (${step.op}) failed: ${result.error.slice(0, 600)}`);
    if (expected && !result.error) problems.push(`step ${i} (${step.op}) succeeded but should fail`);
    if (expected instanceof RegExp && result.error && !expected.test(result.error))
      problems.push(`step ${i} (${step.op}) failed with another message: ${result.error.slice(0, 3000)}`);
    if (step.status !== undefined) {
      const got = planStatuses(ctx.workDir);
      const want = Array.isArray(step.status) ? step.status : current.map(() => step.status);
      if (JSON.stringify(got) !== JSON.stringify(want))
        problems.push(
          `step ${i} (${step.op}) left planStatus ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`,
        );
    }
    if (step.after)
      await Promise.resolve(step.after(ctx)).catch((e: unknown) =>
        problems.push(`step ${i} (${step.op}) after: ${e instanceof Error ? e.message : String(e)}`),
      );
    for (const { rule, at } of ctx.armed.splice(0)) {
      const hits = ctx.emu.requests().filter((r) => r.time >= at && hitBy(rule, r)).length;
      const wanted = Math.max(1, rule.count ?? 1);
      if (hits < wanted)
        problems.push(`step ${i}: fault ${JSON.stringify(rule)} hit ${hits} requests, expected ${wanted}`);
    }
    if (step.killed) await ctx.stack.cancel().catch(() => undefined);
  }
}

/** One step's operation, with its `before` and `during` hooks. */
async function runStep(
  ctx: RunContext,
  step: Step,
  i: number,
  output: string[],
  problems: string[],
): Promise<Awaited<ReturnType<typeof operate>>> {
  ctx.stepStart = Date.now();
  await step.before?.(ctx);
  const during = step.during?.(ctx).catch((e: unknown) => problems.push(`step ${i} during: ${String(e)}`));
  const result = await operate(ctx.stack, step.op, output);
  await during;
  return result;
}

/** Faults cleared, then `up` until it succeeds (at most three times): every change must be loaded. */
async function converge(ctx: RunContext, output: string[], problems: string[]): Promise<void> {
  ctx.emu.clearFaults();
  ctx.emu.setBehaviour("*", {});
  ctx.emu.setBehaviour(DEMO.model, {});
  let last = "";
  for (let i = 0; i < 3; i++) {
    await idle(ctx.emu);
    const r = await operate(ctx.stack, "up", output);
    if (r.lost) throw new ProgramLost("converging up: the engine deleted a declared resource");
    if (!r.error) return settleNotWaited(ctx, output);
    last = r.error;
  }
  problems.push(`never converged: ${last.slice(0, 3000)}`);
}

/** A `wait: false` resource stays running after its up: once its load has ended, refresh settles it. */
async function settleNotWaited(ctx: ScenarioContext, output: string[]): Promise<void> {
  if (allDone(ctx.workDir)) return;
  await idle(ctx.emu);
  await operate(ctx.stack, "refresh", output);
}

function count(s: Scenario, ctx: ScenarioContext, output: string[], problems: string[]): void {
  const loads = ours(ctx.emu, ctx.elsewhere);
  if (loads.length > s.loads) {
    tally.duplicateLoads += loads.length - s.loads;
    problems.push(`${loads.length} loads of ours, expected ${s.loads}`);
  }
  if (loads.length < s.loads) {
    tally.lostReloads += s.loads - loads.length;
    problems.push(`${loads.length} loads of ours, expected ${s.loads}`);
  }
  if (!s.noConverge && !allDone(ctx.workDir)) {
    tally.lostReloads += 1;
    problems.push("after converging, a resource's planStatus is not done");
  }
  const haystack = [readTree(ctx.workDir), output.join("\n"), JSON.stringify(ctx.emu.requests())].join("\n");
  const leaked = SECRETS.filter((secret) => haystack.includes(secret));
  if (leaked.length > 0) {
    tally.leakedSecrets += leaked.length;
    problems.push(`secrets found in state, output or logs: ${leaked.length}`);
  }
}

// ---- helpers --------------------------------------------------------------------------------------

/**
 * Whether an operation's failure is the test bed's, provably: gRPC UNAVAILABLE between the CLI and
 * the Automation API's in-process program (its resource-monitor client found no connection), and not
 * one request of the step reached the emulator, so no provider call was made. Pure.
 */
export function testBedFailure(error: string | undefined, apiRequests: number): boolean {
  return (
    error !== undefined && apiRequests === 0 && /\b14 UNAVAILABLE\b|No connection established/.test(error)
  );
}

/** Celonis API requests the emulator received since `since` (epoch ms). */
function apiRequestsSince(emu: Emulator, since: number): number {
  return emu.requests().filter((r) => r.time >= since).length;
}

async function operate(
  stack: Stack,
  op: Step["op"],
  output: string[],
): Promise<{ ms: number; error?: string; lost: boolean }> {
  const t0 = Date.now();
  const from = output.length;
  const onOutput = (line: string) => output.push(line);
  let error: string | undefined;
  try {
    if (op === "up") await stack.up({ onOutput });
    else if (op === "refresh") await stack.refresh({ onOutput });
    else await stack.preview({ onOutput, diff: true });
  } catch (err) {
    error =
      describeStackError(err) +
      "\n" +
      ((err as { commandResult?: { stdout?: string } }).commandResult?.stdout ?? "");
    output.push(error);
  }
  const lost = output.slice(from).some((l) => /DataModelReload r\d+ deleted/.test(l));
  return { ms: Date.now() - t0, error, lost };
}

/** Our loads: every load on the demo model but the seed and those started elsewhere. */
function ours(emu: Emulator, elsewhere: Set<string>): LoadRecord[] {
  return emu
    .loads(DEMO.model)
    .filter((l) => l.dataLoadId !== DEMO.seededLoadId && !elsewhere.has(l.dataLoadId));
}

/** Waits (at most a minute) until no load runs on the demo model: a converging `up` must not meet a busy model. */
async function idle(emu: Emulator): Promise<void> {
  await waitForFinished(emu, DEMO.model, 60_000).catch(() => undefined);
}

/** Whether `rule` was applied to the request `r` (the log names the fault each request met). */
function hitBy(rule: FaultRule, r: RequestLogEntry): boolean {
  const target = r.path + (Object.keys(r.query).length > 0 ? `?${new URLSearchParams(r.query)}` : "");
  return (
    r.fault === describeFault(rule) &&
    (!rule.match?.method || rule.match.method.toUpperCase() === r.method) &&
    (!rule.match?.path || target.includes(rule.match.path))
  );
}

/** The DataModelReload resources in the stack's state file, in state order. */
function stateReloads(workDir: string): { outputs?: { planStatus?: string; planLoad?: PlanLoad | null } }[] {
  const file = path.join(workDir, "state", ".pulumi", "stacks", "reliability", "dev.json");
  const state = JSON.parse(fs.readFileSync(file, "utf8")) as {
    checkpoint: {
      latest: {
        resources?: { type: string; outputs?: { planStatus?: string; planLoad?: PlanLoad | null } }[];
      };
    };
  };
  return (state.checkpoint.latest.resources ?? []).filter((r) => r.type.endsWith("DataModelReload"));
}

/** The planStatus of every DataModelReload in the stack's state file. */
function planStatuses(workDir: string): (string | undefined)[] {
  return stateReloads(workDir).map((r) => r.outputs?.planStatus);
}

/** Whether every DataModelReload in state is done. */
function allDone(workDir: string): boolean {
  return planStatuses(workDir).every((s) => s === "done");
}

/** Pids of processes whose working directory is `dir` and whose command line matches `pattern`. */
function processesIn(dir: string, pattern: RegExp): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cwd === dir && pattern.test(cmd)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

function findCli(workDir: string): number | undefined {
  return processesIn(workDir, /\/pulumi (up|refresh|preview) /)[0];
}

/** Provider hosts (or CLIs) of this scenario still running 15 s after it ended; they are killed. */
export async function orphans(workDir: string): Promise<string[]> {
  const pattern = /dynamic-provider|pulumi-resource-pulumi-nodejs|\/pulumi (up|refresh|preview) /;
  const end = Date.now() + 15_000;
  let left = processesIn(workDir, pattern);
  while (left.length > 0 && Date.now() < end) {
    await sleep(250);
    left = processesIn(workDir, pattern);
  }
  for (const pid of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  tally.orphanProcesses += left.length;
  return left.length > 0 ? [`${left.length} processes left running: ${left.join(", ")}`] : [];
}

/** Kills a process by pid (the CLI mid-wait). */
export function kill(pid: number, signal: NodeJS.Signals): void {
  process.kill(pid, signal);
}
