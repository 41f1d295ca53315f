// What the provider asks of Celonis, named for what users want: list and resolve tables, trigger a
// load without ever starting two, wait for *our* load with a deadline, find a load again by id or
// trigger time, wait for someone else's load. The calls and their fallbacks live here; the trigger
// protocol lives in trigger.ts, the decisions in the pure functions of status.ts, resolve.ts and
// retry.ts, and HTTP details in http.ts.

import type {
  IdleResult,
  LoadInfoSync,
  LoadProgress,
  LoadRecord,
  LoadRequest,
  LoadType,
  ResolvedTable,
  TableConfig,
  WaitResult,
} from "./types";
import {
  CancelledError,
  CelonisError,
  TableResolutionError,
  TriggerError,
  errorFromResponse,
  type ErrorContext,
} from "./errors";
import {
  CelonisHttp,
  sleepUnlessCancelled,
  type CelonisHttpOptions,
  type HttpRequest,
  type HttpResponse,
} from "./http";
import type { ServerTime } from "./server-clock";
import {
  itemId,
  parseDataModels,
  parsePage,
  parsePools,
  readAllPages,
  type DataModelSummary,
  type PoolSummary,
} from "./discovery";
import { parseJson, parseLoadInfo, parseLoadRecord, parseTables } from "./parse";
import { resolveTables as resolveRefs, tableNames } from "./resolve";
import {
  expectedDurationMs,
  isTerminal,
  latestLoadFromInfo,
  matchesLoad,
  nextPollDelayMs,
  findLoadIn,
  type LoadMatch,
} from "./status";
import { sendTrigger, type TriggerConfirmation, type TriggerDeps, type TriggerPolicy } from "./trigger";

/** How to reach Celonis: the HTTP layer's options (url, auth, timeouts, retries, test hooks). */
export interface CelonisClientOptions extends CelonisHttpOptions {
  /**
   * Trigger patience (see trigger.ts). Defaults: 4 attempts; after an attempt got no answer, watch
   * twice the request timeout for its load (60 s by default: long enough for a request still queued
   * in a proxy to arrive); after a 5xx answer, 5 s (at most that same window).
   */
  trigger?: Partial<TriggerPolicy>;
}

export interface WaitOptions {
  /** Which load is ours: by id, or the first new load after the trigger. */
  match: LoadMatch;
  /**
   * The model's average duration for this kind of load (ms), when the caller already read it; null
   * when Celonis has none. Undefined: read from the history once the load is seen.
   */
  expectedMs?: number | null;
  /** Epoch ms after which the wait returns `{outcome: "timeout"}` (the load keeps running). */
  deadline: number;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** Called once, when our load is first seen (its id is then known). */
  onSeen?: (load: LoadRecord) => void;
  /**
   * If no new load has appeared this long after the wait began and nothing is running that it could
   * be queued behind, the trigger is taken as ignored and a CelonisError is thrown. Default 120 s.
   */
  notVisibleGraceMs?: number;
  /** At most this long between two progress reports with nothing new. Default 10 s. */
  progressIntervalMs?: number;
}

export interface IdleOptions {
  deadline: number;
  /** Return ("changed") as soon as a load other than this one is running. */
  whileLoad?: string;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  progressIntervalMs?: number;
}

/** Options of one read: its deadline and cancellation. */
export interface ReadOptions {
  deadline?: number;
  signal?: AbortSignal;
}

/**
 * How long after its trigger a load may take to become visible in Celonis before we conclude the
 * trigger started nothing (a wait's default; the lifecycle's too, unless a trigger says otherwise).
 */
export const NOT_VISIBLE_GRACE_MS = 120_000;
const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;
/** A Celonis start date older than this is not used for "elapsed" (it would be a clock problem). */
const MAX_SANE_ELAPSED_MS = 7 * 24 * 3600_000;

const enc = encodeURIComponent;
const v1Path = (poolId: string, dataModelId: string): string =>
  `/integration/api/v1/data-pools/${enc(poolId)}/data-models/${enc(dataModelId)}`;
