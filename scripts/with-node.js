#!/usr/bin/env node
// Runs a command on a Node.js the project supports. Why: the README's two commands (`npm run demo`,
// `npm test`) must work on a fresh machine, and these machines come with Debian's Node 20, older than
// the Node ≥ 22 that @pulumi/pulumi 3.276.0 needs. When the Node running this is older than that, the
// pinned one is installed from the npm registry (scripts/node-toolchain.sh, cached) and put first on
// PATH, so the command and every process it starts (the Pulumi CLI's provider host too) run on it.
//
//   node scripts/with-node.js <command> [args...]
"use strict";
const path = require("path");
const { execFileSync, spawnSync } = require("child_process");

const MIN_MAJOR = 22;
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node scripts/with-node.js <command> [args...]");
  process.exit(2);
}

const env = { ...process.env };
if (Number(process.versions.node.split(".")[0]) < MIN_MAJOR) {
  const script = path.join(__dirname, "node-toolchain.sh");
  const bin = execFileSync("bash", [script, "current"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  console.error(`[with-node] node ${process.version} is older than ${MIN_MAJOR}: using ${bin}/node`);
  env.PATH = `${bin}${path.delimiter}${env.PATH ?? ""}`;
}
const result = spawnSync(command, args, { stdio: "inherit", env, shell: false });
if (result.error) {
  console.error(`[with-node] could not run ${command}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
