#!/usr/bin/env bash
# Build the KVM selftests statically from a kernel tree.
#
#   selftests.sh <variant>     (test: build/linux, base: build/linux-base)
#
# Output: build/selftests/<variant>/
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-test}
case $variant in
test | debug) src=$TREE ;;
base) src=$BASETREE ;;
*) die "unknown selftests variant '$variant' (test or base)" ;;
esac
hdr=$BUILD/headers/$variant
out=$BUILD/selftests/$variant

need_cmd make gcc
[ -f "$src/Makefile" ] || die "$src does not exist: run 'make tree' first"

info "installing UAPI headers from $src"
mkdir -p "$hdr"
make -s -C "$src" O="$hdr" headers >"$hdr.log" 2>&1 ||
	die "make headers failed, see $hdr.log"

info "building KVM selftests (static) into build/selftests/$variant"
mkdir -p "$out"
if ! make -C "$src/tools/testing/selftests/kvm" -j"$JOBS" OUTPUT="$out" \
	KHDR_INCLUDES="-isystem $hdr/usr/include" LDFLAGS=-static \
	CC="ccache gcc" >"$out.log" 2>&1; then
	tail -n 40 "$out.log" >&2
	die "KVM selftests build failed, full log in $out.log"
fi
