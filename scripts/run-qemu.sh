#!/usr/bin/env bash
# Boot a test kernel under QEMU/TCG with emulated AMD SVM and nested paging
# and wait for the guest to power off.
#
#   run-qemu.sh <bzImage> <initramfs> <flavour> <log> [timeout] [mode]
#
# Flavours: tdp (NPT, TDP MMU), legacy (NPT, kvm.tdp_mmu=0), shadow
# (kvm_amd.npt=0, shadow paging).  The guest prints TAP; this script only
# boots, mirrors the console to the log, and kills a guest that stops
# making progress: one that starts or finishes no test for <timeout> + 120 s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 4 ] || die "usage: run-qemu.sh <bzImage> <initramfs> <flavour> <log> [timeout] [mode]"
kernel=$1 initrd=$2 flavour=$3 log=$4 timeout=${5:-300} mode=${6:-test}

need_cmd qemu-system-x86_64
[ -f "$kernel" ] || die "kernel $kernel does not exist"
[ -f "$initrd" ] || die "initramfs $initrd does not exist"

case $flavour in
tdp) params="kvm_amd.npt=1 kvm.tdp_mmu=1" ;;
legacy) params="kvm_amd.npt=1 kvm.tdp_mmu=0" ;;
shadow) params="kvm_amd.npt=0" ;;
*) die "unknown flavour '$flavour' (tdp, legacy or shadow)" ;;
esac

append="console=ttyS0 loglevel=4 panic=-1 oops=panic nokaslr $params"
append+=" ptt.flavour=$flavour ptt.timeout=$timeout ptt.mode=$mode"

mkdir -p "$(dirname "$log")"
: >"$log"
qemu-system-x86_64 -accel tcg -cpu EPYC -smp 2 -m 4G -nodefaults \
	-display none -monitor none -serial stdio -no-reboot \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	</dev/null >>"$log" 2>&1 &
qemu=$!
trap 'kill "$qemu" 2>/dev/null || true' EXIT

# Watchdog: progress is a new TAP result line, a test (re)starting, or a
# demo marker.
limit=$((timeout + 120))
last=0 idle=0 shown=0
while kill -0 "$qemu" 2>/dev/null; do
	sleep 2
	lines=$(wc -l <"$log")
	if [ "$lines" -gt "$shown" ]; then
		sed -n "$((shown + 1)),${lines}p" "$log"
		shown=$lines
	fi
	results=$(grep -c -E '^(not )?ok [0-9]+ |^PTT-|^# \[[0-9]+/' "$log" || true)
	if [ "$results" != "$last" ]; then
		last=$results idle=0
	else
		idle=$((idle + 2))
	fi
	if [ "$idle" -ge "$limit" ]; then
		echo "PTT-WATCHDOG: no progress for ${idle}s, killing the guest" | tee -a "$log"
		kill "$qemu" 2>/dev/null || true
		break
	fi
done
wait "$qemu" 2>/dev/null || true
trap - EXIT
lines=$(wc -l <"$log")
[ "$lines" -le "$shown" ] || sed -n "$((shown + 1)),${lines}p" "$log"
# The serial console ends lines with CR LF.
sed -i 's/\r$//' "$log"
