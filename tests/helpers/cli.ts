// Runs the real `pulumi` CLI in a project folder, as a user with a normal install would (no
// Automation API): the YAML example's e2e tests drive `preview`, `up`, `refresh`, `import` and
// `destroy` through this, on a file backend, with the environment scripts/stack.ts gives every run.

import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { REPO_ROOT, ensureToolchain, pulumiEnv } from "../../scripts/stack";
import { TEST_API_KEY } from "./emulator";

/** What one CLI run printed and how it ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A project folder and a stack on a file backend under `stateDir`. */
export class PulumiCli {
  /** Everything every run printed, for the search for credentials. */
  readonly printed: string[] = [];

  /** `extraEnv` overrides the usual environment (e.g. a PULUMI_HOME of the test's own). */
  constructor(
    readonly projectDir: string,
    readonly stateDir: string,
    readonly stack: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    fs.mkdirSync(stateDir, { recursive: true });
  }

  env(): NodeJS.ProcessEnv {
    // Stack config is the only source of credentials in these runs, never the caller's environment.
    const cleared = { CELONIS_URL: "", CELONIS_API_TOKEN: "", OAUTH_CLIENT_ID: "", OAUTH_CLIENT_SECRET: "" };
    const backend = { PULUMI_BACKEND_URL: `file://${this.stateDir}` };
    return { ...process.env, ...cleared, ...pulumiEnv({ ...backend, ...this.extraEnv }) };
  }

  /** Starts `pulumi <args> --stack <stack>` in the project folder (`plugin …` without the stack). */
  start(args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
    const stack = args[0] === "plugin" ? [] : ["--stack", this.stack]; // plugin commands take no stack
    const child = spawn("pulumi", [...args, ...stack, "--non-interactive"], {
      cwd: this.projectDir,
      env: this.env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const done = new Promise<CliResult>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => {
        this.printed.push(stdout, stderr);
        resolve({ code, signal, stdout, stderr });
      });
    });
    return { child, done };
  }

  /** Runs to the end; a non-zero exit throws with what the CLI printed, unless `allowFailure`. */
  async run(args: string[], allowFailure = false): Promise<CliResult> {
    const result = await this.start(args).done;
    if (result.code !== 0 && !allowFailure) {
      throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  /** The stack's state file as the file backend stores it (secrets stay encrypted). */
  stateFile(project: string): string {
    return path.join(this.stateDir, ".pulumi", "stacks", project, `${this.stack}.json`);
  }

  /** The resources of the last checkpoint, read from the state file. */
  resources(project: string): {
    urn: string;
    type: string;
    id?: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  }[] {
    const file = this.stateFile(project);
    if (!fs.existsSync(file)) return [];
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as {
      checkpoint: { latest?: { resources?: ReturnType<PulumiCli["resources"]> } };
    };
    return state.checkpoint.latest?.resources ?? [];
  }
}

/** The head of a YAML program named `project` that uses this checkout's provider plugin. */
export function yamlProgramHead(project: string): string {
  return `name: ${project}
runtime: yaml
plugins:
  providers:
    - name: celonis
      path: ${path.join(REPO_ROOT, "bin")}
`;
}

/** A YAML project in `work` running `program` against a fresh emulator, with a stack configured for it. */
export async function startYamlStack(
  work: string,
  program: string,
  emulatorOptions: { loadMs: number },
): Promise<{ emu: Emulator; cli: PulumiCli; stop: () => Promise<void> }> {
  ensureToolchain({ yaml: true });
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(work, "project"), { recursive: true });
  fs.writeFileSync(path.join(work, "project", "Pulumi.yaml"), program);
  const emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], ...emulatorOptions });
  const cli = new PulumiCli(path.join(work, "project"), path.join(work, "state"), "e2e");
  await cli.run(["stack", "init"]);
  await cli.run(["config", "set", "celonis:url", emu.url]);
  await cli.run(["config", "set", "--secret", "celonis:apiToken", TEST_API_KEY]);
  const stop = async () => {
    await cli.run(["stack", "rm", "--yes", "--force"], true);
    await emu.stop();
  };
  return { emu, cli, stop };
}
