// SPDX-License-Identifier: GPL-2.0

//! balance-tlb and balance-alb, adaptive transmit (and receive) load balancing: the kernel side
//! of C `bond_alb.c` (`bond_tlb_xmit()`, `bond_alb_xmit()`, `rlb_arp_recv()`,
//! `bond_alb_init_slave()`, `bond_alb_deinit_slave()`, `bond_alb_handle_link_change()`,
//! `bond_alb_handle_active_change()`, `bond_alb_set_mac_address()`, `bond_alb_monitor()`). One
//! type, [`Lb`], for both: balance-alb is balance-tlb plus receive load balancing (`RLB`).
//!
//! balance-alb (RLB) gives each client (by IPv4 address) one slave to send to the bond through:
//! the bond's ARP replies to it leave that slave with that slave's address as sender, and the
//! client table (`modes::rlb`, pure) remembers the choice; when slaves come and go, the clients
//! are moved and told with ARP replies. There every slave has its own address in hardware too
//! (`dev_set_mac_address()`), and an inactive slave delivers unicast frames to the bond.
//!
//! Outgoing traffic is spread over the slaves by load: each of 256 transmit hash buckets is
//! given to the least loaded slave that can transmit, and every 10 s the buckets are freed and
//! re-learned (`modes::tlb`, the pure table). With `tlb_dynamic_lb 0` the transmit hash picks
//! among the usable slaves as balance-xor does. Only the active slave receives: the others are
//! inactive. Every slave keeps the bond's address in its hardware filter but sends with its own
//! (`set_addr_field()`, C `alb_set_slave_mac_addr()` in TLB mode), and learning packets every
//! `lp_interval` seconds tell the switch which port each address is on.
//!
//! The table and the per-slave loads are one value under the bond's `mode_lock`
//! ([`TlbState`] in `policy::ModeState`), allocated zeroed the first time the bond needs it (a
//! slave is enslaved, or the bond opens); a slave's row in it is its `mode_slot`.

use super::mode::{ActiveChanged, BondMode, RxProbe};
use crate::bond::{Bond, BondDriver, SlaveSet};
use crate::modes::rlb::{self, Arp, ClientUpdate, Rlb, RlbPromisc};
use crate::modes::tlb::{self, AlbTicks, AlbTxClass, SlaveView, Tlb};
use crate::modes::{slaves::Link, Mode};
use crate::safe::netdev::{Dev, NetDevice, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::{RxSkb, TxSkb, TC_PRIO_CONTROL};
use crate::slave::Slave;
use crate::slave_pr;
use crate::xmit::{drop_skb, queue_xmit, xmit_hash};
use core::mem::MaybeUninit;
use kernel::sync::atomic::Relaxed;
use kernel::{prelude::*, sync::rcu, sync::Arc};

/// What balance-tlb keeps under the bond's `mode_lock` (C `BOND_ALB_INFO(bond)`'s transmit part
/// and the slaves' `SLAVE_TLB_INFO()`).
pub(crate) struct TlbState {
    table: Tlb,
    ticks: AlbTicks,
    /// balance-alb's receive side (C `rlb_enabled`).
    rlb: Option<KBox<RlbState>>,
}

/// balance-alb's receive load balancing state (C `alb_bond_info`'s `rx_*`/`rlb_*` part).
pub(crate) struct RlbState {
    table: Rlb,
    promisc: RlbPromisc,
}

/// A learning packet's payload after the Ethernet header (type `ETH_P_LOOPBACK`): padding to
/// `ETH_ZLEN` (C `struct learning_pkt`).
const LEARNING_PAD: [u8; 46] = [0; 46];

/// The bond's TLB (and, with `rlb`, RLB) state, allocated if it is not yet (C
/// `tlb_initialize()`, `rlb_initialize()`); `ENOMEM` if it cannot be.
fn ensure_state(b: &Bond, rlb: bool) -> Result {
    if b.mode_state.lock().tlb().is_some_and(|st| st.is_some()) {
        return Ok(());
    }
    // Zeroed in place: ~6 and ~9 KiB, not built on the stack.
    let rlb = if rlb {
        Some(KBox::init(
            init!(RlbState {
                table <- pin_init::init_zeroed(),
                promisc: RlbPromisc::new(),
            }),
            GFP_KERNEL,
        )?)
    } else {
        None
    };
    let fresh = KBox::init(
        init!(TlbState {
            table <- pin_init::init_zeroed(),
            ticks: AlbTicks::new(),
            rlb,
        }),
        GFP_KERNEL,
    )?;
    if let Some(st @ None) = b.mode_state.lock().tlb() {
        *st = Some(fresh);
    }
    Ok(())
}

/// Runs `f` on the bond's TLB state under `mode_lock`; `None` if there is none.
fn with_state<R>(b: &Bond, f: impl FnOnce(&mut TlbState) -> R) -> Option<R> {
    let mut g = b.mode_state.lock();
    let st = g.tlb()?.as_deref_mut()?;
    Some(f(st))
}

/// [`with_state`] on the transmit path (`mode_lock` with the plain `spin_lock()`, as C).
#[inline]
fn with_state_tx<R>(b: &Bond, tx: &XmitReadSide, f: impl FnOnce(&mut TlbState) -> R) -> Option<R> {
    let mut g = crate::safe::bhlock::lock_in_xmit(&b.mode_state, tx);
    let st = g.tlb()?.as_deref_mut()?;
    Some(f(st))
}

/// Runs `f` on the bond's RLB state (and its TLB state) under `mode_lock`; `None` if there is
/// none.
fn with_rlb<R>(b: &Bond, f: impl FnOnce(&mut RlbState, &mut TlbState) -> R) -> Option<R> {
    with_state(b, |st| {
        let mut r = st.rlb.take()?;
        let out = f(&mut r, st);
        st.rlb = Some(r);
        Some(out)
    })
    .flatten()
}

/// What the table reads of a slave (its address only for the receive table).
#[inline]
fn view(s: &Slave) -> Option<SlaveView> {
    Some(SlaveView {
        slot: s.mode_slot()?,
        speed: s.speed_duplex().0,
        can_tx: s.can_tx(),
        mac: [0; 6],
    })
}

/// [`view`] with the slave's address (the receive table reads it).
fn view_mac(s: &Slave) -> Option<SlaveView> {
    Some(SlaveView {
        mac: s.dev.eth_addr_racy(),
        ..view(s)?
    })
}

/// The views of the slaves in `list`, with their addresses, for the receive table.
fn views(list: &[Arc<Slave>]) -> impl Iterator<Item = SlaveView> + Clone + '_ {
    list.iter().filter_map(|s| view_mac(s))
}

