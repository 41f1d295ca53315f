// The client's discovery readers (lookups by name) against the documented pool and data model
// answers in tests/contract/fixtures (pools.json, data-models.json, tables.json); the emulator's
// answers on the same routes are checked against these fixtures' shapes in emulator.test.ts.
import { strict as assert } from "node:assert";
import { parseDataModels, parsePage, parsePools } from "../../provider/celonis/discovery";
import { parseJson } from "../../provider/celonis/parse";
import { fixture } from "./fixtures";

type Json = Record<string, unknown>;
const read = (name: string): unknown[] => parsePage(parseJson(JSON.stringify(fixture(name))))?.items ?? [];

describe("contract: the client reads the documented discovery answers", function () {
  it("GET /integration/api/pools: each pool's id and name, in order", () => {
    assert.deepEqual(
      parsePools(read("pools")),
      fixture<Json[]>("pools").map((p) => ({ id: p.id, name: p.name })),
    );
  });

  it("GET …/pools/{poolId}/data-models: each model's id, name and own poolId", () => {
    const models = fixture<Json[]>("data-models");
    assert.deepEqual(
      parseDataModels(read("data-models"), "not-used"),
      models.map((m) => ({ id: m.id, poolId: m.poolId, name: m.name })),
    );
  });
});
