// SPDX-License-Identifier: GPL-2.0

//! The 802.3ad machines of `modes::lacp` against C `bond_3ad.c`: PDU layout checked against
//! bytes written out by hand from 802.1AX, and bonds talking to each other over a simulated
//! wire (every tick: each bond runs `tick()`, then the LACPDUs queued by the sinks are handed to
//! the partner's `rx()`). Tick counts are C's timers (100 ms ticks): agg selection 8 s = 80 ticks
//! after `bond_3ad_initialize()` (1 tick after `bond_open()`), wait-while 2 s = 20 ticks,
//! short timeout 3 s = 30 ticks, long timeout 90 s = 900 ticks, churn 60 s = 600 ticks.

use bonding_modes::lacp::pdu::{Lacpdu, Marker};
use bonding_modes::lacp::*;

// ---------------------------------------------------------------- PDUs

#[test]
fn lacpdu_golden_bytes_and_round_trip() {
    let mut l = Lacpdu::TEMPLATE;
    l.actor_system_priority = 0x1234;
    l.actor_system = [0x02, 0, 0, 0, 0, 0xaa];
    l.actor_key = 0x0109;
    l.actor_port_priority = 0x00ff;
    l.actor_port = 0x0002;
    l.actor_state = 0x3d;
    l.partner_system_priority = 0xffff;
    l.partner_system = [0x02, 0, 0, 0, 0, 0xbb];
    l.partner_key = 0x0009;
    l.partner_port_priority = 0x0080;
    l.partner_port = 0x0105;
    l.partner_state = 0x0f;
    let b = l.encode();

    // 802.1AX-2008 5.4.2.2, written out field by field.
    let mut want = vec![
        0x01, 0x01, // subtype LACP, version 1
        0x01, 0x14, // TLV actor information, length 20
        0x12, 0x34, // actor system priority
        0x02, 0, 0, 0, 0, 0xaa, // actor system
        0x01, 0x09, // actor key
        0x00, 0xff, // actor port priority
        0x00, 0x02, // actor port
        0x3d, // actor state
        0, 0, 0, // reserved
        0x02, 0x14, // TLV partner information, length 20
        0xff, 0xff, // partner system priority
        0x02, 0, 0, 0, 0, 0xbb, // partner system
        0x00, 0x09, // partner key
        0x00, 0x80, // partner port priority
        0x01, 0x05, // partner port
        0x0f, // partner state
        0, 0, 0, // reserved
        0x03, 0x10, // TLV collector information, length 16
        0x00, 0x00, // collector max delay
    ];
    want.extend_from_slice(&[0; 12]);
    want.extend_from_slice(&[0x00, 0x00]); // terminator
    want.extend_from_slice(&[0; 50]);
    assert_eq!(want.len(), LACPDU_LEN);
    assert_eq!(&b[..], &want[..]);
    assert_eq!(Lacpdu::decode(&b), l);
    assert_eq!(Lacpdu::parse(&want), Some(l));
    // Longer frames are accepted (padding), shorter ones are not.
    let mut longer = want.clone();
    longer.extend_from_slice(&[0xee; 20]);
    assert_eq!(Lacpdu::parse(&longer), Some(l));
    assert_eq!(Lacpdu::parse(&want[..109]), None);
    // Any bytes round-trip.
    let any: [u8; LACPDU_LEN] = core::array::from_fn(|i| (i * 37 + 11) as u8);
    assert_eq!(Lacpdu::decode(&any).encode(), any);
}

#[test]
fn marker_response_golden_bytes() {
    let mut info = vec![
        0x02, 0x01, // subtype marker, version 1
        0x01, 0x10, // marker information, length 16
        0x00, 0x07, // requester port
        0x02, 0x11, 0x22, 0x33, 0x44, 0x55, // requester system
        0xde, 0xad, 0xbe, 0xef, // transaction id
        0x00, 0x00, // pad
        0x00, 0x00, // terminator
    ];
    info.extend_from_slice(&[0; 90]);
    assert_eq!(info.len(), MARKER_LEN);
    let m = Marker::parse(&info).unwrap();
    assert_eq!(m.requester_port, 7);
    assert_eq!(m.requester_transaction_id, 0xdeadbeef);
    assert_eq!(&m.encode()[..], &info[..]);

    // Through rx(): the response goes out with tlv_type 2, everything else echoed.
    let mut a = Side::new(0xa, 1, P_FAST);
    assert!(a.rx(0, &info));
    let mut want = info.clone();
    want[2] = 0x02;
    assert_eq!(a.sink.markers, vec![(0, want)]);
    assert_eq!(a.lacp.stats.marker_rx, 1);
    assert_eq!(a.lacp.stats.marker_resp_tx, 1);
    assert_eq!(a.slots[0].port.stats.marker_resp_tx, 1);
    // A response and an unknown TLV are counted, not answered.
    info[2] = 2;
    assert!(a.rx(0, &info));
    info[2] = 9;
    assert!(a.rx(0, &info));
    assert_eq!(a.sink.markers.len(), 1);
    assert_eq!(a.lacp.stats.marker_resp_rx, 1);
    assert_eq!(a.lacp.stats.marker_unknown_rx, 1);
    // Unknown subtype: not consumed; short: illegal.
    info[0] = 7;
    assert!(!a.rx(0, &info));
    assert!(!a.rx(0, &info[..20]));
    assert_eq!(a.lacp.stats.lacpdu_unknown_rx, 1);
    assert_eq!(a.lacp.stats.lacpdu_illegal_rx, 1);
    assert_eq!(a.slots[0].port.stats.lacpdu_illegal_rx, 1);
}

