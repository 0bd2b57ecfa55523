// SPDX-License-Identifier: GPL-2.0

//! Slave link states, the MII monitor's state machine (C
//! `bond_miimon_inspect()`), active slave selection (C
//! `bond_find_best_slave()` / `bond_choose_primary_or_current()`) and the
//! transmit slave choice of the modes without per-slave tables (balance-rr,
//! active-backup, balance-xor, broadcast).

/// Slave link state (`BOND_LINK_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Link {
    /// `BOND_LINK_UP`: link is up and running.
    Up = 0,
    /// `BOND_LINK_FAIL`: link failed, waiting for downdelay.
    Fail = 1,
    /// `BOND_LINK_DOWN`: link is down.
    Down = 2,
    /// `BOND_LINK_BACK`: link came back, waiting for updelay.
    Back = 3,
}

impl Link {
    /// From the stored byte (anything unknown reads as down).
    pub const fn from_u8(v: u8) -> Link {
        match v {
            0 => Link::Up,
            1 => Link::Fail,
            3 => Link::Back,
            _ => Link::Down,
        }
    }

    /// C `bond_slave_link_status()`.
    pub const fn status_name(self) -> &'static str {
        match self {
            Link::Up => "up",
            Link::Fail => "going down",
            Link::Down => "down",
            Link::Back => "going back",
        }
    }
}

/// A log line of the MII monitor's inspection (C `slave_info()` calls in
/// `bond_miimon_inspect()`); the text is produced by [`MiiEvent::fmt_line`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MiiEvent {
    /// "link status down for %sinterface, disabling it in %d ms".
    DownIn {
        /// "active ", "backup " or "" (modes other than active-backup).
        role: &'static str,
        /// downdelay in ms.
        ms: i64,
    },
    /// "link status up again after %d ms".
    UpAgain {
        /// Elapsed ms.
        ms: i64,
    },
    /// "link status up, enabling it in %d ms".
    UpIn {
        /// updelay in ms (0 if ignored).
        ms: i64,
    },
    /// "link status down again after %d ms".
    DownAgain {
        /// Elapsed ms.
        ms: i64,
    },
}

impl MiiEvent {
    /// Formats the log line (without the device prefix, with `\n`).
    pub fn fmt_line(&self, f: &mut dyn core::fmt::Write) -> core::fmt::Result {
        match *self {
            MiiEvent::DownIn { role, ms } => writeln!(
                f,
                "link status down for {}interface, disabling it in {} ms",
                role, ms
            ),
            MiiEvent::UpAgain { ms } => writeln!(f, "link status up again after {} ms", ms),
            MiiEvent::UpIn { ms } => writeln!(f, "link status up, enabling it in {} ms", ms),
            MiiEvent::DownAgain { ms } => {
                writeln!(f, "link status down again after {} ms", ms)
            }
        }
    }
}

/// MII monitor settings (delays in units of `miimon`, as C stores them).
#[derive(Clone, Copy, Debug)]
pub struct MiiParams {
    /// `params.miimon` in ms.
    pub miimon: i32,
    /// `params.updelay` (multiples of miimon).
    pub updelay: i32,
    /// `params.downdelay` (multiples of miimon).
    pub downdelay: i32,
    /// Bond is in active-backup mode (for the log line's role).
    pub active_backup: bool,
}

/// Result of inspecting one slave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inspect {
    /// Proposed new state (`None`: `BOND_LINK_NOCHANGE`).
    pub propose: Option<Link>,
    /// New `slave->delay`.
    pub delay: i32,
    /// Whether this slave asks for a commit.
    pub commit: bool,
    /// Log lines, in order (at most two: C falls through from UP to FAIL).
    pub events: [Option<MiiEvent>; 2],
    /// `slave->last_link_up` must be refreshed.
    pub touch_last_link_up: bool,
}

impl Inspect {
    /// Nothing proposed, nothing logged, the delay as it was.
    fn unchanged(delay: i32) -> Self {
        Inspect {
            propose: None,
            delay,
            commit: false,
            events: [None, None],
            touch_last_link_up: false,
        }
    }
}

