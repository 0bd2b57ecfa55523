// SPDX-License-Identifier: GPL-2.0

//! Setting options (C `__bond_opt_set()` and the `bond_option_*_set()`
//! functions of `bond_options.c`), for every interface: rtnetlink
//! ([`crate::rtnetlink`]), sysfs ([`crate::sysfs`]), the ioctls and the
//! module parameters.
//!
//! Parsing, validation, dependency checks and error texts come from the
//! shared option table ([`crate::netlink::options`]); this file holds what
//! each option does to a bond.

use crate::bindings;
use crate::bond::BondDriver;
use crate::failover::{change_active_slave, select_active_slave, set_carrier};
use crate::fmt::{ip4, Ipv6};
use crate::modes::{ArpValidate, FailOverMac, Mode, PrimaryReselect, XmitHashPolicy};
use crate::netlink::options::{self, OptInput, OptionId};
use crate::params::MAX_TARGETS;
use crate::safe::link::{Attr, ExtAck};
use crate::safe::netdev::{Dev, NetDevice};
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::has_rx_data;
use crate::slave::Slave;
use crate::{dev_pr, slave_pr};
use kernel::sync::atomic::Relaxed;
use kernel::{prelude::*, sync::Arc};

/// A value being set (C `struct bond_opt_value` as initialised by
/// `bond_opt_initval()` / `initstr()` / `slave_initval()`).
#[derive(Clone, Copy)]
pub(crate) enum Val<'a> {
    /// A number (netlink).
    Num(u64),
    /// A string (sysfs, or netlink values C converts to strings).
    Str(&'a [u8]),
    /// A number for a slave (prio, actor_port_prio).
    Slave(&'a NetDevice, u64),
    /// Raw bytes (IPv6 NS target).
    Extra(&'a [u8]),
}

impl<'a> Val<'a> {
    fn input(self) -> Option<OptInput<'a>> {
        match self {
            Val::Num(n) | Val::Slave(_, n) => Some(OptInput::Num(n)),
            Val::Str(s) => Some(OptInput::Str(s)),
            Val::Extra(_) => Some(OptInput::Num(u64::MAX)),
        }
    }
}

/// C `__bond_opt_set()`: checks, parses, applies; logs and fills the
/// extack like C on error.
pub(crate) fn opt_set(
    dev: &Dev<BondDriver>,
    id: OptionId,
    val: Val<'_>,
    bad_attr: Option<&Attr<'_>>,
    extack: &mut ExtAck<'_>,
    rtnl: &Rtnl,
) -> Result {
    let b = dev.private();
    let mode = b.mode();
    let has_slaves = b.slave_count(rtnl) != 0;
    let res = match options::validate(
        id,
        mode,
        has_slaves,
        dev.is_up(),
        val.input().unwrap_or(OptInput::Num(0)),
    ) {
        Err(e) => Err(e.errno()),
        Ok(v) => apply(dev, id, v, val, extack, rtnl).map_err(|e| e.to_errno()),
    };
    let Err(err) = res else {
        return Ok(());
    };
    // C `bond_opt_error_interpret()`.
    if let Some(m) = options::error_extack(err, id, mode, val.input()) {
        if let Some(a) = bad_attr {
            extack.set_bad_attr(a);
        }
        extack.set_msg(format_args!("{}", m));
    }
    options::error_log(err, id, mode, val.input(), |args| {
        dev_pr!(Err, dev, "{}", args)
    });
    Err(Error::from_errno(err))
}

/// C `__bond_opt_set_notify()`: [`opt_set`] without extack, then
/// `NETDEV_CHANGEINFODATA` on success (sysfs and ioctl paths).
pub(crate) fn opt_set_notify(
    dev: &Dev<BondDriver>,
    id: OptionId,
    val: Val<'_>,
    rtnl: &Rtnl,
) -> Result {
    opt_set(dev, id, val, None, &mut ExtAck::none(), rtnl)?;
    if dev.registered() {
        dev.notify(bindings::netdev_cmd_NETDEV_CHANGEINFODATA, rtnl);
    }
    Ok(())
}

fn str_of(val: Val<'_>) -> &[u8] {
    match val {
        Val::Str(s) => options::strip_at_newline(s),
        _ => &[],
    }
}

/// Refuses a valid value whose effect bonding-rs does not have yet: `-EOPNOTSUPP`, with the
/// same "not implemented yet" text in the kernel log and the extack. Nothing is stored, so no
/// option is ever accepted without acting.
fn not_yet(
    dev: &Dev<BondDriver>,
    extack: &mut ExtAck<'_>,
    what: core::fmt::Arguments<'_>,
) -> Error {
    dev_pr!(Err, dev, "bonding-rs: {} is not implemented yet\n", what);
    extack.set_msg(format_args!("bonding-rs: {} is not implemented yet", what));
    EOPNOTSUPP
}

/// The option setters (`opt->set`). `v` is the parsed value (`None` for
/// RAWVAL options, which read `val`).
fn apply(
    dev: &Dev<BondDriver>,
    id: OptionId,
    v: Option<u64>,
    val: Val<'_>,
    extack: &mut ExtAck<'_>,
    rtnl: &Rtnl,
) -> Result {
    let b = dev.private();
    let mut p = b.params(rtnl);
    let n = v.unwrap_or(0);
    match id {
        OptionId::Mode => {
            let m = Mode::from_u64(n).ok_or(EINVAL)?;
            if !crate::policy::implemented(m) {
                return Err(not_yet(dev, extack, format_args!("mode {}", m.name())));
            }
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
            b.set_params(p, rtnl);
            #[cfg(CONFIG_XFRM_OFFLOAD)]
            if dev.registered() {
                crate::ipsec::mode_changed(dev, m, rtnl);
            }
        }
        OptionId::PacketsPerSlave => {
            p.packets_per_slave = n as i32;
            b.set_params(p, rtnl);
        }
        OptionId::XmitHashPolicy => {
            p.xmit_policy = XmitHashPolicy::from_u64(n).ok_or(EINVAL)?;
            b.set_params(p, rtnl);
        }
        OptionId::ArpValidate => {
            let old = p.arp_validate;
            p.arp_validate = ArpValidate::from_u64(n).ok_or(EINVAL)?;
            b.set_params(p, rtnl);
            // Backups join the NS targets' groups while NS replies are validated.
            if (old != ArpValidate::None) != (p.arp_validate != ArpValidate::None) {
                for s in b.slave_list(rtnl) {
                    crate::arpmon::set_ns_maddrs(&b, &s, p.arp_validate != ArpValidate::None, rtnl);
                }
            }
        }
        OptionId::ArpAllTargets => {
            p.arp_all_targets = n;
            b.set_params(p, rtnl);
        }
        OptionId::FailOverMac => {
            p.fail_over_mac = FailOverMac::from_u64(n).ok_or(EINVAL)?;
            b.set_params(p, rtnl);
        }
        OptionId::ArpInterval => {
            p.arp_interval = n as i32;
            if n != 0 && p.miimon != 0 {
                p.miimon = 0;
            }
            b.set_params(p, rtnl);
            if dev.is_up() {
                if n == 0 {
                    b.arp_rx.store(false, Relaxed);
                    b.arp_work.cancel_sync();
                } else {
                    b.arp_rx.store(true, Relaxed);
                    b.mii_work.cancel_sync();
                    b.arp_work.queue(0);
                }
            }
        }
        OptionId::MissedMax => {
            p.missed_max = n as u8;
            b.set_params(p, rtnl);
        }
        OptionId::ArpTargets => {
            // Netlink adds one target per call (C `bond_option_arp_ip_targets_set()`).
            let t = match val {
                Val::Num(x) => (x as u32).to_ne_bytes(),
                Val::Str(s) => return arp_target_str(dev, s, rtnl),
                _ => return Err(EINVAL),
            };
            return arp_target_add(dev, t, rtnl);
        }
        OptionId::NsTargets => {
            let Val::Extra(a) = val else {
                return Err(EINVAL);
            };
            let mut t = [0u8; 16];
            t.copy_from_slice(a.get(..16).ok_or(EINVAL)?);
            return ns_target_add(dev, t, rtnl);
        }
        OptionId::DownDelay | OptionId::UpDelay | OptionId::PeerNotifDelay => {
            let name = match id {
                OptionId::DownDelay => "down delay",
                OptionId::UpDelay => "up delay",
                _ => "peer notification delay",
            };
            if p.miimon == 0 {
                dev_pr!(
                    Err,
                    dev,
                    "Unable to set {} as MII monitoring is disabled\n",
                    name
                );
                return Err(EPERM);
            }
            let value = n as i32;
            if value % p.miimon != 0 {
                dev_pr!(
                    Warning,
                    dev,
                    "{} ({}) is not a multiple of miimon ({}), value rounded to {} ms\n",
                    name,
                    value,
                    p.miimon,
                    (value / p.miimon) * p.miimon
                );
            }
            let t = value / p.miimon;
            match id {
                OptionId::DownDelay => p.downdelay = t,
                OptionId::UpDelay => p.updelay = t,
                _ => p.peer_notif_delay = t,
            }
            b.set_params(p, rtnl);
        }
        OptionId::LacpActive => {
            p.lacp_active = n;
            b.set_params(p, rtnl);
        }
        OptionId::LacpRate => {
            p.lacp_fast = n;
            b.set_params(p, rtnl);
        }
        OptionId::LacpStrict => {
            p.lacp_strict = n as u8;
            b.set_params(p, rtnl);
        }
        OptionId::MinLinks => {
            p.min_links = n as i32;
            b.set_params(p, rtnl);
            set_carrier(dev, rtnl);
        }
        OptionId::AdSelect => {
            p.ad_select = n;
            b.set_params(p, rtnl);
        }
        OptionId::NumPeerNotif | OptionId::NumPeerNotifAlias => {
            p.num_peer_notif = n as i32;
            b.set_params(p, rtnl);
        }
        OptionId::MiiMon => {
            p.miimon = n as i32;
            if n != 0 && p.arp_interval != 0 {
                p.arp_interval = 0;
                p.arp_validate = ArpValidate::None;
            }
            b.set_params(p, rtnl);
            if dev.is_up() {
                if n == 0 {
                    b.mii_work.cancel_sync();
                } else {
                    // The ARP monitor was switched off above.
                    b.arp_rx.store(false, Relaxed);
                    b.arp_work.cancel_sync();
                    b.mii_work.cancel_sync();
                    b.mii_work.queue(0);
                }
            }
        }
        OptionId::Prio => {
            let Val::Slave(sdev, x) = val else {
                return Err(EINVAL);
            };
            let Some(s) = b.slave_of(sdev, rtnl) else {
                return Err(ENODEV);
            };
            s.set_prio(x as i32);
            if b.primary(rtnl).is_some() {
                slave_pr!(Warning, dev, &s.dev, rtnl, "prio updated, but will not affect failover re-selection as primary slave have been set\n");
            } else {
                select_active_slave(dev, rtnl);
            }
        }
        OptionId::Primary => {
            let name = str_of(val);
            if name.is_empty() {
                b.set_primary(None, rtnl);
                p.primary_name = [0; 16];
                b.set_params(p, rtnl);
                select_active_slave(dev, rtnl);
                return Ok(());
            }
            if let Some(s) = b
                .slave_list(rtnl)
                .find(|s| s.dev.name(rtnl).to_bytes() == &name[..name.len().min(15)])
            {
                b.set_primary(Some(s.clone()), rtnl);
                p.primary_name = [0; 16];
                let nm = s.dev.name(rtnl).to_bytes();
                p.primary_name[..nm.len()].copy_from_slice(nm);
                b.set_params(p, rtnl);
                b.force_primary.set(rtnl, true);
                select_active_slave(dev, rtnl);
                return Ok(());
            }
            if b.primary(rtnl).is_some() {
                b.set_primary(None, rtnl);
                select_active_slave(dev, rtnl);
            }
            p.primary_name = [0; 16];
            let k = name.len().min(15);
            p.primary_name[..k].copy_from_slice(&name[..k]);
            b.set_params(p, rtnl);
        }
        OptionId::PrimaryReselect => {
            p.primary_reselect = PrimaryReselect::from_u64(n).ok_or(EINVAL)?;
            b.set_params(p, rtnl);
            select_active_slave(dev, rtnl);
        }
        OptionId::UseCarrier => {}
        OptionId::ActiveSlave => return active_slave_set(dev, str_of(val), rtnl),
        OptionId::QueueId => return queue_id_set(dev, str_of(val), rtnl),
        OptionId::AllSlavesActive => {
            if n as i32 == p.all_slaves_active {
                return Ok(());
            }
            p.all_slaves_active = n as i32;
            b.set_params(p, rtnl);
            for s in b.slave_list(rtnl) {
                if !s.is_active() {
                    s.set_inactive(n == 0);
                }
            }
        }
        OptionId::ResendIgmp => {
            p.resend_igmp = n as i32;
            b.set_params(p, rtnl);
        }
        OptionId::LpInterval => {
            p.lp_interval = n as u32;
            b.set_params(p, rtnl);
        }
        OptionId::Slaves => return slaves_set(dev, str_of(val), rtnl),
        OptionId::TlbDynamicLb => {
            p.tlb_dynamic_lb = n;
            b.set_params(p, rtnl);
        }
        OptionId::AdActorSysPrio => {
            p.ad_actor_sys_prio = n as u16;
            b.set_params(p, rtnl);
        }
        OptionId::AdActorSystem => {
            // C `bond_option_ad_actor_system_set()`: a string (sysfs) through mac_pton(), a
            // number (netlink) as the address's bytes.
            let mac = match val {
                Val::Num(x) => {
                    let b8 = x.to_ne_bytes();
                    Some([b8[0], b8[1], b8[2], b8[3], b8[4], b8[5]])
                }
                Val::Str(s) => options::mac_pton(s),
                _ => None,
            };
            let Some(mac) = mac.filter(|m| m[0] & 1 == 0) else {
                dev_pr!(Err, dev, "Invalid ad_actor_system MAC address.\n");
                return Err(EINVAL);
            };
            p.ad_actor_system = mac;
            b.set_params(p, rtnl);
        }
        OptionId::AdUserPortKey => {
            p.ad_user_port_key = n as u16;
            b.set_params(p, rtnl);
        }
        OptionId::CoupledControl => {
            dev_pr!(
                Info,
                dev,
                "Setting coupled_control to {} ({})\n",
                options::value_name(id, n).unwrap_or(""),
                n
            );
            p.coupled_control = n as u8;
            b.set_params(p, rtnl);
        }
        OptionId::BroadcastNeighbor => {
            p.broadcast_neighbor = n as u8;
            b.set_params(p, rtnl);
        }
        OptionId::ActorPortPrio => {
            let Val::Slave(sdev, x) = val else {
                return Err(EINVAL);
            };
            let Some(s) = b.slave_of(sdev, rtnl) else {
                return Err(ENODEV);
            };
            crate::policy::lacp::set_port_priority(dev, &s, x as u16, rtnl);
        }
    }
    // What the option does to the 802.3ad machines' state.
    crate::policy::lacp::option_set(dev, id, rtnl);
    Ok(())
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

/// C `bond_option_active_slave_set()`.
fn active_slave_set(dev: &Dev<BondDriver>, s: &[u8], rtnl: &Rtnl) -> Result {
    let b = dev.private();
    let name = s
        .split(|c| c.is_ascii_whitespace())
        .find(|w| !w.is_empty())
        .unwrap_or(&[]);
    let name = &name[..name.len().min(15)];
    if name.is_empty() {
        change_active_slave(dev, None, rtnl);
        select_active_slave(dev, rtnl);
        return Ok(());
    }
    let mut buf = [0u8; 16];
    buf[..name.len()].copy_from_slice(name);
    let cname = CStr::from_bytes_until_nul(&buf).map_err(|_| EINVAL)?;
    let Some(sdev) = dev.peer_by_name(cname, rtnl) else {
        return Err(ENODEV);
    };
    if sdev.flags() & bindings::IFF_SLAVE == 0 {
        slave_pr!(Err, dev, sdev, rtnl, "Device is not bonding slave\n");
        return Err(EINVAL);
    }
    if !sdev.master_is(dev, rtnl) {
        slave_pr!(Err, dev, sdev, rtnl, "Device is not our slave\n");
        return Err(EINVAL);
    }
    let Some(new) = has_rx_data::<Slave>(sdev, rtnl)
        .then(|| b.slave_of(sdev, rtnl))
        .flatten()
    else {
        return Err(EINVAL);
    };
    let old = b.active(rtnl);
    if old.as_ref().is_some_and(|o| Arc::ptr_eq(o, &new)) {
        return Ok(());
    }
    if old.is_some() && new.link() == crate::modes::slaves::Link::Up && new.is_up() {
        change_active_slave(dev, Some(new), rtnl);
        Ok(())
    } else {
        slave_pr!(
            Err,
            dev,
            &new.dev,
            rtnl,
            "Could not set as active slave; either {} is down or the link is down\n",
            new.dev.name(rtnl).to_str().unwrap_or("?")
        );
        Err(EINVAL)
    }
}

/// C `bond_option_queue_id_set()`.
fn queue_id_set(dev: &Dev<BondDriver>, s: &[u8], rtnl: &Rtnl) -> Result {
    let b = dev.private();
    let Some(colon) = s.iter().position(|&c| c == b':') else {
        return Err(EPERM);
    };
    let (name, rest) = (&s[..colon], &s[colon + 1..]);
    let digits: &[u8] = {
        let t = rest
            .iter()
            .position(|c| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        &rest[..t]
    };
    if digits.is_empty() {
        return Err(EPERM);
    }
    let qid = digits.iter().fold(0u32, |a, &c| {
        a.wrapping_mul(10).wrapping_add(u32::from(c - b'0'))
    }) as u16;
    if name.is_empty() || name.len() >= 16 || u32::from(qid) > dev.real_num_tx_queues() {
        return Err(EPERM);
    }
    let mut buf = [0u8; 17];
    buf[..name.len()].copy_from_slice(name);
    let cname = CStr::from_bytes_until_nul(&buf).map_err(|_| EPERM)?;
    let sdev = dev.peer_by_name(cname, rtnl).ok_or(EPERM)?;
    let mut update = None;
    for sl in b.slave_list(rtnl) {
        if core::ptr::eq(sl.dev.as_ptr(), sdev.as_ptr()) {
            update = Some(sl.clone());
        } else if qid != 0 && qid == sl.queue_id() {
            return Err(EPERM);
        }
    }
    update.ok_or(EPERM)?.set_queue_id(qid);
    Ok(())
}

/// C `bond_option_slaves_set()` ("+eth0" / "-eth0").
fn slaves_set(dev: &Dev<BondDriver>, s: &[u8], rtnl: &Rtnl) -> Result {
    // sscanf("%16s"): the first word, at most 16 bytes.
    let word = s
        .split(|c| c.is_ascii_whitespace())
        .find(|w| !w.is_empty())
        .unwrap_or(&[]);
    let word = &word[..word.len().min(16)];
    let no_cmd = || {
        dev_pr!(
            Err,
            dev,
            "no command found in slaves file - use +ifname or -ifname\n"
        );
        EPERM
    };
    let (op, name) = match word.split_first() {
        Some((&op, name)) if (op == b'+' || op == b'-') && crate::fmt::dev_valid_name(name) => {
            (op, name)
        }
        _ => return Err(no_cmd()),
    };
    let mut buf = [0u8; 17];
    buf[..name.len()].copy_from_slice(name);
    let cname = CStr::from_bytes_until_nul(&buf).map_err(|_| EPERM)?;
    let sdev = dev.peer_by_name(cname, rtnl).ok_or(ENODEV)?;
    if op == b'+' {
        crate::enslave::enslave(dev, sdev, None, rtnl)
    } else {
        crate::enslave::release(dev, sdev, false, false, rtnl)
    }
}
