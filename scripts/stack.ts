// Runs Pulumi programs of this repository (the examples, test programs) through the Automation API
// on a local file backend, with the CLI from scripts/pulumi-toolchain.sh and an isolated PULUMI_HOME.
// A library: the demo, the benchmarks, the e2e tests and `npm run stack` (scripts/stack-cli.ts) use it.
//
// Why it exists: `pulumi up` in a project directory needs the `pulumi-language-nodejs` host, which
// cannot be built here (the Go module proxy does not serve it). Inline programs need no language
// host: the SDK serves the program in-process and hands its address to the CLI (`--client`). With a
// normal Pulumi install, `pulumi up` in an example's directory does the same thing.

import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack, type ConfigMap } from "@pulumi/pulumi/automation";

export const REPO_ROOT: string = path.resolve(__dirname, "..");
/** The Pulumi CLI, its home and the default state live here (ignored by git). */
export const PULUMI_DIR = path.join(REPO_ROOT, ".pulumi");
const PULUMI_BIN = path.join(PULUMI_DIR, "bin");

/**
 * Builds or reuses the pinned Pulumi CLI (.pulumi/bin/pulumi); throws when that fails. A
 * pulumi-language-yaml already installed or cached is linked beside it; `yaml: true` (for `runtime:
 * yaml` projects) also builds that host when there is none, which needs Go.
 */
export function ensureToolchain(opts: { yaml?: boolean } = {}): void {
  const script = path.join(REPO_ROOT, "scripts", "pulumi-toolchain.sh");
  const r = spawnSync("bash", [script, ...(opts.yaml ? ["--yaml"] : [])], { stdio: "inherit" });
  if (r.status !== 0) {
    throw new Error(
      `scripts/pulumi-toolchain.sh failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`,
    );
  }
}

/** Environment for the CLI, the engine and the provider host: isolated home, no prompts, no downloads. */
export function pulumiEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PULUMI_HOME: path.join(PULUMI_DIR, "home"),
    PULUMI_CONFIG_PASSPHRASE: "pulumi-celonis-local",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PATH: [PULUMI_BIN, process.env.PATH ?? ""].join(path.delimiter),
    // Lets the provider host (`node -e require.resolve('@pulumi/pulumi/...')`, then the serialized
    // provider's requires) find this checkout's packages when workDir is outside the repository.
    NODE_PATH: [path.join(REPO_ROOT, "node_modules"), process.env.NODE_PATH ?? ""]
      .filter(Boolean)
      .join(path.delimiter),
    ...extra,
  };
}

export interface StackOptions {
  /** Project name, e.g. "quickstart"; must match the name in workDir's Pulumi.yaml when there is one. */
  projectName: string;
  /** Default "dev". Concurrent runs on one workDir need distinct stack names (Pulumi.<stack>.yaml). */
  stackName?: string;
  /** Project dir (the provider host runs with this cwd); must exist. A Pulumi.yaml there is kept as is. */
  workDir: string;
  /** File backend dir (created if missing). */
  stateDir: string;
  /** Inline program. */
  program: () => Promise<Record<string, unknown> | void>;
  config?: Record<string, { value: string; secret?: boolean }>;
  /** Extra env for the engine and provider host. */
  env?: Record<string, string>;
}

let pulumiCommand: Promise<PulumiCommand> | undefined;

const STACK_FILE_EXTS = [".yaml", ".yml", ".json"];

/** The project file of workDir (Pulumi.yaml, .yml or .json), as the SDK reads it; undefined without one. */
async function existingProject(ws: LocalWorkspace): Promise<{ name?: unknown } | undefined> {
  try {
    return (await ws.projectSettings()) as { name?: unknown } | undefined;
  } catch (err) {
    if (/failed to find project settings/.test(String(err))) return undefined;
    throw err;
  }
}

/**
 * Creates or selects a stack of an inline program on a file backend. A new stack drops a leftover
 * Pulumi.<stack>.yaml in workDir (its config belongs to a stack that no longer exists), then `config`
 * is set.
 */
export async function openStack(opts: StackOptions): Promise<Stack> {
  const stackName = opts.stackName ?? "dev";
  const workDir = path.resolve(opts.workDir);
  if (!fs.statSync(workDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`openStack: workDir ${workDir} does not exist`);
  }
  const stateDir = path.resolve(opts.stateDir);
  fs.mkdirSync(stateDir, { recursive: true });
  const backendUrl = `file://${stateDir}`;

  pulumiCommand ??= PulumiCommand.get({ root: PULUMI_DIR });
  const ws = await LocalWorkspace.create({
    workDir,
    program: opts.program,
    pulumiCommand: await pulumiCommand,
    envVars: pulumiEnv({ PULUMI_BACKEND_URL: backendUrl, ...opts.env }),
  });
  // A project file in workDir (the examples') is used as it is, the backend then coming from the env;
  // without one, the workspace writes a Pulumi.yaml.
  const project = await existingProject(ws);
  if (!project) {
    await ws.saveProjectSettings({ name: opts.projectName, runtime: "nodejs", backend: { url: backendUrl } });
  } else if (project.name !== opts.projectName) {
    throw new Error(
      `openStack: the project file in ${workDir} names project "${String(project.name)}", not "${opts.projectName}"`,
    );
  }
  let stack: Stack;
  try {
    stack = await Stack.select(stackName, ws);
  } catch (err) {
    if (!/no stack named/i.test(describeStackError(err))) throw err;
    for (const ext of STACK_FILE_EXTS)
      fs.rmSync(path.join(workDir, `Pulumi.${stackName}${ext}`), { force: true });
    stack = await Stack.create(stackName, ws);
  }
  if (opts.config && Object.keys(opts.config).length > 0) await stack.setAllConfig(opts.config as ConfigMap);
  return stack;
}

