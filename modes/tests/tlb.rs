// SPDX-License-Identifier: GPL-2.0

//! balance-tlb / balance-alb transmit table (C `bond_alb.c`, `tlb_*`), with simulated slaves.

use bonding_modes::tlb::*;

fn sv(slot: Slot, speed: u32, can_tx: bool) -> SlaveView {
    SlaveView {
        slot,
        speed,
        can_tx,
        mac: [2, 0, 0, 0, 0, slot],
    }
}

/// Every slave's list, walked from its head, is consistent (prev/next) and holds exactly the
/// entries whose `tx_slave` is that slave.
fn check_lists(t: &Tlb, slots: &[Slot]) {
    for &s in slots {
        let mut prev = None;
        let mut idx = t.slave(s).head();
        let mut n = 0;
        while let Some(i) = idx {
            let e = t.entry(i);
            assert_eq!(e.tx_slave(), Some(s), "entry {i} on list of {s}");
            assert_eq!(e.prev(), prev, "prev of {i}");
            prev = Some(i);
            idx = e.next();
            n += 1;
            assert!(n <= 256);
        }
        let owned = (0..=255u8)
            .filter(|&i| t.entry(i).tx_slave() == Some(s))
            .count();
        assert_eq!(n, owned, "list of {s} vs entries naming it");
    }
}

#[test]
fn simple_hash_is_xor() {
    assert_eq!(simple_hash(&[]), 0);
    assert_eq!(simple_hash(&[10, 0, 0, 1]), 11);
    assert_eq!(
        simple_hash(&[0xc0, 0xa8, 0x01, 0x02]),
        0xc0 ^ 0xa8 ^ 0x01 ^ 0x02
    );
    assert_eq!(tlb_hash_index(0x1234_56ab), 0xab);
}

#[test]
fn gap_is_c_u32_arithmetic() {
    assert_eq!(compute_gap(1000, 0), 1_048_576_000);
    assert_eq!(compute_gap(1000, 2000), 1_048_576_000 - 16_000);
    // speed << 20 wraps in u32: 4096 Mbit/s gives 0, 10G 1895825408, 25G 444596224.
    assert_eq!(compute_gap(4096, 0), 0);
    assert_eq!(compute_gap(10_000, 0), 1_895_825_408);
    assert_eq!(compute_gap(25_000, 0), 444_596_224);
    // SPEED_UNKNOWN (u32::MAX) << 20 = 0xfff00000.
    assert_eq!(compute_gap(u32::MAX, 0), 0xfff0_0000);
    // load << 3 wraps too.
    assert_eq!(compute_gap(0, 0x2000_0001), -8);
}

#[test]
fn least_loaded_by_speed_ties_by_order() {
    let mut t = Tlb::new();
    let s = [sv(0, 100, true), sv(1, 1000, true), sv(2, 1000, true)];
    assert_eq!(t.least_loaded(s), Some(1), "fastest, first of equals");
    // A slave that cannot transmit is never chosen.
    let s2 = [sv(0, 100, true), sv(1, 1000, false), sv(2, 1000, true)];
    assert_eq!(t.least_loaded(s2), Some(2));
    assert_eq!(t.least_loaded([sv(0, 100, false)]), None);
    // A fresh entry has load_history 0: the chosen slave's load does not grow, so every new
    // entry goes to the same slave until a rebalance (as in C).
    for h in 0..10u8 {
        assert_eq!(t.choose_channel(h, 100, s), Some(1));
    }
    assert_eq!(t.slave(1).load(), 0);
    check_lists(&t, &[0, 1, 2]);
    // The list is LIFO: the last assigned entry is the head.
    assert_eq!(t.slave(1).head(), Some(9));
    // The 25G wrap: a 25000 Mbit/s slave loses against 1000 Mbit/s in C.
    let t2 = Tlb::new();
    assert_eq!(
        t2.least_loaded([sv(0, 25_000, true), sv(1, 1000, true)]),
        Some(1)
    );
}

#[test]
fn no_slave_no_bytes() {
    let mut t = Tlb::new();
    assert_eq!(t.choose_channel(7, 1500, [sv(0, 1000, false)]), None);
    assert_eq!(t.entry(7).tx_bytes(), 0);
    assert_eq!(t.entry(7).tx_slave(), None);
}

