// SPDX-License-Identifier: GPL-2.0

//! `struct net_device`, `struct net` and `struct sk_buff` abstractions, and [`Dev<T>`], a
//! device of driver `T`: the base of the safe layer, which imports no other file of it but
//! `rcu` and `rtnl`. What needs the driver's trait (`Dev<T>::private`, allocating and
//! registering devices, the tables) is in `driver.rs`.
//!
//! Lifetime model (as C `bond_setup()`/`bond_create()`/`bond_newlink()`):
//! * the kernel allocates the device (`alloc_netdev_mqs()`, directly from
//!   `driver::AllocatedDev::new` or from rtnetlink) and calls the setup callback,
//!   which initialises the driver's private data `T::Priv` in place in the
//!   `netdev_priv()` area and fills in the device;
//! * the device is registered under RTNL (`driver::AllocatedDev::register`,
//!   `driver::NewLinkDev::register`); from then on the kernel owns it;
//! * unregistering (under RTNL) eventually runs `priv_destructor`, which drops
//!   `T::Priv`, and frees the device (`needs_free_netdev`).
//!
//! A device freed without ever being registered (allocation error paths,
//! failed `newlink`) is freed without `priv_destructor`: `T::Priv` is then
//! leaked rather than dropped, so `T::priv_init()` must not acquire resources
//! (acquire them in `Driver::init`, which is `ndo_init`, like C does).

use crate::bindings;
use crate::safe::rcu::ReadSide;
use crate::safe::rtnl::Rtnl;
use core::{marker::PhantomData, ops::Deref, ptr::NonNull};
use kernel::{prelude::*, types::Opaque};

/// A network namespace (`struct net`).
///
/// # Invariants
///
/// A `&Net` refers to a live namespace for the borrow (made only by [`Net::from_raw`], whose
/// callers guarantee it).
#[repr(transparent)]
pub(crate) struct Net(Opaque<bindings::net>);

impl Net {
    /// The initial network namespace.
    pub(crate) fn init_net() -> &'static Net {
        // SAFETY: `init_net` is a static object that lives forever.
        unsafe { Net::from_raw(&raw mut bindings::init_net) }
    }

    /// # Safety
    ///
    /// `ptr` must point to a live `struct net` for `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::net) -> &'a Net {
        // SAFETY: `Net` is a transparent wrapper of `struct net`, valid per the
        // caller's guarantee.
        unsafe { &*ptr.cast::<Net>() }
    }

    /// The raw pointer.
    pub(crate) fn as_ptr(&self) -> *mut bindings::net {
        self.0.get()
    }

    /// Calls `f` on each device of the namespace, in registration order.
    /// Stops early if `f` returns `false`. `f` may queue the device for
    /// unregistration but must not unlist devices.
    pub(crate) fn for_each_dev<'a>(
        &'a self,
        _rtnl: &'a Rtnl,
        mut f: impl FnMut(&'a NetDevice) -> bool,
    ) {
        // SAFETY: The namespace is alive (`&self`) and RTNL is held (`_rtnl`),
        // which keeps the device list stable.
        let mut dev = unsafe { bindings::bondrs_first_net_device(self.as_ptr()) };
        while !dev.is_null() {
            // SAFETY: `dev` is on the list of `self`, which RTNL keeps alive
            // at least until `_rtnl` is released (freeing happens after unlock).
            let d = unsafe { NetDevice::from_raw(dev) };
            if !f(d) {
                break;
            }
            // SAFETY: `dev` is still listed: `f` cannot unlist it.
            dev = unsafe { bindings::bondrs_next_net_device(dev) };
        }
    }
}

impl Net {
    /// Calls `f` on each device of the namespace under RCU (C `for_each_netdev_rcu()`), in
    /// registration order; stops early if `f` returns `false`. A device being unregistered
    /// meanwhile may or may not be seen; a device seen stays allocated for the borrow.
    pub(crate) fn for_each_dev_rcu<'a, G: ReadSide>(
        &'a self,
        _guard: &'a G,
        mut f: impl FnMut(&'a NetDevice) -> bool,
    ) {
        // SAFETY: The namespace is alive (`&self`); `_guard` proves an RCU read-side critical
        // section, in which the RCU-protected device list may be walked.
        let mut dev = unsafe { bindings::bondrs_first_net_device_rcu(self.as_ptr()) };
        while !dev.is_null() {
            // A device unlisted meanwhile is freed only after a grace period
            // (`synchronize_net()` in `unregister_netdevice_many()`, then the last reference).
            // SAFETY: `dev` was reached on the RCU list in the read-side section `_guard` proves.
            let d = unsafe { NetDevice::from_raw(dev) };
            if !f(d) {
                break;
            }
            // SAFETY: As above: `dev` is an element reached on the RCU list, still in the
            // read-side critical section.
            dev = unsafe { bindings::bondrs_next_net_device_rcu(dev) };
        }
    }
}

