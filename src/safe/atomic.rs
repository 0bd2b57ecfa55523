// SPDX-License-Identifier: GPL-2.0

//! The driver's enums as [`kernel::sync::atomic::Atomic`] values: the mode and the transmit hash
//! policy (read by the data path without RTNL) and a slave's link state (written by the MII
//! monitor, read by the data path); and [`Plain`], the in-line relaxed cell for the few fields
//! the data path reads per packet.

use crate::modes::{slaves::Link, ArpValidate, Mode, XmitHashPolicy};
use core::marker::PhantomData;
use kernel::sync::atomic::{AtomicType, Relaxed};

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

/// A value shared by the control path and the data path, loaded and stored whole with relaxed
/// ordering (C `READ_ONCE()`/`WRITE_ONCE()`), in line.
///
/// [`kernel::sync::atomic::Atomic`] does the same through the C helpers of `rust/helpers/`, which a
/// module built out of tree cannot inline (`CONFIG_RUST_INLINE_HELPERS` links them into the
/// `kernel` crate only): each of its loads is a function call. The fields the data path reads per
/// packet use this type instead. It is backed by `core::sync::atomic`, whose relaxed loads and
/// stores compile to the plain `mov` (x86_64) or `ldr`/`str` (arm64) that C's `READ_ONCE()` and
/// `WRITE_ONCE()` compile to. It offers loads and stores only: no read-modify-write, so the
/// memory model questions of mixing the two atomic APIs do not arise.
///
/// # Invariants
///
/// The cell always holds the representation of a `T` (only [`Plain::new`] and [`Plain::store`]
/// write it, both from a `T`).
pub(crate) struct Plain<T: AtomicType>(<T::Repr as PlainRepr>::Cell, PhantomData<T>)
where
    T::Repr: PlainRepr;

/// The representations [`Plain`] can hold, with their `core::sync::atomic` cell.
pub(crate) trait PlainRepr: Copy {
    /// The cell.
    type Cell: Sync + Send;
    /// A new cell holding `v`.
    fn cell(v: Self) -> Self::Cell;
    /// Relaxed load.
    fn get(c: &Self::Cell) -> Self;
    /// Relaxed store.
    fn put(c: &Self::Cell, v: Self);
}

macro_rules! plain_repr {
    ($($repr:ty => $cell:ty),* $(,)?) => {$(
        impl PlainRepr for $repr {
            type Cell = $cell;
            #[inline(always)]
            fn cell(v: Self) -> Self::Cell {
                <$cell>::new(v)
            }
            #[inline(always)]
            fn get(c: &Self::Cell) -> Self {
                c.load(core::sync::atomic::Ordering::Relaxed)
            }
            #[inline(always)]
            fn put(c: &Self::Cell, v: Self) {
                c.store(v, core::sync::atomic::Ordering::Relaxed)
            }
        }
    )*};
}
plain_repr!(i8 => core::sync::atomic::AtomicI8, i32 => core::sync::atomic::AtomicI32);

impl<T: AtomicType> Plain<T>
where
    T::Repr: PlainRepr,
{
    /// `to_repr(v)`: `v` as its representation.
    #[inline(always)]
    fn to_repr(v: T) -> T::Repr {
        // SAFETY: `AtomicType` guarantees that `T` and `T::Repr` have the same size and alignment
        // and that a `T` is round-trip transmutable to `T::Repr`.
        unsafe { core::mem::transmute_copy::<T, T::Repr>(&v) }
    }

    /// A new cell holding `v`.
    pub(crate) fn new(v: T) -> Self {
        // INVARIANT: The cell holds the representation of `v`.
        Self(<T::Repr as PlainRepr>::cell(Self::to_repr(v)), PhantomData)
    }

    /// `READ_ONCE()`. The ordering argument names the guarantee, as for
    /// [`kernel::sync::atomic::Atomic::load`].
    #[inline(always)]
    pub(crate) fn load(&self, _: Relaxed) -> T {
        let r = <T::Repr as PlainRepr>::get(&self.0);
        // SAFETY: By the type invariant `r` is the representation of a `T`, and `AtomicType`
        // guarantees that transmuting a `T`'s representation back gives that `T`.
        unsafe { core::mem::transmute_copy::<T::Repr, T>(&r) }
    }

    /// `WRITE_ONCE()`.
    #[inline(always)]
    pub(crate) fn store(&self, v: T, _: Relaxed) {
        // INVARIANT: The cell receives the representation of a `T`.
        <T::Repr as PlainRepr>::put(&self.0, Self::to_repr(v))
    }
}
