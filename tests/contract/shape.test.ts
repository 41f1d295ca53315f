// The contract tests' shape comparer must be able to fail: a missing, added, retyped or wrongly
// null field, a date that is not epoch ms and a value outside its enum are each reported.
import { strict as assert } from "node:assert";
import { fixture, ENUMS, SHAPES } from "./fixtures";
import { mismatches } from "./shape";

describe("contract: the shape comparer", function () {
  const record = () => ({ ...fixture<Record<string, unknown>>("last-load") });

  it("accepts every documentation example it learnt from", () => {
    assert.deepEqual(mismatches(fixture("last-load-running"), SHAPES.loadRecord, ENUMS), []);
    assert.deepEqual(mismatches(fixture("load-info-sync"), SHAPES.loadInfoSync, ENUMS), []);
    assert.deepEqual(mismatches(fixture("tables"), SHAPES.tables, ENUMS), []);
  });

  it("reports missing, added, retyped and wrongly null fields, non-epoch dates and unknown enum values", () => {
    const check = (change: (r: Record<string, unknown>) => void) => {
      const r = record();
      change(r);
      return mismatches(r, SHAPES.loadRecord, ENUMS);
    };
    assert.deepEqual(
      check((r) => delete r.loadType),
      ["$.loadType: missing"],
    );
    assert.deepEqual(
      check((r) => (r.dataLoadID = "x")),
      ["$.dataLoadID: not documented"],
    );
    assert.deepEqual(
      check((r) => (r.startDate = "2024-06-03T14:30:00Z")),
      ["$.startDate: string, documented as number"],
    );
    assert.deepEqual(
      check((r) => (r.dataLoadId = null)),
      ["$.dataLoadId: null, documented as string"],
    );
    assert.deepEqual(
      check((r) => (r.endDate = 1717425312)),
      ["$.endDate: 1717425312 is not an epoch-ms date"],
    );
    assert.deepEqual(
      check((r) => (r.loadStatus = "QUEUED")),
      [`$.loadStatus: "QUEUED" is not one of ${ENUMS.loadStatus.join(", ")}`],
    );
  });

  it("checks array elements and nested objects", () => {
    const info = fixture<{ loadHistory: { dataLoadHistory: Record<string, unknown>[] } }>("load-info-sync");
    delete info.loadHistory.dataLoadHistory[1].message;
    assert.deepEqual(mismatches(info, SHAPES.loadInfoSync, ENUMS), [
      "$.loadHistory.dataLoadHistory[1].message: missing",
    ]);
  });
});
