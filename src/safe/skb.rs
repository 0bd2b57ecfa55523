// SPDX-License-Identifier: GPL-2.0

//! Socket buffer operations of the transmit and receive paths.

use crate::bindings;
use crate::safe::netdev::{NetDevice, SkBuff};
use core::{mem::MaybeUninit, ptr::NonNull};
use kernel::prelude::*;

// The fields of `struct sk_buff` the data paths read are read here in line, as C's static
// inlines read them: a C helper per field would cost a call each (see `src/helpers.c`).

/// The `struct_group(headers)` members of `skb`.
///
/// # Safety
///
/// `skb` is a valid skb.
#[inline(always)]
pub(super) unsafe fn hdrs(
    skb: *const bindings::sk_buff,
) -> *const bindings::sk_buff__bindgen_ty_4__bindgen_ty_1 {
    // SAFETY: In-bounds projection (caller); the anonymous member of the group union is at its
    // start.
    unsafe { (&raw const (*skb).__bindgen_anon_4).cast() }
}

/// `ntohs(skb->protocol)`.
///
/// # Safety
///
/// `skb` is a valid skb.
#[inline(always)]
unsafe fn protocol_of(skb: *const bindings::sk_buff) -> u16 {
    // SAFETY: Valid skb (caller).
    u16::from_be(unsafe { (*hdrs(skb)).protocol })
}

/// C `skb_header_pointer()`: `buf.len()` bytes at `off` from `skb->data`, in place when they
/// are in the linear part, else copied into `buf`; `None` if the packet is shorter.
///
/// # Safety
///
/// `skb` is a valid skb that stays unchanged for `'a`.
#[inline(always)]
unsafe fn header_pointer<'a>(
    skb: *const bindings::sk_buff,
    off: usize,
    buf: &'a mut [MaybeUninit<u8>],
) -> Option<&'a [u8]> {
    let len = buf.len();
    let end = off.checked_add(len)?;
    // SAFETY: Valid skb (caller).
    let (skb_len, data_len, data) = unsafe { ((*skb).len, (*skb).data_len, (*skb).data) };
    if end > skb_len as usize {
        return None;
    }
    // `skb_headlen()`.
    if end <= skb_len.wrapping_sub(data_len) as usize {
        // SAFETY: `off + len` bytes from `skb->data` are in the linear part, unchanged for `'a`.
        return Some(unsafe { core::slice::from_raw_parts(data.add(off), len) });
    }
    // SAFETY: `buf` has room for `len` bytes; the skb holds `off + len` (checked).
    let r = unsafe {
        bindings::skb_copy_bits(
            skb,
            c_int::try_from(off).ok()?,
            buf.as_mut_ptr().cast(),
            c_int::try_from(len).ok()?,
        )
    };
    if r < 0 {
        return None;
    }
    // SAFETY: `skb_copy_bits()` succeeded: it wrote all `len` bytes of `buf`.
    Some(unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), len) })
}

/// `skb->dev = dev`.
///
/// # Safety
///
/// `skb` is a valid skb its caller may retarget.
#[inline(always)]
unsafe fn set_skb_dev(skb: *mut bindings::sk_buff, dev: *mut bindings::net_device) {
    // SAFETY: In-bounds write of the `dev` member of a valid skb (caller).
    unsafe {
        (&raw mut (*skb)
            .__bindgen_anon_1
            .__bindgen_anon_1
            .__bindgen_anon_1
            .dev)
            .write(dev)
    }
}

impl SkBuff {
    #[inline(always)]
    pub(super) fn raw(&self) -> *mut bindings::sk_buff {
        self.0.as_ptr()
    }

    /// `ntohs(skb->protocol)`.
    #[inline(always)]
    pub(crate) fn protocol(&self) -> u16 {
        // SAFETY: We own a valid skb.
        unsafe { protocol_of(self.raw()) }
    }

    /// `skb->len`.
    #[inline(always)]
    pub(crate) fn len(&self) -> u32 {
        // SAFETY: We own a valid skb.
        unsafe { (*self.raw()).len }
    }

    /// `skb_network_offset()`, signed as C's.
    #[inline(always)]
    pub(super) fn network_offset_raw(&self) -> isize {
        let skb = self.raw();
        // SAFETY: We own a valid skb. `skb_network_header(skb) - skb->data`, in addresses.
        let (head, nh, data) = unsafe {
            (
                (*skb).head as usize,
                (*hdrs(skb)).network_header,
                (*skb).data as usize,
            )
        };
        (head + usize::from(nh)) as isize - data as isize
    }

