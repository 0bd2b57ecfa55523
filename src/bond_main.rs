// SPDX-License-Identifier: GPL-2.0

//! bonding-rs: the Linux Ethernet bonding driver in Rust, a drop-in
//! replacement for `drivers/net/bonding/` (module `bonding`).
//!
//! Layout, in layers whose imports point down only (`docs/architecture.md`, checked by
//! `scripts/imports`): [`safe`] holds every `unsafe` block (abstractions over the C API,
//! with raw [`bindings`] generated at build time); the bond's state ([`bond`], [`slave`],
//! [`params`]); the mode policies ([`policy`]) and the link monitors ([`monitor`],
//! [`arpmon`]); the control operations ([`enslave`], [`failover`], [`options`]); the
//! interfaces ([`ops`], [`datapath`], [`rtnetlink`], [`sysfs`], [`procfs`], [`masters`]).
//! [`modes`] and [`netlink`] are pure Rust crates shared with host tests.

#![deny(clippy::undocumented_unsafe_blocks)]
// Every `unsafe` lives in `safe` (and the generated `bindings`): the driver itself is safe Rust.
#![deny(unsafe_code)]

mod arpmon;
#[allow(unsafe_code)]
mod bindings;
mod bond;
mod datapath;
mod enslave;
mod failover;
mod fmt;
#[cfg(CONFIG_XFRM_OFFLOAD)]
mod ipsec;
mod masters;
#[path = "../modes/lib.rs"]
pub(crate) mod modes;
mod monitor;
#[path = "../netlink/lib.rs"]
pub(crate) mod netlink;
mod ops;
mod options;
mod params;
mod policy;
mod procfs;
mod rtnetlink;
#[allow(unsafe_code)]
mod safe;
mod slave;
mod sysfs;
mod sysfs_slave;
mod xdp;
mod xmit;

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
    // Field order is drop order, C's: the notifier first (its unregistration replays
    // `NETDEV_UNREGISTER` for every device, which releases every slave from its bond, with C's
    // log lines), then the link ops (deletes all bonds), then the per-namespace state
    // (`bonding_masters`).
    _notifier: Pin<KBox<safe::notifier::NetdevNotifier<enslave::BondEvents>>>,
    _link: safe::driver::LinkRegistration<bond::BondDriver>,
    _pernet: safe::pernet::PernetRegistration<bond::BondNet>,
    _rcu: RcuBarrier,
}

/// Waits for pending RCU callbacks of this module on unload (dropped last).
struct RcuBarrier;

impl Drop for RcuBarrier {
    fn drop(&mut self) {
        kernel::sync::rcu::rcu_barrier();
    }
}

impl kernel::Module for Bonding {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // C `bonding_init()`.
        let cfg = options::modparams::check_params()?;
        bond::BOND_DEFAULTS.populate(cfg.params);

        safe::flow::init();
        let pernet = safe::pernet::PernetRegistration::<bond::BondNet>::register()?;
        let notifier = KBox::pin_init(safe::notifier::NetdevNotifier::register(), GFP_KERNEL)?;
        let link = safe::driver::LinkRegistration::<bond::BondDriver>::register()?;
        let this = Bonding {
            _notifier: notifier,
            _link: link,
            _pernet: pernet,
            _rcu: RcuBarrier,
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
