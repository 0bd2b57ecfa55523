// SPDX-License-Identifier: GPL-2.0

//! Bonding modes and transmit hash policies.
//!
//! Pure `core` Rust. This file is both the root of the host crate
//! `bonding-modes` and, via `#[path = "../modes/lib.rs"] mod modes;`, a plain
//! module of `bonding.ko` (built with `--cfg MODULE`).
//!
//! C references: `include/uapi/linux/if_bonding.h` (`BOND_MODE_*`,
//! `BOND_XMIT_POLICY_*`), `include/net/bonding.h` (mode predicates),
//! `drivers/net/bonding/bond_main.c` (`bond_mode_name()`),
//! `drivers/net/bonding/bond_options.c` (`bond_mode_tbl`,
//! `bond_xmit_hashtype_tbl`).

#![cfg_attr(not(any(test, MODULE)), no_std)]
// In bonding.ko this is a `pub(crate)` module: not everything is used yet and
// `pub` items are not reachable from outside the kernel crate.
#![cfg_attr(MODULE, allow(dead_code, unreachable_pub))]
#![warn(missing_docs, clippy::cast_lossless, clippy::as_underscore)]

pub mod arpmon;
pub mod hash;
pub mod lacp;
pub mod rlb;
pub mod slaves;
pub mod tlb;

/// An option whose values are a small closed set (C's `BOND_*` constants and the value names
/// of `bond_options.c`): the enum, its name table, and conversions from the numbers the option
/// code and netlink carry.
macro_rules! value_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident = $n:literal => $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum $name {
            $($(#[$vm])* $v = $n,)*
        }

        impl $name {
            /// All values, in numeric order.
            pub const ALL: [$name; [$($n as u8),*].len()] = [$($name::$v),*];

            /// The value of a number; `None` if out of range.
            pub const fn from_u64(v: u64) -> Option<$name> {
                match v {
                    $($n => Some($name::$v),)*
                    _ => None,
                }
            }

            /// The value of a byte; `None` if out of range.
            pub const fn from_u8(v: u8) -> Option<$name> {
                Self::from_u64(v as u64)
            }

            /// The number (`BOND_*`).
            pub const fn as_u8(self) -> u8 {
                self as u8
            }

            /// The number, as the option code carries it.
            pub const fn as_u64(self) -> u64 {
                self as u64
            }

            /// The value's name (sysfs, module parameter, procfs).
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$v => $s,)*
                }
            }
        }
    };
}

value_enum! {
    /// A bonding mode (`BOND_MODE_*`, uapi `if_bonding.h`; names of `bond_mode_tbl`).
    pub enum Mode {
        /// `BOND_MODE_ROUNDROBIN`.
        BalanceRr = 0 => "balance-rr",
        /// `BOND_MODE_ACTIVEBACKUP`.
        ActiveBackup = 1 => "active-backup",
        /// `BOND_MODE_XOR`.
        BalanceXor = 2 => "balance-xor",
        /// `BOND_MODE_BROADCAST`.
        Broadcast = 3 => "broadcast",
        /// `BOND_MODE_8023AD`.
        Ieee8023ad = 4 => "802.3ad",
        /// `BOND_MODE_TLB`.
        BalanceTlb = 5 => "balance-tlb",
        /// `BOND_MODE_ALB` (TLB + receive load balancing).
        BalanceAlb = 6 => "balance-alb",
    }
}

impl Mode {
    /// The mode of a bond created without one (C `bonding_defaults`: `BOND_MODE_ROUNDROBIN`).
    pub const DEFAULT: Mode = Mode::BalanceRr;

    /// Bit mask with one bit per mode (`BIT(BOND_MODE_*)` for all modes).
    pub const ALL_MASK: u8 = 0x7f;

    /// `BIT(mode)`, the bit used in option `unsuppmodes` masks.
    pub const fn bit(self) -> u8 {
        1u8 << (self as u8)
    }

