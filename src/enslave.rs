// SPDX-License-Identifier: GPL-2.0

//! Enslaving and releasing (C `bond_enslave()`, `__bond_release_one()`), features, statistics
//! and the netdevice event handler (C `bond_netdev_event()`); the active slave changes they cause
//! are the failover's (`failover.rs`).

use crate::bindings;
use crate::bond::{Bond, BondDriver};
use crate::failover::{change_active_slave, hw_addr_flush, select_active_slave, set_carrier};
use crate::modes::{slaves::Link, FailOverMac};
use crate::policy;
use crate::safe::devops::{Stats64, STATS64_LEN};
use crate::safe::link::ExtAck;
use crate::safe::netdev::{Dev, NetDevice};
use crate::safe::netpoll::NetpollTxBlock;
use crate::safe::notifier::NetdevEvents;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::{rx_data, rx_register, rx_unregister};
use crate::slave::Slave;
use crate::{dev_pr, slave_pr};
use kernel::sync::atomic::Relaxed;
use kernel::{prelude::*, sync::Arc, types::ScopeGuard};

/// `NETDEV_LAG_TX_TYPE_*` / `NETDEV_LAG_HASH_*` of C `bond_lag_tx_type()` and
/// `bond_lag_hash_type()`.
fn lag_types(b: &Bond) -> (u32, u32) {
    // enum netdev_lag_hash: NONE 0, L2 1, L34 2, L23 3, E23 4, E34 5, VLAN_SRCMAC 6, UNKNOWN 7.
    let tx = policy::lag_tx_type(b.mode());
    if tx != policy::LagTxType::Hash {
        return (tx as u32, 0);
    }
    let h = match b.xmit_policy() {
        crate::modes::XmitHashPolicy::Layer2 => 1,
        crate::modes::XmitHashPolicy::Layer34 => 2,
        crate::modes::XmitHashPolicy::Layer23 => 3,
        crate::modes::XmitHashPolicy::Encap23 => 4,
        crate::modes::XmitHashPolicy::Encap34 => 5,
        crate::modes::XmitHashPolicy::VlanSrcMac => 6,
    };
    (tx as u32, h)
}

/// Reports an enslave error like C `BOND_NL_ERR()` / `SLAVE_NL_ERR()`.
fn nl_err(
    bond: &Dev<BondDriver>,
    slave: Option<&NetDevice>,
    extack: &mut Option<&mut ExtAck<'_>>,
    msg: &str,
    rtnl: &Rtnl,
) {
    match extack {
        Some(e) if e.is_present() => e.set_msg(format_args!("{}", msg)),
        _ => match slave {
            Some(s) => slave_pr!(Err, bond, s, rtnl, "Error: {}\n", msg),
            None => dev_pr!(Err, bond, "Error: {}\n", msg),
        },
    }
}

/// Calls `f` on the slaves that carry the bond's receive flags: the active
/// one in modes using a primary, all otherwise (C `bond_set_promiscuity()`).
pub(crate) fn for_rx_slaves(bond: &Dev<BondDriver>, rtnl: &Rtnl, f: impl Fn(&NetDevice) -> Result) {
    let b = bond.private();
    if b.mode().uses_primary() {
        if let Some(a) = b.active(rtnl) {
            let _ = f(&a.dev);
        }
    } else {
        for s in b.slave_list(rtnl) {
            if f(&s.dev).is_err() {
                return;
            }
        }
    }
}

/// C `bond_fix_features()`.
pub(crate) fn fix_features(bond: &Dev<BondDriver>, features: u64, rtnl: &Rtnl) -> u64 {
    let mask = features;
    let mut f = crate::safe::devops::netdev_base_features(features);
    for s in bond.private().slave_list(rtnl) {
        f = crate::safe::devops::netdev_increment_features(f, s.dev.features(), mask);
    }
    crate::safe::devops::netdev_add_tso_features(f, mask)
}

