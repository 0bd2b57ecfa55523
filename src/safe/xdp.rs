// SPDX-License-Identifier: GPL-2.0

//! XDP on a device that hands it down to its lower devices (C `bond_xdp_set()`,
//! `bond_xdp_xmit()`, `bond_xdp_get_xmit_slave()`, `bond_xdp_set_features()`): counted
//! references to a BPF program, its propagation to a lower device (`ndo_bpf`), the program slot
//! of the upper device with the kernel's master-redirect switch, views of the packets XDP hands
//! over (`xdp_buff`, `xdp_frame`), a frame sent on by a lower device's `ndo_xdp_xmit` and the
//! devices' XDP feature flags.
//!
//! The programs' side (the program references, the slot, `ndo_bpf`'s command and the
//! propagation) exists only with `CONFIG_BPF_SYSCALL`, as C's `bpf_prog_inc()`/`bpf_prog_put()`:
//! without the `bpf(2)` system call no program can be made, so none reaches a device (C's
//! `bond_xdp_set()` is then never called with one). The frames' side and the feature flags do
//! not depend on it.

use crate::bindings;
#[cfg(CONFIG_BPF_SYSCALL)]
use crate::safe::link::ExtAck;
use crate::safe::netdev::NetDevice;
use crate::safe::rtnl::Rtnl;
#[cfg(CONFIG_BPF_SYSCALL)]
use core::cell::UnsafeCell;
#[cfg(CONFIG_BPF_SYSCALL)]
use core::ptr::NonNull;
use kernel::prelude::*;

/// `NETDEV_XDP_ACT_MASK`: every XDP feature flag.
pub(crate) const XDP_ACT_MASK: u32 = bindings::netdev_xdp_act_NETDEV_XDP_ACT_MASK;
/// `NETDEV_XDP_ACT_XSK_ZEROCOPY`.
pub(crate) const XDP_ACT_XSK_ZEROCOPY: u32 = bindings::netdev_xdp_act_NETDEV_XDP_ACT_XSK_ZEROCOPY;

#[cfg(CONFIG_BPF_SYSCALL)]
/// A counted reference to a BPF program (`struct bpf_prog`).
///
/// # Invariants
///
/// The pointer is a program on which this value holds one reference (`bpf_prog_inc()`), put
/// (`bpf_prog_put()`) when it is dropped.
pub(crate) struct BpfProg(NonNull<bindings::bpf_prog>);

#[cfg(CONFIG_BPF_SYSCALL)]
// SAFETY: A program reference may be taken, used and put from any thread (C passes them around
// freely under RTNL and in RCU sections).
unsafe impl Send for BpfProg {}
#[cfg(CONFIG_BPF_SYSCALL)]
// SAFETY: `&BpfProg` only gives the pointer and new references (atomic counts).
unsafe impl Sync for BpfProg {}

#[cfg(CONFIG_BPF_SYSCALL)]
impl BpfProg {
    /// A new reference to the program `p` points to, which the caller holds a reference on
    /// for the call.
    ///
    /// # Safety
    ///
    /// `p` is a live program the caller holds a reference on during the call.
    unsafe fn get(p: NonNull<bindings::bpf_prog>) -> Self {
        // SAFETY: The program is alive (the caller's reference); one more reference, ours.
        unsafe { bindings::bpf_prog_inc(p.as_ptr()) };
        Self(p)
    }

    fn as_ptr(&self) -> *mut bindings::bpf_prog {
        self.0.as_ptr()
    }
}

#[cfg(CONFIG_BPF_SYSCALL)]
impl Clone for BpfProg {
    fn clone(&self) -> Self {
        // SAFETY: `self` holds a reference (type invariant).
        unsafe { Self::get(self.0) }
    }
}

#[cfg(CONFIG_BPF_SYSCALL)]
impl Drop for BpfProg {
    fn drop(&mut self) {
        // SAFETY: The reference this value holds (type invariant), given up.
        unsafe { bindings::bpf_prog_put(self.as_ptr()) }
    }
}

