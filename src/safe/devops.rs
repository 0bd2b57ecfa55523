// SPDX-License-Identifier: GPL-2.0

//! Operations on (lower and upper) net devices used by the bond: state,
//! addresses, MTU, flags, address lists, VLAN ids, upper/lower links,
//! link settings and statistics.

use crate::bindings;
use crate::safe::ioctl::{IfBond, IfSlave};
use crate::safe::link::ExtAck;
use crate::safe::netdev::NetDevice;
use crate::safe::rtnl::Rtnl;
use core::ptr::NonNull;
use kernel::{error::to_result, prelude::*, sync::aref::AlwaysRefCounted};

/// `MAX_ADDR_LEN`.
pub(crate) const MAX_ADDR_LEN: usize = bindings::MAX_ADDR_LEN as usize;

/// A hardware address (`dev_addr`, up to `MAX_ADDR_LEN` bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct HwAddr {
    pub(crate) bytes: [u8; MAX_ADDR_LEN],
    pub(crate) len: u8,
}

impl HwAddr {
    /// The meaningful bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes
            .get(..usize::from(self.len))
            .unwrap_or(&self.bytes)
    }

    /// The first 6 bytes: the address of an Ethernet device (C's `%pM` and 802.3ad read
    /// `ETH_ALEN` bytes whatever the length).
    pub(crate) fn eth(&self) -> [u8; 6] {
        let b = &self.bytes;
        [b[0], b[1], b[2], b[3], b[4], b[5]]
    }
}

/// Link speed and duplex of a device (`ethtool_link_ksettings.base`).
#[derive(Clone, Copy)]
pub(crate) struct SpeedDuplex {
    pub(crate) speed: u32,
    pub(crate) duplex: u8,
}

/// `struct rtnl_link_stats64` as an array of counters (C `bond_fold_stats()`
/// treats it the same way).
pub(crate) const STATS64_LEN: usize = size_of::<bindings::rtnl_link_stats64>() / size_of::<u64>();
/// Link statistics.
pub(crate) type Stats64 = [u64; STATS64_LEN];

impl NetDevice {
    fn raw(&self) -> &bindings::net_device {
        // SAFETY: The device is valid (type invariant); we only read plain
        // fields that the callers' context (RTNL, or RCU for the racy reads C
        // also does with READ_ONCE) keeps meaningful.
        unsafe { &*self.as_ptr() }
    }

    /// `dev->flags`.
    pub(crate) fn flags(&self) -> u32 {
        // SAFETY: Plain read of an `unsigned int` (C reads it the same way).
        unsafe { core::ptr::read_volatile(&raw const (*self.as_ptr()).flags) }
    }

    /// `dev->flags & IFF_UP`.
    pub(crate) fn is_up(&self) -> bool {
        self.flags() & bindings::IFF_UP != 0
    }

    /// `test_bit(bit, &dev->state)`, in line (the data path reads it per packet).
    #[inline(always)]
    fn state_bit(&self, bit: bindings::netdev_state_t) -> bool {
        // SAFETY: Valid device; C's `test_bit()` reads `state` with a volatile load too.
        let state = unsafe { core::ptr::read_volatile(&raw const (*self.as_ptr()).state) };
        state & (1 << bit) != 0
    }

    /// `netif_running()`.
    #[inline(always)]
    pub(crate) fn running(&self) -> bool {
        self.state_bit(bindings::netdev_state_t___LINK_STATE_START)
    }

    /// `netif_carrier_ok()`.
    #[inline(always)]
    pub(crate) fn carrier_ok(&self) -> bool {
        !self.state_bit(bindings::netdev_state_t___LINK_STATE_NOCARRIER)
    }

    /// `netif_carrier_on()`.
    pub(crate) fn carrier_on(&self) {
        // SAFETY: Valid device; any context.
        unsafe { bindings::netif_carrier_on(self.as_ptr()) }
    }

    /// The device's namespace (`dev_net()`).
    pub(crate) fn net(&self) -> &crate::safe::netdev::Net {
        // SAFETY: A device's namespace outlives it.
        unsafe { crate::safe::netdev::Net::from_raw(bindings::bondrs_dev_net(self.as_ptr())) }
    }

    /// `vlan_vid_add()`.
    pub(crate) fn vlan_vid_add(&self, proto: u16, vid: u16, _rtnl: &Rtnl) -> Result {
        // SAFETY: RTNL held.
        to_result(unsafe { bindings::vlan_vid_add(self.as_ptr(), proto, vid) })
    }

