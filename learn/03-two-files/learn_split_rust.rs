// SPDX-License-Identifier: GPL-2.0

//! learn_split_rust - step 3 of the hands-on lab: the crate root; the other
//! half of the module is util.rs. Only this file is named in Kbuild: rustc
//! finds util.rs because this file declares the module `util`.

use kernel::prelude::*;

// LEARNER: declare the module `util` (its code is in util.rs).

module! {
    type: LearnSplit,
    name: "learn_split_rust",
    description: "duet lab, step 3: two source files",
    license: "GPL",
}

struct LearnSplit;

impl kernel::Module for LearnSplit {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("learn_split_rust.rs says hello\n");
        util::hello();
        Ok(LearnSplit)
    }
}
