#!/usr/bin/env bash
# Create build/linux: the pristine base as one commit (tag "base"), then
# the series applied with git am, one commit per patch (branch "series").
#
# If build/linux already exists it is brought in sync with patches/,
# unless it holds commits that were never exported (FORCE=1 discards them).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_cmd git tar xz sha256sum
check_base

STAMP=$TREE/.git/ptt-sync

sync_ok() {
	[ -f "$STAMP" ] || return 1
	local head hash
	read -r head hash <"$STAMP"
	[ "$head" = "$(tgit rev-parse HEAD)" ] && [ "$hash" = "$(series_hash)" ]
}

tree_is_clean_since_sync() {
	[ -f "$STAMP" ] || return 1
	local head hash
	read -r head hash <"$STAMP"
	[ "$head" = "$(tgit rev-parse HEAD)" ] &&
		tgit diff --quiet HEAD && tgit diff --quiet --cached HEAD
}

create_base() {
	local tmp
	info "extracting $BASE_TARBALL into $TREE"
	rm -rf "$TREE" "$TREE.tmp"
	mkdir -p "$TREE.tmp"
	tar -C "$TREE.tmp" -xf "$BASE_TARBALL" ||
		die "failed to extract $BASE_TARBALL"
	tmp=$(find "$TREE.tmp" -mindepth 1 -maxdepth 1 -type d)
	[ -f "$tmp/Makefile" ] || die "unexpected layout in $BASE_TARBALL"
	mv "$tmp" "$TREE"
	rmdir "$TREE.tmp"
	info "committing the base (takes about 30 s)"
	git init -q -b series "$TREE"
	# Debian's top-level .gitignore ignores everything ("/*"), hence -f.
	tgit add -A -f >/dev/null
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		tgit commit -q -m "$BASE_SUBJECT"
	tgit tag base
}

apply_series() {
	local p n=0
	tgit checkout -q -B series base
	while read -r p; do
		[ -f "$PATCHES/$p" ] || die "patches/series lists $p, which does not exist"
		if ! tgit am -q --committer-date-is-author-date "$PATCHES/$p"; then
			tgit am --abort >/dev/null 2>&1 || true
			die "patch $p does not apply to $BASE_SUBJECT (fix it in build/linux and run make export)"
		fi
		n=$((n + 1))
	done < <(series_patches)
	info "applied $n patch(es) on top of base"
	printf '%s %s\n' "$(tgit rev-parse HEAD)" "$(series_hash)" >"$STAMP"
}

if [ -d "$TREE/.git" ] && tgit rev-parse -q --verify base >/dev/null; then
	if sync_ok && [ "${FORCE:-0}" != 1 ]; then
		info "build/linux is in sync with patches/"
		exit 0
	fi
	if ! tree_is_clean_since_sync && [ "${FORCE:-0}" != 1 ]; then
		die "build/linux has changes that are not in patches/: run 'make export' to keep them, or 'make tree FORCE=1' to discard them"
	fi
	info "re-applying the series to build/linux"
	tgit reset -q --hard
	apply_series
else
	create_base
	apply_series
fi
