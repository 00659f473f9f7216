#!/bin/busybox sh
# Demo run by 'make run' inside the test guest (ptt.mode=demo).
echo "--- KVM as loaded in this guest:"
for p in kvm_amd/parameters/npt kvm/parameters/tdp_mmu; do
	echo "  /sys/module/$p = $(cat /sys/module/$p 2>/dev/null || echo '-')"
done
dmesg | grep -E 'kvm_amd|Nested Paging' | sed -e 's/^/  /'
if [ -x x86_64/page_track_demo ]; then
	echo "--- page tracking demo:"
	./x86_64/page_track_demo
fi