/// C `bond_miimon_inspect()` for one slave. `carrier` is
/// `netif_running() && netif_carrier_ok()`; `is_active` the slave's active
/// flag; `ignore_updelay` is the loop-carried C variable.
pub fn mii_inspect(
    link: Link,
    delay: i32,
    carrier: bool,
    is_active: bool,
    p: &MiiParams,
    ignore_updelay: &mut bool,
) -> Inspect {
    let mut out = Inspect::unchanged(delay);
    let mut ev = 0;
    let miimon = i64::from(p.miimon);
    let mut push = |out: &mut Inspect, e: MiiEvent| {
        if let Some(slot) = out.events.get_mut(ev) {
            *slot = Some(e);
        }
        ev += 1;
    };
    match link {
        Link::Up | Link::Fail => {
            if link == Link::Up {
                if carrier {
                    return out;
                }
                out.propose = Some(Link::Fail);
                out.commit = true;
                out.delay = p.downdelay;
                if out.delay != 0 {
                    let role = if p.active_backup {
                        if is_active {
                            "active "
                        } else {
                            "backup "
                        }
                    } else {
                        ""
                    };
                    push(
                        &mut out,
                        MiiEvent::DownIn {
                            role,
                            ms: i64::from(p.downdelay) * miimon,
                        },
                    );
                }
            }
            if carrier {
                out.propose = Some(Link::Up);
                out.touch_last_link_up = true;
                let ms = (i64::from(p.downdelay) - i64::from(out.delay)) * miimon;
                push(&mut out, MiiEvent::UpAgain { ms });
                out.commit = true;
                return out;
            }
            if out.delay <= 0 {
                out.propose = Some(Link::Down);
                out.commit = true;
                return out;
            }
            out.delay -= 1;
        }
        Link::Down | Link::Back => {
            if link == Link::Down {
                if !carrier {
                    return out;
                }
                out.propose = Some(Link::Back);
                out.commit = true;
                out.delay = p.updelay;
                if out.delay != 0 {
                    let ms = if *ignore_updelay {
                        0
                    } else {
                        i64::from(p.updelay) * miimon
                    };
                    push(&mut out, MiiEvent::UpIn { ms });
                }
            }
            if !carrier {
                out.propose = Some(Link::Down);
                let ms = (i64::from(p.updelay) - i64::from(out.delay)) * miimon;
                push(&mut out, MiiEvent::DownAgain { ms });
                out.commit = true;
                return out;
            }
            if *ignore_updelay {
                out.delay = 0;
            }
            if out.delay <= 0 {
                out.propose = Some(Link::Up);
                out.commit = true;
                *ignore_updelay = false;
                return out;
            }
            out.delay -= 1;
        }
    }
    out
}

/// [`mii_inspect`] for a run of the MII monitor between its ticks, made at once on a slave's
/// carrier event (bonding-rs's `carrier_events`): the transitions the carrier decides are made
/// as a tick would make them (UP -> FAIL, and DOWN at once without downdelay; FAIL -> UP; DOWN ->
/// BACK, and UP at once without updelay or with `ignore_updelay`; BACK -> DOWN), with the same
/// log lines, but the delays keep counting in ticks: a slave already counting is left alone,
/// and one that starts counting here is not counted down here (C counts the tick that sees the
/// change), so its countdown ends at the very tick C's would, had C seen the change at its next
/// tick.
pub fn mii_inspect_off_tick(
    link: Link,
    delay: i32,
    carrier: bool,
    is_active: bool,
    p: &MiiParams,
    ignore_updelay: &mut bool,
) -> Inspect {
    let counting = match link {
        Link::Fail => !carrier,
        Link::Back => carrier && !*ignore_updelay,
        Link::Up | Link::Down => false,
    };
    if counting {
        return Inspect::unchanged(delay);
    }
    let mut r = mii_inspect(link, delay, carrier, is_active, p, ignore_updelay);
    // A countdown started here: undo the count C makes in the tick that starts it.
    match (link, r.propose) {
        (Link::Up, Some(Link::Fail)) => r.delay = p.downdelay,
        (Link::Down, Some(Link::Back)) => r.delay = p.updelay,
        _ => {}
    }
    r
}

/// What active-slave selection needs to know about a slave.
#[derive(Clone, Copy, Debug)]
pub struct SelView {
    /// `slave->link`.
    pub link: Link,
    /// `slave->prio`.
    pub prio: i32,
    /// `slave->speed` (`SPEED_UNKNOWN` = u32::MAX).
    pub speed: u32,
    /// `slave->duplex`.
    pub duplex: u8,
    /// `slave->delay`.
    pub delay: i32,
    /// `bond_slave_is_up()`: running with carrier.
    pub is_up: bool,
}

