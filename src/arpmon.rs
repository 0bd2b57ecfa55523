// SPDX-License-Identifier: GPL-2.0

//! The ARP and IPv6 NS link monitors (C `bond_main.c`: `bond_arp_monitor()`,
//! `bond_loadbalance_arp_mon()`, `bond_activebackup_arp_mon()` with `bond_ab_arp_inspect()`,
//! `bond_ab_arp_commit()` and `bond_ab_arp_probe()`; sending, `bond_send_validate()`; receiving,
//! `bond_rcv_validate()`), and the IPv6 multicast groups a backup joins for NS validation
//! (`bond_options.c`: `slave_set_ns_maddrs()`).
//!
//! A slave is up while ARP requests (to `arp_ip_target`) and neighbour solicitations (to
//! `ns_ip6_target`) sent on it get traffic back: the monitor sends probes every `arp_interval`
//! and compares each slave's last send and receive times (`modes::arpmon`, host-tested) with
//! the clock. The receive side runs in the slaves' receive handler while `Bond::arp_rx` is set.

use crate::bond::{Bond, BondDriver, SlaveSet, ARP_WORK};
use crate::fmt::{ip4, Ipv6};
use crate::modes::arpmon::{self, AbSlave, LbVerdict, RxAction, Trust, TrustIn};
use crate::modes::{slaves::Link, ArpValidate, Mode};
use crate::monitor::Failover;
use crate::params::MAX_TARGETS;
use crate::policy::{self, ArpMonitor};
use crate::safe::devops::{jiffies, msecs_to_jiffies};
use crate::safe::inet::{self, Ip4, Ip6, Route4, Route6};
use crate::safe::netdev::{Dev, NetDevice};
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::RxSkb;
use crate::safe::work::WorkHandler;
use crate::slave::Slave;
use crate::{bare_pr, bindings, dev_pr, slave_pr, slave_pr_racy};
use kernel::sync::atomic::Relaxed;
use kernel::{sync::rcu, sync::Arc};

/// `arp_interval` in jiffies (C `delta_in_ticks`).
fn delta(b: &Bond) -> usize {
    msecs_to_jiffies(b.hot.arp.interval.load(Relaxed).max(0) as u32)
}

/// `missed_max`.
fn missed_max(b: &Bond) -> u8 {
    b.hot.arp.missed_max.load(Relaxed).clamp(0, 255) as u8
}

/// C `slave_last_rx()`: with `arp_all_targets all`, the oldest of the per-target times.
fn slave_last_rx(b: &Bond, s: &Slave) -> usize {
    let a = &b.hot.arp;
    arpmon::last_rx(
        a.all_targets.load(Relaxed),
        s.last_rx(),
        &s.targets_rx(),
        a.n_targets(),
    )
}

