#!/usr/bin/env bash
# Sets up a fresh Debian machine for Goblin: the C-to-wasm toolchain and 9P peers the
# tests use (as root, or through sudo; 9base is Plan 9's rc, which the shell is compared
# with; openssl makes the TLS tests' certificates; curl fetches Lua's source from
# Debian's archive; chromium runs the browser tests, nats-server (with -js) the
# distributed jobs, wrk loads `goblin serve`, unison is the mirror's sync peer),
# then the npm packages, Node 26 included, then the Lua example's lua.wasm
# (build/lua/, which test/lua.test.ts runs).
set -euo pipefail
cd "$(dirname "$0")/.."
need="clang lld wasi-libc libclang-rt-dev-wasm32 diod tmux 9base openssl curl chromium nats-server wrk unison"
missing=$(for p in $need; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq $missing >/dev/null
fi
npm ci --no-audit --no-fund
bash examples/lua/build.sh
