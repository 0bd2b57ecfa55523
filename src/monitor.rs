// SPDX-License-Identifier: GPL-2.0

//! The MII link monitor (C `bond_mii_monitor()`, `bond_miimon_inspect()`,
//! `bond_miimon_commit()`), peer notifications and IGMP resends.

use crate::bindings;
use crate::bond::{
    Bond, BondDriver, ARR_WORK, MCAST_WORK, MII_WORK, MODE_WORK, NOTIFY_WORK, PEER_WORK,
};
use crate::modes::{slaves, slaves::Link};
use crate::policy;
use crate::safe::devops::{msecs_to_jiffies, IfName};
use crate::safe::ioctl::{IfBond, IfSlave};
use crate::safe::netdev::Dev;
use crate::safe::rtnl::Rtnl;
use crate::safe::work::WorkHandler;
use crate::slave::Slave;
use crate::{dev_pr, slave_pr};
use kernel::sync::atomic::{Acquire, Relaxed, Release};
use kernel::{sync::rcu, sync::Arc};

/// Prints an inspection event like C: `slave_info()` if `net_ratelimit()`
/// allows it.
fn log_event(bond: &Dev<BondDriver>, slave_name: &IfName, e: &slaves::MiiEvent) {
    if !crate::safe::devops::net_ratelimit() {
        return;
    }
    struct Buf {
        b: [u8; 128],
        n: usize,
    }
    impl core::fmt::Write for Buf {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            for &c in s.as_bytes() {
                if self.n < self.b.len() {
                    self.b[self.n] = c;
                    self.n += 1;
                }
            }
            Ok(())
        }
    }
    let mut buf = Buf { b: [0; 128], n: 0 };
    let _ = e.fmt_line(&mut buf);
    let line = core::str::from_utf8(&buf.b[..buf.n]).unwrap_or("");
    dev_pr!(Info, bond, "(slave {}): {}", slave_name, line);
}

/// C `bond_miimon_inspect()`: returns whether a commit is needed. Runs under
/// RCU without RTNL; slave names are read racily as C does. `tick`: a regular run (C's only
/// kind); otherwise a run between ticks on a slave's carrier event, which counts no delay
/// (`slaves::mii_inspect_off_tick`).
fn inspect(bond: &Dev<BondDriver>, tick: bool, g: &rcu::Guard) -> bool {
    let b = bond.private();
    let Some(set) = b.slaves.read(g) else {
        return false;
    };
    let mode = b.mode();
    let mut ignore_updelay = policy::ignore_updelay(mode, set);
    let p = slaves::MiiParams {
        miimon: b.hot.miimon.load(Relaxed),
        updelay: b.hot.updelay.load(Relaxed),
        downdelay: b.hot.downdelay.load(Relaxed),
        active_backup: policy::log_role(mode),
    };
    let mut commit = false;
    for s in set.all.iter() {
        s.propose_link(None);
        let carrier = s.dev.running() && s.dev.carrier_ok();
        let step = if tick {
            slaves::mii_inspect
        } else {
            slaves::mii_inspect_off_tick
        };
        let r = step(
            s.link(),
            s.delay.load(Relaxed),
            carrier,
            s.is_active(),
            &p,
            &mut ignore_updelay,
        );
        s.delay.store(r.delay, Relaxed);
        s.propose_link(r.propose);
        if r.touch_last_link_up {
            s.touch_last_link_up();
        }
        for e in r.events.iter().flatten() {
            log_event(bond, &s.dev.name_racy(), e);
        }
        commit |= r.commit;
    }
    commit
}

