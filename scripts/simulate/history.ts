// One simulated history, from its seed: a data model in a simulated Celonis with its clock offset
// and drift, other writers (a schedule, people in the UI), one to three stacks each running
// `pulumi up` (engine.ts: the provider's own operations in a process of its own) with new changes, faults
// on the network, and kills of a deployment mid-run. Then a quiet end (no faults, no other writers)
// in which each stack runs `up` until its last change is settled, and the invariant (invariant.ts).

import { SimCelonis, TABLES, type SimLoad } from "./celonis";
import { programInputs, up } from "./engine";
import { SimJournal } from "./journal";
import { watched, withMatcher, type Matcher } from "./matcher";
import {
  ambiguousSecondLoads,
  checkDone,
  checkEnd,
  checkLoads,
  type Change,
  type StackView,
} from "./invariant";
import { MAY_LOAD_TWICE } from "../../provider/lifecycle";
import { NO_FAULTS, SimNetwork, type Faults } from "./network";
import { Prng } from "./prng";
import type { ReloadOutputs } from "../../provider/types";
import { World, type Proc } from "./world";

/** How a history is run. */
export interface SimOptions {
  matcher: Matcher;
  /** Largest clock offset between the runner and Celonis (ms, either way). */
  maxOffsetMs: number;
  tracing: boolean;
  /** Count violations of the known open defects (run.ts) apart instead of as violations. */
  allowKnown?: boolean;
}

/** What a history leaves: its violations (empty: the promise held), trace and a few counts. */
export interface HistoryResult {
  seed: number;
  violations: string[];
  trace: string[] | null;
  /** Loads the stacks started (other writers' not counted). */
  loads: number;
  ups: number;
  /** Second loads accepted because the provider had said the change may be loaded twice (invariant.ts). */
  ambiguous: number;
  summary: string;
}

/** The active part of a history (true time). */
const ACTIVE_MS = 30 * 60_000;

/** One stack: its resource's recorded outputs, its journal, its changes. */
export class Stack implements StackView {
  outs: ReloadOutputs | null = null;
  error: string | null = null;
  /** The trigger journal beside the stack's project: it survives kills. */
  readonly journal: SimJournal;
  readonly changes: Change[] = [];
  rev = 0;
  ups = 0;
  /** Changes (tags) for which an `up` warned that the change may be loaded twice: when it first did (true time). */
  readonly stated = new Map<string, number>();
  /** The loads each change's runs took for their own (change tag → load ids). */
  readonly taken = new Map<string, Set<string>>();
  constructor(
    world: World,
    readonly name: string,
    readonly tables: string[] | null,
    readonly timeoutSeconds: number,
  ) {
    this.journal = new SimJournal(
      () => world.now,
      (id) => this.took(id),
    );
  }

  /** The current change's tag (what its triggers carry). */
  get tag(): string {
    return `${this.name}#${this.rev}`;
  }

  /** Notes a load a run of the current change took for its own. */
  took(loadId: string): void {
    this.taken.set(this.tag, (this.taken.get(this.tag) ?? new Set()).add(loadId));
  }
}

/** The world of one history. */
export interface Sim {
  world: World;
  celonis: SimCelonis;
  net: SimNetwork;
  rng: Prng;
  opts: SimOptions;
  violations: string[];
  quiet: boolean;
}

/** Runs the history of `seed`. */
export function simulate(seed: number, opts: SimOptions): Promise<HistoryResult> {
  return withMatcher(opts.matcher, () => history(seed, opts));
}

