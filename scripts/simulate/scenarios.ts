// Scripted histories kept as regression tests beside the seeded ones (`--scenario NAME`).
//   issue-18: a reset trigger after two loads. One whole-model stack, 0.8 s loads, 60 s timeout:
//   change 0 → load A, change 1 → load B, change 2 → its trigger's connection is reset before it
//   reaches Celonis (no load starts; the up watches and fails), then an up with no faults must
//   start exactly one load covering change 2 (the five-minute matcher settled it on A instead).

import { SimCelonis } from "./celonis";
import { runUp, Stack, type HistoryResult, type Sim, type SimOptions } from "./history";
import { checkEnd, checkLoads } from "./invariant";
import { withMatcher } from "./matcher";
import { NO_FAULTS, SimNetwork } from "./network";
import { Prng } from "./prng";
import { World } from "./world";

function resetTriggerAfterTwoLoads(opts: SimOptions): Promise<HistoryResult> {
  return withMatcher(opts.matcher, () => resetTriggerScript(opts));
}

async function resetTriggerScript(opts: SimOptions): Promise<HistoryResult> {
  const rng = new Prng(18);
  const world = new World(opts.tracing);
  const celonis = new SimCelonis(
    world,
    rng.fork("celonis"),
    { offsetMs: 0, drift: 0 },
    { mean: 800 },
    { fixed: true },
  );
  const net = new SimNetwork(world, celonis, rng.fork("net"), { ...NO_FAULTS });
  const sim: Sim = { world, celonis, net, rng, opts, violations: [], quiet: false };
  const stack = new Stack(world, "X", null, 60);
  const script = async () => {
    for (const rev of [0, 1, 2, 2]) {
      stack.rev = rev;
      if (rev === 2 && stack.ups === 2) net.faults = { ...NO_FAULTS, nextTriggers: ["resetBefore"] };
      await runUp(sim, stack, null, rng);
      await world.sleep(30_000);
    }
  };
  let finished = false;
  void script().then(() => (finished = true));
  await new Promise((resolve) => setImmediate(resolve)); // the script's first requests
  while (!finished && world.pending > 0) await world.run(world.now + 60_000);
  sim.violations.push(
    ...checkLoads(celonis.loads, stack),
    ...checkEnd(
      stack,
      stack.outs?.planStatus ?? null,
      (stack.outs?.triggers?.[0] as number) ?? null,
      stack.error,
    ),
  );
  const forChange2 = celonis.loads.filter((l) => l.tag === "X#2");
  if (forChange2.length !== 1)
    sim.violations.push(`change 2 was loaded ${forChange2.length} times (wanted exactly once)`);
  else if (stack.outs?.planLoad?.loadId !== forChange2[0].id)
    sim.violations.push(
      `planLoad names ${stack.outs?.planLoad?.loadId}, not change 2's load ${forChange2[0].id}`,
    );
  return {
    seed: 18,
    violations: sim.violations,
    trace: world.trace,
    loads: celonis.loads.length,
    ups: stack.ups,
    ambiguous: 0,
    summary: "issue-18",
  };
}

/** The scripted scenarios by name. */
export const SCENARIOS: Record<string, (opts: SimOptions) => Promise<HistoryResult>> = {
  "issue-18": resetTriggerAfterTwoLoads,
};
