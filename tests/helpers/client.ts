// What the client tests share: a trigger made the way the provider's runner does (previous load
// recorded, trigger time noted, a deadline), returning what a wait needs to recognise that load
// (client tests spread it into waitForLoad's options), and a sleep that keeps retries and polls fast.
import type { CelonisClient } from "../../provider/celonis/client";
import type { LoadMatch } from "../../provider/celonis/status";
import type { LoadRequest } from "../../provider/celonis/types";
import type { TriggerConfirmation } from "../../provider/celonis/trigger";

export async function triggerFor(
  client: CelonisClient,
  poolId: string,
  dataModelId: string,
  req: LoadRequest,
  opts: { previousLoadId?: string | null; deadline?: number } = {},
): Promise<TriggerConfirmation & { match: LoadMatch }> {
  const previousLoadId =
    opts.previousLoadId !== undefined
      ? opts.previousLoadId
      : ((await client.getLastLoad(poolId, dataModelId))?.dataLoadId ?? null);
  const triggeredAt = Date.now();
  const deadline = opts.deadline ?? triggeredAt + 30_000;
  const t = await client.triggerLoad(poolId, dataModelId, req, { previousLoadId, triggeredAt, deadline });
  return { ...t, match: { previousLoadId, triggeredAt } };
}

/** Sleeps at most `capMs` for real, so retries and polls stay fast; remembers what was asked in `delays`. */
export function fastSleep(
  capMs = 40,
  delays: number[] = [],
): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  return {
    delays,
    sleep: (ms) => {
      delays.push(ms);
      return new Promise((r) => setTimeout(r, Math.min(ms, capMs)));
    },
  };
}
