// SPDX-License-Identifier: GPL-2.0

//! Options of the ARP and NS link monitors: `arp_interval`, `arp_ip_target`, `ns_ip6_target`,
//! `arp_validate`, `arp_all_targets`, `arp_missed_max`.

use super::{named, num, Ops, Set, Val};
use crate::bond::BondDriver;
use crate::dev_pr;
use crate::fmt::{ip4, Ipv6};
use crate::modes::ArpValidate;
use crate::netlink::options::{self, OptionId};
use crate::params::{BondParams, MAX_TARGETS};
use crate::safe::netdev::Dev;
use crate::safe::pernet::SysfsBuf;
use crate::safe::rtnl::Rtnl;
use core::fmt::Write;
use kernel::prelude::*;
use kernel::sync::atomic::Relaxed;

pub(super) const OPS: &[Ops] = &[
    Ops {
        id: OptionId::ArpInterval,
        set: set_arp_interval,
        show: Some(show_arp_interval),
    },
    Ops {
        id: OptionId::ArpTargets,
        set: set_arp_ip_target,
        show: Some(show_arp_ip_target),
    },
    Ops {
        id: OptionId::NsTargets,
        set: set_ns_ip6_target,
        show: None,
    },
    Ops {
        id: OptionId::ArpValidate,
        set: set_arp_validate,
        show: Some(show_arp_validate),
    },
    Ops {
        id: OptionId::ArpAllTargets,
        set: set_arp_all_targets,
        show: Some(show_arp_all_targets),
    },
    Ops {
        id: OptionId::MissedMax,
        set: set_arp_missed_max,
        show: Some(show_arp_missed_max),
    },
];

/// C `bond_option_arp_interval_set()`.
fn set_arp_interval(c: &mut Set<'_, '_>) -> Result {
    let n = c.n;
    c.update(|p, n| {
        p.arp_interval = n as i32;
        if n != 0 && p.miimon != 0 {
            p.miimon = 0;
        }
    })?;
    if c.dev.is_up() {
        let b = c.dev.private();
        if n == 0 {
            b.arp_rx.store(false, Relaxed);
            b.arp_work.cancel_sync();
        } else {
            b.arp_rx.store(true, Relaxed);
            b.mii_work.cancel_sync();
            b.arp_work.queue(0);
        }
    }
    Ok(())
}

fn show_arp_interval(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.arp_interval);
}

/// C `bond_option_arp_ip_targets_set()`: netlink adds one target per call, sysfs adds or
/// removes one ("+a.b.c.d" / "-a.b.c.d").
fn set_arp_ip_target(c: &mut Set<'_, '_>) -> Result {
    let t = match c.val {
        Val::Num(x) => (x as u32).to_ne_bytes(),
        Val::Str(s) => return arp_target_str(c.dev, s, c.rtnl),
        _ => return Err(EINVAL),
    };
    arp_target_add(c.dev, t, c.rtnl)
}

fn show_arp_ip_target(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    for t in p.arp_target.iter().filter(|t| **t != [0; 4]) {
        let _ = write!(out, "{}.{}.{}.{} ", t[0], t[1], t[2], t[3]);
    }
    out.replace_last(b'\n');
}

/// C `bond_option_ns_ip6_targets_set()` (netlink only: 16 bytes).
fn set_ns_ip6_target(c: &mut Set<'_, '_>) -> Result {
    let Val::Extra(a) = c.val else {
        return Err(EINVAL);
    };
    let mut t = [0u8; 16];
    t.copy_from_slice(a.get(..16).ok_or(EINVAL)?);
    ns_target_add(c.dev, t, c.rtnl)
}

/// C `bond_option_arp_validate_set()`.
fn set_arp_validate(c: &mut Set<'_, '_>) -> Result {
    let mut p = c.params();
    let old = p.arp_validate;
    p.arp_validate = ArpValidate::from_u64(c.n).ok_or(EINVAL)?;
    c.store(p);
    // Backups join the NS targets' groups while NS replies are validated.
    if (old != ArpValidate::None) != (p.arp_validate != ArpValidate::None) {
        let b = c.dev.private();
        for s in b.slave_list(c.rtnl) {
            crate::arpmon::set_ns_maddrs(&b, &s, p.arp_validate != ArpValidate::None, c.rtnl);
        }
    }
    Ok(())
}

fn show_arp_validate(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    named(out, OptionId::ArpValidate, p.arp_validate.as_u64());
}

/// C `bond_option_arp_all_targets_set()`.
fn set_arp_all_targets(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.arp_all_targets = n)
}

fn show_arp_all_targets(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    named(out, OptionId::ArpAllTargets, p.arp_all_targets);
}

/// C `bond_option_missed_max_set()`.
fn set_arp_missed_max(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.missed_max = n as u8)
}

fn show_arp_missed_max(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.missed_max);
}

/// C `_bond_options_arp_ip_target_set()`: target `slot` becomes `t` (0.0.0.0 to clear it), its
/// receive time on every slave `last_rx`.
fn arp_target_set(dev: &Dev<BondDriver>, slot: usize, t: [u8; 4], last_rx: usize, rtnl: &Rtnl) {
    let b = dev.private();
    let mut p = b.params(rtnl);
    let Some(x) = p.arp_target.get_mut(slot) else {
        return;
    };
    for s in b.slave_list(rtnl) {
        s.set_target_rx(slot, last_rx);
    }
    *x = t;
    b.set_params(p, rtnl);
}

