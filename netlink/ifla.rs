// SPDX-License-Identifier: GPL-2.0

//! `IFLA_BOND_*`, `IFLA_BOND_AD_INFO_*` and `IFLA_BOND_SLAVE_*` attribute
//! numbers (uapi `include/uapi/linux/if_link.h`), the netlink policies of
//! `drivers/net/bonding/bond_netlink.c`, and the attribute ↔ option mapping
//! used by `bond_changelink()` / `bond_slave_changelink()`.

use super::options::OptionId;

/// `IFLA_BOND_UNSPEC`
pub const IFLA_BOND_UNSPEC: u16 = 0;
/// `IFLA_BOND_MODE`
pub const IFLA_BOND_MODE: u16 = 1;
/// `IFLA_BOND_ACTIVE_SLAVE`
pub const IFLA_BOND_ACTIVE_SLAVE: u16 = 2;
/// `IFLA_BOND_MIIMON`
pub const IFLA_BOND_MIIMON: u16 = 3;
/// `IFLA_BOND_UPDELAY`
pub const IFLA_BOND_UPDELAY: u16 = 4;
/// `IFLA_BOND_DOWNDELAY`
pub const IFLA_BOND_DOWNDELAY: u16 = 5;
/// `IFLA_BOND_USE_CARRIER`
pub const IFLA_BOND_USE_CARRIER: u16 = 6;
/// `IFLA_BOND_ARP_INTERVAL`
pub const IFLA_BOND_ARP_INTERVAL: u16 = 7;
/// `IFLA_BOND_ARP_IP_TARGET`
pub const IFLA_BOND_ARP_IP_TARGET: u16 = 8;
/// `IFLA_BOND_ARP_VALIDATE`
pub const IFLA_BOND_ARP_VALIDATE: u16 = 9;
/// `IFLA_BOND_ARP_ALL_TARGETS`
pub const IFLA_BOND_ARP_ALL_TARGETS: u16 = 10;
/// `IFLA_BOND_PRIMARY`
pub const IFLA_BOND_PRIMARY: u16 = 11;
/// `IFLA_BOND_PRIMARY_RESELECT`
pub const IFLA_BOND_PRIMARY_RESELECT: u16 = 12;
/// `IFLA_BOND_FAIL_OVER_MAC`
pub const IFLA_BOND_FAIL_OVER_MAC: u16 = 13;
/// `IFLA_BOND_XMIT_HASH_POLICY`
pub const IFLA_BOND_XMIT_HASH_POLICY: u16 = 14;
/// `IFLA_BOND_RESEND_IGMP`
pub const IFLA_BOND_RESEND_IGMP: u16 = 15;
/// `IFLA_BOND_NUM_PEER_NOTIF`
pub const IFLA_BOND_NUM_PEER_NOTIF: u16 = 16;
/// `IFLA_BOND_ALL_SLAVES_ACTIVE`
pub const IFLA_BOND_ALL_SLAVES_ACTIVE: u16 = 17;
/// `IFLA_BOND_MIN_LINKS`
pub const IFLA_BOND_MIN_LINKS: u16 = 18;
/// `IFLA_BOND_LP_INTERVAL`
pub const IFLA_BOND_LP_INTERVAL: u16 = 19;
/// `IFLA_BOND_PACKETS_PER_SLAVE`
pub const IFLA_BOND_PACKETS_PER_SLAVE: u16 = 20;
/// `IFLA_BOND_AD_LACP_RATE`
pub const IFLA_BOND_AD_LACP_RATE: u16 = 21;
/// `IFLA_BOND_AD_SELECT`
pub const IFLA_BOND_AD_SELECT: u16 = 22;
/// `IFLA_BOND_AD_INFO` (nested, read-only)
pub const IFLA_BOND_AD_INFO: u16 = 23;
/// `IFLA_BOND_AD_ACTOR_SYS_PRIO`
pub const IFLA_BOND_AD_ACTOR_SYS_PRIO: u16 = 24;
/// `IFLA_BOND_AD_USER_PORT_KEY`
pub const IFLA_BOND_AD_USER_PORT_KEY: u16 = 25;
/// `IFLA_BOND_AD_ACTOR_SYSTEM`
pub const IFLA_BOND_AD_ACTOR_SYSTEM: u16 = 26;
/// `IFLA_BOND_TLB_DYNAMIC_LB`
pub const IFLA_BOND_TLB_DYNAMIC_LB: u16 = 27;
/// `IFLA_BOND_PEER_NOTIF_DELAY`
pub const IFLA_BOND_PEER_NOTIF_DELAY: u16 = 28;
/// `IFLA_BOND_AD_LACP_ACTIVE`
pub const IFLA_BOND_AD_LACP_ACTIVE: u16 = 29;
/// `IFLA_BOND_MISSED_MAX`
pub const IFLA_BOND_MISSED_MAX: u16 = 30;
/// `IFLA_BOND_NS_IP6_TARGET`
pub const IFLA_BOND_NS_IP6_TARGET: u16 = 31;
/// `IFLA_BOND_COUPLED_CONTROL`
pub const IFLA_BOND_COUPLED_CONTROL: u16 = 32;
/// `IFLA_BOND_BROADCAST_NEIGH`
pub const IFLA_BOND_BROADCAST_NEIGH: u16 = 33;
/// `IFLA_BOND_LACP_STRICT`
pub const IFLA_BOND_LACP_STRICT: u16 = 34;
/// `IFLA_BOND_MAX`
pub const IFLA_BOND_MAX: u16 = 34;