#[test]
fn churn_desc_and_msgs() {
    assert_eq!(ChurnState::Monitor.desc(), "monitoring");
    assert_eq!(ChurnState::Churned.desc(), "churned");
    assert_eq!(ChurnState::NoChurn.desc(), "none");
    assert_eq!(
        Msg::NoPartnerResponse.to_string(),
        "Warning: No 802.3ad response from the link partner for any adapters in the bond"
    );
    assert!(Msg::NoPartnerResponse.ratelimited());
    assert_eq!(
        Msg::SpeedZero { port: 3 }.to_string(),
        "speed changed to 0 on port 3"
    );
    assert_eq!(Msg::SpeedZero { port: 3 }.level(), Level::Err);
    assert_eq!(Msg::RemovingActiveAggregator.level(), Level::Info);
    assert!(Msg::UnknownSpeed { speed: 7, port: 1 }.once());
}

// ---------------------------------------------------------------- simulation

#[derive(Default)]
struct TestSink {
    lacpdus: Vec<(usize, [u8; LACPDU_LEN])>,
    markers: Vec<(usize, Vec<u8>)>,
    flags: Vec<(usize, Flags)>,
    logs: Vec<(Option<usize>, Msg)>,
    peer_notify: u32,
    fail_send: bool,
}

impl Sink for TestSink {
    fn send_lacpdu(&mut self, slot: usize, body: &[u8; LACPDU_LEN]) -> bool {
        if self.fail_send {
            return false;
        }
        self.lacpdus.push((slot, *body));
        true
    }
    fn send_marker(&mut self, slot: usize, body: &[u8; MARKER_LEN]) -> bool {
        self.markers.push((slot, body.to_vec()));
        true
    }
    fn set_flags(&mut self, slot: usize, f: Flags) {
        self.flags.push((slot, f));
    }
    fn peer_notify(&mut self) {
        self.peer_notify += 1;
    }
    fn log(&mut self, slot: Option<usize>, msg: Msg) {
        self.logs.push((slot, msg));
    }
}

const P_FAST: Params = Params {
    lacp_fast: true,
    lacp_active: true,
    ad_select: AdSelect::Stable,
    coupled_control: true,
    broadcast_neighbor: false,
    lacp_strict: false,
    min_links: 0,
    user_port_key: 0,
    sys_priority: 65535,
    sys_mac: [0; 6],
    bond_mac: [0; 6],
};

struct Side {
    lacp: Lacp,
    p: Params,
    slots: Vec<Slot>,
    sink: TestSink,
    /// LACPDUs sent, per slot, with the tick they were sent at.
    sent: Vec<(u32, usize)>,
    /// The tick a LACPDU last came in on slot 0.
    last_rx0: u32,
}

impl Side {
    /// A bond enslaving `n` slaves while up (C: `bond_3ad_initialize()` on the first, then
    /// `bond_3ad_bind_slave()` for each), all at 1 Gbit/s full duplex.
    fn new(mac: u8, n: usize, mut p: Params) -> Side {
        p.sys_mac = [0x02, 0, 0, 0, 0, mac];
        p.bond_mac = p.sys_mac;
        let mut s = Side {
            lacp: Lacp::new(),
            p,
            slots: Vec::new(),
            sink: TestSink::default(),
            sent: Vec::new(),
            last_rx0: 0,
        };
        for _ in 0..n {
            s.add(1000, DUPLEX_FULL);
        }
        s
    }

    fn add(&mut self, speed: u32, duplex: u8) {
        if self.slots.is_empty() {
            self.lacp.initialize();
        }
        let id = Lacp::next_id(&self.slots);
        let idx = self.slots.len();
        let slot = self
            .lacp
            .bind_with(&self.p, id, true, true, speed, duplex, idx, &mut self.sink);
        self.slots.push(slot);
    }

    fn tick(&mut self, now: u32) -> Outcome {
        let o = self.lacp.tick(&self.p, &mut self.slots, &mut self.sink);
        for (slot, _) in &self.sink.lacpdus {
            self.sent.push((now, *slot));
        }
        o
    }

    fn rx(&mut self, idx: usize, body: &[u8]) -> bool {
        self.lacp
            .rx(&self.p, &mut self.slots, idx, body, &mut self.sink)
    }

    fn mux(&self, i: usize) -> MuxState {
        self.slots[i].port.sm_mux_state
    }

    fn rx_state(&self, i: usize) -> RxState {
        self.slots[i].port.sm_rx_state
    }

    fn agg_id(&self, i: usize) -> Option<u16> {
        self.slots[i].port.aggregator_id()
    }

    /// Every port collecting and distributing in one active aggregator, every slave active.
    fn converged(&self) -> bool {
        let id = self.agg_id(0);
        id.is_some()
            && self.slots.iter().enumerate().all(|(i, s)| {
                self.agg_id(i) == id
                    && s.port.sm_mux_state == MuxState::CollectingDistributing
                    && s.port.slave_active
                    && Lacp::in_active_agg(&self.slots, i)
            })
    }

    fn last_flag(&self, i: usize) -> Option<Flags> {
        self.sink
            .flags
            .iter()
            .rev()
            .find(|(s, _)| *s == i)
            .map(|(_, f)| *f)
    }
}

/// Bonds and the cables between their slots.
struct Net {
    sides: Vec<Side>,
    /// (side, slot, side, slot, carries frames)
    links: Vec<(usize, usize, usize, usize, bool)>,
    now: u32,
}

impl Net {
    fn pair(a: Side, b: Side) -> Net {
        let n = a.slots.len().min(b.slots.len());
        Net {
            sides: vec![a, b],
            links: (0..n).map(|i| (0, i, 1, i, true)).collect(),
            now: 0,
        }
    }

