// Generates provider/schema.json, the Pulumi package schema the `pulumi-resource-celonis` plugin
// serves and the SDKs are generated from. One source of truth: the resource's inputs and outputs,
// their types and descriptions come from the TSDoc of provider/resource.ts (read with the TypeScript
// compiler), the option defaults from provider/inputs.ts, the config keys from provider/config.ts.
//
// Usage: npm run schema   (writes provider/schema.json; tests/unit/schema.test.ts checks that the
//                          committed file is what the source says)

import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { CONFIG_KEYS, DEFAULT_SCOPE, ENV_KEYS } from "../provider/config";
import { LOOKUP_FUNCTIONS } from "../provider/lookup-calls";
import { DEFAULTS } from "../provider/properties";
import { SchemaReader, type Member, type PropertySpec } from "./schema/tsdoc";

const ROOT = path.resolve(__dirname, "..");
export const SCHEMA_FILE = path.join(ROOT, "provider", "schema.json");
const RESOURCE_FILE = path.join(ROOT, "provider", "resource.ts");
const LOOKUP_FILE = path.join(ROOT, "provider", "lookup-calls.ts");
const PACKAGE = "celonis";
const RESOURCE = `${PACKAGE}:index:DataModelReload`;

/** How one provider setting is described in the schema. */
interface ConfigDoc {
  doc: string;
  secret?: boolean;
  type?: "string" | "number";
  /**
   * The generated SDKs read the environment variable themselves (`defaultInfo`). Only for keys that
   * stand alone: the credential keys fall back in config.ts as a whole (stack config that sets any of
   * them wins over all of their variables), which SDK-side fallbacks key by key would break.
   */
  sdkReadsEnvironment?: true;
}

/**
 * What each provider setting means; the key names and environment fallbacks come from config.ts. The
 * type checker holds this to exactly the keys of CONFIG_KEYS: one missing or extra does not compile.
 */
const CONFIG_DOCS = {
  url: {
    doc: "The Celonis team URL, `https://<team>.<realm>.celonis.cloud` (`http://` only for loopback hosts).",
    sdkReadsEnvironment: true,
  },
  apiToken: { doc: "A user API key or an application key (see keyType).", secret: true },
  keyType: { doc: "`bearer` (a user API key; the default) or `appkey` (an application key)." },
  clientId: { doc: "An OAuth client id (client credentials); wins over apiToken when set." },
  clientSecret: { doc: "The OAuth client's secret.", secret: true },
  scope: { doc: `Space-separated OAuth scopes; default \`${DEFAULT_SCOPE}\`.` },
  requestTimeoutSeconds: {
    doc: "How long one HTTP request to Celonis may take, in seconds.",
    type: "number",
    sdkReadsEnvironment: true,
  },
} satisfies Record<keyof typeof CONFIG_KEYS, ConfigDoc>;

function configVariables(): Record<string, PropertySpec> {
  const out: Record<string, PropertySpec> = {};
  for (const key of Object.keys(CONFIG_KEYS) as (keyof typeof CONFIG_KEYS)[]) {
    const docs: ConfigDoc = CONFIG_DOCS[key];
    out[key] = {
      type: docs.type ?? "string",
      description: `${docs.doc} Environment fallback: \`${ENV_KEYS[key]}\`.`,
      ...(docs.secret ? { secret: true } : {}),
      ...(docs.sdkReadsEnvironment ? { defaultInfo: { environment: [ENV_KEYS[key]] } } : {}),
    };
  }
  return out;
}

/**
 * The plugin face picks a connection by explicit provider instances, so the dynamic resource's
 * `connection` input (a name in `celonis:connections`) is not part of the schema.
 */
const DYNAMIC_ONLY = ["connection"];

function pluginMembers<T extends { members: Member[] }>(read: T): T {
  return { ...read, members: read.members.filter((m) => !DYNAMIC_ONLY.includes(m.name)) };
}

/** Input descriptions end with the default the provider fills in (the SDKs leave it to the provider). */
function withDefault(member: Member): PropertySpec {
  const value = (DEFAULTS as Record<string, unknown>)[member.name];
  if (value === undefined || value === null) return member.spec; // null: "left out" says it
  return {
    ...member.spec,
    description: `${member.spec.description}\n\nDefault: \`${JSON.stringify(value)}\`.`,
  };
}

function packageInfo(): { version: string; license: string; author: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    version: string;
    license: string;
    author: string;
  };
  return { version: pkg.version, license: pkg.license, author: pkg.author };
}

