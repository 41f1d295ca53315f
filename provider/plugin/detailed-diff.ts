// The plugin's detailed diff, as a pure function: which properties `pulumi preview --diff` shows as
// changed, and how (added, deleted, updated, replacing). Whether to update or replace at all is the
// handlers' decision (`diff`); this only explains it per property, so the preview names the input
// that changed (`tableTriggers.ACTIVITIES`, `triggers`) next to the plan it leads to.

import { canonicalJson } from "../plan";
import { INPUT_KEYS, OUTPUT_INPUTS } from "../properties";

type Props = Record<string, unknown>;

/** How one property changes; the `-replace` kinds replace the resource. */
export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

/** A property path (`timeoutSeconds`, `tableTriggers.ACTIVITIES`) and how it changes. */
export type DetailedDiff = Record<string, DiffKind>;

/** The handlers' decision the detailed diff explains. */
export interface DiffDecision {
  changes: boolean;
  replaces: string[];
}

/** Inputs computed by `check` rather than written by the user: never listed as the user's change. */
const DERIVED = new Set<string>(OUTPUT_INPUTS);

/** The keys users write, in the order they read them. */
export const USER_KEYS: readonly string[] = INPUT_KEYS.filter((k) => !DERIVED.has(k));

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

function kindOf(before: unknown, after: unknown, replace: boolean): DiffKind | undefined {
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null)) return undefined;
  const kind: DiffKind = absent(before) ? "add" : absent(after) ? "delete" : "update";
  return replace ? (`${kind}-replace` as DiffKind) : kind;
}

/** `tableTriggers.NAME`, or `tableTriggers["a name"]` when the name is not a plain identifier. */
export function keyPath(parent: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function asMap(value: unknown): Props {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : {};
}

/** Per-table entries, so adding one table's trigger reads differently from changing another's. */
function tableTriggerEntries(before: unknown, after: unknown): DetailedDiff {
  const out: DetailedDiff = {};
  if (absent(before) || absent(after)) {
    const kind = kindOf(before, after, false);
    if (kind) out.tableTriggers = kind;
    return out;
  }
  const olds = asMap(before);
  const news = asMap(after);
  for (const key of new Set([...Object.keys(olds), ...Object.keys(news)])) {
    const kind = kindOf(olds[key], news[key], false);
    if (kind) out[keyPath("tableTriggers", key)] = kind;
  }
  return out;
}

/**
 * The detailed diff of stored outputs `olds` against new checked inputs `news`, given the handlers'
 * decision. Every user input that changed is listed; `plan` is listed whenever the update reloads or
 * changes what was planned, and also when nothing the user wrote changed but a reload is still owed
 * or running from the last `up` (so the preview never shows an update without saying why).
 */
export function detailedDiff(olds: Props, news: Props, decision: DiffDecision): DetailedDiff {
  if (!decision.changes) return {};
  const out: DetailedDiff = {};
  for (const key of USER_KEYS) {
    if (key === "tableTriggers") {
      Object.assign(out, tableTriggerEntries(olds[key], news[key]));
      continue;
    }
    const kind = kindOf(olds[key], news[key], decision.replaces.includes(key));
    if (kind) out[key] = kind;
  }
  const planChanged = canonicalJson(olds.plan ?? null) !== canonicalJson(news.plan ?? null);
  const pending = ["owed", "running", "deferred"].includes(olds.planStatus as string);
  if (planChanged || pending || Object.keys(out).length === 0) out.plan = "update";
  return out;
}

/** The top-level properties a detailed diff touches (the response's `diffs`). */
export function changedProperties(diff: DetailedDiff): string[] {
  return [...new Set(Object.keys(diff).map((path) => /^[A-Za-z0-9_]+/.exec(path)![0]))];
}
