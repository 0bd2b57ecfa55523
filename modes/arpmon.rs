// SPDX-License-Identifier: GPL-2.0

//! The decisions of the ARP and IPv6 NS link monitors (C `bond_main.c`:
//! `bond_time_in_interval()`, `bond_ab_arp_inspect()`, `bond_loadbalance_arp_mon()`,
//! `bond_arp_rcv()`, `bond_na_rcv()`, `bond_rcv_validate()`; `include/net/bonding.h`:
//! `slave_do_arp_validate()`, `slave_last_rx()`). Times are jiffies, compared with C's
//! wrapping `time_after()` rules; the kernel side reads the clock and the slaves and carries out
//! what these return.

use super::slaves::Link;
use super::ArpValidate;

/// C `time_after(a, b)`: `a` is later than `b` (wrapping).
pub const fn time_after(a: usize, b: usize) -> bool {
    (b.wrapping_sub(a) as isize) < 0
}

/// C `time_after_eq(a, b)`.
pub const fn time_after_eq(a: usize, b: usize) -> bool {
    (a.wrapping_sub(b) as isize) >= 0
}

/// C `time_before(a, b)`.
pub const fn time_before(a: usize, b: usize) -> bool {
    time_after(b, a)
}

/// C `time_in_range(a, b, c)`: `b <= a <= c`.
pub const fn time_in_range(a: usize, b: usize, c: usize) -> bool {
    time_after_eq(a, b) && time_after_eq(c, a)
}

/// C `bond_time_in_interval()`: whether `now` lies in
/// `[last - delta, last + m * delta + delta / 2]`, `delta` being `arp_interval` in jiffies.
/// C computes in `int` (`delta_in_ticks`, `mod * delta_in_ticks + delta_in_ticks / 2`), which
/// wraps (the kernel builds with `-fno-strict-overflow`) and is sign-extended into the
/// `unsigned long` sum: with a large `arp_interval` times `missed_max` the upper end falls
/// before `last` and a slave that is up fails at the next inspection, as C's does (found by
/// tests/guest/fuzz.sh: `arp_interval` 2147483647 with `arp_missed_max` 255).
pub const fn time_in_interval(now: usize, last: usize, delta: usize, m: usize) -> bool {
    let d = delta as i32;
    let hi = (m as i32).wrapping_mul(d).wrapping_add(d / 2);
    time_in_range(
        now,
        last.wrapping_sub(d as isize as usize),
        last.wrapping_add(hi as isize as usize),
    )
}

/// C `slave_do_arp_validate()`: whether received ARP/NS/NA must be validated on a slave in this
/// state (`backup` is `bond_slave_state()`).
pub const fn do_validate(av: ArpValidate, backup: bool) -> bool {
    av.as_u8() & (1 << (backup as u8)) != 0
}

/// C `slave_do_arp_validate_only()`: only ARP (and NS) count as traffic (the `filter` values).
pub const fn validate_only(av: ArpValidate) -> bool {
    av.as_u8() & 4 != 0
}

/// C `slave_last_rx()`: with `arp_all_targets all`, the oldest of the per-target receive times
/// of the configured targets (`target_rx[..n_targets]`, at least the first); else `last_rx`.
pub fn last_rx(all_targets: bool, last_rx: usize, target_rx: &[usize], n_targets: usize) -> usize {
    if !all_targets {
        return last_rx;
    }
    let mut ret = target_rx.first().copied().unwrap_or(0);
    for &t in target_rx.iter().take(n_targets).skip(1) {
        if time_before(t, ret) {
            ret = t;
        }
    }
    ret
}

/// What the active-backup ARP monitor knows of a slave (C `bond_ab_arp_inspect()`).
#[derive(Clone, Copy, Debug)]
pub struct AbSlave {
    /// `slave->link`.
    pub link: Link,
    /// `slave_last_rx()`.
    pub last_rx: usize,
    /// `slave_last_tx()`.
    pub last_tx: usize,
    /// `slave->last_link_up`.
    pub last_link_up: usize,
    /// `bond_is_active_slave()`.
    pub active: bool,
}

