// SPDX-License-Identifier: GPL-2.0

//! MII monitor state machine and active slave selection.

use bonding_modes::slaves::*;

fn p(up: i32, down: i32) -> MiiParams {
    MiiParams {
        miimon: 100,
        updelay: up,
        downdelay: down,
        active_backup: true,
    }
}

/// Runs the monitor on one slave for each carrier sample; returns the
/// committed states (as C applies proposals every tick).
fn run(link: Link, params: &MiiParams, carrier: &[bool]) -> Vec<Link> {
    let ticks: Vec<(bool, bool)> = carrier.iter().map(|&c| (true, c)).collect();
    run_mixed(link, params, &ticks)
}

#[test]
fn down_without_delay() {
    assert_eq!(
        run(Link::Up, &p(0, 0), &[true, false, false]),
        [Link::Up, Link::Down, Link::Down]
    );
}

#[test]
fn downdelay_counts_ticks_and_recovery_cancels() {
    use Link::*;
    // C decrements then checks: down on the third tick after the failure.
    assert_eq!(
        run(Up, &p(0, 2), &[false, false, false, false]),
        [Fail, Fail, Down, Down]
    );
    assert_eq!(run(Up, &p(0, 2), &[false, true]), [Fail, Up]);
}

#[test]
fn updelay_and_flap_during_back() {
    use Link::*;
    assert_eq!(
        run(Down, &p(2, 0), &[true, true, true, true]),
        [Back, Back, Up, Up]
    );
    assert_eq!(run(Down, &p(2, 0), &[true, false]), [Back, Down]);
}

#[test]
fn updelay_ignored_when_nothing_is_active() {
    let mut ign = true;
    // C falls through from DOWN to BACK and, ignoring the updelay, to UP at once.
    let r = mii_inspect(Link::Down, 0, true, false, &p(5, 0), &mut ign);
    assert_eq!(r.propose, Some(Link::Up));
    assert_eq!(r.events[0], Some(MiiEvent::UpIn { ms: 0 }));
    assert!(!ign, "only the first slave coming back skips the updelay");
    let r = mii_inspect(Link::Down, 0, true, false, &p(5, 0), &mut ign);
    assert_eq!(r.propose, Some(Link::Back));
    assert_eq!(r.delay, 4);
}

#[test]
fn log_lines_match_c() {
    let mut ign = false;
    let r = mii_inspect(Link::Up, 0, false, true, &p(0, 2), &mut ign);
    let mut s = String::new();
    r.events[0].unwrap().fmt_line(&mut s).unwrap();
    assert_eq!(
        s,
        "link status down for active interface, disabling it in 200 ms\n"
    );
}

/// Runs the monitor over a timeline of (tick?, carrier) samples, each a run: a tick or a run
/// between ticks made on a carrier event; returns the states after each run.
fn run_mixed(mut link: Link, params: &MiiParams, runs: &[(bool, bool)]) -> Vec<Link> {
    let mut delay = 0;
    let mut out = vec![];
    for &(tick, c) in runs {
        let mut ign = false;
        let r = if tick {
            mii_inspect(link, delay, c, true, params, &mut ign)
        } else {
            mii_inspect_off_tick(link, delay, c, true, params, &mut ign)
        };
        delay = r.delay;
        if let Some(l) = r.propose {
            link = l;
        }
        out.push(link);
    }
    out
}

#[test]
fn carrier_event_runs_between_ticks() {
    use Link::*;
    const T: bool = true;
    const E: bool = false;
    // Without delays the event decides at once, both ways.
    assert_eq!(
        run_mixed(Up, &p(0, 0), &[(E, false), (T, false), (E, true)]),
        [Down, Down, Up]
    );
    // With downdelay 2 the event starts the countdown, the ticks count it: down on the same tick
    // as C, whose first tick after the loss starts it ([Fail, Fail, Down] on ticks).
    assert_eq!(
        run_mixed(
            Up,
            &p(0, 2),
            &[(E, false), (T, false), (T, false), (T, false)]
        ),
        [Fail, Fail, Fail, Down]
    );
    assert_eq!(
        run(Up, &p(0, 2), &[false, false, false]),
        [Fail, Fail, Down]
    );
    // Events between ticks do not count: a second slave's events (or repeats) change nothing.
    assert_eq!(
        run_mixed(
            Up,
            &p(0, 2),
            &[
                (E, false),
                (E, false),
                (T, false),
                (E, false),
                (T, false),
                (T, false)
            ]
        ),
        [Fail, Fail, Fail, Fail, Fail, Down]
    );
    // Recovery during the countdown is seen at once, with C's line.
    let mut ign = false;
    let r = mii_inspect_off_tick(Fail, 1, true, true, &p(0, 2), &mut ign);
    assert_eq!(r.propose, Some(Up));
    assert_eq!(r.events[0], Some(MiiEvent::UpAgain { ms: 100 }));
    // updelay: the same on the way up; a loss while counting is seen at once.
    assert_eq!(
        run_mixed(
            Down,
            &p(2, 0),
            &[(E, true), (T, true), (T, true), (T, true)]
        ),
        [Back, Back, Back, Up]
    );
    assert_eq!(
        run_mixed(Down, &p(2, 0), &[(E, true), (E, false)]),
        [Back, Down]
    );
    // Nothing active: the first slave back is taken at once, also between ticks.
    let mut ign = true;
    let r = mii_inspect_off_tick(Down, 0, true, false, &p(5, 0), &mut ign);
    assert_eq!(r.propose, Some(Up));
    let mut ign = true;
    let r = mii_inspect_off_tick(Back, 3, true, false, &p(5, 0), &mut ign);
    assert_eq!(r.propose, Some(Up));
    // The log line of a countdown started between ticks is the tick's.
    let mut ign = false;
    let r = mii_inspect_off_tick(Up, 0, false, true, &p(0, 2), &mut ign);
    assert_eq!(
        r.events[0],
        Some(MiiEvent::DownIn {
            role: "active ",
            ms: 200
        })
    );
    assert_eq!(r.delay, 2);
    // A slave whose carrier agrees with its state: nothing.
    for (l, c) in [(Up, true), (Down, false)] {
        let r = mii_inspect_off_tick(l, 0, c, true, &p(2, 2), &mut ign);
        assert_eq!((r.propose, r.commit), (None, false));
    }
}

