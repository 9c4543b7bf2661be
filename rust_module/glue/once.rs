// SPDX-License-Identifier: GPL-2.0

//! C's `READ_ONCE()` and `WRITE_ONCE()` on an [`Atomic`], inline.
//!
//! 7.3's `Atomic::load(Relaxed)` and `Atomic::store(_, Relaxed)` are those
//! very accesses, made in C: `atomic_read()`, `atomic_set()` and their
//! 64-bit twins, each a call to a `rust_helper_*` unless the kernel has
//! `CONFIG_RUST_INLINE_HELPERS`, after a call to `AtomicRepr::as_ptr()`,
//! which rustc does not inline at -Os (it reuses the kernel crate's instance
//! of a generic function instead of making its own). That is some 8
//! instructions where C has one `mov`, a dozen times per read or write of
//! the FIFO. [`Once`] makes the same accesses inline: a volatile access of
//! the `Atomic`'s value, which is what C's `READ_ONCE()`/`WRITE_ONCE()`
//! compile to, and what the `Atomic` documentation allows on the memory of
//! an `Atomic` (`Atomic::as_ptr()`: any access that is not a data race under
//! the LKMM, the memory model of kernel Rust; marked accesses are not).

use kernel::sync::atomic::Atomic;

mod private {
    /// Seals [`super::Once`].
    pub(crate) trait Sealed {}
}

/// Single, marked, relaxed accesses to an [`Atomic`]: C's `READ_ONCE()` and
/// `WRITE_ONCE()`, inline.
///
/// Implemented for the `Atomic`s of the machine word's size or less, whose
/// volatile accesses are single accesses (`u64` only on 64-bit
/// architectures: elsewhere its methods are `Atomic`'s own).
pub(crate) trait Once: private::Sealed {
    /// The type of the value.
    type Value;

    /// Reads the value: C's `READ_ONCE(x)`.
    fn read_once(&self) -> Self::Value;

    /// Writes the value: C's `WRITE_ONCE(x, value)`.
    fn write_once(&self, value: Self::Value);
}

/// Implements [`Once`] for `Atomic<$t>` with volatile accesses.
macro_rules! impl_once_volatile {
    ($($t:ty),*) => {$(
        impl private::Sealed for Atomic<$t> {}

        impl Once for Atomic<$t> {
            type Value = $t;

            #[inline(always)]
            fn read_once(&self) -> $t {
                // `Atomic<T>` has the size, alignment and bit validity of `T`
                // (rust/kernel/sync/atomic.rs): this is `self.as_ptr()`.
                let ptr = core::ptr::from_ref(self).cast::<$t>();
                // SAFETY: `ptr` is valid and aligned for reads of a `$t`,
                // which the `Atomic` holds (its type invariant), for the
                // lifetime of `&self`. A volatile read of an aligned machine
                // word is a single access, C's `READ_ONCE()`: under the LKMM
                // it races with no other atomic access of the value.
                unsafe { ptr.read_volatile() }
            }

            #[inline(always)]
            fn write_once(&self, value: $t) {
                // As in `read_once`; the value is in an `UnsafeCell`, so a
                // shared reference allows writing it.
                let ptr = core::ptr::from_ref(self).cast::<$t>().cast_mut();
                // SAFETY: `ptr` is valid and aligned for writes of a `$t` for
                // the lifetime of `&self`, and `value` is a valid `$t` (the
                // `Atomic`'s type invariant holds after). A volatile write of
                // an aligned machine word is a single access, C's
                // `WRITE_ONCE()`: under the LKMM it races with no other
                // atomic access of the value.
                unsafe { ptr.write_volatile(value) }
            }
        }
    )*};
}

impl_once_volatile!(u32, i32);
#[cfg(CONFIG_64BIT)]
impl_once_volatile!(u64);

#[cfg(not(CONFIG_64BIT))]
impl private::Sealed for Atomic<u64> {}

/// A 32-bit architecture accesses a `u64` in two halves: there `Atomic`'s
/// own accesses (`atomic64_read()`/`atomic64_set()`) are needed.
#[cfg(not(CONFIG_64BIT))]
impl Once for Atomic<u64> {
    type Value = u64;

    #[inline(always)]
    fn read_once(&self) -> u64 {
        self.load(kernel::sync::atomic::Relaxed)
    }

    #[inline(always)]
    fn write_once(&self, value: u64) {
        self.store(value, kernel::sync::atomic::Relaxed)
    }
}
