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
//! block of this module lives in `glue.rs`.

// --- imports ---

use kernel::{
    bindings,
    ffi::c_char,
    fs::{file::flags, File, Kiocb},
    iov::{IovIterDest, IovIterSource},
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    new_condvar, new_mutex,
    prelude::*,
    seq_file::SeqFile,
    seq_print,
    sync::{
        aref::ARef,
        atomic::{Atomic, Relaxed},
        Arc, CondVar, Mutex,
    },
    uaccess::{UserSlice, UserSliceReader, UserSliceWriter},
};

mod glue;

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
    params: {
        capacity: u32 {
            default: 4096,
            description: "FIFO size in bytes, 64..1048576 (default 4096)",
        },
        max_open: u32 {
            default: 0,
            description: "Most files open at once, 0 = unlimited (default 0)",
        },
        trace: bool {
            default: false,
            description: "Log one line per open/read/write/ioctl/release (default N)",
        },
        digest: bool {
            default: true,
            description: "Keep CRC32C digests of the data (default Y)",
        },
    },
}

/// Logs one line when the `trace` param of `$device` is set.
macro_rules! duet_trace {
    ($device:expr, $($arg:tt)*) => {
        if $device.params.trace {
            pr_info!("{}\n", format_args!($($arg)*));
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

/// What the device's lock protects.
struct DeviceState {
    /// The queued bytes.
    fifo: Fifo,
    /// Open files.
    nopen: u32,
    /// Open files that can read.
    nreaders: u32,
    /// Open files that can write.
    nwriters: u32,
    /// What `DUET_IOC_STATS` returns. The counters wrap around, as C's do
    /// (`wrapping_add`: no overflow check, which would panic).
    stats: glue::Stats,
}

/// The params, read once at load. They are read-only (0444), and in 7.3
/// each read of a `module_parameters` value is an out-of-line `SetOnce`
/// copy behind an acquire load, about 12 instructions, where C reads a
/// global: on every call that would be most of the gap to C.
#[derive(Clone, Copy)]
struct Params {
    /// Most files open at once, 0 = unlimited.
    max_open: u32,
    /// Log one line per call.
    trace: bool,
    /// Keep the digests.
    digest: bool,
}

/// `/dev/duet-rust`: one FIFO shared by all its open files.
#[pin_data]
struct DuetDevice {
    /// The params, as loaded.
    params: Params,
    /// The device's state; only reachable with the lock held.
    #[pin]
    inner: Mutex<DeviceState>,
    /// Readers waiting for data or for the last writer to close.
    #[pin]
    readq: CondVar,
    /// Writers waiting for space or for the last reader to close.
    #[pin]
    writeq: CondVar,
    /// This device's handle in the DUET registry.
    registration: glue::Registration,
}

// --- per-open state ---

/// One open file of `/dev/duet-rust`.
struct DuetFile {
    /// The device.
    device: glue::DeviceRef,
    /// A reference to the device's registry handle, dropped with the file.
    _handle: ARef<glue::Handle>,
    /// Bytes this file read, for fdinfo.
    bytes_read: Atomic<u64>,
    /// Bytes this file wrote, for fdinfo.
    bytes_written: Atomic<u64>,
}

/// Whether `file` can read, and whether it can write.
fn access_of(file: &File) -> (bool, bool) {
    let mode = file.flags() & flags::O_ACCMODE;
    (
        mode == flags::O_RDONLY || mode == flags::O_RDWR,
        mode == flags::O_WRONLY || mode == flags::O_RDWR,
    )
}

/// What C would return: the byte count, or the negative errno.
fn ret_of(ret: &Result<usize>) -> isize {
    match ret {
        Ok(n) => *n as isize,
        Err(e) => e.to_errno() as isize,
    }
}

// --- open/release ---

impl DuetFile {
    #[inline(always)]
    fn open(file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
        let device = glue::device_of(misc);
        let (can_read, can_write) = access_of(file);
        let this = KBox::new(
            Self {
                _handle: device.registration.handle(),
                device: glue::device_of(misc),
                bytes_read: Atomic::new(0),
                bytes_written: Atomic::new(0),
            },
            GFP_KERNEL,
        )?;

        let mut state = device.inner.lock();
        let max_open = device.params.max_open;
        if max_open != 0 && state.nopen >= max_open {
            return Err(EBUSY);
        }
        state.nopen += 1;
        state.nreaders += u32::from(can_read);
        state.nwriters += u32::from(can_write);
        state.stats.0.opens = state.stats.0.opens.wrapping_add(1);
        device.registration.account(&state.stats);
        duet_trace!(device, "open ({} open)", state.nopen);
        Ok(this)
    }

    #[inline(always)]
    fn release(this: KBox<Self>, file: &File) {
        let (can_read, can_write) = access_of(file);
        let device = &this.device;
        {
            let mut state = device.inner.lock();
            state.nopen -= 1;
            state.nreaders -= u32::from(can_read);
            state.nwriters -= u32::from(can_write);
        }
        // The last reader or writer gone changes what the waiters get.
        device.readq.notify_all();
        device.writeq.notify_all();
        duet_trace!(device, "release");
    }
}

// --- read/write ---

impl DuetFile {
    #[inline(always)]
    fn read_iter(&self, nonblocking: bool, to: &mut IovIterDest<'_>) -> Result<usize> {
        let len = to.len();
        if len == 0 {
            return Ok(0);
        }
        let device = &self.device;
        let mut state = device.inner.lock();
        // Empty: wait for data, unless no open file can write (EOF).
        while state.fifo.used == 0 && state.nwriters > 0 {
            if nonblocking {
                return Err(EAGAIN);
            }
            if device.readq.wait_interruptible(&mut state) {
                return Err(ERESTARTSYS);
            }
        }
        let state = &mut *state;
        let digest = device
            .params
            .digest
            .then_some(&mut state.stats.0.digest_out);
        let n = state.fifo.get(len, digest, |chunk| to.copy_to_iter(chunk));
        if n == 0 && state.fifo.used != 0 {
            return Err(EFAULT);
        }
        if n != 0 {
            state.stats.0.reads = state.stats.0.reads.wrapping_add(1);
            state.stats.0.bytes_out = state.stats.0.bytes_out.wrapping_add(n as u64);
            device.registration.account(&state.stats);
            self.bytes_read.add(n as u64, Relaxed);
            device.writeq.notify_all();
        }
        Ok(n)
    }

    #[inline(always)]
    fn write_iter(&self, nonblocking: bool, from: &mut IovIterSource<'_>) -> Result<usize> {
        let len = from.len();
        if len == 0 {
            return Ok(0);
        }
        let device = &self.device;
        let mut state = device.inner.lock();
        // Full: wait for space, unless no open file can read (ENOSPC).
        while state.fifo.used == state.fifo.capacity() {
            if nonblocking {
                return Err(EAGAIN);
            }
            if state.nreaders == 0 {
                return Err(ENOSPC);
            }
            if device.writeq.wait_interruptible(&mut state) {
                return Err(ERESTARTSYS);
            }
        }
        let state = &mut *state;
        let digest = device.params.digest.then_some(&mut state.stats.0.digest_in);
        let n = state
            .fifo
            .put(len, digest, |chunk| from.copy_from_iter(chunk));
        if n == 0 {
            return Err(EFAULT);
        }
        state.stats.0.writes = state.stats.0.writes.wrapping_add(1);
        state.stats.0.bytes_in = state.stats.0.bytes_in.wrapping_add(n as u64);
        device.registration.account(&state.stats);
        self.bytes_written.add(n as u64, Relaxed);
        device.readq.notify_all();
        Ok(n)
    }
}

// --- ioctl ---

impl DuetFile {
    #[inline(always)]
    fn ioctl_info(&self, mut writer: UserSliceWriter) -> Result<isize> {
        let state = self.device.inner.lock();
        let info = glue::Info(bindings::duet_info {
            abi_version: bindings::DUET_ABI_VERSION,
            capacity: state.fifo.capacity() as u32,
            used: state.fifo.used as u32,
            max_open: self.device.params.max_open,
            impl_: DUET_IMPL_FIELD,
        });
        writer.write(&info)?;
        Ok(0)
    }

    #[inline(always)]
    fn ioctl_stats(&self, mut writer: UserSliceWriter) -> Result<isize> {
        let state = self.device.inner.lock();
        writer.write(&state.stats)?;
        Ok(0)
    }

    fn ioctl_reset(&self) -> Result<isize> {
        if !glue::capable_sys_admin() {
            return Err(EPERM);
        }
        let mut state = self.device.inner.lock();
        state.fifo.head = 0;
        state.fifo.used = 0;
        state.stats = glue::Stats::default();
        self.device.registration.account(&state.stats);
        self.device.writeq.notify_all();
        Ok(0)
    }

    fn ioctl_resize(&self, mut reader: UserSliceReader) -> Result<isize> {
        if !glue::capable_sys_admin() {
            return Err(EPERM);
        }
        let capacity: u32 = reader.read()?;
        if !(bindings::DUET_CAPACITY_MIN..=bindings::DUET_CAPACITY_MAX).contains(&capacity) {
            return Err(EINVAL);
        }
        let mut state = self.device.inner.lock();
        state.fifo.resize(capacity)?;
        self.device.writeq.notify_all();
        Ok(0)
    }

    #[inline(always)]
    fn ioctl(&self, cmd: u32, arg: usize) -> Result<isize> {
        let user = |size| UserSlice::new(UserPtr::from_addr(arg), size);
        let ret = match cmd {
            bindings::DUET_IOC_INFO => self.ioctl_info(user(size_of::<glue::Info>()).writer()),
            bindings::DUET_IOC_STATS => self.ioctl_stats(user(size_of::<glue::Stats>()).writer()),
            bindings::DUET_IOC_RESET => self.ioctl_reset(),
            bindings::DUET_IOC_RESIZE => self.ioctl_resize(user(size_of::<u32>()).reader()),
            _ => Err(ENOTTY),
        };
        duet_trace!(
            self.device,
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
        seq_print!(m, "duet-bytes-read:\t{}\n", self.bytes_read.load(Relaxed));
        seq_print!(
            m,
            "duet-bytes-written:\t{}\n",
            self.bytes_written.load(Relaxed)
        );
    }
}

// --- file operations ---

// Each entry point, and what it calls on the way to the FIFO, is
// `#[inline(always)]`: 7.3's `MiscdeviceVTable` trampoline (the C-callable
// function in `file_operations`, where C has the driver's own function)
// then compiles into one function with all of it. At -Os, tinyconfig's
// default, rustc otherwise keeps each level a call that returns its
// `Result` through memory: 15 to 22 more instructions per call (`make
// report`, "Where the instructions go").
#[vtable]
impl MiscDevice for DuetFile {
    type Ptr = KBox<Self>;

    #[inline(always)]
    fn open(file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
        DuetFile::open(file, misc)
    }

    #[inline(always)]
    fn release(this: KBox<Self>, file: &File) {
        DuetFile::release(this, file)
    }

    #[inline(always)]
    fn read_iter(kiocb: Kiocb<'_, KBox<Self>>, to: &mut IovIterDest<'_>) -> Result<usize> {
        let len = to.len();
        let ret = kiocb.file().read_iter(glue::nonblocking(&kiocb), to);
        duet_trace!(kiocb.file().device, "read {} bytes: {}", len, ret_of(&ret));
        ret
    }

    #[inline(always)]
    fn write_iter(kiocb: Kiocb<'_, KBox<Self>>, from: &mut IovIterSource<'_>) -> Result<usize> {
        let len = from.len();
        let ret = kiocb.file().write_iter(glue::nonblocking(&kiocb), from);
        duet_trace!(kiocb.file().device, "write {} bytes: {}", len, ret_of(&ret));
        ret
    }

    #[inline(always)]
    fn ioctl(this: &Self, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        this.ioctl(cmd, arg)
    }

    // 32-bit callers: with `ioctl` and no `compat_ioctl` here, 7.3's
    // `MiscdeviceVTable` sets `.compat_ioctl = compat_ptr_ioctl`, exactly as
    // device.c does (rust/kernel/miscdevice.rs). Both structs have one layout
    // for 32- and 64-bit callers, and a hand-written `compat_ioctl` would only
    // redo the kernel's per-architecture `compat_ptr()`.

    fn show_fdinfo(this: &Self, m: &SeqFile, _file: &File) {
        this.show_fdinfo(m)
    }
}

// --- init/exit ---

/// Returns `value` if it lies in `[min, max]`, else logs which param is
/// wrong and its valid range, and fails with `EINVAL`.
fn param_in_range(name: &str, value: u32, min: u32, max: u32) -> Result<u32> {
    if !(min..=max).contains(&value) {
        pr_err!("{}={} is out of range [{}, {}]\n", name, value, min, max);
        return Err(EINVAL);
    }
    Ok(value)
}

impl DuetDevice {
    /// Checks the params, allocates the FIFO and registers with DUET.
    fn new(module: &'static ThisModule) -> Result<Arc<Self>> {
        let capacity = param_in_range(
            "capacity",
            module_parameters::capacity.value(),
            bindings::DUET_CAPACITY_MIN,
            bindings::DUET_CAPACITY_MAX,
        )?;
        let fifo = Fifo::new(capacity)?;
        let registration = glue::Registration::new(DUET_IMPL, module)?;
        let params = Params {
            max_open: module_parameters::max_open.value(),
            trace: module_parameters::trace.value(),
            digest: module_parameters::digest.value(),
        };
        Arc::pin_init(
            try_pin_init!(Self {
                params,
                inner <- new_mutex!(DeviceState {
                    fifo,
                    nopen: 0,
                    nreaders: 0,
                    nwriters: 0,
                    stats: glue::Stats::default(),
                }),
                readq <- new_condvar!(),
                writeq <- new_condvar!(),
                registration,
            }),
            GFP_KERNEL,
        )
    }
}

/// The loaded module. When it unloads, its fields drop in declaration
/// order: the device node first, then the device (with its DUET
/// registration), and last `_exit_log`, which says so. (A `PinnedDrop::drop`
/// would run before any field drops, while the node still exists.)
#[pin_data]
struct DuetModule {
    #[pin]
    miscdev: MiscDeviceRegistration<DuetFile>,
    device: Arc<DuetDevice>,
    _exit_log: ExitLog,
}

/// Logs that `/dev/duet-rust` is gone: the last field of [`DuetModule`] to
/// drop, and the last to be made (so a failed init never logs it).
struct ExitLog;

impl Drop for ExitLog {
    fn drop(&mut self) {
        pr_info!("unregistered /dev/duet-rust\n");
    }
}

impl kernel::InPlaceModule for DuetModule {
    fn init(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            device: DuetDevice::new(module)?,
            miscdev <- MiscDeviceRegistration::register(MiscDeviceOptions { name: DUET_NAME }),
            _exit_log: ExitLog,
        })
        .pin_chain(|this| {
            pr_info!(
                "registered /dev/duet-rust (capacity {}, digest of \"duet\" {:08x})\n",
                this.device.inner.lock().fifo.capacity(),
                glue::digest(0, b"duet")
            );
            Ok(())
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