const legacyPath = (poolId: string, dataModelId: string): string =>
  `/integration/api/pools/${enc(poolId)}/data-models/${enc(dataModelId)}`;

const isOk = (res: HttpResponse): boolean => res.status >= 200 && res.status < 300;

/** What the trigger call is called in messages. Pure. */
export function triggerCallName(req: LoadRequest): string {
  switch (req.kind) {
    case "COMPLETE":
      return "trigger complete load";
    case "FROM_CACHE":
      return "trigger load from cache";
    case "PARTIAL":
      return "trigger partial load";
  }
}

/** Path, query and body of a trigger. Pure. */
export function triggerRequest(
  poolId: string,
  dataModelId: string,
  req: LoadRequest,
): { path: string; query: Record<string, string>; json?: string[] } {
  const base = v1Path(poolId, dataModelId);
  switch (req.kind) {
    case "COMPLETE":
      return { path: `${base}/load`, query: { fullReload: "true" } };
    case "FROM_CACHE":
      return { path: `${base}/load`, query: { fullReload: "false" } };
    case "PARTIAL":
      return { path: `${base}/load/partial-sync`, query: { fullReload: "true" }, json: [...req.tableIds] };
  }
}

/** A Celonis team, reached with one credential. */
export class CelonisClient {
  private readonly http: CelonisHttp;
  private readonly triggerPolicy: TriggerPolicy;
  /** Set once `…/v1/…/last-load` answered 404/405/501 for a model that exists: use load-info-sync. */
  private v1LastLoadMissing = false;

  constructor(opts: CelonisClientOptions) {
    this.http = new CelonisHttp(opts);
    this.triggerPolicy = {
      maxAttempts: 4,
      unansweredGraceMs: 2 * this.http.timeoutMs,
      answeredGraceMs: Math.min(5_000, 2 * this.http.timeoutMs),
      ...opts.trigger,
    };
  }

  /** The checked base URL. */
  get url(): string {
    return this.http.baseUrl;
  }

  /**
   * The runner time `runnerMs` in Celonis's clock with its error bound, as the answers read so far
   * show it (null before any answer carried a `Date` header).
   */
  serverTime(runnerMs: number): ServerTime | null {
    return this.http.clock.serverTime(runnerMs);
  }

  /** Closes idle connections (the client stays usable). */
  close(): void {
    this.http.close();
  }

  /** The table configs of a data model (`GET …/tables`). */
  async listTables(poolId: string, dataModelId: string, opts: ReadOptions = {}): Promise<TableConfig[]> {
    const ctx: ErrorContext = { call: "list tables", poolId, dataModelId };
    const res = await this.get(ctx, `${v1Path(poolId, dataModelId)}/tables`, opts);
    if (!isOk(res)) throw this.fail(ctx, res);
    const tables = parseTables(parseJson(res.body));
    if (!tables) throw this.unexpected(ctx, res, "the answer is not a list of tables");
    return tables;
  }

  /**
   * Maps names, aliases or table config ids to tables. Throws a TableResolutionError listing every
   * unknown or ambiguous ref with close matches. A table named twice (by name and alias, say) is kept twice; check reports that.
   */
  async resolveTables(
    poolId: string,
    dataModelId: string,
    refs: readonly string[],
    opts: ReadOptions = {},
  ): Promise<ResolvedTable[]> {
    const tables = await this.listTables(poolId, dataModelId, opts);
    const r = resolveRefs(refs, tables);
    if (r.unknown.length || r.ambiguous.length) {
      throw new TableResolutionError({
        dataModelId,
        unknown: r.unknown,
        ambiguous: r.ambiguous,
        validNames: tableNames(tables),
      });
    }
    return r.resolved;
  }

