// SPDX-License-Identifier: GPL-2.0

//! balance-alb receive load balancing (C `bond_alb.c`, `rlb_*`), with simulated slaves and
//! clients.

use bonding_modes::rlb::*;

const BOND_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0xa0];
const SERVER: [u8; 4] = [10, 0, 0, 1];

fn mac(slot: Slot) -> [u8; 6] {
    if slot == 0 {
        // The active slave carries the bond's address (C alb swaps it in).
        BOND_MAC
    } else {
        [0x02, 0, 0, 0, 0, 0xa0 + slot]
    }
}

fn sv(slot: Slot, speed: u32, can_tx: bool) -> SlaveView {
    SlaveView {
        slot,
        speed,
        can_tx,
        mac: mac(slot),
    }
}

fn client_mac(ip: [u8; 4]) -> [u8; 6] {
    [0x52, 0x54, 0, ip[1], ip[2], ip[3]]
}

/// An ARP request the bond sends for `client`.
fn request(client: [u8; 4]) -> Arp {
    Arp {
        op: ARPOP_REQUEST,
        mac_src: BOND_MAC,
        ip_src: SERVER,
        mac_dst: [0; 6],
        ip_dst: client,
    }
}

/// An ARP reply the bond sends to `client` (whose MAC it knows).
fn reply_to(client: [u8; 4]) -> Arp {
    Arp {
        op: ARPOP_REPLY,
        mac_src: BOND_MAC,
        ip_src: SERVER,
        mac_dst: client_mac(client),
        ip_dst: client,
    }
}

/// The client's reply to the bond's request.
fn reply_from(client: [u8; 4], cmac: [u8; 6]) -> Arp {
    Arp {
        op: ARPOP_REPLY,
        mac_src: cmac,
        ip_src: client,
        mac_dst: BOND_MAC,
        ip_dst: SERVER,
    }
}

fn nosend() -> impl FnMut(&ClientUpdate) {
    |u| panic!("unexpected update {u:?}")
}

/// The used list and the src lists are consistent: used list doubly linked and equal to the
/// assigned entries; every assigned entry is on the src list of `simple_hash(ip_src)`.
fn check_lists(r: &Rlb) {
    let mut prev = None;
    let mut n = 0;
    for (i, e) in r.clients() {
        assert!(e.assigned(), "used entry {i} not assigned");
        assert_eq!(e.used_prev(), prev, "used_prev of {i}");
        prev = Some(i);
        n += 1;
    }
    let assigned = (0..=255u8).filter(|&i| r.entry(i).assigned()).count();
    assert_eq!(n, assigned);
    for (i, e) in r.clients() {
        let h = simple_hash(&e.ip_src());
        let mut idx = r.entry(h).src_first();
        let mut back = Some(h);
        let mut found = false;
        let mut k = 0;
        while let Some(j) = idx {
            assert_eq!(r.entry(j).src_prev(), back, "src_prev of {j}");
            found |= j == i;
            back = Some(j);
            idx = r.entry(j).src_next();
            k += 1;
            assert!(k <= 256);
        }
        assert!(found, "entry {i} not on src list {h}");
    }
    // Every src list holds only assigned entries of its hash.
    for h in 0..=255u8 {
        let mut idx = r.entry(h).src_first();
        let mut k = 0;
        while let Some(j) = idx {
            let e = r.entry(j);
            assert!(e.assigned(), "unassigned {j} on src list {h}");
            assert_eq!(simple_hash(&e.ip_src()), h, "entry {j} on src list {h}");
            idx = e.src_next();
            k += 1;
            assert!(k <= 256);
        }
    }
}

#[test]
fn arp_parse() {
    let mut b = vec![0, 1, 8, 0, 6, 4, 0, 2];
    b.extend_from_slice(&[0x52, 0x54, 0, 0, 0, 9, 10, 0, 0, 9]);
    b.extend_from_slice(&[2, 0, 0, 0, 0, 0xa0, 10, 0, 0, 1]);
    assert_eq!(
        Arp::parse(&b),
        Some(Arp {
            op: ARPOP_REPLY,
            mac_src: [0x52, 0x54, 0, 0, 0, 9],
            ip_src: [10, 0, 0, 9],
            mac_dst: [2, 0, 0, 0, 0, 0xa0],
            ip_dst: [10, 0, 0, 1],
        })
    );
    assert_eq!(Arp::parse(&b[..27]), None);
    assert!(is_valid_ether_addr(&[0x52, 0, 0, 0, 0, 1]));
    assert!(!is_valid_ether_addr(&[0; 6]));
    assert!(!is_valid_ether_addr(&[0xff; 6]));
    assert!(!is_valid_ether_addr(&[0x01, 0, 0x5e, 0, 0, 1]));
}

