// SPDX-License-Identifier: GPL-2.0

//! active-backup (C `bond_xmit_activebackup()` and the active-backup parts of
//! `bond_enslave()`, `bond_miimon_commit()` and `bond_change_active_slave()`): one slave, the
//! active one, carries all traffic; the others are backups whose received frames are not
//! delivered to the bond (unless `all_slaves_active`).

use super::mode::{ActiveChanged, ArpMonitor, BondMode, LagTxType};
use crate::bond::{BondDriver, SlaveSet};
use crate::modes::{slaves::Link, Mode};
use crate::safe::netdev::{Dev, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::TxSkb;
use crate::slave::Slave;
use crate::xmit::{drop_skb, queue_xmit};
use kernel::{prelude::vtable, sync::Arc};

/// active-backup.
pub(crate) struct ActiveBackup;

#[vtable]
impl BondMode for ActiveBackup {
    const MODE: Mode = Mode::ActiveBackup;
    const LAG_TX_TYPE: LagTxType = LagTxType::ActiveBackup;
    const OVERRIDES_TX_QUEUE: bool = true;
    const LOG_ROLE: bool = true;
    const FAIL_OVER_MAC: bool = true;
    const IPSEC_OFFLOAD: bool = true;
    const INFINIBAND_SLAVES: bool = true;

    #[inline]
    fn xmit_slave<'a, S: TxSkb>(
        _dev: &Dev<BondDriver>,
        set: &'a SlaveSet,
        _skb: &mut S,
        _all_slaves: bool,
        _tx: &XmitReadSide,
    ) -> Option<&'a Arc<Slave>> {
        // C `bond_xmit_activebackup_slave_get()`.
        set.active.as_ref()
    }

    #[inline]
    fn xmit(dev: &Dev<BondDriver>, set: &SlaveSet, mut skb: SkBuff, tx: &XmitReadSide) -> TxStatus {
        match Self::xmit_slave(dev, set, &mut skb, false, tx) {
            Some(a) => queue_xmit(skb, a),
            None => drop_skb(dev, skb),
        }
    }

    fn enslave_role(
        bond: &Dev<BondDriver>,
        new: &Arc<Slave>,
        _active: &mut Option<Arc<Slave>>,
        rtnl: &Rtnl,
    ) {
        // A new slave starts as a backup; `bond_select_active_slave()` picks the active one.
        let all_active = bond.private().params(rtnl).all_slaves_active != 0;
        new.set_inactive_flags(Self::MODE, all_active, rtnl);
    }

    fn open_slave(bond: &Dev<BondDriver>, slave: &Slave, is_active: bool, rtnl: &Rtnl) {
        if is_active {
            slave.set_active_flags(rtnl);
        } else {
            let all_active = bond.private().params(rtnl).all_slaves_active != 0;
            slave.set_inactive_flags(Self::MODE, all_active, rtnl);
        }
    }

    fn link_flags(bond: &Dev<BondDriver>, slave: &Slave, link: Link, rtnl: &Rtnl) {
        // Up: the failover decides. Down: no longer a candidate for receiving.
        if link == Link::Down {
            let all_active = bond.private().params(rtnl).all_slaves_active != 0;
            slave.set_inactive_flags(Self::MODE, all_active, rtnl);
        }
    }

    const ARP_MONITOR: ArpMonitor = ArpMonitor::ActiveBackup;

    fn ignore_updelay(set: &SlaveSet) -> bool {
        set.active.is_none()
    }

    fn active_changed(
        bond: &Dev<BondDriver>,
        old: Option<&Arc<Slave>>,
        new: Option<&Arc<Slave>>,
        rtnl: &Rtnl,
    ) -> ActiveChanged {
        let p = bond.private().params(rtnl);
        if let Some(o) = old {
            o.set_inactive_flags(Self::MODE, p.all_slaves_active != 0, rtnl);
        }
        if let Some(n) = new {
            n.set_active_flags(rtnl);
        }
        // The failover announces the new slave (fail_over_mac, NETDEV_BONDING_FAILOVER, peer
        // notifications), then republishes: the transmit array depends on the flags above.
        ActiveChanged {
            announce: new.is_some(),
            republish: true,
        }
    }
}
