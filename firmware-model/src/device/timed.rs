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
//! // 11 bytes received by cycle 11 000, held in 11 001, pushed 13 + 1 + 61 cycles later,
//! // on the line 3 cycles after that; 72 reply bytes follow.
//! assert_eq!(tx.len(), 72);
//! assert_eq!(tx[0].0, Cycle(11_079));
//! assert_eq!(tx[71].0, Cycle(11_079 + 71 * 1000));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::VecDeque;

use super::{Device, Opcode};
use crate::spec::{
    COMMAND_DECIDE_CYCLES, FRAME_HOLD_LATENCY, HEADER_RESCAN_CYCLES, REPLY_SLOT_SKIP_CYCLES, REPLY_SLOTS,
    TIMESTEP_FINISH_CYCLES, TIMESTEP_SETUP_CYCLES, TX_FIFO_MISS_CYCLES, TX_LATENCY,
};
use crate::time::Cycle;
use crate::wire::layout::Region;
use crate::wire::{DecodeErrorKind, Decoded, Decoder, HEADER_LEN, TRAILER_LEN};

/// Reply status codes whose NAK comes from the controller's state checks (after the
/// checks' pass), not from the frame checks: BUSY, NOT_RUNNING, NO_CREDIT, BAD_TIMESTEP.
const STATE_NAKS: [u8; 4] = [0x06, 0x07, 0x08, 0x09];
/// BAD_VALUE.
const BAD_VALUE: u8 = 0x05;

/// A complete command frame held by the decoder for the controller.
#[derive(Debug, Clone)]
struct Held {
    /// The first cycle the controller sees it.
    at: u64,
    /// Its last byte, not yet given to the device.
    byte: u8,
    opcode: u8,
    seq: u8,
    payload: Vec<u8>,
    /// Its CRC-32 trailer as sent (the duplicate rule compares it).
    trailer: [u8; 4],
}