    /// `skb_network_offset()` (negative offsets read as 0).
    #[inline(always)]
    pub(crate) fn network_offset(&self) -> usize {
        usize::try_from(self.network_offset_raw()).unwrap_or(0)
    }

    /// `skb->hash` if `skb->l4_hash`.
    #[inline(always)]
    pub(crate) fn l4_hash(&self) -> Option<u32> {
        // SAFETY: We own a valid skb.
        let h = unsafe { &*hdrs(self.raw()) };
        (h.l4_hash() != 0).then_some(h.hash)
    }

    /// The accelerated VLAN tag, if present (`skb_vlan_tag_present()`, `skb_vlan_tag_get()`).
    #[inline(always)]
    pub(crate) fn vlan_tag(&self) -> Option<u16> {
        // SAFETY: We own a valid skb; `vlan_all` overlays `vlan_proto` and `vlan_tci`.
        let v = unsafe { &(*hdrs(self.raw())).__bindgen_anon_2 };
        // SAFETY: Both members of the union are plain integers.
        unsafe { (v.vlan_all != 0).then_some(v.__bindgen_anon_1.vlan_tci) }
    }

    /// The first bytes of the packet (from `skb->data`), at most `buf.len()`: in place when they
    /// are linear, else copied into `buf` (`skb_header_pointer()`).
    #[inline(always)]
    pub(crate) fn headers<'a>(&'a self, buf: &'a mut [MaybeUninit<u8>]) -> &'a [u8] {
        // SAFETY: We own a valid skb.
        let len = (unsafe { (*self.raw()).len } as usize).min(buf.len());
        // SAFETY: We own the skb, unchanged while borrowed.
        unsafe { header_pointer(self.raw(), 0, &mut buf[..len]) }.unwrap_or(&[])
    }

    /// `buf.len()` bytes of the packet at offset `off` (from `skb->data`), in place or copied
    /// into `buf` (`skb_header_pointer()`); `None` if the packet is shorter.
    #[inline(always)]
    pub(crate) fn header_at<'a>(
        &'a self,
        off: usize,
        buf: &'a mut [MaybeUninit<u8>],
    ) -> Option<&'a [u8]> {
        // SAFETY: We own the skb, unchanged while borrowed.
        unsafe { header_pointer(self.raw(), off, buf) }
    }

    /// `skb_rx_queue_recorded()`.
    #[inline(always)]
    pub(crate) fn rx_queue_recorded(&self) -> bool {
        // SAFETY: We own a valid skb.
        unsafe { (*self.raw()).queue_mapping != 0 }
    }

    /// `skb_get_queue_mapping()`.
    #[inline(always)]
    pub(crate) fn queue_mapping(&self) -> u16 {
        // SAFETY: We own a valid skb.
        unsafe { (*self.raw()).queue_mapping }
    }

    /// C `skb_cow_head(skb, 0)`, then `bytes` written at offset `off` from `skb->data`.
    /// `Err(ENOMEM)` if the header could not be made writable, `Err(EINVAL)` if the bytes are
    /// not all in the linear part.
    fn write_head(&mut self, off: usize, bytes: &[u8]) -> Result {
        let skb = self.raw();
        // SAFETY: We own a valid skb.
        if unsafe { bindings::bondrs_skb_cow_head(skb, 0) } != 0 {
            return Err(ENOMEM);
        }
        // SAFETY: We own a valid skb; `skb_headlen()` = `len - data_len`.
        let headlen = unsafe { (*skb).len - (*skb).data_len } as usize;
        if off.checked_add(bytes.len()).is_none_or(|end| end > headlen) {
            return Err(EINVAL);
        }
        // SAFETY: Bytes `off .. off + bytes.len()` are in the linear part (checked), writable
        // after `skb_cow_head()`.
        unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), (*skb).data.add(off), bytes.len())
        };
        Ok(())
    }

    /// The Ethernet source address (`skb_eth_hdr(skb)->h_source`, at `skb->data`) set to `src`:
    /// balance-tlb/alb sending through a slave other than the active one (C
    /// `bond_do_alb_xmit()`, after `skb_cow_head()`).
    pub(crate) fn set_eth_source(&mut self, src: &[u8; 6]) -> Result {
        self.write_head(6, src)
    }

    /// C `rlb_arp_xmit()`: the ARP's sender hardware address (6 bytes at offset 8 of the
    /// network header) set to `mac`, after `skb_cow_head()`.
    pub(crate) fn set_arp_sender_hw(&mut self, mac: &[u8; 6]) -> Result {
        let off = usize::try_from(self.network_offset_raw()).map_err(|_| EINVAL)?;
        self.write_head(off.checked_add(8).ok_or(EINVAL)?, mac)
    }

    /// `skb_clone(GFP_ATOMIC)`.
    pub(crate) fn try_clone(&self) -> Option<SkBuff> {
        // SAFETY: We own a valid skb; the clone is a new owned skb.
        NonNull::new(unsafe { bindings::skb_clone(self.raw(), bindings::GFP_ATOMIC) }).map(SkBuff)
    }

    /// C `bond_dev_queue_xmit()`: restores the queue mapping saved by
    /// `ndo_select_queue` and hands the skb to `dev` (`dev_queue_xmit()`).
    /// Returns the `NET_XMIT_*` code.
    #[inline(always)]
    pub(crate) fn queue_xmit(self, dev: &NetDevice) -> c_int {
        let skb = self.raw();
        core::mem::forget(self);
        // `skb->cb` is the qdisc control block on the transmit path (`qdisc_skb_cb()`).
        // SAFETY: We own the skb and give it away (`__dev_queue_xmit()` consumes it); `dev` is
        // alive (caller's RCU over a slave); `cb` is 8-byte aligned and holds a `qdisc_skb_cb`.
        unsafe {
            set_skb_dev(skb, dev.as_ptr());
            let cb = (&raw const (*skb).cb).cast::<bindings::qdisc_skb_cb>();
            (*skb).queue_mapping = (*cb).slave_dev_queue_mapping;
            bindings::__dev_queue_xmit(skb, core::ptr::null_mut())
        }
    }
}

