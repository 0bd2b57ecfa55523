// SPDX-License-Identifier: GPL-2.0

//! A bond slave (C `struct slave`) and its receive handler (C
//! `bond_handle_frame()`).
//!
//! A slave is reference counted: the bond's published slave set, the rx
//! handler registration and control-path readers each hold a reference, so
//! the data path never sees a freed slave. Fields the data path or the MII
//! monitor read without RTNL are atomics; the others are written under RTNL
//! only (C uses plain fields with `READ_ONCE()`/`WRITE_ONCE()`).

use crate::modes::{slaves::Link, Mode};
use crate::params::MAX_TARGETS;
use crate::safe::atomic::Plain;
use crate::safe::devops::{HwAddr, Stats64, STATS64_LEN};
use crate::safe::ioctl::IfSlave;
use crate::safe::netdev::NetDevice;
use crate::safe::rcu::RtnlCell;
use crate::safe::rtnl::Rtnl;
use crate::safe::sysfs::KobjDir;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::{new_spinlock, prelude::*, sync::aref::ARef, sync::Arc, sync::SpinLock};

/// `SPEED_UNKNOWN`.
pub(crate) const SPEED_UNKNOWN: u32 = u32::MAX;
/// `DUPLEX_UNKNOWN`.
pub(crate) const DUPLEX_UNKNOWN: u8 = 0xff;
/// No proposed state (`BOND_LINK_NOCHANGE`).
const LINK_NOCHANGE: i8 = -1;

/// The source of [`Slave::id`]s.
static NEXT_ID: Atomic<u64> = Atomic::new(1);

/// A slave of a bond.
#[pin_data]
pub(crate) struct Slave {
    /// An identity no other slave ever has (never 0): how the bond names a slave it must not keep
    /// alive (`current_arp_slave`), resolved against its published slaves when used.
    pub(crate) id: u64,
    /// The slave device (a reference is held while the `Slave` exists).
    pub(crate) dev: ARef<NetDevice>,
    /// The bond device.
    pub(crate) bond: ARef<NetDevice>,
    link: Plain<Link>,
    /// The proposed link state (`link_new_state`), `LINK_NOCHANGE` for none.
    new_link: Atomic<i8>,
    /// `slave->backup` (BOND_STATE_BACKUP).
    backup: Plain<bool>,
    /// `slave->inactive`: frames received are not delivered to the bond.
    inactive: Plain<bool>,
    /// `slave->delay` (MII monitor countdown).
    pub(crate) delay: Atomic<i32>,
    link_failure_count: Atomic<u32>,
    speed: Atomic<u32>,
    /// `DUPLEX_*` as a signed byte (`DUPLEX_UNKNOWN`, 0xff, is -1).
    duplex: Atomic<i8>,
    /// The slave's own address before enslaving.
    pub(crate) perm_hwaddr: HwAddr,
    /// The slave's MTU before enslaving.
    pub(crate) original_mtu: u32,
    queue_id: Plain<i32>,
    /// The slave's slot in its mode's per-slave tables (balance-tlb: `modes::tlb::Slot`, C
    /// `SLAVE_TLB_INFO(slave)`), set by the mode at enslave; -1 for none.
    mode_slot: Plain<i16>,
    prio: Atomic<i32>,
    last_link_up: Atomic<usize>,
    /// `slave->last_rx`: when the ARP/NS monitor last counted a received frame (jiffies).
    last_rx: Atomic<usize>,
    /// `slave->last_tx`: when the ARP/NS monitor last sent a probe (jiffies).
    last_tx: Atomic<usize>,
    /// `slave->target_last_arp_rx[]`: when each ARP/NS target last answered (jiffies).
    target_rx: [Atomic<usize>; MAX_TARGETS],
    /// `slave->should_notify`: a backup-state change to announce (`BOND_SLAVE_NOTIFY_LATER`).
    should_notify: Atomic<bool>,
    /// `slave->should_notify_link`: a link-state change to announce.
    should_notify_link: Atomic<bool>,
    /// C `slave->notify_work` pending: a `NETDEV_BONDING_INFO` notification of the slave is due
    /// (`bond_queue_slave_event()`); the bond's work sends it with the state of then.
    event_due: Atomic<bool>,
    /// Has the bond's work send the due notifications: passed in at enslave (the bond's work
    /// items sit above the slave's state).
    queue_events: fn(&Slave),
    /// netpoll on this slave while the bond uses netpoll (C `slave->np`).
    pub(crate) np: crate::safe::netpoll::LowerNetpoll,
    /// 802.3ad: whether netpoll polls this slave (C `bond_poll_controller()`: the bond has an
    /// active aggregator and the slave's port is in it or in none). Published by the 802.3ad
    /// glue under the mode lock, read by netpoll without it (C reads the ports under RCU:
    /// netpoll may run from a message printed under the mode lock on the same CPU).
    pub(crate) ad_poll: Atomic<bool>,
    /// `/sys/class/net/<slave>/bonding_slave/` (holds a reference to us).
    pub(crate) kobj: RtnlCell<Option<KobjDir<SlaveRef>>>,
    /// Statistics seen at the last `bond_get_stats()` (C `slave_stats`).
    #[pin]
    pub(crate) last_stats: SpinLock<Stats64>,
}

