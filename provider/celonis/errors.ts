// The only error types that leave the Celonis client, and the rules that keep them safe to print.
// Every failure is turned into a CelonisError built from the HTTP status and body alone (never an
// AxiosError, which carries the request headers and config with the credential), so messages name
// the call, the data model and Celonis's own words, and every string passes through `redact` first.

import { classifyFailure, isIdempotent, type HttpMethod } from "./retry";
import type { StartWindow } from "./trigger";

/** What a CelonisError knows. All strings are redacted before they are stored. */
export interface CelonisErrorInit {
  /** What the client was doing, in user words, e.g. "trigger partial load". */
  call: string;
  dataModelId?: string;
  poolId?: string;
  /** HTTP status, when Celonis answered at all. */
  status?: number;
  /** Celonis's own message (plain-string body, `errorInformation`, `message`…). */
  celonisMessage?: string;
  /** The `frontendErrorKey` of a 400 answer, e.g. DATA_MODEL_LOAD_ALREADY_RUNNING. */
  frontendErrorKey?: string;
  /** The `reference` of a 500 answer (what Celonis support asks for). */
  reference?: string;
  /** A network-level error code (ECONNRESET, ETIMEDOUT…) when there was no answer. */
  code?: string;
  /** Whether trying the same call again later may succeed. */
  retryable: boolean;
  /** Overrides the generated message (still redacted). */
  message?: string;
}

/** A failed Celonis call: safe to print, log and serialize (contains no credential). */
export class CelonisError extends Error {
  readonly call: string;
  declare readonly dataModelId?: string;
  declare readonly poolId?: string;
  declare readonly status?: number;
  declare readonly celonisMessage?: string;
  declare readonly frontendErrorKey?: string;
  declare readonly reference?: string;
  declare readonly code?: string;
  readonly retryable: boolean;

  constructor(init: CelonisErrorInit, secrets: readonly string[] = []) {
    const clean = (s: string | undefined): string | undefined =>
      s === undefined ? undefined : redact(s, secrets);
    const fields: CelonisErrorInit = {
      ...init,
      call: redact(init.call, secrets),
      dataModelId: clean(init.dataModelId),
      poolId: clean(init.poolId),
      celonisMessage: clean(init.celonisMessage),
      frontendErrorKey: clean(init.frontendErrorKey),
      reference: clean(init.reference),
      code: clean(init.code),
    };
    super(redact(init.message ?? formatCelonisMessage(fields), secrets));
    this.name = "CelonisError";
    this.call = fields.call;
    this.retryable = init.retryable;
    // Only defined fields become own properties, so JSON.stringify/inspect stay short.
    if (fields.dataModelId !== undefined) this.dataModelId = fields.dataModelId;
    if (fields.poolId !== undefined) this.poolId = fields.poolId;
    if (init.status !== undefined) this.status = init.status;
    if (fields.celonisMessage !== undefined) this.celonisMessage = fields.celonisMessage;
    if (fields.frontendErrorKey !== undefined) this.frontendErrorKey = fields.frontendErrorKey;
    if (fields.reference !== undefined) this.reference = fields.reference;
    if (fields.code !== undefined) this.code = fields.code;
  }
}

/**
 * `Celonis trigger partial load for data model 7f…: HTTP 400 DATA_MODEL_LOAD_ALREADY_RUNNING: <message>`.
 * Pure; exported for tests.
 */
export function formatCelonisMessage(e: CelonisErrorInit): string {
  const where = e.dataModelId
    ? ` for data model ${e.dataModelId}`
    : e.poolId
      ? ` in data pool ${e.poolId}`
      : "";
  let what: string;
  if (e.status !== undefined) {
    what = `HTTP ${e.status}`;
    if (e.frontendErrorKey) what += ` ${e.frontendErrorKey}`;
  } else if (e.code) {
    what = `no answer (${e.code})`;
  } else {
    what = "failed";
  }
  let msg = `Celonis ${e.call}${where}: ${what}`;
  if (e.celonisMessage) msg += `: ${e.celonisMessage}`;
  if (e.reference && !(e.celonisMessage ?? "").includes(e.reference)) msg += ` (reference ${e.reference})`;
  return msg;
}

const REDACTED = "[REDACTED]";

/** Secrets shorter than this are not searched for alone (they would shred ordinary words). */
const MIN_SECRET_LENGTH = 4;

