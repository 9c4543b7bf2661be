// SPDX-License-Identifier: GPL-2.0

//! learn_param_rust - step 2 of the hands-on lab: a module parameter.
//! Loaded with times=N, it logs "Hello, world (i of N)" N times.

use kernel::prelude::*;

module! {
    type: LearnParam,
    name: "learn_param_rust",
    description: "duet lab, step 2: a parameter",
    license: "GPL",
    // LEARNER: declare the parameter `times`: a u32, default 1,
    // described as "How many times to say hello, 1..10 (default 1)".
}

struct LearnParam;

impl kernel::Module for LearnParam {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // LEARNER: read `module_parameters::times.value()` instead, and
        // refuse values outside 1..10 with EINVAL, saying why.
        let times: u32 = 1;
        for i in 1..=times {
            pr_info!("Hello, world ({} of {})\n", i, times);
        }
        Ok(LearnParam)
    }
}
