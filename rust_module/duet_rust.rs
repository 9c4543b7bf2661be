// SPDX-License-Identifier: GPL-2.0

//! duet_rust - the duet misc device, written in Rust.
//!
//! `/dev/duet-rust` is a bounded byte FIFO shared by every opener. Usage:
//!
//! ```sh
//! modprobe duet_rust capacity=8192 trace=1
//! echo hello > /dev/duet-rust
//! cat /dev/duet-rust
//! cat /proc/duet
//! ```
//!
//! The ABI is `<uapi/linux/duet.h>`. Its twin, `c_module/device.c`, has the
//! same sections in the same order under the same headings, and the same
//! names for the same things: read the two side by side. Every `unsafe`
//! block of this module lives in `glue.rs` and `glue/`: the compiler denies
//! `unsafe_code` everywhere else.

#![deny(unsafe_code)]

// --- imports ---

use kernel::{
    bindings,
    ffi::c_char,
    fs::{
        file::flags,
        File,
        Kiocb,
        LocalFile, //
    },
    iov::{
        IovIterDest,
        IovIterSource, //
    },
    new_mutex,
    prelude::*,
    seq_file::SeqFile,
    seq_print,
    sync::{
        aref::ARef,
        atomic::{
            Atomic,
            Full,
            Relaxed, //
        },
        Mutex, //
    },
    uaccess::{
        UserSlice,
        UserSliceReader,
        UserSliceWriter, //
    }, //
};

#[allow(unsafe_code)]
mod glue;

use glue::{
    alloc::KmemBox,
    miscdev::{
        DataRef,
        MiscDevice,
        MiscDeviceOptions,
        MiscDeviceRegistration,
        OpenFile, //
    },
    mutex::lock_killable,
    once::Once,
    params::{
        AtomicParam,
        ModuleParam,
        ModuleParams,
        Param, //
    },
    ratelimit::pr_info_ratelimited,
    uaccess::{
        UserDest,
        UserSource, //
    },
    wait::{
        new_wait_queue,
        PollTable,
        WaitQueue, //
    }, //
};

// --- constants ---

/// The name of the device node, `/dev/duet-rust`.
const DUET_NAME: &CStr = c"duet-rust";
/// What `DUET_IOC_INFO` reports as `impl`.
const DUET_IMPL: &CStr = c"rust";
/// `DUET_IMPL` as the `impl` field of `struct duet_info`, NUL-padded,
/// made at compile time (as C's `.impl = DUET_IMPL` initializer is).
const DUET_IMPL_FIELD: [c_char; 8] = {
    let name = DUET_IMPL.to_bytes();
    let mut field = [0; 8];
    let mut i = 0;
    while i < name.len() {
        field[i] = c_char::from_ne_bytes([name[i]]);
        i += 1;
    }
    field
};

// --- params ---

module! {
    type: DuetModule,
    name: "duet_rust",
    authors: ["The duet developers"],
    description: "duet: a FIFO misc device in Rust, using the DUET exports",
    license: "GPL",
    imports_ns: ["DUET"],
}

/// `DUET_IOC_RESIZE` updates it, so sysfs shows the FIFO's size now.
static CAPACITY: AtomicParam<u32> = AtomicParam::new(bindings::DUET_CAPACITY_DEFAULT);
static MAX_OPEN: Param<u32> = Param::new(0);
static TRACE: Param<bool> = Param::new(false);
static DIGEST: Param<bool> = Param::new(true);

// The kernel's own `param_ops_uint` and `param_ops_bool` parse them, as C's
// `module_param()` (glue/params.rs).
impl ModuleParams for DuetModule {
    const PARAMS: &'static [ModuleParam] = &[
        ModuleParam::new(
            c"capacity",
            &CAPACITY,
            0o444,
            "FIFO size in bytes, 64..1048576 (default 4096)",
        ),
        ModuleParam::new(
            c"max_open",
            &MAX_OPEN,
            0o444,
            "Most files open at once, 0 = unlimited (default 0)",
        ),
        ModuleParam::new(
            c"trace",
            &TRACE,
            0o444,
            "Log one line per open/read/write/ioctl/release (default N)",
        ),
        ModuleParam::new(
            c"digest",
            &DIGEST,
            0o444,
            "Keep CRC32C digests of the data (default Y)",
        ),
    ];
}

