// SPDX-License-Identifier: GPL-2.0

//! balance-xor (C `bond_3ad_xor_xmit()` in xor mode): a packet goes to the usable slave its
//! transmit hash selects, so a flow stays on one slave.

use super::mode::{BondMode, LagTxType};
use crate::bond::{BondDriver, SlaveSet};
use crate::modes::{slaves, slaves::Link, Mode};
use crate::safe::netdev::{Dev, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::TxSkb;
use crate::slave::Slave;
use crate::xmit::{drop_skb, queue_xmit, xmit_hash};
use kernel::{prelude::vtable, sync::Arc};

/// balance-xor.
pub(crate) struct Xor;

#[vtable]
impl BondMode for Xor {
    const MODE: Mode = Mode::BalanceXor;
    const LAG_TX_TYPE: LagTxType = LagTxType::Hash;
    const SK_LOWER_DEV: bool = true;

    #[inline]
    fn xmit_slave<'a, S: TxSkb>(
        dev: &Dev<BondDriver>,
        set: &'a SlaveSet,
        skb: &mut S,
        all_slaves: bool,
        _tx: &XmitReadSide,
    ) -> Option<&'a Arc<Slave>> {
        // C `bond_xmit_3ad_xor_slave_get()` over `all_slaves` or `usable_slaves`.
        let slaves = if all_slaves { &set.all } else { &set.usable };
        let h = xmit_hash(dev, skb.skb());
        slaves::xor_slave_index(h, slaves.len()).map(|i| &slaves[i])
    }

    #[inline]
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, mut skb: SkBuff, tx: &XmitReadSide) -> TxStatus {
        // C `bond_3ad_xor_xmit()`.
        match Self::xmit_slave(dev, set, &mut skb, false, tx) {
            Some(s) => queue_xmit(skb, s),
            None => drop_skb(dev, skb),
        }
    }

    fn link_changed(bond: &Dev<BondDriver>, _slave: &Arc<Slave>, _link: Link, rtnl: &Rtnl) {
        // C `bond_miimon_link_change()`: `bond_update_slave_arr()` at once.
        bond.private().republish(rtnl);
    }
}
