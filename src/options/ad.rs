// SPDX-License-Identifier: GPL-2.0

//! Options of 802.3ad: `lacp_active`, `lacp_rate`, `lacp_strict`, `ad_select`,
//! `ad_actor_sys_prio`, `ad_actor_system`, `ad_user_port_key`, `actor_port_prio` (a slave's),
//! `coupled_control`, `broadcast_neighbor`; the read-only `ad_aggregator`, `ad_num_ports`,
//! `ad_actor_key`, `ad_partner_key`, `ad_partner_mac`.
//!
//! What a setter changes reaches the 802.3ad machines through [`crate::bond::Bond::set_params`];
//! the setters whose change must also act at once call [`crate::policy::ieee8023ad::option_set`].

use super::{named, num, Ops, Set, Val};
use crate::bond::BondDriver;
use crate::dev_pr;
use crate::fmt::Mac;
use crate::modes::lacp::AggInfo;
use crate::modes::Mode;
use crate::netlink::options::{self, OptionId};
use crate::params::BondParams;
use crate::safe::devops::capable_net_admin;
use crate::safe::netdev::Dev;
use crate::safe::pernet::SysfsBuf;
use core::fmt::Write;
use kernel::prelude::*;

pub(super) const OPS: &[Ops] = &[
    Ops {
        id: OptionId::LacpActive,
        set: set_lacp_active,
        show: Some(show_lacp_active),
    },
    Ops {
        id: OptionId::LacpRate,
        set: set_lacp_rate,
        show: Some(show_lacp_rate),
    },
    Ops {
        id: OptionId::LacpStrict,
        set: set_lacp_strict,
        show: None,
    },
    Ops {
        id: OptionId::AdSelect,
        set: set_ad_select,
        show: Some(show_ad_select),
    },
    Ops {
        id: OptionId::AdActorSysPrio,
        set: set_ad_actor_sys_prio,
        show: Some(show_ad_actor_sys_prio),
    },
    Ops {
        id: OptionId::AdActorSystem,
        set: set_ad_actor_system,
        show: Some(show_ad_actor_system),
    },
    Ops {
        id: OptionId::AdUserPortKey,
        set: set_ad_user_port_key,
        show: Some(show_ad_user_port_key),
    },
    Ops {
        id: OptionId::ActorPortPrio,
        set: set_actor_port_prio,
        show: None,
    },
    Ops {
        id: OptionId::CoupledControl,
        set: set_coupled_control,
        show: None,
    },
    Ops {
        id: OptionId::BroadcastNeighbor,
        set: set_broadcast_neighbor,
        show: None,
    },
];

/// C `bond_option_lacp_active_set()`.
fn set_lacp_active(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.lacp_active = n)?;
    crate::policy::ieee8023ad::option_set(c.dev, c.id, c.rtnl);
    Ok(())
}

fn show_lacp_active(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    named(out, OptionId::LacpActive, p.lacp_active);
}

/// C `bond_option_lacp_rate_set()`.
fn set_lacp_rate(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.lacp_fast = n)?;
    crate::policy::ieee8023ad::option_set(c.dev, c.id, c.rtnl);
    Ok(())
}

fn show_lacp_rate(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    named(out, OptionId::LacpRate, p.lacp_fast);
}

/// C `bond_option_lacp_strict_set()`.
fn set_lacp_strict(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.lacp_strict = n as u8)?;
    crate::policy::ieee8023ad::option_set(c.dev, c.id, c.rtnl);
    Ok(())
}

/// C `bond_option_ad_select_set()`.
fn set_ad_select(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.ad_select = n)
}

fn show_ad_select(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    named(out, OptionId::AdSelect, p.ad_select);
}

/// C `bond_option_ad_actor_sys_prio_set()`.
fn set_ad_actor_sys_prio(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.ad_actor_sys_prio = n as u16)?;
    crate::policy::ieee8023ad::option_set(c.dev, c.id, c.rtnl);
    Ok(())
}

fn show_ad_actor_sys_prio(dev: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    ad_show(dev, p, out, |out, admin, _| {
        if admin {
            num(out, p.ad_actor_sys_prio);
        }
    });
}

