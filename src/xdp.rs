// SPDX-License-Identifier: GPL-2.0

//! XDP on the bond (C `bond_xdp_check()`, `bond_xdp_set()`, `bond_xdp_set_features()` and their
//! parts in `bond_enslave()`, `__bond_release_one()` and the mode and hash-policy options):
//! native XDP on the bond in the modes C allows, its program installed on every slave (the
//! slaves that come and go under it too), and the bond's XDP feature flags, the ones every
//! slave has. The per-packet side (`ndo_xdp_xmit`, `ndo_xdp_get_xmit_slave`) is `datapath.rs`,
//! the slave choice `policy::xdp_xmit_slave()`.
//!
//! The programs' side needs `CONFIG_BPF_SYSCALL` (C's `bpf_prog_inc()`/`bpf_prog_put()`):
//! without it no program can be made, `ndo_bpf` is not installed, the bond never has a program
//! (C's `bond->xdp_prog` stays NULL) and enslaving and releasing have no XDP part; the feature
//! flags and the per-packet side stay, as in C.

use crate::bond::BondDriver;
use crate::modes::{Mode, XmitHashPolicy};
use crate::safe::link::ExtAck;
use crate::safe::netdev::{Dev, NetDevice};
use crate::safe::rtnl::Rtnl;
#[cfg(CONFIG_BPF_SYSCALL)]
use crate::safe::xdp::BpfProg;
use crate::safe::xdp::{XDP_ACT_MASK, XDP_ACT_XSK_ZEROCOPY};
#[cfg(CONFIG_BPF_SYSCALL)]
use crate::{dev_pr, slave_pr};
use kernel::prelude::*;

/// C `__bond_xdp_check()`: whether native XDP works in `mode` with `policy` (balance-rr,
/// active-backup; balance-xor and 802.3ad but with vlan+srcmac, "as in most cases the 802.1q
/// payload is not in the packet due to hardware offload").
pub(crate) fn xdp_check(mode: Mode, policy: XmitHashPolicy) -> bool {
    match mode {
        Mode::BalanceRr | Mode::ActiveBackup => true,
        Mode::BalanceXor | Mode::Ieee8023ad => policy != XmitHashPolicy::VlanSrcMac,
        _ => false,
    }
}

#[cfg(CONFIG_BPF_SYSCALL)]
/// C `BOND_NL_ERR()` / `SLAVE_NL_ERR()`: the message in the extack, or logged without one.
fn nl_err(
    bond: &Dev<BondDriver>,
    slave: Option<&NetDevice>,
    extack: &mut ExtAck<'_>,
    msg: &str,
    rtnl: &Rtnl,
) {
    if extack.is_present() {
        extack.set_msg(format_args!("{}", msg));
        return;
    }
    match slave {
        Some(s) => slave_pr!(Err, bond, s, rtnl, "Error: {}\n", msg),
        None => dev_pr!(Err, bond, "Error: {}\n", msg),
    }
}

/// C `bond_xdp_set_features()`: the XDP features every slave has, but AF_XDP zero-copy; none
/// without slaves or in a mode without native XDP.
pub(crate) fn set_features(bond: &Dev<BondDriver>, rtnl: &Rtnl) {
    let b = bond.private();
    if !xdp_check(b.mode(), b.xmit_policy()) || b.slave_count(rtnl) == 0 {
        bond.set_xdp_features(0, rtnl);
        return;
    }
    let val = b
        .slave_list(rtnl)
        .fold(XDP_ACT_MASK, |v, s| v & s.dev.xdp_features(rtnl));
    bond.set_xdp_features(val & !XDP_ACT_XSK_ZEROCOPY, rtnl);
}

/// Whether a program is installed on the bond (C `bond->xdp_prog`), for the options that C
/// refuses to change under one.
#[cfg(CONFIG_BPF_SYSCALL)]
pub(crate) fn has_prog(bond: &Dev<BondDriver>, rtnl: &Rtnl) -> bool {
    bond.private().xdp_prog.is_set(rtnl)
}

/// Without `CONFIG_BPF_SYSCALL` no program exists: never one on the bond.
#[cfg(not(CONFIG_BPF_SYSCALL))]
pub(crate) fn has_prog(_bond: &Dev<BondDriver>, _rtnl: &Rtnl) -> bool {
    false
}

