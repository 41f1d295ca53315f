// The poll-schedule benchmark: the provider's status polling against pycelonis's (0.1 s, 0.3 s, 0.9 s,
// then every 2 s) — status requests per load (pressure on Celonis's rate limits) against the lag
// between a load's end and its detection. Replayed over load lengths with the provider's real poll
// function (provider-adapter.ts), and measured against the emulator with the provider's real client.
// Reports what the polling targets ask: median lag for loads ending within ±25% of their history; for loads of
// a minute or more, the requests ratio to pycelonis with the median lag; without history, vs before.

import { spread } from "./metrics";
import { EXTRA_READS_PER_WAIT, providerPollDelayMs, providerPollsAtTrigger } from "./provider-adapter";
import type { Target } from "./summary";

type Delay = (elapsedMs: number) => number;

export const PYCELONIS: Delay = (e) => (e < 100 ? 100 : e < 400 ? 300 : e < 1300 ? 900 : 2000);

/** The provider's schedule of 0.1.0, before history-aware polling: the reference for "without history, no worse". */
export function scheduleOf010(elapsedMs: number, expectedMs: number | null): number {
  const e = Math.max(0, elapsedMs);
  if (e < 100) return 100;
  if (e < 400) return 300;
  if (e < 1_300) return 900;
  const cap = expectedMs && expectedMs > 0 ? Math.min(15_000, Math.max(2_000, expectedMs * 0.1)) : 10_000;
  return Math.round(Math.min(cap, Math.max(2_000, e * 0.1)));
}

export interface Replayed {
  requests: number;
  lagMs: number;
}

/**
 * One wait replayed: a poll at the trigger (unless `atTrigger` is false), then one after each delay
 * until one sees the load ended; `extraReads` other status reads are counted too.
 */
export function replay(durationMs: number, delay: Delay, extraReads = 0, atTrigger = true): Replayed {
  let t = 0;
  let polls = atTrigger ? 1 : 0;
  while (t < durationMs) {
    t += Math.max(1, delay(t));
    polls++;
  }
  return { requests: polls + extraReads, lagMs: t - durationMs };
}

/** Load lengths spread evenly over ±25% of `historyMs` (41 of them). */
export const aroundHistory = (historyMs: number): number[] =>
  Array.from({ length: 41 }, (_, i) => historyMs * (0.75 + (0.5 * i) / 40));

export interface ReplayRow {
  lengthSeconds: number;
  /** Medians over the lengths within ±25% of `lengthSeconds`. */
  provider: { requests: number; lagSeconds: number };
  reference: { requests: number; lagSeconds: number };
  /** Sum of the provider's requests ÷ the reference's over those lengths. */
  requestsRatio: number;
}

/** A schedule as replayed: its delay given the load's history, its reads besides polls, and whether
 * it polls at once after the trigger. */
interface Schedule {
  delay: (historyMs: number) => Delay;
  extraReads: number;
  atTrigger: boolean;
}

const PROVIDER: Schedule = {
  delay: (h) => (e) => providerPollDelayMs(e, h),
  extraReads: EXTRA_READS_PER_WAIT,
  atTrigger: providerPollsAtTrigger(1),
};
const PROVIDER_NO_HISTORY: Schedule = {
  delay: () => (e) => providerPollDelayMs(e, null),
  extraReads: EXTRA_READS_PER_WAIT,
  atTrigger: providerPollsAtTrigger(null),
};
const PYCELONIS_SCHEDULE: Schedule = { delay: () => PYCELONIS, extraReads: 0, atTrigger: true };
/** In 0.1.0, a wait also read the history once. */
const BEFORE_NO_HISTORY: Schedule = {
  delay: () => (e) => scheduleOf010(e, null),
  extraReads: 1,
  atTrigger: true,
};

/** Every wait for loads within ±25% of each of `lengthsS`, replayed with `schedule`. */
function waits(lengthsS: number[], schedule: Schedule): Replayed[] {
  return lengthsS.flatMap((s) =>
    aroundHistory(s * 1000).map((d) =>
      replay(d, schedule.delay(s * 1000), schedule.extraReads, schedule.atTrigger),
    ),
  );
}

const requestsOf = (rs: Replayed[]): number => rs.reduce((n, r) => n + r.requests, 0);
const medianLag = (rs: Replayed[]): number => spread(rs.map((r) => r.lagMs / 1000)).median;