/// C `bond_option_ad_actor_system_set()`: a string (sysfs) through mac_pton(), a number
/// (netlink) as the address's bytes.
fn set_ad_actor_system(c: &mut Set<'_, '_>) -> Result {
    let mac = match c.val {
        Val::Num(x) => {
            let b8 = x.to_ne_bytes();
            Some([b8[0], b8[1], b8[2], b8[3], b8[4], b8[5]])
        }
        Val::Str(s) => options::mac_pton(s),
        _ => None,
    };
    let Some(mac) = mac.filter(|m| m[0] & 1 == 0) else {
        dev_pr!(Err, c.dev, "Invalid ad_actor_system MAC address.\n");
        return Err(EINVAL);
    };
    c.update(|p, _| p.ad_actor_system = mac)?;
    crate::policy::ieee8023ad::option_set(c.dev, c.id, c.rtnl);
    Ok(())
}

fn show_ad_actor_system(dev: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    ad_show(dev, p, out, |out, admin, _| {
        if admin {
            let _ = writeln!(out, "{}", Mac(&p.ad_actor_system));
        }
    });
}

/// C `bond_option_ad_user_port_key_set()`.
fn set_ad_user_port_key(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.ad_user_port_key = n as u16)
}

fn show_ad_user_port_key(dev: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    ad_show(dev, p, out, |out, admin, _| {
        if admin {
            num(out, p.ad_user_port_key);
        }
    });
}

/// C `bond_option_actor_port_prio_set()`: a slave's port priority.
fn set_actor_port_prio(c: &mut Set<'_, '_>) -> Result {
    let Val::Slave(sdev, x) = c.val else {
        return Err(EINVAL);
    };
    let Some(s) = c.dev.private().slave_of(sdev, c.rtnl) else {
        return Err(ENODEV);
    };
    crate::policy::ieee8023ad::set_port_priority(c.dev, &s, x as u16, c.rtnl);
    Ok(())
}

/// C `bond_option_coupled_control_set()`, with its log line.
fn set_coupled_control(c: &mut Set<'_, '_>) -> Result {
    dev_pr!(
        Info,
        c.dev,
        "Setting coupled_control to {} ({})\n",
        options::value_name(c.id, c.n).unwrap_or(""),
        c.n
    );
    c.update(|p, n| p.coupled_control = n as u8)
}

/// C `bond_option_broadcast_neigh_set()`.
fn set_broadcast_neighbor(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.broadcast_neighbor = n as u8)
}

/// The 802.3ad files: empty in the other modes, as C; `f` is given whether the reader has
/// CAP_NET_ADMIN (the keys, addresses and settings are shown only then) and the active
/// aggregator.
fn ad_show(
    dev: &Dev<BondDriver>,
    p: &BondParams,
    out: &mut SysfsBuf<'_>,
    f: impl FnOnce(&mut SysfsBuf<'_>, bool, Option<AggInfo>),
) {
    if p.mode == Mode::Ieee8023ad {
        let admin = capable_net_admin();
        f(out, admin, crate::policy::ieee8023ad::active_agg_info(dev));
    }
}

/// A field of the active aggregator, 0 without one.
fn agg_num(info: Option<AggInfo>, f: fn(&AggInfo) -> u16) -> i32 {
    info.as_ref().map_or(0, |a| i32::from(f(a)))
}

/// `ad_aggregator` (read-only): the active aggregator's id.
pub(super) fn show_ad_aggregator(dev: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    ad_show(dev, p, out, |out, _, info| {
        num(out, agg_num(info, |a| a.aggregator_id))
    });
}

/// `ad_num_ports` (read-only): the active aggregator's ports.
pub(super) fn show_ad_num_ports(dev: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    ad_show(dev, p, out, |out, _, info| {
        num(out, agg_num(info, |a| a.ports))
    });
}

/// `ad_actor_key` (read-only).
pub(super) fn show_ad_actor_key(dev: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    ad_show(dev, p, out, |out, admin, info| {
        if admin {
            num(out, agg_num(info, |a| a.actor_key));
        }
    });
}

/// `ad_partner_key` (read-only).
pub(super) fn show_ad_partner_key(dev: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    ad_show(dev, p, out, |out, admin, info| {
        if admin {
            num(out, agg_num(info, |a| a.partner_key));
        }
    });
}

/// `ad_partner_mac` (read-only).
pub(super) fn show_ad_partner_mac(dev: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    ad_show(dev, p, out, |out, admin, info| {
        if let (true, Some(a)) = (admin, info) {
            let _ = writeln!(out, "{}", Mac(&a.partner_system));
        }
    });
}
