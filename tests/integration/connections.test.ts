// Named connections: one provider context serving two Celonis teams whose pools and models have the
// same ids. Batches, announcements, table caches and journal keys name the connection, so each team
// gets exactly its own load, even when both deploy at the same time in one process.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { isLoadTrigger } from "../../packages/celonis-emulator/request-log";
import { ProviderContext } from "../../provider/context";
import { Journal } from "../../provider/journal";
import { DEMO, TEST_API_KEY } from "../helpers/emulator";
import { deploy } from "../helpers/engine";

describe("named connections: two teams with the same ids in one context", function () {
  this.timeout(30_000);
  let teamA: Emulator;
  let teamB: Emulator;

  before(async () => {
    teamA = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
    teamB = await startEmulator({ port: 0, apiKeys: [TEST_API_KEY], loadMs: 300 });
  });
  after(async () => {
    await teamA.stop();
    await teamB.stop();
  });

  it("each emulator sees exactly its own load when both deploy at the same time", async () => {
    const auth = { kind: "bearer" as const, token: TEST_API_KEY };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "celonis-journal-"));
    const pc = new ProviderContext({
      journal: new Journal(path.join(dir, "journal.json")),
      log: () => undefined,
      connections: { teamA: { url: teamA.url, auth }, teamB: { url: teamB.url, auth } },
    });
    const inputs = {
      poolId: DEMO.pool,
      dataModelId: DEMO.model,
      tables: ["CASES"],
      __scope: "proj/dev/sales",
    };
    const [a, b] = await Promise.all([
      deploy(pc, undefined, inputs, { connection: "teamA" }),
      deploy(pc, undefined, { ...inputs, tables: ["ACTIVITIES"] }, { connection: "teamB" }),
    ]);
    assert.equal(a.failed, false, a.error?.message);
    assert.equal(b.failed, false, b.error?.message);
    const loadsOf = (emu: Emulator) => emu.requests().filter(isLoadTrigger);
    assert.equal(loadsOf(teamA).length, 1, "team A: one load");
    assert.equal(loadsOf(teamB).length, 1, "team B: one load");
    assert.deepEqual(
      [a.outputs.reloadedTables.map((t) => t.name), b.outputs.reloadedTables.map((t) => t.name)],
      [["CASES"], ["ACTIVITIES"]],
      "each team's load carried its own plan, not the other's",
    );
    assert.notEqual(a.outputs.planLoad?.loadId, b.outputs.planLoad?.loadId);
  });

  it("the connection input picks a named connection from stack config; an unknown name fails the check listing them", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "celonis-journal-"));
    const pc = new ProviderContext({
      journal: new Journal(path.join(dir, "journal.json")),
      log: () => undefined,
    });
    const connections = { teamB: { url: teamB.url, apiToken: TEST_API_KEY } };
    const config: Record<string, string> = { "celonis:connections": JSON.stringify(connections) };
    pc.configure((key) => config[key]);
    const inputs = { poolId: DEMO.pool, dataModelId: DEMO.model, tables: ["CASES"] };
    teamA.clearRequests();
    teamB.clearRequests();
    const b = await deploy(pc, undefined, { ...inputs, connection: "teamB" });
    assert.equal(b.failed, false, b.error?.message);
    assert.equal(teamB.requests().filter(isLoadTrigger).length, 1, "team B loaded");
    assert.equal(teamA.requests().length, 0, "team A was never asked");
    assert.equal(b.outputs.connection, "teamB");
    await assert.rejects(
      deploy(pc, undefined, { ...inputs, connection: "prod" }),
      /connection: connection "prod" is not configured: configured connections are "teamB"/,
    );
  });
});
