//! The device model in-process: [`ModelLink`] hands what is sent to an
//! [`ncx_model::device::Device`] and returns what it answers — the same bytes a board
//! would send, with no port, no thread and no waiting. The device model is untimed: it
//! executes each command, and runs the timesteps its inputs allow, inside `send`, so
//! whatever it will ever say is there when `receive` is called, and a `receive` with
//! nothing to read returns at once, whatever its timeout — the machine's speed cannot
//! make it time out (docs/reliability.md §8). [`serve`] is the other way round:
//! it puts a device model on the device end of any link (a pseudo-terminal for
//! `ncx emulate --pty` and the `pty` target).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ncx_model::device::Device;

use super::{Link, LinkError};

/// The device model behind the [`Link`] trait.
#[derive(Debug)]
pub struct ModelLink {
    device: Device,
    /// The device's output not yet received, from `read`.
    tx: Vec<u8>,
    read: usize,
}

impl ModelLink {
    /// A link to `device`.
    pub fn new(device: Device) -> ModelLink {
        ModelLink { device, tx: Vec::new(), read: 0 }
    }

    /// The device model.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The device model, mutably.
    pub fn device_mut(&mut self) -> &mut Device {
        &mut self.device
    }

    /// The device model, unwrapped.
    pub fn into_device(self) -> Device {
        self.device
    }
}

impl Link for ModelLink {
    /// `model`.
    fn name(&self) -> String {
        "model".to_owned()
    }

    /// The device executes every command completed by `bytes` (and runs the timesteps it
    /// can) before this returns.
    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        self.device.receive(bytes);
        Ok(())
    }

    /// Everything the device has sent is available at once; with nothing pending this
    /// returns `Ok(0)` immediately, without waiting for `timeout` (nothing could arrive).
    fn receive(&mut self, buf: &mut [u8], _timeout: Duration) -> Result<usize, LinkError> {
        if self.read == self.tx.len() {
            self.tx.clear();
            self.read = 0;
            self.device.drain_tx(&mut self.tx);
        }
        let n = buf.len().min(self.tx.len() - self.read);
        buf[..n].copy_from_slice(&self.tx[self.read..self.read + n]);
        self.read += n;
        Ok(n)
    }
}

/// How long [`serve`] waits for bytes before it checks whether to stop.
pub const SERVE_POLL: Duration = Duration::from_millis(50);

/// What [`serve`] moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServeStats {
    /// Bytes received from the host.
    pub received: u64,
    /// Bytes sent to the host.
    pub sent: u64,
    /// Bytes of output thrown away because the host did not read them (a write timed out).
    pub discarded: u64,
}

/// Be the device on `link`: feed what arrives to `device` and send back what it answers,
/// until `stop` is set (checked every [`SERVE_POLL`]) or the link fails or closes.
/// Output that cannot be written (nobody reads the far end) is discarded, as a UART
/// would: a write that times out is counted in [`ServeStats::discarded`] and serving goes
/// on.
pub fn serve(link: &mut impl Link, device: &mut Device, stop: &AtomicBool) -> Result<ServeStats, LinkError> {
    let mut stats = ServeStats::default();
    let mut buf = vec![0u8; 4096];
    let mut out = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let n = link.receive(&mut buf, SERVE_POLL)?;
        if n == 0 {
            continue;
        }
        stats.received += n as u64;
        device.receive(&buf[..n]);
        out.clear();
        device.drain_tx(&mut out);
        if out.is_empty() {
            continue;
        }
        match link.send(&out) {
            Ok(()) => stats.sent += out.len() as u64,
            Err(LinkError::Io { source, .. }) if source.kind() == std::io::ErrorKind::TimedOut => {
                stats.discarded += out.len() as u64;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(stats)
}