/// C `bond_option_arp_ip_targets_clear()` (netlink replaces the whole list).
pub(crate) fn arp_targets_clear(dev: &Dev<BondDriver>, rtnl: &Rtnl) {
    for i in 0..MAX_TARGETS {
        arp_target_set(dev, i, [0; 4], 0, rtnl);
    }
}

/// C `_bond_option_arp_ip_target_add()`.
fn arp_target_add(dev: &Dev<BondDriver>, t: [u8; 4], rtnl: &Rtnl) -> Result {
    let p = dev.private().params(rtnl);
    if !options::ipv4_target_ok(t) {
        dev_pr!(
            Err,
            dev,
            "invalid ARP target {} specified for addition\n",
            ip4(t)
        );
        return Err(EINVAL);
    }
    if p.arp_target.contains(&t) {
        dev_pr!(Err, dev, "ARP target {} is already present\n", ip4(t));
        return Err(EINVAL);
    }
    let Some(slot) = p.arp_target.iter().position(|x| *x == [0; 4]) else {
        dev_pr!(Err, dev, "ARP target table is full!\n");
        return Err(EINVAL);
    };
    arp_target_set(dev, slot, t, crate::safe::devops::jiffies(), rtnl);
    Ok(())
}

/// C `bond_option_arp_ip_target_rem()`: the later targets and their receive times move up.
fn arp_target_rem(dev: &Dev<BondDriver>, t: [u8; 4], rtnl: &Rtnl) -> Result {
    let b = dev.private();
    let mut p = b.params(rtnl);
    if !options::ipv4_target_ok(t) {
        dev_pr!(
            Err,
            dev,
            "invalid ARP target {} specified for removal\n",
            ip4(t)
        );
        return Err(EINVAL);
    }
    let Some(ind) = p.arp_target.iter().position(|x| *x == t) else {
        dev_pr!(
            Err,
            dev,
            "unable to remove nonexistent ARP target {}\n",
            ip4(t)
        );
        return Err(EINVAL);
    };
    if ind == 0 && p.arp_target[1] == [0; 4] && p.arp_interval != 0 {
        dev_pr!(
            Warning,
            dev,
            "Removing last arp target with arp_interval on\n"
        );
    }
    // The last slot that moves: the targets after `ind` up to the first empty one.
    let last = (ind..MAX_TARGETS - 1)
        .find(|&i| p.arp_target[i + 1] == [0; 4])
        .unwrap_or(MAX_TARGETS - 1);
    for s in b.slave_list(rtnl) {
        for i in ind..last {
            s.set_target_rx(i, s.target_rx(i + 1));
        }
        s.set_target_rx(last, 0);
    }
    for i in ind..last {
        p.arp_target[i] = p.arp_target[i + 1];
    }
    p.arp_target[last] = [0; 4];
    b.set_params(p, rtnl);
    Ok(())
}

/// C `bond_option_arp_ip_targets_set()` for strings ("+a.b.c.d" / "-a.b.c.d").
fn arp_target_str(dev: &Dev<BondDriver>, s: &[u8], rtnl: &Rtnl) -> Result {
    let Some((op, t)) = s
        .split_first()
        .and_then(|(op, rest)| Some((op, options::parse_ipv4(rest)?)))
    else {
        dev_pr!(Err, dev, "invalid ARP target specified\n");
        return Err(EPERM);
    };
    match op {
        b'+' => arp_target_add(dev, t, rtnl),
        b'-' => arp_target_rem(dev, t, rtnl),
        _ => {
            dev_pr!(
                Err,
                dev,
                "no command found in arp_ip_targets file - use +<addr> or -<addr>\n"
            );
            Err(EPERM)
        }
    }
}

/// C `_bond_options_ns_ip6_target_set()`: NS target `slot` becomes `t` (`::` to clear it), its
/// receive time on every slave `last_rx`; backups change groups accordingly.
fn ns_target_set(dev: &Dev<BondDriver>, slot: usize, t: [u8; 16], last_rx: usize, rtnl: &Rtnl) {
    let b = dev.private();
    let mut p = b.params(rtnl);
    let Some(old) = p.ns_targets.get(slot).copied() else {
        return;
    };
    for s in b.slave_list(rtnl) {
        s.set_target_rx(slot, last_rx);
        crate::arpmon::replace_ns_maddr(&b, &s, &t, &old, rtnl);
    }
    p.ns_targets[slot] = t;
    b.set_params(p, rtnl);
}

/// C `bond_option_ns_ip6_targets_clear()`.
pub(crate) fn ns_targets_clear(dev: &Dev<BondDriver>, rtnl: &Rtnl) {
    for i in 0..MAX_TARGETS {
        ns_target_set(dev, i, [0; 16], 0, rtnl);
    }
}

/// C `bond_option_ns_ip6_targets_set()`.
fn ns_target_add(dev: &Dev<BondDriver>, t: [u8; 16], rtnl: &Rtnl) -> Result {
    let p = dev.private().params(rtnl);
    if !options::ipv6_target_ok(&t) {
        dev_pr!(
            Err,
            dev,
            "invalid NS target {} specified for addition\n",
            Ipv6(t)
        );
        return Err(EINVAL);
    }
    if p.ns_targets.contains(&t) {
        dev_pr!(Err, dev, "NS target {} is already present\n", Ipv6(t));
        return Err(EINVAL);
    }
    let Some(slot) = p.ns_targets.iter().position(|x| *x == [0; 16]) else {
        dev_pr!(Err, dev, "NS target table is full!\n");
        return Err(EINVAL);
    };
    ns_target_set(dev, slot, t, crate::safe::devops::jiffies(), rtnl);
    Ok(())
}
