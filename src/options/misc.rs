// SPDX-License-Identifier: GPL-2.0

//! The other options: `min_links`, `num_unsol_na` and its alias `num_grat_arp`,
//! `resend_igmp`, `lp_interval`, `tlb_dynamic_lb`.

use super::{num, Ops, Set};
use crate::bond::BondDriver;
use crate::failover::set_carrier;
use crate::netlink::options::OptionId;
use crate::params::BondParams;
use crate::safe::netdev::Dev;
use crate::safe::pernet::SysfsBuf;
use kernel::prelude::*;

pub(super) const OPS: &[Ops] = &[
    Ops {
        id: OptionId::MinLinks,
        set: set_min_links,
        show: Some(show_min_links),
    },
    Ops {
        id: OptionId::NumPeerNotif,
        set: set_num_peer_notif,
        show: Some(show_num_peer_notif),
    },
    Ops {
        id: OptionId::NumPeerNotifAlias,
        set: set_num_peer_notif,
        show: Some(show_num_peer_notif),
    },
    Ops {
        id: OptionId::ResendIgmp,
        set: set_resend_igmp,
        show: Some(show_resend_igmp),
    },
    Ops {
        id: OptionId::LpInterval,
        set: set_lp_interval,
        show: Some(show_lp_interval),
    },
    Ops {
        id: OptionId::TlbDynamicLb,
        set: set_tlb_dynamic_lb,
        show: Some(show_tlb_dynamic_lb),
    },
];

/// C `bond_option_min_links_set()`.
fn set_min_links(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.min_links = n as i32)?;
    set_carrier(c.dev, c.rtnl);
    Ok(())
}

fn show_min_links(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.min_links as u32);
}

/// C `bond_option_num_peer_notif_set()`.
fn set_num_peer_notif(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.num_peer_notif = n as i32)
}

fn show_num_peer_notif(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.num_peer_notif);
}

/// C `bond_option_resend_igmp_set()`.
fn set_resend_igmp(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.resend_igmp = n as i32)
}

fn show_resend_igmp(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.resend_igmp);
}

/// C `bond_option_lp_interval_set()`.
fn set_lp_interval(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.lp_interval = n as u32)
}

fn show_lp_interval(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.lp_interval as i32);
}

/// C `bond_option_tlb_dynamic_lb_set()`.
fn set_tlb_dynamic_lb(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.tlb_dynamic_lb = n)
}

fn show_tlb_dynamic_lb(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.tlb_dynamic_lb);
}
