// Where the provider's connection settings come from: stack config (`celonis:*`, read in `configure`)
// with fallbacks to the environment variables pycelonis users already set. Pure: it takes a lookup
// function and an env map, so tests need neither Pulumi nor process.env. Credentials found here go to
// the client only; they never enter inputs, outputs, the serialized provider or messages.

import type { AuthConfig } from "./celonis/types";

/** Connection settings for one Celonis team. */
export interface Connection {
  url: string;
  auth: AuthConfig;
}

/** The stack config keys this provider reads (all under the `celonis` namespace). */
export const CONFIG_KEYS = {
  url: "celonis:url",
  apiToken: "celonis:apiToken",
  keyType: "celonis:keyType",
  clientId: "celonis:clientId",
  clientSecret: "celonis:clientSecret",
  scope: "celonis:scope",
} as const;

/** The environment fallbacks, named as pycelonis names them. */
export const ENV_KEYS = {
  url: "CELONIS_URL",
  apiToken: "CELONIS_API_TOKEN",
  keyType: "CELONIS_KEY_TYPE",
  clientId: "OAUTH_CLIENT_ID",
  clientSecret: "OAUTH_CLIENT_SECRET",
  scope: "OAUTH_SCOPES",
} as const;

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
 * Reads the connection from stack config, then the environment. Throws ConfigError naming the keys
 * when something is missing. OAuth wins when a client id is set; otherwise an API token is needed.
 */
export function readConnection(
  get: (key: string) => string | undefined,
  env: Record<string, string | undefined>,
): Connection {
  const pick = (k: keyof typeof CONFIG_KEYS): string | undefined => {
    const v = get(CONFIG_KEYS[k]) ?? env[ENV_KEYS[k]];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const url = pick("url");
  if (!url) {
    throw new ConfigError(
      `Celonis URL missing: set it with \`pulumi config set ${CONFIG_KEYS.url} https://<team>.<realm>.celonis.cloud\` (or the ${ENV_KEYS.url} environment variable)`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      `${CONFIG_KEYS.url} must be a URL such as https://<team>.<realm>.celonis.cloud, got "${url}"`,
    );
  }
  const base = `${parsed.protocol}//${parsed.host}`;

  const clientId = pick("clientId");
  if (clientId) {
    const clientSecret = pick("clientSecret");
    if (!clientSecret) {
      throw new ConfigError(
        `OAuth client secret missing: ${CONFIG_KEYS.clientId} is set, so set \`pulumi config set --secret ${CONFIG_KEYS.clientSecret} …\` (or ${ENV_KEYS.clientSecret})`,
      );
    }
    return {
      url: base,
      auth: { kind: "oauth", clientId, clientSecret, scope: pick("scope") ?? DEFAULT_SCOPE },
    };
  }

  const token = pick("apiToken");
  if (!token) {
    throw new ConfigError(
      `Celonis credentials missing: set \`pulumi config set --secret ${CONFIG_KEYS.apiToken} …\` (an API key; ${CONFIG_KEYS.keyType} bearer|appkey), ` +
        `or OAuth ${CONFIG_KEYS.clientId} + secret ${CONFIG_KEYS.clientSecret} (+ ${CONFIG_KEYS.scope}); ` +
        `or the environment variables ${ENV_KEYS.apiToken} / ${ENV_KEYS.keyType}, or ${ENV_KEYS.clientId} / ${ENV_KEYS.clientSecret} / ${ENV_KEYS.scope}`,
    );
  }
  return { url: base, auth: { kind: keyKind(pick("keyType")) ?? "bearer", token } };
}
