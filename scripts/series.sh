#!/usr/bin/env bash
# 'make series': write the series for posting to build/series/, with a cover
# letter made from cover-letter.txt and the latest numbers in bench/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need_cmd git python3
[ -d "$TREE/.git" ] || die "build/linux does not exist: run 'make tree' first"
[ -f "$TOP/bench/results.env" ] || die "bench/results.env is missing: run 'make bench'"
[ -f "$TOP/bench/wall.env" ] || die "bench/wall.env is missing: run 'make bench-wall'"
out=$BUILD/series
rm -rf "$out"
mkdir -p "$out"

# The cover letter is from the author of the series.
author=$(tgit log -1 --format=%an HEAD) email=$(tgit log -1 --format=%ae HEAD)
tgit -c user.name="$author" -c user.email="$email" format-patch -q \
	--cover-letter --base=base --subject-prefix="RFC PATCH" \
	--zero-commit --no-signature -o "$out" base..HEAD ||
	die "git format-patch failed"

cover=$(find "$out" -name '0000-cover-letter.patch')
[ -n "$cover" ] || die "git format-patch wrote no cover letter"

# Fill the cover letter: subject and blurb from cover-letter.txt, with
# ${NAME} replaced by the values in bench/results.env, bench/wall.env and
# those below.
# The stock tests that must pass or skip in svm-tdp and in vmx-tdp.
stock_count() {
	awk -v col="$1" '!/^[[:space:]]*(#|$)/ && $col != "-"' "$TOP/tests/stock.list" | wc -l
}
# Lines the series adds under the given paths (pathspecs).
added() {
	tgit diff --numstat base..HEAD -- "$@" | awk '{ n += $1 } END { print n + 0 }'
}
consumer='arch/x86/kvm/page_track_test*'
NR_PATCHES=$(series_patches | wc -l) BASE_SUBJECT=$BASE_SUBJECT \
	SVM_STOCK_COUNT=$(stock_count 1) VMX_STOCK_COUNT=$(stock_count 4) \
	KVM_LINES=$(added arch/x86/kvm arch/x86/include ":!$consumer") \
	X86C_LINES=$(added arch/x86/kvm/x86.c) CONSUMER_LINES=$(added "$consumer") \
	SELFTEST_LINES=$(added tools/testing/selftests/kvm) \
	SELFTEST_PROGS=$(tgit diff --name-only --diff-filter=A base..HEAD -- \
		'tools/testing/selftests/kvm/x86_64/*.c' | wc -l) \
	DOC_LINES=$(added Documentation) \
	python3 - "$cover" "$TOP/cover-letter.txt" "$TOP/bench/results.env" \
		"$TOP/bench/wall.env" <<'PY' ||
import os, shlex, string, sys
cover, template = sys.argv[1:3]
values = dict(os.environ)
for results in sys.argv[3:]:
    for line in open(results):
        line = line.strip()
        if line and not line.startswith('#'):
            k, v = line.split('=', 1)
            values[k] = ' '.join(shlex.split(v))
text = string.Template(open(template).read()).substitute(values)
subject, _, blurb = text.partition('\n')
assert subject.startswith('Subject: '), 'cover-letter.txt must start with "Subject: "'
c = open(cover).read()
c = c.replace('*** SUBJECT HERE ***', subject[len('Subject: '):])
c = c.replace('*** BLURB HERE ***', blurb.strip('\n'))
open(cover, 'w').write(c)
PY
	die "filling the cover letter failed"

grep -q '\*\*\*' "$cover" && die "the cover letter still has placeholders"
info "wrote $(find "$out" -name '*.patch' | wc -l) files to build/series/"
head -n 12 "$cover"