impl Slave {
    /// A new slave of `bond` for `dev` (C `bond_alloc_slave()` + fields set
    /// at the start of `bond_enslave()`).
    pub(crate) fn new(
        bond: &NetDevice,
        dev: &NetDevice,
        perm: HwAddr,
        original_mtu: u32,
        queue_events: fn(&Slave),
    ) -> Result<Arc<Slave>> {
        Arc::pin_init(
            pin_init!(Slave {
                id: NEXT_ID.fetch_add(1, Relaxed),
                dev: ARef::from(dev),
                bond: ARef::from(bond),
                link: Plain::new(Link::Down),
                new_link: Atomic::new(LINK_NOCHANGE),
                backup: Plain::new(false),
                inactive: Plain::new(false),
                delay: Atomic::new(0),
                link_failure_count: Atomic::new(0),
                speed: Atomic::new(SPEED_UNKNOWN),
                duplex: Atomic::new(DUPLEX_UNKNOWN as i8),
                perm_hwaddr: perm,
                original_mtu,
                queue_id: Plain::new(0),
                mode_slot: Plain::new(-1),
                prio: Atomic::new(0),
                last_link_up: Atomic::new(0),
                last_rx: Atomic::new(0),
                last_tx: Atomic::new(0),
                target_rx: [const { Atomic::new(0) }; MAX_TARGETS],
                should_notify: Atomic::new(false),
                should_notify_link: Atomic::new(false),
                event_due: Atomic::new(false),
                queue_events,
                np: crate::safe::netpoll::LowerNetpoll::new(),
                ad_poll: Atomic::new(false),
                kobj: RtnlCell::new(None),
                last_stats <- new_spinlock!([0u64; STATS64_LEN]),
            }),
            GFP_KERNEL,
        )
    }

    /// `slave->link`.
    pub(crate) fn link(&self) -> Link {
        self.link.load(Relaxed)
    }

    /// The proposed state (`link_new_state`), if any.
    pub(crate) fn new_link(&self) -> Option<Link> {
        match self.new_link.load(Relaxed) {
            LINK_NOCHANGE => None,
            v => Some(Link::from_u8(v as u8)),
        }
    }

    /// C `bond_propose_link_state()`.
    pub(crate) fn propose_link(&self, l: Option<Link>) {
        self.new_link
            .store(l.map_or(LINK_NOCHANGE, |l| l as i8), Relaxed);
    }

    /// C `bond_set_slave_link_state(..., NOTIFY_NOW)`.
    pub(crate) fn set_link(&self, l: Link, rtnl: &Rtnl) {
        if self.link() == l {
            return;
        }
        self.link.store(l, Relaxed);
        self.queue_event(rtnl);
        self.lower_state_changed(rtnl);
        self.should_notify_link.store(false, Relaxed);
    }

