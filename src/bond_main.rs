// SPDX-License-Identifier: GPL-2.0

//! bonding-rs: the Linux Ethernet bonding driver in Rust, a drop-in
//! replacement for `drivers/net/bonding/` (module `bonding`).
//!
//! Layout: [`safe`] holds every `unsafe` block (abstractions over the C API,
//! with raw [`bindings`] generated at build time); [`bond`], [`masters`] and
//! [`params`] are the driver in safe Rust; [`modes`] and [`netlink`] are pure
//! Rust crates shared with host tests.

#![deny(clippy::undocumented_unsafe_blocks)]

#[allow(unsafe_code)]
mod bindings;
mod bond;
mod masters;
#[path = "../modes/lib.rs"]
pub(crate) mod modes;
#[path = "../netlink/lib.rs"]
pub(crate) mod netlink;
mod params;
#[allow(unsafe_code)]
mod safe;

use kernel::prelude::*;

module! {
    type: Bonding,
    name: "bonding",
    authors: ["Thomas Davis, tadavis@lbl.gov and many others"],
    description: "Ethernet Channel Bonding Driver",
    license: "GPL",
    alias: ["rtnl-link-bond"],
    imports_ns: ["NETDEV_INTERNAL"],
}

/// The loaded module: its registrations, undone in reverse order on unload
/// (C `bonding_exit()`).
struct Bonding {
    // Field order is drop order: link ops first (deletes all bonds), then the
    // per-namespace state (`bonding_masters`).
    _link: safe::link::LinkRegistration<bond::BondDriver>,
    _pernet: safe::pernet::PernetRegistration<masters::BondNet>,
}

impl kernel::Module for Bonding {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // C `bonding_init()`.
        let cfg = params::check_params()?;
        bond::BOND_DEFAULTS.populate(cfg.params);

        let pernet = safe::pernet::PernetRegistration::<masters::BondNet>::register()?;
        let link = safe::link::LinkRegistration::<bond::BondDriver>::register()?;
        let this = Bonding {
            _link: link,
            _pernet: pernet,
        };

        let init_net = safe::netdev::Net::init_net();
        for _ in 0..cfg.max_bonds {
            // On error `this` drops: unregisters everything, deleting the
            // bonds created so far.
            bond::bond_create(init_net, None)?;
        }
        Ok(this)
    }
}