    /// `vlan_vid_del()`.
    pub(crate) fn vlan_vid_del(&self, proto: u16, vid: u16, _rtnl: &Rtnl) {
        // SAFETY: RTNL held.
        unsafe { bindings::vlan_vid_del(self.as_ptr(), proto, vid) }
    }

    /// A copy of `dev->name` taken without RTNL, for log lines of paths that do not hold it
    /// (the MII monitor's inspection, the transmit path), as C's `netdev_name()` there. A
    /// rename may write the name meanwhile: the copy is read with `READ_ONCE()` semantics and
    /// may then mix the two names, but it is always NUL-terminated and never borrowed.
    pub(crate) fn name_racy(&self) -> IfName {
        let mut out = [0u8; bindings::IFNAMSIZ as usize];
        // SAFETY: `name` is an array of `IFNAMSIZ` bytes inside the (valid) device; each byte
        // is read once with a volatile load, so a concurrent rename under RTNL cannot make
        // this read observe anything but some byte values.
        let src = unsafe { core::ptr::addr_of!((*self.as_ptr()).name).cast::<u8>() };
        let n = out.len() - 1;
        for (i, b) in out.iter_mut().enumerate().take(n) {
            // SAFETY: `i < IFNAMSIZ - 1`: inside the array (see above).
            *b = unsafe { core::ptr::read_volatile(src.add(i)) };
        }
        IfName(out)
    }

    /// `test_bit(__LINK_STATE_LINKWATCH_PENDING, &dev->state)`.
    pub(crate) fn linkwatch_pending(&self) -> bool {
        // SAFETY: Valid device; atomic bit test.
        unsafe { bindings::bondrs_linkwatch_pending(self.as_ptr()) }
    }

    /// Whether the driver implements `ndo_set_mac_address`.
    pub(crate) fn has_set_mac_address(&self) -> bool {
        // SAFETY: Valid device; `netdev_ops` is set for registered devices.
        unsafe { bindings::bondrs_has_set_mac_address(self.as_ptr()) }
    }

    /// `netdev_need_ops_lock()`: the core holds the device's instance lock around its ops and
    /// its notifications (`NETDEV_UP`, `NETDEV_CHANGE`, `NETDEV_DOWN` reach a notifier with it
    /// held), and the `dev_*()` calls on it take that lock.
    pub(crate) fn needs_ops_lock(&self) -> bool {
        // SAFETY: Valid device; reads its ops pointers and `request_ops_lock` flag.
        unsafe { bindings::bondrs_netdev_need_ops_lock(self.as_ptr()) }
    }

    /// `__netif_set_mtu()` under the device's ops lock (C release path of an
    /// unregistering slave, where `dev_set_mtu()` must not notify).
    pub(crate) fn force_mtu(&self, mtu: u32, _rtnl: &Rtnl) {
        // SAFETY: RTNL held; the ops lock is taken around the call as required.
        unsafe {
            bindings::bondrs_netdev_lock_ops(self.as_ptr());
            bindings::__netif_set_mtu(self.as_ptr(), mtu as c_int);
            bindings::bondrs_netdev_unlock_ops(self.as_ptr());
        }
    }

    /// `WRITE_ONCE(dev->mtu, mtu)` (from `ndo_change_mtu`).
    pub(crate) fn write_mtu(&self, mtu: u32) {
        // SAFETY: Called from the device's own `ndo_change_mtu` (RTNL held).
        unsafe { bindings::bondrs_write_mtu(self.as_ptr(), mtu) }
    }

    /// `dev->real_num_tx_queues`.
    pub(crate) fn real_num_tx_queues(&self) -> u32 {
        self.raw().real_num_tx_queues
    }

    /// `dev->ifindex`.
    pub(crate) fn ifindex(&self) -> i32 {
        self.raw().ifindex
    }

    /// `dev->addr_len`.
    pub(crate) fn addr_len(&self) -> usize {
        usize::from(self.raw().addr_len)
    }

    /// `dev->type`.
    pub(crate) fn dev_type(&self) -> u16 {
        self.raw().type_
    }

    /// `dev->mtu`.
    pub(crate) fn mtu(&self) -> u32 {
        // SAFETY: Racy read of an `unsigned int`, like C's READ_ONCE(dev->mtu).
        unsafe { core::ptr::read_volatile(&raw const (*self.as_ptr()).mtu) }
    }

    /// `dev->features`.
    pub(crate) fn features(&self) -> u64 {
        self.raw().features
    }

    /// `dev->addr_assign_type`.
    pub(crate) fn addr_assign_type(&self) -> u32 {
        u32::from(self.raw().addr_assign_type)
    }

