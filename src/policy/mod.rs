// SPDX-License-Identifier: GPL-2.0

//! The bonding modes as policy objects: one type per mode, implementing [`BondMode`], and one
//! registration list (the `dispatch!` macro below: a `Mode` to policy type match) from which
//! every per-mode dispatch function is generated.
//!
//! Every place where C's bonding driver branches on `BOND_MODE(bond)` to do something a mode
//! owns is a hook here; the rest of the driver calls the hook through the dispatch functions of
//! this module (`policy::xmit(mode, ...)`, `policy::link_changed(mode, ...)`, ...) and never
//! matches on the mode itself. The dispatch is static: a `match` on the mode once per call,
//! then direct (inlinable) calls, so the transmit path has no indirect call.
//!
//! A mode's decisions that do not need kernel objects (which slave a packet goes to, LACP state
//! machines, TLB/ALB tables) live in the pure crate `modes/`, where host tests exercise them;
//! the mode's file here feeds them the kernel's events and carries out what they return.
//!
//! Adding a mode: write `policy/<mode>.rs` with a type implementing [`BondMode`] (override the
//! hooks the mode needs; the defaults are C's behaviour for modes without the feature), and add
//! its arm to `dispatch!`. A mode not in it is refused ("not implemented yet").

use crate::bond::{Bond, BondDriver, SlaveSet};
use crate::modes::{slaves::Link, FailOverMac, Mode};
use crate::params::BondParams;
use crate::safe::netdev::{Dev, NetDevice, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::RxSkb;
use crate::slave::Slave;
use kernel::{prelude::*, seq_file::SeqFile, sync::Arc};

mod activebackup;
mod broadcast;
pub(crate) mod ieee8023ad;
mod mode;
mod roundrobin;
mod tlb;
mod xor;

pub(crate) use mode::{
    apply_carrier, ActiveChanged, AdInfo, ArpMonitor, BondMode, LagTxType, PortView, RxProbe,
};

/// The registered modes, one line each: `dispatch!(mode, M => expr, otherwise)` evaluates `expr`
/// with `M` the policy type of `mode`, or `otherwise` for a mode that is not registered (no bond
/// can have one: setting it is refused).
macro_rules! dispatch {
    ($mode:expr, $m:ident => $e:expr, $none:expr) => {
        match $mode {
            Mode::BalanceRr => {
                type $m = roundrobin::RoundRobin;
                $e
            }
            Mode::ActiveBackup => {
                type $m = activebackup::ActiveBackup;
                $e
            }
            Mode::BalanceXor => {
                type $m = xor::Xor;
                $e
            }
            Mode::Broadcast => {
                type $m = broadcast::Broadcast;
                $e
            }
            Mode::Ieee8023ad => {
                type $m = ieee8023ad::Ieee8023ad;
                $e
            }
            Mode::BalanceTlb => {
                type $m = tlb::BalanceTlb;
                $e
            }
            Mode::BalanceAlb => {
                type $m = tlb::BalanceAlb;
                $e
            }
            #[allow(unreachable_patterns)]
            _ => $none,
        }
    };
}

/// Whether bonding-rs implements `mode` (the others are refused, "not implemented yet").
pub(crate) const fn implemented(mode: Mode) -> bool {
    dispatch!(mode, M => M::MODE as u8 == mode as u8, false)
}

/// [`BondMode::xmit`] (unregistered modes cannot be configured: they drop).
#[inline]
pub(crate) fn xmit(
    mode: Mode,
    dev: &Dev<BondDriver>,
    set: &SlaveSet,
    skb: SkBuff,
    tx: &XmitReadSide,
) -> TxStatus {
    dispatch!(mode, M => M::xmit(dev, set, skb, tx), crate::xmit::drop_skb(dev, skb))
}

/// [`BondMode::xmit_slave`] (C `bond_xmit_get_slave()`).
pub(crate) fn xmit_slave<'a, S: crate::safe::skb::TxSkb>(
    mode: Mode,
    dev: &Dev<BondDriver>,
    set: &'a SlaveSet,
    skb: &mut S,
    all_slaves: bool,
    tx: &XmitReadSide,
) -> Option<&'a Arc<Slave>> {
    dispatch!(mode, M => M::xmit_slave(dev, set, skb, all_slaves, tx), None)
}

