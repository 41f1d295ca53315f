// Input validation: every mistake fails with the property, the bad value and what would be valid;
// unknown values (preview) pass through.

import assert from "node:assert/strict";
import { DEFAULTS } from "../../provider/properties";
import {
  MAX_UNKNOWN_REPORTED,
  resolvedFailures,
  tableRefs,
  unresolvedFailures,
  validateInputs,
} from "../../provider/inputs";
import { UNKNOWN } from "../../provider/plan";

const POOL = "11111111-1111-4111-8111-111111111111";
const MODEL = "22222222-2222-4222-8222-222222222222";
const ok = { poolId: POOL, dataModelId: MODEL };

function failuresOf(raw: Record<string, unknown>) {
  return validateInputs({ ...ok, ...raw }).failures;
}

describe("inputs: validation", () => {
  it("fills defaults", () => {
    const { inputs, failures } = validateInputs(ok);
    assert.deepEqual(failures, []);
    const unset = { tables: null, triggers: null, tableTriggers: null, connection: null };
    assert.deepEqual(inputs, { ...ok, ...unset, ...DEFAULTS });
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["missing poolId", { poolId: undefined }, "poolId", /poolId is required.*got undefined/],
    [
      "bad dataModelId",
      { dataModelId: "sales" },
      "dataModelId",
      /must be a Celonis id \(a UUID.*got "sales"/,
    ],
    [
      "empty tables",
      { tables: [] },
      "tables",
      /tables is empty.*leave tables out to load the whole data model/,
    ],
    ["tables not a list", { tables: "CASES" }, "tables", /must be a list.*got "CASES"/],
    ["blank table", { tables: ["CASES", " "] }, "tables[1]", /non-empty table name/],
    ["duplicate table", { tables: ["CASES", "CASES"] }, "tables[1]", /"CASES" duplicates tables\[0\]/],
    ["negative timeout", { timeoutSeconds: -5 }, "timeoutSeconds", /above 0 .* got -5/],
    ["NaN timeout", { timeoutSeconds: NaN }, "timeoutSeconds", /above 0 .* got NaN$/],
    ["Infinity timeout", { timeoutSeconds: Infinity }, "timeoutSeconds", /got Infinity$/],
    [
      "numeric poolId",
      { poolId: 42 },
      "poolId",
      /^poolId must be a string: the data pool id \(a UUID\), got 42$/,
    ],
    ["object dataModelId", { dataModelId: { id: 1 } }, "dataModelId", /must be a string.*got \{"id":1\}/],
    ["blank poolId", { poolId: "  " }, "poolId", /poolId is required/],
    [
      "malformed window",
      { windows: ["Sat-Sun", "Mon-Fri 25:00-06:00"] },
      "windows[1]",
      /"Mon-Fri 25:00-06:00"/,
    ],
    ["unknown time zone", { timeZone: "Mars/Olympus" }, "timeZone", /IANA time zone.*"Mars\/Olympus"/],
    ["bad outsideWindow", { outsideWindow: "skip" }, "outsideWindow", /"defer", "wait", "fail", got "skip"/],
    ["numeric connection", { connection: 7 }, "connection", /name of a connection in celonis:connections/],
    [
      "Map trigger",
      { triggers: [new Map([["a", 1]])] },
      "triggers[0]",
      /triggers\[0\] is a Map.*Object\.fromEntries/,
    ],
    ["Set trigger", { triggers: [{ s: new Set([1]) }] }, "triggers[0].s", /is a Set.*\[\.\.\.set\]/],
    ["Buffer trigger", { triggers: [Buffer.from("x")] }, "triggers[0]", /is a Buffer.*base64/],
    ["function trigger", { triggers: [() => 1] }, "triggers[0]", /is a function/],
    [
      "class trigger",
      { tableTriggers: { CASES: new (class Job {})() } },
      "tableTriggers.CASES",
      /instance of class Job/,
    ],
    ["huge timeout", { timeoutSeconds: 1e9 }, "timeoutSeconds", /at most 604800/],
    ["bad loadType", { loadType: "full" }, "loadType", /one of "complete", "fromCache", got "full"/],
    ["bad onBusy", { onBusy: "queue" }, "onBusy", /one of "wait", "fail"/],
    ["bad warningsAs", { warningsAs: "ignore" }, "warningsAs", /one of "success", "error"/],
    ["bad flag", { wait: "yes" }, "wait", /true or false, got "yes"/],
    [
      "fromCache with tables",
      { loadType: "fromCache", tables: ["CASES"] },
      "loadType",
      /conflicts with tables/,
    ],
    ["triggers not a list", { triggers: { a: 1 } }, "triggers", /must be a list/],
    ["tableTriggers a list", { tableTriggers: ["x"] }, "tableTriggers", /map table names/],
    ["NaN trigger", { triggers: [NaN] }, "triggers[0]", /triggers\[0\] is NaN, which JSON cannot hold/],
  ];
  for (const [name, raw, property, reason] of cases) {
    it(`${name} → ${property}`, () => {
      const failures = failuresOf(raw);
      const hit = failures.find((f) => f.property === property);
      assert.ok(hit, `no failure for ${property}: ${JSON.stringify(failures)}`);
      assert.match(hit.reason, reason);
    });
  }

  it("table names keep their whitespace, and names differing only in case or spaces are not duplicates here (resolved ids decide)", () => {
    const { inputs, failures } = validateInputs({
      ...ok,
      tables: ["Kunden ", " Lieferanten", "Kunden", "kunden"],
    });
    assert.deepEqual(failures, []);
    assert.deepEqual(inputs.tables, ["Kunden ", " Lieferanten", "Kunden", "kunden"]);
    const dup = resolvedFailures({ tables: ["Kunden", "kunden"], tableTriggers: null }, [
      { ref: "Kunden", id: "t-k", name: "Kunden" },
      { ref: "kunden", id: "t-k", name: "Kunden" },
    ]);
    assert.match(dup[0]?.reason ?? "", /tables\[1\] "kunden" is the same table as tables\[0\]/);
  });

  it("a Date trigger counts as its ISO string, so changing it changes the trigger", () => {
    const a = validateInputs({
      ...ok,
      triggers: [new Date(Date.UTC(2026, 0, 1))],
      tableTriggers: { CASES: new Date(0) },
    });
    assert.deepEqual(a.failures, []);
    assert.deepEqual(a.inputs.triggers, ["2026-01-01T00:00:00.000Z"]);
    assert.deepEqual(a.inputs.tableTriggers, { CASES: "1970-01-01T00:00:00.000Z" });
  });

  it("a circular trigger fails with its path instead of a RangeError", () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    const f = failuresOf({ triggers: [loop] });
    assert.equal(f.length, 1);
    assert.equal(f[0].property, "triggers[0].self");
    assert.match(f[0].reason, /circular/);
  });

  it("many unknown table names: each of the first few once, the rest counted, the valid names once", () => {
    const refs = Array.from({ length: 1000 }, (_, i) => `NO_SUCH_TABLE_${i}`);
    const valid = Array.from({ length: 400 }, (_, i) => `TABLE_${i}`);
    const unknown = refs.map((ref) => ({ ref, suggestions: ["TABLE_1"] }));
    const f = unresolvedFailures({ tables: refs, dataModelId: MODEL }, unknown, [], valid);
    assert.equal(f.length, MAX_UNKNOWN_REPORTED + 1);
    assert.match(f[MAX_UNKNOWN_REPORTED].reason, /990 more references match no table/);
    assert.equal(f.filter((x) => x.reason.includes("Valid tables")).length, 1);
    assert.match(f[0].reason, /\(and 350 more\)\.$/);
    const text = f.map((x) => x.reason).join("\n");
    assert.ok(text.length < 4000, `${text.length} bytes of failure text`);
  });

  it("accepts unknown values anywhere (preview)", () => {
    const { failures, inputs } = validateInputs({
      poolId: UNKNOWN,
      dataModelId: MODEL,
      tables: ["CASES", UNKNOWN],
      triggers: UNKNOWN,
      tableTriggers: { CASES: UNKNOWN },
      timeoutSeconds: UNKNOWN,
    });
    assert.deepEqual(failures, []);
    assert.equal(inputs.poolId, UNKNOWN);
    assert.deepEqual(tableRefs(inputs), ["CASES"]);
  });

  it("after resolution: the same table twice, and a table trigger outside tables", () => {
    const resolved = [
      { ref: "O2C_VBAK", id: "t1", name: "SALES_ORDERS" },
      { ref: "SALES_ORDERS", id: "t1", name: "SALES_ORDERS" },
      { ref: "CASES", id: "t2", name: "CASES" },
    ];
    const f = resolvedFailures(
      { tables: ["O2C_VBAK", "SALES_ORDERS"], tableTriggers: { CASES: 1 } },
      resolved,
    );
    assert.equal(f[0].property, "tables[1]");
    assert.match(f[0].reason, /same table as tables\[0\] "O2C_VBAK"/);
    assert.equal(f[1].property, "tableTriggers.CASES");
    assert.match(f[1].reason, /not in tables/);
    assert.deepEqual(resolvedFailures({ tables: null, tableTriggers: { CASES: 1 } }, resolved), []);
  });
});
