#!/bin/sh
# Builds Goblin's userland: each src/NAME.c, linked with src/lib/*.c,
# becomes bin/NAME, a wasm32-wasi command (no .wasm suffix: it is
# /bin/NAME inside the rootfs).
#
# The output depends only on the sources and the toolchain: relative
# paths, no debug information, every custom section stripped, so two
# builds with one toolchain are byte-identical. Another compiler,
# linker, libc or builtins library makes other bytes, so a build
# records in TOOLCHAIN what it used, and --check compares bin/ with a
# fresh build only under that toolchain.
#
#	build.sh		build into bin/ and record TOOLCHAIN
#	build.sh --check	build into a temporary directory and fail
#				if any binary in bin/ differs, is missing or
#				is extra
#	build.sh --toolchain	print the toolchain installed here, in
#				TOOLCHAIN's form
#
# Exit status of --check: 0 bin/ is what the sources build to, 1 it is
# not, 3 cannot tell: the toolchain here is not the one in TOOLCHAIN.
set -eu
cd "$(dirname "$0")"

CC=${CC:-clang}
CFLAGS="--target=wasm32-wasi -O2 -Wall -Werror -Wno-parentheses -Isrc/lib -ffile-prefix-map=$PWD=."
LDFLAGS="-Wl,--strip-all -Wl,-z,stack-size=65536"

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

# " (PACKAGE VERSION)" for the package that installed file $1, when dpkg knows it
package() {
	command -v dpkg-query >/dev/null 2>&1 || return 0
	owner=$(dpkg-query -S "$(readlink -f "$1")" 2>/dev/null | sed -n '1s/: .*//p') || return 0
	owner=${owner%%,*}
	if [ -n "$owner" ]; then echo " ($owner $(dpkg-query -W -f='${Version}' "$owner"))"; fi
}

# What the binaries depend on besides the sources, one line a part; the
# libraries linked in are named by content too.
toolchain() {
	echo "cc $($CC --version | head -n 1)$(package "$(command -v "$CC")")"
	ld=$($CC --target=wasm32-wasi -print-prog-name=wasm-ld)
	echo "wasm-ld $("$ld" --version | head -n 1)$(package "$(command -v "$ld")")"
	for f in "$($CC --target=wasm32-wasi -print-file-name=libc.a)" "$($CC --target=wasm32-wasi -print-libgcc-file-name)"; do
		echo "$(basename "$f")$(package "$f") sha256 $(sha256 "$f")"
	done
}

check=0
case ${1-} in
--check) check=1 ;;
--toolchain) toolchain; exit 0 ;;
'') ;;
*) echo "usage: build.sh [--check | --toolchain]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $check = 1 ]; then
	if [ ! -e TOOLCHAIN ]; then
		echo "build.sh: cannot compare: there is no TOOLCHAIN saying what built bin/" >&2
		exit 3
	fi
	grep -v '^#' TOOLCHAIN >"$tmp/recorded"
	toolchain >"$tmp/here" 2>"$tmp/here.err" || true
	if ! cmp -s "$tmp/recorded" "$tmp/here"; then
		echo "build.sh: cannot compare: bin/ was built by another toolchain, and a fresh build here would differ for that alone" >&2
		grep -vxF -f "$tmp/here" "$tmp/recorded" | sed 's/^/  in TOOLCHAIN: /' >&2
		grep -vxF -f "$tmp/recorded" "$tmp/here" | sed 's/^/  here:        /' >&2
		sed 's/^/  /' "$tmp/here.err" >&2
		exit 3
	fi
fi
if [ $check = 1 ]; then
	out=$tmp/bin
else
	out=bin
fi
mkdir -p "$out" "$tmp/lib"

for c in src/lib/*.c; do
	o=$tmp/lib/$(basename "$c" .c).o
	$CC $CFLAGS -c -o "$o" "$c"
done
for c in src/*.c; do
	name=$(basename "$c" .c)
	$CC $CFLAGS $LDFLAGS -o "$out/$name" "$c" "$tmp"/lib/*.o
done

if [ $check = 0 ]; then
	# drop binaries whose source is gone
	for b in bin/*; do
		[ -e "src/$(basename "$b").c" ] || rm -f "$b"
	done
	{
		echo "# What built bin/, written by build.sh: build.sh --check compares bin/"
		echo "# with a fresh build only when the toolchain installed is this one."
		toolchain
	} >TOOLCHAIN
	exit 0
fi

bad=0
for b in "$out"/*; do
	name=$(basename "$b")
	if [ ! -e "bin/$name" ]; then
		echo "build.sh: bin/$name: missing" >&2
		bad=1
	elif ! cmp -s "$b" "bin/$name"; then
		echo "build.sh: bin/$name: differs from a fresh build" >&2
		bad=1
	fi
done
for b in bin/*; do
	[ -e "$b" ] || continue
	if [ ! -e "$out/$(basename "$b")" ]; then
		echo "build.sh: $b: has no source" >&2
		bad=1
	fi
done
exit $bad
