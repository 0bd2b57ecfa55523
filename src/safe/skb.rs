// SPDX-License-Identifier: GPL-2.0

//! Socket buffer operations of the transmit and receive paths.

use crate::bindings;
use crate::safe::netdev::{NetDevice, SkBuff};
use core::ptr::NonNull;
use kernel::prelude::*;

impl SkBuff {
    fn raw(&self) -> *mut bindings::sk_buff {
        self.0.as_ptr()
    }

    /// `ntohs(skb->protocol)`.
    pub(crate) fn protocol(&self) -> u16 {
        // SAFETY: We own a valid skb.
        unsafe { bindings::bondrs_skb_protocol(self.raw()) }
    }

    /// `skb_network_offset()` (negative offsets read as 0).
    pub(crate) fn network_offset(&self) -> usize {
        // SAFETY: We own a valid skb.
        usize::try_from(unsafe { bindings::bondrs_skb_network_offset(self.raw()) }).unwrap_or(0)
    }

    /// `skb->hash` if `skb->l4_hash`.
    pub(crate) fn l4_hash(&self) -> Option<u32> {
        // SAFETY: We own a valid skb.
        unsafe {
            bindings::bondrs_skb_l4_hash(self.raw()).then(|| bindings::bondrs_skb_hash(self.raw()))
        }
    }

    /// The accelerated VLAN tag, if present.
    pub(crate) fn vlan_tag(&self) -> Option<u16> {
        // SAFETY: We own a valid skb.
        unsafe {
            bindings::bondrs_skb_vlan_tag_present(self.raw())
                .then(|| bindings::bondrs_skb_vlan_tag_get(self.raw()))
        }
    }

    /// The first bytes of the packet (from `skb->data`), copied into `buf`
    /// where not linear (`skb_header_pointer()`); at most `buf.len()` bytes.
    pub(crate) fn headers<'a>(&'a self, buf: &'a mut [u8]) -> &'a [u8] {
        // SAFETY: We own a valid skb.
        let len = (unsafe { bindings::bondrs_skb_len(self.raw()) } as usize).min(buf.len());
        // SAFETY: `buf` has room for `len` bytes; the skb holds at least `len`.
        let p = unsafe {
            bindings::bondrs_skb_header_pointer(
                self.raw(),
                0,
                len as c_int,
                buf.as_mut_ptr().cast(),
            )
        };
        if p.is_null() {
            return &[];
        }
        // SAFETY: `p` points to `len` bytes valid while the skb (or `buf`) is.
        unsafe { core::slice::from_raw_parts(p.cast::<u8>(), len) }
    }

    /// `buf.len()` bytes of the packet at offset `off` (from `skb->data`), copied into `buf`
    /// where not linear (`skb_header_pointer()`); `None` if the packet is shorter.
    pub(crate) fn header_at<'a>(&'a self, off: usize, buf: &'a mut [u8]) -> Option<&'a [u8]> {
        let len = buf.len();
        // SAFETY: We own a valid skb.
        if off.checked_add(len)? > unsafe { bindings::bondrs_skb_len(self.raw()) } as usize {
            return None;
        }
        // SAFETY: `buf` has room for `len` bytes; the skb holds at least `off + len` (checked).
        let p = unsafe {
            bindings::bondrs_skb_header_pointer(
                self.raw(),
                c_int::try_from(off).ok()?,
                c_int::try_from(len).ok()?,
                buf.as_mut_ptr().cast(),
            )
        };
        if p.is_null() {
            return None;
        }
        // SAFETY: `p` points to `len` bytes valid while the skb (or `buf`) is.
        Some(unsafe { core::slice::from_raw_parts(p.cast::<u8>(), len) })
    }

    /// `skb_rx_queue_recorded()`.
    pub(crate) fn rx_queue_recorded(&self) -> bool {
        // SAFETY: We own a valid skb.
        unsafe { bindings::bondrs_skb_rx_queue_recorded(self.raw()) }
    }

    /// `skb_get_queue_mapping()`.
    pub(crate) fn queue_mapping(&self) -> u16 {
        // SAFETY: We own a valid skb.
        unsafe { bindings::bondrs_skb_get_queue_mapping(self.raw()) }
    }

    /// `skb_clone(GFP_ATOMIC)`.
    pub(crate) fn try_clone(&self) -> Option<SkBuff> {
        // SAFETY: We own a valid skb; the clone is a new owned skb.
        NonNull::new(unsafe { bindings::bondrs_skb_clone(self.raw()) }).map(SkBuff)
    }