/// C `bond_ab_arp_inspect()` for one slave: the proposed link state, if any.
/// `arp_slave` tells whether the bond has a `current_arp_slave`.
pub fn ab_inspect(
    s: &AbSlave,
    arp_slave: bool,
    missed_max: u8,
    now: usize,
    delta: usize,
) -> Option<Link> {
    let mm = usize::from(missed_max);
    if s.link != Link::Up {
        if time_in_interval(now, s.last_rx, delta, 1) {
            return Some(Link::Up);
        }
        if s.link == Link::Back {
            return Some(Link::Fail);
        }
        return None;
    }
    // Slaves get 2 * delta after being enslaved or made active.
    if time_in_interval(now, s.last_link_up, delta, 2) {
        return None;
    }
    let mut propose = None;
    // A backup is down after missed_max + 1 intervals without receiving, unless a new active
    // slave is being searched for (then only the active one is taken down).
    if !s.active && !arp_slave && !time_in_interval(now, s.last_rx, delta, mm + 1) {
        propose = Some(Link::Down);
    }
    // The active slave is down after missed_max intervals without sending or receiving.
    if s.active
        && (!time_in_interval(now, s.last_tx, delta, mm)
            || !time_in_interval(now, s.last_rx, delta, mm))
    {
        propose = Some(Link::Down);
    }
    propose
}

/// The load-balancing ARP monitor's verdict on a slave (C `bond_loadbalance_arp_mon()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LbVerdict {
    /// Nothing changes.
    Keep,
    /// The slave came up: "link status definitely up" when the bond had no active slave
    /// (`definitely`, which also asks for a failover), else "interface is now up".
    Up {
        /// There was no `curr_active_slave`.
        definitely: bool,
    },
    /// The slave went down ("interface is now down").
    Down,
}

/// C `bond_loadbalance_arp_mon()` for one slave.
pub fn lb_inspect(
    link: Link,
    last_tx: usize,
    last_rx: usize,
    has_active: bool,
    missed_max: u8,
    now: usize,
    delta: usize,
) -> LbVerdict {
    let mm = usize::from(missed_max);
    if link != Link::Up {
        if time_in_interval(now, last_tx, delta, 1) && time_in_interval(now, last_rx, delta, 1) {
            return LbVerdict::Up {
                definitely: !has_active,
            };
        }
        return LbVerdict::Keep;
    }
    if !time_in_interval(now, last_tx, delta, mm) || !time_in_interval(now, last_rx, delta, mm) {
        return LbVerdict::Down;
    }
    LbVerdict::Keep
}

/// `ARPOP_REQUEST`.
pub const ARPOP_REQUEST: u16 = 1;
/// `ARPOP_REPLY`.
pub const ARPOP_REPLY: u16 = 2;

/// The fields of a received ARP packet the monitor uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arp {
    /// `ar_op`.
    pub op: u16,
    /// Sender IP.
    pub sip: [u8; 4],
    /// Target IP.
    pub tip: [u8; 4],
}

/// The length of an ARP packet for hardware addresses of `addr_len` bytes (C `arp_hdr_len()`).
pub const fn arp_len(addr_len: usize) -> usize {
    8 + 2 * (addr_len + 4)
}

/// C `bond_arp_rcv()`'s parsing of an ARP packet `p` (from the ARP header on): `None` unless it
/// is Ethernet/IPv4 ARP with `addr_len`-byte hardware addresses.
pub fn parse_arp(p: &[u8], addr_len: usize) -> Option<Arp> {
    let p = p.get(..arp_len(addr_len))?;
    let hrd = u16::from_be_bytes([p[0], p[1]]);
    let pro = u16::from_be_bytes([p[2], p[3]]);
    if usize::from(p[4]) != addr_len || hrd != 1 || pro != 0x0800 || p[5] != 4 {
        return None;
    }
    let sip_at = 8 + addr_len;
    let tip_at = sip_at + 4 + addr_len;
    let ip = |at: usize| [p[at], p[at + 1], p[at + 2], p[at + 3]];
    Some(Arp {
        op: u16::from_be_bytes([p[6], p[7]]),
        sip: ip(sip_at),
        tip: ip(tip_at),
    })
}

/// `NEXTHDR_ICMP`.
const NEXTHDR_ICMP: u8 = 58;
/// `NDISC_NEIGHBOUR_SOLICITATION`.
const NDISC_NS: u8 = 135;
/// `NDISC_NEIGHBOUR_ADVERTISEMENT`.
const NDISC_NA: u8 = 136;

