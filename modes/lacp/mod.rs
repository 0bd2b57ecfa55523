// SPDX-License-Identifier: GPL-2.0

//! 802.3ad (LACP): the state machines of C `drivers/net/bonding/bond_3ad.c` and the types of
//! `include/net/bond_3ad.h`, as pure `core` Rust driven by the kernel side
//! (`src/policy/lacp.rs`).
//!
//! The bond's slaves are a slice of [`Slot`]s in the bond's slave order (`slots[0]` is C's
//! `bond_first_slave()`); each holds C's `SLAVE_AD_INFO(slave)->port` and `->aggregator`. C's
//! pointers between them (`port->aggregator`, `aggregator->lag_ports`,
//! `port->next_port_in_aggregator`) are slot indices here, in C's list order, fixed up by
//! [`Lacp::unbind`] for the slot the caller removes right after. Every walk of these lists is
//! bounded by the number of slots.
//!
//! Where the kernel side drives these machines differently from a literal reading of C:
//! - `Port::dev_up`: C `bond_slave_is_up(slave)` (netif_running && netif_carrier_ok), which C's
//!   `agg_device_up()` reads without looking at `slave->link`. Refresh it with `slave_up`;
//!   `bind()` sets it to `slave_up`.
//! - `Port::rx_disabled`: C `slave->rx_disabled`, read by the mux COLLECTING state
//!   (`bond_is_slave_rx_disabled()`). The machines keep it right through `Sink::set_flags`; when
//!   the kernel side applies `bond_set_slave_inactive_flags()` itself (enslave, MII link down in
//!   `bond_miimon_commit()`), it sets `rx_disabled = true` and `slave_active = false` too.
//! - `bind()` cannot log nor set flags (no sink): C's `bond_3ad_bind_slave()` calls
//!   `__disable_port()`, so the caller applies `Flags::Inactive` (C's `bond_enslave()` does so
//!   anyway, just before). `Lacp::bind_with()` is `bind()` plus a sink: it also logs C's
//!   "speed changed to 0"/"unknown ethtool speed" lines and calls `set_flags(slot, Inactive)`.
//! - `AdSelect` lives in `modes/lib.rs` (a `value_enum!` with C's names and `from_u64()`), and is
//!   re-exported here.
//! - `set_port_priority()` takes no `Params`: C's `bond_option_actor_port_prio_set()` is
//!   `set_port_priority()` followed by `update_actor_settings()` (idempotent).
//! - `link_change()` and `speed_duplex_changed()` return nothing: C's `bond_3ad_set_carrier()`
//!   from `ad_agg_selection_logic()` is the caller's `bond_set_carrier()`, which C's
//!   `bond_miimon_commit()` runs after the link change anyway.

pub mod pdu;

pub use super::AdSelect;
use core::fmt;
use pdu::{Lacpdu, Marker};

/// C `ad_ticks_per_sec` (`1000 / AD_TIMER_INTERVAL`, `AD_TIMER_INTERVAL` = 100 ms).
pub const TICKS_PER_SEC: u16 = 10;
/// `sizeof(struct lacpdu)`: the LACPDU body after the 14-byte Ethernet header.
pub const LACPDU_LEN: usize = 110;
/// `sizeof(struct bond_marker)` (= `sizeof(struct bond_marker_header) - ETH_HLEN`).
pub const MARKER_LEN: usize = 110;
/// C `lacpdu_mcast_addr`: the slow protocols multicast address.
pub const SLOW_PROTO_MAC: [u8; 6] = [0x01, 0x80, 0xc2, 0, 0, 2];
/// `ETH_P_SLOW` (C `PKT_TYPE_LACPDU` is its network-order form).
pub const ETH_P_SLOW: u16 = 0x8809;

/// `LACP_STATE_LACP_ACTIVITY` (uapi `if_bonding.h`).
pub const LACP_STATE_LACP_ACTIVITY: u8 = 0x1;
/// `LACP_STATE_LACP_TIMEOUT`.
pub const LACP_STATE_LACP_TIMEOUT: u8 = 0x2;
/// `LACP_STATE_AGGREGATION`.
pub const LACP_STATE_AGGREGATION: u8 = 0x4;
/// `LACP_STATE_SYNCHRONIZATION`.
pub const LACP_STATE_SYNCHRONIZATION: u8 = 0x8;
/// `LACP_STATE_COLLECTING`.
pub const LACP_STATE_COLLECTING: u8 = 0x10;
/// `LACP_STATE_DISTRIBUTING`.
pub const LACP_STATE_DISTRIBUTING: u8 = 0x20;
/// `LACP_STATE_DEFAULTED`.
pub const LACP_STATE_DEFAULTED: u8 = 0x40;
/// `LACP_STATE_EXPIRED`.
pub const LACP_STATE_EXPIRED: u8 = 0x80;

/// C `AD_PORT_BEGIN` (`port->sm_vars` bit).
pub const AD_PORT_BEGIN: u16 = 0x1;
/// C `AD_PORT_LACP_ENABLED`.
pub const AD_PORT_LACP_ENABLED: u16 = 0x2;
/// C `AD_PORT_ACTOR_CHURN`.
pub const AD_PORT_ACTOR_CHURN: u16 = 0x4;
/// C `AD_PORT_PARTNER_CHURN`.
pub const AD_PORT_PARTNER_CHURN: u16 = 0x8;
/// C `AD_PORT_READY`.
pub const AD_PORT_READY: u16 = 0x10;
/// C `AD_PORT_READY_N`.
pub const AD_PORT_READY_N: u16 = 0x20;
/// C `AD_PORT_MATCHED`.
pub const AD_PORT_MATCHED: u16 = 0x40;
/// C `AD_PORT_STANDBY`.
pub const AD_PORT_STANDBY: u16 = 0x80;
/// C `AD_PORT_SELECTED`.
pub const AD_PORT_SELECTED: u16 = 0x100;
/// C `AD_PORT_MOVED`.
pub const AD_PORT_MOVED: u16 = 0x200;
/// C `AD_PORT_CHURNED` (`AD_PORT_ACTOR_CHURN | AD_PORT_PARTNER_CHURN`).
pub const AD_PORT_CHURNED: u16 = AD_PORT_ACTOR_CHURN | AD_PORT_PARTNER_CHURN;

/// C `AD_DUPLEX_KEY_MASKS`.
pub const AD_DUPLEX_KEY_MASKS: u16 = 0x1;
/// C `AD_SPEED_KEY_MASKS`.
pub const AD_SPEED_KEY_MASKS: u16 = 0x3e;
/// C `AD_USER_KEY_MASKS`.
pub const AD_USER_KEY_MASKS: u16 = 0xffc0;

const TPS: u16 = TICKS_PER_SEC;
/// C `AD_SHORT_TIMEOUT_TIME` (3 s) in ticks: `__ad_timer_to_ticks(AD_CURRENT_WHILE_TIMER, 1)`.
pub const SHORT_TIMEOUT_TICKS: u16 = 3 * TPS;
/// C `AD_LONG_TIMEOUT_TIME` (90 s) in ticks: `__ad_timer_to_ticks(AD_CURRENT_WHILE_TIMER, 0)`.
pub const LONG_TIMEOUT_TICKS: u16 = 90 * TPS;
/// C `AD_CHURN_DETECTION_TIME` (60 s) in ticks (actor and partner churn timers).
pub const CHURN_DETECTION_TICKS: u16 = 60 * TPS;
/// C `AD_FAST_PERIODIC_TIME` (1 s) in ticks.
pub const FAST_PERIODIC_TICKS: u16 = TPS;
/// C `AD_SLOW_PERIODIC_TIME` (30 s) in ticks.
pub const SLOW_PERIODIC_TICKS: u16 = 30 * TPS;
/// C `AD_AGGREGATE_WAIT_TIME` (2 s) in ticks: the mux wait-while timer.
pub const WAIT_WHILE_TICKS: u16 = 2 * TPS;
/// C `ad_ticks_per_sec / AD_MAX_TX_IN_SECOND`: ticks between two LACPDUs of a port.
pub const TX_INTERVAL_TICKS: u16 = TPS / 3;
/// C `AD_AGGREGATOR_SELECTION_TIMER * ad_ticks_per_sec` (8 s), set by `bond_3ad_initialize()`.
pub const AGG_SELECTION_TICKS: u32 = 8 * TPS as u32;

/// `SPEED_UNKNOWN` as the port's `speed` carries it.
pub const SPEED_UNKNOWN: u32 = u32::MAX;
/// `DUPLEX_FULL`.
pub const DUPLEX_FULL: u8 = 1;

/// Bond settings the machines read (C `bond->params` and `BOND_AD_INFO(bond).system`), passed
/// to every call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// `lacp_rate` fast (C `params.lacp_fast`).
    pub lacp_fast: bool,
    /// C `params.lacp_active`.
    pub lacp_active: bool,
    /// C `params.ad_select`.
    pub ad_select: AdSelect,
    /// C `params.coupled_control`.
    pub coupled_control: bool,
    /// C `params.broadcast_neighbor`.
    pub broadcast_neighbor: bool,
    /// C `params.lacp_strict`.
    pub lacp_strict: bool,
    /// C `params.min_links`.
    pub min_links: u32,
    /// C `params.ad_user_port_key`.
    pub user_port_key: u16,
    /// C `BOND_AD_INFO(bond).system.sys_priority`.
    pub sys_priority: u16,
    /// C `BOND_AD_INFO(bond).system.sys_mac_addr`: `ad_actor_system`, or the bond's address
    /// when that is zero (as `bond_3ad_initialize()` resolved it).
    pub sys_mac: [u8; 6],
    /// `bond->dev->dev_addr` (`aggregator_mac_address`).
    pub bond_mac: [u8; 6],
}

/// Bond-wide statistics (C `struct bond_3ad_stats`), also kept per port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// `lacpdu_rx`.
    pub lacpdu_rx: u64,
    /// `lacpdu_tx`.
    pub lacpdu_tx: u64,
    /// `lacpdu_unknown_rx`.
    pub lacpdu_unknown_rx: u64,
    /// `lacpdu_illegal_rx`.
    pub lacpdu_illegal_rx: u64,
    /// `marker_rx`.
    pub marker_rx: u64,
    /// `marker_tx`.
    pub marker_tx: u64,
    /// `marker_resp_rx`.
    pub marker_resp_rx: u64,
    /// `marker_resp_tx`.
    pub marker_resp_tx: u64,
    /// `marker_unknown_rx`.
    pub marker_unknown_rx: u64,
}

/// One per-port increment, also counted bond-wide (C's pairs of `atomic64_inc()`).
fn bump(port: &mut Stats, bond: &mut Stats, f: fn(&mut Stats) -> &mut u64) {
    let p = f(port);
    *p = p.wrapping_add(1);
    let b = f(bond);
    *b = b.wrapping_add(1);
}

