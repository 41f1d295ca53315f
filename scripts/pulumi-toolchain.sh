#!/usr/bin/env bash
# Builds (or finds) the pinned Pulumi CLI and, on request, the Pulumi YAML language host offline, from
# the Go module proxy, and prepares an isolated PULUMI_HOME. Why: the usual installers download
# binaries, which these machines cannot do; both are ordinary Go modules (see README "Toolchain").
# Prints what it does and how long it took.
#
#   bash scripts/pulumi-toolchain.sh [--yaml]
#
# The pinned versions are read from the wrapper modules that build them: toolchain/go.mod (pkg/v3, the
# CLI) and toolchain/yaml/go.mod (pulumi-yaml). PULUMI_CELONIS_CLI_MODULE=toolchain/floor picks the CLI
# of the oldest supported version instead (CI's matrix leg). pulumi-language-yaml, which only `runtime: yaml`
# projects need, is taken from beside the CLI found on PATH, from PATH or from the cache; it is built
# only with --yaml (the YAML and plugin-install e2e tests pass it), so a Pulumi install without Go works.
#
# Output: .pulumi/bin/pulumi, .pulumi/bin/pulumi-language-yaml when found or built (+ the
# pulumi-resource-pulumi-nodejs shim), .pulumi/home (PULUMI_HOME). Re-running is cheap: binaries
# stamped with the pinned versions are reused. Built binaries are also kept in
# $PULUMI_CELONIS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/pulumi-celonis).
set -euo pipefail

want_yaml=false
for arg in "$@"; do
  case "$arg" in
    --yaml) want_yaml=true ;;
    *) echo "usage: bash scripts/pulumi-toolchain.sh [--yaml]" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.pulumi/bin"
home="$root/.pulumi/home"
stamp="$bin/.version"

say() { echo "[pulumi-toolchain] $*"; }

# gomod_version GO_MOD MODULE: the version GO_MOD requires of MODULE (one place to pin it).
gomod_version() {
  local v
  v=$(sed -nE "s#^(require)?[[:space:]]*$2[[:space:]]+(v[^[:space:]]+).*#\2#p" "$1" | head -n 1)
  [ -n "$v" ] || { say "$1 requires no $2"; exit 1; }
  echo "$v"
}
cli_module="$root/${PULUMI_CELONIS_CLI_MODULE:-toolchain}"
PULUMI_VERSION="$(gomod_version "$cli_module/go.mod" github.com/pulumi/pulumi/pkg/v3)"
YAML_VERSION="$(gomod_version "$root/toolchain/yaml/go.mod" github.com/pulumi/pulumi-yaml)"
# Built binaries are also kept outside the checkout, so a fresh clone (CI) reuses them.
cache_root="${PULUMI_CELONIS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-celonis}"
cache="$cache_root/$PULUMI_VERSION"
yaml_cache="$cache_root/pulumi-yaml-$YAML_VERSION"
start=$(date +%s)
mkdir -p "$bin" "$home"

link_nodejs_shim() {
  # Dynamic providers run under `pulumi-resource-pulumi-nodejs`, a shell script shipped in @pulumi/pulumi.
  local shim="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ ! -f "$shim" ]; then
    say "missing $shim: run 'npm ci' first"; exit 1
  fi
  chmod +x "$shim"
  ln -sf "$shim" "$bin/pulumi-resource-pulumi-nodejs"
}

