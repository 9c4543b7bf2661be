// SPDX-License-Identifier: GPL-2.0

//! Module params parsed by the kernel's own C param ops, as C's
//! `module_param()` makes them.
//!
//! 7.3's `module!` params have param ops of their own: without
//! `KERNEL_PARAM_OPS_FL_NOARG` (so `modprobe mod flag` fails), with Rust's
//! number parser instead of `kstrtouint()`, failing a repeated param with
//! `EEXIST`, and with `perm: 0` (not in sysfs) (rust/kernel/module_param.rs,
//! rust/macros/module.rs). Here a module lists its params in
//! [`ModuleParams::PARAMS`], and this module emits what C's
//! `module_param(name, type, perm)` and `MODULE_PARM_DESC()` emit: one
//! `struct kernel_param` per param in the `__param` section, pointing to the
//! kernel's `param_ops_uint` or `param_ops_bool`, and the `parmtype=` and
//! `parm=` strings in `.modinfo`. The kernel parses them as it parses C's:
//! same syntax, same errors, bare bools, the last of repeated params wins,
//! and they show in `/sys/module/<module>/parameters/`.
//!
//! Only read-only params are supported: perms without write bits (a sysfs
//! write would race with the driver's reads, which do not take the
//! module's param lock).

use core::cell::UnsafeCell;
use kernel::{
    bindings,
    module::this_module,
    prelude::*,
    sync::atomic::{
        Atomic,
        AtomicType,
        Relaxed, //
    },
    ModuleMetadata, //
};

mod private {
    /// Seals [`super::ParamType`].
    pub(crate) trait Sealed {}
    impl Sealed for u32 {}
    impl Sealed for bool {}
}

/// A type a param may have, with the kernel's C param ops for it.
///
/// # Safety
///
/// [`Self::OPS`] read and write, at a param's `arg`, a C value of `Self`'s
/// size and alignment, and store only valid values of `Self` there.
pub(crate) unsafe trait ParamType: AtomicType + private::Sealed {
    /// The type's name for `modinfo` (`parmtype=`), as C's `module_param()`
    /// gives it.
    const NAME: &'static str;
    /// The kernel's param ops for the type.
    const OPS: *const bindings::kernel_param_ops;

    /// Loads `atomic` (relaxed): what [`AtomicParam::get`] does, for a type
    /// that 7.3's `Atomic` loads (its bound on that is private).
    fn load(atomic: &Atomic<Self>) -> Self;

    /// Stores `value` in `atomic` (relaxed): what [`AtomicParam::set`] does.
    fn store(atomic: &Atomic<Self>, value: Self);
}

// SAFETY: `param_ops_uint` reads and writes an `unsigned int`
// (`param_get_uint()`, `param_set_uint()`: `kstrtouint()`), which is `u32`.
unsafe impl ParamType for u32 {
    const NAME: &'static str = "uint";
    const OPS: *const bindings::kernel_param_ops = &raw const bindings::param_ops_uint;

    #[inline(always)]
    fn load(atomic: &Atomic<Self>) -> Self {
        atomic.load(Relaxed)
    }

    #[inline(always)]
    fn store(atomic: &Atomic<Self>, value: Self) {
        atomic.store(value, Relaxed)
    }
}

// SAFETY: `param_ops_bool` reads and writes a C `bool`, which is Rust's
// `bool`, and stores only `true` or `false` (`param_set_bool()`:
// `kstrtobool()`; a bare name is "1").
unsafe impl ParamType for bool {
    const NAME: &'static str = "bool";
    const OPS: *const bindings::kernel_param_ops = &raw const bindings::param_ops_bool;

    #[inline(always)]
    fn load(atomic: &Atomic<Self>) -> Self {
        atomic.load(Relaxed)
    }

    #[inline(always)]
    fn store(atomic: &Atomic<Self>, value: Self) {
        atomic.store(value, Relaxed)
    }
}

/// A read-only module param: a value of `T` that the kernel's param ops set
/// when the module is loaded, before its code runs, and never again.
///
/// # Invariants
///
/// The value is written only by the kernel's param ops of `T`, while the
/// module is being loaded (parsing its arguments, or the kernel's command
/// line for a built-in one), before any of its code runs; [`ModuleParam`]
/// allows no write bits in its perms, so sysfs never writes it.
#[repr(transparent)]
pub(crate) struct Param<T: ParamType>(UnsafeCell<T>);

// SAFETY: After loading, the value is only read (type invariant).
unsafe impl<T: ParamType> Sync for Param<T> {}

impl<T: ParamType> Param<T> {
    /// A param of value `default` unless the module is loaded with it.
    pub(crate) const fn new(default: T) -> Self {
        Self(UnsafeCell::new(default))
    }

    /// Returns the value: a plain read, as C reads its param.
    #[inline(always)]
    pub(crate) fn get(&self) -> T {
        // SAFETY: Nothing writes the value any more (type invariant), and
        // it is a valid `T` (`ParamType` safety requirement).
        unsafe { *self.0.get() }
    }
}

