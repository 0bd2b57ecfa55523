// SPDX-License-Identifier: GPL-2.0

//! Receive load balancing (balance-alb): the client table of C
//! `drivers/net/bonding/bond_alb.c` (`rlb_*`), its ARP decisions, the RLB part of
//! `bond_alb_monitor()`, and the text of debugfs `rlb_hash_table` (C `bond_debugfs.c`
//! `bond_debug_rlb_hash_show()`).
//!
//! Slaves are [`Slot`]s and the live slave state comes in as [`SlaveView`]s in bond order, as
//! in [`crate::tlb`] (see there). Functions that may pick a slave several times (C
//! `__rlb_next_rx_slave()` per client) take the views as a `Clone` iterator, walked once per
//! pick, like C's `bond_for_each_slave_rcu`.
//!
//! Nothing here sends: where C sends ARP replies to a client (`rlb_update_client()`), the
//! functions call `send` with a [`ClientUpdate`] and the kernel side builds and sends
//! [`RLB_ARP_BURST_SIZE`] ARP replies from it, as C does under `mode_lock`. Where C changes the
//! active slave's promiscuity (RTNL, outside `mode_lock`) the state is [`RlbPromisc`], whose
//! methods say when to call `dev_set_promiscuity()`.
//!
//! | C | here |
//! |---|---|
//! | `rlb_initialize()` / `rlb_deinitialize()` | [`Rlb::initialize`] / [`Rlb::deinitialize`] |
//! | `rlb_arp_xmit()` (after its checks of the bond's MACs and bridges) | [`Rlb::arp_xmit`] |
//! | `rlb_choose_channel()` | [`Rlb::choose_channel`] |
//! | `rlb_arp_recv()` (after the `ETH_P_ARP` check) | [`Arp::parse`], [`Rlb::arp_recv`] |
//! | `rlb_purge_src_ip()`, `rlb_update_entry_from_arp()` | [`Rlb::purge_src_ip`], [`Rlb::update_entry_from_arp`] |
//! | `__rlb_next_rx_slave()` | [`Rlb::next_rx_slave`] |
//! | `rlb_clear_slave()` + `rlb_teach_disabled_mac_on_primary()` | [`Rlb::clear_slave`], [`RlbPromisc::teach`] |
//! | `bond_alb_deinit_slave()` (RLB part) | [`Rlb::deinit_slave`] |
//! | `bond_alb_init_slave()`, link up: `rlb_rebalance = 1` | [`Rlb::request_rebalance`] |
//! | `rlb_rebalance()` | [`Rlb::rebalance`] |
//! | `rlb_update_rx_clients()` | [`Rlb::update_rx_clients`] |
//! | `rlb_req_update_slave_clients()` | [`Rlb::req_update_slave_clients`] |
//! | `rlb_req_update_subnet_clients()` | [`Rlb::req_update_subnet_clients`] |
//! | `rlb_clear_vlan()` (`bond_alb_clear_vlan()`) | [`Rlb::clear_vlan`] |
//! | `bond_alb_monitor()`, RLB part | [`RlbPromisc::tick`], [`RlbPromisc::timeout`], [`Rlb::monitor`] |
//! | `bond_alb_handle_active_change()`, promiscuity | [`RlbPromisc::active_change`] |
//! | `bond_debug_rlb_hash_show()` | [`Rlb::debugfs_show`] |

use super::tlb::Link;
pub use super::tlb::{simple_hash, SlaveView, Slot};
use core::fmt::{self, Write as _};

/// `RLB_HASH_TABLE_SIZE`.
pub const RLB_HASH_TABLE_SIZE: usize = 256;
/// `RLB_UPDATE_DELAY`: ticks (2 s) before clients are updated.
pub const RLB_UPDATE_DELAY: u32 = 2 * 10;
/// `RLB_ARP_BURST_SIZE`: ARP replies per client update.
pub const RLB_ARP_BURST_SIZE: usize = 2;
/// `RLB_UPDATE_RETRY`: further updates after a slave change.
pub const RLB_UPDATE_RETRY: u32 = 3;
/// `RLB_PROMISC_TIMEOUT`: ticks (10 s) the active slave stays promiscuous.
pub const RLB_PROMISC_TIMEOUT: u32 = 10 * 10;
/// `ARPOP_REQUEST`.
pub const ARPOP_REQUEST: u16 = 1;
/// `ARPOP_REPLY`.
pub const ARPOP_REPLY: u16 = 2;
/// `sizeof(struct arp_pkt)`: the ARP header and addresses (Ethernet/IPv4).
pub const ARP_PKT_LEN: usize = 28;
/// The header line of debugfs `rlb_hash_table`.
pub const RLB_DEBUGFS_HEADER: &str = "SourceIP        DestinationIP   Destination MAC   DEV\n";

