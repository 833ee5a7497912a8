#!/usr/bin/env bash
# CI step: a real VS Code (code-server on Node 24) and headless Chromium for the extension's e2e tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/vscode/install.sh
