//! The RTL as a device: [`VerilatorLink`] puts the Verilated `ncx_top` (the whole device
//! of `hdl/rtl/`: UART, frame layer, command layer, core; `ncx_hdl::device::DeviceSim`)
//! behind the [`Link`] trait, so the driver talks to the hardware description with the
//! same bytes as to a board. The simulation lives in a thread of its own (a Verilated
//! model stays in the thread that made it); the link sends it requests over channels.
//!
//! **Time is simulated** (docs/reliability.md §8). Bytes sent start on the device's
//! receive pin at the simulation's current cycle, and nothing runs between calls:
//! `receive(timeout)` runs the simulation until the device sends something (then on
//! while it keeps sending, so a reply comes whole) or until `timeout`, converted to
//! cycles at the device's clock, has passed in *simulated* time. How fast the machine
//! is changes how long that takes, never what the device does or when a wait ends:
//!
//! - a receive that continues a wait — the previous one returned bytes and nothing was
//!   sent since — runs at least to the previous one's simulated deadline. A caller that
//!   counts its deadline on the wall clock, as the driver does, passes a smaller timeout
//!   each time by the wall time the simulation took, down to zero on a slow machine;
//!   the device still gets the whole wait in simulated time;
//! - the wall time the caller spent between calls (since the last `send` or `receive`
//!   returned) is added to `timeout`, for the same reason: a caller preempted between
//!   setting its deadline and calling `receive` does not shorten the device's wait.
//!
//! Both only ever lengthen a wait in simulated time, so a device that answers within a
//! timeout in simulated time is never timed out, whatever the load on the machine.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use ncx_hdl::device::{DeviceSim, SimError};
use ncx_model::Geometry;

use super::{Link, LinkError};

/// What the link asks of the simulation thread.
enum Request {
    /// Start sending these bytes to the device now.
    Send(Vec<u8>),
    /// Run until the device sends something (then on while it keeps sending), at most
    /// until this cycle, and at least one byte time; answer with what it sent (possibly
    /// nothing).
    Receive {
        /// The last cycle to run to if the device stays silent.
        until: u64,
    },
}

/// What the simulation thread answers to a receive.
#[derive(Debug, Default)]
struct Received {
    /// The bytes the device sent.
    bytes: Vec<u8>,
    /// The simulation's cycle after running.
    cycle: u64,
    /// Whether bytes from the host are still waiting to go onto the device's pin.
    rx_pending: bool,
    /// The device's clock in Hz.
    clock_hz: u64,
}

/// Bytes collected in one receive at most, while the device keeps sending (the driver
/// reads in chunks of 4 maximal frames).
const COLLECT: usize = 4 * ncx_model::wire::MAX_FRAME;

/// The Verilated device behind the [`Link`] trait.
#[derive(Debug)]
pub struct VerilatorLink {
    requests: Sender<Request>,
    replies: Receiver<Result<Received, String>>,
    /// Bytes received from the simulation and not yet read.
    pending: VecDeque<u8>,
    geometry: Geometry,
    clock_hz: u64,
    /// The simulation's cycle when it last stopped.
    cycle: u64,
    /// Whether host bytes were still waiting for the device's pin when it last stopped.
    rx_pending: bool,
    /// The simulated deadline of the last receive, while its wait goes on (it returned
    /// bytes and nothing was sent since).
    carry: Option<u64>,
    /// When the link last returned from `send` or `receive` (wall clock).
    last_call: Instant,
}

impl VerilatorLink {
    /// Starts the simulation of a `geometry` device in a thread of its own.
    pub fn spawn(geometry: Geometry) -> Result<VerilatorLink, LinkError> {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, replies) = mpsc::channel::<Result<Received, String>>();
        let name = name(geometry);
        thread::Builder::new()
            .name("ncx-verilator".to_owned())
            .spawn(move || simulate(geometry, &inbox, &outbox))
            .map_err(|source| LinkError::Io { link: name.clone(), source })?;
        // The thread first says whether it could make the model, and its clock.
        match replies.recv() {
            Ok(Ok(hello)) => Ok(VerilatorLink {
                requests,
                replies,
                pending: VecDeque::new(),
                geometry,
                clock_hz: hello.clock_hz,
                cycle: 0,
                rx_pending: false,
                carry: None,
                last_call: Instant::now(),
            }),
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

    /// The simulation's current cycle (at the device's clock).
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// The simulated time so far: [`VerilatorLink::cycle`] at the device's clock.
    pub fn simulated_time(&self) -> Duration {
        Duration::from_secs_f64(self.cycle as f64 / self.clock_hz.max(1) as f64)
    }

    /// Cycles of `time` at the device's clock, rounded up.
    fn cycles(&self, time: Duration) -> u64 {
        let cycles = u128::from(self.clock_hz) * time.as_nanos();
        u64::try_from(cycles.div_ceil(1_000_000_000)).unwrap_or(u64::MAX)
    }

    /// Runs the simulation until the device sends something or cycle `until`; the bytes
    /// go to `pending`. Returns whether any came.
    fn run_until(&mut self, until: u64) -> Result<bool, LinkError> {
        self.requests.send(Request::Receive { until }).map_err(|_| LinkError::Closed { link: self.name() })?;
        let received = match self.replies.recv() {
            Ok(Ok(received)) => received,
            Ok(Err(reason)) => {
                return Err(LinkError::Io { link: self.name(), source: std::io::Error::other(reason) });
            }
            Err(_) => return Err(LinkError::Closed { link: self.name() }),
        };
        self.cycle = received.cycle;
        self.rx_pending = received.rx_pending;
        let any = !received.bytes.is_empty();
        self.pending.extend(received.bytes);
        Ok(any)
    }

    /// Hands out up to `buf.len()` pending bytes.
    fn hand_out(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.pending.len());
        for (slot, byte) in buf.iter_mut().zip(self.pending.drain(..n)) {
            *slot = byte;
        }
        n
    }
}

