// SPDX-License-Identifier: GPL-2.0

//! Transmit load balancing (balance-tlb, and the transmit side of balance-alb): the transmit
//! hash table of C `drivers/net/bonding/bond_alb.c` (`tlb_*`, `__tlb_choose_channel()`,
//! `tlb_get_least_loaded_slave()`), the per-packet decisions of `bond_xmit_tlb_slave_get()`,
//! `bond_xmit_alb_slave_get()` and `bond_do_alb_xmit()`, and the tick counters of
//! `bond_alb_monitor()` ([`AlbTicks`]). Constants and types are those of
//! `include/net/bond_alb.h`.
//!
//! # Slaves: slots
//!
//! C's table entries point at `struct slave`, and each slave carries its
//! `struct tlb_slave_info` (`SLAVE_TLB_INFO(slave)`: the head of its list of entries and its
//! load). Here a slave is a [`Slot`], a number below [`MAX_SLAVES`] that the kernel side assigns
//! on enslave ([`free_slot`] finds the lowest unused one) and keeps in its slave until release.
//! [`Tlb`] holds both the 256 entries and the per-slave records (`[TlbSlaveInfo; MAX_SLAVES]`,
//! indexed by slot), so everything C protects with `bond->mode_lock` is in one value the kernel
//! side keeps under one spinlock, without allocation and without any index that can be out of
//! range (a [`Slot`] is a `u8`, the tables have 256 entries). The limit: a tlb/alb bond has at
//! most 256 slaves (C has none); the kernel side refuses a 257th.
//!
//! A slot may be reused by a new slave once the old one went through C's
//! `bond_alb_deinit_slave()` ([`Tlb::clear_slave`], and for balance-alb
//! [`crate::rlb::Rlb::deinit_slave`]): after that no entry refers to it.
//!
//! What C reads live from the slaves (`slave->speed`, `bond_slave_can_tx()`, the slave's MAC
//! address) comes in as [`SlaveView`]s, in the bond's slave order (C `bond_for_each_slave_rcu`),
//! through an iterator: the kernel side maps its RCU snapshot of the slave list lazily, nothing
//! is copied.
//!
//! # How C's calls map here
//!
//! | C | here |
//! |---|---|
//! | `tlb_initialize()` (from `bond_alb_initialize()`) | [`Tlb::initialize`] |
//! | `tlb_init_slave()` (from `bond_alb_init_slave()`) | [`Tlb::init_slave`], then [`AlbTicks::order_rebalance`] |
//! | `tlb_clear_slave(bond, slave, save_load)` | [`Tlb::clear_slave`] |
//! | `tlb_choose_channel()` | [`Tlb::choose_channel`] |
//! | `bond_xmit_tlb_slave_get()`, tlb_dynamic_lb=1 | [`tlb_hash_index`] then [`Tlb::choose_channel`] |
//! | `bond_xmit_*_slave_get()`, tlb_dynamic_lb=0 | [`nondyn_slave_index`] into the usable slaves |
//! | `bond_xmit_alb_slave_get()`: what to balance | [`alb_tx_class`] |
//! | `bond_do_alb_xmit()` | [`Tlb::do_xmit`] |
//! | `bond_alb_monitor()`: counters | [`AlbTicks::tick`] |
//! | `bond_alb_monitor()`: tx rebalance | [`Tlb::rebalance`] |
//! | `bond_alb_handle_link_change()` | down: [`Tlb::clear_slave`] (no save); up: [`AlbTicks::order_rebalance`] |
//! | `bond_alb_handle_active_change()` | [`Tlb::clear_slave`] with `save_load` for the old and the new active slave |
//! | `bond_alb_deinit_slave()` (TLB part) | [`Tlb::clear_slave`] (no save) |
//! | `tlb_deinitialize()` | nothing (the next `bond_alb_initialize()` calls [`Tlb::initialize`]) |
//! | `alb_send_lp_vid()`: the frame | [`learning_packet`] |
//!
//! Not here (kernel side: device I/O and addresses): sending the learning packets over the
//! bond's upper VLAN/macvlan devices (`alb_send_learning_packets()`), and the MAC address
//! handling of `alb_set_slave_mac_addr()`, `alb_swap_mac_addr()`, `alb_fasten_mac_swap()`,
//! `alb_change_hw_addr_on_detach()`, `alb_handle_addr_collision_on_attach()`,
//! `alb_set_mac_address()`, `bond_alb_set_mac_address()` and the MAC part of
//! `bond_alb_handle_active_change()`.

