// Runs one phase of the large-stack benchmark (an `up` or a `preview`) through the real Pulumi CLI
// with the Automation API and records the raw facts the figures are computed from: wall time, when
// each resource's step started and finished as the engine reported it, the emulator's load records
// and request log of that window, and the CLI's output. No figure is computed here (metrics.ts does).

import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type { Emulator, LoadRecord, RequestLogEntry } from "../../packages/celonis-emulator";
import { describeStackError } from "../stack";

export type PhaseName =
  | "own-default"
  | "own-p64"
  | "create-default"
  | "create-p64"
  | "update-default"
  | "update-p64"
  | "no-change"
  | "preview";

/** One resource's step as the engine reported it (times: when this process received the event). */
export interface StepTiming {
  name: string;
  startedAt: number | null;
  endedAt: number | null;
  /** The loads the resource's outputs name: its plan's load and the model's last load it saw. */
  loadIds: string[];
}

export interface PhaseRecord {
  phase: PhaseName;
  /** `--parallel`; null: the CLI's default. */
  parallel: number | null;
  startedAt: number;
  /** From the call to the CLI's last output line (the CLI's own run, without the Automation API's
   * follow-up `stack output` and `stack history` calls). */
  wallMs: number;
  /** Loads the emulator started during the phase, with their model. */
  loads: LoadRecord[];
  requests: RequestLogEntry[];
  steps: StepTiming[];
  changes: Record<string, number>;
  error?: string;
}

export interface PhaseSpec {
  phase: PhaseName;
  stack: Stack;
  action: "up" | "preview";
  parallel: number | null;
  emulator: Emulator;
  modelIds: string[];
}

const RESOURCE_TYPE = /:DataModelReload$/;

/** The load ids a resource's outputs name (`planLoad.loadId`, `lastLoad.loadId`), whatever else they hold. */
export function outputLoadIds(outputs: Record<string, unknown> | undefined): string[] {
  const ids = ["planLoad", "lastLoad"].map((k) => (outputs?.[k] as { loadId?: unknown } | null)?.loadId);
  return [...new Set(ids.filter((id): id is string => typeof id === "string"))];
}

/** Collects step timings from engine events, keyed by the resource's name. */
function stepRecorder(): { steps: Map<string, StepTiming>; onEvent: (e: EngineEvent) => void } {
  const steps = new Map<string, StepTiming>();
  const entry = (urn: string): StepTiming => {
    const name = urn.slice(urn.lastIndexOf("::") + 2);
    let s = steps.get(name);
    if (!s) steps.set(name, (s = { name, startedAt: null, endedAt: null, loadIds: [] }));
    return s;
  };
  const onEvent = (e: EngineEvent): void => {
    const now = Date.now();
    const pre = e.resourcePreEvent?.metadata;
    if (pre && RESOURCE_TYPE.test(pre.type)) entry(pre.urn).startedAt ??= now;
    const out = e.resOutputsEvent?.metadata;
    if (out && RESOURCE_TYPE.test(out.type)) {
      const s = entry(out.urn);
      s.endedAt = now;
      s.loadIds = outputLoadIds(out.new?.outputs);
    }
  };
  return { steps, onEvent };
}

/** The loads of `modelIds` that started at or after `since`. */
function loadsSince(emulator: Emulator, modelIds: string[], since: number): LoadRecord[] {
  return modelIds.flatMap((id) => emulator.loads(id).filter((l) => (l.startDate ?? 0) >= since));
}

/** Runs the phase; a failed command is recorded (error) rather than thrown, so later phases still run. */
export async function runPhase(spec: PhaseSpec, onOutput?: (s: string) => void): Promise<PhaseRecord> {
  const { steps, onEvent } = stepRecorder();
  spec.emulator.clearRequests();
  let lastOutput = 0;
  const output = (s: string): void => {
    lastOutput = Date.now();
    onOutput?.(s);
  };
  const opts = { onEvent, onOutput: output, ...(spec.parallel === null ? {} : { parallel: spec.parallel }) };
  const startedAt = Date.now();
  let changes: Record<string, number> = {};
  let error: string | undefined;
  try {
    if (spec.action === "up") {
      const r = await spec.stack.up(opts);
      changes = (r.summary.resourceChanges ?? {}) as Record<string, number>;
    } else {
      changes = (await spec.stack.preview(opts)).changeSummary as Record<string, number>;
    }
  } catch (err) {
    error = describeStackError(err).slice(0, 2000);
  }
  const endedAt = Date.now();
  return {
    phase: spec.phase,
    parallel: spec.parallel,
    startedAt,
    wallMs: (lastOutput || endedAt) - startedAt,
    loads: loadsSince(spec.emulator, spec.modelIds, startedAt),
    requests: spec.emulator.requests(),
    steps: [...steps.values()],
    changes,
    ...(error === undefined ? {} : { error }),
  };
}
