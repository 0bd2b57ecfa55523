// SPDX-License-Identifier: GPL-2.0

//! `IFLA_BOND_*`, `IFLA_BOND_AD_INFO_*` and `IFLA_BOND_SLAVE_*` attribute
//! numbers (uapi `include/uapi/linux/if_link.h`), the netlink policies of
//! `drivers/net/bonding/bond_netlink.c`, and the attribute ↔ option mapping
//! used by `bond_changelink()` / `bond_slave_changelink()`.

use super::options::OptionId;

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

/// Declares the `IFLA_BOND_*` attributes from one list of `NAME = number: policy` lines, in
/// number order: the constants, [`BOND_ATTR_NAMES`] and [`BOND_POLICY`].
macro_rules! bond_attrs {
    ($($name:ident = $n:literal: $pol:expr,)*) => {
        $(#[doc = concat!("`", stringify!($name), "`")] pub const $name: u16 = $n;)*

        // The numbers are the lines' positions (the tables are indexed by them).
        const _: () = {
            let mut i = 0;
            $(assert!($n == i); i += 1;)*
            assert!(i == IFLA_BOND_MAX + 1);
        };

        /// Names of the `IFLA_BOND_*` attributes, indexed by number (0..=MAX).
        pub static BOND_ATTR_NAMES: [&str; IFLA_BOND_MAX as usize + 1] = [$(stringify!($name),)*];

        /// `bond_policy[]` of `bond_netlink.c`, indexed by attribute number; `None`
        /// for attributes without a policy entry (`IFLA_BOND_UNSPEC`).
        pub static BOND_POLICY: [Option<NlaType>; IFLA_BOND_MAX as usize + 1] = [$($pol,)*];
    };
}

bond_attrs! {
    IFLA_BOND_UNSPEC = 0: None,
    IFLA_BOND_MODE = 1: Some(NlaType::U8),
    IFLA_BOND_ACTIVE_SLAVE = 2: Some(NlaType::U32),
    IFLA_BOND_MIIMON = 3: Some(NlaType::U32),
    IFLA_BOND_UPDELAY = 4: Some(NlaType::U32),
    IFLA_BOND_DOWNDELAY = 5: Some(NlaType::U32),
    IFLA_BOND_USE_CARRIER = 6: Some(NlaType::U8),
    IFLA_BOND_ARP_INTERVAL = 7: Some(NlaType::U32),
    IFLA_BOND_ARP_IP_TARGET = 8: Some(NlaType::Nested),
    IFLA_BOND_ARP_VALIDATE = 9: Some(NlaType::U32),
    IFLA_BOND_ARP_ALL_TARGETS = 10: Some(NlaType::U32),
    IFLA_BOND_PRIMARY = 11: Some(NlaType::U32),
    IFLA_BOND_PRIMARY_RESELECT = 12: Some(NlaType::U8),
    IFLA_BOND_FAIL_OVER_MAC = 13: Some(NlaType::U8),
    IFLA_BOND_XMIT_HASH_POLICY = 14: Some(NlaType::U8),
    IFLA_BOND_RESEND_IGMP = 15: Some(NlaType::U32),
    IFLA_BOND_NUM_PEER_NOTIF = 16: Some(NlaType::U8),
    IFLA_BOND_ALL_SLAVES_ACTIVE = 17: Some(NlaType::U8),
    IFLA_BOND_MIN_LINKS = 18: Some(NlaType::U32),
    IFLA_BOND_LP_INTERVAL = 19: Some(NlaType::U32),
    IFLA_BOND_PACKETS_PER_SLAVE = 20: Some(NlaType::U32),
    IFLA_BOND_AD_LACP_RATE = 21: Some(NlaType::U8),
    IFLA_BOND_AD_SELECT = 22: Some(NlaType::U8),
    IFLA_BOND_AD_INFO = 23: Some(NlaType::Nested),
    IFLA_BOND_AD_ACTOR_SYS_PRIO = 24: Some(NlaType::U16),
    IFLA_BOND_AD_USER_PORT_KEY = 25: Some(NlaType::U16),
    IFLA_BOND_AD_ACTOR_SYSTEM = 26: Some(NlaType::Binary { max_len: 6 }),
    IFLA_BOND_TLB_DYNAMIC_LB = 27: Some(NlaType::U8),
    IFLA_BOND_PEER_NOTIF_DELAY = 28: Some(NlaType::U32Range { min: 0, max: 300_000 }),
    IFLA_BOND_AD_LACP_ACTIVE = 29: Some(NlaType::U8),
    IFLA_BOND_MISSED_MAX = 30: Some(NlaType::U8),
    IFLA_BOND_NS_IP6_TARGET = 31: Some(NlaType::Nested),
    IFLA_BOND_COUPLED_CONTROL = 32: Some(NlaType::U8),
    IFLA_BOND_BROADCAST_NEIGH = 33: Some(NlaType::U8),
    IFLA_BOND_LACP_STRICT = 34: Some(NlaType::U8),
}

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
/// = [`OptionId::NumPeerNotif`]), and bonding-rs's own options ([`OptionId::is_ours`]).
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
        // bonding-rs's own: no attribute (uapi numbers are upstream's)
        OptionId::CarrierEvents => return None,
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
