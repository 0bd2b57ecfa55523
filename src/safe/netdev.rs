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
use crate::safe::devops::Stats64;
use crate::safe::link::{ExtAck, LinkAttrs, LinkData, NlMsg};
use crate::safe::rtnl::Rtnl;
use core::{cell::UnsafeCell, fmt, marker::PhantomData, ops::Deref, ptr::NonNull};
use kernel::{
    error::from_result,
    error::to_result,
    prelude::*,
    str::NullTerminatedFormatter,
    types::Opaque,
    uaccess::{UserPtr, UserSlice},
};

/// A network namespace (`struct net`).
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

/// A `struct net_device` the caller may access (it is registered or being
/// set up, and not yet freed).
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
        unsafe {
            Pin::new_unchecked(&*bindings::bondrs_netdev_priv(self.as_ptr()).cast::<T::Priv>())
        }
    }
}

/// Ownership of a socket buffer; freed (`dev_kfree_skb_any()`) on drop.
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

/// Device configuration applied by the setup callback after `ether_setup()`.
pub(crate) struct SetupConfig {
    /// `dev->max_mtu`.
    pub(crate) max_mtu: u32,
    /// Bits or-ed into `dev->flags`.
    pub(crate) flags: u32,
    /// Bits or-ed into `dev->priv_flags`.
    pub(crate) priv_flags_set: u64,
    /// Bits cleared from `dev->priv_flags` (after setting).
    pub(crate) priv_flags_clear: u64,
    /// `dev->lltx`.
    pub(crate) lltx: bool,
    /// `dev->netns_immutable`.
    pub(crate) netns_immutable: bool,
    /// `dev->hw_features`.
    pub(crate) hw_features: u64,
    /// `dev->features` (or-ed).
    pub(crate) features: u64,
    /// `dev->xfrmdev_ops` (null: none).
    #[cfg(CONFIG_XFRM_OFFLOAD)]
    pub(crate) xfrmdev_ops: *const bindings::xfrmdev_ops,
}

/// ethtool driver information being filled in (`get_drvinfo`).
pub(crate) struct DrvInfo<'a>(&'a mut bindings::ethtool_drvinfo);

fn c_buf(buf: &mut [c_char]) -> &mut [u8] {
    // SAFETY: `c_char` and `u8` have the same size and alignment and any bit
    // pattern is valid for both.
    unsafe { core::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<u8>(), buf.len()) }
}

fn write_c_buf(buf: &mut [c_char], args: fmt::Arguments<'_>) {
    if let Some(mut f) = NullTerminatedFormatter::new(c_buf(buf)) {
        // Truncation (an error) keeps the NUL-terminated prefix, like strscpy.
        let _ = fmt::Write::write_fmt(&mut f, args);
    }
}

impl DrvInfo<'_> {
    /// `drvinfo->driver`.
    pub(crate) fn set_driver(&mut self, args: fmt::Arguments<'_>) {
        write_c_buf(&mut self.0.driver, args);
    }

    /// `drvinfo->fw_version`.
    pub(crate) fn set_fw_version(&mut self, args: fmt::Arguments<'_>) {
        write_c_buf(&mut self.0.fw_version, args);
    }
}

