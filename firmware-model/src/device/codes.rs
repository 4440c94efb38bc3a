//! The numbers of the command layer (docs/protocol.md §7–§8), defined once: command
//! opcodes, reply and output opcodes, status codes, reset scopes and output formats.
//! The device model and the host driver both use these enums; nobody else writes the
//! numbers.

use std::fmt;

/// The ncx/1 protocol version a device reports in HELLO: major.
pub const PROTOCOL_MAJOR: u8 = 1;
/// The ncx/1 protocol version a device reports in HELLO: minor.
pub const PROTOCOL_MINOR: u8 = 0;
/// The bit a reply's opcode adds to its command's opcode.
pub const REPLY_BIT: u8 = 0x80;
/// The opcode of an output frame (one per timestep while running).
pub const OUTPUT_OPCODE: u8 = 0xC0;
/// The most neurons one PROBE may name.
pub const MAX_PROBES: usize = 16;
/// The most data bytes one WRITE carries (a 1024-byte payload less region and offset).
pub const MAX_WRITE: usize = 1019;
/// The most bytes one READ returns (a 1024-byte reply payload less the status byte).
pub const MAX_READ: usize = 1023;
/// The most input indices one INPUT carries (a 1024-byte payload less timestep and count).
pub const MAX_INPUTS: usize = 509;
/// HELLO's `features` bit 0: the core has STDP.
pub const FEATURE_STDP: u32 = 1 << 0;
/// HELLO's `features` bit 1: the core paces timesteps (the `period` of the configuration).
pub const FEATURE_PACING: u32 = 1 << 1;
/// HELLO's `features` bits 8..=11 hold the core's accumulate lanes as a power of two,
/// LanesLog2 (P = 2^LanesLog2 synapses accumulated per cycle, docs/semantics.md §6): 0
/// for one lane, so a one-lane device's `features` are those of protocol 1.0 before lanes.
pub const FEATURE_LANES_SHIFT: u32 = 8;
/// The bits of `features` that hold LanesLog2 (see [`FEATURE_LANES_SHIFT`]).
pub const FEATURE_LANES_MASK: u32 = 0xF << FEATURE_LANES_SHIFT;

/// A command, by its opcode (docs/protocol.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Opcode {
    /// Describe the device (protocol version, geometry, widths, clock, buffers).
    Hello = 0x01,
    /// Reset the state (scope 0) or everything (scope 1).
    Reset = 0x02,
    /// Write bytes into a region.
    Write = 0x03,
    /// Read bytes of a region.
    Read = 0x04,
    /// CRC-32 of bytes of a region.
    Crc = 0x05,
    /// Start a run of some timesteps.
    Run = 0x06,
    /// End the run after the current timestep.
    Stop = 0x07,
    /// The input spikes of one timestep of the run.
    Input = 0x08,
    /// Choose the neurons whose state every output frame reports.
    Probe = 0x09,
    /// The device's state and counters.
    Status = 0x0A,
    /// Send kept output frames again.
    Resend = 0x0B,
}

impl Opcode {
    /// Every command, in opcode order.
    pub const ALL: [Opcode; 11] = [
        Opcode::Hello,
        Opcode::Reset,
        Opcode::Write,
        Opcode::Read,
        Opcode::Crc,
        Opcode::Run,
        Opcode::Stop,
        Opcode::Input,
        Opcode::Probe,
        Opcode::Status,
        Opcode::Resend,
    ];

    /// The opcode of this command's reply (`opcode | 0x80`).
    pub const fn reply(self) -> u8 {
        self as u8 | REPLY_BIT
    }

    /// The command's name as docs/protocol.md writes it (`HELLO`, `WRITE`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Opcode::Hello => "HELLO",
            Opcode::Reset => "RESET",
            Opcode::Write => "WRITE",
            Opcode::Read => "READ",
            Opcode::Crc => "CRC",
            Opcode::Run => "RUN",
            Opcode::Stop => "STOP",
            Opcode::Input => "INPUT",
            Opcode::Probe => "PROBE",
            Opcode::Status => "STATUS",
            Opcode::Resend => "RESEND",
        }
    }
}

impl TryFrom<u8> for Opcode {
    type Error = u8;

