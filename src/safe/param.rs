// SPDX-License-Identifier: GPL-2.0

//! C-compatible module parameters.
//!
//! The kernel crate's `module!` only knows integer and bool parameters with
//! Rust-specific `parmtype`s. The bonding driver's parameters are C `int`,
//! `uint`, `charp` and `array of charp`, so they are declared here with the
//! C `param_ops_*` and the exact `modinfo` strings C's `module_param()`,
//! `module_param_named()`, `module_param_array()` and `MODULE_PARM_DESC()`
//! produce. Use [`c_module_param!`](crate::c_module_param).

use crate::bindings;
use core::{cell::UnsafeCell, ffi::c_void, ptr};
use kernel::prelude::*;

/// Storage of one scalar module parameter, written by the kernel's parameter
/// code (at load time, or through sysfs when the permission allows it).
#[repr(transparent)]
pub(crate) struct ParamCell<T>(UnsafeCell<T>);

// Writes only come from the kernel's param code (serialized by `kernel_param_lock` for sysfs
// writes, before `init` for load-time values).
// SAFETY: Rust only reads, through volatile loads (C `READ_ONCE`) of plain integers or pointers.
unsafe impl<T: Copy> Sync for ParamCell<T> {}

impl<T: Copy> ParamCell<T> {
    /// A parameter with default value `v`.
    pub(crate) const fn new(v: T) -> Self {
        Self(UnsafeCell::new(v))
    }

    /// The `arg` pointer given to the C `kernel_param_ops`.
    pub(crate) const fn as_arg(&self) -> *mut c_void {
        self.0.get().cast()
    }

    fn load(&self) -> T {
        // SAFETY: The cell is valid for reads; see the `Sync` impl for races.
        unsafe { ptr::read_volatile(self.0.get()) }
    }
}

impl ParamCell<c_int> {
    /// Current value (C `int`).
    pub(crate) fn get(&self) -> i32 {
        self.load()
    }
}

impl ParamCell<c_uint> {
    /// Current value (C `unsigned int`).
    pub(crate) fn get(&self) -> u32 {
        self.load()
    }
}

impl ParamCell<*mut c_char> {
    /// A `charp` parameter without default (C: `static char *x;`).
    pub(crate) const fn null() -> Self {
        Self::new(ptr::null_mut())
    }

    /// The string given at load time, if any.
    ///
    /// Only for parameters with permission 0 (not writable through sysfs):
    /// their value is set before module init and freed after module exit.
    pub(crate) fn get(&self) -> Option<&CStr> {
        let p = self.load();
        if p.is_null() {
            return None;
        }
        // SAFETY: `param_ops_charp` stores NUL-terminated strings that stay
        // allocated until the module's parameters are freed after exit;
        // permission 0 means no sysfs write can replace it meanwhile.
        Some(unsafe { CStr::from_char_ptr(p) })
    }
}

/// Storage of a `module_param_array(name, charp, NULL, perm)`.
pub(crate) struct CharpArray<const N: usize> {
    elems: UnsafeCell<[*mut c_char; N]>,
}

// SAFETY: As for `ParamCell`: only the kernel's param code writes, before init
// (arrays are declared with permission 0).
unsafe impl<const N: usize> Sync for CharpArray<N> {}

impl<const N: usize> CharpArray<N> {
    /// An array parameter with no elements set.
    pub(crate) const fn new() -> Self {
        Self {
            elems: UnsafeCell::new([ptr::null_mut(); N]),
        }
    }

    /// The `kparam_array` describing this storage to `param_array_ops`.
    pub(crate) const fn kparam_array(&'static self) -> KParamArray {
        KParamArray(bindings::kparam_array {
            max: N as c_uint,
            elemsize: size_of::<*mut c_char>() as c_uint,
            num: ptr::null_mut(),
            ops: &raw const bindings::param_ops_charp,
            elem: self.elems.get().cast(),
        })
    }

    /// The strings given at load time, in order (C stops at the first NULL).
    pub(crate) fn for_each(&self, mut f: impl FnMut(&CStr)) {
        for i in 0..N {
            // SAFETY: `i < N`, so the element pointer is in bounds; see `Sync`.
            let p = unsafe { ptr::read_volatile(self.elems.get().cast::<*mut c_char>().add(i)) };
            if p.is_null() {
                break;
            }
            // SAFETY: Set by `param_ops_charp` to a NUL-terminated string that
            // lives until the parameters are freed after module exit.
            f(unsafe { CStr::from_char_ptr(p) });
        }
    }
}

/// A `struct kparam_array` in a static.
#[repr(transparent)]
pub(crate) struct KParamArray(bindings::kparam_array);

// SAFETY: Only read by the kernel's `param_array_ops`; the pointers it holds
// point to statics.
unsafe impl Sync for KParamArray {}

/// C types of parameters, selecting `param_ops_*` and the `parmtype` string.
#[derive(Clone, Copy)]
pub(crate) enum ParamType {
    /// `int`
    Int,
    /// `uint`
    Uint,
    /// `charp`
    Charp,
}

/// A `struct kernel_param`, to be placed in the `__param` section.
#[repr(transparent)]
pub(crate) struct KernelParam(bindings::kernel_param);

// SAFETY: The kernel serializes all access to `kernel_param`s; Rust never
// accesses them.
unsafe impl Sync for KernelParam {}

impl KernelParam {
    /// `module_param_named()`: `name` must be NUL-terminated, `arg` the storage.
    pub(crate) const fn scalar(
        name: &'static str,
        ty: ParamType,
        arg: *mut c_void,
        perm: u16,
    ) -> Self {
        let ops: *const bindings::kernel_param_ops = match ty {
            ParamType::Int => &raw const bindings::param_ops_int,
            ParamType::Uint => &raw const bindings::param_ops_uint,
            ParamType::Charp => &raw const bindings::param_ops_charp,
        };
        Self::with_arg(
            name,
            ops,
            bindings::kernel_param__bindgen_ty_1 { arg },
            perm,
        )
    }

