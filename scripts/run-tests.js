#!/usr/bin/env node
// Runs one test layer (unit | contract | integration | host | e2e | reliability | sim) or all of them in one
// mocha run, and ends with the summary line CI reads: "N passed, N failed". Layers that start the
// provider in another process (host, e2e, reliability) need the compiled package, so this builds it
// first; e2e and reliability also need the CLI (and e2e the YAML host and the generated SDKs).
//
//   node scripts/run-tests.js <layer|all> [file ...]   files: names in the layer without .test.ts
"use strict";
const path = require("path");
const fs = require("fs");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const layers = ["unit", "contract", "integration", "host", "e2e", "reliability", "sim"];
const wanted = process.argv[2] || "all";
const selected = wanted === "all" ? layers : [wanted];
// Only these files of the layer, e.g. `e2e engine yaml` (CI's matrix leg runs the e2e core this way).
const onlyFiles = new Set(process.argv.slice(3).map((name) => `${name}.test.ts`));
if (!selected.every((l) => layers.includes(l))) {
  console.error(`unknown test layer "${wanted}"; valid: all, ${layers.join(", ")}`);
  process.exit(2);
}

const needsEngine = selected.includes("e2e") || selected.includes("reliability");
if (selected.includes("host") || needsEngine) {
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
}

if (needsEngine) {
  // The pinned Pulumi CLI, and for e2e (its YAML tests) the YAML host: built on first use (minutes when
  // cold), so outside any mocha timeout.
  const yaml = selected.includes("e2e") ? ["--yaml"] : [];
  execFileSync("bash", [path.join(root, "scripts", "pulumi-toolchain.sh"), ...yaml], {
    cwd: root,
    stdio: "inherit",
  });
}

if (selected.includes("e2e")) {
  // The SDKs from the current schema, which the e2e layer checks.
  execFileSync("bash", [path.join(root, "scripts", "sdks.sh")], { cwd: root, stdio: "inherit" });
}

require("ts-node").register({ project: path.join(root, "tsconfig.json"), transpileOnly: true });
const mochaModule = require("mocha");
const Mocha = mochaModule.Mocha ?? mochaModule;
const mocha = new Mocha({ timeout: 20000, reporter: process.env.MOCHA_REPORTER || "spec" });
if (process.env.MOCHA_GREP) mocha.grep(process.env.MOCHA_GREP);

function addTests(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) addTests(full);
    else if (entry.name.endsWith(".test.ts") && (onlyFiles.size === 0 || onlyFiles.has(entry.name))) {
      mocha.addFile(full);
    }
  }
}
for (const layer of selected) addTests(path.join(root, "tests", layer));

const runner = mocha.run(() => {
  const { passes, failures, pending } = runner.stats;
  console.log("");
  console.log(`${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ""}`);
  // A run that matched nothing fails (a mistyped MOCHA_GREP); one whose tests were all skipped, saying
  // why (a plugin this machine cannot have), does not.
  process.exitCode = failures > 0 || passes + pending === 0 ? 1 : 0;
});