/// Rate-limited: any opener can make the calls it logs.
macro_rules! duet_trace {
    ($($arg:tt)*) => {
        if TRACE.get() {
            pr_info_ratelimited!("{}\n", format_args!($($arg)*));
        }
    };
}

// --- fifo ---

/// A ring of bytes.
///
/// # Invariants
///
/// `head < buf.len()` and `used <= buf.len()`; the queued bytes start at
/// `head` and wrap at `buf.len()`.
struct Fifo {
    buf: KVVec<u8>,
    head: usize,
    used: usize,
}

impl Fifo {
    /// Makes an empty ring of `capacity` bytes.
    fn new(capacity: u32) -> Result<Self> {
        Ok(Self {
            buf: KVVec::from_elem(0, capacity as usize, GFP_KERNEL)?,
            head: 0,
            used: 0,
        })
    }

    /// The size of the ring in bytes.
    fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Lets `copy` fill up to `len` bytes of free space, in at most two
    /// pieces (up to the end of the buffer, then from its start), and
    /// advances `digest` over them. `copy` returns how many bytes it wrote;
    /// fewer than offered stops the loop. Returns the bytes added.
    // Inlined, as everything on the way from a file operation: see
    // "file operations".
    #[inline(always)]
    fn put(
        &mut self,
        len: usize,
        mut digest: Option<&mut u32>,
        mut copy: impl FnMut(&mut [u8]) -> usize,
    ) -> usize {
        let len = len.min(self.capacity() - self.used);
        let mut left = len;
        while left > 0 {
            let tail = (self.head + self.used) % self.capacity();
            let free = &mut self.buf[tail..];
            let want = left.min(free.len());
            let chunk = &mut free[..want];
            let got = copy(chunk).min(want);
            if let Some(digest) = digest.as_deref_mut() {
                *digest = glue::digest(*digest, &chunk[..got]);
            }
            // INVARIANT: `got <= want`, which fits in the free space.
            self.used += got;
            left -= got;
            if got < want {
                break;
            }
        }
        len - left
    }

    /// Lets `copy` take up to `len` of the oldest bytes, which are then
    /// removed, and advances `digest` over them. Returns the bytes removed.
    // Inlined: see "file operations".
    #[inline(always)]
    fn get(
        &mut self,
        len: usize,
        mut digest: Option<&mut u32>,
        mut copy: impl FnMut(&[u8]) -> usize,
    ) -> usize {
        let len = len.min(self.used);
        let mut left = len;
        while left > 0 {
            let queued = &self.buf[self.head..];
            let want = left.min(queued.len());
            let chunk = &queued[..want];
            let got = copy(chunk).min(want);
            if let Some(digest) = digest.as_deref_mut() {
                *digest = glue::digest(*digest, &chunk[..got]);
            }
            // INVARIANT: `got <= used`, and `head` wraps at the capacity.
            self.head += got;
            if self.head == self.capacity() {
                self.head = 0;
            }
            self.used -= got;
            left -= got;
            if got < want {
                break;
            }
        }
        if self.used == 0 {
            self.head = 0;
        }
        len - left
    }

    /// Moves the queued bytes, in order, into a new buffer of `capacity`
    /// bytes. Fails with `EBUSY` if they do not fit, or `ENOMEM` (the ring
    /// unchanged).
    fn resize(&mut self, capacity: u32) -> Result {
        let capacity = capacity as usize;
        if capacity < self.used {
            return Err(EBUSY);
        }
        let first = self.used.min(self.capacity() - self.head);
        let mut buf = KVVec::from_elem(0, capacity, GFP_KERNEL)?;
        buf[..first].copy_from_slice(&self.buf[self.head..self.head + first]);
        buf[first..self.used].copy_from_slice(&self.buf[..self.used - first]);
        // INVARIANT: the `used` bytes now start at 0 of a `capacity` buffer.
        self.buf = buf;
        self.head = 0;
        Ok(())
    }
}

// --- device state ---

