// The plugin as users of Python, Go, C# or YAML install it: scripts/pack-plugin.sh makes the tarball,
// `pulumi plugin install resource celonis <version> --file` installs it into a fresh PULUMI_HOME, and
// a YAML project with no `plugins` block (the quickstart's program) deploys through it against the
// emulator. This is the install path the README documents.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { ensureToolchain, REPO_ROOT } from "../../scripts/stack";
import { PulumiCli } from "../helpers/cli";
import { TEST_API_KEY } from "../helpers/emulator";

const WORK = path.join(REPO_ROOT, ".test-work", "plugin-install");
const VERSION = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;

/** The quickstart's Pulumi.yaml without its `plugins` block: the plugin must come from PULUMI_HOME. */
function projectWithoutPluginPath(): string {
  const text = fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml-quickstart", "Pulumi.yaml"), "utf8");
  const stripped = text.replace(/^plugins:\n(?:[ \t]+.*\n)+/m, "");
  assert.ok(!/plugins:|path:/.test(stripped), "the plugins block is gone");
  return stripped;
}

describe("e2e: the plugin tarball installed with `pulumi plugin install`", function () {
  this.timeout(300_000);
  let emu: Emulator;
  let cli: PulumiCli;
  let tarball: string;

  before(async () => {
    ensureToolchain({ yaml: true }); // `runtime: yaml`: the YAML host, built if none is found
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(path.join(WORK, "project"), { recursive: true });
    const packed = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "pack-plugin.sh"), WORK], {
      encoding: "utf8",
    });
    assert.equal(packed.status, 0, packed.stderr);
    tarball = packed.stdout.trim().split("\n").pop()!;
    fs.writeFileSync(path.join(WORK, "project", "Pulumi.yaml"), projectWithoutPluginPath());
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
    cli = new PulumiCli(path.join(WORK, "project"), path.join(WORK, "state"), "e2e", {
      PULUMI_HOME: path.join(WORK, "home"),
    });
  });
  after(async () => {
    await emu?.stop();
  });

  it("installs, is listed, and serves a YAML project that names no plugin path", async () => {
    assert.match(
      path.basename(tarball),
      new RegExp(`^pulumi-resource-celonis-v${VERSION}-\\w+-\\w+\\.tar\\.gz$`),
    );
    await cli.run(["plugin", "install", "resource", "celonis", VERSION, "--file", tarball]);
    const listed = await cli.run(["plugin", "ls", "--json"]);
    const plugins = JSON.parse(listed.stdout) as { name: string; kind: string; version: string }[];
    assert.ok(plugins.some((p) => p.name === "celonis" && p.kind === "resource" && p.version === VERSION));

    await cli.run(["stack", "init"]);
    await cli.run(["config", "set", "celonis:url", emu.url]);
    await cli.run(["config", "set", "--secret", "celonis:apiToken", TEST_API_KEY]);
    const up = await cli.run(["up", "--yes"]);
    assert.match(up.stdout, /status\s*:\s*"SUCCESS"/);
    const loads = emu
      .requests()
      .filter((r) => r.method === "POST" && /partial-sync$/.test(r.path) && r.status < 300);
    assert.equal(loads.length, 1);
    await cli.run(["destroy", "--yes"]);
  });
});
