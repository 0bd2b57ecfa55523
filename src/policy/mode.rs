// SPDX-License-Identifier: GPL-2.0

//! The hooks of a bonding mode ([`BondMode`]) and what they return; each mode's file implements
//! them, `policy/mod.rs` dispatches to them.

use crate::bond::{Bond, BondDriver, SlaveSet};
use crate::modes::{lacp, slaves::Link, Mode};
use crate::params::BondParams;
use crate::safe::netdev::{Dev, NetDevice, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::{RxSkb, TxSkb};
use crate::slave::Slave;
use kernel::{prelude::*, seq_file::SeqFile, sync::Arc};

/// `enum netdev_lag_tx_type` (C `bond_lag_tx_type()`).
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum LagTxType {
    /// `NETDEV_LAG_TX_TYPE_UNKNOWN`.
    Unknown = 0,
    /// `NETDEV_LAG_TX_TYPE_BROADCAST`.
    Broadcast = 2,
    /// `NETDEV_LAG_TX_TYPE_ROUNDROBIN`.
    RoundRobin = 3,
    /// `NETDEV_LAG_TX_TYPE_ACTIVEBACKUP`.
    ActiveBackup = 4,
    /// `NETDEV_LAG_TX_TYPE_HASH`.
    Hash = 5,
}

/// What a mode's receive probe did with a frame (C `bond->recv_probe()`'s return).
pub(crate) enum RxProbe {
    /// Not the mode's: the frame continues on the normal receive path.
    Pass,
    /// The mode consumed it (C `RX_HANDLER_CONSUMED`).
    Consumed,
}

/// What the failover does after a mode's [`BondMode::active_changed`] (a returned action: the
/// policies sit below the failover and do not call into it).
pub(crate) struct ActiveChanged {
    /// Announce the new active slave: the MAC per `fail_over_mac`, `NETDEV_BONDING_FAILOVER`,
    /// the peer notifications (active-backup's part of C `bond_change_active_slave()`).
    pub(crate) announce: bool,
    /// Rebuild the data path's snapshot (the mode changed flags the transmit array reads).
    pub(crate) republish: bool,
}

/// What reporting shows of a bond's aggregation ([`BondMode::ad_info`]).
pub(crate) struct AdInfo {
    /// The active aggregator, if there is one.
    pub(crate) active_agg: Option<lacp::AggInfo>,
    /// The bond-wide counters.
    pub(crate) stats: lacp::Stats,
}

/// What reporting shows of a slave's aggregation port ([`BondMode::port_view`]; C reads it
/// under RCU).
pub(crate) struct PortView {
    /// The aggregator the port is attached to.
    pub(crate) aggregator_id: Option<u16>,
    /// `actor_oper_port_state`.
    pub(crate) actor_state: u8,
    /// `partner_oper.port_state`.
    pub(crate) partner_state: u8,
    /// `sm_churn_actor_state`, `sm_churn_partner_state`.
    pub(crate) churn: (lacp::ChurnState, lacp::ChurnState),
    /// `SLAVE_AD_INFO(slave)->port_priority`.
    pub(crate) port_priority: u16,
    /// The per-slave counters.
    pub(crate) stats: lacp::Stats,
}

/// Which ARP/NS link monitor a mode runs ([`BondMode::ARP_MONITOR`]; `arpmon.rs` runs it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArpMonitor {
    /// C `bond_loadbalance_arp_mon()`.
    LoadBalance,
    /// C `bond_activebackup_arp_mon()`.
    ActiveBackup,
}

/// A bonding mode. Each hook names the C code it stands for; the defaults are what C does for a
/// mode that has no such feature. `#[vtable]` gives each hook a `HAS_<HOOK>` constant, true where
/// the mode overrides it: the dispatch reads [`BondMode::HAS_RX_PROBE`] and
/// [`BondMode::HAS_TICK`] to know whether the mode has a receive probe or periodic work at all.
#[vtable]
pub(crate) trait BondMode {
    /// The mode.
    const MODE: Mode;

    /// What the upper device link advertises (C `bond_lag_tx_type()`).
    const LAG_TX_TYPE: LagTxType = LagTxType::Unknown;

    /// Whether the mode lets `queue_id` override its slave choice (C
    /// `bond_should_override_tx_queue()`).
    const OVERRIDES_TX_QUEUE: bool = false;