    /// Human readable name used in /proc/net/bonding (C `bond_mode_name()`).
    pub const fn proc_name(self) -> &'static str {
        match self {
            Mode::BalanceRr => "load balancing (round-robin)",
            Mode::ActiveBackup => "fault-tolerance (active-backup)",
            Mode::BalanceXor => "load balancing (xor)",
            Mode::Broadcast => "fault-tolerance (broadcast)",
            Mode::Ieee8023ad => "IEEE 802.3ad Dynamic link aggregation",
            Mode::BalanceTlb => "transmit load balancing",
            Mode::BalanceAlb => "adaptive load balancing",
        }
    }

    /// C `bond_mode_name(int mode)`: like [`Mode::proc_name`] but returns
    /// `"unknown"` for out-of-range values.
    pub const fn proc_name_of(mode: i32) -> &'static str {
        if mode < 0 || mode > 6 {
            return "unknown";
        }
        match Mode::from_u8(mode as u8) {
            Some(m) => m.proc_name(),
            None => "unknown",
        }
    }

    /// `bond_is_lb()`: balance-tlb or balance-alb.
    pub const fn is_lb(self) -> bool {
        matches!(self, Mode::BalanceTlb | Mode::BalanceAlb)
    }

    /// `bond_needs_speed_duplex()`: 802.3ad or tlb/alb.
    pub const fn needs_speed_duplex(self) -> bool {
        matches!(self, Mode::Ieee8023ad) || self.is_lb()
    }

    /// `bond_is_nondyn_tlb()`: tlb/alb with `tlb_dynamic_lb == 0`.
    pub const fn is_nondyn_tlb(self, tlb_dynamic_lb: bool) -> bool {
        self.is_lb() && !tlb_dynamic_lb
    }

    /// `bond_mode_can_use_xmit_hash()`: 802.3ad, xor, tlb, alb.
    pub const fn can_use_xmit_hash(self) -> bool {
        matches!(
            self,
            Mode::Ieee8023ad | Mode::BalanceXor | Mode::BalanceTlb | Mode::BalanceAlb
        )
    }

    /// `bond_mode_uses_xmit_hash()`: 802.3ad, xor, or non-dynamic tlb/alb.
    pub const fn uses_xmit_hash(self, tlb_dynamic_lb: bool) -> bool {
        matches!(self, Mode::Ieee8023ad | Mode::BalanceXor) || self.is_nondyn_tlb(tlb_dynamic_lb)
    }

    /// `bond_mode_uses_arp()`: everything except 802.3ad, tlb, alb.
    pub const fn uses_arp(self) -> bool {
        !matches!(self, Mode::Ieee8023ad | Mode::BalanceTlb | Mode::BalanceAlb)
    }

    /// `bond_mode_uses_primary()` / `bond_uses_primary()`: active-backup,
    /// tlb, alb.
    pub const fn uses_primary(self) -> bool {
        matches!(
            self,
            Mode::ActiveBackup | Mode::BalanceTlb | Mode::BalanceAlb
        )
    }

    /// `bond_should_override_tx_queue()`: active-backup or balance-rr.
    pub const fn should_override_tx_queue(self) -> bool {
        matches!(self, Mode::ActiveBackup | Mode::BalanceRr)
    }
}

value_enum! {
    /// Transmit hash policy (`BOND_XMIT_POLICY_*`, uapi `if_bonding.h`; names of
    /// `bond_xmit_hashtype_tbl`).
    pub enum XmitHashPolicy {
        /// `BOND_XMIT_POLICY_LAYER2` (default).
        Layer2 = 0 => "layer2",
        /// `BOND_XMIT_POLICY_LAYER34`.
        Layer34 = 1 => "layer3+4",
        /// `BOND_XMIT_POLICY_LAYER23`.
        Layer23 = 2 => "layer2+3",
        /// `BOND_XMIT_POLICY_ENCAP23`.
        Encap23 = 3 => "encap2+3",
        /// `BOND_XMIT_POLICY_ENCAP34`.
        Encap34 = 4 => "encap3+4",
        /// `BOND_XMIT_POLICY_VLAN_SRCMAC`.
        VlanSrcMac = 5 => "vlan+srcmac",
    }
}

value_enum! {
    /// `arp_validate` (`BOND_ARP_VALIDATE_*`, `BOND_ARP_FILTER*`).
    pub enum ArpValidate {
        /// No validation (default).
        None = 0 => "none",
        /// Validate on the active slave.
        Active = 1 => "active",
        /// Validate on backup slaves.
        Backup = 2 => "backup",
        /// Validate on all slaves.
        All = 3 => "all",
        /// Only ARP counts as traffic (no validation).
        Filter = 4 => "filter",
        /// Filter + validate on the active slave.
        FilterActive = 5 => "filter_active",
        /// Filter + validate on backup slaves.
        FilterBackup = 6 => "filter_backup",
    }
}

value_enum! {
    /// `primary_reselect` (`BOND_PRI_RESELECT_*`).
    pub enum PrimaryReselect {
        /// The primary becomes active whenever it comes back (default).
        Always = 0 => "always",
        /// Only if it is better (speed, duplex) than the current active slave.
        Better = 1 => "better",
        /// Only if the current active slave fails.
        Failure = 2 => "failure",
    }
}

