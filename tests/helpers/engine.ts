// Drives the provider handlers the way the engine does (check → diff → create/update), in-process,
// so integration tests can walk through deployments against the emulator quickly. The real engine
// and host are exercised by the host and e2e layers.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Clock } from "../../provider/clock";
import { ProviderContext } from "../../provider/context";
import { Journal } from "../../provider/journal";
import * as operations from "../../provider/operations";
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
  pc: ProviderContext,
  prev: Stored | undefined,
  raw: Record<string, unknown>,
  ctx: operations.CallContext = {},
): Promise<Stored & { error?: Error & { reasons?: string[] } }> {
  const checked = await operations.check(pc, prev?.inputs ?? {}, raw, ctx);
  if (checked.failures.length > 0) {
    throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join(" | ")}`);
  }
  try {
    if (!prev) {
      const { id, outs } = await operations.create(pc, checked.inputs, ctx);
      return { id, inputs: checked.inputs, outputs: outs, failed: false };
    }
    const d = await operations.diff(
      pc,
      prev.id,
      prev.outputs as unknown as Record<string, unknown>,
      checked.inputs,
      ctx,
    );
    if (!d.changes && !prev.failed) return prev;
    const { outs } = await operations.update(
      pc,
      prev.id,
      prev.outputs as unknown as Record<string, unknown>,
      checked.inputs,
      ctx,
    );
    return { id: prev.id, inputs: checked.inputs, outputs: outs, failed: false };
  } catch (err) {
    const e = err as operations.ReloadFailedError;
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

/** Where a test's provider context writes its journal and lines, and the connection it uses. */
export interface TestContextOptions {
  url: string;
  token: string;
  lines?: string[];
  requestTimeoutMs?: number;
  /** The context's clock (default: the system's). */
  clock?: Clock;
}

/** A fresh provider context for one test: its own journal file, lines collected (or dropped). */
export function testContext(opts: TestContextOptions): ProviderContext {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "celonis-journal-"));
  const connection = {
    url: opts.url,
    auth: { kind: "bearer" as const, token: opts.token },
    requestTimeoutMs: opts.requestTimeoutMs,
  };
  return new ProviderContext({
    journal: new Journal(path.join(dir, "journal.json")),
    log: (line) => opts.lines?.push(line),
    connections: { "": connection },
    clock: opts.clock,
  });
}
