// SPDX-License-Identifier: GPL-2.0

//! The transmit path (C `bond_start_xmit()` and the per-mode xmit
//! functions). Lock-free: one RCU read of the slave snapshot, atomics for
//! the round-robin counter; the slave choice itself is in [`crate::modes`].

use crate::bare_pr;
use crate::bond::BondDriver;
use crate::modes::{hash, slaves, slaves::Link, Mode};
use crate::safe::netdev::{Dev, SkBuff, TxStatus};
use crate::slave::Slave;
use core::sync::atomic::Ordering::Relaxed;
use kernel::{prelude::*, sync::rcu, sync::Arc};

const IPPROTO_IGMP: u8 = 2;

/// C `bond_dev_queue_xmit()`: through the slave's netpoll while netpoll
/// transmits on the bond.
fn queue_xmit(skb: SkBuff, slave: &Slave) -> TxStatus {
    if crate::safe::netpoll::netpoll_tx_running() {
        match slave.np.send(skb) {
            Ok(r) => return TxStatus::Code(r),
            Err(skb) => return TxStatus::Code(skb.queue_xmit(&slave.dev)),
        }
    }
    TxStatus::Code(skb.queue_xmit(&slave.dev))
}

/// C `bond_tx_drop()`.
fn drop_skb(dev: &Dev<BondDriver>, skb: SkBuff) -> TxStatus {
    dev.tx_dropped_inc();
    drop(skb);
    TxStatus::Dropped
}

/// C `bond_xmit_hash()` for `skb`: reads only what the policy uses (the
/// skb hash for encap3+4, the VLAN tag for vlan+srcmac, the Ethernet header
/// alone for the layer-2 policies).
fn xmit_hash(dev: &Dev<BondDriver>, skb: &SkBuff) -> u32 {
    use crate::modes::XmitHashPolicy as P;
    let policy = dev.private().xmit_policy();
    let l4 = if policy == P::Encap34 {
        skb.l4_hash()
    } else {
        None
    };
    if let Some(h) = l4 {
        return h;
    }
    let encap = if hash::needs_dissector(policy) {
        skb.flow_keys(dev)
    } else {
        None
    };
    let vlan_tag = if policy == P::VlanSrcMac {
        skb.vlan_tag()
    } else {
        None
    };
    let mut buf = [0u8; hash::HASH_HEADER_BYTES];
    let want = hash::header_bytes(policy);
    let data = skb.headers(&mut buf[..want]);
    let p = hash::Packet {
        data,
        l2_proto: skb.protocol(),
        nhoff: skb.network_offset(),
        vlan_tag,
    };
    hash::xmit_hash(policy, &p, encap, l4)
}

/// Whether `skb` is IGMP (C's special case in balance-rr).
fn is_igmp(skb: &SkBuff) -> bool {
    if skb.protocol() != hash::ETH_P_IP {
        return false;
    }
    let mut buf = [0u8; 64];
    let off = skb.network_offset() + 9;
    skb.headers(&mut buf).get(off) == Some(&IPPROTO_IGMP)
}

/// C `bond_slave_override()`: `Err(skb)` to continue with the mode's choice.
fn slave_override(all: &[Arc<Slave>], skb: SkBuff) -> Result<TxStatus, SkBuff> {
    if !skb.rx_queue_recorded() {
        return Err(skb);
    }
    let q = skb.queue_mapping();
    for s in all {
        if s.queue_id() == q {
            if s.is_up() && s.link() == Link::Up {
                return Ok(queue_xmit(skb, s));
            }
            break;
        }
    }
    Err(skb)
}

/// `ndo_start_xmit` of bonds.
pub(crate) fn start_xmit(dev: &Dev<BondDriver>, skb: SkBuff) -> TxStatus {
    let b = dev.private();
    let g = rcu::read_lock();
    let Some(set) = b.slaves.read(&g).filter(|s| !s.all.is_empty()) else {
        return drop_skb(dev, skb);
    };
    let mode = b.mode();
    let skb = if mode.should_override_tx_queue() {
        match slave_override(&set.all, skb) {
            Ok(r) => return r,
            Err(skb) => skb,
        }
    } else {
        skb
    };
    match mode {
        Mode::BalanceRr => {
            let n = set.all.len();
            let pick = if is_igmp(&skb) {
                match &set.active {
                    Some(a) => Some(a.clone()),
                    None => slaves::slave_by_id(0, n, |i| set.all[i].can_tx())
                        .map(|i| set.all[i].clone()),
                }
            } else {
                let pps = b.hot.packets_per_slave.load(Relaxed);
                let v = if pps == 0 {
                    crate::safe::devops::random_u32()
                } else {
                    b.rr_counter.fetch_add(1, Relaxed).wrapping_add(1)
                };
                let id = slaves::rr_slave_id(pps, v) % (n as u32);
                slaves::slave_by_id(id as usize, n, |i| set.all[i].can_tx())
                    .map(|i| set.all[i].clone())
            };
            match pick {
                Some(s) => queue_xmit(skb, &s),
                None => drop_skb(dev, skb),
            }
        }
        Mode::ActiveBackup => match &set.active {
            Some(a) => queue_xmit(skb, a),
            None => drop_skb(dev, skb),
        },
        Mode::BalanceXor => {
            let h = xmit_hash(dev, &skb);
            match slaves::xor_slave_index(h, set.usable.len()) {
                Some(i) => queue_xmit(skb, &set.usable[i]),
                None => drop_skb(dev, skb),
            }
        }
        Mode::Broadcast => {
            // C `bond_xmit_broadcast(..., true)`.
            let count = set.all.len();
            let mut ok = false;
            let mut skb = Some(skb);
            for (i, s) in set.all.iter().enumerate() {
                if !(s.is_up() && s.link() == Link::Up) {
                    continue;
                }
                let this = if i + 1 == count {
                    skb.take()
                } else {
                    match skb.as_ref().and_then(|k| k.try_clone()) {
                        Some(c) => Some(c),
                        None => {
                            bare_pr!(
                                Err,
                                "{}: Error: bond_xmit_broadcast: skb_clone() failed\n",
                                dev.name_racy().to_str().unwrap_or("?")
                            );
                            continue;
                        }
                    }
                };
                if let Some(k) = this {
                    if matches!(queue_xmit(k, s), TxStatus::Code(0)) {
                        ok = true;
                    }
                }
            }
            drop(skb);
            if ok {
                TxStatus::Ok
            } else {
                dev.tx_dropped_inc();
                TxStatus::Dropped
            }
        }
        // Other modes cannot be configured (refused with -EOPNOTSUPP).
        _ => drop_skb(dev, skb),
    }
}
