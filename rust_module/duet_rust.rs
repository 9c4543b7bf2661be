// SPDX-License-Identifier: GPL-2.0

//! duet_rust - the duet misc device, written in Rust.
//!
//! Usage:
//!
//! ```sh
//! modprobe duet_rust capacity=8192
//! echo hello > /dev/duet-rust
//! cat /dev/duet-rust
//! ```
//!
//! Its twin, `c_module/device.c`, has the same sections in the same order
//! under the same headings: read the two side by side.

// --- imports ---

use kernel::{
    bindings,
    fs::File,
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    prelude::*,
};

mod export;

// --- constants ---

/// The name of the device node, `/dev/duet-rust`.
const DUET_NAME: &CStr = c"duet-rust";

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
    },
}

// --- per-open state ---

/// The state of one open file of `/dev/duet-rust`.
struct DuetFile;

// --- file operations ---

#[vtable]
impl MiscDevice for DuetFile {
    type Ptr = KBox<Self>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
        Err(ENODEV)
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

/// The loaded module: owns the device registration.
#[pin_data(PinnedDrop)]
struct DuetModule {
    capacity: u32,
    #[pin]
    miscdev: MiscDeviceRegistration<DuetFile>,
}

impl kernel::InPlaceModule for DuetModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            capacity: param_in_range(
                "capacity",
                module_parameters::capacity.value(),
                bindings::DUET_CAPACITY_MIN,
                bindings::DUET_CAPACITY_MAX,
            )?,
            miscdev <- MiscDeviceRegistration::register(MiscDeviceOptions { name: DUET_NAME }),
        })
        .pin_chain(|module| {
            pr_info!(
                "registered /dev/duet-rust (capacity {}, digest of \"duet\" {:08x})\n",
                module.capacity,
                export::digest(0, b"duet")
            );
            Ok(())
        })
    }
}

#[pinned_drop]
impl PinnedDrop for DuetModule {
    fn drop(self: Pin<&mut Self>) {
        pr_info!("unregistered /dev/duet-rust\n");
    }
}
