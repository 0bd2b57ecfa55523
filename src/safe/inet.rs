// SPDX-License-Identifier: GPL-2.0

//! The IPv4 and IPv6 services the ARP and NS link monitors use (C `bond_main.c`): route
//! lookups, local address checks, the device path from the bond to a route's device with its
//! VLAN tags (`bond_verify_device_path()`), and sending ARP requests (`bond_arp_send()`) and
//! neighbour solicitations (`bond_ns_send()`) on a slave.

use crate::bindings;
use crate::safe::netdev::{Net, NetDevice};
use core::ptr::NonNull;
use kernel::{prelude::*, sync::rcu};

/// An IPv4 address, network byte order (C `__be32` as bytes).
pub(crate) type Ip4 = [u8; 4];
/// An IPv6 address (C `struct in6_addr`).
pub(crate) type Ip6 = [u8; 16];

fn be32(a: Ip4) -> bindings::__be32 {
    u32::from_ne_bytes(a)
}

fn in6(a: &Ip6) -> *const bindings::in6_addr {
    core::ptr::from_ref(a).cast()
}

/// A VLAN tag on the device path from the bond up to a route's device (C
/// `struct bond_vlan_tag`): `proto` in network byte order, `id` 0 for a non-VLAN device.
#[derive(Clone, Copy, Default)]
pub(crate) struct VlanTag {
    proto: u16,
    id: u16,
}

impl VlanTag {
    /// The tag as `send_frame_tagged()` takes it: (protocol in network byte order, id).
    pub(crate) fn as_pair(self) -> (u16, u16) {
        (self.proto, self.id)
    }
}

/// An IPv4 route (C `struct rtable`), released on drop (`ip_rt_put()`).
///
/// # Invariants
///
/// The pointer is a route returned by `ip_route_output()`, referenced by this value.
pub(crate) struct Route4(NonNull<bindings::rtable>);

impl Route4 {
    /// C `ip_route_output(net, dst, 0, 0, 0, RT_SCOPE_LINK)`; `None` if there is no route.
    pub(crate) fn lookup(net: &Net, dst: Ip4) -> Option<Self> {
        // SAFETY: `net` is live; the call returns a referenced route or an `ERR_PTR`.
        let rt = unsafe { bindings::bondrs_ip_route_output_link(net.as_ptr(), be32(dst)) };
        let rt = kernel::error::from_err_ptr(rt).ok()?;
        NonNull::new(rt).map(Self)
    }

    /// The route's output device (`rt->dst.dev`), alive while the route is held.
    pub(crate) fn dev(&self) -> &NetDevice {
        // SAFETY: The route is held (type invariant) and holds its device.
        unsafe {
            NetDevice::from_raw(bindings::bondrs_dst_dev(bindings::bondrs_rt_dst(
                self.0.as_ptr(),
            )))
        }
    }
}

impl Drop for Route4 {
    fn drop(&mut self) {
        // SAFETY: Referenced by us (type invariant), released once.
        unsafe { bindings::bondrs_ip_rt_put(self.0.as_ptr()) }
    }
}

/// An IPv6 route (C `struct dst_entry` from `ip6_route_output()`), released on drop.
///
/// # Invariants
///
/// The pointer is a referenced `dst_entry` without error.
pub(crate) struct Route6(NonNull<bindings::dst_entry>);

impl Route6 {
    /// C `ip6_route_output()` to `dst`; `None` if the lookup failed (`dst->error`).
    pub(crate) fn lookup(net: &Net, dst: &Ip6) -> Option<Self> {
        // SAFETY: `net` is live; `ip6_route_output()` always returns a referenced entry.
        let d =
            NonNull::new(unsafe { bindings::bondrs_ip6_route_output_to(net.as_ptr(), in6(dst)) })?;
        // SAFETY: `d` is a valid entry.
        if unsafe { bindings::bondrs_dst_error(d.as_ptr()) } != 0 {
            // SAFETY: We give up our reference.
            unsafe { bindings::dst_release(d.as_ptr()) };
            return None;
        }
        Some(Self(d))
    }

    /// The route's output device, alive while the route is held.
    pub(crate) fn dev(&self) -> &NetDevice {
        // SAFETY: The route is held (type invariant) and holds its device.
        unsafe { NetDevice::from_raw(bindings::bondrs_dst_dev(self.0.as_ptr())) }
    }
}

impl Drop for Route6 {
    fn drop(&mut self) {
        // SAFETY: Referenced by us (type invariant), released once.
        unsafe { bindings::dst_release(self.0.as_ptr()) }
    }
}

