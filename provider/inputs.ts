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
import type { CheckedInputs, JsonValue, LoadTypeOption, OnBusy, WarningsAs } from "./types";

/** One problem with one input, in the shape `check` returns to the engine. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Defaults for options the user left out. */
export const DEFAULTS = {
  loadType: "complete" as LoadTypeOption,
  reloadOnCreate: true,
  wait: true,
  timeoutSeconds: 3600,
  onBusy: "wait" as OnBusy,
  warningsAs: "success" as WarningsAs,
};

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
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  const id = (property: "poolId" | "dataModelId"): string => {
    const value = raw[property];
    if (value === UNKNOWN) return UNKNOWN;
    const what = `the ${property === "poolId" ? "data pool" : "data model"} id (a UUID)`;
    if (
      value === undefined ||
      value === null ||
      value === "" ||
      (typeof value === "string" && !value.trim())
    ) {
      fail(property, `${property} is required: ${what}, got ${show(value)}`);
      return "";
    }
    if (typeof value !== "string") {
      fail(property, `${property} must be a string: ${what}, got ${show(value)}`);
      return "";
    }
    if (!UUID.test(value.trim())) {
      fail(property, `${property} must be a Celonis id (a UUID such as 3f2a…-…), got ${show(value)}`);
    }
    return value.trim();
  };
  const poolId = id("poolId");
  const dataModelId = id("dataModelId");

  let tables: string[] | null = null;
  if (raw.tables !== undefined && raw.tables !== null) {
    if (raw.tables === UNKNOWN) {
      tables = [UNKNOWN];
    } else if (!Array.isArray(raw.tables)) {
      fail("tables", `tables must be a list of table names, aliases or ids, got ${show(raw.tables)}`);
    } else if (raw.tables.length === 0) {
      fail(
        "tables",
        "tables is empty: list at least one table, or leave tables out to load the whole data model",
      );
    } else {
      tables = [];
      const seen = new Map<string, number>();
      raw.tables.forEach((t, i) => {
        if (t === UNKNOWN) {
          tables!.push(UNKNOWN);
        } else if (typeof t !== "string" || t.trim() === "") {
          fail(`tables[${i}]`, `tables[${i}] must be a non-empty table name, alias or id, got ${show(t)}`);
        } else {
          const ref = t.trim();
          const key = ref.toLowerCase();
          if (seen.has(key)) {
            fail(
              `tables[${i}]`,
              `tables[${i}] ${show(ref)} duplicates tables[${seen.get(key)}]: list each table once`,
            );
          } else {
            seen.set(key, i);
            tables!.push(ref);
          }
        }
      });
    }
  }

  let triggers: JsonValue[] | null = null;
  if (raw.triggers !== undefined && raw.triggers !== null) {
    if (raw.triggers === UNKNOWN) triggers = [UNKNOWN];
    else if (!Array.isArray(raw.triggers)) {
      fail("triggers", `triggers must be a list of values (any JSON), got ${show(raw.triggers)}`);
    } else {
      const json = jsonOf(raw.triggers, "triggers");
      if ("failure" in json) failures.push(json.failure);
      else triggers = json.value as JsonValue[];
    }
  }

  let tableTriggers: { [table: string]: JsonValue } | null = null;
  if (raw.tableTriggers !== undefined && raw.tableTriggers !== null) {
    const tt = raw.tableTriggers;
    if (tt === UNKNOWN) tableTriggers = { [UNKNOWN]: UNKNOWN };
    else if (typeof tt !== "object" || Array.isArray(tt)) {
      fail(
        "tableTriggers",
        `tableTriggers must map table names to values, e.g. { ACTIVITIES: "v2" }, got ${show(tt)}`,
      );
    } else {
      const json = jsonOf(tt, "tableTriggers");
      if ("failure" in json) failures.push(json.failure);
      else tableTriggers = json.value as { [table: string]: JsonValue };
    }
  }

  const choice = <T extends string>(property: string, valid: readonly T[], fallback: T): T => {
    const value = raw[property];
    if (value === undefined || value === null) return fallback;
    if (value === UNKNOWN) return fallback;
    if (typeof value === "string" && (valid as readonly string[]).includes(value)) return value as T;
    fail(property, `${property} must be one of ${valid.map((v) => `"${v}"`).join(", ")}, got ${show(value)}`);
    return fallback;
  };
  const flag = (property: string, fallback: boolean): boolean => {
    const value = raw[property];
    if (value === undefined || value === null || value === UNKNOWN) return fallback;
    if (typeof value === "boolean") return value;
    fail(property, `${property} must be true or false, got ${show(value)}`);
    return fallback;
  };

  const loadType = choice("loadType", ["complete", "fromCache"] as const, DEFAULTS.loadType);
  const onBusy = choice("onBusy", ["wait", "fail"] as const, DEFAULTS.onBusy);
  const warningsAs = choice("warningsAs", ["success", "error"] as const, DEFAULTS.warningsAs);
  const reloadOnCreate = flag("reloadOnCreate", DEFAULTS.reloadOnCreate);
  const wait = flag("wait", DEFAULTS.wait);

  let timeoutSeconds = DEFAULTS.timeoutSeconds;
  const t = raw.timeoutSeconds;
  if (t !== undefined && t !== null && t !== UNKNOWN) {
    if (typeof t !== "number" || !Number.isFinite(t) || t <= 0 || t > MAX_TIMEOUT_SECONDS) {
      fail(
        "timeoutSeconds",
        `timeoutSeconds must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS} (7 days), got ${show(t)}`,
      );
    } else timeoutSeconds = t;
  }

  if (raw.loadType === "fromCache" && tables) {
    fail(
      "loadType",
      'loadType "fromCache" conflicts with tables: listed tables always get a complete reload (the rest from cache); remove loadType or tables',
    );
  }

  return {
    inputs: {
      poolId,
      dataModelId,
      tables,
      triggers,
      tableTriggers,
      loadType,
      reloadOnCreate,
      wait,
      timeoutSeconds,
      onBusy,
      warningsAs,
    },
    failures,
  };
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
