// SPDX-License-Identifier: GPL-2.0

//! RCU-published reference-counted snapshots ([`RcuArc`]) and RTNL-protected
//! cells ([`RtnlCell`]).
//!
//! The bond's slave set is an immutable snapshot: the data path reads the
//! current one under `rcu_read_lock()` (one pointer load), the control path
//! (always under RTNL) builds a new one and publishes it; the old one is
//! released after a grace period (`call_rcu()`), and lives on as long as a
//! control-path reader still holds a counted reference to it.

use crate::bindings;
use crate::safe::atomic::Plain;
use crate::safe::rtnl::Rtnl;
use core::{cell::UnsafeCell, marker::PhantomData, ops::Deref, ptr};
use kernel::sync::atomic::{Full, Relaxed};
use kernel::{prelude::*, sync::rcu, sync::Arc, types::Opaque};

/// Proof that the current context is an RCU read-side critical section for as long as a value of
/// the implementing type lives.
///
/// # Safety
///
/// A value of the implementing type exists only inside an RCU read-side critical section, which
/// lasts at least as long as the value.
pub(crate) unsafe trait ReadSide {}

// SAFETY: `rcu::Guard` holds `rcu_read_lock()` from its creation to its drop.
unsafe impl ReadSide for rcu::Guard {}

/// The RCU read-side critical section a transmit runs in: the core calls `ndo_start_xmit` with
/// bottom halves disabled (`rcu_read_lock_bh()` in `__dev_queue_xmit()`, `local_bh_disable()` in
/// pktgen and `dev_direct_xmit()`) or, for netpoll, with interrupts disabled; since the RCU
/// flavours were consolidated, either is a read-side critical section. C's `bond_start_xmit()`
/// takes `rcu_read_lock()` on top, which costs two calls per packet with `CONFIG_PREEMPT_RCU`;
/// the transmit path uses this proof instead. `ndo_get_xmit_slave`, which makes the transmit
/// path's choice for other kernel code, disables bottom halves itself for the call
/// (`driver.rs`).
///
/// # Invariants
///
/// Created only by [`XmitReadSide::new`], whose caller guarantees the context above; neither
/// `Send` nor `Sync`, so it stays in the call it was made for.
pub(crate) struct XmitReadSide(PhantomData<*mut ()>);

impl XmitReadSide {
    /// # Safety
    ///
    /// The caller runs with bottom halves or interrupts disabled (as `ndo_start_xmit` does) for
    /// as long as the value lives.
    pub(super) unsafe fn new() -> Self {
        Self(PhantomData)
    }
}

// SAFETY: By the type invariant, a value exists only while bottom halves or interrupts are
// disabled, which is an RCU read-side critical section.
unsafe impl ReadSide for XmitReadSide {}

/// `synchronize_net()`: returns once every RCU reader that had started by the call has finished
/// (among them the receive handlers of the bond's slaves). Sleeps: RTNL, held here, proves a
/// context that may.
pub(crate) fn synchronize_net(_rtnl: &Rtnl) {
    // SAFETY: `synchronize_net()` has no precondition on memory; it may sleep, which the
    // caller's context allows (it holds RTNL, a mutex).
    unsafe { bindings::synchronize_net() }
}

/// A value with the `rcu_head` used to release its publisher reference.
#[pin_data]
pub(crate) struct RcuNode<T> {
    head: Opaque<bindings::callback_head>,
    val: T,
}

impl<T> Deref for RcuNode<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.val
    }
}

/// A snapshot that has never been published: the only thing [`RcuArc::replace`] accepts.
///
/// # Invariants
///
/// The `Arc` is the only reference to its node, and the node has never been published: its
/// `head` has never been given to `call_rcu()`. Only [`Unpublished::new`] creates one, and it is
/// neither `Clone` nor convertible back, so a node can be published once at most, and its
/// `head` is used by one `call_rcu()` at most (publishing a node a second time would queue its
/// `head` twice).
pub(crate) struct Unpublished<T>(Arc<RcuNode<T>>);

impl<T: Send + Sync> Unpublished<T> {
    /// A new snapshot, not yet published.
    pub(crate) fn new(val: T) -> Result<Self> {
        Ok(Unpublished(Arc::new(
            RcuNode {
                head: Opaque::uninit(),
                val,
            },
            GFP_KERNEL,
        )?))
    }
}

