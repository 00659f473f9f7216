#!/bin/busybox sh
# Demo run by 'make run' inside the test guest (ptt.mode=demo).
echo "--- KVM as loaded in this guest:"
for p in kvm_amd/parameters/npt kvm/parameters/tdp_mmu; do
	echo "  /sys/module/$p = $(cat /sys/module/$p 2>/dev/null || echo '-')"
done
dmesg | grep -E 'kvm_amd|Nested Paging' | sed -e 's/^/  /'
if [ ! -x x86_64/page_track_test ]; then
	echo "--- page tracking: x86_64/page_track_test is missing"
	exit 1
fi
cat <<'TXT'
--- page tracking: a selftest guest reads, writes and executes pages that the
    test module (kvm-page-track-test.ko) tracks; each tracked access faults
    on the nested page tables, is emulated, and is logged (mode, GPA, GVA,
    bytes, vCPU, verdict, data).  "veto" makes the guest re-execute the
    instruction; "data" means the consumer supplied the value the guest
    read.
TXT
PAGE_TRACK_VERBOSE=1 ./x86_64/page_track_test -t preread_verdicts \
	-t prewrite_verdicts -t preexec_verdicts -t multiple_consumers \
	>/tmp/demo.out 2>&1
rc=$?
# A vetoed access is re-executed until the consumer allows it, so "veto
# always" logs the same event until the test stops it: show each run of
# identical events once, with a count.
grep -E 'RUN|event|OK|FAIL|PASSED|FAILED' /tmp/demo.out | sed -e 's/^#  *//' |
	awk '
	function flush() {
		if (n > 0)
			printf "    ... and %d more like it\n", n
		n = 0
	}
	/^event [0-9]+: / {
		key = $0
		sub(/^event [0-9]+: /, "", key)
		if (key == prev && $2 != "0:") {
			n++
			next
		}
		flush()
		prev = key
		print
		next
	}
	{ flush(); prev = ""; print }
	END { flush() }'
exit $rc