/// C `bond_xdp_get_xmit_slave()`'s choice for an XDP packet's linear `data`: balance-rr's turn,
/// the active slave, the transmit hash over the usable slaves (balance-xor, 802.3ad); `Err` in
/// the modes C has no XDP transmit for.
#[inline(always)]
pub(crate) fn xdp_xmit_slave<'a>(
    mode: Mode,
    dev: &Dev<BondDriver>,
    set: &'a SlaveSet,
    data: &[u8],
) -> core::result::Result<Option<&'a Arc<Slave>>, ()> {
    match mode {
        Mode::BalanceRr => Ok(roundrobin::xdp_slave(dev, set, data)),
        Mode::ActiveBackup => Ok(set.active.as_ref()),
        Mode::BalanceXor | Mode::Ieee8023ad => Ok(xdp_hash_slave(dev, set, data)),
        _ => Err(()),
    }
}

/// C `bond_xdp_xmit_3ad_xor_slave_get()`. Out of line: the hash's stack frame (a flow
/// dissection) is not paid by the modes whose choice is a read or two.
#[inline(never)]
fn xdp_hash_slave<'a>(
    dev: &Dev<BondDriver>,
    set: &'a SlaveSet,
    data: &[u8],
) -> Option<&'a Arc<Slave>> {
    let h = crate::xmit::xmit_hash_xdp(dev, data);
    crate::modes::slaves::xor_slave_index(h, set.usable.len()).map(|i| &set.usable[i])
}

/// [`BondMode::SK_LOWER_DEV`].
pub(crate) const fn sk_lower_dev(mode: Mode) -> bool {
    dispatch!(mode, M => M::SK_LOWER_DEV, false)
}

/// [`BondMode::OVERRIDES_TX_QUEUE`].
#[inline]
pub(crate) const fn overrides_tx_queue(mode: Mode) -> bool {
    dispatch!(mode, M => M::OVERRIDES_TX_QUEUE, false)
}

/// [`BondMode::FAIL_OVER_MAC`].
pub(crate) const fn fail_over_mac_acts(mode: Mode) -> bool {
    dispatch!(mode, M => M::FAIL_OVER_MAC, false)
}

/// The `fail_over_mac` that acts in `mode`: `fom`, or `none` where the mode ignores it (C's
/// `bond->params.fail_over_mac && BOND_MODE(bond) == BOND_MODE_ACTIVEBACKUP` tests).
pub(crate) const fn fail_over_mac(mode: Mode, fom: FailOverMac) -> FailOverMac {
    if fail_over_mac_acts(mode) {
        fom
    } else {
        FailOverMac::None
    }
}

/// [`BondMode::IPSEC_OFFLOAD`].
pub(crate) const fn ipsec_offload(mode: Mode) -> bool {
    dispatch!(mode, M => M::IPSEC_OFFLOAD, false)
}

/// [`BondMode::INACTIVE_RX_UNICAST`].
#[inline]
pub(crate) const fn inactive_rx_unicast(mode: Mode) -> bool {
    dispatch!(mode, M => M::INACTIVE_RX_UNICAST, false)
}

/// [`BondMode::BRIDGE_RX_DEST_REWRITE`].
#[inline]
pub(crate) const fn bridge_rx_dest_rewrite(mode: Mode) -> bool {
    dispatch!(mode, M => M::BRIDGE_RX_DEST_REWRITE, false)
}

/// [`BondMode::set_mac_address`] of the bond's mode.
pub(crate) fn set_mac_address(bond: &Dev<BondDriver>, addr: &[u8], rtnl: &Rtnl) -> Option<Result> {
    dispatch!(bond.private().mode(), M => M::set_mac_address(bond, addr, rtnl), None)
}

/// [`BondMode::vlan_killed`] of the bond's mode.
pub(crate) fn vlan_killed(bond: &Dev<BondDriver>, vid: u16, rtnl: &Rtnl) {
    dispatch!(bond.private().mode(), M => M::vlan_killed(bond, vid, rtnl), ())
}