/**
 * Removes every occurrence of each secret and anything shaped like an Authorization header value
 * (`Bearer …`, `AppKey …`, `Basic …`) or an `access_token`/`client_secret` field from `text`. Pure.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  const sorted = [...new Set(secrets)].filter((s) => typeof s === "string" && s.length >= MIN_SECRET_LENGTH);
  sorted.sort((a, b) => b.length - a.length);
  for (const s of sorted) out = out.split(s).join(REDACTED);
  out = out.replace(/\b(Bearer|AppKey|Basic)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=:-]+/gi, `$1 ${REDACTED}`);
  out = out.replace(
    /("?(?:access_token|client_secret|password|apiToken|api_token)"?\s*[:=]\s*"?)(?!\[REDACTED\])[^"&\s,}]+/gi,
    `$1${REDACTED}`,
  );
  return out;
}

/** One table reference that matched nothing, with what the user probably meant. */
export interface UnknownTableRef {
  ref: string;
  suggestions: string[];
}

/** One table reference that matched several tables (only case-insensitively, or by different fields). */
export interface AmbiguousTableRef {
  ref: string;
  candidates: string[];
}

/**
 * Table names, aliases or ids that do not resolve in a data model. The message lists every bad
 * reference with close matches and the valid names, so `pulumi preview` fails with something useful.
 */
export class TableResolutionError extends CelonisError {
  readonly unknown: UnknownTableRef[];
  readonly ambiguous: AmbiguousTableRef[];
  readonly validNames: string[];

  constructor(init: {
    dataModelId?: string;
    unknown: UnknownTableRef[];
    ambiguous?: AmbiguousTableRef[];
    validNames: string[];
  }) {
    const ambiguous = init.ambiguous ?? [];
    super({
      call: "resolve tables",
      dataModelId: init.dataModelId,
      retryable: false,
      message: formatTableResolutionMessage(init.dataModelId, init.unknown, ambiguous, init.validNames),
    });
    this.name = "TableResolutionError";
    this.unknown = init.unknown;
    this.ambiguous = ambiguous;
    this.validNames = init.validNames;
  }
}

/** How one unknown table reference is described, here and in `check`'s failures. Pure. */
export function unknownTableText(u: UnknownTableRef): string {
  const hint = u.suggestions.length
    ? ` (did you mean ${u.suggestions.map((s) => `"${s}"`).join(", ")}?)`
    : "";
  return `"${u.ref}" matches no table${hint}`;
}

/** How one ambiguous table reference is described. Pure. */
export function ambiguousTableText(a: AmbiguousTableRef): string {
  const candidates = a.candidates.map((c) => `"${c}"`).join(", ");
  return `"${a.ref}" is ambiguous: it matches ${candidates}; write the exact name or the table id`;
}

/** Most table names a message lists; a model with more says how many it left out. */
export const MAX_LISTED_TABLES = 50;

/** "Valid tables: A, B, … (and 12 more)." Pure. */
export function validTablesText(validNames: readonly string[]): string {
  if (validNames.length === 0) return "The data model has no tables.";
  const shown = validNames.slice(0, MAX_LISTED_TABLES).join(", ");
  const more =
    validNames.length > MAX_LISTED_TABLES ? ` (and ${validNames.length - MAX_LISTED_TABLES} more)` : "";
  return `Valid tables: ${shown}${more}.`;
}

/** Pure; exported for tests. */
export function formatTableResolutionMessage(
  dataModelId: string | undefined,
  unknown: UnknownTableRef[],
  ambiguous: AmbiguousTableRef[],
  validNames: string[],
): string {
  const where = dataModelId ? `data model ${dataModelId}` : "the data model";
  const parts = [...unknown.map(unknownTableText), ...ambiguous.map(ambiguousTableText)];
  return `Cannot resolve tables in ${where}: ${parts.join("; ")}. ${validTablesText(validNames)}`;
}

/** A wait or call stopped because the deployment was cancelled (the engine's Cancel, Ctrl-C). */
export class CancelledError extends Error {
  /** What stopped it, as a sentence part: "the deployment was cancelled", the engine's timeout… */
  constructor(readonly what = "the deployment was cancelled") {
    super(`stopped: ${what}`);
    this.name = "CancelledError";
  }
}

/** Throws CancelledError when `signal` has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * A trigger that did not go through. `maybeStarted` says whether it may still have started a load
 * (an answer was lost and the deadline came before the load could be seen): the caller then keeps
 * the reload running instead of owing it, so the next `up` cannot start a second load. `visibleBy`
 * (epoch ms) is then when that load would have shown at the latest: a load not seen by then was
 * never started.
 */
export class TriggerError extends CelonisError {
  readonly maybeStarted: boolean;
  readonly visibleBy?: number;
  /** When its load could have started, in Celonis's clock, when known. */
  readonly window?: StartWindow;