/// `/dev/duet-rust`: one FIFO shared by all its open files.
///
/// `lock` is the device lock: taken by open, read, write, RESET and
/// RESIZE, killably, and held across their copies from and to user memory.
/// Nothing else waits for it: release, poll, INFO, STATS and `/proc/duet`
/// read what they need without it, so a caller stuck in a copy wedges no
/// one.
///
/// `used`, `capacity` and the stats are written with `lock` held, each
/// field with `write_once()`, and read with `read_once()` without it.
/// `nopen`, `nreaders` and `nwriters` are atomics.
///
/// Lock order: `lock`, then `duet_registry_lock` (export.c); no path takes
/// both today.
///
/// C's `misc` is [`DuetModule`]'s, whose registration carries this device
/// (so `open` gets it without `container_of()`); C's `stats` are in
/// `impl_`, which registers them with DUET and keeps them pinned.
#[pin_data]
struct DuetDevice {
    /// The device lock, and the queued bytes it protects (C's `lock` and
    /// `fifo`).
    #[pin]
    lock: Mutex<Fifo>,
    /// Readers (and pollers) waiting for data or for the last writer to
    /// close.
    #[pin]
    readq: WaitQueue,
    /// Writers (and pollers) waiting for space or for the last reader to
    /// close.
    #[pin]
    writeq: WaitQueue,
    /// The FIFO's bytes queued, as of the last call that changed them.
    used: Atomic<u32>,
    /// The FIFO's size, likewise.
    capacity: Atomic<u32>,
    /// Open files.
    nopen: Atomic<i32>,
    /// Open files that can read.
    nreaders: Atomic<i32>,
    /// Open files that can write.
    nwriters: Atomic<i32>,
    /// This device's registration in the DUET registry, with the stats that
    /// `DUET_IOC_STATS` returns and `/proc/duet` reads in place.
    #[pin]
    impl_: glue::Registration,
}

// --- per-open state ---

/// One open file of `/dev/duet-rust`.
struct DuetFile {
    /// The device.
    dev: DataRef<DuetDevice>,
    /// Bytes this file read, for fdinfo.
    bytes_read: Atomic<u64>,
    /// Bytes this file wrote, for fdinfo.
    bytes_written: Atomic<u64>,
    /// The file's reference to the device's registry handle (C's
    /// `duet_get()` in open, `duet_put()` in release).
    _impl_ref: ARef<glue::Handle>,
}

/// What C would return: the byte count, or the negative errno.
fn ret_of(ret: &Result<usize>) -> isize {
    match ret {
        Ok(n) => *n as isize,
        Err(e) => e.to_errno() as isize,
    }
}

impl DuetDevice {
    /// What `DUET_IOC_STATS` returns and `/proc/duet` reads.
    #[inline(always)]
    fn stats(&self) -> &glue::Stats {
        self.impl_.stats()
    }

    /// Publishes `fifo`'s state for the callers that do not take the lock.
    #[inline(always)]
    fn publish(&self, fifo: &Fifo) {
        self.used.write_once(fifo.used as u32);
        self.capacity.write_once(fifo.capacity() as u32);
    }
}

/// Adds `n` to a statistic; its writers hold the device lock. The counters
/// wrap around, as C's do (`wrapping_add`: no overflow check, which would
/// panic).
#[inline(always)]
fn count(stat: &Atomic<u64>, n: u64) {
    stat.write_once(stat.read_once().wrapping_add(n));
}

// --- open/release ---

impl DuetFile {
    #[inline(always)]
    fn open(file: &OpenFile<'_>, dev: DataRef<DuetDevice>) -> Result<KmemBox<Self>> {
        // The VFS refuses O_DIRECT only after open returns (do_dentry_open()),
        // and then releases the file: refuse it here, before it is counted.
        if glue::f_flags(file) & flags::O_DIRECT != 0 {
            return Err(EINVAL);
        }
        let df = KmemBox::<Self>::new_uninit(GFP_KERNEL_ACCOUNT)?;

        let nopen = {
            let _guard = lock_killable(&dev.lock)?;
            let max_open = MAX_OPEN.get();
            if max_open != 0 && dev.nopen.read_once() as u32 >= max_open {
                return Err(EBUSY);
            }
            let nopen = dev.nopen.fetch_add(1, Full).wrapping_add(1);
            if glue::fmode_read(file) {
                dev.nreaders.add(1, Relaxed);
            }
            if glue::fmode_write(file) {
                dev.nwriters.add(1, Relaxed);
            }
            count(&dev.stats().opens, 1);
            nopen
        };
        let impl_ref = dev.impl_.get();
        // A FIFO has no file position: pread, pwrite and lseek get ESPIPE.
        file.stream_open();
        let df = KmemBox::write(
            df,
            Self {
                dev,
                bytes_read: Atomic::new(0),
                bytes_written: Atomic::new(0),
                _impl_ref: impl_ref,
            },
        );
        duet_trace!("open ({} open)", nopen);
        Ok(df)
    }