/// The worked example of the rebalance (numbers by hand from C's formulas).
#[test]
fn rebalance_worked_numbers() {
    let mut t = Tlb::new();
    let a = sv(0, 1000, true);
    let b = sv(1, 1000, true);
    let both = [a, b];
    // 5,000,000 bytes to hash 1 and 3,000,000 to hash 2: all on A (loads 0, A first).
    for _ in 0..5000 {
        assert_eq!(t.choose_channel(1, 1000, both), Some(0));
    }
    for _ in 0..3000 {
        assert_eq!(t.choose_channel(2, 1000, both), Some(0));
    }
    assert_eq!(t.entry(1).tx_bytes(), 5_000_000);
    assert_eq!(t.entry(2).tx_bytes(), 3_000_000);
    // 20,000 unbalanced bytes through the active slave A.
    for _ in 0..20 {
        assert_eq!(
            t.do_xmit(None, Some(0), true, 1000, |_| true),
            TxAction::Send {
                slot: 0,
                set_src_mac: false
            }
        );
    }
    assert_eq!(t.unbalanced_load(), 20_000);

    t.rebalance([0, 1], Some(0));
    // load_history = 1 + tx_bytes / 10; tx_bytes = 0; unassigned.
    assert_eq!(t.entry(1).load_history(), 500_001);
    assert_eq!(t.entry(2).load_history(), 300_001);
    assert_eq!(t.entry(1).tx_bytes(), 0);
    assert_eq!(t.entry(1).tx_slave(), None);
    // Active slave's load = unbalanced_load / 10.
    assert_eq!(t.slave(0).load(), 2000);
    assert_eq!(t.slave(1).load(), 0);
    assert_eq!(t.unbalanced_load(), 0);
    assert_eq!(t.slave(0).head(), None);

    // Hash 1: gap A = 1048576000 - 16000, gap B = 1048576000 -> B; B.load = 500001.
    assert_eq!(t.choose_channel(1, 60, both), Some(1));
    assert_eq!(t.slave(1).load(), 500_001);
    // Hash 2: gap A = 1048560000 > gap B = 1048576000 - 4000008 = 1044575992 -> A.
    assert_eq!(t.choose_channel(2, 60, both), Some(0));
    assert_eq!(t.slave(0).load(), 302_001);
    // Hash 3 (load_history 0): gap A = 1048576000 - 2416008 = 1046159992 > B -> A.
    assert_eq!(t.choose_channel(3, 60, both), Some(0));
    assert_eq!(t.slave(0).load(), 302_001);
    assert_eq!(t.entry(1).tx_bytes(), 60);
    check_lists(&t, &[0, 1]);

    // A rebalance without the active slave among the slaves keeps unbalanced_load.
    t.do_xmit(None, Some(5), true, 70, |_| false);
    assert_eq!(t.unbalanced_load(), 70);
    t.rebalance([0, 1], Some(5));
    assert_eq!(t.unbalanced_load(), 70);
    assert_eq!(t.slave(0).load(), 0);
    // load_history of an entry with 60 bytes: 1 + 6.
    assert_eq!(t.entry(1).load_history(), 7);
}

#[test]
fn same_hash_keeps_slave() {
    let mut t = Tlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true)];
    assert_eq!(t.choose_channel(42, 1, s), Some(0));
    // Even when the other slave becomes the least loaded and the first cannot be chosen for
    // new entries, the entry keeps its slave (C does not look at can_tx for assigned entries).
    let s2 = [sv(0, 10, false), sv(1, 1000, true)];
    assert_eq!(t.choose_channel(42, 1, s2), Some(0));
    assert_eq!(t.entry(42).tx_bytes(), 2);
    assert_eq!(t.choose_channel(43, 1, s2), Some(1));
}

