// SPDX-License-Identifier: GPL-2.0

//! 802.3ad dynamic link aggregation: the kernel side of C `bond_3ad.c`.
//!
//! The LACP machines (receive, periodic, selection, mux, transmit, churn), the aggregator
//! selection and the PDU formats are pure Rust in `modes/lacp`; this file keeps their state
//! (one [`Slot`] per slave, C `SLAVE_AD_INFO()`, and the bond-wide [`Machines`], C
//! `BOND_AD_INFO()`) under the bond's `mode_lock` ([`AdState`]), feeds them the kernel's events
//! (enslave, release, link and speed changes, received LACPDUs and markers, the 100 ms tick)
//! and carries out what they return: frames to send, slave flags, the carrier, the transmit
//! array over the active aggregator.

use super::mode::{AdInfo, BondMode, LagTxType, PortView, RxProbe};
use crate::bond::{Bond, BondDriver, SlaveSet};
use crate::fmt::Mac;
use crate::modes::lacp::{self, Flags, Lacp as Machines, Params, Sink, Slot};
use crate::modes::{slaves::Link, Mode};
use crate::netlink::options::OptionId;
use crate::params::BondParams;
use crate::safe::netdev::{Dev, NetDevice, SkBuff, TxStatus};
use crate::safe::print::{netdev_printk, Level};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::{send_frame, RxSkb, TxSkb, TC_PRIO_CONTROL};
use crate::slave::Slave;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::{prelude::*, seq_file::SeqFile, seq_print, sync::Arc};

/// The bond's 802.3ad state, under `bond->mode_lock` (C `BOND_AD_INFO(bond)` and the
/// `SLAVE_AD_INFO()` of every slave).
pub(crate) struct AdState {
    machines: Machines,
    /// What the machines read of the bond's settings; the system identity in it is
    /// `BOND_AD_INFO(bond).system`, set when the first slave is bound and by the actor options.
    params: Params,
    /// The slaves whose ports `slots` holds, in the same (enslave) order.
    slaves: KVec<Arc<Slave>>,
    slots: KVec<Slot>,
}

impl AdState {
    /// The state of a bond without slaves.
    pub(crate) fn new(p: &BondParams) -> Self {
        Self {
            machines: Machines::new(),
            // C `BOND_AD_INFO(bond).system`: zero until the first slave is bound.
            params: params(p, 0, [0; 6], [0; 6]),
            slaves: KVec::new(),
            slots: KVec::new(),
        }
    }

    /// The state of a bond entering 802.3ad from another mode: C's `BOND_AD_INFO(bond).system`
    /// survives mode changes, set by the actor options whenever they were set (the bond's own
    /// address then stands for an unset `ad_actor_system`, read here as zero until the first
    /// slave is bound).
    pub(crate) fn entering(p: &BondParams) -> Self {
        let mut st = Self::new(p);
        if p.ad_actor_sys_prio != 65535 || p.ad_actor_system != [0; 6] {
            set_system(&mut st.params, p, [0; 6]);
        }
        st
    }

    /// The option values the machines read (C `bond->params`), from `p`.
    pub(crate) fn set_options(&mut self, p: &BondParams) {
        let q = &self.params;
        self.params = params(p, q.sys_priority, q.sys_mac, q.bond_mac);
    }

    /// Publishes which slaves netpoll polls ([`Slave::ad_poll`]): after every change of the
    /// ports' aggregators or of the active one, under the mode lock.
    fn publish_poll(&self) {
        let active = Machines::active_agg_info(&self.slots).is_some();
        for (i, (s, slot)) in self.slaves.iter().zip(self.slots.iter()).enumerate() {
            let poll = active
                && (slot.port.aggregator_slot().is_none()
                    || Machines::in_active_agg(&self.slots, i));
            s.ad_poll.store(poll, Relaxed);
        }
    }

    fn index_of(&self, s: &Slave) -> Option<usize> {
        self.slaves.iter().position(|x| core::ptr::eq(&**x, s))
    }

