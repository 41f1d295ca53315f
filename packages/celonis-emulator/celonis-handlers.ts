// The Celonis endpoints' handlers: each turns a matched request into a call on the in-memory Celonis
// and an answer (docs/celonis-api.md has the contract). Authentication and scope are checked before
// these run (server.ts); pool permission is checked here, after the pool is known to exist.
import type { Principal } from "./auth";
import type { EmulatorCore } from "./core";
import { ApiError, frontendError } from "./api-error";
import type { Reply } from "./faults";
import type { RequestLogEntry } from "./request-log";

/** What a handler gets from the server. */
export interface RouteRequest {
  /** Path parameters, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: Buffer;
  /** The Authorization header (the token endpoint reads client credentials from it). */
  authorization: string | undefined;
  /** Who called (Celonis routes; the token endpoint authenticates its client itself). */
  principal: Principal;
  /** The request's log entry (API routes only). */
  entry?: RequestLogEntry;
}

const NO_CONTENT: Reply = { status: 204 };
const ok = (body: unknown): Reply => ({ status: 200, body });

/** A boolean query flag (`true`/`false`, any case); anything else → 400 INVALID_REQUEST_PARAMETER. */
function flag(q: URLSearchParams, name: string, dflt: boolean): boolean {
  const v = q.get(name);
  if (v === null || v === "") return dflt;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw frontendError("INVALID_REQUEST_PARAMETER", {
    parameter: name,
    value: v,
    message: `${name} must be true or false`,
  });
}

/** The pool of the path, if it exists (else 404) and the caller may use it (else 403, no body). */
function usePool(req: RouteRequest, emu: EmulatorCore): { poolId: string; modelId: string } {
  const { poolId, dataModelId } = req.params;
  emu.state.getPool(poolId);
  if (!emu.auth.canUsePool(req.principal, poolId)) throw new ApiError(403, undefined);
  return { poolId, modelId: dataModelId };
}

/** partial-sync's body: a JSON array of table config ids (logged, since ids are no secret). */
function tableIds(req: RouteRequest): string[] {
  const invalid = () =>
    frontendError("INVALID_REQUEST_BODY", { message: "Body must be a JSON array of table config ids" });
  let ids: unknown;
  try {
    ids = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw invalid();
  }
  if (req.entry) req.entry.body = ids;
  if (!Array.isArray(ids) || !ids.every((x): x is string => typeof x === "string")) throw invalid();
  return ids;
}

// ---------------------------------------------------------------- v1 Process Data Model API

/** A whole-model load: COMPLETE when the flag (`fullReload` / `forceComplete`) is true, else FROM_CACHE. */
function wholeModelLoad(req: RouteRequest, emu: EmulatorCore, name: string, dflt: boolean): Reply {
  const { poolId, modelId } = usePool(req, emu);
  const complete = flag(req.query, name, dflt);
  emu.state.trigger(poolId, modelId, { loadType: complete ? "COMPLETE" : "FROM_CACHE" });
  return NO_CONTENT;
}

export const load = (req: RouteRequest, emu: EmulatorCore): Reply =>
  wholeModelLoad(req, emu, "fullReload", true);

/** Listed tables reload completely, the rest from cache, whatever `fullReload` says. */
export function partialSync(req: RouteRequest, emu: EmulatorCore): Reply {
  const { poolId, modelId } = usePool(req, emu);
  emu.state.checkModel(poolId, modelId); // 404 before body errors
  flag(req.query, "fullReload", true); // validated only
  emu.state.trigger(poolId, modelId, { loadType: "PARTIAL", tableIds: tableIds(req) });
  return NO_CONTENT;
}

export function tables(req: RouteRequest, emu: EmulatorCore): Reply {
  const { poolId, modelId } = usePool(req, emu);
  return ok(emu.state.tables(poolId, modelId));
}

/** The newest load, or 204 with no body for a model never loaded. */
export function lastLoad(req: RouteRequest, emu: EmulatorCore): Reply {
  const { poolId, modelId } = usePool(req, emu);
  if (emu.disableV1LastLoad) return { status: 404, body: "Not Found" };
  const last = emu.state.lastLoad(poolId, modelId);
  return last ? ok(last) : NO_CONTENT;
}

// ---------------------------------------------------------------- older endpoints

/** Only the pools the caller may use. */
export function pools(req: RouteRequest, emu: EmulatorCore): Reply {
  return ok(emu.state.listPools().filter((p) => emu.auth.canUsePool(req.principal, p.id)));
}

export function pool(req: RouteRequest, emu: EmulatorCore): Reply {
  return ok(emu.state.getPool(usePool(req, emu).poolId));
}

export function models(req: RouteRequest, emu: EmulatorCore): Reply {
  return ok(emu.state.listModels(usePool(req, emu).poolId));
}

export function model(req: RouteRequest, emu: EmulatorCore): Reply {
  const { poolId, modelId } = usePool(req, emu);
  return ok(emu.state.getModel(poolId, modelId));
}

export function loadInfoSync(req: RouteRequest, emu: EmulatorCore): Reply {
  const { poolId, modelId } = usePool(req, emu);
  return ok(emu.state.loadInfoSync(poolId, modelId));
}

/** `forceComplete` defaults to false here: a from-cache load. */
export const reload = (req: RouteRequest, emu: EmulatorCore): Reply =>
  wholeModelLoad(req, emu, "forceComplete", false);

export function cancelLoad(req: RouteRequest, emu: EmulatorCore): Reply {
  const { poolId, modelId } = usePool(req, emu);
  emu.state.cancel(poolId, modelId);
  return NO_CONTENT;
}

// ---------------------------------------------------------------- OAuth

/** Client credentials grant (the server has logged how the client authenticated). */
export function token(req: RouteRequest, emu: EmulatorCore): Reply {
  return emu.auth.token(req.authorization, new URLSearchParams(req.body.toString("utf8")));
}
