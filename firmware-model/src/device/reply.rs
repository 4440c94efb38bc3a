//! Reply and output payloads (docs/protocol.md §7, §8, §10), both ways: the device
//! encodes an [`Ack`] (or a [`Nak`]) and every [`OutputFrame`] with these types, and the
//! host parses them with the same types, so no layout is written twice.
//!
//! A reply payload is a status byte, then the ACK's data, or a NAK's u32 detail:
//! [`split`] separates them, [`Ack::parse`] reads the data of one command's ACK.

use std::fmt;

use super::DeviceConfig;
use super::codes::{
    FEATURE_LANES_MASK, FEATURE_LANES_SHIFT, FEATURE_PACING, FEATURE_STDP, MAX_PROBES, Nak, Opcode, OutputFormat,
    PROTOCOL_MAJOR, PROTOCOL_MINOR, StatusCode,
};
use crate::error::ModelError;
use crate::geometry::Geometry;
use crate::spec::FIELDS;
use crate::wire::MAX_PAYLOAD;

/// Why a reply or output payload cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplyError {
    /// The device refused the command.
    Nak(Nak),
    /// The payload is empty (no status byte).
    Empty,
    /// The status byte is not a status of docs/protocol.md §7.
    UnknownStatus {
        /// The byte.
        status: u8,
    },
    /// A payload of the wrong length.
    Length {
        /// What it is (`"HELLO data"`, `"NAK"`, `"output frame"`, …).
        what: &'static str,
        /// Bytes received.
        got: usize,
        /// Bytes expected.
        expected: usize,
    },
    /// A byte with an undefined value.
    Code {
        /// What it is (`"STATUS state"`, `"output format"`).
        what: &'static str,
        /// The byte.
        value: u8,
    },
    /// HELLO reports a geometry no NCX-1 core has.
    Geometry(ModelError),
    /// An output frame's spike list names a neuron ≥ N, or is not ascending.
    Spikes {
        /// The position in the list.
        position: usize,
        /// The neuron index.
        neuron: u16,
    },
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyError::Nak(nak) => write!(f, "the device refused the command: {nak}"),
            ReplyError::Empty => write!(f, "an empty reply (no status byte)"),
            ReplyError::UnknownStatus { status } => write!(f, "a reply with the unknown status 0x{status:02x}"),
            ReplyError::Length { what, got, expected } => {
                write!(f, "the {what} has {got} bytes; it should have {expected}")
            }
            ReplyError::Code { what, value } => write!(f, "the {what} is {value}, which means nothing"),
            ReplyError::Geometry(e) => write!(f, "the device reports an impossible geometry: {e}"),
            ReplyError::Spikes { position, neuron } => {
                write!(
                    f,
                    "entry {position} of the output frame's spike list, neuron {neuron}, is out of order or range"
                )
            }
        }
    }
}

impl std::error::Error for ReplyError {}

/// A little-endian reader over a payload that must be consumed exactly.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn take<const K: usize>(&mut self) -> [u8; K] {
        let mut out = [0u8; K];
        if let Some(src) = self.bytes.get(self.at..self.at + K) {
            out.copy_from_slice(src);
        }
        self.at += K;
        out
    }

    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.take())
    }
}

fn exact(what: &'static str, data: &[u8], expected: usize) -> Result<(), ReplyError> {
    if data.len() == expected { Ok(()) } else { Err(ReplyError::Length { what, got: data.len(), expected }) }
}

/// The reply payload of an ACK: status 0 and `data`.
pub fn ack(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + data.len());
    out.push(StatusCode::Ok as u8);
    out.extend_from_slice(data);
    out
}

/// Split a reply payload: the ACK's data, or the NAK ([`ReplyError::Nak`]), or why the
/// payload is neither.
pub fn split(payload: &[u8]) -> Result<&[u8], ReplyError> {
    let (&status, rest) = payload.split_first().ok_or(ReplyError::Empty)?;
    let status = StatusCode::try_from(status).map_err(|status| ReplyError::UnknownStatus { status })?;
    if status == StatusCode::Ok {
        return Ok(rest);
    }
    let detail: [u8; 4] =
        rest.try_into().map_err(|_| ReplyError::Length { what: "NAK", got: payload.len(), expected: NAK_LEN })?;
    Err(ReplyError::Nak(Nak::new(status, u32::from_le_bytes(detail))))
}