/// C `bond_fold_stats()`.
fn fold_stats(res: &mut Stats64, new: &Stats64, old: &Stats64) {
    for i in 0..STATS64_LEN {
        let (nv, ov) = (new[i], old[i]);
        let mut delta = nv.wrapping_sub(ov) as i64;
        if (nv | ov) >> 32 == 0 {
            delta = i64::from((nv as u32).wrapping_sub(ov as u32) as i32);
        }
        if delta > 0 {
            res[i] = res[i].wrapping_add(delta as u64);
        }
    }
}

/// C `bond_get_stats()`.
///
/// C reads each slave's counters while holding the bond's stats lock, with
/// `spin_lock_nested()` for stacked bonds. Here a slave's counters are read
/// with no lock held (a slave may itself be a bond taking its own lock) and
/// folded under the locks afterwards; the only difference is that two
/// concurrent readers may fold one slave's snapshots out of order, which
/// C's "ignore negative deltas" rule absorbs.
pub(crate) fn get_stats(bond: &Dev<BondDriver>, out: &mut Stats64) {
    let b = bond.private();
    let g = kernel::sync::rcu::read_lock();
    if let Some(set) = b.slaves.read(&g) {
        for s in set.all.iter() {
            let new = s.dev.stats64();
            let mut st = b.stats.lock();
            let mut last = s.last_stats.lock();
            fold_stats(&mut st, &new, &last);
            *last = new;
        }
    }
    *out = *b.stats.lock();
}

/// The checks of C `bond_enslave()` before anything changes.
fn enslave_checks(
    bond: &Dev<BondDriver>,
    slave_dev: &NetDevice,
    extack: &mut Option<&mut ExtAck<'_>>,
    rtnl: &Rtnl,
) -> Result {
    let refuse = |extack: &mut Option<&mut ExtAck<'_>>, named: bool, msg: &str, e: Error| {
        nl_err(bond, named.then_some(slave_dev), extack, msg, rtnl);
        Err(e)
    };
    if slave_dev.dev_type() == bindings::ARPHRD_CAN {
        return refuse(extack, false, "CAN devices cannot be enslaved", EPERM);
    }
    if slave_dev.flags() & bindings::IFF_MASTER != 0 && !slave_dev.is_bond_master() {
        return refuse(
            extack,
            false,
            "Device type (master device) cannot be enslaved",
            EPERM,
        );
    }
    if slave_dev.rx_handler_busy(rtnl) {
        return refuse(
            extack,
            true,
            "Device is in use and cannot be enslaved",
            EBUSY,
        );
    }
    if core::ptr::eq(bond.as_ptr(), slave_dev.as_ptr()) {
        return refuse(extack, false, "Cannot enslave bond to itself.", EPERM);
    }
    if slave_dev.features() & bindings::NETIF_F_VLAN_CHALLENGED != 0 {
        if bond.vlan_uses(rtnl) {
            return refuse(
                extack,
                true,
                "Can not enslave VLAN challenged device to VLAN enabled bond",
                EPERM,
            );
        }
        slave_pr!(Warning, bond, slave_dev, rtnl, "enslaved VLAN challenged slave. Adding VLANs will be blocked as long as it is part of bond.\n");
    }
    if slave_dev.flags() & bindings::IFF_UP != 0 {
        return refuse(extack, true, "Device can not be enslaved while up", EPERM);
    }
    Ok(())
}

