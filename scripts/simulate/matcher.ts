// How the provider's load matching is watched (and, as an option, replaced) while histories run.
// The runner and the client find a load by its trigger through one pure function,
// status.findLoadIn (the rule of ours.ts). The simulator wraps that module export for the length of
// a run of histories, because the provider has no seam for it (and must not grow one for a test):
//   - with the rule ("ours"), it only listens: the stack whose `up` asked is told which load the rule
//     named as ours (for the invariant's messages) and when it found ours unprovable (the one case in
//     which it accepts a second load, so the invariant allows it);
//   - with "five-minute", it restores the old matcher (the earliest load not the previous one that
//     started no more than five minutes before the trigger), which the simulator must catch.
// Which stack asked is known from the async context its `up` runs in (AsyncLocalStorage).

import { AsyncLocalStorage } from "async_hooks";
import { celonisOrder, findOurs } from "../../provider/celonis/ours";
import * as status from "../../provider/celonis/status";

/** Which matcher finds a load by its trigger: the rule of ours.ts, or the old five-minute one. */
export type Matcher = "ours" | "five-minute";

/** What an `up` is told of the matches made inside it. */
export interface MatchListener {
  /** A load was found by its trigger (taken for ours). */
  matched(loadId: string): void;
  /** The rule found ours unprovable. */
  unprovable(why: string): void;
}

/** The listener of the `up` in whose async context a match is made. */
const asking = new AsyncLocalStorage<MatchListener>();

/** Runs `up` so that the matches made inside it are told to `listener`. */
export function watched<T>(listener: MatchListener, up: () => Promise<T>): Promise<T> {
  return asking.run(listener, up);
}

/** Runs `work` with status.findLoadIn wrapped as `matcher` says (see the header); restores it after. */
export async function withMatcher<T>(matcher: Matcher, work: () => Promise<T>): Promise<T> {
  const real = status.findLoadIn;
  const wrapped: typeof status.findLoadIn = (info, match) => {
    if ("loadId" in match) return real(info, match);
    const found = matcher === "five-minute" ? status.fiveMinuteMatch(info, match) : real(info, match);
    if (found) asking.getStore()?.matched(found.dataLoadId);
    else if (matcher === "ours") {
      const verdict = findOurs(celonisOrder(info), status.oursQuery(match));
      if (verdict.kind === "unprovable") asking.getStore()?.unprovable(verdict.why);
    }
    return found;
  };
  const exports = status as { findLoadIn: typeof status.findLoadIn };
  exports.findLoadIn = wrapped;
  try {
    return await work();
  } finally {
    exports.findLoadIn = real;
  }
}
