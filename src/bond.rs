// SPDX-License-Identifier: GPL-2.0

//! The bond device (C `struct bonding`, `bond_setup()`, `bond_init()`,
//! `bond_create()`, `bond_open()`/`bond_close()`, `bond_link_ops`).
//!
//! State model: configuration lives in [`BondParams`] behind an
//! [`RtnlCell`] (every writer holds RTNL, like C), mirrored into atomics for
//! the few values the data path and the MII monitor read without RTNL. The
//! slave list, the active and primary slaves and the transmit array form one
//! immutable [`SlaveSet`] snapshot, published with RCU and rebuilt whenever
//! any of them changes.

use crate::dev_pr;
use crate::modes::{Mode, XmitHashPolicy};
use crate::params::BondParams;
use crate::safe::devops::{Stats64, STATS64_LEN};
use crate::safe::netdev::{AllocatedDev, Dev, DevKillList, Net, NetDevice};
use crate::safe::proc::DevProcEntry;
use crate::safe::rcu::{RcuArc, RtnlCell, RtnlVec, Unpublished};
use crate::safe::rtnl::Rtnl;
use crate::safe::work::DevWork;
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
}

/// Values read without RTNL (C `READ_ONCE(bond->params.x)`).
pub(crate) struct Hot {
    pub(crate) mode: Atomic<Mode>,
    pub(crate) xmit_policy: Atomic<XmitHashPolicy>,
    pub(crate) packets_per_slave: Atomic<u32>,
    pub(crate) miimon: Atomic<i32>,
    pub(crate) updelay: Atomic<i32>,
    pub(crate) downdelay: Atomic<i32>,
    pub(crate) peer_notif_delay: Atomic<i32>,
}

/// The bond's private state (C `struct bonding`), pinned in the netdev's
/// private area.
#[pin_data]
pub(crate) struct Bond {
    params: RtnlCell<BondParams>,
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
    /// `bond->force_primary`.
    pub(crate) force_primary: RtnlCell<bool>,
    /// `rr_tx_counter`.
    pub(crate) rr_counter: Atomic<u32>,
    /// `send_peer_notif`.
    pub(crate) send_peer_notif: Atomic<i32>,
    /// `igmp_retrans`.
    pub(crate) igmp_retrans: Atomic<i32>,
    #[pin]
    pub(crate) mii_work: DevWork<BondDriver, MII_WORK>,
    #[pin]
    pub(crate) mcast_work: DevWork<BondDriver, MCAST_WORK>,
    #[pin]
    pub(crate) mode_work: DevWork<BondDriver, MODE_WORK>,
    /// `bond_stats` (statistics accumulated over current and past slaves).
    #[pin]
    pub(crate) stats: SpinLock<Stats64>,
    proc: DevProcEntry<BondDriver>,
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
            params: RtnlCell::new(p),
            hot: Hot {
                mode: Atomic::new(p.mode),
                xmit_policy: Atomic::new(p.xmit_policy),
                packets_per_slave: Atomic::new(p.packets_per_slave as u32),
                miimon: Atomic::new(p.miimon),
                updelay: Atomic::new(p.updelay),
                downdelay: Atomic::new(p.downdelay),
                peer_notif_delay: Atomic::new(p.peer_notif_delay),
            },
            list: RtnlVec::new(),
            active: RtnlCell::new(None),
            primary: RtnlCell::new(None),
            slaves: RcuArc::new(),
            stale: Atomic::new(false),
            force_primary: RtnlCell::new(false),
            rr_counter: Atomic::new(0),
            send_peer_notif: Atomic::new(0),
            igmp_retrans: Atomic::new(0),
            mii_work <- DevWork::new(),
            mcast_work <- DevWork::new(),
            mode_work <- DevWork::new(),
            stats <- new_spinlock!([0u64; STATS64_LEN]),
            proc: DevProcEntry::new(),
            #[cfg(CONFIG_XFRM_OFFLOAD)]
            ipsec <- crate::safe::xfrm::XfrmList::new(),
        })
    }

    /// The configuration.
    pub(crate) fn params(&self, rtnl: &Rtnl) -> BondParams {
        self.params.get(rtnl)
    }

    /// Replaces the configuration and refreshes the lock-free mirror.
    pub(crate) fn set_params(&self, p: BondParams, rtnl: &Rtnl) {
        self.params.set(rtnl, p);
        self.hot.mode.store(p.mode, Relaxed);
        self.hot.xmit_policy.store(p.xmit_policy, Relaxed);
        self.hot
            .packets_per_slave
            .store(p.packets_per_slave as u32, Relaxed);
        self.hot.miimon.store(p.miimon, Relaxed);
        self.hot.updelay.store(p.updelay, Relaxed);
        self.hot.downdelay.store(p.downdelay, Relaxed);
        self.hot.peer_notif_delay.store(p.peer_notif_delay, Relaxed);
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
    /// rather than a stale one, and the MII monitor retries; the control-path state is whole.
    pub(crate) fn republish(&self, rtnl: &Rtnl) {
        match self.build_set(rtnl) {
            Ok(node) => {
                self.slaves.replace(Some(node), rtnl);
                self.stale.store(false, Relaxed);
            }
            Err(_) => {
                self.slaves.replace(None, rtnl);
                if !self.stale.xchg(true, Relaxed) {
                    pr_err!("bonding-rs: out of memory building the slave arrays; dropping until they can be built\n");
                }
            }
        }
    }

    /// Like [`Bond::republish`], but on failure keeps the published snapshot and returns the
    /// error (for paths that can undo their change instead, such as enslaving).
    pub(crate) fn try_republish(&self, rtnl: &Rtnl) -> Result {
        let node = self.build_set(rtnl)?;
        self.slaves.replace(Some(node), rtnl);
        self.stale.store(false, Relaxed);
        Ok(())
    }

    /// Whether the last rebuild failed (the MII monitor retries under RTNL).
    pub(crate) fn snapshot_stale(&self) -> bool {
        self.stale.load(Relaxed)
    }

    fn build_set(&self, rtnl: &Rtnl) -> Result<Unpublished<SlaveSet>> {
        let n = self.slave_count(rtnl);
        let mut all = KVec::with_capacity(n, GFP_KERNEL)?;
        let mut usable = KVec::with_capacity(n, GFP_KERNEL)?;
        for s in self.slave_list(rtnl) {
            if crate::policy::in_tx_array(self.mode(), &s) {
                usable.push(s.clone(), GFP_KERNEL)?;
            }
            all.push(s, GFP_KERNEL)?;
        }
        Unpublished::new(SlaveSet {
            all,
            usable,
            active: self.active(rtnl),
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

impl BondDriver {
    /// C `bond_create_proc_entry()`.
    pub(crate) fn create_proc_entry(dev: &Dev<Self>, rtnl: &Rtnl) {
        let bond = dev.private();
        bond.proc.clear(rtnl);
        let Some(dir) = crate::safe::pernet::proc_dir::<crate::masters::BondNet>(dev.net()) else {
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
