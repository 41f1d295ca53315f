// Named connections: several Celonis teams (a staging and a production team, say) in one program.
// `celonis:connections` is an object in stack config whose keys are connection names and whose
// values take the unnamed connection's keys (set with `pulumi config set --path [--secret]
// 'celonis:connections.prod.apiToken' …`). Each is read by the same rules as the unnamed one
// (config.ts), with no environment fallback, and every message names the connection and the key,
// never a value that could be a credential. Pure: it takes the same lookup function as config.ts.

import { CONFIG_KEYS, ConfigError, readConnection, type Connection } from "./config";

/** The stack config key holding the named connections. */
export const CONNECTIONS_KEY = "celonis:connections";

type Key = keyof typeof CONFIG_KEYS;
const KEYS = Object.keys(CONFIG_KEYS) as Key[];
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const path = (name: string, key?: string): string =>
  `${CONNECTIONS_KEY}.${name}${key === undefined ? "" : `.${key}`}`;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The raw object: JSON text as the engine and `pulumi.Config` hand it over. */
function rawConnections(get: (key: string) => string | undefined): Record<string, unknown> {
  const text = get(CONNECTIONS_KEY);
  if (text === undefined || text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed)) {
    throw new ConfigError(
      `${CONNECTIONS_KEY} must be an object of named connections, e.g. \`pulumi config set --path '${CONNECTIONS_KEY}.prod.url' https://<team>.<realm>.celonis.cloud\``,
    );
  }
  return parsed;
}

/** One connection's values as strings, each key checked: known, and a string (or a number of seconds). */
function valuesOf(name: string, raw: unknown): Map<Key, string> {
  if (!NAME.test(name)) {
    throw new ConfigError(
      `${path(name)}: a connection name is letters, digits, '_', '-' or '.', up to 64 characters`,
    );
  }
  if (!isRecord(raw)) {
    throw new ConfigError(`${path(name)} must be an object with the keys ${KEYS.join(", ")}`);
  }
  const values = new Map<Key, string>();
  for (const [key, value] of Object.entries(raw)) {
    if (!(KEYS as string[]).includes(key)) {
      throw new ConfigError(`${path(name, key)} is not a connection setting; valid keys: ${KEYS.join(", ")}`);
    }
    const text = typeof value === "number" && key === "requestTimeoutSeconds" ? String(value) : value;
    if (typeof text !== "string") {
      throw new ConfigError(
        `${path(name, key)} must be a string, got ${value === null ? "null" : typeof value}`,
      );
    }
    if (text.trim() !== "") values.set(key as Key, text);
  }
  return values;
}

/** config.ts's messages speak of `celonis:<key>` and environment variables; here neither applies. */
function renamed(name: string, message: string): string {
  let out = message.replace(/ \(or (the )?[A-Z_]+( environment variable)?\)/g, "");
  for (const key of KEYS) out = out.split(CONFIG_KEYS[key]).join(path(name, key));
  return out;
}

/** One named connection, read by config.ts's rules from its own values only. */
function readNamed(name: string, raw: unknown): Connection {
  const values = valuesOf(name, raw);
  if (!values.has("url")) {
    throw new ConfigError(
      `${path(name, "url")} is missing: set it with \`pulumi config set --path '${path(name, "url")}' https://<team>.<realm>.celonis.cloud\``,
    );
  }
  if (!values.has("apiToken") && !values.has("clientId")) {
    throw new ConfigError(
      `${path(name)} has no credential: set \`pulumi config set --path --secret '${path(name, "apiToken")}' …\` (an API key; ${path(name, "keyType")} bearer|appkey), ` +
        `or OAuth ${path(name, "clientId")} + secret ${path(name, "clientSecret")} (+ ${path(name, "scope")})`,
    );
  }
  const byConfigKey = new Map(KEYS.map((k) => [CONFIG_KEYS[k] as string, values.get(k)]));
  try {
    return readConnection((key) => byConfigKey.get(key), {});
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(renamed(name, e.message));
    throw e;
  }
}

/**
 * Every named connection in stack config, by name; {} when `celonis:connections` is not set.
 * Throws a ConfigError naming the first malformed connection and key.
 */
export function readNamedConnections(get: (key: string) => string | undefined): Record<string, Connection> {
  const out: Record<string, Connection> = {};
  for (const [name, raw] of Object.entries(rawConnections(get))) out[name] = readNamed(name, raw);
  return out;
}

/** The configured connection names (for messages and checks), without reading their settings. */
export function connectionNames(get: (key: string) => string | undefined): string[] {
  return Object.keys(rawConnections(get)).sort();
}

/**
 * The connection a resource or lookup asks for: `name` from `celonis:connections`, or without a
 * name the unnamed connection (stack config, then the environment, as config.ts reads it). An
 * unknown name fails listing the configured ones.
 */
export function selectConnection(
  name: string | undefined,
  get: (key: string) => string | undefined,
  env: Record<string, string | undefined>,
): Connection {
  if (name === undefined || name === "") return readConnection(get, env);
  const raw = rawConnections(get);
  if (!Object.prototype.hasOwnProperty.call(raw, name)) {
    const names = Object.keys(raw).sort();
    throw new ConfigError(
      `connection "${name}" is not configured: ${names.length ? `configured connections are ${names.map((n) => `"${n}"`).join(", ")}` : `${CONNECTIONS_KEY} is not set`}; ` +
        `add it with \`pulumi config set --path '${path(name, "url")}' …\``,
    );
  }
  return readNamed(name, raw[name]);
}
