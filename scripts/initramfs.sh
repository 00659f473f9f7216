#!/usr/bin/env bash
# Build a busybox initramfs holding guest/init, a list of selftest commands,
# the selftest binaries they need and the kernel's KVM modules.
#
#   initramfs.sh <kernel-obj-dir> <selftests-dir> <list-dir> <output.cpio.gz> [demo-script]
#
# <list-dir> holds list.<flavour> files, one command per line.  The modules
# built in <kernel-obj-dir>/arch/x86/kvm (the test consumer) go where
# modules_install would put them; guest/init loads them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 4 ] || die "usage: initramfs.sh <kernel-obj-dir> <selftests-dir> <list-dir> <output.cpio.gz> [demo-script]"
kobj=$1 tests=$2 lists=$3 out=$4 demo=${5:-}

need_cmd cpio gzip strip
busybox=$(command -v busybox) ||
	die "busybox is not installed (apt-get install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked: install busybox-static"
fi

stage=$out.d
rm -rf "$stage"
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,tests}
cp "$busybox" "$stage/bin/busybox"
cp "$TOP/guest/init" "$stage/init"
chmod 755 "$stage/init"
cp "$lists"/list.* "$stage/tests/"
[ -z "$demo" ] || cp "$demo" "$stage/tests/demo"

# Copy every binary the list refers to (first word of each command),
# stripped: the guest has no addr2line, and Bochs unpacks the initramfs at
# a few seconds per MB.
cat "$lists"/list.* | sed -e 's/#.*//' -e '/^[[:space:]]*$/d' | awk '{ print $1 }' | sort -u |
	while read -r bin; do
		[ -x "$tests/$bin" ] || die "selftest '$bin' was not built (missing $tests/$bin)"
		mkdir -p "$stage/tests/$(dirname "$bin")"
		strip -o "$stage/tests/$bin" "$tests/$bin" || die "cannot strip $tests/$bin"
	done
if [ -n "$demo" ]; then
	grep -o 'x86_64/[a-z0-9_]*' "$demo" | sort -u | while read -r bin; do
		[ -x "$tests/$bin" ] || die "demo needs '$bin', which was not built"
		mkdir -p "$stage/tests/x86_64"
		cp "$tests/$bin" "$stage/tests/$bin"
	done
fi

release=$(cat "$kobj/include/config/kernel.release" 2>/dev/null) ||
	die "$kobj has no kernel.release: build the kernel first"
for ko in "$kobj"/arch/x86/kvm/*.ko "$kobj"/samples/kvm/*.ko; do
	[ -f "$ko" ] || continue
	dst=$stage/lib/modules/$release/kernel/${ko#"$kobj"/}
	mkdir -p "${dst%/*}"
	strip --strip-debug -o "$dst" "$ko" || die "cannot strip $ko"
done

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out" ||
	die "creating $out failed"