/// C `rx_states_t` (802.3ad 43.4.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RxState {
    /// `AD_RX_DUMMY` (the state after `ad_initialize_port()`).
    #[default]
    Dummy = 0,
    /// `AD_RX_INITIALIZE`.
    Initialize,
    /// `AD_RX_PORT_DISABLED`.
    PortDisabled,
    /// `AD_RX_LACP_DISABLED`.
    LacpDisabled,
    /// `AD_RX_EXPIRED`.
    Expired,
    /// `AD_RX_DEFAULTED`.
    Defaulted,
    /// `AD_RX_CURRENT`.
    Current,
}

/// C `periodic_states_t` (802.3ad 43.4.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PeriodicState {
    /// `AD_PERIODIC_DUMMY`.
    #[default]
    Dummy = 0,
    /// `AD_NO_PERIODIC`.
    NoPeriodic,
    /// `AD_FAST_PERIODIC`.
    FastPeriodic,
    /// `AD_SLOW_PERIODIC`.
    SlowPeriodic,
    /// `AD_PERIODIC_TX`.
    PeriodicTx,
}

/// C `mux_states_t` (802.3ad 43.4.13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MuxState {
    /// `AD_MUX_DUMMY`.
    #[default]
    Dummy = 0,
    /// `AD_MUX_DETACHED`.
    Detached,
    /// `AD_MUX_WAITING`.
    Waiting,
    /// `AD_MUX_ATTACHED`.
    Attached,
    /// `AD_MUX_COLLECTING`.
    Collecting,
    /// `AD_MUX_DISTRIBUTING`.
    Distributing,
    /// `AD_MUX_COLLECTING_DISTRIBUTING`.
    CollectingDistributing,
}

/// C `tx_states_t` (802.3ad 43.4.15); C never changes it from `AD_TX_DUMMY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TxState {
    /// `AD_TX_DUMMY`.
    #[default]
    Dummy = 0,
    /// `AD_TRANSMIT`.
    Transmit,
}

/// C `churn_state_t` (802.3ad 43.4.17).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ChurnState {
    /// `AD_CHURN_MONITOR`: monitoring for churn.
    #[default]
    Monitor = 0,
    /// `AD_CHURN`: churn detected.
    Churned = 1,
    /// `AD_NO_CHURN`: no churn.
    NoChurn = 2,
}

impl ChurnState {
    /// C `bond_3ad_churn_desc()`.
    pub fn desc(self) -> &'static str {
        match self {
            ChurnState::Monitor => "monitoring",
            ChurnState::Churned => "churned",
            ChurnState::NoChurn => "none",
        }
    }
}

/// C `struct port_params`: a partner's identity (admin or oper).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PortParams {
    /// `system`.
    pub system: [u8; 6],
    /// `system_priority`.
    pub system_priority: u16,
    /// `key`.
    pub key: u16,
    /// `port_number`.
    pub port_number: u16,
    /// `port_priority`.
    pub port_priority: u16,
    /// `port_state` (`LACP_STATE_*`; C's `u16` only ever holds a byte).
    pub port_state: u8,
}

impl PortParams {
    /// The template of C `ad_initialize_port()` (`partner_admin` and `partner_oper`).
    pub const INITIAL: PortParams = PortParams {
        system: [0; 6],
        system_priority: 0xffff,
        key: 1,
        port_number: 1,
        port_priority: 0xff,
        port_state: 0,
    };
}

/// C `struct port` (802.3ad 43.4.6) plus what the machines read of the slave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// Caller-refreshed: C `slave->link == BOND_LINK_UP && bond_slave_is_up(slave)` (the test of
    /// `__enable_port()` and `__enable_collecting_port()`).
    pub slave_up: bool,
    /// Caller-refreshed: C `bond_slave_is_up(slave)` (`agg_device_up()`).
    pub dev_up: bool,
    /// Caller-refreshed: C `slave->link == BOND_LINK_UP` (`__get_link_speed()`,
    /// `__get_duplex()`).
    pub link_up: bool,
    /// C `bond_is_active_slave(slave)`; kept right by the machines through [`Sink::set_flags`].
    pub slave_active: bool,
    /// C `slave->rx_disabled`; kept right by the machines through [`Sink::set_flags`].
    pub rx_disabled: bool,
    /// Caller-refreshed: `slave->speed` in Mbit/s, [`SPEED_UNKNOWN`] if unknown.
    pub speed: u32,
    /// Caller-refreshed: `slave->duplex` (0 half, 1 full, 0xff unknown).
    pub duplex: u8,
    /// C `SLAVE_AD_INFO(slave)->port_priority` (the `actor_port_prio` option).
    pub port_priority: u16,
    /// Per-slave counters (C `SLAVE_AD_INFO(slave)->stats`).
    pub stats: Stats,

    /// `actor_port_number` (= `SLAVE_AD_INFO(slave)->id`).
    pub actor_port_number: u16,
    /// `actor_port_priority`.
    pub actor_port_priority: u16,
    /// `actor_system`.
    pub actor_system: [u8; 6],
    /// `actor_system_priority`.
    pub actor_system_priority: u16,
    /// `actor_port_aggregator_identifier`.
    pub actor_port_aggregator_identifier: u16,
    /// `ntt` (need to transmit).
    pub ntt: bool,
    /// `actor_admin_port_key`.
    pub actor_admin_port_key: u16,
    /// `actor_oper_port_key`.
    pub actor_oper_port_key: u16,
    /// `actor_admin_port_state`.
    pub actor_admin_port_state: u8,
    /// `actor_oper_port_state`.
    pub actor_oper_port_state: u8,
    /// `partner_admin`.
    pub partner_admin: PortParams,
    /// `partner_oper`.
    pub partner_oper: PortParams,
    /// `is_enabled`.
    pub is_enabled: bool,
    /// `sm_vars` (`AD_PORT_*` bits).
    pub sm_vars: u16,
    /// `sm_rx_state`.
    pub sm_rx_state: RxState,
    /// `sm_rx_timer_counter`.
    pub sm_rx_timer_counter: u16,
    /// `sm_periodic_state`.
    pub sm_periodic_state: PeriodicState,
    /// `sm_periodic_timer_counter`.
    pub sm_periodic_timer_counter: u16,
    /// `sm_mux_state`.
    pub sm_mux_state: MuxState,
    /// `sm_mux_timer_counter`.
    pub sm_mux_timer_counter: u16,
    /// `sm_tx_state`.
    pub sm_tx_state: TxState,
    /// `sm_tx_timer_counter`.
    pub sm_tx_timer_counter: u16,
    /// `sm_churn_actor_timer_counter`.
    pub sm_churn_actor_timer_counter: u16,
    /// `sm_churn_partner_timer_counter`.
    pub sm_churn_partner_timer_counter: u16,
    /// `churn_actor_count`.
    pub churn_actor_count: u32,
    /// `churn_partner_count`.
    pub churn_partner_count: u32,
    /// `sm_churn_actor_state`.
    pub sm_churn_actor_state: ChurnState,
    /// `sm_churn_partner_state`.
    pub sm_churn_partner_state: ChurnState,
    /// `transaction_id`.
    pub transaction_id: u32,
    /// `lacpdu`: the LACPDU this port sends.
    pub lacpdu: Lacpdu,
    /// `aggregator`: slot index of the aggregator.
    aggregator: Option<usize>,
    /// `next_port_in_aggregator`: slot index of the next port.
    next_port_in_aggregator: Option<usize>,
}

/// C `struct aggregator` (802.3ad 43.4.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aggregator {
    /// `aggregator_mac_address`.
    pub aggregator_mac_address: [u8; 6],
    /// `aggregator_identifier` (unique within the bond).
    pub aggregator_identifier: u16,
    /// `is_individual`.
    pub is_individual: bool,
    /// `actor_admin_aggregator_key`.
    pub actor_admin_aggregator_key: u16,
    /// `actor_oper_aggregator_key`.
    pub actor_oper_aggregator_key: u16,
    /// `partner_system`.
    pub partner_system: [u8; 6],
    /// `partner_system_priority`.
    pub partner_system_priority: u16,
    /// `partner_oper_aggregator_key`.
    pub partner_oper_aggregator_key: u16,
    /// `receive_state`.
    pub receive_state: bool,
    /// `transmit_state`.
    pub transmit_state: bool,
    /// `is_active`.
    pub is_active: bool,
    /// `num_of_ports`.
    pub num_of_ports: u16,
    /// `lag_ports`: slot index of the first port.
    lag_ports: Option<usize>,
}

/// One slave's 802.3ad state (C `struct ad_slave_info`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// `SLAVE_AD_INFO(slave)->port`.
    pub port: Port,
    /// `SLAVE_AD_INFO(slave)->aggregator`.
    pub agg: Aggregator,
}

/// The slave flags the machines set (C `bond_set_slave_*_flags()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flags {
    /// C `bond_set_slave_inactive_flags()` (`__disable_port()`).
    Inactive,
    /// C `bond_set_slave_active_flags()` (`__enable_port()`).
    Active,
    /// C `bond_set_slave_tx_disabled_flags()` (`__disable_distributing_port()`).
    TxDisabled,
    /// C `bond_set_slave_rx_enabled_flags()` (`__enable_collecting_port()`).
    RxEnabled,
}

/// Printk level of a [`Msg`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `KERN_ERR`.
    Err,
    /// `KERN_WARNING`.
    Warning,
    /// `KERN_NOTICE`.
    Notice,
    /// `KERN_INFO`.
    Info,
}

/// A log line of C `bond_3ad.c` at info level or above. The kernel side adds the prefix:
/// "bond0: (slave eth0): " when the slot is given, "bond0: " otherwise (C's
/// `slave_*()`/`netdev_*()`, and the `"%s: (slave %s): "` C writes out in its `pr_*()` and
/// `net_warn_ratelimited()` formats), and the trailing newline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    /// C `__get_link_speed()`: `pr_err_once()` "unknown ethtool speed (%d) for port %d (set it
    /// to 0)".
    UnknownSpeed {
        /// `slave->speed` (printed with `%d`).
        speed: i32,
        /// `port->actor_port_number`.
        port: u16,
    },
    /// C `ad_update_actor_keys()`: `slave_err()` "speed changed to 0 on port %d".
    SpeedZero {
        /// `port->actor_port_number`.
        port: u16,
    },
    /// C `ad_port_selection_logic()`: `net_warn_ratelimited()` "Warning: Port %d was related
    /// to aggregator %d but was not on its port list".
    PortNotInAggList {
        /// `port->actor_port_number`.
        port: u16,
        /// `aggregator_identifier`.
        aggregator: u16,
    },
    /// C `ad_port_selection_logic()`: `slave_err()` "Port %d did not find a suitable
    /// aggregator".
    NoSuitableAggregator {
        /// `port->actor_port_number`.
        port: u16,
    },
    /// C `ad_agg_selection_logic()`: `net_warn_ratelimited()` "Warning: No 802.3ad response
    /// from the link partner for any adapters in the bond" (bond prefix only).
    NoPartnerResponse,
    /// C `ad_rx_machine()`: `slave_err()` on a looped-back LACPDU.
    IllegalLoopback,
    /// C `bond_3ad_unbind_slave()`: `slave_info()` "Removing an active aggregator".
    RemovingActiveAggregator,
    /// C `bond_3ad_unbind_slave()`: `slave_warn()` "unbinding aggregator, and could not find a
    /// new aggregator for its ports".
    NoNewAggregator,
}

