// The trigger journal: the key of a change is stable across an interrupted deployment and changes
// with any recorded progress; the file survives a new process, drops old entries, and never holds a
// trigger value.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  Journal,
  JOURNAL_MAX_AGE_MS,
  changeKey,
  entriesDir,
  journalPath,
  type ChangeParts,
} from "../../provider/journal";
import { ProviderContext } from "../../provider/context";
import type { PlanInputs } from "../../provider/properties";
import { ManualClock } from "../helpers/clock";
import type { Plan, PlanLoad } from "../../provider/types";

const state = (triggers: string[]): PlanInputs => ({
  poolId: "p",
  dataModelId: "m",
  tables: null,
  triggers,
  tableTriggers: null,
  loadType: "complete",
  reloadOnCreate: true,
  resolvedTables: [],
});
const PLAN: Plan = { action: "reload", loadType: "COMPLETE", tables: [], reasons: ["triggers changed"] };
const LOAD: PlanLoad = {
  loadId: null,
  loadType: "COMPLETE",
  triggeredAt: "2026-11-29T10:00:00.000Z",
  previousLoadId: "L0",
  status: null,
};
const parts = (over: Partial<ChangeParts> = {}): ChangeParts => ({
  scope: "proj/dev/sales",
  from: { ...state(["v1"]), reloadCount: 1, planStatus: "done", planLoad: { ...LOAD, loadId: "L0" } },
  to: state(["s3cret-v2"]),
  plan: PLAN,
  ...over,
});

describe("journal: recognising one change across deployments", () => {
  it("the same change from the same recorded state has the same key; any difference changes it", () => {
    const key = changeKey(parts());
    assert.equal(changeKey(parts()), key);
    assert.match(key, /^[0-9a-f]{64}$/);
    const others = [
      parts({ scope: "proj/prod/sales" }),
      parts({ to: state(["s3cret-v3"]) }),
      parts({ from: { ...parts().from!, reloadCount: 2 } }),
      parts({ from: { ...parts().from!, planLoad: { ...LOAD, loadId: "L5" } } }),
      parts({ from: null }),
      parts({ plan: { ...PLAN, loadType: "FROM_CACHE" } }),
    ];
    for (const o of others) assert.notEqual(changeKey(o), key);
  });

  it("records, finds, forgets; a second process reads what the first wrote; no trigger value is stored", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "journal-")), "sub", "journal.json");
    const key = changeKey(parts());
    new Journal(file).record(key, { poolId: "p", dataModelId: "m", load: LOAD });
    assert.deepEqual(new Journal(file).find(key), LOAD);
    assert.equal(new Journal(file).find("other"), null);
    const stored = fs
      .readdirSync(entriesDir(file))
      .map((n) => fs.readFileSync(path.join(entriesDir(file), n), "utf8"));
    assert.deepEqual(stored.length, 1, "one file per entry");
    assert.ok(!stored[0].includes("s3cret"));
    new Journal(file).forget(key);
    assert.equal(new Journal(file).find(key), null);
  });

  it("entries older than the longest wait are dropped", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "journal-")), "journal.json");
    let now = Date.UTC(2026, 10, 1);
    const j = new Journal(file, undefined, () => now);
    j.record("k", { poolId: "p", dataModelId: "m", load: LOAD });
    now += JOURNAL_MAX_AGE_MS - 1000;
    assert.ok(j.find("k"));
    now += 2000;
    assert.equal(j.find("k"), null);
  });

  it("a corrupt or unwritable journal warns once and never fails the deployment", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-"));
    const file = path.join(dir, "journal.json");
    fs.writeFileSync(file, "{not json");
    const warnings: string[] = [];
    const j = new Journal(file, (m) => warnings.push(m));
    assert.equal(j.find("k"), null);
    assert.equal(j.find("k"), null);
    const blocker = path.join(dir, "a-file");
    fs.writeFileSync(blocker, "");
    const blocked = new Journal(path.join(blocker, "inside-a-file.json"), (m) => warnings.push(m));
    blocked.record("k", { poolId: "p", dataModelId: "m", load: LOAD });
    blocked.record("k", { poolId: "p", dataModelId: "m", load: LOAD });
    assert.equal(warnings.length, 2, "one warning per journal and kind of trouble");
    assert.match(warnings[1], /cannot write .*an interrupted deployment may cost a second load/);
  });

  it("entries left in an earlier version's single journal.json are still found, and moved to their own files", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "journal-")), "journal.json");
    const recordedAt = new Date().toISOString();
    const entries = ["k1", "k2"].map((key) => ({
      key,
      poolId: "p",
      dataModelId: "m",
      load: LOAD,
      recordedAt,
    }));
    fs.writeFileSync(file, JSON.stringify({ version: 1, entries }));
    const j = new Journal(file);
    assert.deepEqual(j.find("k1"), LOAD);
    assert.ok(!fs.existsSync(file), "the old file is moved once");
    j.forget("k1");
    assert.deepEqual(
      j.entries().map((e) => e.key),
      ["k2"],
    );
  });

  it("two processes writing at once lose nothing (no shared read-modify-write)", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "journal-")), "journal.json");
    const writer = (tag: string) =>
      new Promise<void>((resolve, reject) => {
        const code =
          `const { Journal } = require(${JSON.stringify(path.resolve(__dirname, "../../provider/journal"))});` +
          `const j = new Journal(${JSON.stringify(file)});` +
          `for (let i = 0; i < 150; i++) { j.record("${tag}" + i, { poolId: "p", dataModelId: "m", load: ${JSON.stringify(LOAD)} });` +
          ` if (i % 3 === 0) j.forget("${tag}" + i); }`;
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], {
          stdio: "inherit",
        });
        child.on("exit", (c) => (c === 0 ? resolve() : reject(new Error(`writer ${tag} exited ${c}`))));
      });
    await Promise.all([writer("a"), writer("b")]);
    assert.equal(new Journal(file).entries().length, 200, "150 - 50 forgotten, from each process");
  }).timeout(60_000);

  it("a provider context's journal dates and ages its entries by the context's clock", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-"));
    const clock = new ManualClock(Date.UTC(2031, 4, 1));
    const pc = new ProviderContext({ clock, env: { PULUMI_CELONIS_JOURNAL: "j.json" }, cwd: dir });
    pc.journal()!.record("k", { poolId: "p", dataModelId: "m", load: LOAD });
    assert.equal(pc.journal()!.entries()[0].recordedAt, "2031-05-01T00:00:00.000Z");
    await clock.advance(JOURNAL_MAX_AGE_MS + 1000);
    assert.equal(pc.journal()!.find("k"), null, "older than 8 days on the context's clock");
  });

  it("lives beside the project unless PULUMI_CELONIS_JOURNAL says where, or off", () => {
    assert.equal(journalPath({}, "/proj"), "/proj/.pulumi-celonis/journal.json");
    assert.equal(journalPath({ PULUMI_CELONIS_JOURNAL: "state/j.json" }, "/proj"), "/proj/state/j.json");
    assert.equal(journalPath({ PULUMI_CELONIS_JOURNAL: "off" }, "/proj"), null);
  });
});
