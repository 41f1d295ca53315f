// Validation and defaults for DataModelReload inputs, as a pure function `check` calls first. Each
// mistake becomes a failure naming the property, the bad value and what would be valid, so it fails
// the preview instead of the deployment. Values not known yet (preview) are accepted as they are.

import {
  ambiguousTableText,
  unknownTableText,
  validTablesText,
  type AmbiguousTableRef,
  type UnknownTableRef,
} from "./celonis/errors";
import type { ResolvedTable } from "./celonis/types";
import { TriggerValueError, toJsonValue } from "./json-values";
import { UNKNOWN } from "./plan";
import { DEFAULTS } from "./properties";
import type { CheckedInputs, JsonValue } from "./types";
import { OUTSIDE_WINDOW_VALUES } from "./window-policy";
import { validateWindows } from "./windows";

/** One problem with one input, in the shape `check` returns to the engine. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Longest wait a single `up` may spend on one load (7 days). */
export const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The validated inputs, before table resolution and planning. */
export type ValidatedInputs = Omit<CheckedInputs, "resolvedTables" | "plan">;

/** A bad value as the user wrote it, short: numbers JSON cannot show (NaN) and non-JSON types by name. */
export function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (
    value === undefined ||
    typeof value === "function" ||
    typeof value === "symbol" ||
    typeof value === "bigint"
  ) {
    return typeof value === "function" ? "a function" : String(value);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined; // circular
  }
  if (text === undefined) return Object.prototype.toString.call(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `value` as JSON (see json-values.ts), or the failure naming where it cannot be. */
function jsonOf(value: unknown, property: string): { value: JsonValue } | { failure: CheckFailure } {
  try {
    return { value: toJsonValue(value, property) };
  } catch (err) {
    if (!(err instanceof TriggerValueError)) throw err;
    return { failure: { property: err.path, reason: err.message } };
  }
}

/**
 * Checks raw inputs and fills defaults. Never throws: every problem is a failure, and the returned
 * inputs are usable for planning even when there are failures (bad options fall back to defaults).
 */
export function validateInputs(raw: Record<string, unknown>): {
  inputs: ValidatedInputs;
  failures: CheckFailure[];
} {
  const r = new InputReader(raw);
  const tables = r.tables();
  const inputs: ValidatedInputs = {
    poolId: r.id("poolId"),
    dataModelId: r.id("dataModelId"),
    tables,
    triggers: r.json("triggers", "list") as JsonValue[] | null,
    tableTriggers: r.json("tableTriggers", "map") as { [table: string]: JsonValue } | null,
    loadType: r.choice("loadType", ["complete", "fromCache"] as const, DEFAULTS.loadType),
    reloadOnCreate: r.flag("reloadOnCreate", DEFAULTS.reloadOnCreate),
    wait: r.flag("wait", DEFAULTS.wait),
    timeoutSeconds: r.timeout(),
    onBusy: r.choice("onBusy", ["wait", "fail"] as const, DEFAULTS.onBusy),
    warningsAs: r.choice("warningsAs", ["success", "error"] as const, DEFAULTS.warningsAs),
    ...r.windows(),
    outsideWindow: r.choice("outsideWindow", OUTSIDE_WINDOW_VALUES, DEFAULTS.outsideWindow),
    connection: r.connection(),
  };
  if (raw.loadType === "fromCache" && tables) {
    r.fail(
      "loadType",
      'loadType "fromCache" conflicts with tables: listed tables always get a complete reload (the rest from cache); remove loadType or tables',
    );
  }
  return { inputs, failures: r.failures };
}

/** Reads one raw input at a time, collecting a failure for each mistake. */
class InputReader {
  readonly failures: CheckFailure[] = [];

  constructor(private readonly raw: Record<string, unknown>) {}

  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }

  /** A pool or data model id: a string holding a UUID. */
  id(property: "poolId" | "dataModelId"): string {
    const value = this.raw[property];
    if (value === UNKNOWN) return UNKNOWN;
    const what = `the ${property === "poolId" ? "data pool" : "data model"} id (a UUID)`;
    if (value === undefined || value === null || (typeof value === "string" && !value.trim())) {
      this.fail(property, `${property} is required: ${what}, got ${show(value)}`);
      return "";
    }
    if (typeof value !== "string") {
      this.fail(property, `${property} must be a string: ${what}, got ${show(value)}`);
      return "";
    }
    if (!UUID.test(value.trim())) {
      this.fail(property, `${property} must be a Celonis id (a UUID such as 3f2a…-…), got ${show(value)}`);
    }
    return value.trim();
  }

  /** `tables`: a non-empty list of distinct, non-empty references; null for the whole model. */
  tables(): string[] | null {
    const value = this.raw.tables;
    if (value === undefined || value === null) return null;
    if (value === UNKNOWN) return [UNKNOWN];
    if (!Array.isArray(value)) {
      this.fail("tables", `tables must be a list of table names, aliases or ids, got ${show(value)}`);
      return null;
    }
    if (value.length === 0) {
      this.fail(
        "tables",
        "tables is empty: list at least one table, or leave tables out to load the whole data model",
      );
      return null;
    }
    const tables: string[] = [];
    const seen = new Map<string, number>();
    value.forEach((t, i) => {
      if (t === UNKNOWN) return void tables.push(UNKNOWN);
      if (typeof t !== "string" || t.trim() === "") {
        return this.fail(
          `tables[${i}]`,
          `tables[${i}] must be a non-empty table name, alias or id, got ${show(t)}`,
        );
      }
      // Whitespace counts: Celonis allows "Kunden" and "Kunden " side by side. The same table written
      // two ways (case, name and alias) is caught by id once resolved (resolvedFailures).
      const ref = t;
      const first = seen.get(ref);
      if (first !== undefined) {
        return this.fail(
          `tables[${i}]`,
          `tables[${i}] ${show(ref)} duplicates tables[${first}]: list each table once`,
        );
      }
      seen.set(ref, i);
      tables.push(ref);
    });
    return tables;
  }

  /** `triggers` (a list) or `tableTriggers` (a map of table to value): JSON values (json-values.ts). */
  json(property: "triggers" | "tableTriggers", shape: "list" | "map"): JsonValue | null {
    const value = this.raw[property];
    if (value === undefined || value === null) return null;
    if (value === UNKNOWN) return shape === "list" ? [UNKNOWN] : { [UNKNOWN]: UNKNOWN };
    const isList = Array.isArray(value);
    if (shape === "list" ? !isList : typeof value !== "object" || isList) {
      const expected =
        shape === "list"
          ? "must be a list of values (any JSON)"
          : 'must map table names to values, e.g. { ACTIVITIES: "v2" }';
      this.fail(property, `${property} ${expected}, got ${show(value)}`);
      return null;
    }
    const json = jsonOf(value, property);
    if ("failure" in json) {
      this.failures.push(json.failure);
      return null;
    }
    return json.value;
  }

  /** One of `valid`, else the default (with a failure when something else was given). */
  choice<T extends string>(property: string, valid: readonly T[], fallback: T): T {
    const value = this.raw[property];
    if (value === undefined || value === null || value === UNKNOWN) return fallback;
    if (typeof value === "string" && (valid as readonly string[]).includes(value)) return value as T;
    this.fail(
      property,
      `${property} must be one of ${valid.map((v) => `"${v}"`).join(", ")}, got ${show(value)}`,
    );
    return fallback;
  }

  flag(property: string, fallback: boolean): boolean {
    const value = this.raw[property];
    if (value === undefined || value === null || value === UNKNOWN) return fallback;
    if (typeof value === "boolean") return value;
    this.fail(property, `${property} must be true or false, got ${show(value)}`);
    return fallback;
  }

  /** `windows` (kept as written when valid) and `timeZone` (canonical), each entry checked (windows.ts). */
  windows(): { windows: string[] | null; timeZone: string } {
    const { options, failures } = validateWindows(this.raw.windows, this.raw.timeZone);
    this.failures.push(...failures);
    const raw = this.raw.windows;
    const windows = Array.isArray(raw) && failures.length === 0 ? (raw as string[]) : DEFAULTS.windows;
    return { windows: raw === UNKNOWN ? [UNKNOWN] : windows, timeZone: options.timeZone };
  }

  /** `connection`: the name of one of `celonis:connections`; null (left out) for the unnamed one. */
  connection(): string | null {
    const value = this.raw.connection;
    if (value === undefined || value === null || value === "") return null;
    if (typeof value === "string") return value;
    this.fail(
      "connection",
      `connection must be the name of a connection in celonis:connections, got ${show(value)}`,
    );
    return null;
  }

  timeout(): number {
    const t = this.raw.timeoutSeconds;
    if (t === undefined || t === null || t === UNKNOWN) return DEFAULTS.timeoutSeconds;
    if (typeof t === "number" && Number.isFinite(t) && t > 0 && t <= MAX_TIMEOUT_SECONDS) return t;
    this.fail(
      "timeoutSeconds",
      `timeoutSeconds must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS} (7 days), got ${show(t)}`,
    );
    return DEFAULTS.timeoutSeconds;
  }
}

