// SPDX-License-Identifier: GPL-2.0

//! IPsec device offload (`struct xfrmdev_ops`, `struct xfrm_state`): lets a
//! master device pass security associations (SAs) on to a lower device, as
//! C bonding does for active-backup (`bond_ipsec_*()`).
//!
//! The xfrm core calls the master's operations with states whose
//! `xso.dev` is the master. The master keeps the states it accepted in an
//! [`XfrmList`] so that it can move them to another lower device; the list
//! is the one place that stores `xfrm_state` pointers, and the trampolines
//! here maintain its invariant: a state is recorded after the driver's `add`
//! succeeded and removed in `xdo_dev_state_free`, which the xfrm core calls
//! before it frees the state.

use crate::bindings;
use crate::safe::driver::Driver;
use crate::safe::link::ExtAck;
use crate::safe::netdev::{Dev, NetDevice};
use core::ptr::NonNull;
use kernel::{
    error::{from_result, to_result},
    new_mutex,
    prelude::*,
    sync::{Mutex, MutexGuard},
    types::Opaque,
};

/// An xfrm state (security association) offloaded through a master device.
///
/// # Invariants
///
/// the state is alive (the caller of the xfrm callback, or the
/// [`XfrmList`] it was found in, guarantees it for the borrow).
#[repr(transparent)]
pub(crate) struct XfrmState(Opaque<bindings::xfrm_state>);

impl XfrmState {
    /// # Safety
    ///
    /// `ptr` must point to an `xfrm_state` that is alive during `'a`.
    unsafe fn from_raw<'a>(ptr: *mut bindings::xfrm_state) -> &'a XfrmState {
        // SAFETY: Transparent wrapper; validity from the caller.
        unsafe { &*ptr.cast::<XfrmState>() }
    }

    fn as_ptr(&self) -> *mut bindings::xfrm_state {
        self.0.get()
    }

    fn real_dev_ptr(&self) -> *mut bindings::net_device {
        // SAFETY: The state is alive (type invariant). `xso.real_dev` is written
        // under `xs->lock` and the master's list lock and read without either
        // in the delete/offload paths, as in C (`READ_ONCE`).
        unsafe { core::ptr::addr_of!((*self.as_ptr()).xso.real_dev).read_volatile() }
    }

    /// `xs->xso.real_dev != NULL`: the state is programmed into a lower device.
    pub(crate) fn has_real_dev(&self) -> bool {
        !self.real_dev_ptr().is_null()
    }

    /// `xs->xso.real_dev == dev`.
    pub(crate) fn real_dev_is(&self, dev: &NetDevice) -> bool {
        core::ptr::eq(self.real_dev_ptr(), dev.as_ptr())
    }

    /// Records (or clears) the lower device the state is programmed into.
    ///
    /// The master must clear it before that device stops being its lower
    /// device (C bonding does it in `bond_ipsec_del_sa_all()` on every
    /// change of the active slave).
    pub(crate) fn set_real_dev(&self, dev: Option<&NetDevice>) {
        let p = dev.map_or(core::ptr::null_mut(), NetDevice::as_ptr);
        // SAFETY: The state is alive; see `real_dev_ptr` for the access rules.
        unsafe { core::ptr::addr_of_mut!((*self.as_ptr()).xso.real_dev).write_volatile(p) }
    }

    /// Runs `f` with `xs->lock` held (`spin_lock_bh()`); `f` gets whether the
    /// state is dead (`xs->km.state == XFRM_STATE_DEAD`).
    pub(crate) fn with_lock<R>(&self, f: impl FnOnce(bool) -> R) -> R {
        // SAFETY: The state is alive; its lock is initialised by the xfrm core.
        unsafe { bindings::bondrs_xfrm_state_lock_bh(self.as_ptr()) };
        // SAFETY: `km.state` is protected by the lock we hold.
        let dead = unsafe { (*self.as_ptr()).km.state } == bindings::XFRM_STATE_DEAD;
        let r = f(dead);
        // SAFETY: Locked above, in this function.
        unsafe { bindings::bondrs_xfrm_state_unlock_bh(self.as_ptr()) };
        r
    }
}

