// SPDX-License-Identifier: GPL-2.0

//! A named sysfs attribute group on a net device (C `bond->dev->sysfs_groups[0]
//! = &bonding_group`, i.e. `/sys/class/net/<dev>/bonding/`).
//!
//! The attributes are a static table; their callbacks find the attribute's
//! index in the table and hand it, with the device, to the driver.

use crate::bindings;
use crate::safe::netdev::{Dev, Driver};
use crate::safe::pernet::SysfsBuf;
use core::marker::PhantomData;
use kernel::prelude::*;

/// One attribute: name and mode.
pub(crate) struct AttrDef {
    pub(crate) name: &'static CStr,
    pub(crate) mode: u16,
}

/// What the driver does with its attributes.
pub(crate) trait DevAttrs: Driver {
    /// The attribute definitions, in directory order.
    const ATTRS: &'static [AttrDef];
    /// Writes attribute `idx` of `dev` into `out`; `Err` is returned to the
    /// reader.
    fn show(dev: &Dev<Self>, idx: usize, out: &mut SysfsBuf<'_>) -> Result;
    /// Stores `input` into attribute `idx`.
    fn store(dev: &Dev<Self>, idx: usize, input: &[u8]) -> Result;
}

/// The C tables of a group of `N` attributes (plus the NULL terminator).
pub(crate) struct AttrGroup<T: DevAttrs, const N: usize, const N1: usize> {
    attrs: [bindings::device_attribute; N],
    ptrs: [*mut bindings::attribute; N1],
    pub(crate) group: bindings::attribute_group,
    _p: PhantomData<T>,
}

// SAFETY: Read-only after construction (sysfs never writes to static
// attribute definitions; lockdep keys of static attributes are unused).
unsafe impl<T: DevAttrs, const N: usize, const N1: usize> Sync for AttrGroup<T, N, N1> {}

impl<T: DevAttrs, const N: usize, const N1: usize> AttrGroup<T, N, N1> {
    /// Builds the tables in place. `this` must be the address of the static
    /// holding the result (the pointer table points into it).
    pub(crate) const fn new(name: &'static CStr, this: *const Self) -> Self {
        assert!(N == T::ATTRS.len() && N1 == N + 1);
        // SAFETY: All-zero is the valid empty state of these C structs.
        let mut attrs: [bindings::device_attribute; N] = unsafe { core::mem::zeroed() };
        let mut ptrs: [*mut bindings::attribute; N1] = [core::ptr::null_mut(); N1];
        let mut i = 0;
        while i < N {
            attrs[i].attr.name = kernel::str::as_char_ptr_in_const_context(T::ATTRS[i].name);
            attrs[i].attr.mode = T::ATTRS[i].mode;
            attrs[i].__bindgen_anon_1.show = Some(Self::show_cb);
            if T::ATTRS[i].mode & 0o200 != 0 {
                attrs[i].__bindgen_anon_2.store = Some(Self::store_cb);
            }
            // SAFETY: Address arithmetic within the final static (`this`).
            ptrs[i] = unsafe { (&raw const (*this).attrs[i].attr).cast_mut() };
            i += 1;
        }
        // SAFETY: As above.
        let mut group: bindings::attribute_group = unsafe { core::mem::zeroed() };
        group.name = kernel::str::as_char_ptr_in_const_context(name);
        // SAFETY: As above.
        group.__bindgen_anon_2.attrs = unsafe { (&raw const (*this).ptrs).cast::<*mut bindings::attribute>().cast_mut() };
        Self {
            attrs,
            ptrs,
            group,
            _p: PhantomData,
        }
    }

    /// The first attribute (base for index computations).
    pub(crate) fn first_attr(&self) -> *const bindings::device_attribute {
        self.attrs.as_ptr()
    }

    /// # Safety
    ///
    /// `attr` must be one of `self.attrs` and `d` the `dev` of a net device
    /// of `T` (sysfs only calls our callbacks for our group on our devices).
    unsafe fn resolve<'a>(
        d: *mut bindings::device,
        attr: *mut bindings::device_attribute,
    ) -> (&'a Dev<T>, usize) {
        // SAFETY: Per the function requirements.
        unsafe {
            let nd = d
                .cast::<u8>()
                .sub(core::mem::offset_of!(bindings::net_device, dev))
                .cast::<bindings::net_device>();
            let base = T::group_attrs();
            let idx = (attr.cast::<u8>().offset_from(base.cast::<u8>()) as usize)
                / size_of::<bindings::device_attribute>();
            (Dev::<T>::from_raw(nd), idx)
        }
    }

    /// # Safety
    ///
    /// Called by sysfs on one of our attributes of a registered device of
    /// `T` (sysfs removes the group before the device goes away).
    unsafe extern "C" fn show_cb(
        d: *mut bindings::device,
        attr: *mut bindings::device_attribute,
        buf: *mut c_char,
    ) -> isize {
        // SAFETY: Per the function requirements; `buf` is a PAGE_SIZE buffer.
        let (dev, idx, bytes) = unsafe {
            let (dev, idx) = Self::resolve(d, attr);
            (dev, idx, core::slice::from_raw_parts_mut(buf.cast::<u8>(), bindings::PAGE_SIZE))
        };
        let mut out = SysfsBuf::new(bytes);
        match T::show(dev, idx, &mut out) {
            Ok(()) => out.len() as isize,
            Err(e) => e.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// See [`Self::show_cb`]; `buf` holds `count` bytes.
    unsafe extern "C" fn store_cb(
        d: *mut bindings::device,
        attr: *mut bindings::device_attribute,
        buf: *const c_char,
        count: usize,
    ) -> isize {
        // SAFETY: Per the function requirements.
        let (dev, idx, input) = unsafe {
            let (dev, idx) = Self::resolve(d, attr);
            (dev, idx, core::slice::from_raw_parts(buf.cast::<u8>(), count))
        };
        match T::store(dev, idx, input) {
            Ok(()) => count as isize,
            Err(e) => e.to_errno() as isize,
        }
    }
}

/// `restart_syscall()`: the error to return when RTNL is contended in a
/// sysfs store (C `bond_opt_tryset_rtnl()`).
pub(crate) fn restart_syscall() -> Error {
    // SAFETY: Sets TIF_SIGPENDING on the current task; process context.
    Error::from_errno(unsafe { bindings::bondrs_restart_syscall() })
}
