// What the provider asks of Celonis, named for what users want: list and resolve tables, trigger a
// load without ever starting two, wait for *our* load with a deadline, wait for someone else's
// load, cancel. The calls and their fallbacks live here; the decisions they rely on are the pure
// functions of status.ts, resolve.ts and retry.ts, and HTTP details live in http.ts.

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
  CelonisError,
  TableResolutionError,
  errorFromResponse,
  isLoadAlreadyRunning,
  type ErrorContext,
} from "./errors";
import {
  CelonisHttp,
  type CelonisHttpOptions,
  type HttpOutcome,
  type HttpRequest,
  type HttpResponse,
} from "./http";
import { parseJson, parseLoadInfo, parseLoadRecord, parseTables } from "./parse";
import { resolveTables as resolveRefs, tableNames } from "./resolve";
import { expectedDurationMs, isOurLoad, isTerminal, latestLoadFromInfo, nextPollDelayMs } from "./status";

/** How to reach Celonis: the HTTP layer's options (url, auth, timeouts, retries, test hooks). */
export type CelonisClientOptions = CelonisHttpOptions;

export interface TriggerResult {
  /** The last load before the trigger (null: none): pass it to waitForLoad. */
  previousLoadId: string | null;
  /** When the trigger was sent (client clock, epoch ms). */
  triggeredAt: number;
  /**
   * "answer": Celonis accepted the call; "poll": the answer was lost but the new load was seen;
   * "busy": the answer was lost and the retry was refused as "already running" — taken as our load.
   */
  confirmedBy: "answer" | "poll" | "busy";
}

export interface WaitOptions {
  /** The load id recorded before the trigger; only a different id counts as ours. */
  previousLoadId: string | null;
  /** Epoch ms after which the wait returns `{outcome: "timeout"}` (the load keeps running). */
  deadline: number;
  onProgress?: (p: LoadProgress) => void;
  /**
   * If no new load has appeared this long after the wait began and nothing is running that it could
   * be queued behind, the trigger is taken as lost and a CelonisError is thrown. Default 120 s.
   */
  notVisibleGraceMs?: number;
  /** From TriggerResult: a load that started well before this is not ours. */
  triggeredAt?: number;
  /** At most this long between two progress reports with nothing new. Default 10 s. */
  progressIntervalMs?: number;
}

export interface IdleOptions {
  deadline: number;
  onProgress?: (p: LoadProgress) => void;
  progressIntervalMs?: number;
}