    /// C `bond_set_slave_link_state(..., NOTIFY_LATER)`: without RTNL; the change is announced
    /// by [`Slave::notify_link`] (a change and its reversal before that cancel out).
    pub(crate) fn set_link_later(&self, l: Link) {
        if self.link() == l {
            return;
        }
        self.link.store(l, Relaxed);
        let n = self.should_notify_link.load(Relaxed);
        self.should_notify_link.store(!n, Relaxed);
    }

    /// Sets the link state without notification (initial state).
    pub(crate) fn init_link(&self, l: Link) {
        self.link.store(l, Relaxed);
    }

    /// C `bond_is_active_slave()`.
    pub(crate) fn is_active(&self) -> bool {
        !self.backup.load(Relaxed)
    }

    /// C `bond_is_slave_inactive()`.
    pub(crate) fn is_inactive(&self) -> bool {
        self.inactive.load(Relaxed)
    }

    /// Sets `slave->inactive` directly (C `all_slaves_active` setter).
    pub(crate) fn set_inactive(&self, v: bool) {
        self.inactive.store(v, Relaxed);
    }

    /// C `bond_set_slave_state()`: `backup` state with notification.
    fn set_state(&self, backup: bool, rtnl: &Rtnl) {
        if self.backup.load(Relaxed) == backup {
            return;
        }
        self.backup.store(backup, Relaxed);
        self.lower_state_changed(rtnl);
        self.queue_event(rtnl);
        self.should_notify.store(false, Relaxed);
    }

    /// C `bond_set_slave_state(..., NOTIFY_LATER)`: without RTNL, announced by
    /// [`Slave::notify_state`].
    fn set_state_later(&self, backup: bool) {
        if self.backup.load(Relaxed) == backup {
            return;
        }
        self.backup.store(backup, Relaxed);
        let n = self.should_notify.load(Relaxed);
        self.should_notify.store(!n, Relaxed);
    }

    /// C `bond_set_slave_tx_disabled_flags(..., NOTIFY_LATER)`: backup without RTNL, announced
    /// by [`Slave::notify_state`].
    pub(crate) fn set_backup_later(&self, backup: bool) {
        self.set_state_later(backup);
    }

    /// C `bond_set_slave_inactive_flags(..., NOTIFY_LATER)`.
    pub(crate) fn set_inactive_flags_later(&self, mode: Mode, all_slaves_active: bool) {
        if !mode.is_lb() {
            self.set_state_later(true);
        }
        if !all_slaves_active {
            self.inactive.store(true, Relaxed);
        }
    }

    /// C `bond_set_slave_active_flags(..., NOTIFY_LATER)`.
    pub(crate) fn set_active_flags_later(&self) {
        self.set_state_later(false);
        self.inactive.store(false, Relaxed);
    }

    /// Whether a backup-state change made with a `_later` setter is waiting to be announced
    /// (C `slave->should_notify`).
    pub(crate) fn should_notify_state(&self) -> bool {
        self.should_notify.load(Relaxed)
    }

    /// Whether a change made with a `_later` setter is waiting to be announced.
    pub(crate) fn should_notify_any(&self) -> bool {
        self.should_notify.load(Relaxed) || self.should_notify_link.load(Relaxed)
    }

    /// C `bond_slave_state_notify()` for this slave.
    pub(crate) fn notify_state(&self, rtnl: &Rtnl) {
        if self.should_notify.load(Relaxed) {
            self.lower_state_changed(rtnl);
            self.should_notify.store(false, Relaxed);
        }
    }

    /// C `bond_slave_link_notify()` for this slave.
    pub(crate) fn notify_link(&self, rtnl: &Rtnl) {
        if self.should_notify_link.load(Relaxed) {
            self.queue_event(rtnl);
            self.lower_state_changed(rtnl);
            self.should_notify_link.store(false, Relaxed);
        }
    }

