// SPDX-License-Identifier: GPL-2.0

//! procfs: the per-namespace `/proc/net/bonding` directory and one
//! `seq_file` entry per bond (C `bond_procfs.c`).

use crate::bindings;
use crate::safe::driver::Driver;
use crate::safe::netdev::Dev;
use crate::safe::rcu::RtnlCell;
use crate::safe::rtnl::Rtnl;
use core::{marker::PhantomData, ptr::NonNull};
use kernel::{prelude::*, seq_file::SeqFile};

/// A procfs directory owned elsewhere (e.g. per namespace), borrowed.
///
/// # Invariants
///
/// The pointer is a procfs directory that outlives `'a` and every entry created in it through
/// this reference ([`ProcDirRef::from_raw`]).
#[derive(Clone, Copy)]
pub(crate) struct ProcDirRef<'a>(NonNull<bindings::proc_dir_entry>, PhantomData<&'a ()>);

impl ProcDirRef<'_> {
    /// # Safety
    ///
    /// `p` must be a procfs directory that outlives `'a` and every entry
    /// created in it through this reference.
    pub(crate) unsafe fn from_raw(p: NonNull<bindings::proc_dir_entry>) -> Self {
        Self(p, PhantomData)
    }
}

/// What a device's proc file shows.
pub(crate) trait ProcShow: Driver {
    /// Writes the file's contents (C `seq_operations`, in one go).
    fn show(m: &SeqFile, dev: &Dev<Self>);
}

/// A device's proc file (`proc_create_single_data()`); removed on drop, which waits for
/// readers. Only [`DevProcEntry`] holds one.
///
/// # Invariants
///
/// The entry shows a device of `T` through a raw pointer, and is dropped before that device is
/// freed (it lives in the device's own private data, see [`DevProcEntry::set`]).
struct ProcEntry<T: ProcShow>(NonNull<bindings::proc_dir_entry>, PhantomData<T>);

// SAFETY: As for `ProcDir`.
unsafe impl<T: ProcShow> Send for ProcEntry<T> {}
// SAFETY: As for `ProcDir`.
unsafe impl<T: ProcShow> Sync for ProcEntry<T> {}

impl<T: ProcShow> ProcEntry<T> {
    /// Creates `parent/name` (mode 0444) showing `dev`.
    ///
    /// # Safety
    ///
    /// The entry must be dropped before `dev` is freed.
    unsafe fn new(parent: ProcDirRef<'_>, name: &CStr, dev: &Dev<T>) -> Option<Self> {
        // SAFETY: `parent` is a live directory; the data pointer is read back
        // by `show_cb` only while the entry exists, which ends before `dev` is freed
        // (function requirements).
        let p = unsafe {
            bindings::proc_create_single_data(
                name.as_char_ptr(),
                0o444,
                parent.0.as_ptr(),
                Some(Self::show_cb),
                dev.as_ptr().cast(),
            )
        };
        NonNull::new(p).map(|p| ProcEntry(p, PhantomData))
    }

    /// # Safety
    ///
    /// Called by `single_open()`'s `seq_file` with our data as `m->private`.
    unsafe extern "C" fn show_cb(m: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
        // SAFETY: `m` is valid for the call; its private data is the device
        // given in `new`, alive while the entry exists (and `proc_remove()`
        // waits for running `show`s).
        unsafe {
            let dev = Dev::<T>::from_raw(bindings::bondrs_seq_private(m).cast());
            T::show(SeqFile::from_raw(m.cast()), dev);
        }
        0
    }
}

impl<T: ProcShow> Drop for ProcEntry<T> {
    fn drop(&mut self) {
        // SAFETY: Created by `proc_create_single_data()`; removed once.
        unsafe { bindings::proc_remove(self.0.as_ptr()) }
    }
}

/// The slot for a device's proc file, a field of the device's private data (`T::Priv`).
pub(crate) struct DevProcEntry<T: ProcShow>(RtnlCell<Option<ProcEntry<T>>>);

impl<T: ProcShow> DevProcEntry<T> {
    /// An empty slot.
    pub(crate) const fn new() -> Self {
        Self(RtnlCell::new(None))
    }

    /// Replaces the device's proc file by `parent/name` showing `dev`. `Err(EINVAL)` if this slot
    /// is not inside `dev`'s private data or `dev` is not registered: then nothing would remove
    /// the file before the device is freed. `Err(ENOMEM)` if procfs could not create it.
    pub(crate) fn set(
        &self,
        dev: &Dev<T>,
        parent: ProcDirRef<'_>,
        name: &CStr,
        rtnl: &Rtnl,
    ) -> Result {
        self.clear(rtnl);
        let base = core::ptr::from_ref(&*dev.private()) as usize;
        let me = core::ptr::from_ref(self) as usize;
        let inside = me >= base && me + size_of::<Self>() <= base + size_of::<T::Priv>();
        if !inside || !dev.registered() {
            return Err(EINVAL);
        }
        // SAFETY: The entry is stored in this slot, inside the private data of `dev`, which is
        // registered: the kernel runs `priv_destructor` (dropping the private data and the
        // entry with it) before it frees the device.
        let e = unsafe { ProcEntry::new(parent, name, dev) }.ok_or(ENOMEM)?;
        self.0.set(rtnl, Some(e));
        Ok(())
    }

    /// Removes the device's proc file, if any.
    pub(crate) fn clear(&self, rtnl: &Rtnl) {
        drop(self.0.replace(rtnl, None));
    }
}