impl NetDevice {
    /// C `bond_confirm_addr(dev, dst, local)`: an IPv4 address of `dev` (`inet_confirm_addr()`
    /// at host scope), or 0.0.0.0.
    pub(crate) fn confirm_addr4(&self, dst: Ip4, local: Ip4) -> Ip4 {
        let _g = rcu::read_lock();
        // SAFETY: RCU held: the device's `in_device` stays valid for the section.
        let in_dev = unsafe { bindings::bondrs_in_dev_get_rcu(self.as_ptr()) };
        if in_dev.is_null() {
            return [0; 4];
        }
        // SAFETY: As above; the device's namespace outlives it.
        let a = unsafe {
            bindings::inet_confirm_addr(
                self.net().as_ptr(),
                in_dev,
                be32(dst),
                be32(local),
                bindings::RT_SCOPE_HOST,
            )
        };
        a.to_ne_bytes()
    }

    /// C `ipv6_chk_addr(dev_net(dev), addr, dev, 0)`: whether `addr` is an address of the
    /// device.
    pub(crate) fn has_ipv6_addr(&self, addr: &Ip6) -> bool {
        // SAFETY: Valid device and namespace; `addr` is 16 bytes.
        unsafe { bindings::ipv6_chk_addr(self.net().as_ptr(), in6(addr), self.as_ptr(), 0) != 0 }
    }

    /// C `ipv6_dev_get_saddr(dev_net(dev), dev, daddr, 0, &saddr)`: the source address to reach
    /// `daddr` from the device, if any.
    pub(crate) fn ipv6_saddr(&self, daddr: &Ip6) -> Option<Ip6> {
        let mut s: Ip6 = [0; 16];
        // SAFETY: Valid device and namespace; both addresses are 16 bytes.
        let r = unsafe {
            bindings::ipv6_dev_get_saddr(
                self.net().as_ptr(),
                self.as_ptr(),
                in6(daddr),
                0,
                core::ptr::from_mut(&mut s).cast(),
            )
        };
        (r == 0).then_some(s)
    }

    /// Whether `f` holds for any device stacked above this one, at any depth (C
    /// `netdev_walk_all_upper_dev_rcu()`).
    pub(crate) fn any_upper<F: FnMut(&NetDevice) -> bool>(
        &self,
        _g: &rcu::Guard,
        mut f: F,
    ) -> bool {
        /// # Safety
        ///
        /// Called by `netdev_walk_all_upper_dev_rcu()` under RCU with the `priv` given below.
        unsafe extern "C" fn cb<F: FnMut(&NetDevice) -> bool>(
            upper: *mut bindings::net_device,
            p: *mut bindings::netdev_nested_priv,
        ) -> c_int {
            // SAFETY: `p->data` is the `F` passed below, alive during the walk; `upper` is a
            // live device (RCU held by the walker's caller).
            let (f, dev) = unsafe { (&mut *(*p).data.cast::<F>(), NetDevice::from_raw(upper)) };
            c_int::from(f(dev))
        }
        let mut p = bindings::netdev_nested_priv {
            flags: 0,
            data: core::ptr::from_mut(&mut f).cast(),
        };
        // SAFETY: RCU held (`_g`); the callback and data match.
        unsafe {
            bindings::netdev_walk_all_upper_dev_rcu(self.as_ptr(), Some(cb::<F>), &mut p) != 0
        }
    }

    /// C `bond_verify_device_path(self, end, 0)`: whether `end` is this device or stacked above
    /// it, and then the VLAN tags of the devices on the way (`Some(tags)`, the one just above
    /// this device first). `Err(ENOMEM)` if the tags could not be stored.
    pub(crate) fn device_path(
        &self,
        end: &NetDevice,
        g: &rcu::Guard,
    ) -> Result<Option<KVec<VlanTag>>> {
        let mut tags = KVec::new();
        if self.path_to(end, g, &mut tags, 0)? {
            tags.reverse();
            Ok(Some(tags))
        } else {
            Ok(None)
        }
    }