const DEFAULT_NOT_VISIBLE_GRACE_MS = 120_000;
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
  /** Set once `…/v1/…/last-load` answered 404/405/501 for a model that exists: use load-info-sync. */
  private v1LastLoadMissing = false;

  constructor(opts: CelonisClientOptions) {
    this.http = new CelonisHttp(opts);
  }

  /** The checked base URL. */
  get url(): string {
    return this.http.baseUrl;
  }

  /** Closes idle connections (the client stays usable). */
  close(): void {
    this.http.close();
  }

  /** The table configs of a data model (`GET …/tables`). */
  async listTables(poolId: string, dataModelId: string): Promise<TableConfig[]> {
    const ctx: ErrorContext = { call: "list tables", poolId, dataModelId };
    const res = await this.get(ctx, `${v1Path(poolId, dataModelId)}/tables`);
    if (!isOk(res)) throw this.fail(ctx, res);
    const tables = parseTables(parseJson(res.body));
    if (!tables) throw this.unexpected(ctx, res, "the answer is not a list of tables");
    return tables;
  }

  /**
   * Maps names, aliases or table config ids to tables. Throws a TableResolutionError listing every
   * unknown or ambiguous ref with close matches. Duplicates are kept (see resolve.findDuplicates).
   */
  async resolveTables(
    poolId: string,
    dataModelId: string,
    refs: readonly string[],
  ): Promise<ResolvedTable[]> {
    const tables = await this.listTables(poolId, dataModelId);
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
  async getLastLoad(
    poolId: string,
    dataModelId: string,
    opts: { deadline?: number } = {},
  ): Promise<LoadRecord | null> {
    const ctx: ErrorContext = { call: "get last load", poolId, dataModelId };
    let routeMissing = false;
    if (!this.v1LastLoadMissing) {
      const res = await this.get(ctx, `${v1Path(poolId, dataModelId)}/last-load`, opts.deadline);
      if (res.status === 204) return null;
      if (isOk(res)) {
        const body = parseJson(res.body);
        if (body === null) return null;
        const load = parseLoadRecord(body);
        if (load) return load;
        // unreadable: fall through to load-info-sync
      } else if (res.status === 404 || res.status === 405 || res.status === 501) {
        routeMissing = true; // …or the model is unknown: load-info-sync tells which
      } else {
        throw this.fail(ctx, res);
      }
    }
    const info = await this.fetchLoadInfo(ctx, poolId, dataModelId, opts.deadline);
    if (routeMissing) this.v1LastLoadMissing = true;
    return latestLoadFromInfo(info);
  }

  /** `load-info-sync`: current load, history and average durations. */
  async getLoadInfo(poolId: string, dataModelId: string): Promise<LoadInfoSync> {
    return this.fetchLoadInfo({ call: "get load info", poolId, dataModelId }, poolId, dataModelId);
  }

  /**
   * Starts a load. Records the previous load id first (reads it unless given), then POSTs. A POST
   * that fails transiently is retried only after reading the last load shows that no new load
   * started — so a lost answer never starts a second load (after a plain 429 nothing can have
   * started, so it is retried without looking). A 400 "already running" is thrown as a CelonisError
   * with its `frontendErrorKey` (see errors.isLoadAlreadyRunning) for the caller's onBusy policy.
   */
  async triggerLoad(
    poolId: string,
    dataModelId: string,
    req: LoadRequest,
    opts: { previousLoadId?: string | null } = {},
  ): Promise<TriggerResult> {
    const ctx: ErrorContext = { call: triggerCallName(req), poolId, dataModelId };
    if (req.kind === "PARTIAL") {
      const bad =
        !Array.isArray(req.tableIds) ||
        req.tableIds.length === 0 ||
        req.tableIds.some((t) => typeof t !== "string" || !t);
      if (bad) {
        throw new CelonisError({
          ...ctx,
          retryable: false,
          celonisMessage: "a partial load needs at least one table id (non-empty strings)",
        });
      }
    }
    const previousLoadId =
      opts.previousLoadId !== undefined
        ? opts.previousLoadId
        : ((await this.getLastLoad(poolId, dataModelId))?.dataLoadId ?? null);
    const triggeredAt = this.http.now();
    const started = async (): Promise<boolean> =>
      isOurLoad(await this.getLastLoad(poolId, dataModelId), previousLoadId, triggeredAt);
    const done = (confirmedBy: TriggerResult["confirmedBy"]): TriggerResult => ({
      previousLoadId,
      triggeredAt,
      confirmedBy,
    });

    let checkError: unknown;
    /** Some attempt failed in a way that may have reached Celonis (not a front-door 429). */
    let maybeReached = false;
    const { path, query, json } = triggerRequest(poolId, dataModelId, req);
    let outcome: HttpOutcome;
    try {
      outcome = await this.http.request({
        method: "POST",
        path,
        query,
        json,
        ...ctx,
        beforeRetry: async (failure) => {
          // A 429 is refused at the door: nothing started, and a new load now is someone else's.
          if (failure.status === 429 && !maybeReached) return "retry";
          maybeReached = true;
          try {
            return (await started()) ? "stop" : "retry";
          } catch (e) {
            checkError = e;
            return "stop";
          }
        },
      });
    } catch (e) {
      // No answer after every attempt: one last look, since the call may have taken effect.
      if (e instanceof CelonisError && e.retryable && (await this.startedQuietly(started)))
        return done("poll");
      throw e;
    }
    if (outcome.kind === "stopped") {
      if (checkError === undefined) return done("poll");
      const why = checkError instanceof CelonisError ? checkError.message : "the check failed";
      throw new CelonisError(
        {
          ...ctx,
          status: outcome.failure.status,
          code: outcome.failure.code,
          retryable: true,
          celonisMessage:
            `the trigger failed (${outcome.failure.reason}) and reading the last load to see whether it started failed too ` +
            `(${why}); not triggering again so as not to start a second load`,
        },
        this.http.secrets(),
      );
    }
    const res = outcome.response;
    if (isOk(res)) return done("answer");
    const err = this.fail(ctx, res);
    if (err.retryable && (maybeReached || res.status !== 429) && (await this.startedQuietly(started))) {
      return done("poll");
    }
    // A retry refused with "already running" after an attempt whose answer was lost: that attempt
    // most likely started the load (not yet visible when we looked). Triggering again after the
    // caller's onBusy wait would load twice, so report the trigger as done.
    if (maybeReached && outcome.attempts > 1 && isLoadAlreadyRunning(err)) return done("busy");
    throw err;
  }

  /**
   * Polls until the load we triggered (id ≠ previousLoadId) reaches a terminal status, or the
   * deadline passes. Transient poll failures are retried within the deadline; others are thrown.
   */
  async waitForLoad(poolId: string, dataModelId: string, opts: WaitOptions): Promise<WaitResult> {
    const start = this.http.now();
    const grace = opts.notVisibleGraceMs ?? DEFAULT_NOT_VISIBLE_GRACE_MS;
    const progress = this.progressReporter(opts.onProgress, opts.progressIntervalMs);
    const poll = this.poller(poolId, dataModelId, opts.deadline);
    let ours: LoadRecord | null = null;
    let expected: number | null | undefined;
    for (;;) {
      const load = await poll();
      const now = this.http.now();
      if (load !== undefined) {
        if (ours) {
          if (load && load.dataLoadId === ours.dataLoadId) {
            ours = load;
            progress(load, now, start, expected);
            if (isTerminal(load.loadStatus)) return { outcome: "finished", load };
          } else {
            // Our load is no longer the last one (a newer load replaced it): find how it ended.
            const ended = await this.findInHistory(poolId, dataModelId, ours.dataLoadId);
            if (ended && isTerminal(ended.loadStatus)) {
              progress(ended, now, start, expected);
              return { outcome: "finished", load: ended };
            }
          }
        } else if (load && isOurLoad(load, opts.previousLoadId, opts.triggeredAt)) {
          ours = load;
          expected = await this.expectedQuietly(poolId, dataModelId, load.loadType);
          progress(load, now, start, expected);
          if (isTerminal(load.loadStatus)) return { outcome: "finished", load };
        } else {
          progress(null, now, start, null);
          const somethingRunning = load !== null && !isTerminal(load.loadStatus);
          if (now - start >= grace && !somethingRunning) {
            throw new CelonisError({
              call: "wait for load",
              poolId,
              dataModelId,
              retryable: true,
              celonisMessage:
                `no new load appeared within ${Math.round(grace / 1000)} s of the trigger ` +
                `(the last load is still ${load ? `${load.dataLoadId}, ${load.loadStatus}` : "none"}); the trigger seems to have been ignored`,
            });
          }
        }
      }
      if (now >= opts.deadline) return { outcome: "timeout", load: ours };
      await this.http.sleep(
        Math.max(0, Math.min(nextPollDelayMs(now - start, expected), opts.deadline - now)),
      );
    }
  }

  /**
   * Waits until no load of the data model is running (one started elsewhere): for onBusy "wait".
   * Returns the last load seen (null: never loaded).
   */
  async waitForIdle(poolId: string, dataModelId: string, opts: IdleOptions): Promise<IdleResult> {
    const start = this.http.now();
    const progress = this.progressReporter(opts.onProgress, opts.progressIntervalMs);
    const poll = this.poller(poolId, dataModelId, opts.deadline);
    let expected: number | null | undefined;
    let running: LoadRecord | null = null;
    for (;;) {
      const load = await poll();
      const now = this.http.now();
      if (load !== undefined) {
        if (load === null || isTerminal(load.loadStatus)) return { outcome: "idle", load };
        running = load;
        if (expected === undefined) expected = await this.expectedQuietly(poolId, dataModelId, load.loadType);
        progress(load, now, start, expected);
      }
      if (now >= opts.deadline) {
        if (running) return { outcome: "timeout", load: running };
        // Every poll failed: one plain read decides (and throws if Celonis is still unreachable).
        const last = await this.getLastLoad(poolId, dataModelId);
        return last === null || isTerminal(last.loadStatus)
          ? { outcome: "idle", load: last }
          : { outcome: "timeout", load: last };
      }
      await this.http.sleep(
        Math.max(0, Math.min(nextPollDelayMs(now - start, expected), opts.deadline - now)),
      );
    }
  }

  /** Asks Celonis to cancel the running load of a data model (legacy `cancel-load`). */
  async cancelLoad(poolId: string, dataModelId: string): Promise<void> {
    const ctx: ErrorContext = { call: "cancel load", poolId, dataModelId };
    const outcome = await this.http.request({
      method: "POST",
      path: `${legacyPath(poolId, dataModelId)}/cancel-load`,
      ...ctx,
      retry: true, // cancelling twice is harmless
    });
    const res = outcome.kind === "response" ? outcome.response : outcome.failure.response;
    if (!res || !isOk(res))
      throw res ? this.fail(ctx, res) : new CelonisError({ ...ctx, retryable: true }, this.http.secrets());
  }

  // ---- internals -------------------------------------------------------------------------------

  private async get(ctx: ErrorContext, path: string, deadline?: number): Promise<HttpResponse> {
    const req: HttpRequest = { method: "GET", path, ...ctx, deadline };
    const outcome = await this.http.request(req);
    // GET has no beforeRetry, so it never stops early; the union is narrowed for the compiler.
    if (outcome.kind === "stopped") throw new CelonisError({ ...ctx, retryable: true }, this.http.secrets());
    return outcome.response;
  }

  private async fetchLoadInfo(
    ctx: ErrorContext,
    poolId: string,
    dataModelId: string,
    deadline?: number,
  ): Promise<LoadInfoSync> {
    const res = await this.get(
      ctx,
      `${legacyPath(poolId, dataModelId)}/load-history/load-info-sync`,
      deadline,
    );
    if (!isOk(res)) throw this.fail(ctx, res);
    const body = parseJson(res.body);
    if (body === null) return { loadInfo: null, loadHistory: null };
    const info = parseLoadInfo(body);
    if (!info) throw this.unexpected(ctx, res, "the load info answer is not an object");
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
    deadline: number,
  ): () => Promise<LoadRecord | null | undefined> {
    let anyOk = false;
    return async () => {
      try {
        const load = await this.getLastLoad(poolId, dataModelId, { deadline });
        anyOk = true;
        return load;
      } catch (e) {
        if (e instanceof CelonisError && e.retryable && (anyOk || this.http.now() < deadline))
          return undefined;
        throw e;
      }
    };
  }

  private async startedQuietly(started: () => Promise<boolean>): Promise<boolean> {
    try {
      return await started();
    } catch {
      return false;
    }
  }

  private async expectedQuietly(
    poolId: string,
    dataModelId: string,
    loadType: LoadType | null,
  ): Promise<number | null> {
    try {
      return expectedDurationMs(await this.getLoadInfo(poolId, dataModelId), loadType);
    } catch {
      return null; // only for progress and poll pacing
    }
  }

  private async findInHistory(
    poolId: string,
    dataModelId: string,
    loadId: string,
  ): Promise<LoadRecord | null> {
    try {
      const info = await this.getLoadInfo(poolId, dataModelId);
      const current = info.loadInfo?.currentComputeLoad;
      if (current?.dataLoadId === loadId) return current;
      return info.loadHistory?.dataLoadHistory.find((l) => l.dataLoadId === loadId) ?? null;
    } catch {
      return null;
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
      const sinceStart = load?.startDate != null ? now - load.startDate : NaN;
      const elapsedMs = sinceStart >= 0 && sinceStart < MAX_SANE_ELAPSED_MS ? sinceStart : now - start;
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
}