/// `ALB_TIMER_TICKS_PER_SEC`: `bond_alb_monitor()` runs every 100 ms.
pub const ALB_TIMER_TICKS_PER_SEC: u32 = 10;
/// `BOND_TLB_REBALANCE_INTERVAL` (seconds).
pub const BOND_TLB_REBALANCE_INTERVAL: u32 = 10;
/// `BOND_TLB_REBALANCE_TICKS`.
pub const BOND_TLB_REBALANCE_TICKS: i32 = 10 * 10;
/// `BOND_ALB_DEFAULT_LP_INTERVAL` (seconds).
pub const BOND_ALB_DEFAULT_LP_INTERVAL: i32 = 1;
/// `TLB_HASH_TABLE_SIZE`.
pub const TLB_HASH_TABLE_SIZE: usize = 256;
/// The most slaves a tlb/alb bond can have here: the number of [`Slot`]s.
pub const MAX_SLAVES: usize = 256;

/// A slave, as the tables name it (see the module documentation).
pub type Slot = u8;

/// What the tables read of a slave (C reads it live from `struct slave`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaveView {
    /// The slave's slot.
    pub slot: Slot,
    /// `slave->speed` in Mbit/s (`SPEED_UNKNOWN` is `u32::MAX`, as C stores it).
    pub speed: u32,
    /// C `bond_slave_can_tx()`: up, running, link `BOND_LINK_UP` and active.
    pub can_tx: bool,
    /// `slave->dev->dev_addr` (only balance-alb's receive table reads it).
    pub mac: [u8; 6],
}

/// The lowest slot not in `used` (the slots of the bond's current slaves); `None` when all
/// [`MAX_SLAVES`] are taken.
pub fn free_slot(used: impl IntoIterator<Item = Slot>) -> Option<Slot> {
    let mut map = [0u64; MAX_SLAVES / 64];
    for s in used {
        if let Some(w) = map.get_mut(usize::from(s / 64)) {
            *w |= 1u64 << (s % 64);
        }
    }
    let mut base: u8 = 0;
    for w in map {
        if w != u64::MAX {
            return base.checked_add(w.trailing_ones() as u8);
        }
        base = base.wrapping_add(64);
    }
    None
}

/// C `_simple_hash()`: the XOR of the bytes.
pub fn simple_hash(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |h, b| h ^ b)
}

/// The table index of `bond_xmit_tlb_slave_get()` with tlb_dynamic_lb=1:
/// `bond_xmit_hash(bond, skb) & 0xFF`.
pub const fn tlb_hash_index(xmit_hash: u32) -> u8 {
    (xmit_hash & 0xff) as u8
}

/// The slave choice with tlb_dynamic_lb=0 (`bond_xmit_tlb_slave_get()`,
/// `bond_xmit_alb_slave_get()`): `usable_slaves->arr[hash % count]`; `None` without usable
/// slaves.
pub const fn nondyn_slave_index(xmit_hash: u32, usable: u32) -> Option<u32> {
    xmit_hash.checked_rem(usable)
}

/// An optional table index or [`Slot`] (C: `TLB_NULL_INDEX`/`RLB_NULL_INDEX`, or a NULL slave
/// pointer, for none), stored as `value + 1` with 0 for none: all-zero memory is a valid
/// [`Tlb`] / [`crate::rlb::Rlb`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(transparent)]
pub(crate) struct Link(u16);

impl Link {
    pub(crate) const NONE: Link = Link(0);

