//! The NCX-1 device as the host sees it through the UART: the command layer of
//! docs/protocol.md §7–§10 over a [`Core`]. Bytes go in with [`Device::receive`] (any
//! chunking), every reply and output frame comes out of [`Device::drain_tx`], in order.
//!
//! The device decodes frames with [`crate::wire::Decoder`], parses each command
//! ([`request::Request::parse`]: everything that does not depend on the state), checks
//! the state (`BUSY`, `NOT_RUNNING`, `BAD_TIMESTEP`, `NO_CREDIT`), executes it and
//! replies; a command frame whose CRC fails gets no reply. After each command it runs
//! every timestep whose input is present, on the fast path, and sends one output frame
//! per timestep. A NAK never changes anything, and nothing a host can send panics.
//! [`TimedDevice`] adds the cycle timing of §10.1: when each byte is received, each
//! command and timestep runs and each byte is sent.
//!
//! ```
//! use ncx_model::device::{Ack, Device, DeviceConfig, Opcode, request};
//! use ncx_model::wire::{Decoded, Decoder, encode};
//! use ncx_model::Geometry;
//!
//! let mut device = Device::new(Geometry::new(16, 16)?, DeviceConfig::default());
//! device.receive(&encode(Opcode::Hello as u8, 1, &request::hello())?);
//! let mut tx = Vec::new();
//! device.drain_tx(&mut tx);
//! let mut decoder = Decoder::new();
//! let Some(Decoded::Frame(reply)) = tx.iter().find_map(|&b| decoder.push(b)) else { panic!() };
//! assert_eq!((reply.opcode, reply.seq), (0x81, 1));
//! let Ack::Hello(info) = Ack::parse(Opcode::Hello, &reply.payload)? else { panic!() };
//! assert_eq!(info, device.info());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod codes;
mod history;
pub mod region;
pub mod reply;
pub mod request;
mod run;
mod timed;

pub use codes::{
    FEATURE_LANES_MASK, FEATURE_LANES_SHIFT, FEATURE_PACING, FEATURE_STDP, MAX_INPUTS, MAX_PROBES, MAX_READ, MAX_WRITE,
    Nak, OUTPUT_OPCODE, Opcode, OutputFormat, PROTOCOL_MAJOR, PROTOCOL_MINOR, REPLY_BIT, ResetScope, StatusCode,
};
pub use reply::{Ack, DeviceInfo, DeviceStatus, OutputFrame, ProbeSample, ReplyError};
pub use request::Request;
pub use timed::TimedDevice;

use self::history::{Cached, History};
use self::region::RegionError;
use self::run::Run;
use crate::core::{Core, TimestepReport};
use crate::event::NullSink;
use crate::geometry::Geometry;
use crate::wire::{Decoded, Decoder, DecoderStats, HEADER_LEN, encode, frame_crc};

/// The build parameters of a device beyond its geometry (what HELLO reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceConfig {
    /// The core clock in Hz.
    pub clock_hz: u32,
    /// The UART divisor: baud = `clock_hz / baud_divisor`.
    pub baud_divisor: u32,
    /// An identifier of the bitstream.
    pub build_id: [u8; 8],
    /// Timesteps of input the device buffers (the credits of a fresh run); at least 1
    /// for a device that can run.
    pub input_slots: u8,
    /// Output frames kept for RESEND.
    pub output_history: u8,
    /// The core's accumulate lanes as a power of two: P = 2^lanes_log2 synapses are
    /// accumulated per cycle (docs/semantics.md §6; [`Core::with_lanes`]). At most
    /// [`Geometry::max_lanes_log2`]; HELLO reports it in `features` bits 8..=11.
    pub lanes_log2: u8,
}

impl Default for DeviceConfig {
    /// 100 MHz, divisor 100 (1 Mbaud), build id 0, 16 input slots, 16 kept frames, one
    /// accumulate lane.
    fn default() -> Self {
        DeviceConfig {
            clock_hz: 100_000_000,
            baud_divisor: 100,
            build_id: [0; 8],
            input_slots: 16,
            output_history: 16,
            lanes_log2: 0,
        }
    }
}

impl DeviceConfig {
    /// This configuration as a device of `geometry` has it: a `lanes_log2` beyond
    /// [`Geometry::max_lanes_log2`] becomes that limit (what [`Device::new`] builds).
    pub fn clamped(self, geometry: Geometry) -> DeviceConfig {
        DeviceConfig { lanes_log2: self.lanes_log2.min(geometry.max_lanes_log2()), ..self }
    }
}

/// An NCX-1 device: a core behind the ncx/1 command layer.
#[derive(Debug, Clone)]
pub struct Device {
    config: DeviceConfig,
    core: Core,
    decoder: Decoder,
    tx: Vec<u8>,
    run: Option<Run>,
    probes: Vec<u16>,
    history: History,
    outputs_sent: u64,
    last: Option<Cached>,
    hold: bool,
}

/// The bytes of a frame (never too long: every reply and output payload of this
/// module fits [`crate::wire::MAX_PAYLOAD`]).
fn frame(opcode: u8, seq: u8, payload: &[u8]) -> Vec<u8> {
    encode(opcode, seq, payload).unwrap_or_default()
}

