// SPDX-License-Identifier: GPL-2.0

//! A named sysfs attribute group on a net device (C `bond->dev->sysfs_groups[0]
//! = &bonding_group`, i.e. `/sys/class/net/<dev>/bonding/`).
//!
//! The attributes are a static table; their callbacks find the attribute's
//! index in the table and hand it, with the device, to the driver.

use crate::bindings;
use crate::safe::driver::{Driver, GroupRef};
use crate::safe::netdev::Dev;
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
    /// Builds the tables in place (use [`dev_attr_group!`], which declares the static).
    ///
    /// # Safety
    ///
    /// `this` must be the address of the static that is initialised with the result: the
    /// pointer table and the group point into it, and sysfs follows them for the static's
    /// lifetime.
    pub(crate) const unsafe fn new(name: &'static CStr, this: *const Self) -> Self {
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
            // SAFETY: Address arithmetic within the final static (`this`, function
            // requirements); nothing is read through it here.
            ptrs[i] = unsafe { (&raw const (*this).attrs[i].attr).cast_mut() };
            i += 1;
        }
        // SAFETY: As above.
        let mut group: bindings::attribute_group = unsafe { core::mem::zeroed() };
        group.name = kernel::str::as_char_ptr_in_const_context(name);
        // SAFETY: As above.
        group.__bindgen_anon_2.attrs = unsafe {
            (&raw const (*this).ptrs)
                .cast::<*mut bindings::attribute>()
                .cast_mut()
        };
        Self {
            attrs,
            ptrs,
            group,
            _p: PhantomData,
        }
    }

    /// The group as the driver hands it to the device (`dev->sysfs_groups[0]`).
    pub(crate) const fn group_ref(&'static self) -> GroupRef<T> {
        GroupRef {
            attrs: self.attrs.as_ptr(),
            len: N,
            group: &self.group,
            _p: PhantomData,
        }
    }

    /// The device and the index of `attr` in `T`'s group; `None` if `attr` is not one of
    /// that group's attributes.
    ///
    /// # Safety
    ///
    /// `d` must be the `dev` of a live net device of `T` (sysfs only calls the callbacks of
    /// `T`'s group on devices of `T`, the only ones whose `sysfs_groups` hold it).
    unsafe fn resolve<'a>(
        d: *mut bindings::device,
        attr: *mut bindings::device_attribute,
    ) -> Option<(&'a Dev<T>, usize)> {
        let g = T::sysfs_group()?;
        let idx = (attr as usize).checked_sub(g.attrs as usize)?
            / size_of::<bindings::device_attribute>();
        if idx >= g.len {
            return None;
        }
        // SAFETY: Per the function requirements `d` is embedded in a `net_device` of `T`.
        let dev =
            unsafe { Dev::<T>::from_raw(kernel::container_of!(d, bindings::net_device, dev)) };
        Some((dev, idx))
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
        // SAFETY: Per the function requirements.
        let Some((dev, idx)) = (unsafe { Self::resolve(d, attr) }) else {
            return EINVAL.to_errno() as isize;
        };
        // SAFETY: sysfs passes a PAGE_SIZE buffer.
        let bytes =
            unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), bindings::PAGE_SIZE) };
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
        let Some((dev, idx)) = (unsafe { Self::resolve(d, attr) }) else {
            return EINVAL.to_errno() as isize;
        };
        // SAFETY: sysfs passes `count` bytes at `buf`.
        let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
        match T::store(dev, idx, input) {
            Ok(()) => count as isize,
            Err(e) => e.to_errno() as isize,
        }
    }
}