# `cp`/`go build -o` onto a link from PATH would write through it into the user's install: unlink first.
ensure_cli() {
  if command -v pulumi >/dev/null 2>&1 && [ "$(command -v pulumi)" != "$bin/pulumi" ] \
    && [ "$(pulumi version 2>/dev/null)" = "$PULUMI_VERSION" ]; then
    say "using pulumi $PULUMI_VERSION from PATH: $(command -v pulumi)"
    ln -sf "$(command -v pulumi)" "$bin/pulumi"
  elif [ -x "$bin/pulumi" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$PULUMI_VERSION" ]; then
    say "reusing $bin/pulumi ($PULUMI_VERSION)"
    return
  elif [ -x "$cache/pulumi" ] && [ "$("$cache/pulumi" version 2>/dev/null)" = "$PULUMI_VERSION" ]; then
    say "reusing the cached build $cache/pulumi"
    rm -f "$bin/pulumi" && cp "$cache/pulumi" "$bin/pulumi"
  else
    command -v go >/dev/null 2>&1 || { say "Go is needed to build the Pulumi CLI (none on PATH)"; exit 1; }
    say "checking that github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION resolves"
    (cd "$cli_module" && timeout 120 go list -m -json "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" >/dev/null)
    say "building pulumi $PULUMI_VERSION from ${cli_module#"$root/"}/go.mod (cold: about 7.5 min on 2 cores; with a warm Go build cache: about 10 s)"
    rm -f "$bin/pulumi"
    (cd "$cli_module" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
      -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
    mkdir -p "$cache" && cp "$bin/pulumi" "$cache/pulumi.tmp" && mv "$cache/pulumi.tmp" "$cache/pulumi"
  fi
  echo "$PULUMI_VERSION" >"$stamp"
}

# A pulumi-language-yaml of the user's: beside the resolved CLI (a Pulumi install keeps its language
# hosts there), else on PATH; never one in .pulumi/bin. Prints its path, or nothing.
installed_yaml_host() {
  local beside candidate
  beside="$(dirname "$(readlink -f "$bin/pulumi")")"
  for candidate in "$beside/pulumi-language-yaml" $(type -aP pulumi-language-yaml || true); do
    if [ -x "$candidate" ] && [ "$(dirname "$(readlink -f "$candidate")")" != "$(readlink -f "$bin")" ]; then
      echo "$candidate"
      return
    fi
  done
}

# `runtime: yaml` projects run under pulumi-language-yaml, found next to the CLI on PATH. Reused when
# stamped, installed or cached; built from toolchain/yaml/go.mod only with --yaml.
ensure_yaml_host() {
  local out="$bin/pulumi-language-yaml" yaml_stamp="$bin/.pulumi-language-yaml.version" found
  found="$(installed_yaml_host)"
  if [ -x "$out" ] && [ "$(cat "$yaml_stamp" 2>/dev/null)" = "$YAML_VERSION" ]; then
    say "reusing $out ($YAML_VERSION)"
    yaml_ready="with pulumi-language-yaml $YAML_VERSION"
    return
  elif [ -n "$found" ]; then
    say "using the installed $found"
    ln -sf "$found" "$out"
    echo "installed: $found" >"$yaml_stamp" # not the pinned build: looked up again on every run
    yaml_ready="with pulumi-language-yaml ($found)"
    return
  elif [ -x "$yaml_cache/pulumi-language-yaml" ]; then
    say "reusing the cached build $yaml_cache/pulumi-language-yaml"
    rm -f "$out" && cp "$yaml_cache/pulumi-language-yaml" "$out"
  elif [ "$want_yaml" = true ]; then
    command -v go >/dev/null 2>&1 || { say "Go is needed to build pulumi-language-yaml (none on PATH)"; exit 1; }
    say "building pulumi-language-yaml $YAML_VERSION from toolchain/yaml/go.mod (cold: 73 s measured on 2 cores; with a warm Go build cache: seconds)"
    rm -f "$out"
    (cd "$root/toolchain/yaml" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" \
      -o "$out" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
    mkdir -p "$yaml_cache" && cp "$out" "$yaml_cache/pulumi-language-yaml.tmp" \
      && mv "$yaml_cache/pulumi-language-yaml.tmp" "$yaml_cache/pulumi-language-yaml"
  else
    say "no pulumi-language-yaml installed or cached; not built (only runtime: yaml projects need it: pass --yaml)"
    [ -e "$out" ] || rm -f "$out" "$yaml_stamp" # a link to an install that is gone
    yaml_ready="without pulumi-language-yaml"
    return
  fi
  echo "$YAML_VERSION" >"$yaml_stamp"
  yaml_ready="with pulumi-language-yaml $YAML_VERSION"
}

link_nodejs_shim
ensure_cli
ensure_yaml_host
say "pulumi $("$bin/pulumi" version) ready in $bin, $yaml_ready ($(($(date +%s) - start))s)"