    /// One tick on every bond, then the frames they sent cross the cables.
    fn step(&mut self) {
        self.now += 1;
        for s in &mut self.sides {
            s.tick(self.now);
        }
        let mut frames = Vec::new();
        for (si, s) in self.sides.iter_mut().enumerate() {
            for (slot, body) in s.sink.lacpdus.drain(..) {
                frames.push((si, slot, body));
            }
        }
        for (si, slot, body) in frames {
            for &(a, asl, b, bsl, up) in &self.links {
                if !up {
                    continue;
                }
                let (to, to_slot) = if (a, asl) == (si, slot) {
                    (b, bsl)
                } else if (b, bsl) == (si, slot) {
                    (a, asl)
                } else {
                    continue;
                };
                let side = &mut self.sides[to];
                side.rx(to_slot, &body);
                if to_slot == 0 {
                    side.last_rx0 = self.now;
                }
            }
        }
    }

    /// Steps until `f` holds (returns the tick) or `max` ticks passed (panics).
    fn until(&mut self, max: u32, what: &str, f: impl Fn(&Net) -> bool) -> u32 {
        for _ in 0..max {
            self.step();
            if f(self) {
                return self.now;
            }
        }
        panic!("{what}: not reached within {max} ticks");
    }
}

fn converged_pair(n: usize, p: Params) -> Net {
    let mut net = Net::pair(Side::new(0xa, n, p), Side::new(0xb, n, p));
    net.until(200, "convergence", |n| {
        n.sides[0].converged() && n.sides[1].converged()
    });
    net
}

// ---------------------------------------------------------------- convergence

#[test]
fn converges_when_enslaved_while_up() {
    for n in 2..=4 {
        let mut net = Net::pair(Side::new(0xa, n, P_FAST), Side::new(0xb, n, P_FAST));
        // Ports are attached after the wait-while timer, but none may collect/distribute
        // before the agg selection timer (80 ticks) ran out: at tick 80 the timer reaches 0
        // at the start of the tick, and every ATTACHED port in sync goes to
        // COLLECTING_DISTRIBUTING in that same tick.
        let t = net.until(200, "convergence", |n| {
            n.sides[0].converged() && n.sides[1].converged()
        });
        assert_eq!(t, 80, "{n} ports");
        for s in &net.sides {
            assert_eq!(Lacp::carrier(&s.p, &s.slots), Some(true));
            let info = Lacp::active_agg_info(&s.slots).unwrap();
            assert_eq!(usize::from(info.ports), n);
            assert_eq!(info.aggregator_id, 1);
            for i in 0..n {
                assert_eq!(s.last_flag(i), Some(Flags::Active));
                assert_eq!(s.rx_state(i), RxState::Current);
            }
        }
        let info = Lacp::active_agg_info(&net.sides[0].slots).unwrap();
        assert_eq!(info.partner_system, net.sides[1].p.sys_mac);
    }
}

#[test]
fn converges_after_open() {
    // Enslaved while down, then bond_open(): bond_3ad_initiate_agg_selection(bond, 1).
    let mut a = Side::new(0xa, 3, P_FAST);
    let mut b = Side::new(0xb, 3, P_FAST);
    a.lacp.initiate_agg_selection(1);
    b.lacp.initiate_agg_selection(1);
    let mut net = Net::pair(a, b);
    let t = net.until(200, "convergence", |n| {
        n.sides[0].converged() && n.sides[1].converged()
    });
    // WAITING at tick 2, wait-while 20 ticks: the last port of each bond is ATTACHED at 22
    // (READY_N of all ports of the aggregator), the others at 23; their in-sync LACPDU goes
    // out at 24 (fast periodic sent at 21, AD_MAX_TX_IN_SECOND holds the tx machine for 3
    // ticks), so the partner is in sync at the end of 24 and COLLECTING_DISTRIBUTING at 25.
    assert!((22..=30).contains(&t), "{t}");
    assert_eq!(t, 25);
}

// ---------------------------------------------------------------- timeouts

/// Cuts B→A, returns (ticks from the last LACPDU A received until EXPIRED, until DEFAULTED).
fn expiry(p: Params) -> (u32, u32) {
    let mut net = converged_pair(2, p);
    // Keep A→B only: B keeps sending, A no longer receives.
    let last_rx = net.sides[0].last_rx0;
    net.links = vec![];
    let a_to_b = |net: &mut Net| {
        // Deliver A's frames to B only.
        net.now += 1;
        let now = net.now;
        net.sides[0].tick(now);
        net.sides[1].tick(now);
        let frames: Vec<_> = net.sides[0].sink.lacpdus.drain(..).collect();
        net.sides[1].sink.lacpdus.clear();
        for (slot, body) in frames {
            net.sides[1].rx(slot, &body);
        }
    };
    let mut expired = None;
    let mut defaulted = None;
    for _ in 0..2000 {
        a_to_b(&mut net);
        let st = net.sides[0].rx_state(0);
        if st == RxState::Expired && expired.is_none() {
            expired = Some(net.now - last_rx);
            assert_eq!(
                net.sides[0].slots[0].port.actor_oper_port_state & LACP_STATE_EXPIRED,
                LACP_STATE_EXPIRED
            );
        }
        if st == RxState::Defaulted {
            defaulted = Some(net.now - last_rx);
            break;
        }
    }
    (expired.unwrap(), defaulted.unwrap())
}

#[test]
fn fast_timeout_expires_after_3s() {
    // current_while = short timeout (30 ticks), then EXPIRED restarts it with the short
    // timeout: DEFAULTED 30 ticks later.
    assert_eq!(expiry(P_FAST), (30, 60));
}

