// The trigger protocol. Celonis's trigger call returns no load id and takes no idempotency key, so a
// trigger whose answer is lost (a dropped connection, a timeout, a 5xx) may or may not have started a
// load, and may even reach Celonis later than the client gave up on it. The rule here: never send a
// trigger again until we have watched long enough to be sure the previous one started nothing.
//
//   answer 2xx                → accepted
//   429                       → refused at the door: wait what the headers ask (within the deadline), send again
//   400 "already running"     → someone else's load (the caller's onBusy), or ours if an earlier attempt was lost
//   other 4xx                 → refused: nothing started
//   5xx answered              → watch `answeredGraceMs` for the load, then send again if none appeared
//   no answer                 → watch `unansweredGraceMs` (the request may still be on its way), likewise
//   deadline while watching   → TriggerError with maybeStarted: the caller records the load as running
//
// Each attempt also bounds WHEN its load could have started, in Celonis's clock, within the clock's
// error bound: no earlier than its send (an attempt is sent only once the earlier ones are seen to
// have started nothing), and, when its answer was lost, no later than a 5xx the server produced or the
// reset of its connection (a request cannot arrive once its connection is gone). An attempt with no
// answer at all (a timeout) leaves that end open until its watch ends. A load outside the window is
// someone else's, however well it fits otherwise (ours.ts). An accepted attempt's end stays open: a
// load Celonis accepted may show, with its start date, only later (the wait's visibility grace).

import type { CelonisHttp } from "./http";
import { sleepUnlessCancelled } from "./http";
import {
  CelonisError,
  TriggerError,
  errorFromResponse,
  isLoadAlreadyRunning,
  type ErrorContext,
} from "./errors";
import type { ServerTime } from "./server-clock";
import { isTerminal, matchesLoad, triggerMatch, type LoadMatch } from "./status";
import type { LoadRecord, LoadType } from "./types";

/** How the trigger was confirmed, and our load if it was seen on the way. */
export interface TriggerConfirmation {
  /** "answer": Celonis accepted the call; "poll": an answer was lost but the load was seen; "busy": a
   * retry after a lost answer was refused as "already running" (taken as our load, not yet visible). */
  confirmedBy: "answer" | "poll" | "busy";
  load: LoadRecord | null;
  /** When its load could have started, in Celonis's clock; null without an estimate of that clock. */
  window: StartWindow | null;
}

/**
 * When a trigger's load could have started, in Celonis's clock: not before `from` (within its error
 * bound), not after `by` (error bound included; null: open, no answer yet).
 */
export interface StartWindow {
  from: ServerTime;
  by: number | null;
  /** Celonis accepted the attempt (2xx): a load of ours exists. Absent: the outcome is unknown. */
  accepted?: true;
  /**
   * When the accepted attempt's answer came (Celonis's clock, error bound included): two loads that
   * started between the send and this may each be ours (ours.ts). Only with `accepted`.
   */
  answeredBy?: number;
}

/** What the protocol needs from the client. */
export interface TriggerDeps {
  http: CelonisHttp;
  /** One read of the model's last load. */
  lastLoad(opts: { deadline: number; signal?: AbortSignal }): Promise<LoadRecord | null>;
  /** The load `match` names in the model's history (the rule of ours.ts), or null. */
  findLoad(match: LoadMatch, opts: { deadline: number; signal?: AbortSignal }): Promise<LoadRecord | null>;
}

/** The POST to send (path, query, body) and how to recognise its load. */
export interface TriggerCall {
  path: string;
  query: Record<string, string>;
  json?: string[];
  previousLoadId: string | null;
  /** The load type the trigger starts (how its load is told from other writers' loads of other types). */
  loadType: LoadType;
  /** When the first attempt is sent (epoch ms, the client's clock). */
  triggeredAt: number;
  deadline: number;
  signal?: AbortSignal;
}

/** How patient the protocol is. */
export interface TriggerPolicy {
  maxAttempts: number;
  /** Watch this long for the load after an attempt got no answer at all. */
  unansweredGraceMs: number;
  /** Watch this long after an attempt was answered with a server error. */
  answeredGraceMs: number;
}

