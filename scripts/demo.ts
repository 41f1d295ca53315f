// `npm run demo`: the provider end to end on a fresh clone, with no Celonis account and no Pulumi
// install of your own. It builds/reuses the Pulumi CLI, starts the Celonis emulator in-process, then
// runs the quickstart example through the real engine (preview with the plan, up, a second preview
// with nothing to do) and shows a partial reload: one per-table trigger changes, one table reloads.
// Everything runs on a throwaway file backend under .pulumi/demo-state; nothing is left running.

import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { DEFAULT_CREDENTIALS, loadSeed, startEmulator, type Emulator } from "../packages/celonis-emulator";
import { isLoadTrigger } from "../packages/celonis-emulator/request-log";
import {
  REPO_ROOT,
  describeStackError,
  emulatorConfig,
  ensureToolchain,
  exampleProgram,
  openStack,
  printableOutputs,
} from "./stack";

const STACK = "demo";
const API_KEY = DEFAULT_CREDENTIALS.apiKey;
const STEPS = 10;
const started = Date.now();
let stepNo = 0;

const print = (s: string): boolean => process.stdout.write(s);
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;

function step(title: string): void {
  stepNo += 1;
  const head = `── ${stepNo}/${STEPS}  ${title} `;
  console.log(`\n${head}${"─".repeat(Math.max(4, 100 - head.length))} [${elapsed()}]`);
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`✔ ${what}`);
}

/** POSTs that start a load, as the emulator logged them. */
function loadTriggers(emulator: Emulator): { kind: "COMPLETE" | "PARTIAL"; tableIds: string[] }[] {
  return emulator
    .requests()
    .filter(isLoadTrigger)
    .map((r) =>
      r.path.endsWith("/partial-sync")
        ? { kind: "PARTIAL" as const, tableIds: (r.body as string[]) ?? [] }
        : { kind: "COMPLETE" as const, tableIds: [] },
    );
}

function changes(summary: Record<string, number | undefined>): string[] {
  return Object.entries(summary)
    .filter(([op, n]) => op !== "same" && (n ?? 0) > 0)
    .map(([op, n]) => `${op}: ${n}`);
}

/** What the demo's steps share: the emulator, the state directory, the stacks opened so far. */
interface Demo {
  emulator: Emulator;
  stateDir: string;
  opened: Stack[];
}

/** A stack of examples/<name> on the demo's backend, configured for the emulator. */
async function openExample(demo: Demo, name: string, config: Record<string, string> = {}): Promise<Stack> {
  const dir = path.join(REPO_ROOT, "examples", name);
  const stack = await openStack({
    projectName: name,
    stackName: STACK,
    workDir: dir,
    stateDir: demo.stateDir,
    program: exampleProgram(dir),
    config: {
      ...emulatorConfig(demo.emulator.url, API_KEY),
      ...Object.fromEntries(Object.entries(config).map(([k, v]) => [`${name}:${k}`, { value: v }])),
    },
  });
  demo.opened.push(stack);
  return stack;
}

/** Steps 3-6: preview, up and a second preview of the quickstart example. */
async function quickstart(demo: Demo): Promise<void> {
  const { emulator } = demo;
  step("quickstart: a stack on a file backend");
  const quick = await openExample(demo, "quickstart");
  console.log(`stack "${STACK}" of examples/quickstart, state in ${path.relative(REPO_ROOT, demo.stateDir)}`);
  console.log(`config: celonis:url = ${emulator.url}, celonis:apiToken = [secret]`);

  step("quickstart: pulumi preview --diff  (the plan: what `up` will reload, and why)");
  const pv1 = await quick.preview({ diff: true, onOutput: print });
  check(pv1.changeSummary.create === 2, "preview plans to create the stack and the DataModelReload");
  check(loadTriggers(emulator).length === 0, "preview started no load");

  step("quickstart: pulumi up  (creates the resource: a COMPLETE load of the P2P Demo Model)");
  const up1 = await quick.up({ onOutput: print });
  console.log(`outputs: ${JSON.stringify(await printableOutputs(quick))}`);
  check(up1.outputs.status?.value === "SUCCESS", "the load ended SUCCESS");
  const firstLoads = loadTriggers(emulator);
  check(
    firstLoads.length === 1 && firstLoads[0].kind === "COMPLETE",
    "the emulator saw exactly one COMPLETE load",
  );

  step("quickstart: pulumi preview --diff again, with nothing changed");
  emulator.clearRequests();
  const pv2 = await quick.preview({ diff: true, onOutput: print });
  check(changes(pv2.changeSummary).length === 0, `no changes planned (${JSON.stringify(pv2.changeSummary)})`);
  check(loadTriggers(emulator).length === 0, "no load started");
}

