//! The cycle timing of a device's front end (docs/protocol.md §10.1): a [`TimedDevice`]
//! wraps a held [`Device`] and says at which cycle of the device clock each byte from the
//! host is received, each command and each timestep runs, and each byte to the host
//! starts on the line.
//!
//! One controller serves commands and timesteps, one thing at a time; bytes arrive and
//! leave at the byte time B = 10 · `baud_divisor` cycles (8N1). The wrapper only decides
//! *when*: *what* the device does and sends is the [`Device`]'s, so the bytes sent, read
//! without their cycles, are a valid ncx/1 stream, and they equal the untimed device's
//! whenever every command has time to finish before the next one arrives.
//!
//! ```
//! use ncx_model::device::{Device, DeviceConfig, Opcode, TimedDevice, request};
//! use ncx_model::Cycle;
//! use ncx_model::wire::encode;
//! use ncx_model::Geometry;
//!
//! let device = Device::new(Geometry::new(16, 16)?, DeviceConfig::default()); // B = 1000
//! let mut timed = TimedDevice::new(device);
//! timed.receive_at(Cycle(0), &encode(Opcode::Hello as u8, 1, &request::hello())?);
//! timed.advance_to(Cycle(100_000));
//! let mut tx = Vec::new();
//! timed.drain_tx(&mut tx);
//! // 11 bytes received by cycle 11 000, HELLO takes 1 cycle, 72 reply bytes follow.
//! assert_eq!(tx.len(), 72);
//! assert_eq!(tx[0].0, Cycle(11_001));
//! assert_eq!(tx[71].0, Cycle(11_001 + 71 * 1000));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::VecDeque;

use super::{Device, Opcode};
use crate::time::Cycle;
use crate::wire::{Decoded, Decoder, HEADER_LEN};

/// A complete command frame waiting for the controller.
#[derive(Debug, Clone)]
struct Pending {
    /// The cycle its last byte was received.
    complete: u64,
    opcode: u8,
    payload: Vec<u8>,
    /// How many of the bytes held back from the device belong to this frame (up to and
    /// including its last byte, after the frames pending before it).
    bytes: usize,
}

/// What happens next, in the order ties are broken: a byte is received, then a command
/// executes, then a timestep starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Byte,
    Command,
    Timestep,
}

/// A [`Device`] with the cycle timing of docs/protocol.md §10.1: bytes in with the cycle
/// the host starts sending them ([`TimedDevice::receive_at`]), time moved on with
/// [`TimedDevice::advance_to`], bytes out with the cycle their start bit begins
/// ([`TimedDevice::drain_tx`]).
///
/// Cycles count the device clock (`clock_hz`) since the `TimedDevice` was made; they are
/// independent of the core's own cycle counter, which RESET restarts.
#[derive(Debug, Clone)]
pub struct TimedDevice {
    device: Device,
    /// B: cycles per byte on the line, both ways.
    byte_time: u64,
    /// Every event up to this cycle has been processed.
    now: u64,
    /// When the stop bit of the last byte from the host ends (it is received then).
    line_free: u64,
    /// The largest `cycle` given to [`TimedDevice::receive_at`].
    last_call: u64,
    /// Bytes from the host not yet received, with the cycle they will be.
    incoming: VecDeque<(u64, u8)>,
    /// The device's decoder as it will be when every received byte has reached it:
    /// tells which byte completes a frame.
    shadow: Decoder,
    /// Received bytes held back from the device: the last byte of each pending frame, and
    /// every byte received after the first of them (the decoder sees bytes in order).
    held: VecDeque<u8>,
    /// Complete command frames, in order, not yet executed.
    pending: VecDeque<Pending>,
    /// The cycle at which the controller finishes its current command or timestep.
    controller_free: u64,
    /// The start of the last timestep.
    last_timestep: Option<u64>,
    /// Bytes queued for sending, with the cycle their start bit begins, not yet drained.
    tx: VecDeque<(Cycle, u8)>,
    /// The start of the last byte queued for sending.
    tx_last: Option<u64>,
}

