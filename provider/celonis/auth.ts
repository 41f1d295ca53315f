// Turns an AuthConfig into the Authorization header of each Celonis request. API keys are static;
// OAuth client credentials get a token from /oauth2/token that is cached, shared by concurrent
// callers, refreshed before it expires (pycelonis never refreshes and fails after ~15 min) and
// dropped on a 401 so the caller can retry once. The token request itself is injected (http.ts).

import type { AuthConfig } from "./types";
import { CelonisError } from "./errors";

/** What the token endpoint answered (status and raw body only: no headers, no config). */
export interface TokenResponse {
  status: number;
  body: string;
}

/**
 * Posts a form to `/oauth2/token`. `basic` is the value of an HTTP Basic Authorization header, or
 * undefined when the client credentials travel as form fields.
 */
export type TokenTransport = (
  form: Record<string, string>,
  basic: string | undefined,
) => Promise<TokenResponse>;

/** A cached OAuth token. */
export interface CachedToken {
  accessToken: string;
  /** When we asked for it (epoch ms). */
  obtainedAt: number;
  /** obtainedAt + expires_in (epoch ms). */
  expiresAt: number;
}

/**
 * How long before expiry a token is renewed: 60 s or 10% of its lifetime, whichever is smaller.
 * Pure.
 */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.max(0, Math.min(60_000, lifetimeMs * 0.1));
}

/** Should this token be renewed now? Pure. */
export function tokenNeedsRefresh(token: CachedToken | null, nowMs: number): boolean {
  if (!token) return true;
  const lifetime = token.expiresAt - token.obtainedAt;
  return nowMs >= token.expiresAt - refreshMarginMs(lifetime);
}

/** Lifetime assumed when the token answer has no usable `expires_in` (Celonis sends 899 s). */
const DEFAULT_EXPIRES_IN_S = 899;

/** Reads `{access_token, expires_in}`; returns null when the body is not a token. Pure. */
export function parseTokenBody(body: string, obtainedAt: number): CachedToken | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== "object") return null;
  const rec = parsed as Record<string, unknown>;
  const token = rec.access_token;
  if (typeof token !== "string" || token === "") return null;
  const raw = typeof rec.expires_in === "string" ? Number(rec.expires_in) : rec.expires_in;
  const expiresIn = typeof raw === "number" && Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_EXPIRES_IN_S;
  return { accessToken: token, obtainedAt, expiresAt: obtainedAt + expiresIn * 1000 };
}

/** Gives each request its Authorization header. */
export class Authenticator {
  readonly kind: AuthConfig["kind"];
  private readonly config: AuthConfig;
  private readonly transport: TokenTransport | undefined;
  private readonly now: () => number;
  private token: CachedToken | null = null;
  private inflight: Promise<CachedToken> | null = null;
  /** Set once Basic client auth got a 401: from then on credentials go as form fields. */
  private useFormCredentials = false;
  /** Every access token ever handed out, so errors can redact even a stale one. */
  private readonly issued: string[] = [];

  constructor(config: AuthConfig, opts: { transport?: TokenTransport; now?: () => number } = {}) {
    this.config = config;
    this.kind = config.kind;
    this.transport = opts.transport;
    this.now = opts.now ?? Date.now;
    if (config.kind === "oauth" && !this.transport) {
      throw new CelonisError({
        call: "configure authentication",
        retryable: false,
        message: "OAuth authentication needs a token transport",
      });
    }
  }

  /** True when a 401 may be cured by fetching a new token (OAuth only). */
  get canRefresh(): boolean {
    return this.config.kind === "oauth";
  }

  /** The Authorization header value for the next request. */
  async header(): Promise<string> {
    switch (this.config.kind) {
      case "bearer":
        return `Bearer ${this.config.token}`;
      case "appkey":
        return `AppKey ${this.config.token}`;
      case "oauth":
        return `Bearer ${(await this.currentToken()).accessToken}`;
    }
  }

  /**
   * Forget the cached token after a 401. Pass the header that was rejected: if a concurrent caller
   * already replaced the token, the fresh one is kept.
   */
  invalidate(rejectedHeader?: string): void {
    if (!this.token) return;
    if (rejectedHeader !== undefined && rejectedHeader !== `Bearer ${this.token.accessToken}`) return;
    this.token = null;
  }

  /** Every credential string this authenticator knows, for redaction. */
  secrets(): string[] {
    const c = this.config;
    const out: string[] = [...this.issued];
    if (c.kind === "oauth") {
      out.push(c.clientSecret, basicHeader(c.clientId, c.clientSecret).slice("Basic ".length));
      out.push(encodeURIComponent(c.clientSecret));
    } else {
      out.push(c.token, encodeURIComponent(c.token));
    }
    return out;
  }

  private async currentToken(): Promise<CachedToken> {
    if (!tokenNeedsRefresh(this.token, this.now()) && this.token) return this.token;
    if (!this.inflight) {
      this.inflight = this.fetchToken().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async fetchToken(): Promise<CachedToken> {
    const c = this.config;
    if (c.kind !== "oauth" || !this.transport) {
      throw new CelonisError({
        call: "get OAuth token",
        retryable: false,
        message: "not an OAuth authenticator",
      });
    }
    const form: Record<string, string> = { grant_type: "client_credentials", scope: c.scope };
    const obtainedAt = this.now();
    let res: TokenResponse;
    if (!this.useFormCredentials) {
      res = await this.transport(form, basicHeader(c.clientId, c.clientSecret));
      if (res.status === 401) {
        // Some identity providers accept only form-field client authentication.
        const viaForm = await this.transport(
          { ...form, client_id: c.clientId, client_secret: c.clientSecret },
          undefined,
        );
        if (viaForm.status >= 200 && viaForm.status < 300) this.useFormCredentials = true;
        res = viaForm;
      }
    } else {
      res = await this.transport(
        { ...form, client_id: c.clientId, client_secret: c.clientSecret },
        undefined,
      );
    }
    if (res.status < 200 || res.status >= 300) throw tokenError(res, this.secrets());
    const token = parseTokenBody(res.body, obtainedAt);
    if (!token) {
      throw new CelonisError(
        {
          call: "get OAuth token",
          status: res.status,
          celonisMessage: "the answer holds no access_token",
          retryable: false,
        },
        this.secrets(),
      );
    }
    this.issued.push(token.accessToken);
    if (this.issued.length > 20) this.issued.shift();
    this.token = token;
    return token;
  }
}

/** `Basic base64(urlencode(id):urlencode(secret))` as RFC 6749 §2.3.1 asks. Pure. */
export function basicHeader(clientId: string, clientSecret: string): string {
  const raw = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
  return `Basic ${Buffer.from(raw, "utf8").toString("base64")}`;
}

function tokenError(res: TokenResponse, secrets: string[]): CelonisError {
  let message = res.body.trim();
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (parsed && typeof parsed === "object") {
      const rec = parsed as Record<string, unknown>;
      const parts = [rec.error, rec.error_description, rec.message].filter(
        (x): x is string => typeof x === "string",
      );
      if (parts.length) message = parts.join(": ");
    }
  } catch {
    // a plain-text body is used as it is
  }
  if (res.status === 401 || res.status === 403) {
    message = `${message ? message + " — " : ""}check the OAuth client id, secret and scope`;
  }
  return new CelonisError(
    {
      call: "get OAuth token",
      status: res.status,
      celonisMessage: message.slice(0, 500) || undefined,
      retryable: res.status === 429 || res.status >= 502,
    },
    secrets,
  );
}