    /// `dev->dev_addr` (RTNL keeps it stable).
    pub(crate) fn hw_addr(&self, _rtnl: &Rtnl) -> HwAddr {
        let d = self.raw();
        let len = d.addr_len.min(MAX_ADDR_LEN as u8);
        let mut a = HwAddr {
            bytes: [0; MAX_ADDR_LEN],
            len,
        };
        // SAFETY: `dev_addr` points to `addr_len` valid bytes (RTNL held).
        let src = unsafe { core::slice::from_raw_parts(d.dev_addr, usize::from(len)) };
        a.bytes[..usize::from(len)].copy_from_slice(src);
        a
    }

    /// The first 6 bytes of `dev->dev_addr`, read without RTNL (C reads
    /// `tx_slave->dev->dev_addr` on the transmit path; a concurrent change may be seen half
    /// done, as in C).
    pub(crate) fn eth_addr_racy(&self) -> [u8; 6] {
        let d = self.raw();
        let mut a = [0u8; 6];
        if usize::from(d.addr_len) >= a.len() {
            // SAFETY: `dev_addr` points to `addr_len` (>= 6) bytes for the device's lifetime.
            let src = unsafe { core::slice::from_raw_parts(d.dev_addr, a.len()) };
            a.copy_from_slice(src);
        }
        a
    }

    /// C `__dev_addr_set()`: writes `dev->dev_addr` only, without telling the driver or the
    /// address list (balance-tlb's slaves keep the bond's address in their hardware filter and
    /// send with their own: C `alb_set_slave_mac_addr()` in TLB mode). `addr` must have the
    /// device's `addr_len` bytes.
    pub(crate) fn set_addr_field(&self, addr: &[u8], _rtnl: &Rtnl) -> Result {
        let d = self.raw();
        if addr.len() != usize::from(d.addr_len) {
            return Err(EINVAL);
        }
        // SAFETY: RTNL held (serialises address changes); `addr` has `addr_len` bytes (checked).
        unsafe { bindings::bondrs___dev_addr_set(self.as_ptr(), addr.as_ptr().cast(), addr.len()) };
        Ok(())
    }

    /// C `netif_is_bridge_port()`.
    pub(crate) fn is_bridge_port(&self) -> bool {
        // SAFETY: Valid device.
        unsafe { bindings::bondrs_netif_is_bridge_port(self.as_ptr()) }
    }

    /// C `netif_is_macvlan()`.
    pub(crate) fn is_macvlan(&self) -> bool {
        // SAFETY: Valid device.
        unsafe { bindings::bondrs_netif_is_macvlan(self.as_ptr()) }
    }

    /// `dev->lower_level`.
    pub(crate) fn lower_level(&self) -> u8 {
        self.raw().lower_level
    }

