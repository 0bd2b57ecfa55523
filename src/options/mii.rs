// SPDX-License-Identifier: GPL-2.0

//! Options of the MII link monitor: `miimon`, `updelay`, `downdelay`, `peer_notif_delay`,
//! `use_carrier`, bonding-rs's `carrier_events`; the read-only `mii_status`.

use super::{num, Ops, Set};
use crate::bond::BondDriver;
use crate::dev_pr;
use crate::modes::ArpValidate;
use crate::netlink::options::OptionId;
use crate::params::BondParams;
use crate::safe::netdev::Dev;
use crate::safe::pernet::SysfsBuf;
use kernel::prelude::*;
use kernel::sync::atomic::Relaxed;

pub(super) const OPS: &[Ops] = &[
    Ops {
        id: OptionId::MiiMon,
        set: set_miimon,
        show: Some(show_miimon),
    },
    Ops {
        id: OptionId::UpDelay,
        set: set_updelay,
        show: Some(show_updelay),
    },
    Ops {
        id: OptionId::DownDelay,
        set: set_downdelay,
        show: Some(show_downdelay),
    },
    Ops {
        id: OptionId::PeerNotifDelay,
        set: set_peer_notif_delay,
        show: Some(show_peer_notif_delay),
    },
    Ops {
        id: OptionId::UseCarrier,
        set: set_use_carrier,
        show: Some(show_use_carrier),
    },
    Ops {
        id: OptionId::CarrierEvents,
        set: set_carrier_events,
        show: Some(show_carrier_events),
    },
];

/// C `bond_option_miimon_set()`.
fn set_miimon(c: &mut Set<'_, '_>) -> Result {
    let n = c.n;
    c.update(|p, n| {
        p.miimon = n as i32;
        if n != 0 && p.arp_interval != 0 {
            p.arp_interval = 0;
            p.arp_validate = ArpValidate::None;
        }
    })?;
    if c.dev.is_up() {
        let b = c.dev.private();
        if n == 0 {
            b.mii_work.cancel_sync();
        } else {
            // The ARP monitor was switched off above.
            b.arp_rx.store(false, Relaxed);
            b.arp_work.cancel_sync();
            b.mii_work.cancel_sync();
            b.start_mii();
        }
    }
    Ok(())
}

fn show_miimon(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.miimon);
}

/// C `_bond_option_delay_set()`: a delay in milliseconds, kept in MII monitor periods.
fn set_delay(c: &mut Set<'_, '_>, name: &str, field: fn(&mut BondParams) -> &mut i32) -> Result {
    let mut p = c.params();
    if p.miimon == 0 {
        dev_pr!(
            Err,
            c.dev,
            "Unable to set {} as MII monitoring is disabled\n",
            name
        );
        return Err(EPERM);
    }
    let value = c.n as i32;
    // miimon > 0 here: the checked forms only keep a panic path out of the code (objtool).
    let (Some(ticks), Some(rem)) = (value.checked_div(p.miimon), value.checked_rem(p.miimon))
    else {
        return Err(EINVAL);
    };
    if rem != 0 {
        dev_pr!(
            Warning,
            c.dev,
            "{} ({}) is not a multiple of miimon ({}), value rounded to {} ms\n",
            name,
            value,
            p.miimon,
            ticks.wrapping_mul(p.miimon)
        );
    }
    *field(&mut p) = ticks;
    c.store(p);
    Ok(())
}

/// C `bond_option_updelay_set()`.
fn set_updelay(c: &mut Set<'_, '_>) -> Result {
    set_delay(c, "up delay", |p| &mut p.updelay)
}

fn show_updelay(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.updelay_ms());
}

/// C `bond_option_downdelay_set()`.
fn set_downdelay(c: &mut Set<'_, '_>) -> Result {
    set_delay(c, "down delay", |p| &mut p.downdelay)
}

fn show_downdelay(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.downdelay_ms());
}

/// C `bond_option_peer_notif_delay_set()`.
fn set_peer_notif_delay(c: &mut Set<'_, '_>) -> Result {
    set_delay(c, "peer notification delay", |p| &mut p.peer_notif_delay)
}

fn show_peer_notif_delay(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.peer_notif_delay_ms());
}

/// C `bond_option_use_carrier_set()`: the only value the table accepts is "on".
fn set_use_carrier(_: &mut Set<'_, '_>) -> Result {
    Ok(())
}

fn show_use_carrier(_: &Dev<BondDriver>, _: &BondParams, out: &mut SysfsBuf<'_>) {
    out.push(b"1\n");
}

/// bonding-rs's `carrier_events` (sysfs and module parameter only): read by the netdev notifier
/// under RTNL at each slave event (`monitor::carrier_event`), so a change acts from the next one.
fn set_carrier_events(c: &mut Set<'_, '_>) -> Result {
    c.update(|p, n| p.carrier_events = u8::from(n != 0))
}

fn show_carrier_events(_: &Dev<BondDriver>, p: &BondParams, out: &mut SysfsBuf<'_>) {
    num(out, p.carrier_events);
}

/// `mii_status` (read-only): the bond's carrier.
pub(super) fn show_mii_status(dev: &Dev<BondDriver>, _: &BondParams, out: &mut SysfsBuf<'_>) {
    out.push(if dev.carrier_ok() { b"up\n" } else { b"down\n" });
}
