// SPDX-License-Identifier: GPL-2.0

//! The bond device's operations (C `bond_netdev_ops`, `bond_ethtool_ops`, `bond_link_ops`,
//! `bond_setup()`, `bond_init()`, `bond_open()`/`bond_close()` and the `ndo_*` functions of
//! `bond_main.c`): the [`Driver`] implementation of [`BondDriver`], whose state is in
//! [`crate::bond`].

use crate::bindings;
use crate::bond::{defaults, Bond, BondDriver};
use crate::dev_pr;
use crate::modes::FailOverMac;
use crate::safe::devops::{capable_net_admin, Stats64};
use crate::safe::driver::{Driver, DriverTables, NewLinkDev, SetupConfig};
use crate::safe::ethtool::{DrvInfo, HwTstamp, TsInfo};
use crate::safe::link::{ExtAck, LinkAttrs, LinkData, NlMsg};
use crate::safe::netdev::{Dev, NetDevice, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::{LentSkb, Sock};
#[cfg(CONFIG_BPF_SYSCALL)]
use crate::safe::xdp::XdpCommand;
use crate::safe::xdp::{XdpBuff, XdpFrames};
use kernel::{prelude::*, sync::atomic::Relaxed, sync::Arc};

static BOND_TABLES: DriverTables = DriverTables::new::<BondDriver>();
#[cfg(CONFIG_XFRM_OFFLOAD)]
static BOND_XFRM_TABLES: crate::safe::xfrm::XfrmTables =
    crate::safe::xfrm::XfrmTables::new::<BondDriver>();

static BOND_POLICY: crate::safe::link::Policy<{ bindings::IFLA_BOND_MAX as usize + 1 }> =
    crate::safe::link::Policy::new(&crate::netlink::ifla::BOND_POLICY);
static SLAVE_POLICY: crate::safe::link::Policy<{ bindings::IFLA_BOND_SLAVE_MAX as usize + 1 }> =
    crate::safe::link::Policy::new(&crate::netlink::ifla::SLAVE_POLICY);

#[vtable]
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
        Bond::new(defaults())
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
            if crate::policy::ipsec_offload(defaults().mode) {
                cfg.features |= bindings::BONDRS_XFRM_FEATURES;
            }
        }
        cfg
    }

    fn init(dev: &Dev<Self>, rtnl: &Rtnl) -> Result {
        let bond = dev.private();
        bond.attach_work(dev, rtnl)?;
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
        bond.cancel_all_work();
        // C: the released slaves' `notify_work` is cancelled as each is freed.
        bond.notify_work.cancel_sync();
        Self::remove_proc_entry(dev, rtnl);
    }

    fn open(dev: &Dev<Self>, rtnl: &Rtnl) -> Result {
        // C `bond_open()`.
        let bond = dev.private();
        let mode = bond.mode();
        let p = bond.params(rtnl);
        crate::policy::opening(mode, dev, rtnl)?;
        let active = bond.active(rtnl);
        for s in bond.slave_list(rtnl) {
            let is_curr = active.as_ref().is_some_and(|a| Arc::ptr_eq(a, &s));
            crate::policy::open_slave(mode, dev, &s, is_curr, rtnl);
        }
        // In C's order: the bond's work items run one at a time on its ordered workqueue, so
        // at open the MII monitor's first round comes before the mode's first tick.
        if p.miimon != 0 {
            bond.start_mii();
        }
        crate::policy::opened(mode, dev, rtnl);
        // Only a mode with a receive probe costs the receive path a look at the mode.
        bond.mode_rx
            .store(crate::policy::has_rx_probe(mode), Relaxed);
        if crate::policy::has_tick(mode) {
            bond.mode_due.store(crate::safe::devops::jiffies(), Relaxed);
            bond.mode_work.queue(0);
        }
        if p.arp_interval != 0 {
            bond.arp_work.queue(0);
            bond.arp_rx.store(true, Relaxed);
        }
        bond.republish(rtnl);
        Ok(())
    }

    fn stop(dev: &Dev<Self>, rtnl: &Rtnl) -> Result {
        // C `bond_close()`.
        let bond = dev.private();
        bond.cancel_all_work();
        bond.send_peer_notif.store(0, Relaxed);
        bond.arp_rx.store(false, Relaxed);
        bond.mode_rx.store(false, Relaxed);
        // Wait for any in-flight receive handler (it may still be running a probe).
        crate::safe::rcu::synchronize_net(rtnl);
        if bond.mode().uses_primary() {
            if let Some(a) = bond.active(rtnl) {
                crate::failover::hw_addr_flush(dev, &a.dev, rtnl);
            }
        } else {
            for s in bond.slave_list(rtnl) {
                crate::failover::hw_addr_flush(dev, &s.dev, rtnl);
            }
        }
        Ok(())
    }

    fn start_xmit(dev: &Dev<Self>, skb: SkBuff, rcu: &XmitReadSide) -> TxStatus {
        crate::datapath::start_xmit(dev, skb, rcu)
    }

    fn set_mac_address(dev: &Dev<Self>, addr: &[u8], rtnl: &Rtnl) -> Result {
        // C `bond_set_mac_address()`: balance-alb's own first.
        if let Some(r) = crate::policy::set_mac_address(dev, addr, rtnl) {
            return r;
        }
        let bond = dev.private();
        let p = bond.params(rtnl);
        if crate::policy::fail_over_mac(bond.mode(), p.fail_over_mac) != FailOverMac::None {
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
        crate::policy::vlan_killed(dev, vid, rtnl);
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
        if let Err(e) = crate::rtnetlink::changelink(dev, data, extack, rtnl) {
            dev.private().cancel_all_work();
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
        crate::rtnetlink::changelink(dev, data, extack, rtnl)
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
                b.fill_ifbond(i, rtnl);
                Ok(())
            }
            BondIoctl::SlaveInfoQuery(si) => {
                // C `bond_slave_info_query()` + `bond_fill_ifslave()`.
                let s = usize::try_from(si.slave_id)
                    .ok()
                    .and_then(|i| b.slave_list(rtnl).nth(i))
                    .ok_or(ENODEV)?;
                s.fill_ifslave(si, rtnl);
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
        // C `bond_poll_controller()`: the slaves that are up; in 802.3ad only those whose port
        // is in the active aggregator (or in none), none without an active aggregator.
        let b = dev.private();
        let ad = b.mode() == crate::modes::Mode::Ieee8023ad;
        let g = kernel::sync::rcu::read_lock();
        if let Some(set) = b.slaves.read(&g) {
            for s in set.all.iter().filter(|s| s.is_up()) {
                if ad && !s.ad_poll.load(kernel::sync::atomic::Relaxed) {
                    continue;
                }
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
                speed = crate::policy::speed(bond.mode(), speed, sp);
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
        crate::rtnetlink::get_size()
    }

    fn fill_info(dev: &Dev<Self>, msg: &mut NlMsg<'_>, rtnl: &Rtnl) -> Result {
        crate::rtnetlink::fill_info(dev, msg, rtnl, capable_net_admin())
    }

    fn get_slave_size(_dev: &Dev<Self>, _slave: &NetDevice) -> usize {
        crate::rtnetlink::get_slave_size()
    }

    fn fill_slave_info(
        dev: &Dev<Self>,
        slave: &NetDevice,
        msg: &mut NlMsg<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        crate::rtnetlink::fill_slave_info(dev, slave, msg, rtnl)
    }

    fn linkxstats_size(_slave: bool) -> usize {
        crate::rtnetlink::linkxstats_size()
    }

    fn fill_linkxstats(dev: &NetDevice, slave: bool, msg: &mut NlMsg<'_>, rtnl: &Rtnl) -> Result {
        crate::rtnetlink::fill_linkxstats(dev, slave, msg, rtnl)
    }

    fn slave_changelink(
        dev: &Dev<Self>,
        slave: &NetDevice,
        data: &LinkData<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        crate::rtnetlink::slave_changelink(dev, slave, data, extack, rtnl)
    }

    fn header_lower<'a>(
        dev: &'a Dev<Self>,
        g: &'a kernel::sync::rcu::Guard,
    ) -> Option<&'a NetDevice> {
        let set = dev.private().slaves.read(g)?;
        set.active.as_ref().map(|a| &*a.dev)
    }

    fn get_xmit_slave<'a>(
        dev: &'a Dev<Self>,
        skb: &mut LentSkb<'_>,
        all_slaves: bool,
        tx: &'a XmitReadSide,
    ) -> Option<&'a NetDevice> {
        // C `bond_xmit_get_slave()`: the mode's transmit choice.
        let b = dev.private();
        let set = b.slaves.read(tx)?;
        crate::policy::xmit_slave(b.mode(), dev, set, skb, all_slaves, tx).map(|s| &*s.dev)
    }

    #[cfg(CONFIG_BPF_SYSCALL)]
    fn xdp_setup(dev: &Dev<Self>, cmd: XdpCommand<'_>, rtnl: &Rtnl) -> Result {
        // C `bond_xdp()`.
        match cmd {
            XdpCommand::SetupProg(prog, mut extack) => {
                crate::xdp::set(dev, prog, &mut extack, rtnl)
            }
            XdpCommand::Other => Err(EINVAL),
        }
    }

    fn xdp_xmit(dev: &Dev<Self>, frames: XdpFrames, flags: u32, tx: &XmitReadSide) -> c_int {
        crate::datapath::xdp_xmit(dev, frames, flags, tx)
    }

    fn xdp_get_xmit_slave<'a>(
        dev: &'a Dev<Self>,
        xdp: &XdpBuff<'_>,
        tx: &'a XmitReadSide,
    ) -> Option<&'a NetDevice> {
        crate::datapath::xdp_xmit_slave(dev, xdp.data(), tx).map(|s| &*s.dev)
    }

    fn sk_get_lower_dev<'a>(
        dev: &'a Dev<Self>,
        sk: &Sock,
        g: &'a kernel::sync::rcu::Guard,
    ) -> Option<&'a NetDevice> {
        // C `bond_sk_get_lower_dev()`: in the hash modes with layer3+4 (`bond_sk_check()`), the
        // usable slave the socket's flow hashes to (`bond_sk_hash_l34()`).
        let b = dev.private();
        if !crate::policy::sk_lower_dev(b.mode())
            || b.xmit_policy() != crate::modes::XmitHashPolicy::Layer34
        {
            return None;
        }
        let set = b.slaves.read(g)?;
        let h = crate::modes::hash::sk_hash_l34(&sk.addrs());
        crate::modes::slaves::xor_slave_index(h, set.usable.len()).map(|i| &*set.usable[i].dev)
    }

    fn neigh_lower<'a>(
        dev: &'a Dev<Self>,
        g: &'a kernel::sync::rcu::Guard,
    ) -> Option<&'a NetDevice> {
        // C `bond_neigh_init()`: the first slave's `ndo_neigh_setup` sets up the bond's
        // neighbours.
        let set = dev.private().slaves.read(g)?;
        set.all.first().map(|s| &*s.dev)
    }

    fn sysfs_group() -> Option<crate::safe::driver::GroupRef<Self>> {
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
