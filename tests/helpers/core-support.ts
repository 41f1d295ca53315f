// Whether the provider core on this branch honours a call's context: progress lines sent to
// `ctx.log` (so the plugin can attach them to the resource) and `ctx.signal` stopping a wait (so
// Cancel and Ctrl-C end it cleanly). Tests of the plugin that depend on these mark themselves
// pending with the reason when the core does not do it yet, and run as soon as it does.

import type { Emulator } from "../../emulator";
import * as handlers from "../../provider/handlers";
import { DEMO, TEST_API_KEY } from "./emulator";

export interface CoreSupport {
  log: boolean;
  signal: boolean;
}

async function created(ctx: handlers.CallContext): Promise<unknown> {
  const { inputs } = await handlers.check({}, { poolId: DEMO.financePool, dataModelId: DEMO.apModel });
  return handlers.create(inputs, ctx);
}

/** Probes the core in-process against `emu` (on the AP model, which the plugin tests leave alone). */
export async function probeCore(emu: Emulator): Promise<CoreSupport> {
  handlers.useConnection({ url: emu.url, auth: { kind: "bearer", token: TEST_API_KEY } });
  handlers.useLogger(() => {});
  try {
    const lines: string[] = [];
    await created({ log: (line) => lines.push(line) });
    emu.setBehaviour(DEMO.apModel, { durationMs: 4000, times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    await created({ signal: controller.signal }).catch(() => undefined); // the load ends in 4 s anyway
    return { log: lines.length > 0, signal: Date.now() - started < 2500 };
  } finally {
    handlers.useLogger((line) => console.log(line));
    handlers.useConnection(undefined);
    emu.reset();
  }
}

/** Marks the running test pending, saying why, when the core lacks `what`. */
export function requireCore(test: Mocha.Context, core: CoreSupport, what: keyof CoreSupport): void {
  if (core[what]) return;
  const where = "provider/handlers.ts";
  console.log(
    what === "log"
      ? `      pending: the core (${where}) does not send progress lines to the call context's log yet`
      : `      pending: the core (${where}) does not stop a wait on the call context's abort signal yet`,
  );
  test.skip();
}