type Attempt =
  | { kind: "accepted" }
  | { kind: "refused"; error: CelonisError; waitMs?: number }
  | { kind: "unknown"; error: CelonisError; answered: boolean; bounded: boolean };

/** Network failures after which a request cannot reach Celonis any more: its connection is gone. */
const CONNECTION_GONE: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE", "ECONNREFUSED"]);

/** Sends one trigger under the protocol above. Throws TriggerError when no load is confirmed. */
export async function sendTrigger(
  deps: TriggerDeps,
  ctx: ErrorContext,
  call: TriggerCall,
  policy: TriggerPolicy,
): Promise<TriggerConfirmation> {
  let lostAnswer = false;
  let last: CelonisError | undefined;
  const bound = new StartBound(deps.http);
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const sentAt = deps.http.now();
    const a = await attemptOnce(deps, ctx, call, attempt);
    // Accepted: its load started after this attempt was sent (the earlier ones started nothing); it
    // may show (and start) late, queued, within the wait's visibility grace: the end stays open.
    if (a.kind === "accepted")
      return { confirmedBy: "answer", load: null, window: bound.accepted(sentAt, deps.http.now()) };
    last = a.error;
    if (a.kind === "refused") {
      // After a lost answer, "already running" may be our own load, not yet visible: one that started
      // within the lost attempts' window (this refusal started nothing). A running load that
      // started after it is someone else's: refused, as on a first attempt.
      if (lostAnswer && isLoadAlreadyRunning(a.error)) {
        if (await runningIsOthers(deps, call, bound.lost)) throw new TriggerError(a.error, false);
        return { confirmedBy: "busy", load: null, window: bound.lost };
      }
      const now = deps.http.now();
      if (a.waitMs === undefined || now + a.waitMs > call.deadline) throw new TriggerError(a.error, false);
      await sleepUnlessCancelled(deps.http.sleep, a.waitMs, call.signal);
      continue;
    }
    lostAnswer = true;
    const grace = a.answered ? policy.answeredGraceMs : policy.unansweredGraceMs;
    // A reset or an answer closes the window now; with no answer at all it stays open while watched.
    const window = bound.attempt(sentAt, a.bounded ? deps.http.now() : sentAt + grace);
    const seen = await watchForLoad(deps, call, grace, a.bounded ? window : bound.open(sentAt));
    if (seen === "deadline" || seen === "blind") {
      const why =
        seen === "deadline"
          ? "the deadline came before Celonis showed whether the trigger started a load"
          : "Celonis could not be read to see whether the trigger started a load";
      throw new TriggerError(a.error, true, `${why}; not triggering again`, sentAt + grace, window);
    }
    if (seen) return { confirmedBy: "poll", load: seen, window };
  }
  throw new TriggerError(last!, false, `no load started after ${policy.maxAttempts} attempts`);
}

/**
 * The start windows of a trigger's attempts, in Celonis's clock (null without an estimate of it: the
 * match then falls back to the runner's time). Each attempt is sent only once the previous ones are
 * seen to have started nothing, so an attempt's load started inside its own window; a refusal as
 * "already running" after lost answers is judged against all of theirs (`lost`).
 */
class StartBound {
  /** From the send of the first attempt that lost its answer to the latest end of one. */
  lost: StartWindow | null = null;

  constructor(private readonly http: CelonisHttp) {}

  /** The window of an attempt sent at `sentAt` whose load could have started until `endAt` (runner ms). */
  attempt(sentAt: number, endAt: number): StartWindow | null {
    const from = this.http.clock.serverTime(sentAt);
    const end = this.http.clock.serverTime(endAt);
    if (!from || !end) return null;
    const by = end.at + end.errorMs;
    // From the first attempt that lost its answer: one refused at the door (429) started nothing.
    this.lost = { from: this.lost?.from ?? from, by: Math.max(this.lost?.by ?? -Infinity, by) };
    return { from, by };
  }

  /** The window of an attempt sent at `sentAt` that Celonis accepted at `answeredAt`: open at its end. */
  accepted(sentAt: number, answeredAt: number): StartWindow | null {
    const w = this.open(sentAt);
    const answer = this.http.clock.serverTime(answeredAt);
    if (!w || !answer) return null;
    return { ...w, accepted: true, answeredBy: answer.at + answer.errorMs };
  }

