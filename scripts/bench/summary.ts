// The large stack's figures across runs (medians of interleaved runs; worst case for what must be
// zero; lags pooled over every load) and the benchmark's targets computed from the same runs. Pure:
// the numbers in, pass/miss out, so the arithmetic of each target is unit-tested.

import { spread, type PhaseMetrics, type Spread } from "./metrics";
import type { PhaseName } from "./phase-run";
import type { StateSize } from "./state-size";

export interface PhaseSummary {
  phase: PhaseName;
  parallel: number | null;
  runs: number;
  failedRuns: number;
  wallSeconds: Spread;
  /** Medians over runs. */
  loads: number;
  requestsPerLoadTotal: number | null;
  requestsPerLoad: Record<string, number> | null;
  requests: Record<string, number>;
  maxInFlight: number;
  /** Over runs: smallest min, median of medians, largest max. */
  loadsPerModel: Spread;
  tableListingsPerModel: Spread;
  /** Worst run. */
  mostLoads: number;
  overlaps: number;
  refusedTriggers: number;
  writes: number;
  unmatchedLoads: number;
  /** Pooled over every load of every run. */
  completionLag: Spread | null;
  pollLag: Spread | null;
}

const med = (xs: number[]): number => spread(xs).median;

/** Per kind, the median over runs (a kind absent in a run counts 0 there). */
function medianByKind(maps: Record<string, number>[]): Record<string, number> {
  const kinds = [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
  return Object.fromEntries(kinds.map((k) => [k, med(maps.map((m) => m[k] ?? 0))]));
}

function merged(spreads: Spread[]): Spread {
  return {
    n: spreads.reduce((a, s) => a + s.n, 0),
    min: Math.min(...spreads.map((s) => s.min)),
    median: med(spreads.map((s) => s.median)),
    max: Math.max(...spreads.map((s) => s.max)),
  };
}

const pooled = (lists: number[][]): Spread | null => (lists.flat().length ? spread(lists.flat()) : null);

/** One phase over runs; `ms` are that phase's metrics, one per run (failed runs included). */
export function summarizePhase(ms: PhaseMetrics[]): PhaseSummary {
  const ok = ms.filter((m) => !m.error);
  const use = ok.length > 0 ? ok : ms;
  const perLoad = use.flatMap((m) => (m.requestsPerLoad ? [m.requestsPerLoad] : []));
  const totals = use.flatMap((m) => (m.requestsPerLoadTotal === null ? [] : [m.requestsPerLoadTotal]));
  const worst = (f: (m: PhaseMetrics) => number): number => Math.max(...ms.map(f));
  return {
    phase: ms[0].phase,
    parallel: ms[0].parallel,
    runs: ms.length,
    failedRuns: ms.length - ok.length,
    wallSeconds: spread(use.map((m) => m.wallSeconds)),
    loads: med(use.map((m) => m.loads)),
    requestsPerLoadTotal: totals.length ? med(totals) : null,
    requestsPerLoad: perLoad.length ? medianByKind(perLoad) : null,
    requests: medianByKind(use.map((m) => m.requests)),
    maxInFlight: med(use.map((m) => m.maxInFlight)),
    loadsPerModel: merged(use.map((m) => m.loadsPerModel)),
    tableListingsPerModel: merged(use.map((m) => m.tableListingsPerModel)),
    mostLoads: worst((m) => m.loads),
    overlaps: worst((m) => m.overlaps),
    refusedTriggers: worst((m) => m.refusedTriggers),
    writes: worst((m) => m.writes),
    unmatchedLoads: worst((m) => m.unmatchedLoads),
    completionLag: pooled(use.map((m) => m.completionLags)),
    pollLag: pooled(use.map((m) => m.pollLags)),
  };
}

/** Every phase that ran, in the order of the first run. */
export function summarize(runs: PhaseMetrics[][]): PhaseSummary[] {
  const phases = [...new Set(runs.flat().map((m) => m.phase))];
  return phases.map((p) => summarizePhase(runs.flat().filter((m) => m.phase === p)));
}

export interface Target {
  name: string;
  measured: number;
  limit: number;
  unit: string;
  pass: boolean;
  /** How the limit was computed. */
  how: string;
}

/** What the targets are computed from, besides the phases. */
export interface TargetInputs {
  loadSeconds: number;
  resources: number;
  /** Engine slots at the CLI's default parallelism. */
  defaultSlots: number;
  state: StateSize | null;
}

const LOAD_PHASES: PhaseName[] = ["create-default", "update-default", "create-p64", "update-p64"];

type Goal = Omit<Target, "pass">;
const goal = (name: string, measured: number, limit: number, how: string, unit = ""): Goal => ({
  name,
  measured,
  limit,
  unit,
  how,
});

/** The time targets: `--parallel 64` ≤ 1.3 × (own + one load); default ≤ 1.3 × (own + waves × load). */
function timeTargets(byPhase: Map<PhaseName, PhaseSummary>, t: TargetInputs): Goal[] {
  const out: Goal[] = [];
  const waves = Math.ceil(t.resources / t.defaultSlots);
  for (const phase of LOAD_PHASES) {
    const s = byPhase.get(phase);
    const wide = phase.endsWith("p64");
    const own = byPhase.get(wide ? "own-p64" : "own-default");
    if (!s || !own) continue;
    const ownS = own.wallSeconds.median;
    const how = wide
      ? `1.3 × (own ${ownS.toFixed(2)} s + 1 load × ${t.loadSeconds} s)`
      : `1.3 × (own ${ownS.toFixed(2)} s + ⌈${t.resources} ÷ ${t.defaultSlots}⌉ = ${waves} × ${t.loadSeconds} s)`;
    const limit = 1.3 * (ownS + (wide ? 1 : waves) * t.loadSeconds);
    out.push(goal(`${phase} wall`, s.wallSeconds.median, limit, how, " s"));
    if (wide) out.push(goal(`${phase} loads per model`, s.loadsPerModel.max, 1, "most loads on one model"));
  }
  return out;
}

/** Requests of every kind over loads started, in the phases that load (all runs' medians). */
function requestsPerLoad(phases: PhaseSummary[]): number {
  const loading = phases.filter((p) => LOAD_PHASES.includes(p.phase) && p.loads > 0);
  const requests = loading.reduce((n, p) => n + Object.values(p.requests).reduce((a, b) => a + b, 0), 0);
  const loads = loading.reduce((n, p) => n + p.loads, 0);
  return loads > 0 ? requests / loads : NaN;
}

/** The benchmark's targets, each with its measured value and limit. */
export function largeStackTargets(phases: PhaseSummary[], t: TargetInputs): Target[] {
  const byPhase = new Map(phases.map((p) => [p.phase, p]));
  const all = (f: (p: PhaseSummary) => number): number => phases.reduce((n, p) => n + f(p), 0);
  const preview = byPhase.get("preview");
  const goals: Goal[] = [
    ...timeTargets(byPhase, t),
    goal(
      "overlapping loads on a model",
      all((p) => p.overlaps),
      0,
      "every phase, worst run",
    ),
    goal(
      "triggers refused as already running",
      all((p) => p.refusedTriggers),
      0,
      "every phase, worst run",
    ),
    goal("no-change up loads", byPhase.get("no-change")?.mostLoads ?? NaN, 0, "worst run"),
    goal(
      "preview table listings per model",
      preview?.tableListingsPerModel.max ?? NaN,
      1,
      "most on one model",
    ),
    goal("preview writes", preview?.writes ?? NaN, 0, "worst run"),
    goal("requests per load", requestsPerLoad(phases), 5, "create and update phases, all requests ÷ loads"),
    goal("serialized __provider", t.state?.providerBytes ?? NaN, 1024, "one copy, after create", " B"),
  ];
  return goals.map((x) => ({ ...x, pass: Number.isFinite(x.measured) && x.measured <= x.limit + 1e-9 }));
}
