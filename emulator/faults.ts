// Fault injection: rules that make the emulator answer like a struggling Celonis (429 bursts, 5xx,
// dropped connections, slow answers). Rules apply before the route runs, or with `after: true` after it
// (the load starts, then the answer is lost) — how tests prove a client never triggers a load twice.
import { randomUUID } from "node:crypto";

export type FaultKind = "status" | "drop" | "delay" | "rateLimit";

export interface FaultRule {
  /** Which requests: method (case-insensitive) and a substring of path+query. Omitted = every API call. */
  match?: { method?: string; path?: string };
  kind: FaultKind;
  /** kind "status": the HTTP status to answer (500, 502, 503, …). */
  status?: number;
  /** kind "status": body to send instead of the default for that status (string = text/plain). */
  body?: unknown;
  /** kind "delay": how long to wait before answering (ms). */
  delayMs?: number;
  /** How many matching requests the rule hits; default 1; 0 = forever. */
  count?: number;
  /** kind "rateLimit": value of `x-ratelimit-reset` (seconds); default 1. */
  resetSeconds?: number;
  /** kind "rateLimit": value of `x-ratelimit-limit`; default 60. */
  limit?: number;
  /** kind "rateLimit": also send `Retry-After` with this many seconds. */
  retryAfterSeconds?: number;
  /** "drop" / "status" / "delay": run the route first (a trigger starts its load), then fault the answer. */
  after?: boolean;
}

/** An answer to write: string body = text/plain, other defined body = JSON, undefined = no body. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const KINDS: readonly string[] = ["status", "drop", "delay", "rateLimit"];
const RULE_KEYS = new Set([
  "match",
  "kind",
  "status",
  "body",
  "delayMs",
  "count",
  "resetSeconds",
  "limit",
  "retryAfterSeconds",
  "after",
]);

/** Validate a rule (from code, JSON or a CLI flag); throws Error with a clear message. */
export function validateFaultRule(value: unknown): FaultRule {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("fault rule must be an object");
  const r = value as Record<string, unknown>;
  for (const k of Object.keys(r))
    if (!RULE_KEYS.has(k))
      throw new Error(`unknown fault rule field "${k}" (known: ${[...RULE_KEYS].join(", ")})`);
  if (typeof r.kind !== "string" || !KINDS.includes(r.kind))
    throw new Error(`fault rule kind must be one of ${KINDS.join(", ")}`);
  const nonNeg = (k: string, integer = false): void => {
    const v = r[k];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))
      throw new Error(`fault rule ${k} must be a${integer ? "n integer" : " number"} >= 0`);
  };
  nonNeg("delayMs");
  nonNeg("count", true);
  nonNeg("resetSeconds");
  nonNeg("limit", true);
  nonNeg("retryAfterSeconds");
  if (r.kind === "status") {
    if (typeof r.status !== "number" || !Number.isInteger(r.status) || r.status < 400 || r.status > 599)
      throw new Error("fault rule of kind status needs status: an integer 400-599");
  } else if (r.status !== undefined) {
    throw new Error(`fault rule status is only for kind "status"`);
  }
  if (r.kind === "delay" && r.delayMs === undefined)
    throw new Error("fault rule of kind delay needs delayMs");
  if (r.after !== undefined && typeof r.after !== "boolean")
    throw new Error("fault rule after must be a boolean");
  if (r.after === true && r.kind === "rateLimit")
    throw new Error('fault rule after: true is for kinds "drop", "status" and "delay"');
  if (r.match !== undefined) {
    if (typeof r.match !== "object" || r.match === null || Array.isArray(r.match))
      throw new Error("fault rule match must be an object");
    const m = r.match as Record<string, unknown>;
    for (const k of Object.keys(m))
      if (k !== "method" && k !== "path") throw new Error(`unknown fault rule match field "${k}"`);
    if (m.method !== undefined && typeof m.method !== "string")
      throw new Error("fault rule match.method must be a string");
    if (m.path !== undefined && typeof m.path !== "string")
      throw new Error("fault rule match.path must be a string");
  }
  return structuredClone(r) as unknown as FaultRule;
}

/** A short label for the request log, e.g. "status:503", "rateLimit", "drop(after)". */
export function describeFault(rule: FaultRule): string {
  const base =
    rule.kind === "status"
      ? `status:${rule.status}`
      : rule.kind === "delay"
        ? `delay:${rule.delayMs}ms`
        : rule.kind;
  return rule.after ? `${base}(after)` : base;
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The 429 Celonis sends: plain string body plus the x-ratelimit-* headers (and Retry-After if asked). */
export function rateLimitReply(rule: Pick<FaultRule, "resetSeconds" | "limit" | "retryAfterSeconds">): Reply {
  const headers: Record<string, string> = {
    "x-ratelimit-limit": String(rule.limit ?? 60),
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": String(rule.resetSeconds ?? 1),
  };
  if (rule.retryAfterSeconds !== undefined) headers["retry-after"] = String(rule.retryAfterSeconds);
  return { status: 429, headers, body: "Rate limit exceeded. Please retry later." };
}

/** The answer of a "status" or "rateLimit" rule. */
export function faultReply(rule: FaultRule): Reply {
  if (rule.kind === "rateLimit") return rateLimitReply(rule);
  const status = rule.status ?? 500;
  if (rule.body !== undefined) return { status, body: rule.body };
  if (status === 429) return rateLimitReply(rule);
  if (status === 403) return { status };
  if (status === 400)
    return {
      status,
      body: { frontendErrorKey: "EMULATED_FAULT", errorInformation: { message: "Injected fault" } },
    };
  if (status === 500)
    return {
      status,
      body: {
        reference: randomUUID(),
        message: "An unexpected error occurred. Please contact support and provide the reference.",
        shortMessage: "Internal Server Error",
      },
    };
  return { status, body: REASONS[status] ?? `HTTP ${status}` };
}

interface ActiveRule {
  rule: FaultRule;
  /** Hits left; Infinity for count 0. */
  remaining: number;
}

/** The ordered rule list; the first matching rule with hits left applies. */
export class FaultSet {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    const r = validateFaultRule(rule);
    const count = r.count ?? 1;
    this.rules.push({ rule: r, remaining: count === 0 ? Infinity : count });
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules still armed (copies), with hits left (null = forever). */
  list(): (FaultRule & { remaining: number | null })[] {
    return this.rules.map((a) => ({
      ...structuredClone(a.rule),
      remaining: a.remaining === Infinity ? null : a.remaining,
    }));
  }

  /** Find the rule for this request and use up one hit of it. `target` is path plus query string. */
  take(method: string, target: string): FaultRule | undefined {
    const i = this.rules.findIndex((a) => {
      const m = a.rule.match;
      if (m?.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
      if (m?.path && !target.includes(m.path)) return false;
      return true;
    });
    if (i < 0) return undefined;
    const a = this.rules[i];
    a.remaining -= 1;
    if (a.remaining <= 0) this.rules.splice(i, 1);
    return a.rule;
  }
}
