// SPDX-License-Identifier: GPL-2.0

//! The caller's buffer of `read()` and `write()`, copied piece by piece.
//!
//! 7.3's [`UserSliceWriter`](kernel::uaccess::UserSliceWriter) and
//! [`UserSliceReader`](kernel::uaccess::UserSliceReader) copy all or
//! nothing: a copy that faults part way fails with `EFAULT` and does not
//! say how much it moved. A FIFO's `read()` and `write()` return the bytes
//! moved before the fault, as C's `copy_to_user()` and `copy_from_user()`
//! tell them (they return what was left), and as `copy_to_iter()` does for
//! `read_iter`. [`UserDest`] and [`UserSource`] copy the same way, with the
//! same C functions as 7.3's (through their helpers).

use kernel::{
    bindings,
    ffi::c_void,
    uaccess::UserPtr, //
};

/// The rest of the buffer of a `read()`: user memory to copy to, in order.
///
/// # Invariants
///
/// `ptr` and `len` are the start and length of what is left of the buffer.
/// Nothing is assumed of them: the copy functions check that the range is
/// user memory, and cope with faults.
pub(crate) struct UserDest {
    ptr: UserPtr,
    len: usize,
}

impl UserDest {
    /// The buffer of `len` bytes at `ptr`, a user address.
    #[inline(always)]
    pub(crate) fn new(ptr: UserPtr, len: usize) -> Self {
        Self { ptr, len }
    }

    /// The bytes left in the buffer.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Copies as much of `data` as fits to the buffer, and advances past it.
    /// Returns how many bytes it copied: fewer than `data.len()` when the
    /// buffer ends or a page of it faults.
    #[inline(always)]
    pub(crate) fn copy_to(&mut self, data: &[u8]) -> usize {
        let len = data.len().min(self.len);
        // SAFETY: `data` is valid for reads of `len` bytes. `copy_to_user()`
        // checks that the destination is user memory and stops at a fault.
        let left = unsafe {
            bindings::copy_to_user(self.ptr.as_mut_ptr(), data.as_ptr().cast::<c_void>(), len)
        };
        let done = len - left;
        // INVARIANT: `done <= len <= self.len`: the rest starts `done` later.
        self.ptr = self.ptr.wrapping_byte_add(done);
        self.len -= done;
        done
    }
}

/// The rest of the buffer of a `write()`: user memory to copy from, in
/// order.
///
/// # Invariants
///
/// As [`UserDest`]'s.
pub(crate) struct UserSource {
    ptr: UserPtr,
    len: usize,
}

impl UserSource {
    /// The buffer of `len` bytes at `ptr`, a user address.
    #[inline(always)]
    pub(crate) fn new(ptr: UserPtr, len: usize) -> Self {
        Self { ptr, len }
    }

    /// The bytes left in the buffer.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Fills as much of `out` as the buffer holds, and advances past it.
    /// Returns how many bytes it copied: fewer than `out.len()` when the
    /// buffer ends or a page of it faults.
    #[inline(always)]
    pub(crate) fn copy_from(&mut self, out: &mut [u8]) -> usize {
        let len = out.len().min(self.len);
        // SAFETY: `out` is valid for writes of `len` bytes. `copy_from_user()`
        // checks that the source is user memory and stops at a fault (it
        // zeroes the part of `out` it could not fill).
        let left = unsafe {
            bindings::copy_from_user(
                out.as_mut_ptr().cast::<c_void>(),
                self.ptr.as_const_ptr(),
                len,
            )
        };
        let done = len - left;
        // INVARIANT: As in `UserDest::copy_to`.
        self.ptr = self.ptr.wrapping_byte_add(done);
        self.len -= done;
        done
    }
}