/// A module param that the module may change, so that sysfs shows what it
/// uses now (C's `WRITE_ONCE(param, value)`): read and written with single
/// relaxed atomic accesses.
#[repr(transparent)]
pub(crate) struct AtomicParam<T: ParamType>(Atomic<T>);

impl<T: ParamType> AtomicParam<T> {
    /// A param of value `default` unless the module is loaded with it.
    pub(crate) const fn new(default: T) -> Self {
        Self(Atomic::new(default))
    }

    /// Returns the value (C's `READ_ONCE(param)`).
    #[inline(always)]
    pub(crate) fn get(&self) -> T {
        T::load(&self.0)
    }

    /// Sets the value (C's `WRITE_ONCE(param, value)`).
    #[inline(always)]
    pub(crate) fn set(&self, value: T) {
        T::store(&self.0, value)
    }
}

/// Storage of a module param: [`Param`] or [`AtomicParam`].
///
/// # Safety
///
/// `Self` is a `T` in memory (size, alignment, bit validity), and every
/// access `Self` allows to it tolerates the kernel's param ops accessing it
/// as described in [`Param`]'s invariants.
pub(crate) unsafe trait ParamStorage {
    /// The type of the value.
    type Type: ParamType;
}

// SAFETY: `Param<T>` is `repr(transparent)` over `UnsafeCell<T>`; it is only
// read once the module's code runs.
unsafe impl<T: ParamType> ParamStorage for Param<T> {
    type Type = T;
}

// SAFETY: `AtomicParam<T>` is `repr(transparent)` over `Atomic<T>`, which has
// `T`'s size, alignment and bit validity; the kernel's accesses are done
// before the module's code runs, but for sysfs reads, which race with its
// atomic stores as they do with C's `WRITE_ONCE()`.
unsafe impl<T: ParamType> ParamStorage for AtomicParam<T> {
    type Type = T;
}

/// One param of a module, as C's `module_param()` and `MODULE_PARM_DESC()`
/// declare it.
///
/// # Invariants
///
/// `arg` points to a `static` [`ParamStorage`] of a `Type` whose ops are
/// `ops` (and whose name is `type_name`); `perm` has no write bits.
pub(crate) struct ModuleParam {
    name: &'static CStr,
    type_name: &'static str,
    ops: *const bindings::kernel_param_ops,
    arg: *mut c_void,
    perm: u16,
    description: &'static str,
}

impl ModuleParam {
    /// Declares the param `name` of the module, stored in `param`, shown in
    /// sysfs with `perm` (octal, as C's; 0 hides it), described by
    /// `description` (for `modinfo`).
    ///
    /// `perm` must pass C's `VERIFY_OCTAL_PERMISSIONS()` and have no write
    /// bits: otherwise the build fails.
    pub(crate) const fn new<S: ParamStorage>(
        name: &'static CStr,
        param: &'static S,
        perm: u16,
        description: &'static str,
    ) -> Self {
        // C's `VERIFY_OCTAL_PERMISSIONS()` (include/linux/moduleparam.h).
        assert!(perm <= 0o777, "param perm is not octal");
        assert!(
            (perm >> 6) & 4 >= (perm >> 3) & 4,
            "group can read what user cannot"
        );
        assert!(
            (perm >> 3) & 4 >= perm & 4,
            "others can read what group cannot"
        );
        assert!(
            (perm >> 6) & 2 >= (perm >> 3) & 2,
            "group can write what user cannot"
        );
        assert!(perm & 2 == 0, "param writable by others");
        assert!(perm & 0o222 == 0, "writable params are not supported");
        // INVARIANT: `param` is a `static` (`'static`) of type `S`, whose
        // `Type`'s ops and name these are; `perm` has no write bits.
        Self {
            name,
            type_name: <S::Type as ParamType>::NAME,
            ops: <S::Type as ParamType>::OPS,
            arg: core::ptr::from_ref(param).cast_mut().cast(),
            perm,
            description,
        }
    }
}

/// A module's params, which this module declares to the kernel.
pub(crate) trait ModuleParams {
    /// The params, in the order C would declare them.
    const PARAMS: &'static [ModuleParam];
}

// --- what `module_param()` and `MODULE_PARM_DESC()` emit ---

/// The params of this crate's module (`module!`'s `LocalModule`).
const PARAMS: &[ModuleParam] = <crate::LocalModule as ModuleParams>::PARAMS;

/// The module's name, for the prefix of a built-in module's params.
const MODULE_NAME: &[u8] = <crate::LocalModule as ModuleMetadata>::NAME.to_bytes();

/// The length of the prefix of a param name and of a `.modinfo` string:
/// C's `MODULE_PARAM_PREFIX` and `__MODULE_INFO_PREFIX`, empty for a
/// loadable module, `KBUILD_MODNAME "."` for a built-in one.
const PREFIX_LEN: usize = if cfg!(MODULE) {
    0
} else {
    MODULE_NAME.len() + 1
};