    #[inline(always)]
    fn release(df: KmemBox<Self>, file: &File) {
        let dev = &df.dev;

        // Without the device lock: a caller stuck in a copy holds it.
        if glue::fmode_read(file) {
            dev.nreaders.add(-1, Relaxed);
        }
        if glue::fmode_write(file) {
            dev.nwriters.add(-1, Relaxed);
        }
        dev.nopen.add(-1, Relaxed);
        // The last reader or writer gone changes what the waiters get.
        dev.readq.notify_all();
        dev.writeq.notify_all();
        // `duet_put()` and `kfree()`: the handle reference drops with it.
        drop(df);
        duet_trace!("release");
    }
}

// --- read/write ---

// read() and write() come in through `read` and `write`, and copy to and
// from the caller's buffer; readv(), writev() and io_uring through
// `read_iter` and `write_iter`, and copy with the iov_iter. Each pair shares
// one body, inlined with its copy step (as /dev/zero has both `.read` and
// `.read_iter`, in drivers/char/mem.c): the plain calls skip the kiocb and
// iov_iter that the VFS would otherwise set up for them.
impl DuetFile {
    #[inline(always)]
    fn do_read(
        &self,
        file: &LocalFile,
        len: usize,
        copy: impl FnMut(&[u8]) -> usize,
    ) -> Result<usize> {
        let dev: &DuetDevice = &self.dev;

        if len == 0 {
            return Ok(0);
        }
        let mut fifo = lock_killable(&dev.lock)?;
        let ret = 'out_unlock: {
            // Empty: wait for data, unless no open file can write (EOF).
            while fifo.used == 0 && dev.nwriters.read_once() != 0 {
                if glue::nonblocking(file) {
                    break 'out_unlock Err(EAGAIN);
                }
                drop(fifo);
                // Data that is there beats a pending signal, as in pipe_read().
                dev.readq.wait_interruptible(|| {
                    dev.used.read_once() != 0 || dev.nwriters.read_once() == 0
                })?;
                fifo = lock_killable(&dev.lock)?;
            }
            let mut crc = dev.stats().digest_out.read_once();
            let n = fifo.get(len, DIGEST.get().then_some(&mut crc), copy);
            if n == 0 && fifo.used != 0 {
                break 'out_unlock Err(EFAULT);
            }
            if n != 0 {
                dev.publish(&fifo);
                count(&dev.stats().reads, 1);
                count(&dev.stats().bytes_out, n as u64);
                dev.stats().digest_out.write_once(crc);
            }
            Ok(n)
        };
        drop(fifo);
        if let Ok(n @ 1..) = ret {
            self.bytes_read.add(n as u64, Relaxed);
            dev.writeq.notify_all();
        }
        duet_trace!("read {} bytes: {}", len, ret_of(&ret));
        ret
    }

    #[inline(always)]
    fn read(&self, file: &LocalFile, buf: &mut UserDest) -> Result<usize> {
        self.do_read(file, buf.len(), |chunk| buf.copy_to(chunk))
    }

    #[inline(always)]
    fn read_iter(kiocb: Kiocb<'_, KmemBox<Self>>, to: &mut IovIterDest<'_>) -> Result<usize> {
        kiocb
            .file()
            .do_read(glue::kiocb_file(&kiocb), to.len(), |chunk| {
                to.copy_to_iter(chunk)
            })
    }

    #[inline(always)]
    fn do_write(
        &self,
        file: &LocalFile,
        len: usize,
        copy: impl FnMut(&mut [u8]) -> usize,
    ) -> Result<usize> {
        let dev: &DuetDevice = &self.dev;

        if len == 0 {
            return Ok(0);
        }
        let mut fifo = lock_killable(&dev.lock)?;
        let ret = 'out_unlock: {
            // Full: wait for space, unless no open file can read (ENOSPC, even
            // with O_NONBLOCK: poll says EPOLLERR, and a pipe checks its
            // readers first too).
            while fifo.used == fifo.capacity() {
                if dev.nreaders.read_once() == 0 {
                    break 'out_unlock Err(ENOSPC);
                }
                if glue::nonblocking(file) {
                    break 'out_unlock Err(EAGAIN);
                }
                drop(fifo);
                // Space that is there beats a pending signal, as in pipe_write().
                dev.writeq.wait_interruptible(|| {
                    dev.used.read_once() < dev.capacity.read_once() || dev.nreaders.read_once() == 0
                })?;
                fifo = lock_killable(&dev.lock)?;
            }
            let mut crc = dev.stats().digest_in.read_once();
            let n = fifo.put(len, DIGEST.get().then_some(&mut crc), copy);
            if n == 0 {
                break 'out_unlock Err(EFAULT);
            }
            dev.publish(&fifo);
            count(&dev.stats().writes, 1);
            count(&dev.stats().bytes_in, n as u64);
            dev.stats().digest_in.write_once(crc);
            Ok(n)
        };
        drop(fifo);
        if let Ok(n @ 1..) = ret {
            self.bytes_written.add(n as u64, Relaxed);
            dev.readq.notify_all();
        }
        duet_trace!("write {} bytes: {}", len, ret_of(&ret));
        ret
    }

    #[inline(always)]
    fn write(&self, file: &LocalFile, buf: &mut UserSource) -> Result<usize> {
        self.do_write(file, buf.len(), |chunk| buf.copy_from(chunk))
    }

    #[inline(always)]
    fn write_iter(kiocb: Kiocb<'_, KmemBox<Self>>, from: &mut IovIterSource<'_>) -> Result<usize> {
        kiocb
            .file()
            .do_write(glue::kiocb_file(&kiocb), from.len(), |chunk| {
                from.copy_from_iter(chunk)
            })
    }
}

