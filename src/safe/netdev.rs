// SPDX-License-Identifier: GPL-2.0

//! `struct net_device`, `struct net` and `struct sk_buff` abstractions, and the
//! [`Driver`] trait a virtual netdev driver implements to get its
//! `net_device_ops`, `ethtool_ops` and `rtnl_link_ops` (see [`DriverTables`]).
//!
//! Lifetime model (as C `bond_setup()`/`bond_create()`/`bond_newlink()`):
//! * the kernel allocates the device (`alloc_netdev_mqs()`, directly from
//!   [`AllocatedDev::new`] or from rtnetlink) and calls the setup callback,
//!   which initialises the driver's private data `T::Priv` in place in the
//!   `netdev_priv()` area and fills in the device;
//! * the device is registered under RTNL ([`AllocatedDev::register`],
//!   [`NewLinkDev::register`]); from then on the kernel owns it;
//! * unregistering (under RTNL) eventually runs `priv_destructor`, which drops
//!   `T::Priv`, and frees the device (`needs_free_netdev`).
//!
//! A device freed without ever being registered (allocation error paths,
//! failed `newlink`) is freed without `priv_destructor`: `T::Priv` is then
//! leaked rather than dropped, so `T::priv_init()` must not acquire resources
//! (acquire them in [`Driver::init`], which is `ndo_init`, like C does).

use crate::bindings;
pub(crate) use crate::safe::driver::{Driver, DriverTables, SetupConfig};
pub(crate) use crate::safe::ethtool::{DrvInfo, HwTstamp, TsInfo};
use crate::safe::rcu::ReadSide;
use crate::safe::rtnl::Rtnl;
use core::{marker::PhantomData, ops::Deref, ptr::NonNull};
use kernel::{error::to_result, prelude::*, types::Opaque};

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
            // SAFETY: `dev` was reached on the RCU list inside the read-side critical section
            // `_guard` proves for `'a`; a device unlisted meanwhile is freed only after a grace
            // period (`synchronize_net()` in `unregister_netdevice_many()`, then the last
            // reference), which cannot end before `'a` does.
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
    fn link_ops(&self) -> *const bindings::rtnl_link_ops {
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
pub(crate) struct Dev<T: Driver>(NetDevice, PhantomData<T>);

impl<T: Driver> Deref for Dev<T> {
    type Target = NetDevice;

    fn deref(&self) -> &NetDevice {
        &self.0
    }
}

impl<T: Driver> Dev<T> {
    /// # Safety
    ///
    /// `ptr` must be a device set up by [`DriverTables::setup_cb::<T>`] that is
    /// not freed (and whose `T::Priv` is not dropped) during `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a Dev<T> {
        // SAFETY: Transparent wrapper of `NetDevice`; validity from the caller.
        unsafe { &*ptr.cast::<Dev<T>>() }
    }

    /// `dev` if it is a device of driver `T`.
    pub(crate) fn try_from_dev(dev: &NetDevice) -> Option<&Dev<T>> {
        if core::ptr::eq(dev.link_ops(), T::tables().link_ops.get()) {
            // SAFETY: Only `setup_cb::<T>` installs `T`'s link ops, after
            // initialising `T::Priv`; `dev` outlives the returned reference.
            Some(unsafe { Dev::from_raw(dev.as_ptr()) })
        } else {
            None
        }
    }

    /// The driver's private data (C `netdev_priv()`).
    pub(crate) fn private(&self) -> Pin<&T::Priv> {
        // SAFETY: By the type invariant the private area holds an initialised
        // `T::Priv`, pinned there (it is never moved) until `priv_destructor`.
        unsafe { Pin::new_unchecked(&*priv_ptr(self.as_ptr()).cast::<T::Priv>()) }
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
}

/// A device allocated by us and not yet registered; freed on drop.
///
/// # Invariants
///
/// The pointer is a device allocated by `alloc_netdev_mqs()` with `T`'s setup callback, not
/// registered and owned by this value (freed by `free_netdev()` on drop, or handed to the
/// kernel by `register`).
pub(crate) struct AllocatedDev<T: Driver>(NonNull<bindings::net_device>, PhantomData<T>);

impl<T: Driver> AllocatedDev<T> {
    /// C `alloc_netdev_mq(sizeof(priv), name, NET_NAME_UNKNOWN, setup, queues)`
    /// + `dev_net_set()`. `name` may contain a `%d` pattern.
    pub(crate) fn new(name: &CStr, net: &Net) -> Result<Self> {
        let q = T::num_queues();
        // SAFETY: `name` is NUL-terminated; `setup_cb::<T>` matches the private
        // size passed.
        let dev = unsafe {
            bindings::alloc_netdev_mqs(
                size_of::<T::Priv>() as c_int,
                name.as_char_ptr(),
                bindings::NET_NAME_UNKNOWN,
                Some(DriverTables::setup_cb::<T>),
                q,
                q,
            )
        };
        let dev = NonNull::new(dev).ok_or(ENOMEM)?;
        // SAFETY: `dev` is ours and unregistered; `net` is alive.
        unsafe { bindings::bondrs_dev_net_set(dev.as_ptr(), net.as_ptr()) };
        Ok(Self(dev, PhantomData))
    }

    /// `register_netdevice()`; ownership passes to the kernel on success.
    pub(crate) fn register<'a>(self, _rtnl: &'a Rtnl) -> Result<&'a Dev<T>> {
        let dev = self.0.as_ptr();
        // SAFETY: RTNL is held; `dev` was set up by `setup_cb::<T>`.
        to_result(unsafe { bindings::register_netdevice(dev) })?;
        core::mem::forget(self);
        // SAFETY: Registered: the kernel keeps it alive at least until RTNL is
        // released (freeing happens in the todo list run by `rtnl_unlock()`).
        Ok(unsafe { Dev::from_raw(dev) })
    }
}

