// The three ways Celonis authenticates API calls (user API key as `Bearer`, application key as
// `AppKey`, OAuth client-credentials token as `Bearer`), the `/oauth2/token` endpoint, token expiry and
// per-pool permissions. Credentials are only compared here and never logged; a key comes back only as
// `Principal.id`, the name poolAccess knows it by.
import { randomBytes } from "node:crypto";
import type { Clock } from "./clock";
import type { Reply } from "./faults";

/** How a request authenticated, as shown in the request log (never the credential itself). */
export type AuthKind = "bearer" | "appkey" | "oauth" | "basic" | "form" | "none" | "invalid";

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface AuthOptions {
  apiKeys: string[];
  appKeys: string[];
  oauthClients: OAuthClient[];
  /** Lifetime of issued access tokens; Celonis uses 899 s. */
  tokenLifetimeSeconds: number;
  /** Key or client id → the pool ids it may use. A key not listed may use every pool. */
  poolAccess: Record<string, string[]>;
  /** What "now" is for token expiry. */
  clock: Clock;
}

/** The credentials used when none are configured (documented in the CLI help and README). */
export const DEFAULT_CREDENTIALS = {
  apiKey: "demo-api-key",
  appKey: "demo-app-key",
  clientId: "demo-client",
  clientSecret: "demo-secret",
} as const;

/** The scope the data-model endpoints need. */
export const DATA_POOLS_SCOPE = "integration.data-pools";

/** Scopes the token endpoint accepts; any other scope → 400 invalid_scope. */
export const KNOWN_SCOPES: readonly string[] = [
  DATA_POOLS_SCOPE,
  "integration.data-models",
  "studio",
  "team.members",
  "action-engine.projects",
  "app-store.admin",
  "audit.log",
  "ml-workbench",
  "transport.transports",
];

/** Result of checking an `Authorization` header on an API call. */
export interface Principal {
  kind: AuthKind;
  /** The key or client id (used for poolAccess); null when not authenticated. */
  id: string | null;
  /** OAuth scopes; null for keys (keys carry their user's or application's permissions). */
  scopes: string[] | null;
}

interface IssuedToken {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

/** How a token request presents its client: the scheme, and id/secret as sent (and form-decoded). */
interface ClientCredentials {
  kind: AuthKind;
  id: string | null;
  secret: string | null;
  decoded?: { id: string; secret: string };
}

const INVALID_CLIENT: Reply = {
  status: 401,
  headers: { "www-authenticate": 'Basic realm="oauth2"' },
  body: { error: "invalid_client", error_description: "Client authentication failed" },
};

/** The scopes a client-credentials request asks for (default integration.data-pools), or the 400 refusing it. */
function grantedScopes(form: URLSearchParams): string[] | Reply {
  if (form.get("grant_type") !== "client_credentials")
    return {
      status: 400,
      body: { error: "unsupported_grant_type", error_description: "Only client_credentials is supported" },
    };
  const requested = (form.get("scope") ?? "").split(/\s+/).filter((s) => s !== "");
  const scopes = requested.length > 0 ? [...new Set(requested)] : [DATA_POOLS_SCOPE];
  const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
  if (unknown.length === 0) return scopes;
  return {
    status: 400,
    body: { error: "invalid_scope", error_description: `Unknown scope: ${unknown.join(" ")}` },
  };
}

function parseAuthorization(header: string | undefined): { scheme: string; value: string } | null {
  if (!header) return null;
  const m = /^\s*(\S+)\s+(.+?)\s*$/.exec(header);
  if (!m) return { scheme: header.trim().toLowerCase(), value: "" };
  return { scheme: m[1].toLowerCase(), value: m[2] };
}

export class AuthService {
  private readonly apiKeys: Set<string>;
  private readonly appKeys: Set<string>;
  private readonly clients: Map<string, string>;
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly options: AuthOptions) {
    this.apiKeys = new Set(options.apiKeys);
    this.appKeys = new Set(options.appKeys);
    this.clients = new Map(options.oauthClients.map((c) => [c.clientId, c.clientSecret]));
  }