/**
 * Language settings of the generated SDKs, under names a user could publish: C# avoids the `Pulumi.`
 * root, which NuGet reserves for Pulumi; nodejs names a package beside the dynamic resource's
 * `pulumi-celonis`. The Go path is not `go get`-able (the repository has no public home yet), so Go
 * users `replace` it with the generated folder; no `pluginDownloadURL` for the same reason.
 */
const LANGUAGES = {
  nodejs: { packageName: "pulumi-celonis-sdk", packageDescription: "The Celonis provider's generated SDK." },
  python: { packageName: "pulumi_celonis", requires: { pulumi: ">=3.0.0,<4.0.0" } },
  go: { importBasePath: "pulumi-celonis/sdk/go/celonis", generateResourceContainerTypes: false },
  csharp: { rootNamespace: "CelonisPulumi", packageReferences: { Pulumi: "3.*" } },
};

/** An object type's properties and required keys from the TSDoc of `name` in `file`. */
function objectOf(reader: SchemaReader, file: string, name: string) {
  const { members } = reader.members(file, name);
  return {
    properties: Object.fromEntries(members.map((m) => [m.name, m.spec])),
    required: members.filter((m) => !m.optional).map((m) => m.name),
  };
}

/** The lookups by name as schema functions, served by the plugin's Invoke. */
function functions(reader: SchemaReader): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(LOOKUP_FUNCTIONS).map(([name, f]) => [
      `${PACKAGE}:index:${name}`,
      {
        description: f.description,
        inputs: objectOf(reader, LOOKUP_FILE, f.args),
        outputs: objectOf(reader, LOOKUP_FILE, f.result),
      },
    ]),
  );
}

/** Example Usage and Import, appended to the resource's description as Pulumi's docs generator expects. */
const RESOURCE_DOCS = `

{{% examples %}}
## Example Usage

{{% example %}}
### Reload three tables, and one of them again when its trigger changes

\`\`\`yaml
resources:
  sales:
    type: celonis:index:DataModelReload
    properties:
      poolId: d0000000-0000-4000-a000-000000000001
      dataModelId: d1000000-0000-4000-a000-000000000001
      tables: [ACTIVITIES, CASES, VENDORS]
      triggers: ["1"]
      tableTriggers:
        ACTIVITIES: "1"
\`\`\`
{{% /example %}}
{{% /examples %}}

## Import

A data model is imported without loading it, by its pool id and data model id:

\`\`\`sh
$ pulumi import celonis:index:DataModelReload sales <poolId>/<dataModelId>
\`\`\`
`;

/** The whole schema, from the source files as they are now. */
export function buildSchema(): Record<string, unknown> {
  const program = ts.createProgram([RESOURCE_FILE, LOOKUP_FILE], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
  });
  const reader = new SchemaReader(program, (name) => `${PACKAGE}:index:${name}`);
  const args = pluginMembers(reader.members(RESOURCE_FILE, "DataModelReloadArgs"));
  const resource = pluginMembers(reader.members(RESOURCE_FILE, "DataModelReload"));
  const { version, license, author } = packageInfo();
  const config = configVariables();
  return {
    name: PACKAGE,
    displayName: "Celonis",
    version,
    description: "Reloads Celonis data models (whole, or some tables) as part of `pulumi up`.",
    keywords: ["pulumi", "celonis", "process-mining", "category/utility", "kind/native"],
    license,
    publisher: author,
    config: { variables: config },
    provider: {
      description: "The Celonis connection. Stack config `celonis:*`, or the environment.",
      inputProperties: config,
    },
    resources: {
      [RESOURCE]: {
        description: resource.doc + RESOURCE_DOCS,
        inputProperties: Object.fromEntries(args.members.map((m) => [m.name, withDefault(m)])),
        requiredInputs: args.members.filter((m) => !m.optional).map((m) => m.name),
        properties: Object.fromEntries(resource.members.map((m) => [m.name, m.spec])),
        required: resource.members.filter((m) => !m.optional).map((m) => m.name),
      },
    },
    functions: functions(reader),
    types: Object.fromEntries(Object.entries(reader.types).sort(([a], [b]) => a.localeCompare(b))),
    language: LANGUAGES,
  };
}

/** The schema (default: built now from the source) as the committed file holds it. */
export function schemaText(schema: Record<string, unknown> = buildSchema()): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(SCHEMA_FILE, schemaText());
  console.log(`wrote ${path.relative(ROOT, SCHEMA_FILE)}`);
}