/**
 * The program of an example directory: requires <dir>/index.ts afresh on each call (so a changed
 * file or config is picked up) and runs its exported async function; its result are the outputs.
 */
export function exampleProgram(exampleDir: string): () => Promise<Record<string, unknown> | void> {
  const dir = fs.realpathSync(path.resolve(exampleDir));
  return async () => {
    if (!require.extensions[".ts"]) {
      require("ts-node").register({
        transpileOnly: true,
        project: path.join(REPO_ROOT, "examples", "tsconfig.json"),
      });
    }
    for (const key of Object.keys(require.cache)) {
      if (key.startsWith(dir + path.sep)) delete require.cache[key];
    }
    const mod = require(path.join(dir, "index.ts"));
    const fn = typeof mod === "function" ? mod : mod?.default;
    if (typeof fn !== "function")
      throw new Error(`${dir}/index.ts exports no function (write \`export = async () => {...}\`)`);
    return fn();
  };
}

/** The stack's outputs as they may be printed: secret values shown as "[secret]". */
export async function printableOutputs(stack: Stack): Promise<Record<string, unknown>> {
  const outs = await stack.outputs();
  return Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

/** Stack config for the emulator (or any Celonis URL) with a user API key. */
export function emulatorConfig(
  url: string,
  apiKey: string,
): Record<string, { value: string; secret?: boolean }> {
  return { "celonis:url": { value: url }, "celonis:apiToken": { value: apiKey, secret: true } };
}

/**
 * Resource plugins the example's index.ts needs (from the `pulumi` field of each `@pulumi/*` package
 * it imports) that are neither installed under our PULUMI_HOME nor on PATH, e.g.
 * ["pulumi-resource-command v1.2.1"]. The engine would fail on them mid-run; callers skip instead.
 */
export function missingPlugins(exampleDir: string): string[] {
  const source = fs.readFileSync(path.join(exampleDir, "index.ts"), "utf8");
  const packages = new Set<string>();
  for (const m of source.matchAll(/(?:from\s+|require\()\s*["'](@pulumi\/[^"'/]+)["']/g)) packages.add(m[1]);
  packages.delete("@pulumi/pulumi");
  if (packages.size === 0) return [];
  let installed: { name: string; kind: string }[];
  try {
    const out = execFileSync(path.join(PULUMI_BIN, "pulumi"), ["plugin", "ls", "--json"], {
      env: { ...process.env, ...pulumiEnv() },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    installed = JSON.parse(out || "[]") ?? [];
  } catch {
    installed = [];
  }
  const onPath = (bin: string): boolean =>
    (process.env.PATH ?? "").split(path.delimiter).some((d) => d !== "" && fs.existsSync(path.join(d, bin)));
  const missing: string[] = [];
  for (const pkg of packages) {
    let name = pkg.slice("@pulumi/".length);
    let version = "";
    try {
      const meta = JSON.parse(
        fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [exampleDir] }), "utf8"),
      ) as { pulumi?: { resource?: boolean; name?: string; version?: string } };
      if (meta.pulumi?.resource === false) continue;
      name = meta.pulumi?.name ?? name;
      version = meta.pulumi?.version ? ` v${meta.pulumi.version}` : "";
    } catch {
      // not installed: the program fails on its import, with Node's own message
    }
    const bin = `pulumi-resource-${name}`;
    if (!installed.some((p) => p.kind === "resource" && p.name === name) && !onPath(bin))
      missing.push(bin + version);
  }
  return missing;
}

/** The line printed when an example cannot run for want of a plugin. */
export function skipMessage(missing: string[]): string {
  const installs = missing.map((m) => {
    const [, name, version] = /^pulumi-resource-(\S+)(?: v(\S+))?$/.exec(m) ?? [];
    return `pulumi plugin install resource ${name ?? m}${version ? ` ${version}` : ""}`;
  });
  return (
    `skipped: needs the ${missing.join(", ")} plugin, which the Go module proxy here does not serve ` +
    `(a normal Pulumi install fetches it on first use, or: ${installs.join("; ")})`
  );
}

/** The useful part of an Automation API error: the CLI's stderr, else the message. */
export function describeStackError(err: unknown): string {
  const result = (err as { commandResult?: { stderr?: string } }).commandResult;
  const text = result?.stderr?.trim() || (err instanceof Error ? err.message : String(err));
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}
