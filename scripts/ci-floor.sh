#!/usr/bin/env bash
# CI's matrix leg: the e2e core (the dynamic resource and the provider plugin, each through the real
# CLI) on the oldest Node, @pulumi/pulumi and Pulumi CLI the package supports. Why: `engines` and
# `peerDependencies` promise that floor; this is what checks it. The checkout's node_modules gets the
# floor SDK for the run and is put back as the lock file says afterwards, whatever happens.
#
#   bash scripts/ci-floor.sh     (after `npm ci`; prints the time the leg took)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
start=$(date +%s)
say() { echo "[ci-floor] $*"; }

floor_sdk="$(node -p 'require("./package.json").peerDependencies["@pulumi/pulumi"].replace(/^\^/, "")')"
floor_cli="$(sed -nE 's#^require github.com/pulumi/pulumi/pkg/v3 v([0-9.]+)$#\1#p' toolchain/floor/go.mod)"
if [ "$floor_sdk" != "$floor_cli" ]; then
  say "peerDependencies says @pulumi/pulumi ^$floor_sdk but toolchain/floor/go.mod builds the CLI $floor_cli"
  exit 1
fi

restore() {
  say "putting node_modules back as package-lock.json says"
  npm install --no-save --no-audit --no-fund --loglevel=error >/dev/null
}
trap restore EXIT

PATH="$(bash scripts/node-toolchain.sh floor):$PATH"
export PATH PULUMI_CELONIS_CLI_MODULE=toolchain/floor
say "node $(node --version), @pulumi/pulumi $floor_sdk, Pulumi CLI $floor_cli"
npm install --no-save --no-audit --no-fund --loglevel=error "@pulumi/pulumi@$floor_sdk" >/dev/null
node scripts/check-one-copy.js
node scripts/run-tests.js e2e engine yaml
say "done in $(($(date +%s) - start))s"
