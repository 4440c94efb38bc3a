//! What the host needs to know about each command of docs/protocol.md §8 beyond its
//! bytes (which the device model's `Opcode` and `request` builders define): how long
//! to wait for its reply (§11), and what a NAK means and what to do about it (§7).
//!
//! **Timeouts** (§11) are counted in byte times, `10 · divisor / clock_hz` (8N1: ten
//! bits per byte), plus [`SLACK`] (50 ms) for the host's scheduling and USB latency:
//!
//! - HELLO, RESET, STOP, PROBE, STATUS and RESEND: two maximal frames' worth,
//!   `2 · MAX_FRAME` byte times (for RESEND this covers its ACK; the output frames that
//!   follow are waited for by the run, each with [`super::Driver::output_timeout`]);
//! - WRITE, READ, CRC: the request frame's length plus the reply frame's length;
//! - RUN and INPUT: the same, plus the timestep period when the core is paced.

use std::time::Duration;

use ncx_model::device::{Nak, Opcode, StatusCode};
use ncx_model::wire::MAX_FRAME;

/// Added to every timeout: the host's scheduling and USB latency.
pub const SLACK: Duration = Duration::from_millis(50);
/// Retries after the first try (§11): the same frame, the same seq.
pub const RETRIES: u32 = 5;
/// The baud rate assumed until HELLO has told the real one: HELLO's timeout is
/// computed for it (a slower device needs a larger [`super::DriverOptions::handshake_baud`]).
pub const HANDSHAKE_BAUD: u32 = 115_200;

/// How long to wait for the reply to one try of `command` (module docs): `request`
/// and `reply` are the frame lengths in bytes, `byte_time` the link's byte time,
/// `period` the timestep period of a paced run (zero otherwise).
pub fn timeout(command: Opcode, request: usize, reply: usize, byte_time: Duration, period: Duration) -> Duration {
    let bytes = |n: usize| byte_time.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX));
    match command {
        Opcode::Hello | Opcode::Reset | Opcode::Stop | Opcode::Probe | Opcode::Status | Opcode::Resend => {
            bytes(2 * MAX_FRAME) + SLACK
        }
        Opcode::Write | Opcode::Read | Opcode::Crc => bytes(request + reply) + SLACK,
        Opcode::Run | Opcode::Input => bytes(request + reply) + SLACK + period,
    }
}

/// The byte time of a UART at `clock_hz / divisor` baud with 8N1 framing (10 bits).
pub fn byte_time(clock_hz: u32, divisor: u32) -> Duration {
    Duration::from_nanos(10 * u64::from(divisor.max(1)) * 1_000_000_000 / u64::from(clock_hz.max(1)))
}

/// What to do about a NAK.
pub fn nak_help(nak: &Nak) -> &'static str {
    match nak.status {
        StatusCode::UnknownOpcode | StatusCode::BadLength => {
            "the device's firmware speaks another version of ncx/1 than this host; compare `ncx info` with `ncx \
             --version`"
        }
        StatusCode::BadRegion | StatusCode::BadRange | StatusCode::BadValue => {
            "the request does not fit this device or holds a value the core cannot take; recompile the network \
             for the device `ncx info` describes"
        }
        StatusCode::Busy => "the device is running; wait for the run to end, or stop it with a new `ncx run`",
        StatusCode::NotRunning => "the run ended before all its inputs were sent; run again",
        StatusCode::NoCredit | StatusCode::BadTimestep => "the host and the device disagree on the run; run again",
        StatusCode::Ok => "nothing to do",
    }
}
