// SPDX-License-Identifier: GPL-2.0

//! Module parameters (same names, types, permissions and descriptions as C
//! `drivers/net/bonding/bond_main.c`) and their validation at load time
//! (C `bond_check_params()`): the option table's feed for `modprobe bonding <option>=<value>`.

use crate::modes::{ArpValidate, FailOverMac, Mode, PrimaryReselect, XmitHashPolicy};
use crate::netlink::options::{self, OptionId};
use crate::params::*;
use crate::{bare_pr, c_module_param};
use kernel::prelude::*;

c_module_param!(int MAX_BONDS = 1, "max_bonds", 0, "Max number of bonded devices");
c_module_param!(int TX_QUEUES = 16, "tx_queues", 0, "Max number of transmit queues (default = 16)");
c_module_param!(int NUM_PEER_NOTIF = 1, "num_grat_arp", 0o644,
    "Number of peer notifications to send on failover event (alias of num_unsol_na)");
c_module_param!(named int NUM_PEER_NOTIF, "num_unsol_na", 0o644,
    "Number of peer notifications to send on failover event (alias of num_grat_arp)");
c_module_param!(int MIIMON = 0, "miimon", 0, "Link check interval in milliseconds");
c_module_param!(int UPDELAY = 0, "updelay", 0, "Delay before considering link up, in milliseconds");
c_module_param!(int DOWNDELAY = 0, "downdelay", 0, "Delay before considering link down, in milliseconds");
c_module_param!(int USE_CARRIER = 1, "use_carrier", 0, "option obsolete, use_carrier cannot be disabled");
c_module_param!(charp MODE, "mode", 0, "Mode of operation; 0 for balance-rr, 1 for active-backup, \
    2 for balance-xor, 3 for broadcast, 4 for 802.3ad, 5 for balance-tlb, 6 for balance-alb");
c_module_param!(charp PRIMARY, "primary", 0, "Primary network device to use");
c_module_param!(charp PRIMARY_RESELECT, "primary_reselect", 0, "Reselect primary slave once it comes up; \
    0 for always (default), 1 for only if speed of primary is better, 2 for only on active slave failure");
c_module_param!(charp LACP_RATE, "lacp_rate", 0,
    "LACPDU tx rate to request from 802.3ad partner; 0 for slow, 1 for fast");
c_module_param!(charp AD_SELECT, "ad_select", 0,
    "802.3ad aggregation selection logic; 0 for stable (default), 1 for bandwidth, 2 for count");
c_module_param!(int MIN_LINKS = 0, "min_links", 0, "Minimum number of available links before turning on carrier");
c_module_param!(charp XMIT_HASH_POLICY, "xmit_hash_policy", 0, "balance-alb, balance-tlb, balance-xor, 802.3ad \
    hashing method; 0 for layer 2 (default), 1 for layer 3+4, 2 for layer 2+3, 3 for encap layer 2+3, \
    4 for encap layer 3+4, 5 for vlan+srcmac");
c_module_param!(int ARP_INTERVAL = 0, "arp_interval", 0, "arp interval in milliseconds");
c_module_param!(charp_array ARP_IP_TARGET[16], "arp_ip_target", 0, "arp targets in n.n.n.n form");
c_module_param!(charp ARP_VALIDATE, "arp_validate", 0, "validate src/dst of ARP probes; 0 for none (default), \
    1 for active, 2 for backup, 3 for all");
c_module_param!(charp ARP_ALL_TARGETS, "arp_all_targets", 0,
    "fail on any/all arp targets timeout; 0 for any (default), 1 for all");
c_module_param!(charp FAIL_OVER_MAC, "fail_over_mac", 0, "For active-backup, do not set all slaves to the same \
    MAC; 0 for none (default), 1 for active, 2 for follow");
c_module_param!(int ALL_SLAVES_ACTIVE = 0, "all_slaves_active", 0, "Keep all frames received on an interface by \
    setting active flag for all slaves; 0 for never (default), 1 for always.");
