// Prints the benchmark's figures as Markdown tables (so they can be pasted into the README or an
// issue as they are) and formats the numbers; the JSON file and the SVG are written by bench.ts.

import type { ConcurrentResult } from "./concurrent-stacks";
import type { PhaseName } from "./phase-run";
import type { MeasuredRow } from "./schedule-measured";
import type { ScheduleReplay } from "./schedule";
import type { Spread } from "./metrics";
import type { StateSize } from "./state-size";
import type { PhaseSummary, Target } from "./summary";

export function markdownTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const f = (x: number | null | undefined, digits = 2): string =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits);
/** Whole numbers as they are, others with `digits` decimals. */
const g = (x: number, digits = 2): string => (Number.isInteger(x) ? `${x}` : f(x, digits));
const range = (s: Spread, digits = 1): string =>
  s.n === 0 ? "–" : `${f(s.median, digits)} (${f(s.min, digits)}–${f(s.max, digits)})`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

export function phaseLabel(phase: PhaseName, defaultSlots: number): string {
  const labels: Record<PhaseName, string> = {
    "own-default": "Pulumi's own cost (reloadOnCreate: false), default parallelism",
    "own-p64": "Pulumi's own cost (reloadOnCreate: false), --parallel 64",
    "create-default": `create, default parallelism (${defaultSlots})`,
    "create-p64": "create, --parallel 64",
    "update-default": `update after a trigger change, default parallelism (${defaultSlots})`,
    "update-p64": "update after a trigger change, --parallel 64",
    "no-change": "no-change up",
    preview: "preview after a trigger change",
  };
  return labels[phase];
}

export function printPhases(phases: PhaseSummary[], defaultSlots: number): void {
  const rows = phases.map((p) => [
    phaseLabel(p.phase, defaultSlots) + (p.failedRuns ? ` (${p.failedRuns} FAILED)` : ""),
    range(p.wallSeconds),
    `${p.loads}`,
    p.loads || p.loadsPerModel.max
      ? `${p.loadsPerModel.min}/${p.loadsPerModel.median}/${p.loadsPerModel.max}`
      : "0",
    `${p.overlaps}`,
    `${p.refusedTriggers}`,
    f(p.requestsPerLoadTotal, 1),
    p.completionLag ? `${f(p.completionLag.median)} / ${f(p.pollLag?.median)}` : "–",
    p.phase === "no-change" || p.phase === "preview" ? "–" : `${p.maxInFlight}`,
  ]);
  const head = ["Phase", "Wall s, median (min–max)", "Loads", "Per model min/med/max", "Overlaps"];
  head.push("Refused", "Requests per load", "Lag s: finished / polled", "Steps at once");
  console.log(markdownTable(head, rows));
}

export function printRequestKinds(phases: PhaseSummary[]): void {
  const loading = phases.filter((p) => p.requestsPerLoad);
  const kinds = [...new Set(loading.flatMap((p) => Object.keys(p.requestsPerLoad ?? {})))].sort();
  const rows = kinds.map((k) => [k, ...loading.map((p) => f(p.requestsPerLoad?.[k] ?? 0))]);
  rows.push(["total", ...loading.map((p) => f(p.requestsPerLoadTotal))]);
  console.log(markdownTable(["Requests per load", ...loading.map((p) => p.phase)], rows));
  for (const p of phases.filter((x) => !x.requestsPerLoad)) {
    const all = Object.entries(p.requests).map(([k, n]) => `${k} ${n}`);
    console.log(
      `${p.phase}: ${all.join(", ") || "no requests"}; table listings per model ` +
        `${p.tableListingsPerModel.min}–${p.tableListingsPerModel.max}; writes ${p.writes}`,
    );
  }
}

/** Detection lag per phase: after each load's end, the provider's first status read, and the first
 * resource the load served finishing. */
export function printLag(phases: PhaseSummary[]): void {
  const lagged = phases.filter((p) => p.completionLag || p.pollLag);
  const cell = (s: Spread | null) => (s ? `${f(s.median)} (${f(s.min)}–${f(s.max)}), ${s.n} loads` : "–");
  const rows = lagged.map((p) => [p.phase, cell(p.pollLag), cell(p.completionLag), `${p.unmatchedLoads}`]);
  const head = ["Detection lag, s", "First status read after the end", "First resource it served finished"];
  console.log(markdownTable([...head, "Loads no resource recorded"], rows));
}

