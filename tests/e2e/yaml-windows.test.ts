// Reload windows in a Pulumi YAML program, through the provider plugin under the real CLI: with the
// window closed (built relative to the current time) `up` succeeds, defers the reload with a warning
// and records planStatus "deferred"; once the window is open the next `up` loads it, exactly once.

import assert from "node:assert/strict";
import * as path from "node:path";
import type { Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { DAY_NAMES } from "../../provider/windows";
import { REPO_ROOT } from "../../scripts/stack";
import { startYamlStack, yamlProgramHead, type PulumiCli } from "../helpers/cli";
import { DEMO } from "../helpers/emulator";

const PROJECT = "yaml-windows";
const WORK = path.join(REPO_ROOT, ".test-work", PROJECT);
const dayOf = (t: number) => DAY_NAMES[(new Date(t).getUTCDay() + 6) % 7];

const PROGRAM = `${yamlProgramHead(PROJECT)}config:
  window:
    type: string
resources:
  sales:
    type: celonis:index:DataModelReload
    properties:
      poolId: ${DEMO.pool}
      dataModelId: ${DEMO.model}
      windows: ["\${window}"]
      timeZone: UTC
outputs:
  planStatus: \${sales.planStatus}
  reloadCount: \${sales.reloadCount}
`;

describe("e2e: reload windows in YAML through the plugin", function () {
  this.timeout(240_000);
  let emu: Emulator;
  let cli: PulumiCli;
  const loads = () => emu.requests().filter(isLoadTrigger);

  let stop: (() => Promise<void>) | undefined;

  before(async () => {
    ({ emu, cli, stop } = await startYamlStack(WORK, PROGRAM, { loadMs: 300 }));
  });
  after(async () => stop?.());

  it("outside the window up defers with a warning; inside it the next up loads once", async () => {
    const closed = dayOf(Date.now() + 3 * 24 * 3600_000);
    await cli.run(["config", "set", "window", closed]);
    const preview = await cli.run(["preview", "--diff"]);
    assert.match(
      preview.stdout,
      new RegExp(`deferred: outside the reload window, next opens ${closed} 00:00 UTC`),
    );
    const up1 = await cli.run(["up", "--yes"]);
    assert.match(up1.stdout, /planStatus\s*:\s*"deferred"/);
    assert.match(up1.stdout, /warning: .*deferred: outside the reload window/);
    assert.equal(loads().length, 0, "nothing triggered outside the window");

    await cli.run(["config", "set", "window", dayOf(Date.now())]);
    const up2 = await cli.run(["up", "--yes"]);
    assert.match(up2.stdout, /planStatus\s*:\s*"deferred" => "done"/);
    assert.equal(loads().length, 1, "the deferred reload loaded once");
    const up3 = await cli.run(["up", "--yes"]);
    assert.match(up3.stdout, /reloadCount\s*:\s*1/);
    assert.equal(loads().length, 1, "and never again");
  });
});
