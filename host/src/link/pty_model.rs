//! The `pty` target: a device model served by a background thread on the master end of
//! a pseudo-terminal, and the host on the slave end — the serial code path (a real tty,
//! real `read`/`write` calls, their timeouts) with no hardware.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use ncx_model::device::Device;

use super::model::{ServeStats, serve};
use super::pty::{PtyLink, PtyPair};
use super::{Link, LinkError};

/// The host end of a pseudo-terminal whose other end a thread serves with a device model.
/// Dropping it stops and joins the thread.
#[derive(Debug)]
pub struct PtyModelLink {
    slave: PtyLink,
    path: String,
    stop: Arc<AtomicBool>,
    server: Option<JoinHandle<Result<ServeStats, LinkError>>>,
}

impl PtyModelLink {
    /// Create a pseudo-terminal and serve `device` on its master end.
    pub fn spawn(mut device: Device) -> Result<PtyModelLink, LinkError> {
        let PtyPair { mut master, slave, path } = PtyPair::open()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let server = thread::Builder::new()
            .name("ncx-pty-model".to_owned())
            .spawn(move || serve(&mut master, &mut device, &flag))
            .map_err(|e| LinkError::Open { link: "pty".to_owned(), reason: format!("cannot start its thread: {e}") })?;
        Ok(PtyModelLink { slave, path, stop, server: Some(server) })
    }

    /// The path of the pseudo-terminal (`/dev/pts/N`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Stop the device's thread; what it moved, or why it had failed.
    pub fn shutdown(mut self) -> Result<ServeStats, LinkError> {
        self.stop_server().unwrap_or(Ok(ServeStats::default()))
    }

    fn stop_server(&mut self) -> Option<Result<ServeStats, LinkError>> {
        self.stop.store(true, Ordering::Relaxed);
        let server = self.server.take()?;
        Some(server.join().unwrap_or_else(|_| Err(LinkError::Closed { link: self.name() })))
    }
}

impl Drop for PtyModelLink {
    fn drop(&mut self) {
        // Errors of the device's thread have nobody to go to once the link is dropped.
        let _ = self.stop_server();
    }
}

impl Link for PtyModelLink {
    /// `pty:<path>`.
    fn name(&self) -> String {
        self.slave.name()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        self.slave.send(bytes)
    }

    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        self.slave.receive(buf, timeout)
    }
}