/// `IFLA_BOND_AD_INFO_UNSPEC`
pub const IFLA_BOND_AD_INFO_UNSPEC: u16 = 0;
/// `IFLA_BOND_AD_INFO_AGGREGATOR`
pub const IFLA_BOND_AD_INFO_AGGREGATOR: u16 = 1;
/// `IFLA_BOND_AD_INFO_NUM_PORTS`
pub const IFLA_BOND_AD_INFO_NUM_PORTS: u16 = 2;
/// `IFLA_BOND_AD_INFO_ACTOR_KEY`
pub const IFLA_BOND_AD_INFO_ACTOR_KEY: u16 = 3;
/// `IFLA_BOND_AD_INFO_PARTNER_KEY`
pub const IFLA_BOND_AD_INFO_PARTNER_KEY: u16 = 4;
/// `IFLA_BOND_AD_INFO_PARTNER_MAC`
pub const IFLA_BOND_AD_INFO_PARTNER_MAC: u16 = 5;
/// `IFLA_BOND_AD_INFO_MAX`
pub const IFLA_BOND_AD_INFO_MAX: u16 = 5;

/// `IFLA_BOND_SLAVE_UNSPEC`
pub const IFLA_BOND_SLAVE_UNSPEC: u16 = 0;
/// `IFLA_BOND_SLAVE_STATE`
pub const IFLA_BOND_SLAVE_STATE: u16 = 1;
/// `IFLA_BOND_SLAVE_MII_STATUS`
pub const IFLA_BOND_SLAVE_MII_STATUS: u16 = 2;
/// `IFLA_BOND_SLAVE_LINK_FAILURE_COUNT`
pub const IFLA_BOND_SLAVE_LINK_FAILURE_COUNT: u16 = 3;
/// `IFLA_BOND_SLAVE_PERM_HWADDR`
pub const IFLA_BOND_SLAVE_PERM_HWADDR: u16 = 4;
/// `IFLA_BOND_SLAVE_QUEUE_ID`
pub const IFLA_BOND_SLAVE_QUEUE_ID: u16 = 5;
/// `IFLA_BOND_SLAVE_AD_AGGREGATOR_ID`
pub const IFLA_BOND_SLAVE_AD_AGGREGATOR_ID: u16 = 6;
/// `IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE`
pub const IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE: u16 = 7;
/// `IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE`
pub const IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE: u16 = 8;
/// `IFLA_BOND_SLAVE_PRIO`
pub const IFLA_BOND_SLAVE_PRIO: u16 = 9;
/// `IFLA_BOND_SLAVE_ACTOR_PORT_PRIO`
pub const IFLA_BOND_SLAVE_ACTOR_PORT_PRIO: u16 = 10;
/// `IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE`
pub const IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE: u16 = 11;
/// `IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE`
pub const IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE: u16 = 12;
/// `IFLA_BOND_SLAVE_MAX`
pub const IFLA_BOND_SLAVE_MAX: u16 = 12;

