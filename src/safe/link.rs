// SPDX-License-Identifier: GPL-2.0

//! rtnetlink messages: attribute access, messages being built and extended ACK messages
//! (the link operations' registration and callbacks are the driver's: `driver.rs`).

use crate::bindings;
use core::{fmt, marker::PhantomData};
use kernel::{prelude::*, str::NullTerminatedFormatter};

/// Netlink extended ACK of the current request (may be absent).
///
/// # Invariants
///
/// Some: the extack of the netlink request in progress, valid for `'a`.
pub(crate) struct ExtAck<'a>(Option<&'a mut bindings::netlink_ext_ack>);

impl ExtAck<'_> {
    /// # Safety
    ///
    /// `ptr` must be null or the extack of the request being processed.
    pub(crate) unsafe fn from_raw_ptr(ptr: *mut bindings::netlink_ext_ack) -> Self {
        // SAFETY: Same requirements.
        unsafe { Self::from_raw(ptr) }
    }

    /// # Safety
    ///
    /// `ptr` must be null or the extack of the request being processed.
    pub(super) unsafe fn from_raw(ptr: *mut bindings::netlink_ext_ack) -> Self {
        // SAFETY: Per the function requirements, non-null means valid and ours.
        Self(unsafe { ptr.as_mut() })
    }

    /// `NL_SET_ERR_MSG_FMT()`: formats into the extack's own buffer
    /// (truncated to `NETLINK_MAX_FMTMSG_LEN`).
    pub(crate) fn set_msg(&mut self, args: fmt::Arguments<'_>) {
        let Some(ack) = self.0.as_deref_mut() else {
            return;
        };
        let buf = &mut ack._msg_buf;
        // SAFETY: `c_char` and `u8` have the same layout and validity.
        let bytes =
            unsafe { core::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<u8>(), buf.len()) };
        if let Some(mut f) = NullTerminatedFormatter::new(bytes) {
            let _ = fmt::Write::write_fmt(&mut f, args);
            ack._msg = ack._msg_buf.as_ptr();
        }
    }

    /// No extack (sysfs and ioctl paths).
    pub(crate) fn none() -> Self {
        Self(None)
    }

    /// Whether the request carries an extack.
    pub(crate) fn is_present(&self) -> bool {
        self.0.is_some()
    }

    /// The raw pointer (null if absent), for kernel calls taking an extack.
    pub(crate) fn as_raw(&mut self) -> *mut bindings::netlink_ext_ack {
        self.0
            .as_deref_mut()
            .map_or(core::ptr::null_mut(), core::ptr::from_mut)
    }

    /// `NL_SET_BAD_ATTR()`.
    pub(crate) fn set_bad_attr(&mut self, attr: &Attr<'_>) {
        if let Some(ack) = self.0.as_deref_mut() {
            ack.bad_attr = attr.0;
        }
    }
}

/// One netlink attribute.
///
/// # Invariants
///
/// The pointer is a validated attribute of the message being processed, valid for `'a`
/// (its length was checked by the netlink policy or by the nest iteration that produced it).
pub(crate) struct Attr<'a>(*const bindings::nlattr, PhantomData<&'a bindings::nlattr>);

impl<'a> Attr<'a> {
    /// The payload (`nla_data()`, `nla_len()` bytes).
    pub(crate) fn payload(&self) -> &'a [u8] {
        // SAFETY: rtnetlink validated the attribute header: `nla_len()` bytes of
        // payload follow it inside the message, which outlives `'a`.
        unsafe {
            let len = usize::try_from(bindings::bondrs_nla_len(self.0)).unwrap_or(0);
            core::slice::from_raw_parts(bindings::bondrs_nla_data(self.0).cast::<u8>(), len)
        }
    }
}

/// A parsed attribute table `struct nlattr *tb[max + 1]` (may be absent).
pub(crate) struct AttrTable<'a> {
    tb: *const *mut bindings::nlattr,
    max: u32,
    _p: PhantomData<&'a bindings::nlattr>,
}

/// The `IFLA_*` table of the request.
pub(crate) type LinkAttrs<'a> = AttrTable<'a>;
/// The `IFLA_INFO_DATA` (`IFLA_BOND_*`) table of the request.
pub(crate) type LinkData<'a> = AttrTable<'a>;

