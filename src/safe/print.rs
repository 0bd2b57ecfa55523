// SPDX-License-Identifier: GPL-2.0

//! `printk()` without the `"<module>: "` prefix that the kernel crate's
//! `pr_*!` macros always add.
//!
//! Most files of the C bonding driver (`bond_main.c`, `bond_options.c`, …)
//! define no `pr_fmt`, so their `pr_err()`/`pr_warn()`/`pr_info()` lines carry
//! no prefix; only `bond_sysfs.c` prefixes `"bonding: "`. Messages ported from
//! those files use [`bare_pr!`](crate::bare_pr) to print byte-identical lines.

use core::{ffi::c_void, fmt};
use kernel::str::CStrExt as _;

/// A `printk` log level.
#[derive(Clone, Copy)]
pub(crate) enum Level {
    /// `KERN_ERR`.
    Err,
    /// `KERN_WARNING`.
    Warning,
    /// `KERN_NOTICE`.
    Notice,
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
        Level::Notice => b"\x015%pA\0",
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

/// `netdev_printk()`: prints `args` prefixed like C's `netdev_info()` and
/// friends ("bond0: ..." for a virtual device).
pub(crate) fn netdev_printk(
    level: Level,
    dev: &crate::safe::netdev::NetDevice,
    args: fmt::Arguments<'_>,
) {
    let lvl: &[u8; 3] = match level {
        Level::Err => b"\x013\0",
        Level::Warning => b"\x014\0",
        Level::Notice => b"\x015\0",
        Level::Info => b"\x016\0",
    };
    // SAFETY: `lvl` and the format are NUL-terminated; `%pA` consumes the
    // pointer to `args`, alive for the call; `dev` is a valid device.
    unsafe {
        crate::bindings::netdev_printk(
            lvl.as_ptr().cast(),
            dev.as_ptr(),
            c"%pA".as_char_ptr(),
            core::ptr::from_ref(&args).cast::<c_void>(),
        );
    }
}

/// `dev_pr!(Info, dev, "fmt", args…)`: C `netdev_info(dev, ...)`.
#[macro_export]
macro_rules! dev_pr {
    ($level:ident, $dev:expr, $($arg:tt)*) => {
        $crate::safe::print::netdev_printk($crate::safe::print::Level::$level, $dev, format_args!($($arg)*))
    };
}

/// `slave_pr!(Info, bond_dev, slave_dev, "fmt", args…)`: C `slave_info()`,
/// i.e. `netdev_info(bond_dev, "(slave %s): " fmt, slave_dev->name)`.
#[macro_export]
macro_rules! slave_pr {
    ($level:ident, $bond:expr, $slave:expr, $rtnl:expr, $fmt:literal $($arg:tt)*) => {
        $crate::safe::print::netdev_printk(
            $crate::safe::print::Level::$level,
            $bond,
            format_args!(concat!("(slave {}): ", $fmt), $slave.name($rtnl).to_str().unwrap_or("?") $($arg)*),
        )
    };
}

/// `slave_pr_racy!(Info, bond_dev, slave_dev, "fmt", args…)`: C `slave_info()` from a path
/// without RTNL (the link monitors), reading the slave's name racily as C does.
#[macro_export]
macro_rules! slave_pr_racy {
    ($level:ident, $bond:expr, $slave:expr, $fmt:literal $($arg:tt)*) => {
        $crate::safe::print::netdev_printk(
            $crate::safe::print::Level::$level,
            $bond,
            format_args!(concat!("(slave {}): ", $fmt), $slave.name_racy() $($arg)*),
        )
    };
}