/// Names of the `IFLA_BOND_*` attributes, indexed by number (0..=MAX).
pub static BOND_ATTR_NAMES: [&str; IFLA_BOND_MAX as usize + 1] = [
    "IFLA_BOND_UNSPEC",
    "IFLA_BOND_MODE",
    "IFLA_BOND_ACTIVE_SLAVE",
    "IFLA_BOND_MIIMON",
    "IFLA_BOND_UPDELAY",
    "IFLA_BOND_DOWNDELAY",
    "IFLA_BOND_USE_CARRIER",
    "IFLA_BOND_ARP_INTERVAL",
    "IFLA_BOND_ARP_IP_TARGET",
    "IFLA_BOND_ARP_VALIDATE",
    "IFLA_BOND_ARP_ALL_TARGETS",
    "IFLA_BOND_PRIMARY",
    "IFLA_BOND_PRIMARY_RESELECT",
    "IFLA_BOND_FAIL_OVER_MAC",
    "IFLA_BOND_XMIT_HASH_POLICY",
    "IFLA_BOND_RESEND_IGMP",
    "IFLA_BOND_NUM_PEER_NOTIF",
    "IFLA_BOND_ALL_SLAVES_ACTIVE",
    "IFLA_BOND_MIN_LINKS",
    "IFLA_BOND_LP_INTERVAL",
    "IFLA_BOND_PACKETS_PER_SLAVE",
    "IFLA_BOND_AD_LACP_RATE",
    "IFLA_BOND_AD_SELECT",
    "IFLA_BOND_AD_INFO",
    "IFLA_BOND_AD_ACTOR_SYS_PRIO",
    "IFLA_BOND_AD_USER_PORT_KEY",
    "IFLA_BOND_AD_ACTOR_SYSTEM",
    "IFLA_BOND_TLB_DYNAMIC_LB",
    "IFLA_BOND_PEER_NOTIF_DELAY",
    "IFLA_BOND_AD_LACP_ACTIVE",
    "IFLA_BOND_MISSED_MAX",
    "IFLA_BOND_NS_IP6_TARGET",
    "IFLA_BOND_COUPLED_CONTROL",
    "IFLA_BOND_BROADCAST_NEIGH",
    "IFLA_BOND_LACP_STRICT",
];

/// Names of the `IFLA_BOND_AD_INFO_*` attributes, indexed by number.
pub static AD_INFO_ATTR_NAMES: [&str; IFLA_BOND_AD_INFO_MAX as usize + 1] = [
    "IFLA_BOND_AD_INFO_UNSPEC",
    "IFLA_BOND_AD_INFO_AGGREGATOR",
    "IFLA_BOND_AD_INFO_NUM_PORTS",
    "IFLA_BOND_AD_INFO_ACTOR_KEY",
    "IFLA_BOND_AD_INFO_PARTNER_KEY",
    "IFLA_BOND_AD_INFO_PARTNER_MAC",
];

