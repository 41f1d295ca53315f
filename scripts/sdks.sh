#!/usr/bin/env bash
# Generates the Python, Go and C# SDKs from provider/schema.json into sdk/ (not committed: CI makes
# them on every run, and tests/e2e/sdks.test.ts checks them). Why a script of our own: `pulumi package
# gen-sdk` needs each language's plugin, which these machines cannot build, while Pulumi's code
# generators are Go packages (toolchain/sdkgen: Python and Go from pkg/v3 v3.248.0;
# toolchain/sdkgen-dotnet: C# from pkg/v3 v3.106.0, the newest served version that still has it).
#
# The generators are built once per source version and kept in $PULUMI_CELONIS_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/pulumi-celonis), like the CLI.
# Prints what it does and how long each step took.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.pulumi/bin"
out="$root/sdk"
cache_root="${PULUMI_CELONIS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-celonis}"
start=$(date +%s)
mkdir -p "$bin"

say() { echo "[sdks] $*"; }

# build_tool NAME MODULE_DIR PACKAGE: builds (or reuses) a generator, keyed by the hash of its sources.
build_tool() {
  local name="$1" dir="$2" pkg="$3" key cached t0
  key=$(cd "$dir" && cat go.mod go.sum "$pkg"/*.go | sha256sum | cut -c1-16)
  cached="$cache_root/$name-$key/$name"
  if [ -x "$cached" ]; then
    cp "$cached" "$bin/$name"
    return
  fi
  command -v go >/dev/null 2>&1 || { say "Go is needed to build $name (none on PATH)"; exit 1; }
  t0=$(date +%s)
  say "building $name from $(realpath --relative-to="$root" "$dir") (cold: 60-85 s each on 2 cores; then cached)"
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$bin/$name" "$pkg")
  mkdir -p "$(dirname "$cached")" && cp "$bin/$name" "$cached.tmp" && mv "$cached.tmp" "$cached"
  say "built $name in $(($(date +%s) - t0))s"
}

build_tool sdkgen "$root/toolchain" ./sdkgen
build_tool sdkgen-dotnet "$root/toolchain/sdkgen-dotnet" .
"$bin/sdkgen" -schema "$root/provider/schema.json" -out "$out"
"$bin/sdkgen-dotnet" -schema "$root/provider/schema.json" -out "$out/dotnet"
say "SDKs in $(realpath --relative-to="$root" "$out") ($(($(date +%s) - start))s)"