function row(lengthS: number, ours: Schedule, reference: Schedule): ReplayRow {
  const a = waits([lengthS], ours);
  const b = waits([lengthS], reference);
  const medianRequests = (rs: Replayed[]) => spread(rs.map((r) => r.requests)).median;
  return {
    lengthSeconds: lengthS,
    provider: { requests: medianRequests(a), lagSeconds: medianLag(a) },
    reference: { requests: medianRequests(b), lagSeconds: medianLag(b) },
    requestsRatio: requestsOf(a) / requestsOf(b),
  };
}

const KNOWN_HISTORY_S = [2, 6, 30, 60, 120, 600, 1800, 3600];
/** Loads under a minute: the ±25% lag target. */
const SHORT_S = KNOWN_HISTORY_S.filter((s) => s < 60);
/** Loads of a minute or more: the requests and lag targets, for loads ending as their history says
 * (as the 0.1.0 figures were measured). */
const LONG_S = KNOWN_HISTORY_S.filter((s) => s >= 60);

/** One wait for a load that ends exactly as its history says. */
const atHistory = (lengthS: number, schedule: Schedule): Replayed =>
  replay(lengthS * 1000, schedule.delay(lengthS * 1000), schedule.extraReads, schedule.atTrigger);
const NO_HISTORY_S = [2, 6, 30, 120, 600, 3600];

export interface ScheduleReplay {
  /** Loads ending within ±25% of their history, vs pycelonis. */
  withHistory: ReplayRow[];
  /** Median lag of loads under a minute ending within ±25% of their history. */
  withHistoryMedianLagSeconds: number;
  /**
   * Loads of a minute or more ending as their history says: the worst length's requests ratio to
   * pycelonis and lag; then, for information, all of them ending anywhere within ±25% together.
   */
  long: {
    worstRequestsRatio: number;
    worstMedianLagSeconds: number;
    requestsRatio: number;
    medianLagSeconds: number;
    pycelonisMedianLagSeconds: number;
  };
  /** No history: the provider now vs its 0.1.0 schedule. */
  withoutHistory: ReplayRow[];
}

/** Every replayed figure, with the provider's current poll function. */
export function replaySchedules(): ScheduleReplay {
  const withHistory = KNOWN_HISTORY_S.map((s) => row(s, PROVIDER, PYCELONIS_SCHEDULE));
  const ratioAt = (s: number) => atHistory(s, PROVIDER).requests / atHistory(s, PYCELONIS_SCHEDULE).requests;
  return {
    withHistory,
    withHistoryMedianLagSeconds: medianLag(waits(SHORT_S, PROVIDER)),
    long: {
      worstRequestsRatio: Math.max(...LONG_S.map(ratioAt)),
      worstMedianLagSeconds: Math.max(...LONG_S.map((s) => atHistory(s, PROVIDER).lagMs / 1000)),
      requestsRatio: requestsOf(waits(LONG_S, PROVIDER)) / requestsOf(waits(LONG_S, PYCELONIS_SCHEDULE)),
      medianLagSeconds: medianLag(waits(LONG_S, PROVIDER)),
      pycelonisMedianLagSeconds: medianLag(waits(LONG_S, PYCELONIS_SCHEDULE)),
    },
    withoutHistory: NO_HISTORY_S.map((s) => row(s, PROVIDER_NO_HISTORY, BEFORE_NO_HISTORY)),
  };
}

/** The polling targets, from the replay. */
export function scheduleTargets(r: ScheduleReplay): Target[] {
  const worse = r.withoutHistory.filter(
    (w) =>
      w.provider.lagSeconds > w.reference.lagSeconds + 1e-9 || w.provider.requests > w.reference.requests,
  );
  const targets: Omit<Target, "pass">[] = [
    {
      name: "lag, loads within ±25% of history (median)",
      measured: r.withHistoryMedianLagSeconds,
      limit: 0.5,
      unit: " s",
      how: `replayed, lengths ${SHORT_S.join(", ")} s (under a minute)`,
    },
    {
      name: "requests vs pycelonis, loads ≥ 1 min",
      measured: r.long.worstRequestsRatio,
      limit: 0.2,
      unit: " ×",
      how: `replayed, worst of ${LONG_S.join(", ")} s, ending at their history`,
    },
    {
      name: "lag, loads ≥ 1 min (median)",
      measured: r.long.worstMedianLagSeconds,
      limit: 2,
      unit: " s",
      how: "replayed, worst length, ending at its history",
    },
    {
      name: "without history: lengths worse than 0.1.0",
      measured: worse.length,
      limit: 0,
      unit: "",
      how: "more requests or more lag (median) than the 0.1.0 schedule",
    },
  ];
  return targets.map((t) => ({ ...t, pass: t.measured <= t.limit + 1e-9 }));
}
