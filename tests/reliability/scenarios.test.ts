// `npm run test:reliability`: every fault the provider must survive, each as a scenario through the
// real `pulumi` CLI against its own emulator (see harness.ts), ending with one summary line:
//   scenarios N · passed N · lost reloads 0 · duplicate loads 0 · hung waits 0 · leaked secrets 0 · orphan processes 0

import * as pulumi from "@pulumi/pulumi";
import type { DataModelReloadArgs } from "../../provider";
import { ensureToolchain } from "../../scripts/stack";
import { DEMO, sleep, waitFor } from "../helpers/emulator";
import {
  SECRET_TRIGGER,
  kill,
  runScenario,
  summaryLine,
  type Scenario,
  type ScenarioContext,
} from "./harness";
import type { FaultRule, LoadBehaviour } from "../../packages/celonis-emulator";
import { EXACTLY_ONCE_SCENARIOS } from "./exactly-once-scenarios";
import { CONCURRENT_STACK_SCENARIOS, runConcurrentScenario } from "./concurrent-stacks";

/** The demo model's resource, with a trigger and a 60 s deadline unless said otherwise. */
const on = (over: Partial<DataModelReloadArgs> = {}): DataModelReloadArgs[] => [
  { poolId: DEMO.pool, dataModelId: DEMO.model, triggers: ["v1"], timeoutSeconds: 60, ...over },
];
const changed = (over: Partial<DataModelReloadArgs> = {}) => on({ triggers: ["v2"], ...over });

const TRIGGER: FaultRule["match"] = { method: "POST", path: "/load" };
const STATUS: FaultRule["match"] = { method: "GET", path: "/last-load" };
/** The read of the model's load info: once right before the trigger (and the wait's reads when v1
 * last-load is missing). */
const LOAD_INFO: FaultRule["match"] = { method: "GET", path: "/load-info-sync" };

/** A scenario where one fault hits the trigger of a create: it must still load exactly once. */
function onTrigger(name: string, rule: Omit<FaultRule, "match">): Scenario {
  return {
    name: `trigger: ${name}`,
    steps: [{ op: "up", args: on(), before: fault({ match: TRIGGER, ...rule }) }],
    loads: 1,
  };
}

/**
 * Faults armed once our load is running (mid-wait), and `opts.before` armed before the deployment
 * (hit by the read before the trigger): the wait rides them out, one load. Every rule must be hit
 * (see ScenarioContext.fault). `opts.emulator`: e.g. v1 last-load missing, so the wait reads
 * load-info-sync.
 */
function midWait(
  name: string,
  rules: FaultRule[],
  opts: { fails?: boolean; before?: FaultRule[]; emulator?: Scenario["emulator"] } = {},
): Scenario {
  return {
    name: `mid-wait: ${name}`,
    emulator: opts.emulator,
    steps: [
      {
        op: "up",
        args: on(),
        before: (ctx) => {
          behave({ durationMs: 3000 })(ctx);
          fault(...(opts.before ?? []))(ctx);
        },
        during: async (ctx) => {
          await ctx.ourLoadStarted();
          fault(...rules)(ctx);
        },
        fails: opts.fails,
      },
    ],
    loads: 1,
  };
}

/** Arms fault rules that the step must hit (ScenarioContext.fault). */
function fault(...rules: FaultRule[]): (ctx: ScenarioContext) => void {
  return (ctx) => rules.forEach((r) => ctx.fault(r));
}

/** Sets how the demo model's loads behave. */
function behave(b: LoadBehaviour): (ctx: ScenarioContext) => void {
  return ({ emu }) => emu.setBehaviour(DEMO.model, b);
}

/** A load of ours that ends `outcome`: the update fails (or not), the converging up reloads. */
function outcome(
  status: "ERROR" | "CANCELED" | "WARNING",
  extra: Partial<DataModelReloadArgs> = {},
  loads = 2,
): Scenario {
  return {
    name: `outcome: ${status}${extra.warningsAs ? ` with warningsAs ${extra.warningsAs}` : ""}`,
    steps: [
      {
        op: "up",
        args: on(extra),
        before: behave({ outcome: status, times: 1 }),
        fails: loads > 1 ? /ended (ERROR|CANCELED|WARNING)/ : false,
      },
    ],
    loads,
  };
}

