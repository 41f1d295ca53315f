// Decisions about loads while waiting: is a status final, did it succeed, is this load the one we
// triggered (by the rule of ours.ts, never a stale or older record), and how long to wait before the
// next poll.
// Pure functions, so the rules are tested table-driven and property-based without a server.

import { celonisOrder, findOurs, isCandidate, type OursQuery } from "./ours";
import type { ServerTime } from "./server-clock";
import type { LoadInfoSync, LoadRecord, LoadStatus, LoadType } from "./types";

/** Statuses after which a load does not change any more. */
const TERMINAL: ReadonlySet<string> = new Set<LoadStatus>(["SUCCESS", "WARNING", "ERROR", "CANCELED"]);

/**
 * Has the load finished? RUNNING, CANCELLING and LOST_CONNECTION are still going (pycelonis treats
 * LOST_CONNECTION so too). A status this client does not know is treated as still going: waiting
 * until the deadline is a safer mistake than reporting a load as finished.
 */
export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

/**
 * The clock error assumed for a trigger time with no estimate of Celonis's clock (states and journal
 * entries written before the provider read Celonis's clock): the five minutes of the old matcher.
 */
export const START_SKEW_TOLERANCE_MS = 5 * 60_000;

/**
 * How a wait recognises the load it is waiting for: by id, or, while the id is unknown, by the rule
 * of ours.ts. `triggeredAt` is in Celonis's clock when `errorMs` (the estimate's error bound) is
 * given; without it, it is the runner's and START_SKEW_TOLERANCE_MS stands for the error.
 */
export type LoadMatch =
  | { loadId: string }
  | {
      previousLoadId: string | null;
      triggeredAt: number;
      loadType?: LoadType | null;
      errorMs?: number;
      /** The latest start its trigger allows, in Celonis's clock (only with `errorMs`); see ours.ts. */
      startedBy?: number | null;
      /** When its accepted trigger's answer came, in Celonis's clock (only with `errorMs`); see ours.ts. */
      answeredBy?: number | null;
    };

/** What is known of a trigger: the runner's time, and Celonis's when the clock had been read. */
export interface TriggerTimes {
  previousLoadId: string | null;
  /** When the trigger was sent (runner ms). */
  triggeredAt: number;
  loadType?: LoadType | null;
  /** The same moment in Celonis's clock with its error bound; absent: not known (an older state). */
  server?: ServerTime | null;
  /**
   * The latest moment, in Celonis's clock with the error bound included, its load could have started
   * (the trigger's answer or reset came by then); absent or null: open.
   */
  startedBy?: number | null;
  /** When the accepted trigger's answer came, in Celonis's clock with the error bound; absent: not known. */
  answeredBy?: number | null;
}

/**
 * How a trigger's load is recognised: in Celonis's clock within the estimate's bound when the
 * trigger's server time is known, else by the runner's time with the old five-minute tolerance. Pure.
 */
export function triggerMatch(t: TriggerTimes): LoadMatch {
  const { previousLoadId, triggeredAt, loadType, server, startedBy, answeredBy } = t;
  if (!server) return { previousLoadId, triggeredAt, loadType };
  const bounded = typeof startedBy === "number" ? { startedBy } : {};
  const answered = typeof answeredBy === "number" ? { answeredBy } : {};
  return {
    previousLoadId,
    triggeredAt: server.at,
    errorMs: server.errorMs,
    loadType,
    ...bounded,
    ...answered,
  };
}

/** The rule's query for a match by trigger. Pure. */
export function oursQuery(match: Exclude<LoadMatch, { loadId: string }>): OursQuery {
  return {
    previousLoadId: match.previousLoadId,
    triggeredAt: match.triggeredAt,
    errorMs: match.errorMs ?? START_SKEW_TOLERANCE_MS,
    loadType: match.loadType,
    startedBy: match.errorMs === undefined ? null : (match.startedBy ?? null),
    answeredBy: match.errorMs === undefined ? null : (match.answeredBy ?? null),
  };
}

/**
 * Could `load`, seen on its own (a `last-load` answer), be the one `match` describes? By id, that
 * settles it; by trigger it is only a candidate, to be confirmed against the history (findLoadIn).
 */
export function matchesLoad(load: LoadRecord | null | undefined, match: LoadMatch): boolean {
  if (!load) return false;
  if ("loadId" in match) return load.dataLoadId === match.loadId;
  return isCandidate(load, oursQuery(match));
}

/** The load `match` describes in a load-info-sync answer (current load and history), or null. Pure. */
export function findLoadIn(info: LoadInfoSync, match: LoadMatch): LoadRecord | null {
  const ordered = celonisOrder(info);
  if ("loadId" in match) return ordered.find((l) => l.dataLoadId === match.loadId) ?? null;
  const verdict = findOurs(ordered, oursQuery(match));
  return verdict.kind === "ours" || verdict.kind === "covering" ? verdict.load : null;
}

/**
 * Why no load was found for a trigger although one of ours may be there (ours.ts "unprovable": the
 * previous load left the history, or candidates cannot be told apart), or null. Pure.
 */
export function unprovableIn(info: LoadInfoSync, match: LoadMatch): string | null {
  if ("loadId" in match) return null;
  const verdict = findOurs(celonisOrder(info), oursQuery(match));
  return verdict.kind === "unprovable" ? verdict.why : null;
}

/**
 * The matcher this project used before the rule of ours.ts, kept for the simulator only (it must
 * find the loss this matcher causes): the earliest load in the history that is not the previous one
 * and started no more than five minutes before the trigger. Never used by the provider.
 */