#[cfg(CONFIG_BPF_SYSCALL)]
/// The checks C makes of a slave before installing the bond's program on it.
fn slave_checks(
    bond: &Dev<BondDriver>,
    slave: &NetDevice,
    no_support: &str,
    extack: &mut ExtAck<'_>,
    rtnl: &Rtnl,
) -> Result {
    if !slave.has_xdp_ops() {
        nl_err(bond, Some(slave), extack, no_support, rtnl);
        return Err(EOPNOTSUPP);
    }
    if slave.xdp_prog_count(rtnl) > 0 {
        nl_err(
            bond,
            Some(slave),
            extack,
            "Slave has XDP program loaded, please unload before enslaving",
            rtnl,
        );
        return Err(EOPNOTSUPP);
    }
    Ok(())
}

#[cfg(CONFIG_BPF_SYSCALL)]
/// C `bond_xdp_set()` (`ndo_bpf`'s `XDP_SETUP_PROG`): `prog` (`None`: none) installed on every
/// slave, or on none of them if one refuses (those done get the old program back).
pub(crate) fn set(
    bond: &Dev<BondDriver>,
    prog: Option<&BpfProg>,
    extack: &mut ExtAck<'_>,
    rtnl: &Rtnl,
) -> Result {
    let b = bond.private();
    if !xdp_check(b.mode(), b.xmit_policy()) {
        nl_err(
            bond,
            None,
            extack,
            "No native XDP support for the current bonding mode",
            rtnl,
        );
        return Err(EOPNOTSUPP);
    }
    let old = b.xdp_prog.get(rtnl);
    let slaves: KVec<_> = {
        let mut v = KVec::new();
        for s in b.slave_list(rtnl) {
            v.push(s, GFP_KERNEL)?;
        }
        v
    };
    for (i, s) in slaves.iter().enumerate() {
        let r = slave_checks(
            bond,
            &s.dev,
            "Slave device does not support XDP",
            extack,
            rtnl,
        )
        .and_then(|()| {
            s.dev.xdp_propagate(prog, extack, rtnl).inspect_err(|e| {
                // "ndo_bpf() sets extack error message"
                slave_pr!(
                    Err,
                    bond,
                    &s.dev,
                    rtnl,
                    "Error {} calling ndo_bpf\n",
                    e.to_errno()
                );
            })
        });
        if let Err(e) = r {
            // Unwind: the slaves done get the old program back ("do not overwrite original
            // error": no extack).
            for d in &slaves[..i] {
                if let Err(u) = d.dev.xdp_propagate(old.as_ref(), &mut ExtAck::none(), rtnl) {
                    slave_pr!(
                        Err,
                        bond,
                        &d.dev,
                        rtnl,
                        "Error {} when unwinding XDP program change\n",
                        u.to_errno()
                    );
                }
            }
            return Err(e);
        }
    }
    // The old program (and its count of the master-redirect switch) given up.
    drop(b.xdp_prog.replace(rtnl, prog.cloned()));
    Ok(())
}

/// C `bond_enslave()`'s XDP part, before the slave is published: with a program on the bond,
/// the new slave must take it.
#[cfg(CONFIG_BPF_SYSCALL)]
pub(crate) fn enslave(
    bond: &Dev<BondDriver>,
    slave: &NetDevice,
    extack: &mut ExtAck<'_>,
    rtnl: &Rtnl,
) -> Result {
    let Some(prog) = bond.private().xdp_prog.get(rtnl) else {
        return Ok(());
    };
    slave_checks(bond, slave, "Slave does not support XDP", extack, rtnl)?;
    slave.xdp_propagate(Some(&prog), extack, rtnl)
}

/// C `__bond_release_one()`'s XDP part: the bond's program off the leaving slave (or an
/// enslave undone after [`enslave`]).
#[cfg(CONFIG_BPF_SYSCALL)]
pub(crate) fn release(bond: &Dev<BondDriver>, slave: &NetDevice, rtnl: &Rtnl) {
    if !has_prog(bond, rtnl) {
        return;
    }
    if slave
        .xdp_propagate(None, &mut ExtAck::none(), rtnl)
        .is_err()
    {
        slave_pr!(Warning, bond, slave, rtnl, "failed to unload XDP program\n");
    }
}

/// Without `CONFIG_BPF_SYSCALL` the bond has no program for the new slave to take.
#[cfg(not(CONFIG_BPF_SYSCALL))]
pub(crate) fn enslave(
    _bond: &Dev<BondDriver>,
    _slave: &NetDevice,
    _extack: &mut ExtAck<'_>,
    _rtnl: &Rtnl,
) -> Result {
    Ok(())
}

/// Without `CONFIG_BPF_SYSCALL` the bond has no program to take off the leaving slave.
#[cfg(not(CONFIG_BPF_SYSCALL))]
pub(crate) fn release(_bond: &Dev<BondDriver>, _slave: &NetDevice, _rtnl: &Rtnl) {}
