#!/usr/bin/env bash
# Builds a single self-contained jetmq binary with Bun: dist/jetmq.
# Usage: scripts/build.sh [--target=bun-linux-arm64 ...]  (extra args go to bun build)
# The Deno equivalent (`deno task compile`) needs to download denort, which
# only works on a machine that can reach Deno's release servers.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist
bun build --compile --minify --sourcemap main.ts --outfile dist/jetmq "$@"
./dist/jetmq version