async function history(seed: number, opts: SimOptions): Promise<HistoryResult> {
  const rng = new Prng(seed);
  const world = new World(opts.tracing);
  const clock = {
    offsetMs: Math.round(rng.between(-1, 1) * opts.maxOffsetMs),
    drift: rng.between(-1e-3, 1e-3),
  };
  const durationMs = { mean: rng.pick([800, 5_000, 20_000, 90_000]) };
  const celonis = new SimCelonis(world, rng.fork("celonis"), clock, durationMs);
  const faults = randomFaults(rng.fork("faults"), world.now);
  const net = new SimNetwork(world, celonis, rng.fork("net"), faults);
  const sim: Sim = { world, celonis, net, rng, opts, violations: [], quiet: false };
  const stacks = makeStacks(world, rng.fork("stacks"));
  const summary =
    `offset ${Math.round(clock.offsetMs / 1000)}s drift ${(clock.drift * 1e6).toFixed(0)}ppm, loads ~${durationMs.mean / 1000}s, ` +
    `stacks ${stacks.map((s) => `${s.name}(${s.tables?.join(",") ?? "whole"},${s.timeoutSeconds}s)`).join(" ")}, ` +
    `faults ${JSON.stringify({ ...faults, outages: faults.outages.length })}`;
  world.log(() => `history ${seed}: ${summary}`);
  otherWriters(sim, rng.fork("writers"));
  const done = Promise.all(stacks.map((s, i) => activeUps(sim, s, rng.fork(`stack${i}`)))).then(() =>
    quietEnd(sim, stacks),
  );
  let finished = false;
  void done.then(() => (finished = true));
  const limit = world.now + 24 * 3600_000;
  while (!finished && world.pending > 0 && world.now < limit) await world.run(world.now + 10 * 60_000);
  if (!finished) sim.violations.push("the history never finished: a deployment hung");
  let ambiguous = 0;
  for (const s of stacks) {
    sim.violations.push(...checkLoads(celonis.loads, s));
    ambiguous += ambiguousSecondLoads(celonis.loads, s);
    sim.violations.push(
      ...checkEnd(s, s.outs?.planStatus ?? null, (s.outs?.triggers?.[0] as number) ?? null, s.error),
    );
  }
  const ups = stacks.reduce((n, s) => n + s.ups, 0);
  const names = new Set(stacks.map((s) => s.name));
  const loads = celonis.loads.filter((l) => names.has(l.by)).length;
  return { seed, violations: sim.violations, trace: world.trace, loads, ups, ambiguous, summary };
}

function randomFaults(rng: Prng, start: number): Faults {
  const level = rng.pick([0, 0.02, 0.06, 0.15]);
  const outages = Array.from({ length: rng.int(0, 3) }, () => {
    const from = start + rng.between(0, ACTIVE_MS);
    return { from, to: from + rng.between(10_000, 5 * 60_000) };
  });
  return {
    serverError: level * rng.next(),
    tooMany: (level / 2) * rng.next(),
    resetBefore: (level / 3) * rng.next(),
    lostAnswer: (level / 3) * rng.next(),
    late: (level / 4) * rng.next(),
    outages,
  };
}

function makeStacks(world: World, rng: Prng): Stack[] {
  const stacks = [new Stack(world, "X", null, rng.pick([30, 60, 300]))];
  const others = rng.pick([0, 0, 1, 2]);
  for (let i = 0; i < others; i++) {
    const tables = rng.chance(0.5) ? null : TABLES.filter(() => rng.chance(0.5)).slice(0, 3);
    stacks.push(
      new Stack(
        world,
        String.fromCharCode(89 + i),
        tables && tables.length > 0 ? tables : ["t1"],
        rng.pick([30, 60, 300]),
      ),
    );
  }
  return stacks;
}

/** A schedule (complete loads every few minutes) and people loading from the UI. */
function otherWriters(sim: Sim, rng: Prng): void {
  const { world, celonis } = sim;
  const end = world.now + ACTIVE_MS;
  const period = rng.pick([0, 4 * 60_000, 15 * 60_000]);
  for (let t = world.now + rng.between(0, period); period > 0 && t < end; t += period)
    world.at(t, () => void celonis.start("COMPLETE", null, "schedule", "schedule"));
  const uiGap = rng.pick([0, 3 * 60_000, 10 * 60_000]);
  for (let t = world.now + rng.exponential(uiGap); uiGap > 0 && t < end; t += rng.exponential(uiGap)) {
    const partial = rng.chance(0.5);
    const tables = partial ? [rng.pick(TABLES)] : null;
    world.at(t, () => void celonis.start(partial ? "PARTIAL" : "COMPLETE", tables, "ui", "ui"));
  }
}