    pub(crate) fn of(v: Option<u8>) -> Link {
        match v {
            Some(i) => Link(u16::from(i).wrapping_add(1)),
            None => Link::NONE,
        }
    }

    pub(crate) fn get(self) -> Option<u8> {
        self.0.checked_sub(1).and_then(|v| u8::try_from(v).ok())
    }
}

/// One entry of the transmit hash table (C `struct tlb_client_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct TlbEntry {
    tx_bytes: u32,
    load_history: u32,
    tx_slave: Link,
    next: Link,
    prev: Link,
}

impl TlbEntry {
    const ZERO: TlbEntry = TlbEntry {
        tx_bytes: 0,
        load_history: 0,
        tx_slave: Link::NONE,
        next: Link::NONE,
        prev: Link::NONE,
    };

    /// `tx_slave`: the slave this entry's clients are sent through.
    pub fn tx_slave(&self) -> Option<Slot> {
        self.tx_slave.get()
    }

    /// `tx_bytes`: bytes sent since the last rebalance.
    pub const fn tx_bytes(&self) -> u32 {
        self.tx_bytes
    }

    /// `load_history`: the bytes per second of the last rebalance interval, plus one.
    pub const fn load_history(&self) -> u32 {
        self.load_history
    }

    /// `next`: the next entry of the same slave.
    pub fn next(&self) -> Option<u8> {
        self.next.get()
    }

    /// `prev`: the previous entry of the same slave.
    pub fn prev(&self) -> Option<u8> {
        self.prev.get()
    }

    /// C `tlb_init_table_entry()`.
    fn init(&mut self, save_load: bool) {
        if save_load {
            self.load_history = 1 + self.tx_bytes / BOND_TLB_REBALANCE_INTERVAL;
            self.tx_bytes = 0;
        }
        self.tx_slave = Link::NONE;
        self.next = Link::NONE;
        self.prev = Link::NONE;
    }
}

/// A slave's transmit state (C `struct tlb_slave_info`, `SLAVE_TLB_INFO(slave)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct TlbSlaveInfo {
    load: u32,
    head: Link,
}

impl TlbSlaveInfo {
    const INIT: TlbSlaveInfo = TlbSlaveInfo {
        load: 0,
        head: Link::NONE,
    };

    /// `head`: the first entry assigned to this slave.
    pub fn head(&self) -> Option<u8> {
        self.head.get()
    }

    /// `load`: the sum of the `load_history` of the entries assigned to this slave (bytes per
    /// second).
    pub const fn load(&self) -> u32 {
        self.load
    }
}

/// C `compute_gap()`: `(s64)(slave->speed << 20) - (s64)(load << 3)`, both shifts in `u32`
/// (they wrap: from 4096 Mbit/s on, and above 512 MB/s of load, exactly as in C).
pub fn compute_gap(speed: u32, load: u32) -> i64 {
    i64::from(speed << 20) - i64::from(load << 3)
}

/// What [`Tlb::do_xmit`] decided for a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxAction {
    /// Send through this slave; if `set_src_mac`, write the slave's MAC address into the
    /// Ethernet source first (C: `tx_slave != curr_active_slave`, after `skb_cow_head()`).
    Send {
        /// The slave.
        slot: Slot,
        /// Rewrite `h_source` with the slave's address.
        set_src_mac: bool,
    },
    /// No suitable slave: drop (C `bond_tx_drop()`).
    Drop,
}

/// The transmit hash table and the per-slave loads (C `alb_bond_info.tx_hashtbl`,
/// `unbalanced_load` and every slave's `tlb_info`), under the bond's `mode_lock`.
///
/// About 6 KiB (6148 bytes): the kernel side keeps it in a heap allocation. It is `repr(C)` of integers
/// only, and all-zero bytes are exactly [`Tlb::new`], so it may be allocated zeroed in place
/// (no large value on the kernel stack).
#[derive(Clone, Debug)]
#[repr(C)]
pub struct Tlb {
    table: [TlbEntry; TLB_HASH_TABLE_SIZE],
    slaves: [TlbSlaveInfo; MAX_SLAVES],
    unbalanced_load: u32,
}

