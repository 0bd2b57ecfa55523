// SPDX-License-Identifier: GPL-2.0

//! Module parameters of `bonding.ko` as declared in
//! `drivers/net/bonding/bond_main.c` (`module_param*()` +
//! `MODULE_PARM_DESC()`), in declaration order.

use super::options::OptionId;

/// `BOND_MAX_ARP_TARGETS`: capacity of the `arp_ip_target` array parameter.
pub const BOND_MAX_ARP_TARGETS: usize = 16;

/// Kernel parameter type of a module parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    /// `int`
    Int,
    /// `uint`
    Uint,
    /// `charp`
    Charp,
    /// `module_param_array(..., charp, NULL, ...)` with this many elements.
    CharpArray(usize),
}

impl ParamType {
    /// The type as modinfo shows it (`parmtype=`): "int", "uint", "charp",
    /// "array of charp".
    pub const fn c_type(self) -> &'static str {
        match self {
            ParamType::Int => "int",
            ParamType::Uint => "uint",
            ParamType::Charp => "charp",
            ParamType::CharpArray(_) => "array of charp",
        }
    }
}

/// Initial value of the C variable behind a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamDefault {
    /// An integer (`int` / `uint` parameters).
    Int(i64),
    /// `NULL` (`charp` parameters and arrays of them).
    Null,
}

/// One module parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModuleParam {
    /// Parameter name (as given to `modprobe`).
    pub name: &'static str,
    /// Name of the C variable (differs for `module_param_named()`).
    pub var: &'static str,
    /// Type.
    pub ty: ParamType,
    /// sysfs permission (`/sys/module/bonding/parameters/<name>`), 0 = none.
    pub perm: u16,
    /// `MODULE_PARM_DESC` text (C string literal concatenation applied).
    pub desc: &'static str,
    /// Initial value of the C variable.
    pub default: ParamDefault,
    /// The option whose value table / checks the parameter feeds in
    /// `bond_check_params()`, if any.
    pub option: Option<OptionId>,
}

const fn p(
    name: &'static str,
    var: &'static str,
    ty: ParamType,
    perm: u16,
    desc: &'static str,
    default: ParamDefault,
    option: Option<OptionId>,
) -> ModuleParam {
    ModuleParam {
        name,
        var,
        ty,
        perm,
        desc,
        default,
        option,
    }
}

use ParamDefault::{Int as D, Null};
use ParamType::{Charp, CharpArray, Int, Uint};

