// SPDX-License-Identifier: GPL-2.0

//! The safe layer: every `unsafe` block of bonding-rs lives under this
//! module. The rest of the driver is safe Rust on top of these abstractions
//! (and of the kernel crate's own).

pub(crate) mod atomic;
pub(crate) mod bhlock;
pub(crate) mod devops;
pub(crate) mod driver;
pub(crate) mod ethtool;
pub(crate) mod flow;
pub(crate) mod inet;
pub(crate) mod ioctl;
pub(crate) mod link;
pub(crate) mod netdev;
pub(crate) mod netpoll;
pub(crate) mod notifier;
pub(crate) mod param;
pub(crate) mod percpu;
pub(crate) mod pernet;
pub(crate) mod print;
pub(crate) mod proc;
pub(crate) mod rcu;
pub(crate) mod rtnl;
pub(crate) mod skb;
pub(crate) mod sysfs;
pub(crate) mod work;
pub(crate) mod xdp;
#[cfg(CONFIG_XFRM_OFFLOAD)]
pub(crate) mod xfrm;