impl Default for Tlb {
    fn default() -> Self {
        Self::new()
    }
}

impl Tlb {
    /// An initialized table (C `tlb_initialize()` on a zeroed `alb_bond_info`), every slot
    /// initialized (C `tlb_init_slave()`).
    pub const fn new() -> Self {
        Tlb {
            table: [TlbEntry::ZERO; TLB_HASH_TABLE_SIZE],
            slaves: [TlbSlaveInfo::INIT; MAX_SLAVES],
            unbalanced_load: 0,
        }
    }

    /// C `tlb_initialize()`: a fresh (zeroed) table. The slaves' records and `unbalanced_load`
    /// are kept, as in C (they live outside the table).
    pub fn initialize(&mut self) {
        self.table = [TlbEntry::ZERO; TLB_HASH_TABLE_SIZE];
    }

    /// Entry `index` of the table.
    pub fn entry(&self, index: u8) -> &TlbEntry {
        &self.table[usize::from(index)]
    }

    /// The transmit record of `slot`.
    pub fn slave(&self, slot: Slot) -> &TlbSlaveInfo {
        &self.slaves[usize::from(slot)]
    }

    /// C `bond_info->unbalanced_load`: bytes sent through the active slave because no entry
    /// chose a slave, since the last rebalance.
    pub const fn unbalanced_load(&self) -> u32 {
        self.unbalanced_load
    }

    /// C `tlb_init_slave()`: no entries, no load (the entries are not looked at: a new slave
    /// has none).
    pub fn init_slave(&mut self, slot: Slot) {
        self.slaves[usize::from(slot)] = TlbSlaveInfo::INIT;
    }

    /// [`Tlb::init_slave`] for a slot given to a new slave, after every entry that still names
    /// `slot` is unassigned, whether or not it is on the slot's list (not in C: there, a
    /// transmit racing with the release of the slot's previous slave could leave such an entry
    /// pointing at the freed slave; here it would keep a bucket on the new slave, outside every
    /// list, so that no rebalance or link loss would free it).
    pub fn forget_slot(&mut self, slot: Slot) {
        for e in self.table.iter_mut() {
            if e.tx_slave.get() == Some(slot) {
                e.init(false);
            }
        }
        self.init_slave(slot);
    }

    /// C `__tlb_clear_slave()` / `tlb_clear_slave()`: unassigns every entry of `slot` (with
    /// `save_load`, each entry's `load_history` becomes `1 + tx_bytes / 10` and `tx_bytes` 0),
    /// then [`Tlb::init_slave`].
    pub fn clear_slave(&mut self, slot: Slot, save_load: bool) {
        let mut index = self.slaves[usize::from(slot)].head.get();
        // A slave's list has at most every entry once: the bound only guards the loop.
        let mut budget = TLB_HASH_TABLE_SIZE;
        while let Some(i) = index {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let e = &mut self.table[usize::from(i)];
            index = e.next.get();
            e.init(save_load);
        }
        self.init_slave(slot);
    }

    /// C `tlb_get_least_loaded_slave()`: among the slaves that can transmit, the first with
    /// the largest [`compute_gap`] (a later slave wins only with a strictly larger gap).
    pub fn least_loaded(&self, slaves: impl IntoIterator<Item = SlaveView>) -> Option<Slot> {
        let mut least: Option<Slot> = None;
        let mut max_gap = i64::MIN;
        for s in slaves {
            if s.can_tx {
                let gap = compute_gap(s.speed, self.slaves[usize::from(s.slot)].load);
                if max_gap < gap {
                    least = Some(s.slot);
                    max_gap = gap;
                }
            }
        }
        least
    }