/// C `bond_miimon_commit()` (after `bond_commit_link_state()` on each slave).
fn commit(bond: &Dev<BondDriver>, rtnl: &Rtnl) {
    let b = bond.private();
    let mode = b.mode();

    // bond_commit_link_state(slave, BOND_SLAVE_NOTIFY_LATER)
    for s in b.slave_list(rtnl) {
        if let Some(l) = s.new_link() {
            s.set_link(l, rtnl);
        }
    }
    let mut do_failover = false;
    for s in b.slave_list(rtnl) {
        match s.new_link() {
            Some(Link::Up) => {
                if s.update_speed_duplex(rtnl).is_err() && mode.needs_speed_duplex() {
                    s.init_link(Link::Down);
                    if crate::safe::devops::net_ratelimit() {
                        slave_pr!(
                            Warning,
                            bond,
                            &s.dev,
                            rtnl,
                            "failed to get link speed/duplex\n"
                        );
                    }
                    continue;
                }
                s.set_link(Link::Up, rtnl);
                s.touch_last_link_up();
                let primary = b.primary(rtnl);
                policy::link_flags(mode, bond, &s, Link::Up, rtnl);
                let (speed, duplex) = s.speed_duplex();
                slave_pr!(
                    Info,
                    bond,
                    &s.dev,
                    rtnl,
                    "link status definitely up, {} Mbps {} duplex\n",
                    if speed == crate::slave::SPEED_UNKNOWN {
                        0
                    } else {
                        speed
                    },
                    if duplex != 0 { "full" } else { "half" }
                );
                policy::link_changed(mode, bond, &s, Link::Up, rtnl);
                let active = b.active(rtnl);
                let is_primary = primary.as_ref().is_some_and(|x| Arc::ptr_eq(x, &s));
                match active {
                    None => do_failover = true,
                    Some(a) if is_primary || s.prio() > a.prio() => do_failover = true,
                    _ => {}
                }
            }
            Some(Link::Down) => {
                s.count_link_failure();
                s.set_link(Link::Down, rtnl);
                policy::link_flags(mode, bond, &s, Link::Down, rtnl);
                slave_pr!(
                    Info,
                    bond,
                    &s.dev,
                    rtnl,
                    "link status definitely down, disabling slave\n"
                );
                policy::link_changed(mode, bond, &s, Link::Down, rtnl);
                if b.active(rtnl).is_some_and(|a| Arc::ptr_eq(&a, &s)) {
                    do_failover = true;
                }
            }
            // 802.3ad rereads the speed and duplex of an up slave whose port may have been
            // disabled after an invalid reading (C: the BOND_LINK_NOCHANGE case).
            None if s.link() == Link::Up => policy::speed_changed(mode, bond, &s, true, rtnl),
            _ => {}
        }
    }
    commit_end(bond, do_failover, rtnl);
}

/// The failover as the link monitors ask for it: they sit below it (`failover.rs` calls them),
/// so it is passed in as this trait, which `failover.rs` implements for the bond.
pub(crate) trait Failover {
    /// Makes the best slave the active one (C `bond_select_active_slave()`).
    fn select_active_slave(bond: &Dev<BondDriver>, rtnl: &Rtnl);
}

/// The end of a link monitor's commit (MII and ARP/NS): a new active slave if asked for, then,
/// as the usability of slaves changed, the transmit array of every mode and the carrier.
pub(crate) fn commit_end(bond: &Dev<BondDriver>, do_failover: bool, rtnl: &Rtnl) {
    let b = bond.private();
    if do_failover {
        BondDriver::select_active_slave(bond, rtnl);
    }
    b.republish(rtnl);
    policy::set_carrier(b.mode(), bond, rtnl);
}

/// C `bond_should_notify_peers()`.
fn should_notify_peers(bond: &Dev<BondDriver>, rtnl: &Rtnl) -> bool {
    let b = bond.private();
    let n = b.send_peer_notif.load(Relaxed);
    let d = b.hot.peer_notif_delay.load(Relaxed).max(1);
    if n == 0 || n % d != 0 || !bond.carrier_ok() {
        return false;
    }
    policy::peers_notifiable(b.mode(), bond, rtnl)
}

/// C `bond_peer_notify_reset()`.
pub(crate) fn peer_notify_reset(b: &Bond, rtnl: &Rtnl) {
    let p = b.params(rtnl);
    b.send_peer_notif.store(
        p.num_peer_notif.wrapping_mul(p.peer_notif_delay.max(1)),
        Relaxed,
    );
}

/// C `bond_peer_notify_may_events()`.
pub(crate) fn peer_notify_may_events(bond: &Dev<BondDriver>, force: bool, rtnl: &Rtnl) {
    let b = bond.private();
    let mut notified = false;
    if should_notify_peers(bond, rtnl) {
        notified = true;
        bond.notify(bindings::netdev_cmd_NETDEV_NOTIFY_PEERS, rtnl);
    }
    if notified || force {
        b.send_peer_notif.fetch_sub(1, Relaxed);
    }
}

