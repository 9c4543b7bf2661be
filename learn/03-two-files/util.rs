// SPDX-License-Identifier: GPL-2.0

//! The half of learn_split_rust that the crate root calls. It is private to
//! the crate: `pub(crate)` lets the root see `hello`, and no other module.

use kernel::prelude::*;

/// Logs one line from this file.
pub(crate) fn hello() {
    pr_info!("util.rs says hello\n");
}