c_module_param!(int RESEND_IGMP = 1, "resend_igmp", 0, "Number of IGMP membership reports to send on link failure");
c_module_param!(int PACKETS_PER_SLAVE = 1, "packets_per_slave", 0, "Packets to send per slave in balance-rr mode; \
    0 for a random slave, 1 packet per slave (default), >1 packets per slave.");
c_module_param!(uint LP_INTERVAL = 1, "lp_interval", 0, "The number of seconds between instances where the bonding \
    driver sends learning packets to each slaves peer switch. The default is 1.");
// bonding-rs's own (`netlink::params::OURS_PARAMS`; the C module has none of them).
c_module_param!(int CARRIER_EVENTS = 1, "carrier_events", 0, "bonding-rs: with miimon, run the MII monitor at \
    once on a slave's carrier change; 0 for only at the miimon ticks as the C driver, 1 for at once too (default)");

/// Result of [`check_params`]: the bond defaults and the number of bonds to
/// create at load.
pub(crate) struct LoadConfig {
    pub(crate) params: BondParams,
    pub(crate) max_bonds: i32,
}

fn parse(id: OptionId, s: &CStr) -> Option<u64> {
    options::parse_value(id, s.to_bytes()).ok()
}

fn show(s: &CStr) -> &str {
    s.to_str().unwrap_or("<non-UTF-8>")
}