#[test]
fn slow_timeout_expires_after_90s() {
    let p = Params {
        lacp_fast: false,
        ..P_FAST
    };
    assert_eq!(expiry(p), (900, 930));
}

#[test]
fn partner_loss_and_return() {
    let mut net = converged_pair(3, P_FAST);
    // Cut the cable of slot 1 both ways.
    net.links[1].4 = false;
    let t0 = net.now;
    // EXPIRED clears the partner's sync: the port leaves COLLECTING_DISTRIBUTING and is
    // disabled, while the other ports stay.
    let t = net.until(100, "port 1 leaves", |n| {
        n.sides[0].mux(1) != MuxState::CollectingDistributing
    });
    assert_eq!(t - t0, 30);
    assert_eq!(net.sides[0].rx_state(1), RxState::Expired);
    assert_eq!(net.sides[0].last_flag(1), Some(Flags::Inactive));
    assert!(
        !Lacp::in_active_agg(&net.sides[0].slots, 1) || !net.sides[0].slots[1].port.slave_active
    );
    assert_eq!(net.sides[0].mux(0), MuxState::CollectingDistributing);
    assert!(net.sides[0].slots[0].port.slave_active);
    net.until(100, "defaulted", |n| {
        n.sides[0].rx_state(1) == RxState::Defaulted
    });
    // Defaulted: the port gets the admin partner (no partner) and a new aggregator.
    assert_ne!(net.sides[0].agg_id(1), net.sides[0].agg_id(0));
    assert_eq!(Lacp::active_agg_info(&net.sides[0].slots).unwrap().ports, 2);
    // The cable comes back: the port joins the aggregator again. Both ends are DEFAULTED, the
    // admin partner state has a long timeout, so the periodic machines are slow: the next
    // LACPDU comes within 30 s.
    net.links[1].4 = true;
    net.until(SLOW_PERIODIC_TICKS as u32 + 50, "reconverged", |n| {
        n.sides[0].converged() && n.sides[1].converged()
    });
    assert_eq!(Lacp::active_agg_info(&net.sides[0].slots).unwrap().ports, 3);
}

// ---------------------------------------------------------------- churn

#[test]
fn churn_detection() {
    // A has 2 ports; only port 0 has a partner. Port 1 never gets in sync: its aggregator
    // (no partner) is not the active one, so actor and partner churn after 60 s.
    let mut a = Side::new(0xa, 2, P_FAST);
    let b = Side::new(0xb, 1, P_FAST);
    a.lacp.initiate_agg_selection(1);
    let mut net = Net::pair(a, b);
    let mut churned_at = None;
    for _ in 0..700 {
        net.step();
        let port = &net.sides[0].slots[1].port;
        if churned_at.is_none() && port.actor_churn_state() == ChurnState::Churned {
            churned_at = Some(net.now);
        }
    }
    // CHURNED last set by the EXPIRED entry at tick 2; the churn timer (600) runs from there.
    assert_eq!(churned_at, Some(602));
    let bad = &net.sides[0].slots[1].port;
    assert_eq!(bad.actor_churn_state().desc(), "churned");
    assert_eq!(bad.partner_churn_state().desc(), "churned");
    assert_eq!((bad.churn_actor_count, bad.churn_partner_count), (1, 1));
    // The good port got in sync long before: no churn.
    let good = &net.sides[0].slots[0].port;
    assert_eq!(good.actor_churn_state().desc(), "none");
    assert_eq!(good.partner_churn_state().desc(), "none");
    assert_eq!((good.churn_actor_count, good.churn_partner_count), (0, 0));
}

// ---------------------------------------------------------------- keys and individual ports

#[test]
fn different_speeds_make_separate_aggregators() {
    let mut a = Side::new(0xa, 0, P_FAST);
    let mut b = Side::new(0xb, 0, P_FAST);
    for s in [&mut a, &mut b] {
        s.add(1000, DUPLEX_FULL);
        s.add(10000, DUPLEX_FULL);
        s.lacp.initiate_agg_selection(1);
    }
    let k0 = a.slots[0].port.actor_oper_port_key;
    let k1 = a.slots[1].port.actor_oper_port_key;
    // key = user key << 6 | AD_LINK_SPEED_* << 1 | full duplex
    assert_eq!((k0, k1), ((4 << 1) | 1, (7 << 1) | 1));
    let mut net = Net::pair(a, b);
    for _ in 0..100 {
        net.step();
    }
    for s in &net.sides {
        assert_ne!(s.agg_id(0), s.agg_id(1));
        assert!(s.agg_id(0).is_some() && s.agg_id(1).is_some());
        for i in 0..2 {
            let a = s.slots[i].port.aggregator_slot().unwrap();
            assert_eq!(s.slots[a].agg.num_of_ports, 1);
        }
        // Stable: the first aggregator with a partner stays active (1 port).
        assert_eq!(Lacp::active_agg_info(&s.slots).unwrap().ports, 1);
    }
}

#[test]
fn half_duplex_port_is_individual() {
    let mut a = Side::new(0xa, 0, P_FAST);
    a.add(100, 0);
    a.lacp.initiate_agg_selection(1);
    for t in 1..=50 {
        a.tick(t);
    }
    let s = &a.slots[0];
    assert_eq!(s.port.actor_oper_port_key, 3 << 1);
    assert_eq!(s.port.sm_rx_state, RxState::LacpDisabled);
    let g = &a.slots[s.port.aggregator_slot().unwrap()].agg;
    assert!(g.is_individual);
    assert!(g.is_active);
    // No LACPDU ever (LACP disabled), the warning, and the port is enabled since the
    // aggregator has no partner.
    assert!(a.sent.is_empty());
    assert!(a.sink.logs.contains(&(None, Msg::NoPartnerResponse)));
    assert_eq!(a.last_flag(0), Some(Flags::Active));
    assert_eq!(Lacp::carrier(&a.p, &a.slots), Some(true));
}

