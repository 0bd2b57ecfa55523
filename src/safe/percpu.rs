// SPDX-License-Identifier: GPL-2.0

//! A per-CPU `u32` counter (C `alloc_percpu(u32)` and `this_cpu_inc_return()`), for the
//! round-robin transmit counter: each CPU counts its own packets, so transmitting from several
//! CPUs at once shares no cache line and takes no locked instruction.

use crate::bindings;
use crate::safe::atomic::Plain;
use crate::safe::rtnl::Rtnl;
use core::ptr;
use kernel::prelude::*;
use kernel::sync::atomic::{Relaxed, Release};

/// A `u32` per CPU, allocated on first use (C allocates `rr_tx_counter` in `bond_open()`).
///
/// # Invariants
///
/// The pointer is null or a per-CPU allocation of a `u32` (`alloc_percpu(u32)`) owned by this
/// value and freed by its `Drop`; it changes only from null to an allocation.
pub(crate) struct PerCpuCounter(Plain<*mut u32>);

impl PerCpuCounter {
    /// No counter yet (holds no resource).
    pub(crate) const fn new() -> Self {
        Self(Plain::new(ptr::null_mut()))
    }

    /// Allocates the counter if it is not there yet (RTNL serialises the allocation).
    pub(crate) fn ensure(&self, _rtnl: &Rtnl) -> Result {
        if !self.0.load(Relaxed).is_null() {
            return Ok(());
        }
        // SAFETY: Plain allocation (GFP_KERNEL, RTNL context may sleep).
        let p = unsafe { bindings::bondrs_alloc_percpu_u32() };
        if p.is_null() {
            return Err(ENOMEM);
        }
        // INVARIANT: Null before (checked above, RTNL held by every writer), an allocation now.
        // Release: a reader that sees the pointer sees the zeroed allocation.
        self.0.atomic().store(p, Release);
        Ok(())
    }

    /// `this_cpu_inc_return()`: this CPU's counter, incremented; 0 before [`Self::ensure`].
    #[inline(always)]
    pub(crate) fn inc_return(&self) -> u32 {
        let p = self.0.load(Relaxed);
        if p.is_null() {
            return 0;
        }
        inc_return(p)
    }
}

/// x86_64: C's own instruction, `xadd` on the CPU's copy through the `%gs` per-CPU base; one
/// instruction, so neither preemption nor an interrupt can split it.
#[cfg(all(CONFIG_X86_64, CONFIG_SMP, not(CONFIG_UML)))]
#[inline(always)]
fn inc_return(p: *mut u32) -> u32 {
    let mut v: u32 = 1;
    // SAFETY: `p` is a per-CPU `u32` allocation (caller, from the type invariant): `%gs:p` is
    // this CPU's copy, as C's `this_cpu_inc_return()` addresses it. `xadd` reads and writes
    // only that `u32`.
    unsafe {
        core::arch::asm!(
            "xadd dword ptr gs:[{p}], {v:e}",
            p = in(reg) p,
            v = inout(reg) v,
            options(nostack),
        );
    }
    v.wrapping_add(1)
}

/// Elsewhere (User-mode Linux, other architectures): C's `this_cpu_inc_return()`.
#[cfg(not(all(CONFIG_X86_64, CONFIG_SMP, not(CONFIG_UML))))]
#[inline(always)]
fn inc_return(p: *mut u32) -> u32 {
    // SAFETY: `p` is a per-CPU `u32` allocation (caller, from the type invariant).
    unsafe { bindings::bondrs_this_cpu_inc_return_u32(p) }
}

impl Drop for PerCpuCounter {
    fn drop(&mut self) {
        let p = self.0.load(Relaxed);
        if !p.is_null() {
            // SAFETY: Our allocation (type invariant); nothing can use it any more (`&mut self`).
            unsafe { bindings::free_percpu(p.cast()) };
        }
    }
}