impl TimedDevice {
    /// Wrap `device` at cycle 0: it is held ([`Device::set_hold`]) so that timesteps run
    /// only when the controller starts them; whatever it had sent and not drained yet is
    /// queued for sending at cycle 0.
    pub fn new(mut device: Device) -> TimedDevice {
        device.set_hold(true);
        let byte_time = 10 * u64::from(device.info().baud_divisor);
        let shadow = device.decoder().clone();
        let mut timed = TimedDevice {
            device,
            byte_time,
            now: 0,
            line_free: 0,
            last_call: 0,
            incoming: VecDeque::new(),
            shadow,
            held: VecDeque::new(),
            pending: VecDeque::new(),
            controller_free: 0,
            last_timestep: None,
            tx: VecDeque::new(),
            tx_last: None,
        };
        let mut sent = Vec::new();
        timed.device.drain_tx(&mut sent);
        timed.queue(0, &sent);
        timed
    }

    /// The device, as the events up to [`TimedDevice::now`] have left it.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The device, to change it at [`TimedDevice::now`] (e.g. its core). Feeding it bytes
    /// or releasing its hold bypasses the timing and is not supported.
    pub fn device_mut(&mut self) -> &mut Device {
        &mut self.device
    }

    /// The device as it is at [`TimedDevice::now`]; bytes not yet received, commands not
    /// yet executed and bytes not yet drained are dropped.
    pub fn into_inner(self) -> Device {
        self.device
    }

    /// The cycle up to which every event has been processed.
    pub fn now(&self) -> Cycle {
        Cycle(self.now)
    }

    /// B, the cycles one byte takes on the line: 10 · `baud_divisor`.
    pub fn byte_time(&self) -> u64 {
        self.byte_time
    }

    /// The host starts sending `bytes` at `cycle`, back to back: byte k (from 0) is
    /// received at `max(cycle, line_free) + (k + 1) · B`, where `line_free` is when the
    /// stop bit of the previous byte from the host ends. A `cycle` earlier than a previous
    /// call's is taken as `line_free`, and sending never starts before
    /// [`TimedDevice::now`]. Nothing is processed until [`TimedDevice::advance_to`].
    pub fn receive_at(&mut self, cycle: Cycle, bytes: &[u8]) {
        let requested = if cycle.0 < self.last_call { self.line_free } else { cycle.0 };
        self.last_call = self.last_call.max(cycle.0);
        let mut received = requested.max(self.line_free).max(self.now);
        for &byte in bytes {
            received += self.byte_time;
            self.incoming.push_back((received, byte));
        }
        if !bytes.is_empty() {
            self.line_free = received;
        }
    }

    /// Process every event up to and including `cycle`, in order: bytes received,
    /// commands executed, timesteps run, bytes sent. A `cycle` before
    /// [`TimedDevice::now`] does nothing.
    pub fn advance_to(&mut self, cycle: Cycle) {
        while let Some((at, event)) = self.next_event()
            && at <= cycle.0
        {
            self.process(at, event);
        }
        self.now = self.now.max(cycle.0);
    }

    /// Process events until nothing is left to do — every byte received, every command
    /// executed, every ready timestep run, every queued byte on the line — and return
    /// the cycle reached: the last event's, or the start of the last byte sent.
    pub fn settle(&mut self) -> Cycle {
        while let Some((at, event)) = self.next_event() {
            self.process(at, event);
        }
        self.now = self.now.max(self.tx_last.unwrap_or(0));
        Cycle(self.now)
    }

    /// Append every byte whose start bit has begun by [`TimedDevice::now`], with that
    /// cycle, in the order sent.
    pub fn drain_tx(&mut self, out: &mut Vec<(Cycle, u8)>) {
        while let Some(&(at, byte)) = self.tx.front()
            && at.0 <= self.now
        {
            out.push((at, byte));
            self.tx.pop_front();
        }
    }

