// Installs this package the way a user does: `npm pack` the checkout, then the tarball into a project
// directory. Why: a checkout serializes the provider by value (its module is not under node_modules),
// an installed package by a `require` of 280 bytes, so what users get is only seen from an install.
// Used by the packed-install e2e test, the benchmark's large stack and scripts/make-baseline.ts (which
// packs an older tag's sources).

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./stack";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * Packs `sourceDir` (default: this checkout) into `packDir` and installs the tarball into `projectDir`
 * (its package.json, for a project called `name`, is written here). @pulumi/pulumi is a peer
 * dependency: a project under the checkout finds the repository's copy further up, as a user's project
 * has its own. Returns the installed package's directory.
 */
export function installPacked(
  projectDir: string,
  packDir: string,
  name: string,
  sourceDir = REPO_ROOT,
): string {
  fs.mkdirSync(projectDir, { recursive: true });
  fs.mkdirSync(packDir, { recursive: true });
  const packed = execFileSync(npm, ["pack", "--silent", "--pack-destination", packDir], {
    cwd: sourceDir,
    encoding: "utf8",
  });
  const tarball = path.join(packDir, packed.trim().split("\n").pop()!);
  const manifest = { name, private: true, dependencies: { "pulumi-celonis": `file:${tarball}` } };
  fs.writeFileSync(path.join(projectDir, "package.json"), JSON.stringify(manifest));
  execFileSync(npm, ["install", "--legacy-peer-deps", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: projectDir,
    stdio: "ignore",
  });
  return path.join(projectDir, "node_modules", "pulumi-celonis");
}
