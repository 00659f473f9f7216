#!/usr/bin/env bash
# Quality gates for the series.
#
#   check.sh fast   checkpatch on every patch, shellcheck on the tooling,
#                   and patches/ regenerated from build/linux without a diff
#   check.sh full   the above, plus: every patch builds arch/x86/kvm with
#                   W=1 and KVM_WERROR=y (KVM_INTEL=m, KVM_AMD=m) and
#                   exports what the vendor modules use from kvm.ko, sparse
#                   (C=2) adds no warnings over the base, and the
#                   documentation builds without new warnings
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-fast}
out=$BUILD/check
mkdir -p "$out"
fail=0

# checkpatch findings that are accepted, as "<patch-file>:<TYPE>":
# - FILE_PATH_CHANGES: new files are covered by the KVM/x86 entry, and the
#   series ends with the MAINTAINERS patch.
# - MEMORY_BARRIER in "Bring back page-track modes": the barriers are
#   commented, but the comments are context lines of a hunk that also
#   removes the old barrier line, which checkpatch doesn't look past.
# - AVOID_EXTERNS in page_track_kvm_access_test: the labels inside the
#   guest's asm functions, declared like memstress_l2_guest_entry in
#   lib/x86_64/memstress.c.
accepted() {
	case "$1:$2" in
	*:FILE_PATH_CHANGES | *Bring-back-page-track-modes*:MEMORY_BARRIER) return 0 ;;
	*page_track_kvm_access_test*:AVOID_EXTERNS) return 0 ;;
	esac
	return 1
}

# checkpatch must run from the top of the tree, or it misreads the patch.
checkpatch() {
	cd "$TREE" || return 0
	./scripts/checkpatch.pl --show-types --terse --no-summary -q "$1" 2>/dev/null
	return 0
}

run_checkpatch() {
	local p line type total=0 bad=0
	info "checkpatch on $(series_patches | wc -l) patches"
	while read -r p; do
		while IFS= read -r line; do
			type=$(sed -n 's/^[^:]*:[0-9]*: [A-Z]*:\([A-Z_]*\):.*/\1/p' <<<"$line")
			[ -n "$type" ] || continue
			total=$((total + 1))
			if accepted "$p" "$type"; then
				echo "  accepted: $line"
			else
				echo "  $line"
				bad=$((bad + 1))
			fi
		done < <(checkpatch "$PATCHES/$p")
	done < <(series_patches)
	echo "checkpatch: $total findings, $bad not accepted"
	[ "$bad" -eq 0 ] || fail=1
}

