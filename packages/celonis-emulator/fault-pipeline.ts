// Applies the fault rule chosen for a request around its route. Without `after`, the fault comes
// first: drop or answer instead of the route (a faulted trigger starts nothing), or delay and then run
// the route. With `after: true` the route runs first (a trigger starts its load) and then its answer
// is dropped, replaced or delayed — how tests lose an answer whose effect happened.
import { faultReply, type FaultRule, type Reply } from "./faults";

/** The connection is to be destroyed without an answer. */
export const DROPPED = Symbol("dropped");

export async function withFault(
  rule: FaultRule | undefined,
  route: () => Promise<Reply>,
  sleep: (ms: number) => Promise<void>,
): Promise<Reply | typeof DROPPED> {
  if (!rule) return route();
  if (!rule.after) return (await apply(rule, sleep)) ?? route();
  const reply = await route();
  return (await apply(rule, sleep)) ?? reply;
}

/** The fault itself: drop → DROPPED, delay → wait (undefined: the reply goes on), else its answer. */
async function apply(
  rule: FaultRule,
  sleep: (ms: number) => Promise<void>,
): Promise<Reply | typeof DROPPED | undefined> {
  if (rule.kind === "drop") return DROPPED;
  if (rule.kind !== "delay") return faultReply(rule);
  await sleep(rule.delayMs ?? 0);
  return undefined;
}
