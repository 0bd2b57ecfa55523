// SPDX-License-Identifier: GPL-2.0

//! `printk()` without the `"<module>: "` prefix that the kernel crate's
//! `pr_*!` macros always add.
//!
//! Most files of the C bonding driver (`bond_main.c`, `bond_options.c`, …)
//! define no `pr_fmt`, so their `pr_err()`/`pr_warn()`/`pr_info()` lines carry
//! no prefix; only `bond_sysfs.c` prefixes `"bonding: "`. Messages ported from
//! those files use [`bare_pr!`](crate::bare_pr) to print byte-identical lines.

use core::{ffi::c_void, fmt};

/// A `printk` log level.
#[derive(Clone, Copy)]
pub(crate) enum Level {
    /// `KERN_ERR`.
    Err,
    /// `KERN_WARNING`.
    Warning,
    /// `KERN_INFO`.
    Info,
}

/// Prints `args` at `level`, without a prefix.
pub(crate) fn printk_bare(level: Level, args: fmt::Arguments<'_>) {
    // KERN_SOH, the level digit, and `%pA`: the kernel's printf extension
    // that formats a Rust `fmt::Arguments` (`rust_fmt_argument()`).
    let format: &[u8; 6] = match level {
        Level::Err => b"\x013%pA\0",
        Level::Warning => b"\x014%pA\0",
        Level::Info => b"\x016%pA\0",
    };
    // SAFETY: `format` is NUL-terminated and consumes exactly one argument,
    // through `%pA`, which takes a pointer to a `fmt::Arguments` that is alive
    // for the duration of the call.
    unsafe {
        kernel::bindings::_printk(
            format.as_ptr().cast(),
            core::ptr::from_ref(&args).cast::<c_void>(),
        );
    }
}

/// `bare_pr!(Err, "fmt", args…)`: like `pr_err!` without the module prefix.
#[macro_export]
macro_rules! bare_pr {
    ($level:ident, $($arg:tt)*) => {
        $crate::safe::print::printk_bare($crate::safe::print::Level::$level, format_args!($($arg)*))
    };
}