impl Msg {
    /// The printk level C uses.
    pub fn level(&self) -> Level {
        match self {
            Msg::UnknownSpeed { .. }
            | Msg::SpeedZero { .. }
            | Msg::NoSuitableAggregator { .. }
            | Msg::IllegalLoopback => Level::Err,
            Msg::PortNotInAggList { .. } | Msg::NoPartnerResponse | Msg::NoNewAggregator => {
                Level::Warning
            }
            Msg::RemovingActiveAggregator => Level::Info,
        }
    }

    /// C prints it only when `net_ratelimit()` allows (`net_warn_ratelimited()`).
    pub fn ratelimited(&self) -> bool {
        matches!(self, Msg::PortNotInAggList { .. } | Msg::NoPartnerResponse)
    }

    /// C prints it once per boot (`pr_err_once()`).
    pub fn once(&self) -> bool {
        matches!(self, Msg::UnknownSpeed { .. })
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Msg::UnknownSpeed { speed, port } => write!(
                f,
                "unknown ethtool speed ({speed}) for port {port} (set it to 0)"
            ),
            Msg::SpeedZero { port } => write!(f, "speed changed to 0 on port {port}"),
            Msg::PortNotInAggList { port, aggregator } => write!(
                f,
                "Warning: Port {port} was related to aggregator {aggregator} but was not on its port list"
            ),
            Msg::NoSuitableAggregator { port } => {
                write!(f, "Port {port} did not find a suitable aggregator")
            }
            Msg::NoPartnerResponse => f.write_str(
                "Warning: No 802.3ad response from the link partner for any adapters in the bond",
            ),
            Msg::IllegalLoopback => f.write_str(
                "An illegal loopback occurred on slave\nCheck the configuration to verify that all adapters are connected to 802.3ad compliant switch ports",
            ),
            Msg::RemovingActiveAggregator => f.write_str("Removing an active aggregator"),
            Msg::NoNewAggregator => f.write_str(
                "unbinding aggregator, and could not find a new aggregator for its ports",
            ),
        }
    }
}

/// Where the machines' effects go. `slot` is an index into the `slots` slice of the same call.
pub trait Sink {
    /// Send a LACPDU body (after the Ethernet header) on the slot's slave; false if it could not
    /// be sent (C -ENOMEM).
    fn send_lacpdu(&mut self, slot: usize, body: &[u8; LACPDU_LEN]) -> bool;
    /// Send a Marker PDU body (marker response); false if it could not be sent.
    fn send_marker(&mut self, slot: usize, body: &[u8; MARKER_LEN]) -> bool;
    /// Set the slave's flags (C `bond_set_slave_*_flags(slave, BOND_SLAVE_NOTIFY_LATER)`).
    fn set_flags(&mut self, slot: usize, f: Flags);
    /// C `ad_cond_set_peer_notif()`: called only when `params.broadcast_neighbor`.
    fn peer_notify(&mut self);
    /// A log line (see [`Msg`]).
    fn log(&mut self, slot: Option<usize>, msg: Msg);
}

/// What a call needs the caller to do afterwards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// C `update_slave_arr`: rebuild the transmit array (`bond_slave_arr_work_rearm()`).
    pub update_tx_array: bool,
    /// C called `bond_3ad_set_carrier()`: apply [`Lacp::carrier`].
    pub set_carrier: bool,
}

/// The active aggregator (C `struct ad_info` of `__bond_3ad_get_active_agg_info()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AggInfo {
    /// `aggregator_id`.
    pub aggregator_id: u16,
    /// `ports`: its enabled ports (`__agg_active_ports()`).
    pub ports: u16,
    /// `actor_key`.
    pub actor_key: u16,
    /// `partner_key`.
    pub partner_key: u16,
    /// `partner_system`.
    pub partner_system: [u8; 6],
}

/// Bond-wide state (C `struct ad_bond_info` without `system`, which is in [`Params`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lacp {
    /// `agg_select_timer`, in ticks.
    pub agg_select_timer: u32,
    /// `aggregator_identifier`: the last aggregator id given out.
    pub aggregator_identifier: u16,
    /// Bond-wide counters (`stats`).
    pub stats: Stats,
}

/// A sink that drops everything (for [`Lacp::bind`]).
struct NoSink;

impl Sink for NoSink {
    fn send_lacpdu(&mut self, _: usize, _: &[u8; LACPDU_LEN]) -> bool {
        false
    }
    fn send_marker(&mut self, _: usize, _: &[u8; MARKER_LEN]) -> bool {
        false
    }
    fn set_flags(&mut self, _: usize, _: Flags) {}
    fn peer_notify(&mut self) {}
    fn log(&mut self, _: Option<usize>, _: Msg) {}
}

fn is_zero_mac(m: &[u8; 6]) -> bool {
    *m == [0; 6]
}

/// `SPEED_*` → (C `AD_LINK_SPEED_*`, bandwidth of `__get_agg_bandwidth()` per port).
const SPEEDS: [(u32, u16, u32); 18] = [
    (10, 2, 10),
    (100, 3, 100),
    (1000, 4, 1000),
    (2500, 5, 2500),
    (5000, 6, 5000),
    (10000, 7, 10000),
    (14000, 8, 14000),
    (20000, 9, 20000),
    (25000, 10, 25000),
    (40000, 11, 40000),
    (50000, 12, 50000),
    (56000, 13, 56000),
    (80000, 14, 80000),
    (100000, 15, 100000),
    (200000, 16, 200000),
    (400000, 17, 400000),
    (800000, 18, 800000),
    (1600000, 19, 1600000),
];

/// C `__get_agg_bandwidth()`'s table: Mbit/s of an `AD_LINK_SPEED_*` code
/// (`AD_LINK_SPEED_1MBPS` = 1 included), 0 for anything else.
pub fn ad_speed_bandwidth(code: u16) -> u32 {
    if code == 1 {
        return 1;
    }
    SPEEDS.iter().find(|e| e.1 == code).map_or(0, |e| e.2)
}

impl Port {
    /// C `ad_initialize_port()`.
    fn new(p: &Params) -> Port {
        let mut admin = LACP_STATE_AGGREGATION;
        let mut oper = LACP_STATE_AGGREGATION;
        if p.lacp_active {
            admin |= LACP_STATE_LACP_ACTIVITY;
            oper |= LACP_STATE_LACP_ACTIVITY;
        }
        if p.lacp_fast {
            oper |= LACP_STATE_LACP_TIMEOUT;
        }
        Port {
            slave_up: false,
            dev_up: false,
            link_up: false,
            slave_active: false,
            rx_disabled: true,
            speed: SPEED_UNKNOWN,
            duplex: 0xff,
            port_priority: 0xff,
            stats: Stats::default(),
            actor_port_number: 0,
            actor_port_priority: 0xff,
            actor_system: [0; 6],
            actor_system_priority: 0,
            actor_port_aggregator_identifier: 0,
            ntt: false,
            actor_admin_port_key: 0,
            actor_oper_port_key: 0,
            actor_admin_port_state: admin,
            actor_oper_port_state: oper,
            partner_admin: PortParams::INITIAL,
            partner_oper: PortParams::INITIAL,
            is_enabled: true,
            sm_vars: AD_PORT_BEGIN | AD_PORT_LACP_ENABLED,
            sm_rx_state: RxState::Dummy,
            sm_rx_timer_counter: 0,
            sm_periodic_state: PeriodicState::Dummy,
            sm_periodic_timer_counter: 0,
            sm_mux_state: MuxState::Dummy,
            sm_mux_timer_counter: 0,
            sm_tx_state: TxState::Dummy,
            sm_tx_timer_counter: 0,
            sm_churn_actor_timer_counter: 0,
            sm_churn_partner_timer_counter: 0,
            churn_actor_count: 0,
            churn_partner_count: 0,
            sm_churn_actor_state: ChurnState::Monitor,
            sm_churn_partner_state: ChurnState::Monitor,
            transaction_id: 0,
            lacpdu: Lacpdu::TEMPLATE,
            aggregator: None,
            next_port_in_aggregator: None,
        }
    }

    /// The `aggregator_identifier` of the aggregator the port is attached to (C
    /// `port->aggregator`, as /proc's "Aggregator ID" prints it); `None` for C's NULL.
    pub fn aggregator_id(&self) -> Option<u16> {
        self.aggregator
            .map(|_| self.actor_port_aggregator_identifier)
    }

    /// Slot index of the aggregator the port is attached to.
    pub fn aggregator_slot(&self) -> Option<usize> {
        self.aggregator
    }

    /// Slot index of the next port in the aggregator's list (C `next_port_in_aggregator`).
    pub fn next_port_in_aggregator(&self) -> Option<usize> {
        self.next_port_in_aggregator
    }

    /// C `port->sm_churn_actor_state`.
    pub fn actor_churn_state(&self) -> ChurnState {
        self.sm_churn_actor_state
    }

    /// C `port->sm_churn_partner_state`.
    pub fn partner_churn_state(&self) -> ChurnState {
        self.sm_churn_partner_state
    }

    fn has(&self, bits: u16) -> bool {
        self.sm_vars & bits != 0
    }

    fn set(&mut self, bits: u16, on: bool) {
        if on {
            self.sm_vars |= bits;
        } else {
            self.sm_vars &= !bits;
        }
    }

    fn partner_state(&self, bits: u8) -> bool {
        self.partner_oper.port_state & bits != 0
    }

    fn actor_state(&self, bits: u8) -> bool {
        self.actor_oper_port_state & bits != 0
    }

    fn set_actor_state(&mut self, bits: u8, on: bool) {
        if on {
            self.actor_oper_port_state |= bits;
        } else {
            self.actor_oper_port_state &= !bits;
        }
    }

    /// C `__get_link_speed()`: the `AD_LINK_SPEED_*` code, 0 when the link is not up or the
    /// speed unknown; the second value asks for C's "unknown ethtool speed" line.
    fn link_speed(&self) -> (u16, Option<Msg>) {
        if !self.link_up {
            return (0, None);
        }
        match SPEEDS.iter().find(|e| e.0 == self.speed) {
            Some(e) => (e.1, None),
            None if self.speed != SPEED_UNKNOWN => (
                0,
                Some(Msg::UnknownSpeed {
                    speed: self.speed as i32,
                    port: self.actor_port_number,
                }),
            ),
            None => (0, None),
        }
    }

    /// C `__get_duplex()`.
    fn get_duplex(&self) -> u8 {
        u8::from(self.link_up && self.duplex == DUPLEX_FULL)
    }

    /// C `__ad_actor_update_port()`.
    fn actor_update(&mut self, p: &Params) {
        self.actor_system = p.sys_mac;
        self.actor_system_priority = p.sys_priority;
        self.actor_port_priority = self.port_priority;
    }

