# shellcheck shell=bash
# Common settings and helpers for the page-tracking series tooling.
# Sourced by the other scripts; not executable on its own.
# shellcheck disable=SC2034 # variables are used by the sourcing scripts

# The base the series was last verified on.  A different installed
# version gets a warning, not an error: the series may still apply.
BASE_PKG=linux-source-6.12
BASE_VERSION=6.12.117-1~deb12u1
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz
BASE_SUBJECT="Linux 6.12.117 (Debian $BASE_PKG $BASE_VERSION)"
# Fixed identity and date for the base commit, so that its hash (and the
# base-commit: trailer of an exported series) is reproducible.
BASE_DATE="2025-01-01T00:00:00Z"

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
TREE=$BUILD/linux
BASETREE=$BUILD/linux-base
PATCHES=$TOP/patches

JOBS=${JOBS:-$(nproc)}

# The MMU flavours, in the column order of the test lists: AMD SVM under
# QEMU (run-qemu.sh), Intel VMX under Bochs (run-bochs.sh).
ALL_FLAVOURS="svm-tdp svm-legacy svm-shadow vmx-tdp vmx-legacy vmx-shadow vmx-noxo"

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

warn() {
	printf 'warning: %s\n' "$*" >&2
}

info() {
	printf '==> %s\n' "$*" >&2
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' is not installed (run 'make deps' as root, or apt-get install the package that provides it)"
	done
}

# Print the version of the installed base package, or nothing.
installed_base_version() {
	dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true
}

check_base() {
	local v
	[ -r "$BASE_TARBALL" ] ||
		die "$BASE_TARBALL is missing: install $BASE_PKG (make deps)"
	v=$(installed_base_version)
	if [ "$v" != "$BASE_VERSION" ]; then
		warn "installed $BASE_PKG is '${v:-unknown}', the series was last verified on $BASE_VERSION"
	fi
}

# git in the kernel tree with a fixed identity, so that commits made by
# the tooling do not depend on the user's configuration.
tgit() {
	git -C "$TREE" -c user.name="Page Track Tooling" \
		-c user.email="tooling@localhost" -c advice.detachedHead=false \
		-c core.abbrev=12 "$@"
}

# Hash of the series as committed in patches/, used to tell whether
# build/linux is in sync with it.
series_hash() {
	local p
	{
		cat "$PATCHES/series"
		series_patches | while read -r p; do
			cat "$PATCHES/$p"
		done
	} | sha256sum | cut -d' ' -f1
}

series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PATCHES/series"
}

# Mirror the console log of the emulator process <pid> to stdout until it
# exits, and kill it if the guest stops making progress: if it starts or
# finishes no test (or prints no demo marker) for <timeout> + 120 s.  Ends
# with the log's CR LF line ends turned into LF.
watch_guest() { # <pid> <log> <timeout>
	local pid=$1 log=$2 limit=$(($3 + 120)) last=0 idle=0 shown=0 lines results
	trap 'kill "$pid" 2>/dev/null || true' EXIT
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		lines=$(wc -l <"$log")
		if [ "$lines" -gt "$shown" ]; then
			sed -n "$((shown + 1)),${lines}p" "$log"
			shown=$lines
		fi
		results=$(grep -c -E '^(not )?ok [0-9]+ |^PTT-|^# \[[0-9]+/' "$log" || true)
		if [ "$results" != "$last" ]; then
			last=$results idle=0
		else
			idle=$((idle + 2))
		fi
		if [ "$idle" -ge "$limit" ]; then
			echo "PTT-WATCHDOG: no progress for ${idle}s, killing the guest" | tee -a "$log"
			kill "$pid" 2>/dev/null || true
			break
		fi
	done
	wait "$pid" 2>/dev/null || true
	trap - EXIT
	lines=$(wc -l <"$log")
	[ "$lines" -le "$shown" ] || sed -n "$((shown + 1)),${lines}p" "$log"
	# The serial console ends lines with CR LF.
	sed -i 's/\r$//' "$log"
}

# The options that config fragments set but a .config lacks, e.g. because the
# build of an older commit of the tree in the same object directory dropped
# them.  Later fragments override earlier ones, as with merge_config.sh.
missing_options() { # <.config> <fragment>...
	local config=$1 line
	shift
	awk '
		/^CONFIG_[A-Z0-9_]*=/ { split($0, kv, "="); val[kv[1]] = $0; next }
		/^# CONFIG_[A-Z0-9_]* is not set/ { val[$2] = ""; next }
		END { for (k in val) if (val[k] != "") print val[k] }' "$@" |
		while read -r line; do
			grep -q -x -F "$line" "$config" 2>/dev/null || echo "$line"
		done
}

# Per-run values of a workload metric in a log of the benchmarks, one per
# line, in seconds.
metric() { # <log> <command> <regex of the line, value in the first (...)>
	awk -v cmd="$2" -v re="$3" '
		/^# \[[0-9]+\/[0-9]+\] / { sub(/^# \[[0-9]+\/[0-9]+\] /, ""); cur = $0; next }
		cur == cmd && match($0, re) {
			v = substr($0, RSTART, RLENGTH); gsub(/[^0-9.]/, "", v); print v
		}' "$1"
}

median() { # of the numbers on stdin, one per line
	sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; else print "nan" }'
}
