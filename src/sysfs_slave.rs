// SPDX-License-Identifier: GPL-2.0

//! A slave's `bonding_slave` sysfs directory (C `bond_sysfs_slave.c`).

use crate::safe::pernet::SysfsBuf;
use crate::safe::rtnl::Rtnl;
use crate::safe::sysfs::{kobj_attr_table, KobjAttrTable, KobjAttrs, KobjDir};
use crate::slave::{Slave, SlaveRef};
use core::fmt::Write;
use kernel::{prelude::*, sync::Arc};

kobj_attr_table! {
    static SLAVE_ATTRS: SlaveRef;
}

impl KobjAttrs for SlaveRef {
    const NAMES: &'static [&'static CStr] = &[
        c"state",
        c"mii_status",
        c"link_failure_count",
        c"perm_hwaddr",
        c"queue_id",
        c"ad_aggregator_id",
        c"ad_actor_oper_port_state",
        c"ad_partner_oper_port_state",
    ];

    fn table() -> &'static KobjAttrTable<Self> {
        &SLAVE_ATTRS
    }

    fn show(&self, idx: usize, out: &mut SysfsBuf<'_>) {
        let s = &self.0;
        let _ = match idx {
            0 => writeln!(out, "{}", if s.is_active() { "active" } else { "backup" }),
            1 => writeln!(out, "{}", s.link().status_name()),
            2 => writeln!(out, "{}", s.link_failure_count() as i32),
            3 => writeln!(out, "{}", crate::fmt::Mac(s.perm_hwaddr.as_slice())),
            4 => writeln!(out, "{}", s.queue_id()),
            // 802.3ad only: the port's aggregator and states while it has an aggregator.
            _ => {
                let view = s
                    .bond_dev()
                    .and_then(|b| crate::policy::port_view(b, s))
                    .filter(|v| v.aggregator_id.is_some());
                match (idx, view) {
                    (5, Some(v)) => writeln!(out, "{}", v.aggregator_id.unwrap_or(0)),
                    (6, Some(v)) => writeln!(out, "{}", v.actor_state),
                    (7, Some(v)) => writeln!(out, "{}", v.partner_state),
                    _ => writeln!(out, "N/A"),
                }
            }
        };
    }
}

impl Slave {
    /// C `bond_kobj_init()` + `bond_sysfs_slave_add()`.
    pub(crate) fn sysfs_add(self: &Arc<Self>, rtnl: &Rtnl) -> Result {
        let mut d = KobjDir::new(&self.dev, c"bonding_slave", SlaveRef(self.clone()))?;
        d.add_files()?;
        self.kobj.set(rtnl, Some(d));
        Ok(())
    }

    /// C `bond_sysfs_slave_del()` + the final `kobject_put()`.
    pub(crate) fn sysfs_del(&self, rtnl: &Rtnl) {
        drop(self.kobj.replace(rtnl, None));
    }
}