    /// `__dev_get_by_name()` in this device's namespace.
    pub(crate) fn peer_by_name<'a>(&self, name: &CStr, _rtnl: &'a Rtnl) -> Option<&'a NetDevice> {
        // SAFETY: RTNL held; the result stays valid while it is.
        let p = unsafe {
            bindings::__dev_get_by_name(bindings::bondrs_dev_net(self.as_ptr()), name.as_char_ptr())
        };
        // SAFETY: Valid while RTNL is held (`'a`).
        NonNull::new(p).map(|p| unsafe { NetDevice::from_raw(p.as_ptr()) })
    }

    /// `__dev_get_by_index()` in this device's namespace.
    pub(crate) fn peer_by_index<'a>(&self, ifindex: i32, _rtnl: &'a Rtnl) -> Option<&'a NetDevice> {
        // SAFETY: RTNL held; the result stays valid while it is.
        let p = unsafe {
            bindings::__dev_get_by_index(bindings::bondrs_dev_net(self.as_ptr()), ifindex)
        };
        // SAFETY: Valid while RTNL is held (`'a`).
        NonNull::new(p).map(|p| unsafe { NetDevice::from_raw(p.as_ptr()) })
    }

    /// `netif_pre_changeaddr_notify()` + `__dev_addr_set()` +
    /// `addr_assign_type = NET_ADDR_STOLEN` + `NETDEV_CHANGEADDR`: C
    /// `bond_set_dev_addr()`.
    pub(crate) fn steal_addr(&self, from: &NetDevice, rtnl: &Rtnl) -> Result {
        let a = from.hw_addr(rtnl);
        // SAFETY: RTNL held; `a` has `len` valid bytes.
        to_result(unsafe {
            bindings::netif_pre_changeaddr_notify(
                self.as_ptr(),
                a.bytes.as_ptr(),
                core::ptr::null_mut(),
            )
        })?;
        // SAFETY: RTNL held (serialises address changes); `addr_len` bytes.
        unsafe {
            let d = self.as_ptr();
            bindings::bondrs_dev_addr_set(d, a.bytes.as_ptr());
            (*d).addr_assign_type = bindings::NET_ADDR_STOLEN as u8;
        }
        self.notify(bindings::netdev_cmd_NETDEV_CHANGEADDR, rtnl);
        Ok(())
    }

    /// `eth_hw_addr_random()`.
    pub(crate) fn random_addr(&self, _rtnl: &Rtnl) {
        // SAFETY: RTNL held.
        unsafe { bindings::bondrs_eth_hw_addr_random(self.as_ptr()) }
    }

    /// `call_netdevice_notifiers()`.
    pub(crate) fn notify(&self, event: bindings::netdev_cmd, _rtnl: &Rtnl) -> c_int {
        // SAFETY: RTNL held, valid device.
        unsafe { bindings::call_netdevice_notifiers(event as c_ulong, self.as_ptr()) }
    }

    /// `notifier_to_errno(call_netdevice_notifiers())`.
    pub(crate) fn notify_errno(&self, event: bindings::netdev_cmd, rtnl: &Rtnl) -> Result {
        let mut r = self.notify(event, rtnl);
        r &= !0x8000; // NOTIFY_STOP_MASK
        if r > 1 {
            // NOTIFY_OK - ret
            return Err(Error::from_errno(1 - r));
        }
        Ok(())
    }

    /// `dev->reg_state == NETREG_REGISTERED`.
    pub(crate) fn registered(&self) -> bool {
        // SAFETY: Valid device; plain read under RTNL (callers).
        unsafe { bindings::bondrs_dev_registered(self.as_ptr()) }
    }

    /// `dev->dismantle`: the device is being unregistered (set before it is closed, so already
    /// true in the `NETDEV_GOING_DOWN`/`NETDEV_DOWN` that precede its `NETDEV_UNREGISTER`).
    pub(crate) fn dismantling(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: Valid device; `dismantle` is written under RTNL (`unregister_netdevice_many()`),
        // which the caller holds.
        unsafe { (*self.as_ptr()).dismantle }
    }

    /// `dev->reg_state == NETREG_UNREGISTERING`.
    pub(crate) fn unregistering(&self) -> bool {
        // SAFETY: Valid device; plain read under RTNL (callers).
        unsafe { bindings::bondrs_dev_unregistering(self.as_ptr()) }
    }

    /// `dev_set_mtu()`.
    pub(crate) fn set_mtu(&self, mtu: u32, _rtnl: &Rtnl) -> Result {
        // SAFETY: RTNL held.
        to_result(unsafe { bindings::dev_set_mtu(self.as_ptr(), mtu as c_int) })
    }

    /// `dev_set_mac_address()` with `addr` (the device's `addr_len` bytes).
    pub(crate) fn set_mac(
        &self,
        addr: &[u8],
        extack: Option<&mut ExtAck<'_>>,
        _rtnl: &Rtnl,
    ) -> Result {
        // SAFETY: All-zero is a valid `sockaddr_storage`.
        let mut ss: bindings::__kernel_sockaddr_storage = unsafe { core::mem::zeroed() };
        // SAFETY: The union member is plain data: family, then address bytes.
        let inner = unsafe { &mut ss.__bindgen_anon_1.__bindgen_anon_1 };
        inner.ss_family = self.dev_type();
        let data = &mut inner.__data;
        let n = addr.len().min(data.len());
        for (d, s) in data.iter_mut().zip(&addr[..n]) {
            *d = *s as c_char;
        }
        let ack = extack.map_or(core::ptr::null_mut(), |e| e.as_raw());
        // SAFETY: RTNL held; `ss` is a valid address of the device's family.
        to_result(unsafe {
            bindings::dev_set_mac_address(self.as_ptr(), (&raw mut ss).cast(), ack)
        })
    }

    /// `dev_open()`.
    pub(crate) fn open(&self, extack: Option<&mut ExtAck<'_>>, _rtnl: &Rtnl) -> Result {
        let ack = extack.map_or(core::ptr::null_mut(), |e| e.as_raw());
        // SAFETY: RTNL held.
        to_result(unsafe { bindings::dev_open(self.as_ptr(), ack) })
    }

    /// `dev_close()`.
    pub(crate) fn close(&self, _rtnl: &Rtnl) {
        // SAFETY: RTNL held.
        unsafe { bindings::dev_close(self.as_ptr()) }
    }

    /// `dev_set_promiscuity()`.
    pub(crate) fn set_promiscuity(&self, inc: i32, _rtnl: &Rtnl) -> Result {
        // SAFETY: RTNL held.
        to_result(unsafe { bindings::dev_set_promiscuity(self.as_ptr(), inc) })
    }

    /// `dev_set_allmulti()`.
    pub(crate) fn set_allmulti(&self, inc: i32, _rtnl: &Rtnl) -> Result {
        // SAFETY: RTNL held.
        to_result(unsafe { bindings::dev_set_allmulti(self.as_ptr(), inc) })
    }

    /// Sets or clears bits of `dev->flags` (IFF_SLAVE).
    pub(crate) fn update_flags(&self, set: u32, clear: u32, _rtnl: &Rtnl) {
        // SAFETY: RTNL held: `flags` is only written under RTNL.
        unsafe {
            let d = self.as_ptr();
            (*d).flags = ((*d).flags | set) & !clear;
        }
    }

    /// Sets or clears bits of `dev->priv_flags` (IFF_BONDING, IFF_NO_ADDRCONF).
    pub(crate) fn update_priv_flags(&self, set: u64, clear: u64, _rtnl: &Rtnl) {
        // SAFETY: RTNL held: `priv_flags` is only written under RTNL. The
        // anonymous struct group aliases the named one.
        unsafe {
            let fast = &mut (*self.as_ptr()).__bindgen_anon_1.__bindgen_anon_1;
            let pf = (fast.priv_flags() | set as c_ulong) & !(clear as c_ulong);
            fast.set_priv_flags(pf);
        }
    }

    /// `dev->priv_flags`.
    pub(crate) fn priv_flags(&self) -> u64 {
        // SAFETY: Plain read (RTNL or racy like C).
        unsafe {
            (*self.as_ptr())
                .__bindgen_anon_1
                .__bindgen_anon_1
                .priv_flags() as u64
        }
    }

    /// `netif_is_bond_master()`.
    pub(crate) fn is_bond_master(&self) -> bool {
        // C's inline test, without a helper call (it runs per packet in
        // `xdo_dev_offload_ok`).
        self.flags() & bindings::IFF_MASTER != 0 && self.priv_flags() & bindings::IFF_BONDING != 0
    }

    /// `netdev_is_rx_handler_busy()`.
    pub(crate) fn rx_handler_busy(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: RTNL held.
        unsafe { bindings::netdev_is_rx_handler_busy(self.as_ptr()) }
    }

    /// `vlan_uses_dev()`.
    pub(crate) fn vlan_uses(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: RTNL held.
        unsafe { bindings::vlan_uses_dev(self.as_ptr()) }
    }

    /// `vlan_vids_add_by_dev(self, by)`.
    pub(crate) fn vlan_vids_add_by(&self, by: &NetDevice, _rtnl: &Rtnl) -> Result {
        // SAFETY: RTNL held.
        to_result(unsafe { bindings::vlan_vids_add_by_dev(self.as_ptr(), by.as_ptr()) })
    }

    /// `vlan_vids_del_by_dev(self, by)`.
    pub(crate) fn vlan_vids_del_by(&self, by: &NetDevice, _rtnl: &Rtnl) {
        // SAFETY: RTNL held.
        unsafe { bindings::vlan_vids_del_by_dev(self.as_ptr(), by.as_ptr()) }
    }

    /// `dev_disable_lro()`.
    pub(crate) fn disable_lro(&self, _rtnl: &Rtnl) {
        // SAFETY: RTNL held.
        unsafe { bindings::dev_disable_lro(self.as_ptr()) }
    }

    /// `dev_uc_sync_multiple()` + `dev_mc_sync_multiple()` from `from`,
    /// under `from`'s address lock (C enslave path).
    pub(crate) fn addr_sync_multiple(&self, from: &NetDevice, _rtnl: &Rtnl) {
        // SAFETY: RTNL held; the address lock of `from` protects its lists.
        unsafe {
            bindings::bondrs_netif_addr_lock_bh(from.as_ptr());
            bindings::dev_mc_sync_multiple(self.as_ptr(), from.as_ptr());
            bindings::dev_uc_sync_multiple(self.as_ptr(), from.as_ptr());
            bindings::bondrs_netif_addr_unlock_bh(from.as_ptr());
        }
    }

    /// `dev_mc_add(dev, addr)`: joins a link-layer multicast group (C `dev_mc_add(slave_dev,
    /// lacpdu_mcast_addr)`). The error, if any, is ignored as C ignores it.
    /// Does nothing on a device whose addresses are not 6 bytes long.
    pub(crate) fn mc_add(&self, addr: &[u8; 6], _rtnl: &Rtnl) {
        if self.addr_len() != 6 {
            return;
        }
        // SAFETY: RTNL held; `dev_mc_add()` reads `addr_len` bytes, 6, which `addr` has.
        unsafe { bindings::dev_mc_add(self.as_ptr(), addr.as_ptr()) };
    }

    /// `dev_mc_del(dev, addr)`: leaves a group joined with [`NetDevice::mc_add`].
    pub(crate) fn mc_del(&self, addr: &[u8; 6], _rtnl: &Rtnl) {
        if self.addr_len() != 6 {
            return;
        }
        // SAFETY: As for `mc_add`.
        unsafe { bindings::dev_mc_del(self.as_ptr(), addr.as_ptr()) };
    }

    /// `dev_uc_sync()` + `dev_mc_sync()` from `from` under its address lock.
    pub(crate) fn addr_sync(&self, from: &NetDevice, _rtnl: &Rtnl) {
        // SAFETY: As above.
        unsafe {
            bindings::bondrs_netif_addr_lock_bh(from.as_ptr());
            bindings::dev_uc_sync(self.as_ptr(), from.as_ptr());
            bindings::dev_mc_sync(self.as_ptr(), from.as_ptr());
            bindings::bondrs_netif_addr_unlock_bh(from.as_ptr());
        }
    }

    /// `dev_uc_sync_multiple()`/`dev_mc_sync_multiple()` without taking
    /// `from`'s address lock: for `ndo_set_rx_mode`, which runs with it held.
    pub(crate) fn addr_sync_multiple_locked(&self, from: &NetDevice, primary: bool) {
        // SAFETY: Called from `from`'s `ndo_set_rx_mode` (address lock held);
        // `self` is a lower device kept alive by the caller's RCU section.
        unsafe {
            if primary {
                bindings::dev_uc_sync(self.as_ptr(), from.as_ptr());
                bindings::dev_mc_sync(self.as_ptr(), from.as_ptr());
            } else {
                bindings::dev_uc_sync_multiple(self.as_ptr(), from.as_ptr());
                bindings::dev_mc_sync_multiple(self.as_ptr(), from.as_ptr());
            }
        }
    }

    /// `dev_uc_unsync()` + `dev_mc_unsync()` (C `bond_hw_addr_flush()`).
    pub(crate) fn addr_unsync(&self, from: &NetDevice, _rtnl: &Rtnl) {
        // SAFETY: RTNL held; these take the address locks themselves.
        unsafe {
            bindings::dev_uc_unsync(self.as_ptr(), from.as_ptr());
            bindings::dev_mc_unsync(self.as_ptr(), from.as_ptr());
        }
    }

    /// `dev_uc_flush()` + `dev_mc_flush()`.
    pub(crate) fn addr_flush(&self, _rtnl: &Rtnl) {
        // SAFETY: RTNL held.
        unsafe {
            bindings::dev_uc_flush(self.as_ptr());
            bindings::dev_mc_flush(self.as_ptr());
        }
    }

    /// `netdev_master_upper_dev_link(self, upper, priv, lag_info)` with the
    /// given LAG tx/hash types.
    pub(crate) fn master_upper_link(
        &self,
        upper: &NetDevice,
        upper_priv: *mut c_void,
        tx_type: u32,
        hash_type: u32,
        extack: Option<&mut ExtAck<'_>>,
        _rtnl: &Rtnl,
    ) -> Result {
        let mut info = bindings::netdev_lag_upper_info { tx_type, hash_type };
        let ack = extack.map_or(core::ptr::null_mut(), |e| e.as_raw());
        // SAFETY: RTNL held; `info` lives for the call; `upper_priv` is only
        // stored by the kernel as an opaque cookie.
        to_result(unsafe {
            bindings::netdev_master_upper_dev_link(
                self.as_ptr(),
                upper.as_ptr(),
                upper_priv,
                (&raw mut info).cast(),
                ack,
            )
        })
    }

    /// `netdev_upper_dev_unlink()`.
    pub(crate) fn upper_unlink(&self, upper: &NetDevice, _rtnl: &Rtnl) {
        // SAFETY: RTNL held; linked before.
        unsafe { bindings::netdev_upper_dev_unlink(self.as_ptr(), upper.as_ptr()) }
    }

    /// `netdev_has_upper_dev()`.
    pub(crate) fn has_upper(&self, upper: &NetDevice, _rtnl: &Rtnl) -> bool {
        // SAFETY: RTNL held.
        unsafe { bindings::netdev_has_upper_dev(self.as_ptr(), upper.as_ptr()) }
    }

    /// `netdev_master_upper_dev_get()` is `upper`.
    pub(crate) fn master_is(&self, upper: &NetDevice, _rtnl: &Rtnl) -> bool {
        // SAFETY: RTNL held.
        core::ptr::eq(
            unsafe { bindings::netdev_master_upper_dev_get(self.as_ptr()) },
            upper.as_ptr(),
        )
    }

    /// `netdev_lower_state_changed()`.
    pub(crate) fn lower_state_changed(&self, link_up: bool, tx_enabled: bool, _rtnl: &Rtnl) {
        // SAFETY: All-zero is a valid value of this bitfield struct.
        let mut info: bindings::netdev_lag_lower_state_info = unsafe { core::mem::zeroed() };
        info.set_link_up(link_up.into());
        info.set_tx_enabled(tx_enabled.into());
        // SAFETY: RTNL held; `info` lives for the call.
        unsafe { bindings::netdev_lower_state_changed(self.as_ptr(), (&raw mut info).cast()) }
    }

    /// `netdev_bonding_info_change()`: `NETDEV_BONDING_INFO` on the notifier chain for this
    /// device (a bond's slave), with what `slave` and `master` tell of it and of its bond.
    pub(crate) fn bonding_info_change(&self, slave: &IfSlave, master: &IfBond, _rtnl: &Rtnl) {
        // SAFETY: All-zero is a valid value of this C struct of integers.
        let mut info: bindings::netdev_bonding_info = unsafe { core::mem::zeroed() };
        info.slave.slave_id = slave.slave_id;
        info.slave.slave_name = slave.slave_name;
        info.slave.link = slave.link;
        info.slave.state = slave.state;
        info.slave.link_failure_count = slave.link_failure_count;
        info.master.bond_mode = master.bond_mode;
        info.master.num_slaves = master.num_slaves;
        info.master.miimon = master.miimon;
        // SAFETY: RTNL held (the notifier chain runs under it); `info` lives for the call,
        // which copies it.
        unsafe { bindings::netdev_bonding_info_change(self.as_ptr(), &mut info) }
    }

    /// `netdev_compute_master_upper_features(self, true)`.
    pub(crate) fn compute_master_upper_features(&self, _rtnl: &Rtnl) {
        // SAFETY: RTNL held; `self` is a master.
        unsafe { bindings::netdev_compute_master_upper_features(self.as_ptr(), true) }
    }

    /// Sets and clears bits of `dev->wanted_features` (RTNL held); apply
    /// them with [`update_features`](Self::update_features).
    pub(crate) fn update_wanted_features(&self, set: u64, clear: u64, _rtnl: &Rtnl) {
        // SAFETY: RTNL held, which protects `wanted_features`.
        unsafe {
            let d = self.as_ptr();
            (*d).wanted_features = ((*d).wanted_features | set) & !clear;
        }
    }

    /// `netdev_update_features()` (RTNL held).
    pub(crate) fn update_features(&self, _rtnl: &Rtnl) {
        // SAFETY: RTNL held; `self` is registered (callers check).
        unsafe { bindings::netdev_update_features(self.as_ptr()) }
    }

    /// C `bond_update_speed_duplex()`: `None` if unknown. `ops_locked`: the
    /// caller already holds the device's ops lock (netdevice notifiers of
    /// NETDEV_UP/NETDEV_CHANGE run with it held).
    pub(crate) fn speed_duplex(&self, ops_locked: bool, _rtnl: &Rtnl) -> Option<SpeedDuplex> {
        // SAFETY: All-zero is a valid `ethtool_link_ksettings`.
        let mut ks: bindings::ethtool_link_ksettings = unsafe { core::mem::zeroed() };
        // SAFETY: RTNL held; the ops lock is taken around the call as the
        // kernel requires for `netif_get_link_ksettings()`.
        let res = unsafe {
            if !ops_locked {
                bindings::bondrs_netdev_lock_ops(self.as_ptr());
            }
            let r = bindings::netif_get_link_ksettings(self.as_ptr(), &mut ks);
            if !ops_locked {
                bindings::bondrs_netdev_unlock_ops(self.as_ptr());
            }
            r
        };
        let (speed, duplex) = (ks.base.speed, ks.base.duplex);
        if res < 0 || speed == 0 || speed == u32::MAX {
            return None;
        }
        if duplex != bindings::DUPLEX_FULL && duplex != bindings::DUPLEX_HALF {
            return None;
        }
        Some(SpeedDuplex { speed, duplex })
    }

    /// `dev_get_stats()`.
    pub(crate) fn stats64(&self) -> Stats64 {
        // SAFETY: All-zero is a valid `rtnl_link_stats64`.
        let mut st: bindings::rtnl_link_stats64 = unsafe { core::mem::zeroed() };
        // SAFETY: Valid device (callers hold RTNL or an RCU reference to a
        // slave); `dev_get_stats()` may be called in any such context.
        unsafe { bindings::dev_get_stats(self.as_ptr(), &mut st) };
        // SAFETY: `rtnl_link_stats64` is a struct of `__u64` only.
        unsafe { core::mem::transmute::<bindings::rtnl_link_stats64, Stats64>(st) }
    }
}