/// [`BondMode::ETHERNET_SLAVES_ONLY`].
pub(crate) const fn ethernet_slaves_only(mode: Mode) -> bool {
    dispatch!(mode, M => M::ETHERNET_SLAVES_ONLY, false)
}

/// [`BondMode::INFINIBAND_SLAVES`].
pub(crate) const fn infiniband_slaves(mode: Mode) -> bool {
    dispatch!(mode, M => M::INFINIBAND_SLAVES, false)
}

/// [`BondMode::ad_info`] of the bond's mode.
pub(crate) fn ad_info(bond: &Dev<BondDriver>) -> Option<AdInfo> {
    dispatch!(bond.private().mode(), M => M::ad_info(bond), None)
}

/// [`BondMode::port_view`] of the bond's mode.
pub(crate) fn port_view(bond: &Dev<BondDriver>, slave: &Slave) -> Option<PortView> {
    dispatch!(bond.private().mode(), M => M::port_view(bond, slave), None)
}

/// [`BondMode::LAG_TX_TYPE`].
pub(crate) const fn lag_tx_type(mode: Mode) -> LagTxType {
    dispatch!(mode, M => M::LAG_TX_TYPE, LagTxType::Unknown)
}

/// The period of a mode's periodic work ([`BondMode::tick`]), the same for every mode that has
/// one: C `AD_TIMER_INTERVAL` (802.3ad) and `HZ / ALB_TIMER_TICKS_PER_SEC` (balance-tlb/alb).
pub(crate) const TICK_MS: u32 = 100;

/// Whether the mode has periodic work ([`BondMode::HAS_TICK`]).
pub(crate) const fn has_tick(mode: Mode) -> bool {
    dispatch!(mode, M => M::HAS_TICK, false)
}

/// [`BondMode::LOG_ROLE`].
pub(crate) const fn log_role(mode: Mode) -> bool {
    dispatch!(mode, M => M::LOG_ROLE, false)
}

/// [`BondMode::igmp_on_active_change`].
pub(crate) fn igmp_on_active_change(mode: Mode, has_new: bool) -> bool {
    dispatch!(mode, M => M::igmp_on_active_change(has_new), false)
}

/// [`BondMode::speed`].
pub(crate) fn speed(mode: Mode, acc: u32, slave: u32) -> u32 {
    dispatch!(mode, M => M::speed(acc, slave), acc)
}

/// Whether the mode has a receive probe ([`BondMode::HAS_RX_PROBE`]).
pub(crate) const fn has_rx_probe(mode: Mode) -> bool {
    dispatch!(mode, M => M::HAS_RX_PROBE, false)
}

/// Whether any registered mode has a receive probe: while none does, the receive path does not
/// even look at the bond's mode (C: one `READ_ONCE(bond->recv_probe)`).
pub(crate) const ANY_RX_PROBE: bool = {
    let mut any = false;
    let mut i = 0;
    while i < Mode::ALL.len() {
        any |= has_rx_probe(Mode::ALL[i]);
        i += 1;
    }
    any
};

/// [`BondMode::rx_probe`] if the mode has one.
pub(crate) fn rx_probe(mode: Mode, bond: &Dev<BondDriver>, slave: &Slave, skb: &RxSkb) -> RxProbe {
    dispatch!(mode, M => if M::HAS_RX_PROBE { M::rx_probe(bond, slave, skb) } else { RxProbe::Pass }, RxProbe::Pass)
}

/// [`BondMode::enslave_role`].
pub(crate) fn enslave_role(
    mode: Mode,
    bond: &Dev<BondDriver>,
    new: &Arc<Slave>,
    active: &mut Option<Arc<Slave>>,
    rtnl: &Rtnl,
) {
    dispatch!(mode, M => M::enslave_role(bond, new, active, rtnl), ())
}

/// [`BondMode::attach`].
pub(crate) fn attach(
    mode: Mode,
    bond: &Dev<BondDriver>,
    slave: &Arc<Slave>,
    rtnl: &Rtnl,
) -> Result {
    dispatch!(mode, M => M::attach(bond, slave, rtnl), Err(EOPNOTSUPP))
}

