// The README's main command: the demo runs end to end (its own emulator, the real engine) and exits
// 0, leaving no emulator behind. Run as a child process, exactly as `npm run demo` runs it.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/stack";

describe("e2e: the demo (npm run demo)", function () {
  this.timeout(300_000);

  it("previews, reloads, previews no change, reloads one table, destroys, and exits 0", () => {
    const tsNode = require.resolve("ts-node/dist/bin.js");
    const run = spawnSync(process.execPath, [tsNode, "--transpile-only", path.join("scripts", "demo.ts")], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 280_000,
    });
    const out = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 0, out.slice(-3000));
    assert.match(out, /listening on http:\/\/127\.0\.0\.1:\d+|emulator.*http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /the emulator saw exactly one COMPLETE load/);
    assert.match(out, /no changes planned/);
    assert.match(out, /exactly one partial-sync, with the ACTIVITIES table only/);
    assert.match(out, /demo passed in [\d.]+s/);
  });
});
