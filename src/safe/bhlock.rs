// SPDX-License-Identifier: GPL-2.0

//! A spinlock taken with bottom halves disabled (`spin_lock_bh()`), for state shared between
//! process context and the receive softirq or the transmit path (C `bond->mode_lock`). The
//! kernel crate offers `spin_lock()` and `spin_lock_irqsave()` backends; this is the same
//! [`Lock`] with the `_bh` calls, so guards, `pin_init` and lockdep classes work as for
//! [`kernel::sync::SpinLock`]. Where bottom halves are off already (a softirq, the transmit path,
//! netpoll with interrupts off) it takes the plain `spin_lock()`, as C does there: it costs less,
//! and `spin_unlock_bh()` with interrupts off would warn.

use crate::bindings as b;
use kernel::bindings;
use kernel::sync::lock::{Backend, Lock};

/// A `spinlock_t` locked with `spin_lock_bh()`.
pub(crate) type SpinLockBh<T> = Lock<T, SpinLockBhBackend>;

/// The `spin_lock_bh()` backend of [`SpinLockBh`].
pub(crate) struct SpinLockBhBackend;

/// `spin_lock(lock)` as C's inline expands it: `_raw_spin_lock(&lock->rlock)`, called directly
/// (the kernel crate's `spin_lock()` goes through a helper: one call more per lock).
/// On a uniprocessor kernel without `CONFIG_DEBUG_SPINLOCK`, `_raw_spin_lock()` is a macro
/// (`spinlock_api_up.h`), not a function: the helper is called there.
///
/// # Safety
///
/// `ptr` points to an initialised `spinlock_t`.
#[inline(always)]
unsafe fn raw_lock(ptr: *mut bindings::spinlock_t) {
    // `rlock` is the first member of `spinlock_t` (outside PREEMPT_RT).
    #[cfg(all(
        any(CONFIG_SMP, CONFIG_DEBUG_SPINLOCK),
        not(any(CONFIG_PREEMPT_RT, CONFIG_INLINE_SPIN_LOCK))
    ))]
    // SAFETY: The caller's `ptr` is an initialised spinlock, its `raw_spinlock` at offset 0.
    unsafe {
        b::_raw_spin_lock(ptr.cast())
    };
    #[cfg(not(all(
        any(CONFIG_SMP, CONFIG_DEBUG_SPINLOCK),
        not(any(CONFIG_PREEMPT_RT, CONFIG_INLINE_SPIN_LOCK))
    )))]
    // SAFETY: As above.
    unsafe {
        bindings::spin_lock(ptr)
    };
}

/// `spin_unlock(lock)` as C's inline expands it, as [`raw_lock`].
///
/// # Safety
///
/// `ptr` points to an initialised `spinlock_t` the caller holds, taken with [`raw_lock`].
#[inline(always)]
unsafe fn raw_unlock(ptr: *mut bindings::spinlock_t) {
    #[cfg(all(
        any(CONFIG_SMP, CONFIG_DEBUG_SPINLOCK),
        not(any(CONFIG_PREEMPT_RT, CONFIG_INLINE_SPIN_UNLOCK))
    ))]
    // SAFETY: The caller holds the spinlock, its `raw_spinlock` at offset 0.
    unsafe {
        b::_raw_spin_unlock(ptr.cast())
    };
    #[cfg(not(all(
        any(CONFIG_SMP, CONFIG_DEBUG_SPINLOCK),
        not(any(CONFIG_PREEMPT_RT, CONFIG_INLINE_SPIN_UNLOCK))
    )))]
    // SAFETY: As above.
    unsafe {
        bindings::spin_unlock(ptr)
    };
}