    /// Whether the mode tells which slave a socket's traffic leaves by (`ndo_sk_get_lower_dev`,
    /// C `bond_sk_check()`): the modes that hash flows over the usable slaves, with the
    /// layer3+4 policy (the only one a socket's addresses and ports give).
    const SK_LOWER_DEV: bool = false;

    /// Whether `fail_over_mac` acts in the mode (C tests `BOND_MODE_ACTIVEBACKUP` wherever it
    /// reads `fail_over_mac`: the slaves' MACs at enslave, release and failover, and what
    /// `/proc` shows).
    const FAIL_OVER_MAC: bool = false;

    /// Whether IPsec states are offloaded through the bond (C `bond_ipsec_dev()`,
    /// `bond_set_xfrm_features()`: through the active slave, in active-backup only).
    const IPSEC_OFFLOAD: bool = false;

    /// Whether an inactive slave delivers the unicast frames it receives to the bond (C
    /// `bond_should_deliver_exact_match()`: balance-alb, whose clients each send to one slave).
    const INACTIVE_RX_UNICAST: bool = false;

    /// Whether frames for this host received while the bond is a bridge port get the bond's
    /// address as destination (C `bond_handle_frame()`, balance-alb: each client sends to its
    /// own slave's address, which the bridge would not take for the bond's).
    const BRIDGE_RX_DEST_REWRITE: bool = false;

    /// Whether the mode takes Ethernet slaves only (C `bond_enslave()`: "8023AD mode requires
    /// Ethernet devices").
    const ETHERNET_SLAVES_ONLY: bool = false;

    /// Whether the mode takes InfiniBand slaves (C `bond_enslave()`: "Only active-backup mode is
    /// supported for infiniband slaves").
    const INFINIBAND_SLAVES: bool = false;

    /// Whether IGMP joins are resent when `curr_active_slave` changes (C
    /// `bond_change_active_slave()`): the modes that send IGMP through the active slave, when
    /// there is a new one (`has_new`). Default: the modes with a primary.
    fn igmp_on_active_change(has_new: bool) -> bool {
        Self::MODE.uses_primary() && has_new
    }

    /// The bond's speed so far (`acc`, 0 at first) with a usable slave of speed `slave` (C
    /// `bond_ethtool_get_link_ksettings()`): default, the sum.
    fn speed(acc: u32, slave: u32) -> u32 {
        acc.wrapping_add(slave)
    }