    /// C `ad_update_actor_keys()`; returns the log lines C prints (at most two).
    fn update_actor_keys(&mut self, reset: bool) -> [Option<Msg>; 2] {
        let mut msgs = [None, None];
        let mut duplex = 0u8;
        let mut ospeed = 0u16;
        let mut speed = 0u16;
        let old_oper_key = self.actor_oper_port_key;

        self.actor_admin_port_key &= !(AD_SPEED_KEY_MASKS | AD_DUPLEX_KEY_MASKS);
        if !reset {
            let (s, m) = self.link_speed();
            speed = s;
            msgs[0] = m;
            ospeed = (old_oper_key & AD_SPEED_KEY_MASKS) >> 1;
            duplex = self.get_duplex();
            self.actor_admin_port_key |= (speed << 1) | u16::from(duplex);
        }
        self.actor_oper_port_key = self.actor_admin_port_key;

        if old_oper_key != self.actor_oper_port_key {
            // Only 'duplex' port participates in LACP.
            self.set(AD_PORT_LACP_ENABLED, duplex != 0);
            if !reset {
                if speed == 0 {
                    msgs[1] = Some(Msg::SpeedZero {
                        port: self.actor_port_number,
                    });
                } else if duplex != 0 && ospeed != speed {
                    // Speed change restarts LACP state-machine.
                    self.sm_vars |= AD_PORT_BEGIN;
                }
            }
        }
        msgs
    }

    /// C `__choose_matched()`.
    fn choose_matched(&mut self, l: &Lacpdu) {
        let m = (l.partner_port == self.actor_port_number
            && l.partner_port_priority == self.actor_port_priority
            && l.partner_system == self.actor_system
            && l.partner_system_priority == self.actor_system_priority
            && l.partner_key == self.actor_oper_port_key
            && (l.partner_state & LACP_STATE_AGGREGATION)
                == (self.actor_oper_port_state & LACP_STATE_AGGREGATION))
            || (l.actor_state & LACP_STATE_AGGREGATION) == 0;
        self.set(AD_PORT_MATCHED, m);
    }

    /// C `__record_pdu()`.
    fn record_pdu(&mut self, l: &Lacpdu) {
        self.choose_matched(l);
        let matched = self.has(AD_PORT_MATCHED);
        let partner = &mut self.partner_oper;
        partner.port_number = l.actor_port;
        partner.port_priority = l.actor_port_priority;
        partner.system = l.actor_system;
        partner.system_priority = l.actor_system_priority;
        partner.key = l.actor_key;
        partner.port_state = l.actor_state;
        self.actor_oper_port_state &= !LACP_STATE_DEFAULTED;
        if matched && l.actor_state & LACP_STATE_SYNCHRONIZATION != 0 {
            self.partner_oper.port_state |= LACP_STATE_SYNCHRONIZATION;
        } else {
            self.partner_oper.port_state &= !LACP_STATE_SYNCHRONIZATION;
        }
    }

    /// C `__record_default()`.
    fn record_default(&mut self) {
        self.partner_oper = self.partner_admin;
        self.actor_oper_port_state |= LACP_STATE_DEFAULTED;
    }

    /// C `__update_selected()`.
    fn update_selected(&mut self, l: &Lacpdu) {
        let p = &self.partner_oper;
        if l.actor_port != p.port_number
            || l.actor_port_priority != p.port_priority
            || l.actor_system != p.system
            || l.actor_system_priority != p.system_priority
            || l.actor_key != p.key
            || (l.actor_state & LACP_STATE_AGGREGATION) != (p.port_state & LACP_STATE_AGGREGATION)
        {
            self.sm_vars &= !AD_PORT_SELECTED;
        }
    }

    /// C `__update_default_selected()`.
    fn update_default_selected(&mut self) {
        let a = &self.partner_admin;
        let o = &self.partner_oper;
        if a.port_number != o.port_number
            || a.port_priority != o.port_priority
            || a.system != o.system
            || a.system_priority != o.system_priority
            || a.key != o.key
            || (a.port_state & LACP_STATE_AGGREGATION) != (o.port_state & LACP_STATE_AGGREGATION)
        {
            self.sm_vars &= !AD_PORT_SELECTED;
        }
    }

    /// C `__update_ntt()`.
    fn update_ntt(&mut self, l: &Lacpdu) {
        let bits = LACP_STATE_LACP_ACTIVITY
            | LACP_STATE_LACP_TIMEOUT
            | LACP_STATE_SYNCHRONIZATION
            | LACP_STATE_AGGREGATION;
        if l.partner_port != self.actor_port_number
            || l.partner_port_priority != self.actor_port_priority
            || l.partner_system != self.actor_system
            || l.partner_system_priority != self.actor_system_priority
            || l.partner_key != self.actor_oper_port_key
            || (l.partner_state & bits) != (self.actor_oper_port_state & bits)
        {
            self.ntt = true;
        }
    }

    /// C `__update_lacpdu_from_port()`.
    fn update_lacpdu(&mut self) {
        let partner = self.partner_oper;
        let l = &mut self.lacpdu;
        l.actor_system_priority = self.actor_system_priority;
        l.actor_system = self.actor_system;
        l.actor_key = self.actor_oper_port_key;
        l.actor_port_priority = self.actor_port_priority;
        l.actor_port = self.actor_port_number;
        l.actor_state = self.actor_oper_port_state;
        l.partner_system_priority = partner.system_priority;
        l.partner_system = partner.system;
        l.partner_key = partner.key;
        l.partner_port_priority = partner.port_priority;
        l.partner_port = partner.port_number;
        l.partner_state = partner.port_state;
    }

    /// C `ad_rx_machine()`; returns the loopback error line if C prints it.
    fn rx_machine(&mut self, lacpdu: Option<&Lacpdu>, bond: &mut Stats) -> Option<Msg> {
        let last_state = self.sm_rx_state;
        if lacpdu.is_some() {
            bump(&mut self.stats, bond, |s| &mut s.lacpdu_rx);
        }

        if self.has(AD_PORT_BEGIN) {
            self.sm_rx_state = RxState::Initialize;
            self.sm_vars |= AD_PORT_CHURNED;
        } else if !self.is_enabled {
            self.sm_rx_state = RxState::PortDisabled;
        } else if lacpdu.is_some()
            && matches!(
                self.sm_rx_state,
                RxState::Expired | RxState::Defaulted | RxState::Current
            )
        {
            if self.sm_rx_state != RxState::Current {
                self.sm_vars |= AD_PORT_CHURNED;
            }
            self.sm_rx_timer_counter = 0;
            self.sm_rx_state = RxState::Current;
        } else if self.sm_rx_timer_counter != 0 && {
            self.sm_rx_timer_counter -= 1;
            self.sm_rx_timer_counter == 0
        } {
            match self.sm_rx_state {
                RxState::Expired => self.sm_rx_state = RxState::Defaulted,
                RxState::Current => self.sm_rx_state = RxState::Expired,
                _ => {}
            }
        } else if self.sm_rx_state == RxState::PortDisabled && self.is_enabled {
            self.sm_rx_state = if self.has(AD_PORT_LACP_ENABLED) {
                RxState::Expired
            } else {
                RxState::LacpDisabled
            };
        }

        if self.sm_rx_state == last_state && lacpdu.is_none() {
            return None;
        }
        match self.sm_rx_state {
            RxState::Initialize | RxState::PortDisabled => {
                if self.sm_rx_state == RxState::Initialize {
                    let lacp = self.actor_oper_port_key & AD_DUPLEX_KEY_MASKS != 0;
                    self.set(AD_PORT_LACP_ENABLED, lacp);
                    self.sm_vars &= !AD_PORT_SELECTED;
                    self.record_default();
                    self.actor_oper_port_state &= !LACP_STATE_EXPIRED;
                    self.sm_rx_state = RxState::PortDisabled;
                }
                self.sm_vars &= !AD_PORT_MATCHED;
                self.partner_oper.port_state &= !LACP_STATE_SYNCHRONIZATION;
            }
            RxState::LacpDisabled => {
                self.sm_vars &= !AD_PORT_SELECTED;
                self.record_default();
                self.partner_oper.port_state &= !LACP_STATE_AGGREGATION;
                self.sm_vars |= AD_PORT_MATCHED;
                self.actor_oper_port_state &= !LACP_STATE_EXPIRED;
            }
            RxState::Expired => {
                // 802.1AX-2014 figure 6-18: partner out of sync, short timeout.
                self.sm_vars &= !AD_PORT_MATCHED;
                self.partner_oper.port_state &= !LACP_STATE_SYNCHRONIZATION;
                self.partner_oper.port_state |= LACP_STATE_LACP_TIMEOUT;
                self.sm_rx_timer_counter = SHORT_TIMEOUT_TICKS;
                self.actor_oper_port_state |= LACP_STATE_EXPIRED;
                self.sm_vars |= AD_PORT_CHURNED;
            }
            RxState::Defaulted => {
                self.update_default_selected();
                self.record_default();
                self.sm_vars |= AD_PORT_MATCHED;
                self.actor_oper_port_state &= !LACP_STATE_EXPIRED;
            }
            RxState::Current => {
                // Only reached with a LACPDU (C dereferences it).
                let l = lacpdu?;
                if l.actor_system == self.actor_system {
                    return Some(Msg::IllegalLoopback);
                }
                self.update_selected(l);
                self.update_ntt(l);
                self.record_pdu(l);
                self.sm_rx_timer_counter = if self.actor_state(LACP_STATE_LACP_TIMEOUT) {
                    SHORT_TIMEOUT_TICKS
                } else {
                    LONG_TIMEOUT_TICKS
                };
                self.actor_oper_port_state &= !LACP_STATE_EXPIRED;
            }
            RxState::Dummy => {}
        }
        None
    }

    /// C `ad_churn_machine()`.
    fn churn_machine(&mut self) {
        if self.has(AD_PORT_CHURNED) {
            self.sm_vars &= !AD_PORT_CHURNED;
            self.sm_churn_actor_state = ChurnState::Monitor;
            self.sm_churn_partner_state = ChurnState::Monitor;
            self.sm_churn_actor_timer_counter = CHURN_DETECTION_TICKS;
            self.sm_churn_partner_timer_counter = CHURN_DETECTION_TICKS;
            return;
        }
        let actor_sync = self.actor_state(LACP_STATE_SYNCHRONIZATION);
        let partner_sync = self.partner_state(LACP_STATE_SYNCHRONIZATION);
        churn_detect(
            &mut self.sm_churn_actor_timer_counter,
            &mut self.sm_churn_actor_state,
            &mut self.churn_actor_count,
            actor_sync,
        );
        churn_detect(
            &mut self.sm_churn_partner_timer_counter,
            &mut self.sm_churn_partner_state,
            &mut self.churn_partner_count,
            partner_sync,
        );
    }

