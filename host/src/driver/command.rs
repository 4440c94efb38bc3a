//! What the host needs to know about each command of docs/protocol.md §8 beyond its
//! bytes (which the device model's `Opcode` and `request` builders define): how long
//! to wait for its reply (§11), and what a NAK means and what to do about it (§7).
//!
//! **Timeouts** (§11) are counted in byte times, `10 · divisor / clock_hz` (8N1: ten
//! bits per byte), plus a slack for the host's scheduling and USB latency
//! ([`super::DriverOptions::slack`], [`SLACK`] = 50 ms by default; a device slower than
//! real time, such as the RTL virtual board of `ncx emulate --backend verilator`, needs
//! seconds — `--slack` on the command line):
//!
//! - HELLO, RESET, STOP, PROBE, STATUS and RESEND: two maximal frames' worth,
//!   `2 · MAX_FRAME` byte times (for RESEND this covers its ACK; the output frames that
//!   follow are waited for by the run, each with [`super::Channel::output_timeout`]);
//! - WRITE, READ, CRC: the request frame's length plus the reply frame's length;
//! - RUN and INPUT: the same, plus the timestep period when the core is paced.
//!
//! **Retries** ([`RETRIES`] = 5 by default) cover a lost frame now and then, as on a
//! cable. When a command still gets no reply but something came back, the link is
//! noisy, and [`suggested_retries`] says how many retries would likely have got the
//! command through: with `tries` frames sent in the session and `replies` of them
//! answered, one try gets through with probability about `p = (replies + 1) / (tries +
//! 2)`; the suggestion is the smallest `n` with `(1 − p)^(n + 1) ≤ 10⁻⁴` (one command in
//! 10 000 still failing), at most 1000, and at least `2 · (retries + 1)`.

use std::time::Duration;

use ncx_model::device::{Nak, Opcode, StatusCode};
use ncx_model::wire::MAX_FRAME;

/// Added to every timeout by default ([`super::DriverOptions::slack`]): the host's
/// scheduling and USB latency.
pub const SLACK: Duration = Duration::from_millis(50);
/// The largest slack a session uses ([`super::DriverOptions::slack`]): an hour; more
/// is taken as an hour.
pub const MAX_SLACK: Duration = Duration::from_secs(3600);
/// Retries after the first try (§11): the same frame, the same seq.
pub const RETRIES: u32 = 5;
/// The baud rate assumed until HELLO has told the real one: HELLO's timeout is
/// computed for it (a slower device needs a larger [`super::DriverOptions::handshake_baud`]).
pub const HANDSHAKE_BAUD: u32 = 115_200;

/// How long to wait for the reply to one try of `command` (module docs): `request`
/// and `reply` are the frame lengths in bytes, `byte_time` the link's byte time,
/// `period` the timestep period of a paced run (zero otherwise), `slack` the wait on
/// top of the byte times ([`SLACK`] by default). Saturates at [`Duration::MAX`].
pub fn timeout(
    command: Opcode,
    request: usize,
    reply: usize,
    byte_time: Duration,
    period: Duration,
    slack: Duration,
) -> Duration {
    let bytes = |n: usize| byte_time.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX));
    match command {
        Opcode::Hello | Opcode::Reset | Opcode::Stop | Opcode::Probe | Opcode::Status | Opcode::Resend => {
            bytes(2 * MAX_FRAME).saturating_add(slack)
        }
        Opcode::Write | Opcode::Read | Opcode::Crc => bytes(request + reply).saturating_add(slack),
        Opcode::Run | Opcode::Input => bytes(request + reply).saturating_add(slack).saturating_add(period),
    }
}

/// Each command fails at most this often with [`suggested_retries`] retries.
const FAILURE_TARGET: f64 = 1e-4;
/// The largest retry count [`suggested_retries`] gives.
const MAX_SUGGESTED: u32 = 1000;

/// A retry count for a noisy link (module docs): `tries` frames sent so far in the
/// session, `replies` of them answered, `retries` the count that was not enough.
pub fn suggested_retries(tries: u64, replies: u64, retries: u32) -> u32 {
    let p = (replies.min(tries) as f64 + 1.0) / (tries as f64 + 2.0);
    let needed = (FAILURE_TARGET.ln() / (1.0 - p).ln()).ceil() - 1.0;
    let floor = retries.saturating_add(1).saturating_mul(2);
    // `needed` is finite and at least 0: 0 < p < 1.
    (needed.min(f64::from(MAX_SUGGESTED)) as u32).max(floor)
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn every_timeout_adds_the_slack_asked_for() {
        let byte = byte_time(100_000_000, 100); // 10 µs at 1 Mbaud
        let period = Duration::from_millis(3);
        let all = [
            Opcode::Hello,
            Opcode::Reset,
            Opcode::Stop,
            Opcode::Probe,
            Opcode::Status,
            Opcode::Resend,
            Opcode::Write,
            Opcode::Read,
            Opcode::Crc,
            Opcode::Run,
            Opcode::Input,
        ];
        for command in all {
            let default = timeout(command, 20, 11, byte, period, SLACK);
            let patient = timeout(command, 20, 11, byte, period, Duration::from_secs(5));
            let none = timeout(command, 20, 11, byte, period, Duration::ZERO);
            assert_eq!(default - none, SLACK, "{command}");
            assert_eq!(patient - none, Duration::from_secs(5), "{command}");
            assert_eq!(timeout(command, 20, 11, byte, period, Duration::MAX), Duration::MAX, "{command}");
        }
        // The byte times themselves: two maximal frames, or the frames both ways.
        assert_eq!(timeout(Opcode::Hello, 20, 11, byte, period, SLACK), byte * 2 * MAX_FRAME as u32 + SLACK);
        assert_eq!(timeout(Opcode::Write, 20, 11, byte, period, SLACK), byte * 31 + SLACK);
        assert_eq!(timeout(Opcode::Input, 20, 11, byte, period, SLACK), byte * 31 + SLACK + period);
    }

    #[test]
    fn a_failed_handshake_suggests_several_dozen_retries() {
        // HELLO failed 6 tries of 6: p = 1/8, (7/8)^69 ≤ 10⁻⁴ < (7/8)^68.
        assert_eq!(suggested_retries(6, 0, 5), 68);
        // Half the tries got through: (1/2)^14 ≤ 10⁻⁴.
        assert_eq!(suggested_retries(100, 50, 5), 13);
        // A clean session still gets at least twice the tries that failed.
        assert_eq!(suggested_retries(1000, 994, 5), 12);
        // Hopeless links are capped, but never below the floor.
        assert_eq!(suggested_retries(100_000, 0, 5), 1000);
        assert_eq!(suggested_retries(10, 0, 900), 1802);
    }

    proptest! {
        #[test]
        fn the_suggestion_is_larger_and_meets_the_target(tries in 0u64..1_000_000, replied in 0.0f64..=1.0, retries in 0u32..200) {
            let replies = (tries as f64 * replied) as u64;
            let n = suggested_retries(tries, replies, retries);
            prop_assert!(n > retries);
            let p = (replies as f64 + 1.0) / (tries as f64 + 2.0);
            if n < MAX_SUGGESTED {
                prop_assert!((1.0 - p).powf(f64::from(n) + 1.0) <= FAILURE_TARGET * (1.0 + 1e-9));
            }
        }
    }
}