/// C `is_zero_ether_addr()`.
pub fn is_zero_ether_addr(a: &[u8; 6]) -> bool {
    a == &[0; 6]
}

/// C `is_multicast_ether_addr()` (broadcast included).
pub fn is_multicast_ether_addr(a: &[u8; 6]) -> bool {
    a[0] & 1 != 0
}

/// C `is_broadcast_ether_addr()`.
pub fn is_broadcast_ether_addr(a: &[u8; 6]) -> bool {
    a == &[0xff; 6]
}

/// C `is_valid_ether_addr()`: neither multicast nor zero.
pub fn is_valid_ether_addr(a: &[u8; 6]) -> bool {
    !is_multicast_ether_addr(a) && !is_zero_ether_addr(a)
}

/// The fields of an ARP packet RLB reads (C `struct arp_pkt`); addresses as on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arp {
    /// `op_code`, host order.
    pub op: u16,
    /// Sender hardware address.
    pub mac_src: [u8; 6],
    /// Sender IP address.
    pub ip_src: [u8; 4],
    /// Target hardware address.
    pub mac_dst: [u8; 6],
    /// Target IP address.
    pub ip_dst: [u8; 4],
}

fn arr<const N: usize>(d: &[u8], off: usize) -> Option<[u8; N]> {
    d.get(off..off.checked_add(N)?)?.try_into().ok()
}

impl Arp {
    /// The packet from its first [`ARP_PKT_LEN`] bytes (the network header; C
    /// `skb_header_pointer()` / `pskb_network_may_pull()`); `None` if shorter. Like C, the
    /// hardware and protocol types are not checked.
    pub fn parse(l3: &[u8]) -> Option<Arp> {
        Some(Arp {
            op: u16::from_be_bytes(arr(l3, 6)?),
            mac_src: arr(l3, 8)?,
            ip_src: arr(l3, 14)?,
            mac_dst: arr(l3, 18)?,
            ip_dst: arr(l3, 24)?,
        })
    }
}

/// A client to send [`RLB_ARP_BURST_SIZE`] ARP replies to (C `rlb_update_client()`): each is
/// `arp_create(ARPOP_REPLY, ETH_P_ARP, ip_dst, slave->dev, ip_src, mac_dst,
/// slave->dev->dev_addr, mac_dst)`, sent from the slave (`arp_xmit()`), with the VLAN tag
/// `vlan_id` (`ETH_P_8021Q`, hardware-accelerated) when it is not 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientUpdate {
    /// The slave to send from (and whose address the client learns).
    pub slave: Slot,
    /// The client's IP address (the ARP target).
    pub ip_dst: [u8; 4],
    /// The bond's IP address (the ARP sender).
    pub ip_src: [u8; 4],
    /// The client's MAC address (Ethernet destination and ARP target).
    pub mac_dst: [u8; 6],
    /// C `client_info->vlan_id` (the TCI `vlan_get_tag()` gave).
    pub vlan_id: u16,
}

/// One entry of the client table (C `struct rlb_client_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct RlbClient {
    ip_src: [u8; 4],
    ip_dst: [u8; 4],
    mac_src: [u8; 6],
    mac_dst: [u8; 6],
    used_next: Link,
    used_prev: Link,
    src_next: Link,
    src_prev: Link,
    src_first: Link,
    slave: Link,
    vlan_id: u16,
    assigned: bool,
    ntt: bool,
}

impl RlbClient {
    /// C `rlb_init_table_entry()`: zeroed, unlinked.
    const INIT: RlbClient = RlbClient {
        ip_src: [0; 4],
        ip_dst: [0; 4],
        mac_src: [0; 6],
        mac_dst: [0; 6],
        used_next: Link::NONE,
        used_prev: Link::NONE,
        src_next: Link::NONE,
        src_prev: Link::NONE,
        src_first: Link::NONE,
        slave: Link::NONE,
        vlan_id: 0,
        assigned: false,
        ntt: false,
    };

