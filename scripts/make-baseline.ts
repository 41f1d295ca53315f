// Records the upgrade baseline in tests/fixtures/baseline-0.1.0/: the state of a stack that version
// 0.1.0 of this package created, as a user's `npm install pulumi-celonis@0.1.0` would have it.
// tests/e2e/upgrade.test.ts imports that state and checks that the current code previews it with no
// change and updates it correctly (the way pulumi-command tests against a recorded older version).
//
//   npx ts-node --transpile-only scripts/make-baseline.ts [tag]     (default tag v0.1.0)
//
// Steps: `git archive` the tag into a temporary directory, `npm ci` and `npm pack` it there, install
// the tarball into a temporary Pulumi project, `up` the program of inputs.json against the emulator
// through the Automation API, export the state and write it as state.json. The temporary project's
// path, which the serialized provider keeps as its fallback location, is replaced by PROJECT_PLACEHOLDER
// so the fixture holds no path of the machine that made it. Nothing is left behind.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { startEmulator } from "../packages/celonis-emulator";
import { installPacked } from "./packed-install";
import { REPO_ROOT, emulatorConfig, ensureToolchain, openStack } from "./stack";

export const BASELINE_DIR = path.join(REPO_ROOT, "tests", "fixtures", "baseline-0.1.0");
/** Stands for the temporary project directory in the recorded state. Exists on no machine. */
export const PROJECT_PLACEHOLDER = "/pulumi-celonis-baseline/project";
/** Stands for the checkout that ran the program, in source positions (relative to the project). */
export const CHECKOUT_PLACEHOLDER = "../pulumi-celonis-checkout";
/** The emulator key the baseline stack used (its state keeps it, encrypted, in the provider's config). */
export const BASELINE_API_KEY = "baseline-api-key";

/** inputs.json: the project and stack names (they are in every URN) and each resource's inputs. */
export interface BaselineInputs {
  project: string;
  stack: string;
  resources: Record<string, Record<string, unknown>>;
}

export function readBaselineInputs(): BaselineInputs {
  return JSON.parse(fs.readFileSync(path.join(BASELINE_DIR, "inputs.json"), "utf8")) as BaselineInputs;
}

/** The constructor of DataModelReload, from whichever copy of the package is being tested. */
export type ReloadClass = new (name: string, args: never) => { lastLoad: pulumi.Output<unknown> };

/** The baseline program: one DataModelReload per entry of inputs.json; outputs each one's lastLoad. */
export function baselineProgram(
  Reload: ReloadClass,
  inputs: BaselineInputs,
): () => Promise<Record<string, unknown>> {
  return async () => {
    const outputs: Record<string, unknown> = {};
    for (const [name, args] of Object.entries(inputs.resources))
      outputs[name] = new Reload(name, args as never).lastLoad;
    return outputs;
  };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

/** The tag's sources in `work/src`, with their dependencies installed (`npm pack` builds them). */
function checkoutTag(tag: string, work: string): string {
  const src = path.join(work, "src");
  fs.mkdirSync(src);
  const tar = path.join(work, "src.tar");
  run("git", ["archive", "--format=tar", `--output=${tar}`, tag], REPO_ROOT);
  run("tar", ["-xf", tar, "-C", src], work);
  run("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], src);
  return src;
}

/** A Pulumi project in `work/project` with the tag's tarball installed as a user would install it. */
function installProject(src: string, work: string): string {
  const project = path.join(work, "project");
  installPacked(project, work, "baseline", src);
  // The peer dependency: this checkout's copy, so the program and the Automation API share one SDK.
  fs.mkdirSync(path.join(project, "node_modules", "@pulumi"), { recursive: true });
  fs.symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"),
    path.join(project, "node_modules", "@pulumi", "pulumi"),
  );
  return project;
}

/** `up` of the baseline program with the installed package; returns the exported deployment. */
async function record(project: string, work: string, inputs: BaselineInputs): Promise<unknown> {
  const installed = require(path.join(project, "node_modules", "pulumi-celonis")) as {
    DataModelReload: ReloadClass;
  };
  const emu = await startEmulator({ port: 0, apiKeys: [BASELINE_API_KEY], loadMs: 300 });
  try {
    const stack = await openStack({
      projectName: inputs.project,
      stackName: inputs.stack,
      workDir: project,
      stateDir: path.join(work, "state"),
      program: baselineProgram(installed.DataModelReload, inputs),
      config: emulatorConfig(emu.url, BASELINE_API_KEY),
    });
    const up = await stack.up();
    if (up.summary.result !== "succeeded") throw new Error(`up ${up.summary.result}`);
    // The CLI's own export: secrets stay encrypted (the Automation API's export decrypts them).
    const ws = stack.workspace as LocalWorkspace;
    const env = { ...process.env, ...ws.envVars };
    return JSON.parse(
      run(ws.pulumiCommand.command, ["stack", "export", "--stack", inputs.stack], project, env),
    );
  } finally {
    await emu.stop();
  }
}

/**
 * The state as text, with local paths replaced: the temporary project's (the serialized provider's
 * fallback location) and, in source positions, this checkout's (where the program and the Automation
 * API ran). Throws if a local path, the API key or the package-name location is wrong.
 */
export function scrubState(state: unknown, project: string): string {
  const text = JSON.stringify(state, null, 2)
    .split(project)
    .join(PROJECT_PLACEHOLDER)
    .split(`project:///${path.relative(project, REPO_ROOT)}/`)
    .join(`project:///${CHECKOUT_PLACEHOLDER}/`);
  const locals = [fs.realpathSync(os.tmpdir()), os.tmpdir(), os.homedir(), REPO_ROOT, REPO_ROOT.slice(1)];
  for (const local of locals) {
    if (text.includes(local)) throw new Error(`the recorded state still holds the local path ${local}`);
  }
  if (text.includes(BASELINE_API_KEY)) throw new Error("the recorded state holds the API key");
  if (!text.includes("pulumi-celonis/dist/provider/handlers"))
    throw new Error("the recorded __provider does not load the handlers by package name");
  return `${text}\n`;
}

async function main(tag: string): Promise<void> {
  ensureToolchain();
  const inputs = readBaselineInputs();
  const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "celonis-baseline-")));
  try {
    console.log(`[baseline] packing ${tag} in ${work}`);
    const project = installProject(checkoutTag(tag, work), work);
    console.log(`[baseline] up of ${Object.keys(inputs.resources).join(", ")} with the installed package`);
    const state = await record(project, work, inputs);
    fs.writeFileSync(path.join(BASELINE_DIR, "state.json"), scrubState(state, project));
    console.log(`[baseline] wrote ${path.relative(REPO_ROOT, path.join(BASELINE_DIR, "state.json"))}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv[2] ?? "v0.1.0").catch((err: unknown) => {
    console.error(`[baseline] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
