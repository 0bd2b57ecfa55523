// SPDX-License-Identifier: GPL-2.0

//! Options of the mode and the transmit choice: `mode`, `xmit_hash_policy`,
//! `packets_per_slave`, `fail_over_mac`.

use super::{named, num, Ops, Set};
use crate::bindings;
use crate::bond::BondDriver;
use crate::modes::{ArpValidate, FailOverMac, Mode, XmitHashPolicy};
use crate::netlink::options::OptionId;
use crate::params::BondParams;
use crate::safe::netdev::Dev;
use crate::safe::pernet::SysfsBuf;
use kernel::prelude::*;

pub(super) const OPS: &[Ops] = &[
    Ops {
        id: OptionId::Mode,
        set: set_mode,
        show: Some(show_mode),
    },
    Ops {
        id: OptionId::XmitHashPolicy,
        set: set_xmit_hash_policy,
        show: Some(show_xmit_hash_policy),
    },
    Ops {
        id: OptionId::PacketsPerSlave,
        set: set_packets_per_slave,
        show: Some(show_packets_per_slave),
    },
    Ops {
        id: OptionId::FailOverMac,
        set: set_fail_over_mac,
        show: Some(show_fail_over_mac),
    },
];

/// C `bond_option_mode_set()`.
fn set_mode(c: &mut Set<'_, '_>) -> Result {
    let m = Mode::from_u64(c.n).ok_or(EINVAL)?;
    if !crate::policy::implemented(m) {
        return Err(c.not_yet(format_args!("mode {}", m.name())));
    }
    // C: not into a mode without native XDP while a program is installed.
    let b = c.dev.private();
    if crate::xdp::has_prog(c.dev, c.rtnl) && !crate::xdp::xdp_check(m, b.xmit_policy()) {
        return Err(EOPNOTSUPP);
    }
    c.update(|p, _| {
        if !m.uses_arp() {
            p.arp_interval = 0;
            if p.miimon == 0 {
                p.miimon = bindings::BOND_DEFAULT_MIIMON;
            }
        }
        if m == Mode::BalanceAlb {
            p.tlb_dynamic_lb = 1;
        }
        p.arp_validate = ArpValidate::None;
        p.mode = m;
        p.broadcast_neighbor = 0;
    })?;
    #[cfg(CONFIG_XFRM_OFFLOAD)]
    if c.dev.registered() {
        crate::ipsec::mode_changed(c.dev, m, c.rtnl);
    }
    crate::xdp::set_features(c.dev, c.rtnl);
    Ok(())
}

fn show_mode(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    named(out, OptionId::Mode, p.mode.as_u64());
}

/// C `bond_option_xmit_hash_policy_set()`.
fn set_xmit_hash_policy(c: &mut Set<'_, '_>) -> Result {
    let x = XmitHashPolicy::from_u64(c.n).ok_or(EINVAL)?;
    // C: not to a policy without native XDP while a program is installed.
    if crate::xdp::has_prog(c.dev, c.rtnl) && !crate::xdp::xdp_check(c.dev.private().mode(), x) {
        return Err(EOPNOTSUPP);
    }
    c.update(|p, _| p.xmit_policy = x)
}

fn show_xmit_hash_policy(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    named(out, OptionId::XmitHashPolicy, p.xmit_policy.as_u64());
}

/// C `bond_option_pps_set()`.
fn set_packets_per_slave(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.packets_per_slave = n as i32)
}

fn show_packets_per_slave(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.packets_per_slave as u32);
}

/// C `bond_option_fail_over_mac_set()`.
fn set_fail_over_mac(c: &mut Set<'_, '_>) -> Result {
    let f = FailOverMac::from_u64(c.n).ok_or(EINVAL)?;
    c.update(|p, _| p.fail_over_mac = f)
}

fn show_fail_over_mac(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    named(out, OptionId::FailOverMac, p.fail_over_mac.as_u64());
}