#[test]
fn slave_loss_and_return() {
    let mut t = Tlb::new();
    let all = [sv(0, 1000, true), sv(1, 1000, true), sv(2, 1000, true)];
    // Give entries load so that they spread: one round of traffic and a rebalance.
    for h in 0..6u8 {
        t.choose_channel(h, 10_000 * (u32::from(h) + 1), all);
    }
    t.rebalance([0, 1, 2], Some(0));
    let mut owner = [0u8; 6];
    for h in 0..6u8 {
        owner[usize::from(h)] = t.choose_channel(h, 100, all).unwrap();
    }
    // load_history 1001, 2001, ..., 6001: each goes to the largest gap in turn (loads after
    // each: [1001,0,0] [1001,2001,0] [1001,2001,3001] [5002,2001,3001] [5002,7002,3001]
    // [5002,7002,9002]).
    assert_eq!(owner, [0, 1, 2, 0, 1, 2]);
    assert_eq!(
        [t.slave(0).load(), t.slave(1).load(), t.slave(2).load()],
        [5002, 7002, 9002]
    );
    check_lists(&t, &[0, 1, 2]);
    let lh1 = t.entry(1).load_history();

    // Slave 1 loses its link (C bond_alb_handle_link_change: tlb_clear_slave(.., 0)).
    t.clear_slave(1, false);
    assert_eq!(t.slave(1).load(), 0);
    assert_eq!(t.slave(1).head(), None);
    assert_eq!(t.entry(1).tx_slave(), None);
    assert_eq!(t.entry(4).tx_slave(), None);
    // No saved load: load_history and tx_bytes stay.
    assert_eq!(t.entry(1).load_history(), lh1);
    assert_eq!(t.entry(1).tx_bytes(), 100);
    // Other slaves' entries are untouched.
    assert_eq!(t.entry(0).tx_slave(), Some(0));
    assert_eq!(t.entry(2).tx_slave(), Some(2));
    check_lists(&t, &[0, 1, 2]);

    // The next packets of its entries go to the rest by load: entry 1 (2001) to slave 0
    // (5002 < 9002) -> 7003; entry 4 (5001) to slave 0 again (7003 < 9002) -> 12004; then a
    // new entry 7 (load_history 0) to slave 2 (9002 < 12004).
    let down = [sv(0, 1000, true), sv(1, 1000, false), sv(2, 1000, true)];
    assert_eq!(t.choose_channel(1, 100, down), Some(0));
    assert_eq!(t.slave(0).load(), 7003);
    assert_eq!(t.choose_channel(4, 100, down), Some(0));
    assert_eq!(t.slave(0).load(), 12_004);
    assert_eq!(t.choose_channel(7, 100, down), Some(2));
    assert_eq!(t.slave(2).load(), 9002);
    check_lists(&t, &[0, 1, 2]);

    // The slave returns: C orders a rebalance; the next tick clears all with saved load.
    let mut ticks = AlbTicks::new();
    ticks.order_rebalance();
    let tick = ticks.tick(true, 1);
    assert!(tick.tx_rebalance);
    t.rebalance([0, 1, 2], Some(0));
    // Entries 1 and 4 had 200 bytes (load_history 21), the others 100 (11); all loads are 0
    // (no unbalanced load). The returned slave gets new entries again: 1 -> slave 0 (tie, first),
    // 2 -> slave 1, 3 -> slave 2, 4 -> slave 1 (loads 21, 11, 11).
    assert_eq!(t.entry(1).load_history(), 21);
    assert_eq!(t.entry(2).load_history(), 11);
    assert_eq!(t.choose_channel(1, 100, all), Some(0));
    assert_eq!(t.choose_channel(2, 100, all), Some(1));
    assert_eq!(t.choose_channel(3, 100, all), Some(2));
    assert_eq!(t.choose_channel(4, 100, all), Some(1));
    assert_eq!(t.slave(1).load(), 32);
    assert_eq!(t.slave(1).head(), Some(4));
    assert_eq!(t.entry(4).next(), Some(2));
    check_lists(&t, &[0, 1, 2]);
}