/// What happens next, in the order ties are broken: a byte reaches the decoder, then a
/// command starts, then a timestep starts.
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
    /// Bytes from the host not yet taken by the decoder, with the cycle they are (or will
    /// be) received.
    incoming: VecDeque<(u64, u8)>,
    /// The device's decoder as it is when every byte taken has reached it: tells which
    /// byte completes a frame.
    shadow: Decoder,
    /// The earliest cycle the decoder takes its next byte.
    intake_ready: u64,
    /// The last four bytes taken.
    window: [u8; 4],
    /// The frame held for the controller; the decoder takes no byte meanwhile.
    held: Option<Held>,
    /// The first cycle at which the controller is idle again.
    controller_free: u64,
    /// Seq and trailer of the last acknowledged command (the duplicate rule).
    last_ack: Option<(u8, [u8; 4])>,
    /// Output frames kept for RESEND.
    kept: u64,
    /// The reply slot the controller tries next (round robin over [`REPLY_SLOTS`]).
    next_slot: u64,
    /// The slot of the last acknowledged command's reply (kept for duplicates).
    last_slot: u64,
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
            intake_ready: 0,
            window: [0; 4],
            held: None,
            controller_free: 0,
            last_ack: None,
            kept: 0,
            next_slot: 0,
            last_slot: 0,
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
        let byte = match (&self.held, self.incoming.front()) {
            (None, Some(&(at, _))) => Some((at.max(self.intake_ready), Event::Byte)),
            _ => None,
        };
        let command = self.held.as_ref().map(|h| (h.at.max(self.controller_free), Event::Command));
        let timestep = self.device.timestep_ready().then_some((self.controller_free, Event::Timestep));
        [byte, command, timestep].into_iter().flatten().map(|(at, e)| (at.max(self.now), e)).min()
    }

    fn process(&mut self, at: u64, event: Event) {
        self.now = at;
        match event {
            Event::Byte => self.take_byte(at),
            Event::Command => self.execute(at),
            Event::Timestep => self.timestep(at),
        }
    }

    /// The decoder takes the next byte from the host at `at` (rule 3).
    fn take_byte(&mut self, at: u64) {
        let Some((_, byte)) = self.incoming.pop_front() else { return };
        self.window = [self.window[1], self.window[2], self.window[3], byte];
        self.intake_ready = at + 1;
        match self.shadow.push(byte) {
            Some(Decoded::Frame(frame)) => {
                self.held = Some(Held {
                    at: at + FRAME_HOLD_LATENCY,
                    byte,
                    opcode: frame.opcode,
                    seq: frame.seq,
                    payload: frame.payload,
                    trailer: self.window,
                });
                return;
            }
            Some(Decoded::Error(e))
                if matches!(e.kind, DecodeErrorKind::HeaderCrc | DecodeErrorKind::TooLong { .. }) =>
            {
                self.intake_ready += HEADER_RESCAN_CYCLES;
            }
            _ => {}
        }
        self.device.receive(&[byte]);
    }

    /// The held command starts at `at` (rule 4).
    fn execute(&mut self, at: u64) {
        let Some(held) = self.held.take() else { return };
        let duplicate = self.last_ack == Some((held.seq, held.trailer));
        // Every command takes a reply slot, round robin; the slot holding the cached
        // reply is skipped, at a cost of one cycle.
        let mut at = at;
        if self.last_ack.is_some() && self.next_slot == self.last_slot {
            at += REPLY_SLOT_SKIP_CYCLES;
            self.next_slot = (self.next_slot + 1) % REPLY_SLOTS;
        }
        let slot = self.next_slot;
        self.next_slot = (self.next_slot + 1) % REPLY_SLOTS;
        self.device.receive(&[held.byte]);
        let mut reply = Vec::new();
        self.device.drain_tx(&mut reply);
        let status = reply.get(HEADER_LEN).copied().unwrap_or(0);
        let (push, free) = if duplicate {
            let push = at + COMMAND_DECIDE_CYCLES;
            (push, push + self.after_push(held.opcode))
        } else {
            let push = at + self.command_cycles(&held, &reply, status);
            let free = push + if status == 0 { self.after_push(held.opcode) } else { 2 };
            (push, free)
        };
        if !duplicate && status == 0 {
            self.last_ack = Some((held.seq, held.trailer));
            self.last_slot = slot;
            if held.opcode == Opcode::Reset as u8 {
                self.kept = 0;
            }
        }
        self.controller_free = free;
        self.intake_ready = self.intake_ready.max(free);
        // A RESEND's output frames follow its reply.
        self.queue(push + TX_LATENCY, &reply);
    }

    /// Cycles from a command's push to the controller's next idle cycle: the release (1)
    /// and the idle cycle (1), plus for RESEND the walk over the kept frames (one each,
    /// plus 1).
    fn after_push(&self, opcode: u8) -> u64 {
        if opcode == Opcode::Resend as u8 { 2 + self.kept + 1 } else { 2 }
    }

    /// The cycles from a command's start to the cycle its reply is pushed (rule 4).
    fn command_cycles(&self, held: &Held, reply: &[u8], status: u8) -> u64 {
        let p = &held.payload;
        let le = |range: std::ops::Range<usize>| {
            p.get(range).map_or(0, |b| b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
        };
        // The reply's own payload length (a RESEND's output frames follow it).
        let reply_len = reply.get(4..6).map_or(0, le_bytes);
        let detail = if reply.len() >= HEADER_LEN + 5 { le_bytes(&reply[HEADER_LEN + 1..HEADER_LEN + 5]) } else { 0 };
        let op = Opcode::try_from(held.opcode).ok();
        let data = p.len().saturating_sub(5) as u64;
        let records = op == Some(Opcode::Write)
            && p.first().and_then(|&r| Region::try_from(r).ok()).is_some_and(|r| r.has_records());
        let sc_base = match op {
            Some(Opcode::Input) => Some(6u64),
            Some(Opcode::Probe) => Some(2u64),
            _ => None,
        };
        let index_nak = status == BAD_VALUE && sc_base.is_some_and(|b| detail >= b);
        let record_nak = status == BAD_VALUE && records;
        let executes = status == 0 || STATE_NAKS.contains(&status) || index_nak || record_nak;
        if !executes {
            // A frame check failed: the NAK is written right after the decision.
            return COMMAND_DECIDE_CYCLES + reply_len;
        }
        // The checks' pass over the payload: WRITE records, one cycle per data byte plus
        // 1; INPUT and PROBE indices, one per list byte plus 1 (up to the first bad one).
        let pass = match sc_base {
            Some(base) if index_nak => detail - base + 3,
            Some(base) => p.len() as u64 - base + 1,
            None if record_nak => {
                p.first().and_then(|&r| first_bad_byte(r, &p[5..])).map_or(data + 1, |k| k as u64 + 2)
            }
            None if records => data + 1,
            None => 0,
        };
        let exec = COMMAND_DECIDE_CYCLES + pass + 1;
        if status != 0 {
            return exec + reply_len;
        }
        let g = self.device.core().geometry();
        exec + match op {
            Some(Opcode::Write) => data + 1 + 1,
            Some(Opcode::Read) => le(5..7) + 1,
            Some(Opcode::Crc) => le(5..9) + 1 + reply_len,
            Some(Opcode::Reset) => {
                let image: u64 =
                    if p.first() == Some(&1) { Region::ALL[..6].iter().map(|r| r.size(g) as u64).sum() } else { 0 };
                image + (g.neurons() + g.inputs()) as u64 + 2 + reply_len
            }
            Some(Opcode::Resend) => self.kept + 1 + reply_len,
            _ => reply_len,
        }
    }

    /// A timestep starts at `at` (rule 5): its k input indices are staged, the core runs
    /// its L = max(C, period) cycles — C from the schedule of the core's accumulate lanes
    /// (docs/semantics.md §6), as the core's report says — the output frame is built
    /// (one cycle per payload byte) and pushed.
    fn timestep(&mut self, at: u64) {
        let k = self.device.run.as_ref().and_then(|r| r.inputs.front()).map_or(0, |i| i.len() as u64);
        let period = u64::from(self.device.core().config().period);
        let Some(report) = self.device.step() else { return };
        let length = report.compute_cycles.max(period);
        let mut output = Vec::new();
        self.device.drain_tx(&mut output);
        let built = output.len().saturating_sub(HEADER_LEN + TRAILER_LEN) as u64;
        let push = at + k + TIMESTEP_SETUP_CYCLES + length + TIMESTEP_FINISH_CYCLES + built;
        self.controller_free = push + 1;
        self.kept = (self.kept + 1).min(u64::from(self.device.info().output_history));
        self.queue(push + TX_LATENCY, &output);
    }

    /// Queue `bytes` (one or more frames pushed together) for sending, the first one's
    /// start bit at `at` if the line is free (rule 6): each byte starts at
    /// `max(at, previous start + B)`, except that a first byte due exactly one cycle
    /// before the line is free misses the transmitter's hand-over and goes through the
    /// transmit FIFO's RAM: it starts one cycle after the line is free.
    fn queue(&mut self, at: u64, bytes: &[u8]) {
        for (k, &byte) in bytes.iter().enumerate() {
            let start = match self.tx_last {
                None => at,
                Some(last) => {
                    let free = last + self.byte_time;
                    if k == 0 && at + 1 == free { free + TX_FIFO_MISS_CYCLES } else { at.max(free) }
                }
            };
            self.tx_last = Some(start);
            self.tx.push_back((Cycle(start), byte));
        }
    }
}

/// The first data byte of a WRITE to a record region (CONFIG, NEURONS, STATE) at which
/// the controller's validation pass finds the record bad: it checks each field at one
/// byte (docs/protocol.md §10.1 rule 4) — a range at its only or high byte, a 24-bit
/// value's sign extension at its top byte, `w_max >= w_min` at `w_max`.
fn first_bad_byte(region: u8, data: &[u8]) -> Option<usize> {
    let record = match region {
        0 => 18,
        5 => 17,
        6 => 9,
        _ => return None,
    };
    let sign = |b: u8| if b & 0x80 != 0 { 0xFF } else { 0x00 };
    (0..data.len()).find(|&k| {
        let (b, prev) = (data[k], if k > 0 { data[k - 1] } else { 0 });
        match (region, k % record) {
            (0, 4 | 8) => b > 15,
            (0, 5 | 11) => b > 1,
            (0, 10) => (b as i8) < (prev as i8),
            (0 | 5, 13 | 15) => b >> 4 != 0,
            (5, 3 | 7 | 11) | (6, 3 | 7) => b != sign(prev),
            _ => false,
        }
    })
}

/// A little-endian number.
fn le_bytes(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
}
