// SPDX-License-Identifier: GPL-2.0

//! rtnetlink link operations (`struct rtnl_link_ops`): registration,
//! attribute access and extended ACK messages.

use crate::bindings;
use crate::safe::netdev::{Dev, Driver, NewLinkDev};
use crate::safe::rtnl::Rtnl;
use core::{fmt, marker::PhantomData, ptr::NonNull};
use kernel::{error::from_result, error::to_result, prelude::*, str::NullTerminatedFormatter};

/// Netlink extended ACK of the current request (may be absent).
pub(crate) struct ExtAck<'a>(Option<&'a mut bindings::netlink_ext_ack>);

impl ExtAck<'_> {
    /// # Safety
    ///
    /// `ptr` must be null or the extack of the request being processed.
    unsafe fn from_raw(ptr: *mut bindings::netlink_ext_ack) -> Self {
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

    /// `NL_SET_BAD_ATTR()`.
    pub(crate) fn set_bad_attr(&mut self, attr: &Attr<'_>) {
        if let Some(ack) = self.0.as_deref_mut() {
            ack.bad_attr = attr.0;
        }
    }
}

/// One netlink attribute.
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
    unsafe fn from_raw(tb: *mut *mut bindings::nlattr, max: u32) -> Self {
        Self {
            tb,
            max,
            _p: PhantomData,
        }
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

    /// Calls `f` for every present attribute, in type order; stops at the
    /// first error.
    pub(crate) fn try_for_each(&self, mut f: impl FnMut(u32, Attr<'a>) -> Result) -> Result {
        for t in 1..=self.max {
            if let Some(a) = self.get(t) {
                f(t, a)?;
            }
        }
        Ok(())
    }
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
pub(crate) unsafe extern "C" fn validate_cb<T: Driver>(
    tb: *mut *mut bindings::nlattr,
    data: *mut *mut bindings::nlattr,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    // SAFETY: rtnetlink passes tables of `IFLA_MAX + 1` and `maxtype + 1`
    // entries (or null) and its extack, valid for this call.
    let (tb, data, mut extack) = unsafe {
        (
            LinkAttrs::from_raw(tb, bindings::IFLA_MAX),
            LinkData::from_raw(data, bindings::IFLA_BOND_MAX),
            ExtAck::from_raw(extack),
        )
    };
    from_result(|| T::validate(&tb, &data, &mut extack).map(|()| 0))
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
pub(crate) unsafe extern "C" fn newlink_cb<T: Driver>(
    dev: *mut bindings::net_device,
    params: *mut bindings::rtnl_newlink_params,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    from_result(|| {
        let dev = NonNull::new(dev).ok_or(EINVAL)?;
        // SAFETY: rtnetlink calls `newlink` under RTNL with the new device
        // (allocated with our `setup`), its params (tables as in `validate`) and
        // extack.
        let (dev, data, mut extack, rtnl) = unsafe {
            (
                NewLinkDev::<T>::from_raw(dev),
                LinkData::from_raw((*params).data, bindings::IFLA_BOND_MAX),
                ExtAck::from_raw(extack),
                Rtnl::assume_held(),
            )
        };
        T::newlink(dev, &data, &mut extack, rtnl).map(|()| 0)
    })
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
pub(crate) unsafe extern "C" fn changelink_cb<T: Driver>(
    dev: *mut bindings::net_device,
    _tb: *mut *mut bindings::nlattr,
    data: *mut *mut bindings::nlattr,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    // SAFETY: rtnetlink calls `changelink` under RTNL on a registered device
    // of these ops (so of `T`), with tables as in `validate` and its extack.
    let (dev, data, mut extack, rtnl) = unsafe {
        (
            NetDeviceRef::<T>::get(dev),
            LinkData::from_raw(data, bindings::IFLA_BOND_MAX),
            ExtAck::from_raw(extack),
            Rtnl::assume_held(),
        )
    };
    from_result(|| {
        let dev = dev.ok_or(EINVAL)?;
        T::changelink(dev, &data, &mut extack, rtnl).map(|()| 0)
    })
}

/// Resolves a raw device to a `Dev<T>` after checking it belongs to `T`.
struct NetDeviceRef<T>(PhantomData<T>);

impl<T: Driver> NetDeviceRef<T> {
    /// # Safety
    ///
    /// `dev` must be null or a device alive for `'a`.
    unsafe fn get<'a>(dev: *mut bindings::net_device) -> Option<&'a Dev<T>> {
        if dev.is_null() {
            return None;
        }
        // SAFETY: Non-null and alive for `'a` (function requirements).
        Dev::<T>::try_from_dev(unsafe { crate::safe::netdev::NetDevice::from_raw(dev) })
    }
}

/// Registration of `T`'s `rtnl_link_ops`; unregistered on drop, which also
/// deletes every device of `T` in every namespace (`rtnl_link_unregister()`).
pub(crate) struct LinkRegistration<T: Driver>(PhantomData<T>);

impl<T: Driver> LinkRegistration<T> {
    /// `rtnl_link_register()`; must not be called with RTNL held.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: The ops live in a static (`T::tables()`) and are fully set up.
        to_result(unsafe { bindings::rtnl_link_register(T::tables().link_ops.get()) })?;
        Ok(Self(PhantomData))
    }
}

impl<T: Driver> Drop for LinkRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered in `register()`; called without RTNL (module
        // exit / init error path).
        unsafe { bindings::rtnl_link_unregister(T::tables().link_ops.get()) }
    }
}