/// A `struct net_device` the caller may access (it is registered or being
/// set up, and not yet freed).
///
/// # Invariants
///
/// A `&NetDevice` refers to a `struct net_device` that is not freed during the borrow (made
/// only by [`NetDevice::from_raw`], whose callers guarantee it, or from an
/// `ARef<NetDevice>`, which holds a device reference).
#[repr(transparent)]
pub(crate) struct NetDevice(Opaque<bindings::net_device>);

impl NetDevice {
    /// # Safety
    ///
    /// `ptr` must point to a `struct net_device` that is not freed during `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a NetDevice {
        // SAFETY: Transparent wrapper; validity guaranteed by the caller.
        unsafe { &*ptr.cast::<NetDevice>() }
    }

    /// The raw pointer.
    pub(crate) fn as_ptr(&self) -> *mut bindings::net_device {
        self.0.get()
    }

    /// The interface name; stable while RTNL is held.
    pub(crate) fn name<'a>(&'a self, _rtnl: &'a Rtnl) -> &'a CStr {
        // SAFETY: `name` is a NUL-terminated `char[IFNAMSIZ]` that only changes
        // under RTNL, which the caller holds for `'a`.
        unsafe { CStr::from_char_ptr((*self.as_ptr()).name.as_ptr()) }
    }

    /// `netif_carrier_off()`.
    pub(crate) fn carrier_off(&self) {
        // SAFETY: Valid device; `netif_carrier_off()` may be called in any context.
        unsafe { bindings::netif_carrier_off(self.as_ptr()) }
    }

    /// `dev_core_stats_tx_dropped_inc()`.
    pub(crate) fn tx_dropped_inc(&self) {
        // SAFETY: Valid device; core stats are per-cpu and lock-free.
        unsafe { bindings::bondrs_dev_core_stats_tx_dropped_inc(self.as_ptr()) }
    }

    /// The `rtnl_link_ops` of the device (identity of its driver).
    pub(super) fn link_ops(&self) -> *const bindings::rtnl_link_ops {
        // SAFETY: Valid device; the field is set before registration and then
        // never changes.
        unsafe { (*self.as_ptr()).rtnl_link_ops }
    }

    /// `unregister_netdevice_queue()`: unregisters now, or queues on `kill`.
    /// The device memory stays valid until RTNL is released.
    pub(crate) fn unregister(&self, _rtnl: &Rtnl, kill: Option<&mut DevKillList>) {
        let head = kill.map_or(core::ptr::null_mut(), |k| k.0);
        // SAFETY: The device is registered (callers only reach registered
        // devices through `Net::for_each_dev`/`Dev`), RTNL is held, `head` is
        // null or the kernel's kill list of the current batch.
        unsafe { bindings::unregister_netdevice_queue(self.as_ptr(), head) }
    }
}

/// The `dev_kill_list` of a batched unregistration (pernet `exit_rtnl`).
///
/// # Invariants
///
/// The pointer is the `dev_kill_list` the pernet core passed to `exit_rtnl`, valid while that
/// callback runs (the only place one is made, [`DevKillList::from_raw`]).
pub(crate) struct DevKillList(*mut bindings::list_head);

impl DevKillList {
    /// # Safety
    ///
    /// `head` must be the kill list the kernel passed to the current callback.
    pub(crate) unsafe fn from_raw(head: *mut bindings::list_head) -> Self {
        Self(head)
    }
}

/// A device of driver `T`: its private area holds an initialised `T::Priv`.
///
/// # Invariants
///
/// The device was set up by `T`'s setup callback: its `netdev_priv()` area holds an
/// initialised, pinned `T::Priv` until `priv_destructor` drops it, which happens after the last
/// `&Dev<T>` is gone (devices are only reached through the kernel's references).
#[repr(transparent)]
pub(crate) struct Dev<T>(NetDevice, PhantomData<T>);