export function printState(label: string, s: StateSize | null): void {
  if (!s) return console.log(`state ${label}: not measured`);
  console.log(
    `state ${label}: ${kb(s.fileBytes)}, ${s.resources} resources, ${kb(s.bytesPerResource)} per resource; ` +
      `__provider ${s.providerBytes} B × ${s.providerCopies} copies = ${(s.providerShare * 100).toFixed(0)}% of the file`,
  );
}

export function printTargets(targets: Target[]): void {
  const rows = targets.map((t) => [
    t.name,
    `${g(t.measured)}${t.unit}`,
    `≤ ${g(t.limit)}${t.unit}`,
    t.how,
    t.pass ? "pass" : "MISS",
  ]);
  console.log(markdownTable(["Target", "Measured", "Limit", "From", "Result"], rows));
}

export function printReplay(r: ScheduleReplay): void {
  const ratio = (a: number, b: number) => `${f(a, 0)} / ${f(b, 0)}`;
  console.log("Replayed with the provider's poll function; loads ending within ±25% of their history:");
  const rows = r.withHistory.map((w) => [
    `${w.lengthSeconds} s`,
    ratio(w.provider.requests, w.reference.requests),
    f(w.requestsRatio),
    `${f(w.provider.lagSeconds)} vs ${f(w.reference.lagSeconds)}`,
  ]);
  console.log(
    markdownTable(
      ["History", "Requests, provider / pycelonis", "Ratio", "Lag s, provider vs pycelonis"],
      rows,
    ),
  );
  console.log(
    `loads under a minute: median lag ${f(r.withHistoryMedianLagSeconds)} s; loads of 1 min or more ending at ` +
      `their history: worst length ${f(r.long.worstRequestsRatio)} × pycelonis's requests, ${f(r.long.worstMedianLagSeconds)} s ` +
      `lag; ending anywhere within ±25%, all together ${f(r.long.requestsRatio)} ×, ${f(r.long.medianLagSeconds)} s ` +
      `median lag (pycelonis ${f(r.long.pycelonisMedianLagSeconds)} s)`,
  );
  console.log("\nWithout history, the provider now vs its 0.1.0 schedule:");
  const none = r.withoutHistory.map((w) => [
    `${w.lengthSeconds} s ±25%`,
    ratio(w.provider.requests, w.reference.requests),
    `${f(w.provider.lagSeconds)} vs ${f(w.reference.lagSeconds)}`,
  ]);
  console.log(markdownTable(["Load", "Requests, now / before", "Lag s, now vs before"], none));
}

export function printMeasured(rows: MeasuredRow[], reps: number): void {
  console.log(`Measured against the emulator (median of ${reps} per cell, schedules taking turns):`);
  const keys = [...new Set(rows.map((r) => `${r.historySeconds}|${r.durationSeconds}`))];
  const cell = (k: string, s: string) => {
    const r = rows.find((x) => `${x.historySeconds}|${x.durationSeconds}` === k && x.schedule === s);
    return r ? `${f(r.requests, 1)} reads, ${f(r.lagSeconds)} s` : "–";
  };
  const table = keys.map((k) => {
    const [h, d] = k.split("|");
    return [`${h} s`, `${d} s`, cell(k, "provider"), cell(k, "pycelonis")];
  });
  console.log(markdownTable(["History", "Load", "Provider: reads, lag", "pycelonis: reads, lag"], table));
}

export function printConcurrent(r: ConcurrentResult): void {
  console.log(
    `One lone stack's up: ${f(r.lone.upSeconds, 1)} s, ${r.lone.loads} load(s) of ${r.loadMs / 1000} s.`,
  );
  const rows = r.cases.map((c) => [
    `${c.stacks}`,
    c.scope === "whole" ? "whole model" : "one table each",
    `${c.loads}`,
    `${f(c.slowestUpSeconds, 1)} s`,
    `${f(c.slowestVsLone, 1)} ×`,
    `${c.overlappingLoads}`,
    `${c.failedUps}`,
  ]);
  const head = ["Stacks", "Reload", "Loads started", "Slowest up", "× lone up", "Overlaps", "Failed ups"];
  console.log(markdownTable(head, rows));
}