impl<T> Deref for Unpublished<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0.val
    }
}

/// An RCU-published `Arc<RcuNode<T>>` (or nothing). Writers must hold RTNL.
///
/// # Invariants
///
/// A non-null pointer came from `Arc::into_raw` of an [`Unpublished`] node and owns one
/// reference (the publisher's), released by `call_rcu()` on the node's `head` once the pointer
/// is unpublished; that `call_rcu()` is the only one ever made on that `head`.
///
/// The pointer is a [`Plain`] atomic: `rcu_dereference()` is its in-line `READ_ONCE()`, where
/// the kernel crate's `Atomic::load` would be a C helper call per packet out of tree.
pub(crate) struct RcuArc<T: Send + Sync + 'static>(Plain<*mut RcuNode<T>>);

impl<T: Send + Sync + 'static> RcuArc<T> {
    /// An empty pointer.
    pub(crate) const fn new() -> Self {
        Self(Plain::new(ptr::null_mut()))
    }

    /// `rcu_dereference()`: the current snapshot, valid while `_guard` lives.
    #[inline(always)]
    pub(crate) fn read<'a, G: ReadSide>(&self, _guard: &'a G) -> Option<&'a T> {
        let p = self.0.load(Relaxed);
        // SAFETY: A published pointer is a live `RcuNode<T>`; it is released
        // only by an RCU callback queued after it was unpublished, which cannot
        // run before this read-side critical section (`_guard`) ends.
        unsafe { p.as_ref() }.map(|n| &n.val)
    }

    /// `rcu_assign_pointer()`: publishes `new`; the previous snapshot's
    /// publisher reference is dropped after a grace period.
    pub(crate) fn replace(&self, new: Option<Unpublished<T>>, _rtnl: &Rtnl) {
        let np = new.map_or(ptr::null_mut(), |a| Arc::into_raw(a.0).cast_mut());
        let old = self.0.atomic().xchg(np, Full);
        Self::release(old);
    }

    fn release(old: *mut RcuNode<T>) {
        if old.is_null() {
            return;
        }
        // SAFETY: `old` is a live node whose publisher reference we now own
        // (unpublished above). Its `head` is used by exactly this one
        // `call_rcu()`: a node is published at most once (type invariants).
        unsafe {
            bindings::call_rcu(
                Opaque::cast_into(&raw const (*old).head),
                Some(Self::free_cb),
            )
        };
    }

    /// # Safety
    ///
    /// Called by RCU with the `head` of a node given to `call_rcu()` above.
    unsafe extern "C" fn free_cb(head: *mut bindings::callback_head) {
        // SAFETY: `head` is the field `head` (an `Opaque`, transparent) of an `RcuNode<T>`.
        let node = unsafe {
            kernel::container_of!(
                head.cast::<Opaque<bindings::callback_head>>(),
                RcuNode<T>,
                head
            )
        };
        // SAFETY: The publisher reference handed over to this callback.
        drop(unsafe { Arc::from_raw(node) });
    }
}

impl<T: Send + Sync + 'static> Drop for RcuArc<T> {
    fn drop(&mut self) {
        Self::release(self.0.load(Relaxed));
    }
}

/// A value only accessed with RTNL held.
///
/// # Invariants
///
/// Every access takes `&Rtnl` (the RTNL mutex serialises them), and values are only copied or
/// swapped in and out, never borrowed beyond a call that cannot reach the cell again, so nested
/// calls under the same RTNL section cannot alias.
pub(crate) struct RtnlCell<T>(UnsafeCell<T>);

// SAFETY: Every access takes `&Rtnl`, i.e. happens with the RTNL mutex held,
// so accesses from different threads are serialised.
unsafe impl<T: Send> Sync for RtnlCell<T> {}

impl<T> RtnlCell<T> {
    /// A new cell.
    pub(crate) const fn new(v: T) -> Self {
        Self(UnsafeCell::new(v))
    }

    /// Replaces the value, returning the old one.
    pub(crate) fn replace(&self, _rtnl: &Rtnl, v: T) -> T {
        // SAFETY: RTNL held (serialised); no reference into the cell exists
        // outside this call.
        unsafe { core::mem::replace(&mut *self.0.get(), v) }
    }