#[cfg(CONFIG_BPF_SYSCALL)]
/// The program an upper device has installed (C `bond->xdp_prog`), under RTNL, and the kernel's
/// master-redirect switch (C `bpf_master_redirect_enabled_key`), on while a program is
/// installed: with it, `XDP_TX` on a lower device asks the upper device's
/// `ndo_xdp_get_xmit_slave` which lower device transmits.
///
/// # Invariants
///
/// The cell is only accessed with RTNL held (every method takes `&Rtnl`), by value (no
/// reference into it outlives a call). While it holds a program, this slot holds one count of
/// the master-redirect key.
pub(crate) struct XdpProgSlot(UnsafeCell<Option<BpfProg>>);

#[cfg(CONFIG_BPF_SYSCALL)]
// SAFETY: Accesses are serialised by RTNL (type invariant).
unsafe impl Sync for XdpProgSlot {}

#[cfg(CONFIG_BPF_SYSCALL)]
impl XdpProgSlot {
    /// An empty slot.
    pub(crate) const fn new() -> Self {
        Self(UnsafeCell::new(None))
    }

    /// A reference to the installed program.
    pub(crate) fn get(&self, _rtnl: &Rtnl) -> Option<BpfProg> {
        // SAFETY: RTNL held (type invariant); the shared reference lives only for `clone`, which
        // cannot reach this slot.
        unsafe { (*self.0.get()).clone() }
    }

    /// Whether a program is installed.
    pub(crate) fn is_set(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: As in `get`.
        unsafe { (*self.0.get()).is_some() }
    }

    /// Installs `prog` (`None`: none), returning the program it replaces; the master-redirect
    /// switch follows (C `bond_xdp_set()`'s `static_branch_inc()`/`_dec()`).
    pub(crate) fn replace(&self, _rtnl: &Rtnl, prog: Option<BpfProg>) -> Option<BpfProg> {
        let new = prog.is_some();
        // SAFETY: RTNL held (type invariant); no reference into the slot exists.
        let old = unsafe { core::mem::replace(&mut *self.0.get(), prog) };
        match (old.is_some(), new) {
            // SAFETY: The slot now holds a program: its count of the key.
            (false, true) => unsafe { bindings::bondrs_master_redirect_inc() },
            // SAFETY: The slot held a program, and its count, which it gives up.
            (true, false) => unsafe { bindings::bondrs_master_redirect_dec() },
            _ => {}
        }
        old
    }
}

#[cfg(CONFIG_BPF_SYSCALL)]
impl Drop for XdpProgSlot {
    fn drop(&mut self) {
        if self.0.get_mut().take().is_some() {
            // SAFETY: The slot held a program, and its count of the key (type invariant).
            unsafe { bindings::bondrs_master_redirect_dec() }
        }
    }
}

#[cfg(CONFIG_BPF_SYSCALL)]
/// What an upper device's `ndo_bpf` is asked to do.
pub(crate) enum XdpCommand<'a> {
    /// `XDP_SETUP_PROG`: install `prog` (`None`: remove the program). The caller's reference,
    /// lent for the call: the driver keeps a clone.
    SetupProg(Option<&'a BpfProg>, ExtAck<'a>),
    /// Any other command (C bonding answers them `-EINVAL`).
    Other,
}

#[cfg(CONFIG_BPF_SYSCALL)]
impl XdpCommand<'_> {
    /// Runs `f` on the command of `ndo_bpf`'s `bpf`; the program reference the core moved into
    /// the call is put if `f` succeeded (`f` kept a clone if it wanted one), left to the core
    /// if it failed, as `ndo_bpf` requires.
    ///
    /// # Safety
    ///
    /// `bpf` is the argument of an `ndo_bpf` call in progress (RTNL held).
    pub(crate) unsafe fn with(
        bpf: *mut bindings::netdev_bpf,
        f: impl FnOnce(XdpCommand<'_>) -> Result,
    ) -> Result {
        // SAFETY: The caller's `bpf` is valid for the call.
        let cmd = unsafe { (*bpf).command };
        if cmd != bindings::bpf_netdev_command_XDP_SETUP_PROG {
            return f(XdpCommand::Other);
        }
        // SAFETY: For `XDP_SETUP_PROG` the first union member is the one in use.
        let (prog, extack) = unsafe {
            let a = (*bpf).__bindgen_anon_1.__bindgen_anon_1;
            (NonNull::new(a.prog), a.extack)
        };
        // The core's reference, moved into the call, as a value we may or may not give up.
        let owned = prog.map(BpfProg);
        // SAFETY: `extack` is null or the request's (the caller's `ndo_bpf` arguments).
        let ack = unsafe { ExtAck::from_raw_ptr(extack) };
        let r = f(XdpCommand::SetupProg(owned.as_ref(), ack));
        match r {
            Ok(()) => drop(owned),
            // The core puts its reference itself when `ndo_bpf` fails.
            Err(_) => core::mem::forget(owned),
        }
        r
    }
}