/** Every distinct table reference in `tables` and `tableTriggers` (what `check` resolves). */
export function tableRefs(inputs: Pick<ValidatedInputs, "tables" | "tableTriggers">): string[] {
  const refs = [...(inputs.tables ?? []), ...Object.keys(inputs.tableTriggers ?? {})];
  const seen = new Set<string>();
  return refs.filter((r) => r !== UNKNOWN && !seen.has(r) && (seen.add(r), true));
}

/**
 * Failures only visible once references are resolved to table ids: the same table listed twice
 * (by name and by alias, say), and a `tableTriggers` entry for a table outside `tables`.
 */
export function resolvedFailures(
  inputs: Pick<ValidatedInputs, "tables" | "tableTriggers">,
  resolved: ResolvedTable[],
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const byRef = new Map(resolved.map((r) => [r.ref, r]));
  const firstIndex = new Map<string, number>();
  (inputs.tables ?? []).forEach((ref, i) => {
    const hit = byRef.get(ref);
    if (!hit) return;
    const first = firstIndex.get(hit.id);
    if (first === undefined) firstIndex.set(hit.id, i);
    else
      failures.push({
        property: `tables[${i}]`,
        reason: `tables[${i}] "${ref}" is the same table as tables[${first}] "${inputs.tables![first]}" (${hit.name}): list each table once`,
      });
  });
  if (inputs.tables) {
    for (const key of Object.keys(inputs.tableTriggers ?? {})) {
      const hit = byRef.get(key);
      if (hit && !firstIndex.has(hit.id)) {
        failures.push({
          property: `tableTriggers.${key}`,
          reason: `tableTriggers.${key}: table ${hit.name} is not in tables (${inputs.tables.join(", ")}); add it to tables or remove its trigger`,
        });
      }
    }
  }
  return failures;
}