    /// The command with this opcode; the opcode itself if there is none.
    fn try_from(value: u8) -> Result<Opcode, u8> {
        Opcode::ALL.into_iter().find(|op| *op as u8 == value).ok_or(value)
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The first byte of every reply (docs/protocol.md §7): ACK or the reason of a NAK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum StatusCode {
    /// Done; the command's data follows.
    Ok = 0x00,
    /// No such command; detail = the opcode.
    UnknownOpcode = 0x01,
    /// Payload length wrong for the command; detail = the length expected.
    BadLength = 0x02,
    /// No such region; detail = the region number.
    BadRegion = 0x03,
    /// Beyond the region or not whole records; detail = the region's size in bytes.
    BadRange = 0x04,
    /// A bad record, index or code; detail = its byte offset in the request payload.
    BadValue = 0x05,
    /// Refused while running; detail = the current timestep.
    Busy = 0x06,
    /// INPUT while idle; detail = the current timestep.
    NotRunning = 0x07,
    /// The input buffer is full; detail = the timestep the device is running.
    NoCredit = 0x08,
    /// INPUT for another timestep than the next one expected; detail = the expected one.
    BadTimestep = 0x09,
}

impl StatusCode {
    /// Every status, in code order.
    pub const ALL: [StatusCode; 10] = [
        StatusCode::Ok,
        StatusCode::UnknownOpcode,
        StatusCode::BadLength,
        StatusCode::BadRegion,
        StatusCode::BadRange,
        StatusCode::BadValue,
        StatusCode::Busy,
        StatusCode::NotRunning,
        StatusCode::NoCredit,
        StatusCode::BadTimestep,
    ];

    /// The status's name as docs/protocol.md writes it (`OK`, `BAD_RANGE`, …).
    pub const fn name(self) -> &'static str {
        match self {
            StatusCode::Ok => "OK",
            StatusCode::UnknownOpcode => "UNKNOWN_OPCODE",
            StatusCode::BadLength => "BAD_LENGTH",
            StatusCode::BadRegion => "BAD_REGION",
            StatusCode::BadRange => "BAD_RANGE",
            StatusCode::BadValue => "BAD_VALUE",
            StatusCode::Busy => "BUSY",
            StatusCode::NotRunning => "NOT_RUNNING",
            StatusCode::NoCredit => "NO_CREDIT",
            StatusCode::BadTimestep => "BAD_TIMESTEP",
        }
    }
}

impl TryFrom<u8> for StatusCode {
    type Error = u8;

    /// The status with this code; the code itself if there is none.
    fn try_from(value: u8) -> Result<StatusCode, u8> {
        StatusCode::ALL.into_iter().find(|s| *s as u8 == value).ok_or(value)
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A refused command: the status (never [`StatusCode::Ok`]) and its detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nak {
    /// Why.
    pub status: StatusCode,
    /// The number the status's row of docs/protocol.md §7 defines.
    pub detail: u32,
}

impl Nak {
    /// A NAK of `status` with `detail`.
    pub const fn new(status: StatusCode, detail: u32) -> Nak {
        Nak { status, detail }
    }

    /// The reply payload: the status byte and the detail (5 bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![self.status as u8];
        out.extend_from_slice(&self.detail.to_le_bytes());
        out
    }
}

impl fmt::Display for Nak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = self.detail;
        match self.status {
            StatusCode::Ok => write!(f, "OK"),
            StatusCode::UnknownOpcode => write!(f, "UNKNOWN_OPCODE: the device has no command 0x{detail:02x}"),
            StatusCode::BadLength => write!(f, "BAD_LENGTH: the payload should have {detail} bytes"),
            StatusCode::BadRegion => write!(f, "BAD_REGION: the device has no region {detail}"),
            StatusCode::BadRange => {
                write!(f, "BAD_RANGE: outside the region ({detail} bytes) or not whole records")
            }
            StatusCode::BadValue => write!(f, "BAD_VALUE: bad record, index or code at payload byte {detail}"),
            StatusCode::Busy => write!(f, "BUSY: the device is running (timestep {detail})"),
            StatusCode::NotRunning => write!(f, "NOT_RUNNING: the device is idle (timestep {detail})"),
            StatusCode::NoCredit => write!(f, "NO_CREDIT: the input buffer is full (running timestep {detail})"),
            StatusCode::BadTimestep => write!(f, "BAD_TIMESTEP: the device expects the input of timestep {detail}"),
        }
    }
}

impl std::error::Error for Nak {}

/// What RESET resets (docs/protocol.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ResetScope {
    /// The core's dynamic state (`Core::reset_state`), the run, buffered inputs, probes
    /// and kept output frames.
    State = 0,
    /// Everything of scope 0, and the memories and configuration to power-on (a fresh
    /// core with the device's accumulate lanes, `Core::with_lanes`).
    All = 1,
}

impl TryFrom<u8> for ResetScope {
    type Error = u8;

    /// The scope with this code; the code itself if there is none.
    fn try_from(value: u8) -> Result<ResetScope, u8> {
        match value {
            0 => Ok(ResetScope::State),
            1 => Ok(ResetScope::All),
            other => Err(other),
        }
    }
}

/// How an output frame carries its spikes (docs/protocol.md §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum OutputFormat {
    /// `count` u16 and `count` neuron indices, ascending.
    List = 0,
    /// N/8 bytes, bit n = neuron n, LSB-first.
    Bitmap = 1,
}

impl OutputFormat {
    /// The format an output frame uses for `spikes` spikes of `neurons` neurons: the list
    /// when `2 + 2·spikes < N/8`, else the bitmap.
    pub const fn choose(spikes: usize, neurons: usize) -> OutputFormat {
        if 2 + 2 * spikes < neurons / 8 { OutputFormat::List } else { OutputFormat::Bitmap }
    }
}

impl TryFrom<u8> for OutputFormat {
    type Error = u8;

    /// The format with this code; the code itself if there is none.
    fn try_from(value: u8) -> Result<OutputFormat, u8> {
        match value {
            0 => Ok(OutputFormat::List),
            1 => Ok(OutputFormat::Bitmap),
            other => Err(other),
        }
    }
}