/// Names of the `IFLA_BOND_SLAVE_*` attributes, indexed by number.
pub static SLAVE_ATTR_NAMES: [&str; IFLA_BOND_SLAVE_MAX as usize + 1] = [
    "IFLA_BOND_SLAVE_UNSPEC",
    "IFLA_BOND_SLAVE_STATE",
    "IFLA_BOND_SLAVE_MII_STATUS",
    "IFLA_BOND_SLAVE_LINK_FAILURE_COUNT",
    "IFLA_BOND_SLAVE_PERM_HWADDR",
    "IFLA_BOND_SLAVE_QUEUE_ID",
    "IFLA_BOND_SLAVE_AD_AGGREGATOR_ID",
    "IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE",
    "IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE",
    "IFLA_BOND_SLAVE_PRIO",
    "IFLA_BOND_SLAVE_ACTOR_PORT_PRIO",
    "IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE",
    "IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE",
];

/// Attribute type of a netlink policy entry (`struct nla_policy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NlaType {
    /// `NLA_U8`
    U8,
    /// `NLA_U16`
    U16,
    /// `NLA_U32`
    U32,
    /// `NLA_S32`
    S32,
    /// `NLA_NESTED`
    Nested,
    /// `NLA_BINARY` with `.len` (maximum length).
    Binary {
        /// Maximum payload length.
        max_len: u16,
    },
    /// `NLA_POLICY_FULL_RANGE(NLA_U32, ...)`: u32 within `min..=max`.
    U32Range {
        /// Minimum accepted value.
        min: u32,
        /// Maximum accepted value.
        max: u32,
    },
}

/// `bond_policy[]` of `bond_netlink.c`, indexed by attribute number; `None`
/// for attributes without a policy entry (`IFLA_BOND_UNSPEC`).
pub static BOND_POLICY: [Option<NlaType>; IFLA_BOND_MAX as usize + 1] = [
    None,                                 // UNSPEC
    Some(NlaType::U8),                    // MODE
    Some(NlaType::U32),                   // ACTIVE_SLAVE
    Some(NlaType::U32),                   // MIIMON
    Some(NlaType::U32),                   // UPDELAY
    Some(NlaType::U32),                   // DOWNDELAY
    Some(NlaType::U8),                    // USE_CARRIER
    Some(NlaType::U32),                   // ARP_INTERVAL
    Some(NlaType::Nested),                // ARP_IP_TARGET
    Some(NlaType::U32),                   // ARP_VALIDATE
    Some(NlaType::U32),                   // ARP_ALL_TARGETS
    Some(NlaType::U32),                   // PRIMARY
    Some(NlaType::U8),                    // PRIMARY_RESELECT
    Some(NlaType::U8),                    // FAIL_OVER_MAC
    Some(NlaType::U8),                    // XMIT_HASH_POLICY
    Some(NlaType::U32),                   // RESEND_IGMP
    Some(NlaType::U8),                    // NUM_PEER_NOTIF
    Some(NlaType::U8),                    // ALL_SLAVES_ACTIVE
    Some(NlaType::U32),                   // MIN_LINKS
    Some(NlaType::U32),                   // LP_INTERVAL
    Some(NlaType::U32),                   // PACKETS_PER_SLAVE
    Some(NlaType::U8),                    // AD_LACP_RATE
    Some(NlaType::U8),                    // AD_SELECT
    Some(NlaType::Nested),                // AD_INFO
    Some(NlaType::U16),                   // AD_ACTOR_SYS_PRIO
    Some(NlaType::U16),                   // AD_USER_PORT_KEY
    Some(NlaType::Binary { max_len: 6 }), // AD_ACTOR_SYSTEM (ETH_ALEN)
    Some(NlaType::U8),                    // TLB_DYNAMIC_LB
    Some(NlaType::U32Range {
        min: 0,
        max: 300_000,
    }), // PEER_NOTIF_DELAY
    Some(NlaType::U8),                    // AD_LACP_ACTIVE
    Some(NlaType::U8),                    // MISSED_MAX
    Some(NlaType::Nested),                // NS_IP6_TARGET
    Some(NlaType::U8),                    // COUPLED_CONTROL
    Some(NlaType::U8),                    // BROADCAST_NEIGH
    Some(NlaType::U8),                    // LACP_STRICT
];