/// The `xfrmdev_ops` of a lower device.
pub(crate) struct LowerXfrm<'a> {
    dev: &'a NetDevice,
    ops: &'a bindings::xfrmdev_ops,
}

impl NetDevice {
    /// The device's IPsec offload operations, if it has any.
    pub(crate) fn xfrm_ops(&self) -> Option<LowerXfrm<'_>> {
        // SAFETY: `xfrmdev_ops` is set by the driver before registration and
        // points to a static table.
        let ops = unsafe { (*self.as_ptr()).xfrmdev_ops.as_ref() }?;
        Some(LowerXfrm { dev: self, ops })
    }
}

impl LowerXfrm<'_> {
    /// Has `xdo_dev_state_add`.
    pub(crate) fn can_add(&self) -> bool {
        self.ops.xdo_dev_state_add.is_some()
    }

    /// Has `xdo_dev_state_delete`.
    pub(crate) fn can_delete(&self) -> bool {
        self.ops.xdo_dev_state_delete.is_some()
    }

    /// `xdo_dev_state_add(dev, xs, extack)`.
    pub(crate) fn add(&self, xs: &XfrmState, extack: &mut ExtAck<'_>) -> Result {
        let f = self.ops.xdo_dev_state_add.ok_or(EOPNOTSUPP)?;
        // SAFETY: The lower device and the state are alive; the operation
        // accepts a state whose `xso.dev` is a master of the device (this is
        // how C bonding uses it); `extack` is null or the request's.
        to_result(unsafe { f(self.dev.as_ptr(), xs.as_ptr(), extack.as_raw()) })
    }

    /// `xdo_dev_state_delete(dev, xs)`.
    pub(crate) fn delete(&self, xs: &XfrmState) {
        if let Some(f) = self.ops.xdo_dev_state_delete {
            // SAFETY: As in `add`.
            unsafe { f(self.dev.as_ptr(), xs.as_ptr()) }
        }
    }

    /// `xdo_dev_state_free(dev, xs)`, if the device has it.
    pub(crate) fn free(&self, xs: &XfrmState) {
        if let Some(f) = self.ops.xdo_dev_state_free {
            // SAFETY: As in `add`.
            unsafe { f(self.dev.as_ptr(), xs.as_ptr()) }
        }
    }

    /// `xdo_dev_state_advance_esn(xs)`; `false` if the device has none.
    pub(crate) fn advance_esn(&self, xs: &XfrmState) -> bool {
        let Some(f) = self.ops.xdo_dev_state_advance_esn else {
            return false;
        };
        // SAFETY: As in `add`.
        unsafe { f(xs.as_ptr()) };
        true
    }

    /// `xdo_dev_state_update_stats(xs)`; `false` if the device has none.
    pub(crate) fn update_stats(&self, xs: &XfrmState) -> bool {
        let Some(f) = self.ops.xdo_dev_state_update_stats else {
            return false;
        };
        // SAFETY: As in `add`.
        unsafe { f(xs.as_ptr()) };
        true
    }
}

struct XsPtr(NonNull<bindings::xfrm_state>);

// SAFETY: A plain pointer to a kernel object usable from any thread; access is
// governed by the list's lock (see `XfrmList`).
unsafe impl Send for XsPtr {}

/// The states a master device has accepted (C `bond->ipsec_list` and
/// `bond->ipsec_lock`).
///
/// # Invariants
///
/// every entry is a live state whose `xso.dev` is the master: it
/// is pushed by the `xdo_dev_state_add` trampoline after the driver accepted
/// it, and removed by the `xdo_dev_state_free` trampoline, which the xfrm
/// core calls before freeing the state; both under the lock.
#[pin_data]
pub(crate) struct XfrmList {
    #[pin]
    states: Mutex<KVec<XsPtr>>,
}

impl XfrmList {
    /// An empty list.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self { states <- new_mutex!(KVec::new()) })
    }

    /// Locks the list (C `mutex_lock(&bond->ipsec_lock)`). Sleeps.
    pub(crate) fn lock(&self) -> XfrmListGuard<'_> {
        XfrmListGuard(self.states.lock())
    }
}

/// The locked [`XfrmList`].
pub(crate) struct XfrmListGuard<'a>(MutexGuard<'a, KVec<XsPtr>>);