    /// `ip_src`: the bond's (server's) IP address.
    pub const fn ip_src(&self) -> [u8; 4] {
        self.ip_src
    }
    /// `ip_dst`: the client's IP address (the entry is at `simple_hash(ip_dst)`).
    pub const fn ip_dst(&self) -> [u8; 4] {
        self.ip_dst
    }
    /// `mac_src`: the server's MAC address the ARP was sent with.
    pub const fn mac_src(&self) -> [u8; 6] {
        self.mac_src
    }
    /// `mac_dst`: the client's MAC address (broadcast until learned from a reply).
    pub const fn mac_dst(&self) -> [u8; 6] {
        self.mac_dst
    }
    /// `slave`: the slave the client is assigned to.
    pub fn slave(&self) -> Option<Slot> {
        self.slave.get()
    }
    /// `assigned`: the entry is in use (on the used list).
    pub const fn assigned(&self) -> bool {
        self.assigned
    }
    /// `ntt`: the client needs an update.
    pub const fn ntt(&self) -> bool {
        self.ntt
    }
    /// `vlan_id`: the VLAN tag (TCI) of the ARP that created the entry, 0 for none.
    pub const fn vlan_id(&self) -> u16 {
        self.vlan_id
    }
    /// `used_next`: the next entry on the used list.
    pub fn used_next(&self) -> Option<u8> {
        self.used_next.get()
    }
    /// `used_prev`.
    pub fn used_prev(&self) -> Option<u8> {
        self.used_prev.get()
    }
    /// `src_first`: the first entry whose `simple_hash(ip_src)` is this entry's index.
    pub fn src_first(&self) -> Option<u8> {
        self.src_first.get()
    }
    /// `src_next`: the next entry with the same `simple_hash(ip_src)`.
    pub fn src_next(&self) -> Option<u8> {
        self.src_next.get()
    }
    /// `src_prev`: the previous entry of that list, or for the first one the index holding
    /// `src_first` (as C).
    pub fn src_prev(&self) -> Option<u8> {
        self.src_prev.get()
    }

    fn update(&self) -> Option<ClientUpdate> {
        let slave = self.slave.get()?;
        if !is_valid_ether_addr(&self.mac_dst) {
            return None;
        }
        Some(ClientUpdate {
            slave,
            ip_dst: self.ip_dst,
            ip_src: self.ip_src,
            mac_dst: self.mac_dst,
            vlan_id: self.vlan_id,
        })
    }

    /// The entry's line of debugfs `rlb_hash_table` (C `"%-15pI4 %-15pI4 %-17pM %s\n"`, or
    /// `(none)` without a slave); `name` writes a slave's device name.
    pub fn fmt_debugfs(
        &self,
        f: &mut dyn fmt::Write,
        name: &mut dyn FnMut(Slot, &mut dyn fmt::Write) -> fmt::Result,
    ) -> fmt::Result {
        write!(f, "{:<15} {:<15} ", Ip4(self.ip_src), Ip4(self.ip_dst))?;
        let m = self.mac_dst;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x} ",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )?;
        match self.slave.get() {
            Some(s) => name(s, f)?,
            None => f.write_str("(none)")?,
        }
        f.write_char('\n')
    }
}

/// An IPv4 address as C's `%pI4`, padded to the formatter's width.
struct Ip4([u8; 4]);

impl fmt::Display for Ip4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = StackStr::<15>::new();
        let [a, b, c, d] = self.0;
        // 15 bytes hold the longest address: this cannot fail.
        let _ = write!(buf, "{a}.{b}.{c}.{d}");
        f.pad(buf.as_str())
    }
}

struct StackStr<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackStr<N> {
    const fn new() -> Self {
        StackStr {
            buf: [0; N],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl<const N: usize> fmt::Write for StackStr<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// What [`Rlb::arp_xmit`] decided for an ARP the bond sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArpXmit {
    /// The slave to send it from (C's `tx_slave` for `bond_do_alb_xmit()`); `None`: no choice
    /// (the active slave sends it).
    pub slave: Option<Slot>,
    /// Write this address (the slave's) into the ARP's sender hardware address first (C: a
    /// reply whose `mac_src` differs from the chosen slave's address).
    pub set_mac_src: Option<[u8; 6]>,
    /// Clients without a slave met by `rlb_req_update_subnet_clients()`: C logs "found a
    /// client with no channel in the client's hash table" (netdev_err) once for each.
    pub no_channel: u32,
}

/// The active slave's promiscuity after a slave was disabled (C `alb_bond_info`
/// `primary_is_promisc`, `rlb_promisc_timeout_counter`). C changes it under RTNL, outside
/// `mode_lock`; the kernel side calls `dev_set_promiscuity()` when these methods say so.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct RlbPromisc {
    timeout_counter: u32,
    primary_is_promisc: bool,
}

impl RlbPromisc {
    /// Not promiscuous.
    pub const fn new() -> Self {
        RlbPromisc {
            timeout_counter: 0,
            primary_is_promisc: false,
        }
    }

    /// C `primary_is_promisc`.
    pub const fn primary_is_promisc(&self) -> bool {
        self.primary_is_promisc
    }

    /// C `rlb_promisc_timeout_counter`.
    pub const fn timeout_counter(&self) -> u32 {
        self.timeout_counter
    }