/// The device type part of C `bond_enslave()`: the first slave gives the bond its type (C
/// `bond_setup_by_slave()` for non-Ethernet slaves); later ones must have the same.
fn enslave_type(
    bond: &Dev<BondDriver>,
    slave_dev: &NetDevice,
    first: bool,
    extack: &mut Option<&mut ExtAck<'_>>,
    rtnl: &Rtnl,
) -> Result {
    if bond.dev_type() == slave_dev.dev_type() {
        return Ok(());
    }
    if !first {
        nl_err(
            bond,
            Some(slave_dev),
            extack,
            "Device type is different from other slaves",
            rtnl,
        );
        return Err(EINVAL);
    }
    if slave_dev.dev_type() != bindings::ARPHRD_ETHER
        && crate::policy::ethernet_slaves_only(bond.private().mode())
    {
        nl_err(
            bond,
            Some(slave_dev),
            extack,
            "8023AD mode requires Ethernet devices",
            rtnl,
        );
        return Err(EINVAL);
    }
    if bond
        .notify_errno(bindings::netdev_cmd_NETDEV_PRE_TYPE_CHANGE, rtnl)
        .is_err()
    {
        slave_pr!(
            Err,
            bond,
            slave_dev,
            rtnl,
            "refused to change device type\n"
        );
        return Err(EBUSY);
    }
    bond.addr_flush(rtnl);
    if slave_dev.dev_type() != bindings::ARPHRD_ETHER {
        let was_up = bond.is_up();
        bond.close(rtnl);
        bond.setup_by_lower(slave_dev, rtnl);
        if was_up {
            let _ = bond.open(None, rtnl);
        }
    } else {
        bond.ether_setup_master(rtnl);
    }
    bond.notify(bindings::netdev_cmd_NETDEV_POST_TYPE_CHANGE, rtnl);
    Ok(())
}

/// The slave's link state when it joins (C `bond_enslave()` "initial state").
fn initial_link(new: &Slave, slave_dev: &NetDevice, p: &crate::params::BondParams) -> Link {
    if p.miimon != 0 {
        if !(slave_dev.running() && slave_dev.carrier_ok()) {
            return Link::Down;
        }
        if p.updelay != 0 {
            new.delay.store(p.updelay, Relaxed);
            return Link::Back;
        }
        return Link::Up;
    }
    if p.arp_interval != 0 && !slave_dev.carrier_ok() {
        return Link::Down;
    }
    Link::Up
}

