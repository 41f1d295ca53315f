// Each property's role is declared once (provider/properties.ts), and the compiler holds the table
// to the types: these lines compile only while a key without a role fails `npm run typecheck`
// (each `@ts-expect-error` is itself an error if the line below it compiles).

import assert from "node:assert/strict";
import {
  DEFAULTS,
  FINGERPRINT_KEYS,
  INPUT_KEYS,
  PROPERTIES,
  RELOADING_INPUTS,
  type CoversArgs,
  type CoversInputs,
} from "../../provider/properties";
import type { DataModelReloadArgs } from "../../provider/resource";
import type { CheckedInputs } from "../../provider/types";

// A key added to the resource's args without a role:
// @ts-expect-error the table does not cover `extra`
const argsWithExtra: CoversArgs<DataModelReloadArgs & { extra?: string }> = true;
// A key added to the checked inputs without a role:
// @ts-expect-error the table has no role for `extra`
const inputsWithExtra: CoversInputs<CheckedInputs & { extra: string }> = true;
// A role left for a key the checked inputs no longer have:
// @ts-expect-error the table still has `plan`
const inputsWithout: CoversInputs<Omit<CheckedInputs, "plan">> = true;
// The args as they are compile.
const argsAsTheyAre: CoversArgs<DataModelReloadArgs> = true;

describe("properties: each key's role, declared once", () => {
  it("the type checks above exist (they are what fails a typecheck)", () => {
    assert.ok([argsWithExtra, inputsWithExtra, inputsWithout, argsAsTheyAre].length === 4);
  });

  it("the three reload-related sets, named for their difference", () => {
    const reloading = ["poolId", "dataModelId", "tables", "triggers", "tableTriggers", "connection"];
    assert.deepEqual(RELOADING_INPUTS, reloading);
    assert.deepEqual(FINGERPRINT_KEYS, [...RELOADING_INPUTS, "resolvedTables"]);
    const planInputs = INPUT_KEYS.filter((k) => ["reloads", "shapes"].includes(PROPERTIES[k].role));
    assert.deepEqual([...planInputs, "resolvedTables"].length, 9, "what the planner reads");
  });

  it("every option and shaping key has its default, and nothing else has one", () => {
    const withDefault = INPUT_KEYS.filter((k) => "default" in PROPERTIES[k]);
    assert.deepEqual(withDefault, Object.keys(DEFAULTS));
  });
});
