//! [`FrameSim`]: the Verilated `ncx_frame_loop` top — the ncx/1 frame layer of
//! `hdl/rtl/` (`ncx_byte_fifo` → `ncx_frame_rx`, and `ncx_frame_tx` with a payload RAM)
//! — behind a safe, cycle-counting API, with drivers that speak the terms of
//! `ncx_model::wire` ([`Decoded`], [`DecoderStats`]) so the RTL can be compared with the
//! Rust decoder and encoder directly.
//!
//! Only compiled when Verilator was found at build time ([`crate::COSIM_AVAILABLE`]).
//! The timing of every port is in the RTL headers (`hdl/rtl/ncx_frame_rx.sv`,
//! `ncx_frame_tx.sv`, `ncx_byte_fifo.sv`); cycles are counted as the crate documentation
//! says.

use ncx_model::wire::{DecodeError, DecodeErrorKind, Decoded, DecoderStats, Frame, MAX_PAYLOAD};

use crate::ffi::frame::{Model, RawOutputs};

/// Why a co-simulation step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The C++ side failed to construct the Verilated model (it threw).
    #[error("the Verilated ncx_frame_loop model could not be constructed")]
    Construct,
    /// A payload longer than a frame carries was given to the encoder.
    #[error("a payload of {len} bytes does not fit a frame: at most {MAX_PAYLOAD} bytes")]
    PayloadTooLong {
        /// The payload's length in bytes.
        len: usize,
    },
    /// The RTL did not get to where it should within a bound of cycles.
    #[error("waited {waited} cycles for {what}")]
    Stuck {
        /// What was awaited.
        what: &'static str,
        /// Cycles waited.
        waited: u64,
    },
    /// The RTL signalled something the frame layer's rules exclude.
    #[error("cycle {cycle}: {what}")]
    Protocol {
        /// The cycle in which it was seen.
        cycle: u64,
        /// What was wrong.
        what: String,
    },
}

/// The header of the frame the decoder holds (`frame_*_o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldFrame {
    /// `frame_opcode_o`.
    pub opcode: u8,
    /// `frame_seq_o`.
    pub seq: u8,
    /// `frame_len_o`: the payload length.
    pub len: u16,
    /// `frame_crc_o`: the received trailer, as a number (sent little-endian).
    pub crc: u32,
}

/// The outputs of `ncx_frame_loop` in one cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outputs {
    /// `in_ready_o`: the FIFO takes an offered byte at the end of this cycle.
    pub in_ready: bool,
    /// `fifo_overflow_o`: a byte is offered and the FIFO is full.
    pub fifo_overflow: bool,
    /// `fifo_count_o`: bytes held in the FIFO.
    pub fifo_count: u16,
    /// The FIFO offers a byte to the decoder (`rx_valid_o`).
    pub rx_valid: bool,
    /// The decoder takes a byte offered to it (`rx_ready_o`).
    pub rx_ready: bool,
    /// The decoder's held frame (`frame_valid_o` and its fields), if any.
    pub frame: Option<HeldFrame>,
    /// The decoder's error strobe (`err_valid_o` with kind and offset), if high.
    pub error: Option<DecodeError>,
    /// `rx_pay_rdata_o`: the payload byte addressed in the previous cycle.
    pub pay_rdata: u8,
    /// `tx_idle_o`: the encoder takes a start in this cycle.
    pub tx_idle: bool,
    /// The encoder's output byte (`out_data_o` while `out_valid_o`), if offered.
    pub out: Option<u8>,
    /// The decoder's counters.
    pub stats: DecoderStats,
}

impl Outputs {
    fn from_raw(raw: &RawOutputs) -> Outputs {
        let flag = |bit: u8| raw.flags & (1 << bit) != 0;
        let error = flag(4).then(|| DecodeError {
            kind: match raw.err_kind {
                1 => DecodeErrorKind::HeaderCrc,
                2 => DecodeErrorKind::TooLong { len: usize::from(raw.err_len) },
                _ => DecodeErrorKind::PayloadCrc,
            },
            offset: u64::from(raw.err_offset),
        });
        let [frames, header_errors, crc_errors, frame_bytes, bytes_discarded, bytes_seen] = raw.counters.map(u64::from);
        Outputs {
            in_ready: flag(0),
            fifo_overflow: flag(1),
            fifo_count: raw.fifo_count,
            rx_valid: flag(7),
            rx_ready: flag(2),
            frame: flag(3).then_some(HeldFrame {
                opcode: raw.frame_opcode,
                seq: raw.frame_seq,
                len: raw.frame_len,
                crc: raw.frame_crc,
            }),
            error,
            pay_rdata: raw.rx_pay_rdata,
            tx_idle: flag(5),
            out: flag(6).then_some(raw.out_data),
            stats: DecoderStats { frames, header_errors, crc_errors, bytes_discarded, frame_bytes, bytes_seen },
        }
    }
}