    /// C `bond_dev_queue_xmit()`: restores the queue mapping saved by
    /// `ndo_select_queue` and hands the skb to `dev` (`dev_queue_xmit()`).
    /// Returns the `NET_XMIT_*` code.
    pub(crate) fn queue_xmit(self, dev: &NetDevice) -> c_int {
        let skb = self.raw();
        core::mem::forget(self);
        // SAFETY: We own the skb and give it away; `dev` is alive (the caller
        // holds RCU over a slave reference). `dev_queue_xmit()` consumes it.
        unsafe {
            bindings::bondrs_skb_set_dev(skb, dev.as_ptr());
            bindings::bondrs_skb_restore_queue_mapping(skb);
            bindings::bondrs_dev_queue_xmit(skb)
        }
    }
}

/// `ndo_select_queue` helper (C `bond_select_queue()`): saves the queue
/// mapping for the slave and returns the bond queue to use.
///
/// # Safety
///
/// `skb` must be the valid skb being transmitted on `dev`.
pub(crate) unsafe fn select_queue(
    skb: *mut bindings::sk_buff,
    dev: *mut bindings::net_device,
) -> u16 {
    // SAFETY: Valid skb and device (function requirements).
    unsafe {
        let mut txq = if bindings::bondrs_skb_rx_queue_recorded(skb) {
            bindings::bondrs_skb_get_rx_queue(skb)
        } else {
            0
        };
        bindings::bondrs_skb_save_queue_mapping(skb);
        let n = (*dev).real_num_tx_queues;
        if n > 0 && u32::from(txq) >= n {
            txq = (u32::from(txq) % n) as u16;
        }
        txq
    }
}

/// Rx handler verdicts (`rx_handler_result_t`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RxResult {
    /// `RX_HANDLER_ANOTHER`: `skb->dev` changed, run again.
    Another,
    /// `RX_HANDLER_EXACT`: deliver to exact-match handlers only.
    Exact,
    /// `RX_HANDLER_PASS`.
    Pass,
    /// `RX_HANDLER_CONSUMED`: the frame is done with (the handler frees it, `consume_skb()`).
    Consumed,
}

/// The skb seen by an rx handler (owned by the stack).
///
/// # Invariants
///
/// The pointer is the (unshared) skb of the rx handler call in progress; the stack owns it.
pub(crate) struct RxSkb(NonNull<bindings::sk_buff>);

impl RxSkb {
    /// `is_link_local_ether_addr(eth_hdr(skb)->h_dest)`: 01:80:c2:00:00:0X.
    pub(crate) fn dest_is_link_local(&self) -> bool {
        // SAFETY: Valid skb with a MAC header (rx handlers run after
        // `eth_type_trans()`); `h_dest` has 6 bytes.
        let d = unsafe {
            core::slice::from_raw_parts(bindings::bondrs_eth_hdr_dest(self.0.as_ptr()), 6)
        };
        d[..5] == [0x01, 0x80, 0xc2, 0x00, 0x00] && d[5] & 0xf0 == 0
    }

    /// `eth_hdr(skb)->h_dest`.
    pub(crate) fn dest(&self) -> [u8; 6] {
        let mut d = [0u8; 6];
        // SAFETY: Valid skb with a MAC header (rx handlers run after `eth_type_trans()`);
        // `h_dest` has 6 bytes.
        d.copy_from_slice(unsafe {
            core::slice::from_raw_parts(bindings::bondrs_eth_hdr_dest(self.0.as_ptr()), 6)
        });
        d
    }

    /// `ntohs(skb->protocol)`.
    pub(crate) fn protocol(&self) -> u16 {
        // SAFETY: Valid skb.
        unsafe { bindings::bondrs_skb_protocol(self.0.as_ptr()) }
    }

    /// `skb->pkt_type` (`PACKET_*`).
    pub(crate) fn pkt_type(&self) -> u8 {
        // SAFETY: Valid skb.
        unsafe { bindings::bondrs_skb_pkt_type(self.0.as_ptr()) }
    }

