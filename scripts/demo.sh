#!/usr/bin/env bash
# 'make run': boot the patched kernel (TDP MMU flavour) and run the demo.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/demo
mkdir -p "$out/lists"
: >"$out/lists/list.svm-tdp"
"$TOP/scripts/initramfs.sh" "$BUILD/obj/test" "$BUILD/selftests/test" "$out/lists" \
	"$out/initramfs.cpio.gz" "$TOP/guest/demo.sh"
"$TOP/scripts/run-qemu.sh" "$BUILD/obj/test/arch/x86/boot/bzImage" \
	"$out/initramfs.cpio.gz" svm-tdp "$out/console.log" 300 demo |
	sed -n '/^PTT-DEMO-BEGIN/,/^PTT-DEMO-END/p'
grep -q '^PTT-DEMO-END rc=0' "$out/console.log" ||
	die "the demo did not finish cleanly, console log in $out/console.log"
