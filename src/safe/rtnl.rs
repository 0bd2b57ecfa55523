// SPDX-License-Identifier: GPL-2.0

//! The RTNL lock as a token type.
//!
//! Functions that need the RTNL mutex held take `&Rtnl`. A token can only be
//! obtained by locking ([`Rtnl::lock`], the guard derefs to the token) or, in
//! callbacks the kernel documents as called under RTNL, via
//! [`Rtnl::assume_held`].

use crate::bindings;
use core::{marker::PhantomData, ops::Deref};

/// Proof that the RTNL mutex is held for the lifetime of the reference.
///
/// Not `Send`/`Sync`: the proof is only valid on the thread holding the lock.
///
/// # Invariants
///
/// A `&Rtnl` exists only while the current thread holds the RTNL mutex: made by
/// [`Rtnl::lock`], [`Rtnl::try_lock`] (through an [`RtnlGuard`]) or by [`Rtnl::assume_held`],
/// whose callers guarantee it.
pub(crate) struct Rtnl(PhantomData<*mut ()>);

impl Rtnl {
    /// Takes the RTNL mutex (`rtnl_lock()`); it is released when the guard drops.
    pub(crate) fn lock() -> RtnlGuard {
        // SAFETY: `rtnl_lock()` has no preconditions beyond process context,
        // which is the context every caller of this function runs in (module
        // init/exit, sysfs store/show).
        unsafe { bindings::rtnl_lock() };
        RtnlGuard(Rtnl(PhantomData))
    }

    /// `rtnl_trylock()`: the guard if the mutex was free.
    pub(crate) fn try_lock() -> Option<RtnlGuard> {
        // SAFETY: No preconditions beyond process context (work items).
        (unsafe { bindings::rtnl_trylock() } != 0).then(|| RtnlGuard(Rtnl(PhantomData)))
    }

    /// Returns a token for code that runs with RTNL already held.
    ///
    /// # Safety
    ///
    /// The caller must hold the RTNL mutex for all of `'a`.
    pub(crate) unsafe fn assume_held<'a>() -> &'a Rtnl {
        &Rtnl(PhantomData)
    }
}

/// Holds the RTNL mutex; unlocks (and runs the netdev todo list, which frees
/// unregistered devices) on drop.
///
/// # Invariants
///
/// Created only after taking the RTNL mutex, which it releases exactly once (on drop).
pub(crate) struct RtnlGuard(Rtnl);

impl Deref for RtnlGuard {
    type Target = Rtnl;

    fn deref(&self) -> &Rtnl {
        &self.0
    }
}

impl Drop for RtnlGuard {
    fn drop(&mut self) {
        // SAFETY: By the type invariant, this guard was created by `Rtnl::lock()`
        // and the lock is still held by this thread.
        unsafe { bindings::rtnl_unlock() };
    }
}
