// Triggers a load the way the provider's runner does (previous load recorded, trigger time noted,
// a deadline), and returns what a wait needs to recognise that load: client tests spread it into
// waitForLoad's options.
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
