// SPDX-License-Identifier: GPL-2.0

//! Misc devices with `poll`, stream files and data of their own.
//!
//! A crate-local variant of 7.3's [`kernel::miscdevice`]
//! (rust/kernel/miscdevice.rs), on which it is modelled, for what that one
//! lacks and cannot get from outside (its vtable is private):
//!
//! - `poll` in the file operations ([`MiscDevice::poll`], with a
//!   [`PollTable`]);
//! - making a file a stream in `open` ([`OpenFile::stream_open`]), so that
//!   `pread()`, `pwrite()` and `lseek()` fail with `ESPIPE`;
//! - `read` and `write` beside `read_iter` and `write_iter`
//!   ([`MiscDevice::read`], [`MiscDevice::write`], with the caller's buffer
//!   as a [`UserDest`] or [`UserSource`]): for plain `read()` and `write()`
//!   calls, the VFS then sets up no kiocb and no iov_iter, as for
//!   `/dev/zero`'s `.read` (drivers/char/mem.c);
//! - data of the registration ([`MiscDevice::Data`]: for a device shared by
//!   its files, the device), which `open` gets as a [`DataRef`] that the file
//!   keeps, as C keeps a `struct duet_dev *` found with `container_of()`.
//!
//! Unlike 7.3's, its `open` does not call `generic_file_open()` first, as C
//! misc devices do not: that checks `O_LARGEFILE` against the inode's size,
//! which is 0 for a character device. It has no `mmap` and no
//! `compat_ioctl` of the device's own: with `ioctl`, 32-bit callers get
//! `compat_ptr_ioctl`, as 7.3's does.

use core::{
    marker::PhantomData,
    ops::Deref,
    ptr::NonNull, //
};
use kernel::{
    bindings,
    error::{
        to_result,
        VTABLE_DEFAULT_ERROR, //
    },
    fs::{
        File,
        Kiocb,
        LocalFile, //
    },
    iov::{
        IovIterDest,
        IovIterSource, //
    },
    module::this_module,
    prelude::*,
    seq_file::SeqFile,
    types::{
        ForeignOwnable,
        Opaque, //
    },
    uaccess::UserPtr, //
};

use super::{
    uaccess::{
        UserDest,
        UserSource, //
    },
    wait::PollTable, //
};

/// Options for creating a misc device.
#[derive(Copy, Clone)]
pub(crate) struct MiscDeviceOptions {
    /// The name of the device node, in `/dev`.
    pub(crate) name: &'static CStr,
}

impl MiscDeviceOptions {
    /// Creates a raw `struct miscdevice` ready for registration.
    const fn into_raw<T: MiscDevice>(self) -> bindings::miscdevice {
        let mut result: bindings::miscdevice = pin_init::zeroed();
        result.minor = bindings::MISC_DYNAMIC_MINOR as c_int;
        result.name = kernel::str::as_char_ptr_in_const_context(self.name);
        result.fops = MiscdeviceVTable::<T>::build();
        result
    }
}

/// A registration of a misc device, and the data its files share.
///
/// # Invariants
///
/// - `inner` is a `struct miscdevice` made by [`MiscDeviceOptions::into_raw`]
///   and registered with `misc_register()` until [`Drop`] deregisters it.
///   It is the first field of this `#[repr(C)]` struct, so the pointer
///   `misc_open()` puts in a file's `private_data` points to `Self`.
/// - `data` points to a pinned `T::Data`, allocated by [`KBox`], valid until
///   the owner module's last reference is gone: [`Drop`] frees it only then,
///   and leaks it otherwise.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub(crate) struct MiscDeviceRegistration<T: MiscDevice> {
    #[pin]
    inner: Opaque<bindings::miscdevice>,
    data: NonNull<T::Data>,
    _t: PhantomData<T>,
}

// SAFETY: `misc_deregister()` may be called on any thread, and the data is
// `Send`.
unsafe impl<T: MiscDevice> Send for MiscDeviceRegistration<T> {}
// SAFETY: `&self` gives a shared reference to the data, which is `Sync`.
unsafe impl<T: MiscDevice> Sync for MiscDeviceRegistration<T> {}