/// One thing the decoder reported, with its cycle: the first cycle of `frame_valid_o`
/// or the cycle of the error strobe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The cycle.
    pub cycle: u64,
    /// The frame (its payload read back through the payload port) or the error. Error
    /// offsets are the RTL's 32-bit offsets (exact below 4 GiB of stream).
    pub decoded: Decoded,
    /// For a frame, the trailer the RTL reported (`frame_crc_o`); 0 for an error.
    pub crc: u32,
}

/// What [`FrameSim::feed`] saw.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedReport {
    /// Frames and errors in order.
    pub events: Vec<Event>,
    /// For every byte of the stream, the cycle in which the FIFO took it.
    pub fifo_taken: Vec<u64>,
    /// For every byte of the stream, the cycle in which the decoder took it.
    pub decoder_taken: Vec<u64>,
    /// The largest FIFO occupancy seen.
    pub max_fifo: u16,
}

/// A frame sent by [`FrameSim::send`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The cycle in which the start was sampled.
    pub start: u64,
    /// The bytes, in order.
    pub bytes: Vec<u8>,
    /// For every byte, the cycle at whose end it was taken.
    pub taken: Vec<u64>,
}

/// Cycles [`FrameSim::feed`] and [`FrameSim::send`] wait for the RTL beyond what the
/// stream itself needs before they report [`SimError::Stuck`].
const SLACK: u64 = 10_000;

/// One Verilated `ncx_frame_loop` (FIFO depth 2048).
///
/// Inputs set with the `set_*` methods hold until changed and are sampled by the next
/// rising edge; [`step`](Self::step) runs one clock cycle. [`cycle`](Self::cycle) counts
/// the cycles since reset: inputs set and outputs read while it is `n` are those of
/// cycle `n`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use ncx_hdl::frame::FrameSim;
/// use ncx_model::wire::{Decoded, Frame, encode};
/// let mut sim = FrameSim::new()?;
/// let report = sim.feed(&encode(0x03, 0xFF, &[0x10, 0x20, 0x30])?, |_| 0, |_| 0)?;
/// let frame = Frame { opcode: 0x03, seq: 0xFF, payload: vec![0x10, 0x20, 0x30] };
/// assert_eq!(report.events[0].decoded, Decoded::Frame(frame.clone()));
/// // Valid in the cycle after the decoder took the last byte.
/// assert_eq!(report.events[0].cycle, report.decoder_taken[13] + 1);
/// let sent = sim.send(0x03, 0xFF, &frame.payload, |_| true)?;
/// assert_eq!(sent.bytes, encode(0x03, 0xFF, &frame.payload)?);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct FrameSim {
    model: Model,
    cycle: u64,
}

impl FrameSim {
    /// A model held in reset for 2 cycles and released, now in cycle 0 with every input
    /// low: nothing offered, no acknowledge, `out_ready_i` low.
    pub fn new() -> Result<FrameSim, SimError> {
        let model = Model::new().ok_or(SimError::Construct)?;
        Ok(FrameSim { model, cycle: 0 })
    }

    /// Resets the RTL (2 cycles of `rst_ni` low) and restarts the cycle count at 0. The
    /// inputs keep their values; the RAMs keep their contents.
    pub fn reset(&mut self) {
        self.model.set_reset(true);
        self.model.step(2);
        self.model.set_reset(false);
        self.cycle = 0;
    }

    /// The current cycle (cycles since reset).
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// Runs one clock cycle.
    pub fn step(&mut self) {
        self.model.step(1);
        self.cycle += 1;
    }

    /// Runs `cycles` clock cycles (in one call into C++).
    pub fn step_n(&mut self, cycles: u64) {
        self.model.step(cycles);
        self.cycle += cycles;
    }

    /// Offers `byte` to the FIFO (`Some`) or nothing (`None`): `in_data_i`, `in_valid_i`.
    pub fn set_in(&mut self, byte: Option<u8>) {
        self.model.set_in(byte.unwrap_or(0), byte.is_some());
    }

    /// Sets `frame_ack_i`.
    pub fn set_ack(&mut self, ack: bool) {
        self.model.set_ack(ack);
    }

    /// Sets `rx_pay_addr_i` (the low 10 bits are used).
    pub fn set_pay_addr(&mut self, addr: u16) {
        self.model.set_rx_pay_addr(addr);
    }

    /// Sets `out_ready_i`: whether the encoder's output byte is taken at the end of a cycle.
    pub fn set_out_ready(&mut self, ready: bool) {
        self.model.set_out_ready(ready);
    }

