// Reads Celonis's discovery answers (`GET /integration/api/pools`, `…/pools/{poolId}/data-models`)
// into the few fields lookups by name need, and gathers them across pages. Paging of these
// endpoints is not documented: pycelonis reads them as one JSON array, Celonis's content-cli uses
// a separate `…/pools/paged?limit=&page=` route. So an array is the whole list; an object that wraps
// a list (`content`, `items`, `data` or `pageItems`) is a page, and when it says there are more
// (`totalCount`/`total`/`totalElements` above what came), the next pages are asked for with
// `page=<n>&pageSize=<size>` (n counted from 0, the first answer being page 0) until the total is
// reached, a page comes empty, or a page repeats (the server ignored the parameters). Pure.

/** A data pool as lookups see it. */
export interface PoolSummary {
  id: string;
  name: string;
}

/** A data model as lookups see it. */
export interface DataModelSummary {
  id: string;
  poolId: string;
  name: string;
}

/** One answer: its items, and the total when it is a page that says so. */
export interface Page {
  items: unknown[];
  /** The number of items across all pages, when a paged answer gives it. */
  total: number | null;
  /** The page size the server used, when it says so. */
  pageSize: number | null;
}

/** Most pages read for one list: a guard against a server that never stops. */
export const MAX_PAGES = 100;

const LIST_FIELDS = ["content", "items", "data", "pageItems"] as const;
const TOTAL_FIELDS = ["totalCount", "total", "totalElements"] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const count = (v: unknown): number | null =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : null;

/** An answer as a page, or null when it is neither a list nor an object wrapping one. */
export function parsePage(raw: unknown): Page | null {
  if (Array.isArray(raw)) return { items: raw, total: null, pageSize: null };
  if (!isRecord(raw)) return null;
  const field = LIST_FIELDS.find((f) => Array.isArray(raw[f]));
  if (!field) return null;
  const total = TOTAL_FIELDS.map((f) => count(raw[f])).find((n) => n !== null) ?? null;
  return { items: raw[field] as unknown[], total, pageSize: count(raw.pageSize) ?? count(raw.size) };
}

/** The query string asking for page `n` (from 0) of `pageSize` items. */
export function pageQuery(n: number, pageSize: number): string {
  return `page=${n}&pageSize=${pageSize}`;
}

/**
 * Every item of a list, reading further pages with `fetchPage(query)` while the first says there
 * are more. `fetchPage(null)` is the first request (no paging parameters).
 */
export async function readAllPages(
  fetchPage: (query: string | null) => Promise<Page>,
  idOf: (item: unknown) => string | null,
): Promise<unknown[]> {
  const first = await fetchPage(null);
  const items = [...first.items];
  if (first.total === null || items.length >= first.total || items.length === 0) return items;
  const size = first.pageSize ?? items.length;
  const seen = new Set(items.map(idOf));
  for (let n = 1; n < MAX_PAGES && items.length < first.total; n++) {
    const page = await fetchPage(pageQuery(n, size));
    const fresh = page.items.filter((i) => !seen.has(idOf(i)));
    if (fresh.length === 0) break;
    fresh.forEach((i) => seen.add(idOf(i)));
    items.push(...fresh);
  }
  return items;
}

const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** The id of a listed item, or null. */
export const itemId = (raw: unknown): string | null => (isRecord(raw) ? text(raw.id) : null);

/** Pools from a list of pool objects; entries without an id are dropped, a missing name is "". */
export function parsePools(items: readonly unknown[]): PoolSummary[] {
  return items.filter(isRecord).flatMap((p) => {
    const id = text(p.id);
    return id ? [{ id, name: typeof p.name === "string" ? p.name : "" }] : [];
  });
}

/** Data models of `poolId` from a list of data model objects (their own poolId wins when set). */
export function parseDataModels(items: readonly unknown[], poolId: string): DataModelSummary[] {
  return items.filter(isRecord).flatMap((m) => {
    const id = text(m.id);
    if (!id) return [];
    return [{ id, poolId: text(m.poolId) ?? poolId, name: typeof m.name === "string" ? m.name : "" }];
  });
}
