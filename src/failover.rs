// SPDX-License-Identifier: GPL-2.0

//! The failover: selecting, changing and announcing the active slave (C `bond_main.c`:
//! `bond_select_active_slave()`, `bond_find_best_slave()`, `bond_change_active_slave()`,
//! `bond_hw_addr_swap()`, `bond_do_fail_over_mac()`, `bond_set_carrier()`), in the order they
//! run:
//!
//! 1. [`select_active_slave`] picks the best slave ([`find_best_slave`]: the pure rules of
//!    `modes::slaves::find_best_slave()`), and if it is a new one
//! 2. [`change_active_slave`]: the IPsec SAs leave the old slave, the new one's link is
//!    committed, the receive flags and address lists move ([`hw_addr_swap`]), the new active slave
//!    is published, the mode's hook ([`crate::policy::BondMode::active_changed`]) sets its slaves'
//!    flags and says whether to announce,
//! 3. [`announce`]: the MAC per `fail_over_mac` ([`do_fail_over_mac`]), `NETDEV_BONDING_FAILOVER`,
//!    the peer notifications; the SAs come to the new slave, the IGMP joins are resent,
//! 4. the carrier ([`set_carrier`], the mode's) and the log line.
//!
//! The link monitors (`monitor.rs`, `arpmon.rs`) sit below this file: they ask for a new active
//! slave through [`crate::monitor::Failover`], which this file implements.

use crate::bindings;
use crate::bond::{Bond, BondDriver};
use crate::modes::{slaves, slaves::Link, FailOverMac};
use crate::policy;
use crate::safe::netdev::{Dev, NetDevice};
use crate::safe::netpoll::NetpollTxBlock;
use crate::safe::rtnl::Rtnl;
use crate::slave::Slave;
use crate::{dev_pr, slave_pr};
use kernel::sync::atomic::Relaxed;
use kernel::sync::Arc;

/// C `bond_select_active_slave()`.
pub(crate) fn select_active_slave(bond: &Dev<BondDriver>, rtnl: &Rtnl) {
    let b = bond.private();
    let best = find_best_slave(&b, rtnl);
    if same_slave(&best, &b.active(rtnl)) {
        return;
    }
    change_active_slave(bond, best, rtnl);
    if !set_carrier(bond, rtnl) {
        return;
    }
    if bond.carrier_ok() {
        dev_pr!(Info, bond, "active interface up!\n");
    } else {
        dev_pr!(Info, bond, "now running without any active interface!\n");
    }
}

/// The bond's slaves as active-slave selection sees them (by index, nothing copied).
struct SelList<'a>(&'a Bond, &'a Rtnl);

impl slaves::SelViews for SelList<'_> {
    fn count(&self) -> usize {
        self.0.slave_count(self.1)
    }

    fn at(&self, i: usize) -> slaves::SelView {
        let Some(s) = self.0.slave_list(self.1).nth(i) else {
            // Out of range cannot happen (callers stay below `count()`); an absent slave is down.
            return slaves::SelView {
                link: Link::Down,
                prio: 0,
                speed: crate::slave::SPEED_UNKNOWN,
                duplex: crate::slave::DUPLEX_UNKNOWN,
                delay: 0,
                is_up: false,
            };
        };
        let (speed, duplex) = s.speed_duplex();
        slaves::SelView {
            link: s.link(),
            prio: s.prio(),
            speed,
            duplex,
            delay: s.delay.load(Relaxed),
            is_up: s.is_up(),
        }
    }
}

/// C `bond_find_best_slave()` over the current slaves.
fn find_best_slave(b: &Bond, rtnl: &Rtnl) -> Option<Arc<Slave>> {
    let pos = |x: Option<Arc<Slave>>| {
        x.and_then(|x| b.slave_list(rtnl).position(|s| Arc::ptr_eq(&s, &x)))
    };
    let curr = pos(b.active(rtnl));
    let prim = pos(b.primary(rtnl));
    let p = b.params(rtnl);
    let mut force = b.force_primary.get(rtnl);
    let best = slaves::find_best_slave(
        &SelList(b, rtnl),
        curr,
        prim,
        &mut force,
        p.primary_reselect.as_u8(),
        p.updelay,
    );
    b.force_primary.set(rtnl, force);
    best.and_then(|i| b.slave_list(rtnl).nth(i))
}