    /// `buf.len()` bytes from `skb->data` (the network header, in an rx handler), copied into
    /// `buf` where not linear (`skb_header_pointer()`); `None` if the packet is shorter.
    pub(crate) fn header<'a>(&'a self, buf: &'a mut [u8]) -> Option<&'a [u8]> {
        let len = buf.len();
        // SAFETY: Valid skb.
        if len > unsafe { bindings::bondrs_skb_len(self.0.as_ptr()) } as usize {
            return None;
        }
        // SAFETY: `buf` has room for `len` bytes; the skb holds at least `len` (checked).
        let p = unsafe {
            bindings::bondrs_skb_header_pointer(
                self.0.as_ptr(),
                0,
                c_int::try_from(len).ok()?,
                buf.as_mut_ptr().cast(),
            )
        };
        if p.is_null() {
            return None;
        }
        // SAFETY: `p` points to `len` bytes valid while the skb (or `buf`) is.
        Some(unsafe { core::slice::from_raw_parts(p.cast::<u8>(), len) })
    }

    /// `skb->dev = dev`.
    pub(crate) fn set_dev(&mut self, dev: &NetDevice) {
        // SAFETY: Valid skb; the handler may retarget it (RX_HANDLER_ANOTHER).
        unsafe { bindings::bondrs_skb_set_dev(self.0.as_ptr(), dev.as_ptr()) }
    }
}

/// Data attached to a device's rx handler.
pub(crate) trait RxHandler: Send + Sync + Sized + 'static {
    /// Handles a frame received on the device the handler is registered on;
    /// runs under `rcu_read_lock()` in softirq context.
    fn handle(&self, skb: &mut RxSkb) -> RxResult;
}

/// # Safety
///
/// Installed as rx handler by [`rx_register`] only, with data `H`.
unsafe extern "C" fn rx_cb<H: RxHandler>(
    pskb: *mut *mut bindings::sk_buff,
) -> bindings::rx_handler_result_t {
    // SAFETY: The stack passes a valid skb pointer slot.
    let skb = unsafe { bindings::bondrs_skb_share_check(*pskb) };
    let Some(skb) = NonNull::new(skb) else {
        return bindings::rx_handler_result_RX_HANDLER_CONSUMED;
    };
    // SAFETY: As above; the (possibly unshared copy of the) skb goes back.
    unsafe { *pskb = skb.as_ptr() };
    // SAFETY: `skb->dev` is the device this handler is registered on (RCU held
    // by the stack): its handler data is an `Arc<H>` given by `rx_register`,
    // released only after `netdev_rx_handler_unregister()` waited for us.
    let data = unsafe {
        &*bindings::bondrs_rx_handler_data(bindings::bondrs_skb_dev(skb.as_ptr())).cast::<H>()
    };
    let mut rx = RxSkb(skb);
    match data.handle(&mut rx) {
        RxResult::Another => bindings::rx_handler_result_RX_HANDLER_ANOTHER,
        RxResult::Exact => bindings::rx_handler_result_RX_HANDLER_EXACT,
        RxResult::Pass => bindings::rx_handler_result_RX_HANDLER_PASS,
        RxResult::Consumed => {
            // SAFETY: The skb is ours to free when the handler consumes it; the stack does not
            // touch it again after `RX_HANDLER_CONSUMED`.
            unsafe { bindings::bondrs_consume_skb(rx.0.as_ptr()) };
            bindings::rx_handler_result_RX_HANDLER_CONSUMED
        }
    }
}

use crate::safe::rtnl::Rtnl;
use kernel::sync::Arc;

/// `netdev_rx_handler_register()` with `data` (one reference is kept).
pub(crate) fn rx_register<H: RxHandler>(dev: &NetDevice, data: Arc<H>, _rtnl: &Rtnl) -> Result {
    let p = Arc::into_raw(data);
    // SAFETY: RTNL held; `rx_cb::<H>` reads `p` as `H` for as long as it is
    // registered.
    let r = unsafe {
        bindings::netdev_rx_handler_register(dev.as_ptr(), Some(rx_cb::<H>), p.cast_mut().cast())
    };
    if r != 0 {
        // SAFETY: Not registered: we still own the reference.
        drop(unsafe { Arc::from_raw(p) });
        return Err(Error::from_errno(r));
    }
    Ok(())
}

/// The raw handler data of `dev` if its rx handler is ours with data `H`.
fn rx_data_ptr<H: RxHandler>(dev: &NetDevice, _rtnl: &Rtnl) -> Option<*const H> {
    // SAFETY: RTNL held: the handler and its data are stable (they change only under RTNL).
    unsafe {
        let h = bindings::bondrs_rx_handler(dev.as_ptr());
        if h != rx_cb::<H> as *mut c_void {
            return None;
        }
        let p = bindings::bondrs_rx_handler_data(dev.as_ptr()).cast::<H>();
        (!p.is_null()).then_some(p.cast_const())
    }
}

