// One `pulumi up` of a stack's DataModelReload as the engine runs it, in a provider process of its
// own: a fresh ProviderContext (its clock the world's clock for that process, its connection's client
// talking to the simulated Celonis through the simulated network, its journal the stack's), then
// check → diff → create or update through operations.ts, the provider's own methods, which run the
// real runner, batch, lifecycle, trigger protocol, rule for ours and poll schedule.
// What the engine records, as it does: the outputs of a completed create/update, the partial state
// a ReloadFailedError carries, nothing when the up failed before that (a failed check, another
// error) or its process was killed (the caller drops the process; only the journal stays).

import { MODEL_ID, POOL_ID, TABLES } from "./celonis";
import type { SimJournal } from "./journal";
import type { SimNetwork } from "./network";
import type { Prng } from "./prng";
import type { Proc, World } from "./world";
import { ProviderContext } from "../../provider/context";
import * as ops from "../../provider/operations";
import type { ReloadOutputs } from "../../provider/types";

/** The provider's label of the model in progress lines, left out of the trace (there is one model). */
const MODEL_LABEL = /celonis model [0-9a-f-]+: /;

/** The resource's id in the engine's state (one resource per stack). */
const RESOURCE_ID = `${MODEL_ID}/sim`;

/** What one `up` needs: the world, the process it runs in, the stack's journal and state. */
export interface UpJob {
  world: World;
  net: SimNetwork;
  proc: Proc;
  journal: SimJournal;
  /** The outputs the engine recorded last (null: the resource does not exist yet). */
  olds: ReloadOutputs | null;
  /** The program's inputs for the resource. */
  news: Record<string, unknown>;
  /** Who the stack's triggers come from (`<stack>#<change>@<process>`), for the simulated Celonis's truth. */
  tag: () => string;
  random: Prng;
  /** Hears every line the provider logs (its progress lines and warnings to the user). */
  said: (line: string) => void;
}

/** What the engine records after the up (outs null: nothing), and the error it failed with. */
export interface UpResult {
  outs: ReloadOutputs | null;
  error: string | null;
}

/** The program's inputs at change `rev`: one trigger value, the stack's tables (null: whole model). */
export function programInputs(
  stack: string,
  rev: number,
  tables: string[] | null,
  timeoutSeconds: number,
): Record<string, unknown> {
  const news: Record<string, unknown> = {
    poolId: POOL_ID,
    dataModelId: MODEL_ID,
    triggers: [rev],
    timeoutSeconds,
    __scope: `sim/${stack}/reload`,
  };
  if (tables) news.tables = tables.filter((t) => TABLES.includes(t));
  return news;
}

/** One `pulumi up` (see the header). */
export async function up(job: UpJob): Promise<UpResult> {
  const { world, proc } = job;
  const pc = new ProviderContext({
    clock: world.clock(proc),
    log: (line) => {
      job.said(line);
      world.log(() => `${proc.name}: ${line.replace(MODEL_LABEL, "")}`);
    },
    journal: job.journal,
    connections: { "": { url: "https://celonis.simulated", auth: { kind: "bearer", token: "simulated" } } },
    env: {},
  });
  job.net.connect(pc.client(), proc, job.tag, job.random);
  const olds = (job.olds ?? {}) as Record<string, unknown>;
  try {
    const checked = await ops.check(pc, olds, job.news);
    if (checked.failures.length > 0)
      return { outs: null, error: `check failed: ${checked.failures.map((f) => f.reason).join("; ")}` };
    if (!job.olds) return { outs: (await ops.create(pc, checked.inputs)).outs, error: null };
    const d = await ops.diff(pc, RESOURCE_ID, olds, checked.inputs);
    if (!d.changes) return { outs: null, error: null };
    return { outs: (await ops.update(pc, RESOURCE_ID, olds, checked.inputs)).outs, error: null };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ops.ReloadFailedError)
      return { outs: err.properties as unknown as ReloadOutputs, error: message };
    return { outs: null, error: message };
  }
}
