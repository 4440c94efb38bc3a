//! Links: how bytes travel between the host and a device — a serial port, a
//! pseudo-terminal, the in-process model of the device, the RTL simulated by Verilator
//! (in a build with the cargo feature `cosim`, [`crate::cosim`]), or any of these through
//! a fault injector. The driver (docs/protocol.md §11) sees only the [`Link`] trait, so
//! every target speaks exactly the same bytes.

use std::time::Duration;

pub mod faulty;
pub mod model;
pub mod pty;
pub mod pty_model;
pub mod record;
pub mod serial;
pub mod target;
#[cfg(feature = "cosim")]
pub mod verilator;

pub use faulty::{FaultCounts, FaultSpec, FaultSpecError, FaultStats, FaultyLink};
pub use model::ModelLink;
pub use pty::{PtyLink, PtyPair};
pub use pty_model::PtyModelLink;
pub use record::{Recorder, RecordingLink};
pub use serial::{PortInfo, PortKind, SerialLink, available_ports};
pub use target::{LinkTarget, TargetError};
#[cfg(feature = "cosim")]
pub use verilator::VerilatorLink;

/// A byte pipe to a device.
pub trait Link {
    /// What the link is, for messages: `model`, `serial:/dev/ttyUSB1`, …
    fn name(&self) -> String;

    /// Send all of `bytes` (in one or more writes; never byte by byte with sleeps).
    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError>;

    /// Receive whatever bytes are available into `buf`, waiting up to `timeout` for the
    /// first one. Returns the number of bytes read; `Ok(0)` means the timeout passed
    /// with nothing to read.
    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError>;
}

/// Why a link failed (a timeout is not an error of the link: `receive` returns 0).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// The port or device could not be opened.
    #[error("cannot open {link}: {reason}")]
    Open {
        /// The link's name.
        link: String,
        /// What the operating system said, and what to do (its `help:` line).
        reason: String,
    },
    /// Reading or writing failed.
    #[error("{link}: {source}")]
    Io {
        /// The link's name.
        link: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The far end went away.
    #[error("{link}: the other end closed the link")]
    Closed {
        /// The link's name.
        link: String,
    },
}

/// An open error's advice is part of its `reason`, where the opener put it.
impl crate::error::Help for LinkError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
}

/// A boxed link is a link, so targets chosen at run time can be wrapped (e.g. in a
/// [`FaultyLink`]).
impl<L: Link + ?Sized> Link for Box<L> {
    fn name(&self) -> String {
        (**self).name()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        (**self).send(bytes)
    }

    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        (**self).receive(buf, timeout)
    }
}
