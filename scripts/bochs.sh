#!/usr/bin/env bash
# Prepare the Bochs binaries that emulate the Intel VMX test CPUs, by
# patching copies of Debian's bochs-bin (its source package can't be
# fetched here):
#
#   build/bochs/bochs-bin        bochs/0001-VMX-re-evaluate-the-interrupt-*,
#                                as a binary patch: without it, a guest that
#                                runs with EFLAGS.IF=0 never takes an L1
#                                interrupt, and the L1 kernel freezes.
#   build/bochs/bochs-bin-noxo   the same, and the EPT capabilities MSR
#                                without execute-only support (bit 0 of
#                                IA32_VMX_EPT_VPID_CAP), for the series'
#                                fallback on such CPUs.
#
# Every patch site is found by symbol and checked byte for byte; any other
# bochs-bin than the one of the package version below is refused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BOCHS_VERSION=2.7+dfsg-4+deb12u1
BOCHS_BIN=/usr/bin/bochs-bin
BOCHS_SHA256=5b8b1bbe782917bbe08c3511c0e74adb969b1ac86698ce823f396327689f3ebc

out=$BUILD/bochs
need_cmd python3 nm sha256sum
[ -x "$BOCHS_BIN" ] || die "$BOCHS_BIN is missing: install bochs (make deps)"
v=$(dpkg-query -W -f='${Version}' bochs 2>/dev/null || true)
[ "$v" = "$BOCHS_VERSION" ] ||
	die "bochs ${v:-is not installed}: the VMX patches are made for Debian's bochs $BOCHS_VERSION"
[ "$(sha256sum <"$BOCHS_BIN" | cut -d' ' -f1)" = "$BOCHS_SHA256" ] ||
	die "$BOCHS_BIN is not the binary of bochs $BOCHS_VERSION (sha256 mismatch)"

stamp=$out/.source-sha256
if [ -x "$out/bochs-bin" ] && [ -x "$out/bochs-bin-noxo" ] &&
	[ "$(cat "$stamp" 2>/dev/null)" = "$BOCHS_SHA256 $(sha256sum <"$0" | cut -d' ' -f1)" ]; then
	exit 0
fi

mkdir -p "$out"
info "patching $BOCHS_BIN into build/bochs"
nm -D -S --defined-only "$BOCHS_BIN" >"$out/symbols.txt" ||
	die "nm -D $BOCHS_BIN failed"
python3 - "$BOCHS_BIN" "$out/symbols.txt" "$out/bochs-bin" "$out/bochs-bin-noxo" <<'PY' ||
import struct
import sys

src, symfile, out_fixed, out_noxo = sys.argv[1:5]
data = bytearray(open(src, 'rb').read())

def fail(msg):
    sys.exit('bochs patch: ' + msg)

syms = {}
for line in open(symfile):
    f = line.split()
    if len(f) == 4:
        syms[f[3]] = (int(f[0], 16), int(f[1], 16))

def function(name):
    if name not in syms:
        fail('no symbol ' + name)
    return syms[name]

# The executable segment, in which file offsets equal virtual addresses.
e_phoff, = struct.unpack_from('<Q', data, 0x20)
e_phentsize, e_phnum = struct.unpack_from('<HH', data, 0x36)
text = None
for i in range(e_phnum):
    off = e_phoff + i * e_phentsize
    p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz = \
        struct.unpack_from('<IIQQQQQ', data, off)
    if p_type == 1 and p_flags & 1:
        text = (off, p_offset, p_vaddr, p_filesz, p_memsz)
if text is None or text[1] != text[2] or text[3] != text[4]:
    fail('unexpected executable segment')
phdr, seg_off, _, seg_size, _ = text

def find_once(func, pattern):
    start, size = function(func)
    body = bytes(data[start:start + size])
    if body.count(pattern) != 1:
        fail('expected one %s in %s, found %d' % (pattern.hex(), func, body.count(pattern)))
    return start + body.index(pattern)

# 1. VMLAUNCH/VMRESUME: re-evaluate the interrupt masking once in_vmx_guest is
# set.  Replace the store "movb $1, in_vmx_guest(%rbx)" with a call to a
# trampoline that does the store and calls handleInterruptMaskChange(this),
# preserving every register, the flags and the FPU/SSE state.
store = bytes.fromhex('c6 83 c1 8f 00 00 01')      # movb $0x1,0x8fc1(%rbx)
site = find_once('_ZN8BX_CPU_C8VMLAUNCHEP15bxInstruction_c', store)
handler, _ = function('_ZN8BX_CPU_C25handleInterruptMaskChangeEv')

cave = (seg_off + seg_size + 15) & ~15
tramp = bytearray()
tramp += store
tramp += bytes.fromhex('50 51 52 56 57 41 50 41 51 41 52 41 53')  # push rax..r11
tramp += bytes.fromhex('9c')                     # pushfq
tramp += bytes.fromhex('55 48 89 e5 48 83 e4 f0')  # push rbp; mov rsp,rbp; and -16,rsp
tramp += bytes.fromhex('48 81 ec 00 02 00 00')   # sub $0x200,%rsp
tramp += bytes.fromhex('48 0f ae 04 24')         # fxsave64 (%rsp)
tramp += bytes.fromhex('48 89 df')               # mov %rbx,%rdi
call = cave + len(tramp)
tramp += b'\xe8' + struct.pack('<i', handler - (call + 5))
tramp += bytes.fromhex('48 0f ae 0c 24')         # fxrstor64 (%rsp)
tramp += bytes.fromhex('48 89 ec 5d')            # mov rbp,rsp; pop rbp
tramp += bytes.fromhex('9d')                     # popfq
tramp += bytes.fromhex('41 5b 41 5a 41 59 41 58 5f 5e 5a 59 58')  # pop r11..rax
tramp += bytes.fromhex('c3')                     # ret
end = cave + len(tramp)
if end > (seg_off + seg_size + 0xfff) & ~0xfff or any(data[seg_off + seg_size:end]):
    fail('no room for the trampoline after the executable segment')
data[cave:end] = tramp
data[site:site + 7] = b'\xe8' + struct.pack('<i', cave - (site + 5)) + b'\x66\x90'
# Make the segment cover the trampoline (it is in its last page anyway).
struct.pack_into('<QQ', data, phdr + 0x20, end - seg_off, end - seg_off)
open(out_fixed, 'wb').write(data)

# 2. No execute-only EPT: clear bit 0 of the EPT/VPID capabilities constant,
# "add $0x6134141,%rdx" (bit 17, 1G pages, is subtracted before it when the
# CPU model lacks them).
cap = find_once('_ZN8BX_CPU_C26init_ept_vpid_capabilitiesEv',
                bytes.fromhex('48 81 c2 41 41 13 06'))
data[cap + 3] &= ~1
open(out_noxo, 'wb').write(data)
print('VMLAUNCH store at %#x, trampoline at %#x, EPT capabilities at %#x'
      % (site, cave, cap + 3))
PY
	die "patching $BOCHS_BIN failed"
chmod 755 "$out/bochs-bin" "$out/bochs-bin-noxo"
echo "$BOCHS_SHA256 $(sha256sum <"$0" | cut -d' ' -f1)" >"$stamp"
