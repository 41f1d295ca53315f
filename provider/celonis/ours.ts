// The rule for "ours", written once: which load in a data model's history a trigger of ours started.
// Celonis's trigger returns no load id and other writers (schedules, the UI, other stacks) load the
// same model, so a load is ours only by evidence, never because it is close in time:
//
//   ours is the FIRST load of the plan's type after the previous load (the last one seen before the
//   trigger), in Celonis's order (start date in Celonis's clock, position in the history as the
//   tiebreak), that started no earlier than the trigger within the clock's error bound.
//
// When that cannot be shown — the previous load has left the history, or two candidates both started
// inside the trigger's uncertainty window (within the clock's error of the send; once the answer came,
// anywhere between the send and the answer) so neither is clearly ours — the plan is covered only
// by a COMPLETE load that started clearly after the trigger (so after the change was ready); without
// one the plan stays owed: a second load is possible, a lost one is not.
// A record seen on its own (`last-load`) is only a candidate: it is confirmed against the history.
// Pure: no I/O, no clock.

import type { LoadInfoSync, LoadRecord, LoadType } from "./types";

/** How a load of ours is recognised while its id is unknown. All times in Celonis's clock (epoch ms). */
export interface OursQuery {
  /** The model's last load seen before the trigger (null: the model had never loaded). */
  previousLoadId: string | null;
  /** When the trigger was sent, in Celonis's clock. */
  triggeredAt: number;
  /** How far `triggeredAt` may be off Celonis's true time (the clock estimate's error bound). */
  errorMs: number;
  /** The plan's load type; absent: any type. */
  loadType?: LoadType | null;
  /**
   * The latest moment (Celonis's clock, error bound included) the trigger could have started its
   * load: its answer, or the reset of its connection, came by then. Absent: open (no answer at all).
   */
  startedBy?: number | null;
  /** When the trigger's accepted answer came (Celonis's clock, error bound included). Absent: not known. */
  answeredBy?: number | null;
}

/** What the rule concludes from a history. */
export type OursVerdict =
  /** The load our trigger started, by the rule. */
  | { kind: "ours"; load: LoadRecord }
  /** Ours cannot be told; this COMPLETE load started after the trigger and covers the change. */
  | { kind: "covering"; load: LoadRecord; why: string }
  /** No load of ours in the history (yet). */
  | { kind: "none" }
  /** Ours cannot be told and nothing provably covers the change: it stays owed. */
  | { kind: "unprovable"; why: string };

/** A history record with its place in Celonis's order (0 = oldest). */
interface Placed {
  load: LoadRecord;
  seq: number;
}

/**
 * The loads of a load-info-sync answer oldest first, by start date then by position (the history
 * lists newest first); the current load joins at the end when the history does not list it. A record
 * without a start date sorts last: it cannot be shown to be after anything.
 */
export function celonisOrder(info: LoadInfoSync | null | undefined): LoadRecord[] {
  const history = (info?.loadHistory?.dataLoadHistory ?? []).filter(isRecord);
  const chronological = [...history].reverse();
  const current = info?.loadInfo?.currentComputeLoad;
  if (isRecord(current) && !chronological.some((l) => l.dataLoadId === current.dataLoadId))
    chronological.push(current);
  const placed: Placed[] = chronological.map((load, seq) => ({ load, seq }));
  placed.sort((a, b) => startOf(a.load) - startOf(b.load) || a.seq - b.seq);
  return placed.map((p) => p.load);
}

/**
 * Could this record alone be ours (not the previous load, of our type, not clearly before the trigger,
 * not after the trigger's answer)?
 */
export function isCandidate(load: LoadRecord | null | undefined, q: OursQuery): boolean {
  if (!isRecord(load)) return false;
  if (q.previousLoadId !== null && load.dataLoadId === q.previousLoadId) return false;
  if (q.loadType && load.loadType && load.loadType !== q.loadType) return false;
  if (load.startDate === null || !Number.isFinite(load.startDate)) return false;
  if (typeof q.startedBy === "number" && load.startDate > q.startedBy) return false;
  return load.startDate >= q.triggeredAt - q.errorMs;
}

/** The rule above, over loads in Celonis's order (see celonisOrder). */
export function findOurs(ordered: readonly LoadRecord[], q: OursQuery): OursVerdict {
  let after = ordered;
  if (q.previousLoadId !== null) {
    const at = ordered.findIndex((l) => l.dataLoadId === q.previousLoadId);
    if (at < 0) return covering(ordered, q, `the previous load ${q.previousLoadId} has left the history`);
    after = ordered.slice(at + 1);
  }
  const candidates = after.filter((l) => isCandidate(l, q));
  if (candidates.length === 0) return { kind: "none" };
  const uncertain = candidates.filter((l) => beforeAnswer(l.startDate as number, q));
  if (uncertain.length >= 2) {
    const ids = uncertain.map((l) => l.dataLoadId).join(", ");
    return covering(ordered, q, `loads ${ids} all started between the trigger's send and its answer`);
  }
  return { kind: "ours", load: candidates[0] };
}

/**
 * Did a load that started at `start` start before the trigger's answer could have come (within the
 * clock's error of the send, or by its answer when one came)? Two such candidates may each be ours.
 */
function beforeAnswer(start: number, q: OursQuery): boolean {
  const answer = q.startedBy ?? q.answeredBy;
  return start < q.triggeredAt + q.errorMs || (typeof answer === "number" && start <= answer);
}

/**
 * When ours cannot be told: the first successful COMPLETE load that started clearly after the
 * trigger, else the first such load still running (its end decides), else unprovable.
 */
function covering(ordered: readonly LoadRecord[], q: OursQuery, why: string): OursVerdict {
  const since = q.triggeredAt + q.errorMs;
  const load =
    firstCovering(ordered, since, (l) => l.loadStatus === "SUCCESS" || l.loadStatus === "WARNING") ??
    firstCovering(ordered, since, (l) => l.loadStatus === "RUNNING" || l.loadStatus === "LOST_CONNECTION");
  if (load) return { kind: "covering", load, why };
  return { kind: "unprovable", why: `${why}, and no complete load started after the trigger` };
}

/**
 * The first COMPLETE load (in Celonis's order) that started at or after `since` (Celonis's clock) and
 * passes `accept`: a COMPLETE load started after a change was ready covers it, whoever started it.
 */
export function firstCovering(
  ordered: readonly LoadRecord[],
  since: number,
  accept: (load: LoadRecord) => boolean,
): LoadRecord | null {
  const found = ordered.find(
    (l) => l.loadType === "COMPLETE" && l.startDate !== null && l.startDate >= since && accept(l),
  );
  return found ?? null;
}

function startOf(l: LoadRecord): number {
  return typeof l.startDate === "number" && Number.isFinite(l.startDate) ? l.startDate : Infinity;
}

function isRecord(l: LoadRecord | null | undefined): l is LoadRecord {
  return !!l && typeof l.dataLoadId === "string" && l.dataLoadId !== "";
}
