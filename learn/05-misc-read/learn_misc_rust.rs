// SPDX-License-Identifier: GPL-2.0

//! learn_misc_rust - step 5 of the hands-on lab: a misc device,
//! /dev/learn-rust, whose read gives "Hello from Rust\n" once, then end of
//! file.

use kernel::{
    c_str,
    fs::{File, Kiocb},
    iov::IovIterDest,
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    prelude::*,
};

const LEARN_MSG: &[u8] = b"Hello from Rust\n";

module! {
    type: LearnMisc,
    name: "learn_misc_rust",
    description: "duet lab, step 5: a misc device with read",
    license: "GPL",
}

/// One open file of /dev/learn-rust (it keeps nothing).
struct LearnFile;

#[vtable]
impl MiscDevice for LearnFile {
    type Ptr = KBox<Self>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
        Ok(KBox::new(LearnFile, GFP_KERNEL)?)
    }

    fn read_iter(_kiocb: Kiocb<'_, KBox<Self>>, _to: &mut IovIterDest<'_>) -> Result<usize> {
        // LEARNER: copy LEARN_MSG to `to` from the file position on, and
        // advance it: `to.simple_read_from_buffer(kiocb.ki_pos_mut(), ...)`.
        Ok(0)
    }
}

/// The loaded module: it owns the registration, so dropping it removes
/// the device node.
#[pin_data]
struct LearnMisc {
    // LEARNER: a pinned `MiscDeviceRegistration<LearnFile>` field.
}

impl kernel::InPlaceModule for LearnMisc {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        // LEARNER: register the device "learn-rust" (MiscDeviceOptions)
        // in the field, with `<-` inside try_pin_init!.
        let _ = c_str!("learn-rust");
        try_pin_init!(Self {})
    }
}