/// C `rlb_update_client()`: `RLB_ARP_BURST_SIZE` ARP replies that tell the client its slave's
/// address.
fn update_client(bond: &Dev<BondDriver>, set: &SlaveSet, u: &ClientUpdate) {
    let Some(s) = slave_in(set, u.slave) else {
        return;
    };
    for _ in 0..rlb::RLB_ARP_BURST_SIZE {
        if !crate::safe::inet::send_arp_reply(&s.dev, u.ip_dst, u.ip_src, &u.mac_dst, u.vlan_id) {
            crate::slave_pr_racy!(Err, bond, &s.dev, "failed to create an ARP packet\n");
        }
    }
}

/// The slave of `set` in `slot` (slots are given lowest first, so it is usually the slave at
/// that position).
#[inline]
fn slave_in(set: &SlaveSet, slot: u8) -> Option<&Arc<Slave>> {
    match set.all.get(usize::from(slot)) {
        Some(s) if s.mode_slot() == Some(slot) => Some(s),
        _ => set.all.iter().find(|s| s.mode_slot() == Some(slot)),
    }
}

/// C `bond_slave_has_mac()`: the slave whose current address is `mac`.
fn slave_with_mac(b: &Bond, mac: &[u8], rtnl: &Rtnl) -> Option<Arc<Slave>> {
    b.slave_list(rtnl)
        .find(|s| s.dev.hw_addr(rtnl).as_slice() == mac)
}

/// C `alb_set_slave_mac_addr()`: in balance-tlb the address field only (the hardware keeps
/// the bond's address); in balance-alb the slave's address (each slave must receive its own).
fn set_slave_addr(
    bond: &Dev<BondDriver>,
    slave: &Slave,
    addr: &[u8],
    rlb: bool,
    rtnl: &Rtnl,
) -> Result {
    if !rlb {
        return slave.dev.set_addr_field(addr, rtnl);
    }
    if slave.dev.set_mac(addr, None, rtnl).is_err() {
        slave_pr!(
            Err,
            bond,
            &slave.dev,
            rtnl,
            "dev_set_mac_address on slave failed! ALB mode requires that the base driver support setting the hw address also when the network device's interface is open\n"
        );
        return Err(EOPNOTSUPP);
    }
    Ok(())
}