/// An skb lent for the length of a call (`ndo_get_xmit_slave`: the caller keeps it): read, and
/// its headers written as the transmit path writes them (C `rlb_arp_xmit()`), but neither freed
/// nor kept.
///
/// # Invariants
///
/// Wraps the caller's valid skb, lent for `'a`; the inner [`SkBuff`] is never dropped (it is
/// in a `ManuallyDrop`) and never handed out by value or by `&mut`, so it cannot be freed or
/// replaced through this value.
pub(crate) struct LentSkb<'a>(
    core::mem::ManuallyDrop<SkBuff>,
    core::marker::PhantomData<&'a mut bindings::sk_buff>,
);

impl LentSkb<'_> {
    /// # Safety
    ///
    /// `skb` is a valid skb that the caller lends exclusively for `'a`.
    pub(super) unsafe fn from_raw(skb: NonNull<bindings::sk_buff>) -> Self {
        Self(
            core::mem::ManuallyDrop::new(SkBuff(skb)),
            core::marker::PhantomData,
        )
    }
}

impl core::ops::Deref for LentSkb<'_> {
    type Target = SkBuff;

    fn deref(&self) -> &SkBuff {
        &self.0
    }
}

/// The skb a mode chooses a slave for: one being transmitted ([`SkBuff`], owned) or one lent
/// by a caller asking which slave it would leave by ([`LentSkb`]). C's slave choice may write
/// the packet (`rlb_arp_xmit()`), whichever it is.
pub(crate) trait TxSkb {
    /// The skb, to read.
    fn skb(&self) -> &SkBuff;
    /// [`SkBuff::set_arp_sender_hw`].
    fn set_arp_sender_hw(&mut self, mac: &[u8; 6]) -> Result;
}

impl TxSkb for SkBuff {
    #[inline(always)]
    fn skb(&self) -> &SkBuff {
        self
    }

    fn set_arp_sender_hw(&mut self, mac: &[u8; 6]) -> Result {
        SkBuff::set_arp_sender_hw(self, mac)
    }
}

impl TxSkb for LentSkb<'_> {
    #[inline(always)]
    fn skb(&self) -> &SkBuff {
        &self.0
    }

    fn set_arp_sender_hw(&mut self, mac: &[u8; 6]) -> Result {
        // The skb is lent to us exclusively for the call: writing its headers is what the
        // caller allows (C writes them too); it is not replaced (type invariant).
        self.0.set_arp_sender_hw(mac)
    }
}

