// Turns `triggers` and `tableTriggers` values into the JSON the provider compares. Pulumi serializes
// a resource's inputs by walking their own keys, so a `Date` arrives as `{}` (and never changes), a
// `Map` or `Set` as `{}`, a `Buffer` as an object of byte indexes, a function as nothing, and a
// circular value never arrives at all. Values with a faithful JSON form are converted (a `Date`
// becomes its ISO string); the rest are refused, naming where they are and what they are, so the
// mistake fails the preview instead of silently never reloading.

import type { JsonValue } from "./types";

/** A trigger value with no faithful JSON form. The message names the path and the type. */
export class TriggerValueError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "TriggerValueError";
  }
}

const HINTS: Record<string, string> = {
  Map: "pass Object.fromEntries(map)",
  Set: "pass [...set]",
  Buffer: 'pass buffer.toString("base64") or a hash of it',
  function: "pass the value it returns",
};

/** What `value` is, in words: "a Map", "a function", "an instance of class Job". */
export function describeType(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "bigint") return "a bigint";
  if (Buffer.isBuffer(value)) return "a Buffer";
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const name = (value as object)?.constructor?.name;
  if (value instanceof Map || value instanceof Set || value instanceof RegExp) return `a ${name}`;
  return name ? `an instance of class ${name}` : "an object with a custom prototype";
}

function refuse(path: string, value: unknown): never {
  const type = describeType(value);
  const key = Buffer.isBuffer(value)
    ? "Buffer"
    : typeof value === "function"
      ? "function"
      : type.replace(/^an? /, "");
  const hint = HINTS[key] ?? "pass a plain value (string, number, boolean, null, array or plain object)";
  throw new TriggerValueError(path, `${path} is ${type}, which has no faithful JSON form: ${hint}`);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `value` as JSON: a `Date` becomes its ISO string, `undefined` in a list becomes null and in an
 * object is left out (as JSON does); anything else without a faithful JSON form (Map, Set, Buffer,
 * class instances, functions, NaN, Infinity, circular values) throws TriggerValueError. Pure.
 */
export function toJsonValue(value: unknown, path: string, parents: object[] = []): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    throw new TriggerValueError(
      path,
      `${path} is ${value}, which JSON cannot hold: pass a finite number or a string`,
    );
  }
  if (typeof value !== "object") return refuse(path, value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TriggerValueError(path, `${path} is an invalid Date`);
    return value.toISOString();
  }
  if (parents.includes(value)) {
    throw new TriggerValueError(
      path,
      `${path} is circular (it contains itself): pass a value without cycles`,
    );
  }
  const inner = [...parents, value];
  if (Array.isArray(value))
    return value.map((v, i) => (v === undefined ? null : toJsonValue(v, `${path}[${i}]`, inner)));
  if (!isPlainObject(value)) return refuse(path, value);
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = toJsonValue(v, `${path}.${k}`, inner);
  }
  return out;
}
