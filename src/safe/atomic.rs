// SPDX-License-Identifier: GPL-2.0

//! The driver's enums as [`kernel::sync::atomic::Atomic`] values: the mode and the transmit hash
//! policy (read by the data path without RTNL) and a slave's link state (written by the MII
//! monitor, read by the data path); and [`Plain`], a kernel atomic loaded in line, for the few
//! fields the data path reads per packet; and `Zeroable` for the tables balance-tlb allocates
//! zeroed.

use crate::modes::{rlb::Rlb, slaves::Link, tlb::Tlb, ArpValidate, Mode, XmitHashPolicy};
use kernel::sync::atomic::{Atomic, AtomicType, Relaxed};

// Zeroed in place (`init_zeroed()`), the ~6 KiB table is not built on the kernel stack.
// SAFETY: `Tlb` is `#[repr(C)]` of integers only (`u16` links whose 0 means none): all-zero is
// valid and is exactly `Tlb::new()` (documented on the type).
unsafe impl pin_init::Zeroable for Tlb {}

// SAFETY: As for `Tlb`: `Rlb` is `#[repr(C)]` of integers, byte arrays and `bool`s (0 is
// `false`), and all-zero is `Rlb::new()` (documented on the type).
unsafe impl pin_init::Zeroable for Rlb {}

// SAFETY: `Mode` is a `#[repr(u8)]` fieldless enum: one byte, alignment 1, as `i8`; its values
// (0..=6) are valid `i8` values, and transmuting one to `i8` and back gives the same variant.
unsafe impl AtomicType for Mode {
    type Repr = i8;
}

// SAFETY: As for `Mode`: `#[repr(u8)]` fieldless enum with values 0..=5.
unsafe impl AtomicType for XmitHashPolicy {
    type Repr = i8;
}

// SAFETY: As for `Mode`: `#[repr(u8)]` fieldless enum with values 0..=3.
unsafe impl AtomicType for Link {
    type Repr = i8;
}

// SAFETY: As for `Mode`: `#[repr(u8)]` fieldless enum with values 0..=6.
unsafe impl AtomicType for ArpValidate {
    type Repr = i8;
}

/// A kernel [`Atomic`] whose loads, on the data path, are done in line.
///
/// [`Atomic::load`] goes through the C helpers of `rust/helpers/`, which a module built out of
/// tree cannot inline (`CONFIG_RUST_INLINE_HELPERS` links them into the `kernel` crate only):
/// each load is a function call. The fields the data path reads per packet use this type: its
/// [`Plain::load`] is C's `READ_ONCE()` itself, a volatile load of the atomic's value, one
/// `mov` (x86_64) or `ldr` (arm64); [`Plain::store`] is `WRITE_ONCE()`, and [`Plain::atomic`] gives
/// the kernel atomic for read-modify-write operations, as C mixes `READ_ONCE()` with `xchg()`.
pub(crate) struct Plain<T: AtomicType>(Atomic<T>);

impl<T: AtomicType> Plain<T> {
    /// A new cell holding `v`.
    pub(crate) const fn new(v: T) -> Self {
        Self(Atomic::new(v))
    }

    /// `READ_ONCE()`, in line.
    #[inline(always)]
    pub(crate) fn load(&self, _: Relaxed) -> T {
        // SAFETY: `as_ptr()` points to the atomic's properly aligned, initialised `T`; a
        // volatile load of it is what the kernel's relaxed load does (`READ_ONCE()`), and every
        // write to it is atomic, so the load never sees a torn value.
        unsafe { core::ptr::read_volatile(self.0.as_ptr()) }
    }

    /// `WRITE_ONCE()`.
    #[inline(always)]
    pub(crate) fn store(&self, v: T, _: Relaxed) {
        // SAFETY: `as_ptr()` points to the atomic's properly aligned `T`; a volatile store of a
        // whole `T` is the kernel's relaxed store (`WRITE_ONCE()`).
        unsafe { core::ptr::write_volatile(self.0.as_ptr(), v) }
    }

    /// The kernel atomic, for what [`Plain`] does not offer.
    pub(crate) fn atomic(&self) -> &Atomic<T> {
        &self.0
    }
}
