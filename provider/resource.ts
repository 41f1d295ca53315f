// DataModelReload, the resource users construct: its typed arguments (each documented with what
// changing it does) and its outputs. The work happens in the provider; this file is the contract.

import * as pulumi from "@pulumi/pulumi";
import type { ResolvedTable } from "./celonis/types";
import { toJsonValue } from "./json-values";
import * as celonisProvider from "./provider";
import type { OutsideWindow } from "./window-policy";
import type {
  LastLoad,
  LoadTypeOption,
  OnBusy,
  Plan,
  PlanLoad,
  PlanStatus,
  ReloadedTable,
  WarningsAs,
} from "./types";

/**
 * A trigger value as the provider will compare it (see json-values.ts), through Outputs and
 * Promises: a `Date` becomes its ISO string; a value JSON would flatten or drop throws, naming where
 * it is. Resources and assets pass through (Pulumi sends them as references). Internal.
 */
export function triggerInput(value: unknown, path: string, parents: object[] = []): unknown {
  if (pulumi.Output.isInstance(value)) return value.apply((v) => triggerInput(v, path));
  if (value instanceof Promise) return value.then((v) => triggerInput(v, path));
  if (pulumi.Resource.isInstance(value) || pulumi.asset.Asset.isInstance(value)) return value;
  if (pulumi.asset.Archive.isInstance(value)) return value;
  if (value === null || typeof value !== "object" || parents.includes(value))
    return toJsonValue(value, path, parents);
  const container: object = value;
  const inner = [...parents, container];
  if (Array.isArray(container)) {
    return (container as unknown[]).map((v, i) => triggerInput(v ?? null, `${path}[${i}]`, inner));
  }
  const proto = Object.getPrototypeOf(container);
  if (proto !== Object.prototype && proto !== null) return toJsonValue(container, path, parents);
  const entries = Object.entries(container).filter(([, v]) => v !== undefined);
  return Object.fromEntries(entries.map(([k, v]) => [k, triggerInput(v, `${path}.${k}`, inner)]));
}

/** Outputs the provider computes: registered as unknown so the engine exposes them. Internal. */
export const OUTPUT_PLACEHOLDERS = {
  resolvedTables: undefined,
  plan: undefined,
  planStatus: undefined,
  planLoad: undefined,
  lastLoad: undefined,
  reloadedTables: undefined,
  reloadCount: undefined,
} as const;

/** Arguments of a {@link DataModelReload}. */
export interface DataModelReloadArgs {
  /** Data pool id (a UUID). Changing it replaces the resource, and the new one loads on create. */
  poolId: pulumi.Input<string>;
  /** Data model id (a UUID). Changing it replaces the resource, and the new one loads on create. */
  dataModelId: pulumi.Input<string>;
  /**
   * Tables to reload, by name, alias or table config id; resolved during preview, so an unknown name
   * fails the preview with close matches. Omitted: the whole data model. Adding a table reloads only
   * the added table; removing tables reloads nothing; removing the list entirely loads the whole model.
   */
  tables?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Any JSON values (outputs of other resources, versions, hashes). When any of them changes (deep
   * compare, key order ignored), the whole scope reloads again: `tables`, or the whole model. Secret
   * values stay secret: plans and messages name positions, never values. A `Date` counts as its ISO
   * string; values JSON cannot hold faithfully (Map, Set, Buffer, class instances, functions, NaN,
   * circular values) fail the preview, naming where they are.
   */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
  /**
   * Per-table triggers, keyed by a table in `tables` (or in the model when `tables` is omitted). A
   * change reloads only that table (partial load); removing an entry reloads nothing. Values follow
   * the same rules as `triggers`.
   */
  tableTriggers?: pulumi.Input<Record<string, pulumi.Input<unknown>>>;
  /**
   * Kind of whole-model load: `complete` (default) reloads every table, `fromCache` rebuilds from
   * the cache. Not allowed with `tables` (partial loads always reload their tables completely).
   * Changing it reloads nothing; it applies to the next load.
   */
  loadType?: pulumi.Input<LoadTypeOption>;
  /** Load when the resource is created (default true). False: creating only records state. */
  reloadOnCreate?: pulumi.Input<boolean>;
  /**
   * Wait for the load to finish (default true). False: trigger and return; the plan stays `running`
   * until `pulumi refresh` or the next `up` sees the load end (`warningsAs` applies then, and
   * `timeoutSeconds` still bounds the trigger's retries). Changing it reloads nothing.
   */
  wait?: pulumi.Input<boolean>;
  /**
   * How long one `up` waits for the load (default 3600 s, at most 7 days). On timeout the load keeps
   * running in Celonis, the update fails with the resource kept in state, and the next `up` waits for
   * that same load instead of triggering another. Changing it reloads nothing.
   */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * A load already running on the model (started elsewhere): `wait` (default) for it to finish, then
   * load; `fail` the update (the reload stays owed). Changing it reloads nothing.
   */
  onBusy?: pulumi.Input<OnBusy>;
  /**
   * A load ending WARNING: `success` (default) with a printed warning, or `error` (fails the update,
   * the reload stays owed). Changing it reloads nothing.
   */
  warningsAs?: pulumi.Input<WarningsAs>;
  /**
   * When a reload may start: entries `DAYS[ HH:MM-HH:MM]` (days `Mon`…`Sun`, a range such as `Mon-Fri`
   * or a comma list; no time range: the whole day; a range crossing midnight belongs to the day it
   * starts on), e.g. `["Mon-Fri 19:00-06:00", "Sat-Sun"]`. Checked just before the trigger; a load
   * already running is never affected. A malformed entry fails the preview. Omitted: any time.
   * Someone has to run `up` inside a window for a deferred reload to run. Changing it never reloads.
   */
  windows?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The IANA time zone `windows` are read in, e.g. `Europe/Berlin` (default `UTC`). A time skipped
   * by daylight saving moves forward; a repeated one counts once. Changing it never reloads.
   */
  timeZone?: pulumi.Input<string>;
  /**
   * A reload due outside every window: `defer` (default) triggers nothing, succeeds with a warning
   * and records `planStatus: "deferred"` (the next `up` inside a window runs it); `wait` waits for the
   * window within `timeoutSeconds`; `fail` fails the update (the reload stays owed). Changing it never reloads.
   */
  outsideWindow?: pulumi.Input<OutsideWindow>;
  /**
   * The named connection in stack config `celonis:connections` the model is on (default: the unnamed
   * `celonis:*` connection). An unknown name fails the preview listing the configured ones. Changing
   * it replaces the resource, and the new one loads on create.
   */
  connection?: pulumi.Input<string>;
}

