// The SDKs generated from the schema (scripts/sdks.sh, run by `npm test` before this layer), checked
// as far as this machine allows: Python compiles, Go builds and vets against the CLI's sdk/v3, C#
// parses (no .NET SDK or NuGet here), and a Go Automation API program using the Go SDK deploys
// through the plugin under the real CLI, its loads counted from the emulator's side.

import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { Language, Parser, type Node } from "web-tree-sitter";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { ensureToolchain, pulumiEnv, REPO_ROOT } from "../../scripts/stack";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";

const SDK = path.join(REPO_ROOT, "sdk");
const WORK = path.join(REPO_ROOT, ".test-work", "sdks");
const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "schema.json"), "utf8")) as {
  resources: Record<string, { inputProperties: Record<string, unknown> }>;
};
const INPUTS = Object.keys(schema.resources["celonis:index:DataModelReload"].inputProperties);

function files(dir: string, ext: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Runs a command to the end; a failure throws with what it printed. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Syntax errors of a C# file, as "line:column" (tree-sitter's C# grammar). */
function csharpErrors(parser: Parser, file: string): string[] {
  const errors: string[] = [];
  const walk = (n: Node) => {
    if (n.type === "ERROR" || n.isMissing)
      errors.push(`${n.startPosition.row + 1}:${n.startPosition.column + 1}`);
    for (const c of n.children) if (c) walk(c);
  };
  walk(parser.parse(fs.readFileSync(file, "utf8"))!.rootNode);
  return errors;
}

describe("e2e: the generated SDKs", function () {
  this.timeout(600_000);

  before(() => {
    if (!fs.existsSync(path.join(SDK, "go")))
      run("bash", [path.join(REPO_ROOT, "scripts", "sdks.sh")], REPO_ROOT);
  });

  it("no SDK reads a credential from the environment: only CELONIS_URL and the request timeout", () => {
    // Stack config must win over the environment's credential as a whole (config.ts decides that), so
    // the SDKs may fall back to the environment only for the keys that stand alone.
    const envRead = /(?:get_env\w*|GetEnvOrDefault|GetEnv\w*)\(([^)]*)\)/g;
    for (const [language, ext] of [
      ["python", ".py"],
      ["go", ".go"],
      ["dotnet", ".cs"],
    ]) {
      const read = new Set<string>();
      for (const file of files(path.join(SDK, language), ext)) {
        for (const call of fs.readFileSync(file, "utf8").matchAll(envRead)) {
          for (const name of call[1].matchAll(/["']([A-Z][A-Z0-9_]+)["']/g)) read.add(name[1]);
        }
      }
      assert.deepEqual([...read].sort(), ["CELONIS_REQUEST_TIMEOUT_SECONDS", "CELONIS_URL"], language);
    }
  });

  it("Python: every file compiles, and the resource takes every input of the schema", () => {
    const py = files(path.join(SDK, "python"), ".py");
    assert.ok(py.length > 5, `python files: ${py.length}`);
    run("python3", ["-m", "py_compile", ...py], SDK);
    const resource = fs.readFileSync(
      path.join(SDK, "python", "pulumi_celonis", "data_model_reload.py"),
      "utf8",
    );
    for (const input of INPUTS) {
      const snake = input.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      assert.match(resource, new RegExp(`\\b${snake}: pulumi\\.Input`), `python argument ${snake}`);
    }
  });

  it("Go: the SDK builds and vets against the github.com/pulumi/pulumi/sdk/v3 of the pinned CLI", () => {
    const dir = path.join(SDK, "go", "celonis");
    const cli = /pulumi\/pkg\/v3 (v[\d.]+)/.exec(
      fs.readFileSync(path.join(REPO_ROOT, "toolchain", "go.mod"), "utf8"),
    );
    assert.ok(cli, "toolchain/go.mod pins pkg/v3");
    assert.ok(
      fs.readFileSync(path.join(dir, "go.mod"), "utf8").includes(`github.com/pulumi/pulumi/sdk/v3 ${cli[1]}`),
      `the Go SDK requires sdk/v3 ${cli[1]}`,
    );
    const env = { ...process.env, GOFLAGS: "-mod=mod" };
    run("go", ["mod", "tidy"], dir, env);
    run("go", ["build", "./..."], dir, env);
    run("go", ["vet", "./..."], dir, env);
  });

  it("C#: every file parses, and the resource declares every input and the enums", async () => {
    await Parser.init();
    const parser = new Parser();
    parser.setLanguage(await Language.load(require.resolve("tree-sitter-c-sharp/tree-sitter-c_sharp.wasm")));
    const cs = files(path.join(SDK, "dotnet"), ".cs");
    assert.ok(cs.length > 5, `C# files: ${cs.length}`);
    for (const file of cs)
      assert.deepEqual(csharpErrors(parser, file), [], `${path.relative(SDK, file)} parses`);
    assert.deepEqual(csharpErrors(parser, __filename).length > 0, true, "the parser rejects what is not C#");
    const resource = fs.readFileSync(path.join(SDK, "dotnet", "DataModelReload.cs"), "utf8");
    for (const input of INPUTS)
      assert.match(resource, new RegExp(`\\[Input\\("${input}"`), `C# input ${input}`);
    assert.match(
      fs.readFileSync(path.join(SDK, "dotnet", "Enums.cs"), "utf8"),
      /public readonly struct OnBusy/,
    );
  });

  describe("a Go Automation API program using the Go SDK", () => {
    let emu: Emulator;
    let binary: string;
    const env = () => ({
      ...process.env,
      ...pulumiEnv({ PULUMI_BACKEND_URL: `file://${path.join(WORK, "state")}` }),
      CELONIS_URL: emu.url,
      CELONIS_API_TOKEN: TEST_API_KEY,
      PLUGIN_DIR: path.join(REPO_ROOT, "bin"),
      WORK_DIR: path.join(WORK, "project"),
    });
    // Asynchronous: the emulator answers from this process's event loop.
    const program = async (action: "up" | "destroy") =>
      (await promisify(execFile)(binary, [action], { env: env(), encoding: "utf8" })).stdout;
    const loads = () => emu.requests().filter(isLoadTrigger);

    before(async () => {
      ensureToolchain();
      fs.rmSync(WORK, { recursive: true, force: true });
      fs.mkdirSync(path.join(WORK, "project"), { recursive: true });
      fs.mkdirSync(path.join(WORK, "state"), { recursive: true });
      binary = path.join(WORK, "sdk-go");
      run("go", ["build", "-o", binary, "."], path.join(REPO_ROOT, "tests", "sdk-go"));
      emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
    });
    after(async () => {
      if (emu && binary && fs.existsSync(binary)) await program("destroy").catch(() => undefined);
      await emu?.stop();
    });

    it("deploys through the plugin: one load of its two tables, then nothing; destroy loads nothing", async () => {
      const outputs = JSON.parse(await program("up")) as {
        status: string;
        planTables: string[];
      };
      assert.equal(outputs.status, "SUCCESS");
      assert.deepEqual(outputs.planTables, ["ACTIVITIES", "VENDORS"]);
      const tables = emu.state.tables(DEMO.pool, DEMO.model);
      const id = (name: string) => tables.find((t) => t.aliasOrName === name)!.id;
      assert.deepEqual(
        loads().map((r) => new Set(r.body as string[])),
        [new Set([id("ACTIVITIES"), id("VENDORS")])],
      );

      emu.clearRequests();
      await program("up");
      assert.equal(loads().length, 0, "a second up loads nothing");
      await program("destroy");
      assert.equal(emu.requests().filter((r) => r.method === "POST").length, 0);
    });
  });
});