    /// Refreshes what the machines read of the slaves (C reads `slave->link`,
    /// `bond_slave_is_up()`, speed and duplex live).
    fn refresh(&mut self) {
        for (s, slot) in self.slaves.iter().zip(self.slots.iter_mut()) {
            refresh_port(s, &mut slot.port);
        }
    }
}

fn refresh_port(s: &Slave, port: &mut lacp::Port) {
    let link_up = s.link() == Link::Up;
    port.link_up = link_up;
    let dev_up = s.is_up();
    port.dev_up = dev_up;
    port.slave_up = link_up && dev_up;
    port.slave_active = s.is_active();
    let (speed, duplex) = s.speed_duplex();
    port.speed = speed;
    port.duplex = duplex;
}

/// The machines' settings: C `bond->params`, the system identity (`BOND_AD_INFO(bond).system`)
/// and the bond's address.
fn params(p: &BondParams, sys_priority: u16, sys_mac: [u8; 6], bond_mac: [u8; 6]) -> Params {
    Params {
        lacp_fast: p.lacp_fast != 0,
        lacp_active: p.lacp_active != 0,
        ad_select: lacp::AdSelect::from_u64(p.ad_select).unwrap_or(lacp::AdSelect::Stable),
        coupled_control: p.coupled_control != 0,
        broadcast_neighbor: p.broadcast_neighbor != 0,
        lacp_strict: p.lacp_strict != 0,
        min_links: p.min_links as u32,
        user_port_key: p.ad_user_port_key,
        sys_priority,
        sys_mac,
        bond_mac,
    }
}

/// `BOND_AD_INFO(bond).system` from the options (C `bond_3ad_initialize()`,
/// `bond_3ad_update_ad_actor_settings()`): `ad_actor_system`, or the bond's address when zero.
fn set_system(params: &mut Params, p: &BondParams, bond_mac: [u8; 6]) {
    params.sys_priority = p.ad_actor_sys_prio;
    params.sys_mac = if p.ad_actor_system == [0; 6] {
        bond_mac
    } else {
        p.ad_actor_system
    };
}

fn bond_mac(bond: &Dev<BondDriver>, rtnl: &Rtnl) -> [u8; 6] {
    bond.hw_addr(rtnl).eth()
}

/// Where the machines' effects go: frames out of the slaves, slave flags (announced later, as
/// C's `BOND_SLAVE_NOTIFY_LATER`), log lines.
struct KernelSink<'a> {
    bond: &'a Dev<BondDriver>,
    slaves: &'a [Arc<Slave>],
    all_slaves_active: bool,
    /// C `ad_cond_set_peer_notif()` was called.
    peer_notify: bool,
}

impl KernelSink<'_> {
    fn send(&self, slot: usize, body: &[u8], headroom: u32, prio: u32) -> bool {
        let Some(s) = self.slaves.get(slot) else {
            return false;
        };
        let src = s.perm_hwaddr.eth();
        // The source is the slave's permanent address: the receive side recognises its own
        // frames looped back by it (C `ad_lacpdu_send()`).
        send_frame(
            &s.dev,
            &lacp::SLOW_PROTO_MAC,
            &src,
            lacp::ETH_P_SLOW,
            body,
            headroom,
            prio,
        )
        .is_ok()
    }
}