impl<T: MiscDevice> MiscDeviceRegistration<T> {
    /// Initialises `data` in a new allocation, then registers a misc device
    /// whose files get it in `open`. Its file operations are `T`'s.
    pub(crate) fn register(
        opts: MiscDeviceOptions,
        data: impl PinInit<T::Data, Error>,
    ) -> impl PinInit<Self, Error> {
        let init = move |slot: *mut Self| {
            // The data first: `open` may run as soon as `misc_register()`
            // has added the device.
            let data = KBox::pin_init(data, GFP_KERNEL)?;
            // SAFETY: The pointer is not used to move the data out: the
            // registration frees it in place, or never.
            let data = NonNull::from(KBox::leak(unsafe { Pin::into_inner_unchecked(data) }));
            // SAFETY: `slot` is valid for writes (initialiser contract).
            unsafe { (&raw mut (*slot).data).write(data) };
            // SAFETY: As above.
            unsafe { (&raw mut (*slot)._t).write(PhantomData) };
            let misc = Opaque::cast_into(
                // SAFETY: As above; `&raw mut` makes no reference.
                unsafe { &raw const (*slot).inner },
            );
            // SAFETY: `misc` is valid for writes, in the pinned slot.
            unsafe { misc.write(opts.into_raw::<T>()) };
            // SAFETY: `misc` is an initialised `struct miscdevice` whose
            // memory is pinned; `drop` deregisters it before it goes.
            // INVARIANT: on success, `inner` is registered, and `data` set.
            let ret = to_result(unsafe { bindings::misc_register(misc) });
            if ret.is_err() {
                // SAFETY: `data` came from `KBox::leak()` of a pinned box
                // above, and no file has seen it: the device was not added.
                drop(unsafe { Pin::new_unchecked(KBox::from_raw(data.as_ptr())) });
            }
            ret
        };
        // SAFETY: On success, `init` initialised every field of `*slot`; on
        // failure, it freed what it made, and `*slot` needs no drop.
        unsafe { pin_init::pin_init_from_closure(init) }
    }

    /// Returns whether the owner module has no reference left but the
    /// loader's: then no file opened through the registration is left, for
    /// each holds one (`fops->owner`) until it is released, and once the
    /// device is deregistered no file can be opened. So it is when the module
    /// is being unloaded, and when its init fails with no file open.
    #[cfg(CONFIG_MODULE_UNLOAD)]
    fn owner_unloading() -> bool {
        let owner = this_module::<T::OwnerModule>().as_ptr();
        if owner.is_null() {
            return false;
        }
        // SAFETY: `owner` is the owner module, which runs this code.
        // `module_refcount()` is -1 once `delete_module()` has taken its last
        // reference (kernel/module/main.c).
        let refs = unsafe { bindings::module_refcount(owner) };
        // SAFETY: As above. While the init runs, the state is
        // `MODULE_STATE_COMING`, which only the loader, running that init,
        // changes.
        let state = unsafe { (&raw const (*owner).state).read() };
        // During the init the loader holds a reference of its own
        // (`module_unload_init()`): 1 then means no file is open. An open
        // that fails after the device is deregistered may hold one a little
        // longer: then the data is leaked, never freed too early.
        refs < 0 || (state == bindings::module_state_MODULE_STATE_COMING && refs <= 1)
    }

    /// Without `CONFIG_MODULE_UNLOAD`, modules are never unloaded.
    #[cfg(not(CONFIG_MODULE_UNLOAD))]
    fn owner_unloading() -> bool {
        false
    }
}

#[pinned_drop]
impl<T: MiscDevice> PinnedDrop for MiscDeviceRegistration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: The device is registered (type invariant). After this, no
        // `open` runs: `misc_open()` and `misc_deregister()` both hold
        // `misc_mtx`.
        unsafe { bindings::misc_deregister(self.inner.get()) };
        // Files already open may still use the data, until they are
        // released, unless the owner module is going away (then none is
        // left). Otherwise, nothing says when the last one goes: the data is
        // leaked, which the module's own exit never does.
        if Self::owner_unloading() {
            // SAFETY: The data came from `KBox::leak()` of a pinned box in
            // `register`, and no file, hence no `DataRef`, is left to use it.
            drop(unsafe { Pin::new_unchecked(KBox::from_raw(self.data.as_ptr())) });
        }
    }
}

/// A file being opened: what `open` may change of it before any other file
/// operation can see it.
///
/// # Invariants
///
/// `inode` and `file` are the inode and file of an `open` file operation in
/// progress.
pub(crate) struct OpenFile<'a> {
    inode: *mut bindings::inode,
    file: &'a File,
}

impl OpenFile<'_> {
    /// Makes the file a stream, with no file position: `pread()`,
    /// `pwrite()` and `lseek()` fail with `ESPIPE` (C's `stream_open()`).
    #[inline(always)]
    pub(crate) fn stream_open(&self) {
        // SAFETY: By the type invariant, `open` is in progress, from which
        // `stream_open()` is to be called (fs/open.c): no other call sees
        // the file's `f_mode` yet. It always returns 0.
        unsafe { bindings::stream_open(self.inode, super::file_ptr(self.file)) };
    }
}