#[test]
fn partner_without_aggregation_bit_is_matched() {
    // A partner sending LACPDUs with AGGREGATION clear (an individual link): C's
    // __choose_matched() sets MATCHED, so its sync is recorded and the port forms.
    let mut a = Side::new(0xa, 1, P_FAST);
    a.lacp.initiate_agg_selection(1);
    let mut partner = Lacpdu::TEMPLATE;
    partner.actor_system = [0x02, 0, 0, 0, 0, 0xc];
    partner.actor_system_priority = 1;
    partner.actor_key = 77;
    partner.actor_port = 5;
    partner.actor_port_priority = 1;
    partner.actor_state = LACP_STATE_LACP_ACTIVITY
        | LACP_STATE_LACP_TIMEOUT
        | LACP_STATE_SYNCHRONIZATION
        | LACP_STATE_COLLECTING
        | LACP_STATE_DISTRIBUTING;
    let body = partner.encode();
    for t in 1..=60 {
        a.tick(t);
        a.sink.lacpdus.clear();
        a.rx(0, &body);
    }
    let port = &a.slots[0].port;
    assert_eq!(port.sm_vars & AD_PORT_MATCHED, AD_PORT_MATCHED);
    assert_eq!(port.partner_oper.key, 77);
    assert_eq!(port.partner_oper.port_state & LACP_STATE_AGGREGATION, 0);
    assert_eq!(port.sm_mux_state, MuxState::CollectingDistributing);
    let info = Lacp::active_agg_info(&a.slots).unwrap();
    assert_eq!(info.partner_key, 77);
    assert_eq!(info.partner_system, partner.actor_system);
}

// ---------------------------------------------------------------- coupled control

#[test]
fn independent_control_collects_then_distributes() {
    let p = Params {
        coupled_control: false,
        broadcast_neighbor: true,
        ..P_FAST
    };
    let mut a = Side::new(0xa, 2, p);
    let mut b = Side::new(0xb, 2, p);
    a.lacp.initiate_agg_selection(1);
    b.lacp.initiate_agg_selection(1);
    let mut net = Net::pair(a, b);
    let mut seen_collecting = false;
    let t = net.until(200, "distributing", |n| {
        n.sides.iter().all(|s| {
            (0..2).all(|i| s.mux(i) == MuxState::Distributing && s.slots[i].port.slave_active)
        })
    });
    assert!(t < 40, "{t}");
    for s in &net.sides {
        for i in 0..2 {
            let f: Vec<Flags> = s
                .sink
                .flags
                .iter()
                .filter(|(x, _)| *x == i)
                .map(|(_, f)| *f)
                .skip_while(|f| *f != Flags::RxEnabled)
                .collect();
            // COLLECTING: rx enabled, tx disabled; DISTRIBUTING: active.
            assert_eq!(
                &f[..3],
                &[Flags::RxEnabled, Flags::TxDisabled, Flags::Active],
                "{f:?}"
            );
            seen_collecting = true;
            let st = s.slots[i].port.actor_oper_port_state;
            assert_eq!(st & (LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING), 0x30);
        }
        // ad_cond_set_peer_notif() on entering DISTRIBUTING.
        assert!(s.sink.peer_notify >= 2);
    }
    assert!(seen_collecting);
}

#[test]
fn coupled_control_goes_straight_to_collecting_distributing() {
    let net = converged_pair(2, P_FAST);
    for s in &net.sides {
        assert!(!s
            .sink
            .flags
            .iter()
            .any(|(_, f)| *f == Flags::RxEnabled || *f == Flags::TxDisabled));
        assert_eq!(s.sink.peer_notify, 0); // broadcast_neighbor off
    }
}

// ---------------------------------------------------------------- ad_select

/// A with 5 ports: ports 0..3 to partner B (at `speed_b`), ports 3..5 to partner C (at
/// `speed_c`), bond opened after enslaving. `prio_c` is the actor_port_prio of the ports to C.
fn two_groups(sel: AdSelect, speed_b: u32, speed_c: u32, prio_c: u16, connect_c: bool) -> Net {
    let p = Params {
        ad_select: sel,
        ..P_FAST
    };
    let mut a = Side::new(0xa, 0, p);
    let mut b = Side::new(0xb, 0, p);
    let mut c = Side::new(0xc, 0, p);
    for _ in 0..3 {
        a.add(speed_b, DUPLEX_FULL);
        b.add(speed_b, DUPLEX_FULL);
    }
    for _ in 0..2 {
        a.add(speed_c, DUPLEX_FULL);
        c.add(speed_c, DUPLEX_FULL);
    }
    Lacp::set_port_priority(&mut a.slots, 3, prio_c);
    Lacp::set_port_priority(&mut a.slots, 4, prio_c);
    Lacp::update_actor_settings(&a.p.clone(), &mut a.slots);
    for s in [&mut a, &mut b, &mut c] {
        s.lacp.initiate_agg_selection(1);
    }
    let mut net = Net {
        sides: vec![a, b, c],
        links: vec![
            (0, 0, 1, 0, true),
            (0, 1, 1, 1, true),
            (0, 2, 1, 2, true),
            (0, 3, 2, 0, connect_c),
            (0, 4, 2, 1, connect_c),
        ],
        now: 0,
    };
    for _ in 0..150 {
        net.step();
    }
    net
}