  /**
   * Check the `Authorization` header of an `/integration` call. `kind` is bearer/appkey/oauth when
   * accepted, "none" when missing and "invalid" otherwise (unknown key, wrong scheme, expired token).
   */
  authenticate(header: string | undefined): Principal {
    const parsed = parseAuthorization(header);
    if (!parsed) return { kind: "none", id: null, scopes: null };
    const { scheme, value } = parsed;
    if (scheme === "bearer") {
      if (this.apiKeys.has(value)) return { kind: "bearer", id: value, scopes: null };
      const token = this.tokens.get(value);
      if (token && token.expiresAt > this.options.clock.now())
        return { kind: "oauth", id: token.clientId, scopes: token.scopes };
      // Unknown key, expired token, or an application key sent as Bearer (wrong scheme).
      return { kind: "invalid", id: null, scopes: null };
    }
    if (scheme === "appkey") {
      if (this.appKeys.has(value)) return { kind: "appkey", id: value, scopes: null };
      // Unknown key, or a user API key sent as AppKey (wrong scheme).
      return { kind: "invalid", id: null, scopes: null };
    }
    return { kind: "invalid", id: null, scopes: null };
  }

  /** Whether a principal `refuse` let through may use a pool (poolAccess). */
  canUsePool(p: Principal, poolId: string): boolean {
    if (p.id === null) return false;
    const allowed = this.options.poolAccess[p.id];
    return allowed === undefined || allowed.includes(poolId);
  }

  /** The answer refusing a call to `/integration/…`: 401 without a valid credential, 403 without the scope. */
  refuse(p: Principal): Reply | undefined {
    if (p.kind !== "bearer" && p.kind !== "appkey" && p.kind !== "oauth")
      return { status: 401, body: "Unauthorized" };
    if (p.scopes !== null && !p.scopes.includes(DATA_POOLS_SCOPE)) return { status: 403 };
    return undefined;
  }

  /**
   * `POST /oauth2/token` (form-encoded). Client authentication by HTTP Basic or by
   * client_id/client_secret form fields.
   */
  token(header: string | undefined, form: URLSearchParams): Reply {
    const clientId = this.knownClient(this.clientCredentials(header, form));
    if (clientId === null) return INVALID_CLIENT;
    const scopes = grantedScopes(form);
    return Array.isArray(scopes) ? this.issue(clientId, scopes) : scopes;
  }

  /** The client id when id and secret match a configured client (Basic values raw or form-encoded). */
  private knownClient(client: ClientCredentials): string | null {
    const known = (id: string | null, secret: string | null): boolean =>
      id !== null && secret !== null && this.clients.get(id) === secret;
    if (known(client.id, client.secret)) return client.id;
    // RFC 6749 says Basic credentials are form-encoded first; accept them encoded or raw.
    if (client.decoded && known(client.decoded.id, client.decoded.secret)) return client.decoded.id;
    return null;
  }

  private issue(clientId: string, scopes: string[]): Reply {
    const accessToken = `emu_${randomBytes(24).toString("base64url")}`;
    const lifetime = this.options.tokenLifetimeSeconds;
    this.tokens.set(accessToken, { clientId, scopes, expiresAt: this.options.clock.now() + lifetime * 1000 });
    return {
      status: 200,
      headers: { "cache-control": "no-store" },
      body: {
        access_token: accessToken,
        token_type: "Bearer",
        scope: scopes.join(" "),
        expires_in: lifetime,
      },
    };
  }

  /** How a token request authenticates its client, for the log: "invalid" when id or secret is wrong. */
  classifyTokenRequest(header: string | undefined, form: URLSearchParams): AuthKind {
    const client = this.clientCredentials(header, form);
    if (client.kind === "none" || this.knownClient(client) !== null) return client.kind;
    return "invalid";
  }

  /** Expire every issued token now (tests of the 401-then-refresh path). */
  expireAll(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  /** Forget every issued token. */
  reset(): void {
    this.tokens.clear();
  }

  private clientCredentials(header: string | undefined, form: URLSearchParams): ClientCredentials {
    const parsed = parseAuthorization(header);
    if (parsed) {
      if (parsed.scheme !== "basic") return { kind: "invalid", id: null, secret: null };
      const raw = Buffer.from(parsed.value, "base64").toString("utf8");
      const colon = raw.indexOf(":");
      if (colon < 0) return { kind: "invalid", id: null, secret: null };
      const dec = (s: string): string => {
        try {
          return decodeURIComponent(s.replace(/\+/g, " "));
        } catch {
          return s;
        }
      };
      const id = raw.slice(0, colon);
      const secret = raw.slice(colon + 1);
      return { kind: "basic", id, secret, decoded: { id: dec(id), secret: dec(secret) } };
    }
    const id = form.get("client_id");
    const secret = form.get("client_secret");
    if (id === null && secret === null) return { kind: "none", id: null, secret: null };
    return { kind: "form", id, secret };
  }
}
