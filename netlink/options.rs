// SPDX-License-Identifier: GPL-2.0

//! The bonding option table (C `bond_opts[]`) and its value tables, option
//! value parsing (C `bond_opt_parse()`), the dependency check (C
//! `bond_opt_check_deps()`) and the error reporting of C
//! `bond_opt_error_interpret()`.
//!
//! Everything here is a transcription of `drivers/net/bonding/bond_options.c`
//! and `include/net/bond_options.h` of the reference tree; host tests
//! cross-check the tables against the C source mechanically.

use core::fmt;

use crate::modes::{ArpValidate, FailOverMac, Mode, PrimaryReselect, XmitHashPolicy};

/// `BOND_OPTFLAG_NOSLAVES`: the bond must have no slaves to set the option.
pub const OPTFLAG_NOSLAVES: u32 = 1 << 0;
/// `BOND_OPTFLAG_IFDOWN`: the bond must be down to set the option.
pub const OPTFLAG_IFDOWN: u32 = 1 << 1;
/// `BOND_OPTFLAG_RAWVAL`: the option's set function parses the value itself.
pub const OPTFLAG_RAWVAL: u32 = 1 << 2;

/// `BOND_VALFLAG_DEFAULT`: the value is the option's default.
pub const VALFLAG_DEFAULT: u32 = 1 << 0;
/// `BOND_VALFLAG_MIN`: the value is the lower bound of the accepted range.
pub const VALFLAG_MIN: u32 = 1 << 1;
/// `BOND_VALFLAG_MAX`: the value is the upper bound of the accepted range.
pub const VALFLAG_MAX: u32 = 1 << 2;

/// `BOND_OPT_MAX_NAMELEN`: `bond_opt_parse()` reads at most this many
/// characters of a value name (`"%32s"`).
pub const OPT_MAX_NAMELEN: usize = 32;

/// C `INT_MAX`.
const INT_MAX: u64 = 2_147_483_647;
/// C `USHRT_MAX`.
const USHRT_MAX: u64 = 65_535;

/// Kernel errno values used by the option code (positive, as in
/// `include/uapi/asm-generic/errno*.h`).
pub mod errno {
    /// Operation not permitted.
    pub const EPERM: i32 = 1;
    /// No such file or directory (unknown option).
    pub const ENOENT: i32 = 2;
    /// Permission denied (option not supported in the current mode).
    pub const EACCES: i32 = 13;
    /// Device or resource busy (bond is up).
    pub const EBUSY: i32 = 16;
    /// No such device.
    pub const ENODEV: i32 = 19;
    /// Invalid argument.
    pub const EINVAL: i32 = 22;
    /// Directory not empty (bond has slaves).
    pub const ENOTEMPTY: i32 = 39;
    /// Operation not supported.
    pub const EOPNOTSUPP: i32 = 95;
}

/// Declares [`OptionId`] from one list of `Variant = "BOND_OPT_NAME"` lines, in the order (and
/// with the numbering) of the C `BOND_OPT_*` enum, then, after a `;`, bonding-rs's own options
/// (numbered after C's, named `BONDRS_OPT_*`: no C enumerator, no netlink attribute): the enum,
/// [`OPT_LAST`], [`C_OPT_LAST`], [`OptionId::ALL`] and [`OptionId::c_name`].
macro_rules! option_ids {
    ($($v:ident = $c:literal,)* ; $($ov:ident = $oc:literal,)*) => {
        /// Number of options: C's `BOND_OPT_LAST` plus bonding-rs's own.
        pub const OPT_LAST: usize = [$($c,)* $($oc,)*].len();

        /// C's `BOND_OPT_LAST`: the options C has; the ids from here to [`OPT_LAST`] are
        /// bonding-rs's own ([`OptionId::is_ours`]).
        pub const C_OPT_LAST: usize = [$($c,)*].len();

        /// Option identifiers, in the order (and with the numbering) of the C
        /// `BOND_OPT_*` enum in `include/net/bond_options.h`, then bonding-rs's own.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum OptionId {
            $(#[doc = concat!("`", $c, "`")] $v,)*
            $(#[doc = concat!("`", $oc, "` (bonding-rs only)")] $ov,)*
        }

        impl OptionId {
            /// All options, in id order.
            pub const ALL: [OptionId; OPT_LAST] = [$(OptionId::$v,)* $(OptionId::$ov,)*];

            /// The C enumerator name, e.g. `"BOND_OPT_MODE"` (`"BONDRS_OPT_*"` for
            /// bonding-rs's own options).
            pub const fn c_name(self) -> &'static str {
                match self {
                    $(OptionId::$v => $c,)*
                    $(OptionId::$ov => $oc,)*
                }
            }
        }
    };
}

