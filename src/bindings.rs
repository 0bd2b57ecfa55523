// SPDX-License-Identifier: GPL-2.0

//! Raw C bindings of bonding-rs, generated at build time by
//! `scripts/gen-bindings.sh` from `src/bindings_helper.h` (the stock
//! `kernel::bindings` keeps `struct net_device` opaque and lacks the netdev and
//! rtnetlink API). Only [`crate::safe`] uses them.

#![allow(
    clippy::all,
    missing_docs,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    improper_ctypes,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    dead_code,
    unknown_lints,
    unnecessary_transmutes,
    clippy::as_underscore,
    clippy::cast_lossless,
    clippy::ptr_as_ptr,
    clippy::ref_as_ptr,
    clippy::undocumented_unsafe_blocks
)]

use kernel::ffi;
use pin_init::{MaybeZeroable, Zeroable};

// Manual definitions of the types the kernel's bindgen invocation blocklists.
type __kernel_size_t = usize;
type __kernel_ssize_t = isize;
type __kernel_ptrdiff_t = isize;

// SAFETY: `__BindgenBitfieldUnit<Storage>` is a newtype around `Storage` (same as
// the kernel's `rust/bindings/lib.rs`).
unsafe impl<Storage> Zeroable for __BindgenBitfieldUnit<Storage> where Storage: Zeroable {}

include!("bindings_generated.rs");
