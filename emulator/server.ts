// The emulator's HTTP face: the Celonis routes of ../shared/celonis-api.md on node:http, the
// `/_emulator/` control API for tests and demos, fault injection and a credential-free request log.
// `startEmulator()` is what tests, the CLI and the examples use; it binds to 127.0.0.1 by default.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { LoadRecord, LoadStatus, LoadType } from "../provider/celonis/types";
import { AuthService, DEFAULT_CREDENTIALS, type AuthKind, type OAuthClient, type Principal } from "./auth";
import { FaultSet, describeFault, faultReply, validateFaultRule, type FaultRule, type Reply } from "./faults";
import { loadSeed, type Seed } from "./seed";
import { ApiError, EmulatorState, frontendError, validateBehaviour, type LoadBehaviour } from "./state";

export interface EmulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seed object or JSON file path; default the shipped emulator/seed/demo.json. */
  seed?: Seed | string;
  /** User API keys (`Authorization: Bearer <key>`). */
  apiKeys?: string[];
  /** Application keys (`Authorization: AppKey <key>`). */
  appKeys?: string[];
  /** OAuth clients for `POST /oauth2/token`. */
  oauthClients?: OAuthClient[];
  /** Lifetime of issued OAuth tokens; default 899 (as Celonis). */
  tokenLifetimeSeconds?: number;
  /** Default load duration; default 2000 ms. */
  loadMs?: number;
  /** Default final load status; default SUCCESS. */
  outcome?: LoadStatus;
  /** Queue a trigger that arrives while a load runs instead of answering 400. */
  queueTriggers?: boolean;
  /** Key or OAuth client id → pool ids it may use (others → 403). Keys not listed may use every pool. */
  poolAccess?: Record<string, string[]>;
  /** v1 `last-load` answers 404, so a client's fallback to load-info-sync can be tested. */
  disableV1LastLoad?: boolean;
  /** Called with one line per API request (no credentials in it). */
  log?: (line: string) => void;
}

/** One API request as the emulator saw it. Never holds a credential. */
export interface RequestLogEntry {
  /** Arrival time, epoch ms. */
  time: number;
  method: string;
  path: string;
  /** Query parameters; values of names like *token*, *secret*, *key* are "[redacted]". */
  query: Record<string, string>;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
  auth: AuthKind;
  /** Only for partial-sync: the JSON body (table config ids). */
  body?: unknown;
  /** The fault rule applied, e.g. "status:503", "rateLimit", "drop(after)". */
  fault?: string;
}

export interface Emulator {
  url: string;
  port: number;
  state: EmulatorState;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  setBehaviour(modelId: string | "*", b: LoadBehaviour): void;
  /** Start a load "outside Pulumi" (never queued; throws ApiError 400 if a load is running). */
  startLoad(modelId: string, loadType?: LoadType): LoadRecord;
  /** Visible load records of a model, oldest first. */
  loads(modelId: string): LoadRecord[];
  requests(): RequestLogEntry[];
  clearRequests(): void;
  expireTokens(): void;
  /** Back to the seed: loads, behaviours, faults, the log and issued tokens. */
  reset(): void;
  stop(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const OUTCOMES: readonly string[] = ["SUCCESS", "WARNING", "ERROR", "CANCELED", "LOST_CONNECTION"];
const SENSITIVE_QUERY = /secret|token|key|password|auth|credential|assertion/i;

const V1 =
  /^\/integration\/api\/v1\/data-pools\/([^/]+)\/data-models\/([^/]+)\/(load|load\/partial-sync|tables|last-load)$/;
const LEGACY_MODEL =
  /^\/integration\/api\/pools\/([^/]+)\/data-models\/([^/]+)(?:\/(load-history\/load-info-sync|reload|cancel-load))?$/;
const LEGACY_MODELS = /^\/integration\/api\/pools\/([^/]+)\/data-models$/;
const LEGACY_POOL = /^\/integration\/api\/pools\/([^/]+)$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, "Payload Too Large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function redactQuery(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of q) out[k] = SENSITIVE_QUERY.test(k) ? "[redacted]" : v;
  return out;
}

function parseBool(q: URLSearchParams, name: string, dflt: boolean): boolean {
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

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ApiError(400, "Malformed path");
  }
}

/** Turn a thrown error into a reply (ApiError as-is, anything else a Celonis-style 500). */
function errorReply(e: unknown): Reply {
  if (e instanceof ApiError) return { status: e.status, body: e.body };
  if (e instanceof HttpError) return { status: e.status, body: e.message };
  return faultReply({ kind: "status", status: 500 });
}