option_ids! {
    Mode = "BOND_OPT_MODE",
    PacketsPerSlave = "BOND_OPT_PACKETS_PER_SLAVE",
    XmitHashPolicy = "BOND_OPT_XMIT_HASH",
    ArpValidate = "BOND_OPT_ARP_VALIDATE",
    ArpAllTargets = "BOND_OPT_ARP_ALL_TARGETS",
    FailOverMac = "BOND_OPT_FAIL_OVER_MAC",
    ArpInterval = "BOND_OPT_ARP_INTERVAL",
    ArpTargets = "BOND_OPT_ARP_TARGETS",
    DownDelay = "BOND_OPT_DOWNDELAY",
    UpDelay = "BOND_OPT_UPDELAY",
    LacpRate = "BOND_OPT_LACP_RATE",
    MinLinks = "BOND_OPT_MINLINKS",
    AdSelect = "BOND_OPT_AD_SELECT",
    NumPeerNotif = "BOND_OPT_NUM_PEER_NOTIF",
    MiiMon = "BOND_OPT_MIIMON",
    Primary = "BOND_OPT_PRIMARY",
    PrimaryReselect = "BOND_OPT_PRIMARY_RESELECT",
    UseCarrier = "BOND_OPT_USE_CARRIER",
    ActiveSlave = "BOND_OPT_ACTIVE_SLAVE",
    QueueId = "BOND_OPT_QUEUE_ID",
    AllSlavesActive = "BOND_OPT_ALL_SLAVES_ACTIVE",
    ResendIgmp = "BOND_OPT_RESEND_IGMP",
    LpInterval = "BOND_OPT_LP_INTERVAL",
    Slaves = "BOND_OPT_SLAVES",
    TlbDynamicLb = "BOND_OPT_TLB_DYNAMIC_LB",
    AdActorSysPrio = "BOND_OPT_AD_ACTOR_SYS_PRIO",
    AdActorSystem = "BOND_OPT_AD_ACTOR_SYSTEM",
    AdUserPortKey = "BOND_OPT_AD_USER_PORT_KEY",
    NumPeerNotifAlias = "BOND_OPT_NUM_PEER_NOTIF_ALIAS",
    PeerNotifDelay = "BOND_OPT_PEER_NOTIF_DELAY",
    LacpActive = "BOND_OPT_LACP_ACTIVE",
    MissedMax = "BOND_OPT_MISSED_MAX",
    NsTargets = "BOND_OPT_NS_TARGETS",
    Prio = "BOND_OPT_PRIO",
    CoupledControl = "BOND_OPT_COUPLED_CONTROL",
    BroadcastNeighbor = "BOND_OPT_BROADCAST_NEIGH",
    ActorPortPrio = "BOND_OPT_ACTOR_PORT_PRIO",
    LacpStrict = "BOND_OPT_LACP_STRICT",
    ;
    // bonding-rs's own options (module parameter and sysfs only: no IFLA_BOND_* attribute,
    // not in /proc/net/bonding; docs/core-bonding.md)
    CarrierEvents = "BONDRS_OPT_CARRIER_EVENTS",
}

impl OptionId {
    /// The numeric id (C `BOND_OPT_*` value).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Whether the option is bonding-rs's own (C has no such option).
    pub const fn is_ours(self) -> bool {
        self.index() >= C_OPT_LAST
    }

    /// Option from its numeric id (C `BOND_OPT_VALID()` + lookup).
    pub const fn from_index(i: usize) -> Option<OptionId> {
        if i < OPT_LAST {
            Some(OptionId::ALL[i])
        } else {
            None
        }
    }
}

/// One entry of an option value table (C `struct bond_opt_value`, without
/// the terminating `{ NULL, -1, 0 }` entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptValue {
    /// Value name accepted by string parsing and shown by `value_name()`.
    pub name: &'static str,
    /// Numeric value.
    pub value: u64,
    /// `VALFLAG_*` bits.
    pub flags: u32,
}

const fn v(name: &'static str, value: u64, flags: u32) -> OptValue {
    OptValue { name, value, flags }
}

/// One bonding option (C `struct bond_option`, minus the `set` callback).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BondOption {
    /// Option id; equals the option's index in [`OPTIONS`].
    pub id: OptionId,
    /// sysfs attribute / option name.
    pub name: &'static str,
    /// Description (`None` where C leaves `.desc` NULL).
    pub desc: Option<&'static str>,
    /// `OPTFLAG_*` bits.
    pub flags: u32,
    /// Modes in which the option is not supported: bit `n` = mode `n`
    /// (C `unsuppmodes` restricted to the seven defined modes).
    pub unsupp_modes: u8,
    /// Value table; empty where C has `.values = NULL` (the RAWVAL options).
    pub values: &'static [OptValue],
}

impl BondOption {
    /// Whether the option has `OPTFLAG_RAWVAL` (its set function parses).
    pub const fn is_raw(&self) -> bool {
        self.flags & OPTFLAG_RAWVAL != 0
    }

    /// Whether the option is supported in `mode` (not in `unsupp_modes`).
    pub const fn supported_in(&self, mode: Mode) -> bool {
        self.unsupp_modes & mode.bit() == 0
    }

    /// C `bond_opt_get_flags()`: first value table entry with any of `mask`.
    pub fn value_with_flags(&self, mask: u32) -> Option<&'static OptValue> {
        self.values.iter().find(|e| e.flags & mask != 0)
    }

    /// The accepted numeric range `(min, max)` as used by
    /// `bond_opt_check_range()` and printed on `-EINVAL`: `None` if the table
    /// has no MAX entry (then only exact table values are accepted); a
    /// missing MIN entry means 0.
    pub fn range(&self) -> Option<(u64, u64)> {
        let max = self.value_with_flags(VALFLAG_MAX)?;
        let min = self.value_with_flags(VALFLAG_MIN).map_or(0, |m| m.value);
        Some((min, max.value))
    }
}

