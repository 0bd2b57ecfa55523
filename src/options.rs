// SPDX-License-Identifier: GPL-2.0

//! Setting and showing options (C `bond_options.c`), for every interface: rtnetlink
//! ([`crate::rtnetlink`]), sysfs ([`crate::sysfs`]), the ioctls and the module parameters.
//!
//! Each option is one entry of the shared table ([`crate::netlink::options`]: name, values,
//! flags, modes; parsing, validation, dependency checks and error texts) and one [`Ops`] row
//! here: its setter (C `struct bond_option`'s `.set`) and the reader of its sysfs file. The rows
//! and their functions are grouped by subject in `options/`: [`mode`] (mode and transmit hash),
//! [`mii`] (the MII monitor), [`arp`] (the ARP and NS monitors), [`ad`] (802.3ad), [`roles`]
//! (slaves and their roles) and [`misc`]. [`opt_set`] (C `__bond_opt_set()`) is the one shell
//! around every setter; `sysfs` files are the options with a reader plus [`READ_ONLY`].
//! See `docs/architecture.md`, "Options: one table entry, one setter, one reader".

mod ad;
mod arp;
mod mii;
mod misc;
mod mode;
pub(crate) mod modparams;
mod roles;

pub(crate) use arp::{arp_targets_clear, ns_targets_clear};

use crate::bindings;
use crate::bond::{BondDriver, SlaveSet};
use crate::dev_pr;
use crate::netlink::options::{self, OptInput, OptionId, OPT_LAST};
use crate::params::BondParams;
use crate::safe::link::{Attr, ExtAck};
use crate::safe::netdev::{Dev, NetDevice};
use crate::safe::pernet::SysfsBuf;
use crate::safe::rtnl::Rtnl;
use crate::slave::Slave;
use core::fmt::Write;
use kernel::{prelude::*, sync::rcu, sync::Arc};

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

/// What a setter is given: the bond, the value parsed by the table (`n`, 0 for the RAWVAL
/// options, which read `val` themselves) and the value as it came.
pub(crate) struct Set<'a, 'e> {
    dev: &'a Dev<BondDriver>,
    id: OptionId,
    n: u64,
    val: Val<'a>,
    extack: &'a mut ExtAck<'e>,
    rtnl: &'a Rtnl,
}

impl Set<'_, '_> {
    /// The bond's configuration.
    fn params(&self) -> BondParams {
        self.dev.private().params(self.rtnl)
    }

    /// Replaces the bond's configuration.
    fn store(&self, p: BondParams) {
        self.dev.private().set_params(p, self.rtnl);
    }

    /// The common setter: `f` changes the configuration with the parsed value, which is stored.
    fn update(&self, f: impl FnOnce(&mut BondParams, u64)) -> Result {
        let mut p = self.params();
        f(&mut p, self.n);
        self.store(p);
        Ok(())
    }

    /// A string value up to its first newline (C `bond_opt_initstr()` users).
    fn str(&self) -> &[u8] {
        match self.val {
            Val::Str(s) => options::strip_at_newline(s),
            _ => &[],
        }
    }

    /// Refuses a valid value whose effect bonding-rs does not have yet: `-EOPNOTSUPP`, with the
    /// same "not implemented yet" text in the kernel log and the extack. Nothing is stored, so
    /// no option is ever accepted without acting.
    fn not_yet(&mut self, what: core::fmt::Arguments<'_>) -> Error {
        dev_pr!(
            Err,
            self.dev,
            "bonding-rs: {} is not implemented yet\n",
            what
        );
        self.extack
            .set_msg(format_args!("bonding-rs: {} is not implemented yet", what));
        EOPNOTSUPP
    }
}

/// An option's setter (C `bond_option.set`): called by [`opt_set`] once the value passed the
/// table's checks.
pub(crate) type SetFn = fn(&mut Set<'_, '_>) -> Result;

/// The reader of a sysfs file (C `bonding_show_*()`): `p` is the configuration as
/// [`crate::bond::Bond::params_shown`] copies it. Called without RTNL (see [`crate::sysfs`]):
/// slaves only through [`with_slaves`].
pub(crate) type ShowFn = fn(&Dev<BondDriver>, &BondParams, &mut SysfsBuf<'_>);

/// One option's operations in the driver.
pub(crate) struct Ops {
    /// The option.
    pub(crate) id: OptionId,
    /// Its setter.
    pub(crate) set: SetFn,
    /// The reader of its `/sys/class/net/<bond>/bonding/<name>` file; `None`: no sysfs file.
    pub(crate) show: Option<ShowFn>,
}

/// The rows of every subject.
const GROUPS: [&[Ops]; 6] = [
    mode::OPS,
    mii::OPS,
    arp::OPS,
    ad::OPS,
    roles::OPS,
    misc::OPS,
];

/// The [`Ops`] of each option, indexed by [`OptionId::index`], gathered from the subjects at
/// compile time: an option without a row, or with two, does not build.
static TABLE: [&Ops; OPT_LAST] = {
    let mut out: [Option<&Ops>; OPT_LAST] = [None; OPT_LAST];
    let mut g = 0;
    while g < GROUPS.len() {
        let mut i = 0;
        while i < GROUPS[g].len() {
            let o = &GROUPS[g][i];
            assert!(out[o.id.index()].is_none(), "an option has two Ops rows");
            out[o.id.index()] = Some(o);
            i += 1;
        }
        g += 1;
    }
    let mut table = [&GROUPS[0][0]; OPT_LAST];
    let mut i = 0;
    while i < OPT_LAST {
        match out[i] {
            Some(o) => table[i] = o,
            None => panic!("an option has no Ops row"),
        }
        i += 1;
    }
    table
};

/// The operations of option `id`.
pub(crate) const fn ops(id: OptionId) -> &'static Ops {
    TABLE[id.index()]
}

/// The read-only sysfs files (readers without an option), in C's order.
pub(crate) const READ_ONLY: [(&CStr, ShowFn); 6] = [
    (c"mii_status", mii::show_mii_status),
    (c"ad_aggregator", ad::show_ad_aggregator),
    (c"ad_num_ports", ad::show_ad_num_ports),
    (c"ad_actor_key", ad::show_ad_actor_key),
    (c"ad_partner_key", ad::show_ad_partner_key),
    (c"ad_partner_mac", ad::show_ad_partner_mac),
];

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
        Ok(v) => {
            let mut set = Set {
                dev,
                id,
                n: v.unwrap_or(0),
                val,
                extack: &mut *extack,
                rtnl,
            };
            (ops(id).set)(&mut set).map_err(|e| e.to_errno())
        }
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

// The readers' helpers.

/// A number and its value name ("name number"), as C's enum options show.
fn named(out: &mut SysfsBuf<'_>, id: OptionId, v: u64) {
    let _ = writeln!(out, "{} {}", options::value_name(id, v).unwrap_or(""), v);
}

/// A number on its line.
fn num(out: &mut SysfsBuf<'_>, v: impl core::fmt::Display) {
    let _ = writeln!(out, "{}", v);
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
