// SPDX-License-Identifier: GPL-2.0

//! IPsec offload through the active slave (C `bond_ipsec_*()`,
//! `bond_xfrmdev_ops`).
//!
//! Security associations offloaded to the bond are programmed into the
//! current active slave and recorded in the bond's [`XfrmList`]; when the
//! active slave changes they are removed from the old one
//! ([`del_sa_all`]) and programmed into the new one ([`add_sa_all`]). Packets
//! use the offload only in active-backup mode (`xdo_dev_offload_ok`), and the
//! bond advertises `BOND_XFRM_FEATURES` only in that mode.

use crate::bindings;
use crate::bond::{Bond, BondDriver};
use crate::modes::Mode;
use crate::safe::link::ExtAck;
use crate::safe::netdev::{Dev, NetDevice};
use crate::safe::rtnl::Rtnl;
use crate::safe::xfrm::{LowerXfrm, XfrmDriver, XfrmList, XfrmListGuard, XfrmState};
use crate::slave::Slave;
use crate::{bare_pr, dev_pr, slave_pr};
use kernel::{prelude::*, sync::rcu};

fn ratelimit() -> bool {
    crate::safe::devops::net_ratelimit()
}

/// C `bond_ipsec_dev()`: the active slave if the bond is in active-backup
/// mode and `xs` is programmed into a device (warning if that is not the
/// active slave).
fn ipsec_dev<'a>(bond: &Dev<BondDriver>, xs: &XfrmState, g: &'a rcu::Guard) -> Option<&'a Slave> {
    let b = bond.private();
    if !crate::policy::ipsec_offload(b.mode()) {
        return None;
    }
    let set = b.slaves.read(g)?;
    let active = set.active.as_deref()?;
    if !xs.has_real_dev() {
        return None;
    }
    if !xs.real_dev_is(&active.dev) && ratelimit() {
        let real = set.all.iter().find(|s| xs.real_dev_is(&s.dev));
        bare_pr!(
            Warning,
            "{}: (slave {}): not same with IPsec offload real dev {}\n",
            bond.name_racy(),
            active.dev.name_racy(),
            real.map(|s| s.dev.name_racy())
                .as_ref()
                .map_or("?", |n| n.as_str())
        );
    }
    Some(active)
}

/// C `bond_ipsec_add_sa_all()`: programs every recorded state into the
/// (new) active slave.
pub(crate) fn add_sa_all(bond: &Dev<BondDriver>, rtnl: &Rtnl) {
    let b = bond.private();
    let Some(active) = b.active(rtnl) else {
        return;
    };
    let real = &*active.dev;
    let list = b.ipsec.lock();
    let ops = real
        .xfrm_ops()
        .filter(|o| o.can_add() && !real.is_bond_master());
    let Some(ops) = ops else {
        if !list.is_empty() {
            slave_pr!(
                Warning,
                bond,
                real,
                rtnl,
                "bond_ipsec_add_sa_all: no slave xdo_dev_state_add\n"
            );
        }
        return;
    };
    for xs in list.iter() {
        // A state added before we took the lock is already there.
        if xs.real_dev_is(real) {
            continue;
        }
        if ops.add(xs, &mut ExtAck::none()).is_err() {
            slave_pr!(
                Warning,
                bond,
                real,
                rtnl,
                "bond_ipsec_add_sa_all: failed to add SA\n"
            );
            continue;
        }
        xs.with_lock(|dead| {
            // Deleted by the user during the move: bond_ipsec_del_sa() did
            // nothing (no real_dev); undo the add, the pending free does the
            // rest.
            if dead && ops.can_delete() {
                ops.delete(xs);
            }
            xs.set_real_dev(Some(real));
        });
    }
}

/// C `bond_ipsec_del_sa_all()`: removes every recorded state from the
/// (old) active slave.
pub(crate) fn del_sa_all(bond: &Dev<BondDriver>, rtnl: &Rtnl) {
    let b = bond.private();
    let Some(active) = b.active(rtnl) else {
        return;
    };
    let real = &*active.dev;
    let list = b.ipsec.lock();
    for xs in list.iter() {
        if !xs.has_real_dev() {
            continue;
        }
        let ops = real
            .xfrm_ops()
            .filter(|o| o.can_delete() && !real.is_bond_master());
        let Some(ops) = ops else {
            slave_pr!(
                Warning,
                bond,
                real,
                rtnl,
                "bond_ipsec_del_sa_all: no slave xdo_dev_state_delete\n"
            );
            continue;
        };
        xs.with_lock(|dead| {
            xs.set_real_dev(None);
            // Do not delete twice a state the user killed.
            if !dead {
                ops.delete(xs);
            }
        });
        ops.free(xs);
    }
}

/// The slave of `bond` whose device `xs` is programmed into (RCU).
fn real_slave<'a>(b: &Bond, xs: &XfrmState, g: &'a rcu::Guard) -> Option<&'a Slave> {
    b.slaves
        .read(g)?
        .all
        .iter()
        .find(|s| xs.real_dev_is(&s.dev))
        .map(|s| &**s)
}

