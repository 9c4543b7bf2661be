// SPDX-License-Identifier: GPL-2.0

//! learn_export_rust - step 4 of the hands-on lab: a Rust module that calls
//! `learn_export_twice()`, exported by the C module learn_export_c. Out of
//! the kernel's own tree there are no bindings for a new C header, so the
//! prototype is written by hand, in an `extern "C"` block.

use kernel::{ffi::c_int, prelude::*};

// LEARNER: declare `fn learn_export_twice(x: c_int) -> c_int;` in an
// `extern "C"` block.

module! {
    type: LearnExport,
    name: "learn_export_rust",
    description: "duet lab, step 4: calling a C export",
    license: "GPL",
}

struct LearnExport;

impl kernel::Module for LearnExport {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // LEARNER: call learn_export_twice(21) (an `unsafe` call: say
        // why it is sound in a `// SAFETY:` comment) and log
        // "twice(21) = N".
        let n: c_int = 0;
        pr_info!("twice(21) = {}\n", n);
        Ok(LearnExport)
    }
}
