// Scenarios of "a load is ours only by evidence": sequences where an older load, another writer's
// load or a load dated by a clock other than the runner's could be taken for the change's own load.
// Each runs through the real CLI like every other scenario (harness.ts); scenarios.test.ts runs them.

import type { DataModelReloadArgs } from "../../provider";
import { DEMO } from "../helpers/emulator";
import type { Scenario, ScenarioContext } from "./harness";

/** The demo model, reloaded whole when `rev` changes; a short deadline unless said otherwise. */
const rev = (n: number, over: Partial<DataModelReloadArgs> = {}): DataModelReloadArgs[] => [
  { poolId: DEMO.pool, dataModelId: DEMO.model, triggers: [`rev=${n}`], timeoutSeconds: 8, ...over },
];

/** The plan's load in state must be the newest load on the model, started during this step. */
function planLoadIsThisStepsLoad(ctx: ScenarioContext): void {
  const loads = ctx.emu.loads(DEMO.model);
  const newest = loads[loads.length - 1];
  const recorded = ctx.planLoads()[0]?.loadId;
  if (!newest || (newest.startDate ?? 0) < ctx.stepStart)
    throw new Error(`no load started in this step (planLoad names ${recorded})`);
  if (recorded !== newest.dataLoadId)
    throw new Error(`planLoad names ${recorded}, the step's load is ${newest.dataLoadId}`);
}

export const EXACTLY_ONCE_SCENARIOS: Scenario[] = [
  {
    // Two loads in the history, then a trigger whose connection is reset before it reaches
    // Celonis: the deadline comes while the trigger protocol still watches (request timeout 5 s,
    // so it watches 10 s), the update fails "may still be running". The next up must not settle
    // the change on the load of the first up: no load is ours, so it reloads, once.
    name: "exactly once: a trigger reset before Celonis after two loads is loaded by the next up",
    config: { "celonis:requestTimeoutSeconds": "5" },
    steps: [
      { op: "up", args: rev(0), status: "done" },
      { op: "up", args: rev(1), status: "done" },
      {
        op: "up",
        args: rev(2),
        before: (ctx) => ctx.fault({ match: { method: "POST", path: "/load" }, kind: "drop" }),
        fails: /may still be running/,
        status: "running",
      },
      { op: "up", status: "done", after: planLoadIsThisStepsLoad },
    ],
    loads: 3,
  },
];
