// SPDX-License-Identifier: GPL-2.0

//! The bond device (C `struct bonding`, `bond_setup()`, `bond_init()`,
//! `bond_create()`, `bond_open()`/`bond_close()`, `bond_link_ops`).
//!
//! State model: configuration lives in [`BondParams`] behind a spinlock (every writer also holds
//! RTNL, like C; readers that must not take RTNL, sysfs and procfs, copy it out under the
//! spinlock), mirrored into atomics for the few values the data path and the MII monitor read
//! without any lock. The slave list, the active and primary slaves and the transmit array form
//! one immutable [`SlaveSet`] snapshot, published with RCU and rebuilt whenever any of them
//! changes: the data path, the monitors and the sysfs/procfs readers read that.

use crate::dev_pr;
use crate::modes::{ArpValidate, Mode, XmitHashPolicy};
use crate::params::BondParams;
use crate::params::MAX_TARGETS;
use crate::safe::atomic::Plain;
use crate::safe::devops::{Stats64, STATS64_LEN};
use crate::safe::driver::AllocatedDev;
use crate::safe::ioctl::IfBond;
use crate::safe::netdev::{Dev, DevKillList, Net, NetDevice};
use crate::safe::proc::DevProcEntry;
use crate::safe::rcu::{RcuArc, RtnlCell, RtnlVec, Unpublished};
use crate::safe::rtnl::Rtnl;
use crate::safe::work::{DevWork, OrderedWq};
use crate::slave::Slave;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::{new_spinlock, prelude::*, sync::Arc, sync::SetOnce, sync::SpinLock};

/// Bond defaults computed from the module parameters at load (C
/// `bonding_defaults`); `BondParams::DEFAULT` until then.
pub(crate) static BOND_DEFAULTS: SetOnce<BondParams> = SetOnce::new();

pub(crate) fn defaults() -> BondParams {
    BOND_DEFAULTS.copy().unwrap_or(BondParams::DEFAULT)
}

/// Work item ids.
pub(crate) const MII_WORK: u8 = 0;
/// IGMP resend work (C `mcast_work`).
pub(crate) const MCAST_WORK: u8 = 1;
/// The mode's periodic work ([`crate::policy::BondMode::tick`]; C `ad_work`, `alb_work`).
pub(crate) const MODE_WORK: u8 = 2;
/// The ARP/NS link monitor (C `arp_work`).
pub(crate) const ARP_WORK: u8 = 3;
/// A rebuild of the transmit array owed by a path without RTNL (C `slave_arr_work`).
pub(crate) const ARR_WORK: u8 = 4;
/// Peer notifications owed by a path without RTNL (C `peer_notify_work`).
pub(crate) const PEER_WORK: u8 = 5;
/// The slaves' due `NETDEV_BONDING_INFO` notifications (C each slave's `notify_work`).
pub(crate) const NOTIFY_WORK: u8 = 6;

/// What the data path and the MII monitor read of the slaves, without RTNL: one immutable
/// snapshot, published with RCU and rebuilt from the control-path state ([`Bond::republish`])
/// whenever any of it changes.
pub(crate) struct SlaveSet {
    /// All slaves, in enslave order (C `bond_for_each_slave_rcu`).
    pub(crate) all: KVec<Arc<Slave>>,
    /// Slaves that can transmit (C `usable_slaves`), for balance-xor.
    pub(crate) usable: KVec<Arc<Slave>>,
    /// `curr_active_slave`.
    pub(crate) active: Option<Arc<Slave>>,
    /// `primary_slave`.
    pub(crate) primary: Option<Arc<Slave>>,
    /// C's `usable_slaves->count`, `None` while C's array is NULL ([`Bond::c_usable`]): what
    /// the MII monitor's `ignore_updelay` reads.
    pub(crate) c_usable: Option<usize>,
}

