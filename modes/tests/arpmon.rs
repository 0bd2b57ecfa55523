// SPDX-License-Identifier: GPL-2.0

//! The ARP/NS monitor's decisions against hand-computed cases from the C definitions.

use bonding_modes::arpmon::*;
use bonding_modes::slaves::Link;
use bonding_modes::ArpValidate as V;

const D: usize = 100; // arp_interval in jiffies

#[test]
fn interval_window_is_c_s() {
    // [last - delta, last + m*delta + delta/2]
    let last = 10_000;
    assert!(time_in_interval(last - D, last, D, 1));
    assert!(!time_in_interval(last - D - 1, last, D, 1));
    assert!(time_in_interval(last + D + D / 2, last, D, 1));
    assert!(!time_in_interval(last + D + D / 2 + 1, last, D, 1));
    assert!(time_in_interval(last + 3 * D + D / 2, last, D, 3));
    // Across the jiffies wrap.
    let last = usize::MAX - 10;
    assert!(time_in_interval(last.wrapping_add(50), last, D, 1));
    // C's int arithmetic: arp_interval 2147483647 ms at HZ=100 is 214748365 jiffies; times
    // missed_max 255 it wraps negative, and the interval ends before `last`.
    let (big, last) = (214_748_365, 10_000);
    assert!(time_in_interval(last + 1, last, big, 2));
    assert!(!time_in_interval(last + 1, last, big, 255));
    assert!(time_after(5, usize::MAX - 5));
}

#[test]
fn arp_validate_bits() {
    // none, active, backup, all, filter, filter_active, filter_backup
    let on_active = [false, true, false, true, false, true, false];
    let on_backup = [false, false, true, true, false, false, true];
    let only = [false, false, false, false, true, true, true];
    for (i, v) in V::ALL.iter().enumerate() {
        assert_eq!(do_validate(*v, false), on_active[i], "{v:?} active");
        assert_eq!(do_validate(*v, true), on_backup[i], "{v:?} backup");
        assert_eq!(validate_only(*v), only[i], "{v:?} filter");
    }
    // bond_rcv_validate(): filter counts only ARP and IPv6 as traffic when not validating.
    assert_eq!(rx_action(V::None, false, false, false), RxAction::Touch);
    assert_eq!(rx_action(V::Filter, false, false, false), RxAction::None);
    assert_eq!(rx_action(V::Filter, false, true, false), RxAction::Touch);
    assert_eq!(rx_action(V::Active, false, true, false), RxAction::Arp);
    assert_eq!(rx_action(V::Active, false, false, true), RxAction::Ndisc);
    assert_eq!(rx_action(V::Active, false, false, false), RxAction::None);
    assert_eq!(rx_action(V::Active, true, false, false), RxAction::Touch);
    assert_eq!(rx_action(V::FilterBackup, true, true, false), RxAction::Arp);
}

#[test]
fn last_rx_all_targets_takes_the_oldest() {
    let rx = [500, 300, 400, 0];
    assert_eq!(last_rx(false, 900, &rx, 3), 900);
    assert_eq!(last_rx(true, 900, &rx, 3), 300);
    assert_eq!(last_rx(true, 900, &rx, 1), 500);
}

fn ab(link: Link, rx: usize, tx: usize, up: usize, active: bool) -> AbSlave {
    AbSlave {
        link,
        last_rx: rx,
        last_tx: tx,
        last_link_up: up,
        active,
    }
}

#[test]
fn active_backup_inspection() {
    let now = 100_000;
    // A down slave that received within an interval comes up.
    assert_eq!(
        ab_inspect(&ab(Link::Down, now - 50, 0, 0, false), false, 2, now, D),
        Some(Link::Up)
    );
    // A slave going back that received nothing fails.
    assert_eq!(
        ab_inspect(&ab(Link::Back, 0, 0, 0, false), false, 2, now, D),
        Some(Link::Fail)
    );
    assert_eq!(
        ab_inspect(&ab(Link::Down, 0, 0, 0, false), false, 2, now, D),
        None
    );
    // Grace of 2 intervals after link up.
    assert_eq!(
        ab_inspect(&ab(Link::Up, 0, 0, now - 2 * D, true), false, 2, now, D),
        None
    );
    // Active slave: missed_max intervals without tx or rx.
    let old = now - 10 * D;
    assert_eq!(
        ab_inspect(&ab(Link::Up, now, old, old, true), false, 2, now, D),
        Some(Link::Down)
    );
    assert_eq!(
        ab_inspect(&ab(Link::Up, old, now, old, true), false, 2, now, D),
        Some(Link::Down)
    );
    assert_eq!(
        ab_inspect(&ab(Link::Up, now - 2 * D, now, old, true), false, 2, now, D),
        None
    );
    // Backup: missed_max + 1 intervals without rx, unless an ARP slave is being probed.
    assert_eq!(
        ab_inspect(&ab(Link::Up, now - 3 * D, 0, old, false), false, 2, now, D),
        None
    );
    assert_eq!(
        ab_inspect(&ab(Link::Up, now - 4 * D, 0, old, false), false, 2, now, D),
        Some(Link::Down)
    );
    assert_eq!(
        ab_inspect(&ab(Link::Up, now - 4 * D, 0, old, false), true, 2, now, D),
        None
    );
}

