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