export function fiveMinuteMatch(
  info: LoadInfoSync,
  match: { previousLoadId: string | null; triggeredAt: number; loadType?: LoadType | null },
): LoadRecord | null {
  let best: LoadRecord | null = null;
  for (const l of celonisOrder(info)) {
    if (match.previousLoadId !== null && l.dataLoadId === match.previousLoadId) continue;
    if (l.startDate !== null && l.startDate < match.triggeredAt - START_SKEW_TOLERANCE_MS) continue;
    if (match.loadType && l.loadType && l.loadType !== match.loadType) continue;
    if (!best || (l.startDate ?? Infinity) < (best.startDate ?? Infinity)) best = l;
  }
  return best;
}

/** Steady delay once the quick first polls are done (no history). */
export const STEADY_POLL_DELAY_MS = 2_000;
/** Upper bound of a delay when the expected duration is unknown. */
export const UNKNOWN_DURATION_POLL_CAP_MS = 10_000;
/** Upper bound of any delay when the expected duration is known: an early failure shows within it. */
export const SPARSE_POLL_CAP_MS = 60_000;

/** The gap between polls near a load's expected end: 1/30 of its expected duration, 0.25–2 s. */
export function densePollMs(expectedMs: number): number {
  return Math.min(2_000, Math.max(250, expectedMs / 30));
}

/** A load expected to take less than this counts as short: its polls cover its ±25% band densely. */
export const SHORT_LOAD_MS = 60_000;
/** The widest gap between polls in a short load's band (a median detection lag of at most half). */
export const SHORT_BAND_GAP_MS = 1_000;

/**
 * Delay before the next poll, given the time since the load started (or the wait began).
 *
 * Without an expected duration, as pycelonis starts (0.1 s, 0.3 s, 0.9 s: short loads are seen at
 * once), then every 2 s, then 10% of the elapsed time up to 10 s. Non-decreasing.
 *
 * With the model's history (`expectedMs`, its average load of this type) the polls go where the load
 * ends. The first is at the start of the zone before the expected end (a quarter of the duration for
 * a load under a minute; for a longer one an eighth, at most five dense gaps); inside the zone, polls
 * come at most a second apart for a short load, and one lands 50 ms after the expected end; then
 * every dense gap (0.25–0.5 s for a short load, up to 2 s for a long one), backing off by a quarter of
 * the overrun. No gap is longer than 60 s, so an early failure still shows. A load that ends as its
 * history says is seen 50 ms after its end: one under a minute after polls at most a second apart
 * over the last quarter before it (a 2 s load in 2 polls, a 30 s one in 9); a longer one read just
 * before and just after that end, with gaps of at most 60 s before (1 min: 2 polls, 2 min: 3,
 * 1 h: 61). A short load ending up to a quarter early or late is seen within half a second (median).
 */
export function nextPollDelayMs(elapsedMs: number, expectedMs?: number | null): number {
  const e = Number.isFinite(elapsedMs) ? Math.max(0, elapsedMs) : 0;
  if (expectedMs === undefined || expectedMs === null || !Number.isFinite(expectedMs) || expectedMs <= 0) {
    if (e < 100) return 100;
    if (e < 400) return 300;
    if (e < 1_300) return 900;
    return Math.round(Math.min(UNKNOWN_DURATION_POLL_CAP_MS, Math.max(STEADY_POLL_DELAY_MS, e * 0.1)));
  }
  const short = expectedMs < SHORT_LOAD_MS;
  const dense = short ? Math.min(500, densePollMs(expectedMs)) : densePollMs(expectedMs);
  const zone = short ? expectedMs / 4 : Math.min(expectedMs / 8, 5 * dense);
  const end = expectedMs + AFTER_END_MS;
  let delay: number;
  if (e < expectedMs - zone - 1) delay = expectedMs - zone - e;
  else if (e < expectedMs) delay = Math.min(end - e, short ? SHORT_BAND_GAP_MS : Infinity);
  else delay = Math.max(dense, (e - expectedMs) / 4);
  return Math.round(Math.min(SPARSE_POLL_CAP_MS, Math.max(AFTER_END_MS, delay)));
}

/** How long after the expected end the poll that should see the load ended is made. */
export const AFTER_END_MS = 50;

/**
 * Average duration (ms) of this kind of load from `loadHistory.averageLoadTime`, or null when
 * Celonis does not know one. Entries are matched by type case-insensitively.
 */
export function expectedDurationMs(
  info: LoadInfoSync | null | undefined,
  loadType: LoadType | null | undefined,
): number | null {
  const list = info?.loadHistory?.averageLoadTime;
  if (!Array.isArray(list) || !loadType) return null;
  const wanted = loadType.toUpperCase();
  for (const entry of list) {
    if (!entry || typeof entry.type !== "string" || entry.type.toUpperCase() !== wanted) continue;
    const ms = Number(entry.averageLoadingTime);
    return Number.isFinite(ms) && ms > 0 ? ms : null;
  }
  return null;
}

/**
 * The most recent load in a load-info-sync answer: the current compute load, else the newest entry
 * of the history (latest start date; on a tie, the one listed first).
 */
export function latestLoadFromInfo(info: LoadInfoSync | null | undefined): LoadRecord | null {
  const current = info?.loadInfo?.currentComputeLoad;
  if (current && current.dataLoadId) return current;
  const history = info?.loadHistory?.dataLoadHistory;
  if (!Array.isArray(history) || history.length === 0) return null;
  let best: LoadRecord | null = null;
  for (const l of history) {
    if (!l || !l.dataLoadId) continue;
    if (!best || (l.startDate ?? -Infinity) > (best.startDate ?? -Infinity)) best = l;
  }
  return best;
}
