#!/usr/bin/env bash
# Regenerate patches/ from the commits base..series in build/linux.
# The output is stable: exporting an unchanged series changes nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_cmd git
[ -d "$TREE/.git" ] || die "build/linux does not exist: run 'make tree' first"
tgit rev-parse -q --verify base >/dev/null || die "build/linux has no 'base' tag"
if ! tgit diff --quiet HEAD || ! tgit diff --quiet --cached HEAD; then
	die "build/linux has uncommitted changes: commit them first"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tgit format-patch -q --zero-commit --no-signature --no-cover-letter \
	--abbrev=12 -o "$tmp" base..HEAD

rm -f "$PATCHES"/*.patch
: >"$PATCHES/series"
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	cp "$f" "$PATCHES/"
	basename "$f" >>"$PATCHES/series"
done
n=$(wc -l <"$PATCHES/series")
printf '%s %s\n' "$(tgit rev-parse HEAD)" "$(series_hash)" >"$TREE/.git/ptt-sync"
info "exported $n patch(es) to patches/"
