#!/usr/bin/env bash
# Packs the provider plugin as the tarball `pulumi plugin install resource celonis <version> --file`
# takes: an executable `pulumi-resource-celonis` at the top that runs the npm package installed beside
# it (exactly what `npm install pulumi-celonis @pulumi/pulumi` gives a user), so a Python, Go, C# or
# YAML project needs Node.js on PATH but no npm project of its own.
#
# Usage: scripts/pack-plugin.sh [OUT_DIR]   (default: dist/plugin)
# Output: OUT_DIR/pulumi-resource-celonis-v<version>-<os>-<arch>.tar.gz; prints its path last.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$root/dist/plugin}" && cd "${1:-$root/dist/plugin}" && pwd)"
version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
pulumi_sdk=$(node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"]' "$root/package.json")
os=$(node -p 'process.platform')
arch=$(node -p '({ x64: "amd64" })[process.arch] ?? process.arch')
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

say() { echo "[pack-plugin] $*" >&2; }

say "packing pulumi-celonis $version with @pulumi/pulumi $pulumi_sdk"
(cd "$root" && npm pack --silent --pack-destination "$stage" >/dev/null)
mkdir -p "$stage/plugin"
(cd "$stage/plugin" && echo '{"private": true}' >package.json &&
  npm install --silent --omit=dev --ignore-scripts --no-audit --no-fund --no-package-lock \
    "$stage/pulumi-celonis-$version.tgz" "@pulumi/pulumi@$pulumi_sdk")
cat >"$stage/plugin/pulumi-resource-celonis" <<'EOF'
#!/bin/sh
# The Pulumi resource plugin for Celonis: runs the pulumi-celonis package installed beside this file.
exec node "$(dirname "$0")/node_modules/pulumi-celonis/bin/pulumi-resource-celonis" "$@"
EOF
chmod +x "$stage/plugin/pulumi-resource-celonis"
tarball="$out/pulumi-resource-celonis-v$version-$os-$arch.tar.gz"
tar -czf "$tarball" -C "$stage/plugin" pulumi-resource-celonis package.json node_modules
say "$(du -h "$tarball" | cut -f1) plugin tarball"
echo "$tarball"