/// Declares the static sysfs attribute group of a net device driver:
/// `dev_attr_group!(pub(crate) static NAME: Driver = c"dirname");` (attributes from
/// `<Driver as DevAttrs>::ATTRS`). The driver's `Driver::sysfs_group()` returns
/// `Some(NAME.group_ref())`.
macro_rules! dev_attr_group {
    ($(#[$m:meta])* $vis:vis static $name:ident: $t:ty = $dir:expr;) => {
        $(#[$m])*
        $vis static $name: $crate::safe::sysfs::AttrGroup<
            $t,
            { <$t as $crate::safe::sysfs::DevAttrs>::ATTRS.len() },
            { <$t as $crate::safe::sysfs::DevAttrs>::ATTRS.len() + 1 },
        > = {
            // SAFETY: `&raw const $name` is the address of the static being initialised.
            #[allow(unsafe_code)]
            unsafe {
                $crate::safe::sysfs::AttrGroup::new($dir, &raw const $name)
            }
        };
    };
}
pub(crate) use dev_attr_group;

/// `restart_syscall()`: the error to return when RTNL is contended in a
/// sysfs store (C `bond_opt_tryset_rtnl()`).
pub(crate) fn restart_syscall() -> Error {
    // SAFETY: Sets TIF_SIGPENDING on the current task; process context.
    Error::from_errno(unsafe { bindings::bondrs_restart_syscall() })
}

/// The attributes of a [`KobjDir`].
pub(crate) trait KobjAttrs: Send + Sync + Sized + 'static {
    /// Attribute names (all read-only, mode 0444), in order.
    const NAMES: &'static [&'static CStr];
    /// The static attribute table (`NAMES.len()` entries + NULL).
    fn table() -> &'static KobjAttrTable<Self>;
    /// Writes attribute `idx` into `out`.
    fn show(&self, idx: usize, out: &mut SysfsBuf<'_>);
}

/// Static `struct attribute` entries and the NULL-terminated pointer list
/// `sysfs_create_files()` takes.
///
/// # Invariants
///
/// Built by [`KobjAttrTable::new`] in the static it points into (see [`kobj_attr_table!`]); the
/// callbacks are those of `D`, the `D` whose kobjects the table serves.
pub(crate) struct KobjAttrTable<D> {
    attrs: [bindings::attribute; 8],
    ptrs: [*const bindings::attribute; 9],
    ktype: bindings::kobj_type,
    ops: bindings::sysfs_ops,
    _p: PhantomData<D>,
}

// SAFETY: Read-only static data after construction.
unsafe impl<D> Sync for KobjAttrTable<D> {}

#[repr(C)]
struct KobjBox<D: KobjAttrs> {
    kobj: bindings::kobject,
    data: D,
}

impl<D: KobjAttrs> KobjAttrTable<D> {
    /// The table for `D` (at most 8 attributes); use [`kobj_attr_table!`].
    ///
    /// # Safety
    ///
    /// `this` must be the address of the static that is initialised with the result.
    pub(crate) const unsafe fn new(this: *const Self) -> Self {
        assert!(D::NAMES.len() <= 8);
        // SAFETY: All-zero is the valid empty state of these C structs.
        let mut attrs: [bindings::attribute; 8] = unsafe { core::mem::zeroed() };
        let mut ptrs: [*const bindings::attribute; 9] = [core::ptr::null(); 9];
        let mut i = 0;
        while i < D::NAMES.len() {
            attrs[i].name = kernel::str::as_char_ptr_in_const_context(D::NAMES[i]);
            attrs[i].mode = 0o444;
            // SAFETY: Address arithmetic within the final static (function requirements).
            ptrs[i] = unsafe { &raw const (*this).attrs[i] };
            i += 1;
        }
        // SAFETY: As above.
        let mut ops: bindings::sysfs_ops = unsafe { core::mem::zeroed() };
        ops.show = Some(Self::show_cb);
        // SAFETY: As above.
        let mut ktype: bindings::kobj_type = unsafe { core::mem::zeroed() };
        ktype.release = Some(Self::release_cb);
        // SAFETY: As above.
        ktype.sysfs_ops = unsafe { &raw const (*this).ops };
        Self {
            attrs,
            ptrs,
            ktype,
            ops,
            _p: PhantomData,
        }
    }

    /// # Safety
    ///
    /// Called by sysfs on one of our attributes of a kobject created by
    /// [`KobjDir::new`] (alive during the call).
    unsafe extern "C" fn show_cb(
        kobj: *mut bindings::kobject,
        attr: *mut bindings::attribute,
        buf: *mut c_char,
    ) -> isize {
        // SAFETY: `kobj` is the first field of a `KobjBox<D>`; `attr` is one of
        // the table's attributes; `buf` is a PAGE_SIZE buffer.
        unsafe {
            let b = &*kobj.cast::<KobjBox<D>>();
            let idx = (attr
                .cast::<u8>()
                .offset_from(D::table().attrs.as_ptr().cast::<u8>())
                as usize)
                / size_of::<bindings::attribute>();
            let mut out = SysfsBuf::new(core::slice::from_raw_parts_mut(
                buf.cast::<u8>(),
                bindings::PAGE_SIZE,
            ));
            b.data.show(idx, &mut out);
            out.len() as isize
        }
    }

    /// # Safety
    ///
    /// Called by the kobject core when the last reference is gone.
    unsafe extern "C" fn release_cb(kobj: *mut bindings::kobject) {
        // SAFETY: Allocated by `KobjDir::new` as a `KBox<KobjBox<D>>`.
        drop(unsafe { KBox::from_raw(kobj.cast::<KobjBox<D>>()) });
    }
}

/// Declares the static attribute table of a [`KobjAttrs`] type:
/// `kobj_attr_table!(static NAME: Type);`, returned by `Type::table()`.
macro_rules! kobj_attr_table {
    ($(#[$m:meta])* $vis:vis static $name:ident: $t:ty;) => {
        $(#[$m])*
        $vis static $name: $crate::safe::sysfs::KobjAttrTable<$t> = {
            // SAFETY: `&raw const $name` is the address of the static being initialised.
            #[allow(unsafe_code)]
            unsafe {
                $crate::safe::sysfs::KobjAttrTable::new(&raw const $name)
            }
        };
    };
}
pub(crate) use kobj_attr_table;

/// A kobject directory under a device (C `slave->kobj`, "bonding_slave")
/// with read-only attributes; removed on drop.
///
/// # Invariants
///
/// `p` is a `KobjBox<D>` allocated by [`KobjDir::new`] whose kobject was initialised and added
/// (holding the reference that this value gives up on drop); `files` tells whether the
/// attribute files were created.
pub(crate) struct KobjDir<D: KobjAttrs> {
    p: core::ptr::NonNull<KobjBox<D>>,
    files: bool,
}

// SAFETY: The kobject is reference counted by the kernel; `D` is Send + Sync.
unsafe impl<D: KobjAttrs> Send for KobjDir<D> {}
// SAFETY: As above.
unsafe impl<D: KobjAttrs> Sync for KobjDir<D> {}

impl<D: KobjAttrs> KobjDir<D> {
    /// `kobject_init_and_add(name)` under `parent`'s device kobject.
    pub(crate) fn new(
        parent: &crate::safe::netdev::NetDevice,
        name: &CStr,
        data: D,
    ) -> Result<Self> {
        let b = KBox::new(
            KobjBox {
                // SAFETY: A zeroed kobject is what `kobject_init()` expects.
                kobj: unsafe { core::mem::zeroed() },
                data,
            },
            GFP_KERNEL,
        )?;
        let p = KBox::into_raw(b);
        // SAFETY: `p` is a valid zeroed kobject; the parent device is alive;
        // on failure `kobject_put()` releases (frees) it through our ktype.
        let r = unsafe {
            let r = bindings::kobject_init_and_add(
                &raw mut (*p).kobj,
                &D::table().ktype,
                &raw mut (*parent.as_ptr()).dev.kobj,
                c"%s".as_char_ptr(),
                name.as_char_ptr(),
            );
            if r != 0 {
                bindings::kobject_put(&raw mut (*p).kobj);
            }
            r
        };
        kernel::error::to_result(r)?;
        Ok(Self {
            // SAFETY: Non-null (from `KBox::into_raw`).
            p: unsafe { core::ptr::NonNull::new_unchecked(p) },
            files: false,
        })
    }

    /// `sysfs_create_files()` of the attribute table.
    pub(crate) fn add_files(&mut self) -> Result {
        // SAFETY: Our kobject is alive; the table is a static, NULL-terminated.
        kernel::error::to_result(unsafe {
            bindings::sysfs_create_files(&raw mut (*self.p.as_ptr()).kobj, D::table().ptrs.as_ptr())
        })?;
        self.files = true;
        Ok(())
    }

    /// `sysfs_remove_files()`.
    pub(crate) fn remove_files(&mut self) {
        if self.files {
            // SAFETY: Created by `add_files()`.
            unsafe {
                bindings::sysfs_remove_files(
                    &raw mut (*self.p.as_ptr()).kobj,
                    D::table().ptrs.as_ptr(),
                )
            };
            self.files = false;
        }
    }
}

impl<D: KobjAttrs> Drop for KobjDir<D> {
    fn drop(&mut self) {
        self.remove_files();
        // SAFETY: We own the initial reference.
        unsafe { bindings::kobject_put(&raw mut (*self.p.as_ptr()).kobj) };
    }
}