#[test]
fn next_rx_slave_round_robin_and_speed() {
    let mut r = Rlb::new();
    let eq = [sv(0, 1000, true), sv(1, 1000, true), sv(2, 1000, true)];
    let picks: Vec<_> = (0..7).map(|_| r.next_rx_slave(eq).unwrap()).collect();
    assert_eq!(picks, [0, 1, 2, 0, 1, 2, 0]);
    // A slower slave gets nothing while faster ones can transmit.
    let mut r = Rlb::new();
    let mixed = [sv(0, 100, true), sv(1, 1000, true), sv(2, 1000, true)];
    let picks: Vec<_> = (0..5).map(|_| r.next_rx_slave(mixed).unwrap()).collect();
    assert_eq!(picks, [1, 2, 1, 2, 1]);
    // After slave 1, a faster slave before it wins over a slower one after it.
    let mut r = Rlb::new();
    let s = [sv(0, 10_000, true), sv(1, 1000, true), sv(2, 100, true)];
    assert_eq!(r.next_rx_slave(s), Some(0));
    assert_eq!(r.next_rx_slave(s), Some(0));
    // rx_slave that cannot transmit: the fastest of all, first of equals.
    let mut r = Rlb::new();
    assert_eq!(r.next_rx_slave(eq), Some(0));
    assert_eq!(r.next_rx_slave(eq), Some(1));
    let down1 = [sv(0, 1000, true), sv(1, 1000, false), sv(2, 1000, true)];
    assert_eq!(r.next_rx_slave(down1), Some(0));
    // None can transmit: no choice, rx_slave kept.
    assert_eq!(r.next_rx_slave([sv(0, 1000, false)]), None);
    assert_eq!(r.rx_slave(), Some(0));
}

