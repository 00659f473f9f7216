#!/usr/bin/env bash
# Build a test kernel: allnoconfig plus config fragments, with ccache.
#
#   kernel.sh <variant>
#
# Variants: test  (build/linux, config/test.config)
#           debug (build/linux, test.config + debug.config: KASAN)
#           base  (build/linux-base, the unpatched base, test.config)
#           bench, base-bench (the series and the base, without lock
#                 debugging: test.config + bench.config)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-test}
case $variant in
test) src=$TREE frags=("$TOP/config/test.config") ;;
debug) src=$TREE frags=("$TOP/config/test.config" "$TOP/config/debug.config") ;;
base) src=$BASETREE frags=("$TOP/config/test.config") ;;
bench) src=$TREE frags=("$TOP/config/test.config" "$TOP/config/bench.config") ;;
base-bench) src=$BASETREE frags=("$TOP/config/test.config" "$TOP/config/bench.config") ;;
*) die "unknown kernel variant '$variant' (test, debug, base, bench or base-bench)" ;;
esac
obj=$BUILD/obj/$variant

need_cmd make gcc ccache flex bison bc
[ -f "$src/Makefile" ] || die "$src does not exist: run 'make tree' first"

mkdir -p "$obj"
stamp=$obj/.ptt-config
want=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$obj/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] ||
	[ -n "$(missing_options "$obj/.config" "${frags[@]}")" ]; then
	info "configuring $variant kernel in build/obj/$variant"
	make -s -C "$src" O="$obj" allnoconfig >/dev/null ||
		die "allnoconfig failed in $src"
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${frags[@]}" >"$obj/merge.log" 2>&1 ||
		die "merging config fragments failed, see $obj/merge.log"
	make -s -C "$src" O="$obj" olddefconfig >/dev/null ||
		die "olddefconfig failed in $src"
	echo "$want" >"$stamp"
	# Options of the series don't exist in the base tree.
	for opt in $(missing_options "$obj/.config" "${frags[@]}"); do
		warn "$opt is not available in $src, building without it"
	done
fi

# Options the tests cannot do without.  Options that exist only with the
# series applied (the test consumer) are checked by the tests themselves,
# which skip when they are missing.
for opt in KVM KVM_AMD KVM_INTEL DEBUG_FS DEVTMPFS SERIAL_8250_CONSOLE BLK_DEV_INITRD MODULES; do
	grep -q "^CONFIG_$opt=y" "$obj/.config" ||
		die "CONFIG_$opt=y is missing from the $variant kernel configuration"
done

info "building $variant kernel (build/obj/$variant, $JOBS jobs)"
start=$(date +%s)
if ! make -C "$src" O="$obj" -j"$JOBS" CC="ccache gcc" bzImage modules >"$obj/build.log" 2>&1; then
	tail -n 40 "$obj/build.log" >&2
	die "kernel build failed, full log in $obj/build.log"
fi
info "built $obj/arch/x86/boot/bzImage in $(($(date +%s) - start)) s"