    /// C `ad_periodic_machine()`.
    fn periodic_machine(&mut self) {
        let last_state = self.sm_periodic_state;
        if self.has(AD_PORT_BEGIN)
            || !self.has(AD_PORT_LACP_ENABLED)
            || !self.is_enabled
            || (!self.actor_state(LACP_STATE_LACP_ACTIVITY)
                && !self.partner_state(LACP_STATE_LACP_ACTIVITY))
        {
            self.sm_periodic_state = PeriodicState::NoPeriodic;
        } else if self.sm_periodic_timer_counter != 0 {
            self.sm_periodic_timer_counter -= 1;
            if self.sm_periodic_timer_counter == 0 {
                self.sm_periodic_state = PeriodicState::PeriodicTx;
            } else {
                match self.sm_periodic_state {
                    PeriodicState::FastPeriodic if !self.partner_state(LACP_STATE_LACP_TIMEOUT) => {
                        self.sm_periodic_state = PeriodicState::SlowPeriodic;
                    }
                    PeriodicState::SlowPeriodic if self.partner_state(LACP_STATE_LACP_TIMEOUT) => {
                        self.sm_periodic_timer_counter = 0;
                        self.sm_periodic_state = PeriodicState::PeriodicTx;
                    }
                    _ => {}
                }
            }
        } else {
            match self.sm_periodic_state {
                PeriodicState::NoPeriodic => {
                    self.sm_periodic_state = PeriodicState::FastPeriodic;
                }
                PeriodicState::PeriodicTx => {
                    self.sm_periodic_state = if self.partner_state(LACP_STATE_LACP_TIMEOUT) {
                        PeriodicState::FastPeriodic
                    } else {
                        PeriodicState::SlowPeriodic
                    };
                }
                _ => {}
            }
        }

        if self.sm_periodic_state != last_state {
            match self.sm_periodic_state {
                PeriodicState::NoPeriodic => self.sm_periodic_timer_counter = 0,
                // Decrement 1 tick we lost in the PERIODIC_TX cycle.
                PeriodicState::FastPeriodic => {
                    self.sm_periodic_timer_counter = FAST_PERIODIC_TICKS - 1;
                }
                PeriodicState::SlowPeriodic => {
                    self.sm_periodic_timer_counter = SLOW_PERIODIC_TICKS - 1;
                }
                PeriodicState::PeriodicTx => self.ntt = true,
                PeriodicState::Dummy => {}
            }
        }
    }
}

impl Aggregator {
    /// C `ad_initialize_agg()`.
    fn new() -> Aggregator {
        Aggregator {
            aggregator_mac_address: [0; 6],
            aggregator_identifier: 0,
            is_individual: false,
            actor_admin_aggregator_key: 0,
            actor_oper_aggregator_key: 0,
            partner_system: [0; 6],
            partner_system_priority: 0,
            partner_oper_aggregator_key: 0,
            receive_state: false,
            transmit_state: false,
            is_active: false,
            num_of_ports: 0,
            lag_ports: None,
        }
    }

    /// C `ad_clear_agg()`.
    fn clear(&mut self) {
        self.is_individual = false;
        self.actor_admin_aggregator_key = 0;
        self.actor_oper_aggregator_key = 0;
        self.partner_system = [0; 6];
        self.partner_system_priority = 0;
        self.partner_oper_aggregator_key = 0;
        self.receive_state = false;
        self.transmit_state = false;
        self.lag_ports = None;
        self.is_active = false;
        self.num_of_ports = 0;
    }

    /// C `__agg_has_partner()`.
    pub fn has_partner(&self) -> bool {
        !is_zero_mac(&self.partner_system)
    }

    /// Slot index of the first port of the aggregator (C `lag_ports`).
    pub fn lag_ports(&self) -> Option<usize> {
        self.lag_ports
    }
}

/// The ports of the aggregator in slot `a`, in C's list order; bounded by `slots.len()`.
struct Lag<'a> {
    slots: &'a [Slot],
    next: Option<usize>,
    left: usize,
}

impl Iterator for Lag<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        let cur = self.next?;
        let slot = self.slots.get(cur)?;
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        self.next = slot.port.next_port_in_aggregator;
        Some(cur)
    }
}

fn lag(slots: &[Slot], a: Option<usize>) -> Lag<'_> {
    Lag {
        slots,
        next: a.and_then(|a| slots.get(a)).and_then(|s| s.agg.lag_ports),
        left: slots.len(),
    }
}

/// The next port after `i` in its list (for walks that change the slots).
fn next_of(slots: &[Slot], i: usize) -> Option<usize> {
    slots.get(i).and_then(|s| s.port.next_port_in_aggregator)
}

/// Calls `f` for each port of the aggregator in slot `a`, allowing changes to the slots
/// (the next link is read before `f` runs, as C's loops do).
fn for_each_lag_port(slots: &mut [Slot], a: Option<usize>, mut f: impl FnMut(&mut [Slot], usize)) {
    let mut cur = a.and_then(|a| slots.get(a)).and_then(|s| s.agg.lag_ports);
    let mut left = slots.len();
    while let Some(i) = cur {
        if left == 0 || i >= slots.len() {
            break;
        }
        left -= 1;
        cur = next_of(slots, i);
        f(slots, i);
    }
}

fn agg(slots: &[Slot], a: Option<usize>) -> Option<&Aggregator> {
    a.and_then(|a| slots.get(a)).map(|s| &s.agg)
}

fn agg_is_active(slots: &[Slot], a: Option<usize>) -> bool {
    agg(slots, a).is_some_and(|g| g.is_active)
}

fn agg_has_partner(slots: &[Slot], a: Option<usize>) -> bool {
    agg(slots, a).is_some_and(|g| g.has_partner())
}

/// C `__agg_ports_are_ready()` (true for no aggregator).
fn agg_ports_are_ready(slots: &[Slot], a: Option<usize>) -> bool {
    lag(slots, a).all(|i| slots.get(i).is_some_and(|s| s.port.has(AD_PORT_READY_N)))
}

/// C `__set_agg_ports_ready()`.
fn set_agg_ports_ready(slots: &mut [Slot], a: Option<usize>, val: bool) {
    for_each_lag_port(slots, a, |s, i| {
        if let Some(x) = s.get_mut(i) {
            x.port.set(AD_PORT_READY, val);
        }
    });
}

fn update_agg_ready(slots: &mut [Slot], a: Option<usize>) {
    let r = agg_ports_are_ready(slots, a);
    set_agg_ports_ready(slots, a, r);
}

/// C `__agg_usable_ports()`.
fn agg_usable_ports(slots: &[Slot], a: usize) -> u32 {
    let both = LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
    lag(slots, Some(a))
        .filter(|&i| {
            slots
                .get(i)
                .is_some_and(|s| s.port.actor_oper_port_state & both == both)
        })
        .count() as u32
}

/// C `__agg_active_ports()`.
fn agg_active_ports(slots: &[Slot], a: usize) -> u32 {
    lag(slots, Some(a))
        .filter(|&i| slots.get(i).is_some_and(|s| s.port.is_enabled))
        .count() as u32
}

/// C `__agg_ports_priority()`.
fn agg_ports_priority(slots: &[Slot], a: usize) -> u32 {
    lag(slots, Some(a))
        .filter_map(|i| slots.get(i))
        .filter(|s| s.port.is_enabled)
        .fold(0u32, |acc, s| {
            acc.wrapping_add(u32::from(s.port.actor_port_priority))
        })
}

/// C `__get_agg_bandwidth()`.
fn agg_bandwidth<S: Sink>(slots: &[Slot], a: usize, sink: &mut S) -> u32 {
    let nports = agg_active_ports(slots, a);
    if nports == 0 {
        return 0;
    }
    let first = lag(slots, Some(a)).next();
    let Some(port) = first.and_then(|i| slots.get(i)).map(|s| &s.port) else {
        return 0;
    };
    let (code, msg) = port.link_speed();
    if let Some(m) = msg {
        sink.log(first, m);
    }
    nports.wrapping_mul(ad_speed_bandwidth(code))
}

/// C `agg_device_up()`.
fn agg_device_up(slots: &[Slot], a: usize) -> bool {
    lag(slots, Some(a)).any(|i| slots.get(i).is_some_and(|s| s.port.dev_up))
}

/// C `__get_active_agg()`: the first active aggregator in slave order.
fn get_active_agg(slots: &[Slot]) -> Option<usize> {
    slots.iter().position(|s| s.agg.is_active)
}

/// C `__disable_port()`.
fn disable_port<S: Sink>(slots: &mut [Slot], i: usize, sink: &mut S) {
    if let Some(s) = slots.get_mut(i) {
        sink.set_flags(i, Flags::Inactive);
        s.port.slave_active = false;
        s.port.rx_disabled = true;
    }
}

/// C `__enable_port()`.
fn enable_port<S: Sink>(slots: &mut [Slot], i: usize, sink: &mut S) {
    if let Some(s) = slots.get_mut(i) {
        if s.port.slave_up {
            sink.set_flags(i, Flags::Active);
            s.port.slave_active = true;
            s.port.rx_disabled = false;
        }
    }
}

/// C `__disable_distributing_port()`.
fn disable_distributing_port<S: Sink>(slots: &mut [Slot], i: usize, sink: &mut S) {
    if let Some(s) = slots.get_mut(i) {
        sink.set_flags(i, Flags::TxDisabled);
        s.port.slave_active = false;
    }
}

/// C `__enable_collecting_port()`.
fn enable_collecting_port<S: Sink>(slots: &mut [Slot], i: usize, sink: &mut S) {
    if let Some(s) = slots.get_mut(i) {
        if s.port.slave_up {
            sink.set_flags(i, Flags::RxEnabled);
            s.port.rx_disabled = false;
        }
    }
}

fn port_agg(slots: &[Slot], i: usize) -> Option<usize> {
    slots.get(i).and_then(|s| s.port.aggregator)
}

/// C `ad_enable_collecting()`.
fn enable_collecting<S: Sink>(slots: &mut [Slot], i: usize, sink: &mut S) {
    if agg_is_active(slots, port_agg(slots, i)) {
        enable_collecting_port(slots, i, sink);
    }
}

/// C `ad_disable_distributing()`.
fn disable_distributing<S: Sink>(slots: &mut [Slot], i: usize, sink: &mut S, out: &mut Outcome) {
    if agg_has_partner(slots, port_agg(slots, i)) {
        disable_distributing_port(slots, i, sink);
        out.set_carrier = true;
        out.update_tx_array = true;
    }
}

/// C `ad_enable_collecting_distributing()`.
fn enable_collecting_distributing<S: Sink>(
    p: &Params,
    slots: &mut [Slot],
    i: usize,
    sink: &mut S,
    out: &mut Outcome,
) {
    if agg_is_active(slots, port_agg(slots, i)) {
        enable_port(slots, i, sink);
        out.set_carrier = true;
        out.update_tx_array = true;
        // C ad_cond_set_peer_notif().
        if p.broadcast_neighbor {
            sink.peer_notify();
        }
    }
}

/// C `ad_disable_collecting_distributing()`.
fn disable_collecting_distributing<S: Sink>(
    slots: &mut [Slot],
    i: usize,
    sink: &mut S,
    out: &mut Outcome,
) {
    if agg_has_partner(slots, port_agg(slots, i)) {
        disable_port(slots, i, sink);
        out.set_carrier = true;
        out.update_tx_array = true;
    }
}

