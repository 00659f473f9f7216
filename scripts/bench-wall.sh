#!/usr/bin/env bash
# 'make bench-wall': how far apart the wall times of demand_paging_test are
# from one boot to the next of the same kernel, beside series/base, to tell
# whether make bench's wall-time ratio measures the series or the emulator.
#
# Boots the bench and base-bench kernels of make bench alternately, BOOTS
# times each, running only demand_paging_test (a warm-up, then RUNS runs),
# and writes build/bench/wall.md and wall.env (for the cover letter), copied
# to bench/.  REUSE=1 only re-reads the logs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BOOTS=${BOOTS:-6}
RUNS=${RUNS:-5}
DP="demand_paging_test -b 512M"
re='Total guest execution time:[[:space:]]*[0-9.]+'
out=$BUILD/bench/wall
mkdir -p "$out"

for k in bench base-bench; do
	[ -f "$BUILD/obj/$k/arch/x86/boot/bzImage" ] ||
		die "the $k kernel is missing: run 'make bench' first"
done

{
	echo "pass - - - - - - demand_paging_test -b 256M"
	for _ in $(seq "$RUNS"); do
		echo "pass - - - - - - $DP"
	done
} >"$out/dp.list"

# The values of $DP in a log, one per line.
values() { # <log>
	metric "$1" "$DP" "$re"
}

# REUSE=1 only re-reads the logs of the previous run.
if [ "${REUSE:-0}" != 1 ]; then
	rm -f "$out"/*.log
	for b in $(seq "$BOOTS"); do
		for k in bench base-bench; do
			info "wall-time boot $b/$BOOTS of the $k kernel"
			FLAVOURS=svm-tdp TIMEOUT=900 "$TOP/scripts/test.sh" "$k" "$out/dp.list" >"$out/$k.out" 2>&1 ||
				die "the run on the $k kernel failed, see $out/$k.out"
			cp "$BUILD/test/$k/svm-tdp.log" "$out/$k-$b.log"
			n=$(values "$out/$k-$b.log" | wc -l)
			[ "$n" -eq "$RUNS" ] ||
				die "$out/$k-$b.log has $n times of '$DP', expected $RUNS"
		done
	done
fi

for b in $(seq "$BOOTS"); do
	for k in bench base-bench; do
		[ -f "$out/$k-$b.log" ] ||
			die "$out/$k-$b.log is missing: run without REUSE=1, or with fewer BOOTS"
	done
done

# Per kernel: the median of each boot (in boot order), of all runs, and the
# fastest run.
declare -A boots all fastest
for k in bench base-bench; do
	boots[$k]=$(for b in $(seq "$BOOTS"); do values "$out/$k-$b.log" | median; done)
	runs=$(for b in $(seq "$BOOTS"); do values "$out/$k-$b.log"; done)
	all[$k]=$(median <<<"$runs")
	fastest[$k]=$(sort -g <<<"$runs" | awk 'NR == 1 { printf "%.3f", $1 }')
done
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
spread() { # <kernel>: slowest over fastest median of a boot
	sort -g <<<"${boots[$1]}" | awk '{ v[NR] = $1 } END { printf "%.3f", v[NR] / v[1] }'
}
row() { # <kernel>
	printf '%s | %s | %s s | %s s' "$(paste -s -d, <<<"${boots[$1]}" | sed 's/,/, /g')" \
		"$(spread "$1")" "${all[$1]}" "${fastest[$1]}"
}
ratio=$(div "${all[bench]}" "${all[base-bench]}")
fast_ratio=$(div "${fastest[bench]}" "${fastest[base-bench]}")
# How often a boot of the series was slower than the boot of the base
# after it: near BOOTS for a real difference, near half of it for noise.
slower=$(paste <(echo "${boots[bench]}") <(echo "${boots[base-bench]}") |
	awk '$1 > $2 { n++ } END { print n + 0 }')

{
	echo "WALL_BOOTS=$BOOTS"
	echo "WALL_RUNS=$RUNS"
	echo "WALL_DP_RATIO=$ratio"
	echo "WALL_DP_FASTEST_RATIO=$fast_ratio"
	echo "WALL_DP_SLOWER_PAIRS=$slower"
	echo "WALL_DP_SERIES_SPREAD=$(spread bench)"
	echo "WALL_DP_BASE_SPREAD=$(spread base-bench)"
} >"$out/wall.env"

cat >"$out/wall.md" <<MD
\`$DP\` in wall time, nothing tracked, measured on $(date -u +%Y-%m-%d)
with scripts/bench-wall.sh: the bench and base-bench kernels of make bench
booted alternately under QEMU's ${PTT_TCG_THREAD:-multi}-threaded TCG ($(nproc) host cores,
SVM with nested paging, TDP MMU), $BOOTS boots each, $RUNS runs per boot
after a warm-up run.

| Kernel | Median of each boot (s) | Slowest / fastest boot | Median of all runs | Fastest run |
|---|---|---|---|---|
| series | $(row bench) |
| base | $(row base-bench) |

Series/base, medians of all runs: $ratio; fastest runs: $fast_ratio.
The series' boot was slower than the base's boot after it in $slower of
$BOOTS pairs.
MD
cp "$out/wall.md" "$out/wall.env" "$TOP/bench/"
cat "$out/wall.md"
