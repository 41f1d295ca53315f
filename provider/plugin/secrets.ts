// Secrets across the plugin's wire, as pure functions. The plugin tells the engine it accepts
// secrets, so secret values arrive wrapped (`{"4dabf…": "1b47…", value}`) and the plugin must hand
// them back wrapped: the handlers work on plain JSON, so the server reveals what comes in and
// conceals what goes out. What was secret in the inputs stays secret in the outputs, and values
// derived from secret table names (the plan, the resolved and reloaded tables) become secret too.

import { canonicalJson } from "../plan";

/** The key and value that mark a secret in the engine's property encoding. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

/** True for the engine's wrapped form of a secret value. */
export function isSecret(value: unknown): value is { value: unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    (value as Props)[SECRET_SIG] === SECRET_SIG_VALUE
  );
}

/** Wraps a value as a secret (a value already secret stays as it is). */
export function secret(value: unknown): unknown {
  return isSecret(value) ? value : { [SECRET_SIG]: SECRET_SIG_VALUE, value };
}

/** True when `value` is, or holds at any depth, a secret. */
export function holdsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsSecret);
  return false;
}

/** The value with every secret unwrapped, at any depth: what the handlers work on. */
export function reveal<T = unknown>(value: unknown): T {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map((v) => reveal(v)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)])) as T;
  }
  return value as T;
}

/** Outputs derived from table names: secret when the table names are. */
const NAME_DERIVED = ["plan", "resolvedTables", "reloadedTables"];

/** Same JSON value, whatever the order of object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * `outs` (plain) with the secrets of `source` (wire form, e.g. the request's inputs) applied: a
 * property echoed unchanged keeps its secrets exactly where they were (`triggers[1]` stays the only
 * secret element); one that holds a secret but changed shape becomes secret as a whole. When table
 * names are secret (`tables` holds one, or `tableTriggers` is secret as a whole, keys included),
 * the plan and the table lists, which name tables, are secret too.
 */
export function conceal(outs: Props, source: Props): Props {
  const result: Props = { ...outs };
  for (const [key, wire] of Object.entries(source)) {
    if (!(key in result) || !holdsSecret(wire)) continue;
    result[key] = sameJson(result[key], reveal(wire)) ? wire : secret(result[key]);
  }
  if (holdsSecret(source.tables) || isSecret(source.tableTriggers)) {
    for (const key of NAME_DERIVED) if (key in result) result[key] = secret(result[key]);
  }
  return result;
}
