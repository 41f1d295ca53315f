// Where the provider's connection settings come from: stack config (`celonis:*`, read in `configure`)
// with fallbacks to the environment variables pycelonis users already set. Pure: it takes a lookup
// function and an env map, so tests need neither Pulumi nor process.env. Credentials found here go to
// the client only; they never enter inputs, outputs, the serialized provider or messages.

import type { AuthConfig } from "./celonis/types";
import { checkBaseUrl } from "./celonis/http";

/** Connection settings for one Celonis team. */
export interface Connection {
  url: string;
  auth: AuthConfig;
  /** How long one HTTP request may take (ms); default 30 s. */
  requestTimeoutMs?: number;
}

/** The stack config keys this provider reads (all under the `celonis` namespace). */
export const CONFIG_KEYS = {
  url: "celonis:url",
  apiToken: "celonis:apiToken",
  keyType: "celonis:keyType",
  clientId: "celonis:clientId",
  clientSecret: "celonis:clientSecret",
  scope: "celonis:scope",
  requestTimeoutSeconds: "celonis:requestTimeoutSeconds",
} as const;

/** The environment fallbacks, named as pycelonis names them (the timeout is this provider's own). */
export const ENV_KEYS = {
  url: "CELONIS_URL",
  apiToken: "CELONIS_API_TOKEN",
  keyType: "CELONIS_KEY_TYPE",
  clientId: "OAUTH_CLIENT_ID",
  clientSecret: "OAUTH_CLIENT_SECRET",
  scope: "OAUTH_SCOPES",
  requestTimeoutSeconds: "CELONIS_REQUEST_TIMEOUT_SECONDS",
} as const;

/** The keys that make up a credential: taken together from one place, stack config or environment. */
const CREDENTIAL_KEYS = ["apiToken", "keyType", "clientId", "clientSecret", "scope"] as const;

/** Scope an OAuth client needs to load data models. */
export const DEFAULT_SCOPE = "integration.data-pools";

/** Settings missing or malformed; the message names the keys to set, never a value. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function keyKind(value: string | undefined): "bearer" | "appkey" | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase().replace(/[-_ ]/g, "");
  if (["bearer", "userkey", "user", "apikey"].includes(v)) return "bearer";
  if (["appkey", "applicationkey", "app"].includes(v)) return "appkey";
  throw new ConfigError(
    `${CONFIG_KEYS.keyType} (or ${ENV_KEYS.keyType}) must be "bearer" (a user API key, USER_KEY) or "appkey" (an application key, APP_KEY), got "${value}"`,
  );
}

/**
 * The team's base URL from what the user set: a bare `https://<team>.<realm>.celonis.cloud`. A path,
 * a user name or password, a query or a fragment is refused rather than silently dropped (it would
 * mean the URL is not the one the user thinks); so is what the client would refuse (its scheme
 * rule, http.checkBaseUrl: https, or plain http only to a loopback host). Messages show the host
 * only: the rest may hold a credential.
 */
export function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${CONFIG_KEYS.url} must be a URL such as https://<team>.<realm>.celonis.cloud`);
  }
  const extra = [
    parsed.username || parsed.password ? "a user name or password" : null,
    parsed.pathname !== "/" && parsed.pathname !== "" ? `a path (${parsed.pathname})` : null,
    parsed.search ? "a query string" : null,
    parsed.hash ? "a fragment" : null,
  ].filter((x): x is string => x !== null);
  if (extra.length > 0) {
    throw new ConfigError(
      `${CONFIG_KEYS.url} must be the team's base URL only, e.g. ${parsed.protocol}//${parsed.host}; ` +
        `it has ${extra.join(", ")}`,
    );
  }
  try {
    return checkBaseUrl(`${parsed.protocol}//${parsed.host}`);
  } catch (e) {
    throw new ConfigError(`${CONFIG_KEYS.url}: ${(e as Error).message}`);
  }
}

function requestTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || n > 600) {
    throw new ConfigError(
      `${CONFIG_KEYS.requestTimeoutSeconds} must be a number of seconds from 1 to 600, got "${value}"`,
    );
  }
  return n * 1000;
}

function credentialsMissing(): ConfigError {
  return new ConfigError(
    `Celonis credentials missing: set \`pulumi config set --secret ${CONFIG_KEYS.apiToken} …\` (an API key; ${CONFIG_KEYS.keyType} bearer|appkey), ` +
      `or OAuth ${CONFIG_KEYS.clientId} + secret ${CONFIG_KEYS.clientSecret} (+ ${CONFIG_KEYS.scope}); ` +
      `or the environment variables ${ENV_KEYS.apiToken} / ${ENV_KEYS.keyType}, or ${ENV_KEYS.clientId} / ${ENV_KEYS.clientSecret} / ${ENV_KEYS.scope}`,
  );
}

/**
 * The credential, from stack config when it sets any credential key, else from the environment:
 * stack config wins as a whole, so an OAuth client in the environment never overrides an API token
 * in stack config. OAuth wins within one source when a client id is set.
 */
function readAuth(
  pick: (k: keyof typeof CONFIG_KEYS, fromConfig: boolean) => string | undefined,
): AuthConfig {
  const fromConfig = CREDENTIAL_KEYS.some((k) => pick(k, true) !== undefined);
  const get = (k: (typeof CREDENTIAL_KEYS)[number]) => pick(k, fromConfig);
  const where = fromConfig ? "stack config" : "the environment";
  const clientId = get("clientId");
  if (clientId) {
    const clientSecret = get("clientSecret");
    if (!clientSecret) {
      throw new ConfigError(
        `OAuth client secret missing: the OAuth client id is set in ${where}, so set \`pulumi config set --secret ${CONFIG_KEYS.clientSecret} …\`` +
          (fromConfig ? "" : ` (or ${ENV_KEYS.clientSecret})`),
      );
    }
    return { kind: "oauth", clientId, clientSecret, scope: get("scope") ?? DEFAULT_SCOPE };
  }
  const token = get("apiToken");
  if (!token) throw credentialsMissing();
  return { kind: keyKind(get("keyType")) ?? "bearer", token };
}

/**
 * Reads the connection from stack config, then the environment. The URL and the request timeout
 * each fall back on their own; the credential comes whole from one source (see readAuth). Throws
 * ConfigError naming the keys when something is missing or malformed.
 */
export function readConnection(
  get: (key: string) => string | undefined,
  env: Record<string, string | undefined>,
): Connection {
  const clean = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());
  const pick = (k: keyof typeof CONFIG_KEYS, fromConfig: boolean) =>
    clean(fromConfig ? get(CONFIG_KEYS[k]) : env[ENV_KEYS[k]]);
  const either = (k: keyof typeof CONFIG_KEYS) => pick(k, true) ?? pick(k, false);
  const url = either("url");
  if (!url) {
    throw new ConfigError(
      `Celonis URL missing: set it with \`pulumi config set ${CONFIG_KEYS.url} https://<team>.<realm>.celonis.cloud\` (or the ${ENV_KEYS.url} environment variable)`,
    );
  }
  const base = checkUrl(url);
  const requestTimeoutMs = requestTimeout(either("requestTimeoutSeconds"));
  return { url: base, auth: readAuth(pick), ...(requestTimeoutMs ? { requestTimeoutMs } : {}) };
}
