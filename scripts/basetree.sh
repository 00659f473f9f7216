#!/usr/bin/env bash
# Check out the unpatched base (tag "base" of build/linux) as a git
# worktree in build/linux-base, for 'make baseline'.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_cmd git
tgit rev-parse -q --verify base >/dev/null 2>&1 ||
	die "build/linux has no 'base' tag: run 'make tree' first"
if [ -f "$BASETREE/Makefile" ] &&
	[ "$(git -C "$BASETREE" rev-parse HEAD)" = "$(tgit rev-parse base)" ]; then
	exit 0
fi
rm -rf "$BASETREE"
tgit worktree prune
info "checking out the unpatched base into build/linux-base"
tgit worktree add -q --detach "$BASETREE" base ||
	die "git worktree add $BASETREE failed"
