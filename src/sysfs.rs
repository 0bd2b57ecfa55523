// SPDX-License-Identifier: GPL-2.0

//! `/sys/class/net/<bond>/bonding/` (C `bond_sysfs.c`): every option as a
//! file, written through the option layer ([`crate::options::opt_set`])
//! exactly as C's `bonding_sysfs_store_option()` does.
//!
//! `show` never takes RTNL, as C's: `ip link del` removes these files under RTNL and waits for
//! their readers to leave, so a reader waiting for RTNL would deadlock it. The configuration is
//! read as one consistent copy ([`crate::bond::Bond::params_shown`]), the slaves from the
//! published slave set under RCU. `store` only tries RTNL and restarts the write otherwise, as
//! C's `bond_opt_tryset_rtnl()`.

use crate::bond::{BondDriver, SlaveSet};
use crate::fmt::Mac;
use crate::modes::Mode;
use crate::netlink::options::{self, OptionId};
use crate::options::{opt_set_notify, Val};
use crate::safe::devops::capable_net_admin;
use crate::safe::netdev::Dev;
use crate::safe::pernet::SysfsBuf;
use crate::safe::rtnl::Rtnl;
use crate::safe::sysfs::{dev_attr_group, restart_syscall, AttrDef, DevAttrs};
use crate::slave::Slave;
use core::fmt::Write;
use kernel::{prelude::*, sync::rcu, sync::Arc};

macro_rules! attrs {
    ($($name:literal $mode:literal),* $(,)?) => {
        &[$(AttrDef { name: $name, mode: $mode }),*]
    };
}

/// C `per_bond_attrs[]`, in order.
const ATTRS: &[AttrDef] = attrs![
    c"slaves" 0o644, c"mode" 0o644, c"fail_over_mac" 0o644, c"arp_validate" 0o644,
    c"arp_all_targets" 0o644, c"arp_interval" 0o644, c"arp_ip_target" 0o644,
    c"downdelay" 0o644, c"updelay" 0o644, c"peer_notif_delay" 0o644, c"lacp_active" 0o644,
    c"lacp_rate" 0o644, c"ad_select" 0o644, c"xmit_hash_policy" 0o644, c"num_grat_arp" 0o644,
    c"num_unsol_na" 0o644, c"miimon" 0o644, c"primary" 0o644, c"primary_reselect" 0o644,
    c"use_carrier" 0o644, c"active_slave" 0o644, c"mii_status" 0o444, c"ad_aggregator" 0o444,
    c"ad_num_ports" 0o444, c"ad_actor_key" 0o444, c"ad_partner_key" 0o444,
    c"ad_partner_mac" 0o444, c"queue_id" 0o644, c"all_slaves_active" 0o644,
    c"resend_igmp" 0o644, c"min_links" 0o644, c"lp_interval" 0o644,
    c"packets_per_slave" 0o644, c"tlb_dynamic_lb" 0o644, c"ad_actor_sys_prio" 0o644,
    c"ad_actor_system" 0o644, c"ad_user_port_key" 0o644, c"arp_missed_max" 0o644,
];

dev_attr_group! {
    /// The `bonding` group.
    pub(crate) static BOND_GROUP: BondDriver = c"bonding";
}

fn named(out: &mut SysfsBuf<'_>, id: OptionId, v: u64) {
    let _ = writeln!(out, "{} {}", options::value_name(id, v).unwrap_or(""), v);
}

