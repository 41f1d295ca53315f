// Every route the emulator answers, Celonis's and the control API's, in one table that reads like
// the API's documentation (docs/celonis-api.md, this package's README.md): method, path, handler. The
// path decides how a request is treated: `/integration/…` needs a credential, `/oauth2/token`
// authenticates its client itself, `/_emulator/…` is the control API (no auth, not logged, never faulted).
import * as api from "./celonis-handlers";
import type { RouteRequest } from "./celonis-handlers";
import * as control from "./control-handlers";
import type { EmulatorCore } from "./core";
import { ApiError } from "./api-error";
import type { Reply } from "./faults";

export type Handler = (req: RouteRequest, emu: EmulatorCore) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  /** With `{name}` parameters, e.g. `/integration/api/pools/{poolId}`. */
  path: string;
  handler: Handler;
  pattern: RegExp;
  params: string[];
}

function route(method: string, path: string, handler: Handler): Route {
  const params: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    params.push(name);
    return "([^/]+)";
  });
  return { method, path, handler, pattern: new RegExp(`^${source}$`), params };
}

const V1 = "/integration/api/v1/data-pools/{poolId}/data-models/{dataModelId}";
const POOL = "/integration/api/pools/{poolId}";
const MODEL = `${POOL}/data-models/{dataModelId}`;

export const ROUTES: readonly Route[] = [
  // Celonis: the public Process Data Model API (v1)
  route("POST", `${V1}/load`, api.load), // ?fullReload=true (COMPLETE) | false (FROM_CACHE) → 204
  route("POST", `${V1}/load/partial-sync`, api.partialSync), // ["<table config id>", …] → 204
  route("GET", `${V1}/tables`, api.tables), // → [table config]
  route("GET", `${V1}/last-load`, api.lastLoad), // → load record; 204 when never loaded
  // Celonis: the older integration endpoints (pycelonis and others use them)
  route("GET", "/integration/api/pools", api.pools), // → [pool] the caller may use
  route("GET", POOL, api.pool), // → pool
  route("GET", `${POOL}/data-models`, api.models), // → [data model]
  route("GET", MODEL, api.model), // → data model with tables[]
  route("GET", `${MODEL}/load-history/load-info-sync`, api.loadInfoSync), // → {loadInfo, loadHistory}
  route("POST", `${MODEL}/reload`, api.reload), // ?forceComplete=false (FROM_CACHE) | true → 204
  route("POST", `${MODEL}/cancel-load`, api.cancelLoad), // → 204
  // Celonis: OAuth client credentials
  route("POST", "/oauth2/token", api.token), // form grant_type, scope → {access_token, …}
  // Control API
  route("GET", "/_emulator/health", control.health),
  route("GET", "/_emulator/requests", control.requests),
  route("DELETE", "/_emulator/requests", control.clearRequests),
  route("GET", "/_emulator/faults", control.faults),
  route("POST", "/_emulator/faults", control.addFaults), // a rule or an array of rules
  route("DELETE", "/_emulator/faults", control.clearFaults),
  route("PUT", "/_emulator/behaviour/{modelId}", control.setBehaviour), // modelId or *
  route("POST", "/_emulator/models/{modelId}/loads", control.startLoad), // {loadType?, tableIds?} → 201
  route("GET", "/_emulator/models/{modelId}/loads", control.loads),
  route("GET", "/_emulator/clock", control.clock),
  route("PUT", "/_emulator/clock", control.setClock), // {offsetMs}: the clock-offset fault
  route("POST", "/_emulator/tokens/expire", control.expireTokens),
  route("POST", "/_emulator/reset", control.reset),
];

export type RouteMatch =
  | { kind: "route"; route: Route; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "none" };

/** The route for a method and path (trailing slashes ignored); path parameters decoded. */
export function matchRoute(method: string, path: string): RouteMatch {
  const found = ROUTES.flatMap((r) => {
    const m = r.pattern.exec(path);
    return m ? [{ r, m }] : [];
  });
  const hit = found.find(({ r }) => r.method === method);
  if (!hit)
    return found.length > 0
      ? { kind: "wrong-method", allowed: found.map(({ r }) => r.method) }
      : { kind: "none" };
  const params: Record<string, string> = {};
  hit.r.params.forEach((name, i) => (params[name] = decode(hit.m[i + 1])));
  return { kind: "route", route: hit.r, params };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ApiError(400, "Malformed path");
  }
}

/** `/a/b/` → `/a/b` (the root stays `/`). */
export function normalizePath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, "") || "/" : pathname;
}

export const isControlPath = (path: string): boolean =>
  path === "/_emulator" || path.startsWith("/_emulator/");
export const needsCredential = (path: string): boolean =>
  path === "/integration" || path.startsWith("/integration/");
