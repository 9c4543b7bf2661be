// SPDX-License-Identifier: GPL-2.0

//! Safe wrappers over the C exports of `duet_c` (namespace `DUET`).
//!
//! The bindings come from `<linux/duet_export.h>` through bindgen; this is
//! the only module of `duet_rust` that contains `unsafe` code.

use kernel::bindings;

/// Advances a duet digest (CRC32C, no inversion) over `buf`.
///
/// Calls `duet_digest()` of `duet_c`; `digest(digest(0, a), b)` equals the
/// digest of `a` followed by `b`.
pub(crate) fn digest(crc: u32, buf: &[u8]) -> u32 {
    // SAFETY: `buf` is a valid slice, so its pointer is readable for
    // `buf.len()` bytes for the duration of the call; `duet_digest()` only
    // reads them and keeps no reference.
    unsafe { bindings::duet_digest(crc, buf.as_ptr().cast(), buf.len()) }
}