    /// C `__tlb_choose_channel()`: the slave of entry `hash_index`; if it has none, the least
    /// loaded slave (which takes the entry at the head of its list and adds the entry's
    /// `load_history` to its load). The entry's `tx_bytes` grows by `skb_len` (`u32`,
    /// wrapping as in C) when a slave is returned.
    pub fn choose_channel(
        &mut self,
        hash_index: u8,
        skb_len: u32,
        slaves: impl IntoIterator<Item = SlaveView>,
    ) -> Option<Slot> {
        let hi = usize::from(hash_index);
        let mut assigned = self.table[hi].tx_slave.get();
        if assigned.is_none() {
            assigned = self.least_loaded(slaves);
            if let Some(slot) = assigned {
                let info = &mut self.slaves[usize::from(slot)];
                let next = info.head;
                info.head = Link::of(Some(hash_index));
                let e = &mut self.table[hi];
                e.tx_slave = Link::of(Some(slot));
                e.next = next;
                e.prev = Link::NONE;
                let lh = e.load_history;
                info.load = info.load.wrapping_add(lh);
                if let Some(n) = next.get() {
                    self.table[usize::from(n)].prev = Link::of(Some(hash_index));
                }
            }
        }
        if assigned.is_some() {
            let e = &mut self.table[hi];
            e.tx_bytes = e.tx_bytes.wrapping_add(skb_len);
        }
        assigned
    }

    /// C `bond_do_alb_xmit()` without a chosen slave, with tlb_dynamic_lb: `skb_len` bytes more
    /// sent through the active slave, unbalanced (the part of [`Tlb::do_xmit`] that touches
    /// the table on that path).
    pub fn count_unbalanced(&mut self, skb_len: u32) {
        self.unbalanced_load = self.unbalanced_load.wrapping_add(skb_len);
    }

    /// C `bond_do_alb_xmit()`: `chosen` is what `bond_xmit_{tlb,alb}_slave_get()` returned,
    /// `active` the `curr_active_slave`. Without a chosen slave the frame goes to the active
    /// slave (and with `dynamic_lb` its length counts into `unbalanced_load`). If the slave
    /// cannot transmit, with `dynamic_lb` its entries are cleared (no saved load) and the frame
    /// is dropped.
    pub fn do_xmit(
        &mut self,
        chosen: Option<Slot>,
        active: Option<Slot>,
        dynamic_lb: bool,
        skb_len: u32,
        can_tx: impl Fn(Slot) -> bool,
    ) -> TxAction {
        let tx = match chosen {
            Some(s) => Some(s),
            None => {
                if dynamic_lb {
                    self.unbalanced_load = self.unbalanced_load.wrapping_add(skb_len);
                }
                active
            }
        };
        let Some(slot) = tx else {
            return TxAction::Drop;
        };
        if can_tx(slot) {
            return TxAction::Send {
                slot,
                set_src_mac: Some(slot) != active,
            };
        }
        if dynamic_lb {
            self.clear_slave(slot, false);
        }
        TxAction::Drop
    }

    /// The transmit rebalance of `bond_alb_monitor()` (when [`AlbTick::tx_rebalance`]): for
    /// every slave in bond order, [`Tlb::clear_slave`] with `save_load`, and the active slave's
    /// load becomes `unbalanced_load / 10`, `unbalanced_load` 0.
    pub fn rebalance(&mut self, slaves: impl IntoIterator<Item = Slot>, active: Option<Slot>) {
        for slot in slaves {
            self.clear_slave(slot, true);
            if Some(slot) == active {
                self.slaves[usize::from(slot)].load =
                    self.unbalanced_load / BOND_TLB_REBALANCE_INTERVAL;
                self.unbalanced_load = 0;
            }
        }
    }
}

/// Why `bond_xmit_alb_slave_get()` does not balance a frame, or how it hashes it
/// ([`alb_tx_class`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlbTxClass {
    /// Balance: with tlb_dynamic_lb=1 through [`Tlb::choose_channel`] with this index (C
    /// `_simple_hash()` of the IPv4 or IPv6 destination), else [`nondyn_slave_index`] of
    /// `bond_xmit_hash()`.
    Balance(u8),
    /// ARP: with RLB, `rlb_arp_xmit()` chooses ([`crate::rlb::Rlb::arp_xmit`]); else none.
    Arp,
    /// Not balanced: no slave chosen (the active slave sends it).
    NoBalance,
}