/// All module parameters, in `bond_main.c` declaration order.
pub static MODULE_PARAMS: [ModuleParam; 24] = [
    p("max_bonds", "max_bonds", Int, 0, "Max number of bonded devices", D(1), None),
    p(
        "tx_queues",
        "tx_queues",
        Int,
        0,
        "Max number of transmit queues (default = 16)",
        D(16),
        None,
    ),
    p(
        "num_grat_arp",
        "num_peer_notif",
        Int,
        0o644,
        "Number of peer notifications to send on failover event (alias of num_unsol_na)",
        D(1),
        Some(OptionId::NumPeerNotifAlias),
    ),
    p(
        "num_unsol_na",
        "num_peer_notif",
        Int,
        0o644,
        "Number of peer notifications to send on failover event (alias of num_grat_arp)",
        D(1),
        Some(OptionId::NumPeerNotif),
    ),
    p(
        "miimon",
        "miimon",
        Int,
        0,
        "Link check interval in milliseconds",
        D(0),
        Some(OptionId::MiiMon),
    ),
    p(
        "updelay",
        "updelay",
        Int,
        0,
        "Delay before considering link up, in milliseconds",
        D(0),
        Some(OptionId::UpDelay),
    ),
    p(
        "downdelay",
        "downdelay",
        Int,
        0,
        "Delay before considering link down, in milliseconds",
        D(0),
        Some(OptionId::DownDelay),
    ),
    p(
        "use_carrier",
        "use_carrier",
        Int,
        0,
        "option obsolete, use_carrier cannot be disabled",
        D(1),
        Some(OptionId::UseCarrier),
    ),
    p(
        "mode",
        "mode",
        Charp,
        0,
        "Mode of operation; 0 for balance-rr, 1 for active-backup, 2 for balance-xor, 3 for broadcast, 4 for 802.3ad, 5 for balance-tlb, 6 for balance-alb",
        Null,
        Some(OptionId::Mode),
    ),
    p(
        "primary",
        "primary",
        Charp,
        0,
        "Primary network device to use",
        Null,
        Some(OptionId::Primary),
    ),
    p(
        "primary_reselect",
        "primary_reselect",
        Charp,
        0,
        "Reselect primary slave once it comes up; 0 for always (default), 1 for only if speed of primary is better, 2 for only on active slave failure",
        Null,
        Some(OptionId::PrimaryReselect),
    ),
    p(
        "lacp_rate",
        "lacp_rate",
        Charp,
        0,
        "LACPDU tx rate to request from 802.3ad partner; 0 for slow, 1 for fast",
        Null,
        Some(OptionId::LacpRate),
    ),
    p(
        "ad_select",
        "ad_select",
        Charp,
        0,
        "802.3ad aggregation selection logic; 0 for stable (default), 1 for bandwidth, 2 for count",
        Null,
        Some(OptionId::AdSelect),
    ),
    p(
        "min_links",
        "min_links",
        Int,
        0,
        "Minimum number of available links before turning on carrier",
        D(0),
        Some(OptionId::MinLinks),
    ),
    p(
        "xmit_hash_policy",
        "xmit_hash_policy",
        Charp,
        0,
        "balance-alb, balance-tlb, balance-xor, 802.3ad hashing method; 0 for layer 2 (default), 1 for layer 3+4, 2 for layer 2+3, 3 for encap layer 2+3, 4 for encap layer 3+4, 5 for vlan+srcmac",
        Null,
        Some(OptionId::XmitHashPolicy),
    ),
    p(
        "arp_interval",
        "arp_interval",
        Int,
        0,
        "arp interval in milliseconds",
        D(0),
        Some(OptionId::ArpInterval),
    ),
    p(
        "arp_ip_target",
        "arp_ip_target",
        CharpArray(BOND_MAX_ARP_TARGETS),
        0,
        "arp targets in n.n.n.n form",
        Null,
        Some(OptionId::ArpTargets),
    ),
    p(
        "arp_validate",
        "arp_validate",
        Charp,
        0,
        "validate src/dst of ARP probes; 0 for none (default), 1 for active, 2 for backup, 3 for all",
        Null,
        Some(OptionId::ArpValidate),
    ),
    p(
        "arp_all_targets",
        "arp_all_targets",
        Charp,
        0,
        "fail on any/all arp targets timeout; 0 for any (default), 1 for all",
        Null,
        Some(OptionId::ArpAllTargets),
    ),
    p(
        "fail_over_mac",
        "fail_over_mac",
        Charp,
        0,
        "For active-backup, do not set all slaves to the same MAC; 0 for none (default), 1 for active, 2 for follow",
        Null,
        Some(OptionId::FailOverMac),
    ),
    p(
        "all_slaves_active",
        "all_slaves_active",
        Int,
        0,
        "Keep all frames received on an interface by setting active flag for all slaves; 0 for never (default), 1 for always.",
        D(0),
        Some(OptionId::AllSlavesActive),
    ),
    p(
        "resend_igmp",
        "resend_igmp",
        Int,
        0,
        "Number of IGMP membership reports to send on link failure",
        D(1),
        Some(OptionId::ResendIgmp),
    ),
    p(
        "packets_per_slave",
        "packets_per_slave",
        Int,
        0,
        "Packets to send per slave in balance-rr mode; 0 for a random slave, 1 packet per slave (default), >1 packets per slave.",
        D(1),
        Some(OptionId::PacketsPerSlave),
    ),
    p(
        "lp_interval",
        "lp_interval",
        Uint,
        0,
        "The number of seconds between instances where the bonding driver sends learning packets to each slaves peer switch. The default is 1.",
        D(1),
        Some(OptionId::LpInterval),
    ),
];

/// bonding-rs's own module parameters (C has none of them; `modinfo -p` lists them after C's),
/// one per bonding-rs option that new bonds take their default from.
pub static OURS_PARAMS: [ModuleParam; 1] = [p(
    "carrier_events",
    "carrier_events",
    Int,
    0,
    "bonding-rs: with miimon, run the MII monitor at once on a slave's carrier change; 0 for only at the miimon ticks as the C driver, 1 for at once too (default)",
    D(1),
    Some(OptionId::CarrierEvents),
)];

/// Look a C parameter up by name (not bonding-rs's own, [`OURS_PARAMS`]).
pub fn find_param(name: &str) -> Option<&'static ModuleParam> {
    MODULE_PARAMS.iter().find(|m| m.name == name)
}
