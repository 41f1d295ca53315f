// Scenarios of "a load is ours only by evidence": sequences where an older load, another writer's
// load or a load dated by a clock other than the runner's could be taken for the change's own load.
// Each runs through the real CLI like every other scenario (harness.ts); scenarios.test.ts runs them.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { DataModelReloadArgs } from "../../provider";
import { DEMO, TEST_API_KEY, waitFor, waitForFinished } from "../helpers/emulator";
import type { Scenario, ScenarioContext } from "./harness";

const MIN = 60_000;

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

/**
 * Another writer, as a separate process: a partial load of the demo model triggered through
 * Celonis's own API (as a schedule, a UI user or another stack would), then recorded as not ours.
 */
async function partialLoadByAnotherProcess(ctx: ScenarioContext): Promise<void> {
  const before = new Set(ctx.emu.loads(DEMO.model).map((l) => l.dataLoadId));
  const url = `${ctx.emu.url}/integration/api/v1/data-pools/${DEMO.pool}/data-models/${DEMO.model}/load/partial-sync`;
  const script =
    "fetch(process.argv[1], {method: 'POST', headers: {Authorization: 'Bearer ' + process.env.KEY, " +
    "'Content-Type': 'application/json'}, body: JSON.stringify([process.argv[2]])})" +
    ".then((r) => process.exit(r.status === 204 ? 0 : 1), () => process.exit(2))";
  await promisify(execFile)(process.execPath, ["-e", script, url, DEMO.tables.ACTIVITIES], {
    env: { ...process.env, KEY: TEST_API_KEY },
  });
  const theirs = await waitFor(
    () => ctx.emu.loads(DEMO.model).find((l) => !before.has(l.dataLoadId)),
    5_000,
    25,
  );
  ctx.elsewhere.add(theirs.dataLoadId);
}

/** Every status read (last-load, load-info-sync) answers HTTP 500 for the rest of the step. */
const STATUS_READS_FAIL = [
  { match: { method: "GET", path: "/last-load" }, kind: "status" as const, status: 500, count: 0 },
  { match: { method: "GET", path: "/load-info-sync" }, kind: "status" as const, status: 500, count: 0 },
];

/** With Celonis's clock `offsetMs` off the runner's, two changes are two loads, each settled as ours. */
function clockOffset(name: string, offsetMs: number): Scenario {
  return {
    name: `clock offset: Celonis's clock ${name}, each change is loaded once and settled on its own load`,
    emulator: { clockOffsetMs: offsetMs },
    steps: [
      { op: "up", args: rev(0), status: "done", after: planLoadIsThisStepsLoad },
      { op: "up", args: rev(1), status: "done", after: planLoadIsThisStepsLoad },
    ],
    loads: 2,
  };
}

export const EXACTLY_ONCE_SCENARIOS: Scenario[] = [
  clockOffset("10 minutes ahead", 10 * MIN),
  clockOffset("10 minutes behind", -10 * MIN),
  {
    // X triggers and cannot read status; X's load ends SUCCESS; another process then triggers a
    // partial load that ends ERROR; X's reads recover. X must settle on its own load: done, no
    // second load, never Y's ERROR.
    name: "other writer: a partial load by another process while our status reads fail is never taken for ours",
    otherWriters: true,
    steps: [
      {
        op: "up",
        args: rev(0),
        during: async (ctx) => {
          await ctx.ourLoadStarted();
          ctx.fault(STATUS_READS_FAIL[0]); // the wait reads last-load: it must meet the fault
          ctx.emu.addFault(STATUS_READS_FAIL[1]); // load-info-sync is read only if last-load shows a candidate
          await waitForFinished(ctx.emu, DEMO.model, 10_000);
          ctx.emu.setBehaviour(DEMO.model, { outcome: "ERROR", times: 1 });
          await partialLoadByAnotherProcess(ctx);
        },
        fails: /Timed out|may still be running|not become visible/,
        status: "running",
      },
      {
        op: "up",
        before: (ctx) => ctx.emu.clearFaults(),
        status: "done",
        after: (ctx) => {
          const own = ctx.emu
            .loads(DEMO.model)
            .find((l) => l.dataLoadId !== DEMO.seededLoadId && !ctx.elsewhere.has(l.dataLoadId));
          const recorded = ctx.planLoads()[0]?.loadId;
          if (!own || recorded !== own.dataLoadId)
            throw new Error(`planLoad names ${recorded}, ours is ${own?.dataLoadId}`);
        },
      },
    ],
    loads: 1,
  },
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