/// `BOND_MODE_ALL_EX(x)` restricted to the defined modes.
const fn all_ex(x: u8) -> u8 {
    !x & Mode::ALL_MASK
}

const RR: u8 = Mode::BalanceRr.bit();
const AB: u8 = Mode::ActiveBackup.bit();
const AD: u8 = Mode::Ieee8023ad.bit();
const TLB: u8 = Mode::BalanceTlb.bit();
const ALB: u8 = Mode::BalanceAlb.bit();

/// The value table of an enum of `modes` (names kept once, with the enum), the first value
/// the default, as C's tables of those options are.
macro_rules! enum_tbl {
    ($t:ident, $n:literal) => {{
        let mut out = [v("", 0, 0); $n];
        let mut i = 0;
        while i < $n {
            let e = $t::ALL[i];
            out[i] = v(
                e.name(),
                e.as_u8() as u64,
                if i == 0 { VALFLAG_DEFAULT } else { 0 },
            );
            i += 1;
        }
        out
    }};
}

/// `bond_mode_tbl`
pub static MODE_TBL: [OptValue; 7] = enum_tbl!(Mode, 7);

/// `bond_pps_tbl`
pub static PPS_TBL: [OptValue; 2] = [
    v("default", 1, VALFLAG_DEFAULT),
    v("maxval", USHRT_MAX, VALFLAG_MAX),
];

/// `bond_xmit_hashtype_tbl`
pub static XMIT_HASHTYPE_TBL: [OptValue; 6] = enum_tbl!(XmitHashPolicy, 6);

/// `bond_arp_validate_tbl`
pub static ARP_VALIDATE_TBL: [OptValue; 7] = enum_tbl!(ArpValidate, 7);

/// `bond_arp_all_targets_tbl`
pub static ARP_ALL_TARGETS_TBL: [OptValue; 2] = [v("any", 0, VALFLAG_DEFAULT), v("all", 1, 0)];

/// `bond_fail_over_mac_tbl`
pub static FAIL_OVER_MAC_TBL: [OptValue; 3] = enum_tbl!(FailOverMac, 3);

/// `bond_intmax_tbl`
pub static INTMAX_TBL: [OptValue; 2] = [
    v("off", 0, VALFLAG_DEFAULT),
    v("maxval", INT_MAX, VALFLAG_MAX),
];

/// `bond_lacp_active`
pub static LACP_ACTIVE_TBL: [OptValue; 2] = [v("off", 0, 0), v("on", 1, VALFLAG_DEFAULT)];

/// `bond_lacp_rate_tbl` (no default entry)
pub static LACP_RATE_TBL: [OptValue; 2] = [v("slow", 0, 0), v("fast", 1, 0)];

/// `bond_lacp_strict_tbl`
pub static LACP_STRICT_TBL: [OptValue; 2] = [v("off", 0, VALFLAG_DEFAULT), v("on", 1, 0)];

/// `bond_ad_select_tbl`
pub static AD_SELECT_TBL: [OptValue; 4] = [
    v("stable", 0, VALFLAG_DEFAULT),
    v("bandwidth", 1, 0),
    v("count", 2, 0),
    v("actor_port_prio", 3, 0),
];

/// `bond_num_peer_notif_tbl`
pub static NUM_PEER_NOTIF_TBL: [OptValue; 3] = [
    v("off", 0, 0),
    v("maxval", 255, VALFLAG_MAX),
    v("default", 1, VALFLAG_DEFAULT),
];

/// `bond_peer_notif_delay_tbl` (no default entry)
pub static PEER_NOTIF_DELAY_TBL: [OptValue; 2] =
    [v("off", 0, 0), v("maxval", 300_000, VALFLAG_MAX)];

/// `bond_primary_reselect_tbl`
pub static PRIMARY_RESELECT_TBL: [OptValue; 3] = enum_tbl!(PrimaryReselect, 3);

/// `bond_use_carrier_tbl`
pub static USE_CARRIER_TBL: [OptValue; 1] = [v("on", 1, VALFLAG_DEFAULT)];

/// `bond_all_slaves_active_tbl`
pub static ALL_SLAVES_ACTIVE_TBL: [OptValue; 2] = [v("off", 0, VALFLAG_DEFAULT), v("on", 1, 0)];

/// `bond_resend_igmp_tbl`
pub static RESEND_IGMP_TBL: [OptValue; 3] = [
    v("off", 0, 0),
    v("maxval", 255, VALFLAG_MAX),
    v("default", 1, VALFLAG_DEFAULT),
];

/// `bond_lp_interval_tbl`
pub static LP_INTERVAL_TBL: [OptValue; 2] = [
    v("minval", 1, VALFLAG_MIN | VALFLAG_DEFAULT),
    v("maxval", INT_MAX, VALFLAG_MAX),
];

/// `bond_tlb_dynamic_lb_tbl`
pub static TLB_DYNAMIC_LB_TBL: [OptValue; 2] = [v("off", 0, 0), v("on", 1, VALFLAG_DEFAULT)];

/// `bond_ad_actor_sys_prio_tbl`
pub static AD_ACTOR_SYS_PRIO_TBL: [OptValue; 2] = [
    v("minval", 1, VALFLAG_MIN),
    v("maxval", 65535, VALFLAG_MAX | VALFLAG_DEFAULT),
];