/// C `bond_enslave()`. Each step that changes something is paired with a guard that undoes it
/// if a later step fails (C's chain of `err_*` labels); the guards unwind in reverse order, and
/// are dismissed once the slave is published.
pub(crate) fn enslave(
    bond: &Dev<BondDriver>,
    slave_dev: &NetDevice,
    mut extack: Option<&mut ExtAck<'_>>,
    rtnl: &Rtnl,
) -> Result {
    let b = bond.private();
    let mode = b.mode();
    enslave_checks(bond, slave_dev, &mut extack, rtnl)?;
    let first = b.slave_count(rtnl) == 0;
    enslave_type(bond, slave_dev, first, &mut extack, rtnl)?;

    // C `err_undo_flags`: a first enslave that fails leaves the master as it found it.
    let undo_flags = ScopeGuard::new(|| {
        if b.slave_count(rtnl) == 0 {
            let (a, s) = (bond.hw_addr(rtnl), slave_dev.hw_addr(rtnl));
            if a.bytes[..6] == s.bytes[..6] {
                bond.random_addr(rtnl);
            }
            if bond.dev_type() != bindings::ARPHRD_ETHER {
                bond.close(rtnl);
                bond.ether_setup_master(rtnl);
            }
        }
    });

    if slave_dev.dev_type() == bindings::ARPHRD_INFINIBAND
        && !crate::policy::infiniband_slaves(mode)
    {
        nl_err(
            bond,
            Some(slave_dev),
            &mut extack,
            "Only active-backup mode is supported for infiniband slaves",
            rtnl,
        );
        return Err(EOPNOTSUPP);
    }

    if !slave_dev.has_set_mac_address() || slave_dev.dev_type() == bindings::ARPHRD_INFINIBAND {
        slave_pr!(
            Warning,
            bond,
            slave_dev,
            rtnl,
            "The slave device specified does not support setting the MAC address\n"
        );
        let mut p = b.params(rtnl);
        if crate::policy::fail_over_mac_acts(mode) && p.fail_over_mac != FailOverMac::Active {
            if !first {
                nl_err(bond, Some(slave_dev), &mut extack, "Slave device does not support setting the MAC address, but fail_over_mac is not set to active", rtnl);
                return Err(EOPNOTSUPP);
            }
            p.fail_over_mac = FailOverMac::Active;
            b.set_params(p, rtnl);
            slave_pr!(
                Warning,
                bond,
                slave_dev,
                rtnl,
                "Setting fail_over_mac to active for active-backup mode\n"
            );
        }
    }

    slave_dev.notify(bindings::netdev_cmd_NETDEV_JOIN, rtnl);

    if first && bond.addr_assign_type() == bindings::NET_ADDR_RANDOM {
        bond.steal_addr(slave_dev, rtnl)?;
    }

    let p = b.params(rtnl);
    let new = Slave::new(
        bond,
        slave_dev,
        slave_dev.hw_addr(rtnl),
        slave_dev.mtu(),
        crate::bond::queue_slave_events,
    )?;

    if let Err(e) = slave_dev.set_mtu(bond.mtu(), rtnl) {
        slave_pr!(
            Err,
            bond,
            slave_dev,
            rtnl,
            "Error {} calling dev_set_mtu\n",
            e.to_errno()
        );
        return Err(e);
    }
    let restore_mtu = ScopeGuard::new(|| {
        let _ = slave_dev.set_mtu(new.original_mtu, rtnl);
    });

    // The slave's MAC: the bond's, except with fail_over_mac in active-backup (C).
    let fom = crate::policy::fail_over_mac(mode, p.fail_over_mac);
    let mac_set = if fom == FailOverMac::None {
        Some(bond.hw_addr(rtnl))
    } else if fom == FailOverMac::Follow && !first && slave_dev.hw_addr(rtnl) == bond.hw_addr(rtnl)
    {
        let mut a = bond.hw_addr(rtnl);
        crate::safe::devops::random_ether_addr(&mut a.bytes[..6]);
        Some(a)
    } else {
        None
    };
    if let Some(a) = mac_set {
        if let Err(e) = slave_dev.set_mac(a.as_slice(), extack.as_deref_mut(), rtnl) {
            slave_pr!(
                Err,
                bond,
                slave_dev,
                rtnl,
                "Error {} calling set_mac_address\n",
                e.to_errno()
            );
            return Err(e);
        }
    }
    slave_dev.update_priv_flags(bindings::IFF_NO_ADDRCONF, 0, rtnl);
    let restore_mac = ScopeGuard::new(|| {
        slave_dev.update_priv_flags(0, bindings::IFF_NO_ADDRCONF, rtnl);
        if fom == FailOverMac::None {
            let _ = slave_dev.set_mac(new.perm_hwaddr.as_slice(), None, rtnl);
        }
    });

    if let Err(e) = slave_dev.open(extack.as_deref_mut(), rtnl) {
        slave_pr!(Err, bond, slave_dev, rtnl, "Opening slave failed\n");
        return Err(e);
    }
    slave_dev.update_priv_flags(bindings::IFF_BONDING, 0, rtnl);
    *new.last_stats.lock() = slave_dev.stats64();
    let close = ScopeGuard::new(|| {
        if !slave_dev.is_bond_master() {
            slave_dev.update_priv_flags(0, bindings::IFF_BONDING, rtnl);
        }
        slave_dev.close(rtnl);
    });

    // C `bond_alb_init_slave()`, before every other stage.
    policy::attach(mode, bond, &new, rtnl)?;

    if let Err(e) = slave_dev.vlan_vids_add_by(bond, rtnl) {
        slave_pr!(Err, bond, slave_dev, rtnl, "Couldn't add bond vlan ids\n");
        return Err(e);
    }
    let detach = ScopeGuard::new(|| {
        new.np.disable(rtnl);
        slave_dev.vlan_vids_del_by(bond, rtnl);
    });

    new.delay.store(0, Relaxed);
    let _ = new.update_speed_duplex(rtnl);
    // The ARP/NS monitor's clocks: as if the last probe and answer were an interval ago.
    new.init_arp_times(crate::safe::devops::msecs_to_jiffies(
        p.arp_interval.max(0) as u32
    ));
    let initial = initial_link(&new, slave_dev, &p);
    new.init_link(initial);
    if initial != Link::Down {
        new.touch_last_link_up();
    }

    let mut primary = b.primary(rtnl);
    if mode.uses_primary()
        && !p.primary().is_empty()
        && p.primary() == slave_dev.name(rtnl).to_bytes()
    {
        primary = Some(new.clone());
        b.force_primary.set(rtnl, true);
    }
    let mut active = b.active(rtnl);
    policy::enslave_role(mode, bond, &new, &mut active, rtnl);

    if bond.has_npinfo() && new.np.enable(slave_dev, rtnl).is_err() {
        slave_pr!(
            Info,
            bond,
            slave_dev,
            rtnl,
            "master_dev is using netpoll, but new slave device does not support netpoll\n"
        );
        return Err(EBUSY);
    }

    if bond.features() & bindings::NETIF_F_LRO == 0 {
        slave_dev.disable_lro(rtnl);
    }

    rx_register(slave_dev, new.clone(), rtnl)?;
    let unregister = ScopeGuard::new(|| drop(rx_unregister::<Slave>(slave_dev, rtnl)));

    let (tx, hash) = lag_types(&b);
    let cookie = Arc::as_ptr(&new).cast_mut().cast();
    slave_dev.master_upper_link(bond, cookie, tx, hash, extack.as_deref_mut(), rtnl)?;
    slave_dev.update_flags(bindings::IFF_SLAVE, 0, rtnl);
    new.lower_state_changed(rtnl);
    let upper_unlink = ScopeGuard::new(|| {
        slave_dev.upper_unlink(bond, rtnl);
        slave_dev.update_flags(0, bindings::IFF_SLAVE, rtnl);
    });

    let sysfs = ScopeGuard::new(|| new.sysfs_del(rtnl));
    new.sysfs_add(rtnl)?;

    // The bond's receive flags on the new slave, in the modes where every slave receives.
    let flags = bond.flags();
    let rx_flags = !mode.uses_primary();
    if rx_flags && flags & bindings::IFF_PROMISC != 0 {
        slave_dev.set_promiscuity(1, rtnl)?;
    }
    let promisc = ScopeGuard::new(|| {
        if rx_flags && flags & bindings::IFF_PROMISC != 0 {
            let _ = slave_dev.set_promiscuity(-1, rtnl);
        }
    });
    if rx_flags && flags & bindings::IFF_ALLMULTI != 0 {
        slave_dev.set_allmulti(1, rtnl)?;
    }
    let allmulti = ScopeGuard::new(|| {
        if rx_flags && flags & bindings::IFF_ALLMULTI != 0 {
            let _ = slave_dev.set_allmulti(-1, rtnl);
        }
    });
    if rx_flags && flags & bindings::IFF_UP != 0 {
        slave_dev.addr_sync_multiple(bond, rtnl);
    }

    // C: the bond's XDP program onto the new slave. C does it once the slave is published, and
    // takes the publication back when the slave refuses; here it comes before.
    {
        let mut none = ExtAck::none();
        let ack = match extack {
            Some(e) => e,
            None => &mut none,
        };
        crate::xdp::enslave(bond, slave_dev, ack, rtnl)?;
    }
    let xdp = ScopeGuard::new(|| crate::xdp::release(bond, slave_dev, rtnl));

    // The mode's own state for the slave (C `bond_3ad_bind_slave()`).
    policy::enslave(mode, bond, &new, rtnl)?;
    let mode_state = ScopeGuard::new(|| policy::release(mode, bond, &new, rtnl));

    // Add to the list (C `slave_cnt++` with the lower device link above) and publish.
    b.add_slave(new.clone(), rtnl)?;
    let (old_active, old_primary) = (b.active(rtnl), b.primary(rtnl));
    b.store_roles(active, primary, rtnl);
    if let Err(e) = b.try_republish(rtnl) {
        b.store_roles(old_active, old_primary, rtnl);
        b.remove_slave(&new, rtnl);
        return Err(e);
    }

    // Enslaved: nothing to undo any more.
    mode_state.dismiss();
    xdp.dismiss();
    allmulti.dismiss();
    promisc.dismiss();
    sysfs.dismiss();
    upper_unlink.dismiss();
    unregister.dismiss();
    detach.dismiss();
    close.dismiss();
    restore_mac.dismiss();
    restore_mtu.dismiss();
    undo_flags.dismiss();

    bond.compute_master_upper_features(rtnl);
    set_carrier(bond, rtnl);

    // Before selecting the active slave, which leaves the groups again if it picks this one.
    crate::arpmon::ns_maddrs_add(&b, &new, rtnl);

    if mode.uses_primary() {
        let _block = NetpollTxBlock::new();
        select_active_slave(bond, rtnl);
    }

    crate::xdp::set_features(bond, rtnl);

    slave_pr!(
        Info,
        bond,
        slave_dev,
        rtnl,
        "Enslaving as {} interface with {} link\n",
        if new.is_active() {
            "an active"
        } else {
            "a backup"
        },
        if new.link() != Link::Down {
            "an up"
        } else {
            "a down"
        }
    );
    // "enslave is successful"
    new.queue_event(rtnl);
    Ok(())
}