impl WorkHandler<ARP_WORK> for BondDriver {
    fn run(dev: &Dev<Self>) {
        // C `bond_arp_monitor()`: the mode's monitor, then re-armed while `arp_interval` is set.
        let b = dev.private();
        let delay = match policy::arp_monitor(b.mode()) {
            ArpMonitor::ActiveBackup => activebackup(dev),
            ArpMonitor::LoadBalance => loadbalance(dev),
        };
        if b.hot.arp.interval.load(Relaxed) != 0 {
            b.arp_work.queue(delay);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sending probes.

/// C `bond_send_validate()`: probes every target through `slave`.
fn send_validate(bond: &Dev<BondDriver>, slave: &Slave) {
    arp_send_all(bond, slave);
    if inet::ipv6_enabled() {
        ns_send_all(bond, slave);
    }
}

/// The device path from the bond to `rdev` (a route's device): `Some(tags)` if the route goes
/// through the bond (no tags if it is the bond itself), `None` if it does not (or the tags could
/// not be stored, as C).
fn path_tags(
    bond: &Dev<BondDriver>,
    rdev: &NetDevice,
) -> Option<kernel::alloc::KVec<inet::VlanTag>> {
    if core::ptr::eq(rdev.as_ptr(), bond.as_ptr()) {
        return Some(kernel::alloc::KVec::new());
    }
    let g = rcu::read_lock();
    bond.device_path(rdev, &g).ok().flatten()
}

/// C `bond_arp_send_all()`.
fn arp_send_all(bond: &Dev<BondDriver>, slave: &Slave) {
    let b = bond.private();
    let a = &b.hot.arp;
    for t in (0..MAX_TARGETS).map_while(|i| a.target(i)) {
        let Some(rt) = Route4::lookup(bond.net(), t) else {
            // No route to the target: send a probe anyway, to generate any traffic
            // (arp_validate none).
            if a.validate.load(Relaxed) != ArpValidate::None {
                kernel::do_once_lite! {
                    bare_pr!(
                        Warning,
                        "{}: no route to arp_ip_target {} and arp_validate is set\n",
                        bond.name_racy(),
                        ip4(t)
                    )
                }
            }
            if inet::send_arp(&slave.dev, t, [0; 4], None) {
                slave.touch_tx();
            }
            continue;
        };
        // Not through the bond: skip.
        let Some(tags) = path_tags(bond, rt.dev()) else {
            continue;
        };
        let src = rt.dev().confirm_addr4(t, [0; 4]);
        drop(rt);
        if inet::send_arp(&slave.dev, t, src, Some(&tags)) {
            slave.touch_tx();
        }
    }
}

/// C `bond_ns_send_all()`.
fn ns_send_all(bond: &Dev<BondDriver>, slave: &Slave) {
    let b = bond.private();
    let a = &b.hot.arp;
    for t in (0..MAX_TARGETS).map_while(|i| a.ns_target(i)) {
        let Some(rt) = Route6::lookup(bond.net(), &t) else {
            if a.validate.load(Relaxed) != ArpValidate::None {
                kernel::do_once_lite! {
                    bare_pr!(
                        Warning,
                        "{}: no route to ns_ip6_target {} and arp_validate is set\n",
                        bond.name_racy(),
                        Ipv6(t)
                    )
                }
            }
            if inet::send_ns(&slave.dev, &t, &[0; 16], None) {
                slave.touch_tx();
            }
            continue;
        };
        let Some(tags) = path_tags(bond, rt.dev()) else {
            continue;
        };
        let src = rt.dev().ipv6_saddr(&t).unwrap_or([0; 16]);
        drop(rt);
        if inet::send_ns(&slave.dev, &t, &src, Some(&tags)) {
            slave.touch_tx();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Receiving.

/// C `bond_has_this_ip()`: whether `ip` is an address of the bond or of a device above it.
fn has_this_ip(bond: &Dev<BondDriver>, ip: Ip4) -> bool {
    if bond.confirm_addr4([0; 4], ip) == ip {
        return true;
    }
    let g = rcu::read_lock();
    bond.any_upper(&g, |u| u.confirm_addr4([0; 4], ip) == ip)
}

/// C `bond_has_this_ip6()`.
fn has_this_ip6(bond: &Dev<BondDriver>, ip: &Ip6) -> bool {
    if bond.has_ipv6_addr(ip) {
        return true;
    }
    let g = rcu::read_lock();
    bond.any_upper(&g, |u| u.has_ipv6_addr(ip))
}

/// Counts a valid answer from target `i` on `slave`.
fn touch_target(slave: &Slave, i: usize) {
    let now = jiffies();
    slave.touch_rx();
    slave.set_target_rx(i, now);
}

/// C `bond_validate_arp()`.
fn validate_arp(bond: &Dev<BondDriver>, slave: &Slave, sip: Ip4, tip: Ip4) {
    if sip == [0; 4] || !has_this_ip(bond, tip) {
        return;
    }
    if let Some(i) = bond.private().hot.arp.target_index(sip) {
        touch_target(slave, i);
    }
}

/// `in6addr_linklocal_allnodes`, ff02::1.
const ALL_NODES: Ip6 = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// C `bond_validate_na()`.
fn validate_na(bond: &Dev<BondDriver>, slave: &Slave, saddr: &Ip6, daddr: &Ip6) {
    if *saddr == [0; 16] || (*daddr != ALL_NODES && !has_this_ip6(bond, daddr)) {
        return;
    }
    if let Some(i) = bond.private().hot.arp.ns_target_index(saddr) {
        touch_target(slave, i);
    }
}

/// The state C's trust rule reads (`bond_arp_rcv()`, `bond_na_rcv()`).
fn trust_of(b: &Bond, slave: &Slave, reply: bool) -> Trust {
    let g = rcu::read_lock();
    let set = b.slaves.read(&g);
    let t = TrustIn {
        slave_active: slave.is_active(),
        curr_active: set
            .and_then(|s| s.active.as_ref())
            .map(|a| (slave_last_rx(b, a), a.last_link_up())),
        arp_slave_last_tx: set
            .and_then(|s| b.current_arp_slave(s))
            .map(|s| s.last_tx()),
        reply,
    };
    arpmon::trust(&t, jiffies(), delta(b))
}

/// `PACKET_OTHERHOST` or `PACKET_LOOPBACK`: not a frame for us.
fn not_ours(skb: &RxSkb) -> bool {
    let t = skb.pkt_type();
    t == bindings::PACKET_OTHERHOST || t == bindings::PACKET_LOOPBACK
}

/// C `bond_arp_rcv()`.
fn arp_rcv(bond: &Dev<BondDriver>, slave: &Slave, skb: &RxSkb) {
    if not_ours(skb) {
        return;
    }
    let alen = bond.addr_len();
    let mut buf =
        [core::mem::MaybeUninit::uninit(); arpmon::arp_len(bindings::MAX_ADDR_LEN as usize)];
    let Some(h) = buf
        .get_mut(..arpmon::arp_len(alen))
        .and_then(|b| skb.header(b))
    else {
        return;
    };
    let Some(arp) = arpmon::parse_arp(h, alen) else {
        return;
    };
    match trust_of(&bond.private(), slave, arp.op == arpmon::ARPOP_REPLY) {
        Trust::Direct => validate_arp(bond, slave, arp.sip, arp.tip),
        // A backup hearing the active slave's request: sender and target swapped.
        Trust::Swapped => validate_arp(bond, slave, arp.tip, arp.sip),
        Trust::No => {}
    }
}

/// C `bond_na_rcv()`.
fn na_rcv(bond: &Dev<BondDriver>, slave: &Slave, skb: &RxSkb) {
    if not_ours(skb) {
        return;
    }
    let mut buf = [core::mem::MaybeUninit::uninit(); 44];
    let Some((saddr, daddr)) = skb.header(&mut buf).and_then(arpmon::parse_ndisc) else {
        return;
    };
    match trust_of(&bond.private(), slave, true) {
        Trust::Direct => validate_na(bond, slave, &saddr, &daddr),
        Trust::Swapped => validate_na(bond, slave, &daddr, &saddr),
        Trust::No => {}
    }
}

/// C `bond_rcv_validate()`, from the slave's receive handler while [`Bond::arp_rx`] is set:
/// counts the frame as traffic, or validates it as an answer to a probe (`arp_validate`). The
/// frame always continues on the normal receive path.
pub(crate) fn rcv_validate(bond: &Dev<BondDriver>, slave: &Slave, skb: &RxSkb) {
    let av = bond.private().hot.arp.validate.load(Relaxed);
    let proto = skb.protocol();
    let is_arp = proto == bindings::ETH_P_ARP as u16;
    let is_ipv6 = proto == bindings::ETH_P_IPV6 as u16;
    match arpmon::rx_action(av, !slave.is_active(), is_arp, is_ipv6) {
        RxAction::None => {}
        RxAction::Touch => slave.touch_rx(),
        RxAction::Arp => arp_rcv(bond, slave, skb),
        RxAction::Ndisc => {
            if inet::ipv6_enabled() {
                na_rcv(bond, slave, skb);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The load-balancing monitor (balance-rr, balance-xor, broadcast).

/// C `bond_loadbalance_arp_mon()`.
fn loadbalance(bond: &Dev<BondDriver>) -> usize {
    let b = bond.private();
    let delta = delta(&b);
    let mm = missed_max(&b);
    let (mut do_failover, mut changed) = (false, false);
    {
        let g = rcu::read_lock();
        let Some(set) = b.slaves.read(&g) else {
            return delta;
        };
        if set.all.is_empty() {
            return delta;
        }
        let old = set.active.as_ref();
        for s in set.all.iter() {
            s.propose_link(None);
            let v = arpmon::lb_inspect(
                s.link(),
                s.last_tx(),
                s.last_rx(),
                old.is_some(),
                mm,
                jiffies(),
                delta,
            );
            match v {
                LbVerdict::Up { definitely } => {
                    s.propose_link(Some(Link::Up));
                    changed = true;
                    if definitely {
                        slave_pr_racy!(Info, bond, s.dev, "link status definitely up\n");
                        do_failover = true;
                    } else {
                        slave_pr_racy!(Info, bond, s.dev, "interface is now up\n");
                    }
                }
                LbVerdict::Down => {
                    s.propose_link(Some(Link::Down));
                    changed = true;
                    s.count_link_failure();
                    slave_pr_racy!(Info, bond, s.dev, "interface is now down\n");
                    if old.is_some_and(|o| Arc::ptr_eq(o, s)) {
                        do_failover = true;
                    }
                }
                LbVerdict::Keep => {}
            }
            // Every slave probes: a switch in round-robin mode answers on any link.
            if s.is_up() {
                send_validate(bond, s);
            }
        }
    }
    if !(do_failover || changed) {
        return delta;
    }
    let Some(rtnl) = Rtnl::try_lock() else {
        return delta;
    };
    for s in b.slave_list(&rtnl) {
        if let Some(l) = s.new_link() {
            // C assigns `slave->link` directly here; `bond_slave_state_change()` below announces
            // the slaves whose state follows.
            s.init_link(l);
        }
    }
    if changed {
        // C `bond_slave_state_change()`.
        for s in b.slave_list(&rtnl) {
            match s.link() {
                Link::Up => s.set_backup(false, &rtnl),
                Link::Down => s.set_backup(true, &rtnl),
                _ => {}
            }
        }
        b.republish(&rtnl);
    }
    if do_failover {
        BondDriver::select_active_slave(bond, &rtnl);
    }
    delta
}

// ---------------------------------------------------------------------------------------------
// The active-backup monitor.

/// C `bond_ab_arp_inspect()`: proposes link changes; returns whether any must be committed.
fn ab_inspect(b: &Bond, set: &SlaveSet) -> bool {
    let delta = delta(b);
    let mm = missed_max(b);
    let arp_slave = b.current_arp_slave(set).is_some();
    let mut commit = false;
    for s in set.all.iter() {
        let v = AbSlave {
            link: s.link(),
            last_rx: slave_last_rx(b, s),
            last_tx: s.last_tx(),
            last_link_up: s.last_link_up(),
            active: s.is_active(),
        };
        let p = arpmon::ab_inspect(&v, arp_slave, mm, jiffies(), delta);
        s.propose_link(p);
        commit |= p.is_some();
    }
    commit
}

/// C `bond_ab_arp_commit()`.
fn ab_commit(bond: &Dev<BondDriver>, rtnl: &Rtnl) {
    let b = bond.private();
    let mode = b.mode();
    let all_active = b.hot.all_slaves_active.load(Relaxed);
    let mut do_failover = false;
    for s in b.slave_list(rtnl) {
        let active = b.active(rtnl);
        let is_active = active.as_ref().is_some_and(|a| Arc::ptr_eq(a, &s));
        match s.new_link() {
            None => {}
            Some(Link::Up) => {
                if is_active {
                    continue;
                }
                s.set_link(Link::Up, rtnl);
                if let Some(c) = b.current_arp_slave_rtnl(rtnl) {
                    c.set_inactive_flags(mode, all_active, rtnl);
                    b.set_current_arp_slave(None);
                }
                slave_pr!(Info, bond, &s.dev, rtnl, "link status definitely up\n");
                let primary = b.primary(rtnl);
                match active {
                    None => do_failover = true,
                    Some(a) => {
                        if primary.is_some_and(|p| Arc::ptr_eq(&p, &s)) || s.prio() > a.prio() {
                            do_failover = true;
                        }
                    }
                }
            }
            Some(Link::Down) => {
                s.count_link_failure();
                s.set_link(Link::Down, rtnl);
                s.set_inactive_flags(mode, all_active, rtnl);
                slave_pr!(
                    Info,
                    bond,
                    &s.dev,
                    rtnl,
                    "link status definitely down, disabling slave\n"
                );
                if is_active {
                    b.set_current_arp_slave(None);
                    do_failover = true;
                }
            }
            Some(Link::Fail) => {
                s.set_link(Link::Fail, rtnl);
                s.set_inactive_flags(mode, all_active, rtnl);
                // A slave has just been enslaved and has become the current active slave.
                if active.is_some() {
                    b.set_current_arp_slave(None);
                }
            }
            Some(Link::Back) => {
                slave_pr!(
                    Err,
                    bond,
                    &s.dev,
                    rtnl,
                    "impossible: link_new_state {} on slave\n",
                    Link::Back as i32
                );
            }
        }
    }
    crate::monitor::commit_end(bond, do_failover, rtnl);
}

/// C `bond_ab_arp_probe()`: probes through the active slave, or, while there is none, through
/// the next candidate after `current_arp_slave` (rotating over the slaves). Returns whether a
/// state change made without RTNL must be announced.
fn ab_probe(bond: &Dev<BondDriver>, set: &SlaveSet) -> bool {
    let b = bond.private();
    let curr_arp = b.current_arp_slave(set);
    let curr_active = set.active.as_ref();
    if let (Some(c), Some(a)) = (curr_arp, curr_active) {
        dev_pr!(
            Info,
            bond,
            "PROBE: c_arp {} && cas {} BAD\n",
            c.dev.name_racy(),
            a.dev.name_racy()
        );
    }
    if let Some(a) = curr_active {
        send_validate(bond, a);
        return false;
    }
    // An active slave is being published (`failover::change_active_slave()`): this pass is the
    // one C would run just after it.
    if b.active_changing.load(Relaxed) {
        return false;
    }
    // No active slave: make the next available slave after `current_arp_slave` the candidate.
    let Some(curr_arp) = curr_arp.or_else(|| set.all.first()) else {
        return false;
    };
    let mode = b.mode();
    let all_active = b.hot.all_slaves_active.load(Relaxed);
    let (mut found, mut before, mut new) = (false, None, None);
    for s in set.all.iter() {
        let up = s.is_up();
        if !found && before.is_none() && up {
            before = Some(s);
        }
        if found && new.is_none() && up {
            new = Some(s);
        }
        // Simultaneous failures may leave a slave marked up that is not: mark it down.
        if !up && s.link() == Link::Up {
            s.set_link_later(Link::Down);
            s.count_link_failure();
            s.set_inactive_flags_later(mode, all_active);
            slave_pr_racy!(Info, bond, s.dev, "backup interface is now down\n");
        }
        if Arc::ptr_eq(s, curr_arp) {
            found = true;
        }
    }
    if let Some(n) = new.or(before) {
        n.set_link_later(Link::Back);
        n.set_active_flags_later();
        send_validate(bond, n);
        n.touch_last_link_up();
        b.set_current_arp_slave(Some(n));
    }
    set.all.iter().any(|s| s.should_notify_any())
}

/// C `bond_activebackup_arp_mon()`.
fn activebackup(bond: &Dev<BondDriver>) -> usize {
    let b = bond.private();
    let delta = delta(&b);
    let needs_commit = {
        let g = rcu::read_lock();
        match b.slaves.read(&g) {
            Some(set) if !set.all.is_empty() => ab_inspect(&b, set),
            _ => return delta,
        }
    };
    if needs_commit {
        // Race avoidance with `bond_close()` cancelling this work under RTNL.
        let Some(rtnl) = Rtnl::try_lock() else {
            return 1;
        };
        ab_commit(bond, &rtnl);
    }
    let notify = {
        let g = rcu::read_lock();
        b.slaves.read(&g).is_some_and(|set| ab_probe(bond, set))
    };
    if b.send_peer_notif.load(Relaxed) != 0 || notify {
        let Some(rtnl) = Rtnl::try_lock() else {
            return 1;
        };
        if b.send_peer_notif.load(Relaxed) != 0 {
            crate::monitor::peer_notify_may_events(bond, true, &rtnl);
        }
        if notify {
            // The changes made without RTNL (`ab_probe`) are published and announced now.
            b.republish(&rtnl);
            for s in b.slave_list(&rtnl) {
                s.notify_state(&rtnl);
            }
            for s in b.slave_list(&rtnl) {
                s.notify_link(&rtnl);
            }
        }
    }
    delta
}

// ---------------------------------------------------------------------------------------------
// IPv6 NS validation: the solicited-node groups of the targets on backup slaves.

/// C `slave_can_set_ns_maddr()`.
fn can_set_ns_maddr(mode: Mode, slave: &Slave) -> bool {
    // Only the active-backup monitor validates backups' NS (C: `BOND_MODE_ACTIVEBACKUP`).
    crate::policy::arp_monitor(mode) == crate::policy::ArpMonitor::ActiveBackup
        && !slave.is_active()
        && slave.dev.flags() & bindings::IFF_MULTICAST != 0
}

/// C `slave_set_ns_maddrs()`: joins (`add`) or leaves the solicited-node groups of every NS
/// target on a backup slave, so that it hears the active slave's solicitations.
pub(crate) fn set_ns_maddrs(b: &Bond, slave: &Slave, add: bool, rtnl: &Rtnl) {
    if !can_set_ns_maddr(b.mode(), slave) {
        return;
    }
    for t in b
        .params(rtnl)
        .ns_targets
        .iter()
        .take_while(|t| **t != [0; 16])
    {
        slave
            .dev
            .ipv6_mc_group(&arpmon::solicited_node(*t), add, rtnl);
    }
}

/// C `bond_slave_ns_maddrs_add()`.
pub(crate) fn ns_maddrs_add(b: &Bond, slave: &Slave, rtnl: &Rtnl) {
    if b.params(rtnl).arp_validate != ArpValidate::None {
        set_ns_maddrs(b, slave, true, rtnl);
    }
}

/// C `bond_slave_ns_maddrs_del()`.
pub(crate) fn ns_maddrs_del(b: &Bond, slave: &Slave, rtnl: &Rtnl) {
    if b.params(rtnl).arp_validate != ArpValidate::None {
        set_ns_maddrs(b, slave, false, rtnl);
    }
}

/// C `slave_set_ns_maddr()`: on a target's change from `old` to `new` (either may be `::`).
pub(crate) fn replace_ns_maddr(b: &Bond, slave: &Slave, new: &Ip6, old: &Ip6, rtnl: &Rtnl) {
    if b.params(rtnl).arp_validate == ArpValidate::None || !can_set_ns_maddr(b.mode(), slave) {
        return;
    }
    if *old != [0; 16] {
        slave
            .dev
            .ipv6_mc_group(&arpmon::solicited_node(*old), false, rtnl);
    }
    if *new != [0; 16] {
        slave
            .dev
            .ipv6_mc_group(&arpmon::solicited_node(*new), true, rtnl);
    }
}
