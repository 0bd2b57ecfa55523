// SPDX-License-Identifier: GPL-2.0

//! The bond's parameters (C `struct bond_params`) and their defaults (C `bonding_defaults`
//! before the module parameters: [`BondParams::DEFAULT`]); the module parameters themselves
//! and their load-time check are in `options/modparams.rs`.

use crate::modes::{ArpValidate, FailOverMac, Mode, PrimaryReselect, XmitHashPolicy};

/// `BOND_DEFAULT_MIIMON`.
pub(crate) const BOND_DEFAULT_MIIMON: i32 = 100;
/// `BOND_DEFAULT_TX_QUEUES`.
pub(crate) const BOND_DEFAULT_TX_QUEUES: i32 = 16;
/// `BOND_DEFAULT_RESEND_IGMP`.
pub(crate) const BOND_DEFAULT_RESEND_IGMP: i32 = 1;
/// `BOND_DEFAULT_MAX_BONDS`.
pub(crate) const BOND_DEFAULT_MAX_BONDS: i32 = 1;
/// `BOND_ALB_DEFAULT_LP_INTERVAL`.
pub(crate) const BOND_ALB_DEFAULT_LP_INTERVAL: u32 = 1;

/// `BOND_MAX_ARP_TARGETS` / `BOND_MAX_NS_TARGETS`.
pub(crate) const MAX_TARGETS: usize = 16;

/// Bond parameters (C `struct bond_params`). Delays are stored in units of
/// `miimon`, as C does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct BondParams {
    pub(crate) mode: Mode,
    pub(crate) xmit_policy: XmitHashPolicy,
    pub(crate) miimon: i32,
    pub(crate) num_peer_notif: i32,
    pub(crate) arp_interval: i32,
    /// IPv4 targets, network byte order as stored by C (0 = unused).
    pub(crate) arp_target: [[u8; 4]; MAX_TARGETS],
    pub(crate) arp_validate: ArpValidate,
    pub(crate) arp_all_targets: u64,
    pub(crate) updelay: i32,
    pub(crate) downdelay: i32,
    pub(crate) peer_notif_delay: i32,
    pub(crate) lacp_active: u64,
    pub(crate) lacp_fast: u64,
    /// `params.primary`: the configured primary's name (NUL padded).
    pub(crate) primary_name: [u8; 16],
    pub(crate) primary_reselect: PrimaryReselect,
    pub(crate) fail_over_mac: FailOverMac,
    pub(crate) tx_queues: i32,
    pub(crate) all_slaves_active: i32,
    pub(crate) resend_igmp: i32,
    pub(crate) min_links: i32,
    pub(crate) lp_interval: u32,
    pub(crate) packets_per_slave: i32,
    pub(crate) tlb_dynamic_lb: u64,
    pub(crate) ad_select: u64,
    pub(crate) ad_actor_sys_prio: u16,
    pub(crate) ad_actor_system: [u8; 6],
    pub(crate) ad_user_port_key: u16,
    pub(crate) missed_max: u8,
    pub(crate) coupled_control: u8,
    pub(crate) broadcast_neighbor: u8,
    pub(crate) lacp_strict: u8,
    /// IPv6 NS targets (all-zero = unused).
    pub(crate) ns_targets: [[u8; 16]; MAX_TARGETS],
    /// bonding-rs's `carrier_events` (0/1): with `miimon`, a slave's carrier event runs the MII
    /// monitor at once (`monitor::carrier_event`).
    pub(crate) carrier_events: u8,
}

impl BondParams {
    /// `updelay` in ms as C shows it (`updelay * miimon` in C's `int` arithmetic, which wraps:
    /// `miimon` may be raised after the delays were set).
    pub(crate) fn updelay_ms(&self) -> i32 {
        self.updelay.wrapping_mul(self.miimon)
    }

    /// `downdelay` in ms, as [`BondParams::updelay_ms`].
    pub(crate) fn downdelay_ms(&self) -> i32 {
        self.downdelay.wrapping_mul(self.miimon)
    }

    /// `peer_notif_delay` in ms, as [`BondParams::updelay_ms`].
    pub(crate) fn peer_notif_delay_ms(&self) -> i32 {
        self.peer_notif_delay.wrapping_mul(self.miimon)
    }

    /// The parameters of a bond created without any module parameter.
    pub(crate) const DEFAULT: BondParams = BondParams {
        mode: Mode::DEFAULT,
        xmit_policy: XmitHashPolicy::Layer2,
        miimon: 0,
        num_peer_notif: 1,
        arp_interval: 0,
        arp_target: [[0; 4]; MAX_TARGETS],
        arp_validate: ArpValidate::None,
        arp_all_targets: 0,
        updelay: 0,
        downdelay: 0,
        peer_notif_delay: 0,
        lacp_active: 1,
        lacp_fast: 0,
        primary_name: [0; 16],
        primary_reselect: PrimaryReselect::Always,
        fail_over_mac: FailOverMac::None,
        tx_queues: BOND_DEFAULT_TX_QUEUES,
        all_slaves_active: 0,
        resend_igmp: BOND_DEFAULT_RESEND_IGMP,
        min_links: 0,
        lp_interval: BOND_ALB_DEFAULT_LP_INTERVAL,
        packets_per_slave: 1,
        tlb_dynamic_lb: 1,
        ad_select: 0,
        ad_actor_sys_prio: 65535,
        ad_actor_system: [0; 6],
        ad_user_port_key: 0,
        missed_max: 2,
        coupled_control: 1,
        broadcast_neighbor: 0,
        lacp_strict: 0,
        ns_targets: [[0; 16]; MAX_TARGETS],
        carrier_events: 1,
    };

    /// The configured primary name (without NUL padding).
    pub(crate) fn primary(&self) -> &[u8] {
        let n = self.primary_name.iter().position(|&b| b == 0).unwrap_or(16);
        &self.primary_name[..n]
    }
}