fn active_partner(net: &Net) -> u8 {
    Lacp::active_agg_info(&net.sides[0].slots)
        .unwrap()
        .partner_system[5]
}

#[test]
fn ad_select_policies() {
    // 3 x 1G to B against 2 x 10G to C.
    assert_eq!(
        active_partner(&two_groups(AdSelect::Bandwidth, 1000, 10000, 0xff, true)),
        0xc
    );
    assert_eq!(
        active_partner(&two_groups(AdSelect::Count, 1000, 10000, 0xff, true)),
        0xb
    );
    // Same count: count falls back to bandwidth.
    // actor_port_prio: the larger sum of priorities wins (2 x 1000 > 3 x 255), before count.
    assert_eq!(
        active_partner(&two_groups(AdSelect::ActorPortPrio, 1000, 1000, 1000, true)),
        0xc
    );
    assert_eq!(
        active_partner(&two_groups(AdSelect::ActorPortPrio, 1000, 1000, 10, true)),
        0xb
    );
    // Equal priority sums (3 x 100 vs 2 x 150) -> count.
    let net = two_groups(AdSelect::ActorPortPrio, 1000, 1000, 0xff, true);
    assert_eq!(active_partner(&net), 0xb);
    // The transmit array follows the active aggregator.
    let a = &net.sides[0];
    assert!((0..3).all(|i| Lacp::in_active_agg(&a.slots, i) && a.slots[i].port.slave_active));
    assert!((3..5).all(|i| !Lacp::in_active_agg(&a.slots, i) && !a.slots[i].port.slave_active));
}

#[test]
fn ad_select_stable_keeps_the_active_aggregator() {
    for (sel, want) in [(AdSelect::Stable, 0xb), (AdSelect::Bandwidth, 0xc)] {
        // Only B answers at first; then C (more bandwidth) comes up.
        let mut net = two_groups(sel, 1000, 10000, 0xff, false);
        assert_eq!(active_partner(&net), 0xb);
        net.links[3].4 = true;
        net.links[4].4 = true;
        // C's ports are DEFAULTED with a slow periodic machine: first LACPDU within 30 s.
        for _ in 0..400 {
            net.step();
        }
        assert_eq!(active_partner(&net), want, "{sel:?}");
        // Only the active aggregator's ports are enabled.
        let a = &net.sides[0];
        let (on, off) = if want == 0xb {
            (0..3, 3..5)
        } else {
            (3..5, 0..3)
        };
        assert!(on
            .clone()
            .all(|i| a.slots[i].port.slave_active && Lacp::in_active_agg(&a.slots, i)));
        assert!(off
            .clone()
            .all(|i| !a.slots[i].port.slave_active && !Lacp::in_active_agg(&a.slots, i)));
        assert_eq!(a.slots.iter().filter(|s| s.agg.is_active).count(), 1);
    }
}

// ---------------------------------------------------------------- lacp_active

#[test]
fn passive_passive_has_no_periodic_but_forms_as_c_does_passive_active_forms() {
    let passive = Params {
        lacp_active: false,
        ..P_FAST
    };
    let active_sends = {
        let mut net = Net::pair(Side::new(0xa, 2, P_FAST), Side::new(0xb, 2, P_FAST));
        for _ in 0..400 {
            net.step();
        }
        net.sides[0].sent.len()
    };
    let mut a = Side::new(0xa, 2, passive);
    let mut b = Side::new(0xb, 2, passive);
    a.lacp.initiate_agg_selection(1);
    b.lacp.initiate_agg_selection(1);
    let mut net = Net::pair(a, b);
    let mut formed = None;
    for _ in 0..400 {
        net.step();
        for s in &net.sides {
            for i in 0..2 {
                // Neither end asks for periodic LACPDUs.
                assert_eq!(s.slots[i].port.sm_periodic_state, PeriodicState::NoPeriodic);
            }
        }
        if formed.is_none() && net.sides[0].converged() && net.sides[1].converged() {
            formed = Some(net.now);
        }
    }
    // C's ad_tx_machine() sends whenever ntt is set (mux state changes, __update_ntt()),
    // whatever the periodic machine says, so two passive Linux bonds still speak first (the
    // DETACHED entry at BEGIN sets ntt) and form; without periodic LACPDUs the fast
    // current_while timer then expires every ~33 ticks and the port re-syncs.
    assert_eq!(formed, Some(24));
    assert!(
        net.sides[0].sent.len() < active_sends,
        "{}",
        net.sides[0].sent.len()
    );

    let mut a = Side::new(0xa, 2, passive);
    let mut b = Side::new(0xb, 2, P_FAST);
    a.lacp.initiate_agg_selection(1);
    b.lacp.initiate_agg_selection(1);
    let mut net = Net::pair(a, b);
    net.until(200, "passive/active", |n| {
        n.sides[0].converged() && n.sides[1].converged()
    });
    // The passive side answers with periodic LACPDUs since its partner is active.
    assert_ne!(
        net.sides[0].slots[0].port.sm_periodic_state,
        PeriodicState::NoPeriodic
    );
    // Switching lacp_active off on the active side too: its ports stop asking.
    let p = net.sides[1].p;
    Lacp::update_lacp_active(
        &Params {
            lacp_active: false,
            ..p
        },
        &mut net.sides[1].slots,
    );
    assert_eq!(
        net.sides[1].slots[0].port.actor_oper_port_state & LACP_STATE_LACP_ACTIVITY,
        0
    );
}

// ---------------------------------------------------------------- tx rate limit

