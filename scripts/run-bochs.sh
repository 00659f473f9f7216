#!/usr/bin/env bash
# Boot a test kernel under Bochs, which emulates an Intel CPU with VMX, EPT,
# execute-only EPT and EPT A/D bits (corei7_skylake_x), and wait for the
# guest to power off.
#
#   run-bochs.sh <bzImage> <initramfs> <flavour> <log> [timeout] [mode]
#
# Flavours: vmx-tdp (EPT, TDP MMU), vmx-legacy (EPT, kvm.tdp_mmu=0),
# vmx-shadow (kvm_intel.ept=0, shadow paging) and vmx-noxo (EPT, TDP MMU, on
# a CPU without execute-only EPT).  The kernel boots from an isolinux CD;
# the console is the first serial port, written to a file.  Bochs runs
# headless: its only display library here is VNC (rfb), told not to wait for
# a client.  BOCHS_CPUS sets the number of CPUs (default 1: the boot takes
# minutes with 2); PTT_APPEND adds kernel parameters (see guest/init).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 4 ] || die "usage: run-bochs.sh <bzImage> <initramfs> <flavour> <log> [timeout] [mode]"
kernel=$1 initrd=$2 flavour=$3 log=$4 timeout=${5:-300} mode=${6:-test}
cpus=${BOCHS_CPUS:-1}
# Instructions per second of the emulated CPU: the TSC and the local APIC
# timer run at this rate.
ips=100000000

[ -f "$kernel" ] || die "kernel $kernel does not exist"
[ -f "$initrd" ] || die "initramfs $initrd does not exist"
need_cmd genisoimage
for f in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
	/usr/share/bochs/BIOS-bochs-latest /usr/share/bochs/VGABIOS-lgpl-latest; do
	[ -f "$f" ] || die "$f is missing: install isolinux, syslinux-common, bochsbios and vgabios (make deps)"
done
"$TOP/scripts/bochs.sh"

bochs=$BUILD/bochs/bochs-bin
case $flavour in
vmx-tdp) params="kvm_intel.ept=1 kvm.tdp_mmu=1" ;;
vmx-legacy) params="kvm_intel.ept=1 kvm.tdp_mmu=0" ;;
vmx-shadow) params="kvm_intel.ept=0" ;;
vmx-noxo) params="kvm_intel.ept=1 kvm.tdp_mmu=1" bochs=$BUILD/bochs/bochs-bin-noxo ;;
*) die "unknown Bochs flavour '$flavour' (vmx-tdp, vmx-legacy, vmx-shadow or vmx-noxo)" ;;
esac

# Linux would take the TSC for a 3.5 GHz one from the CPUID of the model,
# but it runs at ips: without tsc_early_khz, guest time runs 35 times slow.
append="console=ttyS0 loglevel=4 panic=-1 oops=panic nokaslr tsc_early_khz=$((ips / 1000))"
append+=" $params ptt.flavour=$flavour ptt.timeout=$timeout ptt.mode=$mode ${PTT_APPEND:-}"

mkdir -p "$(dirname "$log")"
work=$log.bochs
rm -rf "$work"
mkdir -p "$work/iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$work/iso/isolinux/"
cp "$kernel" "$work/iso/bzImage"
cp "$initrd" "$work/iso/initrd.gz"
cat >"$work/iso/isolinux/isolinux.cfg" <<EOF
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL /bzImage
  INITRD /initrd.gz
  APPEND $append
EOF
genisoimage -quiet -o "$work/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table -J -R "$work/iso" ||
	die "genisoimage failed"
rm -rf "$work/iso"

: >"$log"
cat >"$work/bochsrc" <<EOF
megs: 2048
cpu: model=corei7_skylake_x, count=$cpus, ips=$ips, reset_on_triple_fault=1, ignore_bad_msrs=1
clock: sync=none
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=$work/boot.iso, status=inserted
boot: cdrom
display_library: rfb, options="timeout=0"
com1: enabled=1, mode=file, dev=$log
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
EOF
# Debian's bochs has its debugger built in: "continue" at its first prompt.
echo c >"$work/debugger.rc"
"$bochs" -q -f "$work/bochsrc" -rc "$work/debugger.rc" </dev/null >"$work/bochs.out" 2>&1 &
# The guest's clock follows the emulated instructions, which Bochs runs
# slower than real time when the host is busy: give the guest's own
# per-test timeout twice as long to fire before the watchdog does.
watch_guest "$!" "$log" "$((timeout * 2))"
if ! grep -q -E '^# PTT-END|^PTT-DEMO-END' "$log"; then
	echo "---- Bochs messages (build/test/.../$(basename "$work")/):"
	tail -n 20 "$work/bochs.out" "$work/bochs.log" 2>/dev/null || true
fi
