// Celonis's clock, as seen from the runner. Load dates are Celonis's, and the runner's clock may be
// minutes off, so every comparison with a Celonis date is made in Celonis's clock: each answer's
// HTTP `Date` header gives an estimate of the offset (Date minus the request's midpoint, off by at
// most 1 s, the header's resolution, plus half the round trip); the best recent estimate is kept,
// and load start dates tighten it (a load Celonis reports cannot have started after Celonis's now).
// The two clocks also drift apart: an estimate's bound widens by MAX_DRIFT for every ms of its age.
// Pure: no I/O; the runner's time is passed in.

/** One answer's evidence: when the request left and the answer came (runner ms), and its `Date`. */
export interface ClockSample {
  sentAt: number;
  receivedAt: number;
  /** The `Date` header, parsed (epoch ms, whole seconds). */
  serverDate: number;
}

/** Celonis's clock minus the runner's, within ± errorMs; `at` is when it was measured (runner ms). */
export interface ClockEstimate {
  offsetMs: number;
  errorMs: number;
  at: number;
}

/** A time in Celonis's clock with its error bound. */
export interface ServerTime {
  at: number;
  errorMs: number;
}

/** The `Date` header's resolution: the true time lies within a second of what it says. */
export const DATE_RESOLUTION_MS = 1_000;
/** An estimate older than this gives way to any newer one (the clocks may drift or be reset). */
export const ESTIMATE_FRESH_MS = 10 * 60_000;
/**
 * How fast the runner's clock and Celonis's may drift apart (ms per ms): 1,000 ppm, ten times what
 * an unsynchronised quartz clock drifts, so an estimate a minute old is off by at most 60 ms more.
 */
const MAX_DRIFT = 1e-3;

/** `e`'s error bound at runner time `at`: widened by the drift since it was measured. */
export function errorAt(e: ClockEstimate, at: number): number {
  return e.errorMs + Math.abs(at - e.at) * MAX_DRIFT;
}

/** The estimate one answer gives, or null when its times make no sense. */
export function estimateFrom(s: ClockSample): ClockEstimate | null {
  const rtt = s.receivedAt - s.sentAt;
  if (!Number.isFinite(s.serverDate) || !Number.isFinite(rtt) || rtt < 0) return null;
  const mid = s.sentAt + rtt / 2;
  return { offsetMs: s.serverDate - mid, errorMs: DATE_RESOLUTION_MS + rtt / 2, at: s.receivedAt };
}

/** Which estimate to keep: the one with the smaller bound, unless the kept one has gone stale. */
export function better(kept: ClockEstimate | null, next: ClockEstimate | null): ClockEstimate | null {
  if (!next) return kept;
  if (!kept || next.at - kept.at > ESTIMATE_FRESH_MS) return next;
  return next.errorMs <= errorAt(kept, next.at) ? next : kept;
}

/**
 * An estimate checked against a load Celonis reported with start date `startDate` in an answer
 * received at `receivedAt` (runner ms): Celonis's now was at least that start date then, so the
 * offset is at least `startDate - receivedAt`. An estimate whose range lies partly below is narrowed;
 * one wholly below was wrong: the load's bound replaces it, with the header's resolution as its error.
 */
export function checkedByStart(
  e: ClockEstimate | null,
  startDate: number,
  receivedAt: number,
): ClockEstimate | null {
  if (!e || !Number.isFinite(startDate)) return e;
  const floor = startDate - receivedAt;
  const error = errorAt(e, receivedAt);
  const lo = e.offsetMs - error;
  const hi = e.offsetMs + error;
  if (floor <= lo) return e;
  if (floor > hi)
    return { offsetMs: floor + DATE_RESOLUTION_MS / 2, errorMs: DATE_RESOLUTION_MS / 2, at: receivedAt };
  return { offsetMs: (floor + hi) / 2, errorMs: (hi - floor) / 2, at: receivedAt };
}

/** The runner time `runnerMs` in Celonis's clock, or null without an estimate. */
export function toServerTime(e: ClockEstimate | null, runnerMs: number): ServerTime | null {
  return e ? { at: Math.round(runnerMs + e.offsetMs), errorMs: Math.ceil(errorAt(e, runnerMs)) } : null;
}

/** The kept estimate of one client, fed by every answer and every load start date it reads. */
export class ServerClock {
  private kept: ClockEstimate | null = null;

  /** An answer's `Date` header (raw), with when the request left and the answer came. */
  observeDate(header: string | undefined, sentAt: number, receivedAt: number): void {
    if (!header) return;
    const serverDate = Date.parse(header);
    if (Number.isNaN(serverDate)) return;
    this.kept = better(this.kept, estimateFrom({ sentAt, receivedAt, serverDate }));
  }

  /** A load's start date, read in an answer received by `receivedAt` (runner ms). */
  observeStart(startDate: number | null | undefined, receivedAt: number): void {
    if (typeof startDate === "number") this.kept = checkedByStart(this.kept, startDate, receivedAt);
  }

  /** The kept estimate (null before any answer with a `Date`). */
  estimate(): ClockEstimate | null {
    return this.kept;
  }

  /** `runnerMs` in Celonis's clock (null without an estimate). */
  serverTime(runnerMs: number): ServerTime | null {
    return toServerTime(this.kept, runnerMs);
  }

  /** `runnerMs` in Celonis's clock, or unchanged without an estimate (for delays and elapsed times). */
  toServer(runnerMs: number): number {
    return this.kept ? runnerMs + this.kept.offsetMs : runnerMs;
  }
}
