// The contract tests' shape comparer must be able to fail: a missing, added, retyped or wrongly
// null field, a date that is not epoch ms and a value outside its enum are each reported.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { fixture, ENUMS, SHAPES } from "./fixtures";
import { mismatches } from "./shape";

/** The fixtures each shape is learnt from (fixtures.ts); "name[]": each element of that fixture. */
const LEARNT_FROM: Record<keyof typeof SHAPES, string[]> = {
  tables: ["tables"],
  loadRecord: ["last-load", "last-load-running"],
  loadInfoSync: ["load-info-sync", "load-info-sync-idle", "load-info-sync-never-loaded"],
  pools: ["pools"],
  pool: ["pools[]"],
  dataModels: ["data-models"],
  dataModel: ["data-models[]"],
  alreadyRunning: ["error-400-already-running"],
  internalError: ["error-500"],
  token: ["oauth-token"],
  oauthError: ["oauth-error"],
};

describe("contract: the shape comparer", function () {
  const record = () => ({ ...fixture<Record<string, unknown>>("last-load") });

  it("accepts every documentation example it learnt from", () => {
    assert.deepEqual(mismatches(fixture("last-load-running"), SHAPES.loadRecord, ENUMS), []);
    assert.deepEqual(mismatches(fixture("load-info-sync"), SHAPES.loadInfoSync, ENUMS), []);
    assert.deepEqual(mismatches(fixture("tables"), SHAPES.tables, ENUMS), []);
    for (const [shape, names] of Object.entries(LEARNT_FROM) as [keyof typeof SHAPES, string[]][]) {
      for (const name of names) {
        const examples = name.endsWith("[]") ? fixture<unknown[]>(name.slice(0, -2)) : [fixture(name)];
        assert.ok(examples.length > 0, `${name} has an example`);
        for (const [i, example] of examples.entries())
          assert.deepEqual(mismatches(example, SHAPES[shape], ENUMS), [], `${shape} from ${name}[${i}]`);
      }
    }
    // Every documentation example is one of them, but the enum list and the 429 (headers and a text
    // body: no JSON shape).
    const all = fs.readdirSync(path.join(__dirname, "fixtures")).map((f) => f.replace(/\.json$/, ""));
    const learnt = new Set(
      Object.values(LEARNT_FROM).flatMap((names) => names.map((n) => n.replace(/\[\]$/, ""))),
    );
    assert.deepEqual(all.filter((f) => !learnt.has(f)).sort(), ["enums", "rate-limited"]);
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
