// The figures of one benchmark phase, computed from what the service saw (the emulator's load records
// and request log) and what the engine reported (step start and end events): loads per model,
// overlapping loads, refused triggers, requests by kind, detection lag, slots in use. Pure functions:
// phase-run.ts collects the facts, this file only counts, so the rules can be unit-tested.

import type { LoadRecord, RequestLogEntry } from "../../packages/celonis-emulator";
import type { PhaseName, PhaseRecord, StepTiming } from "./phase-run";

export interface Spread {
  n: number;
  min: number;
  median: number;
  max: number;
}

export interface PhaseMetrics {
  phase: PhaseName;
  parallel: number | null;
  wallSeconds: number;
  loads: number;
  loadsPerModel: Spread;
  loadSeconds: Spread | null;
  /** Pairs of loads of one model that ran at the same time (must be 0). */
  overlaps: number;
  /** Triggers (POST load, partial-sync, reload) answered 400: refused as already running. */
  refusedTriggers: number;
  /** Requests other than GETs and token requests: what a preview must not send. */
  writes: number;
  requests: Record<string, number>;
  /** Requests of each kind divided by the loads started; null without loads. */
  requestsPerLoad: Record<string, number> | null;
  requestsPerLoadTotal: number | null;
  /** `GET …/tables` per model. */
  tableListingsPerModel: Spread;
  /** Seconds from each load's end to the first resource that recorded it finishing (engine event). */
  completionLags: number[];
  /** Seconds from each load's end to the provider's first status read of that model afterwards. */
  pollLags: number[];
  /** Loads no finished resource records (a failed step, or none recorded it). */
  unmatchedLoads: number;
  /** Most DataModelReload steps running at once: the engine's slots in use. */
  maxInFlight: number;
  changes: Record<string, number>;
  error?: string;
}

export function spread(values: number[]): Spread {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, min: 0, median: 0, max: 0 };
  const mid = s.length / 2;
  const median = s.length % 2 === 1 ? s[Math.floor(mid)] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, min: s[0], median, max: s[s.length - 1] };
}

const KINDS: [kind: string, method: string, path: RegExp][] = [
  ["GET last-load", "GET", /\/last-load$/],
  ["GET load-info-sync", "GET", /\/load-info-sync$/],
  ["GET tables", "GET", /\/v1\/.*\/tables$/],
  ["POST load", "POST", /\/load$/],
  ["POST partial-sync", "POST", /\/load\/partial-sync$/],
  ["POST reload", "POST", /\/reload$/],
  ["POST cancel-load", "POST", /\/cancel-load$/],
  ["POST token", "POST", /^\/oauth2\/token$/],
  ["GET data-model", "GET", /\/data-models\/[^/]+$/],
  ["GET data-models", "GET", /\/data-models$/],
  ["GET pools", "GET", /\/pools(\/[^/]+)?$/],
];

/** "GET last-load", "POST partial-sync", … ("GET other" when no kind matches). */
export function requestKind(r: Pick<RequestLogEntry, "method" | "path">): string {
  const hit = KINDS.find(([, method, path]) => r.method === method && path.test(r.path));
  return hit ? hit[0] : `${r.method} other`;
}

const TRIGGERS = new Set(["POST load", "POST partial-sync", "POST reload"]);
const STATUS_READS = new Set(["GET last-load", "GET load-info-sync"]);

/** The data model a request is about, or null. */
export function requestModel(path: string): string | null {
  return /\/data-models\/([^/]+)/.exec(path)?.[1] ?? null;
}

/** Pairs of consecutive loads of one model where the later started before the earlier ended. */
export function overlappingLoads(loads: LoadRecord[]): number {
  const byModel = new Map<string, LoadRecord[]>();
  for (const l of loads) byModel.set(l.dataModelId, [...(byModel.get(l.dataModelId) ?? []), l]);
  let n = 0;
  for (const list of byModel.values()) {
    const sorted = [...list].sort((a, b) => (a.startDate ?? 0) - (b.startDate ?? 0));
    let runningUntil = -Infinity;
    for (const l of sorted) {
      if ((l.startDate ?? 0) < runningUntil) n++;
      runningUntil = Math.max(runningUntil, l.endDate ?? Infinity);
    }
  }
  return n;
}

