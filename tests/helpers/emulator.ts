// Helpers for tests that talk to the emulator over HTTP: the demo seed's fixed ids, a small fetch
// wrapper that returns status/headers/text/json in one object, and polling/waiting utilities.
// Any test (emulator, client, provider) may import these.
import type { Emulator, LoadRecord } from "../../packages/celonis-emulator";

/** Fixed ids of packages/celonis-emulator/seed/demo.json. */
export const DEMO = {
  pool: "d0000000-0000-4000-a000-000000000001",
  financePool: "d0000000-0000-4000-a000-000000000002",
  /** "P2P Demo Model": 9 tables, one seeded SUCCESS/COMPLETE load. */
  model: "d1000000-0000-4000-a000-000000000001",
  /** "O2C Sales Model" (pool 1): never loaded; aliases like O2C_VBAK → SALES_ORDERS. */
  o2cModel: "d1000000-0000-4000-a000-000000000002",
  /** "AP Invoice Model" (finance pool): history COMPLETE/SUCCESS, PARTIAL/ERROR, FROM_CACHE/SUCCESS. */
  apModel: "d1000000-0000-4000-a000-000000000003",
  /** The seeded load of the demo model. */
  seededLoadId: "d3000000-0000-4000-a000-000000000001",
  tables: {
    ACTIVITIES: "d2000000-0000-4000-a000-000000000101",
    CASES: "d2000000-0000-4000-a000-000000000102",
    VENDORS: "d2000000-0000-4000-a000-000000000103", // name LFA1
    MATERIALS: "d2000000-0000-4000-a000-000000000104", // name MARA
    PURCHASE_ORDERS: "d2000000-0000-4000-a000-000000000105", // name EKKO
    ORDER_ITEMS: "d2000000-0000-4000-a000-000000000106", // name EKPO
    INVOICES: "d2000000-0000-4000-a000-000000000107",
    PAYMENTS: "d2000000-0000-4000-a000-000000000108",
    USERS: "d2000000-0000-4000-a000-000000000109",
  },
  apiKey: "demo-api-key",
  appKey: "demo-app-key",
  clientId: "demo-client",
  clientSecret: "demo-secret",
} as const;

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export interface CallInit {
  method?: string;
  /** Full Authorization header value, e.g. "Bearer k". */
  auth?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One HTTP call to the emulator; a JSON body is serialized unless it is already a string. */
export async function call(base: string | Emulator, path: string, init: CallInit = {}): Promise<CallResult> {
  const url = (typeof base === "string" ? base : base.url) + path;
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.auth) headers.authorization = init.auth;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    if (!headers["content-type"]) headers["content-type"] = "application/json";
  }
  const res = await fetch(url, { method: init.method ?? "GET", headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** v1 path of a data model action (`load`, `load/partial-sync`, `tables`, `last-load`). */
export function v1(pool: string, model: string, action: string): string {
  return `/integration/api/v1/data-pools/${pool}/data-models/${model}/${action}`;
}

/** Legacy path of a data model (optionally with an action like `reload` or `cancel-load`). */
export function legacy(pool: string, model: string, action?: string): string {
  return `/integration/api/pools/${pool}/data-models/${model}${action ? `/${action}` : ""}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

/** Poll `fn` every `everyMs` until it returns a truthy value or `timeoutMs` passes (then throws). */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 5000,
  everyMs = 10,
): Promise<Truthy<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as Truthy<T>;
    if (Date.now() > end) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** The newest visible load of a model, straight from the emulator state. */
export function newest(emu: Emulator, modelId: string): LoadRecord | undefined {
  const all = emu.loads(modelId);
  return all[all.length - 1];
}

/** Wait until the newest load of a model has a terminal status (not RUNNING/CANCELLING/LOST_CONNECTION). */
export function waitForFinished(emu: Emulator, modelId: string, timeoutMs = 5000): Promise<LoadRecord> {
  return waitFor(() => {
    const l = newest(emu, modelId);
    return l && !["RUNNING", "CANCELLING", "LOST_CONNECTION"].includes(l.loadStatus) ? l : undefined;
  }, timeoutMs);
}

/** The API key the provider, host and e2e tests configure (searched for in outputs and state). */
export const TEST_API_KEY = "test-api-key-7d1f0c9e";
