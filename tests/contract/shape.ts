// A small shape comparer for the contract tests: the shape of a response is learnt from the
// documentation's examples (tests/contract/fixtures), and an answer must have the same field names,
// JSON types and nullability — no field missing, none added, a null only where an example has one,
// epoch-ms dates where the examples have them, and enum fields within their documented values.

type JsonType = "string" | "number" | "boolean" | "null" | "object" | "array";

export interface Shape {
  types: Set<JsonType>;
  /** Objects: field → shape; `required` when every example object has the field. */
  fields?: Map<string, { shape: Shape; required: boolean }>;
  /** Arrays: the shape of every element of every example (undefined: no example element). */
  items?: Shape;
  /** Numbers: every example is an integer epoch-ms date (after 2001). */
  epochMs?: boolean;
}

function jsonType(v: unknown): JsonType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v as JsonType;
}

const looksLikeEpochMs = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v > 1e12;

/** The shape that all `examples` share (types, fields and elements are merged). */
export function shapeOf(examples: unknown[]): Shape {
  const shape: Shape = { types: new Set(examples.map(jsonType)) };
  const objects = examples.filter((e): e is Record<string, unknown> => jsonType(e) === "object");
  if (objects.length > 0) {
    const names = new Set(objects.flatMap((o) => Object.keys(o)));
    shape.fields = new Map(
      [...names].map((n) => [
        n,
        {
          shape: shapeOf(objects.filter((o) => n in o).map((o) => o[n])),
          required: objects.every((o) => n in o),
        },
      ]),
    );
  }
  const elements = examples.filter(Array.isArray).flat();
  if (elements.length > 0) shape.items = shapeOf(elements);
  const numbers = examples.filter((e) => typeof e === "number");
  if (numbers.length > 0) shape.epochMs = numbers.every(looksLikeEpochMs);
  return shape;
}

/** Everything in `value` that does not fit `shape`, as "path: problem" lines (empty: it fits). */
export function mismatches(
  value: unknown,
  shape: Shape,
  enums: Record<string, readonly string[]> = {},
  path = "$",
): string[] {
  const t = jsonType(value);
  if (!shape.types.has(t)) return [`${path}: ${t}, documented as ${[...shape.types].join(" or ")}`];
  const allowed = enumOf(path, enums);
  if (t === "string" && allowed && !allowed.includes(value as string))
    return [`${path}: "${String(value)}" is not one of ${allowed.join(", ")}`];
  if (t === "number" && shape.epochMs && !looksLikeEpochMs(value))
    return [`${path}: ${String(value)} is not an epoch-ms date`];
  if (t === "array" && shape.items)
    return (value as unknown[]).flatMap((v, i) =>
      mismatches(v, shape.items as Shape, enums, `${path}[${i}]`),
    );
  if (t === "object" && shape.fields)
    return objectMismatches(value as Record<string, unknown>, shape, enums, path);
  return [];
}

/** The values allowed at `path`: the enum whose key ("loadStatus", "averageLoadTime.type") ends the path. */
function enumOf(path: string, enums: Record<string, readonly string[]>): readonly string[] | undefined {
  const dotted = path.replace(/\[\d+\]/g, "");
  const key = Object.keys(enums).find((k) => dotted === `$.${k}` || dotted.endsWith(`.${k}`));
  return key === undefined ? undefined : enums[key];
}

function objectMismatches(
  value: Record<string, unknown>,
  shape: Shape,
  enums: Record<string, readonly string[]>,
  path: string,
): string[] {
  const fields = shape.fields as NonNullable<Shape["fields"]>;
  const out: string[] = [];
  for (const [name, f] of fields) {
    if (name in value) out.push(...mismatches(value[name], f.shape, enums, `${path}.${name}`));
    else if (f.required) out.push(`${path}.${name}: missing`);
  }
  for (const name of Object.keys(value)) if (!fields.has(name)) out.push(`${path}.${name}: not documented`);
  return out;
}