/// `bond_ad_user_port_key_tbl`
pub static AD_USER_PORT_KEY_TBL: [OptValue; 2] = [
    v("minval", 0, VALFLAG_MIN | VALFLAG_DEFAULT),
    v("maxval", 1023, VALFLAG_MAX),
];

/// `bond_missed_max_tbl`
pub static MISSED_MAX_TBL: [OptValue; 3] = [
    v("minval", 1, VALFLAG_MIN),
    v("maxval", 255, VALFLAG_MAX),
    v("default", 2, VALFLAG_DEFAULT),
];

/// `bond_coupled_control_tbl`
pub static COUPLED_CONTROL_TBL: [OptValue; 2] = [v("on", 1, VALFLAG_DEFAULT), v("off", 0, 0)];

/// bonding-rs's `carrier_events`: 0 (C's timing) or 1 (the default).
pub static CARRIER_EVENTS_TBL: [OptValue; 2] = [v("off", 0, 0), v("on", 1, VALFLAG_DEFAULT)];

/// `bond_broadcast_neigh_tbl`
pub static BROADCAST_NEIGH_TBL: [OptValue; 2] = [v("off", 0, VALFLAG_DEFAULT), v("on", 1, 0)];

const NONE_TBL: &[OptValue] = &[];

const fn opt(
    id: OptionId,
    name: &'static str,
    desc: Option<&'static str>,
    flags: u32,
    unsupp_modes: u8,
    values: &'static [OptValue],
) -> BondOption {
    BondOption {
        id,
        name,
        desc,
        flags,
        unsupp_modes,
        values,
    }
}