impl Sink for KernelSink<'_> {
    fn send_lacpdu(&mut self, slot: usize, body: &[u8; lacp::LACPDU_LEN]) -> bool {
        self.send(slot, body, 0, TC_PRIO_CONTROL)
    }

    fn send_marker(&mut self, slot: usize, body: &[u8; lacp::MARKER_LEN]) -> bool {
        // C `ad_marker_send()`: 16 bytes of headroom, default priority.
        self.send(slot, body, 16, 0)
    }

    fn set_flags(&mut self, slot: usize, f: Flags) {
        let Some(s) = self.slaves.get(slot) else {
            return;
        };
        match f {
            Flags::Inactive => s.set_inactive_flags_later(Mode::Ieee8023ad, self.all_slaves_active),
            Flags::Active => s.set_active_flags_later(),
            Flags::TxDisabled => s.set_backup_later(true),
            // `rx_disabled` is the port's own (`lacp::Port`), which only the machines read.
            Flags::RxEnabled => {}
        }
    }

    fn peer_notify(&mut self) {
        self.peer_notify = true;
    }

    fn log(&mut self, slot: Option<usize>, msg: lacp::Msg) {
        if msg.ratelimited() && !crate::safe::devops::net_ratelimit() {
            return;
        }
        if msg.once() && UNKNOWN_SPEED_ONCE.xchg(true, Relaxed) {
            // C `slave_err_once()`.
            return;
        }
        let level = match msg.level() {
            lacp::Level::Err => Level::Err,
            lacp::Level::Warning => Level::Warning,
            lacp::Level::Notice => Level::Notice,
            lacp::Level::Info => Level::Info,
        };
        match slot.and_then(|i| self.slaves.get(i)) {
            Some(s) => netdev_printk(
                level,
                self.bond,
                format_args!("(slave {}): {}\n", s.dev.name_racy(), msg),
            ),
            None => netdev_printk(level, self.bond, format_args!("{}\n", msg)),
        }
    }
}

/// C's `slave_err_once()` of the unknown ethtool speed: printed once per module load.
static UNKNOWN_SPEED_ONCE: Atomic<bool> = Atomic::new(false);