/// `ETH_P_ARP`.
pub const ETH_P_ARP: u16 = 0x0806;
const ETH_P_IP: u16 = 0x0800;
const ETH_P_IPV6: u16 = 0x86dd;
const IPPROTO_IGMP: u8 = 2;
const IPPROTO_ICMPV6: u8 = 58;
const NDISC_NEIGHBOUR_SOLICITATION: u8 = 135;
const NDISC_NEIGHBOUR_ADVERTISEMENT: u8 = 136;
/// C `mac_v6_allmcast`: the IPv6 all-nodes multicast MAC address.
pub const MAC_V6_ALLMCAST: [u8; 6] = [0x33, 0x33, 0, 0, 0, 1];

/// C `alb_determine_nd()` on the network header `l3` (what `pskb_network_may_pull()` can give;
/// too short counts as ND, as in C).
pub fn alb_determine_nd(l3: &[u8]) -> bool {
    if l3.len() < 40 {
        return true;
    }
    if l3.get(6) != Some(&IPPROTO_ICMPV6) {
        return false;
    }
    // The ICMPv6 header (`sizeof(struct icmp6hdr)`, 8 bytes) must be there too.
    if l3.len() < 48 {
        return true;
    }
    matches!(
        l3.get(40),
        Some(&(NDISC_NEIGHBOUR_ADVERTISEMENT | NDISC_NEIGHBOUR_SOLICITATION))
    )
}

/// The balancing decision of `bond_xmit_alb_slave_get()` for a frame with Ethernet
/// destination `h_dest`, `skb->protocol` `protocol` (host order) and network header `l3` (as
/// much as the kernel could pull: C pulls 20 bytes for IPv4, 48 for IPv6).
pub fn alb_tx_class(h_dest: &[u8; 6], protocol: u16, l3: &[u8]) -> AlbTxClass {
    let bcast = h_dest == &[0xff; 6];
    match protocol {
        ETH_P_IP => {
            // `sizeof(struct iphdr)`.
            let (Some(daddr), Some(&proto)) = (l3.get(16..20), l3.get(9)) else {
                return AlbTxClass::NoBalance;
            };
            if bcast || daddr == [0xff; 4] || proto == IPPROTO_IGMP {
                return AlbTxClass::NoBalance;
            }
            AlbTxClass::Balance(simple_hash(daddr))
        }
        ETH_P_IPV6 => {
            if bcast || h_dest == &MAC_V6_ALLMCAST || alb_determine_nd(l3) {
                return AlbTxClass::NoBalance;
            }
            let (Some(saddr), Some(daddr)) = (l3.get(8..24), l3.get(24..40)) else {
                return AlbTxClass::NoBalance;
            };
            if saddr.iter().all(|&b| b == 0) {
                return AlbTxClass::NoBalance;
            }
            AlbTxClass::Balance(simple_hash(daddr))
        }
        ETH_P_ARP => AlbTxClass::Arp,
        _ => AlbTxClass::NoBalance,
    }
}

/// Whether `bond_xmit_tlb_slave_get()` balances a frame (else no slave is chosen): not to a
/// multicast/broadcast destination, and IPv4, or IPv6 that is not neighbour discovery
/// ([`alb_determine_nd`] of the network header `l3`).
pub fn tlb_balances(h_dest: &[u8; 6], protocol: u16, l3: &[u8]) -> bool {
    if h_dest[0] & 1 != 0 {
        return false;
    }
    match protocol {
        ETH_P_IP => true,
        ETH_P_IPV6 => !alb_determine_nd(l3),
        _ => false,
    }
}

/// Whether `bond_alb_monitor()` sends a slave's learning packets with `strict_match`: unless
/// it is the active slave, and always with RLB.
pub const fn learning_strict_match(is_active: bool, rlb_enabled: bool) -> bool {
    !is_active || rlb_enabled
}

