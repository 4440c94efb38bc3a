//! The RTL as a device: [`VerilatorLink`] puts the Verilated `ncx_top` (the whole device
//! of `hdl/rtl/`: UART, frame layer, command layer, core; `ncx_hdl::device::DeviceSim`)
//! behind the [`Link`] trait, so the driver talks to the hardware description with the
//! same bytes as to a board. The simulation lives in a thread of its own (a Verilated
//! model stays in the thread that made it); the link sends it requests over channels.
//!
//! Time is simulated: bytes sent start on the device's receive pin at the simulation's
//! current cycle, and `receive` runs the simulation until the device has sent something
//! or the timeout, converted to cycles at the device's clock, has passed in simulated
//! time.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use ncx_hdl::device::DeviceSim;
use ncx_model::Geometry;

use super::{Link, LinkError};

/// What the link asks of the simulation thread.
enum Request {
    /// Start sending these bytes to the device now.
    Send(Vec<u8>),
    /// Run until the device sends something, at most this long in simulated time;
    /// answer with what it sent (possibly nothing).
    Receive(Duration),
}

/// The Verilated device behind the [`Link`] trait.
#[derive(Debug)]
pub struct VerilatorLink {
    requests: Sender<Request>,
    replies: Receiver<Result<Vec<u8>, String>>,
    /// Bytes received from the simulation and not yet read.
    pending: VecDeque<u8>,
    geometry: Geometry,
}

impl VerilatorLink {
    /// Starts the simulation of a `geometry` device in a thread of its own.
    pub fn spawn(geometry: Geometry) -> Result<VerilatorLink, LinkError> {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, replies) = mpsc::channel::<Result<Vec<u8>, String>>();
        let name = name(geometry);
        thread::Builder::new()
            .name("ncx-verilator".to_owned())
            .spawn(move || simulate(geometry, &inbox, &outbox))
            .map_err(|source| LinkError::Io { link: name.clone(), source })?;
        // The thread first says whether it could make the model.
        match replies.recv() {
            Ok(Ok(_)) => Ok(VerilatorLink { requests, replies, pending: VecDeque::new(), geometry }),
            Ok(Err(reason)) => Err(LinkError::Open { link: name, reason }),
            Err(_) => Err(LinkError::Closed { link: name }),
        }
    }

    /// The simulated device's geometry.
    pub fn geometry(&self) -> Geometry {
        self.geometry
    }

    /// The geometries of the Verilated devices this build has.
    pub fn geometries() -> Vec<Geometry> {
        DeviceSim::geometries().into_iter().map(|(g, _)| g).collect()
    }
}

fn name(geometry: Geometry) -> String {
    format!("verilator ({}×{})", geometry.neurons(), geometry.inputs())
}

/// The simulation thread: make the model, then serve requests until the link is dropped.
fn simulate(geometry: Geometry, inbox: &Receiver<Request>, outbox: &Sender<Result<Vec<u8>, String>>) {
    let mut sim = match DeviceSim::new(geometry) {
        Ok(sim) => {
            let _ = outbox.send(Ok(Vec::new()));
            sim
        }
        Err(e) => {
            let built: Vec<String> =
                VerilatorLink::geometries().iter().map(|g| format!("{}×{}", g.neurons(), g.inputs())).collect();
            let _ = outbox.send(Err(format!(
                "{e}; this build has Verilated devices of {}\nhelp: use a network of one of those geometries",
                if built.is_empty() {
                    "no geometry (Verilator was not found when ncx was built)".to_owned()
                } else {
                    built.join(", ")
                }
            )));
            return;
        }
    };
    let clock_hz = u64::from(sim.config().clock_hz);
    // Run in slices of a few byte times, so that a reply is picked up soon after it starts.
    let slice = 16 * sim.byte_time();
    while let Ok(request) = inbox.recv() {
        match request {
            Request::Send(bytes) => {
                let now = sim.cycle();
                sim.send_at(now, &bytes);
            }
            Request::Receive(timeout) => {
                let budget = (timeout.as_secs_f64() * clock_hz as f64).ceil() as u64;
                let mut ran = 0;
                let reply = loop {
                    if let Err(e) = sim.run(slice) {
                        break Err(e.to_string());
                    }
                    ran += slice;
                    let bytes: Vec<u8> = sim.take().into_iter().map(|(_, b)| b).collect();
                    if !bytes.is_empty() || ran >= budget {
                        break Ok(bytes);
                    }
                };
                if outbox.send(reply).is_err() {
                    return;
                }
            }
        }
    }
}

impl Link for VerilatorLink {
    /// `verilator (N×M)`.
    fn name(&self) -> String {
        name(self.geometry)
    }

    /// The bytes start on the device's receive pin at the simulation's current cycle,
    /// back to back after any still being sent.
    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        self.requests.send(Request::Send(bytes.to_vec())).map_err(|_| LinkError::Closed { link: self.name() })
    }

    /// Runs the simulation until the device has sent something or `timeout` has passed
    /// in simulated time (at the device's clock).
    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        if self.pending.is_empty() {
            self.requests.send(Request::Receive(timeout)).map_err(|_| LinkError::Closed { link: self.name() })?;
            match self.replies.recv() {
                Ok(Ok(bytes)) => self.pending.extend(bytes),
                Ok(Err(reason)) => {
                    return Err(LinkError::Io { link: self.name(), source: std::io::Error::other(reason) });
                }
                Err(_) => return Err(LinkError::Closed { link: self.name() }),
            }
        }
        let n = buf.len().min(self.pending.len());
        for (slot, byte) in buf.iter_mut().zip(self.pending.drain(..n)) {
            *slot = byte;
        }
        Ok(n)
    }
}

/// Simulated time the device runs per poll of the host side in [`serve`].
pub const SERVE_SLICE: Duration = Duration::from_micros(200);

/// Be the RTL device on `link` (the device end of a pseudo-terminal, for
/// `ncx emulate --pty --backend verilator`): forward what arrives to the simulation, run it
/// [`SERVE_SLICE`] of simulated time per poll, and send back what it answers, until
/// `stop` is set or a link fails. A write nobody reads is discarded, as a UART would.
pub fn serve(
    link: &mut impl Link,
    device: &mut VerilatorLink,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<super::model::ServeStats, LinkError> {
    let mut stats = super::model::ServeStats::default();
    let mut buf = vec![0u8; 4096];
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let n = link.receive(&mut buf, Duration::from_millis(1))?;
        if n > 0 {
            stats.received += n as u64;
            device.send(&buf[..n])?;
        }
        let n = device.receive(&mut buf, SERVE_SLICE)?;
        if n == 0 {
            continue;
        }
        match link.send(&buf[..n]) {
            Ok(()) => stats.sent += n as u64,
            Err(LinkError::Io { source, .. }) if source.kind() == std::io::ErrorKind::TimedOut => {
                stats.discarded += n as u64;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(stats)
}
