#!/usr/bin/env bash
# Boot a test kernel under QEMU/TCG with emulated AMD SVM and nested paging
# and wait for the guest to power off.
#
#   run-qemu.sh <bzImage> <initramfs> <flavour> <log> [timeout] [mode]
#
# Flavours: svm-tdp (NPT, TDP MMU), svm-legacy (NPT, kvm.tdp_mmu=0),
# svm-shadow (kvm_amd.npt=0, shadow paging).  The guest prints TAP; this script only
# boots, mirrors the console to the log, and kills a guest that stops
# making progress (see watch_guest in lib.sh).  PTT_APPEND adds kernel
# parameters (see guest/init).  PTT_TCG_THREAD=single runs the vCPUs in one
# host thread instead of one each (see "make test-debug" in the Makefile).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 4 ] || die "usage: run-qemu.sh <bzImage> <initramfs> <flavour> <log> [timeout] [mode]"
kernel=$1 initrd=$2 flavour=$3 log=$4 timeout=${5:-300} mode=${6:-test}

need_cmd qemu-system-x86_64
[ -f "$kernel" ] || die "kernel $kernel does not exist"
[ -f "$initrd" ] || die "initramfs $initrd does not exist"

case ${PTT_TCG_THREAD:-multi} in
multi | single) ;;
*) die "PTT_TCG_THREAD must be 'multi' or 'single', not '$PTT_TCG_THREAD'" ;;
esac

case $flavour in
svm-tdp) params="kvm_amd.npt=1 kvm.tdp_mmu=1" ;;
svm-legacy) params="kvm_amd.npt=1 kvm.tdp_mmu=0" ;;
svm-shadow) params="kvm_amd.npt=0" ;;
*) die "unknown QEMU flavour '$flavour' (svm-tdp, svm-legacy or svm-shadow)" ;;
esac

append="console=ttyS0 loglevel=4 panic=-1 oops=panic nokaslr $params"
append+=" ptt.flavour=$flavour ptt.timeout=$timeout ptt.mode=$mode ${PTT_APPEND:-}"

mkdir -p "$(dirname "$log")"
: >"$log"
# PTT_ICOUNT=1 counts time in instructions executed (-icount, one TCG
# thread, idle time skipped): timings measure the work, not the emulator.
icount=()
if [ "${PTT_ICOUNT:-0}" = 1 ]; then
	PTT_TCG_THREAD=single
	icount=(-icount "shift=0,sleep=off")
fi
# PTT_TRACE_EXEC=<start>..<end> logs every translation block that the guest
# executes in that range of addresses to PTT_TRACE_FILE (-d exec,nochain).
trace=()
if [ -n "${PTT_TRACE_EXEC:-}" ]; then
	[ -n "${PTT_TRACE_FILE:-}" ] || die "PTT_TRACE_EXEC needs PTT_TRACE_FILE"
	PTT_TCG_THREAD=single
	trace=(-d "exec,nochain" -dfilter "$PTT_TRACE_EXEC" -D "$PTT_TRACE_FILE")
fi
qemu-system-x86_64 -accel tcg,thread="${PTT_TCG_THREAD:-multi}" "${icount[@]}" "${trace[@]}" -cpu EPYC \
	-smp 2 -m 4G -nodefaults \
	-display none -monitor none -serial stdio -no-reboot \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	</dev/null >>"$log" 2>&1 &
qemu=$!
watch_guest "$qemu" "$log" "$timeout"