/// Runs `f` on the bond's 802.3ad state with fresh slave inputs and a sink to the kernel;
/// `None` if the bond is in another mode.
fn with_machines<R>(
    bond: &Dev<BondDriver>,
    f: impl FnOnce(&mut Machines, &Params, &mut [Slot], &mut KernelSink<'_>) -> R,
) -> Option<R> {
    let b = bond.private();
    let all_slaves_active = b.hot.all_slaves_active.load(Relaxed);
    let mut g = b.mode_state.lock();
    let st = g.ad()?;
    st.refresh();
    let mut sink = KernelSink {
        bond,
        slaves: &st.slaves,
        all_slaves_active,
        peer_notify: false,
    };
    let r = f(&mut st.machines, &st.params, &mut st.slots, &mut sink);
    st.publish_poll();
    if sink.peer_notify {
        // C `ad_cond_set_peer_notif()`: `bond_peer_notify_work_rearm(bond, 0)`.
        b.peer_work.queue(0);
    }
    Some(r)
}

/// C `bond_3ad_set_carrier()` with the mode lock held, as C calls it: the carrier follows the
/// active aggregator and `min_links` (`netif_carrier_on()`/`off()` need no RTNL). Returns
/// whether the bond has slaves (C's return value).
fn set_carrier_locked(bond: &Dev<BondDriver>, p: &Params, slots: &[Slot]) -> bool {
    match Machines::carrier(p, slots) {
        Some(up) => {
            super::mode::apply_carrier(bond, up);
            true
        }
        None => false,
    }
}

/// Announces the slaves' state changes made without RTNL (C `bond_slave_state_notify()`).
fn notify_states(bond: &Dev<BondDriver>, rtnl: &Rtnl) {
    for s in bond.private().slave_list(rtnl) {
        s.notify_state(rtnl);
    }
}

/// An option was set (the 802.3ad part of C's setters in `bond_options.c`): the rate and
/// activity go to every port's state, the system identity to every port (which then transmits),
/// `lacp_strict` to the carrier. The other option values reach the machines through
/// [`AdState::set_options`] (`Bond::set_params`).
pub(crate) fn option_set(bond: &Dev<BondDriver>, id: OptionId, rtnl: &Rtnl) {
    let b = bond.private();
    match id {
        // C `bond_3ad_update_lacp_rate()`.
        OptionId::LacpRate => {
            if let Some(st) = b.mode_state.lock().ad() {
                Machines::update_lacp_rate(&st.params, &mut st.slots);
            }
        }
        // C `bond_3ad_update_lacp_active()`.
        OptionId::LacpActive => {
            if let Some(st) = b.mode_state.lock().ad() {
                Machines::update_lacp_active(&st.params, &mut st.slots);
            }
        }
        OptionId::AdActorSysPrio | OptionId::AdActorSystem => {
            update_actor_settings(bond, rtnl, |_| {});
        }
        // C `bond_option_lacp_strict_set()`: `bond_3ad_set_carrier()`.
        OptionId::LacpStrict => {
            if let Some(st) = b.mode_state.lock().ad() {
                set_carrier_locked(bond, &st.params, &st.slots);
            }
        }
        _ => {}
    }
}

/// C `bond_option_actor_port_prio_set()`: a slave's `actor_port_prio`.
pub(crate) fn set_port_priority(bond: &Dev<BondDriver>, slave: &Slave, prio: u16, rtnl: &Rtnl) {
    update_actor_settings(bond, rtnl, |st| {
        if let Some(i) = st.index_of(slave) {
            Machines::set_port_priority(&mut st.slots, i, prio);
        }
    });
}

/// C `bond_3ad_update_ad_actor_settings()`, after `first` under the same lock: the system
/// identity from the options again, then into every port, which transmits.
fn update_actor_settings(bond: &Dev<BondDriver>, rtnl: &Rtnl, first: impl FnOnce(&mut AdState)) {
    let b = bond.private();
    let p = b.params(rtnl);
    let mac = bond_mac(bond, rtnl);
    let mut g = b.mode_state.lock();
    let Some(st) = g.ad() else {
        return;
    };
    first(st);
    set_system(&mut st.params, &p, mac);
    Machines::update_actor_settings(&st.params, &mut st.slots);
}

/// The active aggregator's summary (C `bond_3ad_get_active_agg_info()`).
pub(crate) fn active_agg_info(bond: &Dev<BondDriver>) -> Option<lacp::AggInfo> {
    agg_info(&bond.private())
}

fn agg_info(b: &Bond) -> Option<lacp::AggInfo> {
    let mut g = b.mode_state.lock();
    Machines::active_agg_info(&g.ad()?.slots)
}

/// Whether the bond has an active aggregator (C `bond_3ad_get_active_agg_info()` returns 0);
/// false outside 802.3ad.
pub(crate) fn has_active_agg(b: &Bond) -> bool {
    agg_info(b).is_some()
}

/// A copy of what reporting shows of `slave`'s port; `None` if it has none.
fn port_view(bond: &Dev<BondDriver>, slave: &Slave) -> Option<PortView> {
    let b = bond.private();
    let mut g = b.mode_state.lock();
    let st = g.ad()?;
    let i = st.index_of(slave)?;
    let port = &st.slots.get(i)?.port;
    Some(PortView {
        aggregator_id: port.aggregator_id(),
        actor_state: port.actor_oper_port_state,
        partner_state: port.partner_oper.port_state,
        churn: (port.sm_churn_actor_state, port.sm_churn_partner_state),
        port_priority: port.port_priority,
        stats: port.stats,
    })
}

/// 802.3ad.
pub(crate) struct Ieee8023ad;

#[vtable]
impl BondMode for Ieee8023ad {
    const MODE: Mode = Mode::Ieee8023ad;
    const LAG_TX_TYPE: LagTxType = LagTxType::Hash;
    const SK_LOWER_DEV: bool = true;

    const ETHERNET_SLAVES_ONLY: bool = true;

    fn ad_info(bond: &Dev<BondDriver>) -> Option<AdInfo> {
        let b = bond.private();
        let mut g = b.mode_state.lock();
        let st = g.ad()?;
        Some(AdInfo {
            active_agg: Machines::active_agg_info(&st.slots),
            stats: st.machines.stats,
        })
    }

    fn port_view(bond: &Dev<BondDriver>, slave: &Slave) -> Option<PortView> {
        port_view(bond, slave)
    }

    #[inline]
    fn xmit_slave<'a, S: TxSkb>(
        dev: &Dev<BondDriver>,
        set: &'a SlaveSet,
        skb: &mut S,
        all_slaves: bool,
        tx: &XmitReadSide,
    ) -> Option<&'a Arc<Slave>> {
        // C `bond_xmit_get_slave()`: balance-xor's choice (without `broadcast_neighbor`).
        super::xor::Xor::xmit_slave(dev, set, skb, all_slaves, tx)
    }

    #[inline]
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, skb: SkBuff, _tx: &XmitReadSide) -> TxStatus {
        // C `bond_should_broadcast_neighbor()`: with broadcast_neighbor, ARP and IPv6 neighbour
        // solicitations and advertisements go out of every usable slave.
        if dev.private().hot.broadcast_neighbor.load(Relaxed) && is_neighbor_msg(&skb) {
            return super::broadcast::send_all(dev, &set.usable, skb);
        }
        // C `bond_3ad_xor_xmit()`: balance-xor's over the active aggregator's usable slaves.
        super::xor::Xor::xmit(dev, set, skb, _tx)
    }

    fn rx_probe(bond: &Dev<BondDriver>, slave: &Slave, skb: &RxSkb) -> RxProbe {
        // C `bond_3ad_lacpdu_recv()`.
        if skb.protocol() != lacp::ETH_P_SLOW || skb.dest() != lacp::SLOW_PROTO_MAC {
            return RxProbe::Pass;
        }
        let mut buf = [core::mem::MaybeUninit::uninit(); lacp::LACPDU_LEN];
        let body: &[u8] = skb.header(&mut buf).unwrap_or(&[]);
        let consumed = with_machines(bond, |m, p, slots, sink| {
            let Some(i) = sink.slaves.iter().position(|x| core::ptr::eq(&**x, slave)) else {
                return false;
            };
            m.rx(p, slots, i, body, sink)
        });
        if consumed == Some(true) {
            RxProbe::Consumed
        } else {
            RxProbe::Pass
        }
    }

    fn enslave_role(
        bond: &Dev<BondDriver>,
        new: &Arc<Slave>,
        _active: &mut Option<Arc<Slave>>,
        rtnl: &Rtnl,
    ) {
        // C `bond_enslave()`: "the internal mechanism will activate the slaves in the selected
        // aggregator"; no `curr_active_slave` in this mode.
        let asa = bond.private().hot.all_slaves_active.load(Relaxed);
        new.set_inactive_flags(Mode::Ieee8023ad, asa, rtnl);
    }

    fn enslave(bond: &Dev<BondDriver>, slave: &Arc<Slave>, rtnl: &Rtnl) -> Result {
        // C `bond_enslave()`: the port id, `bond_3ad_initialize()` for the first slave,
        // `bond_3ad_bind_slave()`; then the slow-protocols group while the bond is up.
        let b = bond.private();
        let p = b.params(rtnl);
        let mac = bond_mac(bond, rtnl);
        let all_slaves_active = b.hot.all_slaves_active.load(Relaxed);
        {
            let mut g = b.mode_state.lock();
            // The state is replaced with the mode, which changes only without slaves.
            let st = g.ad().ok_or(EINVAL)?;
            st.slaves.reserve(1, GFP_ATOMIC)?;
            st.slots.reserve(1, GFP_ATOMIC)?;
            if st.slots.is_empty() {
                set_system(&mut st.params, &p, mac);
                st.machines.initialize();
            }
            st.params.bond_mac = mac;
            let id = Machines::next_id(&st.slots);
            let link_up = slave.link() == Link::Up;
            let (speed, duplex) = slave.speed_duplex();
            // Both vectors have room: these pushes cannot fail any more.
            st.slaves.push(slave.clone(), GFP_ATOMIC)?;
            let idx = st.slaves.len() - 1;
            let mut sink = KernelSink {
                bond,
                slaves: &st.slaves,
                all_slaves_active,
                peer_notify: false,
            };
            let slot = st.machines.bind_with(
                &st.params,
                id,
                link_up,
                link_up && slave.is_up(),
                speed,
                duplex,
                idx,
                &mut sink,
            );
            st.slots.push(slot, GFP_ATOMIC)?;
            st.publish_poll();
        }
        if bond.flags() & crate::bindings::IFF_UP != 0 {
            slave.dev.mc_add(&lacp::SLOW_PROTO_MAC, rtnl);
        }
        Ok(())
    }

    fn release(bond: &Dev<BondDriver>, slave: &Arc<Slave>, rtnl: &Rtnl) {
        // C `bond_3ad_unbind_slave()`, then the transmit array without it. The unbind and the
        // removal of the slot are one critical section: the machines' links between slots are
        // renumbered for that removal.
        let b = bond.private();
        let all_slaves_active = b.hot.all_slaves_active.load(Relaxed);
        if let Some(st) = b.mode_state.lock().ad() {
            st.refresh();
            if let Some(i) = st.index_of(slave) {
                let mut sink = KernelSink {
                    bond,
                    slaves: &st.slaves,
                    all_slaves_active,
                    peer_notify: false,
                };
                st.machines.unbind(&st.params, &mut st.slots, i, &mut sink);
                if sink.peer_notify {
                    b.peer_work.queue(0);
                }
                drop(st.slots.remove(i));
                drop(st.slaves.remove(i));
                st.publish_poll();
            }
        }
        b.republish(rtnl);
        notify_states(bond, rtnl);
    }

    fn open_slave(_bond: &Dev<BondDriver>, _slave: &Slave, _is_active: bool, _rtnl: &Rtnl) {
        // C `bond_open()` leaves the flags of an 802.3ad slave to the machines.
    }

    fn opened(bond: &Dev<BondDriver>, rtnl: &Rtnl) {
        // C `bond_open()`: aggregator selection at the first tick, and LACPDUs received.
        if let Some(st) = bond.private().mode_state.lock().ad() {
            st.machines.initiate_agg_selection(1);
        }
        for s in bond.private().slave_list(rtnl) {
            s.dev.mc_add(&lacp::SLOW_PROTO_MAC, rtnl);
        }
    }

    fn addrs_flushed(slave: &NetDevice, rtnl: &Rtnl) {
        // C `bond_hw_addr_flush()`.
        slave.mc_del(&lacp::SLOW_PROTO_MAC, rtnl);
    }

    fn link_flags(bond: &Dev<BondDriver>, slave: &Slave, link: Link, rtnl: &Rtnl) {
        // C `bond_miimon_commit()`: a slave that comes up is kept from being active until its
        // port is in the active aggregator; one that goes down is made inactive.
        if link == Link::Up {
            slave.set_backup(true, rtnl);
        } else {
            let b = bond.private();
            let asa = b.hot.all_slaves_active.load(Relaxed);
            slave.set_inactive_flags(Mode::Ieee8023ad, asa, rtnl);
            // The port's `rx_disabled`, which C's `bond_set_slave_inactive_flags()` sets in
            // 802.3ad mode.
            let mut g = b.mode_state.lock();
            if let Some(port) = g
                .ad()
                .and_then(|st| st.index_of(slave).and_then(|i| st.slots.get_mut(i)))
            {
                port.port.rx_disabled = true;
            }
        }
    }

    fn link_changed(bond: &Dev<BondDriver>, slave: &Arc<Slave>, link: Link, rtnl: &Rtnl) {
        // C `bond_3ad_handle_link_change()`, then `bond_update_slave_arr()`.
        with_machines(bond, |m, p, slots, sink| {
            if let Some(i) = sink.slaves.iter().position(|x| Arc::ptr_eq(x, slave)) {
                m.link_change(p, slots, i, link == Link::Up, sink);
            }
        });
        bond.private().republish(rtnl);
    }

    fn speed_changed(bond: &Dev<BondDriver>, slave: &Slave, read_ok: bool, _rtnl: &Rtnl) {
        // C `bond_slave_netdev_event()`: unreadable speed or duplex would leave the port in a
        // weird state: the slave is marked failed (down if it never came up) until the MII
        // monitor sees right values.
        if !read_ok {
            slave.init_link(if slave.last_link_up() != 0 {
                Link::Fail
            } else {
                Link::Down
            });
        }
        // C `bond_3ad_adapter_speed_duplex_changed()`.
        with_machines(bond, |m, p, slots, sink| {
            if let Some(i) = sink.slaves.iter().position(|x| core::ptr::eq(&**x, slave)) {
                m.speed_duplex_changed(p, slots, i, sink);
            }
        });
    }

    fn in_tx_array(b: &Bond, slave: &Slave) -> bool {
        // C `bond_update_slave_arr()`: the usable slaves of the active aggregator.
        if !slave.can_tx() {
            return false;
        }
        let mut g = b.mode_state.lock();
        g.ad().is_some_and(|st| {
            st.index_of(slave)
                .is_some_and(|i| Machines::in_active_agg(&st.slots, i))
        })
    }

    fn set_carrier(bond: &Dev<BondDriver>, _rtnl: &Rtnl) -> bool {
        // C `bond_set_carrier()`: no slaves, down; else `bond_3ad_set_carrier()`, which reports
        // a change whatever happened.
        let b = bond.private();
        let mut g = b.mode_state.lock();
        match g.ad() {
            Some(st) if !st.slots.is_empty() => set_carrier_locked(bond, &st.params, &st.slots),
            _ => super::mode::apply_carrier(bond, false),
        }
    }

    fn tick(bond: &Dev<BondDriver>) {
        // C `bond_3ad_state_machine_handler()`.
        let b = bond.private();
        let Some(out) = with_machines(bond, |m, p, slots, sink| {
            if slots.is_empty() {
                return lacp::Outcome::default();
            }
            let out = m.tick(p, slots, sink);
            if out.set_carrier {
                set_carrier_locked(bond, p, slots);
            }
            out
        }) else {
            return;
        };
        // C `bond_slave_arr_work_rearm(bond, 0)`.
        if out.update_tx_array {
            b.arr_work.queue(0);
        }
        // C: `bond_slave_state_notify()` if a slave's state changed and RTNL is free now (else
        // the next tick finds it still to do).
        let notify = b
            .mode_state
            .lock()
            .ad()
            .is_some_and(|st| st.slaves.iter().any(|s| s.should_notify_state()));
        if notify {
            if let Some(rtnl) = Rtnl::try_lock() {
                notify_states(bond, &rtnl);
            }
        }
    }

    fn proc_bond(m: &SeqFile, bond: &Dev<BondDriver>, p: &BondParams) {
        // C `bond_info_show_master()`, the 802.3ad part.
        let b = bond.private();
        seq_print!(m, "\n802.3ad info\n");
        seq_print!(
            m,
            "LACP active: {}\n",
            (if p.lacp_active != 0 { "on" } else { "off" })
        );
        seq_print!(
            m,
            "LACP rate: {}\n",
            (if p.lacp_fast != 0 { "fast" } else { "slow" })
        );
        seq_print!(m, "Min links: {}\n", p.min_links);
        seq_print!(
            m,
            "Aggregator selection policy (ad_select): {}\n",
            crate::netlink::options::value_name(
                crate::netlink::options::OptionId::AdSelect,
                p.ad_select
            )
            .unwrap_or("")
        );
        if crate::safe::devops::capable_net_admin() {
            let Some((prio, mac, info)) = b.mode_state.lock().ad().map(|st| {
                (
                    st.params.sys_priority,
                    st.params.sys_mac,
                    Machines::active_agg_info(&st.slots),
                )
            }) else {
                return;
            };
            seq_print!(m, "System priority: {}\n", prio);
            seq_print!(m, "System MAC address: {}\n", Mac(&mac));
            match info {
                None => seq_print!(
                    m,
                    "bond {} has no active aggregator\n",
                    bond.name_racy().as_str()
                ),
                Some(a) => {
                    seq_print!(m, "Active Aggregator Info:\n");
                    seq_print!(m, "\tAggregator ID: {}\n", a.aggregator_id);
                    seq_print!(m, "\tNumber of ports: {}\n", a.ports);
                    seq_print!(m, "\tActor Key: {}\n", a.actor_key);
                    seq_print!(m, "\tPartner Key: {}\n", a.partner_key);
                    seq_print!(m, "\tPartner Mac Address: {}\n", Mac(&a.partner_system));
                }
            }
        }
    }

    fn proc_slave(m: &SeqFile, bond: &Dev<BondDriver>, slave: &Slave) {
        // C `bond_info_show_slave()`, the 802.3ad part.
        let admin = crate::safe::devops::capable_net_admin();
        let b = bond.private();
        let mut g = b.mode_state.lock();
        let Some(st) = g.ad() else {
            return;
        };
        let Some(port) = st
            .index_of(slave)
            .and_then(|i| st.slots.get(i))
            .map(|s| &s.port)
        else {
            seq_print!(m, "Aggregator ID: N/A\n");
            return;
        };
        let Some(agg) = port.aggregator_id() else {
            seq_print!(m, "Aggregator ID: N/A\n");
            return;
        };
        seq_print!(m, "Aggregator ID: {}\n", agg);
        seq_print!(
            m,
            "Actor Churn State: {}\n",
            port.sm_churn_actor_state.desc()
        );
        seq_print!(
            m,
            "Partner Churn State: {}\n",
            port.sm_churn_partner_state.desc()
        );
        seq_print!(
            m,
            "Actor Churned Count: {}\n",
            port.churn_actor_count as i32
        );
        seq_print!(
            m,
            "Partner Churned Count: {}\n",
            port.churn_partner_count as i32
        );
        if admin {
            let actor = lacp::PortParams {
                system: port.actor_system,
                system_priority: port.actor_system_priority,
                key: port.actor_oper_port_key,
                port_number: port.actor_port_number,
                port_priority: port.actor_port_priority,
                port_state: port.actor_oper_port_state,
            };
            proc_lacpdu(m, "actor", "port key", &actor);
            proc_lacpdu(m, "partner", "oper key", &port.partner_oper);
        }
    }
}