/** Steps 7-8: create the partial-by-name example, then preview one changed table trigger. */
async function partialByName(demo: Demo): Promise<Stack> {
  step("partial-by-name: pulumi up  (tables ACTIVITIES, CASES and VENDORS, an alias of LFA1)");
  const partial = await openExample(demo, "partial-by-name", { activitiesVersion: "v1" });
  demo.emulator.clearRequests();
  await partial.up({ onOutput: print });
  const created = loadTriggers(demo.emulator);
  check(
    created.length === 1 && created[0].kind === "PARTIAL" && created[0].tableIds.length === 3,
    "one PARTIAL load of the 3 tables",
  );

  step("partial-by-name: activitiesVersion v1 → v2, then pulumi preview --diff");
  await partial.setConfig("partial-by-name:activitiesVersion", { value: "v2" });
  let previewText = "";
  const pv3 = await partial.preview({
    diff: true,
    onOutput: (s) => {
      previewText += s;
      print(s);
    },
  });
  check(pv3.changeSummary.update === 1, "preview plans one update");
  check(
    previewText.includes("tableTriggers.ACTIVITIES changed"),
    'the plan names the table and the reason: "tableTriggers.ACTIVITIES changed"',
  );
  return partial;
}

/** Step 9: the changed trigger reloads exactly the ACTIVITIES table. */
async function reloadOneTable(demo: Demo, partial: Stack): Promise<void> {
  step("partial-by-name: pulumi up  (only ACTIVITIES reloads)");
  demo.emulator.clearRequests();
  await partial.up({ onOutput: print });
  const outs = await printableOutputs(partial);
  console.log(
    `outputs: plan = ${JSON.stringify(outs.plan)}, reloadedTables = ${JSON.stringify(outs.reloadedTables)}`,
  );
  const activitiesId = loadSeed()
    .pools.flatMap((p) => p.dataModels)
    .find((m) => m.name === "P2P Demo Model")
    ?.tables.find((t) => t.name === "ACTIVITIES")?.id;
  const triggered = loadTriggers(demo.emulator);
  console.log(`emulator request log: ${JSON.stringify(triggered)}`);
  check(
    triggered.length === 1 &&
      triggered[0].kind === "PARTIAL" &&
      triggered[0].tableIds.length === 1 &&
      triggered[0].tableIds[0] === activitiesId,
    `exactly one partial-sync, with the ACTIVITIES table only (${activitiesId})`,
  );
}

/** Step 10: destroy the stacks (newest first) and forget them. */
async function destroyAll(demo: Demo): Promise<void> {
  step("pulumi destroy  (deleting a reload loads nothing), stop the emulator");
  for (const stack of [...demo.opened].reverse()) {
    const r = await stack.destroy();
    await stack.workspace.removeStack(stack.name);
    demo.opened.splice(demo.opened.indexOf(stack), 1);
    console.log(
      `${stack.name} of ${path.basename(stack.workspace.workDir)}: ${JSON.stringify(r.summary.resourceChanges)}`,
    );
  }
}

/** The state directory, .pulumi/demo-state, emptied (the previous run's state is wiped). */
function freshStateDir(): string {
  const demoState = path.join(REPO_ROOT, ".pulumi", "demo-state");
  fs.rmSync(demoState, { recursive: true, force: true });
  fs.mkdirSync(demoState, { recursive: true });
  return demoState;
}

async function main(): Promise<void> {
  step("Pulumi CLI (scripts/pulumi-toolchain.sh: built once from Go modules, then reused)");
  ensureToolchain();
  const stateDir = freshStateDir();
  step("Celonis emulator");
  const emulator = await startEmulator({ port: 0, apiKeys: [API_KEY], loadMs: 3000 });
  console.log(`emulator listening on ${emulator.url} (API key "${API_KEY}", loads take 3 s)`);
  const demo: Demo = { emulator, stateDir, opened: [] };
  try {
    await quickstart(demo);
    await reloadOneTable(demo, await partialByName(demo));
    await destroyAll(demo);
  } finally {
    // After a failure: forget the stacks (their state dir is wiped on the next run), stop the emulator.
    for (const stack of demo.opened)
      await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    await emulator.stop();
  }
}

main().then(
  () => {
    console.log(`\ndemo passed in ${elapsed()}`);
    process.exit(0);
  },
  (err: unknown) => {
    console.error(`\ndemo FAILED after ${elapsed()}: ${describeStackError(err)}`);
    process.exit(1);
  },
);
