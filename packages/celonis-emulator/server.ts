// The emulator as an HTTP server: `startEmulator()` builds its parts (core.ts), serves the route table
// (routes.ts) on node:http and stops cleanly. A Celonis request is logged, gets its fault rule
// (fault-pipeline.ts) and, for `/integration/…`, must carry a credential; control requests do not.
// Binds to 127.0.0.1 by default; this is what tests, the CLI, the demo and the examples use.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { RouteRequest } from "./celonis-handlers";
import type { Principal } from "./auth";
import type { LoadBehaviour } from "./behaviour";
import { skewed, validateOffset } from "./clock-offset";
import { createCore, type EmulatorCore, type EmulatorOptions } from "./core";
import { DROPPED, withFault } from "./fault-pipeline";
import { describeFault, type FaultRule, type Reply } from "./faults";
import { HttpError, errorReply, readBody, writeReply } from "./http-io";
import type { RequestLogEntry } from "./request-log";
import { isControlPath, matchRoute, needsCredential, normalizePath, type RouteMatch } from "./routes";
import type { EmulatorState } from "./state";
import type { LoadRecord, LoadType } from "./wire";

export type { EmulatorOptions } from "./core";
export type { RequestLogEntry } from "./request-log";

export interface Emulator {
  url: string;
  port: number;
  state: EmulatorState;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  setBehaviour(modelId: string | "*", b: LoadBehaviour): void;
  /** Start a load "outside Pulumi" (never queued; throws ApiError 400 if a load is running). */
  startLoad(modelId: string, loadType?: LoadType): LoadRecord;
  /** Visible load records of a model, oldest first: every load the emulator started or was seeded with. */
  loads(modelId: string): LoadRecord[];
  requests(): RequestLogEntry[];
  clearRequests(): void;
  expireTokens(): void;
  /** The clock-offset fault: the API's clock runs `ms` ahead of the true time (negative: behind). */
  setClockOffset(ms: number): void;
  /** Back to the seed: loads, behaviours, faults, the log and issued tokens. */
  reset(): void;
  stop(): Promise<void>;
}

type HandlerInput = Omit<RouteRequest, "params">;

/** The answer of a route, or 404/405 when none matched; a thrown error becomes its answer. */
async function answer(emu: EmulatorCore, match: RouteMatch, req: HandlerInput): Promise<Reply> {
  try {
    if (match.kind === "none") throw new HttpError(404, "Not Found");
    if (match.kind === "wrong-method") throw new HttpError(405, "Method Not Allowed");
    return await match.route.handler({ ...req, params: match.params }, emu);
  } catch (e) {
    return errorReply(e);
  }
}

/** A Celonis request: logged, faulted, authenticated for `/integration/…`, then routed. */
async function serveApi(emu: EmulatorCore, req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
  const method = (req.method ?? "GET").toUpperCase();
  const path = normalizePath(url.pathname);
  const entry = emu.log.begin(method, url);
  const finish = (reply: Reply): void => {
    emu.log.finish(entry, reply.status);
    writeReply(res, skewed(reply, emu.now(), emu.clockOffsetMs));
  };
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (e) {
    return finish(errorReply(e));
  }
  const authorization = req.headers.authorization;
  const principal = emu.auth.authenticate(authorization);
  entry.auth =
    path === "/oauth2/token"
      ? emu.auth.classifyTokenRequest(authorization, new URLSearchParams(body.toString("utf8")))
      : principal.kind;
  const rule = emu.faults.take(method, url.pathname + url.search);
  if (rule) entry.fault = describeFault(rule);
  const route = async (): Promise<Reply> => {
    const refused = needsCredential(path) ? emu.auth.refuse(principal) : undefined;
    if (refused) return refused;
    return answer(emu, matchRoute(method, path), {
      query: url.searchParams,
      body,
      authorization,
      principal,
      entry,
    });
  };
  const result = await withFault(rule, route, (ms) => emu.timers.sleep(ms));
  if (result !== DROPPED) return finish(result);
  emu.log.finish(entry, 0);
  req.socket.destroy();
}

/** A control request: routed, never logged or faulted; errors are JSON `{error}`. */
async function serveControl(
  emu: EmulatorCore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
) {
  const method = (req.method ?? "GET").toUpperCase();
  const path = normalizePath(url.pathname);
  const match = matchRoute(method, path);
  let reply: Reply;
  if (match.kind === "none") reply = { status: 404, body: { error: `no control route ${method} ${path}` } };
  else if (match.kind === "wrong-method")
    reply = { status: 405, body: { error: `use ${match.allowed.join(" or ")} for ${path}` } };
  else {
    const body = await readBody(req).catch((e: unknown) => e as Error);
    reply =
      body instanceof Error
        ? errorReply(body)
        : await answer(emu, match, {
            query: url.searchParams,
            body,
            authorization: undefined,
            principal: NOBODY,
          });
  }
  writeReply(res, reply);
}

const NOBODY: Principal = { kind: "none", id: null, scopes: null };

function handler(emu: EmulatorCore): http.RequestListener {
  return (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://emulator.invalid");
    } catch {
      return writeReply(res, { status: 400, body: "Bad Request" });
    }
    const serve = isControlPath(url.pathname) ? serveControl : serveApi;
    serve(emu, req, res, url).catch((e: unknown) => writeReply(res, errorReply(e)));
  };
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts an emulator; `stop()` closes it and cancels every timer. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emu = createCore(opts);
  const server = http.createServer(handler(emu));
  const host = opts.host ?? "127.0.0.1";
  const port = await listen(server, opts.port ?? 0, host);
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    state: emu.state,
    addFault: (rule) => emu.faults.add(rule),
    clearFaults: () => emu.faults.clear(),
    setBehaviour: (modelId, b) => emu.state.setBehaviour(modelId, b),
    startLoad: (modelId, loadType) => emu.state.startLoad(modelId, loadType),
    loads: (modelId) => emu.state.loads(modelId),
    requests: () => emu.log.list(),
    clearRequests: () => emu.log.clear(),
    expireTokens: () => emu.auth.expireAll(),
    setClockOffset: (ms) => {
      emu.clockOffsetMs = validateOffset(ms);
    },
    reset: () => emu.reset(),
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        emu.state.stop();
        emu.timers.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
