// SPDX-License-Identifier: GPL-2.0

//! The only `unsafe` code of `duet_rust` (the crate root denies `unsafe_code`
//! everywhere else): safe abstractions over what the 7.3 Rust API lacks, in
//! the shape the `kernel` crate gives its own, and knowing nothing of the
//! driver.
//!
//! - [`alloc`]: boxes allocated and freed as C does, with `kmalloc()` and
//!   `kfree()`;
//! - [`miscdev`]: misc devices with `poll`, stream files and data of their
//!   own;
//! - [`wait`]: wait queues with C's `wait_event_interruptible()` semantics,
//!   and poll tables;
//! - [`mutex`]: taking a [`Mutex`](kernel::sync::Mutex) killably;
//! - [`once`]: C's `READ_ONCE()`/`WRITE_ONCE()` on an
//!   [`Atomic`](kernel::sync::atomic::Atomic), inline;
//! - [`params`]: module params parsed by the kernel's own C param ops;
//! - [`ratelimit`]: rate-limited log lines, as C's `pr_info_ratelimited()`;
//! - [`uaccess`]: the buffer of `read()` and `write()`, copied as C copies
//!   it, piece by piece;
//! - here: the C exports of `duet_c` (namespace `DUET`, declared in
//!   `<linux/duet_export.h>` and reached through bindgen), a file's mode and
//!   `O_NONBLOCK`, `capable()`, and `AsBytes` for the UAPI structs.

use core::ptr::NonNull;
use kernel::{
    bindings,
    fs::{
        file::flags,
        File,
        Kiocb,
        LocalFile, //
    },
    prelude::*,
    sync::{
        aref::{
            ARef,
            AlwaysRefCounted, //
        },
        atomic::Atomic, //
    },
    transmute::AsBytes,
    types::{
        ForeignOwnable,
        Opaque, //
    }, //
};

pub(crate) mod alloc;
pub(crate) mod miscdev;
pub(crate) mod mutex;
pub(crate) mod once;
pub(crate) mod params;
pub(crate) mod ratelimit;
pub(crate) mod uaccess;
pub(crate) mod wait;

/// Advances a duet digest (CRC32C, no inversion) over `buf`.
///
/// Calls `duet_digest()` of `duet_c`: `digest(digest(0, a), b)` is the
/// digest of `a` followed by `b`.
pub(crate) fn digest(crc: u32, buf: &[u8]) -> u32 {
    // SAFETY: `buf` is readable for `buf.len()` bytes for the duration of
    // the call; `duet_digest()` only reads them and keeps no reference.
    unsafe { bindings::duet_digest(crc, buf.as_ptr().cast(), buf.len()) }
}

/// A device's statistics, laid out as `struct duet_stats`, which
/// `/proc/duet` reads in place, field by field with `READ_ONCE()`.
///
/// Each field is written with a single relaxed atomic store (C's
/// `WRITE_ONCE()`: [`once::Once::write_once`]), by the device's writers
/// under its own lock.
#[repr(C)]
pub(crate) struct Stats {
    /// Successful opens.
    pub(crate) opens: Atomic<u64>,
    /// Reads that moved bytes.
    pub(crate) reads: Atomic<u64>,
    /// Writes that moved bytes.
    pub(crate) writes: Atomic<u64>,
    /// Bytes written to the device.
    pub(crate) bytes_in: Atomic<u64>,
    /// Bytes read from the device.
    pub(crate) bytes_out: Atomic<u64>,
    /// Digest of the bytes written.
    pub(crate) digest_in: Atomic<u32>,
    /// Digest of the bytes read.
    pub(crate) digest_out: Atomic<u32>,
}

// `Atomic<T>` has the size, alignment and bit validity of `T`
// (rust/kernel/sync/atomic.rs), so `Stats` is `struct duet_stats`, field for
// field: `duet_register()` may read it as one.
const _: () = {
    use core::mem::offset_of;
    type C = bindings::duet_stats;
    assert!(size_of::<Stats>() == size_of::<C>());
    assert!(align_of::<Stats>() == align_of::<C>());
    assert!(offset_of!(Stats, opens) == offset_of!(C, opens));
    assert!(offset_of!(Stats, reads) == offset_of!(C, reads));
    assert!(offset_of!(Stats, writes) == offset_of!(C, writes));
    assert!(offset_of!(Stats, bytes_in) == offset_of!(C, bytes_in));
    assert!(offset_of!(Stats, bytes_out) == offset_of!(C, bytes_out));
    assert!(offset_of!(Stats, digest_in) == offset_of!(C, digest_in));
    assert!(offset_of!(Stats, digest_out) == offset_of!(C, digest_out));
};