/// Values read without RTNL (C `READ_ONCE(bond->params.x)`).
pub(crate) struct Hot {
    pub(crate) mode: Plain<Mode>,
    pub(crate) xmit_policy: Plain<XmitHashPolicy>,
    pub(crate) packets_per_slave: Plain<u32>,
    pub(crate) miimon: Atomic<i32>,
    pub(crate) updelay: Atomic<i32>,
    pub(crate) downdelay: Atomic<i32>,
    pub(crate) peer_notif_delay: Atomic<i32>,
    pub(crate) all_slaves_active: Atomic<bool>,
    /// `broadcast_neighbor` (802.3ad: ARP and IPv6 ND go out of every usable slave).
    pub(crate) broadcast_neighbor: Plain<bool>,
    /// `tlb_dynamic_lb` (balance-tlb: the load table, or the transmit hash over the usable
    /// slaves).
    pub(crate) tlb_dynamic_lb: Plain<bool>,
    /// The ARP/NS monitor's settings (C reads `bond->params` racily there too).
    pub(crate) arp: ArpHot,
}

/// The settings the ARP/NS monitor and its receive hook read without RTNL.
pub(crate) struct ArpHot {
    pub(crate) interval: Atomic<i32>,
    pub(crate) validate: Atomic<ArpValidate>,
    pub(crate) all_targets: Atomic<bool>,
    pub(crate) missed_max: Atomic<i32>,
    /// IPv4 targets (the address bytes as a native `u32`), 0 = end.
    pub(crate) targets: [Atomic<u32>; MAX_TARGETS],
    /// IPv6 targets, four native `u32`s each, all-zero = end.
    pub(crate) ns_targets: [[Atomic<u32>; 4]; MAX_TARGETS],
}

impl ArpHot {
    fn new(p: &BondParams) -> Self {
        let h = Self {
            interval: Atomic::new(0),
            validate: Atomic::new(ArpValidate::None),
            all_targets: Atomic::new(false),
            missed_max: Atomic::new(0),
            targets: [const { Atomic::new(0) }; MAX_TARGETS],
            ns_targets: [const { [const { Atomic::new(0) }; 4] }; MAX_TARGETS],
        };
        h.set(p);
        h
    }

    fn set(&self, p: &BondParams) {
        self.interval.store(p.arp_interval, Relaxed);
        self.validate.store(p.arp_validate, Relaxed);
        self.all_targets.store(p.arp_all_targets != 0, Relaxed);
        self.missed_max.store(i32::from(p.missed_max), Relaxed);
        for (h, t) in self.targets.iter().zip(p.arp_target.iter()) {
            h.store(u32::from_ne_bytes(*t), Relaxed);
        }
        for (h, t) in self.ns_targets.iter().zip(p.ns_targets.iter()) {
            for (w, c) in h.iter().zip(t.chunks_exact(4)) {
                w.store(u32::from_ne_bytes([c[0], c[1], c[2], c[3]]), Relaxed);
            }
        }
    }

    /// IPv4 target `i`, if set.
    pub(crate) fn target(&self, i: usize) -> Option<[u8; 4]> {
        let t = self.targets.get(i)?.load(Relaxed);
        (t != 0).then(|| t.to_ne_bytes())
    }

    /// IPv6 target `i`, if set.
    pub(crate) fn ns_target(&self, i: usize) -> Option<[u8; 16]> {
        let w = self.ns_targets.get(i)?;
        let mut a = [0u8; 16];
        for (c, x) in a.chunks_exact_mut(4).zip(w.iter()) {
            c.copy_from_slice(&x.load(Relaxed).to_ne_bytes());
        }
        (a != [0; 16]).then_some(a)
    }

    /// The index of IPv4 target `t` (C `bond_get_targets_ip()`).
    pub(crate) fn target_index(&self, t: [u8; 4]) -> Option<usize> {
        (0..MAX_TARGETS)
            .map_while(|i| self.target(i))
            .position(|x| x == t)
    }

    /// The index of IPv6 target `t`, or of the target whose solicited-node group `t` is (a
    /// backup hears the active slave's probes to that group) (C `bond_get_targets_ip6()`).
    pub(crate) fn ns_target_index(&self, t: &[u8; 16]) -> Option<usize> {
        (0..MAX_TARGETS)
            .map_while(|i| self.ns_target(i))
            .position(|x| crate::modes::arpmon::ns_target_matches(&x, t))
    }

