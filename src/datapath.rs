// SPDX-License-Identifier: GPL-2.0

//! The data path's entry points: a bond's `ndo_start_xmit` (C `bond_start_xmit()`) and its
//! slaves' receive handler (C `bond_handle_frame()`). Both read the published state without
//! locks and hand the packet to the mode's policy (static dispatch, no indirect call); the
//! transmit helpers the policies share are in `xmit.rs`.

use crate::bond::BondDriver;
use crate::modes::slaves::Link;
use crate::policy;
use crate::safe::netdev::{Dev, SkBuff, TxStatus};
use crate::safe::rcu::XmitReadSide;
use crate::safe::skb::{RxHandler, RxResult, RxSkb};
use crate::safe::xdp::XdpFrames;
use crate::slave::Slave;
use crate::xmit::{drop_skb, queue_xmit};
use kernel::ffi::c_int;
use kernel::sync::atomic::Relaxed;
use kernel::sync::Arc;

/// C `bond_slave_override()`: `Err(skb)` to continue with the mode's choice.
fn slave_override(all: &[Arc<Slave>], skb: SkBuff) -> Result<TxStatus, SkBuff> {
    if !skb.rx_queue_recorded() {
        return Err(skb);
    }
    let q = skb.queue_mapping();
    for s in all {
        if s.queue_id() == q {
            if s.is_up() && s.link() == Link::Up {
                return Ok(queue_xmit(skb, s));
            }
            break;
        }
    }
    Err(skb)
}

/// `ndo_start_xmit` of bonds, in the read-side critical section `rcu` of the transmit.
pub(crate) fn start_xmit(dev: &Dev<BondDriver>, skb: SkBuff, rcu: &XmitReadSide) -> TxStatus {
    // C `bond_start_xmit()`: "If we risk deadlock from transmitting this in the netpoll path,
    // tell netpoll to queue the frame for later tx".
    if crate::safe::netpoll::netpoll_tx_blocked() {
        return TxStatus::Busy(skb);
    }
    let b = dev.private();
    let Some(set) = b.slaves.read(rcu).filter(|s| !s.all.is_empty()) else {
        return drop_skb(dev, skb);
    };
    let mode = b.mode();
    let skb = if policy::overrides_tx_queue(mode) {
        match slave_override(&set.all, skb) {
            Ok(r) => return r,
            Err(skb) => skb,
        }
    } else {
        skb
    };
    // C `__bond_start_xmit()`: a kTLS-offloaded packet leaves by the device its TLS context is
    // bound to, whatever the mode (C's inline test, `tls_is_skb_tx_device_offloaded()`).
    #[cfg(CONFIG_TLS_DEVICE)]
    if skb.tls_device_offloaded() {
        return tls_device_xmit(dev, set, skb, rcu);
    }
    policy::xmit(mode, dev, set, skb, rcu)
}

/// C `bond_tls_device_xmit()`: on the slave the skb's kTLS context offloads to (the one
/// `ndo_sk_get_lower_dev` gave when the socket was offloaded), dropped if that device is no
/// longer a slave (or, with `tls_device_down()` running, no device at all).
#[cfg(CONFIG_TLS_DEVICE)]
fn tls_device_xmit(
    dev: &Dev<BondDriver>,
    set: &crate::bond::SlaveSet,
    skb: SkBuff,
    rcu: &XmitReadSide,
) -> TxStatus {
    let tls_dev = skb.tls_offload_dev(rcu);
    // C `bond_get_slave_by_dev()`.
    let slave = tls_dev.and_then(|d| {
        set.all
            .iter()
            .find(|s| core::ptr::eq(s.dev.as_ptr(), d.as_ptr()))
    });
    match slave {
        Some(s) => queue_xmit(skb, s),
        None => drop_skb(dev, skb),
    }
}