/// What HELLO reports (docs/protocol.md §8, 60 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Protocol version, major (1).
    pub version_major: u8,
    /// Protocol version, minor (0).
    pub version_minor: u8,
    /// N and M.
    pub geometry: Geometry,
    /// The widths table: per field of `spec::FIELDS`, (bits, signed as 0 or 1).
    pub widths: [[u8; 2]; 15],
    /// The core clock in Hz.
    pub clock_hz: u32,
    /// The UART divisor: baud = `clock_hz / baud_divisor`.
    pub baud_divisor: u32,
    /// An identifier of the bitstream (or of the model build).
    pub build_id: [u8; 8],
    /// Feature bits: [`FEATURE_STDP`], [`FEATURE_PACING`], and the accumulate lanes in
    /// bits 8..=11 ([`FEATURE_LANES_SHIFT`], [`DeviceInfo::lanes_log2`]).
    pub features: u32,
    /// The largest payload the device buffers (1024).
    pub max_payload: u16,
    /// Timesteps of input the device holds (the credits of a fresh run).
    pub input_slots: u8,
    /// Output frames the device keeps for RESEND.
    pub output_history: u8,
}

/// Bytes of HELLO's data.
pub const HELLO_LEN: usize = 60;
/// Bytes of STATUS's data.
pub const STATUS_LEN: usize = 35;
/// Bytes of a NAK's reply payload: the status byte and the u32 detail.
pub const NAK_LEN: usize = 5;

/// The widths table of this model's core: `spec::FIELDS` as (bits, signed) pairs.
pub fn widths() -> [[u8; 2]; 15] {
    FIELDS.map(|f| [u8::try_from(f.bits).unwrap_or(u8::MAX), u8::from(f.signed)])
}

impl DeviceInfo {
    /// HELLO's data for a device of this model with `geometry` and the clock, buffers,
    /// build id and accumulate lanes of `config` (protocol 1.0, `spec::FIELDS`, STDP and
    /// pacing; the lanes' low 4 bits in `features` bits 8..=11).
    pub fn new(geometry: Geometry, config: &DeviceConfig) -> DeviceInfo {
        let lanes = (u32::from(config.lanes_log2) << FEATURE_LANES_SHIFT) & FEATURE_LANES_MASK;
        DeviceInfo {
            version_major: PROTOCOL_MAJOR,
            version_minor: PROTOCOL_MINOR,
            geometry,
            widths: widths(),
            clock_hz: config.clock_hz,
            baud_divisor: config.baud_divisor,
            build_id: config.build_id,
            features: FEATURE_STDP | FEATURE_PACING | lanes,
            max_payload: MAX_PAYLOAD as u16,
            input_slots: config.input_slots,
            output_history: config.output_history,
        }
    }

    /// The core's accumulate lanes as a power of two, from `features` bits 8..=11
    /// (P = 2^lanes_log2; 0 for a device that predates lanes).
    pub fn lanes_log2(&self) -> u8 {
        ((self.features & FEATURE_LANES_MASK) >> FEATURE_LANES_SHIFT) as u8
    }

    /// The device's build parameters as HELLO reports them: what [`Device::new`] needs
    /// to model this device (with [`DeviceInfo::geometry`]).
    ///
    /// [`Device::new`]: super::Device::new
    pub fn config(&self) -> DeviceConfig {
        DeviceConfig {
            clock_hz: self.clock_hz,
            baud_divisor: self.baud_divisor,
            build_id: self.build_id,
            input_slots: self.input_slots,
            output_history: self.output_history,
            lanes_log2: self.lanes_log2(),
        }
    }

    /// The actual baud rate, `clock_hz / baud_divisor` (0 for a divisor of 0).
    pub fn baud(&self) -> f64 {
        if self.baud_divisor == 0 { 0.0 } else { f64::from(self.clock_hz) / f64::from(self.baud_divisor) }
    }

    /// Whether the widths table equals this model's (`spec::FIELDS`).
    pub fn widths_match(&self) -> bool {
        self.widths == widths()
    }