  constructor(
    cause: CelonisError,
    maybeStarted: boolean,
    note?: string,
    visibleBy?: number,
    window?: StartWindow | null,
  ) {
    super({
      call: cause.call,
      dataModelId: cause.dataModelId,
      poolId: cause.poolId,
      status: cause.status,
      celonisMessage: cause.celonisMessage,
      frontendErrorKey: cause.frontendErrorKey,
      reference: cause.reference,
      code: cause.code,
      retryable: cause.retryable,
      message: note ? `${cause.message}; ${note}` : cause.message,
    });
    this.name = "TriggerError";
    this.maybeStarted = maybeStarted;
    if (visibleBy !== undefined) this.visibleBy = visibleBy;
    if (window) this.window = window;
  }
}

/** Does this error say that a load of the data model is already running (the onBusy case)? */
export function isLoadAlreadyRunning(err: unknown): boolean {
  if (!(err instanceof CelonisError) || !err.frontendErrorKey) return false;
  return isAlreadyRunningKey(err.frontendErrorKey);
}

/** Pure: does a `frontendErrorKey` mean "a load is already running"? Tolerant of wording. */
export function isAlreadyRunningKey(key: string): boolean {
  return /ALREADY[_ ]?RUNNING|IN[_ ]?PROGRESS|LOAD[_ ]?RUNNING|CURRENTLY[_ ]?RUNNING|BUSY/i.test(key);
}

/** Where a failed answer came from, for the message. */
export interface ErrorContext {
  call: string;
  dataModelId?: string;
  poolId?: string;
}

/**
 * Builds the CelonisError for a failed answer from its status and body only. Reads the shapes
 * Celonis uses: 400 `{frontendErrorKey, errorInformation}`, 500 `{reference, message, shortMessage}`,
 * 404/429 plain strings, 403 with no body. `res.method` is the method of the request it answers
 * (http.ts sets it): a 500 to a GET is retryable, to anything else (the default) it is not.
 * Pure; `secrets` are redacted from everything.
 */
export function errorFromResponse(
  ctx: ErrorContext,
  res: { status: number; body: string; method?: HttpMethod },
  secrets: readonly string[] = [],
): CelonisError {
  const { status } = res;
  const body = readErrorBody(res.body ?? "");
  return new CelonisError(
    {
      call: ctx.call,
      dataModelId: ctx.dataModelId,
      poolId: ctx.poolId,
      status,
      celonisMessage: withStatusHint(status, body.message, ctx),
      frontendErrorKey: body.frontendErrorKey,
      reference: body.reference,
      retryable: classifyFailure({ status }, res.method !== undefined && isIdempotent(res.method)).retryable,
    },
    secrets,
  );
}

/** Celonis's own words from an error body: JSON of the known shapes, a plain string, or nothing. */
function readErrorBody(raw: string): { message?: string; frontendErrorKey?: string; reference?: string } {
  const text = raw.trim();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  let out: { message?: string; frontendErrorKey?: string; reference?: string } = {};
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
    out = readErrorObject(parsed as Record<string, unknown>);
  else if (typeof parsed === "string") out.message = parsed;
  else if (text && !text.startsWith("<")) out.message = text; // an HTML error page says nothing useful
  if (out.message && out.message.length > 500) out.message = out.message.slice(0, 500) + "…";
  return out;
}

function readErrorObject(rec: Record<string, unknown>): {
  message?: string;
  frontendErrorKey?: string;
  reference?: string;
} {
  let message = firstString(
    rec.message,
    rec.shortMessage,
    rec.error_description,
    rec.error,
    rec.errorMessage,
  );
  const info = rec.errorInformation;
  if (!message && info !== undefined && info !== null) {
    const fields = info as Record<string, unknown>;
    message =
      typeof info === "string"
        ? info
        : typeof info === "object"
          ? (firstString(fields.message, fields.detail) ?? JSON.stringify(info))
          : String(info);
  }
  return {
    message: message === "{}" ? undefined : message,
    frontendErrorKey: typeof rec.frontendErrorKey === "string" ? rec.frontendErrorKey : undefined,
    reference: typeof rec.reference === "string" ? rec.reference : undefined,
  };
}

/** What a status means for the user, in front of (or instead of) Celonis's message. */
function withStatusHint(status: number, message: string | undefined, ctx: ErrorContext): string | undefined {
  const also = (hint: string) => (message ? `${hint} (${message})` : hint);
  if (status === 403) {
    const pool = ctx.poolId ? ` on data pool ${ctx.poolId}` : " on the data pool";
    return also(`permission denied: the API key or OAuth client needs Edit permission${pool}`);
  }
  if (status === 401) {
    return also(
      "authentication failed: the credential was rejected (check the key, and that keyType matches it: a user API key is sent as Bearer, an application key as AppKey)",
    );
  }
  if (status === 404 && !message) return "not found: check the data pool id and data model id";
  if (status === 429 && !message) return "rate limited";
  if (status >= 300 && status < 400)
    return `unexpected redirect${message ? ` (${message})` : ""}; check the Celonis URL`;
  return message;
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === "string" && v.trim() !== "") return v;
  return undefined;
}
