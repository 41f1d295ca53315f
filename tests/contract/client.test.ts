// The client against the documented contract: its parsers (provider/celonis/parse.ts, and the error
// and token readers) must accept each documentation example in tests/contract/fixtures and map it
// to the right values. Independent of the emulator: these examples never came from its output.
import { strict as assert } from "node:assert";
import { parseTokenBody } from "../../provider/celonis/auth";
import { errorFromResponse, isLoadAlreadyRunning } from "../../provider/celonis/errors";
import { parseJson, parseLoadInfo, parseLoadRecord, parseTables } from "../../provider/celonis/parse";
import { ENUMS, fixture } from "./fixtures";

type Json = Record<string, unknown>;
const text = (name: string): string => JSON.stringify(fixture(name));

describe("contract: the client reads the documented answers", function () {
  it("tables: ids, names, aliases (aliasOrName as sent) and data sources, in order", () => {
    const tables = parseTables(parseJson(text("tables")));
    assert.deepEqual(
      tables?.map((t) => [t.id, t.name, t.alias, t.aliasOrName, t.dataSourceId]),
      fixture<Json[]>("tables").map((t) => [t.id, t.name, t.alias, t.aliasOrName, t.dataSourceId]),
    );
    assert.deepEqual(tables?.[0].primaryKeys, ["MANDT", "EBELN"]);
  });

  it("last-load: a finished and a running record, dates as epoch ms", () => {
    const done = parseLoadRecord(parseJson(text("last-load")));
    assert.deepEqual(done, {
      dataLoadId: "3c5e7a9b-1d2f-4a6c-8e0b-5d7f9a1c3e84",
      dataModelId: "0b9d5e2a-7c41-4e8f-b1a2-93c4d5e6f701",
      startDate: 1717425000000,
      endDate: 1717425312000,
      loadStatus: "WARNING",
      message: "Table 'VBAP': 12 rows with a duplicate primary key were skipped",
      loadType: "PARTIAL",
      dataPoolVersion: null,
    });
    const running = parseLoadRecord(parseJson(text("last-load-running")));
    assert.deepEqual([running?.loadStatus, running?.endDate, running?.message], ["RUNNING", null, null]);
  });

  it("every documented load status and load type is kept as sent", () => {
    for (const loadStatus of ENUMS.loadStatus)
      for (const loadType of ENUMS.loadType) {
        const rec = parseLoadRecord({ ...fixture<Json>("last-load"), loadStatus, loadType });
        assert.deepEqual([rec?.loadStatus, rec?.loadType], [loadStatus, loadType]);
      }
  });

  it("an empty answer (204 of a never-loaded model's last-load) reads as no load", () => {
    assert.equal(parseJson(""), null);
    assert.equal(parseLoadRecord(parseJson("")), null);
  });

  it("load-info-sync: the running load, history newest first, averages in ms, live row counts", () => {
    const info = parseLoadInfo(parseJson(text("load-info-sync")));
    assert.equal(info?.loadInfo?.currentComputeLoad?.loadStatus, "RUNNING");
    assert.deepEqual(
      info?.loadHistory?.dataLoadHistory.map((l) => [l.loadStatus, l.loadType]),
      [
        ["RUNNING", "COMPLETE"],
        ["WARNING", "PARTIAL"],
        ["ERROR", "FROM_CACHE"],
      ],
    );
    assert.equal(
      info?.loadHistory?.dataLoadHistory[2].message,
      "Table 'ACTIVITIES': column CASE_KEY not found",
    );
    assert.deepEqual(info?.loadHistory?.averageLoadTime, [
      { type: "COMPLETE", averageLoadingTime: 402000 },
      { type: "PARTIAL", averageLoadingTime: 312000 },
    ]);
    assert.deepEqual(
      info?.loadInfo?.liveDataModel?.tableLoads?.map((t) => [t.tableName, t.tableRowCount, t.done]),
      [
        ["PURCHASE_ORDERS", 48213, true],
        ["ACTIVITIES", 1902744, true],
      ],
    );
  });

  it("load-info-sync at rest and of a never-loaded model", () => {
    const idle = parseLoadInfo(parseJson(text("load-info-sync-idle")));
    assert.deepEqual(
      [idle?.loadInfo?.currentComputeLoad?.loadStatus, idle?.loadInfo?.currentComputeLoad?.endDate],
      ["SUCCESS", 1717429011000],
    );
    const never = parseLoadInfo(parseJson(text("load-info-sync-never-loaded")));
    assert.deepEqual(never?.loadInfo, { liveDataModel: null, currentComputeLoad: null });
    assert.deepEqual(never?.loadHistory?.dataLoadHistory, []);
    assert.deepEqual(never?.loadHistory?.averageLoadTime, []);
  });

  it("error bodies: 400 already running is recognised; 500 keeps its support reference", () => {
    const ctx = { call: "trigger complete load", poolId: "p", dataModelId: "m" };
    const busy = errorFromResponse(ctx, { status: 400, body: text("error-400-already-running") });
    assert.equal(busy.frontendErrorKey, "DATA_MODEL_LOAD_ALREADY_RUNNING");
    assert.ok(isLoadAlreadyRunning(busy));
    assert.match(busy.message, /already running/);
    const failed = errorFromResponse(ctx, { status: 500, body: text("error-500") });
    assert.equal(failed.reference, "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b");
    assert.match(failed.message, /An unexpected error occurred/);
  });

  it("OAuth: the token answer's lifetime (seconds) sets when it expires", () => {
    const token = parseTokenBody(text("oauth-token"), 1_000_000);
    assert.equal(token?.accessToken, "eyJhbGciOiJSUzI1NiJ9.contract-fixture.not-a-real-token");
    assert.equal(token?.expiresAt, 1_000_000 + 899_000);
    assert.equal(parseTokenBody(text("oauth-error"), 0), null, "an error answer is not a token");
  });
});