impl XfrmListGuard<'_> {
    /// Whether no state is recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The recorded states, newest first (the order of C's `list_add()`
    /// list, which decides the order states reach a new lower device), alive
    /// while the guard is held.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &XfrmState> {
        self.0.iter().rev().map(|p| {
            // SAFETY: By the list invariant, entries are alive while they are
            // in the list, and they leave it only under the lock we hold.
            unsafe { XfrmState::from_raw(p.0.as_ptr()) }
        })
    }

    fn remove(&mut self, xs: &XfrmState) {
        if let Some(i) = self.0.iter().position(|p| p.0.as_ptr() == xs.as_ptr()) {
            let _ = self.0.remove(i);
        }
    }
}

/// A driver of master devices offering IPsec offload through a lower device.
pub(crate) trait XfrmDriver: Driver {
    /// The device's list of accepted states.
    fn xfrm_list(dev: &Dev<Self>) -> &XfrmList;
    /// `xdo_dev_state_add` (may sleep); `list` is locked. On success the state
    /// is recorded in `list`.
    fn xfrm_add(
        dev: &Dev<Self>,
        xs: &XfrmState,
        extack: &mut ExtAck<'_>,
        list: &XfrmListGuard<'_>,
    ) -> Result;
    /// `xdo_dev_state_delete` (atomic: `xs->lock` held).
    fn xfrm_delete(dev: &Dev<Self>, xs: &XfrmState);
    /// `xdo_dev_state_free` (may sleep); `list` is locked, and the state is
    /// removed from it afterwards.
    fn xfrm_free(dev: &Dev<Self>, xs: &XfrmState, list: &XfrmListGuard<'_>);
    /// `xdo_dev_offload_ok` (transmit path, RCU).
    fn xfrm_offload_ok(dev: &Dev<Self>, xs: &XfrmState) -> bool;
    /// `xdo_dev_state_advance_esn` (atomic).
    fn xfrm_advance_esn(dev: &Dev<Self>, xs: &XfrmState);
    /// `xdo_dev_state_update_stats` (atomic).
    fn xfrm_update_stats(dev: &Dev<Self>, xs: &XfrmState);
}

/// The `xfrmdev_ops` table of a driver `T`, in a static.
pub(crate) struct XfrmTables(bindings::xfrmdev_ops);

// SAFETY: Read-only table of function pointers.
unsafe impl Sync for XfrmTables {}

impl XfrmTables {
    /// The table pointing to `T`'s trampolines.
    pub(crate) const fn new<T: XfrmDriver>() -> Self {
        // SAFETY: A C struct of function pointers: all-zero means "not set".
        let mut ops: bindings::xfrmdev_ops = unsafe { core::mem::zeroed() };
        ops.xdo_dev_state_add = Some(add_cb::<T>);
        ops.xdo_dev_state_delete = Some(delete_cb::<T>);
        ops.xdo_dev_state_free = Some(free_cb::<T>);
        ops.xdo_dev_offload_ok = Some(offload_ok_cb::<T>);
        ops.xdo_dev_state_advance_esn = Some(advance_esn_cb::<T>);
        ops.xdo_dev_state_update_stats = Some(update_stats_cb::<T>);
        Self(ops)
    }