/// `ETH_P_LOOPBACK`: the type of learning packets.
pub const ETH_P_LOOPBACK: u16 = 0x9000;
/// `ETH_ZLEN`: the length of a learning packet.
pub const LEARNING_PKT_LEN: usize = 60;

/// C `struct learning_pkt` as `alb_send_lp_vid()` fills it: destination and source `mac`, type
/// `ETH_P_LOOPBACK`, zero padding to `ETH_ZLEN`. C sends it from the slave with
/// `skb->priority = TC_PRIO_CONTROL`, network header right after the Ethernet header, and the
/// VLAN tag (hardware-accelerated) of the upper VLAN device it is for, if any.
pub fn learning_packet(mac: &[u8; 6]) -> [u8; LEARNING_PKT_LEN] {
    let [a, b, c, d, e, f] = *mac;
    let [t0, t1] = ETH_P_LOOPBACK.to_be_bytes();
    let mut p = [0u8; LEARNING_PKT_LEN];
    p[..14].copy_from_slice(&[a, b, c, d, e, f, a, b, c, d, e, f, t0, t1]);
    p
}

/// The tick counters of `bond_alb_monitor()` (C `tx_rebalance_counter`, `lp_counter`): what is
/// due on this 100 ms tick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlbTicks {
    tx_rebalance_counter: i32,
    lp_counter: i32,
}

/// What [`AlbTicks::tick`] found due.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlbTick {
    /// Send learning packets on every slave (C `alb_send_learning_packets()` with the slave's
    /// address and [`learning_strict_match`]).
    pub learning_packets: bool,
    /// [`Tlb::rebalance`].
    pub tx_rebalance: bool,
    /// The RLB part of the tick runs (the bond has slaves): with balance-alb,
    /// [`crate::rlb::RlbPromisc::tick`] then [`crate::rlb::Rlb::monitor`].
    pub rlb: bool,
}

impl AlbTicks {
    /// Both counters 0 (a zeroed `alb_bond_info`).
    pub const fn new() -> Self {
        AlbTicks {
            tx_rebalance_counter: 0,
            lp_counter: 0,
        }
    }

    /// C `tx_rebalance_counter`.
    pub const fn tx_rebalance_counter(&self) -> i32 {
        self.tx_rebalance_counter
    }

    /// C `lp_counter`.
    pub const fn lp_counter(&self) -> i32 {
        self.lp_counter
    }

    /// "order a rebalance ASAP" (C `bond_alb_init_slave()`, `bond_alb_handle_link_change()`
    /// on link up): the counter is set to `BOND_TLB_REBALANCE_TICKS`, so the next tick
    /// rebalances.
    pub fn order_rebalance(&mut self) {
        self.tx_rebalance_counter = BOND_TLB_REBALANCE_TICKS;
    }

    /// One run of `bond_alb_monitor()`; C then does what is due in the order of [`AlbTick`]'s
    /// fields. Without slaves both counters are reset and nothing is due. Else both count up; learning packets are due when `lp_counter >= lp_interval * 10`
    /// (C `int` arithmetic, wrapping: a huge `lp_interval` can make it due every tick, as in
    /// C), the rebalance when `tx_rebalance_counter >= BOND_TLB_REBALANCE_TICKS`; each resets
    /// its counter.
    pub fn tick(&mut self, has_slaves: bool, lp_interval: i32) -> AlbTick {
        if !has_slaves {
            *self = AlbTicks::new();
            return AlbTick::default();
        }
        self.tx_rebalance_counter = self.tx_rebalance_counter.wrapping_add(1);
        self.lp_counter = self.lp_counter.wrapping_add(1);
        let mut t = AlbTick {
            rlb: true,
            ..AlbTick::default()
        };
        let lp_ticks = lp_interval.wrapping_mul(10);
        if self.lp_counter >= lp_ticks {
            t.learning_packets = true;
            self.lp_counter = 0;
        }
        if self.tx_rebalance_counter >= BOND_TLB_REBALANCE_TICKS {
            t.tx_rebalance = true;
            self.tx_rebalance_counter = 0;
        }
        t
    }
}
