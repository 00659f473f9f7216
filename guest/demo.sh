#!/bin/busybox sh
# Demo run by 'make run' inside the test guest (ptt.mode=demo).
echo "--- KVM as loaded in this guest:"
for p in kvm_amd/parameters/npt kvm/parameters/tdp_mmu; do
	echo "  /sys/module/$p = $(cat /sys/module/$p 2>/dev/null || echo '-')"
done
dmesg | grep -E 'kvm_amd|Nested Paging' | sed -e 's/^/  /'
if [ ! -x x86_64/page_track_sample_test ]; then
	echo "--- page tracking: x86_64/page_track_sample_test is missing"
	exit 1
fi
cat <<'TXT'
--- page tracking: the sample consumer (samples/kvm/page_track_sample.c,
    kvm-page-track-sample.ko) guards a page of a selftest guest that holds
    a secret: the guest's reads of it fault on the nested page tables, are
    emulated, and return zeros, while its writes are logged and let
    through.  The VMM hands the sample its VM and the gfn with one ioctl,
    and the guard lasts until it closes the file.
TXT
echo "--- the selftest (the VMM and the guest):"
dmesg -c >/dev/null
./x86_64/page_track_sample_test >/tmp/demo.out 2>&1
rc=$?
sed -e 's/^/    /' /tmp/demo.out
echo "--- what the sample logged in the kernel:"
dmesg | grep kvm_page_track_sample | sed -e 's/^/    /'
exit $rc