/** Most unknown table references reported one by one; the rest are counted in one more failure. */
export const MAX_UNKNOWN_REPORTED = 10;

/**
 * Failures for references that did not resolve: one per unknown reference (the first
 * MAX_UNKNOWN_REPORTED, the first of them also listing the valid names, once), one counting the
 * rest, one per ambiguous reference. Pure.
 */
export function unresolvedFailures(
  inputs: Pick<ValidatedInputs, "tables" | "dataModelId">,
  unknown: UnknownTableRef[],
  ambiguous: AmbiguousTableRef[],
  validNames: string[],
): CheckFailure[] {
  const where = `in data model ${inputs.dataModelId}`;
  const failures = unknown.slice(0, MAX_UNKNOWN_REPORTED).map((u, n) => {
    const i = inputs.tables?.indexOf(u.ref) ?? -1;
    const property = i >= 0 ? `tables[${i}]` : `tableTriggers.${u.ref}`;
    const valid = n === 0 ? ` ${validTablesText(validNames)}` : "";
    return { property, reason: `${property}: ${unknownTableText(u)} ${where}.${valid}` };
  });
  const rest = unknown.length - MAX_UNKNOWN_REPORTED;
  if (rest > 0) {
    failures.push({ property: "tables", reason: `tables: ${rest} more references match no table ${where}` });
  }
  for (const a of ambiguous)
    failures.push({ property: "tables", reason: `tables: ${ambiguousTableText(a)}` });
  return failures;
}