function writeReply(res: http.ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: string | undefined;
  if (reply.body !== undefined && reply.status !== 204) {
    if (typeof reply.body === "string") {
      headers["content-type"] = "text/plain;charset=UTF-8";
      payload = reply.body;
    } else {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(reply.body);
    }
  }
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const seed = loadSeed(opts.seed);
  const loadMs = opts.loadMs ?? 2000;
  if (!(Number.isFinite(loadMs) && loadMs >= 0)) throw new Error("loadMs must be a number >= 0");
  const outcome = opts.outcome ?? "SUCCESS";
  if (!OUTCOMES.includes(outcome)) throw new Error(`outcome must be one of ${OUTCOMES.join(", ")}`);
  const noKeys = opts.apiKeys === undefined && opts.appKeys === undefined && opts.oauthClients === undefined;
  const auth = new AuthService({
    apiKeys: opts.apiKeys ?? (noKeys ? [DEFAULT_CREDENTIALS.apiKey] : []),
    appKeys: opts.appKeys ?? (noKeys ? [DEFAULT_CREDENTIALS.appKey] : []),
    oauthClients:
      opts.oauthClients ??
      (noKeys
        ? [{ clientId: DEFAULT_CREDENTIALS.clientId, clientSecret: DEFAULT_CREDENTIALS.clientSecret }]
        : []),
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 899,
    poolAccess: opts.poolAccess ?? {},
  });
  const state = new EmulatorState(seed, { loadMs, outcome, queueTriggers: opts.queueTriggers === true });
  const faults = new FaultSet();
  let log: RequestLogEntry[] = [];
  const sleeps = new Set<NodeJS.Timeout>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        sleeps.delete(t);
        resolve();
      }, ms);
      t.unref();
      sleeps.add(t);
    });

  const record = (entry: RequestLogEntry): void => {
    log.push(entry);
    if (opts.log) {
      const qs = new URLSearchParams(entry.query).toString();
      opts.log(
        `${entry.method} ${entry.path}${qs ? `?${qs}` : ""} -> ${entry.status === 0 ? "dropped" : entry.status}` +
          ` auth=${entry.auth}${entry.fault ? ` fault=${entry.fault}` : ""} (${Date.now() - entry.time} ms)`,
      );
    }
  };

  // ------------------------------------------------------------------ Celonis routes

  /** Authenticated, pool-permitted access to a pool; unknown pool → 404, no permission → 403. */
  const usePool = (p: Principal, poolId: string): void => {
    state.getPool(poolId); // 404 first
    if (!auth.canUsePool(p, poolId)) throw new ApiError(403, undefined);
  };

  const integration = (
    method: string,
    path: string,
    q: URLSearchParams,
    raw: Buffer,
    p: Principal,
    entry: RequestLogEntry,
  ): Reply => {
    if (p.kind !== "bearer" && p.kind !== "appkey" && p.kind !== "oauth")
      return { status: 401, body: "Unauthorized" };
    if (!auth.hasDataScope(p)) return { status: 403 };
    const only = (m: string): void => {
      if (method !== m) throw new HttpError(405, "Method Not Allowed");
    };

    let m = V1.exec(path);
    if (m) {
      const [poolId, modelId, action] = [decode(m[1]), decode(m[2]), m[3]];
      usePool(p, poolId);
      switch (action) {
        case "load":
          only("POST");
          state.trigger(poolId, modelId, {
            loadType: parseBool(q, "fullReload", true) ? "COMPLETE" : "FROM_CACHE",
          });
          return { status: 204 };
        case "load/partial-sync": {
          only("POST");
          state.getModel(poolId, modelId); // 404 before body errors
          parseBool(q, "fullReload", true); // validated; listed tables always reload completely
          let ids: unknown;
          try {
            ids = JSON.parse(raw.toString("utf8"));
          } catch {
            throw frontendError("INVALID_REQUEST_BODY", {
              message: "Body must be a JSON array of table config ids",
            });
          }
          entry.body = ids;
          if (!Array.isArray(ids) || !ids.every((x): x is string => typeof x === "string"))
            throw frontendError("INVALID_REQUEST_BODY", {
              message: "Body must be a JSON array of table config ids",
            });
          state.trigger(poolId, modelId, { loadType: "PARTIAL", tableIds: ids });
          return { status: 204 };
        }
        case "tables":
          only("GET");
          return { status: 200, body: state.tables(poolId, modelId) };
        default: {
          only("GET");
          if (opts.disableV1LastLoad) return { status: 404, body: "Not Found" };
          const last = state.lastLoad(poolId, modelId);
          return last ? { status: 200, body: last } : { status: 204 };
        }
      }
    }

    if (path === "/integration/api/pools") {
      only("GET");
      return { status: 200, body: state.listPools().filter((pool) => auth.canUsePool(p, pool.id)) };
    }

    m = LEGACY_MODELS.exec(path);
    if (m) {
      only("GET");
      const poolId = decode(m[1]);
      usePool(p, poolId);
      return { status: 200, body: state.listModels(poolId) };
    }

    m = LEGACY_MODEL.exec(path);
    if (m) {
      const [poolId, modelId, action] = [decode(m[1]), decode(m[2]), m[3]];
      usePool(p, poolId);
      switch (action) {
        case undefined:
          only("GET");
          return { status: 200, body: state.getModel(poolId, modelId) };
        case "load-history/load-info-sync":
          only("GET");
          return { status: 200, body: state.loadInfoSync(poolId, modelId) };
        case "reload":
          only("POST");
          state.trigger(poolId, modelId, {
            loadType: parseBool(q, "forceComplete", false) ? "COMPLETE" : "FROM_CACHE",
          });
          return { status: 204 };
        default:
          only("POST");
          state.cancel(poolId, modelId);
          return { status: 204 };
      }
    }

    m = LEGACY_POOL.exec(path);
    if (m) {
      only("GET");
      const poolId = decode(m[1]);
      usePool(p, poolId);
      return { status: 200, body: state.getPool(poolId) };
    }
    return { status: 404, body: "Not Found" };
  };

  const api = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string) => {
    const entry: RequestLogEntry = {
      time: Date.now(),
      method,
      path: url.pathname,
      query: redactQuery(url.searchParams),
      status: 0,
      auth: "none",
    };
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const header = req.headers.authorization;
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (e) {
      const reply = errorReply(e);
      entry.status = reply.status;
      record(entry);
      if (!res.headersSent && !res.destroyed) writeReply(res, reply);
      return;
    }
    const isToken = path === "/oauth2/token";
    const form = isToken ? new URLSearchParams(raw.toString("utf8")) : new URLSearchParams();
    const principal = isToken ? null : auth.authenticate(header);
    entry.auth = isToken ? auth.classifyTokenRequest(header, form) : (principal as Principal).kind;

    const drop = (): void => {
      entry.status = 0;
      record(entry);
      req.socket.destroy();
    };
    const send = (reply: Reply): void => {
      entry.status = reply.status;
      record(entry);
      if (!res.destroyed) writeReply(res, reply);
    };

    const rule = faults.take(method, url.pathname + url.search);
    if (rule) entry.fault = describeFault(rule);
    if (rule && !rule.after) {
      if (rule.kind === "drop") return drop();
      if (rule.kind === "delay") await sleep(rule.delayMs ?? 0);
      else return send(faultReply(rule));
    }

    let reply: Reply;
    try {
      if (isToken) {
        if (method !== "POST") reply = { status: 405, body: "Method Not Allowed" };
        else {
          const t = auth.token(header, form);
          entry.auth = t.kind;
          reply = t.reply;
        }
      } else if (path === "/integration" || path.startsWith("/integration/")) {
        reply = integration(method, path, url.searchParams, raw, principal as Principal, entry);
      } else {
        reply = { status: 404, body: "Not Found" };
      }
    } catch (e) {
      reply = errorReply(e);
    }

    if (rule && rule.after) {
      if (rule.kind === "drop") return drop();
      if (rule.kind === "delay") await sleep(rule.delayMs ?? 0);
      else reply = faultReply(rule);
    }
    send(reply);
  };

  // ------------------------------------------------------------------ control API

  const control = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string) => {
    const path = url.pathname.replace(/\/+$/, "");
    const json = async (): Promise<unknown> => {
      const raw = (await readBody(req)).toString("utf8");
      if (raw.trim() === "") return undefined;
      try {
        return JSON.parse(raw);
      } catch {
        throw new ApiError(400, { error: "body is not valid JSON" });
      }
    };
    const bad = (e: unknown): never => {
      if (e instanceof ApiError) throw e;
      throw new ApiError(400, { error: (e as Error).message });
    };
    const routes: [string, RegExp, (m: RegExpExecArray) => Promise<Reply> | Reply][] = [
      ["GET", /^\/_emulator\/health$/, () => ({ status: 200, body: { ok: true } })],
      ["GET", /^\/_emulator\/requests$/, () => ({ status: 200, body: log })],
      [
        "DELETE",
        /^\/_emulator\/requests$/,
        () => {
          log = [];
          return { status: 204 };
        },
      ],
      ["GET", /^\/_emulator\/faults$/, () => ({ status: 200, body: faults.list() })],
      [
        "POST",
        /^\/_emulator\/faults$/,
        async () => {
          const body = await json();
          const rules = Array.isArray(body) ? body : [body];
          try {
            const valid = rules.map((r) => validateFaultRule(r));
            for (const r of valid) faults.add(r);
          } catch (e) {
            bad(e);
          }
          return { status: 204 };
        },
      ],
      [
        "DELETE",
        /^\/_emulator\/faults$/,
        () => {
          faults.clear();
          return { status: 204 };
        },
      ],
      [
        "PUT",
        /^\/_emulator\/behaviour\/([^/]+)$/,
        async (m) => {
          const body = (await json()) ?? {};
          try {
            state.setBehaviour(decode(m[1]), validateBehaviour(body));
          } catch (e) {
            bad(e);
          }
          return { status: 204 };
        },
      ],
      [
        "POST",
        /^\/_emulator\/models\/([^/]+)\/loads$/,
        async (m) => {
          const body = (await json()) ?? {};
          if (typeof body !== "object" || body === null || Array.isArray(body))
            throw new ApiError(400, { error: 'body must be an object like {"loadType":"COMPLETE"}' });
          const b = body as { loadType?: unknown; tableIds?: unknown };
          const loadType = b.loadType ?? "COMPLETE";
          if (loadType !== "COMPLETE" && loadType !== "FROM_CACHE" && loadType !== "PARTIAL")
            throw new ApiError(400, { error: "loadType must be COMPLETE, FROM_CACHE or PARTIAL" });
          if (
            b.tableIds !== undefined &&
            !(Array.isArray(b.tableIds) && b.tableIds.every((x) => typeof x === "string"))
          )
            throw new ApiError(400, { error: "tableIds must be an array of strings" });
          const rec = state.startLoad(decode(m[1]), loadType, b.tableIds as string[] | undefined);
          return { status: 201, body: rec };
        },
      ],
      [
        "GET",
        /^\/_emulator\/models\/([^/]+)\/loads$/,
        (m) => ({ status: 200, body: state.loads(decode(m[1])) }),
      ],
      [
        "POST",
        /^\/_emulator\/tokens\/expire$/,
        () => {
          auth.expireAll();
          return { status: 204 };
        },
      ],
      [
        "POST",
        /^\/_emulator\/reset$/,
        () => {
          resetAll();
          return { status: 204 };
        },
      ],
    ];
    let reply: Reply = { status: 404, body: { error: `no control route ${method} ${path}` } };
    try {
      for (const [rm, re, fn] of routes) {
        const m = re.exec(path);
        if (!m) continue;
        if (rm !== method) {
          reply = { status: 405, body: { error: `use ${rm} for ${path}` } };
          continue;
        }
        reply = await fn(m);
        break;
      }
    } catch (e) {
      reply = errorReply(e);
    }
    if (!res.destroyed) writeReply(res, reply);
  };

  const resetAll = (): void => {
    state.reset();
    faults.clear();
    auth.reset();
    log = [];
  };

  // ------------------------------------------------------------------ server

  const server = http.createServer((req, res) => {
    const method = (req.method ?? "GET").toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://emulator.invalid");
    } catch {
      writeReply(res, { status: 400, body: "Bad Request" });
      return;
    }
    const isControl = url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/");
    (isControl ? control(req, res, url, method) : api(req, res, url, method)).catch(() => {
      if (!res.headersSent && !res.destroyed) writeReply(res, faultReply({ kind: "status", status: 500 }));
    });
  });

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    state,
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    setBehaviour: (modelId, b) => state.setBehaviour(modelId, b),
    startLoad: (modelId, loadType) => state.startLoad(modelId, loadType),
    loads: (modelId) => state.loads(modelId),
    requests: () => structuredClone(log),
    clearRequests: () => {
      log = [];
    },
    expireTokens: () => auth.expireAll(),
    reset: resetAll,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        state.stop();
        for (const t of sleeps) clearTimeout(t);
        sleeps.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