/// A slave's carrier may have changed (the netdev notifier's `NETDEV_UP`, `NETDEV_CHANGE`,
/// `NETDEV_DOWN` on it; bonding-rs's `carrier_events`): with the MII monitor on and the slave's
/// link state not matching its carrier, the monitor's inspect and commit run at once, here, under
/// the RTNL the notifier holds (C: at the next tick, 0 to `miimon` ms later), with the tick's
/// logic and log lines (`inspect` between ticks, `commit`); its ticks stay where they were. Under
/// the ARP/NS monitor (`miimon` 0) nothing.
///
/// Here and not in the work item: the notifier usually runs in the linkwatch work, which holds
/// RTNL, so a work item queued from here would find it busy (`rtnl_trylock()`) and retry a jiffy
/// later, and would first wait for a worker to be scheduled (both seen to cost 1 to 17 ms on the
/// User-mode Linux test bed, HZ=100: docs/benchmarks.md). C's own commit
/// (`bond_change_active_slave()`) runs under RTNL as this does. Two cases go to the work item
/// instead (`mod_delayed_work()`, as before): a slave whose core holds its ops lock around this
/// notification (`netdev_need_ops_lock()`: the failover's `dev_set_promiscuity()` and the like
/// on it would take that lock again), and a work item inspecting at this very moment.
pub(crate) fn carrier_event(bond: &Dev<BondDriver>, s: &Slave, rtnl: &Rtnl) {
    let b = bond.private();
    // Under RTNL, as `ndo_open`/`ndo_stop` and the `miimon` setter that start and stop the
    // monitor: it does not run on a bond that is down or has no MII monitor.
    if b.hot.miimon.load(Relaxed) == 0 || !bond.is_up() || b.params(rtnl).carrier_events == 0 {
        return;
    }
    // A slave being deleted (its close before `NETDEV_UNREGISTER`): released right after, as in
    // C, whose tick never sees it go down; no link-down lines or failover before the release.
    if s.dev.dismantling(rtnl) {
        return;
    }
    let carrier = s.dev.running() && s.dev.carrier_ok();
    // What a run between ticks would change (`slaves::mii_inspect_off_tick`); not a
    // `NETDEV_CHANGE` for something else, nor a repeat.
    let changed = match s.link() {
        Link::Up | Link::Back => !carrier,
        Link::Down | Link::Fail => carrier,
    };
    if !changed {
        return;
    }
    if s.dev.needs_ops_lock() || b.mii_busy.xchg(true, Acquire) {
        b.mii_work.queue_now();
        return;
    }
    let needs_commit = {
        let g = rcu::read_lock();
        inspect(bond, false, &g)
    };
    if needs_commit {
        commit(bond, rtnl);
    }
    b.mii_busy.store(false, Release);
}

impl WorkHandler<MII_WORK> for BondDriver {
    fn run(dev: &Dev<Self>) {
        // C `bond_mii_monitor()`.
        let b = dev.private();
        let miimon = b.hot.miimon.load(Relaxed);
        let period = msecs_to_jiffies(miimon.max(0) as u32);
        // A run before the tick is due was made at once on a carrier event (`carrier_event`:
        // the pending tick was brought forward); it counts no delay and sends no peer
        // notification (both count in ticks), and the tick is put back where it was.
        let due = b.mii_due.load(Relaxed);
        let tick = crate::safe::devops::jiffies().wrapping_sub(due) as isize >= 0;
        let mut retry = false;
        // A carrier event is running the inspect and commit under RTNL right now
        // (`carrier_event`): as when RTNL is busy, again a jiffy later.
        if b.mii_busy.xchg(true, Acquire) {
            retry = true;
        } else {
            let needs_commit = {
                let g = rcu::read_lock();
                let has = b.slaves.read(&g).is_some_and(|s| !s.all.is_empty());
                has && inspect(dev, tick, &g)
            };
            let stale = b.snapshot_stale();
            let notify = tick && b.send_peer_notif.load(Relaxed) > 0;
            if needs_commit || stale || notify {
                match Rtnl::try_lock() {
                    None => retry = true,
                    Some(rtnl) => {
                        if stale {
                            // The last rebuild of the data path's snapshot ran out of memory.
                            b.republish(&rtnl);
                        }
                        if needs_commit {
                            commit(dev, &rtnl);
                        }
                        if notify {
                            peer_notify_may_events(dev, true, &rtnl);
                        }
                    }
                }
            }
            b.mii_busy.store(false, Release);
        }
        if b.hot.miimon.load(Relaxed) == 0 {
            return;
        }
        let now = crate::safe::devops::jiffies();
        let delay = if tick {
            // C: the next run `miimon` after this one ends, or a jiffy later while RTNL is busy
            // (that retry is a tick too: C's inspects and counts again).
            let delay = if retry { 1 } else { period };
            b.mii_due.store(now.wrapping_add(delay), Relaxed);
            delay
        } else {
            // Back to the tick, or a jiffy later while RTNL is busy (a notifier that asked for
            // this run holds it): the retry is again a run between ticks, unless the tick is
            // due by then.
            let left = usize::try_from(due.wrapping_sub(now) as isize).unwrap_or(0);
            if retry {
                left.min(1)
            } else {
                left
            }
        };
        b.mii_work.queue(delay);
    }
}