    /// The next event and its cycle, if any.
    fn next_event(&self) -> Option<(u64, Event)> {
        let byte = self.incoming.front().map(|&(at, _)| (at, Event::Byte));
        let command = self.pending.front().map(|p| (p.complete.max(self.controller_free), Event::Command));
        let timestep = self.device.timestep_ready().then(|| {
            let period = u64::from(self.device.core().config().period);
            let paced = match self.last_timestep {
                Some(start) if period > 0 => start + period,
                _ => 0,
            };
            (self.controller_free.max(paced), Event::Timestep)
        });
        [byte, command, timestep].into_iter().flatten().map(|(at, e)| (at.max(self.now), e)).min()
    }

    fn process(&mut self, at: u64, event: Event) {
        self.now = at;
        match event {
            Event::Byte => self.receive_byte(at),
            Event::Command => self.execute(at),
            Event::Timestep => self.timestep(at),
        }
    }

    /// The next byte from the host is received at `at`.
    fn receive_byte(&mut self, at: u64) {
        let Some((_, byte)) = self.incoming.pop_front() else { return };
        if let Some(Decoded::Frame(frame)) = self.shadow.push(byte) {
            self.held.push_back(byte);
            let claimed: usize = self.pending.iter().map(|p| p.bytes).sum();
            let bytes = self.held.len() - claimed;
            self.pending.push_back(Pending { complete: at, opcode: frame.opcode, payload: frame.payload, bytes });
        } else if self.pending.is_empty() {
            self.device.receive(&[byte]);
        } else {
            self.held.push_back(byte);
        }
    }

    /// The first pending command starts at `at`.
    fn execute(&mut self, at: u64) {
        let Some(command) = self.pending.pop_front() else { return };
        let take = if self.pending.is_empty() { self.held.len() } else { command.bytes.min(self.held.len()) };
        let bytes: Vec<u8> = self.held.drain(..take).collect();
        self.device.receive(&bytes);
        let mut reply = Vec::new();
        self.device.drain_tx(&mut reply);
        let done = at + self.command_cycles(&command, &reply);
        self.controller_free = done;
        self.queue(done, &reply);
    }

    /// X, the cycles a command occupies the controller: 1, plus the data bytes of a WRITE,
    /// plus `len` for READ and CRC, plus N + M for RESET; a NAK takes 1.
    fn command_cycles(&self, command: &Pending, reply: &[u8]) -> u64 {
        if reply.get(HEADER_LEN) != Some(&0) {
            return 1;
        }
        let p = &command.payload;
        let le = |range: std::ops::Range<usize>| {
            p.get(range).map_or(0, |b| b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
        };
        let extra = match Opcode::try_from(command.opcode) {
            Ok(Opcode::Write) => p.len().saturating_sub(5) as u64,
            Ok(Opcode::Read) => le(5..7),
            Ok(Opcode::Crc) => le(5..9),
            Ok(Opcode::Reset) => {
                let g = self.device.core().geometry();
                (g.neurons() + g.inputs()) as u64
            }
            _ => 0,
        };
        1 + extra
    }

    /// A timestep starts at `at`: it occupies the controller for its compute cycles C and
    /// its output frame is queued at `at + C`.
    fn timestep(&mut self, at: u64) {
        let Some(report) = self.device.step() else { return };
        self.last_timestep = Some(at);
        let done = at + report.compute_cycles;
        self.controller_free = done;
        let mut output = Vec::new();
        self.device.drain_tx(&mut output);
        self.queue(done, &output);
    }

    /// Queue `bytes` for sending at `at`: each start bit begins at
    /// `max(at, previous start + B)`.
    fn queue(&mut self, at: u64, bytes: &[u8]) {
        for &byte in bytes {
            let start = self.tx_last.map_or(at, |last| at.max(last + self.byte_time));
            self.tx_last = Some(start);
            self.tx.push_back((Cycle(start), byte));
        }
    }
}