    /// Drives the encoder's start (`tx_start_i` with opcode, seq and len) for one cycle
    /// and runs it. Returns whether the encoder was idle in that cycle.
    pub fn start_tx(&mut self, opcode: u8, seq: u8, len: u16) -> bool {
        let idle = self.outputs().tx_idle;
        self.model.set_tx_start(true, opcode, seq, len);
        self.step();
        self.model.set_tx_start(false, 0, 0, 0);
        idle
    }

    /// All outputs in the current cycle.
    pub fn outputs(&self) -> Outputs {
        Outputs::from_raw(&self.model.outputs())
    }

    /// The decoder's counters in the current cycle.
    pub fn stats(&self) -> DecoderStats {
        self.outputs().stats
    }

    /// Reads `len` bytes of the decoder's payload buffer through its read port (`len`
    /// cycles; the other inputs keep their values).
    pub fn read_payload(&mut self, len: usize) -> Vec<u8> {
        let mut payload = Vec::with_capacity(len);
        for addr in 0..len {
            self.model.set_rx_pay_addr(addr as u16);
            self.step();
            payload.push(self.outputs().pay_rdata);
        }
        payload
    }

    /// Writes `payload` into the encoder's payload RAM from address 0 (one byte per cycle).
    pub fn load_tx_payload(&mut self, payload: &[u8]) -> Result<(), SimError> {
        if payload.len() > MAX_PAYLOAD {
            return Err(SimError::PayloadTooLong { len: payload.len() });
        }
        for (addr, &byte) in payload.iter().enumerate() {
            self.model.set_txram(true, addr as u16, byte);
            self.step();
        }
        self.model.set_txram(false, 0, 0);
        Ok(())
    }

    /// Sends a frame through the encoder: loads the payload into its RAM, waits until the
    /// encoder is idle, starts it, and takes its bytes, with `out_ready_i` set to
    /// `ready(cycle)` in every cycle, until it is idle again.
    pub fn send(
        &mut self,
        opcode: u8,
        seq: u8,
        payload: &[u8],
        mut ready: impl FnMut(u64) -> bool,
    ) -> Result<Sent, SimError> {
        self.load_tx_payload(payload)?;
        self.set_out_ready(false);
        let since = self.cycle;
        while !self.outputs().tx_idle {
            if self.cycle - since > SLACK {
                return Err(SimError::Stuck { what: "the encoder to be idle", waited: self.cycle - since });
            }
            self.step();
        }
        let start = self.cycle;
        // `payload.len()` is at most MAX_PAYLOAD (load_tx_payload checked it).
        self.start_tx(opcode, seq, payload.len() as u16);
        let mut sent = Sent { start, bytes: Vec::new(), taken: Vec::new() };
        let limit = SLACK + 64 * (payload.len() as u64 + 11);
        while !self.outputs().tx_idle {
            if self.cycle - start > limit {
                return Err(SimError::Stuck { what: "the encoder to finish a frame", waited: self.cycle - start });
            }
            let ready_now = ready(self.cycle);
            self.set_out_ready(ready_now);
            if let (Some(byte), true) = (self.outputs().out, ready_now) {
                sent.bytes.push(byte);
                sent.taken.push(self.cycle);
            }
            self.step();
        }
        self.set_out_ready(false);
        Ok(sent)
    }