    /// `module_param_array()` over `arr`.
    pub(crate) const fn array(name: &'static str, arr: &'static KParamArray, perm: u16) -> Self {
        Self::with_arg(
            name,
            &raw const bindings::param_array_ops,
            bindings::kernel_param__bindgen_ty_1 {
                arr: &raw const arr.0,
            },
            perm,
        )
    }

    const fn with_arg(
        name: &'static str,
        ops: *const bindings::kernel_param_ops,
        arg: bindings::kernel_param__bindgen_ty_1,
        perm: u16,
    ) -> Self {
        Self(bindings::kernel_param {
            name: name.as_ptr().cast(),
            mod_: (&raw const bindings::__this_module).cast_mut(),
            ops,
            perm,
            level: -1,
            flags: 0,
            __bindgen_anon_1: arg,
        })
    }
}

/// Copies `s` into an array of exactly its length (for `.modinfo` strings).
pub(crate) const fn modinfo_bytes<const N: usize>(s: &str) -> [u8; N] {
    let b = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N && i < b.len() {
        out[i] = b[i];
        i += 1;
    }
    out
}

/// Declares a module parameter exactly like the C macros do (same name, type,
/// permission and `MODULE_PARM_DESC` text, hence the same `modinfo` output).
///
/// ```ignore
/// c_module_param!(int MAX_BONDS = 1, "max_bonds", 0, "Max number of bonded devices");
/// c_module_param!(uint LP_INTERVAL = 1, "lp_interval", 0, "...");
/// c_module_param!(charp MODE, "mode", 0, "...");
/// c_module_param!(charp_array ARP_IP_TARGET[16], "arp_ip_target", 0, "...");
/// // A second name for existing int storage (C `module_param_named()`):
/// c_module_param!(named int NUM_PEER_NOTIF, "num_unsol_na", 0o644, "...");
/// ```
#[macro_export]
macro_rules! c_module_param {
    (int $id:ident = $default:expr, $name:literal, $perm:expr, $desc:literal) => {
        pub(crate) static $id: $crate::safe::param::ParamCell<::kernel::ffi::c_int> =
            $crate::safe::param::ParamCell::new($default);
        $crate::c_module_param!(named int $id, $name, $perm, $desc);
    };
    (uint $id:ident = $default:expr, $name:literal, $perm:expr, $desc:literal) => {
        pub(crate) static $id: $crate::safe::param::ParamCell<::kernel::ffi::c_uint> =
            $crate::safe::param::ParamCell::new($default);
        $crate::c_module_param!(@scalar $id, Uint, "uint", $name, $perm, $desc);
    };
    (charp $id:ident, $name:literal, $perm:expr, $desc:literal) => {
        pub(crate) static $id: $crate::safe::param::ParamCell<*mut ::kernel::ffi::c_char> =
            $crate::safe::param::ParamCell::null();
        $crate::c_module_param!(@scalar $id, Charp, "charp", $name, $perm, $desc);
    };
    (named int $id:ident, $name:literal, $perm:expr, $desc:literal) => {
        $crate::c_module_param!(@scalar $id, Int, "int", $name, $perm, $desc);
    };
    (charp_array $id:ident[$n:expr], $name:literal, $perm:expr, $desc:literal) => {
        pub(crate) static $id: $crate::safe::param::CharpArray<{ $n }> =
            $crate::safe::param::CharpArray::new();
        const _: () = {
            static ARR: $crate::safe::param::KParamArray = $id.kparam_array();
            // A `kernel_param` in `__param` is what `module_param()` emits: the module loader
            // reads the section (this is what the `unsafe_code` lint flags `link_section` for).
            #[allow(unsafe_code)]
            #[link_section = "__param"]
            #[used(compiler)]
            static PARAM: $crate::safe::param::KernelParam =
                $crate::safe::param::KernelParam::array(concat!($name, "\0"), &ARR, $perm);
        };
        $crate::c_module_param!(@modinfo $name, "array of charp", $desc);
    };
    (@scalar $id:ident, $ty:ident, $tyname:literal, $name:literal, $perm:expr, $desc:literal) => {
        const _: () = {
            // A `kernel_param` in `__param` is what `module_param()` emits: the module loader
            // reads the section (this is what the `unsafe_code` lint flags `link_section` for).
            #[allow(unsafe_code)]
            #[link_section = "__param"]
            #[used(compiler)]
            static PARAM: $crate::safe::param::KernelParam =
                $crate::safe::param::KernelParam::scalar(
                    concat!($name, "\0"),
                    $crate::safe::param::ParamType::$ty,
                    $id.as_arg(),
                    $perm,
                );
        };
        $crate::c_module_param!(@modinfo $name, $tyname, $desc);
    };
    (@modinfo $name:literal, $tyname:literal, $desc:literal) => {
        const _: () = {
            const TYPE: &str = concat!("parmtype=", $name, ":", $tyname, "\0");
            #[allow(unsafe_code)]
            #[link_section = ".modinfo"]
            #[used(compiler)]
            static PARMTYPE: [u8; TYPE.len()] = $crate::safe::param::modinfo_bytes(TYPE);
            const DESC: &str = concat!("parm=", $name, ":", $desc, "\0");
            #[allow(unsafe_code)]
            #[link_section = ".modinfo"]
            #[used(compiler)]
            static PARM: [u8; DESC.len()] = $crate::safe::param::modinfo_bytes(DESC);
        };
    };
}