fn name(geometry: Geometry) -> String {
    format!("verilator ({}×{})", geometry.neurons(), geometry.inputs())
}

/// The simulation thread: make the model, then serve requests until the link is dropped.
fn simulate(geometry: Geometry, inbox: &Receiver<Request>, outbox: &Sender<Result<Received, String>>) {
    let mut sim = match DeviceSim::new(geometry) {
        Ok(sim) => {
            let clock_hz = u64::from(sim.config().clock_hz);
            let _ = outbox.send(Ok(Received { clock_hz, ..Received::default() }));
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
    while let Ok(request) = inbox.recv() {
        match request {
            Request::Send(bytes) => {
                let now = sim.cycle();
                sim.send_at(now, &bytes);
            }
            Request::Receive { until } => {
                let reply = receive(&mut sim, until).map_err(|e| e.to_string());
                if outbox.send(reply).is_err() {
                    return;
                }
            }
        }
    }
}

/// Runs `sim` until it sends a byte, at most to cycle `until` (and at least one byte
/// time); once it sends, on while it keeps sending (a gap of two byte times ends it),
/// up to [`COLLECT`] bytes.
fn receive(sim: &mut DeviceSim, until: u64) -> Result<Received, SimError> {
    let b = sim.byte_time();
    let sent = sim.sent();
    let budget = until.saturating_sub(sim.cycle()).max(b);
    match sim.run_until_sent(sent + 1, budget) {
        Ok(()) | Err(SimError::Stuck { .. }) => {}
        Err(e) => return Err(e),
    }
    if sim.sent() > sent {
        loop {
            let before = sim.sent();
            sim.run(2 * b)?;
            if sim.sent() == before || sim.sent() - sent >= COLLECT as u64 {
                break;
            }
        }
    }
    let bytes = sim.take().into_iter().map(|(_, byte)| byte).collect();
    let clock_hz = u64::from(sim.config().clock_hz);
    Ok(Received { bytes, cycle: sim.cycle(), rx_pending: sim.rx_pending() > 0, clock_hz })
}

impl Link for VerilatorLink {
    /// `verilator (N×M)`.
    fn name(&self) -> String {
        name(self.geometry)
    }

    /// The bytes start on the device's receive pin at the simulation's current cycle,
    /// back to back after any still being sent. Ends the current wait (module docs).
    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        self.carry = None;
        let sent = self.requests.send(Request::Send(bytes.to_vec()));
        self.last_call = Instant::now();
        sent.map_err(|_| LinkError::Closed { link: self.name() })
    }

    /// Runs the simulation until the device has sent something or `timeout` has passed
    /// in simulated time (at the device's clock), lengthened as the module docs say.
    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        if self.pending.is_empty() {
            let waited = self.cycles(timeout.saturating_add(self.last_call.elapsed()));
            let until = self.cycle.saturating_add(waited).max(self.carry.unwrap_or(0));
            let any = self.run_until(until)?;
            self.carry = any.then_some(until);
        }
        let n = self.hand_out(buf);
        self.last_call = Instant::now();
        Ok(n)
    }
}

/// Simulated time the device runs per poll of the host side in [`serve`] while it has
/// nothing to send (it stops early when it sends).
pub const SERVE_SLICE: Duration = Duration::from_micros(20);

/// How long [`serve`] waits for the host's bytes between slices while the device is idle
/// (no host bytes waiting for its pin, nothing sent in the last slice); otherwise it only
/// looks.
pub const SERVE_POLL: Duration = Duration::from_millis(1);

/// Be the RTL device on `link` (the device end of a pseudo-terminal, for
/// `ncx emulate --pty --backend verilator`): forward what arrives to the simulation, run it
/// [`SERVE_SLICE`] of simulated time per poll (less when it sends), and send back what it
/// answers, until `stop` is set or a link fails. A write nobody reads is discarded, as a
/// UART would.
///
/// This board runs in real time, and the simulation is much slower than the 100 MHz the
/// device reports (docs/reliability.md §8 has the figures): a host with the timeouts of
/// docs/protocol.md §11 must be patient with it.
pub fn serve(
    link: &mut impl Link,
    device: &mut VerilatorLink,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<super::model::ServeStats, LinkError> {
    let mut stats = super::model::ServeStats::default();
    let mut buf = vec![0u8; 4096];
    let mut out = Vec::new();
    let slice = device.cycles(SERVE_SLICE);
    let mut busy = false;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let n = link.receive(&mut buf, if busy { Duration::ZERO } else { SERVE_POLL })?;
        if n > 0 {
            stats.received += n as u64;
            device.send(&buf[..n])?;
        }
        let sent = device.run_until(device.cycle.saturating_add(slice))?;
        busy = sent || device.rx_pending;
        if !sent {
            continue;
        }
        out.clear();
        out.extend(device.pending.drain(..));
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