    /// Feeds `bytes` to the FIFO and reports what the decoder makes of them, acting as the
    /// command logic: each delivered frame's payload is read back through the payload
    /// port, the frame is held `hold(n)` more cycles (n counts the frames) and then
    /// acknowledged. Before byte k the input stays idle `gap(k)` cycles; a byte is offered
    /// until the FIFO takes it. Returns once every byte has been taken by the decoder and
    /// everything it decided has been reported; the inputs are then idle again.
    ///
    /// Also checks what the frame layer's rules promise at every cycle: at most one frame
    /// or error at a time, no error while a frame is held, the decoder taking no byte
    /// while a frame is held, the held header unchanged until acknowledged; a violation is
    /// [`SimError::Protocol`].
    pub fn feed(
        &mut self,
        bytes: &[u8],
        mut gap: impl FnMut(usize) -> u64,
        mut hold: impl FnMut(usize) -> u64,
    ) -> Result<FeedReport, SimError> {
        /// The command-logic side of the loop.
        enum Consumer {
            /// No frame held.
            Idle,
            /// Reading the payload: `addr` is addressed in this cycle and on
            /// `pay_rdata` in the next.
            Reading { header: HeldFrame, cycle: u64, addr: usize, payload: Vec<u8> },
            /// Holding the frame `left` more cycles before acknowledging.
            Holding { header: HeldFrame, cycle: u64, payload: Vec<u8>, left: u64 },
        }

        let mut report = FeedReport::default();
        let mut consumer = Consumer::Idle;
        let mut next = 0usize; // next byte to offer
        let mut idle_left = if bytes.is_empty() { 0 } else { gap(0) };
        let mut frames = 0usize;
        let mut quiet = 0u32;
        let start = self.cycle;
        // Cycles allowed: the slack, a few per byte, every gap, and per frame its
        // reading and its hold.
        let mut limit = SLACK.saturating_add(16 * bytes.len() as u64).saturating_add(idle_left);

        loop {
            // Inputs of this cycle: the stream side.
            let offering = next < bytes.len() && idle_left == 0;
            self.set_in(offering.then(|| bytes[next]));
            // The command-logic side: the payload address and the acknowledge.
            let mut ack = false;
            match &mut consumer {
                Consumer::Idle => {}
                Consumer::Reading { addr, header, .. } => {
                    if *addr < usize::from(header.len) {
                        self.model.set_rx_pay_addr(*addr as u16);
                    }
                }
                Consumer::Holding { left, .. } => ack = *left == 0,
            }
            self.set_ack(ack);
            let o = self.outputs();

            // Checks.
            if o.frame.is_some() && o.error.is_some() {
                return Err(self.protocol("a frame and an error in the same cycle"));
            }
            if o.frame.is_some() && o.rx_ready {
                return Err(self.protocol("the decoder is ready while it holds a frame"));
            }
            match (&consumer, o.frame) {
                (Consumer::Reading { header, .. } | Consumer::Holding { header, .. }, Some(now)) if *header != now => {
                    return Err(self.protocol(&format!("the held frame changed from {header:?} to {now:?}")));
                }
                (Consumer::Reading { .. } | Consumer::Holding { .. }, None) => {
                    return Err(self.protocol("the held frame was released before its acknowledge"));
                }
                _ => {}
            }
            if let Some(error) = o.error {
                report.events.push(Event { cycle: self.cycle, decoded: Decoded::Error(error), crc: 0 });
            }
            if let (Consumer::Idle, Some(header)) = (&consumer, o.frame) {
                if usize::from(header.len) > MAX_PAYLOAD {
                    return Err(self.protocol(&format!("a frame of {} bytes was delivered", header.len)));
                }
                consumer = Consumer::Reading { header, cycle: self.cycle, addr: 0, payload: Vec::new() };
                if header.len > 0 {
                    self.model.set_rx_pay_addr(0);
                }
            }
            if o.fifo_overflow {
                return Err(self.protocol("the FIFO overflowed"));
            }
            report.max_fifo = report.max_fifo.max(o.fifo_count);
            if offering && o.in_ready {
                report.fifo_taken.push(self.cycle);
            }
            if o.rx_valid && o.rx_ready {
                report.decoder_taken.push(self.cycle);
            }
            let busy = o.frame.is_some() || !o.rx_ready || o.rx_valid || o.fifo_count > 0 || o.error.is_some();
            let done = next >= bytes.len() && !busy;

            self.step();

            // Advance the stream side.
            if offering && o.in_ready {
                next += 1;
                if next < bytes.len() {
                    idle_left = gap(next);
                    limit = limit.saturating_add(idle_left);
                }
            } else {
                idle_left = idle_left.saturating_sub(1);
            }
            // Advance the command-logic side.
            consumer = match consumer {
                Consumer::Idle => Consumer::Idle,
                Consumer::Reading { header, cycle, addr, mut payload } => {
                    // The byte addressed in the cycle just ended is on pay_rdata now.
                    let len = usize::from(header.len);
                    if addr < len {
                        payload.push(self.outputs().pay_rdata);
                    }
                    if addr + 1 >= len {
                        let left = hold(frames);
                        limit = limit.saturating_add(left).saturating_add(len as u64);
                        frames += 1;
                        Consumer::Holding { header, cycle, payload, left }
                    } else {
                        Consumer::Reading { header, cycle, addr: addr + 1, payload }
                    }
                }
                Consumer::Holding { header, cycle, payload, left } => {
                    if ack {
                        report.events.push(Event {
                            cycle,
                            decoded: Decoded::Frame(Frame { opcode: header.opcode, seq: header.seq, payload }),
                            crc: header.crc,
                        });
                        Consumer::Idle
                    } else {
                        Consumer::Holding { header, cycle, payload, left: left - 1 }
                    }
                }
            };

            quiet = if done { quiet + 1 } else { 0 };
            if quiet >= 2 {
                break;
            }
            let waited = self.cycle - start;
            if waited > limit {
                self.set_in(None);
                self.set_ack(false);
                return Err(SimError::Stuck { what: "the decoder to take the whole stream", waited });
            }
        }
        self.set_in(None);
        self.set_ack(false);
        Ok(report)
    }

    fn protocol(&mut self, what: &str) -> SimError {
        self.set_in(None);
        self.set_ack(false);
        SimError::Protocol { cycle: self.cycle, what: what.to_owned() }
    }
}