impl RxHandler for Slave {
    fn handle(&self, skb: &mut RxSkb) -> RxResult {
        // C `bond_handle_frame()`. The bond and its mode, looked up once per frame.
        let bond = self.bond_dev();
        let mode = bond.map(|b| b.private().mode());
        // The bond's receive probe first (C `bond->recv_probe`): the ARP/NS monitor's
        // validation while it runs, else the mode's own probe.
        if let (Some(bond), Some(mode)) = (bond, mode) {
            let b = bond.private();
            if b.arp_rx.load(Relaxed) {
                crate::arpmon::rcv_validate(bond, self, skb);
            } else if policy::ANY_RX_PROBE && b.mode_rx.load(Relaxed) {
                if let policy::RxProbe::Consumed = policy::rx_probe(mode, bond, self, skb) {
                    return RxResult::Consumed;
                }
            }
        }
        // C `bond_should_deliver_exact_match()`: an inactive slave's frames go to exact-match
        // handlers only, except in balance-alb its unicast ones (PACKET_BROADCAST 1,
        // PACKET_MULTICAST 2).
        if self.is_inactive() {
            let alb_unicast =
                mode.is_some_and(policy::inactive_rx_unicast) && !matches!(skb.pkt_type(), 1 | 2);
            if !alb_unicast {
                if skb.dest_is_link_local() {
                    return RxResult::Pass;
                }
                return RxResult::Exact;
            }
        }
        skb.set_dev(&self.bond);
        // C: balance-alb under a bridge, frames for this host get the bond's address.
        if let (Some(bond), Some(mode)) = (bond, mode) {
            if policy::bridge_rx_dest_rewrite(mode)
                && skb.pkt_type() == 0 // PACKET_HOST
                && bond.is_bridge_port()
                && skb.set_dest(&bond.eth_addr_racy()).is_err()
            {
                return RxResult::Consumed;
            }
        }
        RxResult::Another
    }
}

/// C `bond_xdp_get_xmit_slave()`: the slave an XDP packet (its linear `data`) leaves by, in the
/// modes with native XDP; `None` in the others, with C's log line.
#[inline(always)]
pub(crate) fn xdp_xmit_slave<'a>(
    dev: &Dev<BondDriver>,
    data: &[u8],
    tx: &'a XmitReadSide,
) -> Option<&'a Arc<Slave>> {
    let b = dev.private();
    let mode = b.mode();
    let set = b.slaves.read(tx)?;
    match policy::xdp_xmit_slave(mode, dev, set, data) {
        Ok(s) => s,
        Err(()) => {
            xdp_mode_unsupported(dev, mode);
            None
        }
    }
}

/// C's log line for an XDP transmit in a mode without one (never reached: such a bond has no
/// XDP program and refuses redirects), out of the packet path's way.
#[cold]
#[inline(never)]
fn xdp_mode_unsupported(dev: &Dev<BondDriver>, mode: crate::modes::Mode) {
    if crate::safe::devops::net_ratelimit() {
        crate::dev_pr!(
            Err,
            dev,
            "Unknown bonding mode {} for xdp xmit\n",
            mode as u8
        );
    }
}

/// C `bond_xdp_xmit()` (`ndo_xdp_xmit`: the bond as a redirect target): each frame on by the
/// slave its packet's choice gives, one at a time; the number sent, or the first frame's error.
pub(crate) fn xdp_xmit(
    dev: &Dev<BondDriver>,
    frames: XdpFrames,
    flags: u32,
    tx: &XmitReadSide,
) -> c_int {
    let mut nxmit: c_int = 0;
    let mut err: c_int = kernel::error::code::ENXIO.to_errno();
    for f in frames {
        let Some(s) = xdp_xmit_slave(dev, f.data(), tx) else {
            err = kernel::error::code::ENXIO.to_errno();
            break;
        };
        err = s.dev.xdp_xmit_frame(f, flags);
        if err < 1 {
            break;
        }
        nxmit += 1;
    }
    // "If error happened on the first frame then we can pass the error up, otherwise report
    // the number of frames that were xmitted."
    if err < 0 && nxmit == 0 {
        err
    } else {
        nxmit
    }
}
