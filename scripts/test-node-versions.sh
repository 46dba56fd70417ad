#!/usr/bin/env bash
# Runs the test suite under other Node.js versions (default: 22 and 24) without installing them
# system-wide. Each version comes from the npm registry: the package node-<os>-<arch> (what the
# package `node` installs) is a prebuilt binary with its headers. The project is copied to a temporary folder whose node_modules links to this project's packages,
# except better-sqlite3, which is copied and compiled for that version's ABI (hnswlib-node and
# onnxruntime-node use Node-API and load as they are). Needs a C++ toolchain (g++, make, python3).
#
#   scripts/test-node-versions.sh            # Node 22 and 24 (npm run test:node-versions)
#   scripts/test-node-versions.sh 22 -- test/cli.test.ts   # one version, some test files
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

versions=()
while [[ $# -gt 0 && $1 != "--" ]]; do versions+=("$1"); shift; done
[[ ${1:-} == "--" ]] && shift
[[ ${#versions[@]} -eq 0 ]] && versions=(22 24)
NODE_MODULES=$(realpath "$ROOT/node_modules")
CACHE_ROOT=${GUIDEBOT_NODE_CACHE:-${TMPDIR:-/tmp}/guidebot-node-versions}
[[ -d $NODE_MODULES/better-sqlite3 ]] || { echo "Run npm ci first." >&2; exit 1; }
SQLITE_VERSION=$(node -p "require('$NODE_MODULES/better-sqlite3/package.json').version")
NODE_GYP="$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
[[ -f $NODE_GYP ]] || { echo "npm's bundled node-gyp was not found at $NODE_GYP." >&2; exit 1; }

status=0
for version in "${versions[@]}"; do
  started=$SECONDS
  echo "── Node.js $version ─────────────────────────────────────────────"
  # The binary package node-<os>-<arch> (what the npm package `node` installs) holds bin/node and
  # include/node, the headers node-gyp needs. It is kept, with better-sqlite3 compiled for it, in a
  # cache folder that every user can read: some tests run a child process as an unprivileged user.
  cache="$CACHE_ROOT/node$version"
  package="node-$(node -p process.platform)-$(node -p process.arch)"
  if [[ ! -x $cache/node_modules/$package/bin/node ]]; then
    mkdir -p "$cache"
    chmod 755 "$CACHE_ROOT" "$cache"
    (cd "$cache" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$package@$version" >/dev/null)
  fi
  nodedir="$cache/node_modules/$package"
  [[ -x $nodedir/bin/node && -f $nodedir/include/node/node.h ]] || { echo "No binary and headers for Node $version in $nodedir." >&2; exit 1; }
  echo "$("$nodedir/bin/node" -v) from $nodedir"

  work=$(mktemp -d "${TMPDIR:-/tmp}/guidebot-node$version-XXXXXX")
  chmod 755 "$work"
  # The project's files as git sees them (tracked and new, not ignored), without build outputs.
  git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents -P {} "$work/" 2>/dev/null || true
  rm -f "$work/node_modules"
  mkdir "$work/node_modules"
  for entry in "$NODE_MODULES"/* "$NODE_MODULES"/.bin; do
    [[ $(basename "$entry") == better-sqlite3 ]] || ln -s "$entry" "$work/node_modules/$(basename "$entry")"
  done
  sqlite="$cache/better-sqlite3-$SQLITE_VERSION"
  if [[ ! -f $sqlite/build/Release/better_sqlite3.node ]]; then
    rm -rf "$sqlite.tmp" && cp -a "$NODE_MODULES/better-sqlite3" "$sqlite.tmp"
    (cd "$sqlite.tmp" && PATH="$nodedir/bin:$PATH" node "$NODE_GYP" rebuild --release --nodedir="$nodedir" -j "$(nproc)" >"$cache/build.log" 2>&1) ||
      { echo "Compiling better-sqlite3 for Node $version failed; see $cache/build.log" >&2; exit 1; }
    mv "$sqlite.tmp" "$sqlite"
    echo "better-sqlite3 $SQLITE_VERSION compiled for Node $version in $((SECONDS - started)) s (kept in $sqlite)"
  fi
  cp -a "$sqlite" "$work/node_modules/better-sqlite3"

  if (cd "$work" && PATH="$nodedir/bin:$PATH" node node_modules/typescript/bin/tsc --noEmit && PATH="$nodedir/bin:$PATH" node node_modules/vitest/vitest.mjs run "$@"); then
    echo "Node $version: passed in $((SECONDS - started)) s"
    rm -rf "$work"
  else
    echo "Node $version: FAILED after $((SECONDS - started)) s (the copy is kept in $work)"
    status=1
  fi
done
exit $status
