#!/usr/bin/env node
// Checks that the installed tree holds one copy of each gRPC package the provider plugin shares with
// @pulumi/pulumi. Why: the plugin builds protobuf messages with the SDK's generated stubs
// (`@pulumi/pulumi/proto/*`); a second google-protobuf or @grpc/grpc-js would make them foreign
// objects to the server. CI runs it at the newest SDK and at the supported floor.
//
//   node scripts/check-one-copy.js     prints "<package>: one copy at <folder>" or fails naming them
"use strict";
const path = require("path");
const { execFileSync } = require("child_process");

const SHARED = ["google-protobuf", "@grpc/grpc-js"];
const root = path.resolve(__dirname, "..");

// --parseable lists each installed copy's folder once, however many packages it serves.
const folders = execFileSync("npm", ["ls", ...SHARED, "--all", "--parseable"], {
  cwd: root,
  encoding: "utf8",
})
  .split("\n")
  .filter(Boolean);
let ok = true;
for (const name of SHARED) {
  const copies = folders.filter((folder) => folder.endsWith(`${path.sep}node_modules${path.sep}${name}`));
  if (copies.length === 1) console.log(`${name}: one copy at ${path.relative(root, copies[0])}`);
  else {
    console.error(`${name}: ${copies.length} copies${copies.length ? `: ${copies.join(", ")}` : ""}`);
    ok = false;
  }
}
process.exitCode = ok ? 0 : 1;