impl XfrmDriver for BondDriver {
    fn xfrm_list(dev: &Dev<Self>) -> &XfrmList {
        // The list lives as long as the device's private data.
        let b: &Bond = dev.private().get_ref();
        &b.ipsec
    }

    /// C `bond_ipsec_add_sa()`.
    fn xfrm_add(
        dev: &Dev<Self>,
        xs: &XfrmState,
        extack: &mut ExtAck<'_>,
        _list: &XfrmListGuard<'_>,
    ) -> Result {
        let active = {
            let g = rcu::read_lock();
            dev.private().slaves.read(&g).and_then(|s| s.active.clone())
        };
        let Some(active) = active else {
            return Err(ENODEV);
        };
        let real: &NetDevice = &active.dev;
        let ops = real
            .xfrm_ops()
            .filter(|o| o.can_add() && !real.is_bond_master());
        let Some(ops) = ops else {
            extack.set_msg(format_args!(
                "bonding: Slave does not support ipsec offload"
            ));
            return Err(EOPNOTSUPP);
        };
        ops.add(xs, extack)?;
        xs.set_real_dev(Some(real));
        Ok(())
    }

    /// C `bond_ipsec_del_sa()` (atomic: `xs->lock` held, no bond lock).
    fn xfrm_delete(dev: &Dev<Self>, xs: &XfrmState) {
        let g = rcu::read_lock();
        // `real_dev` is always one of our slaves: it is cleared (under the
        // state's lock) before a slave stops being the active one.
        let Some(slave) = real_slave(&dev.private(), xs, &g) else {
            return;
        };
        let real = &*slave.dev;
        match real
            .xfrm_ops()
            .filter(|o| o.can_delete() && !real.is_bond_master())
        {
            Some(ops) => ops.delete(xs),
            None => dev_pr!(
                Warning,
                dev,
                "(slave {}): bond_ipsec_del_sa: no slave xdo_dev_state_delete\n",
                real.name_racy()
            ),
        }
    }

    /// C `bond_ipsec_free_sa()`; the state leaves the list afterwards.
    fn xfrm_free(dev: &Dev<Self>, xs: &XfrmState, _list: &XfrmListGuard<'_>) {
        let g = rcu::read_lock();
        let slave = real_slave(&dev.private(), xs, &g);
        if !xs.has_real_dev() {
            return;
        }
        xs.set_real_dev(None);
        if let Some(ops) = slave.and_then(|s| s.dev.xfrm_ops()) {
            ops.free(xs);
        }
    }

    /// C `bond_ipsec_offload_ok()`.
    fn xfrm_offload_ok(dev: &Dev<Self>, xs: &XfrmState) -> bool {
        let g = rcu::read_lock();
        ipsec_dev(dev, xs, &g).is_some_and(|s| !s.dev.is_bond_master())
    }

    /// C `bond_advance_esn_state()`.
    fn xfrm_advance_esn(dev: &Dev<Self>, xs: &XfrmState) {
        on_active_slave(
            dev,
            xs,
            "bond_advance_esn_state",
            "xdo_dev_state_advance_esn",
            |o| o.advance_esn(xs),
        );
    }

    /// C `bond_xfrm_update_stats()`.
    fn xfrm_update_stats(dev: &Dev<Self>, xs: &XfrmState) {
        on_active_slave(
            dev,
            xs,
            "bond_xfrm_update_stats",
            "xdo_dev_state_update_stats",
            |o| o.update_stats(xs),
        );
    }
}

/// Runs the optional per-state operation `f` of the active slave (C
/// `bond_ipsec_dev()`); warns like C's `func` when the slave lacks `op`.
fn on_active_slave(
    dev: &Dev<BondDriver>,
    xs: &XfrmState,
    func: &str,
    op: &str,
    f: impl FnOnce(&LowerXfrm<'_>) -> bool,
) {
    let g = rcu::read_lock();
    let Some(s) = ipsec_dev(dev, xs, &g) else {
        return;
    };
    let done = s.dev.xfrm_ops().is_some_and(|o| f(&o));
    if !done && ratelimit() {
        bare_pr!(
            Warning,
            "{}: {} doesn't support {}\n",
            func,
            s.dev.name_racy(),
            op
        );
    }
}

/// C `bond_set_xfrm_features()` on a mode change: offer the IPsec features
/// only in active-backup.
pub(crate) fn mode_changed(bond: &Dev<BondDriver>, mode: Mode, rtnl: &Rtnl) {
    let f = bindings::BONDRS_XFRM_FEATURES;
    if crate::policy::ipsec_offload(mode) {
        bond.update_wanted_features(f, 0, rtnl);
    } else {
        bond.update_wanted_features(0, f, rtnl);
    }
    bond.update_features(rtnl);
}