/// Locks `lock` with the plain `spin_lock()` on the transmit path, where bottom halves (or
/// interrupts) are off already (`_tx`), without [`SpinLockBhBackend`]'s check for it: C takes
/// `bond->mode_lock` there with `spin_lock()` too.
#[inline]
pub(crate) fn lock_in_xmit<'a, T>(
    lock: &'a SpinLockBh<T>,
    _tx: &crate::safe::rcu::XmitReadSide,
) -> kernel::sync::lock::Guard<'a, T, SpinLockBhBackend> {
    // `Lock` is `#[repr(C)]` with the `spinlock_t` (in an `Opaque`) first: its address is the
    // lock's (as `Lock::from_raw()` relies on).
    let raw = core::ptr::from_ref(lock)
        .cast_mut()
        .cast::<bindings::spinlock_t>();
    // SAFETY: `raw` is the initialised lock of `lock` (above). Bottom halves or interrupts are
    // off (`_tx`), so the plain lock is safe against the softirq users of the lock.
    unsafe { raw_lock(raw) };
    // SAFETY: We own the lock now; `false`: it was taken without disabling bottom halves, so the
    // guard's drop unlocks it with `spin_unlock()`.
    unsafe { kernel::sync::lock::Guard::new(lock, false) }
}

/// Creates a [`SpinLockBh`] initialiser with a new lock class.
macro_rules! new_spinlock_bh {
    ($inner:expr $(, $name:literal)? $(,)?) => {
        $crate::safe::bhlock::SpinLockBh::new(
            $inner, ::kernel::optional_name!($($name)?), ::kernel::static_lock_class!())
    };
}
pub(crate) use new_spinlock_bh;

// `spin_lock_bh()` keeps the local softirqs (the receive path takes the same lock) from running
// while the lock is held; where they cannot run anyway (bottom halves or interrupts off) the
// plain `spin_lock()` is taken. `relock` uses the default (`lock`, which records its choice).
// SAFETY: `spinlock_t` ensures mutual exclusion, and the guard state (`bool`) says which unlock
// matches the lock taken, so bottom halves are re-enabled exactly when they were disabled.
unsafe impl Backend for SpinLockBhBackend {
    type State = bindings::spinlock_t;
    /// Whether `lock()` disabled bottom halves (so `unlock()` enables them again).
    type GuardState = bool;

    unsafe fn init(
        ptr: *mut Self::State,
        name: *const kernel::ffi::c_char,
        key: *mut bindings::lock_class_key,
    ) {
        // SAFETY: The caller guarantees `ptr` is valid for writes and `name`/`key` live forever.
        unsafe { bindings::__spin_lock_init(ptr, name, key) }
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: Reads the preempt count and the interrupt flag.
        if unsafe { b::bondrs_bh_off() } {
            // SAFETY: The caller guarantees `ptr` points to an initialised lock.
            unsafe { raw_lock(ptr) };
            return false;
        }
        // SAFETY: As above.
        unsafe { b::bondrs_spin_lock_bh(ptr.cast()) };
        true
    }

    unsafe fn try_lock(ptr: *mut Self::State) -> Option<Self::GuardState> {
        // SAFETY: Reads the preempt count and the interrupt flag.
        if unsafe { b::bondrs_bh_off() } {
            // SAFETY: The caller guarantees `ptr` points to an initialised lock.
            return (unsafe { bindings::spin_trylock(ptr) } != 0).then_some(false);
        }
        // SAFETY: As above.
        (unsafe { b::bondrs_spin_trylock_bh(ptr.cast()) } != 0).then_some(true)
    }

    unsafe fn unlock(ptr: *mut Self::State, bh_disabled: &Self::GuardState) {
        if *bh_disabled {
            // SAFETY: The caller guarantees `ptr` is an initialised lock it holds, taken with
            // `spin_lock_bh()` (`bh_disabled`).
            unsafe { b::bondrs_spin_unlock_bh(ptr.cast()) }
        } else {
            // SAFETY: As above, taken with `spin_lock()` (`raw_lock()`).
            unsafe { raw_unlock(ptr) }
        }
    }

    unsafe fn assert_is_held(_ptr: *mut Self::State) {
        // `lockdep_assert_held()`, empty without lockdep (the kernel crate's helper would still be
        // a call on every lock).
        #[cfg(CONFIG_LOCKDEP)]
        // SAFETY: The caller guarantees `_ptr` points to an initialised lock.
        unsafe {
            bindings::spin_assert_is_held(_ptr)
        }
    }
}
