// SPDX-License-Identifier: GPL-2.0

//! broadcast (C `bond_xmit_broadcast()`): every packet goes to every slave whose link is up.

use super::mode::{BondMode, LagTxType};
use crate::bare_pr;
use crate::bond::{BondDriver, SlaveSet};
use crate::modes::{slaves::Link, Mode};
use crate::safe::netdev::{Dev, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::slave::Slave;
use crate::xmit::{drop_skb, queue_xmit};
use kernel::{prelude::vtable, sync::Arc};

/// broadcast.
pub(crate) struct Broadcast;

#[vtable]
impl BondMode for Broadcast {
    const MODE: Mode = Mode::Broadcast;
    const LAG_TX_TYPE: LagTxType = LagTxType::Broadcast;

    fn speed(acc: u32, slave: u32) -> u32 {
        // C `bond_mode_bcast_speed()`: every packet goes everywhere, so the slowest slave.
        if acc == 0 || acc > slave {
            slave
        } else {
            acc
        }
    }

    #[inline]
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, skb: SkBuff, _tx: &XmitReadSide) -> TxStatus {
        // C `bond_xmit_broadcast(..., true)`.
        send_all(dev, &set.all, skb)
    }
}

/// C `bond_xmit_broadcast()`: `skb` to each of `slaves` whose link is up (the last one gets
/// the original, the others clones).
pub(crate) fn send_all(dev: &Dev<BondDriver>, slaves: &[Arc<Slave>], skb: SkBuff) -> TxStatus {
    let usable = |s: &Slave| s.is_up() && s.link() == Link::Up;
    let mut ok = false;
    let Some((last, rest)) = slaves.split_last() else {
        return drop_skb(dev, skb);
    };
    for s in rest.iter().filter(|s| usable(s)) {
        let Some(clone) = skb.try_clone() else {
            if crate::safe::devops::net_ratelimit() {
                bare_pr!(
                    Err,
                    "{}: Error: bond_xmit_broadcast: skb_clone() failed\n",
                    dev.name_racy()
                );
            }
            continue;
        };
        ok |= matches!(queue_xmit(clone, s), TxStatus::Code(0));
    }
    if usable(last) {
        ok |= matches!(queue_xmit(skb, last), TxStatus::Code(0));
    } else {
        drop(skb);
    }
    if ok {
        TxStatus::Ok
    } else {
        dev.tx_dropped_inc();
        TxStatus::Dropped
    }
}