/// C `__port_move_to_attached_state()`.
fn port_move_to_attached_state(port: &mut Port) -> bool {
    if !port.has(AD_PORT_SELECTED)
        || port.has(AD_PORT_STANDBY)
        || !port.partner_state(LACP_STATE_SYNCHRONIZATION)
        || !port.actor_state(LACP_STATE_SYNCHRONIZATION)
    {
        port.sm_mux_state = MuxState::Attached;
    }
    port.sm_mux_state == MuxState::Attached
}

/// C `ad_mux_machine()`. `selection_pending` is C `__check_agg_selection_timer()`.
fn mux_machine<S: Sink>(
    p: &Params,
    selection_pending: bool,
    slots: &mut [Slot],
    i: usize,
    sink: &mut S,
    out: &mut Outcome,
) {
    let Some(slot) = slots.get(i) else {
        return;
    };
    let last_state = slot.port.sm_mux_state;
    let a = slot.port.aggregator;

    macro_rules! port {
        () => {
            match slots.get_mut(i) {
                Some(s) => &mut s.port,
                None => return,
            }
        };
    }

    if port!().has(AD_PORT_BEGIN) {
        port!().sm_mux_state = MuxState::Detached;
    } else {
        match last_state {
            MuxState::Detached => {
                let pt = port!();
                if pt.has(AD_PORT_SELECTED | AD_PORT_STANDBY) {
                    pt.sm_mux_state = MuxState::Waiting;
                }
            }
            MuxState::Waiting => {
                if !port!().has(AD_PORT_SELECTED) {
                    port!().sm_vars &= !AD_PORT_READY_N;
                    update_agg_ready(slots, a);
                    port!().sm_mux_state = MuxState::Detached;
                } else {
                    let pt = port!();
                    // Check if the wait_while_timer expired.
                    if pt.sm_mux_timer_counter != 0 {
                        pt.sm_mux_timer_counter -= 1;
                        if pt.sm_mux_timer_counter == 0 {
                            pt.sm_vars |= AD_PORT_READY_N;
                        }
                    }
                    update_agg_ready(slots, a);
                    let pt = port!();
                    if pt.has(AD_PORT_READY) && pt.sm_mux_timer_counter == 0 {
                        pt.sm_mux_state = MuxState::Attached;
                    }
                }
            }
            MuxState::Attached => {
                let active = agg_is_active(slots, a);
                let pt = port!();
                if pt.has(AD_PORT_SELECTED)
                    && pt.partner_state(LACP_STATE_SYNCHRONIZATION)
                    && !selection_pending
                {
                    if active {
                        pt.sm_mux_state = if p.coupled_control {
                            MuxState::CollectingDistributing
                        } else {
                            MuxState::Collecting
                        };
                    }
                } else if !pt.has(AD_PORT_SELECTED) || pt.has(AD_PORT_STANDBY) {
                    pt.sm_vars &= !AD_PORT_READY_N;
                    update_agg_ready(slots, a);
                    port!().sm_mux_state = MuxState::Detached;
                } else if active {
                    pt.actor_oper_port_state |= LACP_STATE_SYNCHRONIZATION;
                }
            }
            MuxState::CollectingDistributing => {
                let active = agg_is_active(slots, a);
                let pt = port!();
                if !port_move_to_attached_state(pt) && active && !pt.slave_active {
                    enable_port(slots, i, sink);
                    out.update_tx_array = true;
                }
            }
            MuxState::Collecting => {
                let active = agg_is_active(slots, a);
                let pt = port!();
                if !port_move_to_attached_state(pt) {
                    if pt.has(AD_PORT_SELECTED)
                        && pt.partner_state(LACP_STATE_SYNCHRONIZATION)
                        && pt.partner_state(LACP_STATE_COLLECTING)
                    {
                        pt.sm_mux_state = MuxState::Distributing;
                    } else if active && pt.rx_disabled {
                        enable_collecting(slots, i, sink);
                        out.update_tx_array = true;
                    }
                }
            }
            MuxState::Distributing => {
                let active = agg_is_active(slots, a);
                let pt = port!();
                if !pt.has(AD_PORT_SELECTED)
                    || pt.has(AD_PORT_STANDBY)
                    || !pt.partner_state(LACP_STATE_COLLECTING)
                    || !pt.partner_state(LACP_STATE_SYNCHRONIZATION)
                    || !pt.actor_state(LACP_STATE_SYNCHRONIZATION)
                {
                    pt.sm_mux_state = MuxState::Collecting;
                } else if active && !pt.slave_active {
                    enable_port(slots, i, sink);
                    out.update_tx_array = true;
                }
            }
            MuxState::Dummy => {}
        }
    }

    let state = port!().sm_mux_state;
    if state == last_state {
        return;
    }
    const CD: u8 = LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
    match state {
        MuxState::Detached => {
            port!().actor_oper_port_state &= !(LACP_STATE_SYNCHRONIZATION | CD);
            disable_collecting_distributing(slots, i, sink, out);
            port!().ntt = true;
        }
        MuxState::Waiting => port!().sm_mux_timer_counter = WAIT_WHILE_TICKS,
        MuxState::Attached => {
            let active = agg_is_active(slots, a);
            let pt = port!();
            pt.set_actor_state(LACP_STATE_SYNCHRONIZATION, active);
            pt.actor_oper_port_state &= !CD;
            disable_collecting_distributing(slots, i, sink, out);
            port!().ntt = true;
        }
        MuxState::CollectingDistributing => {
            port!().actor_oper_port_state |= CD | LACP_STATE_SYNCHRONIZATION;
            enable_collecting_distributing(p, slots, i, sink, out);
            port!().ntt = true;
        }
        MuxState::Collecting => {
            let pt = port!();
            pt.actor_oper_port_state |= LACP_STATE_COLLECTING | LACP_STATE_SYNCHRONIZATION;
            pt.actor_oper_port_state &= !LACP_STATE_DISTRIBUTING;
            enable_collecting(slots, i, sink);
            disable_distributing(slots, i, sink, out);
            port!().ntt = true;
        }
        MuxState::Distributing => {
            port!().actor_oper_port_state |= LACP_STATE_DISTRIBUTING | LACP_STATE_SYNCHRONIZATION;
            enable_collecting_distributing(p, slots, i, sink, out);
        }
        MuxState::Dummy => {}
    }
}

/// C `ad_tx_machine()`.
fn tx_machine<S: Sink>(slots: &mut [Slot], i: usize, bond: &mut Stats, sink: &mut S) {
    let Some(s) = slots.get_mut(i) else {
        return;
    };
    let port = &mut s.port;
    let expired = port.sm_tx_timer_counter == 0 || {
        port.sm_tx_timer_counter -= 1;
        port.sm_tx_timer_counter == 0
    };
    if expired && port.ntt && port.has(AD_PORT_LACP_ENABLED) {
        port.update_lacpdu();
        if send_lacpdu(port, i, bond, sink) {
            port.ntt = false;
            port.sm_tx_timer_counter = TX_INTERVAL_TICKS;
        }
    }
}

/// C `ad_lacpdu_send()`.
fn send_lacpdu<S: Sink>(port: &mut Port, i: usize, bond: &mut Stats, sink: &mut S) -> bool {
    let body = port.lacpdu.encode();
    if !sink.send_lacpdu(i, &body) {
        return false;
    }
    bump(&mut port.stats, bond, |s| &mut s.lacpdu_tx);
    true
}

/// C `ad_agg_selection_test()`.
fn agg_selection_test<S: Sink>(
    p: &Params,
    slots: &[Slot],
    best: Option<usize>,
    curr: usize,
    sink: &mut S,
) -> Option<usize> {
    let Some(b) = best else {
        return Some(curr);
    };
    let (Some(cg), Some(bg)) = (agg(slots, Some(curr)), agg(slots, Some(b))) else {
        return best;
    };
    if !cg.is_individual && bg.is_individual {
        return Some(curr);
    }
    if cg.is_individual && !bg.is_individual {
        return best;
    }
    if cg.has_partner() && !bg.has_partner() {
        return Some(curr);
    }
    if !cg.has_partner() && bg.has_partner() {
        return best;
    }
    let mode = p.ad_select;
    if mode == AdSelect::ActorPortPrio {
        let (c, b2) = (
            agg_ports_priority(slots, curr),
            agg_ports_priority(slots, b),
        );
        if c > b2 {
            return Some(curr);
        }
        if c < b2 {
            return best;
        }
    }
    if matches!(mode, AdSelect::ActorPortPrio | AdSelect::Count) {
        let (c, b2) = (agg_active_ports(slots, curr), agg_active_ports(slots, b));
        if c > b2 {
            return Some(curr);
        }
        if c < b2 {
            return best;
        }
    }
    if agg_bandwidth(slots, curr, sink) > agg_bandwidth(slots, b, sink) {
        return Some(curr);
    }
    best
}

/// C `ad_agg_selection_logic()` (always on the first aggregator, as all its callers do).
fn agg_selection_logic<S: Sink>(p: &Params, slots: &mut [Slot], sink: &mut S, out: &mut Outcome) {
    let active = get_active_agg(slots);
    let mut best = active.filter(|&a| agg_device_up(slots, a));

    for a in 0..slots.len() {
        if let Some(s) = slots.get_mut(a) {
            s.agg.is_active = false;
        }
        if agg_active_ports(slots, a) != 0 && agg_device_up(slots, a) {
            best = agg_selection_test(p, slots, best, a, sink);
        }
    }

    if let (Some(b), Some(a), AdSelect::Stable) = (best, active, p.ad_select) {
        // For the STABLE policy, don't replace the old active aggregator if it's still
        // active (it has an answering partner) or if both the best and active don't have an
        // answering partner.
        let keep = match (agg(slots, Some(a)), agg(slots, Some(b))) {
            (Some(ag), Some(bg)) => {
                ag.lag_ports.is_some()
                    && agg_active_ports(slots, a) != 0
                    && (ag.has_partner() || !bg.has_partner())
                    && !(ag.actor_oper_aggregator_key == 0 && bg.actor_oper_aggregator_key != 0)
            }
            _ => false,
        };
        if keep {
            best = None;
            if let Some(s) = slots.get_mut(a) {
                s.agg.is_active = true;
            }
        }
    }

    if best.is_some() && best == active {
        best = None;
        if let Some(s) = active.and_then(|a| slots.get_mut(a)) {
            s.agg.is_active = true;
        }
    }

    // If there is a new best aggregator, activate it.
    if let Some(b) = best {
        if let Some(s) = slots.get_mut(b) {
            if s.agg.is_individual {
                sink.log(None, Msg::NoPartnerResponse);
            }
            s.agg.is_active = true;
        }
        // Disable the ports that were related to the former active aggregator.
        for_each_lag_port(slots, active, |s, i| disable_port(s, i, sink));
        out.update_tx_array = true;
    }

    // If the selected aggregator is of join individuals (partner_system is NULL), enable
    // their ports.
    let active = get_active_agg(slots);
    if active.is_some() && !agg_has_partner(slots, active) {
        for_each_lag_port(slots, active, |s, i| enable_port(s, i, sink));
        out.update_tx_array = true;
    }
    out.set_carrier = true;
}