  /**
   * The latest load of a data model, or null if it was never loaded. Uses v1 `last-load`; when that
   * route is missing (404/405/501 while load-info-sync knows the model) or answers something
   * unreadable, reads load-info-sync instead (and, for a missing route, from then on).
   */
  async getLastLoad(poolId: string, dataModelId: string, opts: ReadOptions = {}): Promise<LoadRecord | null> {
    const ctx: ErrorContext = { call: "get last load", poolId, dataModelId };
    let routeMissing = false;
    if (!this.v1LastLoadMissing) {
      const res = await this.get(ctx, `${v1Path(poolId, dataModelId)}/last-load`, opts);
      if (res.status === 204) return null;
      if (isOk(res)) {
        const body = parseJson(res.body);
        if (body === null) return null;
        const load = parseLoadRecord(body);
        this.sawLoads([load]);
        if (load) return load;
        // unreadable: fall through to load-info-sync
      } else if (res.status === 404 || res.status === 405 || res.status === 501) {
        routeMissing = true; // …or the model is unknown: load-info-sync tells which
      } else {
        throw this.fail(ctx, res);
      }
    }
    const info = await this.fetchLoadInfo(ctx, poolId, dataModelId, opts);
    if (routeMissing) this.v1LastLoadMissing = true;
    return latestLoadFromInfo(info);
  }

  /** `load-info-sync`: current load, history and average durations. */
  async getLoadInfo(poolId: string, dataModelId: string, opts: ReadOptions = {}): Promise<LoadInfoSync> {
    const ctx: ErrorContext = { call: "get load info", poolId, dataModelId };
    return this.fetchLoadInfo(ctx, poolId, dataModelId, opts);
  }

  /**
   * The load `match` describes, from the model's load history (current load included), or null when
   * Celonis shows none: how a load triggered by an earlier run is found again, even after newer
   * loads replaced it as the last one.
   */
  async findLoad(
    poolId: string,
    dataModelId: string,
    match: LoadMatch,
    opts: ReadOptions = {},
  ): Promise<LoadRecord | null> {
    return findLoadIn(await this.getLoadInfo(poolId, dataModelId, opts), match);
  }

  /**
   * Starts a load under the trigger protocol of trigger.ts: a POST whose answer is lost is sent again
   * only after watching long enough to be sure it started nothing, so a lost or late answer never
   * starts a second load. `previousLoadId` (the model's last load before the trigger) and
   * `triggeredAt` (when the caller recorded the trigger) are how the load is recognised. Throws
   * TriggerError (with `maybeStarted`) when no load is confirmed; a 400 "already running" from the
   * first attempt is thrown as such (see errors.isLoadAlreadyRunning) for the caller's onBusy policy.
   */
  async triggerLoad(
    poolId: string,
    dataModelId: string,
    req: LoadRequest,
    opts: {
      previousLoadId: string | null;
      triggeredAt?: number;
      deadline: number;
      signal?: AbortSignal;
    },
  ): Promise<TriggerConfirmation> {
    const ctx: ErrorContext = { call: triggerCallName(req), poolId, dataModelId };
    if (req.kind === "PARTIAL" && !isTableIdList(req.tableIds)) {
      throw new TriggerError(
        new CelonisError({
          ...ctx,
          retryable: false,
          celonisMessage: "a partial load needs at least one table id (non-empty strings)",
        }),
        false,
      );
    }
    const { path, query, json } = triggerRequest(poolId, dataModelId, req);
    const deps: TriggerDeps = {
      http: this.http,
      lastLoad: (o) => this.getLastLoad(poolId, dataModelId, o),
      findLoad: (match, o) => this.findLoad(poolId, dataModelId, match, o),
    };
    const call = {
      path,
      query,
      json,
      previousLoadId: opts.previousLoadId,
      loadType: req.kind,
      triggeredAt: opts.triggeredAt ?? this.http.now(),
      deadline: opts.deadline,
      signal: opts.signal,
    };
    return sendTrigger(deps, ctx, call, this.triggerPolicy);
  }

