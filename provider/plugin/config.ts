// The stack config a plugin receives in `Configure`, turned into what the handlers read: a
// `config.get("celonis:url")` lookup. The engine sends the provider's settings twice, as `args`
// (keys without namespace, secrets wrapped when the plugin accepts them) and as string `variables`
// (`celonis:url`, or the older `celonis:config:url`); both are accepted, `args` first. Pure.

import type * as pulumi from "@pulumi/pulumi";
import { reveal } from "./secrets";

const NAMESPACE = "celonis";

/** `celonis:config:url` and `url` become `celonis:url`; other keys are kept as they are. */
export function configKey(key: string): string {
  const legacy = /^([^:]+):config:(.+)$/.exec(key);
  if (legacy) return `${legacy[1]}:${legacy[2]}`;
  return key.includes(":") ? key : `${NAMESPACE}:${key}`;
}

function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The config of one Configure call as the handlers' `ConfigureRequest`: `args` (a provider's
 * inputs, possibly with wrapped secrets) win over `variables`. Values that are not strings (a
 * number set with `--path`, say) are passed as JSON text, as the engine does for variables.
 */
export function configureRequest(
  variables: Record<string, string>,
  args: Record<string, unknown> | undefined,
): pulumi.dynamic.ConfigureRequest {
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(variables)) values.set(configKey(key), value);
  for (const [key, value] of Object.entries(reveal<Record<string, unknown>>(args ?? {}))) {
    const text = asText(value);
    if (text !== undefined && key !== "version") values.set(configKey(key), text);
  }
  const get = (key: string): string | undefined => values.get(configKey(key));
  return {
    config: {
      get,
      require: (key: string): string => {
        const value = get(key);
        if (value === undefined) throw new Error(`Missing required configuration key: ${configKey(key)}`);
        return value;
      },
    },
  };
}
