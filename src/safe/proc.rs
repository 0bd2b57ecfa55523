// SPDX-License-Identifier: GPL-2.0

//! procfs: the per-namespace `/proc/net/bonding` directory and one
//! `seq_file` entry per bond (C `bond_procfs.c`).

use crate::bindings;
use crate::safe::netdev::{Dev, Driver};
use core::{marker::PhantomData, ptr::NonNull};
use kernel::{prelude::*, seq_file::SeqFile};

/// A procfs directory owned elsewhere (e.g. per namespace), borrowed.
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

/// A device's proc file (`proc_create_single_data()`); removed on drop,
/// which waits for readers. Invariant: dropped before the device is freed.
pub(crate) struct ProcEntry<T: ProcShow>(NonNull<bindings::proc_dir_entry>, PhantomData<T>);

// SAFETY: As for `ProcDir`.
unsafe impl<T: ProcShow> Send for ProcEntry<T> {}
// SAFETY: As for `ProcDir`.
unsafe impl<T: ProcShow> Sync for ProcEntry<T> {}

impl<T: ProcShow> ProcEntry<T> {
    /// Creates `parent/name` (mode 0444) showing `dev`. The caller must drop
    /// the entry before `dev` is freed (type invariant).
    pub(crate) fn new(parent: ProcDirRef<'_>, name: &CStr, dev: &Dev<T>) -> Option<Self> {
        // SAFETY: `parent` is a live directory; the data pointer is read back
        // by `show_cb` only while the entry exists (invariant).
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
