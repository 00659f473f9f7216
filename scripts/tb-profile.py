#!/usr/bin/env python3
"""What the series adds to KVM's fault path, function by function.

    tb-profile.py range <obj dir>
        print the -dfilter range of KVM's built-in code in that kernel
    tb-profile.py table <norm> <base log> <base obj> <series log> <series obj>
        print a markdown table of the translation blocks that each KVM
        function executed per call of <norm> (once per fault), base and
        series, for the functions that differ

The logs are QEMU's "-d exec,nochain" logs (scripts/run-qemu.sh
PTT_TRACE_EXEC): one line per translation block executed, with its address.
"""
import bisect
import collections
import subprocess
import sys


def kvm_functions(obj):
    """Addresses and names of the functions of arch/x86/kvm in System.map,
    and the end of the last one."""
    nm = subprocess.run(['nm', '--defined-only', f'{obj}/arch/x86/kvm/built-in.a'],
                        check=True, capture_output=True, text=True).stdout
    names = {f[2] for f in (l.split() for l in nm.splitlines())
             if len(f) == 3 and f[1] in 'tT'}
    text = []
    with open(f'{obj}/System.map') as m:
        for line in m:
            f = line.split()
            if len(f) == 3 and f[1] in 'tTwW':
                text.append((int(f[0], 16), f[2]))
    text.sort()
    count = collections.Counter(n for _, n in text)
    # KVM's code is one block of the kernel's text: find it with the names
    # that only KVM defines (static functions of other files, e.g. read_tsc,
    # may have the same names as KVM's).
    own = [a for a, n in text if n in names and count[n] == 1]
    blocks, cur = [], [own[0]]
    for a in own[1:]:
        if a - cur[-1] > 0x10000:
            blocks.append(cur)
            cur = []
        cur.append(a)
    blocks.append(cur)
    block = max(blocks, key=len)
    addrs = [a for a, _ in text]
    end = addrs[bisect.bisect_right(addrs, block[-1])]
    funcs = [(a, n) for a, n in text if block[0] <= a < end and n in names]
    return funcs, end


def text_range(obj):
    funcs, end = kvm_functions(obj)
    return funcs[0][0], end


def profile(log, obj):
    funcs, end = kvm_functions(obj)
    start = funcs[0][0]
    addrs = [a for a, _ in funcs]
    pcs = collections.Counter()
    with open(log, 'rb') as f:
        for line in f:
            i = line.find(b'/')
            if i >= 0:
                pcs[line[i + 1:i + 17]] += 1
    blocks, calls = collections.Counter(), collections.Counter()
    for pc, n in pcs.items():
        try:
            v = int(pc, 16)
        except ValueError:
            continue
        if not start <= v < end:
            continue
        j = bisect.bisect_right(addrs, v) - 1
        blocks[funcs[j][1]] += n
        if addrs[j] == v:
            calls[funcs[j][1]] += n
    return blocks, calls


def table(norm, base_log, base_obj, series_log, series_obj):
    bb, bc = profile(base_log, base_obj)
    sb, sc = profile(series_log, series_obj)
    if not bc[norm] or not sc[norm]:
        sys.exit(f'tb-profile: no call of {norm} in the logs')
    nb, ns = bc[norm], sc[norm]
    rows = []
    for fn in set(bb) | set(sb):
        b, s = bb[fn] / nb, sb[fn] / ns
        if abs(s - b) >= 0.5:
            rows.append((s - b, fn, b, s))
    rows.sort(reverse=True)
    tb, ts = sum(bb.values()) / nb, sum(sb.values()) / ns
    print(f'| Function | Base | Series | Added |')
    print(f'|---|---|---|---|')
    print(f'| All of KVM, per fault ({nb} / {ns} faults) | {tb:.1f} | {ts:.1f} | {ts - tb:+.1f} |')
    for d, fn, b, s in rows:
        print(f'| {fn} | {b:.1f} | {s:.1f} | {d:+.1f} |')


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'range':
        s, e = text_range(sys.argv[2])
        print(f'{s:#x}..{e - 1:#x}')
    elif len(sys.argv) == 7 and sys.argv[1] == 'table':
        table(*sys.argv[2:])
    else:
        sys.exit(__doc__)