/// The option table (C `bond_opts[]`), indexed by [`OptionId::index`].
pub static OPTIONS: [BondOption; OPT_LAST] = [
    opt(
        OptionId::Mode,
        "mode",
        Some("bond device mode"),
        OPTFLAG_NOSLAVES | OPTFLAG_IFDOWN,
        0,
        &MODE_TBL,
    ),
    opt(
        OptionId::PacketsPerSlave,
        "packets_per_slave",
        Some("Packets to send per slave in RR mode"),
        0,
        all_ex(RR),
        &PPS_TBL,
    ),
    opt(
        OptionId::XmitHashPolicy,
        "xmit_hash_policy",
        Some("balance-xor, 802.3ad, and tlb hashing method"),
        0,
        0,
        &XMIT_HASHTYPE_TBL,
    ),
    opt(
        OptionId::ArpValidate,
        "arp_validate",
        Some("validate src/dst of ARP probes"),
        0,
        AD | TLB | ALB,
        &ARP_VALIDATE_TBL,
    ),
    opt(
        OptionId::ArpAllTargets,
        "arp_all_targets",
        Some("fail on any/all arp targets timeout"),
        0,
        0,
        &ARP_ALL_TARGETS_TBL,
    ),
    opt(
        OptionId::FailOverMac,
        "fail_over_mac",
        Some("For active-backup, do not set all slaves to the same MAC"),
        OPTFLAG_NOSLAVES,
        0,
        &FAIL_OVER_MAC_TBL,
    ),
    opt(
        OptionId::ArpInterval,
        "arp_interval",
        Some("arp interval in milliseconds"),
        0,
        AD | TLB | ALB,
        &INTMAX_TBL,
    ),
    opt(
        OptionId::ArpTargets,
        "arp_ip_target",
        Some("arp targets in n.n.n.n form"),
        OPTFLAG_RAWVAL,
        0,
        NONE_TBL,
    ),
    opt(
        OptionId::DownDelay,
        "downdelay",
        Some("Delay before considering link down, in milliseconds"),
        0,
        0,
        &INTMAX_TBL,
    ),
    opt(
        OptionId::UpDelay,
        "updelay",
        Some("Delay before considering link up, in milliseconds"),
        0,
        0,
        &INTMAX_TBL,
    ),
    opt(
        OptionId::LacpRate,
        "lacp_rate",
        Some("LACPDU tx rate to request from 802.3ad partner"),
        OPTFLAG_IFDOWN,
        all_ex(AD),
        &LACP_RATE_TBL,
    ),
    opt(
        OptionId::MinLinks,
        "min_links",
        Some("Minimum number of available links before turning on carrier"),
        0,
        0,
        &INTMAX_TBL,
    ),
    opt(
        OptionId::AdSelect,
        "ad_select",
        Some("802.3ad aggregation selection logic"),
        OPTFLAG_IFDOWN,
        0,
        &AD_SELECT_TBL,
    ),
    opt(
        OptionId::NumPeerNotif,
        "num_unsol_na",
        Some("Number of peer notifications to send on failover event"),
        0,
        0,
        &NUM_PEER_NOTIF_TBL,
    ),
    opt(
        OptionId::MiiMon,
        "miimon",
        Some("Link check interval in milliseconds"),
        0,
        0,
        &INTMAX_TBL,
    ),
    opt(
        OptionId::Primary,
        "primary",
        Some("Primary network device to use"),
        OPTFLAG_RAWVAL,
        all_ex(AB | TLB | ALB),
        NONE_TBL,
    ),
    opt(
        OptionId::PrimaryReselect,
        "primary_reselect",
        Some("Reselect primary slave once it comes up"),
        0,
        0,
        &PRIMARY_RESELECT_TBL,
    ),
    opt(
        OptionId::UseCarrier,
        "use_carrier",
        Some("option obsolete, use_carrier cannot be disabled"),
        0,
        0,
        &USE_CARRIER_TBL,
    ),
    opt(
        OptionId::ActiveSlave,
        "active_slave",
        Some("Currently active slave"),
        OPTFLAG_RAWVAL,
        all_ex(AB | TLB | ALB),
        NONE_TBL,
    ),
    opt(
        OptionId::QueueId,
        "queue_id",
        Some("Set queue id of a slave"),
        OPTFLAG_RAWVAL,
        0,
        NONE_TBL,
    ),
    opt(
        OptionId::AllSlavesActive,
        "all_slaves_active",
        Some("Keep all frames received on an interface by setting active flag for all slaves"),
        0,
        0,
        &ALL_SLAVES_ACTIVE_TBL,
    ),
    opt(
        OptionId::ResendIgmp,
        "resend_igmp",
        Some("Number of IGMP membership reports to send on link failure"),
        0,
        0,
        &RESEND_IGMP_TBL,
    ),
    opt(
        OptionId::LpInterval,
        "lp_interval",
        Some("The number of seconds between instances where the bonding driver sends learning packets to each slave's peer switch"),
        0,
        0,
        &LP_INTERVAL_TBL,
    ),
    opt(
        OptionId::Slaves,
        "slaves",
        Some("Slave membership management"),
        OPTFLAG_RAWVAL,
        0,
        NONE_TBL,
    ),
    opt(
        OptionId::TlbDynamicLb,
        "tlb_dynamic_lb",
        Some("Enable dynamic flow shuffling"),
        OPTFLAG_IFDOWN,
        all_ex(TLB | ALB),
        &TLB_DYNAMIC_LB_TBL,
    ),
    opt(
        OptionId::AdActorSysPrio,
        "ad_actor_sys_prio",
        None,
        0,
        all_ex(AD),
        &AD_ACTOR_SYS_PRIO_TBL,
    ),
    opt(
        OptionId::AdActorSystem,
        "ad_actor_system",
        None,
        OPTFLAG_RAWVAL,
        all_ex(AD),
        NONE_TBL,
    ),
    opt(
        OptionId::AdUserPortKey,
        "ad_user_port_key",
        None,
        OPTFLAG_IFDOWN,
        all_ex(AD),
        &AD_USER_PORT_KEY_TBL,
    ),
    opt(
        OptionId::NumPeerNotifAlias,
        "num_grat_arp",
        Some("Number of peer notifications to send on failover event"),
        0,
        0,
        &NUM_PEER_NOTIF_TBL,
    ),
    opt(
        OptionId::PeerNotifDelay,
        "peer_notif_delay",
        Some("Delay between each peer notification on failover event, in milliseconds"),
        0,
        0,
        &PEER_NOTIF_DELAY_TBL,
    ),
    opt(
        OptionId::LacpActive,
        "lacp_active",
        Some("Send LACPDU frames with configured lacp rate or acts as speak when spoken to"),
        OPTFLAG_IFDOWN,
        all_ex(AD),
        &LACP_ACTIVE_TBL,
    ),
    opt(
        OptionId::MissedMax,
        "arp_missed_max",
        Some("Maximum number of missed ARP interval"),
        0,
        AD | TLB | ALB,
        &MISSED_MAX_TBL,
    ),
    opt(
        OptionId::NsTargets,
        "ns_ip6_target",
        Some("NS targets in ffff:ffff::ffff:ffff form"),
        OPTFLAG_RAWVAL,
        0,
        NONE_TBL,
    ),
    opt(
        OptionId::Prio,
        "prio",
        Some("Link priority for failover re-selection"),
        OPTFLAG_RAWVAL,
        all_ex(AB | TLB | ALB),
        NONE_TBL,
    ),
    opt(
        OptionId::CoupledControl,
        "coupled_control",
        Some("Opt into using coupled control MUX for LACP states"),
        OPTFLAG_IFDOWN,
        all_ex(AD),
        &COUPLED_CONTROL_TBL,
    ),
    opt(
        OptionId::BroadcastNeighbor,
        "broadcast_neighbor",
        Some("Broadcast neighbor packets to all active slaves"),
        0,
        all_ex(AD),
        &BROADCAST_NEIGH_TBL,
    ),
    opt(
        OptionId::ActorPortPrio,
        "actor_port_prio",
        None,
        OPTFLAG_RAWVAL,
        all_ex(AD),
        NONE_TBL,
    ),
    opt(
        OptionId::LacpStrict,
        "lacp_strict",
        Some("Define the LACP fallback mode when no slaves have negotiated"),
        0,
        all_ex(AD),
        &LACP_STRICT_TBL,
    ),
    // bonding-rs's own options
    opt(
        OptionId::CarrierEvents,
        "carrier_events",
        Some("Run the MII monitor at once on a slave's carrier change (1, default) or only on its ticks as C (0)"),
        0,
        0,
        &CARRIER_EVENTS_TBL,
    ),
];

/// C `bond_opt_get()`: the option's table entry.
pub fn option(id: OptionId) -> &'static BondOption {
    // Always `Some`: `OptionId` discriminants are `0..OPT_LAST` and the
    // tests check `OPTIONS[i].id.index() == i`.
    match OPTIONS.get(id.index()) {
        Some(o) => o,
        None => &OPTIONS[0],
    }
}