/// A core timestep as it travels on the wire: its low 32 bits.
fn wire(timestep: u64) -> u32 {
    timestep as u32
}

impl Device {
    /// A device at power-on: a [`Core::with_lanes`] of `geometry` and
    /// `config.lanes_log2`, idle, no probes. A `lanes_log2` beyond what the geometry
    /// allows ([`Geometry::max_lanes_log2`]) is taken as that limit
    /// ([`DeviceConfig::clamped`]), and HELLO reports the lanes the device has.
    pub fn new(geometry: Geometry, config: DeviceConfig) -> Device {
        let config = config.clamped(geometry);
        Device::with_core(Core::power_on(geometry, config.lanes_log2), config)
    }

    /// A device around an existing core (its memories and state as they are), idle. It
    /// has the core's lanes ([`Core::lanes_log2`]), whatever `config.lanes_log2` says.
    pub fn with_core(core: Core, config: DeviceConfig) -> Device {
        let config = DeviceConfig { lanes_log2: core.lanes_log2(), ..config };
        Device {
            config,
            core,
            decoder: Decoder::new(),
            tx: Vec::new(),
            run: None,
            probes: Vec::new(),
            history: History::new(config.output_history.into()),
            outputs_sent: 0,
            last: None,
            hold: false,
        }
    }

    /// The core, as the commands so far have left it.
    pub fn core(&self) -> &Core {
        &self.core
    }

    /// What HELLO reports.
    pub fn info(&self) -> DeviceInfo {
        DeviceInfo::new(self.core.geometry(), &self.config)
    }

    /// What STATUS would report now.
    pub fn status(&self) -> DeviceStatus {
        let now = self.core.timestep().0;
        let stats = self.decoder.stats();
        let low = |x: u64| x as u32;
        DeviceStatus {
            running: self.run.is_some(),
            timestep: wire(now),
            steps_left: self.run.as_ref().map_or(0, |r| low(r.steps_left(now))),
            credits: self.credits(),
            overruns: low(self.core.overruns()),
            frames: low(stats.frames),
            header_errors: low(stats.header_errors),
            crc_errors: low(stats.crc_errors),
            bytes_discarded: low(stats.bytes_discarded),
            outputs_sent: low(self.outputs_sent),
        }
    }

    /// The receiver's counters.
    pub fn decoder_stats(&self) -> DecoderStats {
        self.decoder.stats()
    }

