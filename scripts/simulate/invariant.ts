// The promise the simulator checks after every history (and, for "done", at every record):
//   every change ends covered by at least one successful load that started after the change was
//   ready and includes its tables, or stays owed with its reason shown; none is recorded done
//   without such a load; a stack starts at most one load per change (another only after its load
//   failed); no two loads a stack started overlap.
// Pure over the simulation's truth (true times, who started which load).

import type { SimLoad } from "./celonis";

/** One change of a stack: its revision and when its `up` first reached the provider (true time). */
export interface Change {
  rev: number;
  readyAt: number;
  /** Set once a record of "done" covering it was checked. */
  covered: boolean;
}

/** What the invariant needs to know of a stack. */
export interface StackView {
  name: string;
  /**
   * Changes (tags) for which the provider told the user that the change may be loaded twice (a
   * warning with lifecycle.MAY_LOAD_TWICE: a load it could not show to be ours, or to have covered the
   * change), with the true time it first said so: a second load that started after that is accepted,
   * and counted apart.
   */
  stated: ReadonlyMap<string, number>;
  /** The loads each change's runs took for their own (change tag → load ids). */
  taken: ReadonlyMap<string, ReadonlySet<string>>;
  /** Its tables (null: the whole model). */
  tables: string[] | null;
  changes: Change[];
}

/** Does a successful, ended load include `tables` (null: the whole model)? */
export function covers(load: SimLoad, tables: string[] | null, now: number): boolean {
  if (!load.ended || load.end > now || (load.final !== "SUCCESS" && load.final !== "WARNING")) return false;
  if (load.type === "COMPLETE") return true;
  if (load.type !== "PARTIAL" || !tables) return false;
  return tables.every((t) => load.tables!.includes(t));
}

/** The first load that covers `change` by `now`, or null. */
export function coveringLoad(
  loads: readonly SimLoad[],
  stack: StackView,
  change: Change,
  now: number,
): SimLoad | null {
  return loads.find((l) => l.start >= change.readyAt && covers(l, stack.tables, now)) ?? null;
}

/** What a record of "done" says: the revision it records and the load it names. */
export interface DoneRecord {
  triggers: unknown[] | null;
  planLoad: { loadId: string | null } | null;
}

/**
 * A record of "done": every change up to its revision must be covered, and the load it names as
 * ours must be one this stack started (else another writer's load was taken for ours). Returns
 * violations.
 */
export function checkDone(
  loads: readonly SimLoad[],
  stack: StackView,
  done: DoneRecord,
  now: number,
): string[] {
  const rev = done.triggers?.[0] as number;
  const out: string[] = [];
  const named = loads.find((l) => l.id === done.planLoad?.loadId);
  for (const c of stack.changes) {
    if (c.covered || c.rev > rev) continue;
    c.covered = true;
    if (coveringLoad(loads, stack, c, now)) continue;
    const whose =
      named && named.by !== stack.name
        ? ` (it took ${named.by}'s ${named.type} load ${named.id} for ours)`
        : "";
    out.push(
      `${stack.name} recorded change ${c.rev} done, but no successful load covering it started after it was ready${whose}`,
    );
  }
  return out;
}

/** A stack's second load for one change (its first succeeded), and loads of one stack that overlap. */
export function checkLoads(loads: readonly SimLoad[], stack: StackView): string[] {
  const own = loads.filter((l) => l.by === stack.name);
  const out: string[] = [];
  for (let i = 0; i < own.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, b] = [own[j], own[i]];
      if (b.start < a.end) out.push(`${stack.name}'s loads ${a.id} and ${b.id} overlap`);
      else if (secondLoad(a, b) && !announced(stack, b))
        out.push(
          `${stack.name} started ${b.id} for change ${b.tag} after ${a.id} had loaded it (${a.final})${sameUp(a, b)}${tookOthers(loads, stack, a.tag)}`,
        );
    }
  }
  return out;
}

/** Did `b` load `a`'s change again after `a` had loaded it? */
function secondLoad(a: SimLoad, b: SimLoad): boolean {
  return a.tag === b.tag && (a.final === "SUCCESS" || a.final === "WARNING");
}

/** Had the provider said that `b`'s change may be loaded twice before `b` started? */
function announced(stack: StackView, b: SimLoad): boolean {
  const at = stack.stated.get(b.tag);
  return at !== undefined && at <= b.start;
}

/** Second loads the invariant accepted because the provider had said the change may be loaded twice. */
export function ambiguousSecondLoads(loads: readonly SimLoad[], stack: StackView): number {
  const own = loads.filter((l) => l.by === stack.name);
  let n = 0;
  for (let i = 0; i < own.length; i++)
    if (own.slice(0, i).some((a) => secondLoad(a, own[i])) && announced(stack, own[i])) n++;
  return n;
}

/** The end of a history: the last change done, or owed with its reason. */
export function checkEnd(
  stack: StackView,
  status: string | null,
  rev: number | null,
  error: string | null,
): string[] {
  const last = stack.changes[stack.changes.length - 1];
  if (!last) return [];
  if (status === "done" && rev === last.rev) return [];
  if (status === "owed" && error) return [];
  return [
    `${stack.name} ended ${status ?? "without state"} at change ${rev} (last change ${last.rev})${error ? `: ${error}` : ""}`,
  ];
}

/** " in the same up <process>" when one `up` triggered both loads (its trigger protocol sent again). */
function sameUp(a: SimLoad, b: SimLoad): string {
  return a.proc !== "" && a.proc === b.proc ? ` in the same up ${a.proc}` : "";
}

/** " (it took <writer>'s <type> load <id> for ours)" when a run of the change took another writer's load. */
function tookOthers(loads: readonly SimLoad[], stack: StackView, tag: string): string {
  const ids = stack.taken.get(tag) ?? new Set<string>();
  const other = loads.find((l) => ids.has(l.id) && l.by !== stack.name);
  return other ? ` (it took ${other.by}'s ${other.type} load ${other.id} for ours)` : "";
}
