#!/usr/bin/env node
// Links node_modules/pulumi-celonis to this checkout, so the examples' `import ... from "pulumi-celonis"`
// resolves to the built dist/ exactly as it would from a user's install, and the dynamic-provider
// host (which runs in the example's directory) finds `pulumi-celonis/dist/provider/handlers`.
// Idempotent. Does nothing when this package is itself installed in someone else's node_modules
// (npm runs `prepare` for git dependencies too): it only acts in a checkout of the repository.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const isCheckout =
  fs.existsSync(path.join(root, "provider")) &&
  (fs.existsSync(path.join(root, ".git")) || fs.existsSync(path.join(root, "tsconfig.build.json"))) &&
  !root.split(path.sep).includes("node_modules");
if (!isCheckout) process.exit(0);

const link = path.join(root, "node_modules", "pulumi-celonis");
let current;
try {
  current = fs.lstatSync(link);
} catch {
  current = undefined;
}
if (current) {
  if (current.isSymbolicLink() && fs.realpathSync(link) === fs.realpathSync(root)) process.exit(0);
  if (!current.isSymbolicLink()) {
    console.error(`[link-self] ${link} exists and is not a link; leaving it alone`);
    process.exit(1);
  }
  fs.unlinkSync(link); // a link pointing elsewhere (an older checkout, a moved repo)
}
fs.mkdirSync(path.dirname(link), { recursive: true });
// Relative, so the link survives moving the checkout; "junction" only matters on Windows.
fs.symlinkSync(path.relative(path.dirname(link), root), link, "junction");
console.log(`[link-self] node_modules/pulumi-celonis -> ${path.relative(path.dirname(link), root)}`);