    /// C `rlb_teach_disabled_mac_on_primary()` with an active slave (without one C does
    /// nothing): restarts the timeout and returns whether to call
    /// `dev_set_promiscuity(active, 1)` now (then report with [`RlbPromisc::promisc_set`]).
    /// The caller then sends learning packets with the disabled slave's address on the active
    /// slave (`strict_match`).
    pub fn teach(&mut self) -> bool {
        self.timeout_counter = 0;
        !self.primary_is_promisc
    }

    /// The result of the `dev_set_promiscuity(active, 1)` that [`RlbPromisc::teach`] asked
    /// for: `primary_is_promisc` is whether it succeeded.
    pub fn promisc_set(&mut self, ok: bool) {
        self.primary_is_promisc = ok;
    }

    /// The first step of `bond_alb_monitor()`'s RLB part: whether the promiscuity timed out.
    /// If so, the caller takes RTNL (`rtnl_trylock()`; if that fails C skips the rest of the
    /// tick, and the next tick tries again) and calls [`RlbPromisc::timeout`].
    pub fn tick(&mut self) -> bool {
        if !self.primary_is_promisc {
            return false;
        }
        self.timeout_counter = self.timeout_counter.wrapping_add(1);
        self.timeout_counter >= RLB_PROMISC_TIMEOUT
    }

    /// The timeout, under RTNL: returns whether to call `dev_set_promiscuity(active, -1)`
    /// (promiscuous and there is an active slave).
    pub fn timeout(&mut self, has_active: bool) -> bool {
        self.timeout_counter = 0;
        if self.primary_is_promisc && has_active {
            self.primary_is_promisc = false;
            return true;
        }
        false
    }

    /// C `bond_alb_handle_active_change()` to a different slave: returns whether to call
    /// `dev_set_promiscuity(old_active, -1)` (there was an active slave and it was
    /// promiscuous).
    pub fn active_change(&mut self, had_active: bool) -> bool {
        if had_active && self.primary_is_promisc {
            self.primary_is_promisc = false;
            self.timeout_counter = 0;
            return true;
        }
        false
    }
}

/// The client table and the RLB state of the bond (C `alb_bond_info`: `rx_hashtbl`,
/// `rx_hashtbl_used_head`, `rx_ntt`, `rx_slave`, `rlb_update_delay_counter`,
/// `rlb_update_retry_counter`, `rlb_rebalance`), under the bond's `mode_lock`.
///
/// About 9 KiB (9232 bytes): `repr(C)` of integers, byte arrays and `bool`s, all-zero bytes being exactly
/// [`Rlb::new`], so the kernel side may allocate it zeroed in place.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct Rlb {
    table: [RlbClient; RLB_HASH_TABLE_SIZE],
    update_delay_counter: u32,
    update_retry_counter: u32,
    used_head: Link,
    rx_slave: Link,
    rx_ntt: bool,
    rebalance: bool,
}

impl Default for Rlb {
    fn default() -> Self {
        Self::new()
    }
}

/// Walks a list of at most [`RLB_HASH_TABLE_SIZE`] entries (the bound only guards the loop).
struct Walk {
    next: Option<u8>,
    budget: usize,
}

impl Walk {
    fn from(head: Link) -> Walk {
        Walk {
            next: head.get(),
            budget: RLB_HASH_TABLE_SIZE,
        }
    }

    /// The current index; the caller sets `next` from it before moving on.
    fn step(&mut self) -> Option<u8> {
        if self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        self.next
    }
}

impl Rlb {
    /// An initialized table on a zeroed `alb_bond_info` (C `rlb_initialize()`).
    pub const fn new() -> Self {
        Rlb {
            table: [RlbClient::INIT; RLB_HASH_TABLE_SIZE],
            update_delay_counter: 0,
            update_retry_counter: 0,
            used_head: Link::NONE,
            rx_slave: Link::NONE,
            rx_ntt: false,
            rebalance: false,
        }
    }

    /// C `rlb_initialize()`: an empty table. The rest (`rx_ntt`, `rx_slave`, the counters, the
    /// rebalance flag) is kept, as in C (it lives outside the table).
    pub fn initialize(&mut self) {
        self.table = [RlbClient::INIT; RLB_HASH_TABLE_SIZE];
        self.used_head = Link::NONE;
    }

    /// C `rlb_deinitialize()`: the table is gone (here: emptied), the used list empty.
    pub fn deinitialize(&mut self) {
        self.initialize();
    }

    /// Entry `index` of the table.
    pub fn entry(&self, index: u8) -> &RlbClient {
        &self.table[usize::from(index)]
    }

    /// `rx_hashtbl_used_head`.
    pub fn used_head(&self) -> Option<u8> {
        self.used_head.get()
    }

