// Lookups by name in a Pulumi YAML program, under the real CLI: `fn::invoke` of
// celonis:index:getDataModel (answered by the plugin's Invoke) feeds a DataModelReload; the
// preview already names the right model, `up` loads that model once, and no credential reaches
// the state or the output.

import assert from "node:assert/strict";
import * as path from "node:path";
import type { Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { REPO_ROOT } from "../../scripts/stack";
import { startYamlStack, yamlProgramHead, type PulumiCli } from "../helpers/cli";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";
import { readTree } from "../helpers/files";

const PROJECT = "yaml-lookups";
const WORK = path.join(REPO_ROOT, ".test-work", PROJECT);

const PROGRAM = `${yamlProgramHead(PROJECT)}variables:
  model:
    fn::invoke:
      function: celonis:index:getDataModel
      arguments:
        pool: Demo Pool
        name: p2p demo model
resources:
  sales:
    type: celonis:index:DataModelReload
    properties:
      poolId: \${model.poolId}
      dataModelId: \${model.id}
      tables: [ACTIVITIES]
outputs:
  modelId: \${model.id}
  status: \${sales.lastLoad.status}
`;

describe("e2e: lookups by name in YAML through the plugin's Invoke", function () {
  this.timeout(240_000);
  let emu: Emulator;
  let cli: PulumiCli;

  let stop: (() => Promise<void>) | undefined;

  before(async () => {
    ({ emu, cli, stop } = await startYamlStack(WORK, PROGRAM, { loadMs: 300 }));
  });
  after(async () => stop?.());

  it("fn::invoke getDataModel by name feeds a DataModelReload: the preview names the model, up loads it once", async () => {
    const preview = await cli.run(["preview", "--diff"]);
    assert.match(preview.stdout, new RegExp(`dataModelId\\s*:\\s*"${DEMO.model}"`));
    assert.match(preview.stdout, /loadType\s*:\s*"PARTIAL"/);
    assert.equal(emu.requests().filter(isLoadTrigger).length, 0, "preview triggers nothing");

    const up = await cli.run(["up", "--yes"]);
    assert.deepEqual(
      emu
        .requests()
        .filter(isLoadTrigger)
        .map((t) => [t.path, t.body]),
      [
        [
          `/integration/api/v1/data-pools/${DEMO.pool}/data-models/${DEMO.model}/load/partial-sync`,
          [DEMO.tables.ACTIVITIES],
        ],
      ],
    );
    assert.match(up.stdout, new RegExp(`modelId\\s*:\\s*"${DEMO.model}"`));
    assert.match(up.stdout, /status\s*:\s*"SUCCESS"/);
    assert.ok(!(up.stdout + preview.stdout).includes(TEST_API_KEY), "no credential in the output");
    assert.ok(!readTree(WORK).includes(TEST_API_KEY), "no credential in the state or stack files");
  });
});
