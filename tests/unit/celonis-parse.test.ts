// Tolerant reading of Celonis answers: load records, load-info-sync and table lists.
import { strict as assert } from "node:assert";
import {
  parseJson,
  parseLoadRecord,
  parseLoadInfo,
  parseTables,
  toEpochMs,
} from "../../provider/celonis/parse";

describe("celonis parse", () => {
  it("parseJson: empty is null, garbage is undefined", () => {
    assert.equal(parseJson(""), null);
    assert.equal(parseJson("  null "), null);
    assert.equal(parseJson("<html>"), undefined);
    assert.deepEqual(parseJson('{"a":1}'), { a: 1 });
  });
  it("parseLoadRecord reads the documented record", () => {
    const r = parseLoadRecord({
      dataLoadId: "l1",
      dataModelId: "m",
      startDate: 1717425000000,
      endDate: null,
      loadStatus: "RUNNING",
      message: null,
      loadType: "COMPLETE",
      dataPoolVersion: null,
    });
    assert.deepEqual(r, {
      dataLoadId: "l1",
      dataModelId: "m",
      startDate: 1717425000000,
      endDate: null,
      loadStatus: "RUNNING",
      message: null,
      loadType: "COMPLETE",
      dataPoolVersion: null,
    });
  });
  it("parseLoadRecord tolerates ISO dates, lower case and unknown load types; rejects non-records", () => {
    const r = parseLoadRecord({
      dataLoadId: "l",
      loadStatus: "success",
      startDate: "2024-06-03T14:30:00Z",
      loadType: "WEIRD",
    });
    assert.equal(r?.loadStatus, "SUCCESS");
    assert.equal(r?.startDate, Date.parse("2024-06-03T14:30:00Z"));
    assert.equal(r?.loadType, null);
    assert.equal(parseLoadRecord({ loadStatus: "RUNNING" }), null);
    assert.equal(parseLoadRecord({ dataLoadId: "x" }), null);
    assert.equal(parseLoadRecord([]), null);
    assert.equal(parseLoadRecord("RUNNING"), null);
  });
  it("toEpochMs", () => {
    assert.equal(toEpochMs(5), 5);
    assert.equal(toEpochMs("17"), 17);
    assert.equal(toEpochMs("nope"), null);
    assert.equal(toEpochMs(null), null);
  });
  it("parseLoadInfo: never-loaded model", () => {
    assert.deepEqual(parseLoadInfo({ loadInfo: null, loadHistory: null }), {
      loadInfo: null,
      loadHistory: null,
    });
    assert.deepEqual(parseLoadInfo({ loadInfo: { liveDataModel: null, currentComputeLoad: null } }), {
      loadInfo: { liveDataModel: null, currentComputeLoad: null },
      loadHistory: null,
    });
    assert.equal(parseLoadInfo("x"), null);
  });
  it("parseLoadInfo: full answer", () => {
    const info = parseLoadInfo({
      loadInfo: {
        liveDataModel: { tableLoads: [{ tableId: "t", tableName: "A", tableRowCount: 3, done: true }] },
        currentComputeLoad: { dataLoadId: "l2", loadStatus: "RUNNING" },
      },
      loadHistory: {
        lastSuccessfulDataModel: {},
        dataLoadHistory: [{ dataLoadId: "l1", loadStatus: "SUCCESS" }, { bogus: true }],
        averageLoadTime: [
          { type: "COMPLETE", averageLoadingTime: 1200 },
          { type: "PARTIAL", averageLoadingTime: "x" },
        ],
      },
    });
    assert.equal(info?.loadInfo?.currentComputeLoad?.dataLoadId, "l2");
    assert.equal(info?.loadInfo?.liveDataModel?.tableLoads?.[0].tableRowCount, 3);
    assert.deepEqual(
      info?.loadHistory?.dataLoadHistory.map((l) => l.dataLoadId),
      ["l1"],
    );
    assert.deepEqual(info?.loadHistory?.averageLoadTime, [{ type: "COMPLETE", averageLoadingTime: 1200 }]);
  });
  it("parseTables fills aliasOrName and drops entries without id", () => {
    const t = parseTables([
      {
        id: "a",
        name: "ACTIVITIES",
        alias: null,
        aliasOrName: "ACTIVITIES",
        dataModelId: "m",
        dataSourceId: null,
      },
      { id: "b", name: "_CASES", alias: "CASES" },
      { name: "no id" },
    ]);
    assert.deepEqual(
      t?.map((x) => [x.id, x.name, x.alias, x.aliasOrName]),
      [
        ["a", "ACTIVITIES", null, "ACTIVITIES"],
        ["b", "_CASES", "CASES", "CASES"],
      ],
    );
    assert.equal(parseTables({}), null);
  });
});