    /// The entries in use, in used-list order (newest first): `(index, entry)`.
    pub fn clients(&self) -> impl Iterator<Item = (u8, &RlbClient)> + '_ {
        let mut w = Walk::from(self.used_head);
        core::iter::from_fn(move || {
            let i = w.step()?;
            let e = &self.table[usize::from(i)];
            w.next = e.used_next.get();
            Some((i, e))
        })
    }

    /// `rx_ntt`: some clients need updates.
    pub const fn rx_ntt(&self) -> bool {
        self.rx_ntt
    }

    /// `rx_slave`: the last slave [`Rlb::next_rx_slave`] chose.
    pub fn rx_slave(&self) -> Option<Slot> {
        self.rx_slave.get()
    }

    /// `rlb_update_delay_counter`.
    pub const fn update_delay_counter(&self) -> u32 {
        self.update_delay_counter
    }

    /// `rlb_update_retry_counter`.
    pub const fn update_retry_counter(&self) -> u32 {
        self.update_retry_counter
    }

    /// `rlb_rebalance`: a rebalance is due on the next tick.
    pub const fn rebalance_pending(&self) -> bool {
        self.rebalance
    }

    /// `rlb_rebalance = 1` (C `bond_alb_init_slave()`, `bond_alb_handle_link_change()` on
    /// link up).
    pub fn request_rebalance(&mut self) {
        self.rebalance = true;
    }

    /// C `__rlb_next_rx_slave()`: the fastest slave that can transmit after `rx_slave` in bond
    /// order (the first of equals), unless one up to and including `rx_slave` is faster; the
    /// fastest of all if `rx_slave` is not found among those that can transmit. The choice
    /// becomes `rx_slave`.
    pub fn next_rx_slave<I>(&mut self, slaves: I) -> Option<Slot>
    where
        I: IntoIterator<Item = SlaveView>,
    {
        let cur = self.rx_slave.get();
        let mut before: Option<SlaveView> = None;
        let mut rx: Option<SlaveView> = None;
        let mut found = false;
        for s in slaves {
            if !s.can_tx {
                continue;
            }
            if !found {
                if before.is_none_or(|b| b.speed < s.speed) {
                    before = Some(s);
                }
            } else if rx.is_none_or(|r| r.speed < s.speed) {
                rx = Some(s);
            }
            if Some(s.slot) == cur {
                found = true;
            }
        }
        let rx = match (rx, before) {
            (None, b) => b,
            (Some(r), Some(b)) if r.speed < b.speed => Some(b),
            (r, _) => r,
        };
        if let Some(r) = rx {
            self.rx_slave = Link::of(Some(r.slot));
        }
        rx.map(|r| r.slot)
    }

    /// C `rlb_delete_table_entry_dst()`: off the used list.
    fn delete_dst(&mut self, index: u8) {
        let e = &self.table[usize::from(index)];
        let (next, prev) = (e.used_next, e.used_prev);
        if self.used_head == Link::of(Some(index)) {
            self.used_head = next;
        }
        if let Some(p) = prev.get() {
            self.table[usize::from(p)].used_next = next;
        }
        if let Some(n) = next.get() {
            self.table[usize::from(n)].used_prev = prev;
        }
    }

    /// C `rlb_src_unlink()`.
    fn src_unlink(&mut self, index: u8) {
        let e = &mut self.table[usize::from(index)];
        let (next, prev) = (e.src_next, e.src_prev);
        e.src_next = Link::NONE;
        e.src_prev = Link::NONE;
        if let Some(n) = next.get() {
            self.table[usize::from(n)].src_prev = prev;
        }
        let Some(p) = prev.get() else {
            return;
        };
        let pe = &mut self.table[usize::from(p)];
        if pe.src_first == Link::of(Some(index)) {
            pe.src_first = next;
        } else {
            pe.src_next = next;
        }
    }

    /// C `rlb_src_link()`: entry `ip_dst_hash` at the head of the list of `ip_src_hash`.
    fn src_link(&mut self, ip_src_hash: u8, ip_dst_hash: u8) {
        let dst = Link::of(Some(ip_dst_hash));
        self.table[usize::from(ip_dst_hash)].src_prev = Link::of(Some(ip_src_hash));
        let next = self.table[usize::from(ip_src_hash)].src_first;
        self.table[usize::from(ip_dst_hash)].src_next = next;
        if let Some(n) = next.get() {
            self.table[usize::from(n)].src_prev = dst;
        }
        self.table[usize::from(ip_src_hash)].src_first = dst;
    }

    /// C `rlb_delete_table_entry()`: off both lists, unassigned (addresses and `ntt` stay, as
    /// in C).
    fn delete(&mut self, index: u8) {
        self.delete_dst(index);
        let e = &mut self.table[usize::from(index)];
        e.used_next = Link::NONE;
        e.used_prev = Link::NONE;
        e.assigned = false;
        e.slave = Link::NONE;
        e.vlan_id = 0;
        self.src_unlink(index);
    }

    /// C `rlb_choose_channel()`: the slave for the client `arp.ip_dst` of an ARP the bond
    /// sends. An entry of the same (server, client) pair keeps its slave (its client MAC
    /// updated unless the ARP's target is broadcast); an entry of another client is taken
    /// over, that client first moved to the active slave and updated (`send`). A new choice
    /// is [`Rlb::next_rx_slave`]; the entry then records the ARP's addresses, `vlan_tci`
    /// (C `vlan_get_tag()`, `None`: 0) and needs an update if the client MAC is valid.
    pub fn choose_channel<I>(
        &mut self,
        arp: &Arp,
        vlan_tci: Option<u16>,
        active: Option<Slot>,
        slaves: I,
        send: &mut dyn FnMut(&ClientUpdate),
    ) -> Option<Slot>
    where
        I: IntoIterator<Item = SlaveView>,
    {
        let hash_index = simple_hash(&arp.ip_dst);
        let hi = usize::from(hash_index);
        let c = &mut self.table[hi];
        if c.assigned {
            if c.ip_src == arp.ip_src && c.ip_dst == arp.ip_dst {
                if !is_broadcast_ether_addr(&arp.mac_dst) {
                    c.mac_dst = arp.mac_dst;
                }
                c.mac_src = arp.mac_src;
                if let Some(s) = c.slave.get() {
                    return Some(s);
                }
            } else if let Some(a) = active {
                if c.slave.get() != Some(a) {
                    c.slave = Link::of(Some(a));
                    if let Some(u) = c.update() {
                        send(&u);
                    }
                }
            }
        }
        let assigned = self.next_rx_slave(slaves)?;
        let c = &self.table[hi];
        if !(c.assigned && c.ip_src == arp.ip_src) {
            self.src_unlink(hash_index);
            self.src_link(simple_hash(&arp.ip_src), hash_index);
        }
        let c = &mut self.table[hi];
        c.ip_src = arp.ip_src;
        c.ip_dst = arp.ip_dst;
        c.mac_dst = arp.mac_dst;
        c.mac_src = arp.mac_src;
        c.slave = Link::of(Some(assigned));
        if is_valid_ether_addr(&c.mac_dst) {
            c.ntt = true;
            self.rx_ntt = true;
        } else {
            c.ntt = false;
        }
        c.vlan_id = vlan_tci.unwrap_or(0);
        if !c.assigned {
            let prev_head = self.used_head;
            c.used_next = prev_head;
            c.assigned = true;
            self.used_head = Link::of(Some(hash_index));
            if let Some(p) = prev_head.get() {
                self.table[usize::from(p)].used_prev = Link::of(Some(hash_index));
            }
        }
        Some(assigned)
    }

    /// C `rlb_arp_xmit()` after its checks (the ARP's sender MAC is one of the bond's slaves',
    /// and its sender IP is not a bridge's): a reply goes out of the client's slave
    /// ([`Rlb::choose_channel`]) with that slave's address as sender; a request creates the
    /// client's entry too, delays the updates ([`RLB_UPDATE_DELAY`]) and marks the clients of
    /// its sender IP for an update ([`Rlb::req_update_subnet_clients`]); other ARPs are not
    /// balanced. `bond_mac` is the bond's address.
    pub fn arp_xmit<I>(
        &mut self,
        arp: &Arp,
        vlan_tci: Option<u16>,
        active: Option<Slot>,
        bond_mac: &[u8; 6],
        slaves: I,
        send: &mut dyn FnMut(&ClientUpdate),
    ) -> ArpXmit
    where
        I: IntoIterator<Item = SlaveView> + Clone,
    {
        let mut out = ArpXmit {
            slave: None,
            set_mac_src: None,
            no_channel: 0,
        };
        match arp.op {
            ARPOP_REPLY => {
                out.slave = self.choose_channel(arp, vlan_tci, active, slaves.clone(), send);
                if let Some(s) = out.slave {
                    let mac = slaves.into_iter().find(|v| v.slot == s).map(|v| v.mac);
                    out.set_mac_src = mac.filter(|m| m != &arp.mac_src);
                }
            }
            ARPOP_REQUEST => {
                out.slave = self.choose_channel(arp, vlan_tci, active, slaves.clone(), send);
                self.update_delay_counter = RLB_UPDATE_DELAY;
                out.no_channel = self.req_update_subnet_clients(&arp.ip_src, bond_mac, slaves);
            }
            _ => {}
        }
        out
    }

    /// C `rlb_arp_recv()` for an ARP received on a slave: [`Rlb::purge_src_ip`], and for a
    /// reply [`Rlb::update_entry_from_arp`].
    pub fn arp_recv(&mut self, arp: &Arp) {
        self.purge_src_ip(&arp.ip_src, &arp.mac_src);
        if arp.op == ARPOP_REPLY {
            self.update_entry_from_arp(arp);
        }
    }

    /// C `rlb_purge_src_ip()`: deletes the entries whose server IP is `ip_src` but whose
    /// server MAC is not `mac_src` (another host uses the address now).
    pub fn purge_src_ip(&mut self, ip_src: &[u8; 4], mac_src: &[u8; 6]) {
        let h = simple_hash(ip_src);
        let mut w = Walk::from(self.table[usize::from(h)].src_first);
        while let Some(i) = w.step() {
            let e = &self.table[usize::from(i)];
            w.next = e.src_next.get();
            if &e.ip_src == ip_src && &e.mac_src != mac_src {
                self.delete(i);
            }
        }
    }

    /// C `rlb_update_entry_from_arp()`: a reply from a known client with a new MAC address
    /// updates its entry, which then needs an update.
    pub fn update_entry_from_arp(&mut self, arp: &Arp) {
        let c = &mut self.table[usize::from(simple_hash(&arp.ip_src))];
        if c.assigned
            && c.ip_src == arp.ip_dst
            && c.ip_dst == arp.ip_src
            && c.mac_dst != arp.mac_src
        {
            c.mac_dst = arp.mac_src;
            c.ntt = true;
            self.rx_ntt = true;
        }
    }

    /// C `rlb_clear_slave()` for `slot` (not the active slave, or being released): each of
    /// its clients goes to [`Rlb::next_rx_slave`] (needing an update, with
    /// [`RLB_UPDATE_RETRY`] retries, if its MAC is valid), or to no slave if none can
    /// transmit. Returns whether to teach the slave's address on the active slave (C
    /// `rlb_teach_disabled_mac_on_primary()`: `slot` is not the active slave and there is
    /// one): [`RlbPromisc::teach`], then learning packets.
    pub fn clear_slave<I>(&mut self, slot: Slot, active: Option<Slot>, slaves: I) -> bool
    where
        I: IntoIterator<Item = SlaveView> + Clone,
    {
        let mut w = Walk::from(self.used_head);
        while let Some(i) = w.step() {
            w.next = self.table[usize::from(i)].used_next.get();
            if self.table[usize::from(i)].slave.get() != Some(slot) {
                continue;
            }
            let assigned = self.next_rx_slave(slaves.clone());
            let e = &mut self.table[usize::from(i)];
            match assigned {
                Some(a) => {
                    e.slave = Link::of(Some(a));
                    if is_valid_ether_addr(&e.mac_dst) {
                        e.ntt = true;
                        self.rx_ntt = true;
                        self.update_retry_counter = RLB_UPDATE_RETRY;
                    }
                }
                None => e.slave = Link::NONE,
            }
        }
        active.is_some() && Some(slot) != active
    }

    /// The RLB part of C `bond_alb_deinit_slave()`: `rx_slave` forgotten, then
    /// [`Rlb::clear_slave`] (with the slave already gone from `slaves`).
    pub fn deinit_slave<I>(&mut self, slot: Slot, active: Option<Slot>, slaves: I) -> bool
    where
        I: IntoIterator<Item = SlaveView> + Clone,
    {
        self.rx_slave = Link::NONE;
        self.clear_slave(slot, active, slaves)
    }

    /// C `rlb_rebalance()`: every client, in used-list order, goes to the next
    /// [`Rlb::next_rx_slave`]; those that change slave need an update unless their MAC is
    /// zero.
    pub fn rebalance<I>(&mut self, slaves: I)
    where
        I: IntoIterator<Item = SlaveView> + Clone,
    {
        let mut ntt = false;
        let mut w = Walk::from(self.used_head);
        while let Some(i) = w.step() {
            w.next = self.table[usize::from(i)].used_next.get();
            let assigned = self.next_rx_slave(slaves.clone());
            let e = &mut self.table[usize::from(i)];
            if let Some(a) = assigned {
                if e.slave.get() != Some(a) {
                    e.slave = Link::of(Some(a));
                    if !is_zero_ether_addr(&e.mac_dst) {
                        e.ntt = true;
                        ntt = true;
                    }
                }
            }
        }
        if ntt {
            self.rx_ntt = true;
        }
    }

    /// C `rlb_update_rx_clients()`: every client needing an update is updated (`send`); its
    /// need is cleared unless retries are left. The next updates wait [`RLB_UPDATE_DELAY`]
    /// ticks.
    pub fn update_rx_clients(&mut self, send: &mut dyn FnMut(&ClientUpdate)) {
        let retry = self.update_retry_counter;
        let mut w = Walk::from(self.used_head);
        while let Some(i) = w.step() {
            let e = &mut self.table[usize::from(i)];
            w.next = e.used_next.get();
            if e.ntt {
                if let Some(u) = e.update() {
                    send(&u);
                }
                if retry == 0 {
                    e.ntt = false;
                }
            }
        }
        self.update_delay_counter = RLB_UPDATE_DELAY;
    }

    /// C `rlb_req_update_slave_clients()` (the slave's MAC address changed): its clients with
    /// a valid MAC need an update, with [`RLB_UPDATE_RETRY`] retries.
    pub fn req_update_slave_clients(&mut self, slot: Slot) {
        let mut ntt = false;
        let mut w = Walk::from(self.used_head);
        while let Some(i) = w.step() {
            let e = &mut self.table[usize::from(i)];
            w.next = e.used_next.get();
            if e.slave.get() == Some(slot) && is_valid_ether_addr(&e.mac_dst) {
                e.ntt = true;
                ntt = true;
            }
        }
        if ntt {
            self.rx_ntt = true;
            self.update_retry_counter = RLB_UPDATE_RETRY;
        }
    }

    /// C `rlb_req_update_subnet_clients()`: the clients of server IP `ip_src` whose slave does
    /// not have the bond's address `bond_mac` (its address read from `slaves`) and whose MAC is
    /// valid need an update. Returns the number of clients without a slave met (C logs an
    /// error for each).
    pub fn req_update_subnet_clients<I>(
        &mut self,
        ip_src: &[u8; 4],
        bond_mac: &[u8; 6],
        slaves: I,
    ) -> u32
    where
        I: IntoIterator<Item = SlaveView> + Clone,
    {
        let mut no_channel: u32 = 0;
        let mut w = Walk::from(self.used_head);
        while let Some(i) = w.step() {
            let e = &mut self.table[usize::from(i)];
            w.next = e.used_next.get();
            let Some(s) = e.slave.get() else {
                no_channel = no_channel.wrapping_add(1);
                continue;
            };
            if &e.ip_src != ip_src || !is_valid_ether_addr(&e.mac_dst) {
                continue;
            }
            let mac = slaves
                .clone()
                .into_iter()
                .find(|v| v.slot == s)
                .map(|v| v.mac);
            if mac.as_ref() != Some(bond_mac) {
                e.ntt = true;
                self.rx_ntt = true;
            }
        }
        no_channel
    }

    /// C `rlb_clear_vlan()`: deletes the clients of VLAN `vlan_id`.
    pub fn clear_vlan(&mut self, vlan_id: u16) {
        let mut w = Walk::from(self.used_head);
        while let Some(i) = w.step() {
            let e = &self.table[usize::from(i)];
            w.next = e.used_next.get();
            if e.vlan_id == vlan_id {
                self.delete(i);
            }
        }
    }

    /// The RLB part of `bond_alb_monitor()` after the promiscuity timeout
    /// ([`RlbPromisc::tick`]): a requested [`Rlb::rebalance`]; then, if clients need updates,
    /// either one tick less of delay or [`Rlb::update_rx_clients`] (one retry less, or, with
    /// none left, no more need).
    pub fn monitor<I>(&mut self, slaves: I, send: &mut dyn FnMut(&ClientUpdate))
    where
        I: IntoIterator<Item = SlaveView> + Clone,
    {
        if self.rebalance {
            self.rebalance = false;
            self.rebalance(slaves);
        }
        if self.rx_ntt {
            if self.update_delay_counter != 0 {
                self.update_delay_counter -= 1;
            } else {
                self.update_rx_clients(send);
                if self.update_retry_counter != 0 {
                    self.update_retry_counter -= 1;
                } else {
                    self.rx_ntt = false;
                }
            }
        }
    }

    /// C `bond_debug_rlb_hash_show()` for a balance-alb bond (for other modes C shows
    /// nothing): [`RLB_DEBUGFS_HEADER`], then [`RlbClient::fmt_debugfs`] for each client in
    /// used-list order.
    pub fn debugfs_show(
        &self,
        f: &mut dyn fmt::Write,
        name: &mut dyn FnMut(Slot, &mut dyn fmt::Write) -> fmt::Result,
    ) -> fmt::Result {
        f.write_str(RLB_DEBUGFS_HEADER)?;
        for (_, c) in self.clients() {
            c.fmt_debugfs(f, name)?;
        }
        Ok(())
    }
}
