//! Pseudo-terminals: a [`PtyPair`] is two connected ends, each a [`Link`] — what one
//! end sends the other receives, every byte value unchanged (both ends are raw). The
//! far end has a path (`/dev/pts/N`) that any serial client can open, so `ncx emulate
//! --pty` serves a virtual board on the master end, and tests run the serial code
//! without hardware. A pty does not throttle to a baud rate: bytes move as fast as the
//! two processes read and write them.
//!
//! Pseudo-terminals are a Unix facility: elsewhere [`PtyPair::open`] fails with "pty
//! emulation needs a Unix system", and the rest of the crate (serial ports included)
//! builds and works as on Unix.

use std::fmt;
use std::io::{self, Write};
use std::time::Duration;

use serialport::SerialPort;

use super::serial::receive_from;
use super::{Link, LinkError};

/// The timeout of writes to a pty end: a write that cannot go on for this long fails.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// One end of a pseudo-terminal.
pub struct PtyLink {
    /// A `TTYPort`, the one Unix-only type, seen through the portable trait.
    port: Box<dyn SerialPort>,
    name: String,
}

impl fmt::Debug for PtyLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PtyLink").field("name", &self.name).finish_non_exhaustive()
    }
}

/// A pseudo-terminal: the master end, the slave end and the slave's path.
#[derive(Debug)]
pub struct PtyPair {
    /// The master end (the device side of `ncx emulate`).
    pub master: PtyLink,
    /// The slave end, already open; keep it open while others use [`PtyPair::path`],
    /// or the master sees the link as closed between their sessions.
    pub slave: PtyLink,
    /// The path of the slave end, e.g. `/dev/pts/5`.
    pub path: String,
}

impl PtyPair {
    /// Create a pseudo-terminal pair (both ends raw: no echo, no line editing, no
    /// character translation).
    #[cfg(unix)]
    pub fn open() -> Result<PtyPair, LinkError> {
        let (master, slave) = serialport::TTYPort::pair().map_err(|e| LinkError::Open {
            link: "pty".to_owned(),
            reason: format!(
                "cannot create a pseudo-terminal: {}\nhelp: check that /dev/ptmx and /dev/pts are available",
                e.description
            ),
        })?;
        let path = slave.name().unwrap_or_default();
        Ok(PtyPair {
            master: PtyLink { port: Box::new(master), name: format!("pty-master:{path}") },
            slave: PtyLink { port: Box::new(slave), name: format!("pty:{path}") },
            path,
        })
    }

    /// Pseudo-terminals exist only on Unix systems: always an error here.
    #[cfg(not(unix))]
    pub fn open() -> Result<PtyPair, LinkError> {
        Err(LinkError::Open {
            link: "pty".to_owned(),
            reason: "pty emulation needs a Unix system\nhelp: use a serial port (`--target serial:<port>`, \
                     `ncx ports` lists them) or an in-process target (`--target model` or `verilator`)"
                .to_owned(),
        })
    }
}

impl PtyLink {
    fn io_error(&self, source: io::Error) -> LinkError {
        match source.kind() {
            io::ErrorKind::BrokenPipe | io::ErrorKind::UnexpectedEof => LinkError::Closed { link: self.name.clone() },
            // Linux reports EIO on a master whose slave has no opener left.
            _ if source.raw_os_error() == Some(5) => LinkError::Closed { link: self.name.clone() },
            _ => LinkError::Io { link: self.name.clone(), source },
        }
    }
}

impl Link for PtyLink {
    /// `pty:<slave path>` for the slave end, `pty-master:<slave path>` for the master.
    fn name(&self) -> String {
        self.name.clone()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        if let Err(e) = self.port.set_timeout(WRITE_TIMEOUT) {
            return Err(self.io_error(e.into()));
        }
        self.port.write_all(bytes).map_err(|e| self.io_error(e))
    }

    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        receive_from(self.port.as_mut(), buf, timeout).map_err(|e| self.io_error(e))
    }
}
