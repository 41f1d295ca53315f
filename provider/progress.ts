// How the progress lines of a reload read, the same for a resource's own lines (runner.ts) and for
// the lines of a shared load (batch.ts).

import { isTerminal } from "./celonis/status";
import type { LoadProgress } from "./celonis/types";

/** What every line about a model starts with (the full id: seeded and real model ids often share a prefix). */
export function modelLabel(dataModelId: string): string {
  return `celonis model ${dataModelId}`;
}

/** A load id as progress lines show it: its first 8 characters. */
export function shortId(id: string | null): string {
  return id ? id.slice(0, 8) : "(not visible yet)";
}

/**
 * The line for a progress report of the client's wait, or null for the report of a load's end (that
 * gets its own line, with the verdict).
 */
export function progressLine(p: LoadProgress): string | null {
  if (p.status !== "NOT_STARTED" && isTerminal(p.status)) return null;
  const expected = p.expectedSeconds !== null ? `, expected ~${Math.round(p.expectedSeconds)}s` : "";
  return `load ${shortId(p.loadId)} ${p.status}, ${Math.round(p.elapsedSeconds)}s elapsed${expected}`;
}