    /// Transmits `skb` on the slave(s) the mode chooses, from the data path's snapshot `set`
    /// (C `bond_xmit_roundrobin()`, `bond_xmit_activebackup()`, `bond_3ad_xor_xmit()`,
    /// `bond_xmit_broadcast()`, `bond_tlb_xmit()`, `bond_alb_xmit()`). Called under RCU with BH
    /// disabled, with at least one slave in `set.all`.
    /// `tx` proves the transmit context (bottom halves or interrupts off).
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, skb: SkBuff, tx: &XmitReadSide) -> TxStatus;

    /// The slave `skb` leaves by, from the data path's snapshot `set` (C
    /// `bond_xmit_roundrobin_slave_get()`, `bond_xmit_activebackup_slave_get()`,
    /// `bond_xmit_3ad_xor_slave_get()`, `bond_xmit_tlb_slave_get()`,
    /// `bond_xmit_alb_slave_get()`): the choice of the mode's transmit, which is also what other
    /// kernel code is told (`ndo_get_xmit_slave`, C `bond_xmit_get_slave()`), where
    /// `all_slaves` makes the hash modes choose among all slaves instead of the usable ones.
    /// Called under RCU with BH disabled (`tx`); `set` may be empty. Default: none (broadcast
    /// sends on every slave).
    fn xmit_slave<'a, S: TxSkb>(
        _dev: &Dev<BondDriver>,
        _set: &'a SlaveSet,
        _skb: &mut S,
        _all_slaves: bool,
        _tx: &XmitReadSide,
    ) -> Option<&'a Arc<Slave>> {
        None
    }

    /// Frames the mode handles itself, before the normal receive path (C `bond->recv_probe`:
    /// `bond_3ad_lacpdu_recv()`, `rlb_arp_recv()`; C sets it for 802.3ad and balance-alb only).
    /// Called only for a mode that overrides it ([`BondMode::HAS_RX_PROBE`]).
    fn rx_probe(_bond: &Dev<BondDriver>, _slave: &Slave, _skb: &RxSkb) -> RxProbe {
        RxProbe::Pass
    }

    /// The role of a slave being enslaved (the mode `switch` of C `bond_enslave()`); `active`
    /// is the `curr_active_slave` the enslave will publish. Default: "always active in trunk
    /// mode", and the first slave with link up becomes `curr_active_slave`.
    fn enslave_role(
        _bond: &Dev<BondDriver>,
        new: &Arc<Slave>,
        active: &mut Option<Arc<Slave>>,
        rtnl: &Rtnl,
    ) {
        new.set_backup(false, rtnl);
        if active.is_none() && new.link() == Link::Up {
            *active = Some(new.clone());
        }
    }

    /// The mode's first work on a new slave, right after it was opened and before anything
    /// else of the enslave (C `bond_alb_init_slave()`: "must be called before all other stages
    /// since it might fail"); an error fails the enslave (the slave is closed again).
    fn attach(_bond: &Dev<BondDriver>, _slave: &Arc<Slave>, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    /// Mode state to set up for a new slave (C `bond_3ad_bind_slave()`), before it is
    /// published.
    fn enslave(_bond: &Dev<BondDriver>, _slave: &Arc<Slave>, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    /// Mode state to tear down for a slave being released (C `bond_3ad_unbind_slave()`,
    /// `bond_alb_deinit_slave()`), after it left the published set.
    fn release(_bond: &Dev<BondDriver>, _slave: &Arc<Slave>, _rtnl: &Rtnl) {}

    /// What the mode needs before the bond opens (C `bond_open()`: balance-rr's per-CPU
    /// transmit counter); an error fails the open.
    fn opening(_bond: &Dev<BondDriver>, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    /// The slave's flags when the bond opens (the loop of C `bond_open()`): `is_active` tells
    /// whether it is `curr_active_slave`. Default: active.
    fn open_slave(_bond: &Dev<BondDriver>, slave: &Slave, _is_active: bool, rtnl: &Rtnl) {
        slave.set_active_flags(rtnl);
    }

    /// After the bond opened, with its slaves' flags set (the mode part of C `bond_open()`:
    /// 802.3ad's aggregator selection and slow-protocols group).
    fn opened(_bond: &Dev<BondDriver>, _rtnl: &Rtnl) {}

    /// After the bond's addresses were removed from `slave` (C `bond_hw_addr_flush()`: 802.3ad
    /// leaves the slow-protocols group).
    fn addrs_flushed(_slave: &NetDevice, _rtnl: &Rtnl) {}

    /// After a slave's speed and duplex were read anew, `read_ok` telling whether they could be
    /// (C `bond_slave_netdev_event()`, `bond_miimon_commit()`:
    /// `bond_3ad_adapter_speed_duplex_changed()`).
    fn speed_changed(_bond: &Dev<BondDriver>, _slave: &Slave, _read_ok: bool, _rtnl: &Rtnl) {}

    /// Whether peer notifications can go out now (C `bond_should_notify_peers()`): default,
    /// there is an active slave whose link change the link watch has handled.
    fn peers_notifiable(bond: &Dev<BondDriver>, rtnl: &Rtnl) -> bool {
        bond.private()
            .active(rtnl)
            .is_some_and(|a| !a.dev.linkwatch_pending())
    }

    /// The slave's flags when the MII monitor commits a link change (C
    /// `bond_miimon_commit()`): default, a slave that comes up is "made immediately active",
    /// one that goes down keeps its flags.
    fn link_flags(_bond: &Dev<BondDriver>, slave: &Slave, link: Link, rtnl: &Rtnl) {
        if link == Link::Up {
            slave.set_backup(false, rtnl);
        }
    }

    /// After a committed link change (C `bond_miimon_link_change()`:
    /// `bond_3ad_handle_link_change()`, `bond_alb_handle_link_change()`, the xor's slave array).
    fn link_changed(_bond: &Dev<BondDriver>, _slave: &Arc<Slave>, _link: Link, _rtnl: &Rtnl) {}

    /// Whether the MII monitor may bring a slave up at once, ignoring updelay (C
    /// `bond_miimon_inspect()`): when the bond has no slave to transmit on. Default: C's
    /// `usable_slaves` array exists and is empty ([`SlaveSet::c_usable`]: C's array, built only
    /// in some modes and kept across mode changes, not the snapshot's `usable`).
    fn ignore_updelay(set: &SlaveSet) -> bool {
        set.c_usable == Some(0)
    }

    /// Whether the MII monitor's log lines name the slave's role, "active " or "backup " (C
    /// `bond_miimon_inspect()`, active-backup only).
    const LOG_ROLE: bool = false;

    /// After `curr_active_slave` changed from `old` to `new` (the mode part of C
    /// `bond_change_active_slave()`: active-backup's flags; `bond_alb_handle_active_change()`);
    /// returns what the failover does next (`failover.rs`). Default: nothing.
    fn active_changed(
        _bond: &Dev<BondDriver>,
        _old: Option<&Arc<Slave>>,
        _new: Option<&Arc<Slave>>,
        _rtnl: &Rtnl,
    ) -> ActiveChanged {
        ActiveChanged {
            announce: false,
            republish: false,
        }
    }

    /// Whether `slave` belongs in the transmit array the data path hashes over (C
    /// `bond_update_slave_arr()`: usable slaves; 802.3ad: the active aggregator's).
    fn in_tx_array(_bond: &Bond, slave: &Slave) -> bool {
        slave.can_tx()
    }

    /// Sets the bond's carrier (C `bond_set_carrier()`; 802.3ad: `bond_3ad_set_carrier()`) and
    /// returns whether it changed, as C reports it. Default: up while any slave's link is up.
    fn set_carrier(bond: &Dev<BondDriver>, rtnl: &Rtnl) -> bool {
        let up = bond
            .private()
            .slave_list(rtnl)
            .any(|s| s.link() == Link::Up);
        apply_carrier(bond, up)
    }

    /// The ARP/NS link monitor the mode runs while `arp_interval` is set (C
    /// `bond_arp_monitor()`). Default: the load-balancing monitor (C
    /// `bond_loadbalance_arp_mon()`): every slave probes, and is up while it both sends and
    /// receives.
    const ARP_MONITOR: ArpMonitor = ArpMonitor::LoadBalance;

    /// The mode's periodic work, every [`super::TICK_MS`] while the bond is up (C
    /// `bond_3ad_state_machine_handler()`, `bond_alb_monitor()`), for a mode that overrides it
    /// ([`BondMode::HAS_TICK`]).
    fn tick(_bond: &Dev<BondDriver>) {}

    /// The bond's address is set to `addr` (C `bond_set_mac_address()`): `None` for the common
    /// path (every slave takes the address), or the mode's own result (balance-alb:
    /// `bond_alb_set_mac_address()`).
    fn set_mac_address(_bond: &Dev<BondDriver>, _addr: &[u8], _rtnl: &Rtnl) -> Option<Result> {
        None
    }

    /// VLAN `vid` was removed from the bond (C `bond_vlan_rx_kill_vid()`:
    /// `bond_alb_clear_vlan()`).
    fn vlan_killed(_bond: &Dev<BondDriver>, _vid: u16, _rtnl: &Rtnl) {}

    /// The bond's aggregation as reporting shows it (C `bond_3ad_get_active_agg_info()` and
    /// `BOND_AD_INFO(bond).stats`, for netlink and the link xstats); `None` in a mode that
    /// does not aggregate.
    fn ad_info(_bond: &Dev<BondDriver>) -> Option<AdInfo> {
        None
    }

    /// A slave's aggregation port as reporting shows it (sysfs `bonding_slave/ad_*`, netlink
    /// `IFLA_BOND_SLAVE_AD_*`, the slave's link xstats); `None` if the mode has no ports or
    /// the slave has none.
    fn port_view(_bond: &Dev<BondDriver>, _slave: &Slave) -> Option<PortView> {
        None
    }

    /// The mode's lines of `/proc/net/bonding/<bond>` after the common bond part (C
    /// `bond_info_show_master()`: the 802.3ad info).
    fn proc_bond(_m: &SeqFile, _bond: &Dev<BondDriver>, _p: &BondParams) {}

    /// The mode's lines of a slave's `/proc` section (C `bond_info_show_slave()`: aggregator,
    /// LACP details).
    fn proc_slave(_m: &SeqFile, _bond: &Dev<BondDriver>, _slave: &Slave) {}
}

/// Turns the bond's carrier on or off; returns whether it changed.
pub(crate) fn apply_carrier(bond: &Dev<BondDriver>, up: bool) -> bool {
    if up == bond.carrier_ok() {
        return false;
    }
    if up {
        bond.carrier_on();
    } else {
        bond.carrier_off();
    }
    true
}
