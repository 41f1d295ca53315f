// The one place that talks HTTP to Celonis: base URL policy (https, or http only to loopback),
// per-request timeout, the Authorization header, once-on-401 token refresh, and retries of
// transient failures per retry.ts. Statuses are returned, not thrown; network failures become
// CelonisErrors built from the error code only, so no AxiosError (which holds the credential in
// its request headers and config) ever escapes.

import http from "node:http";
import https from "node:https";
import axios, { type AxiosInstance } from "axios";
import type { AuthConfig } from "./types";
import { Authenticator, type TokenResponse } from "./auth";
import { CelonisError, throwIfCancelled } from "./errors";
import { ServerClock } from "./server-clock";
import {
  classifyFailure,
  isIdempotent,
  retryDelayMs,
  DEFAULT_RETRY,
  type HeaderBag,
  type HttpMethod,
} from "./retry";

/** Is `hostname` (as `URL.hostname` gives it) a loopback address? Pure. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && Number(v4[1]) === 127;
  // IPv4-mapped IPv6 loopback (::ffff:127.x.y.z, normalised by URL to ::ffff:7fxx:xxxx)
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(h);
  if (mapped) return parseInt(mapped[1], 16) >> 8 === 127;
  return false;
}

/**
 * Checks a Celonis base URL and returns it without trailing slashes. https is always fine; plain
 * http only to a loopback host (the emulator), since the credential would travel in clear text.
 * Errors name the host only (a URL may carry userinfo or a token in its query). Pure.
 */