    /// The number of IPv4 targets.
    pub(crate) fn n_targets(&self) -> usize {
        (0..MAX_TARGETS)
            .take_while(|&i| self.target(i).is_some())
            .count()
    }
}

/// The bond's private state (C `struct bonding`), pinned in the netdev's
/// private area.
#[pin_data]
pub(crate) struct Bond {
    /// The configuration: written under RTNL and this lock, read under either (C reads
    /// `bond->params` under RTNL, or racily with `READ_ONCE()` in sysfs/procfs).
    #[pin]
    params: SpinLock<BondParams>,
    pub(crate) hot: Hot,
    /// The slaves in enslave order (C's slave list): the control path's, under RTNL.
    list: RtnlVec<Arc<Slave>>,
    /// `curr_active_slave` (control path).
    active: RtnlCell<Option<Arc<Slave>>>,
    /// `primary_slave` (control path).
    primary: RtnlCell<Option<Arc<Slave>>>,
    /// The data path's snapshot of the above; `None` while it could not be built (out of memory:
    /// the data path then drops, as C's with its slave arrays reset).
    pub(crate) slaves: RcuArc<SlaveSet>,
    /// The last rebuild of `slaves` failed: the MII monitor retries it.
    stale: Atomic<bool>,
    /// The count of C's `bond->usable_slaves` array, -1 while it is NULL. C builds that array
    /// (`bond_update_slave_arr()`) only in the modes that can use the transmit hash (and at a
    /// broadcast enslave) and keeps it across mode changes: NULL on a new bond and after an
    /// 802.3ad rebuild without an active aggregator, empty in balance-rr once the bond was ever
    /// in balance-xor. The MII monitor ignores `updelay` when it is empty, not when NULL.
    c_usable: Atomic<isize>,
    /// `bond->force_primary`.
    pub(crate) force_primary: RtnlCell<bool>,
    /// `rr_tx_counter`.
    pub(crate) rr_counter: crate::safe::percpu::PerCpuCounter,
    /// `send_peer_notif`.
    pub(crate) send_peer_notif: Atomic<i32>,
    /// Set while `change_active_slave()` is between its look at the new active slave's link and
    /// the publication of the snapshot naming it (no C counterpart, see there).
    pub(crate) active_changing: Atomic<bool>,
    /// `igmp_retrans`.
    pub(crate) igmp_retrans: Atomic<i32>,
    /// Received frames go through the ARP/NS monitor's validation first (C `bond->recv_probe ==
    /// bond_rcv_validate`): set while the bond is up with `arp_interval`.
    pub(crate) arp_rx: Plain<bool>,
    /// `current_arp_slave` as a [`Slave::id`] (0: none): the slave the active-backup ARP monitor
    /// probes through while there is no active slave. Written by the monitor without RTNL, as in
    /// C; held as an identity rather than a reference, and resolved against the published
    /// slaves, so a slave released meanwhile is simply not found.
    current_arp_slave: Atomic<u64>,
    #[pin]
    pub(crate) mii_work: DevWork<BondDriver, MII_WORK>,
    /// When the MII monitor's next tick is due (jiffies): a run before it is one made at once
    /// on a slave's carrier event (`carrier_events`), which leaves the ticks where they were.
    pub(crate) mii_due: Atomic<usize>,
    /// Held by whoever runs the MII monitor's inspect-and-commit: the work item (without RTNL,
    /// from its inspect to its commit) or a slave's carrier event (`carrier_events`: the netdev
    /// notifier, under RTNL); so that one's inspect never rewrites the other's proposals in
    /// between (C has only the work item).
    pub(crate) mii_busy: Atomic<bool>,
    #[pin]
    pub(crate) mcast_work: DevWork<BondDriver, MCAST_WORK>,
    #[pin]
    pub(crate) mode_work: DevWork<BondDriver, MODE_WORK>,
    /// When the mode's periodic work is due next (jiffies): it runs at a fixed rate.
    pub(crate) mode_due: Atomic<usize>,
    #[pin]
    pub(crate) arp_work: DevWork<BondDriver, ARP_WORK>,
    #[pin]
    pub(crate) arr_work: DevWork<BondDriver, ARR_WORK>,
    #[pin]
    pub(crate) peer_work: DevWork<BondDriver, PEER_WORK>,
    /// Not cancelled when the bond goes down (C `bond_work_cancel_all()` leaves the slaves'
    /// `notify_work` alone): only when it is destroyed.
    #[pin]
    pub(crate) notify_work: DevWork<BondDriver, NOTIFY_WORK>,
    /// The mode's receive probe runs (C `bond->recv_probe` set by `bond_open()` for 802.3ad):
    /// while the bond is up, if its mode has one.
    pub(crate) mode_rx: Plain<bool>,
    /// `bond_stats` (statistics accumulated over current and past slaves).
    #[pin]
    pub(crate) stats: SpinLock<Stats64>,
    /// `mode_lock` and the state of the bond's mode it protects (C `BOND_AD_INFO(bond)`,
    /// `SLAVE_AD_INFO(slave)`), owned by the mode's policy: taken from the receive softirq
    /// too, hence `_bh`.
    #[pin]
    pub(crate) mode_state: crate::safe::bhlock::SpinLockBh<<BondDriver as ModeHooks>::State>,
    proc: DevProcEntry<BondDriver>,
    /// `xdp_prog`: the native XDP program installed on the bond (and on every slave).
    #[cfg(CONFIG_BPF_SYSCALL)]
    pub(crate) xdp_prog: crate::safe::xdp::XdpProgSlot,
    /// `ipsec_list` and `ipsec_lock`: the offloaded IPsec states.
    #[cfg(CONFIG_XFRM_OFFLOAD)]
    #[pin]
    pub(crate) ipsec: crate::safe::xfrm::XfrmList,
}