// SAFETY: Every `struct net_device` is reference counted (`dev_hold()`/`dev_put()`, the
// per-cpu `pcpu_refcnt`): a held reference keeps the device's memory from being freed
// (`free_netdev()` of an unregistered device waits for the count to drop, `netdev_wait_allrefs`).
unsafe impl AlwaysRefCounted for NetDevice {
    fn inc_ref(&self) {
        // SAFETY: `self` is a live device.
        unsafe { bindings::bondrs_dev_hold(self.as_ptr()) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller gives up a reference taken by `inc_ref`; `dev_put()` may run in any
        // context.
        unsafe { bindings::bondrs_dev_put(obj.as_ptr().cast()) }
    }
}

// SAFETY: A net device may be referenced from any thread; the `NetDevice` methods are safe to
// call concurrently (each documents the lock or context it needs through its arguments).
unsafe impl Send for NetDevice {}
// SAFETY: As above.
unsafe impl Sync for NetDevice {}

/// The current `jiffies`.
pub(crate) fn jiffies() -> usize {
    // SAFETY: `jiffies` is a global the timer code updates; like C's `volatile` access, this is
    // one volatile word read (read per received frame while the ARP monitor runs: no call).
    unsafe { core::ptr::read_volatile(&raw const kernel::bindings::jiffies) as usize }
}

/// `msecs_to_jiffies()`.
pub(crate) fn msecs_to_jiffies(ms: u32) -> usize {
    // SAFETY: Pure conversion.
    unsafe { bindings::bondrs_msecs_to_jiffies(ms) as usize }
}

/// `capable(CAP_NET_ADMIN)` of the current task.
pub(crate) fn capable_net_admin() -> bool {
    // SAFETY: Checks the current task's credentials.
    unsafe { bindings::bondrs_capable_net_admin() }
}

/// `UTS_RELEASE` of the kernel the module is built for.
pub(crate) fn uts_release() -> &'static CStr {
    // SAFETY: Returns a static NUL-terminated string.
    unsafe { CStr::from_char_ptr(bindings::bondrs_uts_release()) }
}