impl<'a> AttrTable<'a> {
    /// # Safety
    ///
    /// `tb` must be null or point to `max + 1` entries valid for `'a`.
    pub(super) unsafe fn from_raw(tb: *mut *mut bindings::nlattr, max: u32) -> Self {
        Self {
            tb,
            max,
            _p: PhantomData,
        }
    }

    /// # Safety
    ///
    /// `tb` must be null or point to `max + 1` entries valid for `'a`.
    pub(crate) unsafe fn from_raw_max(tb: *mut *mut bindings::nlattr, max: u32) -> Self {
        // SAFETY: Same requirements.
        unsafe { Self::from_raw(tb, max) }
    }

    /// `tb[ty]`.
    pub(crate) fn get(&self, ty: u32) -> Option<Attr<'a>> {
        if self.tb.is_null() || ty > self.max {
            return None;
        }
        // SAFETY: `ty <= max`, within the table (type invariant).
        let a = unsafe { *self.tb.add(ty as usize) };
        (!a.is_null()).then_some(Attr(a, PhantomData))
    }
}

/// A netlink message being built (`fill_info` and friends).
pub(crate) struct NlMsg<'a>(
    *mut bindings::sk_buff,
    PhantomData<&'a mut bindings::sk_buff>,
);

/// An open nest of an [`NlMsg`].
///
/// # Invariants
///
/// The pointer is a nest started in the [`NlMsg`] it belongs to, ended or cancelled once.
pub(crate) struct Nest(*mut bindings::nlattr);

impl NlMsg<'_> {
    /// # Safety
    ///
    /// `skb` must be the message skb the kernel passed to the callback.
    pub(crate) unsafe fn from_raw(skb: *mut bindings::sk_buff) -> Self {
        Self(skb, PhantomData)
    }

    fn res(r: c_int) -> Result {
        if r != 0 {
            Err(EMSGSIZE)
        } else {
            Ok(())
        }
    }

    /// `nla_put_u8()`.
    pub(crate) fn put_u8(&mut self, ty: u16, v: u8) -> Result {
        // SAFETY: Valid message skb (type invariant).
        Self::res(unsafe { bindings::bondrs_nla_put_u8(self.0, c_int::from(ty), v) })
    }

    /// `nla_put_u16()`.
    pub(crate) fn put_u16(&mut self, ty: u16, v: u16) -> Result {
        // SAFETY: Valid message skb.
        Self::res(unsafe { bindings::bondrs_nla_put_u16(self.0, c_int::from(ty), v) })
    }

    /// `nla_put_u32()` (also for `s32` and `be32` payloads, passed as bits).
    pub(crate) fn put_u32(&mut self, ty: u16, v: u32) -> Result {
        // SAFETY: Valid message skb.
        Self::res(unsafe { bindings::bondrs_nla_put_u32(self.0, c_int::from(ty), v) })
    }

    /// `nla_put_u64_64bit()`, with `pad` the attribute type used for alignment padding.
    pub(crate) fn put_u64_64bit(&mut self, ty: u16, v: u64, pad: u16) -> Result {
        // SAFETY: Valid message skb.
        Self::res(unsafe {
            bindings::bondrs_nla_put_u64_64bit(self.0, c_int::from(ty), v, c_int::from(pad))
        })
    }

    /// `nla_put()`.
    pub(crate) fn put_bytes(&mut self, ty: u16, v: &[u8]) -> Result {
        // SAFETY: Valid message skb; `v` is readable for its length.
        Self::res(unsafe {
            bindings::nla_put(self.0, c_int::from(ty), v.len() as c_int, v.as_ptr().cast())
        })
    }

    /// `nla_nest_start_noflag()` (or `nla_nest_start()` with `flag`).
    pub(crate) fn nest_start(&mut self, ty: u16, flag: bool) -> Result<Nest> {
        // SAFETY: Valid message skb.
        let n = unsafe {
            if flag {
                bindings::bondrs_nla_nest_start(self.0, c_int::from(ty))
            } else {
                bindings::bondrs_nla_nest_start_noflag(self.0, c_int::from(ty))
            }
        };
        if n.is_null() {
            Err(EMSGSIZE)
        } else {
            Ok(Nest(n))
        }
    }

    /// `nla_nest_end()`.
    pub(crate) fn nest_end(&mut self, n: Nest) {
        // SAFETY: `n` was started on this message.
        unsafe { bindings::bondrs_nla_nest_end(self.0, n.0) };
    }

    /// `nla_nest_cancel()`.
    pub(crate) fn nest_cancel(&mut self, n: Nest) {
        // SAFETY: `n` was started on this message.
        unsafe { bindings::bondrs_nla_nest_cancel(self.0, n.0) };
    }
}