    /// HELLO's 60 data bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HELLO_LEN);
        out.extend_from_slice(&[self.version_major, self.version_minor]);
        // A geometry holds at most 1024 neurons and inputs: both fit 16 bits.
        out.extend_from_slice(&(self.geometry.neurons() as u16).to_le_bytes());
        out.extend_from_slice(&(self.geometry.inputs() as u16).to_le_bytes());
        out.extend(self.widths.iter().flatten());
        out.extend_from_slice(&self.clock_hz.to_le_bytes());
        out.extend_from_slice(&self.baud_divisor.to_le_bytes());
        out.extend_from_slice(&self.build_id);
        out.extend_from_slice(&self.features.to_le_bytes());
        out.extend_from_slice(&self.max_payload.to_le_bytes());
        out.extend_from_slice(&[self.input_slots, self.output_history]);
        out
    }

    /// Parse HELLO's data (the geometry must be valid; the widths and version are
    /// returned as found, for the host to compare).
    pub fn parse(data: &[u8]) -> Result<DeviceInfo, ReplyError> {
        exact("HELLO data", data, HELLO_LEN)?;
        let mut r = Reader::new(data);
        let (version_major, version_minor) = (r.u8(), r.u8());
        let (n, m) = (r.u16(), r.u16());
        let geometry = Geometry::new(n.into(), m.into()).map_err(ReplyError::Geometry)?;
        let mut widths = [[0u8; 2]; 15];
        for w in &mut widths {
            *w = r.take();
        }
        Ok(DeviceInfo {
            version_major,
            version_minor,
            geometry,
            widths,
            clock_hz: r.u32(),
            baud_divisor: r.u32(),
            build_id: r.take(),
            features: r.u32(),
            max_payload: r.u16(),
            input_slots: r.u8(),
            output_history: r.u8(),
        })
    }
}

/// What STATUS reports (docs/protocol.md §8, 35 bytes). Counters are modulo 2^32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeviceStatus {
    /// Whether a run is in progress.
    pub running: bool,
    /// The next timestep to run.
    pub timestep: u32,
    /// Timesteps left in the run (0 when idle).
    pub steps_left: u32,
    /// INPUTs the device accepts now (0 when idle).
    pub credits: u16,
    /// Paced timesteps longer than the period, since reset.
    pub overruns: u32,
    /// Frames the receiver delivered (this STATUS included).
    pub frames: u32,
    /// Headers the receiver rejected.
    pub header_errors: u32,
    /// Frames the receiver dropped for a wrong CRC.
    pub crc_errors: u32,
    /// Bytes the receiver discarded.
    pub bytes_discarded: u32,
    /// Output frames sent (re-sent ones included) since reset.
    pub outputs_sent: u32,
}

impl DeviceStatus {
    /// STATUS's 35 data bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(STATUS_LEN);
        out.push(u8::from(self.running));
        out.extend_from_slice(&self.timestep.to_le_bytes());
        out.extend_from_slice(&self.steps_left.to_le_bytes());
        out.extend_from_slice(&self.credits.to_le_bytes());
        for x in
            [self.overruns, self.frames, self.header_errors, self.crc_errors, self.bytes_discarded, self.outputs_sent]
        {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    }

    /// Parse STATUS's data.
    pub fn parse(data: &[u8]) -> Result<DeviceStatus, ReplyError> {
        exact("STATUS data", data, STATUS_LEN)?;
        let mut r = Reader::new(data);
        let running = match r.u8() {
            0 => false,
            1 => true,
            value => return Err(ReplyError::Code { what: "STATUS state", value }),
        };
        Ok(DeviceStatus {
            running,
            timestep: r.u32(),
            steps_left: r.u32(),
            credits: r.u16(),
            overruns: r.u32(),
            frames: r.u32(),
            header_errors: r.u32(),
            crc_errors: r.u32(),
            bytes_discarded: r.u32(),
            outputs_sent: r.u32(),
        })
    }
}

