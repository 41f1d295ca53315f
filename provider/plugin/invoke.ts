// The plugin's Invoke: the lookups by name (lookup-calls.ts) as the schema functions
// `celonis:index:getDataPool`, `…getDataModel` and `…getDataModelTables`, for YAML, Python, Go and
// .NET programs. Checks the arguments (each missing or mistyped one a failure naming it), then asks
// the same lookups a TypeScript program calls, through the connection the plugin was configured with.

import { LOOKUP_FUNCTIONS, type LookupName } from "../lookup-calls";
import type { Lookups } from "../lookups";
import schema from "../schema.json";

type Props = Record<string, unknown>;

/** The package's token prefix of schema functions. */
const PREFIX = "celonis:index:";

/** The arguments of each function as the schema declares them (all strings): one declaration. */
function argumentsOf(name: LookupName): { required: string[]; all: string[] } {
  const functions = (schema as { functions?: Record<string, { inputs: FunctionInputs }> }).functions;
  const inputs = functions?.[PREFIX + name]?.inputs;
  return { required: inputs?.required ?? [], all: Object.keys(inputs?.properties ?? {}) };
}

interface FunctionInputs {
  properties: Record<string, unknown>;
  required?: string[];
}

/** The lookup a function token names, or an error listing the functions this plugin serves. */
export function lookupOf(token: string): LookupName {
  const name = token.startsWith(PREFIX) ? token.slice(PREFIX.length) : "";
  if (Object.prototype.hasOwnProperty.call(LOOKUP_FUNCTIONS, name)) return name as LookupName;
  const served = Object.keys(LOOKUP_FUNCTIONS).map((n) => PREFIX + n);
  throw new Error(`unknown function ${token}: the celonis plugin serves ${served.join(", ")}`);
}

/** What is wrong with `args` for `name`: each missing, non-string or unknown argument. Pure. */
export function argumentFailures(name: LookupName, args: Props): { property: string; reason: string }[] {
  const { required, all } = argumentsOf(name);
  const failures = Object.keys(args)
    .filter((k) => !all.includes(k))
    .map((k) => ({ property: k, reason: `${name} takes no argument ${k}; it takes ${all.join(", ")}` }));
  for (const k of all) {
    const v = args[k];
    if (v === undefined && !required.includes(k)) continue;
    if (typeof v !== "string" || v.trim() === "") {
      failures.push({
        property: k,
        reason: `${name} needs ${k}: a non-empty string, got ${JSON.stringify(v) ?? "nothing"}`,
      });
    }
  }
  return failures;
}

/** Runs the lookup `name` with checked arguments. */
export async function invokeLookup(lookups: Lookups, name: LookupName, args: Props): Promise<Props> {
  const text = (k: string) => args[k] as string;
  const connection = typeof args.connection === "string" ? args.connection : undefined;
  switch (name) {
    case "getDataPool":
      return { ...(await lookups.getDataPool({ name: text("name"), connection })) };
    case "getDataModel":
      return { ...(await lookups.getDataModel({ pool: text("pool"), name: text("name"), connection })) };
    case "getDataModelTables":
      return {
        ...(await lookups.getDataModelTables({
          poolId: text("poolId"),
          dataModelId: text("dataModelId"),
          connection,
        })),
      };
  }
}