/// C `__bond_release_one()`.
pub(crate) fn release(
    bond: &Dev<BondDriver>,
    slave_dev: &NetDevice,
    all: bool,
    unregister: bool,
    rtnl: &Rtnl,
) -> Result {
    let b = bond.private();
    let old_flags = bond.flags();
    let old_features = bond.features();

    if slave_dev.flags() & bindings::IFF_SLAVE == 0 || !slave_dev.has_upper(bond, rtnl) {
        return Err(EINVAL);
    }
    // C: netpoll's transmits blocked until the slave is out and the active one chosen.
    let block = NetpollTxBlock::new();
    let Some(slave) = b.slave_of(slave_dev, rtnl) else {
        slave_pr!(Info, bond, slave_dev, rtnl, "interface not enslaved\n");
        return Err(EINVAL);
    };
    let mode = b.mode();
    let p = b.params(rtnl);

    slave.set_inactive_flags(mode, p.all_slaves_active != 0, rtnl);
    slave.sysfs_del(rtnl);

    // Recompute stats just before removing the slave.
    let mut tmp = [0u64; STATS64_LEN];
    get_stats(bond, &mut tmp);

    crate::xdp::release(bond, slave_dev, rtnl);

    drop(rx_unregister::<Slave>(slave_dev, rtnl));
    slave_dev.upper_unlink(bond, rtnl);
    slave_dev.update_flags(0, bindings::IFF_SLAVE, rtnl);

    // Remove from the list and the published set (C `bond_update_slave_arr(bond, slave)`);
    // the active role goes below (`change_active_slave()`).
    let old_active = b.active(rtnl);
    b.set_current_arp_slave(None);
    b.remove_slave(&slave, rtnl);
    b.republish(rtnl);
    policy::release(mode, bond, &slave, rtnl);
    let no_slaves_left = b.slave_count(rtnl) == 0;

    slave_pr!(
        Info,
        bond,
        slave_dev,
        rtnl,
        "Releasing {} interface\n",
        if slave.is_active() {
            "active"
        } else {
            "backup"
        }
    );

    if !all && crate::policy::fail_over_mac(mode, p.fail_over_mac) != FailOverMac::Active {
        let a = bond.hw_addr(rtnl);
        if a.as_slice() == slave.perm_hwaddr.as_slice() && !no_slaves_left {
            slave_pr!(Warning, bond, slave_dev, rtnl,
                "the permanent HWaddr of slave - {} - is still in use by bond - set the HWaddr of slave to a different address to avoid conflicts\n",
                crate::fmt::Mac(&slave.perm_hwaddr.eth()));
        }
    }

    let was_active = old_active.as_ref().is_some_and(|a| Arc::ptr_eq(a, &slave));
    if was_active {
        change_active_slave(bond, None, rtnl);
    }
    // After the active slave changed: the slave may have turned from active to backup.
    crate::arpmon::ns_maddrs_del(&b, &slave, rtnl);
    if !all && was_active {
        select_active_slave(bond, rtnl);
    }

    set_carrier(bond, rtnl);
    if no_slaves_left {
        bond.random_addr(rtnl);
    }
    drop(block);

    // Readers of the old set and rx handlers are done after a grace period
    // (`rx_unregister` already waited one: C `synchronize_rcu()`).

    if no_slaves_left {
        bond.notify(bindings::netdev_cmd_NETDEV_CHANGEADDR, rtnl);
        bond.notify(bindings::netdev_cmd_NETDEV_RELEASE, rtnl);
    }

    bond.compute_master_upper_features(rtnl);
    if bond.features() & bindings::NETIF_F_VLAN_CHALLENGED == 0
        && old_features & bindings::NETIF_F_VLAN_CHALLENGED != 0
    {
        slave_pr!(
            Info,
            bond,
            slave_dev,
            rtnl,
            "last VLAN challenged slave left bond - VLAN blocking is removed\n"
        );
    }

    slave_dev.vlan_vids_del_by(bond, rtnl);

    if !mode.uses_primary() {
        if old_flags & bindings::IFF_PROMISC != 0 {
            let _ = slave_dev.set_promiscuity(-1, rtnl);
        }
        if old_flags & bindings::IFF_ALLMULTI != 0 {
            let _ = slave_dev.set_allmulti(-1, rtnl);
        }
        if old_flags & bindings::IFF_UP != 0 {
            hw_addr_flush(bond, slave_dev, rtnl);
        }
    }

    slave.np.disable(rtnl);
    slave_dev.close(rtnl);
    slave_dev.update_priv_flags(0, bindings::IFF_NO_ADDRCONF, rtnl);

    if crate::policy::fail_over_mac(mode, p.fail_over_mac) != FailOverMac::Active {
        let _ = slave_dev.set_mac(slave.perm_hwaddr.as_slice(), None, rtnl);
    }

    if unregister {
        slave_dev.force_mtu(slave.original_mtu, rtnl);
    } else {
        let _ = slave_dev.set_mtu(slave.original_mtu, rtnl);
    }

    if !slave_dev.is_bond_master() {
        slave_dev.update_priv_flags(0, bindings::IFF_BONDING, rtnl);
    }
    crate::xdp::set_features(bond, rtnl);
    Ok(())
}

