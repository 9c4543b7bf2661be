// SPDX-License-Identifier: GPL-2.0

//! The only `unsafe` code of `duet_rust`: safe wrappers over the C exports
//! of `duet_c` (namespace `DUET`, declared in `<linux/duet_export.h>` and
//! reached through bindgen), and over four things the 7.3 Rust API lacks:
//! a file's `O_NONBLOCK` in `read_iter`/`write_iter`, `capable()`, data
//! attached to a `MiscDeviceRegistration`, and `AsBytes` for the UAPI
//! structs.

use crate::{DuetDevice, DuetFile, DuetModule};
use core::ptr::NonNull;
use kernel::{
    bindings,
    fs::{file::flags, Kiocb},
    miscdevice::MiscDeviceRegistration,
    prelude::*,
    sync::aref::{ARef, AlwaysRefCounted},
    transmute::AsBytes,
    types::{ForeignOwnable, Opaque},
};

/// Advances a duet digest (CRC32C, no inversion) over `buf`.
///
/// Calls `duet_digest()` of `duet_c`: `digest(digest(0, a), b)` is the
/// digest of `a` followed by `b`.
pub(crate) fn digest(crc: u32, buf: &[u8]) -> u32 {
    // SAFETY: `buf` is readable for `buf.len()` bytes for the duration of
    // the call; `duet_digest()` only reads them and keeps no reference.
    unsafe { bindings::duet_digest(crc, buf.as_ptr().cast(), buf.len()) }
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

// SAFETY: The C side serialises all access with `duet_registry_lock`, so the
// handle may be used from any thread.
unsafe impl Send for Handle {}
// SAFETY: As for `Send`: every operation on a handle takes the lock.
unsafe impl Sync for Handle {}

impl Handle {
    /// Records `stats` as the device's statistics in `/proc/duet`.
    pub(crate) fn account(&self, stats: &Stats) {
        // SAFETY: By the type invariant `self.0` is live; `stats.0` is a
        // valid `duet_stats` that `duet_account()` copies under its lock.
        unsafe { bindings::duet_account(self.0.get(), &stats.0) };
    }
}

/// A device's registration in the DUET registry; unregisters on drop.
///
/// # Invariants
///
/// `handle` came from `duet_register()` and the registration's own
/// reference has not been dropped yet.
pub(crate) struct Registration {
    handle: NonNull<Handle>,
}

// SAFETY: See `Handle`: the registry locks every access.
unsafe impl Send for Registration {}
// SAFETY: See `Handle`: the registry locks every access.
unsafe impl Sync for Registration {}

impl Registration {
    /// Registers a device named `name` of module `module`.
    pub(crate) fn new(name: &CStr, module: &'static ThisModule) -> Result<Self> {
        // SAFETY: `name` is NUL-terminated and is copied by the callee;
        // `module` is this module, alive while it runs.
        let raw = unsafe { bindings::duet_register(name.as_char_ptr(), module.as_ptr()) };
        let raw = kernel::error::from_err_ptr(raw)?;
        // INVARIANT: `duet_register()` succeeded and gave us one reference.
        Ok(Self {
            handle: NonNull::new(raw.cast()).ok_or(ENOMEM)?,
        })
    }

    /// Records `stats` as the device's statistics in `/proc/duet`.
    pub(crate) fn account(&self, stats: &Stats) {
        // SAFETY: By the type invariant the handle is alive while `self` is.
        unsafe { self.handle.as_ref() }.account(stats);
    }

    /// Returns a new reference to the device's handle.
    pub(crate) fn handle(&self) -> ARef<Handle> {
        // SAFETY: By the type invariant the handle is alive while `self` is.
        ARef::from(unsafe { self.handle.as_ref() })
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the registration's reference is
        // still held; `duet_unregister()` unlinks the handle and drops it.
        unsafe { bindings::duet_unregister(self.handle.as_ptr().cast()) };
    }
}

/// `struct duet_stats`, as `DUET_IOC_STATS` copies it to userspace.
#[repr(transparent)]
#[derive(Clone, Copy, Default)]
pub(crate) struct Stats(pub(crate) bindings::duet_stats);

// SAFETY: `duet_stats` is five `u64` then two `u32`: no padding, and every
// field is a plain integer.
unsafe impl AsBytes for Stats {}

/// `struct duet_info`, as `DUET_IOC_INFO` copies it to userspace.
#[repr(transparent)]
#[derive(Default)]
pub(crate) struct Info(pub(crate) bindings::duet_info);

// SAFETY: `duet_info` is four `u32` then `char[8]`: no padding, and every
// field is a plain integer.
unsafe impl AsBytes for Info {}

/// Returns whether the file of `kiocb` has `O_NONBLOCK` set now (`fcntl()`
/// may change it after open).
#[inline]
pub(crate) fn nonblocking<T: ForeignOwnable>(kiocb: &Kiocb<'_, T>) -> bool {
    // SAFETY: `read_iter`/`write_iter` hold a reference to `ki_filp` for the
    // duration of the call, so the file is valid to read. The volatile read
    // is C's `READ_ONCE(file->f_flags)`, as `LocalFile::flags()` does; this
    // does not call it because at -Os its `Opaque::get()` is not inlined.
    let f_flags =
        unsafe { core::ptr::addr_of!((*(*kiocb.as_raw()).ki_filp).f_flags).read_volatile() };
    f_flags & flags::O_NONBLOCK != 0
}

/// Returns whether the calling task has `CAP_SYS_ADMIN`.
pub(crate) fn capable_sys_admin() -> bool {
    // SAFETY: `capable()` may be called from any process context.
    unsafe { bindings::capable(bindings::CAP_SYS_ADMIN as i32) }
}

/// Returns the device whose registration is `misc`.
///
/// 7.3's `MiscDeviceRegistration` carries no driver data, so `open` finds
/// the shared device the way C does: `container_of` from the miscdevice.
pub(crate) fn device_of(misc: &MiscDeviceRegistration<DuetFile>) -> DeviceRef {
    // SAFETY: The only `MiscDeviceRegistration<DuetFile>` is the `miscdev`
    // field of the module's `DuetModule`, which outlives the borrow of
    // `misc` (an open file pins the module).
    let module = unsafe { &*kernel::container_of!(core::ptr::from_ref(misc), DuetModule, miscdev) };
    // INVARIANT: the device of the module's `DuetModule`.
    DeviceRef(NonNull::from(&*module.device))
}

/// The module's device, as an open file keeps it: a plain pointer, like
/// C's `duet_file.dev`, not a counted reference.
///
/// # Invariants
///
/// Points to the `DuetDevice` that the module's `DuetModule` owns, and
/// lives no longer than an open file of the device: only `device_of()`
/// makes one, called in `open`, which keeps one in the file's `DuetFile`
/// (dropped in `release`). An open file pins the module, so the module, and
/// the device it owns, outlives every `DeviceRef`.
pub(crate) struct DeviceRef(NonNull<DuetDevice>);

// SAFETY: A `DeviceRef` is a shared reference to a `DuetDevice`, which is
// `Sync`.
unsafe impl Send for DeviceRef {}
// SAFETY: As for `Send`.
unsafe impl Sync for DeviceRef {}

impl core::ops::Deref for DeviceRef {
    type Target = DuetDevice;

    #[inline]
    fn deref(&self) -> &DuetDevice {
        // SAFETY: By the type invariant the device outlives `self`.
        unsafe { self.0.as_ref() }
    }
}