/// A field of type `T` of socket `sk`, `off` bytes into its `struct sock`: an offset clang
/// computed from the C declaration (`BONDRS_*_OFF`, `src/bindings_helper.h`). bindgen's
/// `struct sock` is not C's: it drops the tagged anonymous struct in `socket_lock_t`, so every
/// field from `sk_lock` on is placed 64 bytes too early (7.3 with lockdep).
///
/// # Safety
///
/// `sk` is a valid socket and a `T` is at `off` in it.
#[inline(always)]
unsafe fn sk_field<T: Copy>(sk: *const bindings::sock, off: usize) -> T {
    // SAFETY: In bounds and aligned as the C field (the caller's offset and type).
    unsafe { sk.cast::<u8>().add(off).cast::<T>().read() }
}

/// A socket (`struct sock`), alive for the borrow.
///
/// # Invariants
///
/// A `&Sock` refers to a socket that is not freed during the borrow (made only by
/// [`Sock::from_raw`], whose callers guarantee it).
#[repr(transparent)]
pub(crate) struct Sock(kernel::types::Opaque<bindings::sock>);

impl Sock {
    /// # Safety
    ///
    /// `sk` points to a full socket (`sk_fullsock()`) of an inet family, alive for `'a`.
    pub(super) unsafe fn from_raw<'a>(sk: *mut bindings::sock) -> &'a Sock {
        // SAFETY: Transparent wrapper; validity from the caller.
        unsafe { &*sk.cast::<Sock>() }
    }

    /// What C `bond_sk_to_flow()` reads of the socket: its family, addresses and ports. Read
    /// without the socket lock, as C reads them.
    pub(crate) fn addrs(&self) -> crate::modes::hash::SockAddrs {
        let sk = self.0.get();
        #[allow(unused_mut)]
        // SAFETY: A live inet socket (type invariant): the `sock_common` fields at clang's
        // offsets, with their C types (`__be32`, `__be16`); the port of its `inet_sock` read by
        // C.
        let mut a = unsafe {
            crate::modes::hash::SockAddrs {
                v4_src: sk_field::<[u8; 4]>(sk, bindings::BONDRS_SKC_RCV_SADDR_OFF),
                v4_dst: sk_field::<[u8; 4]>(sk, bindings::BONDRS_SKC_DADDR_OFF),
                sport: bindings::bondrs_inet_sport(sk).to_ne_bytes(),
                dport: sk_field::<[u8; 2]>(sk, bindings::BONDRS_SKC_DPORT_OFF),
                ..Default::default()
            }
        };
        #[cfg(CONFIG_IPV6)]
        // SAFETY: As above: `skc_family` (`unsigned short`), `skc_v6_daddr` (16 bytes), and the
        // source address of the socket's `ipv6_pinfo`, alive with it (C `inet6_sk()`: null only
        // for a socket that is not a full one).
        unsafe {
            if u32::from(sk_field::<u16>(sk, bindings::BONDRS_SKC_FAMILY_OFF)) == bindings::AF_INET6
            {
                a.inet6 = true;
                a.v6only = bindings::bondrs_ipv6_only_sock(sk);
                a.v6_dst = sk_field::<[u8; 16]>(sk, bindings::BONDRS_SKC_V6_DADDR_OFF);
                let src = bindings::bondrs_inet6_saddr(sk);
                if !src.is_null() {
                    a.v6_src = src.cast::<[u8; 16]>().read();
                }
            }
        }
        a
    }
}

/// `TCPF_TIME_WAIT | TCPF_NEW_SYN_RECV`: the states of the sockets that are not full ones
/// (C `sk_fullsock()`).
#[cfg(CONFIG_TLS_DEVICE)]
const NOT_FULLSOCK: u32 = bindings::TCPF_TIME_WAIT | bindings::TCPF_NEW_SYN_RECV;

