// SPDX-License-Identifier: GPL-2.0

//! Delayed work items embedded in a device's private data (C `struct
//! delayed_work` in `struct bonding`, e.g. `mii_work`), and the device's own
//! ordered workqueue they run on (C `bond->wq`).
//!
//! The kernel crate's `workqueue` module enqueues reference-counted owners
//! and has no cancellation; a net device's private area is neither, so this
//! is the C pattern: the item lives in `T::Priv`, knows its device, and is
//! cancelled synchronously before the device can go away (`ndo_stop`,
//! `ndo_uninit`, and as a last resort when the item is dropped).

use crate::bindings;
use crate::safe::driver::Driver;
use crate::safe::netdev::Dev;
use core::{marker::PhantomData, ptr::NonNull};
use kernel::{
    prelude::*,
    sync::atomic::{Acquire, Atomic, Release},
    sync::{Arc, SetOnce},
    types::Opaque,
};

/// The handler of work item `ID` of driver `T`.
pub(crate) trait WorkHandler<const ID: u8>: Driver {
    /// Runs in process context (the device's [`OrderedWq`]), without RTNL.
    fn run(dev: &Dev<Self>);
}

/// A device's own ordered workqueue (C `alloc_ordered_workqueue("%s", WQ_MEM_RECLAIM, name)`):
/// its items run one at a time in the order they were queued, and a rescuer thread keeps them
/// running when memory is short (a link monitor must still fail over when the machine swaps over
/// the network through this device). Shared by the device's work items ([`DevWork::attach`]),
/// each of which holds a reference: it is destroyed once the last item is dropped, and an item
/// cancels itself before it lets go of its reference, so nothing is queued on it any more.
///
/// # Invariants
///
/// The pointer is a workqueue allocated by [`OrderedWq::new`], destroyed only by `drop`.
pub(crate) struct OrderedWq(NonNull<bindings::workqueue_struct>);

// SAFETY: A workqueue may be used from any thread.
unsafe impl Sync for OrderedWq {}
// SAFETY: As above.
unsafe impl Send for OrderedWq {}

impl OrderedWq {
    /// Allocates an ordered workqueue named `name` (the kernel copies the name).
    pub(crate) fn new(name: &CStr) -> Result<Arc<Self>> {
        // SAFETY: `name` is NUL-terminated; the kernel copies it into the workqueue.
        let wq = unsafe { bindings::bondrs_alloc_ordered_workqueue(name.as_char_ptr()) };
        let wq = Self(NonNull::new(wq).ok_or(ENOMEM)?);
        Ok(Arc::new(wq, GFP_KERNEL)?)
    }
}

impl Drop for OrderedWq {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the workqueue is live; no item is queued on it any more
        // (each item holding a reference cancelled itself before dropping it).
        unsafe { bindings::destroy_workqueue(self.0.as_ptr()) };
    }
}

/// A delayed work item of device `T`, identified by `ID`.
///
/// # Invariants
///
/// once [`DevWork::attach`]ed to a device and its workqueue, the item is only
/// queued while that device is alive, on that workqueue (of which it holds a
/// reference), and is cancelled (synchronously) before the device is freed.
#[pin_data(PinnedDrop)]
pub(crate) struct DevWork<T: WorkHandler<ID>, const ID: u8> {
    #[pin]
    work: Opaque<bindings::delayed_work>,
    dev: Atomic<*mut bindings::net_device>,
    /// Dropped after `work` is cancelled ([`PinnedDrop`]).
    wq: SetOnce<Arc<OrderedWq>>,
    _p: PhantomData<T>,
}

// SAFETY: The C work item is designed for concurrent queue/cancel calls; the
// device pointer is an atomic.
unsafe impl<T: WorkHandler<ID>, const ID: u8> Sync for DevWork<T, ID> {}
// SAFETY: As above.
unsafe impl<T: WorkHandler<ID>, const ID: u8> Send for DevWork<T, ID> {}

impl<T: WorkHandler<ID>, const ID: u8> DevWork<T, ID> {
    /// `INIT_DELAYED_WORK()`.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `INIT_DELAYED_WORK()` initialises the item in place; it
            // is pinned in the device's private area and never moved.
            work <- Opaque::ffi_init(|slot| unsafe {
                bindings::bondrs_init_delayed_work(slot, Some(Self::work_cb))
            }),
            dev: Atomic::new(core::ptr::null_mut()),
            wq: SetOnce::new(),
            _p: PhantomData,
        })
    }

    /// Binds the item to its device and the device's workqueue (from `ndo_init`, once: a later
    /// call changes nothing).
    pub(crate) fn attach(&self, dev: &Dev<T>, wq: &Arc<OrderedWq>) {
        if self.wq.populate(wq.clone()) {
            self.dev.store(dev.as_ptr(), Release);
        }
    }

    /// `queue_delayed_work(bond->wq, ...)` after `delay` jiffies; no-op if
    /// already pending or not attached.
    pub(crate) fn queue(&self, delay: usize) {
        let Some(wq) = self.wq.as_ref() else {
            return;
        };
        if self.dev.load(Acquire).is_null() {
            return;
        }
        // The device is alive (the caller reached `self` through a `Dev`), the invariant cancels
        // the item before it is freed, and the item's reference keeps `wq` alive until then.
        // SAFETY: The item is initialised and pinned; device and workqueue outlive its runs.
        unsafe { bindings::bondrs_queue_delayed_work(wq.0.as_ptr(), self.work.get(), delay) };
    }

    /// `mod_delayed_work(bond->wq, ..., 0)`: runs the item as soon as the workqueue can, whether
    /// it was pending with a delay (the delay is dropped), running (it runs again after) or idle;
    /// no-op if not attached.
    pub(crate) fn queue_now(&self) {
        let Some(wq) = self.wq.as_ref() else {
            return;
        };
        if self.dev.load(Acquire).is_null() {
            return;
        }
        // As in `queue`: the device is alive and the item is cancelled before it is freed.
        // SAFETY: The item is initialised and pinned; device and workqueue outlive its runs.
        unsafe { bindings::bondrs_mod_delayed_work(wq.0.as_ptr(), self.work.get(), 0) };
    }

    /// `cancel_delayed_work_sync()`: after return the handler is not running
    /// and not queued (unless queued again later).
    pub(crate) fn cancel_sync(&self) {
        // SAFETY: The item is initialised; may sleep (process context callers).
        unsafe { bindings::cancel_delayed_work_sync(self.work.get()) };
    }

    /// # Safety
    ///
    /// Called by the workqueue with the `work` member of one of our items.
    unsafe extern "C" fn work_cb(work: *mut bindings::work_struct) {
        // SAFETY: `work` is the `work` member of the `delayed_work` inside `Self::work` (an
        // `Opaque`, which is transparent), of a live item (the workqueue runs only queued items,
        // and an item is cancelled before it is dropped).
        let this = unsafe {
            let dw = kernel::container_of!(work, bindings::delayed_work, work);
            &*kernel::container_of!(dw.cast::<Opaque<bindings::delayed_work>>(), Self, work)
        };
        let dev = this.dev.load(Acquire);
        if dev.is_null() {
            return;
        }
        // SAFETY: By the type invariant the device outlives every run of its
        // work items; it was set up by `T`.
        let dev = unsafe { Dev::<T>::from_raw(dev) };
        T::run(dev);
    }
}

#[pinned_drop]
impl<T: WorkHandler<ID>, const ID: u8> PinnedDrop for DevWork<T, ID> {
    fn drop(self: Pin<&mut Self>) {
        self.cancel_sync();
    }
}
