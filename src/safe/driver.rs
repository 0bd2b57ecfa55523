// SPDX-License-Identifier: GPL-2.0

//! The [`Driver`] trait a virtual netdev driver implements, and [`DriverTables`], its
//! `net_device_ops`, `ethtool_ops`, `header_ops` and `rtnl_link_ops` pointing to the
//! trampolines below, each of which turns the C call into a safe call of the driver; the
//! devices of a driver ([`Dev`]'s driver part, [`AllocatedDev`], [`NewLinkDev`]) and its
//! rtnetlink link registration ([`LinkRegistration`]). The top of the safe layer: the other
//! files of `safe/` that name [`Driver`] (sysfs, proc, work, xfrm) sit above it, those it
//! names (netdev, link, ethtool, devops, skb, ioctl, rcu, rtnl) below it.

use crate::bindings;
use crate::safe::devops::Stats64;
use crate::safe::ethtool::{DrvInfo, HwTstamp, TsInfo};
use crate::safe::link::{ExtAck, LinkAttrs, LinkData, NlMsg};
use crate::safe::netdev::{priv_ptr, Dev, Net, NetDevice, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::{LentSkb, Sock};
#[cfg(CONFIG_BPF_SYSCALL)]
use crate::safe::xdp::XdpCommand;
use crate::safe::xdp::{XdpBuff, XdpFrames};
use core::{cell::UnsafeCell, marker::PhantomData, ptr::NonNull};
use kernel::{
    error::{from_result, to_result, VTABLE_DEFAULT_ERROR},
    prelude::*,
};

/// A device attribute group of driver `T` as the device core sees it: the group and its
/// attribute table.
///
/// # Invariants
///
/// Made only from a `&'static AttrGroup<T, ..>` (`sysfs::AttrGroup::group_ref`: the fields
/// are open to `safe/` for that alone), whose construction guarantees that `group` lists
/// exactly the `len` attributes at `attrs`, all static.
pub(crate) struct GroupRef<T> {
    pub(super) attrs: *const bindings::device_attribute,
    pub(super) len: usize,
    pub(super) group: *const bindings::attribute_group,
    pub(super) _p: PhantomData<T>,
}

impl<T> GroupRef<T> {
    /// The `attribute_group` (for `dev->sysfs_groups`).
    pub(crate) fn group(&self) -> *const bindings::attribute_group {
        self.group
    }
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

/// A virtual network device driver. `#[vtable]`: a driver implements what it has; the
/// operations it leaves out are not installed in the C tables (the C core then does without,
/// as for a C driver whose ops leave them NULL). The required ones have no default.
#[vtable]
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
    /// `ndo_start_xmit` (any context, BH disabled: an RCU read-side critical section, `rcu`).
    fn start_xmit(dev: &Dev<Self>, skb: SkBuff, rcu: &XmitReadSide) -> TxStatus;
    /// `ndo_set_mac_address` (RTNL held): `addr` is the new hardware address
    /// (`dev->addr_len` bytes).
    fn set_mac_address(_dev: &Dev<Self>, _addr: &[u8], _rtnl: &Rtnl) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_vlan_rx_add_vid` (RTNL held): VLAN `vid` of protocol `proto` (network
    /// byte order) is now used on top of the device.
    fn vlan_rx_add_vid(_dev: &Dev<Self>, _proto: u16, _vid: u16, _rtnl: &Rtnl) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_vlan_rx_kill_vid` (RTNL held).
    fn vlan_rx_kill_vid(_dev: &Dev<Self>, _proto: u16, _vid: u16, _rtnl: &Rtnl) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// ethtool `get_drvinfo`.
    fn drvinfo(_dev: &Dev<Self>, _info: &mut DrvInfo<'_>) {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.validate`.
    fn validate(_tb: &LinkAttrs<'_>, _data: &LinkData<'_>, _extack: &mut ExtAck<'_>) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.newlink`: must register `dev` (or fail before).
    fn newlink(
        _dev: NewLinkDev<'_, Self>,
        _data: &LinkData<'_>,
        _extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.changelink` (RTNL held).
    fn changelink(
        _dev: &Dev<Self>,
        _data: &LinkData<'_>,
        _extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_uninit` (RTNL held): undo `init`; also called when registration fails.
    fn uninit(dev: &Dev<Self>, rtnl: &Rtnl);
    /// `ndo_add_slave` (RTNL held).
    fn add_slave(
        _dev: &Dev<Self>,
        _slave: &NetDevice,
        _extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_del_slave` (RTNL held).
    fn del_slave(_dev: &Dev<Self>, _slave: &NetDevice, _rtnl: &Rtnl) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_get_stats64` (any context, may sleep not).
    fn get_stats64(_dev: &Dev<Self>, _stats: &mut Stats64) {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_change_mtu` (RTNL held).
    fn change_mtu(_dev: &Dev<Self>, _mtu: u32, _rtnl: &Rtnl) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_set_rx_mode` (device address lock held, BH off; RTNL not guaranteed).
    fn set_rx_mode(_dev: &Dev<Self>) {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_change_rx_flags` (RTNL held): `change` are the `IFF_*` bits flipped.
    fn change_rx_flags(_dev: &Dev<Self>, _change: u32, _rtnl: &Rtnl) {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// A bonding ioctl (RTNL held; the capability check is done).
    fn bond_ioctl(
        _dev: &Dev<Self>,
        _req: crate::safe::ioctl::BondIoctl<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_bpf` (RTNL held): the command, with the program lent for the call (kept by a
    /// clone). Only with `CONFIG_BPF_SYSCALL`: without it no program exists to install.
    #[cfg(CONFIG_BPF_SYSCALL)]
    fn xdp_setup(_dev: &Dev<Self>, _cmd: XdpCommand<'_>, _rtnl: &Rtnl) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_xdp_xmit`: sends `frames` on, in order; the number sent, or a negative errno if
    /// the first could not be (the caller frees the frames not sent). Bottom halves are off
    /// (`tx`).
    fn xdp_xmit(_dev: &Dev<Self>, _frames: XdpFrames, _flags: u32, _tx: &XmitReadSide) -> c_int {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_xdp_get_xmit_slave`: the lower device that would transmit `xdp` (`XDP_TX` on a
    /// lower device of a device with an XDP program: `xdp_master_redirect()`). Bottom halves
    /// are off (`tx`).
    fn xdp_get_xmit_slave<'a>(
        _dev: &'a Dev<Self>,
        _xdp: &XdpBuff<'_>,
        _tx: &'a XmitReadSide,
    ) -> Option<&'a NetDevice> {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_netpoll_setup` (RTNL held).
    fn netpoll_setup(_dev: &Dev<Self>, _rtnl: &Rtnl) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_netpoll_cleanup` (RTNL held).
    fn netpoll_cleanup(_dev: &Dev<Self>, _rtnl: &Rtnl) {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_poll_controller` (netpoll context).
    fn poll_controller(_dev: &Dev<Self>) {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_fix_features` (RTNL held).
    fn fix_features(_dev: &Dev<Self>, _features: u64, _rtnl: &Rtnl) -> u64 {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// ethtool `get_link_ksettings`: (speed, duplex, port) of the bond.
    fn link_ksettings(_dev: &Dev<Self>, _rtnl: &Rtnl) -> (u32, u8, u8) {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_hwtstamp_get` (RTNL held).
    fn hwtstamp_get(_dev: &Dev<Self>, _cfg: &mut HwTstamp<'_>, _rtnl: &Rtnl) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_hwtstamp_set` (RTNL held).
    fn hwtstamp_set(
        _dev: &Dev<Self>,
        _cfg: &mut HwTstamp<'_>,
        _extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// ethtool `get_ts_info` (inside an RCU read-side section: must not sleep).
    fn ts_info(_dev: &Dev<Self>, _info: &mut TsInfo<'_>) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.get_size`.
    fn get_size(_dev: &Dev<Self>) -> usize {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.fill_info` (RTNL held).
    fn fill_info(_dev: &Dev<Self>, _msg: &mut NlMsg<'_>, _rtnl: &Rtnl) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.get_slave_size`.
    fn get_slave_size(_dev: &Dev<Self>, _slave: &NetDevice) -> usize {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.fill_slave_info` (RTNL held).
    fn fill_slave_info(
        _dev: &Dev<Self>,
        _slave: &NetDevice,
        _msg: &mut NlMsg<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.get_linkxstats_size`: room for the extended link
    /// statistics of a device of `T` (`slave` false) or of a lower device.
    fn linkxstats_size(_slave: bool) -> usize {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.fill_linkxstats` (RTNL held): `dev` is a device of `T`
    /// (`slave` false) or a lower device of one (`slave` true).
    fn fill_linkxstats(
        _dev: &NetDevice,
        _slave: bool,
        _msg: &mut NlMsg<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `rtnl_link_ops.slave_changelink` (RTNL held).
    fn slave_changelink(
        _dev: &Dev<Self>,
        _slave: &NetDevice,
        _data: &LinkData<'_>,
        _extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// The lower device whose `header_ops` the device forwards to (C
    /// `bond_header_ops`: the active slave), under RCU.
    fn header_lower<'a>(
        _dev: &'a Dev<Self>,
        _g: &'a kernel::sync::rcu::Guard,
    ) -> Option<&'a NetDevice> {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_get_xmit_slave` (C `netdev_get_xmit_slave()`, asked by RDMA for RoCE LAG): the
    /// lower device `skb` would be transmitted on, every lower device counting as able to
    /// transmit with `all_slaves`. The caller holds RCU; bottom halves are off for the call
    /// (`tx`), so the transmit path's choice applies as it is.
    fn get_xmit_slave<'a>(
        _dev: &'a Dev<Self>,
        _skb: &mut LentSkb<'_>,
        _all_slaves: bool,
        _tx: &'a XmitReadSide,
    ) -> Option<&'a NetDevice> {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `ndo_sk_get_lower_dev` (C `netdev_sk_get_lowest_dev()`, asked by kTLS device offload):
    /// the lower device the traffic of socket `sk` leaves by, under RCU (`g`); `None` for the
    /// device itself.
    fn sk_get_lower_dev<'a>(
        _dev: &'a Dev<Self>,
        _sk: &Sock,
        _g: &'a kernel::sync::rcu::Guard,
    ) -> Option<&'a NetDevice> {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// The lower device whose `ndo_neigh_setup` sets up each neighbour created on the device
    /// (C `bond_neigh_init()`: the first slave), under RCU. Implementing it installs
    /// `ndo_neigh_setup` (C `bond_neigh_setup()`).
    fn neigh_lower<'a>(
        _dev: &'a Dev<Self>,
        _g: &'a kernel::sync::rcu::Guard,
    ) -> Option<&'a NetDevice> {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
    /// `dev->sysfs_groups[0]`, created with the device (see `dev_attr_group!`).
    fn sysfs_group() -> Option<GroupRef<Self>> {
        kernel::build_error!(VTABLE_DEFAULT_ERROR)
    }
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
        if T::HAS_SET_MAC_ADDRESS {
            netdev_ops.ndo_set_mac_address = Some(Self::set_mac_cb::<T>);
        }
        if T::HAS_VLAN_RX_ADD_VID {
            netdev_ops.ndo_vlan_rx_add_vid = Some(Self::vlan_add_cb::<T>);
        }
        if T::HAS_VLAN_RX_KILL_VID {
            netdev_ops.ndo_vlan_rx_kill_vid = Some(Self::vlan_kill_cb::<T>);
        }
        netdev_ops.ndo_uninit = Some(Self::uninit_cb::<T>);
        if T::HAS_ADD_SLAVE {
            netdev_ops.ndo_add_slave = Some(Self::add_slave_cb::<T>);
        }
        if T::HAS_DEL_SLAVE {
            netdev_ops.ndo_del_slave = Some(Self::del_slave_cb::<T>);
        }
        if T::HAS_GET_STATS64 {
            netdev_ops.ndo_get_stats64 = Some(Self::stats_cb::<T>);
        }
        if T::HAS_CHANGE_MTU {
            netdev_ops.ndo_change_mtu = Some(Self::mtu_cb::<T>);
        }
        if T::HAS_SET_RX_MODE {
            netdev_ops.ndo_set_rx_mode = Some(Self::rx_mode_cb::<T>);
        }
        if T::HAS_CHANGE_RX_FLAGS {
            netdev_ops.ndo_change_rx_flags = Some(Self::rx_flags_cb::<T>);
        }
        if T::HAS_FIX_FEATURES {
            netdev_ops.ndo_fix_features = Some(Self::fix_features_cb::<T>);
        }
        netdev_ops.ndo_select_queue = Some(Self::select_queue_cb);
        if T::HAS_BOND_IOCTL {
            netdev_ops.ndo_siocbond = Some(Self::siocbond_cb::<T>);
        }
        if T::HAS_BOND_IOCTL {
            netdev_ops.ndo_siocdevprivate = Some(Self::siocdevprivate_cb::<T>);
        }
        if T::HAS_BOND_IOCTL {
            netdev_ops.ndo_eth_ioctl = Some(Self::eth_ioctl_cb::<T>);
        }
        #[cfg(CONFIG_BPF_SYSCALL)]
        if T::HAS_XDP_SETUP {
            netdev_ops.ndo_bpf = Some(Self::bpf_cb::<T>);
        }
        if T::HAS_XDP_XMIT {
            netdev_ops.ndo_xdp_xmit = Some(Self::xdp_xmit_cb::<T>);
        }
        if T::HAS_XDP_GET_XMIT_SLAVE {
            netdev_ops.ndo_xdp_get_xmit_slave = Some(Self::xdp_slave_cb::<T>);
        }
        if T::HAS_NETPOLL_SETUP {
            netdev_ops.ndo_netpoll_setup = Some(Self::np_setup_cb::<T>);
        }
        if T::HAS_NETPOLL_CLEANUP {
            netdev_ops.ndo_netpoll_cleanup = Some(Self::np_cleanup_cb::<T>);
        }
        if T::HAS_POLL_CONTROLLER {
            netdev_ops.ndo_poll_controller = Some(Self::poll_cb::<T>);
        }
        netdev_ops.ndo_features_check = Some(bindings::passthru_features_check);
        if T::HAS_HWTSTAMP_GET {
            netdev_ops.ndo_hwtstamp_get = Some(Self::hwtstamp_get_cb::<T>);
        }
        if T::HAS_HWTSTAMP_SET {
            netdev_ops.ndo_hwtstamp_set = Some(Self::hwtstamp_set_cb::<T>);
        }
        if T::HAS_GET_XMIT_SLAVE {
            netdev_ops.ndo_get_xmit_slave = Some(Self::get_xmit_slave_cb::<T>);
        }
        if T::HAS_SK_GET_LOWER_DEV {
            netdev_ops.ndo_sk_get_lower_dev = Some(Self::sk_lower_cb::<T>);
        }
        if T::HAS_NEIGH_LOWER {
            netdev_ops.ndo_neigh_setup = Some(Self::neigh_setup_cb::<T>);
        }

        // SAFETY: As above.
        let mut ethtool_ops: bindings::ethtool_ops = unsafe { core::mem::zeroed() };
        if T::HAS_DRVINFO {
            ethtool_ops.get_drvinfo = Some(Self::drvinfo_cb::<T>);
        }
        ethtool_ops.get_link = Some(bindings::ethtool_op_get_link);
        if T::HAS_LINK_KSETTINGS {
            ethtool_ops.get_link_ksettings = Some(Self::ksettings_cb::<T>);
        }
        if T::HAS_TS_INFO {
            ethtool_ops.get_ts_info = Some(Self::ts_info_cb::<T>);
        }

        // SAFETY: As above.
        let mut header_ops: bindings::header_ops = unsafe { core::mem::zeroed() };
        if T::HAS_HEADER_LOWER {
            header_ops.create = Some(Self::header_create_cb::<T>);
        }
        if T::HAS_HEADER_LOWER {
            header_ops.parse = Some(Self::header_parse_cb::<T>);
        }

        // SAFETY: As above.
        let mut devtype: bindings::device_type = unsafe { core::mem::zeroed() };
        devtype.name = kernel::str::as_char_ptr_in_const_context(T::DEVTYPE);

        // SAFETY: As above.
        let mut link_ops: bindings::rtnl_link_ops = unsafe { core::mem::zeroed() };
        link_ops.kind = kernel::str::as_char_ptr_in_const_context(T::KIND);
        link_ops.priv_size = size_of::<T::Priv>();
        link_ops.setup = Some(Self::setup_cb::<T>);
        link_ops.maxtype = bindings::IFLA_BOND_MAX;
        if T::HAS_VALIDATE {
            link_ops.validate = Some(validate_cb::<T>);
        }
        if T::HAS_NEWLINK {
            link_ops.newlink = Some(newlink_cb::<T>);
        }
        if T::HAS_CHANGELINK {
            link_ops.changelink = Some(changelink_cb::<T>);
        }
        link_ops.get_num_tx_queues = Some(Self::num_queues_cb::<T>);
        link_ops.get_num_rx_queues = Some(Self::num_queues_cb::<T>);
        if T::HAS_GET_SIZE {
            link_ops.get_size = Some(Self::get_size_cb::<T>);
        }
        if T::HAS_FILL_INFO {
            link_ops.fill_info = Some(Self::fill_info_cb::<T>);
        }
        if T::HAS_GET_SLAVE_SIZE {
            link_ops.get_slave_size = Some(Self::slave_size_cb::<T>);
        }
        if T::HAS_FILL_SLAVE_INFO {
            link_ops.fill_slave_info = Some(Self::fill_slave_cb::<T>);
        }
        if T::HAS_SLAVE_CHANGELINK {
            link_ops.slave_changelink = Some(Self::slave_changelink_cb::<T>);
        }
        if T::HAS_LINKXSTATS_SIZE {
            link_ops.get_linkxstats_size = Some(Self::xstats_size_cb::<T>);
        }
        if T::HAS_FILL_LINKXSTATS {
            link_ops.fill_linkxstats = Some(Self::fill_xstats_cb::<T>);
        }
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
        let priv_ = unsafe { crate::safe::netdev::priv_ptr(dev) }.cast::<T::Priv>();
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
        unsafe { core::ptr::drop_in_place(crate::safe::netdev::priv_ptr(dev).cast::<T::Priv>()) }
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
        // SAFETY: The core calls `ndo_start_xmit` with bottom halves (or, netpoll, interrupts)
        // disabled, for the whole call.
        let rcu = unsafe { XmitReadSide::new() };
        match T::start_xmit(dev, SkBuff(skb), &rcu) {
            TxStatus::Ok => bindings::netdev_tx_NETDEV_TX_OK,
            TxStatus::Dropped => bindings::NET_XMIT_DROP,
            TxStatus::Code(c) => c as bindings::netdev_tx_t,
            TxStatus::Busy(skb) => {
                // The caller keeps the skb with `NETDEV_TX_BUSY`: not freed here.
                core::mem::forget(skb);
                bindings::netdev_tx_NETDEV_TX_BUSY
            }
        }
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have
    /// (`netdev_get_xmit_slave()`: the caller holds RCU and lends `skb` for the call).
    unsafe extern "C" fn get_xmit_slave_cb<T: Driver>(
        dev: *mut bindings::net_device,
        skb: *mut bindings::sk_buff,
        all_slaves: bool,
    ) -> *mut bindings::net_device {
        let Some(skb) = NonNull::new(skb) else {
            return core::ptr::null_mut();
        };
        // SAFETY: A registered device of `T`; the caller's skb, lent for the call.
        let (dev, mut skb) = unsafe { (Dev::<T>::from_raw(dev), LentSkb::from_raw(skb)) };
        // Callers ask from any context (RDMA from process context, C's choice then takes the
        // mode's lock with the plain `spin_lock()` of its transmit path): bottom halves go off
        // for the call, so the transmit path's choice is made as in a transmit.
        // SAFETY: Paired with the `local_bh_enable()` below, in the same context.
        unsafe { bindings::bondrs_local_bh_disable() };
        let lower = {
            // SAFETY: Bottom halves are off until after this block.
            let tx = unsafe { XmitReadSide::new() };
            T::get_xmit_slave(dev, &mut skb, all_slaves, &tx)
                .map_or(core::ptr::null_mut(), |d| d.as_ptr())
        };
        // SAFETY: Disabled above.
        unsafe { bindings::bondrs_local_bh_enable() };
        // The device outlives the section: the caller's RCU keeps the lower devices of the
        // snapshot it was read from alive.
        lower
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have
    /// (`netdev_sk_get_lowest_dev()`: `sk` is a full inet socket its caller holds).
    unsafe extern "C" fn sk_lower_cb<T: Driver>(
        dev: *mut bindings::net_device,
        sk: *mut bindings::sock,
    ) -> *mut bindings::net_device {
        if sk.is_null() {
            return core::ptr::null_mut();
        }
        // SAFETY: A registered device of `T`; the caller's socket, alive for the call.
        let (dev, sk) = unsafe { (Dev::<T>::from_raw(dev), Sock::from_raw(sk)) };
        // C `bond_sk_get_lower_dev()` takes RCU itself; its callers hold it too (kTLS's
        // `get_netdev_for_sock()`), which keeps the device returned alive after this section.
        let g = kernel::sync::rcu::read_lock();
        T::sk_get_lower_dev(dev, sk, &g).map_or(core::ptr::null_mut(), |d| d.as_ptr())
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with
    /// the arguments and in the context that callback is documented to have
    /// (`neigh_parms_alloc()` for the device, or an upper device's `ndo_neigh_setup` passing
    /// its own `parms` down).
    unsafe extern "C" fn neigh_setup_cb<T: Driver>(
        dev: *mut bindings::net_device,
        parms: *mut bindings::neigh_parms,
    ) -> c_int {
        // C `bond_neigh_setup()`: only the device's own parameters get the per-neighbour
        // set-up; an upper device's (a VLAN's) are left alone.
        // SAFETY: `parms` is valid and being set up by the caller, which owns it.
        unsafe {
            if (*parms).dev == dev {
                (*parms).neigh_setup = Some(Self::neigh_init_cb::<T>);
            }
        }
        0
    }

    /// # Safety
    ///
    /// Only called by the neighbour code, as the `neigh_setup` of a device of `T`'s
    /// `neigh_parms` (set by [`Self::neigh_setup_cb`]), with a neighbour being created.
    unsafe extern "C" fn neigh_init_cb<T: Driver>(n: *mut bindings::neighbour) -> c_int {
        // C `bond_neigh_init()`: the lower device's `ndo_neigh_setup` on zeroed parameters,
        // then the `neigh_setup` it chose, on `n`.
        // SAFETY: `n` is the neighbour being created; `n->dev` holds a reference to its device.
        let Some(dev) = Dev::<T>::try_from_dev(unsafe { NetDevice::from_raw((*n).dev) }) else {
            return 0;
        };
        let g = kernel::sync::rcu::read_lock();
        let Some(lower) = T::neigh_lower(dev, &g) else {
            return 0;
        };
        // SAFETY: `lower` is alive under RCU (`g`); its `netdev_ops` is its driver's static table.
        let Some(setup) = (unsafe { (*(*lower.as_ptr()).netdev_ops).ndo_neigh_setup }) else {
            return 0;
        };
        // SAFETY: All-zero is what C passes (`memset()`): a valid value of this C struct.
        let mut parms: bindings::neigh_parms = unsafe { core::mem::zeroed() };
        // SAFETY: The lower device's own operation, on it and on parameters owned here, under
        // RCU as C calls it.
        let ret = unsafe { setup(lower.as_ptr(), &mut parms) };
        if ret != 0 {
            return ret;
        }
        match parms.neigh_setup {
            // SAFETY: The set-up the lower device's driver chose, on the neighbour being created.
            Some(f) => unsafe { f(n) },
            None => 0,
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
    #[cfg(CONFIG_BPF_SYSCALL)]
    unsafe extern "C" fn bpf_cb<T: Driver>(
        dev: *mut bindings::net_device,
        bpf: *mut bindings::netdev_bpf,
    ) -> c_int {
        // SAFETY: `ndo_bpf` runs under RTNL on a device of `T`.
        let (dev, rtnl) = unsafe { (Dev::<T>::from_raw(dev), Rtnl::assume_held()) };
        // SAFETY: `bpf` is this `ndo_bpf` call's argument.
        let r = unsafe { XdpCommand::with(bpf, |cmd| T::xdp_setup(dev, cmd, rtnl)) };
        from_result(|| r.map(|()| 0))
    }

    /// Runs `f` with bottom halves off: as they are (XDP runs in softirq context), or turned
    /// off for the call (a caller in process context).
    #[inline(always)]
    fn with_bh_off<R>(f: impl FnOnce(&XmitReadSide) -> R) -> R {
        // SAFETY: Reads the preempt count and the interrupt flag.
        let was_off = unsafe { bindings::bondrs_bh_off() };
        if !was_off {
            // SAFETY: Paired with the `local_bh_enable()` below, in the same context.
            unsafe { bindings::bondrs_local_bh_disable() };
        }
        // SAFETY: Bottom halves (or interrupts) are off for the whole call: they were, or they
        // were turned off above and are turned on again only after it.
        let r = f(&unsafe { XmitReadSide::new() });
        if !was_off {
            // SAFETY: Disabled above, in this context.
            unsafe { bindings::bondrs_local_bh_enable() };
        }
        r
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with the arguments and
    /// in the context that callback is documented to have (`ndo_xdp_xmit`: `n` frames the
    /// callee sends on or leaves to the caller).
    unsafe extern "C" fn xdp_xmit_cb<T: Driver>(
        dev: *mut bindings::net_device,
        n: c_int,
        frames: *mut *mut bindings::xdp_frame,
        flags: u32,
    ) -> c_int {
        // SAFETY: A registered device of `T`; the caller's frames.
        let (dev, frames) = unsafe { (Dev::<T>::from_raw(dev), XdpFrames::from_raw(frames, n)) };
        Self::with_bh_off(|tx| T::xdp_xmit(dev, frames, flags, tx))
    }

    /// # Safety
    ///
    /// Only called by the kernel, as the C callback it is installed as, with the arguments and
    /// in the context that callback is documented to have (`ndo_xdp_get_xmit_slave`: the
    /// caller holds RCU and lends `xdp` for the call).
    unsafe extern "C" fn xdp_slave_cb<T: Driver>(
        dev: *mut bindings::net_device,
        xdp: *mut bindings::xdp_buff,
    ) -> *mut bindings::net_device {
        // SAFETY: A registered device of `T`; the caller's buffer, lent for the call.
        let (dev, xdp) = unsafe { (Dev::<T>::from_raw(dev), XdpBuff::from_raw(xdp)) };
        // The device outlives the section: the caller's RCU keeps the lower devices of the
        // snapshot it was read from alive.
        Self::with_bh_off(|tx| {
            T::xdp_get_xmit_slave(dev, &xdp, tx).map_or(core::ptr::null_mut(), |d| d.as_ptr())
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

// ---------------------------------------------------------------------------------------------
// The devices of a driver.

impl<T: Driver> Dev<T> {
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

// ---------------------------------------------------------------------------------------------
// The rtnetlink link operations of a driver.

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
unsafe extern "C" fn validate_cb<T: Driver>(
    tb: *mut *mut bindings::nlattr,
    data: *mut *mut bindings::nlattr,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    // SAFETY: rtnetlink passes tables of `IFLA_MAX + 1` and `maxtype + 1`
    // entries (or null) and its extack, valid for this call.
    let (tb, data, mut extack) = unsafe {
        (
            LinkAttrs::from_raw(tb, bindings::IFLA_MAX),
            LinkData::from_raw(data, bindings::IFLA_BOND_MAX),
            ExtAck::from_raw(extack),
        )
    };
    from_result(|| T::validate(&tb, &data, &mut extack).map(|()| 0))
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
unsafe extern "C" fn newlink_cb<T: Driver>(
    dev: *mut bindings::net_device,
    params: *mut bindings::rtnl_newlink_params,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    from_result(|| {
        let dev = NonNull::new(dev).ok_or(EINVAL)?;
        // SAFETY: rtnetlink calls `newlink` under RTNL with the new device
        // (allocated with our `setup`), its params (tables as in `validate`) and
        // extack.
        let (dev, data, mut extack, rtnl) = unsafe {
            (
                NewLinkDev::<T>::from_raw(dev),
                LinkData::from_raw((*params).data, bindings::IFLA_BOND_MAX),
                ExtAck::from_raw(extack),
                Rtnl::assume_held(),
            )
        };
        T::newlink(dev, &data, &mut extack, rtnl).map(|()| 0)
    })
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
unsafe extern "C" fn changelink_cb<T: Driver>(
    dev: *mut bindings::net_device,
    _tb: *mut *mut bindings::nlattr,
    data: *mut *mut bindings::nlattr,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    // SAFETY: rtnetlink calls `changelink` under RTNL on a registered device
    // of these ops (so of `T`), with tables as in `validate` and its extack.
    let (dev, data, mut extack, rtnl) = unsafe {
        (
            NetDeviceRef::<T>::get(dev),
            LinkData::from_raw(data, bindings::IFLA_BOND_MAX),
            ExtAck::from_raw(extack),
            Rtnl::assume_held(),
        )
    };
    from_result(|| {
        let dev = dev.ok_or(EINVAL)?;
        T::changelink(dev, &data, &mut extack, rtnl).map(|()| 0)
    })
}

/// Resolves a raw device to a `Dev<T>` after checking it belongs to `T`.
struct NetDeviceRef<T>(PhantomData<T>);

impl<T: Driver> NetDeviceRef<T> {
    /// # Safety
    ///
    /// `dev` must be null or a device alive for `'a`.
    unsafe fn get<'a>(dev: *mut bindings::net_device) -> Option<&'a Dev<T>> {
        if dev.is_null() {
            return None;
        }
        // SAFETY: Non-null and alive for `'a` (function requirements).
        Dev::<T>::try_from_dev(unsafe { crate::safe::netdev::NetDevice::from_raw(dev) })
    }
}

/// Registration of `T`'s `rtnl_link_ops`; unregistered on drop, which also
/// deletes every device of `T` in every namespace (`rtnl_link_unregister()`).
pub(crate) struct LinkRegistration<T: Driver>(PhantomData<T>);

impl<T: Driver> LinkRegistration<T> {
    /// `rtnl_link_register()`; must not be called with RTNL held.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: The ops live in a static (`T::tables()`) and are fully set up.
        to_result(unsafe { bindings::rtnl_link_register(T::tables().link_ops.get()) })?;
        Ok(Self(PhantomData))
    }
}

impl<T: Driver> Drop for LinkRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered in `register()`; called without RTNL (module
        // exit / init error path).
        unsafe { bindings::rtnl_link_unregister(T::tables().link_ops.get()) }
    }
}
