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

use crate::bindings;
use crate::dev_pr;
use crate::modes::{FailOverMac, Mode, XmitHashPolicy};
use crate::params::BondParams;
use crate::safe::devops::{capable_net_admin, Stats64, STATS64_LEN};
use crate::safe::link::{ExtAck, LinkAttrs, LinkData, NlMsg};
use crate::safe::netdev::{
    AllocatedDev, Dev, DevKillList, Driver, DriverTables, DrvInfo, HwTstamp, Net, NetDevice,
    NewLinkDev, SetupConfig, SkBuff, TsInfo, TxStatus,
};
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

static BOND_TABLES: DriverTables = DriverTables::new::<BondDriver>();
#[cfg(CONFIG_XFRM_OFFLOAD)]
static BOND_XFRM_TABLES: crate::safe::xfrm::XfrmTables =
    crate::safe::xfrm::XfrmTables::new::<BondDriver>();

static BOND_POLICY: crate::safe::link::Policy<{ bindings::IFLA_BOND_MAX as usize + 1 }> =
    crate::safe::link::Policy::new(&crate::netlink::ifla::BOND_POLICY);
static SLAVE_POLICY: crate::safe::link::Policy<{ bindings::IFLA_BOND_SLAVE_MAX as usize + 1 }> =
    crate::safe::link::Policy::new(&crate::netlink::ifla::SLAVE_POLICY);

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

impl Driver for BondDriver {
    type Priv = Bond;
    const KIND: &'static CStr = c"bond";
    const DEVTYPE: &'static CStr = c"bond";

