#!/usr/bin/env bash
# Builds the Lua 5.4 interpreter (lua.c with the core and standard libraries; not
# luac) from Debian's orig tarball to wasm32-wasi: build/lua/lua.wasm at the repo root.
#
# The tarball is cached in build/ and checked against its SHA-256; no Lua source is
# committed. What WASI lacks is configured in wasi.h; setjmp/longjmp, which Lua's
# errors (error, pcall, runtime errors) use, become wasm exceptions through clang's
# -wasm-enable-sjlj, with the runtime helpers in sjlj.c and the declarations in
# include/setjmp.h. Does nothing when lua.wasm was built from the same inputs
# (tarball, these files, flags, compiler, wasi-libc).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$root/build"
out="$cache/lua"
version=5.4.4
tarball="lua5.4_$version.orig.tar.gz"
url="http://deb.debian.org/debian/pool/main/l/lua5.4/$tarball"
sha256=164c7849653b80ae67bec4b7473b884bf5cc8d2dca05653475ec2ed27b9ebf61

cc="${CC:-clang}"
cflags=(
  --target=wasm32-wasi -O2 -std=gnu99 -Wall -Wextra
  -mllvm -wasm-enable-sjlj # setjmp/longjmp as wasm exceptions (see sjlj.c)
  -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS
  -isystem "$here/include" -include "$here/wasi.h"
)
# A 1 MiB C stack placed below the data, so that an overflow traps instead of
# overwriting the heap (wasm-ld's default is 64 KiB above the data).
ldflags=(
  -Wl,-z,stack-size=1048576 -Wl,--stack-first -Wl,--strip-all
  -lwasi-emulated-signal -lwasi-emulated-process-clocks
)
core="lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject lopcodes lparser lstate lstring ltable ltm lundump lvm lzio"
libs="lauxlib lbaselib lcorolib ldblib liolib lmathlib loadlib loslib lstrlib ltablib lutf8lib linit"

mkdir -p "$out"
# One build at a time (setup.sh and a test run may race); the lock goes with the shell.
exec 9>"$out/.lock"
flock 9

key="$( {
  echo "$sha256" "${cflags[*]}" "${ldflags[*]}"
  "$cc" --version | head -1
  cksum "$("$cc" --target=wasm32-wasi -print-file-name=libc.a)" # wasi-libc
  cat "$here/build.sh" "$here/wasi.h" "$here/sjlj.c" "$here/include/setjmp.h"
} | sha256sum | cut -d' ' -f1)"
if [ -f "$out/lua.wasm" ] && [ "$(cat "$out/.key" 2>/dev/null)" = "$key" ]; then exit 0; fi

if [ ! -f "$cache/$tarball" ]; then
  echo "lua: downloading $url" >&2
  curl -fsSL --retry 3 -o "$cache/$tarball.part" "$url"
  mv "$cache/$tarball.part" "$cache/$tarball"
fi
if ! echo "$sha256  $cache/$tarball" | sha256sum -c --status; then
  echo "lua: $cache/$tarball does not match its SHA-256 $sha256; removed it, run again to download it afresh" >&2
  rm -f "$cache/$tarball"
  exit 1
fi

src="$out/lua-$version/src"
rm -rf "$out/lua-$version" "$out/obj"
tar -xzf "$cache/$tarball" -C "$out" --no-same-owner
mkdir -p "$out/obj"

echo "lua: compiling Lua $version to wasm32-wasi" >&2
# clang -c writes NAME.o into the current directory. sjlj.c gets the same
# flags, as its header comment says it must.
{ for f in $core $libs lua; do echo "$src/$f.c"; done; echo "$here/sjlj.c"; } |
  (cd "$out/obj" && xargs -d '\n' -P "$(nproc)" -n 4 "$cc" "${cflags[@]}" -c)

"$cc" --target=wasm32-wasi -O2 -o "$out/lua.wasm.tmp" "$out"/obj/*.o "${ldflags[@]}"
mv "$out/lua.wasm.tmp" "$out/lua.wasm"
echo "$key" >"$out/.key"
echo "lua: built $out/lua.wasm ($(stat -c %s "$out/lua.wasm") bytes)" >&2
