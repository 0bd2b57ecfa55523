// SPDX-License-Identifier: GPL-2.0

//! balance-tlb, adaptive transmit load balancing: the kernel side of the transmit half of C
//! `bond_alb.c` (`bond_tlb_xmit()`, `bond_alb_init_slave()`, `bond_alb_deinit_slave()`,
//! `bond_alb_handle_link_change()`, `bond_alb_handle_active_change()`, `bond_alb_monitor()`).
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

use super::mode::{ActiveChanged, BondMode};
use crate::bond::{Bond, BondDriver, SlaveSet};
use crate::modes::tlb::{self, AlbTicks, SlaveView, Tlb, TxAction};
use crate::modes::{slaves::Link, Mode};
use crate::safe::netdev::{Dev, NetDevice, SkBuff, TxStatus};
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::TC_PRIO_CONTROL;
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
}

/// A learning packet's payload after the Ethernet header (type `ETH_P_LOOPBACK`): padding to
/// `ETH_ZLEN` (C `struct learning_pkt`).
const LEARNING_PAD: [u8; 46] = [0; 46];

/// The bond's TLB state, allocated if it is not yet (C `tlb_initialize()`); `ENOMEM` if it
/// cannot be.
fn ensure_state(b: &Bond) -> Result {
    if b.mode_state.lock().tlb().is_some_and(|st| st.is_some()) {
        return Ok(());
    }
    // Zeroed in place: ~6 KiB, not built on the stack.
    let fresh = KBox::init(
        init!(TlbState {
            table <- pin_init::init_zeroed(),
            ticks: AlbTicks::new(),
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

/// What the table reads of a slave.
#[inline]
fn view(s: &Slave) -> Option<SlaveView> {
    Some(SlaveView {
        slot: s.mode_slot()?,
        speed: s.speed_duplex().0,
        can_tx: s.can_tx(),
        mac: [0; 6],
    })
}

/// The slave of `set` in `slot`.
#[inline]
fn slave_in(set: &SlaveSet, slot: u8) -> Option<&Arc<Slave>> {
    set.all.iter().find(|s| s.mode_slot() == Some(slot))
}

/// C `bond_slave_has_mac()`: the slave whose current address is `mac`.
fn slave_with_mac(b: &Bond, mac: &[u8], rtnl: &Rtnl) -> Option<Arc<Slave>> {
    b.slave_list(rtnl)
        .find(|s| s.dev.hw_addr(rtnl).as_slice() == mac)
}

/// C `alb_set_slave_mac_addr()` in TLB mode: the address field only (the hardware keeps the
/// bond's address).
fn set_slave_addr(slave: &Slave, addr: &[u8], rtnl: &Rtnl) {
    let _ = slave.dev.set_addr_field(addr, rtnl);
}

/// C `alb_swap_mac_addr()`.
fn swap_addrs(a: &Slave, b: &Slave, rtnl: &Rtnl) {
    let tmp = a.dev.hw_addr(rtnl);
    set_slave_addr(a, b.dev.hw_addr(rtnl).as_slice(), rtnl);
    set_slave_addr(b, tmp.as_slice(), rtnl);
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

/// C `alb_fasten_mac_swap()` (TLB: no receive table to update).
fn fasten_swap(bond: &Dev<BondDriver>, a: &Slave, b: &Slave, rtnl: &Rtnl) {
    for s in [a, b] {
        if s.can_tx() {
            send_learning_packets(bond, s, &s.dev.hw_addr(rtnl).eth(), false);
        }
    }
}

/// balance-tlb.
pub(crate) struct BalanceTlb;

#[vtable]
impl BondMode for BalanceTlb {
    const MODE: Mode = Mode::BalanceTlb;

    #[inline]
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, mut skb: SkBuff) -> TxStatus {
        // C `bond_xmit_tlb_slave_get()`: unicast IPv4, and IPv6 but neighbour discovery.
        let b = dev.private();
        let dynamic = b.hot.tlb_dynamic_lb.load(Relaxed);
        let mut eth = [MaybeUninit::<u8>::uninit(); 14];
        let balance = match skb.headers(&mut eth) {
            // Multicast and broadcast are never balanced (C tests the destination first).
            [d0, ..] if d0 & 1 != 0 => false,
            [d0, d1, d2, d3, d4, d5, ..] => {
                let dest = [*d0, *d1, *d2, *d3, *d4, *d5];
                let mut l3 = [MaybeUninit::<u8>::uninit(); 48];
                let off = skb.network_offset();
                let hdr: &[u8] = if skb.protocol() == 0x86dd {
                    match skb.header_at(off, &mut l3) {
                        Some(h) => h,
                        None => skb.header_at(off, &mut l3[..40]).unwrap_or(&[]),
                    }
                } else {
                    &[]
                };
                tlb::tlb_balances(&dest, skb.protocol(), hdr)
            }
            _ => false,
        };
        let len = skb.len();
        let active = set.active.as_ref();
        let action = if dynamic {
            let hash = balance.then(|| tlb::tlb_hash_index(xmit_hash(dev, &skb)));
            let slots = set.all.iter().filter_map(|s| view(s));
            let active_slot = active.and_then(|a| a.mode_slot());
            with_state(&b, |st| {
                let chosen = hash.and_then(|h| st.table.choose_channel(h, len, slots));
                st.table.do_xmit(chosen, active_slot, true, len, |slot| {
                    slave_in(set, slot).is_some_and(|s| s.can_tx())
                })
            })
            .unwrap_or(TxAction::Drop)
        } else {
            let chosen = if balance {
                let h = xmit_hash(dev, &skb);
                tlb::nondyn_slave_index(h, set.usable.len() as u32)
                    .and_then(|i| set.usable.get(i as usize))
            } else {
                None
            };
            match chosen.or(active) {
                Some(s) if s.can_tx() => match s.mode_slot() {
                    Some(slot) => TxAction::Send {
                        slot,
                        set_src_mac: !active.is_some_and(|a| Arc::ptr_eq(a, s)),
                    },
                    None => TxAction::Drop,
                },
                _ => TxAction::Drop,
            }
        };
        match action {
            TxAction::Send { slot, set_src_mac } => {
                let Some(s) = slave_in(set, slot) else {
                    return drop_skb(dev, skb);
                };
                if set_src_mac && skb.set_eth_source(&s.dev.eth_addr_racy()).is_err() {
                    return drop_skb(dev, skb);
                }
                queue_xmit(skb, s)
            }
            TxAction::Drop => drop_skb(dev, skb),
        }
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

    fn enslave(bond: &Dev<BondDriver>, slave: &Arc<Slave>, rtnl: &Rtnl) -> Result {
        // C `bond_alb_init_slave()`; the new slave is not in the list yet.
        let b = bond.private();
        ensure_state(&b)?;
        let Some(slot) = tlb::free_slot(b.slave_list(rtnl).filter_map(|s| s.mode_slot())) else {
            slave_pr!(
                Err,
                bond,
                &slave.dev,
                rtnl,
                "bonding-rs: a balance-tlb bond takes at most {} slaves\n",
                tlb::MAX_SLAVES
            );
            return Err(ENOSPC);
        };
        slave.set_mode_slot(slot, rtnl);
        set_slave_addr(slave, slave.perm_hwaddr.as_slice(), rtnl);
        // C `alb_handle_addr_collision_on_attach()`.
        if b.slave_count(rtnl) != 0 {
            let bond_addr = bond.hw_addr(rtnl);
            let mut colliding = true;
            if slave.perm_hwaddr.as_slice() != bond_addr.as_slice() {
                if slave_with_mac(&b, slave.dev.hw_addr(rtnl).as_slice(), rtnl).is_none() {
                    colliding = false;
                } else {
                    set_slave_addr(slave, bond_addr.as_slice(), rtnl);
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
                    set_slave_addr(slave, f.perm_hwaddr.as_slice(), rtnl);
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
                    swap_addrs(slave, &found, rtnl);
                    fasten_swap(bond, slave, &found, rtnl);
                }
            }
        }
        if let Some(slot) = slave.mode_slot() {
            with_state(&b, |st| st.table.clear_slave(slot, false));
        }
    }

    fn opening(bond: &Dev<BondDriver>, _rtnl: &Rtnl) -> Result {
        // C `bond_alb_initialize()`: a fresh table (the slaves' loads are kept, as in C).
        let b = bond.private();
        ensure_state(&b)?;
        with_state(&b, |st| st.table.initialize());
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
                Link::Up => st.ticks.order_rebalance(),
                _ => {}
            });
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
            // The new active slave may have flapped with its own address in its filter: the
            // bond's goes in again (best effort), its address field stays.
            let own = n.dev.hw_addr(rtnl);
            let _ = n.dev.set_mac(bond_addr.as_slice(), None, rtnl);
            let _ = n.dev.set_addr(rtnl, own.as_slice());
            match swap {
                Some(s) => {
                    swap_addrs(&s, n, rtnl);
                    fasten_swap(bond, &s, n, rtnl);
                }
                None => {
                    set_slave_addr(n, bond_addr.as_slice(), rtnl);
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

    fn tick(bond: &Dev<BondDriver>) {
        // C `bond_alb_monitor()`, which C does not even start with tlb_dynamic_lb 0.
        let b = bond.private();
        if !b.hot.tlb_dynamic_lb.load(Relaxed) {
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
                let strict = tlb::learning_strict_match(is_active, false);
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
    }
}