/// C `alb_swap_mac_addr()`.
fn swap_addrs(bond: &Dev<BondDriver>, a: &Slave, b: &Slave, rlb: bool, rtnl: &Rtnl) {
    let tmp = a.dev.hw_addr(rtnl);
    let _ = set_slave_addr(bond, a, b.dev.hw_addr(rtnl).as_slice(), rlb, rtnl);
    let _ = set_slave_addr(bond, b, tmp.as_slice(), rlb, rtnl);
}

/// C `rlb_teach_disabled_mac_on_primary()`: the active slave turns promiscuous (for
/// `RLB_PROMISC_TIMEOUT`) and sends learning packets for `addr`, so that frames to a disabled
/// slave's address still reach the bond.
fn teach_disabled_mac(bond: &Dev<BondDriver>, addr: &[u8; 6], rtnl: &Rtnl) {
    let b = bond.private();
    let Some(active) = b.active(rtnl) else {
        return;
    };
    if with_rlb(&b, |r, _| r.promisc.teach()) == Some(true) {
        let ok = active.dev.set_promiscuity(1, rtnl).is_ok();
        with_rlb(&b, |r, _| r.promisc.promisc_set(ok));
    }
    send_learning_packets(bond, &active, addr, true);
}

/// C `alb_send_lp_vid()`: one learning packet from and to `mac` on `slave`, tagged with `vlan`.
fn send_lp(slave: &NetDevice, mac: &[u8; 6], vlan: Option<(u16, u16)>) {
    // C gives up silently when no skb can be allocated.
    let _ = crate::safe::skb::send_frame_tagged(
        slave,
        mac,
        mac,
        tlb::ETH_P_LOOPBACK,
        &LEARNING_PAD,
        0,
        TC_PRIO_CONTROL,
        vlan,
    );
}

/// C `alb_send_learning_packets()`: an untagged learning packet for `mac`, then one per VLAN
/// device right above the bond (with the bond's address if it took it, else the VLAN's own),
/// and, unless `strict_match`, one per macvlan above the bond with the macvlan's address.
fn send_learning_packets(bond: &Dev<BondDriver>, slave: &Slave, mac: &[u8; 6], strict: bool) {
    send_lp(&slave.dev, mac, None);
    let g = rcu::read_lock();
    let level = bond.lower_level();
    bond.any_upper(&g, |upper| {
        if let Some(tag) = upper.vlan_of() {
            if u16::from(level) + 1 == u16::from(upper.lower_level()) {
                // C tags only with a VLAN id (`if (vid)`).
                let tag = Some(tag.as_pair()).filter(|&(_, id)| id != 0);
                let addr = if upper.addr_assign_type() == crate::bindings::NET_ADDR_STOLEN {
                    *mac
                } else {
                    upper.eth_addr_racy()
                };
                send_lp(&slave.dev, &addr, tag);
            }
        }
        if upper.is_macvlan() && !strict {
            // C `bond_verify_device_path()`: the tag of the device right above the bond.
            match bond.device_path(upper, &g) {
                Ok(Some(tags)) => {
                    let tag = tags.first().map(|t| t.as_pair());
                    let tag = tag.filter(|&(_, id)| id != 0);
                    send_lp(&slave.dev, &upper.eth_addr_racy(), tag);
                }
                // C stops the walk when the tags cannot be allocated.
                Err(_) => return true,
                Ok(None) => {}
            }
        }
        false
    });
}

/// C `alb_fasten_mac_swap()`: learning packets from the slaves that can transmit; with RLB
/// their clients are told the new addresses, and a disabled slave's new address is taught on
/// the active slave.
fn fasten_swap(bond: &Dev<BondDriver>, a: &Slave, b: &Slave, rlb: bool, rtnl: &Rtnl) {
    let mut disabled = None;
    for s in [a, b] {
        if s.can_tx() {
            send_learning_packets(bond, s, &s.dev.hw_addr(rtnl).eth(), false);
            if let (true, Some(slot)) = (rlb, s.mode_slot()) {
                with_rlb(&bond.private(), |r, _| {
                    r.table.req_update_slave_clients(slot)
                });
            }
        } else {
            disabled = Some(s);
        }
    }
    if let (true, true, Some(d)) = (rlb, a.can_tx() != b.can_tx(), disabled) {
        teach_disabled_mac(bond, &d.dev.hw_addr(rtnl).eth(), rtnl);
    }
}