run_shellcheck() {
	need_cmd shellcheck
	info "shellcheck on the tooling"
	if shellcheck -x -P SCRIPTDIR "$TOP"/scripts/*.sh "$TOP"/.ci/run &&
		shellcheck -s sh "$TOP"/guest/init "$TOP"/guest/demo.sh; then
		echo "shellcheck: clean"
	else
		echo "shellcheck: FAILED"
		fail=1
	fi
}

run_export_check() {
	local tmp
	info "patches/ round trip"
	tmp=$(mktemp -d)
	tgit format-patch -q --zero-commit --no-signature --no-cover-letter \
		--abbrev=12 -o "$tmp" base..HEAD
	if diff -r -q -x series "$tmp" "$PATCHES" >/dev/null; then
		echo "export: patches/ matches build/linux"
	else
		echo "export: patches/ differs from build/linux (run make export)"
		fail=1
	fi
	rm -rf "$tmp"
}

# The symbols of kvm.ko that kvm-amd.ko, kvm-intel.ko and the test module
# (from the patch that adds it) use must be exported, or a build with KVM as
# modules fails at modpost; the test kernel has KVM built in and can't tell.
# Prints the missing ones.
missing_exports() { # <obj dir> <source dir>
	local kvm=$1/arch/x86/kvm
	local o users=()
	for o in kvm kvm-amd kvm-intel; do
		[ -f "$kvm/$o.o" ] ||
			die "no $o.o in $kvm: is KVM built as modules?"
	done
	users=("$kvm/kvm-amd.o" "$kvm/kvm-intel.o")
	# A stale object of a later commit doesn't count.
	if [ -f "$2/arch/x86/kvm/page_track_test.c" ]; then
		[ -f "$kvm/kvm-page-track-test.o" ] ||
			die "no kvm-page-track-test.o in $kvm: is CONFIG_KVM_PAGE_TRACK_TEST=m?"
		users+=("$kvm/kvm-page-track-test.o")
	fi
	if [ -f "$2/samples/kvm/page_track_sample.c" ]; then
		[ -f "$1/samples/kvm/kvm-page-track-sample.o" ] ||
			die "no kvm-page-track-sample.o in $1/samples/kvm: is CONFIG_SAMPLE_KVM_PAGE_TRACK=m?"
		users+=("$1/samples/kvm/kvm-page-track-sample.o")
	fi
	comm -12 <(nm -u "${users[@]}" |
		awk 'NF == 2 { print $2 }' | sort -u) \
		<(nm --defined-only "$kvm/kvm.o" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u) |
		comm -23 - <(nm "$kvm/kvm.o" | sed -n 's/.* __export_symbol_//p' | sort -u)
}

# Set again the options of check.config that the build of an earlier commit
# dropped because its Kconfig lacked them (the test module's), so that the
# commit that adds an option builds with it.
restore_options() { # <source dir> <obj dir>
	local missing
	missing=$(missing_options "$2/.config" "$TOP/config/check.config")
	[ -n "$missing" ] || return 0
	echo "$missing" >>"$2/.config"
	make -s -C "$1" O="$2" olddefconfig >/dev/null ||
		die "olddefconfig failed in $2"
}

# Build arch/x86/kvm, and KVMGT (the other user of page tracking), at every
# commit of the series.
run_bisect_build() {
	local wt=$BUILD/linux-check obj=$BUILD/obj/check c n=0 subj commits
	need_cmd make gcc ccache
	info "building arch/x86/kvm and kvmgt.o at every patch (W=1, KVM_WERROR, KVM_INTEL=m, KVM_AMD=m)"
	if [ ! -d "$wt/.git" ] && [ ! -f "$wt/.git" ]; then
		tgit worktree add -q --detach "$wt" base >/dev/null
	fi
	mkdir -p "$obj"
	git -C "$wt" checkout -q --detach "$(tgit rev-parse HEAD)"
	make -s -C "$wt" O="$obj" allnoconfig >/dev/null
	"$wt/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"$TOP/config/check.config" >"$obj/merge.log" 2>&1
	make -s -C "$wt" O="$obj" olddefconfig >/dev/null
	# The base first: KVM_WERROR turns W=1 warnings into errors, so the
	# base has to build cleanly as well, and a failure there is not ours.
	if ! commits="$(tgit rev-parse base) $(tgit rev-list --reverse base..HEAD)"; then
		die "cannot list the commits of the series in build/linux"
	fi
	for c in $commits; do
		subj=$(tgit log -1 --format=%s "$c")
		git -C "$wt" checkout -q --detach "$c"
		restore_options "$wt" "$obj"
		targets=(arch/x86/kvm/ drivers/gpu/drm/i915/gvt/kvmgt.o)
		[ ! -d "$wt/samples/kvm" ] || targets+=(samples/kvm/)
		if make -C "$wt" O="$obj" -j"$JOBS" W=1 CC="ccache gcc" \
			"${targets[@]}" >"$out/build-$n.log" 2>&1 &&
			! grep -q -E 'warning:|error:' "$out/build-$n.log" &&
			missing_exports "$obj" "$wt" >"$out/exports-$n.txt" &&
			[ ! -s "$out/exports-$n.txt" ]; then
			echo "  ok   $n $subj"
		else
			echo "  FAIL $n $subj (see build/check/build-$n.log)"
			grep -E 'warning:|error:' "$out/build-$n.log" | head -5
			sed 's/^/    not exported from kvm.ko: /' "$out/exports-$n.txt" 2>/dev/null | head -5
			fail=1
		fi
		n=$((n + 1))
	done
}

# The warnings of "make -C <tree> <args>" on the base and on the series, and
# whether the series adds any.  Line numbers are ignored, as the series moves
# code around.
compare_warnings() { # <name> <grep pattern> <make args...>
	local name=$1 pattern=$2 wt=$BUILD/linux-check c which
	shift 2
	for which in base series; do
		c=$(tgit rev-parse "$([ $which = base ] && echo base || echo HEAD)")
		git -C "$wt" checkout -q --detach "$c"
		make -C "$wt" "$@" >"$out/$name-$which.raw" 2>&1 || true
		grep -E "$pattern" "$out/$name-$which.raw" |
			sed -E 's/:[0-9]+(:[0-9]+)?:/:/' | sort >"$out/$name-$which.txt"
	done
	if comm -13 "$out/$name-base.txt" "$out/$name-series.txt" >"$out/$name-new.txt" &&
		[ ! -s "$out/$name-new.txt" ]; then
		echo "$name: $(wc -l <"$out/$name-series.txt") warnings, none new"
	else
		echo "$name: new warnings:"
		cat "$out/$name-new.txt"
		fail=1
	fi
}

run_sparse() {
	need_cmd sparse
	info "sparse (C=2) on arch/x86/kvm, base versus series"
	compare_warnings sparse ': (warning|error):' O="$BUILD/obj/check" \
		-j"$JOBS" C=2 CC="ccache gcc" arch/x86/kvm/
}

run_docs() {
	need_cmd sphinx-build
	info "htmldocs SPHINXDIRS=virt, base versus series"
	rm -rf "$BUILD/obj/docs"
	compare_warnings docs '(WARNING|ERROR)' O="$BUILD/obj/docs" \
		SPHINXDIRS=virt htmldocs
}

[ -d "$TREE/.git" ] || die "build/linux does not exist: run 'make tree' first"
start=$(date +%s)
run_checkpatch
run_shellcheck
run_export_check
if [ "$mode" = full ]; then
	run_bisect_build
	run_sparse
	run_docs
fi
echo "check ($mode): $([ $fail -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - start)) s"
exit $fail