fn v(link: Link, prio: i32, speed: u32) -> SelView {
    SelView {
        link,
        prio,
        speed,
        duplex: 1,
        delay: 0,
        is_up: link == Link::Up,
    }
}

#[test]
fn selection_keeps_current_prefers_prio_and_primary() {
    use Link::*;
    let mut f = false;
    // Like C, with equal priorities the first slave in the list wins a
    // reselection (C only reselects on failures or higher-priority links).
    let s = [v(Up, 0, 1000), v(Up, 0, 1000)];
    assert_eq!(
        find_best_slave(&s, Some(1), None, &mut f, PRI_RESELECT_ALWAYS, 0),
        Some(0)
    );
    assert_eq!(
        find_best_slave(&s, Some(1), None, &mut f, PRI_RESELECT_FAILURE, 0),
        Some(1)
    );
    let s = [v(Up, 0, 1000), v(Up, 5, 1000)];
    assert_eq!(
        find_best_slave(&s, Some(0), None, &mut f, PRI_RESELECT_ALWAYS, 0),
        Some(1)
    );
    let s = [v(Down, 0, 1000), v(Up, 0, 1000)];
    assert_eq!(
        find_best_slave(&s, Some(0), None, &mut f, PRI_RESELECT_ALWAYS, 0),
        Some(1)
    );
    // Primary comes back: always -> primary; failure -> keep current.
    let s = [v(Up, 0, 1000), v(Up, 0, 1000)];
    assert_eq!(
        find_best_slave(&s, Some(1), Some(0), &mut f, PRI_RESELECT_ALWAYS, 0),
        Some(0)
    );
    assert_eq!(
        find_best_slave(&s, Some(1), Some(0), &mut f, PRI_RESELECT_FAILURE, 0),
        Some(1)
    );
    let s = [v(Up, 0, 10000), v(Up, 0, 1000)];
    assert_eq!(
        find_best_slave(&s, Some(1), Some(0), &mut f, PRI_RESELECT_BETTER, 0),
        Some(0)
    );
    let s = [v(Up, 0, 100), v(Up, 0, 1000)];
    assert_eq!(
        find_best_slave(&s, Some(1), Some(0), &mut f, PRI_RESELECT_BETTER, 0),
        Some(1)
    );
    let mut force = true;
    assert_eq!(
        find_best_slave(&s, Some(1), Some(0), &mut force, PRI_RESELECT_FAILURE, 0),
        Some(0)
    );
    assert!(!force);
    // Nothing up: the BACK slave closest to up.
    let mut a = v(Back, 0, 1000);
    a.delay = 3;
    a.is_up = true;
    let mut b = a;
    b.delay = 1;
    assert_eq!(find_best_slave(&[a, b], None, None, &mut f, 0, 5), Some(1));
    assert_eq!(
        find_best_slave(&[v(Down, 0, 0)], None, None, &mut f, 0, 5),
        None
    );
}

#[test]
fn round_robin_and_xor_choice() {
    assert_eq!(slave_by_id(1, 3, |_| true), Some(1));
    assert_eq!(slave_by_id(1, 3, |i| i != 1), Some(2));
    assert_eq!(slave_by_id(2, 3, |i| i == 0), Some(0));
    assert_eq!(slave_by_id(0, 3, |_| false), None);
    assert_eq!(rr_slave_id(1, 7), 7);
    assert_eq!(rr_slave_id(3, 7), 2);
    // reciprocal_divide() is exact: compare with C's formula for a sample.
    for d in [2u32, 3, 7, 100, 65535] {
        let l = 32 - (d - 1).leading_zeros();
        let m = (((1u64 << 32) * ((1u64 << l) - u64::from(d))) / u64::from(d) + 1) as u32;
        let (sh1, sh2) = (l.min(1), l.max(1) - 1);
        for a in [0u32, 1, 5, 99, 1 << 20, u32::MAX - 1, u32::MAX] {
            let t = ((u64::from(a) * u64::from(m)) >> 32) as u32;
            let r = (t + ((a - t) >> sh1)) >> sh2;
            assert_eq!(rr_slave_id(d, a), r, "a={a} d={d}");
        }
    }
    assert_eq!(xor_slave_index(5, 2), Some(1));
    assert_eq!(xor_slave_index(5, 0), None);
}