    /// `slave->last_rx`.
    pub(crate) fn last_rx(&self) -> usize {
        self.last_rx.load(Relaxed)
    }

    /// `slave->last_tx` (C `slave_last_tx()`).
    pub(crate) fn last_tx(&self) -> usize {
        self.last_tx.load(Relaxed)
    }

    /// C `slave_update_last_tx()`.
    pub(crate) fn touch_tx(&self) {
        self.last_tx.store(crate::safe::devops::jiffies(), Relaxed);
    }

    /// `WRITE_ONCE(slave->last_rx, jiffies)`.
    pub(crate) fn touch_rx(&self) {
        self.last_rx.store(crate::safe::devops::jiffies(), Relaxed);
    }

    /// `slave->target_last_arp_rx[i]`.
    pub(crate) fn target_rx(&self, i: usize) -> usize {
        self.target_rx.get(i).map_or(0, |t| t.load(Relaxed))
    }

    /// Sets `slave->target_last_arp_rx[i]`.
    pub(crate) fn set_target_rx(&self, i: usize, v: usize) {
        if let Some(t) = self.target_rx.get(i) {
            t.store(v, Relaxed);
        }
    }

    /// The receive times of the first `n` targets (for C `slave_oldest_target_arp_rx()`).
    pub(crate) fn targets_rx(&self) -> [usize; MAX_TARGETS] {
        core::array::from_fn(|i| self.target_rx[i].load(Relaxed))
    }

    /// The ARP/NS monitor's times of a new slave (C `bond_enslave()`): as if the last frame
    /// and probe were one interval and a jiffy ago.
    pub(crate) fn init_arp_times(&self, delta: usize) {
        let t = crate::safe::devops::jiffies().wrapping_sub(delta + 1);
        self.last_rx.store(t, Relaxed);
        self.last_tx.store(t, Relaxed);
        for r in &self.target_rx {
            r.store(t, Relaxed);
        }
    }

    /// `slave->last_link_up`.
    pub(crate) fn last_link_up(&self) -> usize {
        self.last_link_up.load(Relaxed)
    }

    /// C `bond_set_active_slave()` / `bond_set_backup_slave()`.
    pub(crate) fn set_backup(&self, backup: bool, rtnl: &Rtnl) {
        self.set_state(backup, rtnl);
    }

    /// C `bond_set_slave_inactive_flags()`.
    pub(crate) fn set_inactive_flags(&self, mode: Mode, all_slaves_active: bool, rtnl: &Rtnl) {
        if !mode.is_lb() {
            self.set_state(true, rtnl);
        }
        if !all_slaves_active {
            self.inactive.store(true, Relaxed);
        }
    }

    /// C `bond_set_slave_active_flags()`.
    pub(crate) fn set_active_flags(&self, rtnl: &Rtnl) {
        self.set_state(false, rtnl);
        self.inactive.store(false, Relaxed);
    }

    /// C `bond_queue_slave_event()`: a `NETDEV_BONDING_INFO` notification of the slave, sent
    /// by the bond's work once RTNL is free (one for any number of calls before it runs).
    pub(crate) fn queue_event(&self, _rtnl: &Rtnl) {
        self.event_due.store(true, Relaxed);
        (self.queue_events)(self);
    }

    /// Takes the slave's due notification, if there is one (the bond's work).
    pub(crate) fn take_event(&self, _rtnl: &Rtnl) -> bool {
        self.event_due.xchg(false, Relaxed)
    }

    /// C `bond_fill_ifslave()`: what `SIOCBONDSLAVEINFOQUERY` and `NETDEV_BONDING_INFO` tell of
    /// the slave (`slave_id` is left to the caller).
    pub(crate) fn fill_ifslave(&self, info: &mut IfSlave, rtnl: &Rtnl) {
        let name = self.dev.name(rtnl).to_bytes();
        info.slave_name = [0; 16];
        let n = name.len().min(info.slave_name.len() - 1);
        info.slave_name[..n].copy_from_slice(&name[..n]);
        info.link = self.link() as i8;
        info.state = i8::from(!self.is_active());
        info.link_failure_count = self.link_failure_count();
    }