/// The "details actor/partner lacp pdu" lines of `/proc/net/bonding` (C
/// `bond_info_show_slave()`).
fn proc_lacpdu(m: &SeqFile, who: &str, key: &str, p: &lacp::PortParams) {
    seq_print!(m, "details {} lacp pdu:\n", who);
    seq_print!(m, "    system priority: {}\n", p.system_priority);
    seq_print!(m, "    system mac address: {}\n", Mac(&p.system));
    seq_print!(m, "    {}: {}\n", key, p.key);
    seq_print!(m, "    port priority: {}\n", p.port_priority);
    seq_print!(m, "    port number: {}\n", p.port_number);
    seq_print!(m, "    port state: {}\n", p.port_state);
}

/// C `bond_should_broadcast_neighbor()`'s test: an ARP packet, or an IPv6 neighbour
/// solicitation or advertisement (C reads `struct ipv6hdr` + `struct icmp6hdr`, 48 bytes).
fn is_neighbor_msg(skb: &SkBuff) -> bool {
    match u32::from(skb.protocol()) {
        p if p == crate::bindings::ETH_P_ARP as u32 => true,
        p if p == crate::bindings::ETH_P_IPV6 as u32 => {
            let mut buf = [core::mem::MaybeUninit::uninit(); 48];
            skb.header_at(skb.network_offset(), &mut buf)
                .is_some_and(crate::modes::arpmon::is_ndisc)
        }
        _ => false,
    }
}