impl<T: Driver> Drop for AllocatedDev<T> {
    fn drop(&mut self) {
        // SAFETY: Allocated by `alloc_netdev_mqs()` and never registered.
        unsafe { bindings::free_netdev(self.0.as_ptr()) }
    }
}

/// The unregistered device handed to `newlink`. If not registered, rtnetlink
/// frees it after `newlink` returns.
///
/// # Invariants
///
/// The pointer is the device rtnetlink allocated with `T`'s setup callback for the `newlink`
/// call in progress (`'a`), not registered yet.
pub(crate) struct NewLinkDev<'a, T: Driver>(NonNull<bindings::net_device>, PhantomData<&'a T>);

impl<'a, T: Driver> NewLinkDev<'a, T> {
    /// # Safety
    ///
    /// `dev` must be the device given to `rtnl_link_ops.newlink` of `T`.
    pub(crate) unsafe fn from_raw(dev: NonNull<bindings::net_device>) -> Self {
        Self(dev, PhantomData)
    }

    /// `register_netdevice()`.
    pub(crate) fn register(self, _rtnl: &'a Rtnl) -> Result<&'a Dev<T>> {
        let dev = self.0.as_ptr();
        // SAFETY: RTNL is held (newlink runs under it); the device was set up
        // by `setup_cb::<T>` (our link ops' `setup`).
        to_result(unsafe { bindings::register_netdevice(dev) })?;
        // SAFETY: Registered; alive until RTNL is released.
        Ok(unsafe { Dev::from_raw(dev) })
    }
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

impl<T: Driver> Dev<T> {
    /// C `bond_setup_by_slave()` minus the close/reopen: takes over the
    /// link-layer type and header parameters of `slave`, forwarding header
    /// operations to the driver's [`Driver::header_lower`].
    pub(crate) fn setup_by_lower(&self, slave: &NetDevice, _rtnl: &Rtnl) {
        // SAFETY: RTNL held and the device is down (callers close it first):
        // these fields are only read by paths that cannot run now.
        unsafe {
            let d = self.as_ptr();
            let s = slave.as_ptr();
            (*d).header_ops = if (*s).header_ops.is_null() {
                core::ptr::null()
            } else {
                &T::tables().header_ops
            };
            (*d).type_ = (*s).type_;
            (*d).hard_header_len = (*s).hard_header_len;
            (*d).needed_headroom = (*s).needed_headroom;
            (*d).addr_len = (*s).addr_len;
            let (dd, ss) = (&mut *d, &*s);
            let n = usize::from(ss.addr_len).min(dd.broadcast.len());
            dd.broadcast[..n].copy_from_slice(&ss.broadcast[..n]);
            if (*s).flags & bindings::IFF_POINTOPOINT != 0 {
                (*d).flags &= !(bindings::IFF_BROADCAST | bindings::IFF_MULTICAST);
                (*d).flags |= bindings::IFF_POINTOPOINT | bindings::IFF_NOARP;
            }
        }
    }

    /// C `bond_ether_setup()`: back to Ethernet, keeping `IFF_SLAVE`/`IFF_UP`.
    pub(crate) fn ether_setup_master(&self, _rtnl: &Rtnl) {
        // SAFETY: RTNL held; as C, `ether_setup()` on a registered master.
        unsafe {
            let d = self.as_ptr();
            let keep = (*d).flags & (bindings::IFF_SLAVE | bindings::IFF_UP);
            bindings::ether_setup(d);
            (*d).flags |= bindings::IFF_MASTER | keep;
            let fast = &mut (*d).__bindgen_anon_1.__bindgen_anon_1;
            fast.set_priv_flags(fast.priv_flags() & !(bindings::IFF_TX_SKB_SHARING as c_ulong));
        }
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
