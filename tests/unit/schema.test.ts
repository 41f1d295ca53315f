// The plugin's schema: the committed provider/schema.json is what the TSDoc of provider/resource.ts
// says now (so a changed doc or type without `npm run schema` fails here), and it holds what the
// SDKs and the YAML host need: every input and output with a type and a description, the required
// ids, defaults from the code, secrets marked, the option sets as enums.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as ts from "typescript";
import { DEFAULTS } from "../../provider/properties";
import { OUTPUT_PLACEHOLDERS } from "../../provider/resource";
import { buildSchema, SCHEMA_FILE, schemaText } from "../../scripts/gen-schema";
import { lastDocComment, pascal, SchemaReader } from "../../scripts/schema/tsdoc";

type Prop = { type?: string; $ref?: string; description?: string; secret?: boolean };
type Resource = {
  inputProperties: Record<string, Prop>;
  requiredInputs: string[];
  properties: Record<string, Prop>;
  required: string[];
};

describe("schema: generated from the resource's TSDoc", function () {
  this.timeout(30_000);
  const built = buildSchema();
  const schema = built as {
    resources: Record<string, Resource>;
    types: Record<string, { enum?: { value: string; description?: string }[] }>;
    config: { variables: Record<string, Prop> };
  };
  const resource = schema.resources["celonis:index:DataModelReload"];

  it("the committed provider/schema.json is current (run `npm run schema` after changing resource.ts)", () => {
    assert.equal(fs.readFileSync(SCHEMA_FILE, "utf8"), schemaText(built));
  });

  it("every input and output has a type and a description; the ids are required", () => {
    for (const [name, p] of [
      ...Object.entries(resource.inputProperties),
      ...Object.entries(resource.properties),
    ]) {
      assert.ok(p.type || p.$ref, `${name} has a type`);
      assert.ok(p.description && p.description.length > 5, `${name} has a description`);
    }
    assert.deepEqual(resource.requiredInputs, ["poolId", "dataModelId"]);
    for (const output of Object.keys(OUTPUT_PLACEHOLDERS)) assert.ok(resource.properties[output], output);
    assert.ok(!resource.required.includes("lastLoad"), "lastLoad may be null");
  });

  it("descriptions are the TSDoc text; defaults come from the code", () => {
    assert.match(
      resource.inputProperties.tables.description!,
      /^Tables to reload, by name, alias or table config id/,
    );
    for (const [key, value] of Object.entries(DEFAULTS).filter(([, v]) => v !== null)) {
      assert.ok(
        resource.inputProperties[key].description!.endsWith(`Default: \`${JSON.stringify(value)}\`.`),
        key,
      );
    }
  });

  it("credentials are secret config; option sets are enums with their documented values", () => {
    assert.equal(schema.config.variables.apiToken.secret, true);
    assert.equal(schema.config.variables.clientSecret.secret, true);
    assert.equal(schema.config.variables.url.secret, undefined);
    assert.deepEqual(
      schema.types["celonis:index:OnBusy"].enum!.map((e) => e.value),
      ["wait", "fail"],
    );
    const owed = schema.types["celonis:index:PlanStatus"].enum!.find((e) => e.value === "owed")!;
    assert.match(owed.description!, /next `up` runs it again/);
  });

  it("enum names and member docs", () => {
    assert.equal(pascal("fromCache"), "FromCache");
    assert.equal(pascal("LOST_CONNECTION"), "LostConnection");
    assert.equal(lastDocComment('"a"\n  /** first */ /** The second\n   * line. */ |'), "The second line.");
    assert.equal(lastDocComment(" | "), undefined);
  });

  it("an undocumented member or an unsupported type fails the generator, naming it", () => {
    const file = "/virtual/r.ts";
    const host = ts.createCompilerHost({});
    const read = host.getSourceFile;
    const text = [
      "export interface A {\n  /** ok */\n  a: string;\n  b: number;\n}",
      "export interface B {\n  /** c */\n  c: Map<string, string>;\n}",
    ].join("\n");
    host.getSourceFile = (name, lang) =>
      name === file ? ts.createSourceFile(file, text, lang, true) : read.call(host, name, lang);
    const exists = host.fileExists;
    host.fileExists = (name) => name === file || exists.call(host, name);
    const program = ts.createProgram([file], {}, host);
    const reader = new SchemaReader(program, (n) => `x:index:${n}`);
    assert.throws(() => reader.members(file, "A"), /A\.b has no TSDoc/);
    assert.throws(() => reader.members(file, "B"), /B\.c: unsupported type Map/);
  });
});