value_enum! {
    /// `fail_over_mac` (`BOND_FOM_*`).
    pub enum FailOverMac {
        /// All slaves take the bond's address (default).
        None = 0 => "none",
        /// The bond takes the active slave's address.
        Active = 1 => "active",
        /// The new active slave takes the bond's address, the old one the new one's.
        Follow = 2 => "follow",
    }
}

value_enum! {
    /// 802.3ad aggregator selection policy (`ad_select`, C `BOND_AD_*`; names of
    /// `bond_ad_select_tbl`).
    pub enum AdSelect {
        /// `BOND_AD_STABLE` (default).
        Stable = 0 => "stable",
        /// `BOND_AD_BANDWIDTH`.
        Bandwidth = 1 => "bandwidth",
        /// `BOND_AD_COUNT`.
        Count = 2 => "count",
        /// `BOND_AD_PRIO`.
        ActorPortPrio = 3 => "actor_port_prio",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_and_roundtrip() {
        for (i, m) in Mode::ALL.iter().enumerate() {
            assert_eq!(usize::from(m.as_u8()), i);
            assert_eq!(Mode::from_u8(m.as_u8()), Some(*m));
            assert_eq!(Mode::from_u64(u64::from(m.as_u8())), Some(*m));
            assert_eq!(m.bit(), 1 << i);
        }
        assert_eq!(Mode::from_u8(7), None);
        assert_eq!(Mode::from_u64(256), None);
        assert_eq!(Mode::from_u64(u64::MAX), None);
        for (i, p) in XmitHashPolicy::ALL.iter().enumerate() {
            assert_eq!(usize::from(p.as_u8()), i);
            assert_eq!(XmitHashPolicy::from_u8(p.as_u8()), Some(*p));
        }
        assert_eq!(XmitHashPolicy::from_u8(6), None);
        assert_eq!(XmitHashPolicy::from_u64(u64::MAX), None);
        let names: Vec<_> = XmitHashPolicy::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(
            names,
            [
                "layer2",
                "layer3+4",
                "layer2+3",
                "encap2+3",
                "encap3+4",
                "vlan+srcmac"
            ]
        );
    }

    #[test]
    fn names() {
        let names: Vec<_> = Mode::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(
            names,
            [
                "balance-rr",
                "active-backup",
                "balance-xor",
                "broadcast",
                "802.3ad",
                "balance-tlb",
                "balance-alb"
            ]
        );
        assert_eq!(Mode::proc_name_of(0), "load balancing (round-robin)");
        assert_eq!(
            Mode::proc_name_of(4),
            "IEEE 802.3ad Dynamic link aggregation"
        );
        assert_eq!(Mode::proc_name_of(6), "adaptive load balancing");
        assert_eq!(Mode::proc_name_of(7), "unknown");
        assert_eq!(Mode::proc_name_of(-1), "unknown");
    }

    #[test]
    fn predicates_match_bonding_h() {
        use Mode::*;
        // Written out as truth tables from include/net/bonding.h.
        let lb = [BalanceTlb, BalanceAlb];
        let arp = [BalanceRr, ActiveBackup, BalanceXor, Broadcast];
        let primary = [ActiveBackup, BalanceTlb, BalanceAlb];
        let can_hash = [BalanceXor, Ieee8023ad, BalanceTlb, BalanceAlb];
        let speed = [Ieee8023ad, BalanceTlb, BalanceAlb];
        for m in Mode::ALL {
            assert_eq!(m.is_lb(), lb.contains(&m), "{m:?}");
            assert_eq!(m.uses_arp(), arp.contains(&m), "{m:?}");
            assert_eq!(m.uses_primary(), primary.contains(&m), "{m:?}");
            assert_eq!(m.can_use_xmit_hash(), can_hash.contains(&m), "{m:?}");
            assert_eq!(m.needs_speed_duplex(), speed.contains(&m), "{m:?}");
            assert_eq!(
                m.should_override_tx_queue(),
                m == ActiveBackup || m == BalanceRr
            );
            // uses_xmit_hash: 802.3ad, xor always; tlb/alb only non-dynamic.
            assert_eq!(m.uses_xmit_hash(true), m == Ieee8023ad || m == BalanceXor);
            assert_eq!(m.uses_xmit_hash(false), can_hash.contains(&m));
            assert_eq!(m.is_nondyn_tlb(false), lb.contains(&m));
            assert!(!m.is_nondyn_tlb(true));
        }
    }
}
