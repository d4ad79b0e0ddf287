#!/bin/sh
# Builds Goblin's userland: each src/NAME.c, linked with src/lib/*.c,
# becomes bin/NAME, a wasm32-wasi command (no .wasm suffix: it is
# /bin/NAME inside the rootfs).
#
# The output depends only on the sources and the compiler: relative
# paths, no debug information, every custom section stripped, so two
# builds are byte-identical.
#
#	build.sh		build into bin/
#	build.sh --check	build into a temporary directory and fail
#				if any binary in bin/ differs, is missing or
#				is extra
set -eu
cd "$(dirname "$0")"

CC=${CC:-clang}
CFLAGS="--target=wasm32-wasi -O2 -Wall -Werror -Wno-parentheses -Isrc/lib -ffile-prefix-map=$PWD=."
LDFLAGS="-Wl,--strip-all -Wl,-z,stack-size=65536"

check=0
case ${1-} in
--check) check=1 ;;
'') ;;
*) echo "usage: build.sh [--check]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