impl WorkHandler<MODE_WORK> for BondDriver {
    fn run(dev: &Dev<Self>) {
        // The mode's periodic work (C `bond_3ad_state_machine_handler()`, `bond_alb_monitor()`),
        // every `TICK_MS` while the bond is up (`bond_close()` cancels it).
        let mode = dev.private().mode();
        if !policy::has_tick(mode) {
            return;
        }
        let ms = policy::TICK_MS;
        policy::tick(mode, dev);
        // At a fixed rate: the next run is due one period after this one was, not one period
        // after it ended. (C re-queues `ad_work` one period after the handler, so its ticks
        // are late by the handler's run time plus timer slack, ~9 % in the debug guest: 55
        // fast-rate LACPDUs a minute instead of 60, slow-rate ones 33 s apart instead of 30.)
        let b = dev.private();
        let period = msecs_to_jiffies(ms);
        let now = crate::safe::devops::jiffies();
        let mut next = b.mode_due.load(Relaxed).wrapping_add(period);
        let ahead = next.wrapping_sub(now) as isize;
        if ahead > period as isize || ahead < -(period as isize) {
            // Far off (the first run, or the work was held up): start again from now.
            next = now.wrapping_add(period);
        }
        b.mode_due.store(next, Relaxed);
        // Late by less than a period: run again at once to catch up.
        let delay = usize::try_from(next.wrapping_sub(now) as isize).unwrap_or(0);
        b.mode_work.queue(delay);
    }
}

impl WorkHandler<ARR_WORK> for BondDriver {
    fn run(dev: &Dev<Self>) {
        // C `bond_slave_arr_handler()`: retried a jiffy later while RTNL is busy.
        let b = dev.private();
        match Rtnl::try_lock() {
            Some(rtnl) => b.republish(&rtnl),
            None => b.arr_work.queue(1),
        }
    }
}

impl WorkHandler<PEER_WORK> for BondDriver {
    fn run(dev: &Dev<Self>) {
        // C `bond_peer_notify_handler()`: the notifications restart (the MII monitor sends
        // them); retried a jiffy later while RTNL is busy.
        let b = dev.private();
        match Rtnl::try_lock() {
            Some(rtnl) => peer_notify_reset(&b, &rtnl),
            None => b.peer_work.queue(1),
        }
    }
}

impl WorkHandler<NOTIFY_WORK> for BondDriver {
    fn run(dev: &Dev<Self>) {
        // C `bond_netdev_notify_work()` for each slave whose notification is due
        // (`bond_queue_slave_event()`): `NETDEV_BONDING_INFO` with the slave's and the bond's
        // state of now; retried a jiffy later while RTNL is busy.
        let b = dev.private();
        let Some(rtnl) = Rtnl::try_lock() else {
            b.notify_work.queue(1);
            return;
        };
        for s in b.slave_list(&rtnl) {
            if !s.take_event(&rtnl) {
                continue;
            }
            let mut slave = IfSlave::default();
            s.fill_ifslave(&mut slave, &rtnl);
            let mut master = IfBond::default();
            b.fill_ifbond(&mut master, &rtnl);
            s.dev.bonding_info_change(&slave, &master, &rtnl);
        }
    }
}

impl WorkHandler<MCAST_WORK> for BondDriver {
    fn run(dev: &Dev<Self>) {
        // C `bond_resend_igmp_join_requests_delayed()`.
        let b = dev.private();
        let Some(rtnl) = Rtnl::try_lock() else {
            b.mcast_work.queue(1);
            return;
        };
        dev.notify(bindings::netdev_cmd_NETDEV_RESEND_IGMP, &rtnl);
        if b.igmp_retrans.load(Relaxed) > 1 {
            b.igmp_retrans.fetch_sub(1, Relaxed);
            // HZ/5
            b.mcast_work.queue(msecs_to_jiffies(200));
        }
    }
}
