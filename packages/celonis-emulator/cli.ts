#!/usr/bin/env node
// `celonis-emulator`: runs the Celonis-compatible emulator as a local server so a stack, an example or
// a test can run with no Celonis account. Prints exactly `listening on http://<host>:<port>` on stdout
// once ready (request lines and hints go to stderr) and exits cleanly on SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { DEFAULT_CREDENTIALS } from "./auth";
import { validateFaultRule, type FaultRule } from "./faults";
import { startEmulator, type EmulatorOptions } from "./server";
import { LOAD_OUTCOMES, type LoadOutcome } from "./wire";

export const DEFAULT_PORT = 8085;

export const HELP = `Usage: celonis-emulator [options]

A local server that answers like the Celonis data model load API (see README).

Options:
  --port <n>                 port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host <addr>              address to bind (default 127.0.0.1)
  --seed <file>              pools/data models/tables JSON (default: the shipped demo seed)
  --api-key <key>            accept this user API key as "Authorization: Bearer <key>" (repeatable)
  --app-key <key>            accept this application key as "Authorization: AppKey <key>" (repeatable)
  --oauth-client <id:secret> accept this OAuth client at POST /oauth2/token (repeatable)
  --token-lifetime <s>       lifetime of issued OAuth tokens in seconds (default 899)
  --load-seconds <s>         how long a load runs (default 2)
  --outcome <STATUS>         how loads end: ${LOAD_OUTCOMES.join(", ")} (default SUCCESS)
  --stuck                    loads stay RUNNING forever (until cancel-load)
  --queue-triggers           queue a trigger that arrives while a load runs (default: 400 ALREADY_RUNNING)
  --pool-access <key=p1,p2>  restrict a key or client id to these pool ids, others get 403 (repeatable)
  --disable-v1-last-load     v1 .../last-load answers 404 (test the load-info-sync fallback)
  --clock-offset <s>         the API's clock (Date header, load dates) runs this many seconds ahead (< 0: behind)
  --fault <json>             add a fault rule, e.g. '{"kind":"rateLimit","count":3}' (repeatable)
  --quiet                    print only the "listening on" line
  -h, --help                 show this help

With no --api-key/--app-key/--oauth-client, these demo credentials are accepted:
  API key "${DEFAULT_CREDENTIALS.apiKey}", application key "${DEFAULT_CREDENTIALS.appKey}",
  OAuth client "${DEFAULT_CREDENTIALS.clientId}" / "${DEFAULT_CREDENTIALS.clientSecret}".

Control API (no auth): GET /_emulator/health, GET/DELETE /_emulator/requests, GET/POST/DELETE /_emulator/faults,
PUT /_emulator/behaviour/{modelId|*}, POST/GET /_emulator/models/{modelId}/loads,
GET/PUT /_emulator/clock, POST /_emulator/tokens/expire, POST /_emulator/reset.
`;

export interface CliConfig {
  help: boolean;
  quiet: boolean;
  stuck: boolean;
  faults: FaultRule[];
  options: EmulatorOptions;
  /** True when the demo credentials are in use (then they are printed as a hint). */
  defaultCredentials: boolean;
}

function number(flag: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new Error(`--${flag} expects a${integer ? "n integer" : " number"} >= 0, got "${v}"`);
  return n;
}

const FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
  seed: { type: "string" },
  "api-key": { type: "string", multiple: true },
  "app-key": { type: "string", multiple: true },
  "oauth-client": { type: "string", multiple: true },
  "token-lifetime": { type: "string" },
  "load-seconds": { type: "string" },
  outcome: { type: "string" },
  stuck: { type: "boolean" },
  "queue-triggers": { type: "boolean" },
  "pool-access": { type: "string", multiple: true },
  "disable-v1-last-load": { type: "boolean" },
  "clock-offset": { type: "string" },
  fault: { type: "string", multiple: true },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Flags = ReturnType<typeof parseArgs<{ args: string[]; strict: true; options: typeof FLAGS }>>["values"];

function outcomeFlag(v: string | undefined): LoadOutcome | undefined {
  if (v === undefined) return undefined;
  const o = v.toUpperCase();
  if (!(LOAD_OUTCOMES as readonly string[]).includes(o))
    throw new Error(`--outcome must be one of ${LOAD_OUTCOMES.join(", ")}`);
  return o as LoadOutcome;
}

function oauthClientFlags(values: string[] | undefined): EmulatorOptions["oauthClients"] {
  return values?.map((s) => {
    const i = s.indexOf(":");
    if (i <= 0 || i === s.length - 1) throw new Error("--oauth-client expects <clientId>:<clientSecret>");
    return { clientId: s.slice(0, i), clientSecret: s.slice(i + 1) };
  });
}