    /// Whether a run is in progress.
    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// Feed bytes from the host (any chunking): every complete command is executed and
    /// answered, and after each one every timestep whose input is present runs (unless
    /// held, see [`Device::set_hold`]).
    pub fn receive(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if let Some(Decoded::Frame(f)) = self.decoder.push(byte) {
                self.handle(f.opcode, f.seq, &f.payload);
                self.run_ready();
            }
        }
    }

    /// Append every byte the device has sent since the last call: replies and output
    /// frames, in the order sent.
    pub fn drain_tx(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.tx);
    }

    /// Hold (`true`) or release the core: a held device executes commands but runs no
    /// timestep, like a device whose core is still busy (paced, or slower than the
    /// link), so inputs pile up and credits run out. Releasing runs every ready timestep.
    pub fn set_hold(&mut self, hold: bool) {
        self.hold = hold;
        self.run_ready();
    }

    /// Run one timestep if its input is present (held or not): its report (which
    /// timestep, its compute cycles, ...), or `None` when none was ready.
    pub fn step(&mut self) -> Option<TimestepReport> {
        let run = self.run.as_mut()?;
        let now = self.core.timestep().0;
        if now >= run.end {
            self.run = None;
            return None;
        }
        let inputs = run.inputs.pop_front()?;
        let Ok(report) = self.core.run_timestep(&inputs, &mut NullSink) else {
            // Unreachable (the core is idle and the inputs were checked): end the run.
            self.run = None;
            return None;
        };
        self.send_output(now);
        if self.run.as_ref().is_some_and(|r| self.core.timestep().0 >= r.end) {
            self.run = None;
        }
        Some(report)
    }

    /// Whether [`Device::step`] would run a timestep now.
    pub(crate) fn timestep_ready(&self) -> bool {
        self.run.as_ref().is_some_and(|r| self.core.timestep().0 < r.end && !r.inputs.is_empty())
    }

    /// The receiver (the frame decoder and its state).
    pub(crate) fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    fn run_ready(&mut self) {
        while !self.hold && self.step().is_some() {}
    }

    /// The output frame of timestep `t`, just completed: sent and kept.
    fn send_output(&mut self, t: u64) {
        let probes = self
            .probes
            .iter()
            .filter_map(|&n| {
                let s = self.core.neuron_state(n.into()).ok()?;
                Some(ProbeSample { neuron: n, v: s.v, i: s.i })
            })
            .collect();
        let output = OutputFrame { timestep: wire(t), spikes: self.core.last_spikes().to_vec(), probes };
        let bytes = frame(OUTPUT_OPCODE, t as u8, &output.encode(self.core.geometry().neurons()));
        self.tx.extend_from_slice(&bytes);
        self.history.push(wire(t), bytes);
        self.outputs_sent += 1;
    }

    fn credits(&self) -> u16 {
        let now = self.core.timestep().0;
        self.run.as_ref().map_or(0, |r| r.credits(now, self.config.input_slots.into()))
    }

    /// One command frame: a duplicate of the last acknowledged command gets that
    /// command's response again; anything else is executed and answered.
    fn handle(&mut self, opcode: u8, seq: u8, payload: &[u8]) {
        let crc = {
            let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
            let len = (payload.len() as u16).to_le_bytes();
            let fields = [opcode, seq, len[0], len[1]];
            bytes.extend_from_slice(&fields);
            bytes.push(crate::wire::header_crc(&fields));
            bytes.extend_from_slice(payload);
            frame_crc(&bytes)
        };
        if let Some(last) = &self.last
            && last.seq == seq
            && last.crc == crc
        {
            self.tx.extend_from_slice(&last.response);
            self.outputs_sent += u64::from(last.outputs);
            return;
        }
        // An unknown opcode is answered with opcode 0x80: `opcode | 0x80` could be 0xC0,
        // the output frame's opcode.
        let reply_opcode = if Opcode::try_from(opcode).is_ok() { opcode | REPLY_BIT } else { REPLY_BIT };
        match self.execute(opcode, payload) {
            Ok((ack, extra)) => {
                let mut response = frame(reply_opcode, seq, &ack.encode());
                response.extend_from_slice(&extra);
                self.tx.extend_from_slice(&response);
                let outputs = if let Ack::Resend { count } = ack { count } else { 0 };
                self.last = Some(Cached { seq, crc, response, outputs });
            }
            Err(nak) => self.tx.extend_from_slice(&frame(reply_opcode, seq, &nak.encode())),
        }
    }

    /// Check and execute one command: its ACK and the bytes that follow the reply
    /// (RESEND's frames), or the NAK.
    fn execute(&mut self, opcode: u8, payload: &[u8]) -> Result<(Ack, Vec<u8>), Nak> {
        let request = Request::parse(opcode, payload, self.core.geometry())?;
        let now = self.core.timestep().0;
        let busy = Nak::new(StatusCode::Busy, wire(now));
        let region_nak = |e: RegionError| match e {
            RegionError::Range { size } => Nak::new(StatusCode::BadRange, size as u32),
            // Parsing has checked the records; the core is idle between timesteps.
            RegionError::Layout(_) => Nak::new(StatusCode::BadValue, 5),
            RegionError::Model(_) => busy,
        };
        let ack = match request {
            Request::Hello => Ack::Hello(self.info()),
            Request::Reset { scope } => {
                if self.run.is_some() {
                    return Err(busy);
                }
                match scope {
                    ResetScope::State => self.core.reset_state(),
                    ResetScope::All => self.core = Core::power_on(self.core.geometry(), self.core.lanes_log2()),
                }
                self.probes.clear();
                self.history.clear();
                self.outputs_sent = 0;
                Ack::Reset
            }
            Request::Write { region, offset, data } => {
                if self.run.is_some() {
                    return Err(busy);
                }
                region::write(&mut self.core, region, offset as usize, &data).map_err(region_nak)?;
                Ack::Write
            }
            Request::Read { region, offset, len } => {
                Ack::Read(region::read(&self.core, region, offset as usize, len.into()).map_err(region_nak)?)
            }
            Request::Crc { region, offset, len } => {
                Ack::Crc(region::crc(&self.core, region, offset as usize, len as usize).map_err(region_nak)?)
            }
            Request::Run { steps } => {
                if self.run.is_some() {
                    return Err(busy);
                }
                self.run = Some(Run::new(now, steps));
                Ack::Run { first: wire(now), credits: self.credits() }
            }
            Request::Stop => {
                self.run = None;
                Ack::Stop { next: wire(now) }
            }
            Request::Input { timestep, inputs } => {
                let credits = self.credits();
                let Some(run) = self.run.as_mut() else {
                    return Err(Nak::new(StatusCode::NotRunning, wire(now)));
                };
                let expected = wire(run.next_input(now));
                if timestep != expected {
                    return Err(Nak::new(StatusCode::BadTimestep, expected));
                }
                if credits == 0 {
                    return Err(Nak::new(StatusCode::NoCredit, wire(now)));
                }
                run.inputs.push_back(inputs);
                Ack::Input { credits: self.credits() }
            }
            Request::Probe { neurons } => {
                self.probes = neurons;
                Ack::Probe
            }
            Request::Status => Ack::Status(self.status()),
            Request::Resend { from } => {
                let mut extra = Vec::new();
                let mut count = 0u32;
                for bytes in self.history.since(from) {
                    extra.extend_from_slice(bytes);
                    count += 1;
                }
                self.outputs_sent += u64::from(count);
                return Ok((Ack::Resend { count }, extra));
            }
        };
        Ok((ack, Vec::new()))
    }
}