/** The most steps that had started and not yet ended at any moment. */
export function maxInFlight(steps: StepTiming[]): number {
  const edges = steps.flatMap((s) =>
    s.startedAt === null
      ? []
      : [
          { t: s.startedAt, d: 1 },
          { t: s.endedAt ?? Infinity, d: -1 },
        ],
  );
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (now += e.d));
  return max;
}

/** When each load was noticed: its end, the first status read after it, the first step recording it. */
export interface Detection {
  load: LoadRecord;
  polledAt: number | null;
  completedAt: number | null;
}

export function detections(
  loads: LoadRecord[],
  requests: RequestLogEntry[],
  steps: StepTiming[],
): Detection[] {
  return loads
    .filter((l) => l.endDate !== null)
    .map((load) => {
      const end = load.endDate as number;
      const poll = requests.find(
        (r) => r.time >= end && requestModel(r.path) === load.dataModelId && STATUS_READS.has(requestKind(r)),
      );
      const done = steps
        .filter((s) => s.loadIds.includes(load.dataLoadId) && s.endedAt !== null)
        .map((s) => s.endedAt as number);
      return { load, polledAt: poll?.time ?? null, completedAt: done.length > 0 ? Math.min(...done) : null };
    });
}

function countBy<T>(items: T[], key: (t: T) => string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    if (k !== null) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

const perModel = (counts: Record<string, number>, modelIds: string[]): Spread =>
  spread(modelIds.map((id) => counts[id] ?? 0));

/** Requests of each kind per load started (null without loads). */
function perLoad(requests: Record<string, number>, loads: number): Record<string, number> | null {
  if (loads === 0) return null;
  return Object.fromEntries(Object.entries(requests).map(([k, n]) => [k, n / loads]));
}

/** Every figure of one phase over the stack's `modelIds`. */
export function phaseMetrics(rec: PhaseRecord, modelIds: string[]): PhaseMetrics {
  const requests = countBy(rec.requests, requestKind);
  const triggers = rec.requests.filter((r) => TRIGGERS.has(requestKind(r)));
  const found = detections(rec.loads, rec.requests, rec.steps);
  const lags = (at: (d: Detection) => number | null): number[] =>
    found.flatMap((d) => (at(d) === null ? [] : [(at(d)! - d.load.endDate!) / 1000]));
  const listings = countBy(
    rec.requests.filter((r) => requestKind(r) === "GET tables"),
    (r) => requestModel(r.path),
  );
  const durations = rec.loads.filter((l) => l.endDate !== null && l.startDate !== null);
  const total = Object.values(requests).reduce((a, b) => a + b, 0);
  return {
    phase: rec.phase,
    parallel: rec.parallel,
    wallSeconds: rec.wallMs / 1000,
    loads: rec.loads.length,
    loadsPerModel: perModel(
      countBy(rec.loads, (l) => l.dataModelId),
      modelIds,
    ),
    loadSeconds: durations.length ? spread(durations.map((l) => (l.endDate! - l.startDate!) / 1000)) : null,
    overlaps: overlappingLoads(rec.loads),
    refusedTriggers: triggers.filter((r) => r.status === 400).length,
    writes: rec.requests.filter((r) => r.method !== "GET" && requestKind(r) !== "POST token").length,
    requests,
    requestsPerLoad: perLoad(requests, rec.loads.length),
    requestsPerLoadTotal: rec.loads.length > 0 ? total / rec.loads.length : null,
    tableListingsPerModel: perModel(listings, modelIds),
    completionLags: lags((d) => d.completedAt),
    pollLags: lags((d) => d.polledAt),
    unmatchedLoads: found.filter((d) => d.completedAt === null).length,
    maxInFlight: maxInFlight(rec.steps),
    changes: rec.changes,
    ...(rec.error === undefined ? {} : { error: rec.error }),
  };
}