/// The netdevice event handler (C `bond_netdev_event()`).
pub(crate) struct BondEvents;

impl NetdevEvents for BondEvents {
    fn event(event: bindings::netdev_cmd, dev: &NetDevice, rtnl: &Rtnl) {
        if dev.priv_flags() & bindings::IFF_BONDING == 0 {
            return;
        }
        if dev.flags() & bindings::IFF_MASTER != 0 {
            if let Some(bond) = Dev::<BondDriver>::try_from_dev(dev) {
                master_event(event, bond, rtnl);
            }
        }
        if dev.flags() & bindings::IFF_SLAVE != 0 {
            slave_event(event, dev, rtnl);
        }
    }
}

/// C `bond_master_netdev_event()`.
fn master_event(event: bindings::netdev_cmd, bond: &Dev<BondDriver>, rtnl: &Rtnl) {
    match event {
        bindings::netdev_cmd_NETDEV_CHANGENAME | bindings::netdev_cmd_NETDEV_REGISTER => {
            BondDriver::create_proc_entry(bond, rtnl)
        }
        bindings::netdev_cmd_NETDEV_UNREGISTER => {
            BondDriver::remove_proc_entry(bond, rtnl);
            #[cfg(CONFIG_XFRM_OFFLOAD)]
            bond.xfrm_state_flush(rtnl);
        }
        _ => {}
    }
}