impl Deref for OpenFile<'_> {
    type Target = File;

    #[inline(always)]
    fn deref(&self) -> &File {
        self.file
    }
}

/// The data of a misc device registration, as an open file of it keeps it:
/// a plain pointer, as C's `struct duet_file` keeps its `struct duet_dev *`,
/// not a counted reference.
///
/// # Invariants
///
/// Points to the data of a [`MiscDeviceRegistration`], made only by its
/// `open` trampoline for the file being opened, which keeps it in its
/// private data until it is released. Each open file holds a reference to
/// the owner module (`fops->owner`), and the registration frees the data
/// only once the owner module has no reference left: the data outlives
/// every file, and so every `DataRef` a file keeps.
pub(crate) struct DataRef<D>(NonNull<D>);

// SAFETY: A `DataRef` is a shared reference to `D`, which is `Sync`.
unsafe impl<D: Sync> Send for DataRef<D> {}
// SAFETY: As for `Send`.
unsafe impl<D: Sync> Sync for DataRef<D> {}

impl<D> Deref for DataRef<D> {
    type Target = D;

    #[inline(always)]
    fn deref(&self) -> &D {
        // SAFETY: By the type invariant the data outlives `self`.
        unsafe { self.0.as_ref() }
    }
}

/// The file operations of a misc device, implemented by the private data of
/// its open files.
#[vtable]
pub(crate) trait MiscDevice: Sized {
    /// The data of the registration, which its files share.
    type Data: Send + Sync;

    /// What kind of pointer the private data of an open file is.
    type Ptr: ForeignOwnable + Send + Sync;

