// SPDX-License-Identifier: GPL-2.0

//! Taking a [`Mutex`] killably: C's `mutex_lock_killable()`, which 7.3's
//! `Lock` lacks.

use kernel::{
    bindings,
    prelude::*,
    sync::{
        lock::Guard,
        Mutex,
        MutexGuard, //
    }, //
};

/// Acquires `lock` as [`Mutex::lock`] does, except that a fatal signal ends
/// the wait: then it fails with `EINTR`, without the lock (C's
/// `if (mutex_lock_killable(lock)) return -EINTR;`).
#[inline(always)]
pub(crate) fn lock_killable<T: ?Sized>(lock: &Mutex<T>) -> Result<MutexGuard<'_, T>> {
    // `Lock<T, B>` is `#[repr(C)]` with `state: Opaque<B::State>` as its
    // first field (rust/kernel/sync/lock.rs, as `Lock::from_raw` relies on),
    // so a pointer to the `Mutex<T>` is a pointer to its `struct mutex`.
    let ptr = core::ptr::from_ref(lock)
        .cast::<bindings::mutex>()
        .cast_mut();
    // With lockdep, `mutex_lock_killable()` is a macro for
    // `_mutex_lock_killable(lock, 0, NULL)` (include/linux/mutex.h).
    #[cfg(CONFIG_DEBUG_LOCK_ALLOC)]
    // SAFETY: `ptr` points to the `struct mutex` of `lock`, which its
    // constructor initialised and which lives as long as the borrow.
    let ret = unsafe { bindings::_mutex_lock_killable(ptr, 0, core::ptr::null_mut()) };
    #[cfg(not(CONFIG_DEBUG_LOCK_ALLOC))]
    // SAFETY: As above.
    let ret = unsafe { bindings::mutex_lock_killable(ptr) };
    if ret != 0 {
        return Err(EINTR);
    }
    // SAFETY: `mutex_lock_killable()` returned 0: this task owns `lock`.
    Ok(unsafe { Guard::new(lock, ()) })
}
