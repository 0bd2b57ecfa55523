# bonding-rs: the Rust bonding driver as an out-of-tree module.
#
#   make                 build bonding.ko (against KDIR, default: the cached debug guest kernel)
#   make check           host tests + guest tests (what CI runs)
#   make demo            boot the guest, load our bonding.ko, create bond0 and show it
#   make check-full      make check plus the slow upstream kselftests and the C reference run
#   make KDIR=/path/to/linux/build   build against your own Rust-enabled kernel tree

LLVM ?= -19
SHELL := /bin/bash

# The kernel to build against; building it (once, cached) if none was given.
KDIR_CMD = $(if $(KDIR),$(KDIR),$$($(CURDIR)/scripts/kernel-build.sh --debug))

.PHONY: all module setup host-test check check-full demo reference clean

all: module

# With KDIR given, only build: installing the test bed's packages is not the module's business.
module: $(if $(KDIR),,setup)
	@kdir=$(KDIR_CMD) && $(MAKE) -C "$$kdir" M=$(CURDIR) LLVM=$(LLVM) modules

setup:
	@$(CURDIR)/scripts/setup-host.sh

host-test: setup
	@$(CURDIR)/tests/host/run.sh

check:
	@$(CURDIR)/scripts/check

check-full:
	@$(CURDIR)/scripts/check --full

reference:
	@$(CURDIR)/scripts/check --reference-only

demo:
	@$(CURDIR)/scripts/demo

clean:
	@kdir=$(if $(KDIR),$(KDIR),$$($(CURDIR)/scripts/kernel-build.sh --debug --path-only 2>/dev/null)); \
	if [ -d "$$kdir" ]; then $(MAKE) -C "$$kdir" M=$(CURDIR) LLVM=$(LLVM) clean; fi
	@cargo clean 2>/dev/null || true
