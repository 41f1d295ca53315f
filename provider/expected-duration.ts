// How long a planned reload will probably take, for the preview: the model's average for that load
// type from its load history (load-info-sync's averageLoadTime), or null with the basis "unknown".
// Informational only: nothing decides on it, so diff, plan reuse and the journal key ignore it.
// Pure; the read of load-info-sync happens at the edge.

import { expectedDurationMs } from "./celonis/status";
import type { LoadInfoSync, LoadType } from "./celonis/types";

/** Where an expected duration comes from. */
export type DurationBasis = `history average of ${LoadType} loads` | "unknown";

/** The plan's expected duration: seconds (one decimal) or null, and its basis. */
export interface ExpectedDuration {
  expectedSeconds: number | null;
  basis: DurationBasis;
}

/** Nothing known: no history, no average for this type, or the history could not be read. */
export const UNKNOWN_DURATION: ExpectedDuration = { expectedSeconds: null, basis: "unknown" };

/**
 * The expected duration of a `loadType` load of the model whose load-info-sync is `info` (null or
 * undefined when it was not read). A partial reload is a PARTIAL load; the average is Celonis's own.
 */
export function expectedDuration(
  info: LoadInfoSync | null | undefined,
  loadType: LoadType | null | undefined,
): ExpectedDuration {
  const ms = expectedDurationMs(info, loadType);
  if (ms === null || !loadType) return UNKNOWN_DURATION;
  return {
    expectedSeconds: Math.round(ms / 100) / 10,
    basis: `history average of ${loadType.toUpperCase() as LoadType} loads`,
  };
}
