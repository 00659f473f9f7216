#!/usr/bin/env bash
# Run test lists in the MMU flavours and print a summary.
#
#   test.sh <variant> <list>...
#
# <variant> is the kernel to boot: test (the series), debug (the series
# with KASAN) or base (the unpatched base).  Each list line is
#
#   <svm-tdp> <svm-legacy> <svm-shadow> <vmx-tdp> <vmx-legacy> <vmx-shadow> <vmx-noxo> <command...>
#
# where each of the first seven fields says what the command must do in
# that flavour: "pass", "skip" (must pass or skip), or "-" (not run: it
# fails on the unpatched base too, or takes too long there).  The svm-*
# flavours boot under QEMU (AMD SVM with NPT), the vmx-* ones under Bochs
# (Intel VMX with EPT), see run-qemu.sh and run-bochs.sh.
#
# Environment: FLAVOURS (default: all seven), TIMEOUT (per test, default
# 300 s), DISCOVER=1 (report results only, expect nothing), VMX_SUBSET=<file>
# (in the vmx-* flavours, run of the lists named *stock.list only the commands
# listed in <file>, one per line).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: test.sh <test|debug|base> <list>..."
variant=$1
shift
lists=("$@")
flavours=${FLAVOURS:-$ALL_FLAVOURS}
timeout=${TIMEOUT:-300}

kernel=$BUILD/obj/$variant/arch/x86/boot/bzImage
case $variant in
test | debug | bench | base-bench) tests=$BUILD/selftests/test ;;
base) tests=$BUILD/selftests/base ;;
*) die "unknown variant '$variant'" ;;
esac
[ -f "$kernel" ] || die "$kernel is missing: run 'make kernel' first"
[ -d "$tests" ] || die "$tests is missing: run 'make selftests' first"

out=$BUILD/test/$variant
rm -rf "$out"
mkdir -p "$out/lists"
: >"$out/flaky.txt"

# expect.tsv: flavour <TAB> expectation <TAB> command
for l in "${lists[@]}"; do
	[ -f "$l" ] || die "test list $l does not exist"
	subset=/dev/null
	case $l in
	*stock.list) [ -z "${VMX_SUBSET:-}" ] || subset=$VMX_SUBSET ;;
	esac
	awk -v OFS='\t' -v names="$ALL_FLAVOURS" -v subset="$subset" \
		-v discover="${DISCOVER:-0}" '
		BEGIN {
			nf = split(names, flavour, " ")
			while (subset != "/dev/null" && (getline line < subset) > 0)
				if (line !~ /^[[:space:]]*(#|$)/)
					in_subset[line] = 1
		}
		/^[[:space:]]*(#|$)/ { next }
		NF <= nf {
			printf "%s:%d: expected <%s> <command>\n", FILENAME, FNR, names > "/dev/stderr"
			exit 1
		}
		{
			for (i = 1; i <= nf; i++)
				if ($i != "pass" && $i != "skip" && $i != "-") {
					printf "%s:%d: bad expectation \"%s\"\n", FILENAME, FNR, $i > "/dev/stderr"; exit 1
				}
			cmd = $(nf + 1); for (i = nf + 2; i <= NF; i++) cmd = cmd " " $i
			for (i = 1; i <= nf; i++) {
				e = (discover == 1) ? "any" : $i
				if (subset != "/dev/null" && flavour[i] ~ /^vmx-/ && !(cmd in in_subset))
					e = "-"
				print flavour[i], e, cmd
			}
		}' "$l" >>"$out/expect.tsv" || die "cannot parse $l"
done

for f in $flavours; do
	case " $ALL_FLAVOURS " in
	*" $f "*) ;;
	*) die "unknown flavour '$f' (one of: $ALL_FLAVOURS)" ;;
	esac
	awk -F'\t' -v f="$f" '$1 == f && $2 != "-" { print $3 }' "$out/expect.tsv" >"$out/lists/list.$f"
done

# One initramfs per emulator, with the binaries of its flavours' lists only:
# Bochs takes minutes to unpack all of them at every boot.
for emu in svm vmx; do
	mkdir -p "$out/lists/$emu"
	for f in $flavours; do
		case $f in
		"$emu"-*) [ ! -s "$out/lists/list.$f" ] || cp "$out/lists/list.$f" "$out/lists/$emu/" ;;
		esac
	done
	if compgen -G "$out/lists/$emu/list.*" >/dev/null; then
		"$TOP/scripts/initramfs.sh" "$BUILD/obj/$variant" "$tests" "$out/lists/$emu" "$out/initramfs-$emu.cpio.gz"
	fi
done