    /// Sets the value.
    pub(crate) fn set(&self, rtnl: &Rtnl, v: T) {
        drop(self.replace(rtnl, v));
    }
}

impl<T: Copy> RtnlCell<T> {
    /// A copy of the value.
    pub(crate) fn get(&self, _rtnl: &Rtnl) -> T {
        // SAFETY: As in `replace`.
        unsafe { *self.0.get() }
    }
}

impl<U> RtnlCell<Option<Arc<U>>> {
    /// A counted reference to the value.
    pub(crate) fn get_arc(&self, _rtnl: &Rtnl) -> Option<Arc<U>> {
        // SAFETY: RTNL held (serialised); the shared reference lives only for `Arc::clone`,
        // which cannot reach this cell.
        unsafe { (*self.0.get()).clone() }
    }
}

/// A list only accessed with RTNL held, by value: elements are cloned out, never borrowed, so
/// that the list may change (under the same RTNL section) while a caller walks it.
/// Appending may allocate (and fail); removing never allocates, so it cannot fail.
pub(crate) struct RtnlVec<T: RtnlElem>(RtnlCell<KVec<T>>);

/// What an [`RtnlVec`] holds: values whose `clone` cannot reach the list (it runs while the
/// list is borrowed).
pub(crate) trait RtnlElem: Sized {
    /// Another reference to the same value.
    fn clone_ref(&self) -> Self;
    /// Whether `self` and `other` are the same value (identity).
    fn same(&self, other: &Self) -> bool;
}

impl<U> RtnlElem for Arc<U> {
    fn clone_ref(&self) -> Self {
        Arc::clone(self)
    }

    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(self, other)
    }
}

impl<T: RtnlElem> RtnlVec<T> {
    /// An empty list.
    pub(crate) const fn new() -> Self {
        Self(RtnlCell::new(KVec::new()))
    }

    /// Runs `f` on the vector. Private: each use is a short closure that does not reach the
    /// list again.
    fn with<R>(&self, _rtnl: &Rtnl, f: impl FnOnce(&mut KVec<T>) -> R) -> R {
        // SAFETY: RTNL held (serialised); the closures given here (below) do not reach this
        // cell, so the exclusive borrow is unique for its duration.
        f(unsafe { &mut *self.0 .0.get() })
    }

    /// The number of elements.
    pub(crate) fn len(&self, rtnl: &Rtnl) -> usize {
        self.with(rtnl, |v| v.len())
    }

    /// Element `i`, if any.
    pub(crate) fn get(&self, i: usize, rtnl: &Rtnl) -> Option<T> {
        self.with(rtnl, |v| v.get(i).map(T::clone_ref))
    }

    /// Appends `x`.
    pub(crate) fn push(&self, x: T, rtnl: &Rtnl) -> Result {
        self.with(rtnl, |v| v.push(x, GFP_KERNEL))?;
        Ok(())
    }

    /// Removes the first element for which `is(element)` holds; returns it.
    pub(crate) fn remove_first(&self, rtnl: &Rtnl, is: impl Fn(&T) -> bool) -> Option<T> {
        // `is` is the caller's: take the vector out while it runs, so that `is` cannot observe
        // a borrowed list (it sees an empty one if it looks).
        let mut v = self.0.replace(rtnl, KVec::new());
        let pos = v.iter().position(&is);
        let r = pos.and_then(|i| v.remove(i).ok());
        drop(self.0.replace(rtnl, v));
        r
    }

    /// The elements in order, each cloned out when reached. The walk follows changes made
    /// meanwhile (under the same RTNL section): it resumes after the element it returned last,
    /// wherever that element now is, or at its old place if it was removed (so removing the
    /// element just returned, as releasing every slave in turn does, skips nothing).
    pub(crate) fn iter<'a>(&'a self, rtnl: &'a Rtnl) -> impl Iterator<Item = T> + 'a {
        let mut next: usize = 0;
        let mut last: Option<T> = None;
        core::iter::from_fn(move || {
            if let Some(l) = last.take() {
                next = self.with(rtnl, |v| match v.iter().position(|x| x.same(&l)) {
                    Some(j) => j + 1,
                    // Removed: its successor now sits where it was.
                    None => next.saturating_sub(1),
                });
            }
            let x = self.get(next, rtnl)?;
            next += 1;
            last = Some(x.clone_ref());
            Some(x)
        })
    }
}