#[test]
fn load_balancing_inspection() {
    let now = 100_000;
    assert_eq!(
        lb_inspect(Link::Down, now, now, false, 2, now, D),
        LbVerdict::Up { definitely: true }
    );
    assert_eq!(
        lb_inspect(Link::Down, now, now, true, 2, now, D),
        LbVerdict::Up { definitely: false }
    );
    assert_eq!(
        lb_inspect(Link::Down, now, now - 3 * D, true, 2, now, D),
        LbVerdict::Keep
    );
    assert_eq!(
        lb_inspect(Link::Up, now, now - 3 * D, true, 2, now, D),
        LbVerdict::Down
    );
    assert_eq!(
        lb_inspect(Link::Up, now - 2 * D, now, true, 2, now, D),
        LbVerdict::Keep
    );
}

fn arp(op: u16, sip: [u8; 4], tip: [u8; 4]) -> Vec<u8> {
    let mut v = vec![0, 1, 0x08, 0, 6, 4];
    v.extend(op.to_be_bytes());
    v.extend([2, 0, 0, 0, 0, 1]);
    v.extend(sip);
    v.extend([0; 6]);
    v.extend(tip);
    v
}

#[test]
fn arp_parsing() {
    let p = arp(ARPOP_REPLY, [10, 0, 0, 2], [10, 0, 0, 1]);
    assert_eq!(p.len(), arp_len(6));
    assert_eq!(
        parse_arp(&p, 6),
        Some(Arp {
            op: ARPOP_REPLY,
            sip: [10, 0, 0, 2],
            tip: [10, 0, 0, 1]
        })
    );
    assert_eq!(parse_arp(&p[..27], 6), None, "short");
    assert_eq!(parse_arp(&p, 8), None, "hardware address length");
    let mut q = p.clone();
    q[2] = 0x86; // not IPv4
    assert_eq!(parse_arp(&q, 6), None);
    let mut q = p.clone();
    q[1] = 6; // not Ethernet
    assert_eq!(parse_arp(&q, 6), None);
}

#[test]
fn ndisc_parsing() {
    let mut p = vec![0x60, 0, 0, 0, 0, 32, 58, 255];
    let s = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    let d = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1];
    p.extend(s);
    p.extend(d);
    p.extend([136, 0, 0, 0]);
    assert_eq!(parse_ndisc(&p), Some((s, d)));
    p[40] = 128; // echo request
    assert_eq!(parse_ndisc(&p), None);
    p[40] = 135;
    p[6] = 17; // not ICMPv6
    assert_eq!(parse_ndisc(&p), None);
    let a = [
        0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56,
    ];
    assert_eq!(
        solicited_node(a),
        [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0x12, 0x34, 0x56]
    );
    assert_eq!(
        ipv6_mc_mac(solicited_node(a)),
        [0x33, 0x33, 0xff, 0x12, 0x34, 0x56]
    );
    // A backup validates the active slave's solicitation by its destination, the target's
    // solicited-node group (C bond_get_targets_ip6()).
    assert!(ns_target_matches(&a, &a));
    assert!(ns_target_matches(&a, &solicited_node(a)));
    let mut other = solicited_node(a);
    other[15] ^= 1;
    assert!(!ns_target_matches(&a, &other));
    assert!(!ns_target_matches(&a, &[0; 16]));
}

#[test]
fn trust_rules() {
    let now = 100_000;
    let t = |slave_active, curr_active, arp_tx, reply| TrustIn {
        slave_active,
        curr_active,
        arp_slave_last_tx: arp_tx,
        reply,
    };
    assert_eq!(trust(&t(true, None, None, false), now, D), Trust::Direct);
    // A backup trusts swapped requests once the active slave received since it came up.
    assert_eq!(
        trust(&t(false, Some((now, now - 5)), None, false), now, D),
        Trust::Swapped
    );
    assert_eq!(
        trust(&t(false, Some((now - 5, now)), None, false), now, D),
        Trust::No
    );
    // A reply while the ARP slave sent in the last interval.
    assert_eq!(
        trust(&t(false, None, Some(now - 10), true), now, D),
        Trust::Direct
    );
    assert_eq!(
        trust(&t(false, None, Some(now - 10), false), now, D),
        Trust::No
    );
    assert_eq!(
        trust(&t(false, None, Some(now - 3 * D), true), now, D),
        Trust::No
    );
}