#[cfg(CONFIG_TLS_DEVICE)]
impl SkBuff {
    /// C `tls_is_skb_tx_device_offloaded()`, in line as C's static inline: the skb's socket
    /// is a full one whose transmit validation is kTLS device offload's
    /// (`smp_load_acquire(&sk->sk_validate_xmit_skb) == &tls_validate_xmit_skb`).
    #[inline(always)]
    pub(crate) fn tls_device_offloaded(&self) -> bool {
        // SAFETY: We own a valid skb; `skb->sk` is null or its socket, which the skb keeps
        // alive (it holds a reference or is on the socket's own transmit path).
        unsafe {
            let sk = (*self.raw()).sk;
            if sk.is_null() {
                return false;
            }
            // `sk_fullsock()`: `1 << sk->sk_state` outside the request and time-wait states.
            let state = sk_field::<u8>(sk, bindings::BONDRS_SKC_STATE_OFF);
            if (1u32 << (state & 31)) & !NOT_FULLSOCK == 0 {
                return false;
            }
            // `smp_load_acquire()` of the function pointer (at clang's offset: see
            // `sk_field()`; aligned, stored by C with `smp_store_release()`), compared with the
            // address of `tls_validate_xmit_skb()`.
            let f: *mut c_void = kernel::sync::atomic::atomic_load(
                sk.cast::<u8>()
                    .add(bindings::BONDRS_SK_VALIDATE_XMIT_SKB_OFF)
                    .cast::<*mut c_void>(),
                kernel::sync::atomic::Acquire,
            );
            core::ptr::eq(f, bindings::tls_validate_xmit_skb as *mut c_void)
        }
    }

