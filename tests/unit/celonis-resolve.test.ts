// Table references → table config ids: exact, case-insensitive, alias, id, suggestions, ambiguity.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { resolveTables, suggestTables, matchTable } from "../../provider/celonis/resolve";
import { TableResolutionError } from "../../provider/celonis/errors";
import type { TableConfig } from "../../provider/celonis/types";

function table(id: string, name: string, alias: string | null = null): TableConfig {
  return { id, dataModelId: "dm", dataSourceId: null, name, alias, aliasOrName: alias ?? name };
}

const tables: TableConfig[] = [
  table("t-act", "ACTIVITIES"),
  table("t-cases", "_CEL_O2C_CASES", "CASES"),
  table("t-vbak", "VBAK", "SalesOrders"),
  table("t-vbap", "VBAP"),
  table("t-lower", "vbap_items"),
];

describe("celonis resolve: matching", () => {
  const table_: [string, string][] = [
    ["ACTIVITIES", "t-act"], // exact name
    ["activities", "t-act"], // case-insensitive
    ["CASES", "t-cases"], // alias
    ["_CEL_O2C_CASES", "t-cases"], // underlying name of an aliased table
    ["cases", "t-cases"],
    ["t-vbak", "t-vbak"], // id
    ["salesorders", "t-vbak"],
    ["VBAP", "t-vbap"],
    ["vbap_items", "t-lower"],
  ];
  for (const [ref, id] of table_) {
    it(`${ref} → ${id}`, () => {
      const r = resolveTables([ref], tables);
      assert.deepEqual(r.unknown, []);
      assert.deepEqual(r.ambiguous, []);
      assert.equal(r.resolved[0].id, id);
      assert.equal(r.resolved[0].ref, ref);
    });
  }
  it("names resolve to aliasOrName and keep the order given", () => {
    const r = resolveTables(["SalesOrders", "_CEL_O2C_CASES", "ACTIVITIES"], tables);
    assert.deepEqual(
      r.resolved.map((x) => [x.id, x.name]),
      [
        ["t-vbak", "SalesOrders"],
        ["t-cases", "CASES"],
        ["t-act", "ACTIVITIES"],
      ],
    );
  });
  it("an exact match wins over a case-insensitive one", () => {
    const t = [table("a", "Orders"), table("b", "ORDERS")];
    assert.equal(resolveTables(["ORDERS"], t).resolved[0].id, "b");
    assert.equal(resolveTables(["Orders"], t).resolved[0].id, "a");
  });
  it("an ambiguous case-insensitive match is an error listing the candidates", () => {
    const t = [table("a", "Orders"), table("b", "ORDERS")];
    const r = resolveTables(["orders"], t);
    assert.equal(r.resolved.length, 0);
    assert.equal(r.ambiguous.length, 1);
    assert.deepEqual(r.ambiguous[0].candidates, ["Orders (id a)", "ORDERS (id b)"]);
  });
  it("ids take precedence over names", () => {
    const t = [table("CASES", "X"), table("y", "CASES")];
    assert.equal(matchTable("CASES", t).kind, "one");
    assert.equal(resolveTables(["CASES"], t).resolved[0].id, "CASES");
  });
  it("one name used by two tables in the same tier is ambiguous", () => {
    const t = [table("a", "N1", "SAME"), table("b", "N2", "SAME")];
    assert.equal(resolveTables(["SAME"], t).ambiguous.length, 1);
  });
});

describe("celonis resolve: suggestions", () => {
  it("suggests close names for a typo", () => {
    const r = resolveTables(["ACTIVITES"], tables);
    assert.equal(r.unknown.length, 1);
    assert.equal(r.unknown[0].suggestions[0], "ACTIVITIES");
  });
  it("suggests by prefix and substring", () => {
    assert.ok(suggestTables("ACT", tables).includes("ACTIVITIES"));
    assert.ok(suggestTables("O2C", tables).includes("_CEL_O2C_CASES"));
  });
  it("suggests at most three, closest first", () => {
    const many = ["VBAK1", "VBAK2", "VBAK3", "VBAK4"].map((n, i) => table(`x${i}`, n));
    const s = suggestTables("VBAK", many);
    assert.equal(s.length, 3);
  });
  it("suggests nothing for something unrelated", () => {
    assert.deepEqual(suggestTables("ZZZZZZZZ", tables), []);
  });
  it("TableResolutionError lists unknown refs, suggestions and valid names", () => {
    const r = resolveTables(["ACTIVITES", "CASES"], tables);
    const err = new TableResolutionError({
      dataModelId: "dm-1",
      unknown: r.unknown,
      validNames: tables.map((t) => t.aliasOrName),
    });
    assert.match(err.message, /data model dm-1/);
    assert.match(err.message, /"ACTIVITES" matches no table \(did you mean "ACTIVITIES"/);
    assert.match(err.message, /Valid tables: ACTIVITIES, CASES, SalesOrders, VBAP, vbap_items\./);
    assert.equal(err.call, "resolve tables");
    assert.equal(err.retryable, false);
    assert.ok(err instanceof Error);
  });
  it("property: every table resolves by its id, name and aliasOrName when those are unique", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9_]{2,10}$/), { minLength: 1, maxLength: 8 }),
        (names) => {
          const ts = names.map((n, i) => table(`id-${i}`, n));
          return ts.every(
            (t) =>
              resolveTables([t.id], ts).resolved[0]?.id === t.id &&
              resolveTables([t.name], ts).resolved[0]?.id === t.id &&
              resolveTables([t.name.toLowerCase()], ts).resolved[0]?.id === t.id,
          );
        },
      ),
    );
  });
});

describe("celonis resolve: whitespace counts", () => {
  const spaced = [table("t-k", "Kunden"), table("t-k2", "Kunden "), table("t-l", " Lieferanten")];
  const rows: [string, string | null, string[]][] = [
    ["Kunden", "t-k", []],
    ["Kunden ", "t-k2", []], // was trimmed to "Kunden": the other table, without a word
    [" Lieferanten", "t-l", []], // could not be named at all
    ["kunden ", "t-k2", []], // the unique case-insensitive match stays
    ["Lieferanten", null, [" Lieferanten"]], // suggested, never substituted
    ["Kunden  ", null, ["Kunden ", "Kunden"]],
  ];
  for (const [ref, id, suggestions] of rows) {
    it(`${JSON.stringify(ref)} → ${id ?? `unknown, suggesting ${JSON.stringify(suggestions)}`}`, () => {
      const r = resolveTables([ref], spaced);
      assert.equal(r.resolved[0]?.id ?? null, id);
      if (!id) assert.deepEqual(r.unknown[0].suggestions.slice(0, suggestions.length), suggestions);
    });
  }
});
