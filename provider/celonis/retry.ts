// When a failed Celonis call is worth repeating, and how long to wait first. Pure functions only, so
// the policy (408/429/502/503/504 and connection resets retry; 500 only for an idempotent read (a GET);
// other 4xx never; a TLS failure never, with a reason that says how to fix it; rate-limit headers win
// over backoff; exponential backoff with full jitter, capped) is tested table-driven without a server.

/** The methods the client sends. */
export type HttpMethod = "GET" | "POST";

/** Is a call with this method free of effects, so asking again costs nothing? Only GET is. Pure. */
export function isIdempotent(method: HttpMethod): boolean {
  return method === "GET";
}

/** What went wrong with one attempt: an HTTP status, or a network error code and no answer. */
export interface FailureInfo {
  status?: number;
  /** Node/axios error code: ECONNRESET, ETIMEDOUT, ECONNABORTED… */
  code?: string;
  /** Low-level error message (used only to spot "socket hang up"); never contains a credential. */
  message?: string;
  headers?: HeaderBag;
}

/** Response headers, lower- or mixed-case names. */
export type HeaderBag = Record<string, string | string[] | number | undefined | null>;

export interface Classification {
  retryable: boolean;
  reason: string;
}

const RETRYABLE_STATUS: Record<number, string> = {
  408: "request timeout",
  429: "rate limited",
  502: "bad gateway",
  503: "service unavailable",
  504: "gateway timeout",
};

const RETRYABLE_CODES: Record<string, string> = {
  ECONNRESET: "connection reset",
  ECONNREFUSED: "connection refused",
  ETIMEDOUT: "timed out",
  ECONNABORTED: "timed out",
  ESOCKETTIMEDOUT: "timed out",
  EPIPE: "broken pipe",
  EAI_AGAIN: "temporary DNS failure",
  ENETUNREACH: "network unreachable",
  EHOSTUNREACH: "host unreachable",
  ERR_SOCKET_CONNECTION_TIMEOUT: "timed out",
  ECONNCLOSED: "connection closed",
  UND_ERR_SOCKET: "connection closed",
};

/** Node's codes for a certificate chain that ends in a CA it does not trust. */
const UNTRUSTED_CERT_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
]);

/**
 * The reason for a failed TLS handshake, or undefined for another failure. An untrusted chain is
 * what a TLS-inspecting gateway causes: the reason names the variable that adds its CA. Pure.
 */
function tlsFailureReason(code: string): string | undefined {
  if (UNTRUSTED_CERT_CODES.has(code)) {
    return (
      `TLS certificate not trusted (${code}): the certificate chain ends in a CA Node.js does not know, ` +
      "as behind a TLS-inspecting proxy or gateway; set NODE_EXTRA_CA_CERTS to that CA's PEM file " +
      "in the environment that runs pulumi (do not turn verification off)"
    );
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `TLS certificate is for another host name (${code}): check celonis:url`;
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return `TLS certificate outside its validity period (${code}): check the server's certificate and this machine's clock`;
  }
  return undefined;
}

/**
 * Is this failure transient? 429, 408, 502, 503, 504 and connection-level failures are; 500 is not
 * for a call with an effect (Celonis uses it for real errors with a support reference), but is for
 * an `idempotent` read, where asking again costs nothing and a single 500 must not end a wait.
 * No other 4xx is. A 401 is handled elsewhere (token refresh), not by retrying.
 */
export function classifyFailure(f: FailureInfo, idempotent = false): Classification {
  if (f.status !== undefined && f.status !== 0) {
    const reason = RETRYABLE_STATUS[f.status];
    if (reason) return { retryable: true, reason: `HTTP ${f.status} ${reason}` };
    if (idempotent && f.status === 500) return { retryable: true, reason: "HTTP 500 internal error" };
    return { retryable: false, reason: `HTTP ${f.status}` };
  }
  const code = (f.code ?? "").toUpperCase();
  const tls = tlsFailureReason(code);
  if (tls) return { retryable: false, reason: tls };
  if (code && RETRYABLE_CODES[code]) return { retryable: true, reason: `${RETRYABLE_CODES[code]} (${code})` };
  const message = (f.message ?? "").toLowerCase();
  if (
    /socket hang up|econnreset|connection reset|other side closed|timeout of \d+ms exceeded/.test(message)
  ) {
    return { retryable: true, reason: code ? `connection lost (${code})` : "connection lost" };
  }
  return { retryable: false, reason: code ? `network error (${code})` : "network error" };
}

export interface BackoffOptions {
  /** First backoff ceiling, doubled on each attempt. */
  baseMs: number;
  /** Ceiling of the jittered backoff. */
  maxMs: number;
  /** Ceiling of a server-requested wait (Retry-After / x-ratelimit-reset). Default max(maxMs, 60 s). */
  maxHeaderMs?: number;
}

/** Reads a header case-insensitively as a single string. */
export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== wanted || v === undefined || v === null) continue;
    const one = Array.isArray(v) ? v[0] : v;
    return one === undefined ? undefined : String(one).trim();
  }
  return undefined;
}

/**
 * How long the server asked us to wait, in ms, or undefined when it did not say.
 * `Retry-After` is seconds or an HTTP date; `x-ratelimit-reset` is seconds until the window resets
 * (a value that looks like an epoch timestamp, in seconds or ms, is read as one). The longer of the
 * two wins.
 */
export function serverRequestedDelayMs(headers: HeaderBag | undefined, nowMs: number): number | undefined {
  const found: number[] = [];
  const retryAfter = headerValue(headers, "retry-after");
  if (retryAfter !== undefined && retryAfter !== "") {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) found.push(Number(retryAfter) * 1000);
    else {
      const at = Date.parse(retryAfter);
      if (!Number.isNaN(at)) found.push(at - nowMs);
    }
  }
  const reset = headerValue(headers, "x-ratelimit-reset");
  if (reset !== undefined && /^\d+(\.\d+)?$/.test(reset)) {
    const n = Number(reset);
    if (n > 1e12)
      found.push(n - nowMs); // epoch ms
    else if (n > 1e9)
      found.push(n * 1000 - nowMs); // epoch seconds
    else found.push(n * 1000); // seconds from now (what Celonis documents)
  }
  if (!found.length) return undefined;
  return Math.max(0, ...found);
}

/**
 * Delay before retry number `attempt` (1 = the first retry). A server-requested wait is honoured
 * (capped by `maxHeaderMs`) plus a little jitter so clients do not stampede at the reset instant;
 * otherwise "full jitter": uniform in [0, min(maxMs, baseMs·2^(attempt-1))).
 * `random` returns [0,1) as Math.random does.
 */
export function retryDelayMs(
  attempt: number,
  opts: BackoffOptions,
  headers?: HeaderBag,
  random: () => number = Math.random,
  nowMs: number = Date.now(),
): number {
  const r = Math.min(Math.max(random(), 0), 0.999999);
  const requested = serverRequestedDelayMs(headers, nowMs);
  if (requested !== undefined) {
    const cap = opts.maxHeaderMs ?? Math.max(opts.maxMs, 60_000);
    const jitter = Math.floor(r * Math.min(opts.baseMs, 250));
    return Math.min(requested, cap) + jitter;
  }
  const exp = Math.max(0, attempt - 1);
  const ceiling = Math.min(opts.maxMs, opts.baseMs * Math.pow(2, Math.min(exp, 30)));
  return Math.floor(r * ceiling);
}

/** Defaults for every retried call (overridable per client). */
export const DEFAULT_RETRY = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  /** Total time one call may spend retrying before it gives up. */
  budgetMs: 120_000,
} as const;