/// The handler data of `dev` if its rx handler is ours with data `H`: a counted reference of
/// its own, so that it stays valid whatever the caller does next under the same RTNL section
/// (such as [`rx_unregister`], which gives up the handler's reference).
pub(crate) fn rx_data<H: RxHandler>(dev: &NetDevice, rtnl: &Rtnl) -> Option<Arc<H>> {
    let p = rx_data_ptr::<H>(dev, rtnl)?;
    // SAFETY: `p` came from `Arc::into_raw` in `rx_register` and the handler still holds that
    // reference (RTNL held, so `rx_unregister` cannot run meanwhile): the object is alive. We
    // borrow that reference without taking it over (`ManuallyDrop`) and clone it.
    let held = core::mem::ManuallyDrop::new(unsafe { Arc::from_raw(p) });
    Some(Arc::clone(&held))
}

/// Whether `dev` has our rx handler with data `H` (no reference taken).
pub(crate) fn has_rx_data<H: RxHandler>(dev: &NetDevice, rtnl: &Rtnl) -> bool {
    rx_data_ptr::<H>(dev, rtnl).is_some()
}

/// `netdev_rx_handler_unregister()` (waits for running handlers) and returns
/// the data reference it held.
pub(crate) fn rx_unregister<H: RxHandler>(dev: &NetDevice, rtnl: &Rtnl) -> Option<Arc<H>> {
    let p = rx_data_ptr::<H>(dev, rtnl)?;
    // SAFETY: RTNL held; our handler is registered. After the call (which
    // includes `synchronize_net()`) no handler runs with `p` any more.
    unsafe { bindings::netdev_rx_handler_unregister(dev.as_ptr()) };
    // SAFETY: The reference handed over by `rx_register`.
    Some(unsafe { Arc::from_raw(p) })
}

/// `TC_PRIO_CONTROL` (`include/uapi/linux/pkt_sched.h`).
pub(crate) const TC_PRIO_CONTROL: u32 = 7;

/// Builds an Ethernet frame `dst`, `src`, `proto` + `body` in a new skb with `headroom` bytes
/// reserved, and sends it on `dev` with `priority` (C `ad_lacpdu_send()`, `ad_marker_send()`:
/// `dev_alloc_skb()`, the headers set, `dev_queue_xmit()`). May be called with BH disabled or
/// under a spinlock; allocates with `GFP_ATOMIC`. `ENOMEM` if no skb could be allocated.
pub(crate) fn send_frame(
    dev: &NetDevice,
    dst: &[u8; 6],
    src: &[u8; 6],
    proto: u16,
    body: &[u8],
    headroom: u32,
    priority: u32,
) -> Result {
    const ETH_HLEN: usize = 14;
    let len = ETH_HLEN + body.len();
    let total = u32::try_from(len).map_err(|_| EINVAL)?;
    let alloc = total.checked_add(headroom).ok_or(EINVAL)?;
    let reserve = i32::try_from(headroom).map_err(|_| EINVAL)?;
    // SAFETY: Allocates a new skb (or returns NULL).
    let skb = unsafe { bindings::bondrs_dev_alloc_skb(alloc) };
    if skb.is_null() {
        return Err(ENOMEM);
    }
    // SAFETY: `skb` is a new skb we own with `alloc = total + headroom` bytes of tailroom
    // (checked sums): reserving `headroom` (non-negative) and putting `total` bytes stay within
    // it. `skb_put()` returns `total` writable bytes, which the copies fill exactly. `dev` is
    // alive (the caller holds a reference); `dev_queue_xmit()` consumes the skb in any case.
    unsafe {
        bindings::bondrs_skb_reserve(skb, reserve);
        bindings::bondrs_skb_set_dev(skb, dev.as_ptr());
        bindings::bondrs_skb_reset_mac_header(skb);
        bindings::bondrs_skb_set_network_header(skb, ETH_HLEN as i32);
        bindings::bondrs_skb_set_protocol(skb, proto.to_be());
        bindings::bondrs_skb_set_priority(skb, priority);
        let data = bindings::skb_put(skb, total).cast::<u8>();
        core::ptr::copy_nonoverlapping(dst.as_ptr(), data, 6);
        core::ptr::copy_nonoverlapping(src.as_ptr(), data.add(6), 6);
        core::ptr::copy_nonoverlapping(proto.to_be_bytes().as_ptr(), data.add(12), 2);
        core::ptr::copy_nonoverlapping(body.as_ptr(), data.add(ETH_HLEN), body.len());
        bindings::bondrs_dev_queue_xmit(skb);
    }
    Ok(())
}
