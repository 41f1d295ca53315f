// The only place the poll-schedule benchmark touches the provider's code: its poll schedule (replayed
// over load lengths) and its client's trigger-and-wait (measured against the emulator). When the
// provider's signatures change, this file is the one-line fix; the rest of the benchmark follows.

import { CelonisClient } from "../../provider/celonis/client";
import { nextPollDelayMs } from "../../provider/celonis/status";
import type { LoadRecord } from "../../provider/celonis/types";

/** The provider's delay before its next status poll, `elapsedMs` into a wait for a load whose history
 * says it takes `expectedMs` (null: no history). */
export function providerPollDelayMs(elapsedMs: number, expectedMs: number | null): number {
  return nextPollDelayMs(elapsedMs, expectedMs);
}

/** Status reads a provider wait makes besides its polls: the one load-history lookup. */
export const EXTRA_READS_PER_WAIT = 1;

/** The provider's client for the emulator at `url`. */
export function providerClient(url: string, apiKey: string): CelonisClient {
  return new CelonisClient({ url, auth: { kind: "bearer", token: apiKey } });
}

/** The model's last load before a trigger (what tells our load from the previous one). */
export async function lastLoad(
  client: CelonisClient,
  pool: string,
  model: string,
): Promise<LoadRecord | null> {
  return client.getLastLoad(pool, model);
}

/** Triggers a COMPLETE load as the provider does; returns when it was triggered. */
export async function trigger(
  client: CelonisClient,
  pool: string,
  model: string,
  previousLoadId: string | null,
): Promise<number> {
  const triggeredAt = Date.now();
  const deadline = triggeredAt + 10 * 60_000;
  await client.triggerLoad(pool, model, { kind: "COMPLETE" }, { previousLoadId, triggeredAt, deadline });
  return triggeredAt;
}

/** Waits for the load triggered at `triggeredAt` with the provider's schedule; its final record. */
export async function waitForLoad(
  client: CelonisClient,
  pool: string,
  model: string,
  previousLoadId: string | null,
  triggeredAt: number,
): Promise<LoadRecord | null> {
  const match = { previousLoadId, triggeredAt };
  return (await client.waitForLoad(pool, model, { match, deadline: triggeredAt + 10 * 60_000 })).load;
}
