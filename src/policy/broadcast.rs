// SPDX-License-Identifier: GPL-2.0

//! broadcast (C `bond_xmit_broadcast()`): every packet goes to every slave whose link is up.

use super::{BondMode, LagTxType};
use crate::bare_pr;
use crate::bond::{BondDriver, SlaveSet};
use crate::modes::{slaves::Link, Mode};
use crate::safe::netdev::{Dev, SkBuff, TxStatus};
use crate::slave::Slave;
use crate::xmit::queue_xmit;
use kernel::sync::Arc;

/// broadcast.
pub(crate) struct Broadcast;

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
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, skb: SkBuff) -> TxStatus {
        // C `bond_xmit_broadcast(..., true)`.
        send_all(dev, &set.all, skb)
    }
}

/// C `bond_xmit_broadcast()`: `skb` to each of `slaves` whose link is up (the last one gets
/// the original, the others clones).
pub(crate) fn send_all(dev: &Dev<BondDriver>, slaves: &[Arc<Slave>], skb: SkBuff) -> TxStatus {
    let count = slaves.len();
    let mut ok = false;
    let mut skb = Some(skb);
    for (i, s) in slaves.iter().enumerate() {
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
                        dev.name_racy()
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
