// SPDX-License-Identifier: GPL-2.0

//! The driver's enums as [`kernel::sync::atomic::Atomic`] values: the mode and the transmit hash
//! policy (read by the data path without RTNL) and a slave's link state (written by the MII
//! monitor, read by the data path).

use crate::modes::{slaves::Link, ArpValidate, Mode, XmitHashPolicy};
use kernel::sync::atomic::AtomicType;

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