  /** The window of an attempt sent at `sentAt` with no answer yet: open at its end. */
  open(sentAt: number): StartWindow | null {
    const from = this.http.clock.serverTime(sentAt);
    return from ? { from, by: null } : null;
  }
}

/**
 * After a refusal as "already running": is the running load provably not ours (it started outside
 * the lost attempts' window)? False when it cannot be read or could be ours (the wait then decides).
 */
async function runningIsOthers(
  deps: TriggerDeps,
  call: TriggerCall,
  window: StartWindow | null,
): Promise<boolean> {
  if (window === null) return false;
  try {
    const running = await deps.lastLoad({ deadline: call.deadline, signal: call.signal });
    if (!running || isTerminal(running.loadStatus)) return false;
    return !matchesLoad(running, windowMatch(call, window));
  } catch (e) {
    if (e instanceof CelonisError) return false;
    throw e; // cancelled
  }
}

/** How a load that started inside `window` is recognised (the trigger's clock fallback without one). */
export function windowMatch(
  t: { previousLoadId: string | null; triggeredAt: number; loadType?: LoadType | null },
  window: StartWindow | null,
): LoadMatch {
  if (!window) return triggerMatch(t);
  return triggerMatch({ ...t, server: window.from, startedBy: window.by, answeredBy: window.answeredBy });
}

async function attemptOnce(
  deps: TriggerDeps,
  ctx: ErrorContext,
  call: TriggerCall,
  attempt: number,
): Promise<Attempt> {
  let response;
  try {
    // A POST: http.ts sends it once (no retry of its own); this protocol decides what comes next.
    response = await deps.http.request({
      method: "POST",
      path: call.path,
      query: call.query,
      json: call.json,
      ...ctx,
      deadline: call.deadline,
      signal: call.signal,
    });
  } catch (e) {
    if (e instanceof CelonisError)
      return { kind: "unknown", error: e, answered: false, bounded: CONNECTION_GONE.has(e.code ?? "") };
    throw e; // cancelled
  }
  if (response.status >= 200 && response.status < 300) return { kind: "accepted" };
  const error = errorFromResponse(ctx, response, deps.http.secrets());
  if (response.status === 429)
    return { kind: "refused", error, waitMs: deps.http.backoffMs(attempt, response.headers) };
  if (response.status >= 500 || response.status === 408)
    return { kind: "unknown", error, answered: true, bounded: true };
  return { kind: "refused", error };
}

/**
 * Looks for the load of a trigger whose answer was lost, for `windowMs`, among loads that started
 * inside `window`. Returns it, null when the
 * window passed without it (the trigger started nothing), "deadline" when the deadline came first,
 * or "blind" when the last look, at the end of the window, failed (nothing can be concluded).
 */
async function watchForLoad(
  deps: TriggerDeps,
  call: TriggerCall,
  windowMs: number,
  window: StartWindow | null,
): Promise<LoadRecord | null | "deadline" | "blind"> {
  const until = deps.http.now() + windowMs;
  let delay = 250;
  for (;;) {
    let looked = false;
    try {
      const limits = { deadline: call.deadline, signal: call.signal };
      const match = windowMatch(call, window);
      // A candidate seen through last-load is ours only once the history confirms it; so is any
      // newer load than the previous one (another writer's may have replaced ours as the last).
      const last = await deps.lastLoad(limits);
      const newer = last !== null && last.dataLoadId !== call.previousLoadId;
      const load = matchesLoad(last, match) || newer ? await deps.findLoad(match, limits) : null;
      looked = true;
      if (load) return load;
    } catch (e) {
      if (!(e instanceof CelonisError)) throw e; // cancelled
    }
    const now = deps.http.now();
    if (now >= until) return looked ? null : "blind";
    if (now >= call.deadline) return "deadline";
    const wait = Math.min(delay, until - now, Math.max(0, call.deadline - now));
    await sleepUnlessCancelled(deps.http.sleep, wait, call.signal);
    delay = Math.min(delay * 2, 2_000);
  }
}