#[test]
fn clients_get_slaves_round_robin() {
    let mut r = Rlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true), sv(2, 1000, true)];
    let mut got = vec![];
    for last in 2..=6u8 {
        let out = r.arp_xmit(
            &request([10, 0, 0, last]),
            None,
            Some(0),
            &BOND_MAC,
            s,
            &mut nosend(),
        );
        assert_eq!(out.set_mac_src, None, "requests keep their sender MAC");
        assert_eq!(out.no_channel, 0);
        got.push(out.slave.unwrap());
    }
    assert_eq!(got, [0, 1, 2, 0, 1]);
    // Requests: client MAC unknown (zero), no update needed yet; updates delayed.
    assert!(!r.rx_ntt());
    assert_eq!(r.update_delay_counter(), RLB_UPDATE_DELAY);
    let e = r.entry(simple_hash(&[10, 0, 0, 3]));
    assert_eq!(e.slave(), Some(1));
    assert_eq!(e.mac_dst(), [0; 6]);
    assert!(e.assigned() && !e.ntt());
    // The used list is newest first.
    let order: Vec<_> = r.clients().map(|(_, e)| e.ip_dst()[3]).collect();
    assert_eq!(order, [6, 5, 4, 3, 2]);
    check_lists(&r);

    // A second request for the same client keeps its slave.
    let out = r.arp_xmit(
        &request([10, 0, 0, 3]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    assert_eq!(out.slave, Some(1));
    // A reply to a client on slave 1 carries slave 1's MAC as sender; on slave 0 (the bond's
    // MAC) nothing is rewritten.
    let out = r.arp_xmit(
        &reply_to([10, 0, 0, 3]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    assert_eq!(out.slave, Some(1));
    assert_eq!(out.set_mac_src, Some(mac(1)));
    // The reply's target MAC was learned, but the existing entry was not marked.
    assert_eq!(
        r.entry(simple_hash(&[10, 0, 0, 3])).mac_dst(),
        client_mac([10, 0, 0, 3])
    );
    assert!(!r.rx_ntt());
    let out = r.arp_xmit(
        &reply_to([10, 0, 0, 2]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    assert_eq!(out.slave, Some(0));
    assert_eq!(out.set_mac_src, None);
    // An ARP to a known client with a broadcast target MAC keeps the learned MAC; a request
    // (target MAC zero) overwrites it with zeroes, as C.
    let mut bc = reply_to([10, 0, 0, 3]);
    bc.mac_dst = [0xff; 6];
    r.arp_xmit(&bc, None, Some(0), &BOND_MAC, s, &mut nosend());
    let h3 = simple_hash(&[10, 0, 0, 3]);
    assert_eq!(r.entry(h3).mac_dst(), client_mac([10, 0, 0, 3]));
    r.arp_xmit(
        &request([10, 0, 0, 3]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    assert_eq!(r.entry(h3).mac_dst(), [0; 6]);
    // Other ARP operations are not balanced and change nothing.
    let mut other = request([10, 0, 0, 9]);
    other.op = 3;
    let out = r.arp_xmit(&other, None, Some(0), &BOND_MAC, s, &mut nosend());
    assert_eq!(out.slave, None);
    assert!(!r.entry(simple_hash(&[10, 0, 0, 9])).assigned());
}

/// Runs the RLB part of the monitor `n` times; returns (tick number, update) for each update.
fn ticks(r: &mut Rlb, slaves: &[SlaveView], n: u32) -> Vec<(u32, ClientUpdate)> {
    let mut out = vec![];
    for t in 1..=n {
        r.monitor(slaves.iter().copied(), &mut |u| out.push((t, *u)));
    }
    out
}

#[test]
fn reply_from_client_updates_mac_then_burst() {
    let mut r = Rlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true)];
    let c1 = [10, 0, 0, 2];
    let c2 = [10, 0, 0, 3];
    for c in [c1, c2] {
        r.arp_xmit(&request(c), Some(5), Some(0), &BOND_MAC, s, &mut nosend());
    }
    assert!(!r.rx_ntt());
    // The clients answer: their MACs are learned and they need updates.
    r.arp_recv(&reply_from(c1, client_mac(c1)));
    r.arp_recv(&reply_from(c2, client_mac(c2)));
    assert!(r.rx_ntt());
    let e2 = r.entry(simple_hash(&c2));
    assert_eq!(e2.mac_dst(), client_mac(c2));
    assert!(e2.ntt());
    assert_eq!(e2.vlan_id(), 5);
    // A reply with the same MAC again changes nothing; a request from the client neither.
    let mut r2 = r.clone();
    r2.arp_recv(&reply_from(c1, client_mac(c1)));
    let mut req_from_client = reply_from(c1, [0x52, 0, 0, 0, 0, 0x77]);
    req_from_client.op = ARPOP_REQUEST;
    r2.arp_recv(&req_from_client);
    assert_eq!(r2.entry(simple_hash(&c1)).mac_dst(), client_mac(c1));
    // A reply for another server IP does not match the entry.
    let mut wrong = reply_from(c1, [0x52, 0, 0, 0, 0, 0x77]);
    wrong.ip_dst = [10, 0, 0, 99];
    r2.arp_recv(&wrong);
    assert_eq!(r2.entry(simple_hash(&c1)).mac_dst(), client_mac(c1));

    // The request delayed updates by 20 ticks: the burst goes out on the 21st, once per
    // client (newest first), from its slave, with its VLAN; then nothing is left to do.
    let ups = ticks(&mut r, &s, 60);
    assert_eq!(
        ups,
        [
            (
                21,
                ClientUpdate {
                    slave: 1,
                    ip_dst: c2,
                    ip_src: SERVER,
                    mac_dst: client_mac(c2),
                    vlan_id: 5
                }
            ),
            (
                21,
                ClientUpdate {
                    slave: 0,
                    ip_dst: c1,
                    ip_src: SERVER,
                    mac_dst: client_mac(c1),
                    vlan_id: 5
                }
            ),
        ]
    );
    assert!(!r.rx_ntt());
    assert!(!r.entry(simple_hash(&c1)).ntt());
    assert_eq!(r.update_delay_counter(), RLB_UPDATE_DELAY);
    // The same MAC again: no update needed.
    r.arp_recv(&reply_from(c1, client_mac(c1)));
    assert!(!r.rx_ntt());
    assert!(!r.entry(simple_hash(&c1)).ntt());
    assert_eq!(RLB_ARP_BURST_SIZE, 2);
}

#[test]
fn hash_collision_moves_old_client_to_active() {
    let mut r = Rlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true), sv(2, 1000, true)];
    let a = [10, 0, 0, 2];
    let b = [10, 0, 2, 0];
    assert_eq!(simple_hash(&a), simple_hash(&b));
    // Client a gets slave 0, a filler client slave 1, so that b's turn is slave 2.
    r.arp_xmit(&request(a), None, Some(0), &BOND_MAC, s, &mut nosend());
    r.arp_xmit(
        &request([10, 0, 0, 3]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    r.arp_recv(&reply_from(a, client_mac(a)));
    // Move a off the active slave so that the collision has to move it back.
    r.clear_slave(0, Some(1), s);
    let h = simple_hash(&a);
    assert_eq!(r.entry(h).slave(), Some(2));
    // b collides: a is moved to the active slave 0 and updated at once (from slave 0), then
    // the entry belongs to b with the next slave (0, after 2).
    let mut sent = vec![];
    let out = r.arp_xmit(&request(b), None, Some(0), &BOND_MAC, s, &mut |u| {
        sent.push(*u)
    });
    assert_eq!(
        sent,
        [ClientUpdate {
            slave: 0,
            ip_dst: a,
            ip_src: SERVER,
            mac_dst: client_mac(a),
            vlan_id: 0
        }]
    );
    assert_eq!(out.slave, Some(0));
    let e = r.entry(h);
    assert_eq!(e.ip_dst(), b);
    assert_eq!(e.mac_dst(), [0; 6]);
    assert!(!e.ntt());
    // Still one entry on the used list for the two clients.
    assert_eq!(r.clients().count(), 2);
    check_lists(&r);
    // Client a's reply no longer matches (the entry is b's): nothing changes.
    r.arp_recv(&reply_from(a, [0x52, 0, 0, 0, 0, 0x42]));
    assert_eq!(r.entry(h).mac_dst(), [0; 6]);

    // Collision with an old client whose MAC is unknown: moved, but no update sent.
    let mut r = Rlb::new();
    r.arp_xmit(&request(a), None, Some(0), &BOND_MAC, s, &mut nosend());
    r.arp_xmit(&request(b), None, Some(1), &BOND_MAC, s, &mut nosend());
    assert_eq!(r.entry(h).ip_dst(), b);
    // Collision when the old client already is on the active slave: no update sent.
    let mut r = Rlb::new();
    r.arp_xmit(&request(a), None, Some(0), &BOND_MAC, s, &mut nosend());
    r.arp_recv(&reply_from(a, client_mac(a)));
    assert_eq!(r.entry(h).slave(), Some(0));
    let out = r.arp_xmit(&request(b), None, Some(0), &BOND_MAC, s, &mut nosend());
    assert_eq!(out.slave, Some(1));
    // Without an active slave the old client is not moved (and not updated).
    let mut r = Rlb::new();
    r.arp_xmit(&request(a), None, Some(0), &BOND_MAC, s, &mut nosend());
    r.arp_recv(&reply_from(a, client_mac(a)));
    r.next_rx_slave(s);
    r.arp_xmit(&request(b), None, None, &BOND_MAC, s, &mut nosend());
    assert_eq!(r.entry(h).slave(), Some(2));
}

#[test]
fn slave_removal_moves_clients_and_retries() {
    let mut r = Rlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true), sv(2, 1000, true)];
    let clients: Vec<[u8; 4]> = (2..=7).map(|l| [10, 0, 0, l]).collect();
    for &c in &clients {
        r.arp_xmit(&request(c), None, Some(0), &BOND_MAC, s, &mut nosend());
    }
    // Clients 3 and 6 are on slave 1; client 6 never answered (MAC unknown).
    for &c in &clients[..4] {
        r.arp_recv(&reply_from(c, client_mac(c)));
    }
    let on1: Vec<_> = r
        .clients()
        .filter(|(_, e)| e.slave() == Some(1))
        .map(|(_, e)| e.ip_dst()[3])
        .collect();
    assert_eq!(on1, [6, 3]);
    // Let the first updates happen.
    ticks(&mut r, &s, 21);
    assert!(!r.rx_ntt());

    // Slave 1 goes down: its clients, in used-list order (6 then 3), go to the next rx slaves
    // after rx_slave 2 (client 7's): 0, then 2 (1 cannot transmit); only client 3 (known MAC)
    // needs an update, with retries.
    let down = [sv(0, 1000, true), sv(1, 1000, false), sv(2, 1000, true)];
    assert_eq!(r.rx_slave(), Some(2));
    let teach = r.clear_slave(1, Some(0), down);
    assert!(teach, "slave 1 is not the active slave");
    assert_eq!(r.entry(simple_hash(&[10, 0, 0, 6])).slave(), Some(0));
    assert_eq!(r.entry(simple_hash(&[10, 0, 0, 3])).slave(), Some(2));
    assert!(!r.entry(simple_hash(&[10, 0, 0, 6])).ntt());
    assert!(r.entry(simple_hash(&[10, 0, 0, 3])).ntt());
    assert!(r.rx_ntt());
    assert_eq!(r.update_retry_counter(), RLB_UPDATE_RETRY);
    assert!(r.clients().all(|(_, e)| e.slave() != Some(1)));

    // The teaching: promiscuous active slave, for 100 ticks.
    let mut p = RlbPromisc::new();
    assert!(p.teach());
    p.promisc_set(true);
    assert!(!p.teach(), "already promiscuous");
    let expire = (1..=150).find(|_| p.tick()).unwrap();
    assert_eq!(expire, RLB_PROMISC_TIMEOUT);
    assert!(p.timeout(true));
    assert!(!p.primary_is_promisc());
    assert!(!p.tick());
    assert_eq!(p.timeout_counter(), 0);

    // The update (delay 20 since the last burst, which set it): 4 bursts for client 3 (retry
    // counter 3, 2, 1, 0), 21 ticks apart; ntt cleared by the last.
    let ups = ticks(&mut r, &down, 200);
    let when: Vec<u32> = ups.iter().map(|(t, _)| *t).collect();
    assert_eq!(when, [21, 42, 63, 84]);
    assert!(ups
        .iter()
        .all(|(_, u)| u.slave == 2 && u.ip_dst == [10, 0, 0, 3]));
    assert!(!r.rx_ntt());
    assert!(!r.entry(simple_hash(&[10, 0, 0, 3])).ntt());
    check_lists(&r);

    // The active slave itself: no teaching.
    assert!(!r.clone().clear_slave(0, Some(0), down));
    // No active slave: no teaching either.
    assert!(!r.clone().clear_slave(2, None, down));

    // Release of a slave without clients still forgets rx_slave.
    let mut r1 = r.clone();
    assert_eq!(r1.rx_slave(), Some(2));
    r1.deinit_slave(1, Some(0), [sv(0, 1000, true), sv(2, 1000, true)]);
    assert_eq!(r1.rx_slave(), None);
    // Release of slave 2 (gone from the list, rx_slave forgotten): its clients (7, 4, 3) go to
    // the fastest remaining; with no slave left, to none.
    let mut r2 = r.clone();
    assert!(r2.deinit_slave(2, Some(0), [sv(0, 1000, true), sv(1, 10, true)]));
    assert_eq!(r2.entry(simple_hash(&[10, 0, 0, 3])).slave(), Some(0));
    assert!(r2.clients().all(|(_, e)| e.slave() != Some(2)));
    assert_eq!(r2.rx_slave(), Some(0));
    r2.clear_slave(0, None, [sv(0, 1000, false), sv(1, 10, false)]);
    r2.clear_slave(1, None, [sv(0, 1000, false), sv(1, 10, false)]);
    assert!(r2.clients().all(|(_, e)| e.slave().is_none()));
    // The subnet update counts the clients without a slave (C logs each).
    assert_eq!(r2.req_update_subnet_clients(&SERVER, &BOND_MAC, []), 6);
}

#[test]
fn slave_returns_rebalance() {
    let mut r = Rlb::new();
    let one = [sv(0, 1000, true), sv(1, 1000, false)];
    let both = [sv(0, 1000, true), sv(1, 1000, true)];
    for l in 2..=5u8 {
        let c = [10, 0, 0, l];
        r.arp_xmit(&request(c), None, Some(0), &BOND_MAC, one, &mut nosend());
    }
    r.arp_recv(&reply_from([10, 0, 0, 2], client_mac([10, 0, 0, 2])));
    ticks(&mut r, &one, 21);
    assert!(r.clients().all(|(_, e)| e.slave() == Some(0)));
    // Slave 1 comes up: C asks for a rebalance, done on the next tick: clients alternate
    // (used list order: 5, 4, 3, 2 -> rx slaves 1, 0, 1, 0 after rx_slave 0).
    r.request_rebalance();
    assert!(r.rebalance_pending());
    let ups = ticks(&mut r, &both, 1);
    assert!(ups.is_empty(), "updates wait for the delay");
    assert!(!r.rebalance_pending());
    let got: Vec<_> = r
        .clients()
        .map(|(_, e)| (e.ip_dst()[3], e.slave().unwrap()))
        .collect();
    assert_eq!(got, [(5, 1), (4, 0), (3, 1), (2, 0)]);
    // Only clients that changed slave and have a non-zero MAC need an update: none of them
    // here (2 stayed on 0, the others have zero MACs) -> no rx_ntt.
    assert!(!r.rx_ntt());
    // Rebalance again: 5 -> 1 (after 0), 4 -> 0, ...: the same; now a changed one with a MAC.
    r.arp_recv(&reply_from([10, 0, 0, 3], client_mac([10, 0, 0, 3])));
    let mut r3 = r.clone();
    r3.next_rx_slave(both); // shifts the round robin by one
    r3.rebalance(both);
    assert_eq!(r3.entry(simple_hash(&[10, 0, 0, 3])).slave(), Some(0));
    assert!(r3.rx_ntt());
    assert!(r3.entry(simple_hash(&[10, 0, 0, 3])).ntt());
    // A broadcast MAC is not zero: rebalance marks it (rlb_clear_slave would not).
    let mut r4 = Rlb::new();
    let mut a = reply_to([10, 0, 0, 8]);
    a.mac_dst = [0xff; 6];
    r4.arp_xmit(&a, None, Some(0), &BOND_MAC, one, &mut nosend());
    assert!(!r4.rx_ntt());
    r4.rebalance([sv(0, 1000, false), sv(1, 1000, true)]);
    assert!(r4.rx_ntt());
    // ... but no ARP goes to a broadcast MAC: the updates send nothing.
    assert_eq!(ticks(&mut r4, &both, 30), []);
}

#[test]
fn purge_src_ip() {
    let mut r = Rlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true)];
    let other_server = [10, 0, 1, 1];
    // Clients of two server IPs whose hashes differ, and a third server IP colliding with
    // SERVER's hash (10^1 == 10^1^1^1).
    let colliding = [10, 1, 1, 1];
    assert_eq!(simple_hash(&colliding), simple_hash(&SERVER));
    for l in 2..=4u8 {
        r.arp_xmit(
            &request([10, 0, 0, l]),
            None,
            Some(0),
            &BOND_MAC,
            s,
            &mut nosend(),
        );
    }
    let mut a = request([10, 0, 0, 20]);
    a.ip_src = other_server;
    r.arp_xmit(&a, None, Some(0), &BOND_MAC, s, &mut nosend());
    let mut a = request([10, 0, 0, 30]);
    a.ip_src = colliding;
    r.arp_xmit(&a, None, Some(0), &BOND_MAC, s, &mut nosend());
    check_lists(&r);
    assert_eq!(r.clients().count(), 5);
    // Our own ARP seen back (same MAC): nothing purged.
    r.arp_recv(&Arp {
        op: ARPOP_REQUEST,
        mac_src: BOND_MAC,
        ip_src: SERVER,
        mac_dst: [0; 6],
        ip_dst: [10, 0, 0, 2],
    });
    assert_eq!(r.clients().count(), 5);
    // Another host now uses SERVER's address: its 3 entries are deleted, the one of the
    // colliding IP on the same src list and the other server's stay.
    r.arp_recv(&Arp {
        op: ARPOP_REQUEST,
        mac_src: [0x52, 0, 0, 0, 0, 0x66],
        ip_src: SERVER,
        mac_dst: [0; 6],
        ip_dst: [10, 0, 0, 99],
    });
    let left: Vec<_> = r.clients().map(|(_, e)| e.ip_dst()[3]).collect();
    assert_eq!(left, [30, 20]);
    check_lists(&r);
    let gone = r.entry(simple_hash(&[10, 0, 0, 3]));
    assert!(!gone.assigned());
    assert_eq!(gone.slave(), None);
    assert_eq!(gone.src_next(), None);
    assert_eq!(gone.src_prev(), None);
    // The colliding server's entry is the only one left on that src list.
    assert_eq!(
        r.entry(simple_hash(&SERVER)).src_first(),
        Some(simple_hash(&[10, 0, 0, 30]))
    );
    // A deleted entry is reused cleanly by a new request.
    r.arp_xmit(
        &request([10, 0, 0, 3]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    assert_eq!(r.clients().count(), 3);
    check_lists(&r);
}

#[test]
fn client_changing_server_ip_relinks_src_list() {
    let mut r = Rlb::new();
    let s = [sv(0, 1000, true)];
    let c = [10, 0, 0, 2];
    r.arp_xmit(&request(c), None, Some(0), &BOND_MAC, s, &mut nosend());
    // The same client, asked from another server address: the entry is re-keyed and moves
    // to the other src list.
    let mut a = request(c);
    a.ip_src = [10, 0, 0, 77];
    r.arp_xmit(&a, None, Some(0), &BOND_MAC, s, &mut nosend());
    check_lists(&r);
    assert_eq!(r.entry(simple_hash(&SERVER)).src_first(), None);
    assert_eq!(
        r.entry(simple_hash(&[10, 0, 0, 77])).src_first(),
        Some(simple_hash(&c))
    );
    // Purging SERVER does not touch it any more.
    r.purge_src_ip(&SERVER, &[0x52, 0, 0, 0, 0, 1]);
    assert_eq!(r.clients().count(), 1);
    r.purge_src_ip(&[10, 0, 0, 77], &[0x52, 0, 0, 0, 0, 1]);
    assert_eq!(r.clients().count(), 0);
    assert_eq!(r.used_head(), None);
}

#[test]
fn req_update_slave_and_subnet_clients() {
    let mut r = Rlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true)];
    for l in 2..=5u8 {
        let c = [10, 0, 0, l];
        r.arp_xmit(&request(c), None, Some(0), &BOND_MAC, s, &mut nosend());
        r.arp_recv(&reply_from(c, client_mac(c)));
    }
    ticks(&mut r, &s, 21);
    assert!(!r.rx_ntt());
    // Slave 1's MAC changed: its clients (3, 5) need updates, with retries.
    r.req_update_slave_clients(1);
    let ntt: Vec<_> = r
        .clients()
        .filter(|(_, e)| e.ntt())
        .map(|(_, e)| e.ip_dst()[3])
        .collect();
    assert_eq!(ntt, [5, 3]);
    assert_eq!(r.update_retry_counter(), RLB_UPDATE_RETRY);
    // No client there: nothing, not even the retries.
    let mut r2 = Rlb::new();
    r2.req_update_slave_clients(1);
    assert!(!r2.rx_ntt());
    assert_eq!(r2.update_retry_counter(), 0);

    // A request the bond sends collapses the clients of its sender IP onto the active slave:
    // those not on the bond's MAC (slave 1's) need an update, the updates wait 20 ticks.
    let mut r = Rlb::new();
    for l in 2..=5u8 {
        let c = [10, 0, 0, l];
        r.arp_xmit(&request(c), None, Some(0), &BOND_MAC, s, &mut nosend());
        r.arp_recv(&reply_from(c, client_mac(c)));
    }
    ticks(&mut r, &s, 21);
    let out = r.arp_xmit(
        &request([10, 0, 0, 2]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    assert_eq!(out.slave, Some(0));
    let ntt: Vec<_> = r
        .clients()
        .filter(|(_, e)| e.ntt())
        .map(|(_, e)| e.ip_dst()[3])
        .collect();
    assert_eq!(ntt, [5, 3]);
    assert_eq!(r.update_delay_counter(), RLB_UPDATE_DELAY);
    assert_eq!(r.update_retry_counter(), 0);
    // Another server IP: nobody.
    let mut r2 = r.clone();
    r2.update_rx_clients(&mut |_| {});
    assert_eq!(
        r2.req_update_subnet_clients(&[10, 9, 9, 9], &BOND_MAC, s),
        0
    );
    assert!(r2.clients().all(|(_, e)| !e.ntt()));
}

#[test]
fn clear_vlan_and_initialize() {
    let mut r = Rlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true)];
    for l in 2..=5u8 {
        let vlan = if l % 2 == 0 { Some(100) } else { None };
        r.arp_xmit(
            &request([10, 0, 0, l]),
            vlan,
            Some(0),
            &BOND_MAC,
            s,
            &mut nosend(),
        );
    }
    r.clear_vlan(100);
    let left: Vec<_> = r.clients().map(|(_, e)| e.ip_dst()[3]).collect();
    assert_eq!(left, [5, 3]);
    check_lists(&r);
    r.clear_vlan(0);
    assert_eq!(r.clients().count(), 0);
    // rlb_initialize keeps what lives outside the table.
    r.arp_xmit(
        &request([10, 0, 0, 2]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    r.arp_recv(&reply_from([10, 0, 0, 2], client_mac([10, 0, 0, 2])));
    let rx = r.rx_slave();
    r.deinitialize();
    assert_eq!(r.used_head(), None);
    assert!(!r.entry(simple_hash(&[10, 0, 0, 2])).assigned());
    r.initialize();
    assert!(r.rx_ntt());
    assert_eq!(r.rx_slave(), rx);
    assert_eq!(r.update_delay_counter(), RLB_UPDATE_DELAY);
}

#[test]
fn debugfs_text() {
    let mut r = Rlb::new();
    let s = [sv(0, 1000, true), sv(1, 1000, true)];
    r.arp_xmit(
        &request([10, 0, 0, 2]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    r.arp_xmit(
        &request([192, 168, 100, 200]),
        None,
        Some(0),
        &BOND_MAC,
        s,
        &mut nosend(),
    );
    r.arp_recv(&reply_from(
        [10, 0, 0, 2],
        [0x52, 0x54, 0, 0xab, 0xcd, 0xef],
    ));
    let mut a = request([10, 0, 0, 9]);
    a.ip_src = [172, 16, 0, 1];
    r.arp_xmit(&a, None, Some(0), &BOND_MAC, s, &mut nosend());
    // The client on slave 0 loses its slave (nothing can transmit).
    r.clear_slave(0, None, [sv(0, 1000, false), sv(1, 1000, false)]);
    let mut text = String::new();
    r.debugfs_show(&mut text, &mut |slot, f| write!(f, "eth{slot}"))
        .unwrap();
    assert_eq!(
        text,
        "SourceIP        DestinationIP   Destination MAC   DEV\n\
         172.16.0.1      10.0.0.9        00:00:00:00:00:00 (none)\n\
         10.0.0.1        192.168.100.200 00:00:00:00:00:00 eth1\n\
         10.0.0.1        10.0.0.2        52:54:00:ab:cd:ef (none)\n"
    );
    let mut empty = String::new();
    Rlb::new()
        .debugfs_show(&mut empty, &mut |_, _| Ok(()))
        .unwrap();
    assert_eq!(empty, RLB_DEBUGFS_HEADER);
}

#[test]
fn promisc_active_change() {
    let mut p = RlbPromisc::new();
    assert!(!p.active_change(true));
    assert!(p.teach());
    p.promisc_set(false);
    assert!(!p.primary_is_promisc(), "dev_set_promiscuity failed");
    assert!(!p.tick());
    assert!(p.teach());
    p.promisc_set(true);
    for _ in 0..50 {
        assert!(!p.tick());
    }
    // Teaching again restarts the timeout: 100 more ticks.
    assert!(!p.teach());
    for _ in 0..99 {
        assert!(!p.tick());
    }
    assert!(p.tick());
    p.teach();
    // A new active slave: the old one leaves promiscuous mode, the timeout restarts.
    assert!(!p.active_change(false));
    assert!(p.active_change(true));
    assert_eq!(p.timeout_counter(), 0);
    assert!(!p.primary_is_promisc());
    // Timeout without an active slave: the counter restarts, the flag stays.
    p.teach();
    p.promisc_set(true);
    for _ in 0..99 {
        assert!(!p.tick());
    }
    assert!(p.tick());
    // rtnl_trylock failed: the next tick asks again.
    assert!(p.tick());
    assert!(!p.timeout(false));
    assert!(p.primary_is_promisc());
    assert_eq!(p.timeout_counter(), 0);
}

/// Random operations keep the used and src lists consistent (C's invariants).
#[test]
fn random_operations_keep_lists() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut r = Rlb::new();
    let mut up = [true; 4];
    for _ in 0..20_000 {
        let slaves: Vec<SlaveView> = (0..4u8)
            .map(|i| sv(i, 100 * (u32::from(i) % 2 + 1), up[usize::from(i)]))
            .collect();
        // Few addresses, so that entries collide and server IPs share src lists.
        let client = [10, 0, rnd(3) as u8, rnd(8) as u8];
        let server = [10, 0, 0, 1 + rnd(3) as u8];
        let cmac = [0x52, 0, 0, 0, 0, rnd(4) as u8];
        match rnd(9) {
            0 | 1 => {
                let mut a = request(client);
                a.ip_src = server;
                let vlan = if rnd(2) == 0 { None } else { Some(7) };
                r.arp_xmit(
                    &a,
                    vlan,
                    Some(0),
                    &BOND_MAC,
                    slaves.iter().copied(),
                    &mut |_| {},
                );
            }
            2 => {
                let mut a = reply_to(client);
                a.ip_src = server;
                r.arp_xmit(
                    &a,
                    None,
                    Some(0),
                    &BOND_MAC,
                    slaves.iter().copied(),
                    &mut |_| {},
                );
            }
            3 => {
                let mut a = reply_from(client, cmac);
                a.ip_dst = server;
                r.arp_recv(&a);
            }
            4 => {
                // Someone else answers for a server IP.
                let mut a = reply_from(server, cmac);
                a.op = ARPOP_REQUEST;
                r.arp_recv(&a);
            }
            5 => {
                let s = rnd(4) as u8;
                up[usize::from(s)] = !up[usize::from(s)];
                let views: Vec<SlaveView> =
                    (0..4u8).map(|i| sv(i, 100, up[usize::from(i)])).collect();
                if !up[usize::from(s)] {
                    r.clear_slave(s, Some(0), views.iter().copied());
                } else {
                    r.request_rebalance();
                }
            }
            6 => r.clear_vlan(if rnd(2) == 0 { 0 } else { 7 }),
            7 => r.monitor(slaves.iter().copied(), &mut |u| {
                assert!(is_valid_ether_addr(&u.mac_dst));
            }),
            _ => r.req_update_slave_clients(rnd(4) as u8),
        }
        check_lists(&r);
        // Every assigned client is at the index of its hash.
        for (i, e) in r.clients() {
            assert_eq!(simple_hash(&e.ip_dst()), i);
        }
    }
}