/// The data of an ACK, per command (docs/protocol.md §8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ack {
    /// HELLO: the device description.
    Hello(DeviceInfo),
    /// RESET: done.
    Reset,
    /// WRITE: done.
    Write,
    /// READ: the bytes.
    Read(Vec<u8>),
    /// CRC: the CRC-32/ISO-HDLC of the bytes.
    Crc(u32),
    /// RUN: the run's first timestep and the credits.
    Run {
        /// The first timestep of the run.
        first: u32,
        /// INPUTs the host may send ahead.
        credits: u16,
    },
    /// STOP: the next timestep that would run.
    Stop {
        /// The core's timestep counter after the run.
        next: u32,
    },
    /// INPUT: the credits left.
    Input {
        /// INPUTs the host may still send ahead.
        credits: u16,
    },
    /// PROBE: done.
    Probe,
    /// STATUS: the state and counters.
    Status(DeviceStatus),
    /// RESEND: how many output frames follow.
    Resend {
        /// Output frames sent after this reply.
        count: u32,
    },
}

impl Ack {
    /// The command this ACK answers.
    pub fn opcode(&self) -> Opcode {
        match self {
            Ack::Hello(_) => Opcode::Hello,
            Ack::Reset => Opcode::Reset,
            Ack::Write => Opcode::Write,
            Ack::Read(_) => Opcode::Read,
            Ack::Crc(_) => Opcode::Crc,
            Ack::Run { .. } => Opcode::Run,
            Ack::Stop { .. } => Opcode::Stop,
            Ack::Input { .. } => Opcode::Input,
            Ack::Probe => Opcode::Probe,
            Ack::Status(_) => Opcode::Status,
            Ack::Resend { .. } => Opcode::Resend,
        }
    }

    /// The ACK's data, without the status byte.
    pub fn data(&self) -> Vec<u8> {
        match self {
            Ack::Hello(info) => info.encode(),
            Ack::Reset | Ack::Write | Ack::Probe => Vec::new(),
            Ack::Read(bytes) => bytes.clone(),
            Ack::Crc(x) | Ack::Stop { next: x } | Ack::Resend { count: x } => x.to_le_bytes().to_vec(),
            Ack::Run { first, credits } => {
                let mut out = first.to_le_bytes().to_vec();
                out.extend_from_slice(&credits.to_le_bytes());
                out
            }
            Ack::Input { credits } => credits.to_le_bytes().to_vec(),
            Ack::Status(status) => status.encode(),
        }
    }

    /// The reply payload: status 0 and the data.
    pub fn encode(&self) -> Vec<u8> {
        ack(&self.data())
    }

    /// The length of the data of an ACK to `opcode` (docs/protocol.md §8); `None` for
    /// READ, whose data is as long as the request asked.
    pub const fn data_len(opcode: Opcode) -> Option<usize> {
        match opcode {
            Opcode::Hello => Some(HELLO_LEN),
            Opcode::Reset | Opcode::Write | Opcode::Probe => Some(0),
            Opcode::Read => None,
            Opcode::Crc | Opcode::Stop | Opcode::Resend => Some(4),
            Opcode::Run => Some(6),
            Opcode::Input => Some(2),
            Opcode::Status => Some(STATUS_LEN),
        }
    }

    /// Parse the reply payload of command `opcode`: its ACK, or the NAK as
    /// [`ReplyError::Nak`]. A READ's bytes are returned as they came (the caller
    /// compares their count with the length it asked for).
    pub fn parse(opcode: Opcode, payload: &[u8]) -> Result<Ack, ReplyError> {
        let data = split(payload)?;
        let mut r = Reader::new(data);
        let fixed = || exact("ACK data", data, Ack::data_len(opcode).unwrap_or(data.len()));
        Ok(match opcode {
            Opcode::Hello => Ack::Hello(DeviceInfo::parse(data)?),
            Opcode::Reset => fixed().map(|()| Ack::Reset)?,
            Opcode::Write => fixed().map(|()| Ack::Write)?,
            Opcode::Probe => fixed().map(|()| Ack::Probe)?,
            Opcode::Read => Ack::Read(data.to_vec()),
            Opcode::Crc => fixed().map(|()| Ack::Crc(r.u32()))?,
            Opcode::Run => fixed().map(|()| Ack::Run { first: r.u32(), credits: r.u16() })?,
            Opcode::Stop => fixed().map(|()| Ack::Stop { next: r.u32() })?,
            Opcode::Input => fixed().map(|()| Ack::Input { credits: r.u16() })?,
            Opcode::Status => Ack::Status(DeviceStatus::parse(data)?),
            Opcode::Resend => fixed().map(|()| Ack::Resend { count: r.u32() })?,
        })
    }
}

