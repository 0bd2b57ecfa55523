// SPDX-License-Identifier: GPL-2.0

//! Per-network-namespace state (`struct pernet_operations`) with one
//! `/sys/class/net/<file>` class attribute per namespace (C
//! `netdev_class_create_file_ns()`, as bonding's `bonding_masters`).

use crate::bindings;
use crate::safe::netdev::{DevKillList, Net};
use crate::safe::rtnl::Rtnl;
use core::{cell::UnsafeCell, marker::PhantomData};
use kernel::{error::to_result, prelude::*};

/// A per-namespace subsystem with a class file.
pub(crate) trait Pernet: Sized + 'static {
    /// Name of the file in `/sys/class/net/`.
    const CLASS_FILE: &'static CStr;
    /// Directory created in `/proc/net` of every namespace, if any.
    const PROC_DIR: Option<&'static CStr>;
    /// `static T: PernetTables = PernetTables::new::<Self>();`
    fn tables() -> &'static PernetTables;
    /// Reading the class file.
    fn show(net: &Net, out: &mut SysfsBuf<'_>);
    /// Writing the class file (the whole write, `count` bytes).
    fn store(net: &Net, input: &[u8]) -> Result;
    /// `exit_rtnl`: queue the namespace's devices for unregistration.
    fn exit_rtnl(net: &Net, rtnl: &Rtnl, kill: &mut DevKillList);
}

/// The per-namespace data (allocated zeroed by the pernet core, `size`).
#[repr(C)]
struct PernetData {
    net: *mut bindings::net,
    class_attr: bindings::class_attribute,
    created: bool,
    proc_dir: *mut bindings::proc_dir_entry,
}

/// The `pernet_operations` of `T` and its id, in one static.
pub(crate) struct PernetTables {
    ops: UnsafeCell<bindings::pernet_operations>,
    id: UnsafeCell<c_uint>,
}

// SAFETY: Only the pernet core writes (`id` on registration, `list`), under
// its own lock; Rust only reads `id` after registration.
unsafe impl Sync for PernetTables {}

impl PernetTables {
    /// Tables pointing to `T`'s trampolines.
    pub(crate) const fn new<T: Pernet>() -> Self {
        // SAFETY: All-zero is the valid "unset" state of this C struct.
        let mut ops: bindings::pernet_operations = unsafe { core::mem::zeroed() };
        ops.init = Some(init_cb::<T>);
        ops.pre_exit = Some(pre_exit_cb::<T>);
        ops.exit_rtnl = Some(exit_rtnl_cb::<T>);
        ops.exit = Some(exit_cb::<T>);
        ops.size = size_of::<PernetData>();
        Self {
            ops: UnsafeCell::new(ops),
            id: UnsafeCell::new(0),
        }
    }
}

/// Registration of `T` (`register_pernet_subsys()`); unregistered on drop.
pub(crate) struct PernetRegistration<T: Pernet>(PhantomData<T>);

impl<T: Pernet> PernetRegistration<T> {
    /// Registers; `init` runs for every existing namespace.
    pub(crate) fn register() -> Result<Self> {
        let t = T::tables();
        // SAFETY: Not registered yet (single registration at module init), so
        // nothing else accesses `ops`; `id` is a static.
        unsafe { (*t.ops.get()).id = t.id.get() };
        // SAFETY: `ops` is a fully set up static.
        to_result(unsafe { bindings::register_pernet_subsys(t.ops.get()) })?;
        Ok(Self(PhantomData))
    }
}

impl<T: Pernet> Drop for PernetRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered in `register()`.
        unsafe { bindings::unregister_pernet_subsys(T::tables().ops.get()) }
    }
}