    /// C `bond_lower_state_changed()`.
    pub(crate) fn lower_state_changed(&self, rtnl: &Rtnl) {
        let l = self.link();
        self.dev
            .lower_state_changed(matches!(l, Link::Up | Link::Fail), self.is_active(), rtnl);
    }

    /// C `bond_slave_is_up()`.
    pub(crate) fn is_up(&self) -> bool {
        self.dev.running() && self.dev.carrier_ok()
    }

    /// C `bond_slave_can_tx()`.
    pub(crate) fn can_tx(&self) -> bool {
        self.is_up() && self.link() == Link::Up && self.is_active()
    }

    /// The slave's slot in its mode's tables ([`Slave::set_mode_slot`]), if it has one.
    #[inline]
    pub(crate) fn mode_slot(&self) -> Option<u8> {
        u8::try_from(self.mode_slot.load(Relaxed)).ok()
    }

    /// Gives the slave slot `slot` in its mode's tables (before it is published).
    pub(crate) fn set_mode_slot(&self, slot: u8, _rtnl: &Rtnl) {
        self.mode_slot.store(i16::from(slot), Relaxed);
    }

    /// `slave->link_failure_count`.
    pub(crate) fn link_failure_count(&self) -> u32 {
        self.link_failure_count.load(Relaxed)
    }

    /// Counts a link failure (saturating, as C).
    pub(crate) fn count_link_failure(&self) {
        let c = self.link_failure_count.load(Relaxed);
        self.link_failure_count.store(c.saturating_add(1), Relaxed);
    }

    /// (speed, duplex) as last read.
    pub(crate) fn speed_duplex(&self) -> (u32, u8) {
        (self.speed.load(Relaxed), self.duplex.load(Relaxed) as u8)
    }

    /// C `bond_update_speed_duplex()`; `Err` if unknown.
    pub(crate) fn update_speed_duplex(&self, rtnl: &Rtnl) -> Result {
        self.update_speed_duplex_locked(false, rtnl)
    }

    /// As [`Self::update_speed_duplex`], from a notifier holding the slave's ops lock.
    pub(crate) fn update_speed_duplex_locked(&self, ops_locked: bool, rtnl: &Rtnl) -> Result {
        match self.dev.speed_duplex(ops_locked, rtnl) {
            Some(sd) => {
                self.speed.store(sd.speed, Relaxed);
                self.duplex.store(sd.duplex as i8, Relaxed);
                Ok(())
            }
            None => {
                self.speed.store(SPEED_UNKNOWN, Relaxed);
                self.duplex.store(DUPLEX_UNKNOWN as i8, Relaxed);
                Err(EINVAL)
            }
        }
    }

    /// `slave->queue_id`.
    pub(crate) fn queue_id(&self) -> u16 {
        self.queue_id.load(Relaxed) as u16
    }

    /// Sets `slave->queue_id`.
    pub(crate) fn set_queue_id(&self, q: u16) {
        self.queue_id.store(i32::from(q), Relaxed);
    }

    /// `slave->prio`.
    pub(crate) fn prio(&self) -> i32 {
        self.prio.load(Relaxed)
    }

    /// Sets `slave->prio`.
    pub(crate) fn set_prio(&self, p: i32) {
        self.prio.store(p, Relaxed);
    }

    /// Sets `slave->last_link_up` to now.
    pub(crate) fn touch_last_link_up(&self) {
        self.last_link_up
            .store(crate::safe::devops::jiffies(), Relaxed);
    }
}

/// The `bonding_slave` directory's view of a slave (C `bond_sysfs_slave.c`).
pub(crate) struct SlaveRef(pub(crate) Arc<Slave>);