/// Unlinks port `i` from the list of the aggregator in slot `a`; returns whether it was there.
fn unlink_port(slots: &mut [Slot], a: usize, i: usize) -> bool {
    let mut last: Option<usize> = None;
    let mut cur = agg(slots, Some(a)).and_then(|g| g.lag_ports);
    let mut left = slots.len();
    while let Some(c) = cur {
        if left == 0 || c >= slots.len() {
            return false;
        }
        left -= 1;
        if c == i {
            let next = next_of(slots, i);
            match last.and_then(|l| slots.get_mut(l)) {
                Some(l) => l.port.next_port_in_aggregator = next,
                None => {
                    if let Some(s) = slots.get_mut(a) {
                        s.agg.lag_ports = next;
                    }
                }
            }
            if let Some(s) = slots.get_mut(a) {
                s.agg.num_of_ports = s.agg.num_of_ports.wrapping_sub(1);
            }
            return true;
        }
        last = Some(c);
        cur = next_of(slots, c);
    }
    false
}

/// C `ad_port_selection_logic()`.
fn port_selection_logic<S: Sink>(
    p: &Params,
    slots: &mut [Slot],
    i: usize,
    sink: &mut S,
    out: &mut Outcome,
) {
    let Some(s) = slots.get(i) else {
        return;
    };
    if s.port.has(AD_PORT_SELECTED) {
        return;
    }
    let port_number = s.port.actor_port_number;

    // If the port is connected to another aggregator, detach it.
    if let Some(t) = s.port.aggregator {
        if unlink_port(slots, t, i) {
            if let Some(s) = slots.get_mut(i) {
                s.port.aggregator = None;
                s.port.next_port_in_aggregator = None;
                s.port.actor_port_aggregator_identifier = 0;
            }
            // If the aggregator is empty, clear its parameters.
            if let Some(g) = slots.get_mut(t) {
                if g.agg.lag_ports.is_none() {
                    g.agg.clear();
                }
            }
        } else {
            let aggregator = agg(slots, Some(t)).map_or(0, |g| g.aggregator_identifier);
            sink.log(
                Some(i),
                Msg::PortNotInAggList {
                    port: port_number,
                    aggregator,
                },
            );
        }
    }

    // Search on all aggregators for a suitable aggregator for this port.
    let mut free: Option<usize> = None;
    let mut found = false;
    for a in 0..slots.len() {
        let (Some(g), Some(pt)) = (slots.get(a).map(|s| &s.agg), slots.get(i).map(|s| &s.port))
        else {
            break;
        };
        if g.lag_ports.is_none() {
            free = free.or(Some(a));
            continue;
        }
        if g.actor_oper_aggregator_key == pt.actor_oper_port_key
            && g.partner_system == pt.partner_oper.system
            && g.partner_system_priority == pt.partner_oper.system_priority
            && g.partner_oper_aggregator_key == pt.partner_oper.key
            && g.has_partner()
            && !g.is_individual
        {
            let (id, head) = (g.aggregator_identifier, g.lag_ports);
            if let Some(s) = slots.get_mut(i) {
                s.port.aggregator = Some(a);
                s.port.actor_port_aggregator_identifier = id;
                s.port.next_port_in_aggregator = head;
                s.port.sm_vars |= AD_PORT_SELECTED;
            }
            if let Some(s) = slots.get_mut(a) {
                s.agg.num_of_ports = s.agg.num_of_ports.wrapping_add(1);
                s.agg.lag_ports = Some(i);
            }
            found = true;
            break;
        }
    }

    // The port couldn't find an aggregator: attach it to a new one.
    if !found {
        let Some(f) = free else {
            sink.log(Some(i), Msg::NoSuitableAggregator { port: port_number });
            return;
        };
        let Some(pt) = slots.get(i).map(|s| s.port.clone()) else {
            return;
        };
        if let Some(s) = slots.get_mut(f) {
            let g = &mut s.agg;
            g.is_individual = pt.actor_oper_port_key & AD_DUPLEX_KEY_MASKS == 0;
            g.actor_admin_aggregator_key = pt.actor_admin_port_key;
            g.actor_oper_aggregator_key = pt.actor_oper_port_key;
            g.partner_system = pt.partner_oper.system;
            g.partner_system_priority = pt.partner_oper.system_priority;
            g.partner_oper_aggregator_key = pt.partner_oper.key;
            g.receive_state = true;
            g.transmit_state = true;
            g.lag_ports = Some(i);
            g.num_of_ports = g.num_of_ports.wrapping_add(1);
            let id = g.aggregator_identifier;
            if let Some(s) = slots.get_mut(i) {
                s.port.actor_port_aggregator_identifier = id;
                s.port.aggregator = Some(f);
                s.port.sm_vars |= AD_PORT_SELECTED;
            }
        }
    }

    // If all aggregator's ports are READY_N, set READY in all of them, else clear it.
    let a = port_agg(slots, i);
    update_agg_ready(slots, a);
    agg_selection_logic(p, slots, sink, out);
    if !agg_is_active(slots, a) {
        if let Some(s) = slots.get_mut(i) {
            s.port.actor_oper_port_state &= !LACP_STATE_SYNCHRONIZATION;
        }
    }
}

/// C `SLAVE_AD_INFO(new_slave)->id` (same as [`Lacp::next_id`]).
pub fn next_id(slots: &[Slot]) -> u16 {
    Lacp::next_id(slots)
}

fn log_keys<S: Sink>(sink: &mut S, i: usize, msgs: [Option<Msg>; 2]) {
    for m in msgs.into_iter().flatten() {
        sink.log(Some(i), m);
    }
}

impl Lacp {
    /// A bond's state before `bond_3ad_initialize()`.
    pub const fn new() -> Self {
        Lacp {
            agg_select_timer: 0,
            aggregator_identifier: 0,
            stats: Stats {
                lacpdu_rx: 0,
                lacpdu_tx: 0,
                lacpdu_unknown_rx: 0,
                lacpdu_illegal_rx: 0,
                marker_rx: 0,
                marker_tx: 0,
                marker_resp_rx: 0,
                marker_resp_tx: 0,
                marker_unknown_rx: 0,
            },
        }
    }

    /// C `bond_3ad_initialize()`, on the first slave's enslave: the aggregator id counter
    /// restarts and the selection timer is `AD_AGGREGATOR_SELECTION_TIMER` (8 s).
    pub fn initialize(&mut self) {
        self.aggregator_identifier = 0;
        self.initiate_agg_selection(AGG_SELECTION_TICKS);
    }

    /// C `bond_3ad_initiate_agg_selection()` (`bond_open()` passes 1).
    pub fn initiate_agg_selection(&mut self, ticks: u32) {
        self.agg_select_timer = ticks;
    }

    /// C `SLAVE_AD_INFO(new_slave)->id` in `bond_enslave()`: 1 for the first slave, the last
    /// slave's id + 1 otherwise.
    pub fn next_id(slots: &[Slot]) -> u16 {
        slots
            .last()
            .map_or(1, |s| s.port.actor_port_number.wrapping_add(1))
    }

    /// C `bond_3ad_bind_slave()`: the new slot of a slave being enslaved (to be appended to the
    /// slots). The caller applies `Flags::Inactive` (C `__disable_port()`); see also
    /// [`Lacp::bind_with`].
    pub fn bind(
        &mut self,
        p: &Params,
        id: u16,
        link_up: bool,
        slave_up: bool,
        speed: u32,
        duplex: u8,
    ) -> Slot {
        self.bind_with(
            p,
            id,
            link_up,
            slave_up,
            speed,
            duplex,
            usize::MAX,
            &mut NoSink,
        )
    }

    /// [`Lacp::bind`] with a sink: logs C's key lines and sets `Flags::Inactive` on `slot`
    /// (the index the new slot will have).
    #[allow(clippy::too_many_arguments)]
    pub fn bind_with<S: Sink>(
        &mut self,
        p: &Params,
        id: u16,
        link_up: bool,
        slave_up: bool,
        speed: u32,
        duplex: u8,
        slot: usize,
        sink: &mut S,
    ) -> Slot {
        let mut port = Port::new(p);
        port.link_up = link_up;
        port.slave_up = slave_up;
        port.dev_up = slave_up;
        port.speed = speed;
        port.duplex = duplex;
        // Port priority is initialized; it is the slave's too.
        port.port_priority = port.actor_port_priority;
        port.actor_port_number = id;
        port.actor_admin_port_key = p.user_port_key << 6;
        let msgs = port.update_actor_keys(false);
        log_keys(sink, slot, msgs);
        port.actor_update(p);
        port.sm_tx_timer_counter = TX_INTERVAL_TICKS;
        // __disable_port()
        sink.set_flags(slot, Flags::Inactive);
        port.slave_active = false;
        port.rx_disabled = true;

        let mut agg = Aggregator::new();
        agg.aggregator_mac_address = p.bond_mac;
        self.aggregator_identifier = self.aggregator_identifier.wrapping_add(1);
        agg.aggregator_identifier = self.aggregator_identifier;
        Slot { port, agg }
    }