impl Stats {
    /// All zero, as a `struct duet_stats` that C zeroes.
    const fn new() -> Self {
        Self {
            opens: Atomic::new(0),
            reads: Atomic::new(0),
            writes: Atomic::new(0),
            bytes_in: Atomic::new(0),
            bytes_out: Atomic::new(0),
            digest_in: Atomic::new(0),
            digest_out: Atomic::new(0),
        }
    }
}

/// A device's handle in the DUET registry: a `struct duet_impl`, whose
/// `kref` counts the references.
///
/// # Invariants
///
/// Every `Handle` lives inside a `struct duet_impl` returned by
/// `duet_register()`, kept alive by the references counted in its `kref`.
#[repr(transparent)]
pub(crate) struct Handle(Opaque<bindings::duet_impl>);

// SAFETY: `duet_get()`/`duet_put()` are the kref get/put of the handle, so an
// increment keeps it alive until the matching decrement, and every
// `struct duet_impl` is reference counted.
unsafe impl AlwaysRefCounted for Handle {
    fn inc_ref(&self) {
        // SAFETY: By the type invariant, `self.0` is a live `duet_impl`.
        unsafe { bindings::duet_get(self.0.get()) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller owns one reference to `obj`, which this drops;
        // `Handle` is `repr(transparent)` over the C struct.
        unsafe { bindings::duet_put(obj.cast().as_ptr()) };
    }
}

// SAFETY: The only operations on a `Handle` are `duet_get()` and
// `duet_put()`, `kref_get()` and `kref_put()` of its count: atomic, taking no
// lock, callable in any context and on any thread (export.c); the last put
// frees it with `kfree()`, which any thread may do. The registry's list, which
// `duet_registry_lock` guards, is changed only by `duet_register()` and
// `duet_unregister()`, through `Registration`, never through a `Handle`.
unsafe impl Send for Handle {}
// SAFETY: As for `Send`: `&Handle` allows only `duet_get()` (through
// `AlwaysRefCounted::inc_ref`), an atomic increment.
unsafe impl Sync for Handle {}

/// A device's registration in the DUET registry, and the statistics that
/// `/proc/duet` reads in place while it lasts; unregisters on drop.
///
/// # Invariants
///
/// `handle` came from `duet_register()` with a pointer to `stats`, and the
/// registration's own reference has not been dropped yet.
#[pin_data(PinnedDrop)]
pub(crate) struct Registration {
    /// Read by `/proc/duet` until `duet_unregister()`: pinned, so that its
    /// address stays what `duet_register()` was given.
    #[pin]
    stats: Stats,
    /// The handle, holding the registration's reference.
    handle: NonNull<Handle>,
    /// `stats` must not move: `/proc/duet` holds its address.
    #[pin]
    _pin: core::marker::PhantomPinned,
}

// SAFETY: `Stats` is atomics and `Handle` is `Send`; `duet_unregister()` may
// be called from any thread.
unsafe impl Send for Registration {}
// SAFETY: `&self` gives atomics and new handle references only.
unsafe impl Sync for Registration {}

impl Registration {
    /// Registers a device named `name` of module `module`, with all-zero
    /// statistics.
    pub(crate) fn new(
        name: &'static CStr,
        module: &'static ThisModule,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in Self {
            stats: Stats::new(),
            handle: {
                // SAFETY: `this` is the registration being initialised, whose
                // `stats` was initialised just above; `&raw const` makes no
                // reference.
                let stats = unsafe { &raw const (*this.as_ptr()).stats };
                // SAFETY: `name` is NUL-terminated and is copied by the
                // callee; `module` is alive while its code runs; `stats` is a
                // `struct duet_stats` (see the asserts above) that stays at
                // this address until `duet_unregister()` in `drop`, since
                // `Self` is pinned.
                let raw = unsafe {
                    bindings::duet_register(name.as_char_ptr(), module.as_ptr(), stats.cast())
                };
                let raw = kernel::error::from_err_ptr(raw)?;
                // INVARIANT: `duet_register()` succeeded and gave us one
                // reference, with our `stats`.
                NonNull::new(raw.cast()).ok_or(ENOMEM)?
            },
            _pin: core::marker::PhantomPinned,
        })
    }

    /// The statistics `/proc/duet` reads.
    #[inline(always)]
    pub(crate) fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Returns a new reference to the device's handle (`duet_get()`).
    #[inline]
    pub(crate) fn get(&self) -> ARef<Handle> {
        // SAFETY: By the type invariant the handle is alive while `self` is.
        ARef::from(unsafe { self.handle.as_ref() })
    }
}

