// Fault rules: what makes the emulator answer like a struggling Celonis (429 bursts, 5xx, dropped
// connections, slow answers), which requests they hit (method, path, skip the first N, only after a
// while) and for how many. fault-pipeline.ts applies the chosen rule around the route.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Clock } from "./clock";
import { optionIssue, parseOrThrow } from "./validate";

export const FAULT_KINDS = ["status", "drop", "delay", "rateLimit"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

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
  /** Let this many matching requests through first, then apply. Default 0. */
  skip?: number;
  /** Only requests arriving at least this long (ms) after the rule was added match it. Default 0. */
  activeAfterMs?: number;
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

const number = z.number({ error: "must be a number >= 0" }).min(0, { error: "must be a number >= 0" });
const integer = z.int({ error: "must be an integer >= 0" }).min(0, { error: "must be an integer >= 0" });

const ruleSchema = z
  .strictObject(
    {
      match: z
        .strictObject(
          {
            method: z.string({ error: "must be a string" }).optional(),
            path: z.string({ error: "must be a string" }).optional(),
          },
          { error: "must be an object" },
        )
        .optional(),
      kind: z.enum(FAULT_KINDS, { error: `must be one of ${FAULT_KINDS.join(", ")}` }),
      status: z
        .int({ error: "must be an integer 400-599" })
        .min(400, { error: "must be an integer 400-599" })
        .max(599, { error: "must be an integer 400-599" })
        .optional(),
      body: z.unknown().optional(),
      delayMs: number.optional(),
      count: integer.optional(),
      skip: integer.optional(),
      activeAfterMs: number.optional(),
      resetSeconds: number.optional(),
      limit: integer.optional(),
      retryAfterSeconds: number.optional(),
      after: z.boolean({ error: "must be a boolean" }).optional(),
    },
    { error: "must be an object" },
  )
  .superRefine(checkKind) satisfies z.ZodType<FaultRule>;

/** The fields that only make sense for some kinds. */
function checkKind(r: FaultRule, ctx: z.RefinementCtx): void {
  const fail = (message: string): void => ctx.addIssue({ code: "custom", path: [], message });
  if (r.kind === "status" && r.status === undefined) fail("of kind status needs status: an integer 400-599");
  if (r.kind !== "status" && r.status !== undefined) fail('status is only for kind "status"');
  if (r.kind === "delay" && r.delayMs === undefined) fail("of kind delay needs delayMs");
  if (r.after === true && r.kind === "rateLimit")
    fail('after: true is for kinds "drop", "status" and "delay"');
}

const describe = optionIssue("fault rule", Object.keys(ruleSchema.shape));

/** Validate a rule (from code, JSON or a CLI flag); throws Error with a clear message. */
export function validateFaultRule(value: unknown): FaultRule {
  return structuredClone(parseOrThrow(ruleSchema, value, describe));
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

/** The 500 body Celonis sends: a support reference and two messages. */
export function internalErrorReply(): Reply {
  return {
    status: 500,
    body: {
      reference: randomUUID(),
      message: "An unexpected error occurred. Please contact support and provide the reference.",
      shortMessage: "Internal Server Error",
    },
  };
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
  if (status === 500) return internalErrorReply();
  return { status, body: REASONS[status] ?? `HTTP ${status}` };
}

interface ActiveRule {
  rule: FaultRule;
  /** When the rule was added (clock ms). */
  addedAt: number;
  /** Matching requests still to let through. */
  skipLeft: number;
  /** Hits left; Infinity for count 0. */
  remaining: number;
}

/** A rule as listed by the control API: with its hits left (null = forever) and skips left. */
export type ListedRule = FaultRule & { remaining: number | null; skipLeft: number };

/**
 * The ordered rule list. For each request, rules are checked in order: a rule matches when method
 * and path match and it is active (activeAfterMs passed); a matching rule still skipping counts the
 * request and lets the next rules decide; the first matching rule with no skips left applies.
 */
export class FaultSet {
  private rules: ActiveRule[] = [];

  constructor(private readonly clock: Clock) {}

  add(rule: FaultRule): void {
    const r = validateFaultRule(rule);
    const count = r.count ?? 1;
    this.rules.push({
      rule: r,
      addedAt: this.clock.now(),
      skipLeft: r.skip ?? 0,
      remaining: count === 0 ? Infinity : count,
    });
  }

  clear(): void {
    this.rules = [];
  }

  list(): ListedRule[] {
    return this.rules.map((a) => ({
      ...structuredClone(a.rule),
      remaining: a.remaining === Infinity ? null : a.remaining,
      skipLeft: a.skipLeft,
    }));
  }

  /** The rule for this request, with one hit of it used up. `target` is path plus query string. */
  take(method: string, target: string): FaultRule | undefined {
    const now = this.clock.now();
    for (const a of this.rules) {
      if (!matches(a, method, target, now)) continue;
      if (a.skipLeft > 0) {
        a.skipLeft -= 1;
        continue;
      }
      a.remaining -= 1;
      if (a.remaining <= 0) this.rules = this.rules.filter((x) => x !== a);
      return a.rule;
    }
    return undefined;
  }
}

function matches(a: ActiveRule, method: string, target: string, now: number): boolean {
  const m = a.rule.match;
  if (m?.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m?.path && !target.includes(m.path)) return false;
  return now - a.addedAt >= (a.rule.activeAfterMs ?? 0);
}
