// SPDX-License-Identifier: GPL-2.0

//! `/sys/class/net/<bond>/bonding/` (C `bond_sysfs.c`): a file for each option with a reader
//! ([`crate::options::Ops::show`]), named as the option, shown by its reader and written through
//! the option layer ([`crate::options::opt_set`]) exactly as C's `bonding_sysfs_store_option()`
//! does; then the read-only files ([`crate::options::READ_ONLY`]). The files are listed in
//! option order (a directory lists by name hash, not by creation order).
//!
//! `show` never takes RTNL, as C's: `ip link del` removes these files under RTNL and waits for
//! their readers to leave, so a reader waiting for RTNL would deadlock it. The configuration is
//! read as one consistent copy ([`crate::bond::Bond::params_shown`]), the slaves from the
//! published slave set under RCU. `store` only tries RTNL and restarts the write otherwise, as
//! C's `bond_opt_tryset_rtnl()`.

use crate::bond::BondDriver;
use crate::netlink::options::{OptionId, OPTIONS, OPT_LAST};
use crate::options::{ops, opt_set_notify, ShowFn, Val, READ_ONLY};
use crate::safe::netdev::Dev;
use crate::safe::pernet::SysfsBuf;
use crate::safe::rtnl::Rtnl;
use crate::safe::sysfs::{dev_attr_group, restart_syscall, AttrDef, DevAttrs};
use kernel::prelude::*;

/// Room for the longest option name and its NUL.
const NAME_LEN: usize = 20;

/// The options' names, NUL-terminated (the table's names are Rust strings).
static NAMES: [[u8; NAME_LEN]; OPT_LAST] = {
    let mut out = [[0u8; NAME_LEN]; OPT_LAST];
    let mut i = 0;
    while i < OPT_LAST {
        let name = OPTIONS[i].name.as_bytes();
        assert!(name.len() < NAME_LEN);
        let mut k = 0;
        while k < name.len() {
            out[i][k] = name[k];
            k += 1;
        }
        i += 1;
    }
    out
};

/// Option `id`'s name as a C string.
const fn name(id: OptionId) -> &'static CStr {
    match CStr::from_bytes_until_nul(&NAMES[id.index()]) {
        Ok(n) => n,
        Err(_) => panic!("option name without NUL"),
    }
}

/// The number of files: the options with a reader, and the read-only ones.
const N: usize = {
    let mut n = READ_ONLY.len();
    let mut i = 0;
    while i < OPT_LAST {
        if ops(OptionId::ALL[i]).show.is_some() {
            n += 1;
        }
        i += 1;
    }
    n
};

/// One file: the option it sets (`None`: read-only) and its reader.
#[derive(Clone, Copy)]
struct File {
    opt: Option<OptionId>,
    show: ShowFn,
}

/// The files, in [`ATTRS`] order.
const FILES: ([AttrDef; N], [File; N]) = {
    let mut defs = [const { AttrDef { name: c"", mode: 0 } }; N];
    let mut files = [File {
        opt: None,
        show: READ_ONLY[0].1,
    }; N];
    let mut n = 0;
    let mut i = 0;
    while i < OPT_LAST {
        let id = OptionId::ALL[i];
        if let Some(show) = ops(id).show {
            defs[n] = AttrDef {
                name: name(id),
                mode: 0o644,
            };
            files[n] = File {
                opt: Some(id),
                show,
            };
            n += 1;
        }
        i += 1;
    }
    let mut r = 0;
    while r < READ_ONLY.len() {
        defs[n] = AttrDef {
            name: READ_ONLY[r].0,
            mode: 0o444,
        };
        files[n] = File {
            opt: None,
            show: READ_ONLY[r].1,
        };
        n += 1;
        r += 1;
    }
    (defs, files)
};

/// The files' options and readers, indexed as [`DevAttrs::ATTRS`].
static FILE_OPS: [File; N] = FILES.1;

dev_attr_group! {
    /// The `bonding` group.
    pub(crate) static BOND_GROUP: BondDriver = c"bonding";
}

impl DevAttrs for BondDriver {
    const ATTRS: &'static [AttrDef] = &FILES.0;

    fn show(dev: &Dev<Self>, idx: usize, out: &mut SysfsBuf<'_>) -> Result {
        let f = FILE_OPS.get(idx).ok_or(EINVAL)?;
        (f.show)(dev, &dev.private().params_shown(), out);
        Ok(())
    }

    fn store(dev: &Dev<Self>, idx: usize, input: &[u8]) -> Result {
        // C `bonding_sysfs_store_option()` + `bond_opt_tryset_rtnl()`.
        let id = FILE_OPS.get(idx).and_then(|f| f.opt).ok_or(ENOENT)?;
        let Some(rtnl) = Rtnl::try_lock() else {
            return Err(restart_syscall());
        };
        // C copies the buffer with kstrndup(): stop at a NUL.
        let input = input.split(|&c| c == 0).next().unwrap_or(&[]);
        opt_set_notify(dev, id, Val::Str(input), &rtnl)
    }
}