  /**
   * Polls until our load (see WaitOptions.match) reaches a terminal status, or the deadline passes.
   * Transient poll failures (5xx, 429, lost connections) are ridden out within the deadline; a
   * failure that asking again cannot fix (a revoked key, a missing permission) is thrown.
   */
  async waitForLoad(poolId: string, dataModelId: string, opts: WaitOptions): Promise<WaitResult> {
    const start = this.http.now();
    const grace = opts.notVisibleGraceMs ?? NOT_VISIBLE_GRACE_MS;
    const progress = this.progressReporter(opts.onProgress, opts.progressIntervalMs);
    const poll = this.poller(poolId, dataModelId, opts);
    let ours: LoadRecord | null = null;
    let expected = opts.expectedMs;
    // With a known duration there is nothing to see before the first poll the schedule places.
    if (expected) {
      const first = Math.min(nextPollDelayMs(0, expected), opts.deadline - this.http.now());
      await sleepUnlessCancelled(this.http.sleep, Math.max(0, first), opts.signal);
    }
    for (;;) {
      const latest = await poll();
      const now = this.http.now();
      if (latest !== undefined) {
        const found: LoadRecord | null = ours
          ? await this.follow(poolId, dataModelId, ours, latest, opts)
          : await this.confirmed(poolId, dataModelId, latest, opts);
        if (found && !ours) {
          if (expected === undefined)
            expected = await this.expectedQuietly(poolId, dataModelId, found.loadType, opts);
          opts.onSeen?.(found);
        }
        if (found) {
          ours = found;
          progress(found, now, start, expected);
          if (isTerminal(found.loadStatus)) return { outcome: "finished", load: found };
        } else if (!ours) {
          progress(null, now, start, null);
          const somethingRunning = latest !== null && !isTerminal(latest.loadStatus);
          if (now - start >= grace && !somethingRunning) throw notVisible(poolId, dataModelId, grace, latest);
        }
      }
      if (now >= opts.deadline) return { outcome: "timeout", load: ours };
      const delay = Math.min(nextPollDelayMs(this.since(ours, now, start), expected), opts.deadline - now);
      await sleepUnlessCancelled(this.http.sleep, Math.max(0, delay), opts.signal);
    }
  }

  /**
   * Waits until no load of the data model is running (one started elsewhere): for onBusy "wait".
   * Returns the last load seen (null: never loaded).
   */
  async waitForIdle(poolId: string, dataModelId: string, opts: IdleOptions): Promise<IdleResult> {
    const start = this.http.now();
    const progress = this.progressReporter(opts.onProgress, opts.progressIntervalMs);
    const poll = this.poller(poolId, dataModelId, opts);
    let expected: number | null | undefined;
    let running: LoadRecord | null = null;
    for (;;) {
      const load = await poll();
      const now = this.http.now();
      if (load !== undefined) {
        if (load === null || isTerminal(load.loadStatus)) return { outcome: "idle", load };
        if (opts.whileLoad !== undefined && load.dataLoadId !== opts.whileLoad)
          return { outcome: "changed", load };
        running = load;
        if (expected === undefined)
          expected = await this.expectedQuietly(poolId, dataModelId, load.loadType, opts);
        progress(load, now, start, expected);
      }
      if (now >= opts.deadline) {
        if (running) return { outcome: "timeout", load: running };
        // Every poll failed: one plain read decides (and throws if Celonis is still unreachable).
        const last = await this.getLastLoad(poolId, dataModelId, { signal: opts.signal });
        return last === null || isTerminal(last.loadStatus)
          ? { outcome: "idle", load: last }
          : { outcome: "timeout", load: last };
      }
      const delay = Math.min(nextPollDelayMs(this.since(running, now, start), expected), opts.deadline - now);
      await sleepUnlessCancelled(this.http.sleep, Math.max(0, delay), opts.signal);
    }
  }

  // ---- internals -------------------------------------------------------------------------------

