// Several stacks deploying reloads of one data model at the same moment, as separate CI runners
// would: each stack has its own project directory, its own file backend and its own `pulumi` CLI and
// provider host (the Automation API starts one of each per `up`). The reliability suite's concurrent-stacks
// scenarios and `npm run bench -- --concurrent-stacks` both run stacks through this; what they assert
// or report is theirs.

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { DataModelReload, type DataModelReloadArgs } from "../provider";
import type { PlanLoad, PlanStatus } from "../provider/types";
import { describeStackError, emulatorConfig, openStack } from "./stack";

/** What each of a stack's DataModelReload resources ended with, as its outputs say. */
export interface ReloadOutcome {
  planStatus?: PlanStatus;
  planLoad?: PlanLoad | null;
}

/** One stack of the group: its CLI runs, and the arguments its program declares at the next `up`. */
export interface GroupStack {
  index: number;
  stack: Stack;
  workDir: string;
  args: DataModelReloadArgs[];
}

/** One `up` of one stack, timed by this process's clock. */
export interface UpRun {
  index: number;
  startedAt: number;
  /** When the CLI printed its last line (without the Automation API's follow-up calls). */
  endedAt: number;
  error?: string;
  reloads: ReloadOutcome[];
}

export interface GroupOptions {
  /** Scratch directory (wiped): stack i lives in <dir>/stack-<i>/{project,state}. */
  dir: string;
  count: number;
  url: string;
  apiKey: string;
  /** The resources of stack i at its first `up`. */
  args: (i: number) => DataModelReloadArgs[];
  /** Extra stack config (e.g. the request timeout). */
  config?: Record<string, string>;
  /** Extra environment of each stack's engine and provider host. */
  env?: Record<string, string>;
}

/** The stack's program: its resources, with their plan status and load as outputs. */
function program(entry: { args: DataModelReloadArgs[] }): () => Promise<Record<string, unknown>> {
  return async () => {
    const rs = entry.args.map((a, i) => new DataModelReload(`r${i}`, a));
    return { reloads: pulumi.all(rs.map((r) => ({ planStatus: r.planStatus, planLoad: r.planLoad }))) };
  };
}

/** Opens `opts.count` fresh stacks, each in its own project directory with its own state. */
export async function openGroup(opts: GroupOptions): Promise<GroupStack[]> {
  fs.rmSync(opts.dir, { recursive: true, force: true });
  const config = emulatorConfig(opts.url, opts.apiKey);
  for (const [k, v] of Object.entries(opts.config ?? {})) config[k] = { value: v };
  const open = async (index: number): Promise<GroupStack> => {
    const workDir = path.join(opts.dir, `stack-${index}`, "project");
    fs.mkdirSync(workDir, { recursive: true });
    const entry = { index, workDir, args: opts.args(index) } as GroupStack;
    entry.stack = await openStack({
      projectName: "concurrent",
      workDir,
      stateDir: path.join(opts.dir, `stack-${index}`, "state"),
      program: program(entry),
      config,
      env: {
        CELONIS_URL: "",
        CELONIS_API_TOKEN: "",
        OAUTH_CLIENT_ID: "",
        OAUTH_CLIENT_SECRET: "",
        ...opts.env,
      },
    });
    return entry;
  };
  return Promise.all(Array.from({ length: opts.count }, (_, i) => open(i)));
}

/** Runs `up` on one stack; a failure is recorded, not thrown. */
export async function upOne(g: GroupStack, onOutput?: (line: string) => void): Promise<UpRun> {
  const startedAt = Date.now();
  let last = 0;
  const output = (line: string): void => {
    last = Date.now();
    onOutput?.(line);
  };
  try {
    const r = await g.stack.up({ onOutput: output });
    const reloads = (r.outputs.reloads?.value ?? []) as ReloadOutcome[];
    return { index: g.index, startedAt, endedAt: last || Date.now(), reloads };
  } catch (err) {
    const error = describeStackError(err);
    return { index: g.index, startedAt, endedAt: last || Date.now(), error, reloads: [] };
  }
}

/** Runs `up` on every stack of the group at the same moment; resolves when all have ended. */
export function upAll(group: GroupStack[], onOutput?: (i: number, line: string) => void): Promise<UpRun[]> {
  return Promise.all(group.map((g) => upOne(g, onOutput && ((line) => onOutput(g.index, line)))));
}

/** Removes the group's stacks and their directories. */
export async function removeGroup(group: GroupStack[], dir: string): Promise<void> {
  await Promise.all(
    group.map((g) => g.stack.workspace.removeStack(g.stack.name, { force: true }).catch(() => undefined)),
  );
  fs.rmSync(dir, { recursive: true, force: true });
}
