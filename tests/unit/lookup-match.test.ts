// Lookups by name, the pure parts: reading discovery answers (a list, or a page of one, followed to
// its total), and picking one pool or model by name or id, with the candidates listed on failure.

import assert from "node:assert/strict";
import {
  MAX_PAGES,
  itemId,
  parseDataModels,
  parsePage,
  parsePools,
  readAllPages,
  type Page,
} from "../../provider/celonis/discovery";
import { LookupError, MAX_LISTED, matchOne } from "../../provider/celonis/match-name";

const pools = [
  { id: "p1", name: "SAP ECC Pool" },
  { id: "p2", name: "Finance Pool" },
  { id: "p3", name: "finance pool " },
  { id: "p4", name: "Sales" },
];

describe("lookups: matching a name", () => {
  const found: [string, string, boolean, string][] = [
    ["exact name", "Sales", false, "p4"],
    ["exact name wins over a looser one", "Finance Pool", false, "p2"],
    ["case and spaces ignored when nothing is exact", "sap ecc pool ", false, "p1"],
    ["an id, where ids are accepted", "p3", true, "p3"],
  ];
  for (const [name, ref, byId, id] of found) {
    it(`finds: ${name}`, () => assert.equal(matchOne(pools, ref, { kind: "data pool", byId }).id, id));
  }

  const failing: [string, string, boolean, RegExp, string[]][] = [
    [
      "nothing matches: every candidate listed, sorted",
      "Salse",
      false,
      /^no data pool is named "Salse"; the data pools are "Finance Pool" \(p2\), "finance pool " \(p3\), "Sales" \(p4\), "SAP ECC Pool" \(p1\)$/,
      ["p2", "p3", "p4", "p1"],
    ],
    [
      "several match ignoring case: they are listed",
      "FINANCE POOL",
      false,
      /^2 data pools are named "FINANCE POOL": "Finance Pool" \(p2\), "finance pool " \(p3\); rename one in Celonis or use its id$/,
      ["p2", "p3"],
    ],
    [
      "an id where ids are not accepted",
      "p1",
      false,
      /^no data pool is named "p1"/,
      ["p2", "p3", "p4", "p1"],
    ],
    [
      "by name or id: says so",
      "p9",
      true,
      /^no data pool is named or has the id "p9"/,
      ["p2", "p3", "p4", "p1"],
    ],
  ];
  for (const [name, ref, byId, message, candidates] of failing) {
    it(`fails: ${name}`, () => {
      assert.throws(
        () => matchOne(pools, ref, { kind: "data pool", byId }),
        (e: unknown) =>
          e instanceof LookupError &&
          message.test(e.message) &&
          JSON.stringify(e.candidates.map((c) => c.id)) === JSON.stringify(candidates),
      );
    });
  }

  it("says where it looked, and when nothing is visible at all", () => {
    assert.throws(
      () => matchOne([], "Sales", { kind: "data model", where: 'pool "Demo Pool" (p1)' }),
      /no data model in pool "Demo Pool" \(p1\) is named "Sales"; there are no data models in pool "Demo Pool" \(p1\) this connection may see$/,
    );
  });

  it(`lists at most ${MAX_LISTED} candidates and counts the rest`, () => {
    const many = Array.from({ length: MAX_LISTED + 5 }, (_, i) => ({
      id: `id${i}`,
      name: `M${String(i).padStart(2, "0")}`,
    }));
    assert.throws(() => matchOne(many, "x", { kind: "data model" }), / and 5 more$/);
  });
});

describe("lookups: discovery answers", () => {
  it("pools and data models: ids and names; entries without an id dropped", () => {
    assert.deepEqual(parsePools([{ id: "a", name: "A", locked: false }, { name: "no id" }, 7, { id: "b" }]), [
      { id: "a", name: "A" },
      { id: "b", name: "" },
    ]);
    assert.deepEqual(
      parseDataModels(
        [
          { id: "m", name: "M", poolId: "other" },
          { id: "n", name: "N" },
        ],
        "p",
      ),
      [
        { id: "m", poolId: "other", name: "M" },
        { id: "n", poolId: "p", name: "N" },
      ],
    );
  });

  const pages: [string, unknown, Page | null][] = [
    ["a plain list", [{ id: "a" }], { items: [{ id: "a" }], total: null, pageSize: null }],
    [
      "content + totalCount + pageSize",
      { content: [{ id: "a" }], totalCount: 3, pageSize: 1 },
      { items: [{ id: "a" }], total: 3, pageSize: 1 },
    ],
    ["items + total", { items: [], total: 0 }, { items: [], total: 0, pageSize: null }],
    [
      "pageItems + totalElements + size",
      { pageItems: [1], totalElements: 9, size: 1 },
      { items: [1], total: 9, pageSize: 1 },
    ],
    ["an object without a list", { id: "a" }, null],
    ["not JSON", undefined, null],
  ];
  for (const [name, raw, expected] of pages) {
    it(`page: ${name}`, () => assert.deepEqual(parsePage(raw), expected));
  }

  /** A server of `all` items in pages of `size`; `ignoresPaging` answers the first page always. */
  function server(all: { id: string }[], size: number, ignoresPaging = false) {
    const queries: (string | null)[] = [];
    const fetchPage = (query: string | null): Promise<Page> => {
      queries.push(query);
      const n = query === null || ignoresPaging ? 0 : Number(/page=(\d+)/.exec(query)?.[1]);
      return Promise.resolve({
        items: all.slice(n * size, n * size + size),
        total: all.length,
        pageSize: size,
      });
    };
    return { queries, fetchPage };
  }
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `i${i}` }));

  it("follows pages until the total, asking page=n&pageSize=size", async () => {
    const s = server(items(5), 2);
    assert.deepEqual(await readAllPages(s.fetchPage, itemId), items(5));
    assert.deepEqual(s.queries, [null, "page=1&pageSize=2", "page=2&pageSize=2"]);
  });

  it("stops when the server ignores the paging parameters (a page repeats)", async () => {
    const s = server(items(5), 2, true);
    assert.deepEqual(await readAllPages(s.fetchPage, itemId), items(2));
    assert.equal(s.queries.length, 2);
  });

  it("a plain list, or a page holding the total, is read once", async () => {
    for (const page of [
      { items: items(3), total: null, pageSize: null },
      { items: items(3), total: 3, pageSize: 3 },
    ]) {
      let calls = 0;
      await readAllPages(() => (calls++, Promise.resolve(page)), itemId);
      assert.equal(calls, 1);
    }
  });

  it(`reads at most ${MAX_PAGES} pages`, async () => {
    const s = server(items(MAX_PAGES + 10), 1);
    assert.equal((await readAllPages(s.fetchPage, itemId)).length, MAX_PAGES);
  });
});
