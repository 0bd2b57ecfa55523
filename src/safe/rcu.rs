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
use crate::safe::rtnl::Rtnl;
use core::{
    cell::UnsafeCell,
    ops::Deref,
    ptr,
    sync::atomic::{AtomicPtr, Ordering},
};
use kernel::{prelude::*, sync::rcu, sync::Arc, types::Opaque};

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

impl<T: Send + Sync> RcuNode<T> {
    /// A new snapshot, not yet published.
    pub(crate) fn new(val: T) -> Result<Arc<RcuNode<T>>> {
        Ok(Arc::new(
            RcuNode {
                head: Opaque::uninit(),
                val,
            },
            GFP_KERNEL,
        )?)
    }
}

/// An RCU-published `Arc<RcuNode<T>>` (or nothing). Writers must hold RTNL.
///
/// Invariant: a non-null pointer came from `Arc::into_raw` and owns one
/// reference, released by `call_rcu()` once the pointer is unpublished.
pub(crate) struct RcuArc<T: Send + Sync + 'static>(AtomicPtr<RcuNode<T>>);

impl<T: Send + Sync + 'static> RcuArc<T> {
    /// An empty pointer.
    pub(crate) const fn new() -> Self {
        Self(AtomicPtr::new(ptr::null_mut()))
    }

    /// `rcu_dereference()`: the current snapshot, valid while `_guard` lives.
    pub(crate) fn read<'a>(&self, _guard: &'a rcu::Guard) -> Option<&'a T> {
        let p = self.0.load(Ordering::Acquire);
        // SAFETY: A published pointer is a live `RcuNode<T>`; it is released
        // only by an RCU callback queued after it was unpublished, which cannot
        // run before this read-side critical section (`_guard`) ends.
        unsafe { p.as_ref() }.map(|n| &n.val)
    }

    /// The current snapshot, as a counted reference (control path).
    pub(crate) fn get(&self, _rtnl: &Rtnl) -> Option<Arc<RcuNode<T>>> {
        let p = self.0.load(Ordering::Acquire);
        if p.is_null() {
            return None;
        }
        // SAFETY: `p` owns a reference (type invariant) that only a writer
        // (RTNL, held by us) can give up: the node is alive. We create a
        // second `Arc` from it, clone it, and forget the original again.
        let owned = core::mem::ManuallyDrop::new(unsafe { Arc::from_raw(p) });
        Some(Arc::clone(&owned))
    }

    /// `rcu_assign_pointer()`: publishes `new`; the previous snapshot's
    /// publisher reference is dropped after a grace period.
    pub(crate) fn replace(&self, new: Option<Arc<RcuNode<T>>>, _rtnl: &Rtnl) {
        let np = new.map_or(ptr::null_mut(), |a| Arc::into_raw(a).cast_mut());
        let old = self.0.swap(np, Ordering::AcqRel);
        Self::release(old);
    }

    fn release(old: *mut RcuNode<T>) {
        if old.is_null() {
            return;
        }
        // SAFETY: `old` is a live node whose publisher reference we now own
        // (unpublished above). Its `head` is used by exactly this one
        // `call_rcu()`: a node is published at most once.
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
        // SAFETY: `head` is the field `head` of an `RcuNode<T>` (container_of).
        let node = unsafe {
            head.cast::<u8>()
                .sub(core::mem::offset_of!(RcuNode<T>, head))
                .cast::<RcuNode<T>>()
        };
        // SAFETY: The publisher reference handed over to this callback.
        drop(unsafe { Arc::from_raw(node) });
    }
}

impl<T: Send + Sync + 'static> Drop for RcuArc<T> {
    fn drop(&mut self) {
        Self::release(*self.0.get_mut());
    }
}

/// A value only accessed with RTNL held: the RTNL mutex serialises every
/// access, and values are only copied in and out (never borrowed), so nested
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
