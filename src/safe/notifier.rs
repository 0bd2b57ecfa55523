// SPDX-License-Identifier: GPL-2.0

//! The netdevice notifier chain (`register_netdevice_notifier()`).

use crate::bindings;
use crate::safe::netdev::NetDevice;
use crate::safe::rtnl::Rtnl;
use core::marker::PhantomData;
use kernel::{error::to_result, prelude::*, types::Opaque};

/// A netdevice event handler.
pub(crate) trait NetdevEvents: 'static {
    /// Called for every netdevice event (`NETDEV_*`) on every device, under
    /// RTNL (the chain is only called with it held).
    fn event(event: bindings::netdev_cmd, dev: &NetDevice, rtnl: &Rtnl);
}

/// A registered netdevice notifier; unregistered on drop.
#[pin_data(PinnedDrop)]
pub(crate) struct NetdevNotifier<N: NetdevEvents> {
    #[pin]
    nb: Opaque<bindings::notifier_block>,
    _p: PhantomData<N>,
}

// SAFETY: The notifier block is only touched by the notifier core, which
// serialises with its own locking.
unsafe impl<N: NetdevEvents> Sync for NetdevNotifier<N> {}
// SAFETY: As above.
unsafe impl<N: NetdevEvents> Send for NetdevNotifier<N> {}

impl<N: NetdevEvents> NetdevNotifier<N> {
    /// Registers the notifier (must not hold RTNL).
    pub(crate) fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            nb <- Opaque::try_ffi_init(|slot: *mut bindings::notifier_block| {
                // SAFETY: `slot` is our pinned, uninitialised block: zero it,
                // set the callback, register it (it stays pinned until the
                // `PinnedDrop` unregisters it).
                unsafe {
                    slot.write(core::mem::zeroed());
                    (*slot).notifier_call = Some(Self::cb);
                    to_result(bindings::register_netdevice_notifier(slot))
                }
            }),
            _p: PhantomData,
        })
    }

    /// # Safety
    ///
    /// Called by the notifier chain with a `netdev_notifier_info`.
    unsafe extern "C" fn cb(
        _nb: *mut bindings::notifier_block,
        event: c_ulong,
        ptr: *mut c_void,
    ) -> c_int {
        // SAFETY: Netdevice notifiers get a `netdev_notifier_info` whose
        // device is valid for the call, and run under RTNL
        // (`call_netdevice_notifiers_info()` asserts it).
        let (dev, rtnl) = unsafe {
            (
                NetDevice::from_raw(bindings::bondrs_notifier_info_to_dev(ptr)),
                Rtnl::assume_held(),
            )
        };
        N::event(event as bindings::netdev_cmd, dev, rtnl);
        bindings::NOTIFY_DONE
    }
}

#[pinned_drop]
impl<N: NetdevEvents> PinnedDrop for NetdevNotifier<N> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: Registered in `register()`; called without RTNL (module exit).
        unsafe { bindings::unregister_netdevice_notifier(self.nb.get()) };
    }
}