/// C `rlb_arp_xmit()`: the slave for an ARP the bond sends, the ARP's sender address rewritten
/// for a reply that leaves another slave than its sender's.
fn rlb_arp_xmit<S: TxSkb>(
    bond: &Dev<BondDriver>,
    set: &SlaveSet,
    skb: &mut S,
    tx: &XmitReadSide,
    len_ok: impl FnOnce(&SkBuff) -> Option<Arp>,
) -> Option<u8> {
    let arp = len_ok(skb.skb())?;
    // Only ARPs from the bond itself or a VLAN right above it (sent with a slave's address).
    if !set.all.iter().any(|s| s.dev.eth_addr_racy() == arp.mac_src) {
        return None;
    }
    if bond.ip_is_on_bridge(arp.ip_src) {
        return None;
    }
    let b = bond.private();
    let active = set.active.as_ref().and_then(|a| a.mode_slot());
    let bond_mac = bond.eth_addr_racy();
    let vlan = skb.skb().vlan_tag();
    let out = with_state_tx(&b, tx, |st| {
        st.rlb.as_deref_mut().map(|r| {
            r.table
                .arp_xmit(&arp, vlan, active, &bond_mac, views(&set.all), &mut |u| {
                    update_client(bond, set, u)
                })
        })
    })??;
    for _ in 0..out.no_channel {
        crate::dev_pr!(
            Err,
            bond,
            "found a client with no channel in the client's hash table\n"
        );
    }
    if let Some(mac) = out.set_mac_src {
        skb.set_arp_sender_hw(&mac).ok()?;
    }
    out.slave
}

/// balance-tlb (`RLB` false) and balance-alb (`RLB` true).
pub(crate) struct Lb<const RLB: bool>;

/// balance-tlb.
pub(crate) type BalanceTlb = Lb<false>;
/// balance-alb.
pub(crate) type BalanceAlb = Lb<true>;

impl<const RLB: bool> Lb<RLB> {
    /// C `bond_xmit_tlb_slave_get()` / `bond_xmit_alb_slave_get()`, with `tlb_dynamic_lb` read
    /// once by the caller: the table's slave for the packet's bucket (only the choice is made
    /// under `mode_lock`), the transmit hash over the usable slaves without the dynamic table,
    /// balance-alb's ARP slave; `None` for a packet not balanced (the active slave sends it).
    #[inline(always)]
    fn slave_get<'a, S: TxSkb>(
        dev: &Dev<BondDriver>,
        set: &'a SlaveSet,
        skb: &mut S,
        dynamic: bool,
        tx: &XmitReadSide,
    ) -> Option<&'a Arc<Slave>> {
        let b = dev.private();
        let mut eth = [MaybeUninit::<u8>::uninit(); 14];
        let dest = match skb.skb().headers(&mut eth) {
            [d0, d1, d2, d3, d4, d5, ..] => [*d0, *d1, *d2, *d3, *d4, *d5],
            _ => [0xff; 6],
        };
        let proto = skb.skb().protocol();
        let mut l3 = [MaybeUninit::<u8>::uninit(); 48];
        // What C pulls: the IPv4 header, the IPv6 header with the ICMPv6 type.
        let want = match proto {
            0x0800 if RLB => 20,
            0x86dd => 48,
            _ => 0,
        };
        let class = if dest[0] & 1 != 0 && !RLB {
            // balance-tlb never balances multicast and broadcast.
            AlbTxClass::NoBalance
        } else {
            let off = skb.skb().network_offset();
            let hdr: &[u8] = match want {
                0 => &[],
                _ => match skb.skb().header_at(off, &mut l3[..want]) {
                    Some(h) => h,
                    None if want == 48 => skb.skb().header_at(off, &mut l3[..40]).unwrap_or(&[]),
                    None => &[],
                },
            };
            if RLB {
                tlb::alb_tx_class(&dest, proto, hdr)
            } else if tlb::tlb_balances(&dest, proto, hdr) {
                // Dynamic: the table's bucket of the transmit hash; else the hash below.
                AlbTxClass::Balance(0)
            } else {
                AlbTxClass::NoBalance
            }
        };
        let mut arp_slot = None;
        if let (true, AlbTxClass::Arp) = (RLB, class) {
            arp_slot = rlb_arp_xmit(dev, set, skb, tx, |skb| {
                let mut a = [MaybeUninit::<u8>::uninit(); rlb::ARP_PKT_LEN];
                Arp::parse(skb.header_at(skb.network_offset(), &mut a)?)
            });
        }
        if dynamic {
            let bucket = match class {
                AlbTxClass::Balance(h) if RLB => Some(h),
                AlbTxClass::Balance(_) => Some(tlb::tlb_hash_index(xmit_hash(dev, skb.skb()))),
                _ => None,
            };
            match bucket {
                Some(h) => {
                    let len = skb.skb().len();
                    let slots = set.all.iter().filter_map(|s| view(s));
                    with_state_tx(&b, tx, |st| st.table.choose_channel(h, len, slots))
                        .flatten()
                        .and_then(|slot| slave_in(set, slot))
                }
                None => arp_slot.and_then(|slot| slave_in(set, slot)),
            }
        } else {
            match class {
                AlbTxClass::Balance(_) => {
                    let h = xmit_hash(dev, skb.skb());
                    tlb::nondyn_slave_index(h, set.usable.len() as u32)
                        .and_then(|i| set.usable.get(i as usize))
                }
                _ => arp_slot.and_then(|slot| slave_in(set, slot)),
            }
        }
    }
}

