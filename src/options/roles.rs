// SPDX-License-Identifier: GPL-2.0

//! Options of the slaves and their roles: `slaves`, `primary`, `primary_reselect`,
//! `active_slave`, `queue_id`, `prio` (a slave's), `all_slaves_active`.

use super::{all, list, name_line, named, num, with_slaves, Ops, Set, Val};
use crate::bindings;
use crate::bond::BondDriver;
use crate::failover::{change_active_slave, select_active_slave};
use crate::modes::PrimaryReselect;
use crate::netlink::options::OptionId;
use crate::params::BondParams;
use crate::safe::netdev::Dev;
use crate::safe::netpoll::NetpollTxBlock;
use crate::safe::pernet::SysfsBuf;
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::has_rx_data;
use crate::slave::Slave;
use crate::{dev_pr, slave_pr};
use core::fmt::Write;
use kernel::{prelude::*, sync::Arc};

pub(super) const OPS: &[Ops] = &[
    Ops {
        id: OptionId::Slaves,
        set: set_slaves,
        show: Some(show_slaves),
    },
    Ops {
        id: OptionId::Primary,
        set: set_primary,
        show: Some(show_primary),
    },
    Ops {
        id: OptionId::PrimaryReselect,
        set: set_primary_reselect,
        show: Some(show_primary_reselect),
    },
    Ops {
        id: OptionId::ActiveSlave,
        set: set_active_slave,
        show: Some(show_active_slave),
    },
    Ops {
        id: OptionId::QueueId,
        set: set_queue_id,
        show: Some(show_queue_id),
    },
    Ops {
        id: OptionId::Prio,
        set: set_prio,
        show: None,
    },
    Ops {
        id: OptionId::AllSlavesActive,
        set: set_all_slaves_active,
        show: Some(show_all_slaves_active),
    },
];

fn set_slaves(c: &mut Set<'_, '_>) -> Result {
    slaves_set(c.dev, c.str(), c.rtnl)
}

fn show_slaves(dev: &Dev<BondDriver>, _: &BondParams, out: &mut SysfsBuf<'_>) {
    with_slaves(dev, |set| {
        list(
            out,
            all(set).map(|s| {
                (16, move |o: &mut SysfsBuf<'_>| {
                    o.push(s.dev.name_racy().as_bytes());
                    o.push(b" ");
                })
            }),
        )
    });
}

/// C `bond_option_primary_set()`.
fn set_primary(c: &mut Set<'_, '_>) -> Result {
    let (dev, rtnl) = (c.dev, c.rtnl);
    let _block = NetpollTxBlock::new();
    let b = dev.private();
    let mut p = c.params();
    let name = c.str();
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
    Ok(())
}

fn show_primary(dev: &Dev<BondDriver>, _: &BondParams, out: &mut SysfsBuf<'_>) {
    with_slaves(dev, |set| {
        name_line(out, set.and_then(|s| s.primary.as_ref()))
    });
}

/// C `bond_option_primary_reselect_set()`.
fn set_primary_reselect(c: &mut Set<'_, '_>) -> Result {
    let r = PrimaryReselect::from_u64(c.n).ok_or(EINVAL)?;
    c.update(|p, _| p.primary_reselect = r)?;
    let _block = NetpollTxBlock::new();
    select_active_slave(c.dev, c.rtnl);
    Ok(())
}

fn show_primary_reselect(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    named(out, OptionId::PrimaryReselect, p.primary_reselect.as_u64());
}

fn set_active_slave(c: &mut Set<'_, '_>) -> Result {
    active_slave_set(c.dev, c.str(), c.rtnl)
}

fn show_active_slave(dev: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    if p.mode.uses_primary() {
        with_slaves(dev, |set| {
            name_line(out, set.and_then(|s| s.active.as_ref()))
        });
    }
}

fn set_queue_id(c: &mut Set<'_, '_>) -> Result {
    queue_id_set(c.dev, c.str(), c.rtnl)
}

fn show_queue_id(dev: &Dev<BondDriver>, _: &BondParams, out: &mut SysfsBuf<'_>) {
    with_slaves(dev, |set| {
        list(
            out,
            all(set).map(|s| {
                (16 + 6, move |o: &mut SysfsBuf<'_>| {
                    o.push(s.dev.name_racy().as_bytes());
                    let _ = write!(o, ":{} ", s.queue_id());
                })
            }),
        )
    });
}

/// C `bond_option_prio_set()`: a slave's priority in the choice of the active slave.
fn set_prio(c: &mut Set<'_, '_>) -> Result {
    let (dev, rtnl) = (c.dev, c.rtnl);
    let b = dev.private();
    let Val::Slave(sdev, x) = c.val else {
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
    Ok(())
}

/// C `bond_option_all_slaves_active_set()`.
fn set_all_slaves_active(c: &mut Set<'_, '_>) -> Result {
    let mut p = c.params();
    let n = c.n;
    if n as i32 == p.all_slaves_active {
        return Ok(());
    }
    p.all_slaves_active = n as i32;
    c.store(p);
    for s in c.dev.private().slave_list(c.rtnl) {
        if !s.is_active() {
            s.set_inactive(n == 0);
        }
    }
    Ok(())
}

fn show_all_slaves_active(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.all_slaves_active);
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
        let _block = NetpollTxBlock::new();
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
    let _block = NetpollTxBlock::new();
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
    // sscanf("%hd") skips blanks before the number.
    let rest = &rest[rest
        .iter()
        .take_while(|c| c.is_ascii_whitespace() || **c == 0x0b)
        .count()..];
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