/// The state of one probed neuron after a timestep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeSample {
    /// The neuron.
    pub neuron: u16,
    /// Its membrane potential.
    pub v: i32,
    /// Its synaptic current.
    pub i: i32,
}

/// One output frame's content (docs/protocol.md §10).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutputFrame {
    /// The timestep (low 32 bits).
    pub timestep: u32,
    /// The neurons that fired, ascending.
    pub spikes: Vec<u16>,
    /// The probed neurons' state, in PROBE order.
    pub probes: Vec<ProbeSample>,
}

impl OutputFrame {
    /// The output payload for a core of `neurons` neurons, with the spike format that
    /// [`OutputFormat::choose`] picks. `spikes` must be ascending and < `neurons`; at
    /// most 16 probes are written.
    pub fn encode(&self, neurons: usize) -> Vec<u8> {
        let mut out = self.timestep.to_le_bytes().to_vec();
        let format = OutputFormat::choose(self.spikes.len(), neurons);
        out.push(format as u8);
        match format {
            OutputFormat::List => {
                // The list is chosen only for fewer than N/16 spikes: the count fits 16 bits.
                out.extend_from_slice(&(self.spikes.len() as u16).to_le_bytes());
                for s in &self.spikes {
                    out.extend_from_slice(&s.to_le_bytes());
                }
            }
            OutputFormat::Bitmap => {
                let mut map = vec![0u8; neurons / 8];
                for &s in &self.spikes {
                    if let Some(byte) = map.get_mut(usize::from(s) / 8) {
                        *byte |= 1 << (s % 8);
                    }
                }
                out.extend_from_slice(&map);
            }
        }
        let probes = &self.probes[..self.probes.len().min(MAX_PROBES)];
        out.push(probes.len() as u8);
        for p in probes {
            out.extend_from_slice(&p.neuron.to_le_bytes());
            out.extend_from_slice(&p.v.to_le_bytes());
            out.extend_from_slice(&p.i.to_le_bytes());
        }
        out
    }

    /// The spike format of an output payload (its byte 4), if it has one.
    pub fn format_of(payload: &[u8]) -> Option<Result<OutputFormat, u8>> {
        payload.get(4).map(|&b| OutputFormat::try_from(b))
    }

    /// Parse an output payload from a core of `neurons` neurons. Either spike format is
    /// accepted; a list must be ascending and name neurons < N.
    pub fn parse(payload: &[u8], neurons: usize) -> Result<OutputFrame, ReplyError> {
        let short = |expected: usize| ReplyError::Length { what: "output frame", got: payload.len(), expected };
        if payload.len() < 5 {
            return Err(short(5));
        }
        let mut r = Reader::new(payload);
        let timestep = r.u32();
        let format = r.u8();
        let mut spikes = Vec::new();
        match OutputFormat::try_from(format) {
            Ok(OutputFormat::List) => {
                if payload.len() < 7 {
                    return Err(short(7));
                }
                let count = usize::from(r.u16());
                if payload.len() < 8 + 2 * count {
                    return Err(short(8 + 2 * count));
                }
                for position in 0..count {
                    let neuron = r.u16();
                    if usize::from(neuron) >= neurons || spikes.last().is_some_and(|&last| last >= neuron) {
                        return Err(ReplyError::Spikes { position, neuron });
                    }
                    spikes.push(neuron);
                }
            }
            Ok(OutputFormat::Bitmap) => {
                let bytes = neurons / 8;
                if payload.len() < 6 + bytes {
                    return Err(short(6 + bytes));
                }
                for (k, &b) in payload[5..5 + bytes].iter().enumerate() {
                    for bit in 0..8 {
                        if b >> bit & 1 == 1 {
                            spikes.push((k * 8 + bit) as u16);
                        }
                    }
                }
                r.at += bytes;
            }
            Err(value) => return Err(ReplyError::Code { what: "output format", value }),
        }
        let count = usize::from(r.u8());
        exact("output frame", payload, r.at + 10 * count)?;
        let probes = (0..count).map(|_| ProbeSample { neuron: r.u16(), v: r.i32(), i: r.i32() }).collect();
        Ok(OutputFrame { timestep, spikes, probes })
    }
}