/// [`BondMode::enslave`].
pub(crate) fn enslave(
    mode: Mode,
    bond: &Dev<BondDriver>,
    slave: &Arc<Slave>,
    rtnl: &Rtnl,
) -> Result {
    dispatch!(mode, M => M::enslave(bond, slave, rtnl), Err(EOPNOTSUPP))
}

/// [`BondMode::release`].
pub(crate) fn release(mode: Mode, bond: &Dev<BondDriver>, slave: &Arc<Slave>, rtnl: &Rtnl) {
    dispatch!(mode, M => M::release(bond, slave, rtnl), ())
}

/// [`BondMode::open_slave`].
pub(crate) fn open_slave(
    mode: Mode,
    bond: &Dev<BondDriver>,
    slave: &Slave,
    is_active: bool,
    rtnl: &Rtnl,
) {
    dispatch!(mode, M => M::open_slave(bond, slave, is_active, rtnl), ())
}

/// [`BondMode::link_flags`].
pub(crate) fn link_flags(
    mode: Mode,
    bond: &Dev<BondDriver>,
    slave: &Slave,
    link: Link,
    rtnl: &Rtnl,
) {
    dispatch!(mode, M => M::link_flags(bond, slave, link, rtnl), ())
}

/// [`BondMode::link_changed`].
pub(crate) fn link_changed(
    mode: Mode,
    bond: &Dev<BondDriver>,
    slave: &Arc<Slave>,
    link: Link,
    rtnl: &Rtnl,
) {
    dispatch!(mode, M => M::link_changed(bond, slave, link, rtnl), ())
}

/// [`BondMode::ignore_updelay`].
pub(crate) fn ignore_updelay(mode: Mode, set: &SlaveSet) -> bool {
    dispatch!(mode, M => M::ignore_updelay(set), false)
}

/// [`BondMode::active_changed`].
pub(crate) fn active_changed(
    mode: Mode,
    bond: &Dev<BondDriver>,
    old: Option<&Arc<Slave>>,
    new: Option<&Arc<Slave>>,
    rtnl: &Rtnl,
) -> ActiveChanged {
    dispatch!(mode, M => M::active_changed(bond, old, new, rtnl), ActiveChanged {
        announce: false,
        republish: false,
    })
}

/// The state of the bond's mode, owned by its policy (C `BOND_AD_INFO(bond)` with the slaves'
/// `SLAVE_AD_INFO()`): only the current mode's exists. It is replaced when the mode changes,
/// which C allows only while the bond is down and has no slaves.
pub(crate) enum ModeState {
    /// A mode without state of its own.
    Stateless,
    /// 802.3ad: the LACP machines and ports.
    Ieee8023ad(ieee8023ad::AdState),
    /// balance-tlb: the transmit table and the slaves' loads, allocated when first needed
    /// (an enslave or the bond's open; C `tlb_initialize()` at open).
    Tlb(Option<KBox<tlb::TlbState>>),
    /// balance-alb: as balance-tlb, with the receive table.
    Alb(Option<KBox<tlb::TlbState>>),
}

impl ModeState {
    /// The state of a bond in `p.mode`.
    fn new(p: &BondParams) -> Self {
        match p.mode {
            Mode::Ieee8023ad => ModeState::Ieee8023ad(ieee8023ad::AdState::new(p)),
            Mode::BalanceTlb => ModeState::Tlb(None),
            Mode::BalanceAlb => ModeState::Alb(None),
            _ => ModeState::Stateless,
        }
    }

    /// Whether `self` is the state of a bond in `mode`.
    fn is_for(&self, mode: Mode) -> bool {
        match self {
            ModeState::Ieee8023ad(_) => mode == Mode::Ieee8023ad,
            ModeState::Tlb(_) => mode == Mode::BalanceTlb,
            ModeState::Alb(_) => mode == Mode::BalanceAlb,
            ModeState::Stateless => {
                !matches!(mode, Mode::Ieee8023ad | Mode::BalanceTlb | Mode::BalanceAlb)
            }
        }
    }