/// Copies `src` into `out` at `at`; returns where it ends.
const fn put(out: &mut [u8], at: usize, src: &[u8]) -> usize {
    let mut i = 0;
    while i < src.len() {
        out[at + i] = src[i];
        i += 1;
    }
    at + src.len()
}

/// Copies the prefix (see [`PREFIX_LEN`]) into `out` at `at`; returns where
/// it ends.
const fn put_prefix(out: &mut [u8], at: usize) -> usize {
    if PREFIX_LEN == 0 {
        return at;
    }
    let at = put(out, at, MODULE_NAME);
    put(out, at, b".")
}

/// The length of every param name, with its prefix and NUL.
const NAMES_LEN: usize = {
    let mut len = 0;
    let mut i = 0;
    while i < PARAMS.len() {
        len += PREFIX_LEN + PARAMS[i].name.to_bytes().len() + 1;
        i += 1;
    }
    len
};

/// The param names, as C's `__param_str_<name>` strings: each prefixed (see
/// [`PREFIX_LEN`]) and NUL-terminated, one after the other.
static NAMES: [u8; NAMES_LEN] = {
    let mut out = [0; NAMES_LEN];
    let mut at = 0;
    let mut i = 0;
    while i < PARAMS.len() {
        at = put_prefix(&mut out, at);
        at = put(&mut out, at, PARAMS[i].name.to_bytes());
        at += 1;
        i += 1;
    }
    out
};

/// A `struct kernel_param` in the `__param` section.
#[repr(transparent)]
struct KernelParam(bindings::kernel_param);

// SAFETY: The kernel reads it (and the module never touches it); what it
// points to is static: its name, the module, the ops and the param, whose
// storage allows the kernel's accesses (`ParamStorage`).
unsafe impl Sync for KernelParam {}

/// Makes the `struct kernel_param` of each param, as C's
/// `__module_param_call()`: name, module, ops, perm, level -1, no flags,
/// and the param's address as `arg`.
const fn kernel_params(names: *const u8) -> [KernelParam; PARAMS.len()] {
    let mut out = [const { KernelParam(pin_init::zeroed()) }; PARAMS.len()];
    let mut at = 0;
    let mut i = 0;
    while i < PARAMS.len() {
        let param = &PARAMS[i];
        out[i] = KernelParam(bindings::kernel_param {
            name: names.wrapping_add(at).cast(),
            mod_: this_module::<crate::LocalModule>().as_ptr(),
            ops: param.ops,
            perm: param.perm,
            level: -1,
            flags: 0,
            __bindgen_anon_1: bindings::kernel_param__bindgen_ty_1 { arg: param.arg },
        });
        at += PREFIX_LEN + param.name.to_bytes().len() + 1;
        i += 1;
    }
    out
}

/// The params, in the `__param` section of the module, where the kernel
/// finds them when it loads it (`mod->kp`), or of the kernel for a built-in
/// one. `__param` holds an array of `struct kernel_param`: this array is
/// aligned as one, as C's `__aligned(__alignof__(struct kernel_param))`
/// entries are.
#[link_section = "__param"]
#[used(compiler)]
static KERNEL_PARAMS: [KernelParam; PARAMS.len()] = kernel_params(NAMES.as_ptr());

/// The length of the `.modinfo` strings of every param.
const MODINFO_LEN: usize = {
    let mut len = 0;
    let mut i = 0;
    while i < PARAMS.len() {
        let name = PARAMS[i].name.to_bytes().len();
        len += PREFIX_LEN + b"parmtype=".len() + name + 1 + PARAMS[i].type_name.len() + 1;
        len += PREFIX_LEN + b"parm=".len() + name + 1 + PARAMS[i].description.len() + 1;
        i += 1;
    }
    len
};

/// The `.modinfo` strings of the params, as C's `__MODULE_PARM_TYPE()` and
/// `MODULE_PARM_DESC()` make them: `parmtype=<name>:<type>` and
/// `parm=<name>:<description>`, each prefixed (see [`PREFIX_LEN`]) and
/// NUL-terminated, which `modinfo` shows.
#[link_section = ".modinfo"]
#[used(compiler)]
static MODINFO: [u8; MODINFO_LEN] = {
    let mut out = [0; MODINFO_LEN];
    let mut at = 0;
    let mut i = 0;
    while i < PARAMS.len() {
        let param = &PARAMS[i];
        at = put_prefix(&mut out, at);
        at = put(&mut out, at, b"parmtype=");
        at = put(&mut out, at, param.name.to_bytes());
        at = put(&mut out, at, b":");
        at = put(&mut out, at, param.type_name.as_bytes());
        at += 1;
        at = put_prefix(&mut out, at);
        at = put(&mut out, at, b"parm=");
        at = put(&mut out, at, param.name.to_bytes());
        at = put(&mut out, at, b":");
        at = put(&mut out, at, param.description.as_bytes());
        at += 1;
        i += 1;
    }
    out
};