impl NetDevice {
    /// Whether the device has `ndo_bpf` and `ndo_xdp_xmit` (C's test before propagating).
    pub(crate) fn has_xdp_ops(&self) -> bool {
        // SAFETY: Valid device; `netdev_ops` is set and constant for registered devices.
        unsafe { bindings::bondrs_has_xdp_ops(self.as_ptr()) }
    }

    #[cfg(CONFIG_BPF_SYSCALL)]
    /// `dev_xdp_prog_count()`: the programs attached to the device (any mode).
    pub(crate) fn xdp_prog_count(&self, _rtnl: &Rtnl) -> u8 {
        // SAFETY: RTNL held (the attachments change only under it).
        unsafe { bindings::dev_xdp_prog_count(self.as_ptr()) }
    }

    #[cfg(CONFIG_BPF_SYSCALL)]
    /// `dev_xdp_propagate()` of `XDP_SETUP_PROG` with `prog` (`None`: remove): on success the
    /// device holds a reference of its own (C's `bpf_prog_inc()` after the call).
    pub(crate) fn xdp_propagate(
        &self,
        prog: Option<&BpfProg>,
        extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        // A reference for the device, moved into the call.
        let r = prog.cloned();
        // SAFETY: All-zero is a valid `netdev_bpf` (C initialiser: the fields below, the rest 0).
        let mut xdp: bindings::netdev_bpf = unsafe { core::mem::zeroed() };
        xdp.command = bindings::bpf_netdev_command_XDP_SETUP_PROG;
        xdp.__bindgen_anon_1.__bindgen_anon_1 = bindings::netdev_bpf__bindgen_ty_1__bindgen_ty_1 {
            flags: 0,
            prog: r.as_ref().map_or(core::ptr::null_mut(), BpfProg::as_ptr),
            extack: extack.as_raw(),
        };
        // SAFETY: RTNL held; a valid device; `xdp` lives for the call; the program is alive
        // (our reference).
        let err = unsafe { bindings::dev_xdp_propagate(self.as_ptr(), &mut xdp) };
        if err < 0 {
            // Not taken: ours to put (dropped here).
            return Err(Error::from_errno(err));
        }
        // Taken by the device, which puts it when the program is replaced.
        core::mem::forget(r);
        Ok(())
    }

    /// The device's XDP feature flags (`dev->xdp_features`).
    pub(crate) fn xdp_features(&self, _rtnl: &Rtnl) -> u32 {
        // SAFETY: Valid device; the flags change under RTNL, held.
        unsafe { (*self.as_ptr()).xdp_features }
    }

    /// `xdp_set_features_flag()` (sends `NETDEV_XDP_FEAT_CHANGE` when they change).
    pub(crate) fn set_xdp_features(&self, val: u32, _rtnl: &Rtnl) {
        // SAFETY: RTNL held, a valid device; the function takes the instance lock itself.
        unsafe { bindings::xdp_set_features_flag(self.as_ptr(), val) }
    }

