// SPDX-License-Identifier: GPL-2.0

//! netpoll on lower devices (C `slave_enable_netpoll()`,
//! `slave_disable_netpoll()`, `bond_netpoll_send_skb()`): lets netconsole
//! run over a bond.

use crate::bindings;
use crate::safe::netdev::{NetDevice, SkBuff};
use crate::safe::rtnl::Rtnl;
use kernel::prelude::*;
use kernel::sync::atomic::{Acquire, Atomic, Full, Relaxed};

/// A lower device's `struct netpoll`, published for the transmit path.
///
/// # Invariants
///
/// a non-null pointer is a `netpoll` set up by
/// `__netpoll_setup()`, freed by `__netpoll_free()` (which waits for an RCU
/// grace period) only after being unpublished.
pub(crate) struct LowerNetpoll(Atomic<*mut bindings::netpoll>);

impl LowerNetpoll {
    /// None yet.
    pub(crate) const fn new() -> Self {
        Self(Atomic::new(core::ptr::null_mut()))
    }

    /// C `slave_enable_netpoll()`.
    pub(crate) fn enable(&self, dev: &NetDevice, _rtnl: &Rtnl) -> Result {
        // SAFETY: All-zero is the state `__netpoll_setup()` expects (C kzalloc).
        let np = KBox::into_raw(KBox::new(
            unsafe { core::mem::zeroed::<bindings::netpoll>() },
            GFP_KERNEL,
        )?);
        // SAFETY: RTNL held; `np` is a zeroed netpoll we own; `dev` is alive.
        let err = unsafe { bindings::__netpoll_setup(np, dev.as_ptr()) };
        if err != 0 {
            // SAFETY: Not set up: plain free of our allocation.
            drop(unsafe { KBox::from_raw(np) });
            return Err(Error::from_errno(err));
        }
        let old = self.0.xchg(np, Full);
        Self::free(old);
        Ok(())
    }

    /// C `slave_disable_netpoll()`.
    pub(crate) fn disable(&self, _rtnl: &Rtnl) {
        Self::free(self.0.xchg(core::ptr::null_mut(), Full));
    }

    fn free(np: *mut bindings::netpoll) {
        if !np.is_null() {
            // SAFETY: Set up by `enable` and now unpublished; `__netpoll_free()`
            // waits for transmitters (RCU) before freeing. RTNL is held by
            // the callers of `enable`/`disable`.
            unsafe { bindings::__netpoll_free(np) };
        }
    }

    /// C `bond_netpoll_send_skb()`; `Err(skb)` if netpoll is not enabled.
    pub(crate) fn send(&self, skb: SkBuff) -> Result<c_int, SkBuff> {
        let np = self.0.load(Acquire);
        if np.is_null() {
            return Err(skb);
        }
        let p = skb.0.as_ptr();
        core::mem::forget(skb);
        // SAFETY: `np` is published (alive for the caller's RCU section); the
        // skb is ours and consumed.
        Ok(unsafe { bindings::netpoll_send_skb(np, p) } as c_int)
    }
}

impl Drop for LowerNetpoll {
    fn drop(&mut self) {
        Self::free(*self.0.get_mut());
    }
}

impl NetDevice {
    /// `dev->npinfo` is set (netpoll is in use on the device).
    pub(crate) fn has_npinfo(&self) -> bool {
        // SAFETY: Plain pointer read (C reads it the same way under RTNL).
        unsafe { !(*self.as_ptr()).npinfo.is_null() }
    }

    /// `netpoll_poll_dev()`.
    pub(crate) fn netpoll_poll(&self) {
        // SAFETY: Valid device; called from `ndo_poll_controller`.
        unsafe { bindings::netpoll_poll_dev(self.as_ptr()) }
    }
}

/// C `netpoll_block_tx`, a static key in C: how many failovers of any bond are running.
static TX_BLOCK: Atomic<i32> = Atomic::new(0);

/// C `block_netpoll_tx()` .. `unblock_netpoll_tx()`: while one lives, netpoll's transmits
/// through every bond are refused with `NETDEV_TX_BUSY` (netpoll queues them and sends them
/// later from its work), so that a message printed by a failover (netconsole over the bond) does
/// not transmit through the bond while its slaves are being changed on the same CPU.
pub(crate) struct NetpollTxBlock(());

impl NetpollTxBlock {
    /// C `block_netpoll_tx()`.
    pub(crate) fn new() -> Self {
        TX_BLOCK.fetch_add(1, Relaxed);
        Self(())
    }
}

impl Drop for NetpollTxBlock {
    /// C `unblock_netpoll_tx()`.
    fn drop(&mut self) {
        TX_BLOCK.fetch_sub(1, Relaxed);
    }
}

/// C `is_netpoll_tx_blocked()`: netpoll transmits while a failover is running. The failover
/// that matters is the one on this CPU, whose own count the load sees.
#[inline(always)]
pub(crate) fn netpoll_tx_blocked() -> bool {
    TX_BLOCK.load(Relaxed) != 0 && netpoll_tx_running()
}

/// C `netpoll_tx_running()`: netpoll transmits with interrupts disabled.
#[inline(always)]
pub(crate) fn netpoll_tx_running() -> bool {
    irqs_disabled()
}

/// `irqs_disabled()` on x86_64 without paravirtualised interrupt flags: C's `pushf; pop`, in line.
#[cfg(all(CONFIG_X86_64, not(CONFIG_UML), not(CONFIG_PARAVIRT_XXL)))]
#[inline(always)]
fn irqs_disabled() -> bool {
    /// `X86_EFLAGS_IF`.
    const IF: u64 = 1 << 9;
    let flags: u64;
    // SAFETY: Reads the flags register through the stack; touches no other memory.
    unsafe {
        core::arch::asm!("pushfq", "pop {}", out(reg) flags, options(nomem, preserves_flags));
    }
    flags & IF == 0
}

/// `irqs_disabled()` elsewhere (User-mode Linux, paravirtualised x86, other architectures).
#[cfg(not(all(CONFIG_X86_64, not(CONFIG_UML), not(CONFIG_PARAVIRT_XXL))))]
#[inline(always)]
fn irqs_disabled() -> bool {
    // SAFETY: Reads the CPU's interrupt flag.
    unsafe { bindings::bondrs_irqs_disabled() }
}