impl Bond {
    /// The private data of a new bond with parameters `p` (C `bond_setup()` + the
    /// `bonding_defaults` copy).
    pub(crate) fn new(p: BondParams) -> impl PinInit<Bond> {
        pin_init!(Bond {
            params <- new_spinlock!(p, "bond_params"),
            hot: Hot {
                mode: Plain::new(p.mode),
                xmit_policy: Plain::new(p.xmit_policy),
                packets_per_slave: Plain::new(p.packets_per_slave as u32),
                miimon: Atomic::new(p.miimon),
                updelay: Atomic::new(p.updelay),
                downdelay: Atomic::new(p.downdelay),
                peer_notif_delay: Atomic::new(p.peer_notif_delay),
                all_slaves_active: Atomic::new(p.all_slaves_active != 0),
                broadcast_neighbor: Plain::new(p.broadcast_neighbor != 0),
                tlb_dynamic_lb: Plain::new(p.tlb_dynamic_lb != 0),
                arp: ArpHot::new(&p),
            },
            list: RtnlVec::new(),
            active: RtnlCell::new(None),
            primary: RtnlCell::new(None),
            slaves: RcuArc::new(),
            stale: Atomic::new(false),
            c_usable: Atomic::new(-1),
            force_primary: RtnlCell::new(false),
            rr_counter: crate::safe::percpu::PerCpuCounter::new(),
            send_peer_notif: Atomic::new(0),
            active_changing: Atomic::new(false),
            igmp_retrans: Atomic::new(0),
            arp_rx: Plain::new(false),
            current_arp_slave: Atomic::new(0),
            mii_work <- DevWork::new(),
            mii_due: Atomic::new(0),
            mii_busy: Atomic::new(false),
            mcast_work <- DevWork::new(),
            mode_work <- DevWork::new(),
            mode_due: Atomic::new(0),
            arp_work <- DevWork::new(),
            arr_work <- DevWork::new(),
            peer_work <- DevWork::new(),
            notify_work <- DevWork::new(),
            mode_rx: Plain::new(false),
            stats <- new_spinlock!([0u64; STATS64_LEN]),
            mode_state <- crate::safe::bhlock::new_spinlock_bh!(<BondDriver as ModeHooks>::new_state(&p), "bond_mode_lock"),
            proc: DevProcEntry::new(),
            #[cfg(CONFIG_BPF_SYSCALL)]
            xdp_prog: crate::safe::xdp::XdpProgSlot::new(),
            #[cfg(CONFIG_XFRM_OFFLOAD)]
            ipsec <- crate::safe::xfrm::XfrmList::new(),
        })
    }