/// The slaves as active-slave selection sees them, in bond order: anything that can produce a
/// [`SelView`] by index (a slice in tests, the bond's list in the kernel, which needs no copy).
pub trait SelViews {
    /// Number of slaves.
    fn count(&self) -> usize;
    /// Slave `i` (`i < count()`).
    fn at(&self, i: usize) -> SelView;
}

impl SelViews for [SelView] {
    fn count(&self) -> usize {
        self.len()
    }
    fn at(&self, i: usize) -> SelView {
        self[i]
    }
}

impl<const N: usize> SelViews for [SelView; N] {
    fn count(&self) -> usize {
        N
    }
    fn at(&self, i: usize) -> SelView {
        self[i]
    }
}

/// `primary_reselect` values (`BOND_PRI_RESELECT_*`).
pub const PRI_RESELECT_ALWAYS: u8 = 0;
/// `BOND_PRI_RESELECT_BETTER`.
pub const PRI_RESELECT_BETTER: u8 = 1;
/// `BOND_PRI_RESELECT_FAILURE`.
pub const PRI_RESELECT_FAILURE: u8 = 2;

/// C `bond_choose_primary_or_current()`: indices into `slaves` (bond order).
fn choose_primary_or_current(
    slaves: &(impl SelViews + ?Sized),
    curr: Option<usize>,
    primary: Option<usize>,
    force_primary: &mut bool,
    reselect: u8,
) -> Option<usize> {
    let n = slaves.count();
    let up = |i: Option<usize>| i.is_some_and(|i| i < n && slaves.at(i).link == Link::Up);
    let prim = match primary {
        Some(p) if up(Some(p)) => {
            if *force_primary {
                *force_primary = false;
                return Some(p);
            }
            p
        }
        _ => {
            let mut hprio: Option<(usize, i32)> = None;
            for i in 0..n {
                let s = slaves.at(i);
                if s.link == Link::Up {
                    match hprio {
                        None => hprio = Some((i, s.prio)),
                        Some((_, hp)) if s.prio > hp => hprio = Some((i, s.prio)),
                        _ => {}
                    }
                }
            }
            let hprio = hprio.map(|(i, _)| i);
            match hprio {
                Some(h) if Some(h) != curr => h,
                _ => return if up(curr) { curr } else { None },
            }
        }
    };
    // link_reselect:
    let Some(c) = curr.filter(|&c| up(Some(c))) else {
        return Some(prim);
    };
    let (ps, cs) = (slaves.at(prim), slaves.at(c));
    match reselect {
        PRI_RESELECT_ALWAYS => Some(prim),
        PRI_RESELECT_BETTER => {
            if ps.speed < cs.speed || (ps.speed == cs.speed && ps.duplex <= cs.duplex) {
                Some(c)
            } else {
                Some(prim)
            }
        }
        _ => Some(c),
    }
}

/// C `bond_find_best_slave()`.
pub fn find_best_slave(
    slaves: &(impl SelViews + ?Sized),
    curr: Option<usize>,
    primary: Option<usize>,
    force_primary: &mut bool,
    reselect: u8,
    updelay: i32,
) -> Option<usize> {
    if let Some(s) = choose_primary_or_current(slaves, curr, primary, force_primary, reselect) {
        return Some(s);
    }
    let mut mintime = updelay;
    let mut best = None;
    for i in 0..slaves.count() {
        let s = slaves.at(i);
        if s.link == Link::Up {
            return Some(i);
        }
        if s.link == Link::Back && s.is_up && s.delay < mintime {
            mintime = s.delay;
            best = Some(i);
        }
    }
    best
}

/// C `bond_get_slave_by_id()`: the first slave that can transmit, starting
/// at `id` and wrapping around; `can_tx(i)` tells whether slave `i` can.
pub fn slave_by_id(id: usize, n: usize, can_tx: impl Fn(usize) -> bool) -> Option<usize> {
    (id..n).chain(0..id.min(n)).find(|&i| can_tx(i))
}

/// C `bond_rr_gen_slave_id()` given the incremented per-bond counter (or a
/// random number when `packets_per_slave` is 0).
pub const fn rr_slave_id(packets_per_slave: u32, counter_or_random: u32) -> u32 {
    match packets_per_slave {
        0 | 1 => counter_or_random,
        // reciprocal_divide() is exact division for 32-bit operands.
        pps => counter_or_random / pps,
    }
}

/// C `bond_xmit_3ad_xor_slave_get()`: index into the usable-slave array.
pub const fn xor_slave_index(hash: u32, usable: usize) -> Option<usize> {
    if usable == 0 {
        None
    } else {
        Some((hash as usize) % usable)
    }
}