/// C `bond_opt_get_by_name()`: exact (`strcmp`) match on the option name.
pub fn find_by_name(name: &[u8]) -> Option<&'static BondOption> {
    OPTIONS.iter().find(|o| o.name.as_bytes() == name)
}

/// Errors of the option layer. [`OptError::errno`] gives the negative errno
/// C returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptError {
    /// `-EINVAL`: value not accepted by `bond_opt_parse()`.
    InvalidValue,
    /// `-EACCES`: option not supported in the current mode.
    NotSupportedInMode,
    /// `-ENOTEMPTY`: option needs a bond without slaves.
    HasSlaves,
    /// `-EBUSY`: option needs the bond to be down.
    DeviceUp,
    /// The option is `OPTFLAG_RAWVAL`: its set function parses the value, the
    /// table parser has nothing to say. This is a caller error (C passes the
    /// value through untouched); maps to `-EINVAL`.
    RawOption,
}

impl OptError {
    /// Negative errno as returned by C `__bond_opt_set()`.
    pub const fn errno(self) -> i32 {
        match self {
            OptError::InvalidValue | OptError::RawOption => -errno::EINVAL,
            OptError::NotSupportedInMode => -errno::EACCES,
            OptError::HasSlaves => -errno::ENOTEMPTY,
            OptError::DeviceUp => -errno::EBUSY,
        }
    }

    /// The extack message C sets for this error (see [`error_extack`] for
    /// the exact conditions, e.g. for errors returned by set functions).
    pub const fn extack_msg(self) -> Option<&'static str> {
        match self {
            OptError::InvalidValue => Some(EXTACK_INVALID),
            OptError::NotSupportedInMode => Some(EXTACK_MODE),
            OptError::HasSlaves => Some(EXTACK_SLAVES),
            OptError::DeviceUp => Some(EXTACK_UP),
            OptError::RawOption => None,
        }
    }
}

/// extack for `-EINVAL`.
pub const EXTACK_INVALID: &str = "invalid option value";
/// extack for `-EACCES` (mode dependency).
pub const EXTACK_MODE: &str = "option not supported in mode";
/// extack for `-ENOTEMPTY`.
pub const EXTACK_SLAVES: &str = "unable to set option because the bond device has slaves";
/// extack for `-EBUSY`.
pub const EXTACK_UP: &str = "unable to set option because the bond is up";
/// extack for `-ENODEV` (only when the value was a string).
pub const EXTACK_NODEV: &str = "interface does not exist";

/// C `isspace()` of `lib/ctype.c` (Latin-1 table: `\t\n\v\f\r`, space, and
/// 0xA0).
const fn c_isspace(b: u8) -> bool {
    matches!(b, 9..=13 | b' ' | 0xa0)
}

/// Bytes of a C string: up to (excluding) the first NUL.
fn c_str(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(n) => s.get(..n).unwrap_or(s),
        None => s,
    }
}

/// The string as `bond_opt_parse()` / `bond_opt_error_interpret()` see it:
/// C-string (stops at NUL), cut at the first `'\n'`.
pub fn strip_at_newline(s: &[u8]) -> &[u8] {
    let s = c_str(s);
    match s.iter().position(|&b| b == b'\n') {
        Some(n) => s.get(..n).unwrap_or(s),
        None => s,
    }
}

/// Kernel `mac_pton()`: `XX:XX:XX:XX:XX:XX` at the start of `s` (hex digits of either case,
/// colons only); whatever follows the 17th character is ignored, as C's sysfs store relies on
/// for the newline `echo` adds. `None` for anything shorter or malformed.
pub fn mac_pton(s: &[u8]) -> Option<[u8; 6]> {
    let s = c_str(s);
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut mac = [0u8; 6];
    for (i, m) in mac.iter_mut().enumerate() {
        let hi = hex(*s.get(i * 3)?)?;
        let lo = hex(*s.get(i * 3 + 1)?)?;
        if i != 5 && *s.get(i * 3 + 2)? != b':' {
            return None;
        }
        *m = hi << 4 | lo;
    }
    Some(mac)
}

fn skip_spaces(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| c_isspace(b)).count();
    s.get(n..).unwrap_or(&[])
}

/// Kernel `sscanf(s, "%llu", &v)`: `None` when it converts nothing (returns
/// 0). Overflow saturates at `u64::MAX` (`_parse_integer_limit()`).
fn scan_llu(s: &[u8]) -> Option<u64> {
    let s = skip_spaces(s);
    match s.first() {
        Some(b) if b.is_ascii_digit() => {}
        _ => return None,
    }
    let mut res: u64 = 0;
    for &b in s.iter().take_while(|b| b.is_ascii_digit()) {
        let d = u64::from(b - b'0');
        res = res
            .checked_mul(10)
            .and_then(|r| r.checked_add(d))
            .unwrap_or(u64::MAX);
    }
    Some(res)
}

/// Kernel `sscanf(s, "%32s", buf)`: the first whitespace-delimited word,
/// truncated to 32 bytes; `None` when `s` is empty (returns 0).
fn scan_word(s: &[u8]) -> Option<&[u8]> {
    if s.is_empty() {
        return None;
    }
    let s = skip_spaces(s);
    let n = s
        .iter()
        .take(OPT_MAX_NAMELEN)
        .take_while(|&&b| !c_isspace(b))
        .count();
    Some(s.get(..n).unwrap_or(s))
}

