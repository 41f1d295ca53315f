// The YAML quickstart under the real CLI, run in examples/yaml-quickstart as a user would run it:
// `pulumi-language-yaml` runs the program, the engine starts the `pulumi-resource-celonis` plugin
// found through the project's `plugins.providers`, and every claim is checked from the emulator's
// side (loads started, request bodies): previews, reloads of only what changed, refresh, import
// without a load, Ctrl-C during a wait, destroy, and no credential or secret in state or output.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { ensureToolchain, REPO_ROOT } from "../../scripts/stack";
import { PulumiCli } from "../helpers/cli";
import { DEMO, TEST_API_KEY, waitFor } from "../helpers/emulator";

const PROJECT = "yaml-quickstart";
const DIR = path.join(REPO_ROOT, "examples", PROJECT);
const WORK = path.join(REPO_ROOT, ".test-work", "yaml");
const URN = `urn:pulumi:e2e::${PROJECT}::celonis:index:DataModelReload::sales`;

describe("e2e: the YAML quickstart through the provider plugin", function () {
  this.timeout(240_000);
  let emu: Emulator;
  let cli: PulumiCli;
  let version = 0;

  const loadTriggers = () => emu.requests().filter(isLoadTrigger);
  const tableId = (name: string) =>
    emu.state.tables(DEMO.pool, DEMO.model).find((t) => t.aliasOrName === name)!.id;
  const sales = () => cli.resources(PROJECT).find((r) => r.urn === URN);
  const config = (key: string, value: string, secret = false) =>
    cli.run(["config", "set", ...(secret ? ["--secret"] : []), key, value]);
  /** A config value no earlier run used, so the change is real whatever ran before. */
  const fresh = () => `v${Date.now()}-${++version}`;

  /** The stack deployed, so a test that changes something has something to change (any test runs alone). */
  async function deployed(): Promise<void> {
    if (!sales()) await cli.run(["up", "--yes"]);
    emu.clearRequests(); // what a test counts starts here
  }

  before(async () => {
    ensureToolchain({ yaml: true }); // `runtime: yaml`: the YAML host, built if none is found
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.rmSync(path.join(DIR, "Pulumi.e2e.yaml"), { force: true });
    emu = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
    cli = new PulumiCli(DIR, path.join(WORK, "state"), "e2e");
    await cli.run(["stack", "init"]);
    await config("celonis:url", emu.url);
    await config("celonis:apiToken", TEST_API_KEY, true);
  });
  beforeEach(() => emu.clearRequests());
  after(async () => {
    await cli?.run(["stack", "rm", "--yes", "--force"], true);
    fs.rmSync(path.join(DIR, "Pulumi.e2e.yaml"), { force: true });
    await emu?.stop();
  });

  it("preview shows the plan and loads nothing; up reloads exactly the listed tables; a second up does nothing", async () => {
    if (sales()) await cli.run(["destroy", "--yes"]);
    const preview = await cli.run(["preview", "--diff"]);
    assert.match(preview.stdout, /\+ celonis:index:DataModelReload/);
    assert.match(preview.stdout, /loadType\s*:\s*"PARTIAL"/);
    assert.match(preview.stdout, /"created"/);
    assert.equal(loadTriggers().length, 0, "preview triggers nothing");

    const up = await cli.run(["up", "--yes"]);
    assert.equal(loadTriggers().length, 1);
    assert.match(loadTriggers()[0].path, /partial-sync$/);
    assert.deepEqual(
      new Set(loadTriggers()[0].body as string[]),
      new Set(["ACTIVITIES", "CASES", "VENDORS"].map(tableId)),
    );
    assert.match(up.stdout, /status\s*:\s*"SUCCESS"/);

    emu.clearRequests();
    const again = await cli.run(["up", "--yes"]);
    assert.match(again.stdout, /2 unchanged/);
    assert.equal(loadTriggers().length, 0);
  });

  it("changing one table trigger previews that property and the plan, and reloads only that table", async () => {
    await deployed();
    await config("activitiesVersion", fresh());
    const preview = await cli.run(["preview", "--diff"]);
    assert.match(
      preview.stdout,
      /~ tableTriggers\s*: \{\s*~ ACTIVITIES:/,
      "the detailed diff names the table",
    );
    assert.match(preview.stdout, /"tableTriggers\.ACTIVITIES changed"/, "the plan says why");
    assert.doesNotMatch(preview.stdout, /~ triggers/, "nothing else is shown as changed");
    emu.clearRequests();
    await cli.run(["up", "--yes"]);
    assert.deepEqual(
      loadTriggers().map((r) => r.body),
      [[tableId("ACTIVITIES")]],
    );
  });

  it("progress lines appear under the resource, not the stack", async function () {
    await deployed();
    await config("deployVersion", fresh());
    const up = await cli.run(["up", "--yes"]);
    assert.match(
      up.stdout,
      /celonis:index:DataModelReload \(sales\):\s*\n\s*celonis model [^\n]*triggering a PARTIAL load/,
    );
  });

  it("refresh reads a load started outside Pulumi, and loads nothing", async () => {
    await deployed();
    const outside = emu.startLoad(DEMO.model);
    emu.clearRequests();
    await cli.run(["refresh", "--yes"]);
    assert.equal((sales()!.outputs.lastLoad as { loadId: string }).loadId, outside.dataLoadId);
    assert.equal(loadTriggers().length, 0);
    await waitFor(() => emu.loads(DEMO.model).every((l) => l.loadStatus !== "RUNNING"), 5000);
  });

  it("import adopts a model without loading it, and prints code that previews no change", async () => {
    await deployed();
    const out = path.join(WORK, "imported.yaml");
    const id = `${DEMO.pool}/${DEMO.o2cModel}`;
    await cli.run([
      "import",
      "celonis:index:DataModelReload",
      "o2c",
      id,
      "--yes",
      "--protect=false",
      "--out",
      out,
    ]);
    assert.equal(loadTriggers().length, 0, "import loads nothing");
    const o2c = cli.resources(PROJECT).find((r) => r.urn.endsWith("::o2c"))!;
    assert.equal(o2c.id, id);
    assert.equal(o2c.outputs.planStatus, "done");
    assert.equal(o2c.outputs.reloadCount, 0);
    const code = fs.readFileSync(out, "utf8");
    assert.match(code, new RegExp(`dataModelId: ${DEMO.o2cModel}`));
    assert.doesNotMatch(code, /timeoutSeconds|onBusy|loadType/, "options at their defaults are left out");

    // The printed code added to the program (a copy of this project on the same stack): no change.
    const copy = new PulumiCli(path.join(WORK, "with-import"), cli.stateDir, cli.stack);
    fs.mkdirSync(copy.projectDir, { recursive: true });
    fs.copyFileSync(path.join(DIR, "Pulumi.e2e.yaml"), path.join(copy.projectDir, "Pulumi.e2e.yaml"));
    const imported = code.slice(code.indexOf("resources:\n") + "resources:\n".length);
    const program = fs
      .readFileSync(path.join(DIR, "Pulumi.yaml"), "utf8")
      .replace("path: ../../bin", `path: ${path.join(REPO_ROOT, "bin")}`)
      .replace(/^outputs:/m, `${imported}outputs:`);
    fs.writeFileSync(path.join(copy.projectDir, "Pulumi.yaml"), program);
    await copy.run(["preview", "--expect-no-changes"]);
    await cli.run(["state", "delete", o2c.urn, "--yes"]);
  });

  it("a bad import id fails naming the expected form", async () => {
    const r = await cli.run(["import", "celonis:index:DataModelReload", "bad", "not-an-id", "--yes"], true);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /import id must be "<poolId>\/<dataModelId>"/);
  });

  it("Ctrl-C during the wait stops it; the next up waits for that load instead of starting another", async function () {
    await deployed();
    emu.setBehaviour(DEMO.model, { durationMs: 6000, times: 1 });
    await config("deployVersion", fresh());
    emu.clearRequests();
    const { child, done } = cli.start(["up", "--yes"]);
    await waitFor(() => loadTriggers().length === 1, 60_000, 100);
    const interrupted = Date.now();
    child.kill("SIGINT");
    const result = await done;
    assert.notEqual(result.code, 0);
    assert.ok(Date.now() - interrupted < 5000, "the wait stopped promptly");
    assert.equal(sales()!.outputs.planStatus, "running");

    await cli.run(["up", "--yes"]);
    assert.equal(loadTriggers().length, 1, "one load across both runs");
    assert.equal(sales()!.outputs.planStatus, "done");
  });

  it("a load ending ERROR fails up with Celonis's message; the preview still shows the owed plan; the next up retries it", async () => {
    await deployed();
    emu.setBehaviour(DEMO.model, {
      outcome: "ERROR",
      message: "Table 'CASES': column CASE_KEY not found",
      times: 1,
    });
    await config("deployVersion", fresh());
    const failed = await cli.run(["up", "--yes"], true);
    assert.notEqual(failed.code, 0);
    assert.match(failed.stdout, /ended ERROR: Table 'CASES': column CASE_KEY not found/);
    assert.equal(sales()!.outputs.planStatus, "owed");

    const preview = await cli.run(["preview", "--diff"]);
    assert.match(
      preview.stdout,
      /~ celonis:index:DataModelReload: \(update\)[\s\S]*plan\s*:[\s\S]*triggers changed/,
    );
    emu.clearRequests();
    await cli.run(["up", "--yes"]);
    assert.equal(loadTriggers().length, 1, "the owed reload, once");
    assert.equal(sales()!.outputs.planStatus, "done");
  });

  it("a secret trigger stays secret in state and output, and its change still reloads", async () => {
    await deployed();
    const secret = `s3cret-${fresh()}`;
    await config("deployVersion", secret, true);
    const up = await cli.run(["up", "--yes"]);
    assert.equal(loadTriggers().length, 1);
    const triggers = JSON.stringify(sales()!.outputs.triggers);
    assert.match(triggers, /4dabf18193072939515e22adb298388d/, "stored as a secret");
    assert.ok(!fs.readFileSync(cli.stateFile(PROJECT), "utf8").includes(secret));
    assert.ok(!up.stdout.includes(secret) && !up.stderr.includes(secret));
  });

  it("destroy loads nothing; no run printed or stored the API key", async () => {
    await deployed();
    emu.clearRequests();
    await cli.run(["destroy", "--yes"]);
    assert.equal(emu.requests().filter((r) => r.method === "POST").length, 0);
    const stored = fs
      .readdirSync(WORK, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"));
    assert.match(stored.join("\n"), /celonis:index:DataModelReload/, "the search covered the state");
    const everything = [
      ...stored,
      fs.readFileSync(path.join(DIR, "Pulumi.e2e.yaml"), "utf8"),
      ...cli.printed,
    ].join("\n");
    assert.ok(!everything.includes(TEST_API_KEY));
  });
});
