// The package as a user installs it: `npm pack`, install the tarball into a copy of the quickstart
// example, run that example under the real engine. Proves the published files (compiled JS and
// declarations, without the emulator, which is a workspace package of its own) are complete and that
// the provider host finds the handlers in node_modules.
// Reports the `__provider` size each resource adds to the state.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { installPacked } from "../../scripts/packed-install";
import { emulatorConfig, ensureToolchain, exampleProgram, openStack, REPO_ROOT } from "../../scripts/stack";
import { TEST_API_KEY } from "../helpers/emulator";

const WORK = path.join(REPO_ROOT, ".test-work", "packed");
/** A copy of the quickstart example, outside the checkout's own link to itself. */
const PROJECT = path.join(WORK, "quickstart");

describe("e2e: the npm-packed package installed into the quickstart example", function () {
  this.timeout(300_000);
  let emu: Emulator;

  before(async () => {
    ensureToolchain();
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.cpSync(path.join(REPO_ROOT, "examples", "quickstart"), PROJECT, { recursive: true });
    installPacked(PROJECT, WORK, "quickstart");
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 200 });
  });
  after(async () => {
    await emu?.stop();
  });

  it("ships compiled JavaScript and type declarations, and neither the emulator nor zod", () => {
    const pkg = path.join(PROJECT, "node_modules", "pulumi-celonis");
    assert.ok(!fs.lstatSync(pkg).isSymbolicLink(), "a real install, not a link to the checkout");
    for (const f of ["dist/provider/index.js", "dist/provider/index.d.ts", "dist/provider/handlers.js"]) {
      assert.ok(fs.existsSync(path.join(pkg, f)), `missing ${f}`);
    }
    assert.ok(!fs.existsSync(path.join(pkg, "dist", "emulator")), "the emulator is not published");
    assert.ok(!fs.existsSync(path.join(PROJECT, "node_modules", ".bin", "celonis-emulator")));
    assert.ok(!fs.existsSync(path.join(PROJECT, "node_modules", "zod")), "zod is the emulator's alone");
    assert.ok(!fs.existsSync(path.join(pkg, "tests")), "tests are not published");
  });

  it("runs the example with the installed package, and reports the __provider size", async () => {
    const installed = require.resolve("pulumi-celonis", { paths: [PROJECT] });
    assert.ok(installed.startsWith(path.join(PROJECT, "node_modules")), `resolved ${installed}`);
    const stack = await openStack({
      projectName: "quickstart",
      workDir: PROJECT,
      stateDir: path.join(WORK, "state"),
      program: exampleProgram(PROJECT),
      config: emulatorConfig(emu.url, TEST_API_KEY),
    });
    const up = await stack.up();
    assert.equal(up.outputs.status.value, "SUCCESS");
    const state = await stack.exportStack();
    const res = (state.deployment.resources as { type: string; outputs: Record<string, string> }[]).find(
      (r) => r.type.endsWith("celonis:DataModelReload"),
    )!;
    const text = res.outputs.__provider;
    // The installed provider module is stored as a require of the package, not as code.
    assert.match(text, /require\("pulumi-celonis\/dist\/provider\/provider\.js"\)/, text);
    assert.ok(!text.includes(PROJECT), "no path of this machine in the state");
    console.log(`      __provider per resource: ${Buffer.byteLength(text)} bytes`);
    assert.ok(Buffer.byteLength(text) <= 1024, `${Buffer.byteLength(text)} bytes`);
    const again = await stack.up();
    assert.deepEqual(again.summary.resourceChanges, { same: 2 });
    await stack.destroy();
  });
});