/// Table lookup / range check of a number (the `checkval` half of
/// `bond_opt_parse()`).
fn match_number(opt: &BondOption, val: u64) -> Result<u64, OptError> {
    if opt.values.iter().any(|e| e.value == val) {
        return Ok(val);
    }
    match opt.range() {
        Some((min, max)) if val >= min && val <= max => Ok(val),
        _ => Err(OptError::InvalidValue),
    }
}

/// Name lookup (the string half of `bond_opt_parse()`): the first table
/// entry that is named `word`, or that has `VALFLAG_DEFAULT` when `word` is
/// `"default"`.
fn match_name(opt: &BondOption, word: &[u8]) -> Result<u64, OptError> {
    let is_default = word == b"default";
    opt.values
        .iter()
        .find(|e| (is_default && e.flags & VALFLAG_DEFAULT != 0) || e.name.as_bytes() == word)
        .map(|e| e.value)
        .ok_or(OptError::InvalidValue)
}

/// Parse a string value (sysfs store, module parameter, or any other
/// `bond_opt_initstr()` caller) exactly like C `bond_opt_parse()`:
///
/// * the input is a C string (ends at the first NUL) and is cut at the first
///   `'\n'`;
/// * if it consists only of digits and whitespace it is a number
///   (`sscanf("%llu")`: leading whitespace skipped, digits up to the first
///   non-digit; overflow saturates; nothing converted → invalid) that must be
///   a table value or lie in the table's MIN..=MAX range (no MAX entry → only
///   table values);
/// * otherwise the first word (leading whitespace skipped, at most 32 bytes)
///   must be a table name, or `"default"` which selects the first entry
///   flagged `VALFLAG_DEFAULT`.
///
/// Returns the resulting value. RAWVAL options return
/// [`OptError::RawOption`] (their set functions parse the string).
pub fn parse_value(id: OptionId, input: &[u8]) -> Result<u64, OptError> {
    let opt = option(id);
    if opt.is_raw() {
        return Err(OptError::RawOption);
    }
    if opt.values.is_empty() {
        return Err(OptError::InvalidValue);
    }
    let s = strip_at_newline(input);
    let numeric = s.iter().all(|&b| b.is_ascii_digit() || c_isspace(b));
    if numeric {
        // An empty string also takes this path in C; sscanf then returns 0.
        let val = scan_llu(s).ok_or(OptError::InvalidValue)?;
        match_number(opt, val)
    } else {
        let word = scan_word(s).ok_or(OptError::InvalidValue)?;
        match_name(opt, word)
    }
}

/// Check a numeric value (netlink, `bond_opt_initval()` callers) like C
/// `bond_opt_parse()` with `checkval`: exact table value or within the
/// MIN..=MAX range. `u64::MAX` (C's `ULLONG_MAX` "no value" marker) is always
/// invalid. RAWVAL options return [`OptError::RawOption`].
pub fn check_value(id: OptionId, v: u64) -> Result<u64, OptError> {
    let opt = option(id);
    if opt.is_raw() {
        return Err(OptError::RawOption);
    }
    if v == u64::MAX || opt.values.is_empty() {
        return Err(OptError::InvalidValue);
    }
    match_number(opt, v)
}

/// The value C selects for the string `"default"` (first `VALFLAG_DEFAULT`
/// entry). `None` for options where `"default"` is rejected: RAWVAL options
/// and the tables without a default entry (`lacp_rate`, `peer_notif_delay`).
pub fn default_value(id: OptionId) -> Option<u64> {
    option(id)
        .value_with_flags(VALFLAG_DEFAULT)
        .map(|e| e.value)
}

/// C `bond_opt_get_val()` name: the first table entry whose value is `v`
/// (e.g. `value_name(OptionId::Mode, 0) == Some("balance-rr")`).
pub fn value_name(id: OptionId, v: u64) -> Option<&'static str> {
    option(id)
        .values
        .iter()
        .find(|e| e.value == v)
        .map(|e| e.name)
}

/// C `bond_opt_check_deps()`: mode dependency (`-EACCES`), then
/// `OPTFLAG_NOSLAVES` (`-ENOTEMPTY`), then `OPTFLAG_IFDOWN` (`-EBUSY`).
pub fn check_deps(id: OptionId, mode: Mode, has_slaves: bool, is_up: bool) -> Result<(), OptError> {
    let opt = option(id);
    if !opt.supported_in(mode) {
        return Err(OptError::NotSupportedInMode);
    }
    if opt.flags & OPTFLAG_NOSLAVES != 0 && has_slaves {
        return Err(OptError::HasSlaves);
    }
    if opt.flags & OPTFLAG_IFDOWN != 0 && is_up {
        return Err(OptError::DeviceUp);
    }
    Ok(())
}

/// A value handed to the option layer: C `bond_opt_initstr()` or
/// `bond_opt_initval()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptInput<'a> {
    /// A string (sysfs, module parameter); may contain a trailing newline.
    Str(&'a [u8]),
    /// A number (netlink).
    Num(u64),
}