    /// balance-tlb's or balance-alb's state (`None` until allocated), if this is theirs.
    pub(crate) fn tlb(&mut self) -> Option<&mut Option<KBox<tlb::TlbState>>> {
        match self {
            ModeState::Tlb(st) | ModeState::Alb(st) => Some(st),
            _ => None,
        }
    }

    /// 802.3ad's state, if this is it.
    pub(crate) fn ad(&mut self) -> Option<&mut ieee8023ad::AdState> {
        match self {
            ModeState::Ieee8023ad(st) => Some(st),
            _ => None,
        }
    }
}

/// The per-mode state a bond carries and its transmit array's rule, as `bond.rs` asks for them.
impl crate::bond::ModeHooks for BondDriver {
    type State = ModeState;

    fn new_state(p: &BondParams) -> ModeState {
        ModeState::new(p)
    }

    fn params_changed(st: &mut ModeState, p: &BondParams) {
        if !st.is_for(p.mode) {
            *st = match p.mode {
                Mode::Ieee8023ad => ModeState::Ieee8023ad(ieee8023ad::AdState::entering(p)),
                _ => ModeState::new(p),
            };
        }
        if let Some(ad) = st.ad() {
            ad.set_options(p);
        }
    }

    /// [`BondMode::in_tx_array`].
    fn in_tx_array(mode: Mode, b: &Bond, slave: &Slave) -> bool {
        dispatch!(mode, M => M::in_tx_array(b, slave), false)
    }

    fn has_active_agg(b: &Bond) -> bool {
        ieee8023ad::has_active_agg(b)
    }
}

/// [`BondMode::peers_notifiable`].
pub(crate) fn peers_notifiable(mode: Mode, bond: &Dev<BondDriver>, rtnl: &Rtnl) -> bool {
    dispatch!(mode, M => M::peers_notifiable(bond, rtnl), false)
}

/// [`BondMode::opened`].
pub(crate) fn opening(mode: Mode, bond: &Dev<BondDriver>, rtnl: &Rtnl) -> Result {
    dispatch!(mode, M => M::opening(bond, rtnl), Ok(()))
}

/// [`BondMode::opened`].
pub(crate) fn opened(mode: Mode, bond: &Dev<BondDriver>, rtnl: &Rtnl) {
    dispatch!(mode, M => M::opened(bond, rtnl), ())
}

/// [`BondMode::addrs_flushed`].
pub(crate) fn addrs_flushed(mode: Mode, slave: &NetDevice, rtnl: &Rtnl) {
    dispatch!(mode, M => M::addrs_flushed(slave, rtnl), ())
}

/// [`BondMode::speed_changed`].
pub(crate) fn speed_changed(
    mode: Mode,
    bond: &Dev<BondDriver>,
    slave: &Slave,
    read_ok: bool,
    rtnl: &Rtnl,
) {
    dispatch!(mode, M => M::speed_changed(bond, slave, read_ok, rtnl), ())
}

/// [`BondMode::set_carrier`] (a bond of an unregistered mode cannot exist: down).
pub(crate) fn set_carrier(mode: Mode, bond: &Dev<BondDriver>, rtnl: &Rtnl) -> bool {
    dispatch!(mode, M => M::set_carrier(bond, rtnl), apply_carrier(bond, false))
}

/// [`BondMode::ARP_MONITOR`] (a mode not registered cannot be set; C's default would be the
/// load-balancing monitor).
pub(crate) const fn arp_monitor(mode: Mode) -> ArpMonitor {
    dispatch!(mode, M => M::ARP_MONITOR, ArpMonitor::LoadBalance)
}

/// [`BondMode::tick`].
pub(crate) fn tick(mode: Mode, bond: &Dev<BondDriver>) {
    dispatch!(mode, M => M::tick(bond), ())
}

/// [`BondMode::proc_bond`].
pub(crate) fn proc_bond(mode: Mode, m: &SeqFile, bond: &Dev<BondDriver>, p: &BondParams) {
    dispatch!(mode, M => M::proc_bond(m, bond, p), ())
}

/// [`BondMode::proc_slave`].
pub(crate) fn proc_slave(mode: Mode, m: &SeqFile, bond: &Dev<BondDriver>, slave: &Slave) {
    dispatch!(mode, M => M::proc_slave(m, bond, slave), ())
}