/// # Safety
///
/// `net` must be a namespace for which `T` is registered (init ran).
unsafe fn data<T: Pernet>(net: *const bindings::net) -> *mut PernetData {
    // SAFETY: `id` was assigned on registration; `net_generic()` returns the
    // zeroed `size` bytes the core allocated for us in `net`.
    unsafe { bindings::bondrs_net_generic(net, *T::tables().id.get()).cast() }
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
unsafe extern "C" fn init_cb<T: Pernet>(net: *mut bindings::net) -> c_int {
    // SAFETY: Called by the pernet core for a namespace being set up.
    let d = unsafe { &mut *data::<T>(net) };
    d.net = net;
    if let Some(name) = T::PROC_DIR {
        // SAFETY: `net` is being set up: its `proc_net` exists. A failure
        // leaves the pointer null (C only warns too).
        d.proc_dir =
            unsafe { bindings::proc_mkdir(name.as_char_ptr(), bindings::bondrs_net_proc_net(net)) };
    }
    d.class_attr.attr.name = T::CLASS_FILE.as_char_ptr();
    d.class_attr.attr.mode = 0o644;
    d.class_attr.show = Some(show_cb::<T>);
    d.class_attr.store = Some(store_cb::<T>);
    // SAFETY: The attribute is dynamically allocated: give it a lockdep key.
    unsafe { bindings::bondrs_sysfs_attr_init(&mut d.class_attr.attr) };
    // SAFETY: `d.class_attr` lives in the namespace's generic data until the
    // namespace (or our registration) goes away; removed in `pre_exit`.
    let ret = unsafe {
        bindings::netdev_class_create_file_ns(&d.class_attr, bindings::bondrs_net_ns_common(net))
    };
    if ret == EEXIST.to_errno() {
        // C `bond_create_sysfs()`: tolerate a second bonding module.
        // SAFETY: `net` is valid; the name is NUL-terminated.
        if unsafe { bindings::netdev_name_in_use(net, T::CLASS_FILE.as_char_ptr()) } {
            pr_err!(
                "network device named {} already exists in sysfs\n",
                T::CLASS_FILE.to_str().unwrap_or("?")
            );
        }
        return 0;
    }
    d.created = ret == 0;
    ret
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
unsafe extern "C" fn pre_exit_cb<T: Pernet>(net: *mut bindings::net) {
    // SAFETY: Namespace (or registration) teardown; `init` ran for `net`.
    let d = unsafe { &mut *data::<T>(net) };
    if d.created {
        // SAFETY: Created in `init_cb` for this namespace.
        unsafe {
            bindings::netdev_class_remove_file_ns(
                &d.class_attr,
                bindings::bondrs_net_ns_common(net),
            )
        };
        d.created = false;
    }
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
unsafe extern "C" fn exit_cb<T: Pernet>(net: *mut bindings::net) {
    // SAFETY: Namespace (or registration) teardown, after `exit_rtnl` removed
    // every device (and so every entry in the directory).
    let d = unsafe { &mut *data::<T>(net) };
    if !d.proc_dir.is_null() {
        // SAFETY: Created in `init_cb`; removed once.
        unsafe { bindings::proc_remove(d.proc_dir) };
        d.proc_dir = core::ptr::null_mut();
    }
}

/// The namespace's `T::PROC_DIR` directory, if it was created.
pub(crate) fn proc_dir<T: Pernet>(net: &Net) -> Option<crate::safe::proc::ProcDirRef<'_>> {
    // SAFETY: `T` is registered (callers are devices of a registered driver
    // living in `net`), so `init_cb` ran for `net`.
    let p = unsafe { (*data::<T>(net.as_ptr())).proc_dir };
    // SAFETY: The directory lives until `exit_cb`, after every device of the
    // namespace is gone; `net` outlives the returned reference.
    core::ptr::NonNull::new(p).map(|p| unsafe { crate::safe::proc::ProcDirRef::from_raw(p) })
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
unsafe extern "C" fn exit_rtnl_cb<T: Pernet>(
    net: *mut bindings::net,
    kill: *mut bindings::list_head,
) {
    // SAFETY: Called under RTNL with a live namespace and the batch's kill list.
    let (net, rtnl, mut kill) = unsafe {
        (
            Net::from_raw(net),
            Rtnl::assume_held(),
            DevKillList::from_raw(kill),
        )
    };
    T::exit_rtnl(net, rtnl, &mut kill);
}

/// # Safety
///
/// `attr` must be the `class_attr` of a live `PernetData`.
unsafe fn net_of<'a>(attr: *const bindings::class_attribute) -> &'a Net {
    // SAFETY: container_of: `attr` is embedded in a `PernetData` whose `net`
    // was set in `init_cb`; the file is removed before the namespace dies.
    unsafe {
        let d = kernel::container_of!(attr, PernetData, class_attr);
        Net::from_raw((*d).net)
    }
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
unsafe extern "C" fn show_cb<T: Pernet>(
    _class: *const bindings::class,
    attr: *const bindings::class_attribute,
    buf: *mut c_char,
) -> isize {
    // SAFETY: sysfs passes our attribute and a PAGE_SIZE buffer.
    let (net, bytes) = unsafe {
        (
            net_of(attr),
            core::slice::from_raw_parts_mut(buf.cast::<u8>(), bindings::PAGE_SIZE),
        )
    };
    let mut out = SysfsBuf { buf: bytes, len: 0 };
    T::show(net, &mut out);
    out.len as isize
}

/// # Safety
///
/// Only called by the kernel, as the C callback it is installed as, with
/// the arguments and in the context that callback is documented to have.
unsafe extern "C" fn store_cb<T: Pernet>(
    _class: *const bindings::class,
    attr: *const bindings::class_attribute,
    buf: *const c_char,
    count: usize,
) -> isize {
    // SAFETY: sysfs passes our attribute and `count` readable bytes.
    let (net, input) = unsafe {
        (
            net_of(attr),
            core::slice::from_raw_parts(buf.cast::<u8>(), count),
        )
    };
    match T::store(net, input) {
        Ok(()) => count as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// The PAGE_SIZE output buffer of a sysfs `show`.
pub(crate) struct SysfsBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> SysfsBuf<'a> {
    /// An empty output buffer over `buf`.
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, len: 0 }
    }
}

impl core::fmt::Write for SysfsBuf<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

impl SysfsBuf<'_> {
    /// Bytes written so far.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Buffer size (PAGE_SIZE).
    pub(crate) fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// `sysfs_emit_at(buf, len, "%s", s)`: appends, truncating so that the
    /// total stays below the capacity.
    pub(crate) fn push(&mut self, s: &[u8]) {
        let room = self.capacity().saturating_sub(1).saturating_sub(self.len);
        let n = s.len().min(room);
        if let (Some(dst), Some(src)) = (self.buf.get_mut(self.len..self.len + n), s.get(..n)) {
            dst.copy_from_slice(src);
            self.len += n;
        }
    }

    /// Sets the length; bytes exposed by growing are filled with spaces.
    pub(crate) fn set_len(&mut self, n: usize) {
        let n = n.min(self.capacity());
        if let Some(gap) = self.buf.get_mut(self.len..n) {
            gap.fill(b' ');
        }
        self.len = n;
    }

    /// Replaces the last byte written (C `buf[res - 1] = '\n'`).
    pub(crate) fn replace_last(&mut self, b: u8) {
        if let Some(last) = self.len.checked_sub(1).and_then(|i| self.buf.get_mut(i)) {
            *last = b;
        }
    }
}