#[vtable]
impl<const RLB: bool> BondMode for Lb<RLB> {
    const MODE: Mode = if RLB {
        Mode::BalanceAlb
    } else {
        Mode::BalanceTlb
    };
    // Only balance-alb reads ARPs on receive (C `bond->recv_probe = rlb_arp_recv`).
    const HAS_RX_PROBE: bool = RLB;
    const INACTIVE_RX_UNICAST: bool = RLB;
    const BRIDGE_RX_DEST_REWRITE: bool = RLB;

    #[inline]
    fn xmit_slave<'a, S: TxSkb>(
        dev: &Dev<BondDriver>,
        set: &'a SlaveSet,
        skb: &mut S,
        _all_slaves: bool,
        tx: &XmitReadSide,
    ) -> Option<&'a Arc<Slave>> {
        let dynamic = dev.private().hot.tlb_dynamic_lb.load(Relaxed);
        Self::slave_get(dev, set, skb, dynamic, tx)
    }

    #[inline]
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, mut skb: SkBuff, tx: &XmitReadSide) -> TxStatus {
        // C `bond_tlb_xmit()`, `bond_alb_xmit()`: the slave chosen, then `bond_do_alb_xmit()`
        // (`modes::tlb::Tlb::do_xmit()`, step by step).
        let b = dev.private();
        let dynamic = b.hot.tlb_dynamic_lb.load(Relaxed);
        let chosen = Self::slave_get(dev, set, &mut skb, dynamic, tx);
        let len = skb.len();
        let active = set.active.as_ref();
        let tx_slave = match chosen {
            Some(s) => Some(s),
            None => {
                if dynamic {
                    with_state_tx(&b, tx, |st| st.table.count_unbalanced(len));
                }
                active
            }
        };
        match tx_slave {
            Some(s) if s.can_tx() => {
                if !active.is_some_and(|a| Arc::ptr_eq(a, s))
                    && skb.set_eth_source(&s.dev.eth_addr_racy()).is_err()
                {
                    return drop_skb(dev, skb);
                }
                queue_xmit(skb, s)
            }
            Some(s) => {
                if let (true, Some(slot)) = (dynamic, s.mode_slot()) {
                    with_state_tx(&b, tx, |st| st.table.clear_slave(slot, false));
                }
                drop_skb(dev, skb)
            }
            None => drop_skb(dev, skb),
        }
    }

    fn rx_probe(bond: &Dev<BondDriver>, _slave: &Slave, skb: &RxSkb) -> RxProbe {
        // C `rlb_arp_recv()`.
        if RLB && skb.protocol() == tlb::ETH_P_ARP {
            let mut a = [MaybeUninit::<u8>::uninit(); rlb::ARP_PKT_LEN];
            if let Some(arp) = skb.header(&mut a).and_then(Arp::parse) {
                with_rlb(&bond.private(), |r, _| r.table.arp_recv(&arp));
            }
        }
        RxProbe::Pass
    }

    fn enslave_role(
        bond: &Dev<BondDriver>,
        new: &Arc<Slave>,
        _active: &mut Option<Arc<Slave>>,
        rtnl: &Rtnl,
    ) {
        // C `bond_enslave()`: active, but not receiving until it is `curr_active_slave`.
        let all_active = bond.private().params(rtnl).all_slaves_active != 0;
        new.set_backup(false, rtnl);
        new.set_inactive_flags(Self::MODE, all_active, rtnl);
    }

    fn attach(bond: &Dev<BondDriver>, slave: &Arc<Slave>, rtnl: &Rtnl) -> Result {
        // C `bond_alb_init_slave()`; the new slave is not in the list yet.
        let b = bond.private();
        ensure_state(&b, RLB)?;
        let Some(slot) = tlb::free_slot(b.slave_list(rtnl).filter_map(|s| s.mode_slot())) else {
            slave_pr!(
                Err,
                bond,
                &slave.dev,
                rtnl,
                "bonding-rs: a balance-tlb/alb bond takes at most {} slaves\n",
                tlb::MAX_SLAVES
            );
            return Err(ENOSPC);
        };
        slave.set_mode_slot(slot, rtnl);
        set_slave_addr(bond, slave, slave.perm_hwaddr.as_slice(), RLB, rtnl)?;
        // C `alb_handle_addr_collision_on_attach()`.
        if b.slave_count(rtnl) != 0 {
            let bond_addr = bond.hw_addr(rtnl);
            let mut colliding = true;
            if slave.perm_hwaddr.as_slice() != bond_addr.as_slice() {
                if slave_with_mac(&b, slave.dev.hw_addr(rtnl).as_slice(), rtnl).is_none() {
                    colliding = false;
                } else {
                    let _ = set_slave_addr(bond, slave, bond_addr.as_slice(), RLB, rtnl);
                }
            }
            if colliding {
                let mut has_bond_addr = b.active(rtnl);
                let mut free = None;
                for s in b.slave_list(rtnl) {
                    if slave_with_mac(&b, s.perm_hwaddr.as_slice(), rtnl).is_none() {
                        free = Some(s);
                        break;
                    }
                    if has_bond_addr.is_none()
                        && s.dev.hw_addr(rtnl).as_slice() == bond_addr.as_slice()
                    {
                        has_bond_addr = Some(s);
                    }
                }
                if let Some(f) = free {
                    let _ = set_slave_addr(bond, slave, f.perm_hwaddr.as_slice(), RLB, rtnl);
                    slave_pr!(
                        Warning,
                        bond,
                        &slave.dev,
                        rtnl,
                        "the slave hw address is in use by the bond; giving it the hw address of {}\n",
                        f.dev.name(rtnl).to_str().unwrap_or("")
                    );
                } else if has_bond_addr.is_some() {
                    slave_pr!(
                        Err,
                        bond,
                        &slave.dev,
                        rtnl,
                        "the slave hw address is in use by the bond; couldn't find a slave with a free hw address to give it (this should not have happened)\n"
                    );
                    return Err(EFAULT);
                }
            }
        }
        with_state(&b, |st| {
            // A transmit still on the snapshot of the slot's previous slave may have given it a
            // bucket after its release cleared the slot: no bucket starts with the new slave.
            st.table.forget_slot(slot);
            // "order a rebalance ASAP".
            st.ticks.order_rebalance();
            if let Some(r) = st.rlb.as_deref_mut() {
                r.table.request_rebalance();
            }
        });
        Ok(())
    }

    fn release(bond: &Dev<BondDriver>, slave: &Arc<Slave>, rtnl: &Rtnl) {
        // C `bond_alb_deinit_slave()`; the slave has left the list.
        let b = bond.private();
        if b.slave_count(rtnl) != 0 {
            // C `alb_change_hw_addr_on_detach()`: a slave using this one's own address gets
            // this one's current address.
            let perm = slave.perm_hwaddr.as_slice();
            let cur = slave.dev.hw_addr(rtnl);
            if perm != cur.as_slice() && perm != bond.hw_addr(rtnl).as_slice() {
                if let Some(found) = slave_with_mac(&b, perm, rtnl) {
                    swap_addrs(bond, slave, &found, RLB, rtnl);
                    fasten_swap(bond, slave, &found, RLB, rtnl);
                }
            }
        }
        let Some(slot) = slave.mode_slot() else {
            return;
        };
        with_state(&b, |st| st.table.clear_slave(slot, false));
        if RLB {
            clear_rx_slave(bond, slave, slot, true, rtnl);
        }
    }

    fn opening(bond: &Dev<BondDriver>, _rtnl: &Rtnl) -> Result {
        // C `bond_alb_initialize()`: fresh tables (the slaves' loads are kept, as in C).
        let b = bond.private();
        ensure_state(&b, RLB)?;
        with_state(&b, |st| {
            st.table.initialize();
            if let Some(r) = st.rlb.as_deref_mut() {
                r.table.initialize();
            }
        });
        Ok(())
    }

    fn open_slave(bond: &Dev<BondDriver>, slave: &Slave, is_active: bool, rtnl: &Rtnl) {
        // C `bond_open()`: the modes with a primary make every slave but the active one
        // inactive.
        if is_active {
            slave.set_active_flags(rtnl);
        } else {
            let all_active = bond.private().params(rtnl).all_slaves_active != 0;
            slave.set_inactive_flags(Self::MODE, all_active, rtnl);
        }
    }

    fn link_changed(bond: &Dev<BondDriver>, slave: &Arc<Slave>, link: Link, rtnl: &Rtnl) {
        // C `bond_alb_handle_link_change()`.
        let b = bond.private();
        if let Some(slot) = slave.mode_slot() {
            with_state(&b, |st| match link {
                Link::Down => st.table.clear_slave(slot, false),
                Link::Up => {
                    st.ticks.order_rebalance();
                    if let Some(r) = st.rlb.as_deref_mut() {
                        r.table.request_rebalance();
                    }
                }
                _ => {}
            });
            if RLB && link == Link::Down {
                clear_rx_slave(bond, slave, slot, false, rtnl);
            }
        }
        // The usable slaves with tlb_dynamic_lb 0 (C `bond_update_slave_arr()`).
        b.republish(rtnl);
    }

    fn active_changed(
        bond: &Dev<BondDriver>,
        old: Option<&Arc<Slave>>,
        new: Option<&Arc<Slave>>,
        rtnl: &Rtnl,
    ) -> ActiveChanged {
        // C `bond_alb_handle_active_change()` (`curr_active_slave` is already `new`), then the
        // flags of `bond_change_active_slave()`.
        let b = bond.private();
        if let Some(o) = old {
            if with_rlb(&b, |r, _| r.promisc.active_change(true)) == Some(true) {
                let _ = o.dev.set_promiscuity(-1, rtnl);
            }
        }
        if let (Some(n), true) = (new, b.slave_count(rtnl) != 0) {
            let bond_addr = bond.hw_addr(rtnl);
            let swap = old
                .cloned()
                .or_else(|| slave_with_mac(&b, bond_addr.as_slice(), rtnl));
            with_state(&b, |st| {
                if let Some(slot) = swap.as_ref().and_then(|s| s.mode_slot()) {
                    st.table.clear_slave(slot, true);
                }
                if let Some(slot) = n.mode_slot() {
                    st.table.clear_slave(slot, true);
                }
            });
            if !RLB {
                // The new active slave may have flapped with its own address in its filter:
                // the bond's goes in again (best effort), its address field stays.
                let own = n.dev.hw_addr(rtnl);
                let _ = n.dev.set_mac(bond_addr.as_slice(), None, rtnl);
                let _ = n.dev.set_addr(rtnl, own.as_slice());
            }
            match swap {
                Some(s) => {
                    swap_addrs(bond, &s, n, RLB, rtnl);
                    fasten_swap(bond, &s, n, RLB, rtnl);
                }
                None => {
                    let _ = set_slave_addr(bond, n, bond_addr.as_slice(), RLB, rtnl);
                    send_learning_packets(bond, n, &bond_addr.eth(), false);
                }
            }
        }
        let all_active = b.params(rtnl).all_slaves_active != 0;
        if let Some(o) = old {
            o.set_inactive_flags(Self::MODE, all_active, rtnl);
        }
        if let Some(n) = new {
            n.set_active_flags(rtnl);
        }
        ActiveChanged {
            announce: false,
            republish: true,
        }
    }

    fn set_mac_address(bond: &Dev<BondDriver>, addr: &[u8], rtnl: &Rtnl) -> Option<Result> {
        // C `bond_alb_set_mac_address()`; balance-tlb takes the common path.
        if !RLB {
            return None;
        }
        Some(alb_set_mac_address(bond, addr, rtnl))
    }

    fn vlan_killed(bond: &Dev<BondDriver>, vid: u16, _rtnl: &Rtnl) {
        // C `bond_alb_clear_vlan()`.
        with_rlb(&bond.private(), |r, _| r.table.clear_vlan(vid));
    }

    fn tick(bond: &Dev<BondDriver>) {
        // C `bond_alb_monitor()`, which C does not even start in balance-tlb with
        // tlb_dynamic_lb 0.
        let b = bond.private();
        if !RLB && !b.hot.tlb_dynamic_lb.load(Relaxed) {
            return;
        }
        let lp_interval = b.params_shown().lp_interval as i32;
        let g = rcu::read_lock();
        let Some(set) = b.slaves.read(&g) else {
            return;
        };
        let Some(due) = with_state(&b, |st| st.ticks.tick(!set.all.is_empty(), lp_interval)) else {
            return;
        };
        if due.learning_packets {
            for s in set.all.iter() {
                let is_active = set.active.as_ref().is_some_and(|a| Arc::ptr_eq(a, s));
                let strict = tlb::learning_strict_match(is_active, RLB);
                send_learning_packets(bond, s, &s.dev.eth_addr_racy(), strict);
            }
        }
        if due.tx_rebalance {
            let active = set.active.as_ref().and_then(|a| a.mode_slot());
            with_state(&b, |st| {
                st.table
                    .rebalance(set.all.iter().filter_map(|s| s.mode_slot()), active)
            });
        }
        if !(RLB && due.rlb) {
            return;
        }
        // The promiscuity taught for a disabled slave times out (under RTNL; if it is busy, C
        // skips the rest of this tick).
        if with_rlb(&b, |r, _| r.promisc.tick()) == Some(true) {
            let Some(rtnl) = Rtnl::try_lock() else {
                return;
            };
            let active = b.active(&rtnl);
            if with_rlb(&b, |r, _| r.promisc.timeout(active.is_some())) == Some(true) {
                if let Some(a) = active {
                    let _ = a.dev.set_promiscuity(-1, &rtnl);
                }
            }
        }
        with_rlb(&b, |r, _| {
            r.table
                .monitor(views(&set.all), &mut |u| update_client(bond, set, u))
        });
    }
}

