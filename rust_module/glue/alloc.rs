// SPDX-License-Identifier: GPL-2.0

//! Boxes allocated and freed as C allocates and frees a small object:
//! `kmalloc()` and `kfree()`.
//!
//! 7.3's [`Kmalloc`] (the allocator of [`KBox`](kernel::alloc::KBox))
//! allocates and frees through `krealloc_node_align()`
//! (rust/kernel/alloc/allocator.rs), which checks for an old object to
//! resize and goes through `__kmalloc_node_track_caller()`; C's `kzalloc()`
//! and `kfree()` do neither. For an object made and freed per `open()`,
//! that is most of Rust's extra cost of open + close (`make report`, "Where
//! the instructions go"). [`Kmem`] allocates with `__kmalloc_noprof()`, what
//! C's `kmalloc()` calls for a size it does not know at compile time, and
//! frees with `kfree()`; what it does not handle it leaves to [`Kmalloc`],
//! whose objects are `kmalloc()`'s too.

use core::{
    alloc::Layout,
    ptr::NonNull, //
};
use kernel::{
    alloc::{
        allocator::Kmalloc,
        AllocError,
        Allocator,
        Box,
        Flags,
        NumaNode, //
    },
    bindings,
    prelude::*, //
};

/// A [`Box`] allocated with `kmalloc()` and freed with `kfree()`.
pub(crate) type KmemBox<T> = Box<T, Kmem>;

/// The allocator of [`KmemBox`]: `kmalloc()` and `kfree()`.
pub(crate) struct Kmem;

/// The `gfp_t` of `flags`, if it is one that [`Kmem::alloc`] passes on
/// itself (7.3's `Flags::as_raw()` is private to the `kernel` crate).
#[inline(always)]
fn gfp(flags: Flags) -> Option<bindings::gfp_t> {
    if flags == GFP_KERNEL {
        Some(bindings::GFP_KERNEL)
    } else if flags == GFP_KERNEL_ACCOUNT {
        Some(bindings::GFP_KERNEL_ACCOUNT)
    } else {
        None
    }
}

// SAFETY: `alloc` returns either `Kmalloc::alloc()`'s result or memory from
// `__kmalloc_noprof()` of at least `layout.size()` bytes, aligned to
// `ARCH_KMALLOC_MINALIGN`, hence to `layout.align()` (checked), which stays
// valid until `kfree()`. `realloc` is `Kmalloc`'s: `krealloc_node_align()`
// resizes or frees any object that `kmalloc()` returned. `free` calls
// `kfree()`, which frees those and `Kmalloc`'s alike.
unsafe impl Allocator for Kmem {
    const MIN_ALIGN: usize = <Kmalloc as Allocator>::MIN_ALIGN;

    #[inline(always)]
    fn alloc(layout: Layout, flags: Flags, nid: NumaNode) -> Result<NonNull<[u8]>, AllocError> {
        match gfp(flags) {
            Some(gfp)
                if layout.size() != 0
                    && layout.align() <= Self::MIN_ALIGN
                    && nid == NumaNode::NO_NODE =>
            {
                // SAFETY: `__kmalloc_noprof()` may be called with any size,
                // and with these flags from any context that may sleep, as
                // the caller of an allocation with them must be.
                let ptr = unsafe { bindings::__kmalloc_noprof(layout.size(), gfp) };
                let ptr = NonNull::new(ptr.cast::<u8>()).ok_or(AllocError)?;
                Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
            }
            _ => Kmalloc::alloc(layout, flags, nid),
        }
    }

    #[inline]
    unsafe fn realloc(
        ptr: Option<NonNull<u8>>,
        layout: Layout,
        old_layout: Layout,
        flags: Flags,
        nid: NumaNode,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: The caller's guarantees for `ptr`, made by this allocator,
        // hold for `Kmalloc`: both allocate with `kmalloc()`.
        unsafe { Kmalloc::realloc(ptr, layout, old_layout, flags, nid) }
    }

    #[inline(always)]
    unsafe fn free(ptr: NonNull<u8>, layout: Layout) {
        // A zero-sized "allocation" is a dangling pointer, never allocated.
        if layout.size() != 0 {
            // SAFETY: By the caller, `ptr` came from this allocator with
            // this non-zero size, so from `kmalloc()` or `krealloc()`, and is
            // never used again.
            unsafe { bindings::kfree(ptr.as_ptr().cast()) };
        }
    }
}