#[test]
fn do_xmit_paths() {
    let mut t = Tlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true)];
    t.choose_channel(5, 100, s);
    t.choose_channel(6, 100, [sv(1, 1000, true)]);
    // The chosen non-active slave sends with its own source MAC.
    assert_eq!(
        t.do_xmit(Some(1), Some(0), true, 100, |_| true),
        TxAction::Send {
            slot: 1,
            set_src_mac: true
        }
    );
    // The chosen slave cannot transmit: its entries are cleared (no saved load), dropped.
    assert_eq!(
        t.do_xmit(Some(1), Some(0), true, 100, |s| s != 1),
        TxAction::Drop
    );
    assert_eq!(t.entry(6).tx_slave(), None);
    assert_eq!(t.entry(6).load_history(), 0);
    assert_eq!(t.entry(5).tx_slave(), Some(0));
    assert_eq!(t.unbalanced_load(), 0);
    // Without tlb_dynamic_lb nothing is cleared and nothing counted.
    t.choose_channel(6, 100, [sv(1, 1000, true)]);
    assert_eq!(
        t.do_xmit(Some(1), Some(0), false, 100, |_| false),
        TxAction::Drop
    );
    assert_eq!(t.entry(6).tx_slave(), Some(1));
    assert_eq!(
        t.do_xmit(None, Some(0), false, 100, |_| true),
        TxAction::Send {
            slot: 0,
            set_src_mac: false
        }
    );
    assert_eq!(t.unbalanced_load(), 0);
    // No chosen slave and no active slave: counted (dynamic) and dropped.
    assert_eq!(t.do_xmit(None, None, true, 100, |_| true), TxAction::Drop);
    assert_eq!(t.unbalanced_load(), 100);
    // Fallback to an active slave that cannot transmit: counted, its entries cleared.
    assert_eq!(
        t.do_xmit(None, Some(0), true, 100, |_| false),
        TxAction::Drop
    );
    assert_eq!(t.unbalanced_load(), 200);
    assert_eq!(t.entry(5).tx_slave(), None);
    // u32 wrap of unbalanced_load, as C.
    t.do_xmit(None, Some(0), true, u32::MAX, |_| true);
    assert_eq!(t.unbalanced_load(), 199);
}

#[test]
fn nondynamic_mapping() {
    assert_eq!(nondyn_slave_index(7, 3), Some(1));
    assert_eq!(nondyn_slave_index(u32::MAX, 2), Some(1));
    assert_eq!(nondyn_slave_index(0x1234_5678, 1), Some(0));
    assert_eq!(nondyn_slave_index(5, 0), None);
    // Every hash maps into the range, in order.
    let hits: Vec<u32> = (0..6).filter_map(|h| nondyn_slave_index(h, 3)).collect();
    assert_eq!(hits, [0, 1, 2, 0, 1, 2]);
}

#[test]
fn ticks() {
    let mut k = AlbTicks::new();
    // lp_interval 1: learning packets every 10th tick; rebalance every 100th.
    let mut lp = vec![];
    let mut rb = vec![];
    for n in 1..=200 {
        let t = k.tick(true, 1);
        assert!(t.rlb);
        if t.learning_packets {
            lp.push(n);
        }
        if t.tx_rebalance {
            rb.push(n);
        }
    }
    assert_eq!(lp, (1..=20).map(|i| i * 10).collect::<Vec<_>>());
    assert_eq!(rb, [100, 200]);
    // lp_interval 3: every 30 ticks.
    let mut k = AlbTicks::new();
    let n = (1..=90)
        .filter(|_| k.tick(true, 3).learning_packets)
        .count();
    assert_eq!(n, 3);
    // No slaves: counters reset, nothing due.
    for _ in 0..5 {
        k.tick(true, 3);
    }
    assert_eq!(k.tick(false, 3), AlbTick::default());
    assert_eq!((k.lp_counter(), k.tx_rebalance_counter()), (0, 0));
    // A rebalance ordered (enslave, link up) happens on the next tick.
    k.order_rebalance();
    assert!(k.tick(true, 1).tx_rebalance);
    assert_eq!(k.tx_rebalance_counter(), 0);
    // C's int overflow of lp_interval * 10 (INT_MAX * 10 == -10): due every tick.
    let mut k = AlbTicks::new();
    assert!(k.tick(true, i32::MAX).learning_packets);
    assert!(k.tick(true, i32::MAX).learning_packets);
    // lp_interval 0x4ccccccd * 10 wraps to 2: every second tick.
    let mut k = AlbTicks::new();
    let v: Vec<bool> = (0..4)
        .map(|_| k.tick(true, 0x4ccc_cccd).learning_packets)
        .collect();
    assert_eq!(v, [false, true, false, true]);
    assert!(learning_strict_match(false, false));
    assert!(!learning_strict_match(true, false));
    assert!(learning_strict_match(true, true));
}