/// `bond_slave_policy[]` of `bond_netlink.c`, indexed by attribute number.
pub static SLAVE_POLICY: [Option<NlaType>; IFLA_BOND_SLAVE_MAX as usize + 1] = [
    None,               // UNSPEC
    None,               // STATE
    None,               // MII_STATUS
    None,               // LINK_FAILURE_COUNT
    None,               // PERM_HWADDR
    Some(NlaType::U16), // QUEUE_ID
    None,               // AD_AGGREGATOR_ID
    None,               // AD_ACTOR_OPER_PORT_STATE
    None,               // AD_PARTNER_OPER_PORT_STATE
    Some(NlaType::S32), // PRIO
    Some(NlaType::U16), // ACTOR_PORT_PRIO
    None,               // AD_CHURN_ACTOR_STATE
    None,               // AD_CHURN_PARTNER_STATE
];

/// The netlink attribute through which an option is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NlAttr {
    /// An `IFLA_BOND_*` attribute (link info data of the bond).
    Bond(u16),
    /// An `IFLA_BOND_SLAVE_*` attribute (slave info data).
    Slave(u16),
}

/// The attribute `bond_changelink()` / `bond_slave_changelink()` reads for
/// option `id`; `None` for options without one (`slaves`, and the
/// `num_grat_arp` alias, which netlink sets through `IFLA_BOND_NUM_PEER_NOTIF`
/// = [`OptionId::NumPeerNotif`]).
///
/// Note: `IFLA_BOND_USE_CARRIER` is mapped to [`OptionId::UseCarrier`], but
/// C's changelink does not call the option code for it: it rejects any value
/// other than 1 with "option obsolete, use_carrier cannot be disabled".
pub const fn nl_attr(id: OptionId) -> Option<NlAttr> {
    use NlAttr::{Bond, Slave};
    Some(match id {
        OptionId::Mode => Bond(IFLA_BOND_MODE),
        OptionId::PacketsPerSlave => Bond(IFLA_BOND_PACKETS_PER_SLAVE),
        OptionId::XmitHashPolicy => Bond(IFLA_BOND_XMIT_HASH_POLICY),
        OptionId::ArpValidate => Bond(IFLA_BOND_ARP_VALIDATE),
        OptionId::ArpAllTargets => Bond(IFLA_BOND_ARP_ALL_TARGETS),
        OptionId::FailOverMac => Bond(IFLA_BOND_FAIL_OVER_MAC),
        OptionId::ArpInterval => Bond(IFLA_BOND_ARP_INTERVAL),
        OptionId::ArpTargets => Bond(IFLA_BOND_ARP_IP_TARGET),
        OptionId::DownDelay => Bond(IFLA_BOND_DOWNDELAY),
        OptionId::UpDelay => Bond(IFLA_BOND_UPDELAY),
        OptionId::LacpRate => Bond(IFLA_BOND_AD_LACP_RATE),
        OptionId::MinLinks => Bond(IFLA_BOND_MIN_LINKS),
        OptionId::AdSelect => Bond(IFLA_BOND_AD_SELECT),
        OptionId::NumPeerNotif => Bond(IFLA_BOND_NUM_PEER_NOTIF),
        OptionId::MiiMon => Bond(IFLA_BOND_MIIMON),
        OptionId::Primary => Bond(IFLA_BOND_PRIMARY),
        OptionId::PrimaryReselect => Bond(IFLA_BOND_PRIMARY_RESELECT),
        OptionId::UseCarrier => Bond(IFLA_BOND_USE_CARRIER),
        OptionId::ActiveSlave => Bond(IFLA_BOND_ACTIVE_SLAVE),
        OptionId::QueueId => Slave(IFLA_BOND_SLAVE_QUEUE_ID),
        OptionId::AllSlavesActive => Bond(IFLA_BOND_ALL_SLAVES_ACTIVE),
        OptionId::ResendIgmp => Bond(IFLA_BOND_RESEND_IGMP),
        OptionId::LpInterval => Bond(IFLA_BOND_LP_INTERVAL),
        OptionId::Slaves => return None,
        OptionId::TlbDynamicLb => Bond(IFLA_BOND_TLB_DYNAMIC_LB),
        OptionId::AdActorSysPrio => Bond(IFLA_BOND_AD_ACTOR_SYS_PRIO),
        OptionId::AdActorSystem => Bond(IFLA_BOND_AD_ACTOR_SYSTEM),
        OptionId::AdUserPortKey => Bond(IFLA_BOND_AD_USER_PORT_KEY),
        OptionId::NumPeerNotifAlias => return None,
        OptionId::PeerNotifDelay => Bond(IFLA_BOND_PEER_NOTIF_DELAY),
        OptionId::LacpActive => Bond(IFLA_BOND_AD_LACP_ACTIVE),
        OptionId::MissedMax => Bond(IFLA_BOND_MISSED_MAX),
        OptionId::NsTargets => Bond(IFLA_BOND_NS_IP6_TARGET),
        OptionId::Prio => Slave(IFLA_BOND_SLAVE_PRIO),
        OptionId::CoupledControl => Bond(IFLA_BOND_COUPLED_CONTROL),
        OptionId::BroadcastNeighbor => Bond(IFLA_BOND_BROADCAST_NEIGH),
        OptionId::ActorPortPrio => Slave(IFLA_BOND_SLAVE_ACTOR_PORT_PRIO),
        OptionId::LacpStrict => Bond(IFLA_BOND_LACP_STRICT),
    })
}

