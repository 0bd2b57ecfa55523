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
use crate::xmit::{drop_skb, queue_xmit};
use kernel::prelude::*;
use kernel::sync::atomic::Relaxed;

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
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, skb: SkBuff, _tx: &XmitReadSide) -> TxStatus {
        let b = dev.private();
        let n = set.all.len();
        let can_tx = |i: usize| set.all[i].can_tx();
        let pick = if is_igmp(&skb) {
            match &set.active {
                Some(a) => return queue_xmit(skb, a),
                None => slaves::slave_by_id(0, n, can_tx),
            }
        } else {
            let pps = b.hot.packets_per_slave.load(Relaxed);
            let v = if pps == 0 {
                crate::safe::devops::random_u32()
            } else {
                b.rr_counter.inc_return()
            };
            let id = slaves::rr_slave_id(pps, v) % (n as u32);
            slaves::slave_by_id(id as usize, n, can_tx)
        };
        match pick {
            Some(i) => queue_xmit(skb, &set.all[i]),
            None => drop_skb(dev, skb),
        }
    }
}