/** A stack's ups during the active part: a new change most times, sometimes killed mid-run. */
async function activeUps(sim: Sim, stack: Stack, rng: Prng): Promise<void> {
  const end = sim.world.now + ACTIVE_MS;
  const killRate = rng.pick([0, 0.1, 0.3]);
  const gap = rng.pick([30_000, 3 * 60_000, 8 * 60_000]);
  while (sim.world.now < end) {
    await sim.world.sleep(rng.exponential(gap));
    if (stack.rev === 0 || rng.chance(0.7)) stack.rev++;
    const killAt = rng.chance(killRate) ? sim.world.now + rng.between(0, stack.timeoutSeconds * 1200) : null;
    await runUp(sim, stack, killAt, rng);
  }
}

/** The quiet end: no faults, no other writers; each stack runs `up` until its change is settled. */
async function quietEnd(sim: Sim, stacks: Stack[]): Promise<void> {
  sim.net.faults = NO_FAULTS;
  sim.quiet = true;
  await sim.world.sleep(10 * 60_000);
  for (const s of stacks) {
    for (let i = 0; i < 12; i++) {
      await runUp(sim, s, null, sim.rng);
      if (s.outs?.planStatus === "done" && s.outs.triggers?.[0] === s.rev) break;
      await sim.world.sleep(2 * 60_000);
    }
  }
}

/** One `up` of a stack in a process of its own; resolves when it ends or is killed. */
export async function runUp(sim: Sim, stack: Stack, killAt: number | null, rng: Prng): Promise<void> {
  const { world } = sim;
  const proc: Proc = { alive: true, name: `${stack.name}.${++stack.ups}` };
  if (stack.changes.at(-1)?.rev !== stack.rev)
    stack.changes.push({ rev: stack.rev, readyAt: world.now, covered: false });
  const tag = stack.tag;
  const listener = {
    matched: (id: string) => stack.took(id),
    unprovable: (why: string) => world.log(() => `${proc.name}: ours unprovable: ${why}`),
  };
  // The provider's own statement that this change may be loaded twice (never inferred from its state).
  const said = (line: string) => {
    if (line.includes(MAY_LOAD_TWICE) && !stack.stated.has(tag)) stack.stated.set(tag, world.now);
  };
  const news = programInputs(stack.name, stack.rev, stack.tables, stack.timeoutSeconds);
  world.log(() => `${proc.name}: up change ${stack.rev} (state ${stack.outs?.planStatus ?? "none"})`);
  const job = {
    world,
    net: sim.net,
    proc,
    journal: stack.journal,
    olds: stack.outs,
    news,
    tag: () => `${stack.tag}@${proc.name}`,
    random: rng.fork(proc.name),
    said,
  };
  const ran = watched(listener, () => up(job)).then((r) => {
    if (!proc.alive) return;
    proc.alive = false;
    world.log(
      () => `${proc.name}: recorded ${r.outs?.planStatus ?? "nothing"}${r.error ? ` — ${r.error}` : ""}`,
    );
    if (!r.outs) return;
    if (r.outs.planLoad?.loadId) stack.took(r.outs.planLoad.loadId);
    stack.outs = r.outs;
    stack.error = r.error;
    if (r.outs.planStatus === "done")
      sim.violations.push(...checkDone(sim.celonis.loads, stack, r.outs, world.now));
  });
  const killed = new Promise<void>((resolve) => {
    if (killAt === null) return;
    world.at(killAt, () => {
      if (!proc.alive) return;
      proc.alive = false;
      world.log(() => `${proc.name}: KILLED`);
      resolve();
    });
  });
  await Promise.race([ran, killed]);
}

export type { SimLoad };