/// C `bond_slave_netdev_event()`.
fn slave_event(event: bindings::netdev_cmd, slave_dev: &NetDevice, rtnl: &Rtnl) {
    let Some(slave) = rx_data::<Slave>(slave_dev, rtnl) else {
        return;
    };
    let Some(bond) = slave.bond_dev() else {
        return;
    };
    let b = bond.private();
    match event {
        bindings::netdev_cmd_NETDEV_UNREGISTER => {
            let non_ether = bond.dev_type() != bindings::ARPHRD_ETHER;
            let r = release(bond, slave_dev, false, true, rtnl);
            // C `bond_release_and_destroy()` for non-Ethernet bonds.
            if non_ether && r.is_ok() && b.slave_count(rtnl) == 0 && !bond.unregistering() {
                dev_pr!(Info, bond, "Destroying bond\n");
                BondDriver::remove_proc_entry(bond, rtnl);
                bond.unregister(rtnl, None);
            }
        }
        bindings::netdev_cmd_NETDEV_UP
        | bindings::netdev_cmd_NETDEV_CHANGE
        | bindings::netdev_cmd_NETDEV_DOWN => {
            if event != bindings::netdev_cmd_NETDEV_DOWN {
                // C: "The notifier path (bond_netdev_event NETDEV_CHANGE/UP)
                // reaches us with the slave's ops lock held".
                let ok = slave.update_speed_duplex_locked(true, rtnl).is_ok();
                policy::speed_changed(b.mode(), bond, &slave, ok, rtnl);
            }
            if b.mode().can_use_xmit_hash() {
                b.republish(rtnl);
            }
            // bonding-rs: the MII monitor sees a carrier change at once, not at its next tick.
            crate::monitor::carrier_event(bond, &slave, rtnl);
        }
        bindings::netdev_cmd_NETDEV_CHANGENAME => {
            let p = b.params(rtnl);
            if !b.mode().uses_primary() || p.primary().is_empty() {
                return;
            }
            let primary = b.primary(rtnl);
            let is_primary = primary.as_ref().is_some_and(|x| Arc::ptr_eq(x, &slave));
            if is_primary {
                b.set_primary(None, rtnl);
            } else if slave_dev.name(rtnl).to_bytes() == p.primary() {
                if let Some(s) = b.slave_of(slave_dev, rtnl) {
                    b.set_primary(Some(s), rtnl);
                }
            } else {
                return;
            }
            dev_pr!(
                Info,
                bond,
                "Primary slave changed to {}, reselecting active slave\n",
                if primary.is_some() {
                    slave_dev.name(rtnl).to_str().unwrap_or("?")
                } else {
                    "none"
                }
            );
            let _block = NetpollTxBlock::new();
            select_active_slave(bond, rtnl);
        }
        bindings::netdev_cmd_NETDEV_FEAT_CHANGE => {
            bond.compute_master_upper_features(rtnl);
        }
        bindings::netdev_cmd_NETDEV_XDP_FEAT_CHANGE => {
            crate::xdp::set_features(bond, rtnl);
        }
        bindings::netdev_cmd_NETDEV_RESEND_IGMP => {
            bond.notify(event, rtnl);
        }
        _ => {}
    }
}
