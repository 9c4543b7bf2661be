// SPDX-License-Identifier: GPL-2.0

//! learn_hello_rust - step 1 of the hands-on lab: a module that says hello
//! when it is loaded and goodbye when it is unloaded.

use kernel::prelude::*;

module! {
    type: LearnHello,
    name: "learn_hello_rust",
    // LEARNER: name yourself as the author (`authors: ["..."],`).
    description: "duet lab, step 1: hello",
    license: "GPL",
}

struct LearnHello;

impl kernel::Module for LearnHello {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // LEARNER: log "Hello, world" at the KERN_INFO level (pr_info!).
        Ok(LearnHello)
    }
}

impl Drop for LearnHello {
    fn drop(&mut self) {
        // LEARNER: log "Goodbye, world" at the KERN_INFO level.
    }
}