    /// Creates the bond's ordered workqueue, named after it, and attaches the work items to it
    /// and to their device (`ndo_init`; C `bond_init()`'s `bond->wq`: one item at a time, in
    /// order, with a rescuer under memory pressure).
    pub(crate) fn attach_work(&self, dev: &Dev<BondDriver>, rtnl: &Rtnl) -> Result {
        let wq = OrderedWq::new(dev.name(rtnl))?;
        self.mii_work.attach(dev, &wq);
        self.mcast_work.attach(dev, &wq);
        self.mode_work.attach(dev, &wq);
        self.arp_work.attach(dev, &wq);
        self.arr_work.attach(dev, &wq);
        self.peer_work.attach(dev, &wq);
        self.notify_work.attach(dev, &wq);
        Ok(())
    }

    /// C `bond_work_cancel_all()`.
    pub(crate) fn cancel_all_work(&self) {
        self.mii_work.cancel_sync();
        self.arp_work.cancel_sync();
        self.mode_work.cancel_sync();
        self.mcast_work.cancel_sync();
        self.arr_work.cancel_sync();
        self.peer_work.cancel_sync();
    }

    /// `current_arp_slave`, if it is one of `set`'s slaves.
    pub(crate) fn current_arp_slave<'a>(&self, set: &'a SlaveSet) -> Option<&'a Arc<Slave>> {
        match self.current_arp_slave.load(Relaxed) {
            0 => None,
            id => set.all.iter().find(|s| s.id == id),
        }
    }

    /// `current_arp_slave`, if it is one of the slaves (control path).
    pub(crate) fn current_arp_slave_rtnl(&self, rtnl: &Rtnl) -> Option<Arc<Slave>> {
        match self.current_arp_slave.load(Relaxed) {
            0 => None,
            id => self.slave_list(rtnl).find(|s| s.id == id),
        }
    }

    /// Sets (or clears) `current_arp_slave`.
    pub(crate) fn set_current_arp_slave(&self, s: Option<&Slave>) {
        self.current_arp_slave.store(s.map_or(0, |s| s.id), Relaxed);
    }

    /// C `bond_fill_ifbond()`: what `SIOCBONDINFOQUERY` and `NETDEV_BONDING_INFO` tell of the
    /// bond.
    pub(crate) fn fill_ifbond(&self, info: &mut IfBond, rtnl: &Rtnl) {
        info.bond_mode = self.mode().as_u8().into();
        info.miimon = self.params(rtnl).miimon;
        info.num_slaves = self.slave_count(rtnl) as i32;
    }

    /// The configuration (control path: stable while `_rtnl` is held).
    pub(crate) fn params(&self, _rtnl: &Rtnl) -> BondParams {
        *self.params.lock()
    }

    /// A consistent copy of the configuration without RTNL, for the readers that must not take
    /// it (sysfs and procfs `show`: `ip link del` holds RTNL while it waits for them).
    pub(crate) fn params_shown(&self) -> BondParams {
        *self.params.lock()
    }

    /// Replaces the configuration and refreshes the lock-free mirror.
    pub(crate) fn set_params(&self, p: BondParams, _rtnl: &Rtnl) {
        *self.params.lock() = p;
        self.hot.mode.store(p.mode, Relaxed);
        self.hot.xmit_policy.store(p.xmit_policy, Relaxed);
        self.hot
            .packets_per_slave
            .store(p.packets_per_slave as u32, Relaxed);
        self.hot.miimon.store(p.miimon, Relaxed);
        self.hot.updelay.store(p.updelay, Relaxed);
        self.hot.downdelay.store(p.downdelay, Relaxed);
        self.hot.peer_notif_delay.store(p.peer_notif_delay, Relaxed);
        self.hot
            .all_slaves_active
            .store(p.all_slaves_active != 0, Relaxed);
        self.hot
            .broadcast_neighbor
            .store(p.broadcast_neighbor != 0, Relaxed);
        self.hot
            .tlb_dynamic_lb
            .store(p.tlb_dynamic_lb != 0, Relaxed);
        self.hot.arp.set(&p);
        <BondDriver as ModeHooks>::params_changed(&mut self.mode_state.lock(), &p);
    }

    /// The bond mode (lock-free).
    pub(crate) fn mode(&self) -> Mode {
        self.hot.mode.load(Relaxed)
    }

    /// The transmit hash policy (lock-free).
    pub(crate) fn xmit_policy(&self) -> XmitHashPolicy {
        self.hot.xmit_policy.load(Relaxed)
    }

    /// The slaves, in enslave order (control path). Each is cloned out as it is reached, so the
    /// list may change meanwhile (releasing while walking it is fine).
    pub(crate) fn slave_list<'a>(
        &'a self,
        rtnl: &'a Rtnl,
    ) -> impl Iterator<Item = Arc<Slave>> + 'a {
        self.list.iter(rtnl)
    }

    /// Number of slaves.
    pub(crate) fn slave_count(&self, rtnl: &Rtnl) -> usize {
        self.list.len(rtnl)
    }

    /// `curr_active_slave`.
    pub(crate) fn active(&self, rtnl: &Rtnl) -> Option<Arc<Slave>> {
        self.active.get_arc(rtnl)
    }

    /// C `bond_option_active_slave_get_rcu()`: the active slave in the modes
    /// that have one.
    pub(crate) fn active_slave_get(&self, rtnl: &Rtnl) -> Option<Arc<Slave>> {
        self.active(rtnl).filter(|_| self.mode().uses_primary())
    }

    /// `primary_slave`.
    pub(crate) fn primary(&self, rtnl: &Rtnl) -> Option<Arc<Slave>> {
        self.primary.get_arc(rtnl)
    }

    /// The slave whose device is `dev`.
    pub(crate) fn slave_of(&self, dev: &NetDevice, rtnl: &Rtnl) -> Option<Arc<Slave>> {
        self.slave_list(rtnl)
            .find(|s| core::ptr::eq(s.dev.as_ptr(), dev.as_ptr()))
    }

    /// Applies `f` to every slave in order; if it fails on one, applies `undo` to the slaves
    /// before it and returns the error (C's unwinding loops over the slaves).
    pub(crate) fn try_each_slave(
        &self,
        rtnl: &Rtnl,
        f: impl Fn(&Slave) -> Result,
        undo: impl Fn(&Slave),
    ) -> Result {
        for (i, s) in self.slave_list(rtnl).enumerate() {
            if let Err(e) = f(&s) {
                self.slave_list(rtnl).take(i).for_each(|r| undo(&r));
                return Err(e);
            }
        }
        Ok(())
    }

    /// Appends a slave to the list (the caller republishes).
    pub(crate) fn add_slave(&self, s: Arc<Slave>, rtnl: &Rtnl) -> Result {
        self.list.push(s, rtnl)
    }

    /// Removes a slave from the list, and from the active and primary roles it may have (the
    /// caller republishes). Cannot fail: nothing is allocated.
    pub(crate) fn remove_slave(&self, s: &Arc<Slave>, rtnl: &Rtnl) {
        drop(self.list.remove_first(rtnl, |x| Arc::ptr_eq(x, s)));
        if self.primary(rtnl).is_some_and(|p| Arc::ptr_eq(&p, s)) {
            self.primary.set(rtnl, None);
        }
    }

    /// Rebuilds the data path's snapshot from the control-path state (C
    /// `bond_update_slave_arr()` with the pointer assignments). If memory runs out, the data
    /// path gets no snapshot at all (it drops, as C's does when its slave arrays are reset)
    /// rather than a stale one, and the rebuild is retried a jiffy later by `arr_work` (C's
    /// `bond_slave_arr_work_rearm()`), whatever the link monitor (the MII monitor retries as
    /// well); the control-path state is whole. (Before, only the MII monitor retried: a bond
    /// with `miimon` 0 stayed without slaves for the data path, sysfs and `/proc` until the next
    /// change; tests/guest/alloc_faults.sh, "release (sysfs, miimon 0)".)
    pub(crate) fn republish(&self, rtnl: &Rtnl) {
        match self.build_set(rtnl) {
            Ok(node) => {
                self.slaves.replace(Some(node), rtnl);
                self.stale.store(false, Relaxed);
            }
            Err(_) => {
                self.slaves.replace(None, rtnl);
                // A no-op before `attach_work`; `uninit` cancels it after the last release.
                self.arr_work.queue(1);
                if !self.stale.xchg(true, Relaxed) {
                    pr_err!("bonding-rs: out of memory building the slave arrays; dropping until they can be built\n");
                }
            }
        }
    }

    /// Like [`Bond::republish`], but on failure keeps the published snapshot and returns the
    /// error (for paths that can undo their change instead, such as enslaving).
    pub(crate) fn try_republish(&self, rtnl: &Rtnl) -> Result {
        let node = self.build_set_as(rtnl, true)?;
        self.slaves.replace(Some(node), rtnl);
        self.stale.store(false, Relaxed);
        Ok(())
    }

    /// Starts the MII monitor (bond up, `miimon` set): its first tick at once.
    pub(crate) fn start_mii(&self) {
        self.mii_due.store(crate::safe::devops::jiffies(), Relaxed);
        self.mii_work.queue(0);
    }

    /// Whether the last rebuild failed (the MII monitor retries under RTNL).
    pub(crate) fn snapshot_stale(&self) -> bool {
        self.stale.load(Relaxed)
    }

    fn build_set(&self, rtnl: &Rtnl) -> Result<Unpublished<SlaveSet>> {
        self.build_set_as(rtnl, false)
    }

    /// `enslave`: the rebuild at the end of an enslave, where C rebuilds its arrays in
    /// broadcast mode too.
    fn build_set_as(&self, rtnl: &Rtnl, enslave: bool) -> Result<Unpublished<SlaveSet>> {
        let n = self.slave_count(rtnl);
        let mut all = KVec::with_capacity(n, GFP_KERNEL)?;
        let mut usable = KVec::with_capacity(n, GFP_KERNEL)?;
        let mode = self.mode();
        for s in self.slave_list(rtnl) {
            if <BondDriver as ModeHooks>::in_tx_array(mode, self, &s) {
                usable.push(s.clone(), GFP_KERNEL)?;
            }
            all.push(s, GFP_KERNEL)?;
        }
        // C `bond_update_slave_arr()` where C calls it (see `c_usable`).
        if mode.can_use_xmit_hash() || (enslave && mode == Mode::Broadcast) {
            let reset =
                mode == Mode::Ieee8023ad && !<BondDriver as ModeHooks>::has_active_agg(self);
            let count = if reset { -1 } else { usable.len() as isize };
            self.c_usable.store(count, Relaxed);
        }
        let c_usable = usize::try_from(self.c_usable.load(Relaxed)).ok();
        Unpublished::new(SlaveSet {
            all,
            usable,
            active: self.active(rtnl),
            primary: self.primary(rtnl),
            c_usable,
        })
    }

    /// Sets `curr_active_slave` (and republishes).
    pub(crate) fn set_active(&self, active: Option<Arc<Slave>>, rtnl: &Rtnl) {
        self.active.set(rtnl, active);
        self.republish(rtnl);
    }

    /// Sets `primary_slave` (and republishes).
    pub(crate) fn set_primary(&self, primary: Option<Arc<Slave>>, rtnl: &Rtnl) {
        self.primary.set(rtnl, primary);
        self.republish(rtnl);
    }

    /// Sets `curr_active_slave` and `primary_slave` without republishing (enslave).
    pub(crate) fn store_roles(
        &self,
        active: Option<Arc<Slave>>,
        primary: Option<Arc<Slave>>,
        rtnl: &Rtnl,
    ) {
        self.active.set(rtnl, active);
        self.primary.set(rtnl, primary);
    }
}

