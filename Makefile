# Page-tracking series for the KVM x86 MMU: build, test and export tooling.
# See README.md for the targets and the workflow.

SHELL := /bin/bash
S := scripts
LISTS := tests/stock.list tests/series.list

.PHONY: all deps tree export kernel selftests test test-vmx-stock baseline \
	run test-debug check check-fast series bench bench-wall clean help

all: test

help:
	@sed -n 's/^## //p' README.md

deps:
	$(S)/deps.sh

tree: deps
	$(S)/tree.sh

export:
	$(S)/export.sh

kernel: tree
	$(S)/kernel.sh test

selftests: tree
	$(S)/selftests.sh test

# On Bochs, only the stock tests of tests/vmx-subset.list run: the whole
# stock list takes hours there, see test-vmx-stock.
test: check-fast kernel selftests
	VMX_SUBSET=tests/vmx-subset.list $(S)/test.sh test $(LISTS)

# The whole stock list in the Bochs (Intel VMX) flavours.
test-vmx-stock: kernel selftests
	FLAVOURS="vmx-tdp vmx-legacy vmx-shadow vmx-noxo" $(S)/test.sh test tests/stock.list

# The series' tests, and a longer stress run, on a KASAN + lockdep +
# KVM_PROVE_MMU kernel; pass DEBUG_LISTS="$(LISTS)" to run the stock tests
# there too (about 3x slower).  QEMU runs its vCPUs in one host thread here:
# with one thread each, QEMU 7.2's emulated SVM with nested paging makes the
# long stress run's L2 triple fault or hang within a minute (see README).
DEBUG_LISTS ?= tests/series.list tests/debug.list

test-debug: tree
	$(S)/kernel.sh debug
	$(S)/selftests.sh test
	VMX_SUBSET=tests/vmx-subset.list TIMEOUT=900 PTT_TCG_THREAD=single \
		$(S)/test.sh debug $(DEBUG_LISTS)

baseline: tree
	$(S)/basetree.sh
	$(S)/kernel.sh base
	$(S)/selftests.sh base
	VMX_SUBSET=tests/vmx-subset.list $(S)/test.sh base tests/stock.list

run: kernel selftests
	$(S)/demo.sh

check-fast: tree
	$(S)/check.sh fast

check: tree
	$(S)/deps.sh sparse python3-sphinx python3-sphinx-rtd-theme
	$(S)/check.sh full

bench: tree
	$(S)/deps.sh gnuplot-nox
	$(S)/basetree.sh
	$(S)/kernel.sh bench
	$(S)/kernel.sh base-bench
	$(S)/selftests.sh test
	$(S)/bench.sh

# The wall time of demand_paging_test over more boots of the kernels of
# make bench, to see its spread from boot to boot.
bench-wall:
	$(S)/bench-wall.sh

series: tree
	$(S)/series.sh

clean:
	rm -rf build/obj build/selftests build/headers build/test build/bench build/series