/// Whether the IPv6 packet `p` (from the IPv6 header on) is an ICMPv6 neighbour solicitation
/// or advertisement (C `bond_na_rcv()`, `bond_should_broadcast_neighbor()`).
pub fn is_ndisc(p: &[u8]) -> bool {
    p.get(6) == Some(&NEXTHDR_ICMP) && matches!(p.get(40), Some(&(NDISC_NS | NDISC_NA)))
}

/// C `bond_na_rcv()`'s parsing of an IPv6 packet `p` (from the IPv6 header on): the source and
/// destination addresses of a neighbour solicitation or advertisement, else `None`.
pub fn parse_ndisc(p: &[u8]) -> Option<([u8; 16], [u8; 16])> {
    let p = p.get(..40 + 4)?;
    if !is_ndisc(p) {
        return None;
    }
    let mut s = [0u8; 16];
    let mut d = [0u8; 16];
    s.copy_from_slice(&p[8..24]);
    d.copy_from_slice(&p[24..40]);
    Some((s, d))
}

/// Which way a received probe may be trusted (C `bond_arp_rcv()`, `bond_na_rcv()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Not trusted: ignored.
    No,
    /// Validated with its own sender and target (a reply to our probe).
    Direct,
    /// Validated with sender and target swapped (a backup hearing the active slave's request
    /// through the switch).
    Swapped,
}

/// The state the trust rule looks at.
#[derive(Clone, Copy, Debug)]
pub struct TrustIn {
    /// The receiving slave is active (which includes the current ARP slave).
    pub slave_active: bool,
    /// `curr_active_slave`, if any: its `slave_last_rx()` and `last_link_up`.
    pub curr_active: Option<(usize, usize)>,
    /// `current_arp_slave`, if any: its `slave_last_tx()`.
    pub arp_slave_last_tx: Option<usize>,
    /// The packet is an ARP reply (always true for NS/NA, whose rule has no such condition).
    pub reply: bool,
}

/// C's trust rule: (a) the receiving slave is active; (b) a backup, when the active slave has
/// received valid probes since it became active (sender and target swapped: it hears the
/// request); (c) any slave receiving a reply while the current ARP slave sent within the last
/// interval (switch FDB delays may deliver the reply elsewhere).
pub fn trust(t: &TrustIn, now: usize, delta: usize) -> Trust {
    if t.slave_active {
        return Trust::Direct;
    }
    if let Some((rx, up)) = t.curr_active {
        if time_after(rx, up) {
            return Trust::Swapped;
        }
    }
    if let Some(tx) = t.arp_slave_last_tx {
        if t.reply && time_in_interval(now, tx, delta, 1) {
            return Trust::Direct;
        }
    }
    Trust::No
}

/// What `bond_rcv_validate()` does with a received frame on a slave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RxAction {
    /// Nothing.
    None,
    /// Count it as traffic: `last_rx = now`.
    Touch,
    /// Parse and validate it as ARP.
    Arp,
    /// Parse and validate it as IPv6 NS/NA.
    Ndisc,
}

/// C `bond_rcv_validate()`: `arp` / `ipv6` say what the frame is.
pub const fn rx_action(av: ArpValidate, backup: bool, arp: bool, ipv6: bool) -> RxAction {
    if !do_validate(av, backup) {
        if !validate_only(av) || arp || ipv6 {
            return RxAction::Touch;
        }
        return RxAction::None;
    }
    if arp {
        RxAction::Arp
    } else if ipv6 {
        RxAction::Ndisc
    } else {
        RxAction::None
    }
}

/// C `addrconf_addr_solict_mult()`: the solicited-node multicast address of `a`.
pub const fn solicited_node(a: [u8; 16]) -> [u8; 16] {
    [
        0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, a[13], a[14], a[15],
    ]
}

/// C `ipv6_eth_mc_map()`: the Ethernet multicast address of IPv6 multicast address `a`.
pub const fn ipv6_mc_mac(a: [u8; 16]) -> [u8; 6] {
    [0x33, 0x33, a[12], a[13], a[14], a[15]]
}

/// Whether an address read from a received NS/NA stands for NS target `target` (C
/// `bond_get_targets_ip6()`): the target itself, or its solicited-node group, which is where a
/// backup hearing the active slave's solicitation finds it.
pub fn ns_target_matches(target: &[u8; 16], a: &[u8; 16]) -> bool {
    target == a || solicited_node(*target) == *a
}
