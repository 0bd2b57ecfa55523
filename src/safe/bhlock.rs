// SPDX-License-Identifier: GPL-2.0

//! A spinlock taken with bottom halves disabled (`spin_lock_bh()`), for state shared between
//! process context and the receive softirq (C `bond->mode_lock`). The kernel crate offers
//! `spin_lock()` and `spin_lock_irqsave()` backends; this is the same [`Lock`] with the `_bh`
//! calls, so guards, `pin_init` and lockdep classes work as for [`kernel::sync::SpinLock`].

use crate::bindings as b;
use kernel::bindings;
use kernel::sync::lock::{Backend, Lock};

/// A `spinlock_t` locked with `spin_lock_bh()`.
pub(crate) type SpinLockBh<T> = Lock<T, SpinLockBhBackend>;

/// The `spin_lock_bh()` backend of [`SpinLockBh`].
pub(crate) struct SpinLockBhBackend;

/// Creates a [`SpinLockBh`] initialiser with a new lock class.
macro_rules! new_spinlock_bh {
    ($inner:expr $(, $name:literal)? $(,)?) => {
        $crate::safe::bhlock::SpinLockBh::new(
            $inner, ::kernel::optional_name!($($name)?), ::kernel::static_lock_class!())
    };
}
pub(crate) use new_spinlock_bh;

// SAFETY: `spinlock_t` ensures mutual exclusion; `spin_lock_bh()` additionally keeps the local
// softirqs (the receive path, which takes the same lock) from running while it is held, and
// `spin_unlock_bh()` undoes exactly that. `relock` uses the default (the same `lock`).
unsafe impl Backend for SpinLockBhBackend {
    type State = bindings::spinlock_t;
    type GuardState = ();

    unsafe fn init(
        ptr: *mut Self::State,
        name: *const kernel::ffi::c_char,
        key: *mut bindings::lock_class_key,
    ) {
        // SAFETY: The caller guarantees `ptr` is valid for writes and `name`/`key` live forever.
        unsafe { bindings::__spin_lock_init(ptr, name, key) }
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: The caller guarantees `ptr` points to an initialised lock.
        unsafe { b::bondrs_spin_lock_bh(ptr.cast()) }
    }

    unsafe fn try_lock(ptr: *mut Self::State) -> Option<Self::GuardState> {
        // SAFETY: As for `lock`.
        (unsafe { b::bondrs_spin_trylock_bh(ptr.cast()) } != 0).then_some(())
    }

    unsafe fn unlock(ptr: *mut Self::State, _guard_state: &Self::GuardState) {
        // SAFETY: The caller guarantees `ptr` is an initialised lock it holds.
        unsafe { b::bondrs_spin_unlock_bh(ptr.cast()) }
    }

    unsafe fn assert_is_held(ptr: *mut Self::State) {
        // SAFETY: The caller guarantees `ptr` points to an initialised lock.
        unsafe { bindings::spin_assert_is_held(ptr) }
    }
}