# Boot flavour $1 and match each expected command with its TAP line; writes
# $out/$1.tsv and prints a summary.  The console goes to $out/$1.console.
# A guest that stops making progress is booted again from the test that was
# running, and once more from the one after it if that test hangs again: the
# rest of the list still runs, and the hung test fails or is flaky.
run_flavour() {
	local f=$1 runner start secs p fl s n boot=1 first=1 hung=0 last blog
	case $f in
	svm-*) runner=run-qemu.sh ;;
	vmx-*) runner=run-bochs.sh ;;
	esac
	n=$(wc -l <"$out/lists/list.$f")
	info "booting $variant kernel, flavour $f ($n tests)"
	start=$(date +%s)
	: >"$out/$f.log"
	: >"$out/$f.console"
	while :; do
		blog=$out/$f.boot$boot.log
		PTT_APPEND="ptt.first=$first ptt.hung=$hung" "$TOP/scripts/$runner" \
			"$kernel" "$out/initramfs-${f%%-*}.cpio.gz" "$f" "$blog" "$timeout" \
			>>"$out/$f.console" 2>&1 || true
		cat "$blog" >>"$out/$f.log" 2>/dev/null || true
		if grep -q '^# PTT-END' "$blog" 2>/dev/null; then
			break
		fi
		echo "---- $f: the guest did not finish (boot $boot); last 40 console lines:"
		tail -n 40 "$out/$f.console"
		echo "----"
		last=$(sed -n 's/^# \[\([0-9]*\)\/[0-9]*\] .*/\1/p' "$blog" 2>/dev/null | tail -n 1) || true
		# No test started: the boot itself failed, booting again won't help.
		[ -n "$last" ] || break
		if [ "$last" = "$hung" ]; then
			first=$((last + 1)) hung=0
		else
			first=$last hung=$last
		fi
		boot=$((boot + 1))
		if [ "$first" -gt "$n" ] || [ "$boot" -gt 4 ]; then
			break
		fi
		echo "---- $f: booting again from test $first of $n"
	done
	secs=$(($(date +%s) - start))
	# Absent means failed.
	awk -F'\t' -v f="$f" -v OFS='\t' '
		FNR == NR {
			if ($0 ~ /^(not )?ok [0-9]+ /) {
				line = $0
				st = (line ~ /^not ok/) ? "fail" : (line ~ /# SKIP/ ? "skip" : "pass")
				sub(/^(not )?ok [0-9]+ /, "", line); sub(/ # .*$/, "", line)
				got[line] = st
			}
			next
		}
		$1 == f && $2 != "-" {
			st = ($3 in got) ? got[$3] : "missing"
			print f, $2, st, $3
		}' "$out/$f.log" "$out/expect.tsv" >"$out/$f.tsv"
	read -r p fl s < <(count_results "$out/$f.tsv")
	echo "== $f: $p passed, $fl failed, $s skipped (${secs}s)"
	awk -F'\t' '($3 != "pass" && !($3 == "skip" && ($2 == "skip" || $2 == "any"))) {
		printf "   FAILED %-7s %s (expected %s, got %s)\n", $1, $4, $2, $3 }' "$out/$f.tsv" |
		tee "$out/$f.failed"
	# The output of each failed test, the last of its runs, for CI logs.
	sed -e 's/^   FAILED [^ ]* *//' -e 's/ (expected [a-z-]*, got [a-z]*)$//' "$out/$f.failed" |
		while IFS= read -r cmd; do
			awk -v cmd="$cmd" '
				index($0, "# [") == 1 && substr($0, index($0, "] ") + 2) == cmd { n = 0; on = 1 }
				on { buf[n++ % 60] = $0 }
				on && /^(not )?ok [0-9]+ / { on = 0; last = n }
				END {
					if (on)
						last = n
					for (i = (last > 60 ? last - 60 : 0); i < last; i++)
						print "   | " buf[i % 60]
				}
			' "$out/$f.log"
		done
	grep -E '^ok [0-9]+ .*FLAKY' "$out/$f.log" | sed -e "s/^ok [0-9]* /   flaky  $f /" || true
}

# Passed, failed and (expected) skipped results of a tsv file.
count_results() {
	awk -F'\t' '
		{ e = $2; st = $3 }
		st == "pass" { p++; next }
		st == "skip" && (e == "skip" || e == "any") { s++; next }
		{ fl++ }
		END { print p + 0, fl + 0, s + 0 }' "$@"
}

# Run the flavours of one emulator, one after the other.
run_stream() {
	local f
	for f in "$@"; do
		if [ ! -s "$out/lists/list.$f" ]; then
			info "flavour $f: nothing to run"
			continue
		fi
		run_flavour "$f"
	done
}

# QEMU and Bochs run side by side: Bochs emulates on a single host thread,
# and the QEMU guest is idle on one of its two vCPUs most of the time.
svm=() vmx=()
for f in $flavours; do
	case $f in
	svm-*) svm+=("$f") ;;
	vmx-*) vmx+=("$f") ;;
	esac
done
if [ "${PARALLEL:-1}" = 1 ] && [ ${#svm[@]} -gt 0 ] && [ ${#vmx[@]} -gt 0 ]; then
	info "the Bochs flavours (${vmx[*]}) run meanwhile, their results follow"
	run_stream "${vmx[@]}" >"$out/vmx.out" 2>&1 &
	vmx_pid=$!
	run_stream "${svm[@]}" 2>&1 | tee "$out/svm.out"
	wait "$vmx_pid" || true
	cat "$out/vmx.out"
else
	run_stream "${svm[@]}" "${vmx[@]}" 2>&1 | tee "$out/all.out"
fi

: >"$out/results.tsv"
for f in $flavours; do
	[ ! -f "$out/$f.tsv" ] || cat "$out/$f.tsv" >>"$out/results.tsv"
done
grep -h '^   flaky ' "$out"/*.out >"$out/flaky.txt" || true
read -r total_pass total_fail total_skip < <(count_results "$out/results.tsv")

echo
echo "Per-test results ($variant kernel): build/test/$variant/results.tsv"
awk -F'\t' '{ r[$4] = r[$4] sprintf(" %s=%s", $1, $3) } END { for (c in r) printf "  %-55s%s\n", c, r[c] }' \
	"$out/results.tsv" | sort
echo "skipped: $total_skip (expected skips, counted separately)"
echo "flaky: $(wc -l <"$out/flaky.txt") (failed once and passed when run again, counted as passed; listed above)"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