#[test]
fn at_most_3_lacpdus_per_second() {
    let mut net = Net::pair(Side::new(0xa, 3, P_FAST), Side::new(0xb, 3, P_FAST));
    for _ in 0..100 {
        net.step();
    }
    for s in &net.sides {
        for i in 0..3 {
            let ticks: Vec<u32> = s
                .sent
                .iter()
                .filter(|(_, x)| *x == i)
                .map(|(t, _)| *t)
                .collect();
            assert!(ticks.len() >= 10, "{ticks:?}");
            // The tx machine waits ad_ticks_per_sec / AD_MAX_TX_IN_SECOND = 3 ticks between
            // two LACPDUs: at most 34 in 100 ticks, and never more than 4 in any 10 ticks
            // (C's bound: 3 per 9 ticks).
            assert!(ticks.len() <= 34);
            assert!(ticks.windows(2).all(|w| w[1] - w[0] >= 3), "{ticks:?}");
            for w in 0..=90 {
                let n = ticks.iter().filter(|t| (w..w + 9).contains(*t)).count();
                assert!(n <= 3, "{ticks:?}");
            }
        }
    }
}

#[test]
fn failed_send_keeps_ntt() {
    let mut a = Side::new(0xa, 1, P_FAST);
    a.sink.fail_send = true;
    for t in 1..=10 {
        a.tick(t);
    }
    assert!(a.slots[0].port.ntt);
    assert_eq!(a.lacp.stats.lacpdu_tx, 0);
    a.sink.fail_send = false;
    a.tick(11);
    assert_eq!(a.lacp.stats.lacpdu_tx, 1);
    assert_eq!(a.slots[0].port.stats.lacpdu_tx, 1);
}

// ---------------------------------------------------------------- hostile input

#[test]
fn hostile_input_never_panics() {
    let mut net = converged_pair(3, P_FAST);
    let mut seed: u64 = 0x1234_5678;
    let mut rnd = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    let good = net.sides[1].slots[0].port.lacpdu.encode();
    for n in 0..5000 {
        let len = (rnd() % 200) as usize;
        let mut body: Vec<u8> = (0..len).map(|_| rnd() as u8).collect();
        match n % 4 {
            0 if len > 0 => body[0] = 1,
            1 if len > 2 => {
                body[0] = 2;
                body[2] = (rnd() % 3) as u8;
            }
            2 => {
                // A valid LACPDU with a few bytes flipped.
                body = good.to_vec();
                for _ in 0..4 {
                    let at = (rnd() as usize) % body.len();
                    body[at] = rnd() as u8;
                }
            }
            _ => {}
        }
        let idx = (rnd() % 5) as usize; // also out of range
        let a = &mut net.sides[0];
        a.lacp.rx(&a.p, &mut a.slots, idx, &body, &mut a.sink);
        if n % 7 == 0 {
            net.step();
        }
        if n % 501 == 0 {
            let a = &mut net.sides[0];
            let up = n % 2 == 0;
            a.slots[1].port.link_up = up;
            a.slots[1].port.slave_up = up;
            a.slots[1].port.speed = rnd();
            a.lacp.link_change(&a.p, &mut a.slots, 1, up, &mut a.sink);
            a.lacp
                .speed_duplex_changed(&a.p, &mut a.slots, 7, &mut a.sink);
        }
    }
    // Out-of-range indices everywhere are ignored.
    let a = &mut net.sides[0];
    assert!(!Lacp::in_active_agg(&a.slots, 99));
    a.lacp.unbind(&a.p, &mut a.slots, 99, &mut a.sink);
    Lacp::set_port_priority(&mut a.slots, 99, 1);
    // The wire still converges afterwards.
    for s in &mut net.sides {
        for sl in &mut s.slots {
            sl.port.link_up = true;
            sl.port.slave_up = true;
            sl.port.speed = 1000;
        }
    }
    let a = &mut net.sides[0];
    a.lacp.link_change(&a.p, &mut a.slots, 1, true, &mut a.sink);
    net.until(400, "reconverge", |n| {
        n.sides[0].converged() && n.sides[1].converged()
    });
}

// ---------------------------------------------------------------- unbind

#[test]
fn unbind_moves_the_other_ports() {
    let mut net = converged_pair(3, P_FAST);
    let a = &mut net.sides[0];
    // All ports are in slot 0's aggregator (id 1).
    assert!((0..3).all(|i| a.slots[i].port.aggregator_slot() == Some(0)));
    a.sink.lacpdus.clear();
    a.sink.logs.clear();
    let out = a.lacp.unbind(&a.p, &mut a.slots, 0, &mut a.sink);
    // The leaving port tells its partner: AGGREGATION, SYNC, COLLECTING, DISTRIBUTING off.
    assert_eq!(a.sink.lacpdus.len(), 1);
    let l = Lacpdu::decode(&a.sink.lacpdus[0].1);
    assert_eq!(l.actor_state & 0x3c, 0);
    a.slots.remove(0);
    assert_eq!(out, Outcome::default());
    // The other ports moved to the first free aggregator (slot 1's, id 2), still active; C
    // logs nothing since the active aggregator was not the removed port's only one.
    assert!(a.sink.logs.is_empty(), "{:?}", a.sink.logs);
    assert!((0..2).all(|i| a.slots[i].port.aggregator_slot() == Some(0)));
    assert!((0..2).all(|i| a.agg_id(i) == Some(2)));
    let info = Lacp::active_agg_info(&a.slots).unwrap();
    assert_eq!((info.aggregator_id, info.ports), (2, 2));
    assert!((0..2).all(|i| Lacp::in_active_agg(&a.slots, i)));
    assert_eq!(Lacp::carrier(&a.p, &a.slots), Some(true));
    assert_eq!(a.slots[0].agg.num_of_ports, 2);
    // New slaves get the next id.
    assert_eq!(Lacp::next_id(&a.slots), 4);
}