/// Whether two optional slaves are the same one (C pointer equality).
fn same_slave(a: &Option<Arc<Slave>>, b: &Option<Arc<Slave>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// C `bond_change_active_slave()`.
pub(crate) fn change_active_slave(bond: &Dev<BondDriver>, new: Option<Arc<Slave>>, rtnl: &Rtnl) {
    let b = bond.private();
    let old = b.active(rtnl);
    if same_slave(&old, &new) {
        return;
    }
    #[cfg(CONFIG_XFRM_OFFLOAD)]
    crate::ipsec::del_sa_all(bond, rtnl);
    let mode = b.mode();
    let p = b.params(rtnl);
    // C sets `curr_active_slave` with a plain pointer store a few instructions after it looked
    // at the new slave's link; here the snapshot that names it is rebuilt first
    // (`set_active()`: an allocation, a point where the bond's work may run on a
    // `PREEMPT_VOLUNTARY` kernel). An active-backup ARP monitor pass in between would find no
    // active slave, make this one its probe slave in BACK, and the commit never brings up a
    // BACK slave that is the active one (seen in arp_monitor.sh: eth0 "going back" for 5 s).
    // The monitor skips its probe while this is set, as if it had run after the store.
    b.active_changing.store(new.is_some(), Relaxed);
    if let Some(n) = &new {
        n.touch_last_link_up();
        if n.link() == Link::Back {
            if mode.uses_primary() {
                slave_pr!(
                    Info,
                    bond,
                    &n.dev,
                    rtnl,
                    "making interface the new active one {} ms earlier\n",
                    (i64::from(p.updelay) - i64::from(n.delay.load(Relaxed))) * i64::from(p.miimon)
                );
            }
            n.delay.store(0, Relaxed);
            n.set_link(Link::Up, rtnl);
            // The mode learns the link change as from the MII monitor's commit (C:
            // `bond_3ad_handle_link_change()`, `bond_alb_handle_link_change()`).
            policy::link_changed(mode, bond, n, Link::Up, rtnl);
        } else if mode.uses_primary() {
            slave_pr!(
                Info,
                bond,
                &n.dev,
                rtnl,
                "making interface the new active one\n"
            );
        }
    }
    if mode.uses_primary() {
        hw_addr_swap(bond, new.as_ref(), old.as_ref(), rtnl);
    }
    b.set_active(new.clone(), rtnl);
    b.active_changing.store(false, Relaxed);
    let after = policy::active_changed(mode, bond, old.as_ref(), new.as_ref(), rtnl);
    if let (true, Some(n)) = (after.announce, &new) {
        announce(bond, n, old.as_ref(), rtnl);
    }
    if after.republish {
        // The transmit array depends on the flags the mode changed.
        b.republish(rtnl);
    }

    #[cfg(CONFIG_XFRM_OFFLOAD)]
    crate::ipsec::add_sa_all(bond, rtnl);

    if bond.running() && p.resend_igmp > 0 && policy::igmp_on_active_change(mode, new.is_some()) {
        b.igmp_retrans.store(p.resend_igmp, Relaxed);
        b.mcast_work.queue(1);
    }
}

/// Announces a new active slave `new` (the active-backup part of C `bond_change_active_slave()`):
/// the MAC per `fail_over_mac`, `NETDEV_BONDING_FAILOVER`, then the peer notifications.
fn announce(bond: &Dev<BondDriver>, new: &Arc<Slave>, old: Option<&Arc<Slave>>, rtnl: &Rtnl) {
    let b = bond.private();
    if b.params(rtnl).fail_over_mac != FailOverMac::None {
        do_fail_over_mac(bond, new, old, rtnl);
    }
    bond.notify(bindings::netdev_cmd_NETDEV_BONDING_FAILOVER, rtnl);
    if bond.running() {
        crate::monitor::peer_notify_reset(&b, rtnl);
        crate::monitor::peer_notify_may_events(bond, false, rtnl);
    }
}

/// C `bond_hw_addr_swap()`.
fn hw_addr_swap(
    bond: &Dev<BondDriver>,
    new: Option<&Arc<Slave>>,
    old: Option<&Arc<Slave>>,
    rtnl: &Rtnl,
) {
    let flags = bond.flags();
    if let Some(o) = old {
        if flags & bindings::IFF_PROMISC != 0 {
            let _ = o.dev.set_promiscuity(-1, rtnl);
        }
        if flags & bindings::IFF_ALLMULTI != 0 {
            let _ = o.dev.set_allmulti(-1, rtnl);
        }
        if flags & bindings::IFF_UP != 0 {
            hw_addr_flush(bond, &o.dev, rtnl);
        }
        crate::arpmon::ns_maddrs_add(&bond.private(), o, rtnl);
    }
    if let Some(n) = new {
        if flags & bindings::IFF_PROMISC != 0 {
            let _ = n.dev.set_promiscuity(1, rtnl);
        }
        if flags & bindings::IFF_ALLMULTI != 0 {
            let _ = n.dev.set_allmulti(1, rtnl);
        }
        if flags & bindings::IFF_UP != 0 {
            n.dev.addr_sync(bond, rtnl);
        }
        crate::arpmon::ns_maddrs_del(&bond.private(), n, rtnl);
    }
}

/// C `bond_hw_addr_flush()`.
pub(crate) fn hw_addr_flush(bond: &Dev<BondDriver>, slave: &NetDevice, rtnl: &Rtnl) {
    slave.addr_unsync(bond, rtnl);
    policy::addrs_flushed(bond.private().mode(), slave, rtnl);
}

/// C `bond_do_fail_over_mac()`.
fn do_fail_over_mac(
    bond: &Dev<BondDriver>,
    new: &Arc<Slave>,
    old: Option<&Arc<Slave>>,
    rtnl: &Rtnl,
) {
    let b = bond.private();
    let fom = b.params(rtnl).fail_over_mac;
    match fom {
        // BOND_FOM_ACTIVE
        FailOverMac::Active => {
            if bond.steal_addr(&new.dev, rtnl).is_err() {
                dev_pr!(
                    Err,
                    bond,
                    "Error: could not steal the new active slave's address\n"
                );
            }
        }
        // BOND_FOM_FOLLOW
        FailOverMac::Follow => {
            // C `bond_get_old_active()` when there is no old active slave.
            let baddr = bond.hw_addr(rtnl);
            let old = old.cloned().or_else(|| {
                b.slave_list(rtnl)
                    .find(|s| !Arc::ptr_eq(s, new) && s.dev.hw_addr(rtnl) == baddr)
            });
            let new_addr = new.dev.hw_addr(rtnl);
            let (tmp, set_old) = match &old {
                Some(o) => (new_addr, Some(o)),
                None => (new_addr, None),
            };
            if set_old.is_none() {
                // No old active: just give the new one the bond's address.
                if let Err(e) = new.dev.set_mac(baddr.as_slice(), None, rtnl) {
                    slave_pr!(
                        Err,
                        bond,
                        &new.dev,
                        rtnl,
                        "Error {} setting bond MAC from slave\n",
                        e.to_errno()
                    );
                }
                return;
            }
            if let Err(e) = new.dev.set_mac(baddr.as_slice(), None, rtnl) {
                slave_pr!(
                    Err,
                    bond,
                    &new.dev,
                    rtnl,
                    "Error {} setting MAC of new active slave\n",
                    e.to_errno()
                );
                return;
            }
            if let Some(o) = set_old {
                if let Err(e) = o.dev.set_mac(tmp.as_slice(), None, rtnl) {
                    slave_pr!(
                        Err,
                        bond,
                        &o.dev,
                        rtnl,
                        "Error {} setting MAC of old active slave\n",
                        e.to_errno()
                    );
                }
            }
        }
        _ => {}
    }
}

/// C `bond_set_carrier()`: returns whether the carrier changed (as the mode reports it: C's
/// `bond_3ad_set_carrier()` says "changed" whenever the bond has slaves).
pub(crate) fn set_carrier(bond: &Dev<BondDriver>, rtnl: &Rtnl) -> bool {
    policy::set_carrier(bond.private().mode(), bond, rtnl)
}

impl crate::monitor::Failover for BondDriver {
    fn select_active_slave(bond: &Dev<BondDriver>, rtnl: &Rtnl) {
        // C's link monitors' commits: `block_netpoll_tx()` around `bond_select_active_slave()`.
        let _block = NetpollTxBlock::new();
        select_active_slave(bond, rtnl);
    }
}
