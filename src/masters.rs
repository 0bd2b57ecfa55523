// SPDX-License-Identifier: GPL-2.0

//! `/sys/class/net/bonding_masters` (C `bond_sysfs.c`: `bonding_show_bonds()`,
//! `bonding_store_bonds()`), one per network namespace.

use crate::bindings;
use crate::bond::{bond_create, for_each_bond, unregister_all, BondDriver, BondNet};
use crate::fmt::dev_valid_name;
use crate::safe::netdev::{Dev, DevKillList, Net};
use crate::safe::pernet::{Pernet, PernetTables, SysfsBuf};
use crate::safe::rtnl::Rtnl;
use kernel::{prelude::*, sync::rcu};

static BOND_NET_TABLES: PernetTables = PernetTables::new::<BondNet>();

const IFNAMSIZ: usize = bindings::IFNAMSIZ as usize;

/// C `sscanf(buffer, "%16s", command)`: first whitespace-delimited word, at
/// most 16 bytes.
fn first_word(input: &[u8]) -> &[u8] {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    let rest = input.get(start..).unwrap_or(&[]);
    let rest = rest.split(|&b| b == 0).next().unwrap_or(&[]);
    let end = rest
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(rest.len())
        .min(IFNAMSIZ);
    rest.get(..end).unwrap_or(&[])
}

fn show_name(name: &[u8]) -> &str {
    core::str::from_utf8(name).unwrap_or("<non-UTF-8>")
}

impl Pernet for BondNet {
    const CLASS_FILE: &'static CStr = c"bonding_masters";
    const PROC_DIR: Option<&'static CStr> = Some(c"bonding");

    fn tables() -> &'static PernetTables {
        &BOND_NET_TABLES
    }

    fn show(net: &Net, out: &mut SysfsBuf<'_>) {
        // C `bonding_show_bonds()`: under RCU, never RTNL (as the bonds' own files).
        let guard = rcu::read_lock();
        net.for_each_dev_rcu(&guard, |d| {
            let Some(bond) = Dev::<BondDriver>::try_from_dev(d) else {
                return true;
            };
            if out.len() > out.capacity() - IFNAMSIZ {
                // Not enough space for another interface name.
                if out.capacity() - out.len() > 10 {
                    out.set_len(out.capacity() - 10);
                }
                out.push(b"++more++ ");
                return false;
            }
            out.push(bond.name_racy().as_bytes());
            out.push(b" ");
            true
        });
        // Eat the leftover space.
        out.replace_last(b'\n');
    }

    fn store(net: &Net, input: &[u8]) -> Result {
        let command = first_word(input);
        let (op, ifname) = match command.split_first() {
            Some((&op, name)) if dev_valid_name(name) && (op == b'+' || op == b'-') => (op, name),
            _ => {
                pr_err!("no command found in bonding_masters - use +ifname or -ifname\n");
                return Err(EPERM);
            }
        };
        let shown = show_name(ifname);
        if op == b'+' {
            pr_info!("{} is being created...\n", shown);
            let mut buf = [0u8; IFNAMSIZ + 1];
            if let Some(dst) = buf.get_mut(..ifname.len()) {
                dst.copy_from_slice(ifname);
            }
            let name = CStr::from_bytes_until_nul(&buf).map_err(|_| EINVAL)?;
            return bond_create(net, Some(name)).inspect_err(|e| {
                if *e == EEXIST {
                    pr_info!("{} already exists\n", shown);
                } else {
                    pr_info!("{} creation failed\n", shown);
                }
            });
        }
        let rtnl = Rtnl::lock();
        let mut found = false;
        for_each_bond(net, &rtnl, |bond| {
            if bond.name(&rtnl).to_bytes() == ifname {
                pr_info!("{} is being deleted...\n", shown);
                bond.unregister(&rtnl, None);
                found = true;
                return false;
            }
            true
        });
        if found {
            Ok(())
        } else {
            pr_err!("unable to delete non-existent {}\n", shown);
            Err(ENODEV)
        }
    }

    fn exit_rtnl(net: &Net, rtnl: &Rtnl, kill: &mut DevKillList) {
        unregister_all(net, rtnl, kill);
    }
}