    /// C `bond_3ad_unbind_slave()`: the caller removes `slots[idx]` right after this returns
    /// (the links of the other slots are already renumbered for that).
    pub fn unbind(
        &mut self,
        p: &Params,
        slots: &mut [Slot],
        idx: usize,
        sink: &mut impl Sink,
    ) -> Outcome {
        let mut out = Outcome::default();
        let Some(s) = slots.get_mut(idx) else {
            return out;
        };
        // Tell the partner that this port is not suitable for aggregation.
        s.port.actor_oper_port_state &= !(LACP_STATE_SYNCHRONIZATION
            | LACP_STATE_COLLECTING
            | LACP_STATE_DISTRIBUTING
            | LACP_STATE_AGGREGATION);
        s.port.update_lacpdu();
        send_lacpdu(&mut s.port, idx, &mut self.stats, sink);

        // Check if this aggregator is occupied.
        if let Some(head) = s.agg.lag_ports {
            let alone = |slots: &[Slot], a: usize| {
                agg(slots, Some(a)).is_some_and(|g| {
                    g.lag_ports.is_none()
                        || (g.lag_ports == Some(idx) && next_of(slots, idx).is_none())
                })
            };
            if head != idx || next_of(slots, head).is_some() {
                // Find a new aggregator for the related port(s).
                let new = (0..slots.len()).find(|&a| alone(slots, a));
                if let Some(na) = new {
                    let mut select = false;
                    if agg(slots, Some(na)).is_some_and(|g| g.lag_ports == Some(idx) && g.is_active)
                    {
                        sink.log(Some(idx), Msg::RemovingActiveAggregator);
                        select = true;
                    }
                    let Some(old) = slots.get(idx).map(|s| s.agg.clone()) else {
                        return out;
                    };
                    if let Some(s) = slots.get_mut(na) {
                        let g = &mut s.agg;
                        g.is_individual = old.is_individual;
                        g.actor_admin_aggregator_key = old.actor_admin_aggregator_key;
                        g.actor_oper_aggregator_key = old.actor_oper_aggregator_key;
                        g.partner_system = old.partner_system;
                        g.partner_system_priority = old.partner_system_priority;
                        g.partner_oper_aggregator_key = old.partner_oper_aggregator_key;
                        g.receive_state = old.receive_state;
                        g.transmit_state = old.transmit_state;
                        g.lag_ports = old.lag_ports;
                        g.is_active = old.is_active;
                        g.num_of_ports = old.num_of_ports;
                    }
                    let id = agg(slots, Some(na)).map_or(0, |g| g.aggregator_identifier);
                    // Update the information that is written on the ports about the
                    // aggregator.
                    for_each_lag_port(slots, Some(na), |s, t| {
                        if let Some(x) = s.get_mut(t) {
                            x.port.aggregator = Some(na);
                            x.port.actor_port_aggregator_identifier = id;
                        }
                    });
                    if let Some(s) = slots.get_mut(idx) {
                        s.agg.clear();
                    }
                    if select {
                        agg_selection_logic(p, slots, sink, &mut out);
                    }
                } else {
                    sink.log(Some(idx), Msg::NoNewAggregator);
                }
            } else {
                // The only port related to this aggregator is the one we remove.
                let select = agg_is_active(slots, Some(idx));
                if let Some(s) = slots.get_mut(idx) {
                    s.agg.clear();
                }
                if select {
                    sink.log(Some(idx), Msg::RemovingActiveAggregator);
                    agg_selection_logic(p, slots, sink, &mut out);
                }
            }
        }

        // Find the aggregator that this port is connected to, and detach it.
        for a in 0..slots.len() {
            if !unlink_port(slots, a, idx) {
                continue;
            }
            if agg_active_ports(slots, a) == 0 {
                let select = agg_is_active(slots, Some(a));
                if let Some(s) = slots.get_mut(a) {
                    if s.agg.num_of_ports == 0 {
                        s.agg.clear();
                    }
                }
                if select {
                    sink.log(Some(idx), Msg::RemovingActiveAggregator);
                    agg_selection_logic(p, slots, sink, &mut out);
                }
            }
        }

        // Renumber the links for the removal of slots[idx].
        let fix = |l: &mut Option<usize>| {
            *l = match *l {
                Some(x) if x == idx => None,
                Some(x) if x > idx => Some(x - 1),
                other => other,
            };
        };
        for (n, s) in slots.iter_mut().enumerate() {
            if n == idx {
                continue;
            }
            if s.port.aggregator == Some(idx) {
                s.port.actor_port_aggregator_identifier = 0;
            }
            fix(&mut s.port.aggregator);
            fix(&mut s.port.next_port_in_aggregator);
            fix(&mut s.agg.lag_ports);
        }
        if let Some(s) = slots.get_mut(idx) {
            s.port.aggregator = None;
            s.port.next_port_in_aggregator = None;
            s.agg.lag_ports = None;
        }
        out
    }

    /// C `bond_3ad_state_machine_handler()` without the re-arming and notifications: one
    /// 100 ms tick.
    pub fn tick(&mut self, p: &Params, slots: &mut [Slot], sink: &mut impl Sink) -> Outcome {
        let mut out = Outcome::default();
        if slots.is_empty() {
            return out;
        }
        // C bond_agg_timer_advance().
        if self.agg_select_timer != 0 {
            self.agg_select_timer -= 1;
            if self.agg_select_timer == 0 {
                agg_selection_logic(p, slots, sink, &mut out);
                out.set_carrier = true;
            }
        }
        for i in 0..slots.len() {
            let pending = self.agg_select_timer != 0;
            if let Some(s) = slots.get_mut(i) {
                if let Some(m) = s.port.rx_machine(None, &mut self.stats) {
                    sink.log(Some(i), m);
                }
                s.port.periodic_machine();
            }
            port_selection_logic(p, slots, i, sink, &mut out);
            mux_machine(p, pending, slots, i, sink, &mut out);
            tx_machine(slots, i, &mut self.stats, sink);
            if let Some(s) = slots.get_mut(i) {
                s.port.churn_machine();
                // Turn off the BEGIN bit, since we already handled it.
                s.port.sm_vars &= !AD_PORT_BEGIN;
            }
        }
        out
    }

    /// C `bond_3ad_lacpdu_recv()` after the ethertype/destination checks, and
    /// `bond_3ad_rx_indication()`. `body` is the frame after the Ethernet header. Returns true
    /// if consumed (C `RX_HANDLER_CONSUMED`).
    pub fn rx(
        &mut self,
        _p: &Params,
        slots: &mut [Slot],
        idx: usize,
        body: &[u8],
        sink: &mut impl Sink,
    ) -> bool {
        let Some(s) = slots.get_mut(idx) else {
            return false;
        };
        let port = &mut s.port;
        let Some(lacpdu) = Lacpdu::parse(body) else {
            bump(&mut port.stats, &mut self.stats, |s| {
                &mut s.lacpdu_illegal_rx
            });
            return false;
        };
        match lacpdu.subtype {
            pdu::AD_TYPE_LACPDU => {
                if let Some(m) = port.rx_machine(Some(&lacpdu), &mut self.stats) {
                    sink.log(Some(idx), m);
                }
                true
            }
            pdu::AD_TYPE_MARKER => {
                let Some(marker) = Marker::parse(body) else {
                    return false;
                };
                match marker.tlv_type {
                    pdu::AD_MARKER_INFORMATION_SUBTYPE => {
                        // C ad_marker_info_received().
                        bump(&mut port.stats, &mut self.stats, |s| &mut s.marker_rx);
                        let resp = marker.response();
                        if sink.send_marker(idx, &resp.encode()) {
                            bump(&mut port.stats, &mut self.stats, |s| &mut s.marker_resp_tx);
                        }
                    }
                    pdu::AD_MARKER_RESPONSE_SUBTYPE => {
                        bump(&mut port.stats, &mut self.stats, |s| &mut s.marker_resp_rx);
                    }
                    _ => bump(&mut port.stats, &mut self.stats, |s| {
                        &mut s.marker_unknown_rx
                    }),
                }
                true
            }
            _ => {
                bump(&mut port.stats, &mut self.stats, |s| {
                    &mut s.lacpdu_unknown_rx
                });
                false
            }
        }
    }

    /// C `bond_3ad_handle_link_change()`: sets `is_enabled` and the keys, runs the selection
    /// on the first aggregator. The caller refreshed `link_up`/`slave_up`/speed/duplex first,
    /// and updates the transmit array and the carrier afterwards.
    pub fn link_change(
        &mut self,
        p: &Params,
        slots: &mut [Slot],
        idx: usize,
        up: bool,
        sink: &mut impl Sink,
    ) {
        let Some(s) = slots.get_mut(idx) else {
            return;
        };
        s.port.is_enabled = up;
        let msgs = s.port.update_actor_keys(!up);
        log_keys(sink, idx, msgs);
        let mut dummy = Outcome::default();
        agg_selection_logic(p, slots, sink, &mut dummy);
    }

    /// C `bond_3ad_adapter_speed_duplex_changed()` (the caller refreshed `speed`/`duplex`).
    pub fn speed_duplex_changed(
        &mut self,
        _p: &Params,
        slots: &mut [Slot],
        idx: usize,
        sink: &mut impl Sink,
    ) {
        if let Some(s) = slots.get_mut(idx) {
            let msgs = s.port.update_actor_keys(false);
            log_keys(sink, idx, msgs);
        }
    }

    /// C `bond_3ad_update_lacp_rate()`.
    pub fn update_lacp_rate(p: &Params, slots: &mut [Slot]) {
        for s in slots.iter_mut() {
            s.port.set_actor_state(LACP_STATE_LACP_TIMEOUT, p.lacp_fast);
        }
    }

    /// C `bond_3ad_update_lacp_active()`.
    pub fn update_lacp_active(p: &Params, slots: &mut [Slot]) {
        for s in slots.iter_mut() {
            s.port
                .set_actor_state(LACP_STATE_LACP_ACTIVITY, p.lacp_active);
        }
    }

    /// C `bond_3ad_update_ad_actor_settings()` (with `p.sys_mac`/`p.sys_priority` resolved
    /// as it does).
    pub fn update_actor_settings(p: &Params, slots: &mut [Slot]) {
        for s in slots.iter_mut() {
            s.port.actor_update(p);
            s.port.ntt = true;
        }
    }

    /// C `bond_option_actor_port_prio_set()`: `SLAVE_AD_INFO(slave)->port_priority = prio`,
    /// then the port part of `bond_3ad_update_ad_actor_settings()` (every port takes its
    /// priority and sends). Call [`Lacp::update_actor_settings`] too if the system id may
    /// have changed.
    pub fn set_port_priority(slots: &mut [Slot], idx: usize, prio: u16) {
        let Some(s) = slots.get_mut(idx) else {
            return;
        };
        s.port.port_priority = prio;
        for s in slots.iter_mut() {
            s.port.actor_port_priority = s.port.port_priority;
            s.port.ntt = true;
        }
    }

    /// C `__bond_3ad_get_active_agg_info()`: `None` if no port is in an active aggregator.
    pub fn active_agg_info(slots: &[Slot]) -> Option<AggInfo> {
        let a = slots
            .iter()
            .filter_map(|s| s.port.aggregator)
            .find(|&a| agg_is_active(slots, Some(a)))?;
        let g = agg(slots, Some(a))?;
        Some(AggInfo {
            aggregator_id: g.aggregator_identifier,
            ports: agg_active_ports(slots, a) as u16,
            actor_key: g.actor_oper_aggregator_key,
            partner_key: g.partner_oper_aggregator_key,
            partner_system: g.partner_system,
        })
    }

    /// The carrier decision of C `bond_3ad_set_carrier()`: `None` when there are no slots
    /// (carrier unchanged), else whether the carrier should be on.
    pub fn carrier(p: &Params, slots: &[Slot]) -> Option<bool> {
        if slots.is_empty() {
            return None;
        }
        let Some(a) = get_active_agg(slots) else {
            return Some(false);
        };
        let n = if p.lacp_strict {
            agg_usable_ports(slots, a)
        } else {
            agg_active_ports(slots, a)
        };
        Some(n >= p.min_links)
    }

    /// Whether slot `idx` belongs to the transmit array (the 802.3ad part of C
    /// `bond_update_slave_arr()`: the port's aggregator is the active one). The caller also
    /// checks `bond_slave_can_tx()`.
    pub fn in_active_agg(slots: &[Slot], idx: usize) -> bool {
        let Some(info) = Self::active_agg_info(slots) else {
            return false;
        };
        let a = slots.get(idx).and_then(|s| s.port.aggregator);
        agg(slots, a).is_some_and(|g| g.aggregator_identifier == info.aggregator_id)
    }
}

/// One side (actor or partner) of C `ad_churn_machine()`: when the churn detection timer runs
/// out while monitoring, the side is in sync ("none") or has churned (counted).
fn churn_detect(timer: &mut u16, state: &mut ChurnState, count: &mut u32, in_sync: bool) {
    if *timer == 0 {
        return;
    }
    *timer -= 1;
    if *timer == 0 && *state == ChurnState::Monitor {
        if in_sync {
            *state = ChurnState::NoChurn;
        } else {
            *count = count.wrapping_add(1);
            *state = ChurnState::Churned;
        }
    }
}