#[test]
fn slots() {
    assert_eq!(free_slot([]), Some(0));
    assert_eq!(free_slot([0, 1, 3]), Some(2));
    assert_eq!(free_slot(0..=63), Some(64));
    assert_eq!(free_slot((0..=254).chain([255])), None);
    assert_eq!(free_slot(0..=254), Some(255));
}

fn ipv4(daddr: [u8; 4], proto: u8) -> Vec<u8> {
    let mut h = vec![0x45, 0, 0, 20, 0, 0, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1];
    h.extend_from_slice(&daddr);
    h
}

fn ipv6(saddr: [u8; 16], daddr: [u8; 16], next: u8, icmp_type: u8) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0, 0, 8, next, 255];
    h.extend_from_slice(&saddr);
    h.extend_from_slice(&daddr);
    h.extend_from_slice(&[icmp_type, 0, 0, 0, 0, 0, 0, 0]);
    h
}

#[test]
fn alb_classification() {
    let uc = [0x02, 0, 0, 0, 0, 9];
    let bc = [0xff; 6];
    assert_eq!(
        alb_tx_class(&uc, 0x0800, &ipv4([10, 0, 0, 2], 6)),
        AlbTxClass::Balance(10 ^ 2)
    );
    assert_eq!(
        alb_tx_class(&bc, 0x0800, &ipv4([10, 0, 0, 2], 6)),
        AlbTxClass::NoBalance
    );
    assert_eq!(
        alb_tx_class(&uc, 0x0800, &ipv4([255; 4], 17)),
        AlbTxClass::NoBalance
    );
    assert_eq!(
        alb_tx_class(&uc, 0x0800, &ipv4([10, 0, 0, 2], 2)),
        AlbTxClass::NoBalance,
        "IGMP"
    );
    assert_eq!(
        alb_tx_class(&uc, 0x0800, &[0x45; 19]),
        AlbTxClass::NoBalance
    );
    let mut src = [0u8; 16];
    src[0] = 0xfe;
    src[15] = 1;
    let mut dst = [0u8; 16];
    dst[0] = 0x20;
    dst[15] = 0x33;
    assert_eq!(
        alb_tx_class(&uc, 0x86dd, &ipv6(src, dst, 6, 0)),
        AlbTxClass::Balance(0x20 ^ 0x33)
    );
    // ICMPv6 echo is balanced, NS/NA are not.
    assert_eq!(
        alb_tx_class(&uc, 0x86dd, &ipv6(src, dst, 58, 128)),
        AlbTxClass::Balance(0x20 ^ 0x33)
    );
    assert_eq!(
        alb_tx_class(&uc, 0x86dd, &ipv6(src, dst, 58, 135)),
        AlbTxClass::NoBalance
    );
    assert_eq!(
        alb_tx_class(&uc, 0x86dd, &ipv6(src, dst, 58, 136)),
        AlbTxClass::NoBalance
    );
    // DAD (unspecified source), all-nodes MAC, short header.
    assert_eq!(
        alb_tx_class(&uc, 0x86dd, &ipv6([0; 16], dst, 6, 0)),
        AlbTxClass::NoBalance
    );
    assert_eq!(
        alb_tx_class(&MAC_V6_ALLMCAST, 0x86dd, &ipv6(src, dst, 6, 0)),
        AlbTxClass::NoBalance
    );
    assert_eq!(
        alb_tx_class(&uc, 0x86dd, &[0x60; 39]),
        AlbTxClass::NoBalance
    );
    assert_eq!(alb_tx_class(&uc, 0x0806, &[]), AlbTxClass::Arp);
    assert_eq!(alb_tx_class(&uc, 0x88cc, &[]), AlbTxClass::NoBalance);

    assert!(tlb_balances(&uc, 0x0800, &[]));
    assert!(!tlb_balances(&[0x01, 0, 0x5e, 0, 0, 1], 0x0800, &[]));
    assert!(tlb_balances(&uc, 0x86dd, &ipv6(src, dst, 6, 0)));
    assert!(!tlb_balances(&uc, 0x86dd, &ipv6(src, dst, 58, 135)));
    // ICMPv6 without a full ICMPv6 header counts as ND.
    assert!(!tlb_balances(&uc, 0x86dd, &ipv6(src, dst, 58, 128)[..44]));
    assert!(!tlb_balances(&uc, 0x0806, &[]));
}