impl<T> Deref for Dev<T> {
    type Target = NetDevice;

    fn deref(&self) -> &NetDevice {
        &self.0
    }
}

impl<T> Dev<T> {
    /// # Safety
    ///
    /// `ptr` must be a device set up by [`DriverTables::setup_cb::<T>`] that is
    /// not freed (and whose `T::Priv` is not dropped) during `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a Dev<T> {
        // SAFETY: Transparent wrapper of `NetDevice`; validity from the caller.
        unsafe { &*ptr.cast::<Dev<T>>() }
    }
}

/// Ownership of a socket buffer; freed (`dev_kfree_skb_any()`) on drop.
///
/// # Invariants
///
/// The pointer is a valid skb owned by this value (handed over by `ndo_start_xmit` or made by
/// `skb_clone()`); it is freed or passed on exactly once.
pub(crate) struct SkBuff(pub(super) NonNull<bindings::sk_buff>);

impl Drop for SkBuff {
    fn drop(&mut self) {
        // SAFETY: We own the skb (given to `ndo_start_xmit`); any context is fine.
        unsafe { bindings::bondrs_dev_kfree_skb_any(self.0.as_ptr()) }
    }
}

/// Result of `ndo_start_xmit`.
pub(crate) enum TxStatus {
    /// `NETDEV_TX_OK`: the skb was consumed.
    #[allow(dead_code)]
    Ok,
    /// `NET_XMIT_DROP`: the skb was dropped (what C `bond_tx_drop()` returns).
    Dropped,
    /// The `NET_XMIT_*` code of a lower device's `dev_queue_xmit()`.
    Code(c_int),
    /// `NETDEV_TX_BUSY`: the skb is given back to the caller, unsent (C `bond_start_xmit()`
    /// while netpoll's transmits are blocked).
    Busy(SkBuff),
}

impl NetDevice {
    /// C `bond_init()`'s "Ensure valid dev_addr": a random address if the
    /// device still has a zero permanent address.
    pub(crate) fn ensure_valid_addr(&self, _rtnl: &Rtnl) {
        let dev = self.as_ptr();
        // SAFETY: Valid device; RTNL (held) serialises address changes;
        // `dev_addr` points to `addr_len` (6 for Ethernet) bytes.
        unsafe {
            if bindings::bondrs_is_zero_ether_addr((*dev).dev_addr)
                && u32::from((*dev).addr_assign_type) == bindings::NET_ADDR_PERM
            {
                bindings::bondrs_eth_hw_addr_random(dev);
            }
        }
    }

    /// `dev_addr_set()`: sets the hardware address (`dev->addr_len` bytes).
    pub(crate) fn set_addr(&self, _rtnl: &Rtnl, addr: &[u8]) -> Result {
        let dev = self.as_ptr();
        // SAFETY: Valid device; RTNL (held) serialises address changes.
        if addr.len() != usize::from(unsafe { (*dev).addr_len }) {
            return Err(EINVAL);
        }
        // SAFETY: As above; `addr` holds `addr_len` bytes (checked).
        unsafe { bindings::bondrs_dev_addr_set(dev, addr.as_ptr()) };
        Ok(())
    }

    /// `netdev_lockdep_set_classes()` (per-driver lock classes, so stacked
    /// devices of the same driver do not trigger false lockdep reports).
    pub(crate) fn lockdep_set_classes(&self, _rtnl: &Rtnl) {
        // SAFETY: Valid device in `ndo_init` (RTNL held, queues allocated).
        unsafe { bindings::bondrs_netdev_lockdep_set_classes(self.as_ptr()) }
    }
}

/// C `netdev_priv()`, inline (it is the address of the device's trailing `priv` array).
///
/// # Safety
///
/// `dev` must point to a valid `struct net_device`.
pub(crate) unsafe fn priv_ptr(dev: *mut bindings::net_device) -> *mut u8 {
    // SAFETY: `dev` is valid (function requirements); only the field's address is taken.
    unsafe { core::ptr::addr_of_mut!((*dev).priv_).cast::<u8>() }
}
