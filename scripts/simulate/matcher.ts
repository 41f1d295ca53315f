// How the provider's load matching is watched (and, as an option, replaced) while histories run.
// The runner and the client find a load by its trigger through one pure function,
// status.findLoadIn (the rule of ours.ts). The simulator wraps that module export for the length of
// a run of histories, because the provider has no seam for it (and must not grow one for a test):
//   - with the rule ("ours"), it only listens: when the rule finds ours unprovable (the one case in
//     which it accepts a second load), the stack whose `up` asked is told, so the invariant allows it;
//   - with "five-minute", it restores the old matcher (the earliest load not the previous one that
//     started no more than five minutes before the trigger), which the simulator must catch.
// Which stack asked is known from the async context its `up` runs in (AsyncLocalStorage).

import { AsyncLocalStorage } from "async_hooks";
import { celonisOrder, findOurs } from "../../provider/celonis/ours";
import * as status from "../../provider/celonis/status";

/** Which matcher finds a load by its trigger: the rule of ours.ts, or the old five-minute one. */
export type Matcher = "ours" | "five-minute";

/** Who is told when the rule finds a load unprovable: the `up` in whose async context it ran. */
const asking = new AsyncLocalStorage<(why: string) => void>();

/** Runs `up` so that an unprovable verdict reached inside it is told to `onUnprovable`. */
export function watched<T>(onUnprovable: (why: string) => void, up: () => Promise<T>): Promise<T> {
  return asking.run(onUnprovable, up);
}

/** Runs `work` with status.findLoadIn wrapped as `matcher` says (see the header); restores it after. */
export async function withMatcher<T>(matcher: Matcher, work: () => Promise<T>): Promise<T> {
  const real = status.findLoadIn;
  const wrapped: typeof status.findLoadIn = (info, match) => {
    if ("loadId" in match) return real(info, match);
    if (matcher === "five-minute") return status.fiveMinuteMatch(info, match);
    const found = real(info, match);
    if (!found) {
      const verdict = findOurs(celonisOrder(info), status.oursQuery(match));
      if (verdict.kind === "unprovable") asking.getStore()?.(verdict.why);
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