// --- poll ---

impl DuetFile {
    /// Ready means that the call would not block, as for a FIFO: a file
    /// that can read is readable with bytes queued, and hung up (`EPOLLHUP`:
    /// read returns 0 once it is empty) with no writer left; a file that can
    /// write is writable with space free, and in error (`EPOLLERR`: write
    /// gets `ENOSPC`) when full with no reader left. Without the device
    /// lock.
    #[inline(always)]
    fn poll(&self, file: &File, table: &PollTable<'_>) -> u32 {
        let dev = &self.dev;
        let mut mask = 0;

        if glue::fmode_read(file) {
            table.register_wait(file, &dev.readq);
        }
        if glue::fmode_write(file) {
            table.register_wait(file, &dev.writeq);
        }
        let used = dev.used.read_once();
        if glue::fmode_read(file) {
            if used != 0 {
                mask |= bindings::EPOLLIN | bindings::EPOLLRDNORM;
            }
            if dev.nwriters.read_once() == 0 {
                mask |= bindings::EPOLLHUP;
            }
        }
        if glue::fmode_write(file) {
            if used < dev.capacity.read_once() {
                mask |= bindings::EPOLLOUT | bindings::EPOLLWRNORM;
            } else if dev.nreaders.read_once() == 0 {
                mask |= bindings::EPOLLERR;
            }
        }
        mask
    }
}

// --- ioctl ---

// INFO and STATS take no lock: they copy what was last published, field by
// field, to the stack, and that to user memory.
impl DuetDevice {
    #[inline(always)]
    fn ioctl_info(&self, mut writer: UserSliceWriter) -> Result<isize> {
        let info = glue::Info(bindings::duet_info {
            abi_version: bindings::DUET_ABI_VERSION,
            capacity: self.capacity.read_once(),
            used: self.used.read_once(),
            max_open: MAX_OPEN.get(),
            impl_: DUET_IMPL_FIELD,
        });

        writer.write(&info)?;
        Ok(0)
    }