export function checkBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CelonisError({
      call: "configure",
      retryable: false,
      message: "Celonis URL is not a valid absolute URL; expected e.g. https://<team>.<realm>.celonis.cloud",
    });
  }
  const host = parsed.hostname;
  if (parsed.username || parsed.password) {
    throw new CelonisError({
      call: "configure",
      retryable: false,
      message: `Celonis URL for host "${host}" must not contain a user name or password; credentials belong in the provider configuration`,
    });
  }
  if (parsed.protocol === "http:" && !isLoopbackHost(host)) {
    throw new CelonisError({
      call: "configure",
      retryable: false,
      message:
        `Refusing plain http:// to host "${host}": the credential would travel unencrypted. ` +
        "Use https://, or http:// only with a loopback host (localhost, 127.0.0.0/8, ::1).",
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new CelonisError({
      call: "configure",
      retryable: false,
      message: `Celonis URL for host "${host}" must use https:// (got ${parsed.protocol.replace(/:$/, "")})`,
    });
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`.replace(/\/+$/, "");
}

/** One request as the client describes it. */
export interface HttpRequest {
  /** GET is idempotent (retry.isIdempotent): retried by default, a 500 included. */
  method: HttpMethod;
  /** Starts with "/"; ids already URL-encoded. */
  path: string;
  query?: Record<string, string | number | boolean>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded (the token call). */
  form?: Record<string, string>;
  /** Overrides the Authorization header (HTTP Basic for the token call). */
  authorization?: string;
  /** false: send no credential (the token endpoint). Default true. */
  authenticate?: boolean;
  /** What the user wanted, for error messages: "get last load". */
  call: string;
  dataModelId?: string;
  poolId?: string;
  /** Retry transient failures. Default: true for GET, false for POST. */
  retry?: boolean;
  /** No retry is started that would sleep past this epoch ms, and no attempt waits past it. */
  deadline?: number;
  /** Stops the call (in flight or between attempts) with a CancelledError. */
  signal?: AbortSignal;
}

/** A Celonis answer: status, lower-case headers and raw body text, and the method it answers. */
export interface HttpResponse {
  method: HttpMethod;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One failed attempt: an answer with a failing status, or no answer (code). */
interface Failure {
  status?: number;
  code?: string;
  headers?: HeaderBag;
  reason: string;
  retryable: boolean;
}

/** What `onRetry` is told: enough for a progress line, never a header. */
export interface RetryInfo {
  method: string;
  path: string;
  status?: number;
  code?: string;
  reason: string;
  attempt: number;
  delayMs: number;
}

export interface CelonisHttpOptions {
  /** `https://<team>.<realm>.celonis.cloud`; `http://` only for a loopback host. */
  url: string;
  auth: AuthConfig;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Retries of transient failures. Defaults: 6 attempts, 500 ms base, 20 s cap, 120 s per call. */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; budgetMs?: number };
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Told about each retry (method, path, status, delay) — for progress lines; holds no header. */
  onRetry?: (info: RetryInfo) => void;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Shortest time one attempt is given, even close to a deadline (a last look must be possible). */
const MIN_ATTEMPT_MS = 1_000;

/**
 * How long one attempt may take: the request timeout, cut to what is left before the deadline
 * (but not below MIN_ATTEMPT_MS, so a last look stays possible). Pure.
 */
export function attemptTimeoutMs(timeoutMs: number, now: number, deadline?: number): number {
  if (deadline === undefined) return timeoutMs;
  return Math.min(timeoutMs, Math.max(MIN_ATTEMPT_MS, deadline - now));
}

/**
 * What `work` resolves to, unless `signal` fires first: then CancelledError at once (the work itself
 * goes on, unwatched: a token fetch other callers share, a sleep).
 */
export async function unlessCancelled<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  throwIfCancelled(signal);
  if (!signal) return work;
  let onAbort!: () => void;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const result = await Promise.race([work, aborted]);
    throwIfCancelled(signal);
    return result as T;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** `sleep`, ended early by `signal` (then it throws CancelledError). */
export async function sleepUnlessCancelled(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  throwIfCancelled(signal); // before the timer is set
  return unlessCancelled(sleep(ms), signal);
}

type Attempt =
  { response: HttpResponse; usedAuth: string | undefined } | { code: string | undefined; message: string };

/** HTTP to one Celonis team, with auth and retries. */
export class CelonisHttp {
  readonly baseUrl: string;
  readonly auth: Authenticator;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** The per-request timeout (ms). */
  readonly timeoutMs: number;
  /** Celonis's clock as every answer's `Date` header shows it (server-clock.ts). */
  readonly clock = new ServerClock();
  private readonly axios: AxiosInstance;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly retryOpts: {
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    budgetMs: number;
  };
  private readonly onRetry?: (info: RetryInfo) => void;

  constructor(opts: CelonisHttpOptions) {
    this.baseUrl = checkBaseUrl(opts.url);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
    this.onRetry = opts.onRetry;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retryOpts = {
      maxAttempts: Math.max(1, opts.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts),
      baseDelayMs: opts.retry?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
      maxDelayMs: opts.retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
      budgetMs: opts.retry?.budgetMs ?? DEFAULT_RETRY.budgetMs,
    };
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({ keepAlive: true });
    this.axios = axios.create({
      baseURL: this.baseUrl,
      timeout: this.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0, // never replay the Authorization header to wherever a redirect points
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
    });
    this.auth = new Authenticator(opts.auth, {
      transport: (form, basic) => this.postToken(form, basic),
      now: this.now,
    });
  }

  /** Every credential string in play, for redaction. */
  secrets(): string[] {
    return this.auth.secrets();
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /**
   * Sends a request, refreshing the token once on 401 and retrying transient failures. Returns the
   * last answer whatever its status; throws a CelonisError when no answer came at all.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const started = this.now();
    const retryAllowed = req.retry ?? isIdempotent(req.method);
    let attempt = 0;
    let refreshed = false;
    for (;;) {
      attempt++;
      throwIfCancelled(req.signal);
      const result = await this.once(req);
      throwIfCancelled(req.signal);
      if ("response" in result) {
        const res = result.response;
        if (res.status === 401 && req.authenticate !== false && this.auth.canRefresh && !refreshed) {
          // The token may have been revoked or expired early: get a new one and try once more.
          refreshed = true;
          this.auth.invalidate(result.usedAuth);
          attempt--;
          continue;
        }
        if (res.status >= 200 && res.status < 400) return res;
      }
      const failure = toFailure(result, isIdempotent(req.method));
      const give = (): HttpResponse => {
        if ("response" in result) return result.response;
        throw this.networkError(req, failure, attempt);
      };
      if (!failure.retryable || !retryAllowed || attempt >= this.retryOpts.maxAttempts) return give();
      const now = this.now();
      const delay = this.backoffMs(attempt, failure.headers);
      if (now + delay - started > this.retryOpts.budgetMs) return give();
      if (req.deadline !== undefined && now + delay > req.deadline) return give();
      this.onRetry?.({
        method: req.method,
        path: req.path,
        status: failure.status,
        code: failure.code,
        reason: failure.reason,
        attempt,
        delayMs: delay,
      });
      await sleepUnlessCancelled(this.sleep, delay, req.signal);
    }
  }

  /**
   * How long to wait before retry number `attempt` (1 = the first) of a failure answered with
   * `headers`: what a rate-limit header asks, else this client's jittered exponential backoff
   * (retry.retryDelayMs).
   */
  backoffMs(attempt: number, headers?: HeaderBag): number {
    const { baseDelayMs: baseMs, maxDelayMs: maxMs } = this.retryOpts;
    // Retry-After as an HTTP date, and an epoch x-ratelimit-reset, are in Celonis's clock.
    return retryDelayMs(attempt, { baseMs, maxMs }, headers, this.random, this.clock.toServer(this.now()));
  }

  /** One attempt; never throws for network trouble. */
  private async once(req: HttpRequest): Promise<Attempt> {
    const headers: Record<string, string> = { Accept: "application/json" };
    let usedAuth: string | undefined;
    if (req.authorization !== undefined) usedAuth = req.authorization;
    // An OAuth token may be on its way (and retried) for other callers too: stop waiting on Cancel.
    else if (req.authenticate !== false) usedAuth = await unlessCancelled(this.auth.header(), req.signal);
    if (usedAuth !== undefined) headers.Authorization = usedAuth;
    let data: string | undefined;
    if (req.form) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      data = new URLSearchParams(req.form).toString();
    } else if (req.json !== undefined) {
      headers["Content-Type"] = "application/json";
      data = JSON.stringify(req.json);
    }
    const sentAt = this.now();
    try {
      const res = await this.axios.request<string>({
        method: req.method,
        url: req.path,
        params: req.query,
        data,
        headers,
        timeout: attemptTimeoutMs(this.timeoutMs, this.now(), req.deadline),
        signal: req.signal,
      });
      const flat = flattenHeaders(res.headers);
      this.clock.observeDate(flat.date, sentAt, this.now());
      return {
        response: {
          method: req.method,
          status: res.status,
          headers: flat,
          body: typeof res.data === "string" ? res.data : "",
        },
        usedAuth,
      };
    } catch (err: unknown) {
      // Keep only the code and a short message: the error object itself holds our headers.
      const e = err as { code?: unknown; message?: unknown };
      const code = typeof e?.code === "string" ? e.code : undefined;
      const message = typeof e?.message === "string" ? e.message.slice(0, 200) : "request failed";
      return { code, message };
    }
  }

  private networkError(req: HttpRequest, failure: Failure, attempts: number): CelonisError {
    return new CelonisError(
      {
        call: req.call,
        dataModelId: req.dataModelId,
        poolId: req.poolId,
        code: failure.code ?? "NETWORK",
        celonisMessage: `${failure.reason}${attempts > 1 ? ` after ${attempts} attempts` : ""}`,
        retryable: failure.retryable,
      },
      this.secrets(),
    );
  }

  private async postToken(form: Record<string, string>, basic: string | undefined): Promise<TokenResponse> {
    const res = await this.request({
      method: "POST",
      path: "/oauth2/token",
      form,
      authorization: basic,
      authenticate: false,
      retry: true, // a client-credentials grant has no side effect
      call: "get OAuth token",
    });
    return { status: res.status, body: res.body };
  }
}

function toFailure(result: Attempt, idempotent: boolean): Failure {
  if ("response" in result) {
    const c = classifyFailure(
      { status: result.response.status, headers: result.response.headers },
      idempotent,
    );
    return {
      status: result.response.status,
      headers: result.response.headers,
      reason: c.reason,
      retryable: c.retryable,
    };
  }
  const c = classifyFailure({ code: result.code, message: result.message });
  return { code: result.code, reason: c.reason, retryable: c.retryable };
}

function flattenHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h || typeof h !== "object") return out;
  const src =
    typeof (h as { toJSON?: unknown }).toJSON === "function" ? (h as { toJSON: () => object }).toJSON() : h;
  for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(", ") : String(v);
  }
  return out;
}