    /// Depth-first search of the uppers (`netdev_for_each_upper_dev_rcu()`); on the way back
    /// from `end`, pushes the tag of each device passed (innermost first).
    fn path_to(
        &self,
        end: &NetDevice,
        _g: &rcu::Guard,
        tags: &mut KVec<VlanTag>,
        depth: u32,
    ) -> Result<bool> {
        if core::ptr::eq(self.as_ptr(), end.as_ptr()) {
            return Ok(true);
        }
        // The kernel limits stacking to MAX_NEST_DEV (8) levels.
        if depth > 8 {
            return Ok(false);
        }
        // SAFETY: RCU held (`_g`); `iter` starts at the device's upper list head, as the macro does.
        let mut iter = unsafe { core::ptr::addr_of_mut!((*self.as_ptr()).adj_list.upper) };
        loop {
            // SAFETY: As above.
            let up = unsafe { bindings::netdev_upper_get_next_dev_rcu(self.as_ptr(), &mut iter) };
            if up.is_null() {
                return Ok(false);
            }
            // SAFETY: A listed upper device is live under RCU.
            let up = unsafe { NetDevice::from_raw(up) };
            if up.path_to(end, _g, tags, depth + 1)? {
                let tag = if up.is_vlan() {
                    // SAFETY: `up` is a VLAN device.
                    unsafe {
                        VlanTag {
                            proto: bindings::vlan_dev_vlan_proto(up.as_ptr()),
                            id: bindings::vlan_dev_vlan_id(up.as_ptr()),
                        }
                    }
                } else {
                    VlanTag::default()
                };
                tags.push(tag, GFP_ATOMIC)?;
                return Ok(true);
            }
        }
    }

    /// The tag a VLAN device adds (C `vlan_dev_vlan_proto()`, `vlan_dev_vlan_id()`); `None`
    /// for another device.
    pub(crate) fn vlan_of(&self) -> Option<VlanTag> {
        // SAFETY: `self` is a VLAN device (checked first).
        self.is_vlan().then(|| unsafe {
            VlanTag {
                proto: bindings::vlan_dev_vlan_proto(self.as_ptr()),
                id: bindings::vlan_dev_vlan_id(self.as_ptr()),
            }
        })
    }

    /// C `is_vlan_dev()`.
    pub(crate) fn is_vlan(&self) -> bool {
        // SAFETY: Valid device.
        unsafe { bindings::bondrs_is_vlan_dev(self.as_ptr()) }
    }

    /// C `ndisc_mc_map(mcaddr, buf, dev, 0)`: the link-layer address of IPv6 multicast group
    /// `mcaddr` on this device, if it has one.
    fn ndisc_mc_map(&self, mcaddr: &Ip6) -> Option<[u8; bindings::MAX_ADDR_LEN as usize]> {
        let mut buf = [0u8; bindings::MAX_ADDR_LEN as usize];
        // SAFETY: Valid device; `buf` has `MAX_ADDR_LEN` bytes, as the function requires.
        let r = unsafe {
            bindings::ndisc_mc_map(in6(mcaddr), buf.as_mut_ptr().cast(), self.as_ptr(), 0)
        };
        (r == 0).then_some(buf)
    }

    /// Joins (`add`) or leaves the link-layer multicast group of IPv6 multicast address
    /// `mcaddr` (C `slave_set_ns_maddr()`: `ndisc_mc_map()` then `dev_mc_add()`/`dev_mc_del()`).
    pub(crate) fn ipv6_mc_group(&self, mcaddr: &Ip6, add: bool, _rtnl: &crate::safe::rtnl::Rtnl) {
        let Some(mac) = self.ndisc_mc_map(mcaddr) else {
            return;
        };
        // SAFETY: RTNL held; `mac` holds the device's `addr_len` bytes.
        unsafe {
            if add {
                bindings::dev_mc_add(self.as_ptr(), mac.as_ptr());
            } else {
                bindings::dev_mc_del(self.as_ptr(), mac.as_ptr());
            }
        }
    }
}

/// C `ipv6_mod_enabled()`.
pub(crate) fn ipv6_enabled() -> bool {
    // SAFETY: Reads a global setting.
    unsafe { bindings::bondrs_ipv6_mod_enabled() }
}

/// C `bond_handle_vlan()`: inserts the inner tags into `skb` and sets the outer one as the
/// hardware-accelerated tag. `None` if the skb was freed (no memory for a tag).
fn handle_vlan(
    skb: NonNull<bindings::sk_buff>,
    tags: Option<&[VlanTag]>,
) -> Option<NonNull<bindings::sk_buff>> {
    let Some((outer, inner)) = tags.and_then(|t| t.split_first()) else {
        return Some(skb);
    };
    let mut skb = skb;
    for t in inner.iter().filter(|t| t.id != 0) {
        // SAFETY: We own `skb`; on failure the call frees it and returns NULL.
        let s = unsafe { bindings::bondrs_vlan_insert_tag_set_proto(skb.as_ptr(), t.proto, t.id) };
        match NonNull::new(s) {
            Some(s) => skb = s,
            None => {
                if crate::safe::devops::net_ratelimit() {
                    pr_err!("failed to insert inner VLAN tag\n");
                }
                return None;
            }
        }
    }
    if outer.id != 0 {
        // SAFETY: We own `skb`.
        unsafe { bindings::bondrs_vlan_hwaccel_put_tag(skb.as_ptr(), outer.proto, outer.id) };
    }
    Some(skb)
}

