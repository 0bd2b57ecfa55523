// SPDX-License-Identifier: GPL-2.0

//! balance-rr (C `bond_xmit_roundrobin()`): packets go to the slaves in turn,
//! `packets_per_slave` at a time (or to a random slave when it is 0); IGMP goes to the active
//! slave, so that the switch learns group membership on one port.

use super::mode::{BondMode, LagTxType};
use crate::bond::{BondDriver, SlaveSet};
use crate::modes::{hash, slaves, Mode};
use crate::safe::netdev::{Dev, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::TxSkb;
use crate::slave::Slave;
use crate::xmit::{drop_skb, queue_xmit};
use kernel::prelude::*;
use kernel::sync::atomic::Relaxed;
use kernel::sync::Arc;

/// `IPPROTO_IGMP`.
const IPPROTO_IGMP: u8 = 2;

/// Whether `skb` is IGMP (C `bond_xmit_roundrobin()`'s special case).
fn is_igmp(skb: &SkBuff) -> bool {
    if skb.protocol() != hash::ETH_P_IP {
        return false;
    }
    let off = skb.network_offset() + 9;
    let mut buf = [core::mem::MaybeUninit::uninit(); 1];
    skb.header_at(off, &mut buf) == Some(&[IPPROTO_IGMP][..])
}

/// balance-rr.
pub(crate) struct RoundRobin;

#[vtable]
impl BondMode for RoundRobin {
    const MODE: Mode = Mode::BalanceRr;
    const LAG_TX_TYPE: LagTxType = LagTxType::RoundRobin;
    const OVERRIDES_TX_QUEUE: bool = true;

    fn igmp_on_active_change(_has_new: bool) -> bool {
        // IGMP goes out on the active slave (see `xmit`), whichever it is.
        true
    }

    fn opening(bond: &Dev<BondDriver>, rtnl: &Rtnl) -> Result {
        bond.private().rr_counter.ensure(rtnl)
    }

    #[inline]
    fn xmit_slave<'a, S: TxSkb>(
        dev: &Dev<BondDriver>,
        set: &'a SlaveSet,
        skb: &mut S,
        _all_slaves: bool,
        _tx: &XmitReadSide,
    ) -> Option<&'a Arc<Slave>> {
        // C `bond_xmit_roundrobin_slave_get()`.
        pick(dev, set, is_igmp(skb.skb()))
    }

    #[inline]
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, mut skb: SkBuff, tx: &XmitReadSide) -> TxStatus {
        match Self::xmit_slave(dev, set, &mut skb, false, tx) {
            Some(s) => queue_xmit(skb, s),
            None => drop_skb(dev, skb),
        }
    }
}

/// C `bond_xdp_xmit_roundrobin_slave_get()`: as a transmit's choice, IGMP told by an IPv4
/// header right after the Ethernet header.
pub(crate) fn xdp_slave<'a>(
    dev: &Dev<BondDriver>,
    set: &'a SlaveSet,
    data: &[u8],
) -> Option<&'a Arc<Slave>> {
    /// `sizeof(struct iphdr)`.
    const IPHDR_LEN: usize = 20;
    let igmp = data.len() >= hash::ETH_HLEN + IPHDR_LEN
        && u16::from_be_bytes([data[12], data[13]]) == hash::ETH_P_IP
        && data[hash::ETH_HLEN + 9] == IPPROTO_IGMP;
    pick(dev, set, igmp)
}

/// The slave of the next packet, IGMP (`igmp`) or not.
#[inline(always)]
fn pick<'a>(dev: &Dev<BondDriver>, set: &'a SlaveSet, igmp: bool) -> Option<&'a Arc<Slave>> {
    let n = set.all.len();
    let can_tx = |i: usize| set.all[i].can_tx();
    let pick = if igmp {
        if let Some(a) = &set.active {
            return Some(a);
        }
        slaves::slave_by_id(0, n, can_tx)
    } else {
        if n == 0 {
            return None;
        }
        let pps = dev.private().hot.packets_per_slave.load(Relaxed);
        let v = if pps == 0 {
            crate::safe::devops::random_u32()
        } else {
            dev.private().rr_counter.inc_return()
        };
        let id = slaves::rr_slave_id(pps, v) % (n as u32);
        slaves::slave_by_id(id as usize, n, can_tx)
    };
    pick.map(|i| &set.all[i])
}
