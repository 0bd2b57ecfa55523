// SPDX-License-Identifier: GPL-2.0

//! Bonding option table, option parsing, and the netlink / module parameter
//! metadata of the bonding driver.
//!
//! Pure `core` Rust (no allocation, no panics, no `unsafe`). This file is both
//! the root of the host crate `bonding-netlink` and, via
//! `#[path = "../netlink/lib.rs"] mod netlink;`, a plain module of
//! `bonding.ko` (built with `--cfg MODULE`). The modes crate is always
//! reached as `crate::modes`: in the kernel crate that is the sibling module,
//! on the host it is the re-export below.
//!
//! C references: `drivers/net/bonding/bond_options.c`,
//! `include/net/bond_options.h`, `drivers/net/bonding/bond_netlink.c`,
//! `include/uapi/linux/if_link.h`, `drivers/net/bonding/bond_main.c`.

#![cfg_attr(not(any(test, MODULE)), no_std)]
#![cfg_attr(MODULE, allow(dead_code, unreachable_pub))]
#![warn(missing_docs, clippy::cast_lossless, clippy::as_underscore)]

#[cfg(not(MODULE))]
pub(crate) use bonding_modes as modes;

pub mod ifla;
pub mod options;
pub mod params;