/// The checks C `__bond_opt_set()` runs before calling the option's set
/// function: [`check_deps`], then parsing. `Ok(Some(v))`: call the setter
/// with `v`; `Ok(None)`: RAWVAL option, the setter gets the raw input.
pub fn validate(
    id: OptionId,
    mode: Mode,
    has_slaves: bool,
    is_up: bool,
    input: OptInput<'_>,
) -> Result<Option<u64>, OptError> {
    check_deps(id, mode, has_slaves, is_up)?;
    if option(id).is_raw() {
        return Ok(None);
    }
    match input {
        OptInput::Str(s) => parse_value(id, s).map(Some),
        OptInput::Num(n) => check_value(id, n).map(Some),
    }
}

/// C `bond_opt_error_interpret()` extack part: the message C puts into the
/// netlink extack for a (negative) `errno` returned by `__bond_opt_set()`,
/// whether it came from the checks above or from the option's set function.
pub fn error_extack(
    err: i32,
    id: OptionId,
    mode: Mode,
    val: Option<OptInput<'_>>,
) -> Option<&'static str> {
    match -err {
        errno::EINVAL => Some(EXTACK_INVALID),
        errno::EACCES if !option(id).supported_in(mode) => Some(EXTACK_MODE),
        errno::ENOTEMPTY => Some(EXTACK_SLAVES),
        errno::EBUSY => Some(EXTACK_UP),
        errno::ENODEV if matches!(val, Some(OptInput::Str(_))) => Some(EXTACK_NODEV),
        _ => None,
    }
}

/// Displays a C string as `%s` would (bytes up to NUL; non-ASCII bytes are
/// shown as Latin-1 characters).
#[derive(Clone, Copy, Debug)]
pub struct CStrDisplay<'a>(pub &'a [u8]);

impl fmt::Display for CStrDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in c_str(self.0) {
            fmt::Write::write_char(f, char::from(b))?;
        }
        Ok(())
    }
}

/// C `bond_opt_error_interpret()` log part: calls `emit` once per
/// `netdev_err()` line C prints for a (negative) `errno` (each line ends in
/// `"\n"`, without the `netdev_err` device prefix). `val` is the value that
/// was being set (`None` only if C's `val` would be NULL).
pub fn error_log(
    err: i32,
    id: OptionId,
    mode: Mode,
    val: Option<OptInput<'_>>,
    mut emit: impl FnMut(fmt::Arguments<'_>),
) {
    let opt = option(id);
    let name = opt.name;
    match -err {
        errno::EINVAL => {
            match val {
                Some(OptInput::Str(s)) => emit(format_args!(
                    "option {}: invalid value ({})\n",
                    name,
                    CStrDisplay(strip_at_newline(s))
                )),
                Some(OptInput::Num(n)) => {
                    emit(format_args!("option {}: invalid value ({})\n", name, n))
                }
                None => {}
            }
            if let Some((min, max)) = opt.range() {
                emit(format_args!(
                    "option {}: allowed values {} - {}\n",
                    name, min, max
                ));
            }
        }
        errno::EACCES if !opt.supported_in(mode) => emit(format_args!(
            "option {}: mode dependency failed, not supported in mode {}({})\n",
            name,
            mode.name(),
            mode.as_u8()
        )),
        errno::ENOTEMPTY => emit(format_args!(
            "option {}: unable to set because the bond device has slaves\n",
            name
        )),
        errno::EBUSY => emit(format_args!(
            "option {}: unable to set because the bond device is up\n",
            name
        )),
        errno::ENODEV => {
            if let Some(OptInput::Str(s)) = val {
                emit(format_args!(
                    "option {}: interface {} does not exist!\n",
                    name,
                    CStrDisplay(strip_at_newline(s))
                ));
            }
        }
        _ => {}
    }
}

/// An IPv4 address in dotted-quad form, as C `in4_pton(s, -1, dst, -1, NULL)` reads it (the
/// bonding driver's calls on `arp_ip_target` values): four decimal numbers, each at most 255
/// (any number of leading zeros), ended by the end of the input or by any character that is
/// not a hexadecimal digit or a dot (a newline, a space, a colon: the rest is ignored).
pub fn parse_ipv4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let (mut i, mut w, mut digits) = (0usize, 0u32, false);
    for c in s.iter().copied().chain(core::iter::once(0)) {
        match c {
            b'0'..=b'9' => {
                w = w * 10 + u32::from(c - b'0');
                digits = true;
                if w > 255 {
                    return None;
                }
            }
            b'.' => {
                if !digits || i >= 3 {
                    return None;
                }
                out[i] = w as u8;
                (i, w, digits) = (i + 1, 0, false);
            }
            b'a'..=b'f' | b'A'..=b'F' => return None,
            // Any other character ends the address (`IN6PTON_DELIM`).
            _ => {
                if !digits || i != 3 {
                    return None;
                }
                out[i] = w as u8;
                return Some(out);
            }
        }
    }
    None
}

/// C `bond_is_ip6_target_ok()`: an NS target may be neither `::`, nor the loopback address,
/// nor multicast.
pub fn ipv6_target_ok(t: &[u8; 16]) -> bool {
    let mut lo = [0u8; 16];
    lo[15] = 1;
    *t != [0; 16] && *t != lo && t[0] != 0xff
}

/// C `bond_is_ip_target_ok()`: an ARP target may be neither the limited broadcast address nor
/// in the zero network.
pub fn ipv4_target_ok(t: [u8; 4]) -> bool {
    t != [255; 4] && t[0] != 0
}