/**
 * Reloads a Celonis data model (whole, or some tables) when it is created and whenever its triggers
 * or table list change, waits for the load, and exposes the last load as outputs. `pulumi preview`
 * shows the `plan`: which tables will reload and why. Deleting it loads nothing.
 */
export class DataModelReload extends pulumi.dynamic.Resource {
  /** Data pool id. */
  declare public readonly poolId: pulumi.Output<string>;
  /** Data model id. */
  declare public readonly dataModelId: pulumi.Output<string>;
  /** Table references as written, or null for the whole model. */
  declare public readonly tables: pulumi.Output<string[] | null>;
  /** The triggers as given. */
  declare public readonly triggers: pulumi.Output<unknown[] | null>;
  /** The per-table triggers as given. */
  declare public readonly tableTriggers: pulumi.Output<Record<string, unknown> | null>;
  /** Whole-model load kind. */
  declare public readonly loadType: pulumi.Output<LoadTypeOption>;
  /** Whether creation loads. */
  declare public readonly reloadOnCreate: pulumi.Output<boolean>;
  /** Whether the load is waited for. */
  declare public readonly wait: pulumi.Output<boolean>;
  /** Wait deadline in seconds. */
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  /** Policy for a model that is already loading. */
  declare public readonly onBusy: pulumi.Output<OnBusy>;
  /** How WARNING counts. */
  declare public readonly warningsAs: pulumi.Output<WarningsAs>;
  /** Reload windows as written, or null (any time). */
  declare public readonly windows: pulumi.Output<string[] | null>;
  /** The time zone of the windows. */
  declare public readonly timeZone: pulumi.Output<string>;
  /** What a reload due outside every window does. */
  declare public readonly outsideWindow: pulumi.Output<OutsideWindow>;
  /** The named connection, or null for the unnamed one. */
  declare public readonly connection: pulumi.Output<string | null>;
  /** Every table reference resolved to its id and display name. */
  declare public readonly resolvedTables: pulumi.Output<ResolvedTable[] | null>;
  /** The reload decision of the last deployment: action, load type, tables and reasons. */
  declare public readonly plan: pulumi.Output<Plan>;
  /**
   * `done`; `owed` (the load failed or nothing started: the next up runs the plan again); `running`
   * (a load was triggered and not seen to end — a timed-out or interrupted wait, or `wait: false`:
   * the next up or refresh settles that load, never starting another for the same change);
   * `deferred` (due outside every reload window: nothing started, the next up inside a window runs it).
   */
  declare public readonly planStatus: pulumi.Output<PlanStatus>;
  /**
   * The plan's own load — the one this resource triggered or adopted: id (null while not yet
   * visible), type, trigger time, the load before it, last known status. Null when the plan needed none.
   */
  declare public readonly planLoad: pulumi.Output<PlanLoad | null>;
  /** The model's last load, whoever started it: id, status, type, ISO dates, duration, Celonis's message. */
  declare public readonly lastLoad: pulumi.Output<LastLoad | null>;
  /** Tables the last successful reload of this resource covered. */
  declare public readonly reloadedTables: pulumi.Output<ReloadedTable[]>;
  /** How many reloads this resource has completed. */
  declare public readonly reloadCount: pulumi.Output<number>;

  /**
   * @param name The unique name of the resource.
   * @param args What to reload and when.
   * @param opts Resource options; `dependsOn` orders the reload after what it depends on.
   */
  constructor(name: string, args: DataModelReloadArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs = {
      ...args,
      triggers: args.triggers === undefined ? undefined : triggerInput(args.triggers, "triggers"),
      tableTriggers:
        args.tableTriggers === undefined ? undefined : triggerInput(args.tableTriggers, "tableTriggers"),
      // Who this resource is, so the trigger journal tells its loads from other stacks' (hidden in diffs).
      __scope: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
      ...OUTPUT_PLACEHOLDERS,
    };
    super(celonisProvider, name, inputs, opts, "celonis", "DataModelReload");
  }
}
