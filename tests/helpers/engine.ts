// Drives the provider handlers the way the engine does (check → diff → create/update), in-process,
// so integration tests can walk through deployments against the emulator quickly. The real engine
// and host are exercised by the host and e2e layers.

import * as handlers from "../../provider/handlers";
import type { ReloadOutputs } from "../../provider/types";

/** A resource's stored state between deployments: inputs as `check` returned them, and outputs. */
export interface Stored {
  id: string;
  inputs: Record<string, unknown>;
  outputs: ReloadOutputs;
  /** True when the last create/update failed with partial state ("init errors"). */
  failed: boolean;
}

/** One deployment of one resource; throws check failures as an Error listing them. */
export async function deploy(
  prev: Stored | undefined,
  raw: Record<string, unknown>,
  ctx: handlers.CallContext = {},
): Promise<Stored & { error?: Error & { reasons?: string[] } }> {
  const checked = await handlers.check(prev?.inputs ?? {}, raw);
  if (checked.failures.length > 0) {
    throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join(" | ")}`);
  }
  try {
    if (!prev) {
      const { id, outs } = await handlers.create(checked.inputs, ctx);
      return { id, inputs: checked.inputs, outputs: outs, failed: false };
    }
    const d = await handlers.diff(
      prev.id,
      prev.outputs as unknown as Record<string, unknown>,
      checked.inputs,
    );
    if (!d.changes && !prev.failed) return prev;
    const { outs } = await handlers.update(
      prev.id,
      prev.outputs as unknown as Record<string, unknown>,
      checked.inputs,
      ctx,
    );
    return { id: prev.id, inputs: checked.inputs, outputs: outs, failed: false };
  } catch (err) {
    const e = err as handlers.ReloadFailedError;
    if (!e.id || !e.properties) throw err;
    return {
      id: e.id,
      inputs: checked.inputs,
      outputs: e.properties as unknown as ReloadOutputs,
      failed: true,
      error: e,
    };
  }
}