  /** How long `load` has run at runner time `now`, measured in Celonis's clock from its start date. */
  private since(load: LoadRecord | null, now: number, fallback: number): number {
    return sinceStart(load, this.http.clock.toServer(now), now, fallback);
  }

  /** Start dates Celonis reported just now: a check on the clock estimate (server-clock.ts). */
  private sawLoads(loads: readonly (LoadRecord | null | undefined)[]): void {
    const at = this.http.now();
    for (const l of loads) this.http.clock.observeStart(l?.startDate, at);
  }

  private async get(ctx: ErrorContext, path: string, opts: ReadOptions = {}): Promise<HttpResponse> {
    const req: HttpRequest = { method: "GET", path, ...ctx, deadline: opts.deadline, signal: opts.signal };
    return this.http.request(req);
  }

  private async fetchLoadInfo(
    ctx: ErrorContext,
    poolId: string,
    dataModelId: string,
    opts: ReadOptions,
  ): Promise<LoadInfoSync> {
    const res = await this.get(ctx, `${legacyPath(poolId, dataModelId)}/load-history/load-info-sync`, opts);
    if (!isOk(res)) throw this.fail(ctx, res);
    const body = parseJson(res.body);
    if (body === null) return { loadInfo: null, loadHistory: null };
    const info = parseLoadInfo(body);
    if (!info) throw this.unexpected(ctx, res, "the load info answer is not an object");
    this.sawLoads([info.loadInfo?.currentComputeLoad, ...(info.loadHistory?.dataLoadHistory ?? [])]);
    return info;
  }

  /**
   * A poller for one wait: each call returns the last load, or undefined after a transient failure
   * (the caller polls again). Transient failures are thrown only at the deadline, and only when no
   * poll of this wait ever succeeded (then "timeout" would hide that Celonis was unreachable).
   */
  private poller(
    poolId: string,
    dataModelId: string,
    opts: { deadline: number; signal?: AbortSignal },
  ): () => Promise<LoadRecord | null | undefined> {
    let anyOk = false;
    return async () => {
      try {
        const load = await this.getLastLoad(poolId, dataModelId, opts);
        anyOk = true;
        return load;
      } catch (e) {
        if (e instanceof CelonisError && e.retryable && (anyOk || this.http.now() < opts.deadline))
          return undefined;
        throw e;
      }
    };
  }

  /**
   * A load seen through `last-load` that could be ours, confirmed against the history (ours.ts):
   * the load the rule names (null: none yet, or the history could not be read this time).
   */
  private async confirmed(
    poolId: string,
    dataModelId: string,
    latest: LoadRecord | null,
    opts: WaitOptions,
  ): Promise<LoadRecord | null> {
    const byId = "loadId" in opts.match;
    if (byId && matchesLoad(latest, opts.match)) return latest;
    // By id, a newer load may stand in last-load: ours is looked up in the history.
    if (!byId && !matchesLoad(latest, opts.match)) return null;
    try {
      return await this.findLoad(poolId, dataModelId, opts.match, opts);
    } catch (e) {
      if (e instanceof CelonisError && e.retryable) return null; // looked at again next poll
      throw e;
    }
  }

  private async expectedQuietly(
    poolId: string,
    dataModelId: string,
    loadType: LoadType | null,
    opts: ReadOptions,
  ): Promise<number | null> {
    try {
      return expectedDurationMs(await this.getLoadInfo(poolId, dataModelId, opts), loadType);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      return null; // only for progress and poll pacing
    }
  }

  /**
   * Our load as of the latest poll: the latest load itself, or, once a newer load has replaced it,
   * its record from the history (how it ended). Unchanged when the history cannot be read.
   */
  private async follow(
    poolId: string,
    dataModelId: string,
    ours: LoadRecord,
    latest: LoadRecord | null,
    opts: ReadOptions,
  ): Promise<LoadRecord> {
    if (latest?.dataLoadId === ours.dataLoadId) return latest;
    try {
      return (await this.findLoad(poolId, dataModelId, { loadId: ours.dataLoadId }, opts)) ?? ours;
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      return ours;
    }
  }

