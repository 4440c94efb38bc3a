//! How a run reaches the device of a [`Target::Device`](super::Target::Device): a
//! [`Connect`] opens the link and connects the driver — by default ([`DriverOptions`])
//! the link target opened with a fresh simulated device of the image's geometry; the run
//! then goes through the driver ([`crate::driver::stream::run_on_device_into`]).

use ncx_model::Geometry;

use crate::driver::{Driver, DriverOptions};
use crate::link::{Link, LinkTarget};

/// A connected device: the driver over a boxed link.
pub type Session = Driver<Box<dyn Link + Send>>;

/// Why a [`Connect`] could not reach a device: its own error, with its causes.
pub type ConnectError = Box<dyn std::error::Error + Send + Sync>;

/// How a run reaches the device of a device target: open the link and connect the
/// driver. The command line's adds `--retries` and the recording of `--record`.
pub trait Connect {
    /// Connect to the device behind `link`, written `name` (`model` for the run target
    /// `model-device`); a simulated one gets a fresh device of `geometry`.
    fn connect(&mut self, link: &LinkTarget, name: &str, geometry: Geometry) -> Result<Session, ConnectError>;
}

/// Open the link and connect with these options, nothing more.
impl Connect for DriverOptions {
    fn connect(&mut self, link: &LinkTarget, _name: &str, geometry: Geometry) -> Result<Session, ConnectError> {
        Ok(Driver::connect_with(link.open(geometry)?, *self)?)
    }
}