    /// The device the skb's kTLS context offloads to (C `tls_get_ctx(skb->sk)->netdev`, under
    /// the transmit's RCU), if any. Only for an skb of which
    /// [`SkBuff::tls_device_offloaded`] said yes.
    pub(crate) fn tls_offload_dev<'a>(
        &self,
        _tx: &'a crate::safe::rcu::XmitReadSide,
    ) -> Option<&'a NetDevice> {
        // SAFETY: We own a valid skb of a full socket with a kTLS device context (the caller
        // checked `tls_device_offloaded()`): `tls_get_ctx()` is its ULP data.
        let dev = unsafe { bindings::bondrs_tls_offload_netdev(self.raw()) };
        // SAFETY: The context's device is RCU-protected (`tls_device_down()` clears it, then
        // waits for a grace period before the device goes): alive in the transmit's read-side
        // critical section `_tx`.
        (!dev.is_null()).then(|| unsafe { NetDevice::from_raw(dev) })
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
    // SAFETY: Valid skb and device (function requirements); `skb->cb` is the qdisc control
    // block in the transmit path, 8-byte aligned.
    unsafe {
        let qm = (*skb).queue_mapping;
        // `skb_rx_queue_recorded()`, `skb_get_rx_queue()`.
        let mut txq = qm.saturating_sub(1);
        (*(&raw mut (*skb).cb).cast::<bindings::qdisc_skb_cb>()).slave_dev_queue_mapping = qm;
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
        let d = unsafe { core::slice::from_raw_parts(self.eth_hdr(), 6) };
        d[..5] == [0x01, 0x80, 0xc2, 0x00, 0x00] && d[5] & 0xf0 == 0
    }

    /// `eth_hdr(skb)->h_dest`.
    pub(crate) fn dest(&self) -> [u8; 6] {
        let mut d = [0u8; 6];
        // SAFETY: Valid skb with a MAC header (rx handlers run after `eth_type_trans()`);
        // `h_dest` has 6 bytes.
        d.copy_from_slice(unsafe { core::slice::from_raw_parts(self.eth_hdr(), 6) });
        d
    }

    /// `eth_hdr(skb)`: `skb->head + skb->mac_header`.
    #[inline(always)]
    fn eth_hdr(&self) -> *const u8 {
        let skb = self.0.as_ptr();
        // SAFETY: Valid skb with a MAC header (rx handlers run after `eth_type_trans()`).
        unsafe { (*skb).head.add(usize::from((*hdrs(skb)).mac_header)) }
    }

    /// `ntohs(skb->protocol)`.
    #[inline(always)]
    pub(crate) fn protocol(&self) -> u16 {
        // SAFETY: Valid skb.
        unsafe { protocol_of(self.0.as_ptr()) }
    }

    /// `skb->pkt_type` (`PACKET_*`).
    #[inline(always)]
    pub(crate) fn pkt_type(&self) -> u8 {
        // SAFETY: Valid skb.
        unsafe { (*hdrs(self.0.as_ptr())).pkt_type() }
    }

    /// `buf.len()` bytes from `skb->data` (the network header, in an rx handler), in place or
    /// copied into `buf` (`skb_header_pointer()`); `None` if the packet is shorter.
    #[inline(always)]
    pub(crate) fn header<'a>(&'a self, buf: &'a mut [MaybeUninit<u8>]) -> Option<&'a [u8]> {
        // SAFETY: Valid skb, unchanged while borrowed (the handler holds it).
        unsafe { header_pointer(self.0.as_ptr(), 0, buf) }
    }

    /// C `bond_handle_frame()` for balance-alb under a bridge: `skb_cow_head()` over the MAC
    /// header, then `eth_hdr(skb)->h_dest` set to `mac`. `Err` if the header could not be made
    /// writable (C then drops the frame).
    pub(crate) fn set_dest(&mut self, mac: &[u8; 6]) -> Result {
        let skb = self.0.as_ptr();
        // SAFETY: Valid skb with a MAC header before `data` (rx handlers run after
        // `eth_type_trans()`): `data - skb_mac_header(skb)` is the MAC header's length.
        let hl = unsafe { (*skb).data.offset_from(self.eth_hdr()) };
        let hl = u32::try_from(hl).map_err(|_| EINVAL)?;
        // SAFETY: Valid skb, owned by the handler call.
        if unsafe { bindings::bondrs_skb_cow_head(skb, hl) } != 0 {
            return Err(ENOMEM);
        }
        // SAFETY: After `skb_cow_head()` the MAC header (at least the 6 bytes of `h_dest`) is
        // private and writable; `eth_hdr()` is recomputed from the (possibly new) head.
        unsafe { core::ptr::copy_nonoverlapping(mac.as_ptr(), self.eth_hdr().cast_mut(), 6) };
        Ok(())
    }

    /// `skb->dev = dev`.
    #[inline(always)]
    pub(crate) fn set_dev(&mut self, dev: &NetDevice) {
        // SAFETY: Valid skb; the handler may retarget it (RX_HANDLER_ANOTHER).
        unsafe { set_skb_dev(self.0.as_ptr(), dev.as_ptr()) }
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
    let mut skb = unsafe { *pskb };
    // C `skb_share_check()`: a clone only if the skb is shared (`skb_shared()`, read in line).
    // SAFETY: Valid skb; `refcount_read()` is `READ_ONCE()`, a volatile load.
    let users = unsafe { core::ptr::read_volatile(&raw const (*skb).users.refs.counter) };
    if users != 1 {
        // SAFETY: Valid skb, ours to replace by an unshared clone (the original is released).
        skb = unsafe { bindings::bondrs_skb_share_check(skb) };
        // SAFETY: As above; the unshared copy (or NULL) goes back.
        unsafe { *pskb = skb };
    }
    let Some(skb) = NonNull::new(skb) else {
        return bindings::rx_handler_result_RX_HANDLER_CONSUMED;
    };
    // SAFETY: `skb->dev` is the device this handler is registered on (RCU held by the stack):
    // its handler data (`rcu_dereference(dev->rx_handler_data)`) is an `Arc<H>` given by
    // `rx_register`, released only after `netdev_rx_handler_unregister()` waited for us.
    let data = unsafe {
        let dev = (*skb.as_ptr())
            .__bindgen_anon_1
            .__bindgen_anon_1
            .__bindgen_anon_1
            .dev;
        // `rcu_dereference()`: `READ_ONCE()`, a volatile load.
        let p = core::ptr::read_volatile(&raw const (*dev).rx_handler_data);
        &*p.cast::<H>()
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
    send_frame_tagged(dev, dst, src, proto, body, headroom, priority, None)
}

/// [`send_frame`] with an accelerated VLAN tag `(proto, vid)` (`proto` in network byte order;
/// C `__vlan_hwaccel_put_tag()`), as C `alb_send_lp_vid()` sends learning packets for the VLANs
/// above the bond.
#[allow(clippy::too_many_arguments)]
pub(crate) fn send_frame_tagged(
    dev: &NetDevice,
    dst: &[u8; 6],
    src: &[u8; 6],
    proto: u16,
    body: &[u8],
    headroom: u32,
    priority: u32,
    vlan: Option<(u16, u16)>,
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
    // `skb` has `alloc = total + headroom` bytes of tailroom (checked sums): reserving
    // `headroom` and putting `total` stay within it; `dev_queue_xmit()` consumes the skb.
    // SAFETY: New skb we own; `skb_put()` gives `total` writable bytes, filled exactly; `dev` alive.
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
        if let Some((vproto, vid)) = vlan {
            bindings::bondrs_vlan_hwaccel_put_tag(skb, vproto, vid);
        }
        bindings::bondrs_dev_queue_xmit(skb);
    }
    Ok(())
}