/// `eth_random_addr()`.
pub(crate) fn random_ether_addr(a: &mut [u8]) {
    if a.len() >= 6 {
        // SAFETY: `a` has at least ETH_ALEN bytes.
        unsafe { bindings::bondrs_eth_random_addr(a.as_mut_ptr()) }
    }
}

/// `net_ratelimit()`: whether a networking message may be printed now.
pub(crate) fn net_ratelimit() -> bool {
    // SAFETY: No requirements.
    unsafe { bindings::net_ratelimit() != 0 }
}

/// `netdev_base_features()`.
pub(crate) fn netdev_base_features(f: u64) -> u64 {
    // SAFETY: Pure function.
    unsafe { bindings::bondrs_netdev_base_features(f) }
}

/// `netdev_increment_features()`.
pub(crate) fn netdev_increment_features(all: u64, one: u64, mask: u64) -> u64 {
    // SAFETY: Pure function.
    unsafe { bindings::netdev_increment_features(all, one, mask) }
}

/// `netdev_add_tso_features()`.
pub(crate) fn netdev_add_tso_features(f: u64, mask: u64) -> u64 {
    // SAFETY: Pure function.
    unsafe { bindings::bondrs_netdev_add_tso_features(f, mask) }
}

/// `get_random_u32()`.
pub(crate) fn random_u32() -> u32 {
    // SAFETY: No preconditions; callable in any context.
    unsafe { bindings::get_random_u32() }
}

/// A device name copied out of the device ([`NetDevice::name_racy`]): `IFNAMSIZ` bytes, the last
/// one always NUL.
pub(crate) struct IfName([u8; bindings::IFNAMSIZ as usize]);

impl IfName {
    /// The name's bytes up to its NUL.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        let n = self.0.iter().position(|&b| b == 0).unwrap_or(self.0.len());
        self.0.get(..n).unwrap_or(&[])
    }

    /// The name up to its NUL, or `"?"` if it is not UTF-8 (a rename caught half-way can mix
    /// bytes of two names).
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("?")
    }
}

impl core::fmt::Display for IfName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}
