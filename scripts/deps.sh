#!/usr/bin/env bash
# Install the Debian packages the tooling needs, if any is missing.
#
#   deps.sh [extra-package...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential flex bison bc libelf-dev libssl-dev cpio xz-utils
	git ccache qemu-system-x86 busybox-static python3 python3-ply shellcheck
	bochs bochsbios vgabios isolinux syslinux-common genisoimage
	"$@")

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
base_missing=0
[ -r "$BASE_TARBALL" ] || base_missing=1

if [ ${#missing[@]} -eq 0 ] && [ $base_missing -eq 0 ]; then
	check_base
	exit 0
fi

command -v apt-get >/dev/null 2>&1 ||
	die "missing packages (${missing[*]} ${BASE_PKG}) and no apt-get to install them"
[ "$(id -u)" -eq 0 ] ||
	die "missing packages (${missing[*]}, or $BASE_PKG); run 'make deps' as root"

export DEBIAN_FRONTEND=noninteractive
info "installing: ${missing[*]} $([ $base_missing -eq 1 ] && echo "$BASE_PKG")"
apt-get update -qq || die "apt-get update failed"
if [ $base_missing -eq 1 ]; then
	# Prefer the exact version the series was verified on.
	if apt-cache madison "$BASE_PKG" | grep -q " $BASE_VERSION "; then
		missing+=("$BASE_PKG=$BASE_VERSION")
	else
		warn "$BASE_PKG $BASE_VERSION is not available, installing the candidate version"
		missing+=("$BASE_PKG")
	fi
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	die "apt-get install ${missing[*]} failed"
check_base