    #[inline(always)]
    fn ioctl_stats(&self, mut writer: UserSliceWriter) -> Result<isize> {
        let stats = glue::StatsCopy(bindings::duet_stats {
            opens: self.stats().opens.read_once(),
            reads: self.stats().reads.read_once(),
            writes: self.stats().writes.read_once(),
            bytes_in: self.stats().bytes_in.read_once(),
            bytes_out: self.stats().bytes_out.read_once(),
            digest_in: self.stats().digest_in.read_once(),
            digest_out: self.stats().digest_out.read_once(),
        });

        writer.write(&stats)?;
        Ok(0)
    }

    fn ioctl_reset(&self) -> Result<isize> {
        if !glue::capable_sys_admin() {
            return Err(EPERM);
        }
        {
            let mut fifo = lock_killable(&self.lock)?;
            fifo.head = 0;
            fifo.used = 0;
            self.publish(&fifo);
            self.stats().opens.write_once(0);
            self.stats().reads.write_once(0);
            self.stats().writes.write_once(0);
            self.stats().bytes_in.write_once(0);
            self.stats().bytes_out.write_once(0);
            self.stats().digest_in.write_once(0);
            self.stats().digest_out.write_once(0);
        }
        self.writeq.notify_all();
        Ok(0)
    }

    fn ioctl_resize(&self, mut reader: UserSliceReader) -> Result<isize> {
        if !glue::capable_sys_admin() {
            return Err(EPERM);
        }
        let size: u32 = reader.read()?;
        if !(bindings::DUET_CAPACITY_MIN..=bindings::DUET_CAPACITY_MAX).contains(&size) {
            return Err(EINVAL);
        }
        {
            let mut fifo = lock_killable(&self.lock)?;
            fifo.resize(size)?;
            self.publish(&fifo);
            // The capacity param, in sysfs, shows the size now.
            CAPACITY.set(size);
        }
        self.writeq.notify_all();
        Ok(0)
    }
}

impl DuetFile {
    #[inline(always)]
    fn ioctl(&self, cmd: u32, arg: usize) -> Result<isize> {
        let user = |size| UserSlice::new(UserPtr::from_addr(arg), size);
        let ret = match cmd {
            bindings::DUET_IOC_INFO => self.dev.ioctl_info(user(size_of::<glue::Info>()).writer()),
            bindings::DUET_IOC_STATS => self
                .dev
                .ioctl_stats(user(size_of::<glue::StatsCopy>()).writer()),
            bindings::DUET_IOC_RESET => self.dev.ioctl_reset(),
            bindings::DUET_IOC_RESIZE => self.dev.ioctl_resize(user(size_of::<u32>()).reader()),
            _ => Err(ENOTTY),
        };
        duet_trace!(
            "ioctl {:#x}: {}",
            cmd,
            ret.as_ref().map_or_else(|e| e.to_errno() as isize, |n| *n)
        );
        ret
    }
}

// --- show_fdinfo ---

impl DuetFile {
    fn show_fdinfo(&self, m: &SeqFile) {
        seq_print!(m, "duet-bytes-read:\t{}\n", self.bytes_read.read_once());
        seq_print!(
            m,
            "duet-bytes-written:\t{}\n",
            self.bytes_written.read_once()
        );
    }
}

// --- file operations ---

// Each entry point, and what it calls on the way to the FIFO, is
// `#[inline(always)]`: the vtable's trampoline (the C-callable function in
// `file_operations`, where C has the driver's own function; glue/miscdev.rs)
// then compiles into one function with all of it. At -Os, tinyconfig's
// default, rustc otherwise keeps each level a call that returns its
// `Result` through memory: 15 to 22 more instructions per call (`make
// report`, "Where the instructions go").
#[vtable]
impl MiscDevice for DuetFile {
    type Data = DuetDevice;
    type Ptr = KmemBox<Self>;

    #[inline(always)]
    fn open(file: &OpenFile<'_>, dev: DataRef<DuetDevice>) -> Result<KmemBox<Self>> {
        DuetFile::open(file, dev)
    }

    #[inline(always)]
    fn release(df: KmemBox<Self>, file: &File) {
        DuetFile::release(df, file)
    }

