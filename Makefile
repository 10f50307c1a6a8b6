# SPDX-License-Identifier: GPL-2.0-only
#
# xenib: paravirtual RDMA for Xen guests.  See README.md.
#
#   make                 modules (trixie 6.12), userlib provider, xenib tool,
#                        the lab's test programs
#   make KVER=6.1        modules against bookworm's 6.1 headers (on the host)
#   make check           all builds, unit tests, fuzzers, gates, lab smoke
#   make test            unit tests only (fast)
#   make fuzz            bounded libFuzzer runs (FUZZ_SECONDS each)
#   make fuzz-long       the same for hours (FUZZ_SECONDS default 3600 per
#                        target, corpus kept in build/fuzz-long; not in check)
#   make gates           checkpatch --strict, sparse, kernel-doc, W=1
#   make lab-*           the Xen-in-QEMU lab (see tests/lab/README.md)
#   make demo            the main job in the lab
#   make bench           guest vs native benchmarks (not part of check)
#   make bench-mpi       MPI (NetPIPE, HPC Challenge) guest vs native
#   make soak            the attacks, then 100 xl destroy cycles under load
#   make deps            host packages and the trixie build root only
#   make clean           remove build/ (the cache in XENIB_CACHE stays)
#
# Everything slow is cached under XENIB_CACHE (default /var/cache/xenib),
# never in the tree.  Every Debian package is installed by the build itself.

XENIB_CACHE ?= /var/cache/xenib
KVER ?= 6.12
FUZZ_SECONDS ?= 30
export XENIB_CACHE
MAKEFLAGS += --no-print-directory

TOP := $(CURDIR)
O := $(TOP)/build
BR = $(shell mk/buildroot.sh)
IN_BR = mk/chroot-run.sh $(BR)

.PHONY: all deps host-deps buildroot modules modules-6.12 modules-6.1 \
	userlib rdma-core tools progs test unit fuzz fuzz-long gates check bench bench-mpi soak demo \
	lab lab-images lab-up lab-down lab-shell lab-smoke clean help

all: modules userlib tools progs

help:
	@sed -n '3,22p' Makefile | sed 's/^# \{0,1\}//'

host-deps:
	@grep -v '^#' mk/host-deps.txt | xargs mk/apt-ensure.sh

buildroot: host-deps
	@mk/buildroot.sh >/dev/null

deps: host-deps buildroot

modules: modules-$(KVER)

modules-6.12: host-deps
	mk/kmod.sh 6.12

modules-6.1: host-deps
	mk/kmod.sh 6.1

# rdma-core 56.1's provider-private headers, fetched, verified, configured.
rdma-core: buildroot
	@mk/rdma-core.sh >/dev/null

userlib: rdma-core
	$(IN_BR) make -C userlib O=$(O)/userlib RDMA_CORE=$$(mk/rdma-core.sh)

tools: buildroot
	$(IN_BR) make -C tools O=$(O)/tools

# The lab's test programs (run in guests on xenib0 and in Dom0 on rxe0).
progs: buildroot
	$(IN_BR) make -C tests/progs O=$(O)/progs

# Fast user-space unit tests of kernel/common and userlib's queue code.
test unit: host-deps
	$(MAKE) -C tests/unit O=$(O)/unit run

fuzz: host-deps
	$(MAKE) -C tests/fuzz O=$(O)/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) run

# Hours, not seconds: FUZZ_SECONDS (default 3600) per target, FUZZ_JOBS at
# a time; the corpus grows from run to run.  FUZZ_TARGETS picks targets.
fuzz-long: host-deps
	$(MAKE) -C tests/fuzz O=$(O)/fuzz-long \
		FUZZ_SECONDS=$(if $(filter command line environment,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),3600) run

GATES := modules-6.12-W1-sparse modules-6.1-W1-sparse checkpatch-strict kernel-doc
gates: host-deps
	CHECK_ONLY="$(GATES)" mk/check.sh

check: host-deps
	mk/check.sh

bench: host-deps all
	tests/bench/run.sh

bench-mpi: host-deps all
	tests/bench/mpi.sh

soak: host-deps all
	tests/lab/soak.sh

# The main job: build what is needed, boot the lab, show it working.
demo: host-deps all
	tests/lab/demo.sh

lab lab-images:
	tests/lab/lab.sh images
lab-up: host-deps all
	tests/lab/lab.sh up
lab-down:
	tests/lab/lab.sh down
lab-shell:
	tests/lab/lab.sh shell $(or $(DOM),dom0)
lab-smoke: host-deps all
	tests/lab/smoke.sh

clean:
	rm -rf $(O)