/// The driver type of bond devices.
pub(crate) struct BondDriver;

/// The per-namespace part of bonding (`masters.rs`: `bonding_masters`, the bonds' `/proc`
/// directory).
pub(crate) struct BondNet;

/// What the bond's state needs of the mode policies, which sit above it: the type of the
/// per-mode state every bond carries, and which slaves go into the transmit array.
/// `policy/mod.rs` implements it for [`BondDriver`] (a type and static calls: nothing is
/// looked up at run time).
pub(crate) trait ModeHooks {
    /// The mode policies' state (C `BOND_AD_INFO(bond)` and the slaves' `SLAVE_AD_INFO()`),
    /// behind the bond's `mode_lock` ([`Bond::mode_state`]).
    type State;

    /// The state of a new bond with parameters `p`.
    fn new_state(p: &BondParams) -> Self::State;

    /// The bond's parameters changed to `p` ([`Bond::set_params`]): the state follows the
    /// mode and the option values the mode reads.
    fn params_changed(st: &mut Self::State, p: &BondParams);

    /// Whether `slave` belongs in the transmit array of a bond in `mode` (C
    /// `bond_update_slave_arr()`).
    fn in_tx_array(mode: Mode, b: &Bond, slave: &Slave) -> bool;

    /// Whether an 802.3ad bond has an active aggregator (C `bond_3ad_get_active_agg_info()`
    /// succeeds); false in the other modes.
    fn has_active_agg(b: &Bond) -> bool;
}