    /// The C table.
    pub(crate) fn as_ptr(&self) -> *const bindings::xfrmdev_ops {
        &self.0
    }
}

/// The master of `xs` (`xs->xso.dev`), a device of `T`.
///
/// # Safety
///
/// `xs` must be a live state passed to one of `T`'s xfrm operations (so its
/// `xso.dev` is a device of `T`, kept alive by the state's reference).
unsafe fn master_of<'a, T: Driver>(xs: *mut bindings::xfrm_state) -> &'a Dev<T> {
    // SAFETY: Per the function requirements.
    unsafe { Dev::<T>::from_raw((*xs).xso.dev) }
}

/// # Safety
///
/// Only called by the xfrm core as `xdo_dev_state_add` of a device of `T`.
unsafe extern "C" fn add_cb<T: XfrmDriver>(
    dev: *mut bindings::net_device,
    xs: *mut bindings::xfrm_state,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    if dev.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: `dev` is our device, held by the caller; `xs` is alive for the
    // call; `extack` is null or the request's.
    let (dev, xs, mut extack) = unsafe {
        (
            Dev::<T>::from_raw(dev),
            XfrmState::from_raw(xs),
            ExtAck::from_raw_ptr(extack),
        )
    };
    from_result(|| {
        let list = T::xfrm_list(dev);
        // Held across the lower device's `xdo_dev_state_add`, as C's
        // `bond_ipsec_add_sa_all()` does: capacity reserved under the lock
        // makes the push infallible, so an accepted state is always recorded.
        let mut g = list.lock();
        g.0.reserve(1, GFP_KERNEL)?;
        T::xfrm_add(dev, xs, &mut extack, &g)?;
        // Cannot fail: capacity was reserved above, under the same lock.
        // SAFETY: `xs` is non-null (it is a reference).
        let p = XsPtr(unsafe { NonNull::new_unchecked(xs.as_ptr()) });
        if g.0.push_within_capacity(p).is_err() {
            return Err(ENOMEM);
        }
        Ok(0)
    })
}

/// # Safety
///
/// Only called by the xfrm core as `xdo_dev_state_delete` of a device of `T`.
unsafe extern "C" fn delete_cb<T: XfrmDriver>(
    dev: *mut bindings::net_device,
    xs: *mut bindings::xfrm_state,
) {
    if dev.is_null() {
        return;
    }
    // SAFETY: As in `add_cb`.
    let (dev, xs) = unsafe { (Dev::<T>::from_raw(dev), XfrmState::from_raw(xs)) };
    T::xfrm_delete(dev, xs);
}

/// # Safety
///
/// Only called by the xfrm core as `xdo_dev_state_free` of a device of `T`,
/// before the state is freed.
unsafe extern "C" fn free_cb<T: XfrmDriver>(
    dev: *mut bindings::net_device,
    xs: *mut bindings::xfrm_state,
) {
    if dev.is_null() {
        return;
    }
    // SAFETY: As in `add_cb`.
    let (dev, xs) = unsafe { (Dev::<T>::from_raw(dev), XfrmState::from_raw(xs)) };
    let mut g = T::xfrm_list(dev).lock();
    T::xfrm_free(dev, xs, &g);
    g.remove(xs);
}

/// # Safety
///
/// Only called by the xfrm core as `xdo_dev_offload_ok` of a device of `T`.
unsafe extern "C" fn offload_ok_cb<T: XfrmDriver>(
    _skb: *mut bindings::sk_buff,
    xs: *mut bindings::xfrm_state,
) -> bool {
    // SAFETY: `xs` is alive for the call and offloaded through our device.
    let (dev, xs) = unsafe { (master_of::<T>(xs), XfrmState::from_raw(xs)) };
    T::xfrm_offload_ok(dev, xs)
}

/// # Safety
///
/// Only called by the xfrm core as `xdo_dev_state_advance_esn` of a device of `T`.
unsafe extern "C" fn advance_esn_cb<T: XfrmDriver>(xs: *mut bindings::xfrm_state) {
    // SAFETY: As in `offload_ok_cb`.
    let (dev, xs) = unsafe { (master_of::<T>(xs), XfrmState::from_raw(xs)) };
    T::xfrm_advance_esn(dev, xs);
}

/// # Safety
///
/// Only called by the xfrm core as `xdo_dev_state_update_stats` of a device of `T`.
unsafe extern "C" fn update_stats_cb<T: XfrmDriver>(xs: *mut bindings::xfrm_state) {
    // SAFETY: As in `offload_ok_cb`.
    let (dev, xs) = unsafe { (master_of::<T>(xs), XfrmState::from_raw(xs)) };
    T::xfrm_update_stats(dev, xs);
}

impl NetDevice {
    /// C `xfrm_dev_state_flush(dev_net(dev), dev, true)`: deletes the states
    /// offloaded through this device (it is going away).
    pub(crate) fn xfrm_state_flush(&self, _rtnl: &crate::safe::rtnl::Rtnl) {
        // SAFETY: `dev` is alive; RTNL held as in the netdev notifier.
        unsafe {
            bindings::xfrm_dev_state_flush(
                bindings::bondrs_dev_net(self.as_ptr()),
                self.as_ptr(),
                true,
            )
        };
    }
}
