// Each property of DataModelReload, and what it is for, declared once. `DataModelReloadArgs`
// (resource.ts) stays the one place for descriptions (its TSDoc feeds the editor and the schema);
// this table gives every key of the args and of the checked inputs its role and its default, and
// the compiler checks it against both types both ways: a key added to either without a role, or a
// role left for a key that is gone, fails `npm run typecheck`. The plan's keys, the echo into
// outputs, the plugin's diff and the defaults of validation and schema are read from here.
//
// Roles:
//   reloads – a change reloads (in place, or by replacing the resource for the ids);
//   shapes  – what a reload loads (its load type, whether a create loads); a change alone reloads nothing;
//   option  – how a reload runs (waiting, timeout, busy models, warnings); never causes one;
//   output  – computed by `check` and stored with the inputs (resolved tables, the plan).

import type { DataModelReloadArgs } from "./resource";
import type { CheckedInputs, LoadTypeOption, OnBusy, WarningsAs } from "./types";
import { DEFAULT_OUTSIDE_WINDOW, type OutsideWindow } from "./window-policy";
import { DEFAULT_TIME_ZONE } from "./windows";

/** What a property is for. */
export type Role = "reloads" | "shapes" | "option" | "output";

/** One property's role, and the value an option left out takes. */
export interface Property {
  readonly role: Role;
  readonly default?: unknown;
}

/** A role for each of the keys `K`, no more, no fewer. */
export type RoleTable<K extends string> = { readonly [k in K]: Property };

/** Every property, in the order users read them. */
export const PROPERTIES = {
  poolId: { role: "reloads" },
  dataModelId: { role: "reloads" },
  tables: { role: "reloads" },
  triggers: { role: "reloads" },
  tableTriggers: { role: "reloads" },
  connection: { role: "reloads" },
  loadType: { role: "shapes", default: "complete" as LoadTypeOption },
  reloadOnCreate: { role: "shapes", default: true as boolean },
  wait: { role: "option", default: true as boolean },
  timeoutSeconds: { role: "option", default: 3600 as number },
  onBusy: { role: "option", default: "wait" as OnBusy },
  warningsAs: { role: "option", default: "success" as WarningsAs },
  windows: { role: "option", default: null as string[] | null },
  timeZone: { role: "option", default: DEFAULT_TIME_ZONE as string },
  outsideWindow: { role: "option", default: DEFAULT_OUTSIDE_WINDOW as OutsideWindow },
  resolvedTables: { role: "output" },
  plan: { role: "output" },
} as const satisfies RoleTable<keyof CheckedInputs>;

type Table = typeof PROPERTIES;

/** The keys whose role is one of `R`. */
export type KeysWithRole<R extends Role> = {
  [K in keyof Table]: Table[K]["role"] extends R ? K : never;
}[keyof Table];

/** Whether two key sets are the same. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** True when `Args` has exactly the keys the table gives a user-facing role (not `output`). */
export type CoversArgs<Args> = Same<keyof Args, Exclude<keyof Table, KeysWithRole<"output">>>;

/** True when `Inputs` has exactly the keys the table has. */
export type CoversInputs<Inputs> = Same<keyof Inputs, keyof Table>;

/** Each key of the args and of the checked inputs has a role, and each role has its key. */
const EVERY_KEY_HAS_A_ROLE: [CoversArgs<DataModelReloadArgs>, CoversInputs<CheckedInputs>] = [true, true];
void EVERY_KEY_HAS_A_ROLE;

function keysWithRole<R extends Role>(...roles: R[]): KeysWithRole<R>[] {
  const keys = Object.keys(PROPERTIES) as (keyof Table)[];
  return keys.filter((k) => (roles as Role[]).includes(PROPERTIES[k].role)) as KeysWithRole<R>[];
}

/** Every input, in the order users read them: everything `diff` compares and outputs echo. */
export const INPUT_KEYS: readonly (keyof CheckedInputs)[] = Object.keys(
  PROPERTIES,
) as (keyof CheckedInputs)[];

/** The inputs whose change reloads (6 keys; `connection`, like the ids, replaces the resource). */
export const RELOADING_INPUTS = keysWithRole("reloads");

/**
 * What the reload fingerprint covers (plan.reloadFingerprint): the reloading inputs and how their
 * tables resolved (7 keys). Outputs keep these from the old state while a change waits for the next `up`.
 */
export const FINGERPRINT_KEYS = [...RELOADING_INPUTS, "resolvedTables"] as const;

/** What the planner reads (9 keys): the fingerprint's keys, and what shapes the load. */
export type PlanInputs = Pick<CheckedInputs, KeysWithRole<"reloads" | "shapes"> | "resolvedTables">;

/** The keys `check` computes (a user never sets them). */
export const OUTPUT_INPUTS = keysWithRole("output");

/** Defaults for options the user left out. */
export const DEFAULTS = {
  loadType: PROPERTIES.loadType.default,
  reloadOnCreate: PROPERTIES.reloadOnCreate.default,
  wait: PROPERTIES.wait.default,
  timeoutSeconds: PROPERTIES.timeoutSeconds.default,
  onBusy: PROPERTIES.onBusy.default,
  warningsAs: PROPERTIES.warningsAs.default,
  windows: PROPERTIES.windows.default,
  timeZone: PROPERTIES.timeZone.default,
  outsideWindow: PROPERTIES.outsideWindow.default,
} satisfies { [K in KeysWithRole<"shapes" | "option">]: CheckedInputs[K] };