#[test]
fn unbind_of_the_last_port_of_the_active_aggregator() {
    let mut a = Side::new(0xa, 2, P_FAST);
    a.lacp.initiate_agg_selection(1);
    // No partner: each port alone in its own aggregator (no partner, not joinable).
    for t in 1..=30 {
        a.tick(t);
    }
    assert_ne!(a.agg_id(0), a.agg_id(1));
    let active = Lacp::active_agg_info(&a.slots).unwrap().aggregator_id;
    assert_eq!(active, a.agg_id(0).unwrap());
    a.sink.logs.clear();
    let out = a.lacp.unbind(&a.p, &mut a.slots, 0, &mut a.sink);
    a.slots.remove(0);
    assert_eq!(a.sink.logs, vec![(Some(0), Msg::RemovingActiveAggregator)]);
    assert!(out.set_carrier);
    // The other aggregator was selected, and its port enabled (no partner).
    let info = Lacp::active_agg_info(&a.slots).unwrap();
    assert_eq!(Some(info.aggregator_id), a.agg_id(0));
    assert_eq!(a.last_flag(0), Some(Flags::Active));
    assert_eq!(Lacp::carrier(&a.p, &a.slots), Some(true));
}

// ---------------------------------------------------------------- carrier, link, settings

#[test]
fn carrier_min_links_and_lacp_strict() {
    let mut net = converged_pair(3, P_FAST);
    let a = &mut net.sides[0];
    let p3 = Params {
        min_links: 3,
        ..a.p
    };
    let p4 = Params {
        min_links: 4,
        ..a.p
    };
    assert_eq!(Lacp::carrier(&p3, &a.slots), Some(true));
    assert_eq!(Lacp::carrier(&p4, &a.slots), Some(false));
    assert_eq!(Lacp::carrier(&a.p, &[]), None);
    // Link down on port 2: not enabled any more.
    a.slots[2].port.link_up = false;
    a.slots[2].port.slave_up = false;
    a.slots[2].port.dev_up = false;
    a.lacp
        .link_change(&a.p, &mut a.slots, 2, false, &mut a.sink);
    assert_eq!(a.slots[2].port.actor_oper_port_key, 0);
    assert_eq!(Lacp::carrier(&p3, &a.slots), Some(false));
    assert_eq!(Lacp::active_agg_info(&a.slots).unwrap().ports, 2);
    // lacp_strict counts ports collecting and distributing, whatever is_enabled says.
    let strict = Params {
        lacp_strict: true,
        ..p3
    };
    assert_eq!(Lacp::carrier(&strict, &a.slots), Some(true));
    for _ in 0..5 {
        net.step();
    }
    let a = &net.sides[0];
    assert_eq!(Lacp::carrier(&strict, &a.slots), Some(false));
}

#[test]
fn speed_change_restarts_the_port() {
    let mut net = converged_pair(2, P_FAST);
    let a = &mut net.sides[0];
    a.slots[1].port.speed = 10000;
    a.lacp
        .speed_duplex_changed(&a.p, &mut a.slots, 1, &mut a.sink);
    assert_eq!(a.slots[1].port.sm_vars & AD_PORT_BEGIN, AD_PORT_BEGIN);
    assert_eq!(a.slots[1].port.actor_oper_port_key, (7 << 1) | 1);
    net.step();
    assert_eq!(net.sides[0].mux(1), MuxState::Detached);
    // Unknown speed value: key speed 0, C's two lines.
    let a = &mut net.sides[0];
    a.sink.logs.clear();
    a.slots[1].port.speed = 12345;
    a.lacp
        .speed_duplex_changed(&a.p, &mut a.slots, 1, &mut a.sink);
    assert_eq!(
        a.sink.logs,
        vec![
            (
                Some(1),
                Msg::UnknownSpeed {
                    speed: 12345,
                    port: 2
                }
            ),
            (Some(1), Msg::SpeedZero { port: 2 })
        ]
    );
}

#[test]
fn lacp_rate_and_actor_settings() {
    let mut a = Side::new(0xa, 2, P_FAST);
    let slow = Params {
        lacp_fast: false,
        ..a.p
    };
    Lacp::update_lacp_rate(&slow, &mut a.slots);
    assert!(a
        .slots
        .iter()
        .all(|s| s.port.actor_oper_port_state & LACP_STATE_LACP_TIMEOUT == 0));
    let newsys = Params {
        sys_mac: [2, 9, 9, 9, 9, 9],
        sys_priority: 7,
        ..a.p
    };
    Lacp::set_port_priority(&mut a.slots, 1, 42);
    Lacp::update_actor_settings(&newsys, &mut a.slots);
    assert!(a
        .slots
        .iter()
        .all(|s| s.port.ntt && s.port.actor_system == newsys.sys_mac));
    assert_eq!(a.slots[1].port.actor_port_priority, 42);
    assert_eq!(a.slots[0].port.actor_port_priority, 0xff);
    assert_eq!(a.slots[1].port.actor_system_priority, 7);
}

#[test]
fn loopback_is_reported() {
    let mut a = Side::new(0xa, 2, P_FAST);
    for t in 1..=5 {
        a.tick(t);
    }
    // Our own LACPDU back on the other port.
    let own = a.slots[0].port.lacpdu.encode();
    assert!(a.rx(1, &own));
    assert_eq!(a.sink.logs.last(), Some(&(Some(1), Msg::IllegalLoopback)));
}