    #[inline(always)]
    fn read(df: &Self, file: &LocalFile, buf: &mut UserDest) -> Result<usize> {
        df.read(file, buf)
    }

    #[inline(always)]
    fn read_iter(kiocb: Kiocb<'_, KmemBox<Self>>, to: &mut IovIterDest<'_>) -> Result<usize> {
        DuetFile::read_iter(kiocb, to)
    }

    #[inline(always)]
    fn write(df: &Self, file: &LocalFile, buf: &mut UserSource) -> Result<usize> {
        df.write(file, buf)
    }

    #[inline(always)]
    fn write_iter(kiocb: Kiocb<'_, KmemBox<Self>>, from: &mut IovIterSource<'_>) -> Result<usize> {
        DuetFile::write_iter(kiocb, from)
    }

    #[inline(always)]
    fn poll(df: &Self, file: &File, table: &PollTable<'_>) -> u32 {
        df.poll(file, table)
    }

    #[inline(always)]
    fn ioctl(df: &Self, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        df.ioctl(cmd, arg)
    }

    // 32-bit callers: with `ioctl`, the vtable sets `.compat_ioctl =
    // compat_ptr_ioctl`, exactly as device.c does (glue/miscdev.rs, as 7.3's
    // rust/kernel/miscdevice.rs). Both structs have one layout for 32- and
    // 64-bit callers, and a hand-written `compat_ioctl` would only redo the
    // kernel's per-architecture `compat_ptr()`.

    fn show_fdinfo(df: &Self, m: &SeqFile, _file: &File) {
        df.show_fdinfo(m)
    }
}

// --- init/exit ---

/// Logs which param is out of `[min, max]`, and fails with `EINVAL`.
fn param_check(name: &str, value: u32, min: u32, max: u32) -> Result {
    if !(min..=max).contains(&value) {
        pr_err!("{}={} is out of range [{}, {}]\n", name, value, min, max);
        return Err(EINVAL);
    }
    Ok(())
}

impl DuetDevice {
    /// Allocates the FIFO and registers with DUET.
    fn new(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            lock <- new_mutex!(Fifo::new(CAPACITY.get())?),
            readq <- new_wait_queue!(),
            writeq <- new_wait_queue!(),
            // Published: the FIFO is empty.
            used: Atomic::new(0),
            capacity: Atomic::new(CAPACITY.get()),
            nopen: Atomic::new(0),
            nreaders: Atomic::new(0),
            nwriters: Atomic::new(0),
            impl_ <- glue::Registration::new(DUET_IMPL, module),
        })
    }
}

/// The loaded module. When it unloads, its fields drop in declaration
/// order: the device node first, and with it the device it carries (its
/// FIFO, its wait queues, then its DUET registration: C unregisters before
/// it frees the FIFO, which no one sees), and last `_exit_log`, which says
/// so. (`#[pin_data]` refuses a `Drop` impl, and a `PinnedDrop::drop` would
/// run before any field drops, while the node still exists.)
#[pin_data]
struct DuetModule {
    #[pin]
    misc: MiscDeviceRegistration<DuetFile>,
    _exit_log: ExitLog,
}

/// Logs that `/dev/duet-rust` is gone: the last field of [`DuetModule`] to
/// drop, and the last to be made. When init fails, `try_pin_init!` drops only
/// the fields it has made, and it makes this one after `misc`, the only one
/// that can fail: a failed init never logs it, as C's error path does not.
struct ExitLog;

impl Drop for ExitLog {
    fn drop(&mut self) {
        pr_info!("unregistered /dev/duet-rust\n");
    }
}

impl kernel::InPlaceModule for DuetModule {
    fn init(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        pin_init::pin_init_scope(move || {
            param_check(
                "capacity",
                CAPACITY.get(),
                bindings::DUET_CAPACITY_MIN,
                bindings::DUET_CAPACITY_MAX,
            )?;
            Ok(try_pin_init!(Self {
                misc <- MiscDeviceRegistration::register(
                    MiscDeviceOptions { name: DUET_NAME },
                    DuetDevice::new(module),
                ),
                _: {
                    pr_info!(
                        "registered /dev/duet-rust (capacity {}, digest of \"duet\" {:08x})\n",
                        CAPACITY.get(),
                        glue::digest(0, b"duet")
                    );
                },
                _exit_log: ExitLog,
            }))
        })
    }
}

