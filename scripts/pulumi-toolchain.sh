#!/usr/bin/env bash
# Builds (or finds) the pinned Pulumi CLI and the Pulumi YAML language host offline, from the Go
# module proxy, and prepares an isolated PULUMI_HOME. Why: the usual installers download binaries,
# which these machines cannot do; both are ordinary Go modules (see README "Toolchain"). Prints what
# it does and how long it took.
#
# Output: .pulumi/bin/pulumi, .pulumi/bin/pulumi-language-yaml (+ the pulumi-resource-pulumi-nodejs
# shim), .pulumi/home (PULUMI_HOME). Re-running is cheap: binaries stamped with the pinned versions
# are reused.
set -euo pipefail

PULUMI_VERSION="v3.248.0"
YAML_VERSION="v1.25.0" # github.com/pulumi/pulumi-yaml, pinned in toolchain/yaml/go.mod
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.pulumi/bin"
home="$root/.pulumi/home"
stamp="$bin/.version"
# Built binaries are also kept outside the checkout, so a fresh clone (CI) reuses them.
cache_root="${PULUMI_CELONIS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-celonis}"
cache="$cache_root/$PULUMI_VERSION"
yaml_cache="$cache_root/pulumi-yaml-$YAML_VERSION"
start=$(date +%s)
mkdir -p "$bin" "$home"

say() { echo "[pulumi-toolchain] $*"; }

link_nodejs_shim() {
  # Dynamic providers run under `pulumi-resource-pulumi-nodejs`, a shell script shipped in @pulumi/pulumi.
  local shim="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ ! -f "$shim" ]; then
    say "missing $shim: run 'npm ci' first"; exit 1
  fi
  chmod +x "$shim"
  ln -sf "$shim" "$bin/pulumi-resource-pulumi-nodejs"
}

if command -v pulumi >/dev/null 2>&1 && [ "$(command -v pulumi)" != "$bin/pulumi" ] \
  && [ "$(pulumi version 2>/dev/null)" = "$PULUMI_VERSION" ]; then
  say "using pulumi $PULUMI_VERSION from PATH: $(command -v pulumi)"
  ln -sf "$(command -v pulumi)" "$bin/pulumi"
  echo "$PULUMI_VERSION" >"$stamp"
elif [ -x "$bin/pulumi" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$PULUMI_VERSION" ]; then
  say "reusing $bin/pulumi ($PULUMI_VERSION)"
elif [ -x "$cache/pulumi" ] && [ "$("$cache/pulumi" version 2>/dev/null)" = "$PULUMI_VERSION" ]; then
  say "reusing the cached build $cache/pulumi"
  cp "$cache/pulumi" "$bin/pulumi"
  echo "$PULUMI_VERSION" >"$stamp"
else
  command -v go >/dev/null 2>&1 || { say "Go is needed to build the Pulumi CLI (none on PATH)"; exit 1; }
  say "checking that github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION resolves"
  (cd "$root/toolchain" && timeout 120 go list -m -json "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" >/dev/null)
  say "building pulumi $PULUMI_VERSION from toolchain/go.mod (cold: about 7.5 min on 2 cores; with a warm Go build cache: about 10 s)"
  (cd "$root/toolchain" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  echo "$PULUMI_VERSION" >"$stamp"
  mkdir -p "$cache" && cp "$bin/pulumi" "$cache/pulumi.tmp" && mv "$cache/pulumi.tmp" "$cache/pulumi"
fi
ensure_yaml_host() {
  # `runtime: yaml` projects run under pulumi-language-yaml, found next to the CLI on PATH.
  local out="$bin/pulumi-language-yaml" yaml_stamp="$bin/.pulumi-language-yaml.version"
  if [ -x "$out" ] && [ "$(cat "$yaml_stamp" 2>/dev/null)" = "$YAML_VERSION" ]; then
    say "reusing $out ($YAML_VERSION)"
  elif [ -x "$yaml_cache/pulumi-language-yaml" ]; then
    say "reusing the cached build $yaml_cache/pulumi-language-yaml"
    cp "$yaml_cache/pulumi-language-yaml" "$out"
  else
    command -v go >/dev/null 2>&1 || { say "Go is needed to build pulumi-language-yaml (none on PATH)"; exit 1; }
    say "building pulumi-language-yaml $YAML_VERSION from toolchain/yaml/go.mod (cold: 73 s measured on 2 cores; with a warm Go build cache: seconds)"
    (cd "$root/toolchain/yaml" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" \
      -o "$out" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
    mkdir -p "$yaml_cache" && cp "$out" "$yaml_cache/pulumi-language-yaml.tmp" \
      && mv "$yaml_cache/pulumi-language-yaml.tmp" "$yaml_cache/pulumi-language-yaml"
  fi
  echo "$YAML_VERSION" >"$yaml_stamp"
}

link_nodejs_shim
ensure_yaml_host
say "pulumi $("$bin/pulumi" version) and pulumi-language-yaml $YAML_VERSION ready in $bin ($(($(date +%s) - start))s)"
