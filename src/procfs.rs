// SPDX-License-Identifier: GPL-2.0

//! `/proc/net/bonding/<bond>` (C `bond_procfs.c`), for the implemented modes.
//!
//! Read as C reads it, under RCU and without RTNL: the bond's entry is removed under RTNL
//! (`ip link del`, a rename), and the removal waits for the file's readers, so a reader that
//! waited for RTNL here would deadlock the delete.

use crate::bond::BondDriver;
use crate::fmt::{Ipv6, Mac};
use crate::modes::FailOverMac;
use crate::safe::devops::uts_release;
use crate::safe::netdev::Dev;
use crate::safe::proc::ProcShow;
use crate::slave::{DUPLEX_UNKNOWN, SPEED_UNKNOWN};
use kernel::sync::rcu;
use kernel::{seq_file::SeqFile, seq_print};

impl ProcShow for BondDriver {
    fn show(m: &SeqFile, dev: &Dev<Self>) {
        // C `bond_info_seq_start()`: under RCU, the configuration read with READ_ONCE(); here
        // one consistent copy of it, and the published slave set.
        let b = dev.private();
        let p = b.params_shown();
        let mode = p.mode;
        let guard = rcu::read_lock();
        let set = b.slaves.read(&guard);
        let curr = set.and_then(|s| s.active.as_ref());

        seq_print!(
            m,
            "Ethernet Channel Bonding Driver: v{}\n\n",
            uts_release().to_str().unwrap_or("")
        );
        seq_print!(m, "Bonding Mode: {}", mode.proc_name());
        if crate::policy::fail_over_mac(mode, p.fail_over_mac) != FailOverMac::None {
            seq_print!(m, " (fail_over_mac {})", p.fail_over_mac.name());
        }
        seq_print!(m, "\n");
        if mode.uses_xmit_hash(p.tlb_dynamic_lb != 0) {
            seq_print!(
                m,
                "Transmit Hash Policy: {} ({})\n",
                p.xmit_policy.name(),
                p.xmit_policy.as_u8()
            );
        }
        if mode.uses_primary() {
            match set.and_then(|s| s.primary.as_ref()) {
                Some(pr) => seq_print!(
                    m,
                    "Primary Slave: {} (primary_reselect {})",
                    pr.dev.name_racy().as_str(),
                    p.primary_reselect.name()
                ),
                None => seq_print!(m, "Primary Slave: None"),
            }
            seq_print!(
                m,
                "\nCurrently Active Slave: {}\n",
                curr.map(|c| c.dev.name_racy())
                    .as_ref()
                    .map_or("None", |n| n.as_str())
            );
        }
        let st = if dev.carrier_ok() { "up" } else { "down" };
        seq_print!(m, "MII Status: {}\n", st);
        seq_print!(m, "MII Polling Interval (ms): {}\n", p.miimon);
        seq_print!(m, "Up Delay (ms): {}\n", p.updelay_ms());
        seq_print!(m, "Down Delay (ms): {}\n", p.downdelay_ms());
        seq_print!(
            m,
            "Peer Notification Delay (ms): {}\n",
            p.peer_notif_delay_ms()
        );
        if p.arp_interval > 0 {
            seq_print!(m, "ARP Polling Interval (ms): {}\n", p.arp_interval);
            seq_print!(m, "ARP Missed Max: {}\n", p.missed_max);
            seq_print!(m, "ARP IP target/s (n.n.n.n form):");
            let mut first = true;
            for t in p.arp_target.iter().take_while(|t| **t != [0; 4]) {
                if !first {
                    seq_print!(m, ",");
                }
                seq_print!(m, " {}.{}.{}.{}", t[0], t[1], t[2], t[3]);
                first = false;
            }
            seq_print!(m, "\n");
            seq_print!(m, "NS IPv6 target/s (xx::xx form):");
            let mut first = true;
            for t in p.ns_targets.iter().take_while(|t| **t != [0; 16]) {
                if !first {
                    seq_print!(m, ",");
                }
                seq_print!(m, " {}", Ipv6(*t));
                first = false;
            }
            seq_print!(m, "\n");
        }
        crate::policy::proc_bond(mode, m, dev, &p);

        for s in set.iter().flat_map(|set| set.all.iter()) {
            seq_print!(m, "\nSlave Interface: {}\n", s.dev.name_racy().as_str());
            seq_print!(m, "MII Status: {}\n", s.link().status_name());
            let (speed, duplex) = s.speed_duplex();
            if speed == SPEED_UNKNOWN {
                seq_print!(m, "Speed: Unknown\n");
            } else {
                seq_print!(m, "Speed: {} Mbps\n", speed as i32);
            }
            if duplex == DUPLEX_UNKNOWN {
                seq_print!(m, "Duplex: Unknown\n");
            } else {
                let d = if duplex != 0 { "full" } else { "half" };
                seq_print!(m, "Duplex: {}\n", d);
            }
            seq_print!(m, "Link Failure Count: {}\n", s.link_failure_count());
            seq_print!(m, "Permanent HW addr: {}\n", Mac(s.perm_hwaddr.as_slice()));
            seq_print!(m, "Slave queue ID: {}\n", s.queue_id());
            crate::policy::proc_slave(mode, m, dev, s);
        }
    }
}
