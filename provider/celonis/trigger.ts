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
import { matchesLoad, triggerMatch, type LoadMatch } from "./status";
import type { LoadRecord, LoadType } from "./types";

/** How the trigger was confirmed, and our load if it was seen on the way. */
export interface TriggerConfirmation {
  /** "answer": Celonis accepted the call; "poll": an answer was lost but the load was seen; "busy": a
   * retry after a lost answer was refused as "already running" (taken as our load, not yet visible). */
  confirmedBy: "answer" | "poll" | "busy";
  load: LoadRecord | null;
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
  /** The same moment in Celonis's clock, when the client had read it. */
  server?: ServerTime | null;
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
  | { kind: "unknown"; error: CelonisError; answered: boolean };

/** Sends one trigger under the protocol above. Throws TriggerError when no load is confirmed. */
export async function sendTrigger(
  deps: TriggerDeps,
  ctx: ErrorContext,
  call: TriggerCall,
  policy: TriggerPolicy,
): Promise<TriggerConfirmation> {
  let lostAnswer = false;
  let last: CelonisError | undefined;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const sentAt = deps.http.now();
    const a = await attemptOnce(deps, ctx, call, attempt);
    if (a.kind === "accepted") return { confirmedBy: "answer", load: null };
    last = a.error;
    if (a.kind === "refused") {
      // After a lost answer, "already running" is most likely our own load, not yet visible.
      if (lostAnswer && isLoadAlreadyRunning(a.error)) return { confirmedBy: "busy", load: null };
      const now = deps.http.now();
      if (a.waitMs === undefined || now + a.waitMs > call.deadline) throw new TriggerError(a.error, false);
      await sleepUnlessCancelled(deps.http.sleep, a.waitMs, call.signal);
      continue;
    }
    lostAnswer = true;
    const window = a.answered ? policy.answeredGraceMs : policy.unansweredGraceMs;
    const seen = await watchForLoad(deps, call, window);
    if (seen === "deadline" || seen === "blind") {
      const why =
        seen === "deadline"
          ? "the deadline came before Celonis showed whether the trigger started a load"
          : "Celonis could not be read to see whether the trigger started a load";
      throw new TriggerError(a.error, true, `${why}; not triggering again`, sentAt + window);
    }
    if (seen) return { confirmedBy: "poll", load: seen };
  }
  throw new TriggerError(last!, false, `no load started after ${policy.maxAttempts} attempts`);
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
    if (e instanceof CelonisError) return { kind: "unknown", error: e, answered: false };
    throw e; // cancelled
  }
  if (response.status >= 200 && response.status < 300) return { kind: "accepted" };
  const error = errorFromResponse(ctx, response, deps.http.secrets());
  if (response.status === 429)
    return { kind: "refused", error, waitMs: deps.http.backoffMs(attempt, response.headers) };
  if (response.status >= 500 || response.status === 408) return { kind: "unknown", error, answered: true };
  return { kind: "refused", error };
}

/**
 * Looks for the load of a trigger whose answer was lost, for `windowMs`. Returns it, null when the
 * window passed without it (the trigger started nothing), "deadline" when the deadline came first,
 * or "blind" when the last look, at the end of the window, failed (nothing can be concluded).
 */
async function watchForLoad(
  deps: TriggerDeps,
  call: TriggerCall,
  windowMs: number,
): Promise<LoadRecord | null | "deadline" | "blind"> {
  const until = deps.http.now() + windowMs;
  let delay = 250;
  for (;;) {
    let looked = false;
    try {
      const limits = { deadline: call.deadline, signal: call.signal };
      const match = triggerMatch(call);
      // A candidate seen through last-load is ours only once the history confirms it.
      const candidate = await deps.lastLoad(limits);
      const load = matchesLoad(candidate, match) ? await deps.findLoad(match, limits) : null;
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