/// The work of `slave`'s bond that sends the slaves' due `NETDEV_BONDING_INFO` notifications,
/// queued (C `bond_queue_slave_event()`'s `queue_delayed_work()`; given to each slave at enslave).
pub(crate) fn queue_slave_events(slave: &Slave) {
    if let Some(b) = slave.bond_dev() {
        b.private().notify_work.queue(0);
    }
}

impl Slave {
    /// The bond this slave belongs to.
    pub(crate) fn bond_dev(&self) -> Option<&Dev<BondDriver>> {
        Dev::<BondDriver>::try_from_dev(&self.bond)
    }
}

impl BondDriver {
    /// C `bond_create_proc_entry()`.
    pub(crate) fn create_proc_entry(dev: &Dev<Self>, rtnl: &Rtnl) {
        let bond = dev.private();
        bond.proc.clear(rtnl);
        let Some(dir) = crate::safe::pernet::proc_dir::<BondNet>(dev.net()) else {
            return;
        };
        if bond.proc.set(dev, dir, dev.name(rtnl), rtnl).is_err() {
            dev_pr!(
                Err,
                dev,
                "Cannot create /proc/net/bonding/{}\n",
                dev.name(rtnl).to_str().unwrap_or("?")
            );
        }
    }

    /// C `bond_remove_proc_entry()`.
    pub(crate) fn remove_proc_entry(dev: &Dev<Self>, rtnl: &Rtnl) {
        dev.private().proc.clear(rtnl);
    }
}

/// C `bond_create()`: creates and registers a bond named `name` (or
/// `bond%d`) in `net`.
pub(crate) fn bond_create(net: &Net, name: Option<&CStr>) -> Result {
    let rtnl = Rtnl::lock();
    let dev = AllocatedDev::<BondDriver>::new(name.unwrap_or(c"bond%d"), net)?;
    let dev = dev.register(&rtnl)?;
    dev.carrier_off();
    Ok(())
}

/// The bonds of `net`, in creation order (C `bn->dev_list`).
pub(crate) fn for_each_bond<'a>(
    net: &'a Net,
    rtnl: &'a Rtnl,
    mut f: impl FnMut(&'a Dev<BondDriver>) -> bool,
) {
    net.for_each_dev(rtnl, |d| match Dev::<BondDriver>::try_from_dev(d) {
        Some(b) => f(b),
        None => true,
    });
}

/// C `bond_net_exit_rtnl()`: queue every bond of the namespace.
pub(crate) fn unregister_all(net: &Net, rtnl: &Rtnl, kill: &mut DevKillList) {
    for_each_bond(net, rtnl, |b| {
        let d: &NetDevice = b;
        d.unregister(rtnl, Some(&mut *kill));
        true
    });
}
