// Lookups by name against the emulator: pools and data models found by name (a pool also by id), a
// model's tables, answers cached for the run, failures that list the candidates, and a named
// connection reaching its own Celonis team.
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../packages/celonis-emulator";
import { createLookups, type SettingsSource } from "../../provider/lookups";
import { DEMO } from "../helpers/emulator";

describe("lookups by name vs emulator", function () {
  let emu: Emulator;
  let other: Emulator;
  const made: ReturnType<typeof createLookups>[] = [];
  before(async () => {
    emu = await startEmulator({ port: 0 });
    other = await startEmulator({ port: 0 });
  });
  after(async () => {
    made.forEach((l) => l.close());
    await Promise.all([emu.stop(), other.stop()]);
  });
  beforeEach(() => [emu, other].forEach((e) => e.reset()));

  /** Lookups whose stack config points the unnamed connection at `emu`, "other" at the second emulator. */
  function lookups(extra: Record<string, string> = {}) {
    const config: Record<string, string> = {
      "celonis:url": emu.url,
      "celonis:apiToken": DEMO.apiKey,
      "celonis:connections": JSON.stringify({ other: { url: other.url, apiToken: DEMO.apiKey } }),
      ...extra,
    };
    const settings: SettingsSource = { get: (k) => config[k], env: {} };
    const l = createLookups(() => settings);
    made.push(l);
    return l;
  }
  const discoveryCalls = (e: Emulator) =>
    e
      .requests()
      .filter((r) => r.path.startsWith("/integration/api/pools"))
      .map((r) => r.path);

  it("finds a pool, a data model (pool by name or id) and its tables", async () => {
    const l = lookups();
    assert.deepEqual(await l.getDataPool({ name: "Demo Pool" }), { id: DEMO.pool, name: "Demo Pool" });
    const ap = { id: DEMO.apModel, poolId: DEMO.financePool, name: "AP Invoice Model" };
    assert.deepEqual(await l.getDataModel({ pool: "finance pool", name: "AP Invoice Model" }), ap);
    assert.deepEqual(await l.getDataModel({ pool: DEMO.financePool, name: "ap invoice model" }), ap);
    const { tables } = await l.getDataModelTables({ poolId: DEMO.pool, dataModelId: DEMO.model });
    assert.equal(tables.length, 9);
    assert.deepEqual(
      tables.find((t) => t.id === DEMO.tables.VENDORS),
      { id: DEMO.tables.VENDORS, name: "LFA1", alias: "VENDORS" },
    );
  });

  it("lists pools and models once per run, however many lookups ask; a failed read is asked again", async () => {
    const l = lookups();
    await Promise.all([l.getDataPool({ name: "Demo Pool" }), l.getDataPool({ name: "Finance Pool" })]);
    await l.getDataModel({ pool: "Demo Pool", name: "P2P Demo Model" });
    await l.getDataModel({ pool: DEMO.pool, name: "O2C Sales Model" });
    await assert.rejects(l.getDataPool({ name: "Nope" }));
    assert.deepEqual(discoveryCalls(emu), [
      "/integration/api/pools",
      `/integration/api/pools/${DEMO.pool}/data-models`,
    ]);
    const missing = { poolId: DEMO.pool, dataModelId: "d1000000-0000-4000-a000-00000000ffff" };
    await assert.rejects(l.getDataModelTables(missing));
    await assert.rejects(l.getDataModelTables(missing));
    assert.equal(emu.requests().filter((r) => r.path.endsWith("/tables")).length, 2);
  });

  it("a name that matches nothing fails listing the candidates, never a credential", async () => {
    const l = lookups();
    await assert.rejects(l.getDataModel({ pool: "Demo Pool", name: "P2P" }), (e: Error) => {
      assert.equal(
        e.message,
        `no data model in pool "Demo Pool" (${DEMO.pool}) is named "P2P"; the data models in pool "Demo Pool" (${DEMO.pool}) are ` +
          `"O2C Sales Model" (${DEMO.o2cModel}), "P2P Demo Model" (${DEMO.model})`,
      );
      return true;
    });
    await assert.rejects(
      l.getDataPool({ name: "Sales Pool" }),
      /the data pools are "Demo Pool" .*"Finance Pool"/,
    );
    await assert.rejects(
      l.getDataModelTables({ poolId: DEMO.pool, dataModelId: "d1000000-0000-4000-a000-00000000ffff" }),
      (e: Error) => !e.message.includes(DEMO.apiKey) && /list tables/.test(e.message),
    );
  });

  it("a named connection reads its own team; an unknown one lists the configured", async () => {
    const l = lookups();
    assert.equal((await l.getDataPool({ name: "Demo Pool", connection: "other" })).id, DEMO.pool);
    assert.deepEqual([discoveryCalls(emu).length, discoveryCalls(other).length], [0, 1]);
    await assert.rejects(
      l.getDataPool({ name: "Demo Pool", connection: "prod" }),
      /connection "prod" is not configured: configured connections are "other"/,
    );
  });

  it("the connection is read from config when first used: a bad one fails the lookup, named", async () => {
    const l = lookups({ "celonis:url": "http://celonis.example.com" });
    await assert.rejects(l.getDataPool({ name: "Demo Pool" }), /celonis:url/);
  });
});
