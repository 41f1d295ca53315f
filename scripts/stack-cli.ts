// `npm run stack -- <example> <preview|up|refresh|destroy|outputs> [--url U] [--api-key K]
//                    [--stack NAME] [--config key=value]...`
// Runs one example of examples/ through scripts/stack.ts (the Automation API on the file backend in
// .pulumi/state), the way `pulumi <action>` in the example's folder would with a normal Pulumi
// install. The Celonis URL/token come from the flags or CELONIS_URL / CELONIS_API_TOKEN (OAuth: the
// provider reads OAUTH_CLIENT_ID / OAUTH_CLIENT_SECRET itself).

import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import {
  PULUMI_DIR,
  REPO_ROOT,
  describeStackError,
  ensureToolchain,
  exampleProgram,
  missingPlugins,
  openStack,
  printableOutputs,
  skipMessage,
} from "./stack";

const ACTIONS = ["preview", "up", "refresh", "destroy", "outputs"] as const;
type Action = (typeof ACTIONS)[number];
type Config = Record<string, { value: string; secret?: boolean }>;

interface Request {
  example: string;
  action: Action;
  stack: string;
  url?: string;
  apiKey?: string;
  config: string[];
}

function usage(): string {
  const dir = path.join(REPO_ROOT, "examples");
  const examples = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "index.ts")))
    : [];
  return `usage: npm run stack -- <example> <${ACTIONS.join("|")}> [--url U] [--api-key K]
                      [--stack NAME] [--config key=value]...
  examples: ${examples.join(", ") || "(none)"}
  Celonis: --url/--api-key, or CELONIS_URL/CELONIS_API_TOKEN; the emulator: npm run emulator (URL http://127.0.0.1:8085, key demo-api-key)`;
}

/** The request the arguments make, or undefined when they are not one (then usage is printed). */
function parseRequest(argv: string[]): Request | "help" | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      "api-key": { type: "string" },
      stack: { type: "string", default: "dev" },
      config: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const [example, action] = positionals;
  if (!example || !ACTIONS.includes(action as Action) || positionals.length !== 2) return undefined;
  return {
    example,
    action: action as Action,
    stack: values.stack,
    url: values.url ?? process.env.CELONIS_URL,
    apiKey: values["api-key"] ?? process.env.CELONIS_API_TOKEN,
    config: values.config,
  };
}

/** Stack config from the flags: the Celonis URL and token, and `--config key=value` (project keys by default). */
function stackConfig(req: Request): Config {
  const config: Config = {};
  if (req.url) config["celonis:url"] = { value: req.url };
  if (req.apiKey) config["celonis:apiToken"] = { value: req.apiKey, secret: true };
  for (const kv of req.config) {
    const i = kv.indexOf("=");
    if (i <= 0) throw new Error(`--config expects key=value, got "${kv}"`);
    const key = kv.slice(0, i);
    config[key.includes(":") ? key : `${req.example}:${key}`] = { value: kv.slice(i + 1) };
  }
  return config;
}

async function run(stack: Stack, req: Request): Promise<void> {
  const onOutput = (s: string): boolean => process.stdout.write(s);
  if (req.action === "preview") await stack.preview({ diff: true, onOutput });
  if (req.action === "up") await stack.up({ onOutput });
  if (req.action === "refresh") await stack.refresh({ onOutput });
  if (req.action === "destroy") await stack.destroy({ onOutput });
  if (req.action === "up" || req.action === "refresh" || req.action === "outputs") {
    const shown = await printableOutputs(stack);
    console.log(`outputs of ${req.example}/${req.stack}:\n${JSON.stringify(shown, null, 2)}`);
  }
}

/** Exit code: 0 done, 2 bad arguments, 3 skipped for a missing plugin. */
async function main(argv: string[]): Promise<number> {
  const req = parseRequest(argv);
  if (req === undefined || req === "help") {
    console.error(usage());
    return req === "help" ? 0 : 2;
  }
  const exampleDir = path.join(REPO_ROOT, "examples", req.example);
  if (!fs.existsSync(path.join(exampleDir, "index.ts"))) {
    console.error(`no example "${req.example}" (examples/${req.example}/index.ts)\n${usage()}`);
    return 2;
  }
  ensureToolchain();
  const missing = req.action === "preview" || req.action === "up" ? missingPlugins(exampleDir) : [];
  if (missing.length > 0) {
    console.log(`${req.example}: ${skipMessage(missing)}`);
    return 3;
  }
  const stack = await openStack({
    projectName: req.example,
    stackName: req.stack,
    workDir: exampleDir,
    stateDir: path.join(PULUMI_DIR, "state"),
    program: exampleProgram(exampleDir),
    config: stackConfig(req),
  });
  const needsUrl = req.action !== "outputs" && req.action !== "destroy";
  if (needsUrl && !(await stack.getAllConfig())["celonis:url"] && !process.env.CELONIS_URL) {
    console.error(
      `no Celonis URL: pass --url and --api-key (or set CELONIS_URL and CELONIS_API_TOKEN).\n${usage()}`,
    );
    return 2;
  }
  await run(stack, req);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`stack: ${describeStackError(err)}`);
    process.exit(1);
  },
);