/// C `bond_arp_send(slave, ARPOP_REQUEST, dst, src, tags)`: an ARP request for `dst` from
/// `src` (0.0.0.0 if none) with the slave's own hardware address, tagged for the device path.
/// Returns whether it was handed to the device (then the caller counts it as transmitted).
pub(crate) fn send_arp(slave: &NetDevice, dst: Ip4, src: Ip4, tags: Option<&[VlanTag]>) -> bool {
    // SAFETY: Valid device; the hardware address is the device's own (`dev_addr`).
    let skb = unsafe {
        bindings::arp_create(
            bindings::ARPOP_REQUEST,
            bindings::ETH_P_ARP,
            be32(dst),
            slave.as_ptr(),
            be32(src),
            core::ptr::null(),
            (*slave.as_ptr()).dev_addr,
            core::ptr::null(),
        )
    };
    let Some(skb) = NonNull::new(skb) else {
        if crate::safe::devops::net_ratelimit() {
            pr_err!("ARP packet allocation failed\n");
        }
        return false;
    };
    let Some(skb) = handle_vlan(skb, tags) else {
        return false;
    };
    // SAFETY: We own the skb; `arp_xmit()` consumes it.
    unsafe { bindings::arp_xmit(skb.as_ptr()) };
    true
}

/// C `rlb_update_client()`'s ARP: a reply to `ip_dst` at `mac_dst` from `ip_src` with the
/// slave's own hardware address, tagged with `vlan_id` (802.1Q) if not 0. Returns whether it was
/// handed to the device; C logs "failed to create an ARP packet" when it could not be built.
pub(crate) fn send_arp_reply(
    slave: &NetDevice,
    ip_dst: Ip4,
    ip_src: Ip4,
    mac_dst: &[u8; 6],
    vlan_id: u16,
) -> bool {
    // SAFETY: Valid device; `mac_dst` has 6 bytes, the device's address `addr_len`.
    let skb = unsafe {
        bindings::arp_create(
            bindings::ARPOP_REPLY,
            bindings::ETH_P_ARP,
            be32(ip_dst),
            slave.as_ptr(),
            be32(ip_src),
            mac_dst.as_ptr(),
            (*slave.as_ptr()).dev_addr,
            mac_dst.as_ptr(),
        )
    };
    let Some(skb) = NonNull::new(skb) else {
        return false;
    };
    // SAFETY: We own the new skb (its `dev` is `slave` already); `arp_xmit()` consumes it.
    unsafe {
        if vlan_id != 0 {
            bindings::bondrs_vlan_hwaccel_put_tag(
                skb.as_ptr(),
                (bindings::ETH_P_8021Q as u16).to_be(),
                vlan_id,
            );
        }
        bindings::arp_xmit(skb.as_ptr());
    }
    true
}

impl NetDevice {
    /// C `rlb_arp_xmit()`'s check: whether `ip` is an address of a bridge (any bridge master)
    /// in this device's namespace (`ip_dev_find()`).
    pub(crate) fn ip_is_on_bridge(&self, ip: Ip4) -> bool {
        // SAFETY: Valid device; `ip_dev_find()` returns a held device or NULL.
        let d = unsafe {
            bindings::bondrs_ip_dev_find(bindings::bondrs_dev_net(self.as_ptr()), be32(ip))
        };
        let Some(d) = NonNull::new(d) else {
            return false;
        };
        // SAFETY: `d` is held until the `dev_put()`.
        unsafe {
            let bridge = bindings::bondrs_netif_is_any_bridge_master(d.as_ptr());
            bindings::bondrs_dev_put(d.as_ptr());
            bridge
        }
    }
}

/// C `bond_ns_send()`: a neighbour solicitation for `dst` from `src` (`::` if none), sent to
/// `dst`'s solicited-node multicast address, tagged for the device path. Returns whether it was
/// handed to the device.
pub(crate) fn send_ns(slave: &NetDevice, dst: &Ip6, src: &Ip6, tags: Option<&[VlanTag]>) -> bool {
    // SAFETY: Valid device; both addresses are 16 bytes.
    let skb = unsafe { bindings::ndisc_ns_create(slave.as_ptr(), in6(dst), in6(src), 0) };
    let Some(skb) = NonNull::new(skb) else {
        if crate::safe::devops::net_ratelimit() {
            pr_err!("NS packet allocation failed\n");
        }
        return false;
    };
    let mcaddr = crate::modes::arpmon::solicited_node(*dst);
    let Some(skb) = handle_vlan(skb, tags) else {
        return false;
    };
    // SAFETY: We own the skb; `ndisc_send_skb()` consumes it.
    unsafe { bindings::ndisc_send_skb(skb.as_ptr(), in6(&mcaddr), in6(src)) };
    true
}