    /// The lower device's `ndo_xdp_xmit` for the one frame `f` (C `bond_xdp_xmit()`): the
    /// number of frames it took (0 or 1) or a negative errno; `-EOPNOTSUPP` if it has none.
    /// A frame not taken stays the caller's, as `ndo_xdp_xmit` requires.
    pub(crate) fn xdp_xmit_frame(&self, f: XdpFrame, flags: u32) -> i32 {
        if !self.has_xdp_ops() {
            return EOPNOTSUPP.to_errno();
        }
        // SAFETY: A device with `ndo_xdp_xmit`, in the caller's RCU section; `f` is a frame the
        // caller was handed by `ndo_xdp_xmit` and has not given up.
        unsafe { bindings::bondrs_xdp_xmit_one(self.as_ptr(), f.0, flags) }
    }
}

/// A packet as XDP hands it to `ndo_xdp_get_xmit_slave`: an `xdp_buff`, lent for the call.
///
/// # Invariants
///
/// The pointer is an `xdp_buff` whose `data`..`data_end` stay valid and unchanged for `'a`.
pub(crate) struct XdpBuff<'a>(*mut bindings::xdp_buff, core::marker::PhantomData<&'a ()>);

impl<'a> XdpBuff<'a> {
    /// # Safety
    ///
    /// `xdp` is an `xdp_buff` lent for `'a` (the arguments of an `ndo_xdp_get_xmit_slave` call).
    pub(crate) unsafe fn from_raw(xdp: *mut bindings::xdp_buff) -> Self {
        Self(xdp, core::marker::PhantomData)
    }

    /// The packet's linear data, from the Ethernet header (`data`..`data_end`).
    pub(crate) fn data(&self) -> &'a [u8] {
        // SAFETY: A valid `xdp_buff` (type invariant): two plain pointer fields.
        let (p, end) = unsafe { ((*self.0).data.cast::<u8>(), (*self.0).data_end.cast::<u8>()) };
        // `data_end` >= `data` in every buffer XDP hands out; an empty slice otherwise.
        let len = (end as usize).saturating_sub(p as usize);
        // SAFETY: `data`..`data_end` are valid bytes for `'a` (type invariant).
        unsafe { core::slice::from_raw_parts(p, len) }
    }
}

/// A frame handed to `ndo_xdp_xmit`, still the caller's: sent on (given by value to
/// [`NetDevice::xdp_xmit_frame`]), or left to the caller (dropped: the caller frees the frames
/// not sent).
///
/// # Invariants
///
/// The pointer is an `xdp_frame` of an `ndo_xdp_xmit` call in progress, not yet given to a
/// lower device (each is made once, by [`XdpFrames`]).
pub(crate) struct XdpFrame(*mut bindings::xdp_frame);

impl XdpFrame {
    /// The frame's data, from the Ethernet header (`data`, `len` bytes: C
    /// `xdp_convert_frame_to_buff()`'s `data`..`data_end`).
    pub(crate) fn data(&self) -> &[u8] {
        // SAFETY: A valid frame (type invariant): a pointer and a `u32` field.
        let (p, len) = unsafe { ((*self.0).data.cast::<u8>(), (*self.0).len) };
        // SAFETY: The frame's data, valid while the frame is ours (the borrow).
        unsafe { core::slice::from_raw_parts(p, len as usize) }
    }
}

/// The frames of an `ndo_xdp_xmit` call, each handed out once, in order.
///
/// # Invariants
///
/// `frames` points to `n` frames of an `ndo_xdp_xmit` call in progress; those from `next` on
/// have not been handed out.
pub(crate) struct XdpFrames {
    frames: *mut *mut bindings::xdp_frame,
    n: usize,
    next: usize,
}

impl XdpFrames {
    /// # Safety
    ///
    /// The arguments of an `ndo_xdp_xmit` call in progress.
    pub(crate) unsafe fn from_raw(frames: *mut *mut bindings::xdp_frame, n: c_int) -> Self {
        Self {
            frames,
            n: usize::try_from(n).unwrap_or(0),
            next: 0,
        }
    }
}

impl Iterator for XdpFrames {
    type Item = XdpFrame;

    fn next(&mut self) -> Option<XdpFrame> {
        if self.next >= self.n {
            return None;
        }
        // SAFETY: `next < n`: an element of the caller's array, not handed out before (type
        // invariant).
        let f = unsafe { *self.frames.add(self.next) };
        self.next += 1;
        Some(XdpFrame(f))
    }
}
