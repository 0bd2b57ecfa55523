# bonding-rs: the Rust bonding driver as an out-of-tree module.
#
#   make                 build bonding.ko (against KDIR, default: the cached debug guest kernel)
#   make check           host tests + guest tests (what CI runs)
#   make demo            boot the guest, load our bonding.ko, create bond0 and show it
#   make check-full      make check plus the slow upstream kselftests and the C reference run
#   make bench           ours vs the C driver side by side (QEMU TCG + UML): docs/benchmarks.md
#   make fuzz SEED=N STEPS=N  the differential configuration fuzz, long: docs/reliability.md
#   make soak            the churn under traffic for 10 min on the debug guest (SEED=, SECONDS=, MODULE=c)
#   make deb             the Debian package bonding-rs-dkms (dist/): docs/operators.md
#   make dkms-check      that package installed with dkms on the x86_64 kernel, booted, removed
#                        (KERNEL=debian: on Debian's stock kernel, with the scenarios run on it)
#   make check-distro    build for Debian's stock 7.3 kernel and run tests on it (QEMU TCG):
#                        docs/distro-kernels.md
#   make KDIR=/path/to/linux/build   build against your own Rust-enabled kernel tree

LLVM ?= -19
SHELL := /bin/bash

# The kernel to build against; building it (once, cached) if none was given: the debug
# User-mode Linux kernel that make check runs the guest tests on.
KDIR_CMD = $(if $(KDIR),$(KDIR),$$($(CURDIR)/scripts/kernel-build.sh --uml --debug))
# A User-mode Linux tree needs ARCH=um for its external modules too; read it off the tree's config.
ARCH_OF = $$(grep -qx CONFIG_UML=y "$$kdir/.config" 2>/dev/null && echo ARCH=um)
# LLVM=$(LLVM) only for a tree built with clang (ours); a distribution kernel built with GCC
# (Debian's) builds its modules' C with its own compiler (docs/distro-kernels.md).
LLVM_OF = $$(grep -qx CONFIG_CC_IS_CLANG=y "$$kdir/.config" 2>/dev/null && echo LLVM=$(LLVM))

# DKMS appends CC=clang (and LD=ld.lld) to the make command of a module for a clang-built
# kernel; with LLVM=-19 (versioned tools, as the kernel was built) those are clang-19/ld.lld-19.
LLVM_TOOLS = $(if $(filter -%,$(LLVM)),$(if $(filter clang,$(CC)),CC=clang$(LLVM)) $(if $(filter ld.lld,$(LD)),LD=ld.lld$(LLVM)))

.PHONY: all module setup host-test check check-full check-distro demo reference bench fuzz soak deb dkms-check clean

all: module

# With KDIR given, only build: installing the test bed's packages is not the module's business.
# .bonding.ko.kdir names the tree bonding.ko was last built against (scripts/guest checks it).
module: $(if $(KDIR),,setup)
	@kdir=$(KDIR_CMD) && rm -f $(CURDIR)/.bonding.ko.kdir && \
	$(MAKE) -C "$$kdir" M=$(CURDIR) $(LLVM_OF) $(LLVM_TOOLS) $(ARCH_OF) modules && \
	echo "$$kdir" > $(CURDIR)/.bonding.ko.kdir

setup:
	@$(CURDIR)/scripts/setup-host.sh

host-test: setup
	@$(CURDIR)/tests/host/run.sh

check:
	@$(CURDIR)/scripts/check

check-full:
	@$(CURDIR)/scripts/check --full

# Debian's own kernel package: bonding.ko rebuilt for it and tested on it (not part of check).
# DISTRO_ARGS: options and tests of scripts/check-distro, e.g. DISTRO_ARGS=--module=c
check-distro:
	@$(CURDIR)/scripts/check-distro $(DISTRO_ARGS)

reference:
	@$(CURDIR)/scripts/check --reference-only

demo:
	@$(CURDIR)/scripts/demo

# BENCH_ARGS: options of scripts/bench, e.g. BENCH_ARGS=--quick or BENCH_ARGS="--uml --only=tx".
bench:
	@$(CURDIR)/scripts/bench $(BENCH_ARGS)

# The differential configuration fuzz, longer than make check's (tests/guest/fuzz.sh):
# make fuzz SEED=23 STEPS=20000 (docs/reliability.md).
SEED ?= 23
STEPS ?= 20000
fuzz:
	@$(CURDIR)/scripts/fuzz $(SEED) $(STEPS)
# The churn under traffic for SECONDS (default 600) on the debug guest: scripts/soak (docs/reliability.md).
# SECONDS is bash's clock inside a recipe: it is handed over as SOAK_SECONDS.
soak:
	@SOAK_SECONDS=$(or $(SECONDS),600) $(CURDIR)/scripts/soak

# DEB_OUT: where the .deb goes (default dist/).
deb:
	@$(CURDIR)/scripts/make-deb

# KERNEL=debian: the same on Debian's stock kernel (scripts/distro-kernel.sh), then the traffic,
# failover and differential scenarios on the DKMS-installed module (DKMS_TESTS=...; QEMU TCG).
dkms-check:
	@$(CURDIR)/scripts/dkms-check $(if $(KERNEL),--kernel=$(KERNEL))

clean:
	@kdir=$(if $(KDIR),$(KDIR),$$($(CURDIR)/scripts/kernel-build.sh --uml --debug --path-only 2>/dev/null)); \
	if [ -d "$$kdir" ]; then $(MAKE) -C "$$kdir" M=$(CURDIR) $(LLVM_OF) $(ARCH_OF) clean; fi; \
	rm -f $(CURDIR)/.bonding.ko.kdir
	@cargo clean 2>/dev/null || true
