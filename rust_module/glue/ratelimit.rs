// SPDX-License-Identifier: GPL-2.0

//! Rate-limited log lines: C's `pr_info_ratelimited()`, which 7.3 Rust
//! lacks.
//!
//! As in C, each call site has a `static` `struct ratelimit_state`
//! (`DEFINE_RATELIMIT_STATE(_rs, DEFAULT_RATELIMIT_INTERVAL,
//! DEFAULT_RATELIMIT_BURST)` in `printk_ratelimited()`), and `___ratelimit()`
//! decides: at most 10 lines every 5 seconds from each call site, then a
//! "callbacks suppressed" line with how many were not printed.

use kernel::{
    bindings,
    prelude::*,
    types::Opaque, //
};

/// Logs an info line, unless this call site logged its burst already in
/// the current interval: C's `pr_info_ratelimited()`.
///
/// Takes the arguments of [`pr_info!`]. The "callbacks suppressed" line
/// names the call site as `<module path>:<line>` (C: the function).
macro_rules! pr_info_ratelimited {
    ($($arg:tt)*) => {{
        static RATELIMIT: $crate::glue::ratelimit::Ratelimit =
            $crate::glue::ratelimit::Ratelimit::new(::kernel::c_str!(::core::concat!(
                ::core::module_path!(),
                ":",
                ::core::line!()
            )));
        if RATELIMIT.allow() {
            ::kernel::pr_info!($($arg)*);
        }
    }};
}
pub(crate) use pr_info_ratelimited;

/// The rate limit of one call site: a `struct ratelimit_state` made as C's
/// `DEFINE_RATELIMIT_STATE(name, DEFAULT_RATELIMIT_INTERVAL,
/// DEFAULT_RATELIMIT_BURST)` makes it, for a `static`.
///
/// # Invariants
///
/// `state` is what `RATELIMIT_STATE_INIT()` makes, its raw spinlock what
/// `__RAW_SPIN_LOCK_UNLOCKED()` makes (see [`Ratelimit::new`]), or what
/// `___ratelimit()` made of it since; `name` is its caller's name.
pub(crate) struct Ratelimit {
    state: Opaque<bindings::ratelimit_state>,
    name: &'static CStr,
}

// SAFETY: `___ratelimit()` may be called on any thread at once: it takes the
// state's raw spinlock, or only reads and decrements its atomics.
unsafe impl Sync for Ratelimit {}

// `__ARCH_SPIN_LOCK_UNLOCKED` is all zeros on every SMP architecture Rust
// builds for (`qspinlock`, the generic ticket lock, arm's) and an empty struct
// on UP, but for UP with `CONFIG_DEBUG_SPINLOCK`, where it is `{ 1 }`
// (include/linux/spinlock_types_up.h).
#[cfg(all(not(CONFIG_SMP), CONFIG_DEBUG_SPINLOCK))]
compile_error!("Ratelimit::new does not make UP's debug arch_spinlock_t");

impl Ratelimit {
    /// A rate limit of `DEFAULT_RATELIMIT_BURST` (10) calls every
    /// `DEFAULT_RATELIMIT_INTERVAL` (5 s), for a `static`; `name` is the
    /// caller's, for the "callbacks suppressed" line (and lockdep).
    ///
    /// Lockdep keys a lock that is not initialised at run time by its
    /// address, which must be static: use it for a `static` (as
    /// [`pr_info_ratelimited!`] does).
    pub(crate) const fn new(name: &'static CStr) -> Self {
        // `RATELIMIT_STATE_INIT(name, interval, burst)`: all zero but the
        // lock, `interval` and `burst` (include/linux/ratelimit_types.h).
        let mut state: bindings::ratelimit_state = pin_init::zeroed();
        state.interval = bindings::DEFAULT_RATELIMIT_INTERVAL as c_int;
        state.burst = bindings::DEFAULT_RATELIMIT_BURST as c_int;
        // `__RAW_SPIN_LOCK_UNLOCKED(name.lock)`: `__ARCH_SPIN_LOCK_UNLOCKED`
        // (zeros, see above), then `SPIN_DEBUG_INIT()` and
        // `RAW_SPIN_DEP_MAP_INIT()` (include/linux/spinlock_types_raw.h).
        #[cfg(CONFIG_DEBUG_SPINLOCK)]
        {
            state.lock.magic = bindings::SPINLOCK_MAGIC;
            state.lock.owner_cpu = u32::MAX;
            // `SPINLOCK_OWNER_INIT`, `(void *)-1L`.
            state.lock.owner = usize::MAX as *mut c_void;
        }
        #[cfg(CONFIG_DEBUG_LOCK_ALLOC)]
        {
            state.lock.dep_map.name = kernel::str::as_char_ptr_in_const_context(name);
            state.lock.dep_map.wait_type_inner = bindings::lockdep_wait_type_LD_WAIT_SPIN as u8;
        }
        // INVARIANT: That is C's initialiser, field for field.
        Self {
            state: Opaque::new(state),
            name,
        }
    }

    /// Returns whether the caller may go ahead (C's `__ratelimit(&rs)`).
    #[inline]
    pub(crate) fn allow(&self) -> bool {
        // SAFETY: `self.state` is an initialised `struct ratelimit_state`
        // (type invariant), which `___ratelimit()` serialises with its lock;
        // `self.name` is NUL-terminated and static.
        unsafe { bindings::___ratelimit(self.state.get(), self.name.as_char_ptr()) != 0 }
    }
}