    fn tables() -> &'static DriverTables {
        &BOND_TABLES
    }

    fn num_queues() -> u32 {
        // C `bond_get_num_tx_queues()`: the (validated) `tx_queues` parameter.
        u32::try_from(defaults().tx_queues).unwrap_or(16)
    }

    fn priv_init() -> impl PinInit<Bond> {
        let p = defaults();
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

    fn setup_config() -> SetupConfig {
        #[allow(unused_mut)]
        let mut cfg = SetupConfig {
            max_mtu: bindings::ETH_MAX_MTU,
            flags: bindings::IFF_MASTER,
            priv_flags_set: bindings::IFF_BONDING
                | bindings::IFF_UNICAST_FLT
                | bindings::IFF_NO_QUEUE,
            priv_flags_clear: bindings::IFF_XMIT_DST_RELEASE | bindings::IFF_TX_SKB_SHARING,
            lltx: true,
            netns_immutable: true,
            hw_features: bindings::BONDRS_HW_FEATURES,
            features: bindings::BONDRS_HW_FEATURES | bindings::BONDRS_EXTRA_FEATURES,
            #[cfg(CONFIG_XFRM_OFFLOAD)]
            xfrmdev_ops: BOND_XFRM_TABLES.as_ptr(),
        };
        // C bond_setup(): IPsec offload is offered (hw_features) always, and
        // on (features) only in active-backup, the mode of a new bond.
        #[cfg(CONFIG_XFRM_OFFLOAD)]
        {
            cfg.hw_features |= bindings::BONDRS_XFRM_FEATURES;
            if defaults().mode == Mode::ActiveBackup {
                cfg.features |= bindings::BONDRS_XFRM_FEATURES;
            }
        }
        cfg
    }

    fn init(dev: &Dev<Self>, rtnl: &Rtnl) -> Result {
        let bond = dev.private();
        bond.mii_work.attach(dev);
        bond.mcast_work.attach(dev);
        bond.mode_work.attach(dev);
        dev.lockdep_set_classes(rtnl);
        dev.ensure_valid_addr(rtnl);
        Ok(())
    }

    fn uninit(dev: &Dev<Self>, rtnl: &Rtnl) {
        // C `bond_uninit()`.
        let bond = dev.private();
        for s in bond.slave_list(rtnl) {
            let _ = crate::enslave::release(dev, &s.dev, true, true, rtnl);
        }
        dev_pr!(Info, dev, "Released all slaves\n");
        bond.slaves.replace(None, rtnl);
        bond.mii_work.cancel_sync();
        bond.mcast_work.cancel_sync();
        bond.mode_work.cancel_sync();
        Self::remove_proc_entry(dev, rtnl);
    }

    fn open(dev: &Dev<Self>, rtnl: &Rtnl) -> Result {
        // C `bond_open()`.
        let bond = dev.private();
        let mode = bond.mode();
        let p = bond.params(rtnl);
        let active = bond.active(rtnl);
        for s in bond.slave_list(rtnl) {
            let is_curr = active.as_ref().is_some_and(|a| Arc::ptr_eq(a, &s));
            crate::policy::open_slave(mode, dev, &s, is_curr, rtnl);
        }
        if crate::policy::tick_ms(mode) != 0 {
            bond.mode_work.queue(0);
        }
        if p.miimon != 0 {
            bond.mii_work.queue(0);
        }
        bond.republish(rtnl);
        Ok(())
    }

    fn stop(dev: &Dev<Self>, rtnl: &Rtnl) -> Result {
        // C `bond_close()`.
        let bond = dev.private();
        bond.mii_work.cancel_sync();
        bond.mcast_work.cancel_sync();
        bond.mode_work.cancel_sync();
        bond.send_peer_notif.store(0, Relaxed);
        if bond.mode().uses_primary() {
            if let Some(a) = bond.active(rtnl) {
                crate::enslave::hw_addr_flush(dev, &a.dev, rtnl);
            }
        } else {
            for s in bond.slave_list(rtnl) {
                crate::enslave::hw_addr_flush(dev, &s.dev, rtnl);
            }
        }
        Ok(())
    }

    fn start_xmit(dev: &Dev<Self>, skb: SkBuff) -> TxStatus {
        crate::xmit::start_xmit(dev, skb)
    }

    fn set_mac_address(dev: &Dev<Self>, addr: &[u8], rtnl: &Rtnl) -> Result {
        // C `bond_set_mac_address()` (balance-alb is not implemented).
        let bond = dev.private();
        let p = bond.params(rtnl);
        if p.fail_over_mac != FailOverMac::None && bond.mode() == Mode::ActiveBackup {
            return Ok(());
        }
        if !is_valid_ether_addr(addr) {
            return Err(EADDRNOTAVAIL);
        }
        let old = dev.hw_addr(rtnl);
        bond.try_each_slave(
            rtnl,
            |s| s.dev.set_mac(addr, None, rtnl),
            |s| {
                let _ = s.dev.set_mac(old.as_slice(), None, rtnl);
            },
        )?;
        dev.set_addr(rtnl, addr)
    }

    fn vlan_rx_add_vid(dev: &Dev<Self>, proto: u16, vid: u16, rtnl: &Rtnl) -> Result {
        // C `bond_vlan_rx_add_vid()`.
        dev.private().try_each_slave(
            rtnl,
            |s| s.dev.vlan_vid_add(proto, vid, rtnl),
            |s| s.dev.vlan_vid_del(proto, vid, rtnl),
        )
    }

    fn vlan_rx_kill_vid(dev: &Dev<Self>, proto: u16, vid: u16, rtnl: &Rtnl) -> Result {
        // C `bond_vlan_rx_kill_vid()`.
        for s in dev.private().slave_list(rtnl) {
            s.dev.vlan_vid_del(proto, vid, rtnl);
        }
        Ok(())
    }

    fn drvinfo(_dev: &Dev<Self>, info: &mut DrvInfo<'_>) {
        info.set_driver(format_args!("bonding"));
        info.set_fw_version(format_args!("{}", bindings::BOND_ABI_VERSION));
    }

    fn validate(tb: &LinkAttrs<'_>, _data: &LinkData<'_>, _extack: &mut ExtAck<'_>) -> Result {
        // C `bond_validate()`.
        if let Some(addr) = tb.get(bindings::IFLA_ADDRESS) {
            let a = addr.payload();
            if a.len() != bindings::ETH_ALEN as usize {
                return Err(EINVAL);
            }
            if !is_valid_ether_addr(a) {
                return Err(EADDRNOTAVAIL);
            }
        }
        Ok(())
    }

    fn newlink(
        dev: NewLinkDev<'_, Self>,
        data: &LinkData<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        // C `bond_newlink()`: register, apply the attributes, unregister on error.
        let dev = dev.register(rtnl)?;
        dev.carrier_off();
        if let Err(e) = crate::options::changelink(dev, data, extack, rtnl) {
            dev.private().mii_work.cancel_sync();
            dev.unregister(rtnl, None);
            return Err(e);
        }
        Ok(())
    }

    fn changelink(
        dev: &Dev<Self>,
        data: &LinkData<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        crate::options::changelink(dev, data, extack, rtnl)
    }

    fn add_slave(
        dev: &Dev<Self>,
        slave: &NetDevice,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        crate::enslave::enslave(dev, slave, Some(extack), rtnl)
    }

    fn del_slave(dev: &Dev<Self>, slave: &NetDevice, rtnl: &Rtnl) -> Result {
        crate::enslave::release(dev, slave, false, false, rtnl)
    }

    fn get_stats64(dev: &Dev<Self>, out: &mut Stats64) {
        crate::enslave::get_stats(dev, out);
    }

    fn change_mtu(dev: &Dev<Self>, mtu: u32, rtnl: &Rtnl) -> Result {
        // C `bond_change_mtu()`.
        let old = dev.mtu();
        dev.private().try_each_slave(
            rtnl,
            |s| s.dev.set_mtu(mtu, rtnl),
            |s| {
                let _ = s.dev.set_mtu(old, rtnl);
            },
        )?;
        dev.write_mtu(mtu);
        Ok(())
    }

    fn set_rx_mode(dev: &Dev<Self>) {
        // C `bond_set_rx_mode()`.
        let bond = dev.private();
        let g = kernel::sync::rcu::read_lock();
        let Some(set) = bond.slaves.read(&g) else {
            return;
        };
        if bond.mode().uses_primary() {
            if let Some(a) = &set.active {
                a.dev.addr_sync_multiple_locked(dev, true);
            }
        } else {
            for s in set.all.iter() {
                s.dev.addr_sync_multiple_locked(dev, false);
            }
        }
    }

    fn change_rx_flags(dev: &Dev<Self>, change: u32, rtnl: &Rtnl) {
        // C `bond_change_rx_flags()`.
        let flags = dev.flags();
        if change & bindings::IFF_PROMISC != 0 {
            let inc = if flags & bindings::IFF_PROMISC != 0 {
                1
            } else {
                -1
            };
            crate::enslave::for_rx_slaves(dev, rtnl, |s| s.set_promiscuity(inc, rtnl));
        }
        if change & bindings::IFF_ALLMULTI != 0 {
            let inc = if flags & bindings::IFF_ALLMULTI != 0 {
                1
            } else {
                -1
            };
            crate::enslave::for_rx_slaves(dev, rtnl, |s| s.set_allmulti(inc, rtnl));
        }
    }

    fn bond_ioctl(dev: &Dev<Self>, req: crate::safe::ioctl::BondIoctl<'_>, rtnl: &Rtnl) -> Result {
        use crate::safe::ioctl::BondIoctl;
        let b = dev.private();
        let find = |name: &CStr| dev.peer_by_name(name, rtnl).ok_or(ENODEV);
        match req {
            BondIoctl::InfoQuery(i) => {
                // C `bond_fill_ifbond()`.
                i.bond_mode = b.mode().as_u8().into();
                i.miimon = b.params(rtnl).miimon;
                i.num_slaves = b.slave_count(rtnl) as i32;
                Ok(())
            }
            BondIoctl::SlaveInfoQuery(si) => {
                // C `bond_slave_info_query()` + `bond_fill_ifslave()`.
                let s = usize::try_from(si.slave_id)
                    .ok()
                    .and_then(|i| b.slave_list(rtnl).nth(i))
                    .ok_or(ENODEV)?;
                let name = s.dev.name(rtnl).to_bytes();
                si.slave_name = [0; 16];
                si.slave_name[..name.len()].copy_from_slice(name);
                si.link = s.link() as i8;
                si.state = i8::from(!s.is_active());
                si.link_failure_count = s.link_failure_count();
                Ok(())
            }
            BondIoctl::Enslave(n) => crate::enslave::enslave(dev, find(n)?, None, rtnl),
            BondIoctl::Release(n) => crate::enslave::release(dev, find(n)?, false, false, rtnl),
            BondIoctl::SetHwAddr(n) => dev.steal_addr(find(n)?, rtnl),
            BondIoctl::ChangeActive(n) => {
                let sd = find(n)?;
                crate::options::opt_set_notify(
                    dev,
                    crate::netlink::options::OptionId::ActiveSlave,
                    crate::options::Val::Str(sd.name(rtnl).to_bytes()),
                    rtnl,
                )
            }
        }
    }

    fn netpoll_setup(dev: &Dev<Self>, rtnl: &Rtnl) -> Result {
        // C `bond_netpoll_setup()`.
        for s in dev.private().slave_list(rtnl) {
            if let Err(e) = s.np.enable(&s.dev, rtnl) {
                Self::netpoll_cleanup(dev, rtnl);
                return Err(e);
            }
        }
        Ok(())
    }

    fn netpoll_cleanup(dev: &Dev<Self>, rtnl: &Rtnl) {
        // C `bond_netpoll_cleanup()`.
        for s in dev.private().slave_list(rtnl) {
            if s.is_up() {
                s.np.disable(rtnl);
            }
        }
    }

    fn poll_controller(dev: &Dev<Self>) {
        // C `bond_poll_controller()` (modes without aggregators).
        let g = kernel::sync::rcu::read_lock();
        if let Some(set) = dev.private().slaves.read(&g) {
            for s in set.all.iter().filter(|s| s.is_up()) {
                s.dev.netpoll_poll();
            }
        }
    }

    fn fix_features(dev: &Dev<Self>, features: u64, rtnl: &Rtnl) -> u64 {
        crate::enslave::fix_features(dev, features, rtnl)
    }

    fn hwtstamp_get(dev: &Dev<Self>, cfg: &mut HwTstamp<'_>, rtnl: &Rtnl) -> Result {
        // C `bond_hwtstamp_get()`: the active slave's configuration.
        let real = dev.private().active_slave_get(rtnl).ok_or(EOPNOTSUPP)?;
        cfg.get_lower(&real.dev, rtnl)?;
        cfg.set_bonded_phc_index()
    }

    fn hwtstamp_set(
        dev: &Dev<Self>,
        cfg: &mut HwTstamp<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        // C `bond_hwtstamp_set()`: only for users that know the PHC follows
        // the active slave.
        if !cfg.bonded_phc_index() {
            return Err(EOPNOTSUPP);
        }
        let real = dev.private().active_slave_get(rtnl).ok_or(EOPNOTSUPP)?;
        cfg.set_lower(&real.dev, extack, rtnl)?;
        cfg.set_bonded_phc_index()
    }

    fn ts_info(dev: &Dev<Self>, info: &mut TsInfo<'_>) -> Result {
        // C `bond_ethtool_get_ts_info()`: the active slave's capabilities in
        // the modes with one; otherwise software transmit time stamps if all
        // slaves have them.
        let b = dev.private();
        let g = kernel::sync::rcu::read_lock();
        let Some(set) = b.slaves.read(&g) else {
            return Ok(());
        };
        if b.mode().uses_primary() {
            if let Some(a) = &set.active {
                return info.fill_from(&a.dev);
            }
        }
        let mut sw_tx = false;
        let mut ret = Ok(());
        for s in set.all.iter() {
            let r = s.dev.ts_tx_software();
            sw_tx = r == Ok(true);
            ret = r.map(|_| ());
            if !sw_tx {
                break;
            }
        }
        if sw_tx {
            info.add_tx_software();
        }
        ret
    }

    fn link_ksettings(dev: &Dev<Self>, rtnl: &Rtnl) -> (u32, u8, u8) {
        // C `bond_ethtool_get_link_ksettings()`.
        let bond = dev.private();
        let mut speed: u32 = 0;
        let mut duplex = crate::slave::DUPLEX_UNKNOWN;
        for s in bond.slave_list(rtnl) {
            if !s.can_tx() {
                continue;
            }
            let _ = s.update_speed_duplex(rtnl);
            let (sp, du) = s.speed_duplex();
            if sp != crate::slave::SPEED_UNKNOWN {
                if bond.mode() == Mode::Broadcast {
                    // C `bond_mode_bcast_speed()`: the slowest slave.
                    if speed == 0 || speed > sp {
                        speed = sp;
                    }
                } else {
                    speed = speed.wrapping_add(sp);
                }
            }
            if duplex == crate::slave::DUPLEX_UNKNOWN && du != crate::slave::DUPLEX_UNKNOWN {
                duplex = du;
            }
        }
        let speed = if speed == 0 {
            crate::slave::SPEED_UNKNOWN
        } else {
            speed
        };
        (speed, duplex, bindings::PORT_OTHER as u8)
    }

    fn get_size(_dev: &Dev<Self>) -> usize {
        crate::options::get_size()
    }

    fn fill_info(dev: &Dev<Self>, msg: &mut NlMsg<'_>, rtnl: &Rtnl) -> Result {
        crate::options::fill_info(dev, msg, rtnl, capable_net_admin())
    }

    fn get_slave_size(_dev: &Dev<Self>, _slave: &NetDevice) -> usize {
        crate::options::get_slave_size()
    }

    fn fill_slave_info(
        dev: &Dev<Self>,
        slave: &NetDevice,
        msg: &mut NlMsg<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        crate::options::fill_slave_info(dev, slave, msg, rtnl)
    }

    fn linkxstats_size(_slave: bool) -> usize {
        crate::options::linkxstats_size()
    }

    fn fill_linkxstats(dev: &NetDevice, slave: bool, msg: &mut NlMsg<'_>, rtnl: &Rtnl) -> Result {
        crate::options::fill_linkxstats(dev, slave, msg, rtnl)
    }

    fn slave_changelink(
        dev: &Dev<Self>,
        slave: &NetDevice,
        data: &LinkData<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        crate::options::slave_changelink(dev, slave, data, extack, rtnl)
    }

    fn header_lower<'a>(
        dev: &'a Dev<Self>,
        g: &'a kernel::sync::rcu::Guard,
    ) -> Option<&'a NetDevice> {
        let set = dev.private().slaves.read(g)?;
        set.active.as_ref().map(|a| &*a.dev)
    }

    fn sysfs_group() -> Option<crate::safe::sysfs::GroupRef<Self>> {
        Some(crate::sysfs::BOND_GROUP.group_ref())
    }

    const POLICY: &'static [bindings::nla_policy] = &BOND_POLICY.0;
    const SLAVE_POLICY: &'static [bindings::nla_policy] = &SLAVE_POLICY.0;
}

/// C `is_valid_ether_addr()`: a 6-byte unicast address that is not all zeroes.
pub(crate) fn is_valid_ether_addr(a: &[u8]) -> bool {
    a.len() == bindings::ETH_ALEN as usize
        && a.first().is_some_and(|b| b & 1 == 0)
        && a.iter().any(|&b| b != 0)
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