// --- tests ---

#[cfg(CONFIG_DUET_KUNIT_TEST)]
#[kunit_tests(duet_rust_fifo)]
mod tests {
    use super::*;

    /// Pushes `src` into `fifo`; returns the bytes taken.
    fn put(fifo: &mut Fifo, src: &[u8], digest: Option<&mut u32>) -> usize {
        let mut done = 0;
        fifo.put(src.len(), digest, |chunk| {
            chunk.copy_from_slice(&src[done..done + chunk.len()]);
            done += chunk.len();
            chunk.len()
        })
    }

    /// Pops up to `dst.len()` bytes of `fifo` into `dst`; returns how many.
    fn get(fifo: &mut Fifo, dst: &mut [u8], digest: Option<&mut u32>) -> usize {
        let mut done = 0;
        fifo.get(dst.len(), digest, |chunk| {
            dst[done..done + chunk.len()].copy_from_slice(chunk);
            done += chunk.len();
            chunk.len()
        })
    }

    /// A 64-byte ring, and 200 bytes of pattern to push through it.
    fn init() -> Result<(Fifo, [u8; 200])> {
        let mut pattern = [0u8; 200];
        for (i, b) in pattern.iter_mut().enumerate() {
            *b = (i * 7 + 3) as u8;
        }
        Ok((Fifo::new(64)?, pattern))
    }

    #[test]
    fn put_stops_when_full() -> Result {
        let (mut fifo, pattern) = init()?;
        assert_eq!(put(&mut fifo, &pattern[..100], None), 64);
        assert_eq!(put(&mut fifo, &pattern[..1], None), 0);
        assert_eq!(fifo.used, 64);
        Ok(())
    }

    #[test]
    fn wraps_in_order() -> Result {
        let (mut fifo, pattern) = init()?;
        let mut out = [0u8; 200];
        assert_eq!(put(&mut fifo, &pattern[..40], None), 40);
        assert_eq!(get(&mut fifo, &mut out[..30], None), 30);
        assert_eq!(put(&mut fifo, &pattern[40..90], None), 50);
        assert_eq!(get(&mut fifo, &mut out[30..], None), 60);
        assert!(out[..90] == pattern[..90]);
        assert_eq!(fifo.used, 0);
        Ok(())
    }

    #[test]
    fn resize_keeps_order() -> Result {
        let (mut fifo, pattern) = init()?;
        let mut out = [0u8; 200];
        put(&mut fifo, &pattern[..50], None);
        get(&mut fifo, &mut out[..40], None);
        assert_eq!(put(&mut fifo, &pattern[50..100], None), 50);
        assert!(fifo.resize(59) == Err(EBUSY));
        assert!(fifo.resize(128).is_ok());
        assert_eq!(fifo.capacity(), 128);
        assert_eq!(put(&mut fifo, &pattern[100..], None), 68);
        assert_eq!(get(&mut fifo, &mut out, None), 128);
        assert!(out[..128] == pattern[40..168]);
        Ok(())
    }

    #[test]
    fn digest_is_streamed() -> Result {
        let (mut fifo, pattern) = init()?;
        let mut buf = [0u8; 200];
        let (mut digest_in, mut digest_out) = (0, 0);
        // 30 bytes stay queued, so the 25-byte steps wrap around the ring.
        assert_eq!(put(&mut fifo, &pattern[..30], Some(&mut digest_in)), 30);
        for done in (0..170).step_by(25) {
            let step = 25.min(170 - done);
            let piece = &pattern[30 + done..30 + done + step];
            assert_eq!(put(&mut fifo, piece, Some(&mut digest_in)), step);
            let out = &mut buf[done..done + step];
            assert_eq!(get(&mut fifo, out, Some(&mut digest_out)), step);
        }
        assert_eq!(get(&mut fifo, &mut buf[170..], Some(&mut digest_out)), 30);
        assert_eq!(digest_in, glue::digest(0, &pattern));
        assert_eq!(digest_out, digest_in);
        assert!(buf == pattern);
        Ok(())
    }
}
