// SPDX-License-Identifier: GPL-2.0

//! balance-xor (C `bond_3ad_xor_xmit()` in xor mode): a packet goes to the usable slave its
//! transmit hash selects, so a flow stays on one slave.

use super::mode::{BondMode, LagTxType};
use crate::bond::{BondDriver, SlaveSet};
use crate::modes::{slaves, slaves::Link, Mode};
use crate::safe::netdev::{Dev, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::slave::Slave;
use crate::xmit::{drop_skb, queue_xmit, xmit_hash};
use kernel::{prelude::vtable, sync::Arc};

/// balance-xor.
pub(crate) struct Xor;

#[vtable]
impl BondMode for Xor {
    const MODE: Mode = Mode::BalanceXor;
    const LAG_TX_TYPE: LagTxType = LagTxType::Hash;

    #[inline]
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, skb: SkBuff, _tx: &XmitReadSide) -> TxStatus {
        let h = xmit_hash(dev, &skb);
        match slaves::xor_slave_index(h, set.usable.len()) {
            Some(i) => queue_xmit(skb, &set.usable[i]),
            None => drop_skb(dev, skb),
        }
    }

    fn link_changed(bond: &Dev<BondDriver>, _slave: &Arc<Slave>, _link: Link, rtnl: &Rtnl) {
        // C `bond_miimon_link_change()`: `bond_update_slave_arr()` at once.
        bond.private().republish(rtnl);
    }
}