/** Kills the CLI (once our load runs) with `signals`, one after another. */
function killMidWait(...signals: NodeJS.Signals[]): (ctx: ScenarioContext) => Promise<void> {
  return async (ctx) => {
    await ctx.ourLoadStarted();
    const pid = await ctx.cliPid();
    for (const s of signals) {
      kill(pid, s);
      await sleep(700);
    }
  };
}

const SCENARIOS: Scenario[] = [
  // ---- the trigger call fails in every way a network and Celonis can make it fail -------------------
  onTrigger("429 with x-ratelimit-reset", { kind: "rateLimit", resetSeconds: 1, count: 2 }),
  onTrigger("429 with Retry-After (and a zero reset)", {
    kind: "rateLimit",
    retryAfterSeconds: 1,
    resetSeconds: 0,
  }),
  onTrigger("429 without any header", { kind: "status", status: 429, body: "Too Many Requests", count: 2 }),
  onTrigger("500 before the route", { kind: "status", status: 500 }),
  onTrigger("500 after the load started", { kind: "status", status: 500, after: true }),
  onTrigger("502 before the route", { kind: "status", status: 502 }),
  onTrigger("502 after the load started", { kind: "status", status: 502, after: true }),
  onTrigger("503 before the route, twice", { kind: "status", status: 503, count: 2 }),
  onTrigger("503 after the load started", { kind: "status", status: 503, after: true }),
  onTrigger("504 after the load started", { kind: "status", status: 504, after: true }),
  onTrigger("dropped before the route", { kind: "drop" }),
  onTrigger("dropped after the load started", { kind: "drop", after: true }),
  onTrigger("answer slower than the request timeout", { kind: "delay", delayMs: 3000, after: true }),
  onTrigger("request reaching Celonis after the client gave up", { kind: "delay", delayMs: 3000 }),
  onTrigger("dropped before the route three times", { kind: "drop", count: 3 }),
  // ---- status reads fail while we wait --------------------------------------------------------------
  midWait("one 500 on last-load", [{ match: STATUS, kind: "status", status: 500 }]),
  midWait("a burst of 503 on last-load", [{ match: STATUS, kind: "status", status: 503, count: 5 }]),
  midWait("429 on last-load", [{ match: STATUS, kind: "rateLimit", resetSeconds: 1, count: 2 }]),
  midWait("dropped last-load connections", [{ match: STATUS, kind: "drop", count: 3 }]),
  midWait("slow last-load answers", [{ match: STATUS, kind: "delay", delayMs: 2500, count: 2 }]),
  midWait(
    "500 on load-info-sync (v1 last-load missing: the wait reads it)",
    [{ match: LOAD_INFO, kind: "status", status: 500, count: 3 }],
    {
      emulator: { disableV1LastLoad: true },
    },
  ),
  midWait(
    "502 on every read: load-info-sync before the trigger, last-load for 2 s",
    [{ match: STATUS, kind: "status", status: 502, count: 6 }],
    {
      before: [{ match: LOAD_INFO, kind: "status", status: 502, count: 2 }],
    },
  ),
  midWait(
    "a revoked key: 401 on every read until fixed",
    [{ match: STATUS, kind: "status", status: 401, count: 0 }],
    {
      fails: true,
    },
  ),
  midWait(
    "a lost permission: 403 on every read until fixed",
    [{ match: STATUS, kind: "status", status: 403, count: 0 }],
    {
      fails: true,
    },
  ),
  {
    name: "mid-wait: a dropped trigger answer, then 503 on every read (load id never seen)",
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 8 }),
        before: (ctx) => {
          behave({ visibleAfterMs: 2500, durationMs: 500 })(ctx);
          ctx.fault({ match: TRIGGER, kind: "drop", after: true });
        },
        during: async (ctx) => {
          await waitFor(() => ctx.emu.requests().some((r) => r.method === "POST"), 30_000, 20); // the trigger went out
          ctx.fault({ match: STATUS, kind: "status", status: 503, count: 0 });
          // Not required to be hit: the trigger protocol reads last-load only; this keeps "every read"
          // true should it ever read load-info-sync too.
          ctx.emu.addFault({ match: LOAD_INFO, kind: "status", status: 503, count: 0 });
        },
        fails: /may still be running/,
      },
    ],
    loads: 1,
  },
  {
    name: "mid-wait: v1 last-load missing, the load-info-sync fallback carries the wait",
    emulator: { disableV1LastLoad: true },
    steps: [{ op: "up", args: on() }],
    loads: 1,
  },
  // ---- how loads end ------------------------------------------------------------------------------
  outcome("ERROR"),
  outcome("CANCELED"),
  outcome("WARNING", {}, 1),
  outcome("WARNING", { warningsAs: "error" }),
  {
    name: "outcome: LOST_CONNECTION for a while, then SUCCESS",
    steps: [{ op: "up", args: on(), before: behave({ lostConnectionMs: 1500 }) }],
    loads: 1,
  },
  {
    name: "outcome: a load longer than timeoutSeconds is adopted by the next up",
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 2 }),
        before: behave({ durationMs: 6000, times: 1 }),
        fails: /Timed out after 2s .*waits for it instead of starting another/,
      },
      { op: "up", args: on({ timeoutSeconds: 60 }) },
    ],
    loads: 1,
  },
  {
    name: "outcome: a stuck load times out twice, stays running, and is settled once it ends",
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 2 }),
        before: behave({ durationMs: 9000, times: 1 }),
        fails: /Timed out/,
      },
      { op: "up", fails: /Timed out/ },
    ],
    loads: 1,
  },
  {
    name: "outcome: a load visible only 2.5 s after its trigger",
    steps: [{ op: "up", args: on(), before: behave({ visibleAfterMs: 2500 }) }],
    loads: 1,
  },
  {
    name: "outcome: a load still invisible at the deadline is found by trigger time next up",
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 2 }),
        before: behave({ visibleAfterMs: 4000, times: 1 }),
        fails: /has not become visible in Celonis yet/,
      },
    ],
    loads: 1,
  },
  // ---- a model that is busy with someone else's load ----------------------------------------------
  {
    name: "busy: onBusy wait waits for the other load, then loads once",
    steps: [{ op: "up", args: on(), before: (ctx) => void ctx.startElsewhere() }],
    loads: 1,
  },
  {
    name: "busy: onBusy fail fails the update, owed; the next up loads once",
    steps: [
      {
        op: "up",
        args: on({ onBusy: "fail" }),
        before: (ctx) => {
          // Long enough to be still running when a slow CLI on a busy machine reaches the provider.
          behave({ durationMs: 8000, times: 1 })(ctx);
          ctx.startElsewhere();
        },
        fails: /is busy: .*onBusy is "fail"/,
      },
    ],
    loads: 1,
  },
  {
    name: "busy: someone else's load outlasts the deadline: owed, nothing triggered",
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 2 }),
        before: (ctx) => {
          behave({ durationMs: 5000, times: 1 })(ctx);
          ctx.startElsewhere();
        },
        fails: /nothing was triggered/,
      },
    ],
    loads: 1,
  },
  {
    name: "busy: a load started elsewhere between our read and our trigger (400 already running)",
    steps: [
      {
        op: "up",
        args: on(),
        before: (ctx) => {
          behave({ durationMs: 1500, times: 1 })(ctx);
          // Our trigger takes 1 s to arrive; someone else's load starts meanwhile: ours is refused as busy.
          ctx.fault({ match: TRIGGER, kind: "delay", delayMs: 1000 });
        },
        during: async (ctx) => {
          const read = () =>
            ctx.emu.requests().some((r) => r.method === "GET" && r.path.endsWith("/load-info-sync"));
          await waitFor(read, 30_000, 20);
          ctx.startElsewhere();
        },
      },
    ],
    loads: 1,
  },
  {
    name: "busy: Celonis queues our trigger behind someone else's load",
    emulator: { queueTriggers: true },
    steps: [{ op: "up", args: on({ onBusy: "wait" }), before: (ctx) => void ctx.startElsewhere() }],
    loads: 1,
  },
  // ---- credentials -----------------------------------------------------------------------------------
  {
    name: "auth: OAuth token expiring during a long wait",
    oauth: true,
    emulator: { tokenLifetimeSeconds: 2 },
    steps: [{ op: "up", args: on(), before: behave({ durationMs: 5000 }) }],
    loads: 1,
  },
  {
    name: "auth: OAuth tokens revoked by the server mid-wait (refresh once on 401)",
    oauth: true,
    steps: [
      {
        op: "up",
        args: on(),
        before: behave({ durationMs: 3000 }),
        during: async (ctx) => {
          await ctx.ourLoadStarted();
          ctx.emu.expireTokens();
        },
      },
    ],
    loads: 1,
  },
  {
    name: "auth: an application key",
    config: { "celonis:keyType": "appkey", "celonis:apiToken": "demo-app-key" },
    emulator: { appKeys: ["demo-app-key"] },
    steps: [{ op: "up", args: on() }],
    loads: 1,
  },
  // ---- deadlines -------------------------------------------------------------------------------------
  {
    name: "deadline: a 429 asking for an hour fails within timeoutSeconds",
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 5 }),
        before: fault({
          match: TRIGGER,
          kind: "rateLimit",
          resetSeconds: 3600,
          retryAfterSeconds: 3600,
          count: 0,
        }),
        fails: /HTTP 429.*Nothing was started/,
      },
    ],
    loads: 1,
  },
  {
    name: "deadline: a trigger answered 503 every time gives up within timeoutSeconds",
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 5 }),
        before: fault({ match: TRIGGER, kind: "status", status: 503, count: 0 }),
        fails: true,
      },
    ],
    loads: 1,
  },
  {
    // The provider gives up on the read after its retries (within timeoutSeconds), before any trigger.
    name: "deadline: reads dropped every time before the trigger: fails owed, nothing triggered",
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 4 }),
        before: fault({ match: LOAD_INFO, kind: "drop", count: 0 }),
        fails: /get load info for data model [^:]*: no answer/,
        status: "owed",
      },
    ],
    loads: 1,
  },
  // ---- refresh -------------------------------------------------------------------------------------
  {
    name: "refresh: a timed-out load that then succeeded is settled by refresh; up loads nothing more",
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 2 }),
        before: behave({ durationMs: 3500, times: 1 }),
        fails: /Timed out/,
        status: "running",
      },
      { op: "refresh", before: () => sleep(2500), status: "done" },
      { op: "up", status: "done" },
    ],
    loads: 1,
  },
  {
    // Refresh settles a plan only from its own load, so it records owed; the next up finds that
    // someone else's COMPLETE load started after the change was ready and succeeded: it covers the
    // change, so no second load of ours is started.
    name: "refresh: our timed-out load failed and someone else's complete load succeeded: owed, then covered by that load",
    otherWriters: true,
    steps: [
      {
        op: "up",
        args: on({ timeoutSeconds: 2 }),
        before: behave({ durationMs: 3000, outcome: "ERROR", times: 1 }),
        fails: /Timed out/,
        status: "running",
      },
      {
        op: "refresh",
        before: async (ctx) => {
          await sleep(1500);
          ctx.startElsewhere();
          await sleep(1300);
        },
        status: "owed",
      },
      {
        op: "up",
        status: "done",
        after: (ctx) => {
          const load = ctx.planLoads()[0];
          if (load?.adoptedFrom !== "other" || !load.loadId || !ctx.elsewhere.has(load.loadId))
            throw new Error(`planLoad should name the other writer's load: ${JSON.stringify(load)}`);
        },
      },
    ],
    loads: 1,
  },
  {
    name: "refresh: wait false, the load succeeds later; refresh counts it",
    steps: [
      { op: "up", args: on({ wait: false }), status: "running" },
      { op: "refresh", before: () => sleep(1500), status: "done" },
    ],
    loads: 1,
  },
  {
    name: "refresh: wait false, the load ends ERROR; refresh leaves it owed; up reloads",
    steps: [
      {
        op: "up",
        args: on({ wait: false }),
        before: behave({ outcome: "ERROR", times: 1 }),
        status: "running",
      },
      { op: "refresh", before: () => sleep(1500), status: "owed" },
    ],
    loads: 2,
  },
  // ---- changes -----------------------------------------------------------------------------------------
  {
    name: "changes: create, then a trigger change: one load each",
    steps: [{ op: "up", args: on() }, { op: "up", args: changed() }, { op: "up" }],
    loads: 2,
  },
  {
    name: "changes: a per-table trigger change reloads that table once",
    steps: [
      { op: "up", args: on({ tables: ["CASES", "ACTIVITIES"], tableTriggers: { CASES: "1" } }) },
      { op: "up", args: on({ tables: ["CASES", "ACTIVITIES"], tableTriggers: { CASES: "2" } }) },
    ],
    loads: 2,
  },
  {
    name: "changes: a Date trigger that changes reloads",
    steps: [
      { op: "up", args: on({ triggers: [new Date(Date.UTC(2026, 0, 1))] }) },
      { op: "up", args: on({ triggers: [new Date(Date.UTC(2026, 0, 2))] }) },
    ],
    loads: 2,
  },
  {
    name: "changes: a secret trigger that changes reloads and stays secret",
    steps: [
      { op: "up", args: on({ triggers: [pulumi.secret(`${SECRET_TRIGGER}-a`)] }) },
      { op: "up", args: on({ triggers: [pulumi.secret(`${SECRET_TRIGGER}-b`)] }) },
    ],
    loads: 2,
  },
  {
    name: "changes: two resources on one model share one load",
    steps: [{ op: "up", args: [...on(), ...on({ tables: ["CASES"] })] }],
    loads: 1,
  },
  {
    name: "changes: three resources on one model, one of them changed: one partial load of its tables",
    steps: [
      {
        op: "up",
        args: [...on({ tables: ["CASES"] }), ...on({ tables: ["INVOICES"] }), ...on({ tables: ["USERS"] })],
      },
      {
        op: "up",
        args: [
          ...on({ tables: ["CASES"] }),
          ...changed({ tables: ["INVOICES"] }),
          ...on({ tables: ["USERS"] }),
        ],
      },
    ],
    loads: 2,
  },
  {
    name: "changes: reloadOnCreate false loads nothing",
    steps: [{ op: "up", args: on({ reloadOnCreate: false }) }],
    loads: 0,
  },
  {
    name: "changes: only options change: nothing loads",
    steps: [
      { op: "up", args: on() },
      { op: "up", args: on({ timeoutSeconds: 90, onBusy: "fail" }) },
    ],
    loads: 1,
  },
  {
    name: "changes: a failed load plus a new change: one merged reload",
    steps: [
      {
        op: "up",
        args: on({ tables: ["CASES"] }),
        before: behave({ outcome: "ERROR", times: 1 }),
        fails: /ended ERROR/,
      },
      { op: "up", args: on({ tables: ["CASES", "INVOICES"] }) },
    ],
    loads: 2,
  },
  // ---- interrupted deployments ----------------------------------------------------------------------------
  {
    name: "interrupted: kill -KILL mid-wait on create; the next up settles the load",
    steps: [
      {
        op: "up",
        args: on(),
        before: behave({ durationMs: 6000, times: 1 }),
        during: killMidWait("SIGKILL"),
        fails: true,
        killed: true,
      },
    ],
    loads: 1,
  },
  {
    name: "interrupted: kill -KILL mid-wait on update; the next up settles the load",
    steps: [
      { op: "up", args: on() },
      {
        op: "up",
        args: changed(),
        before: behave({ durationMs: 6000, times: 1 }),
        during: killMidWait("SIGKILL"),
        fails: true,
        killed: true,
      },
    ],
    loads: 2,
  },
  {
    name: "interrupted: kill -INT mid-wait: the CLI lets the wait finish and records it",
    steps: [
      {
        op: "up",
        args: on(),
        before: behave({ durationMs: 3000, times: 1 }),
        during: killMidWait("SIGINT"),
        fails: true,
      },
    ],
    loads: 1,
  },
  {
    name: "interrupted: kill -INT twice (terminate) mid-wait; the next up settles the load",
    steps: [
      {
        op: "up",
        args: on(),
        before: behave({ durationMs: 6000, times: 1 }),
        during: killMidWait("SIGINT", "SIGINT"),
        fails: true,
        killed: true,
      },
    ],
    loads: 1,
  },
  {
    name: "interrupted: kill -KILL while the trigger is on its way; the next up finds its load",
    steps: [
      {
        op: "up",
        args: on(),
        before: fault({ match: TRIGGER, kind: "delay", delayMs: 2500 }),
        during: async ({ emu, cliPid }) => {
          const pid = await cliPid();
          // The trigger follows the read of the model's load info at once, and the emulator holds it
          // 2.5 s before its route starts the load: 1 s after that read, it is on its way.
          await waitFor(
            () => emu.requests().some((r) => r.method === "GET" && r.path.endsWith("/load-info-sync")),
            30_000,
            20,
          );
          await sleep(1000);
          const killedAt = Date.now();
          const answered = emu.requests().some((r) => r.method === "POST");
          const loaded = emu.loads(DEMO.model).some((l) => l.dataLoadId !== DEMO.seededLoadId);
          kill(pid, "SIGKILL");
          if (answered || loaded)
            throw new Error("killed after the trigger was answered or its load started");
          // The log records a request when it is answered, with its arrival time: it arrived before the kill.
          const post = await waitFor(() => emu.requests().find((r) => r.method === "POST"), 10_000, 20);
          if (post.time >= killedAt) throw new Error("the trigger was sent after the kill");
        },
        fails: true,
        killed: true,
      },
    ],
    loads: 1,
  },
  {
    name: "interrupted: kill -KILL while waiting for someone else's load: nothing was triggered, loads once",
    steps: [
      {
        op: "up",
        args: on(),
        before: (ctx) => {
          behave({ durationMs: 4000, times: 1 })(ctx);
          ctx.startElsewhere();
        },
        during: async (ctx) => {
          await sleep(2500);
          kill(await ctx.cliPid(), "SIGKILL");
        },
        fails: true,
        killed: true,
      },
    ],
    loads: 1,
  },
  // ---- configuration mistakes fail the preview, before anything loads ----------------------------------
  {
    name: "config: a URL with a path fails the preview and loads nothing",
    config: { "celonis:url": "http://127.0.0.1:9/integration" },
    steps: [{ op: "preview", args: on(), fails: /must be the team's base URL only/ }],
    loads: 0,
    noConverge: true,
  },
  {
    name: "config: an API token in stack config wins over an OAuth client in the environment",
    env: { OAUTH_CLIENT_ID: "env-client-not-used", OAUTH_CLIENT_SECRET: "env-secret-not-used" },
    steps: [
      { op: "up", args: on() },
      {
        op: "up",
        args: changed(),
        before: ({ emu }) => {
          if (emu.requests().some((r) => r.auth !== "bearer")) throw new Error("not the API token");
        },
      },
    ],
    loads: 2,
  },
];

// Node may print a MaxListenersExceededWarning for this process near the end of the suite: every
// Automation API run adds two process listeners and resets the limit to 30 (a constant in SDK 3.248), and
// a run that failed or whose CLI was killed keeps its own (measured). It concerns the test process only.

describe("reliability: exactly one load per change, whatever fails", function () {
  this.timeout(240_000);
  before(() => ensureToolchain());
  after(() => console.log(`\n  ${summaryLine()}\n`));
  for (const s of [...SCENARIOS, ...EXACTLY_ONCE_SCENARIOS]) it(s.name, () => runScenario(s));
  for (const s of CONCURRENT_STACK_SCENARIOS) it(s.name, () => runConcurrentScenario(s));
});
