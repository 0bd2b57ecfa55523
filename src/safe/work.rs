// SPDX-License-Identifier: GPL-2.0

//! Delayed work items embedded in a device's private data (C `struct
//! delayed_work` in `struct bonding`, e.g. `mii_work`).
//!
//! The kernel crate's `workqueue` module enqueues reference-counted owners
//! and has no cancellation; a net device's private area is neither, so this
//! is the C pattern: the item lives in `T::Priv`, knows its device, and is
//! cancelled synchronously before the device can go away (`ndo_stop`,
//! `ndo_uninit`, and as a last resort when the item is dropped).

use crate::bindings;
use crate::safe::driver::Driver;
use crate::safe::netdev::Dev;
use core::marker::PhantomData;
use kernel::{
    prelude::*,
    sync::atomic::{Acquire, Atomic, Release},
    types::Opaque,
};

/// The handler of work item `ID` of driver `T`.
pub(crate) trait WorkHandler<const ID: u8>: Driver {
    /// Runs in process context (system workqueue), without RTNL.
    fn run(dev: &Dev<Self>);
}

/// A delayed work item of device `T`, identified by `ID`.
///
/// # Invariants
///
/// once [`DevWork::attach`]ed to a device, the item is only
/// queued while that device is alive, and is cancelled (synchronously)
/// before the device is freed.
#[pin_data(PinnedDrop)]
pub(crate) struct DevWork<T: WorkHandler<ID>, const ID: u8> {
    #[pin]
    work: Opaque<bindings::delayed_work>,
    dev: Atomic<*mut bindings::net_device>,
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
            _p: PhantomData,
        })
    }

    /// Binds the item to its device (from `ndo_init`).
    pub(crate) fn attach(&self, dev: &Dev<T>) {
        self.dev.store(dev.as_ptr(), Release);
    }

    /// `queue_delayed_work(system_dfl_wq, ...)` after `delay` jiffies; no-op if
    /// already pending or not attached.
    pub(crate) fn queue(&self, delay: usize) {
        if self.dev.load(Acquire).is_null() {
            return;
        }
        // SAFETY: The item is initialised and pinned; the device is alive (the
        // caller holds a `Dev` reference through which it reached `self`), and
        // the invariant makes sure the item is cancelled before it is freed.
        unsafe { bindings::bondrs_queue_delayed_work(self.work.get(), delay) };
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