#[pinned_drop]
impl PinnedDrop for Registration {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariant the registration's reference is
        // still held; `duet_unregister()` unlinks the handle, after which
        // `/proc/duet` no longer reads `stats`, and drops the reference.
        unsafe { bindings::duet_unregister(self.handle.as_ptr().cast()) };
    }
}

/// `struct duet_stats` on the stack, as `DUET_IOC_STATS` copies it to
/// userspace.
#[repr(transparent)]
pub(crate) struct StatsCopy(pub(crate) bindings::duet_stats);

// SAFETY: `duet_stats` is five `u64` then two `u32`: no padding, and every
// field is a plain integer.
unsafe impl AsBytes for StatsCopy {}

/// `struct duet_info`, as `DUET_IOC_INFO` copies it to userspace.
#[repr(transparent)]
pub(crate) struct Info(pub(crate) bindings::duet_info);

// SAFETY: `duet_info` is four `u32` then `char[8]`: no padding, and every
// field is a plain integer.
unsafe impl AsBytes for Info {}

/// `FMODE_READ` of include/linux/fs.h, `(__force fmode_t)(1 << 0)`: a cast
/// that bindgen does not evaluate.
const FMODE_READ: u32 = 1 << 0;
/// `FMODE_WRITE`, `(__force fmode_t)(1 << 1)`.
const FMODE_WRITE: u32 = 1 << 1;

/// Returns the `struct file` of `file` (a `&File` coerces to it).
///
/// That is `file.as_ptr()`, which at -Os is a call (rustc reuses the kernel
/// crate's instance of the generic `Opaque::get()` instead of inlining it),
/// where this is none: `LocalFile`, like `File`, is `repr(transparent)` over
/// `Opaque<bindings::file>`, which is `repr(transparent)` over the C struct.
#[inline(always)]
pub(crate) fn file_ptr(file: &LocalFile) -> *mut bindings::file {
    core::ptr::from_ref(file)
        .cast::<bindings::file>()
        .cast_mut()
}

/// Returns the `f_flags` of `file`, as `LocalFile::flags()` does, inline (see
/// [`file_ptr`]).
#[inline(always)]
pub(crate) fn f_flags(file: &LocalFile) -> u32 {
    // SAFETY: `file` is a valid file for the duration of the borrow. The
    // volatile read is C's `READ_ONCE(file->f_flags)`, as in `File::flags()`:
    // `fcntl()` may change some flags at any time.
    unsafe { (&raw const (*file_ptr(file)).f_flags).read_volatile() }
}

/// Returns the `f_mode` of `file`.
#[inline(always)]
fn f_mode(file: &File) -> u32 {
    // SAFETY: `file` is a valid file for the duration of the borrow. The
    // volatile read is C's `READ_ONCE(file->f_mode)`: the VFS sets the bits
    // read here before the file is visible to any other call.
    unsafe { (&raw const (*file_ptr(file)).f_mode).read_volatile() }
}

/// Returns whether `file` was opened for reading (C's
/// `file->f_mode & FMODE_READ`).
#[inline(always)]
pub(crate) fn fmode_read(file: &File) -> bool {
    f_mode(file) & FMODE_READ != 0
}

/// Returns whether `file` was opened for writing (C's
/// `file->f_mode & FMODE_WRITE`).
#[inline(always)]
pub(crate) fn fmode_write(file: &File) -> bool {
    f_mode(file) & FMODE_WRITE != 0
}

/// Returns whether `file` has `O_NONBLOCK` set now (`fcntl()` may change it
/// after open).
#[inline(always)]
pub(crate) fn nonblocking(file: &LocalFile) -> bool {
    f_flags(file) & flags::O_NONBLOCK != 0
}

/// Returns the file of `kiocb`.
#[inline(always)]
pub(crate) fn kiocb_file<'a, T: ForeignOwnable>(kiocb: &'a Kiocb<'_, T>) -> &'a LocalFile {
    // SAFETY: `read_iter`/`write_iter` hold a reference to `ki_filp` for the
    // duration of the call, which the borrow of `kiocb` does not outlive.
    // The caller's `fdget_pos()`, if any, is on this thread.
    unsafe { LocalFile::from_raw_file((*kiocb.as_raw()).ki_filp) }
}

/// Returns whether the calling task has `CAP_SYS_ADMIN`.
pub(crate) fn capable_sys_admin() -> bool {
    // SAFETY: `capable()` may be called from any process context.
    unsafe { bindings::capable(bindings::CAP_SYS_ADMIN as i32) }
}