/// C `bond_check_params()`: converts and validates the module parameters
/// with C's messages, then refuses (`-EOPNOTSUPP`) a resulting mode that
/// bonding-rs does not implement yet (`policy::implemented`).
pub(crate) fn check_params() -> Result<LoadConfig> {
    let mut p = BondParams::DEFAULT;

    if let Some(s) = MODE.get() {
        let Some(v) = parse(OptionId::Mode, s) else {
            bare_pr!(Err, "Error: Invalid bonding mode \"{}\"\n", show(s));
            return Err(EINVAL);
        };
        p.mode = Mode::from_u64(v).ok_or(EINVAL)?;
    }
    let mode = p.mode;

    if let Some(s) = XMIT_HASH_POLICY.get() {
        if matches!(mode, Mode::BalanceRr | Mode::ActiveBackup | Mode::Broadcast) {
            bare_pr!(
                Info,
                "xmit_hash_policy param is irrelevant in mode {}\n",
                p.mode.proc_name()
            );
        } else {
            let Some(v) = parse(OptionId::XmitHashPolicy, s) else {
                bare_pr!(Err, "Error: Invalid xmit_hash_policy \"{}\"\n", show(s));
                return Err(EINVAL);
            };
            p.xmit_policy = XmitHashPolicy::from_u64(v).ok_or(EINVAL)?;
        }
    }

    if let Some(s) = LACP_RATE.get() {
        if mode != Mode::Ieee8023ad {
            bare_pr!(
                Info,
                "lacp_rate param is irrelevant in mode {}\n",
                p.mode.proc_name()
            );
        } else {
            let Some(v) = parse(OptionId::LacpRate, s) else {
                bare_pr!(Err, "Error: Invalid lacp rate \"{}\"\n", show(s));
                return Err(EINVAL);
            };
            p.lacp_fast = v;
        }
    }

    if let Some(s) = AD_SELECT.get() {
        let Some(v) = parse(OptionId::AdSelect, s) else {
            bare_pr!(Err, "Error: Invalid ad_select \"{}\"\n", show(s));
            return Err(EINVAL);
        };
        p.ad_select = v;
        if mode != Mode::Ieee8023ad {
            bare_pr!(Warning, "ad_select param only affects 802.3ad mode\n");
        }
    }

    let mut max_bonds = MAX_BONDS.get();
    if max_bonds < 0 {
        bare_pr!(Warning,
            "Warning: max_bonds ({}) not in range {}-{}, so it was reset to BOND_DEFAULT_MAX_BONDS ({})\n",
            max_bonds, 0, i32::MAX, BOND_DEFAULT_MAX_BONDS
        );
        max_bonds = BOND_DEFAULT_MAX_BONDS;
    }

    let mut miimon = MIIMON.get();
    if miimon < 0 {
        bare_pr!(
            Warning,
            "Warning: miimon module parameter ({}), not in range 0-{}, so it was reset to 0\n",
            miimon,
            i32::MAX
        );
        miimon = 0;
    }
    let mut updelay = UPDELAY.get();
    if updelay < 0 {
        bare_pr!(
            Warning,
            "Warning: updelay module parameter ({}), not in range 0-{}, so it was reset to 0\n",
            updelay,
            i32::MAX
        );
        updelay = 0;
    }
    let mut downdelay = DOWNDELAY.get();
    if downdelay < 0 {
        bare_pr!(
            Warning,
            "Warning: downdelay module parameter ({}), not in range 0-{}, so it was reset to 0\n",
            downdelay,
            i32::MAX
        );
        downdelay = 0;
    }

    let use_carrier = USE_CARRIER.get();
    if use_carrier != 1 {
        bare_pr!(
            Err,
            "Error: invalid use_carrier parameter ({})\n",
            use_carrier
        );
        return Err(EINVAL);
    }

    let mut num_peer_notif = NUM_PEER_NOTIF.get();
    if !(0..=255).contains(&num_peer_notif) {
        bare_pr!(
            Warning,
            "Warning: num_grat_arp/num_unsol_na ({}) not in range 0-255 so it was reset to 1\n",
            num_peer_notif
        );
        num_peer_notif = 1;
    }

    if !mode.uses_arp() && miimon == 0 {
        bare_pr!(Warning, "Warning: miimon must be specified, otherwise bonding will not detect link failure, speed and duplex which are essential for 802.3ad operation\n");
        bare_pr!(Warning, "Forcing miimon to 100msec\n");
        miimon = BOND_DEFAULT_MIIMON;
    }

    let mut tx_queues = TX_QUEUES.get();
    if !(1..=255).contains(&tx_queues) {
        bare_pr!(
            Warning,
            "Warning: tx_queues ({}) should be between 1 and 255, resetting to {}\n",
            tx_queues,
            BOND_DEFAULT_TX_QUEUES
        );
        tx_queues = BOND_DEFAULT_TX_QUEUES;
    }

    let mut all_slaves_active = ALL_SLAVES_ACTIVE.get();
    if all_slaves_active != 0 && all_slaves_active != 1 {
        bare_pr!(Warning,
            "Warning: all_slaves_active module parameter ({}), not of valid value (0/1), so it was set to 0\n",
            all_slaves_active
        );
        all_slaves_active = 0;
    }

    let mut resend_igmp = RESEND_IGMP.get();
    if !(0..=255).contains(&resend_igmp) {
        bare_pr!(
            Warning,
            "Warning: resend_igmp ({}) should be between 0 and 255, resetting to {}\n",
            resend_igmp,
            BOND_DEFAULT_RESEND_IGMP
        );
        resend_igmp = BOND_DEFAULT_RESEND_IGMP;
    }

    let mut packets_per_slave = PACKETS_PER_SLAVE.get();
    let pps_ok = u64::try_from(packets_per_slave)
        .map(|v| options::check_value(OptionId::PacketsPerSlave, v).is_ok())
        .unwrap_or(false);
    if !pps_ok {
        bare_pr!(
            Warning,
            "Warning: packets_per_slave ({}) should be between 0 and {} resetting to 1\n",
            packets_per_slave,
            u16::MAX
        );
        packets_per_slave = 1;
    }

    if mode == Mode::BalanceAlb {
        pr_notice!("In ALB mode you might experience client disconnections upon reconnection of a link if the bonding module updelay parameter ({} msec) is incompatible with the forwarding delay time of the switch\n", updelay);
    }

    let mut arp_interval = ARP_INTERVAL.get();
    if miimon == 0 {
        if updelay != 0 || downdelay != 0 {
            bare_pr!(Warning, "Warning: miimon module parameter not set and updelay ({}) or downdelay ({}) module parameter is set; updelay and downdelay have no effect unless miimon is set\n", updelay, downdelay);
        }
    } else {
        if arp_interval != 0 {
            bare_pr!(Warning,
                "Warning: miimon ({}) and arp_interval ({}) can't be used simultaneously, disabling ARP monitoring\n",
                miimon, arp_interval
            );
            arp_interval = 0;
        }
        // Checked arithmetic: `miimon` is not 0 here, but the compiler cannot keep that across
        // the printk calls, and its division-by-zero panic paths end `init()` in a call
        // objtool does not know as noreturn ("falls through to next function").
        let ticks = |v: i32| v.checked_div(miimon).unwrap_or(0);
        let rem = |v: i32| v.checked_rem(miimon).unwrap_or(0);
        if rem(updelay) != 0 {
            bare_pr!(Warning,
                "Warning: updelay ({}) is not a multiple of miimon ({}), updelay rounded to {} ms\n",
                updelay, miimon, ticks(updelay).saturating_mul(miimon)
            );
        }
        updelay = ticks(updelay);
        if rem(downdelay) != 0 {
            bare_pr!(Warning,
                "Warning: downdelay ({}) is not a multiple of miimon ({}), downdelay rounded to {} ms\n",
                downdelay, miimon, ticks(downdelay).saturating_mul(miimon)
            );
        }
        downdelay = ticks(downdelay);
    }

    if arp_interval < 0 {
        bare_pr!(Warning,
            "Warning: arp_interval module parameter ({}), not in range 0-{}, so it was reset to 0\n",
            arp_interval, i32::MAX
        );
        arp_interval = 0;
    }

    let mut targets: [[u8; 4]; 16] = [[0; 4]; 16];
    let mut arp_ip_count = 0usize;
    ARP_IP_TARGET.for_each(|s| match options::parse_ipv4(s.to_bytes()).filter(|t| options::ipv4_target_ok(*t)) {
        None => {
            bare_pr!(Warning,
                "Warning: bad arp_ip_target module parameter ({}), ARP monitoring will not be performed\n",
                show(s)
            );
            arp_interval = 0;
        }
        Some(ip) => {
            if targets.get(..arp_ip_count).is_some_and(|t| t.contains(&ip)) {
                bare_pr!(Warning,
                    "Warning: duplicate address {}.{}.{}.{} in arp_ip_target, skipping\n",
                    ip[0], ip[1], ip[2], ip[3]
                );
            } else if let Some(slot) = targets.get_mut(arp_ip_count) {
                *slot = ip;
                arp_ip_count += 1;
            }
        }
    });

    if arp_interval != 0 && arp_ip_count == 0 {
        bare_pr!(Warning, "Warning: arp_interval module parameter ({}) specified without providing an arp_ip_target parameter, arp_interval was reset to 0\n", arp_interval);
        arp_interval = 0;
    }

    if let Some(s) = ARP_VALIDATE.get() {
        if arp_interval == 0 {
            bare_pr!(Err, "arp_validate requires arp_interval\n");
            return Err(EINVAL);
        }
        let Some(v) = parse(OptionId::ArpValidate, s) else {
            bare_pr!(Err, "Error: invalid arp_validate \"{}\"\n", show(s));
            return Err(EINVAL);
        };
        p.arp_validate = ArpValidate::from_u64(v).ok_or(EINVAL)?;
    }

    if let Some(s) = ARP_ALL_TARGETS.get() {
        match parse(OptionId::ArpAllTargets, s) {
            Some(v) => p.arp_all_targets = v,
            None => bare_pr!(
                Err,
                "Error: invalid arp_all_targets_value \"{}\"\n",
                show(s)
            ),
        }
    }

    if miimon != 0 {
        bare_pr!(Info, "MII link monitoring set to {} ms\n", miimon);
    } else if arp_interval != 0 {
        let v = p.arp_validate.name();
        // C continues the line with the first `arp_ip_count` target strings as given.
        let mut list = KVec::<u8>::new();
        let mut i = 0usize;
        ARP_IP_TARGET.for_each(|t| {
            if i < arp_ip_count {
                let _ = list.push(b' ', GFP_KERNEL);
                let _ = list.extend_from_slice(t.to_bytes(), GFP_KERNEL);
            }
            i += 1;
        });
        bare_pr!(
            Info,
            "ARP monitoring set to {} ms, validate {}, with {} target(s):{}\n",
            arp_interval,
            v,
            arp_ip_count,
            core::str::from_utf8(&list).unwrap_or("")
        );
    }
    // Neither monitor: C's warning is pr_debug() (dynamic debug, off unless enabled); nothing
    // here (the kernel crate's pr_debug! prints whenever debug assertions are built in).

    let mut primary = PRIMARY.get();
    if let Some(s) = primary {
        if !mode.uses_primary() {
            bare_pr!(
                Warning,
                "Warning: {} primary device specified but has no effect in {} mode\n",
                show(s),
                p.mode.proc_name()
            );
            primary = None;
        }
    }

    if let (Some(_), Some(s)) = (primary, PRIMARY_RESELECT.get()) {
        let Some(v) = parse(OptionId::PrimaryReselect, s) else {
            bare_pr!(Err, "Error: Invalid primary_reselect \"{}\"\n", show(s));
            return Err(EINVAL);
        };
        p.primary_reselect = PrimaryReselect::from_u64(v).ok_or(EINVAL)?;
    }

    if let Some(s) = FAIL_OVER_MAC.get() {
        let Some(v) = parse(OptionId::FailOverMac, s) else {
            bare_pr!(Err, "Error: invalid fail_over_mac \"{}\"\n", show(s));
            return Err(EINVAL);
        };
        p.fail_over_mac = FailOverMac::from_u64(v).ok_or(EINVAL)?;
        if mode != Mode::ActiveBackup {
            bare_pr!(
                Warning,
                "Warning: fail_over_mac only affects active-backup mode\n"
            );
        }
    }

    let mut lp_interval = LP_INTERVAL.get();
    if lp_interval == 0 {
        bare_pr!(
            Warning,
            "Warning: ip_interval must be between 1 and {}, so it was reset to {}\n",
            i32::MAX,
            BOND_ALB_DEFAULT_LP_INTERVAL
        );
        lp_interval = BOND_ALB_DEFAULT_LP_INTERVAL;
    }

    p.miimon = miimon;
    p.num_peer_notif = num_peer_notif;
    p.arp_interval = arp_interval;
    p.arp_target = targets;
    p.updelay = updelay;
    p.downdelay = downdelay;
    if let Some(s) = primary {
        let b = s.to_bytes();
        let n = b.len().min(15);
        p.primary_name[..n].copy_from_slice(&b[..n]);
    }
    p.tx_queues = tx_queues;
    p.all_slaves_active = all_slaves_active;
    p.resend_igmp = resend_igmp;
    p.min_links = MIN_LINKS.get();
    p.lp_interval = lp_interval;
    p.packets_per_slave = packets_per_slave;

    // bonding-rs's own: a value outside the table refuses the load (C has no such parameter
    // whose warning-and-reset could be copied).
    let carrier_events = CARRIER_EVENTS.get();
    let ce = u64::try_from(carrier_events)
        .ok()
        .and_then(|v| options::check_value(OptionId::CarrierEvents, v).ok());
    let Some(ce) = ce else {
        bare_pr!(
            Err,
            "bonding-rs: Error: invalid carrier_events {} (0 or 1)\n",
            carrier_events
        );
        return Err(EINVAL);
    };
    p.carrier_events = u8::from(ce != 0);

    if !crate::policy::implemented(p.mode) {
        bare_pr!(Err,
            "bonding-rs: mode {} is not implemented yet (refusing to load rather than ignoring it)\n",
            p.mode.proc_name()
        );
        return Err(EOPNOTSUPP);
    }
    Ok(LoadConfig {
        params: p,
        max_bonds,
    })
}