function poolAccessFlags(values: string[] | undefined): Record<string, string[]> | undefined {
  if (!values || values.length === 0) return undefined;
  const access: Record<string, string[]> = {};
  for (const s of values) {
    const i = s.indexOf("=");
    if (i <= 0) throw new Error("--pool-access expects <keyOrClientId>=<poolId>[,<poolId>...]");
    access[s.slice(0, i)] = s
      .slice(i + 1)
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== "");
  }
  return access;
}

function faultFlags(values: string[] | undefined): FaultRule[] {
  return (values ?? []).map((s) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch (e) {
      throw new Error(`--fault expects a JSON fault rule, got: ${s}`, { cause: e });
    }
    try {
      return validateFaultRule(parsed);
    } catch (e) {
      throw new Error(`--fault ${s}: ${(e as Error).message}`, { cause: e });
    }
  });
}

/** `--clock-offset <seconds>`, negative allowed, as ms. */
function clockOffsetFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n))
    throw new Error(`--clock-offset expects seconds (e.g. -600), got "${v}"`);
  return Math.round(n * 1000);
}

/** The emulator options the flags ask for (only those given; the emulator's defaults apply to the rest). */
function emulatorOptions(values: Flags): EmulatorOptions {
  const port = number("port", values.port, true) ?? DEFAULT_PORT;
  if (port > 65535) throw new Error(`--port must be <= 65535, got ${port}`);
  const loadSeconds = number("load-seconds", values["load-seconds"], false);
  const given: EmulatorOptions = {
    seed: values.seed,
    apiKeys: values["api-key"],
    appKeys: values["app-key"],
    oauthClients: oauthClientFlags(values["oauth-client"]),
    tokenLifetimeSeconds: number("token-lifetime", values["token-lifetime"], true),
    loadMs: loadSeconds === undefined ? undefined : Math.round(loadSeconds * 1000),
    outcome: outcomeFlag(values.outcome),
    poolAccess: poolAccessFlags(values["pool-access"]),
    clockOffsetMs: clockOffsetFlag(values["clock-offset"]),
  };
  const options: EmulatorOptions = {
    port,
    host: values.host ?? "127.0.0.1",
    queueTriggers: values["queue-triggers"] === true,
    disableV1LastLoad: values["disable-v1-last-load"] === true,
  };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) Object.assign(options, { [k]: v });
  return options;
}

/** Parse command-line arguments (without node and script); throws Error with a user-facing message. */
export function parseCli(argv: string[]): CliConfig {
  const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: FLAGS });
  const options = emulatorOptions(values);
  return {
    help: values.help === true,
    quiet: values.quiet === true,
    stuck: values.stuck === true,
    faults: faultFlags(values.fault),
    options,
    defaultCredentials: !options.apiKeys && !options.appKeys && !options.oauthClients,
  };
}

export async function main(argv: string[]): Promise<void> {
  let cfg: CliConfig;
  try {
    cfg = parseCli(argv);
  } catch (e) {
    process.stderr.write(`celonis-emulator: ${(e as Error).message}\nTry --help.\n`);
    process.exitCode = 2;
    return;
  }
  if (cfg.help) {
    process.stdout.write(HELP);
    return;
  }
  const err = (line: string): void => {
    if (!cfg.quiet) process.stderr.write(`${line}\n`);
  };
  cfg.options.log = (line) => err(line);

  const emu = await startEmulator(cfg.options).catch((e: Error) => {
    process.stderr.write(`celonis-emulator: ${e.message}\n`);
    process.exitCode = 1;
    return undefined;
  });
  if (!emu) return;
  for (const f of cfg.faults) emu.addFault(f);
  if (cfg.stuck) emu.setBehaviour("*", { stuck: true });

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    err(`received ${signal}, stopping`);
    void emu.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  process.stdout.write(`listening on ${emu.url}\n`);
  const pools = emu.state.listPools();
  for (const p of pools) {
    err(`pool ${p.id} "${p.name}"`);
    for (const m of emu.state.listModels(p.id))
      err(`  data model ${m.id} "${m.name}" (${m.tables.length} tables)`);
  }
  if (cfg.defaultCredentials)
    err(
      `demo credentials: API key "${DEFAULT_CREDENTIALS.apiKey}", app key "${DEFAULT_CREDENTIALS.appKey}", ` +
        `OAuth client "${DEFAULT_CREDENTIALS.clientId}"/"${DEFAULT_CREDENTIALS.clientSecret}"`,
    );
}

if (require.main === module) {
  void main(process.argv.slice(2));
}