#[test]
fn tx_bytes_wrap_and_initialize() {
    let mut t = Tlb::new();
    let s = [sv(3, 100, true)];
    t.choose_channel(0, u32::MAX, s);
    t.choose_channel(0, 2, s);
    assert_eq!(t.entry(0).tx_bytes(), 1);
    t.rebalance([3], None);
    assert_eq!(t.entry(0).load_history(), 1);
    t.choose_channel(0, 5, s);
    t.initialize();
    assert_eq!(t.entry(0).tx_slave(), None);
    assert_eq!(t.entry(0).load_history(), 0);
    // The slave's record lives outside the table in C: kept.
    assert_eq!(t.slave(3).head(), Some(0));
    t.init_slave(3);
    assert_eq!(t.slave(3).head(), None);
}

#[test]
fn learning_packet_bytes() {
    let p = learning_packet(&[0x02, 0x11, 0x22, 0x33, 0x44, 0x55]);
    assert_eq!(p.len(), 60);
    assert_eq!(
        p[..14],
        [2, 0x11, 0x22, 0x33, 0x44, 0x55, 2, 0x11, 0x22, 0x33, 0x44, 0x55, 0x90, 0]
    );
    assert!(p[14..].iter().all(|&b| b == 0));
}

/// Random traffic, link changes and rebalances keep every slave's list consistent.
#[test]
fn random_operations_keep_lists() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut t = Tlb::new();
    let mut up = [true; 4];
    let speeds = [100, 1000, 1000, 10_000];
    for _ in 0..20_000 {
        let views: Vec<SlaveView> = (0..4u8)
            .map(|i| sv(i, speeds[usize::from(i)], up[usize::from(i)]))
            .collect();
        match rnd(10) {
            0 => {
                let s = rnd(4) as u8;
                up[usize::from(s)] = !up[usize::from(s)];
                if !up[usize::from(s)] {
                    t.clear_slave(s, false);
                }
            }
            1 => t.rebalance(0..4u8, Some(0)),
            2 => {
                let s = rnd(4) as u8;
                t.do_xmit(Some(s), Some(0), true, 64, |x| up[usize::from(x)]);
            }
            _ => {
                let h = rnd(256) as u8;
                let len = 64 + rnd(1400) as u32;
                if let Some(s) = t.choose_channel(h, len, views.iter().copied()) {
                    assert_eq!(t.entry(h).tx_slave(), Some(s));
                }
            }
        }
        check_lists(&t, &[0, 1, 2, 3]);
        // No entry is on two lists: together they hold exactly the assigned entries.
        let listed: usize = (0..4u8)
            .map(|s| {
                let mut n = 0;
                let mut i = t.slave(s).head();
                while let Some(j) = i {
                    n += 1;
                    i = t.entry(j).next();
                }
                n
            })
            .sum();
        let assigned = (0..=255u8)
            .filter(|&i| t.entry(i).tx_slave().is_some())
            .count();
        assert_eq!(listed, assigned);
    }
}

/// A transmit racing with a release gives the released slot a bucket after `clear_slave()`
/// emptied it; `forget_slot()` for the slot's next slave frees that bucket too, and the slot
/// starts without entries or load.
#[test]
fn forget_slot_frees_buckets_of_a_reused_slot() {
    let mut t = Tlb::new();
    let a = [sv(0, 1000, true), sv(1, 1000, true)];
    assert_eq!(t.choose_channel(7, 100, a), Some(0));
    // Release of slot 0, then a late transmit on the old snapshot gives it bucket 9.
    t.clear_slave(0, false);
    assert_eq!(t.choose_channel(9, 100, [sv(0, 1000, true)]), Some(0));
    t.init_slave(0);
    assert_eq!(
        t.entry(9).tx_slave(),
        Some(0),
        "init_slave alone leaves the bucket"
    );
    t.forget_slot(0);
    assert_eq!(t.entry(9).tx_slave(), None);
    assert_eq!(t.entry(7).tx_slave(), None);
    assert_eq!(t.slave(0).head(), None);
    assert_eq!(t.slave(0).load(), 0);
    // The bucket is chosen anew, by load.
    assert_eq!(
        t.choose_channel(9, 100, [sv(1, 1000, true), sv(0, 1000, true)]),
        Some(1)
    );
    check_lists(&t, &[0, 1]);
}
