// The only place the poll-schedule benchmark touches the provider's code: its poll schedule (replayed
// over load lengths) and its client's trigger-and-wait (measured against the emulator). When the
// provider's signatures change, this file is the one-line fix; the rest of the benchmark follows.

import { CelonisClient } from "../../provider/celonis/client";
import { expectedDurationMs, nextPollDelayMs } from "../../provider/celonis/status";
import type { LoadRecord } from "../../provider/celonis/types";

/** The provider's delay before its next status poll, `elapsedMs` into a wait for a load whose history
 * says it takes `expectedMs` (null: no history). */
export function providerPollDelayMs(elapsedMs: number, expectedMs: number | null): number {
  return nextPollDelayMs(elapsedMs, expectedMs);
}

/** Status reads a provider wait makes besides its polls: the one load-history lookup. */
export const EXTRA_READS_PER_WAIT = 1;

/** Whether the provider's wait polls at once after the trigger: only when the history is unknown. */
export function providerPollsAtTrigger(expectedMs: number | null): boolean {
  return !expectedMs;
}

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

/**
 * Waits for the load triggered at `triggeredAt` with the provider's schedule; its final record. Like
 * the provider (batch.ts), it reads the model's load history once and hands the expected duration
 * to the wait (the provider makes that read just before its trigger; here it is counted with the wait).
 */
export async function waitForLoad(
  client: CelonisClient,
  pool: string,
  model: string,
  previousLoadId: string | null,
  triggeredAt: number,
): Promise<LoadRecord | null> {
  const expectedMs = expectedDurationMs(await client.getLoadInfo(pool, model), "COMPLETE");
  const match = { previousLoadId, triggeredAt };
  return (await client.waitForLoad(pool, model, { match, expectedMs, deadline: triggeredAt + 10 * 60_000 }))
    .load;
}