/// Inverse of [`nl_attr`] for `IFLA_BOND_*` attributes.
pub fn option_for_bond_attr(attr: u16) -> Option<OptionId> {
    OptionId::ALL
        .iter()
        .copied()
        .find(|&id| matches!(nl_attr(id), Some(NlAttr::Bond(a)) if a == attr))
}

/// Inverse of [`nl_attr`] for `IFLA_BOND_SLAVE_*` attributes.
pub fn option_for_slave_attr(attr: u16) -> Option<OptionId> {
    OptionId::ALL
        .iter()
        .copied()
        .find(|&id| matches!(nl_attr(id), Some(NlAttr::Slave(a)) if a == attr))
}

/// The option value `bond_changelink()` passes for a u32 attribute: C reads
/// it into an `int` and passes that to `bond_opt_initval()` (u64), so values
/// of 2^31 and above are sign-extended (0xFFFFFFFF becomes `ULLONG_MAX` and
/// is rejected as "no value"). u8/u16 attributes are zero-extended.
pub const fn changelink_u32_value(v: u32) -> u64 {
    (v as i32) as i64 as u64
}

/// extack messages `bond_changelink()` sets itself.
pub mod msgs {
    /// `IFLA_BOND_USE_CARRIER` != 1.
    pub const USE_CARRIER_OBSOLETE: &str = "option obsolete, use_carrier cannot be disabled";
    /// `IFLA_BOND_ARP_INTERVAL` != 0 together with `IFLA_BOND_MIIMON` != 0.
    pub const ARP_WITH_MIIMON: &str = "ARP monitoring cannot be used with MII monitoring";
    /// `IFLA_BOND_ARP_VALIDATE` != 0 together with `IFLA_BOND_MIIMON` != 0.
    pub const ARP_VALIDATE_WITH_MIIMON: &str = "ARP validating cannot be used with MII monitoring";
    /// Short `IFLA_BOND_NS_IP6_TARGET` entry.
    pub const INVALID_IPV6: &str = "Invalid IPv6 address";
}
