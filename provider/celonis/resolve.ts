// Users name tables ("ACTIVITIES", an alias, or a table config id); partial-sync wants ids. This
// maps references to table configs — exact before case-insensitive, ambiguity is an error, whitespace
// always counts ("Kunden" and "Kunden " are two tables) — and suggests close names for typos, so
// preview can fail with "did you mean…"; a suggestion is never taken in the reference's place.
// Pure; no I/O.

import { distance } from "fastest-levenshtein";
import type { ResolvedTable, TableConfig } from "./types";
import type { AmbiguousTableRef, UnknownTableRef } from "./errors";

export interface ResolveResult {
  /** One entry per resolved ref, in the order the refs were given (duplicates kept). */
  resolved: ResolvedTable[];
  unknown: UnknownTableRef[];
  ambiguous: AmbiguousTableRef[];
}

/** How many suggestions an unknown ref gets at most. */
const MAX_SUGGESTIONS = 3;

/** The names a table can be written as, in order of precedence for exact matching. */
function exactTiers(t: TableConfig): ((ref: string) => boolean)[] {
  return [
    (r) => r === t.id,
    (r) => r === t.aliasOrName,
    (r) => r === t.name,
    (r) => t.alias !== null && r === t.alias,
  ];
}

function namesOf(t: TableConfig): string[] {
  return [t.aliasOrName, t.name, t.alias, t.id].filter((s): s is string => typeof s === "string" && s !== "");
}

function uniqueById(tables: TableConfig[]): TableConfig[] {
  const seen = new Set<string>();
  return tables.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
}

type Match = { kind: "one"; table: TableConfig } | { kind: "many"; tables: TableConfig[] } | { kind: "none" };

/**
 * Finds the table a ref means. Exact matches are tried tier by tier (id, aliasOrName, name, alias);
 * the first tier with one table wins, a tier with several is ambiguous. Then a case-insensitive
 * match on any of them, which must be unique.
 */
export function matchTable(ref: string, tables: TableConfig[]): Match {
  for (let tier = 0; tier < 4; tier++) {
    const hits = uniqueById(tables.filter((t) => exactTiers(t)[tier](ref)));
    if (hits.length === 1) return { kind: "one", table: hits[0] };
    if (hits.length > 1) return { kind: "many", tables: hits };
  }
  const lower = ref.toLowerCase();
  const hits = uniqueById(tables.filter((t) => namesOf(t).some((n) => n.toLowerCase() === lower)));
  if (hits.length === 1) return { kind: "one", table: hits[0] };
  if (hits.length > 1) return { kind: "many", tables: hits };
  return { kind: "none" };
}

/**
 * Up to three names close to `ref`: by edit distance (case-insensitive, within about a third of the
 * length), plus names that start with or contain it (or that it contains). Closest first.
 */
export function suggestTables(ref: string, tables: TableConfig[], max = MAX_SUGGESTIONS): string[] {
  const q = ref.toLowerCase();
  if (!q.trim()) return [];
  const candidates = new Map<string, number>(); // display name → score (lower is better)
  for (const t of tables) {
    for (const name of [t.aliasOrName, t.name, t.alias]) {
      if (typeof name !== "string" || name === "") continue;
      const n = name.toLowerCase();
      const d = distance(q, n);
      const limit = q.length <= 3 ? 1 : Math.max(2, Math.floor(Math.max(q.length, n.length) / 3));
      let score: number | undefined;
      if (d <= limit) score = d;
      if (n.startsWith(q) || q.startsWith(n)) score = Math.min(score ?? Infinity, 0.5 + d / 100);
      else if (q.length >= 3 && (n.includes(q) || (n.length >= 3 && q.includes(n)))) {
        score = Math.min(score ?? Infinity, 1.5 + d / 100);
      }
      if (score === undefined) continue;
      const prev = candidates.get(name);
      if (prev === undefined || score < prev) candidates.set(name, score);
    }
  }
  return [...candidates.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([name]) => name);
}

/** Resolves every ref; unknown and ambiguous refs are collected, not thrown. */
export function resolveTables(refs: readonly string[], tables: TableConfig[]): ResolveResult {
  const out: ResolveResult = { resolved: [], unknown: [], ambiguous: [] };
  for (const ref of refs) {
    const m = matchTable(ref, tables);
    if (m.kind === "one") out.resolved.push({ ref, id: m.table.id, name: m.table.aliasOrName });
    else if (m.kind === "many") {
      out.ambiguous.push({ ref, candidates: m.tables.map((t) => `${t.aliasOrName} (id ${t.id})`) });
    } else out.unknown.push({ ref, suggestions: suggestTables(ref, tables) });
  }
  return out;
}

/** The names to show as "valid tables" in an error. */
export function tableNames(tables: readonly TableConfig[]): string[] {
  return tables.map((t) => t.aliasOrName);
}