impl<'a> Attr<'a> {
    /// `nla_get_u8()` (policy-validated length).
    pub(crate) fn u8(&self) -> u8 {
        self.payload().first().copied().unwrap_or(0)
    }

    /// `nla_get_u16()`.
    pub(crate) fn u16(&self) -> u16 {
        self.payload()
            .get(..2)
            .map_or(0, |b| u16::from_ne_bytes([b[0], b[1]]))
    }

    /// `nla_get_u32()`.
    pub(crate) fn u32(&self) -> u32 {
        self.payload()
            .get(..4)
            .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The nested attributes (`nla_for_each_nested()`): `(type, payload)`.
    pub(crate) fn nested(&self) -> impl Iterator<Item = (u16, &'a [u8])> {
        let mut rest = self.payload();
        core::iter::from_fn(move || {
            if rest.len() < 4 {
                return None;
            }
            let len = usize::from(u16::from_ne_bytes([rest[0], rest[1]]));
            let ty = u16::from_ne_bytes([rest[2], rest[3]]) & 0x3fff;
            if len < 4 || len > rest.len() {
                return None;
            }
            let payload = &rest[4..len];
            let adv = (len + 3) & !3;
            rest = rest.get(adv..).unwrap_or(&[]);
            Some((ty, payload))
        })
    }
}

/// A netlink policy table built from the pure [`crate::netlink::ifla`] one.
pub(crate) struct Policy<const N: usize>(pub(crate) [bindings::nla_policy; N]);

// SAFETY: Read-only after construction; the range pointer targets a static.
unsafe impl<const N: usize> Sync for Policy<N> {}

struct RangeU32(bindings::netlink_range_validation);
// SAFETY: Read-only static data.
unsafe impl Sync for RangeU32 {}

static PEER_NOTIF_DELAY_RANGE: RangeU32 = RangeU32(bindings::netlink_range_validation {
    min: 0,
    max: 300_000,
});

impl<const N: usize> Policy<N> {
    /// Converts `tbl` into C `struct nla_policy` entries.
    pub(crate) const fn new(tbl: &[Option<crate::netlink::ifla::NlaType>; N]) -> Self {
        use crate::netlink::ifla::NlaType;
        // SAFETY: All-zero `nla_policy` is `NLA_UNSPEC` without validation.
        let mut out: [bindings::nla_policy; N] = unsafe { core::mem::zeroed() };
        let mut i = 0;
        while i < N {
            let (ty, len) = match tbl[i] {
                None => (bindings::NLA_UNSPEC, 0),
                Some(NlaType::U8) => (bindings::NLA_U8, 0),
                Some(NlaType::U16) => (bindings::NLA_U16, 0),
                Some(NlaType::U32) | Some(NlaType::U32Range { .. }) => (bindings::NLA_U32, 0),
                Some(NlaType::S32) => (bindings::NLA_S32, 0),
                Some(NlaType::Nested) => (bindings::NLA_NESTED, 0),
                Some(NlaType::Binary { max_len }) => (bindings::NLA_BINARY, max_len),
            };
            out[i].type_ = ty as u8;
            out[i].len = len;
            if let Some(NlaType::U32Range { min, max }) = tbl[i] {
                // The only ranged attribute (PEER_NOTIF_DELAY) uses C's
                // `delay_range` {0, 300000}: checked at compile time.
                assert!(min == 0 && max == 300_000);
                out[i].validation_type =
                    bindings::nla_policy_validation_NLA_VALIDATE_RANGE_PTR as u8;
                out[i].__bindgen_anon_1.range = &raw const PEER_NOTIF_DELAY_RANGE.0;
            }
            i += 1;
        }
        Self(out)
    }
}