/// The receive side of a slave's loss (C `rlb_clear_slave()`, with `released` the part of
/// `bond_alb_deinit_slave()` that forgets `rx_slave`): its clients move to other slaves, and
/// its address is taught on the active slave.
fn clear_rx_slave(bond: &Dev<BondDriver>, slave: &Slave, slot: u8, released: bool, rtnl: &Rtnl) {
    let b = bond.private();
    let active = b.active(rtnl);
    let active_slot = active.as_ref().and_then(|a| a.mode_slot());
    let list: KVec<Arc<Slave>> = {
        let mut v = KVec::new();
        for s in b.slave_list(rtnl) {
            // C walks the slaves under RCU; a slave that cannot be listed for lack of memory
            // is only not a candidate.
            let _ = v.push(s, GFP_KERNEL);
        }
        v
    };
    let teach = with_rlb(&b, |r, _| {
        if released {
            r.table.deinit_slave(slot, active_slot, views(&list))
        } else {
            r.table.clear_slave(slot, active_slot, views(&list))
        }
    });
    if teach == Some(true) {
        teach_disabled_mac(bond, &slave.dev.hw_addr(rtnl).eth(), rtnl);
    }
}

/// C `bond_alb_set_mac_address()`: the bond's new address goes to the active slave (swapped
/// with a slave that has it), whose clients are told.
fn alb_set_mac_address(bond: &Dev<BondDriver>, addr: &[u8], rtnl: &Rtnl) -> Result {
    let mut a = [0u8; 6];
    match addr.get(..6) {
        Some(src) if addr.len() == 6 => a.copy_from_slice(src),
        _ => return Err(EADDRNOTAVAIL),
    }
    if !rlb::is_valid_ether_addr(&a) {
        return Err(EADDRNOTAVAIL);
    }
    bond.set_addr(rtnl, addr)?;
    let b = bond.private();
    let Some(active) = b.active(rtnl) else {
        return Ok(());
    };
    match slave_with_mac(&b, addr, rtnl) {
        Some(swap) => {
            swap_addrs(bond, &swap, &active, true, rtnl);
            fasten_swap(bond, &swap, &active, true, rtnl);
        }
        None => {
            let _ = set_slave_addr(bond, &active, addr, true, rtnl);
            send_learning_packets(bond, &active, &a, false);
            if let Some(slot) = active.mode_slot() {
                with_rlb(&b, |r, _| r.table.req_update_slave_clients(slot));
            }
        }
    }
    Ok(())
}