  /** Reports on a change of load or status, and otherwise at most every `intervalMs`. */
  private progressReporter(
    onProgress: ((p: LoadProgress) => void) | undefined,
    intervalMs = DEFAULT_PROGRESS_INTERVAL_MS,
  ): (load: LoadRecord | null, now: number, start: number, expectedMs: number | null | undefined) => void {
    let lastKey = "";
    let lastAt = -Infinity;
    return (load, now, start, expectedMs) => {
      if (!onProgress) return;
      const key = load ? `${load.dataLoadId}/${load.loadStatus}` : "none";
      if (key === lastKey && now - lastAt < intervalMs) return;
      lastKey = key;
      lastAt = now;
      const elapsedMs = this.since(load, now, start);
      try {
        onProgress({
          loadId: load?.dataLoadId ?? null,
          status: load?.loadStatus ?? "NOT_STARTED",
          elapsedSeconds: Math.round(elapsedMs / 100) / 10,
          expectedSeconds: expectedMs ? Math.round(expectedMs / 100) / 10 : null,
        });
      } catch {
        // a failing progress callback must not break the wait
      }
    };
  }

  private fail(ctx: ErrorContext, res: HttpResponse): CelonisError {
    return errorFromResponse(ctx, res, this.http.secrets());
  }

  private unexpected(ctx: ErrorContext, res: HttpResponse, what: string): CelonisError {
    return new CelonisError(
      { ...ctx, status: res.status, retryable: false, celonisMessage: what },
      this.http.secrets(),
    );
  }

  // ---- discovery (lookups by name) ---------------------------------------------------------------

  /** The data pools the caller may see (`GET /integration/api/pools`; pages followed, see discovery.ts). */
  async listPools(opts: ReadOptions = {}): Promise<PoolSummary[]> {
    return parsePools(await this.listAll({ call: "list data pools" }, "/integration/api/pools", opts));
  }

  /** The data models of a pool (`GET /integration/api/pools/{poolId}/data-models`). */
  async listDataModels(poolId: string, opts: ReadOptions = {}): Promise<DataModelSummary[]> {
    const path = `/integration/api/pools/${encodeURIComponent(poolId)}/data-models`;
    return parseDataModels(await this.listAll({ call: "list data models", poolId }, path, opts), poolId);
  }

  private async listAll(ctx: ErrorContext, path: string, opts: ReadOptions): Promise<unknown[]> {
    return readAllPages(async (query) => {
      const res = await this.get(ctx, query === null ? path : `${path}?${query}`, opts);
      if (!isOk(res)) throw this.fail(ctx, res);
      const page = parsePage(parseJson(res.body));
      if (!page) throw this.unexpected(ctx, res, "the answer is not a list");
      return page;
    }, itemId);
  }
}

function isTableIdList(ids: unknown): boolean {
  return Array.isArray(ids) && ids.length > 0 && ids.every((t) => typeof t === "string" && t !== "");
}

function notVisible(
  poolId: string,
  dataModelId: string,
  graceMs: number,
  latest: LoadRecord | null,
): CelonisError {
  const last = latest ? `${latest.dataLoadId}, ${latest.loadStatus}` : "none";
  return new CelonisError({
    call: "wait for load",
    poolId,
    dataModelId,
    retryable: true,
    celonisMessage:
      `no new load appeared within ${Math.round(graceMs / 1000)} s of the trigger ` +
      `(the last load is still ${last}); the trigger seems to have been ignored`,
  });
}

/**
 * How long a load has run: from its start date to Celonis's now (`serverNow`) when Celonis gives a
 * sane one, else from `fallback` to `now` (both the runner's).
 */
function sinceStart(load: LoadRecord | null, serverNow: number, now: number, fallback: number): number {
  const since = load?.startDate != null ? serverNow - load.startDate : NaN;
  return since >= 0 && since < MAX_SANE_ELAPSED_MS ? since : now - fallback;
}