    /// Called when the misc device is opened, with its registration's data.
    ///
    /// The returned pointer is stored as the private data of the file.
    fn open(file: &OpenFile<'_>, data: DataRef<Self::Data>) -> Result<Self::Ptr>;

    /// Called when the misc device is released.
    fn release(device: Self::Ptr, _file: &File) {
        drop(device);
    }

    /// Read from this misc device into the buffer of a `read()` call.
    fn read(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _file: &LocalFile,
        _buf: &mut UserDest,
    ) -> Result<usize> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Write to this misc device from the buffer of a `write()` call.
    fn write(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _file: &LocalFile,
        _buf: &mut UserSource,
    ) -> Result<usize> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Read from this misc device.
    fn read_iter(_kiocb: Kiocb<'_, Self::Ptr>, _iov: &mut IovIterDest<'_>) -> Result<usize> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Write to this misc device.
    fn write_iter(_kiocb: Kiocb<'_, Self::Ptr>, _iov: &mut IovIterSource<'_>) -> Result<usize> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Polls this misc device: registers the wait queues whose wake-up
    /// changes what the file is ready for with `table`, then returns the
    /// `EPOLL*` mask of what it is ready for now.
    fn poll(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _file: &File,
        _table: &PollTable<'_>,
    ) -> u32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Handler for ioctls; 32-bit callers get it through
    /// `compat_ptr_ioctl`.
    fn ioctl(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _file: &File,
        _cmd: u32,
        _arg: usize,
    ) -> Result<isize> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Show info for this fd.
    fn show_fdinfo(
        _device: <Self::Ptr as ForeignOwnable>::Borrowed<'_>,
        _m: &SeqFile,
        _file: &File,
    ) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// A vtable for the file operations of a Rust misc device.
struct MiscdeviceVTable<T: MiscDevice>(PhantomData<T>);

impl<T: MiscDevice> MiscdeviceVTable<T> {
    /// # Safety
    ///
    /// `file` and `inode` must be the file and inode for a file that is
    /// undergoing initialization. The file must be associated with a
    /// `MiscDeviceRegistration<T>`.
    unsafe extern "C" fn open(inode: *mut bindings::inode, raw_file: *mut bindings::file) -> c_int {
        // SAFETY: The open call of a file can access the private data.
        let misc_ptr = unsafe { (*raw_file).private_data };

        // SAFETY: This is a misc device, so `misc_open()` set the private
        // data to a pointer to its `struct miscdevice`, which is the first
        // field of a `MiscDeviceRegistration<T>` (type invariant), before
        // calling this. `misc_open()` holds `misc_mtx`, so the device can't
        // be deregistered and freed during this call.
        let misc = unsafe { &*misc_ptr.cast::<MiscDeviceRegistration<T>>() };

        // SAFETY:
        // * This underlying file is valid for (much longer than) the duration
        //   of `T::open`.
        // * There is no active fdget_pos region on the file on this thread.
        let file = unsafe { File::from_raw_file(raw_file) };

        // INVARIANT: This is `open` in progress for `inode` and `file`.
        let file = OpenFile { inode, file };

        // INVARIANT: The data of the registration this file is opened
        // through, kept by the file (below) until release.
        let data = DataRef(misc.data);

        let ptr = match T::open(&file, data) {
            Ok(ptr) => ptr,
            Err(err) => return err.to_errno(),
        };

        // This overwrites the private data with the value specified by the
        // user, changing the type of this file's private data. All future
        // accesses to the private data is performed by other fops_* methods
        // in this file, which all correctly cast the private data to the new
        // type.
        //
        // SAFETY: The open call of a file can access the private data.
        unsafe { (*raw_file).private_data = ptr.into_foreign() };

        0
    }

    /// # Safety
    ///
    /// `file` and `inode` must be the file and inode for a file that is
    /// being released. The file must be associated with a
    /// `MiscDeviceRegistration<T>`.
    unsafe extern "C" fn release(_inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
        // SAFETY: The release call of a file owns the private data.
        let private = unsafe { (*file).private_data };
        // SAFETY: The release call of a file owns the private data.
        let ptr = unsafe { <T::Ptr as ForeignOwnable>::from_foreign(private) };

        // SAFETY:
        // * The file is valid for the duration of this call.
        // * There is no active fdget_pos region on the file on this thread.
        T::release(ptr, unsafe { File::from_raw_file(file) });

        0
    }

    /// # Safety
    ///
    /// `file` must be a valid file that is associated with a
    /// `MiscDeviceRegistration<T>`, in a `read()` call for its buffer `buf`
    /// of `len` bytes.
    unsafe extern "C" fn read(
        file: *mut bindings::file,
        buf: *mut c_char,
        len: usize,
        _ppos: *mut bindings::loff_t,
    ) -> isize {
        // SAFETY: The read call of a file can access the private data.
        let private = unsafe { (*file).private_data };
        // SAFETY: Read calls can borrow the private data of the file.
        let device = unsafe { <T::Ptr as ForeignOwnable>::borrow(private) };
        // SAFETY:
        // * The file is valid for the duration of this call.
        // * The `fdget_pos()` of `ksys_read()`, which may not take
        //   `f_pos_lock`, is on this thread.
        let file = unsafe { LocalFile::from_raw_file(file) };
        let mut buf = UserDest::new(UserPtr::from_ptr(buf.cast()), len);

        match T::read(device, file, &mut buf) {
            Ok(res) => res as isize,
            Err(err) => err.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// `file` must be a valid file that is associated with a
    /// `MiscDeviceRegistration<T>`, in a `write()` call for its buffer `buf`
    /// of `len` bytes.
    unsafe extern "C" fn write(
        file: *mut bindings::file,
        buf: *const c_char,
        len: usize,
        _ppos: *mut bindings::loff_t,
    ) -> isize {
        // SAFETY: The write call of a file can access the private data.
        let private = unsafe { (*file).private_data };
        // SAFETY: Write calls can borrow the private data of the file.
        let device = unsafe { <T::Ptr as ForeignOwnable>::borrow(private) };
        // SAFETY:
        // * The file is valid for the duration of this call.
        // * The `fdget_pos()` of `ksys_write()`, which may not take
        //   `f_pos_lock`, is on this thread.
        let file = unsafe { LocalFile::from_raw_file(file) };
        let mut buf = UserSource::new(UserPtr::from_ptr(buf.cast_mut().cast()), len);

        match T::write(device, file, &mut buf) {
            Ok(res) => res as isize,
            Err(err) => err.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// `kiocb` must be correspond to a valid file that is associated with a
    /// `MiscDeviceRegistration<T>`. `iter` must be a valid `struct iov_iter`
    /// for writing.
    unsafe extern "C" fn read_iter(
        kiocb: *mut bindings::kiocb,
        iter: *mut bindings::iov_iter,
    ) -> isize {
        // SAFETY: The caller provides a valid `struct kiocb` associated with
        // a `MiscDeviceRegistration<T>` file.
        let kiocb = unsafe { Kiocb::from_raw(kiocb) };
        // SAFETY: This is a valid `struct iov_iter` for writing.
        let iov = unsafe { IovIterDest::from_raw(iter) };

        match T::read_iter(kiocb, iov) {
            Ok(res) => res as isize,
            Err(err) => err.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// `kiocb` must be correspond to a valid file that is associated with a
    /// `MiscDeviceRegistration<T>`. `iter` must be a valid `struct iov_iter`
    /// for reading.
    unsafe extern "C" fn write_iter(
        kiocb: *mut bindings::kiocb,
        iter: *mut bindings::iov_iter,
    ) -> isize {
        // SAFETY: The caller provides a valid `struct kiocb` associated with
        // a `MiscDeviceRegistration<T>` file.
        let kiocb = unsafe { Kiocb::from_raw(kiocb) };
        // SAFETY: This is a valid `struct iov_iter` for reading.
        let iov = unsafe { IovIterSource::from_raw(iter) };

        match T::write_iter(kiocb, iov) {
            Ok(res) => res as isize,
            Err(err) => err.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// `file` must be a valid file that is associated with a
    /// `MiscDeviceRegistration<T>`. `wait` must be null or a valid
    /// `poll_table` for the duration of the call.
    unsafe extern "C" fn poll(
        file: *mut bindings::file,
        wait: *mut bindings::poll_table,
    ) -> bindings::__poll_t {
        // SAFETY: The poll call of a file can access the private data.
        let private = unsafe { (*file).private_data };
        // SAFETY: Poll calls can borrow the private data of the file.
        let device = unsafe { <T::Ptr as ForeignOwnable>::borrow(private) };
        // SAFETY:
        // * The file is valid for the duration of this call.
        // * There is no active fdget_pos region on the file on this thread.
        let file = unsafe { File::from_raw_file(file) };
        // SAFETY: The caller provides a null or valid `poll_table` for the
        // duration of this call.
        let table = unsafe { PollTable::from_raw(wait) };

        T::poll(device, file, &table)
    }

    /// # Safety
    ///
    /// `file` must be a valid file that is associated with a
    /// `MiscDeviceRegistration<T>`.
    unsafe extern "C" fn ioctl(file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
        // SAFETY: The ioctl call of a file can access the private data.
        let private = unsafe { (*file).private_data };
        // SAFETY: Ioctl calls can borrow the private data of the file.
        let device = unsafe { <T::Ptr as ForeignOwnable>::borrow(private) };

        // SAFETY:
        // * The file is valid for the duration of this call.
        // * There is no active fdget_pos region on the file on this thread.
        let file = unsafe { File::from_raw_file(file) };

        match T::ioctl(device, file, cmd, arg) {
            Ok(ret) => ret as c_long,
            Err(err) => err.to_errno() as c_long,
        }
    }

    /// # Safety
    ///
    /// - `file` must be a valid file that is associated with a
    ///   `MiscDeviceRegistration<T>`.
    /// - `seq_file` must be a valid `struct seq_file` that we can write to.
    unsafe extern "C" fn show_fdinfo(seq_file: *mut bindings::seq_file, file: *mut bindings::file) {
        // SAFETY: The show_fdinfo call of a file can access the private data.
        let private = unsafe { (*file).private_data };
        // SAFETY: Show_fdinfo calls can borrow the private data of the file.
        let device = unsafe { <T::Ptr as ForeignOwnable>::borrow(private) };
        // SAFETY:
        // * The file is valid for the duration of this call.
        // * There is no active fdget_pos region on the file on this thread.
        let file = unsafe { File::from_raw_file(file) };
        // SAFETY: The caller ensures that the pointer is valid and exclusive
        // for the duration in which this method is called.
        let m = unsafe { SeqFile::from_raw(seq_file) };

        T::show_fdinfo(device, m, file);
    }

    const VTABLE: bindings::file_operations = bindings::file_operations {
        open: Some(Self::open),
        release: Some(Self::release),
        read: if T::HAS_READ { Some(Self::read) } else { None },
        write: if T::HAS_WRITE {
            Some(Self::write)
        } else {
            None
        },
        read_iter: if T::HAS_READ_ITER {
            Some(Self::read_iter)
        } else {
            None
        },
        write_iter: if T::HAS_WRITE_ITER {
            Some(Self::write_iter)
        } else {
            None
        },
        poll: if T::HAS_POLL { Some(Self::poll) } else { None },
        unlocked_ioctl: if T::HAS_IOCTL {
            Some(Self::ioctl)
        } else {
            None
        },
        #[cfg(CONFIG_COMPAT)]
        compat_ioctl: if T::HAS_IOCTL {
            bindings::compat_ptr_ioctl
        } else {
            None
        },
        show_fdinfo: if T::HAS_SHOW_FDINFO {
            Some(Self::show_fdinfo)
        } else {
            None
        },
        owner: this_module::<T::OwnerModule>().as_ptr(),
        ..pin_init::zeroed()
    };

    const fn build() -> &'static bindings::file_operations {
        &Self::VTABLE
    }
}