/// A space-separated list with C's `++more++` cut and the last space turned
/// into a newline.
fn list(
    out: &mut SysfsBuf<'_>,
    items: impl Iterator<Item = (usize, impl FnOnce(&mut SysfsBuf<'_>))>,
) {
    let cap = out.capacity();
    for (room, emit) in items {
        if out.len() > cap - room {
            if cap - out.len() > 10 {
                out.set_len(cap - 10);
            }
            out.push(b"++more++ ");
            break;
        }
        emit(out);
    }
    out.replace_last(b'\n');
}

/// Calls `f` with the published slave set under RCU (C `rcu_read_lock()` around
/// `bond_for_each_slave_rcu()`); `None` while none is published.
fn with_slaves<R>(dev: &Dev<BondDriver>, f: impl FnOnce(Option<&SlaveSet>) -> R) -> R {
    let guard = rcu::read_lock();
    f(dev.private().slaves.read(&guard))
}

/// The slaves of `set`, in enslave order.
fn all(set: Option<&SlaveSet>) -> impl Iterator<Item = &Arc<Slave>> {
    set.into_iter().flat_map(|s| s.all.iter())
}

/// A slave's name followed by a newline, or nothing.
fn name_line(out: &mut SysfsBuf<'_>, s: Option<&Arc<Slave>>) {
    if let Some(s) = s {
        out.push(s.dev.name_racy().as_bytes());
        out.push(b"\n");
    }
}

impl DevAttrs for BondDriver {
    const ATTRS: &'static [AttrDef] = ATTRS;

    fn show(dev: &Dev<Self>, idx: usize, out: &mut SysfsBuf<'_>) -> Result {
        let b = dev.private();
        let p = b.params_shown();
        let mode = p.mode;
        let name = ATTRS.get(idx).ok_or(EINVAL)?.name.to_bytes();
        match name {
            b"slaves" => with_slaves(dev, |set| {
                list(
                    out,
                    all(set).map(|s| {
                        (16, move |o: &mut SysfsBuf<'_>| {
                            o.push(s.dev.name_racy().as_bytes());
                            o.push(b" ");
                        })
                    }),
                )
            }),
            b"mode" => named(out, OptionId::Mode, p.mode.as_u64()),
            b"fail_over_mac" => named(out, OptionId::FailOverMac, p.fail_over_mac.as_u64()),
            b"arp_validate" => named(out, OptionId::ArpValidate, p.arp_validate.as_u64()),
            b"arp_all_targets" => named(out, OptionId::ArpAllTargets, p.arp_all_targets),
            b"arp_interval" => drop(writeln!(out, "{}", p.arp_interval)),
            b"arp_ip_target" => {
                for t in p.arp_target.iter().filter(|t| **t != [0; 4]) {
                    let _ = write!(out, "{}.{}.{}.{} ", t[0], t[1], t[2], t[3]);
                }
                out.replace_last(b'\n');
            }
            b"downdelay" => drop(writeln!(out, "{}", p.downdelay * p.miimon)),
            b"updelay" => drop(writeln!(out, "{}", p.updelay * p.miimon)),
            b"peer_notif_delay" => drop(writeln!(out, "{}", p.peer_notif_delay * p.miimon)),
            b"lacp_active" => named(out, OptionId::LacpActive, p.lacp_active),
            b"lacp_rate" => named(out, OptionId::LacpRate, p.lacp_fast),
            b"ad_select" => named(out, OptionId::AdSelect, p.ad_select),
            b"xmit_hash_policy" => named(out, OptionId::XmitHashPolicy, p.xmit_policy.as_u64()),
            b"num_grat_arp" | b"num_unsol_na" => drop(writeln!(out, "{}", p.num_peer_notif)),
            b"miimon" => drop(writeln!(out, "{}", p.miimon)),
            b"primary" => with_slaves(dev, |set| {
                name_line(out, set.and_then(|s| s.primary.as_ref()))
            }),
            b"primary_reselect" => {
                named(out, OptionId::PrimaryReselect, p.primary_reselect.as_u64())
            }
            b"use_carrier" => out.push(b"1\n"),
            b"active_slave" if mode.uses_primary() => with_slaves(dev, |set| {
                name_line(out, set.and_then(|s| s.active.as_ref()))
            }),
            b"active_slave" => {}
            b"mii_status" => out.push(if dev.carrier_ok() { b"up\n" } else { b"down\n" }),
            // 802.3ad only; empty in the other modes (and the keys, addresses and settings for
            // readers without CAP_NET_ADMIN), as C.
            b"ad_aggregator" | b"ad_num_ports" | b"ad_actor_key" | b"ad_partner_key"
            | b"ad_partner_mac" | b"ad_actor_sys_prio" | b"ad_actor_system"
            | b"ad_user_port_key"
                if mode == Mode::Ieee8023ad =>
            {
                let admin = capable_net_admin();
                let info = crate::policy::lacp::active_agg_info(dev);
                let num = |f: fn(&crate::modes::lacp::AggInfo) -> u16| {
                    info.as_ref().map_or(0, |a| i32::from(f(a)))
                };
                let _ = match name {
                    b"ad_aggregator" => writeln!(out, "{}", num(|a| a.aggregator_id)),
                    b"ad_num_ports" => writeln!(out, "{}", num(|a| a.ports)),
                    b"ad_actor_key" if admin => writeln!(out, "{}", num(|a| a.actor_key)),
                    b"ad_partner_key" if admin => writeln!(out, "{}", num(|a| a.partner_key)),
                    b"ad_partner_mac" if admin => match info {
                        Some(a) => writeln!(out, "{}", Mac(&a.partner_system)),
                        None => Ok(()),
                    },
                    b"ad_actor_sys_prio" if admin => writeln!(out, "{}", p.ad_actor_sys_prio),
                    b"ad_actor_system" if admin => writeln!(out, "{}", Mac(&p.ad_actor_system)),
                    b"ad_user_port_key" if admin => writeln!(out, "{}", p.ad_user_port_key),
                    _ => Ok(()),
                };
            }
            b"ad_aggregator" | b"ad_num_ports" | b"ad_actor_key" | b"ad_partner_key"
            | b"ad_partner_mac" | b"ad_actor_sys_prio" | b"ad_actor_system"
            | b"ad_user_port_key" => {}
            b"queue_id" => with_slaves(dev, |set| {
                list(
                    out,
                    all(set).map(|s| {
                        (16 + 6, move |o: &mut SysfsBuf<'_>| {
                            o.push(s.dev.name_racy().as_bytes());
                            let _ = write!(o, ":{} ", s.queue_id());
                        })
                    }),
                )
            }),
            b"all_slaves_active" => drop(writeln!(out, "{}", p.all_slaves_active)),
            b"resend_igmp" => drop(writeln!(out, "{}", p.resend_igmp)),
            b"min_links" => drop(writeln!(out, "{}", p.min_links as u32)),
            b"lp_interval" => drop(writeln!(out, "{}", p.lp_interval as i32)),
            b"packets_per_slave" => drop(writeln!(out, "{}", p.packets_per_slave as u32)),
            b"tlb_dynamic_lb" => drop(writeln!(out, "{}", p.tlb_dynamic_lb)),
            b"arp_missed_max" => drop(writeln!(out, "{}", p.missed_max)),
            _ => return Err(EINVAL),
        }
        Ok(())
    }

    fn store(dev: &Dev<Self>, idx: usize, input: &[u8]) -> Result {
        // C `bonding_sysfs_store_option()` + `bond_opt_tryset_rtnl()`.
        let name = ATTRS.get(idx).ok_or(EINVAL)?.name.to_bytes();
        let opt = options::find_by_name(name).ok_or(ENOENT)?;
        let id = OptionId::ALL
            .iter()
            .copied()
            .find(|&i| core::ptr::eq(options::option(i), opt))
            .ok_or(ENOENT)?;
        let Some(rtnl) = Rtnl::try_lock() else {
            return Err(restart_syscall());
        };
        // C copies the buffer with kstrndup(): stop at a NUL.
        let input = input.split(|&c| c == 0).next().unwrap_or(&[]);
        opt_set_notify(dev, id, Val::Str(input), &rtnl)
    }
}