/// A virtual network device driver.
pub(crate) trait Driver: Sized + 'static {
    /// Private data, lives pinned in the `netdev_priv()` area.
    type Priv: Sync;
    /// `rtnl_link_ops.kind` (`ip link add ... type KIND`).
    const KIND: &'static CStr;
    /// `SET_NETDEV_DEVTYPE()` name (uevent `DEVTYPE=`).
    const DEVTYPE: &'static CStr;

    /// The driver's tables: `static T: DriverTables = DriverTables::new::<Self>();`.
    fn tables() -> &'static DriverTables;
    /// Number of TX and RX queues of new devices.
    fn num_queues() -> u32;
    /// Initialiser of the private data; must not acquire resources (see the
    /// module documentation).
    fn priv_init() -> impl PinInit<Self::Priv>;
    /// Device settings (C `*_setup()`).
    fn setup_config() -> SetupConfig;
    /// `ndo_init`: called under RTNL from `register_netdevice()`.
    fn init(dev: &Dev<Self>, rtnl: &Rtnl) -> Result;
    /// `ndo_open` (RTNL held).
    fn open(dev: &Dev<Self>, rtnl: &Rtnl) -> Result;
    /// `ndo_stop` (RTNL held).
    fn stop(dev: &Dev<Self>, rtnl: &Rtnl) -> Result;
    /// `ndo_start_xmit` (any context, BH disabled).
    fn start_xmit(dev: &Dev<Self>, skb: SkBuff) -> TxStatus;
    /// `ndo_set_mac_address` (RTNL held): `addr` is the new hardware address
    /// (`dev->addr_len` bytes).
    fn set_mac_address(dev: &Dev<Self>, addr: &[u8], rtnl: &Rtnl) -> Result;
    /// `ndo_vlan_rx_add_vid` (RTNL held): VLAN `vid` of protocol `proto` (network
    /// byte order) is now used on top of the device.
    fn vlan_rx_add_vid(dev: &Dev<Self>, proto: u16, vid: u16, rtnl: &Rtnl) -> Result;
    /// `ndo_vlan_rx_kill_vid` (RTNL held).
    fn vlan_rx_kill_vid(dev: &Dev<Self>, proto: u16, vid: u16, rtnl: &Rtnl) -> Result;
    /// ethtool `get_drvinfo`.
    fn drvinfo(dev: &Dev<Self>, info: &mut DrvInfo<'_>);
    /// `rtnl_link_ops.validate`.
    fn validate(tb: &LinkAttrs<'_>, data: &LinkData<'_>, extack: &mut ExtAck<'_>) -> Result;
    /// `rtnl_link_ops.newlink`: must register `dev` (or fail before).
    fn newlink(
        dev: NewLinkDev<'_, Self>,
        data: &LinkData<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result;
    /// `rtnl_link_ops.changelink` (RTNL held).
    fn changelink(
        dev: &Dev<Self>,
        data: &LinkData<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result;
    /// `ndo_uninit` (RTNL held): undo `init`; also called when registration fails.
    fn uninit(dev: &Dev<Self>, rtnl: &Rtnl);
    /// `ndo_add_slave` (RTNL held).
    fn add_slave(
        dev: &Dev<Self>,
        slave: &NetDevice,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result;
    /// `ndo_del_slave` (RTNL held).
    fn del_slave(dev: &Dev<Self>, slave: &NetDevice, rtnl: &Rtnl) -> Result;
    /// `ndo_get_stats64` (any context, may sleep not).
    fn get_stats64(dev: &Dev<Self>, stats: &mut Stats64);
    /// `ndo_change_mtu` (RTNL held).
    fn change_mtu(dev: &Dev<Self>, mtu: u32, rtnl: &Rtnl) -> Result;
    /// `ndo_set_rx_mode` (device address lock held, BH off; RTNL not guaranteed).
    fn set_rx_mode(dev: &Dev<Self>);
    /// `ndo_change_rx_flags` (RTNL held): `change` are the `IFF_*` bits flipped.
    fn change_rx_flags(dev: &Dev<Self>, change: u32, rtnl: &Rtnl);
    /// A bonding ioctl (RTNL held; the capability check is done).
    fn bond_ioctl(dev: &Dev<Self>, req: crate::safe::ioctl::BondIoctl<'_>, rtnl: &Rtnl) -> Result;
    /// `ndo_netpoll_setup` (RTNL held).
    fn netpoll_setup(dev: &Dev<Self>, rtnl: &Rtnl) -> Result;
    /// `ndo_netpoll_cleanup` (RTNL held).
    fn netpoll_cleanup(dev: &Dev<Self>, rtnl: &Rtnl);
    /// `ndo_poll_controller` (netpoll context).
    fn poll_controller(dev: &Dev<Self>);
    /// `ndo_fix_features` (RTNL held).
    fn fix_features(dev: &Dev<Self>, features: u64, rtnl: &Rtnl) -> u64;
    /// ethtool `get_link_ksettings`: (speed, duplex, port) of the bond.
    fn link_ksettings(dev: &Dev<Self>, rtnl: &Rtnl) -> (u32, u8, u8);
    /// `ndo_hwtstamp_get` (RTNL held).
    fn hwtstamp_get(dev: &Dev<Self>, cfg: &mut HwTstamp<'_>, rtnl: &Rtnl) -> Result;
    /// `ndo_hwtstamp_set` (RTNL held).
    fn hwtstamp_set(
        dev: &Dev<Self>,
        cfg: &mut HwTstamp<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result;
    /// ethtool `get_ts_info` (inside an RCU read-side section: must not sleep).
    fn ts_info(dev: &Dev<Self>, info: &mut TsInfo<'_>) -> Result;
    /// `rtnl_link_ops.get_size`.
    fn get_size(dev: &Dev<Self>) -> usize;
    /// `rtnl_link_ops.fill_info` (RTNL held).
    fn fill_info(dev: &Dev<Self>, msg: &mut NlMsg<'_>, rtnl: &Rtnl) -> Result;
    /// `rtnl_link_ops.get_slave_size`.
    fn get_slave_size(dev: &Dev<Self>, slave: &NetDevice) -> usize;
    /// `rtnl_link_ops.fill_slave_info` (RTNL held).
    fn fill_slave_info(
        dev: &Dev<Self>,
        slave: &NetDevice,
        msg: &mut NlMsg<'_>,
        rtnl: &Rtnl,
    ) -> Result;
    /// `rtnl_link_ops.get_linkxstats_size`: room for the extended link
    /// statistics of a device of `T` (`slave` false) or of a lower device.
    fn linkxstats_size(slave: bool) -> usize;
    /// `rtnl_link_ops.fill_linkxstats` (RTNL held): `dev` is a device of `T`
    /// (`slave` false) or a lower device of one (`slave` true).
    fn fill_linkxstats(dev: &NetDevice, slave: bool, msg: &mut NlMsg<'_>, rtnl: &Rtnl) -> Result;
    /// `rtnl_link_ops.slave_changelink` (RTNL held).
    fn slave_changelink(
        dev: &Dev<Self>,
        slave: &NetDevice,
        data: &LinkData<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result;
    /// The lower device whose `header_ops` the device forwards to (C
    /// `bond_header_ops`: the active slave), under RCU.
    fn header_lower<'a>(
        dev: &'a Dev<Self>,
        g: &'a kernel::sync::rcu::Guard,
    ) -> Option<&'a NetDevice>;
    /// `dev->sysfs_groups[0]`, created with the device (see `dev_attr_group!`).
    fn sysfs_group() -> Option<crate::safe::sysfs::GroupRef<Self>>;
    /// `rtnl_link_ops.policy` (`maxtype + 1` entries).
    const POLICY: &'static [bindings::nla_policy];
    /// `rtnl_link_ops.slave_policy` (`slave_maxtype + 1` entries).
    const SLAVE_POLICY: &'static [bindings::nla_policy];
}

/// The C operation tables of driver `T`, in one static per driver.
pub(crate) struct DriverTables {
    netdev_ops: bindings::net_device_ops,
    /// Forwarding `header_ops` for non-Ethernet lower devices.
    pub(crate) header_ops: bindings::header_ops,
    ethtool_ops: bindings::ethtool_ops,
    devtype: bindings::device_type,
    pub(crate) link_ops: UnsafeCell<bindings::rtnl_link_ops>,
}

// SAFETY: `link_ops` is only written by `rtnl_link_register()`/`unregister()`
// (which serialize internally); everything else is read-only.
unsafe impl Sync for DriverTables {}

impl DriverTables {
    /// Tables pointing to the trampolines of `T`.
    pub(crate) const fn new<T: Driver>() -> Self {
        // SAFETY: These are C structs of pointers, integers and an
        // `srcu_struct` (initialised by `rtnl_link_register()`): all-zero is
        // their valid "unset" state, as for C static initialisers.
        let mut netdev_ops: bindings::net_device_ops = unsafe { core::mem::zeroed() };
        netdev_ops.ndo_init = Some(Self::init_cb::<T>);
        netdev_ops.ndo_open = Some(Self::open_cb::<T>);
        netdev_ops.ndo_stop = Some(Self::stop_cb::<T>);
        netdev_ops.ndo_start_xmit = Some(Self::xmit_cb::<T>);
        netdev_ops.ndo_set_mac_address = Some(Self::set_mac_cb::<T>);
        netdev_ops.ndo_vlan_rx_add_vid = Some(Self::vlan_add_cb::<T>);
        netdev_ops.ndo_vlan_rx_kill_vid = Some(Self::vlan_kill_cb::<T>);
        netdev_ops.ndo_uninit = Some(Self::uninit_cb::<T>);
        netdev_ops.ndo_add_slave = Some(Self::add_slave_cb::<T>);
        netdev_ops.ndo_del_slave = Some(Self::del_slave_cb::<T>);
        netdev_ops.ndo_get_stats64 = Some(Self::stats_cb::<T>);
        netdev_ops.ndo_change_mtu = Some(Self::mtu_cb::<T>);
        netdev_ops.ndo_set_rx_mode = Some(Self::rx_mode_cb::<T>);
        netdev_ops.ndo_change_rx_flags = Some(Self::rx_flags_cb::<T>);
        netdev_ops.ndo_fix_features = Some(Self::fix_features_cb::<T>);
        netdev_ops.ndo_select_queue = Some(Self::select_queue_cb);
        netdev_ops.ndo_siocbond = Some(Self::siocbond_cb::<T>);
        netdev_ops.ndo_siocdevprivate = Some(Self::siocdevprivate_cb::<T>);
        netdev_ops.ndo_eth_ioctl = Some(Self::eth_ioctl_cb::<T>);
        netdev_ops.ndo_netpoll_setup = Some(Self::np_setup_cb::<T>);
        netdev_ops.ndo_netpoll_cleanup = Some(Self::np_cleanup_cb::<T>);
        netdev_ops.ndo_poll_controller = Some(Self::poll_cb::<T>);
        netdev_ops.ndo_features_check = Some(bindings::passthru_features_check);
        netdev_ops.ndo_hwtstamp_get = Some(Self::hwtstamp_get_cb::<T>);
        netdev_ops.ndo_hwtstamp_set = Some(Self::hwtstamp_set_cb::<T>);

        // SAFETY: As above.
        let mut ethtool_ops: bindings::ethtool_ops = unsafe { core::mem::zeroed() };
        ethtool_ops.get_drvinfo = Some(Self::drvinfo_cb::<T>);
        ethtool_ops.get_link = Some(bindings::ethtool_op_get_link);
        ethtool_ops.get_link_ksettings = Some(Self::ksettings_cb::<T>);
        ethtool_ops.get_ts_info = Some(Self::ts_info_cb::<T>);

        // SAFETY: As above.
        let mut header_ops: bindings::header_ops = unsafe { core::mem::zeroed() };
        header_ops.create = Some(Self::header_create_cb::<T>);
        header_ops.parse = Some(Self::header_parse_cb::<T>);

        // SAFETY: As above.
        let mut devtype: bindings::device_type = unsafe { core::mem::zeroed() };
        devtype.name = kernel::str::as_char_ptr_in_const_context(T::DEVTYPE);

        // SAFETY: As above.
        let mut link_ops: bindings::rtnl_link_ops = unsafe { core::mem::zeroed() };
        link_ops.kind = kernel::str::as_char_ptr_in_const_context(T::KIND);
        link_ops.priv_size = size_of::<T::Priv>();
        link_ops.setup = Some(Self::setup_cb::<T>);
        link_ops.maxtype = bindings::IFLA_BOND_MAX;
        link_ops.validate = Some(crate::safe::link::validate_cb::<T>);
        link_ops.newlink = Some(crate::safe::link::newlink_cb::<T>);
        link_ops.changelink = Some(crate::safe::link::changelink_cb::<T>);
        link_ops.get_num_tx_queues = Some(Self::num_queues_cb::<T>);
        link_ops.get_num_rx_queues = Some(Self::num_queues_cb::<T>);
        link_ops.get_size = Some(Self::get_size_cb::<T>);
        link_ops.fill_info = Some(Self::fill_info_cb::<T>);
        link_ops.get_slave_size = Some(Self::slave_size_cb::<T>);
        link_ops.fill_slave_info = Some(Self::fill_slave_cb::<T>);
        link_ops.slave_changelink = Some(Self::slave_changelink_cb::<T>);
        link_ops.get_linkxstats_size = Some(Self::xstats_size_cb::<T>);
        link_ops.fill_linkxstats = Some(Self::fill_xstats_cb::<T>);
        link_ops.policy = T::POLICY.as_ptr();
        link_ops.slave_policy = T::SLAVE_POLICY.as_ptr();
        link_ops.slave_maxtype = (T::SLAVE_POLICY.len() - 1) as c_uint;

        Self {
            netdev_ops,
            header_ops,
            ethtool_ops,
            devtype,
            link_ops: UnsafeCell::new(link_ops),
        }
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn num_queues_cb<T: Driver>() -> c_uint {
        T::num_queues()
    }

    /// `setup` callback of `alloc_netdev_mqs()`.
    ///
    /// # Safety
    ///
    /// Called by the kernel on a freshly allocated device whose private area
    /// has `priv_size` zeroed bytes, before anyone else can see the device.
    pub(crate) unsafe extern "C" fn setup_cb<T: Driver>(dev: *mut bindings::net_device) {
        const {
            assert!(
                align_of::<T::Priv>() <= 32,
                "netdev_priv() is NETDEV_ALIGN (32) aligned"
            )
        };
        // SAFETY: `dev` is a valid new device (function safety requirement).
        let priv_ = unsafe { bindings::bondrs_netdev_priv(dev) }.cast::<T::Priv>();
        // The initialiser is infallible: `Err` is uninhabited.
        // SAFETY: The private area is `size_of::<T::Priv>()` bytes (`priv_size` of our link ops,
        // or `AllocatedDev::new`), aligned (checked above), uninitialised, never moved.
        let Ok(()) = unsafe { T::priv_init().__init(priv_) };

        let tables = T::tables();
        let cfg = T::setup_config();
        // SAFETY: `dev` is valid and not shared yet.
        unsafe { bindings::ether_setup(dev) };
        // SAFETY: We have exclusive access to the new device (see above).
        let d = unsafe { &mut *dev };
        d.max_mtu = cfg.max_mtu;
        d.netdev_ops = &tables.netdev_ops;
        d.ethtool_ops = &tables.ethtool_ops;
        d.rtnl_link_ops = tables.link_ops.get();
        d.needs_free_netdev = true;
        d.priv_destructor = Some(Self::destructor_cb::<T>);
        d.dev.type_ = &tables.devtype;
        d.sysfs_groups[0] = T::sysfs_group().map_or(core::ptr::null(), |g| g.group());
        d.flags |= cfg.flags;
        // SAFETY: `priv_flags_fast` is a `struct_group()`: the anonymous and
        // the named member alias the same bits; we use the anonymous one.
        let fast = unsafe { &mut d.__bindgen_anon_1.__bindgen_anon_1 };
        let pf = (fast.priv_flags() | cfg.priv_flags_set as c_ulong)
            & !(cfg.priv_flags_clear as c_ulong);
        fast.set_priv_flags(pf);
        fast.set_lltx(cfg.lltx.into());
        d.set_netns_immutable(cfg.netns_immutable.into());
        d.hw_features = cfg.hw_features;
        d.features |= cfg.features;
        #[cfg(CONFIG_XFRM_OFFLOAD)]
        {
            d.xfrmdev_ops = cfg.xfrmdev_ops;
        }
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn destructor_cb<T: Driver>(dev: *mut bindings::net_device) {
        // SAFETY: Called once by the kernel when the unregistered device is
        // about to be freed: `T::Priv` (initialised in `setup_cb`) is dropped in
        // place and never used again.
        unsafe { core::ptr::drop_in_place(bindings::bondrs_netdev_priv(dev).cast::<T::Priv>()) }
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn init_cb<T: Driver>(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_init` runs from `register_netdevice()`, under RTNL, on a
        // device set up by `setup_cb::<T>`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        from_result(|| T::init(dev, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn open_cb<T: Driver>(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_open` runs under RTNL on a registered device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        from_result(|| T::open(dev, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn stop_cb<T: Driver>(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_stop` runs under RTNL on a registered device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        from_result(|| T::stop(dev, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn set_mac_cb<T: Driver>(
        dev: *mut bindings::net_device,
        addr: *mut c_void,
    ) -> c_int {
        // SAFETY: `ndo_set_mac_address` runs under RTNL on a registered device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        // SAFETY: `dev_set_mac_address()` passes a `struct sockaddr_storage`: the
        // family (2 bytes), then the address, of which `addr_len` (at most
        // `MAX_ADDR_LEN`) bytes are meaningful; we only read them.
        let bytes = unsafe {
            let len = usize::from((*dev.as_ptr()).addr_len).min(bindings::MAX_ADDR_LEN as usize);
            core::slice::from_raw_parts(addr.cast::<u8>().add(size_of::<u16>()), len)
        };
        from_result(|| T::set_mac_address(dev, bytes, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn vlan_add_cb<T: Driver>(
        dev: *mut bindings::net_device,
        proto: bindings::__be16,
        vid: u16,
    ) -> c_int {
        // SAFETY: `ndo_vlan_rx_add_vid` runs under RTNL on a registered device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        from_result(|| T::vlan_rx_add_vid(dev, proto, vid, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn vlan_kill_cb<T: Driver>(
        dev: *mut bindings::net_device,
        proto: bindings::__be16,
        vid: u16,
    ) -> c_int {
        // SAFETY: `ndo_vlan_rx_kill_vid` runs under RTNL on a registered device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        from_result(|| T::vlan_rx_kill_vid(dev, proto, vid, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn xmit_cb<T: Driver>(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
    ) -> bindings::netdev_tx_t {
        // SAFETY: The kernel hands us a registered device of `T`.
        let dev = unsafe { Dev::<T>::from_raw(dev) };
        let Some(skb) = NonNull::new(skb) else {
            return bindings::netdev_tx_NETDEV_TX_OK;
        };
        match T::start_xmit(dev, SkBuff(skb)) {
            TxStatus::Ok => bindings::netdev_tx_NETDEV_TX_OK,
            TxStatus::Dropped => bindings::NET_XMIT_DROP,
            TxStatus::Code(c) => c as bindings::netdev_tx_t,
        }
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn header_create_cb<T: Driver>(
        skb: *mut bindings::sk_buff,
        dev: *mut bindings::net_device,
        ty: c_ushort,
        daddr: *const c_void,
        saddr: *const c_void,
        len: c_uint,
    ) -> c_int {
        // C `bond_header_create()`.
        let g = kernel::sync::rcu::read_lock();
        // SAFETY: A device of `T` (these ops are only installed on them).
        let dev = unsafe { Dev::<T>::from_raw(dev) };
        let Some(lower) = T::header_lower(dev, &g) else {
            return 0;
        };
        // SAFETY: `lower` is alive under RCU; its `header_ops` are static
        // tables of its driver (READ_ONCE as C).
        unsafe {
            let ops = core::ptr::read_volatile(&raw const (*lower.as_ptr()).header_ops);
            match ops.as_ref().and_then(|o| o.create) {
                Some(create) => create(skb, lower.as_ptr(), ty, daddr, saddr, len),
                None => 0,
            }
        }
    }

    /// # Safety
    ///
    /// See [`Self::header_create_cb`].
    unsafe extern "C" fn header_parse_cb<T: Driver>(
        skb: *const bindings::sk_buff,
        dev: *const bindings::net_device,
        haddr: *mut c_uchar,
    ) -> c_int {
        // C `bond_header_parse()`: the lower device's parser, given the lower
        // device (so that stacked bonds do not recurse on the same device).
        let g = kernel::sync::rcu::read_lock();
        // SAFETY: A device of `T`.
        let dev = unsafe { Dev::<T>::from_raw(dev.cast_mut()) };
        let Some(lower) = T::header_lower(dev, &g) else {
            return 0;
        };
        // SAFETY: As in `header_create_cb`.
        unsafe {
            let ops = core::ptr::read_volatile(&raw const (*lower.as_ptr()).header_ops);
            match ops.as_ref().and_then(|o| o.parse) {
                Some(parse) => parse(skb, lower.as_ptr(), haddr),
                None => 0,
            }
        }
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn uninit_cb<T: Driver>(dev: *mut bindings::net_device) {
        // SAFETY: `ndo_uninit` runs under RTNL on a device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        T::uninit(dev, rtnl);
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn add_slave_cb<T: Driver>(
        dev: *mut bindings::net_device,
        slave: *mut bindings::net_device,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: `ndo_add_slave` runs under RTNL with two valid devices and
        // the request's extack (or null).
        let (dev, slave, mut extack, rtnl) = unsafe {
            (
                Dev::<T>::from_raw(dev),
                NetDevice::from_raw(slave),
                ExtAck::from_raw_ptr(extack),
                Rtnl::assume_held(),
            )
        };
        from_result(|| T::add_slave(dev, slave, &mut extack, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn del_slave_cb<T: Driver>(
        dev: *mut bindings::net_device,
        slave: *mut bindings::net_device,
    ) -> c_int {
        // SAFETY: `ndo_del_slave` runs under RTNL with two valid devices.
        let (dev, slave, rtnl) = unsafe {
            (
                Dev::<T>::from_raw(dev),
                NetDevice::from_raw(slave),
                Rtnl::assume_held(),
            )
        };
        from_result(|| T::del_slave(dev, slave, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn stats_cb<T: Driver>(
        dev: *mut bindings::net_device,
        st: *mut bindings::rtnl_link_stats64,
    ) {
        // SAFETY: Valid device of `T`; `st` is an exclusively owned stats
        // struct (an array of `u64` counters), possibly only 4-byte aligned
        // (rtnetlink reserves it inside the message): accessed unaligned.
        let (dev, mut tmp) = unsafe {
            (
                Dev::<T>::from_raw(dev),
                st.cast::<Stats64>().read_unaligned(),
            )
        };
        T::get_stats64(dev, &mut tmp);
        // SAFETY: As above.
        unsafe { st.cast::<Stats64>().write_unaligned(tmp) };
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn mtu_cb<T: Driver>(dev: *mut bindings::net_device, mtu: c_int) -> c_int {
        // SAFETY: `ndo_change_mtu` runs under RTNL on a device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        from_result(|| T::change_mtu(dev, mtu as u32, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn rx_mode_cb<T: Driver>(dev: *mut bindings::net_device) {
        // SAFETY: Valid device of `T` (address lock held by the caller).
        T::set_rx_mode(unsafe { Dev::<T>::from_raw(dev) });
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn rx_flags_cb<T: Driver>(dev: *mut bindings::net_device, change: c_int) {
        // SAFETY: `ndo_change_rx_flags` runs under RTNL on a device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        T::change_rx_flags(dev, change as u32, rtnl);
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn fix_features_cb<T: Driver>(
        dev: *mut bindings::net_device,
        features: bindings::netdev_features_t,
    ) -> bindings::netdev_features_t {
        // SAFETY: `ndo_fix_features` runs under RTNL on a device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        T::fix_features(dev, features, rtnl)
    }

    /// C `bond_do_ioctl()`.
    ///
    /// # Safety
    ///
    /// Called under RTNL with a device of `T` and the kernel copy of the ifreq.
    unsafe fn do_bond_ioctl<T: Driver>(
        dev: *mut bindings::net_device,
        ifr: *mut bindings::ifreq,
        cmd: u32,
    ) -> c_int {
        // SAFETY: Per the function requirements.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        let query = cmd == bindings::SIOCBONDINFOQUERY || cmd == bindings::SIOCBONDSLAVEINFOQUERY;
        // SAFETY: Valid namespace of a registered device.
        let admin = unsafe {
            bindings::bondrs_ns_capable_net_admin(bindings::bondrs_dev_net(dev.as_ptr()))
        };
        if !query && !admin {
            return EPERM.to_errno();
        }
        from_result(|| {
            // SAFETY: `ifr` per the function requirements.
            unsafe { crate::safe::ioctl::do_ioctl(ifr, cmd, |req| T::bond_ioctl(dev, req, rtnl)) }
                .map(|()| 0)
        })
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn siocbond_cb<T: Driver>(
        dev: *mut bindings::net_device,
        ifr: *mut bindings::ifreq,
        cmd: c_int,
    ) -> c_int {
        // SAFETY: `ndo_siocbond` runs under RTNL with the kernel's ifreq copy.
        unsafe { Self::do_bond_ioctl::<T>(dev, ifr, cmd as u32) }
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn siocdevprivate_cb<T: Driver>(
        dev: *mut bindings::net_device,
        ifr: *mut bindings::ifreq,
        data: *mut c_void,
        cmd: c_int,
    ) -> c_int {
        let Some((new, use_data)) = crate::safe::ioctl::old_to_new(cmd as u32) else {
            return EOPNOTSUPP.to_errno();
        };
        if use_data {
            // C: `struct ifreq ifrdata = { .ifr_data = data };`
            // SAFETY: All-zero is a valid ifreq; we set the data pointer.
            let mut tmp: bindings::ifreq = unsafe { core::mem::zeroed() };
            tmp.ifr_ifru.ifru_data = data.cast();
            // SAFETY: Under RTNL (ndo_siocdevprivate), a device of `T`.
            unsafe { Self::do_bond_ioctl::<T>(dev, &mut tmp, new) }
        } else {
            // SAFETY: As above, with the caller's ifreq.
            unsafe { Self::do_bond_ioctl::<T>(dev, ifr, new) }
        }
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn eth_ioctl_cb<T: Driver>(
        dev: *mut bindings::net_device,
        ifr: *mut bindings::ifreq,
        cmd: c_int,
    ) -> c_int {
        // SAFETY: A device of `T`; `ifr` is the kernel copy.
        let carrier = unsafe { Dev::<T>::from_raw(dev) }.carrier_ok();
        from_result(|| {
            // SAFETY: As above.
            unsafe { crate::safe::ioctl::mii_ioctl(ifr, cmd as u32, carrier) }.map(|()| 0)
        })
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn np_setup_cb<T: Driver>(dev: *mut bindings::net_device) -> c_int {
        // SAFETY: `ndo_netpoll_setup` runs under RTNL on a device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        from_result(|| T::netpoll_setup(dev, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn np_cleanup_cb<T: Driver>(dev: *mut bindings::net_device) {
        // SAFETY: `ndo_netpoll_cleanup` runs under RTNL on a device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        T::netpoll_cleanup(dev, rtnl);
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn poll_cb<T: Driver>(dev: *mut bindings::net_device) {
        // SAFETY: A device of `T`, from netpoll.
        T::poll_controller(unsafe { Dev::<T>::from_raw(dev) });
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn select_queue_cb(
        dev: *mut bindings::net_device,
        skb: *mut bindings::sk_buff,
        _sb_dev: *mut bindings::net_device,
    ) -> u16 {
        // SAFETY: Valid skb being sent on `dev`.
        unsafe { crate::safe::skb::select_queue(skb, dev) }
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn ksettings_cb<T: Driver>(
        dev: *mut bindings::net_device,
        ks: *mut bindings::ethtool_link_ksettings,
    ) -> c_int {
        // SAFETY: ethtool calls this under RTNL with a valid, owned `ks`.
        let (dev, rtnl, ks) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held(), &mut *ks) };
        let (speed, duplex, port) = T::link_ksettings(dev, rtnl);
        ks.base.speed = speed;
        ks.base.duplex = duplex;
        ks.base.port = port;
        0
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn get_size_cb<T: Driver>(dev: *const bindings::net_device) -> usize {
        // SAFETY: Valid device of `T`.
        T::get_size(unsafe { Dev::<T>::from_raw(dev.cast_mut()) })
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn fill_info_cb<T: Driver>(
        skb: *mut bindings::sk_buff,
        dev: *const bindings::net_device,
    ) -> c_int {
        // SAFETY: `fill_info` runs under RTNL (rtnl_fill_ifinfo) with the
        // message skb and a device of `T`.
        let (dev, mut msg, rtnl) = unsafe {
            (
                Dev::<T>::from_raw(dev.cast_mut()),
                NlMsg::from_raw(skb),
                Rtnl::assume_held(),
            )
        };
        from_result(|| T::fill_info(dev, &mut msg, rtnl).map(|()| 0))
    }

    /// Which extended statistics `attr` asks for: `Some(slave)`.
    fn xstats_kind(attr: c_int) -> Option<bool> {
        match attr {
            bindings::IFLA_STATS_LINK_XSTATS => Some(false),
            bindings::IFLA_STATS_LINK_XSTATS_SLAVE => Some(true),
            _ => None,
        }
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn xstats_size_cb<T: Driver>(
        _dev: *const bindings::net_device,
        attr: c_int,
    ) -> usize {
        Self::xstats_kind(attr).map_or(0, T::linkxstats_size)
    }

    /// # Safety
    ///
    /// Called by rtnetlink under RTNL with the message skb and a device of `T`
    /// (`IFLA_STATS_LINK_XSTATS`) or a lower device of one
    /// (`IFLA_STATS_LINK_XSTATS_SLAVE`).
    unsafe extern "C" fn fill_xstats_cb<T: Driver>(
        skb: *mut bindings::sk_buff,
        dev: *const bindings::net_device,
        _prividx: *mut c_int,
        attr: c_int,
    ) -> c_int {
        let Some(slave) = Self::xstats_kind(attr) else {
            return EINVAL.to_errno();
        };
        // SAFETY: Per the function requirements.
        let (dev, mut msg, rtnl) = unsafe {
            (
                NetDevice::from_raw(dev.cast_mut()),
                NlMsg::from_raw(skb),
                Rtnl::assume_held(),
            )
        };
        from_result(|| T::fill_linkxstats(dev, slave, &mut msg, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn slave_size_cb<T: Driver>(
        dev: *const bindings::net_device,
        slave: *const bindings::net_device,
    ) -> usize {
        // SAFETY: Valid devices (the master is of `T`).
        let (dev, slave) = unsafe {
            (
                Dev::<T>::from_raw(dev.cast_mut()),
                NetDevice::from_raw(slave.cast_mut()),
            )
        };
        T::get_slave_size(dev, slave)
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn fill_slave_cb<T: Driver>(
        skb: *mut bindings::sk_buff,
        dev: *const bindings::net_device,
        slave: *const bindings::net_device,
    ) -> c_int {
        // SAFETY: Under RTNL, with the message skb, the master (of `T`) and
        // one of its lower devices.
        let (dev, slave, mut msg, rtnl) = unsafe {
            (
                Dev::<T>::from_raw(dev.cast_mut()),
                NetDevice::from_raw(slave.cast_mut()),
                NlMsg::from_raw(skb),
                Rtnl::assume_held(),
            )
        };
        from_result(|| T::fill_slave_info(dev, slave, &mut msg, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// See [`Self::uninit_cb`].
    unsafe extern "C" fn slave_changelink_cb<T: Driver>(
        dev: *mut bindings::net_device,
        slave: *mut bindings::net_device,
        _tb: *mut *mut bindings::nlattr,
        data: *mut *mut bindings::nlattr,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: Under RTNL with the master (of `T`), its slave, the parsed
        // slave data table (`slave_maxtype + 1` entries) and the extack.
        let (dev, slave, data, mut extack, rtnl) = unsafe {
            (
                Dev::<T>::from_raw(dev),
                NetDevice::from_raw(slave),
                LinkData::from_raw_max(data, (T::SLAVE_POLICY.len() - 1) as u32),
                ExtAck::from_raw_ptr(extack),
                Rtnl::assume_held(),
            )
        };
        from_result(|| T::slave_changelink(dev, slave, &data, &mut extack, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have.
    unsafe extern "C" fn drvinfo_cb<T: Driver>(
        dev: *mut bindings::net_device,
        info: *mut bindings::ethtool_drvinfo,
    ) {
        // SAFETY: ethtool calls this on a registered device of `T` with a valid,
        // exclusively owned `info`.
        let (dev, info) = unsafe { (Dev::<T>::from_raw(dev), &mut *info) };
        T::drvinfo(dev, &mut DrvInfo(info));
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have
    /// (RTNL held).
    unsafe extern "C" fn hwtstamp_get_cb<T: Driver>(
        dev: *mut bindings::net_device,
        cfg: *mut bindings::kernel_hwtstamp_config,
    ) -> c_int {
        // SAFETY: A registered device of `T`, a valid exclusively owned `cfg`,
        // under RTNL (`dev_get_hwtstamp()` / ethtool).
        let (dev, cfg, rtnl) = unsafe { (Dev::<T>::from_raw(dev), &mut *cfg, Rtnl::assume_held()) };
        from_result(|| T::hwtstamp_get(dev, &mut HwTstamp(cfg), rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// As [`Self::hwtstamp_get_cb`].
    unsafe extern "C" fn hwtstamp_set_cb<T: Driver>(
        dev: *mut bindings::net_device,
        cfg: *mut bindings::kernel_hwtstamp_config,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: As in `hwtstamp_get_cb`; `extack` is null or the request's.
        let (dev, cfg, mut extack, rtnl) = unsafe {
            (
                Dev::<T>::from_raw(dev),
                &mut *cfg,
                ExtAck::from_raw_ptr(extack),
                Rtnl::assume_held(),
            )
        };
        from_result(|| T::hwtstamp_set(dev, &mut HwTstamp(cfg), &mut extack, rtnl).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have
    /// (`__ethtool_get_ts_info()`, inside an RCU read-side section).
    unsafe extern "C" fn ts_info_cb<T: Driver>(
        dev: *mut bindings::net_device,
        info: *mut bindings::kernel_ethtool_ts_info,
    ) -> c_int {
        // SAFETY: A registered device of `T` and a valid, exclusively owned `info`.
        let (dev, info) = unsafe { (Dev::<T>::from_raw(dev), &mut *info) };
        from_result(|| T::ts_info(dev, &mut TsInfo(info)).map(|()| 0))
    }
}

/// A hardware time stamping configuration being read or set
/// (`ndo_hwtstamp_get`/`ndo_hwtstamp_set`).
pub(crate) struct HwTstamp<'a>(&'a mut bindings::kernel_hwtstamp_config);

impl HwTstamp<'_> {
    /// Whether the request carries `HWTSTAMP_FLAG_BONDED_PHC_INDEX`.
    pub(crate) fn bonded_phc_index(&self) -> bool {
        self.0.flags & bindings::HWTSTAMP_FLAG_BONDED_PHC_INDEX != 0
    }

    /// C `generic_hwtstamp_get_lower(dev, cfg)`.
    pub(crate) fn get_lower(&mut self, dev: &NetDevice, _rtnl: &Rtnl) -> Result {
        // SAFETY: `dev` is alive; RTNL held, the ops lock is taken inside.
        to_result(unsafe { bindings::generic_hwtstamp_get_lower(dev.as_ptr(), self.0) })
    }

    /// C `generic_hwtstamp_set_lower(dev, cfg, extack)`.
    pub(crate) fn set_lower(
        &mut self,
        dev: &NetDevice,
        extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        // SAFETY: As in `get_lower`; `extack` is null or the request's.
        to_result(unsafe {
            bindings::generic_hwtstamp_set_lower(dev.as_ptr(), self.0, extack.as_raw())
        })
    }

    /// C `bond_set_phc_index_flag()`: sets `HWTSTAMP_FLAG_BONDED_PHC_INDEX`
    /// in the answer, in user memory if the lower device answered there (a
    /// legacy ioctl implementation).
    pub(crate) fn set_bonded_phc_index(&mut self) -> Result {
        if !self.0.copied_to_user {
            self.0.flags |= bindings::HWTSTAMP_FLAG_BONDED_PHC_INDEX;
            return Ok(());
        }
        // `struct hwtstamp_config` starts with its `int flags`.
        // SAFETY: With `copied_to_user`, `ifr` is the request's `ifreq`, whose
        // `ifr_data` is the user's `hwtstamp_config`.
        let data = unsafe { (*self.0.ifr).ifr_ifru.ifru_data };
        let slice = UserSlice::new(UserPtr::from_ptr(data), size_of::<c_int>());
        let (mut r, mut w) = slice.reader_writer();
        let mut flags = [0u8; size_of::<c_int>()];
        r.read_slice(&mut flags).map_err(|_| EFAULT)?;
        let v = c_int::from_ne_bytes(flags) | bindings::HWTSTAMP_FLAG_BONDED_PHC_INDEX;
        w.write_slice(&v.to_ne_bytes()).map_err(|_| EFAULT)
    }
}

/// Time stamping capabilities being filled in (ethtool `get_ts_info`).
pub(crate) struct TsInfo<'a>(&'a mut bindings::kernel_ethtool_ts_info);

impl TsInfo<'_> {
    /// C `ethtool_get_ts_info_by_layer(dev, info)`: the capabilities of `dev`.
    pub(crate) fn fill_from(&mut self, dev: &NetDevice) -> Result {
        // SAFETY: `dev` is alive; `self.0` is valid and ours.
        to_result(unsafe { bindings::ethtool_get_ts_info_by_layer(dev.as_ptr(), self.0) })
    }

    /// Adds `SOF_TIMESTAMPING_TX_SOFTWARE`.
    pub(crate) fn add_tx_software(&mut self) {
        self.0.so_timestamping |= bindings::SOF_TIMESTAMPING_TX_SOFTWARE;
    }
}

impl NetDevice {
    /// Whether the device's time stamping capabilities include software
    /// transmit time stamps (`SOF_TIMESTAMPING_TX_SOFTWARE`).
    pub(crate) fn ts_tx_software(&self) -> Result<bool> {
        // SAFETY: All-zero is a valid (initial) `kernel_ethtool_ts_info`.
        let mut info: bindings::kernel_ethtool_ts_info = unsafe { core::mem::zeroed() };
        TsInfo(&mut info).fill_from(self)?;
        Ok(info.so_timestamping & bindings::SOF_TIMESTAMPING_TX_SOFTWARE != 0)
    }
}

/// A device allocated by us and not yet registered; freed on drop.
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
