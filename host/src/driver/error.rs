//! Why a driver call failed: the link broke, the device refused a command (a NAK, with
//! its reason and detail), no reply came after every retry, a reply made no sense, the
//! device does not fit the image, or a verification found a difference.
//!
//! A [`DriverError::Timeout`] carries what the link showed while the command waited
//! ([`LinkActivity`]), because the advice differs: when nothing at all came back the
//! device is off, unconfigured or not connected (the message says so); when bytes came
//! back — damaged frames, cut-off frames, replies to other tries — the device is there
//! and the link is noisy, and the message gives the counts and a larger `--retries`
//! (docs/reliability.md §4).

use std::fmt;
use std::time::Duration;

use ncx_model::Geometry;

use ncx_model::device::{Nak, Opcode};
use ncx_model::wire::layout::Region;

use super::command::nak_help;
use crate::link::LinkError;

/// Why a driver call failed. Every message names the command and says what to do.
#[derive(Debug)]
#[non_exhaustive]
pub enum DriverError {
    /// The link failed (cannot open, I/O error, closed).
    Link(LinkError),
    /// The device answered the command with a NAK.
    Nak {
        /// The command refused.
        command: Opcode,
        /// The reason and its detail.
        nak: Nak,
    },
    /// No reply came, after the first try and every retry.
    Timeout {
        /// The command that got no reply.
        command: Opcode,
        /// The link's name (the port).
        link: String,
        /// How many times the frame was sent.
        attempts: u32,
        /// How long each attempt waited.
        timeout: Duration,
        /// The last command the device acknowledged, if any.
        last_acked: Option<Opcode>,
        /// What came back over the link during the attempts (boxed: it keeps every
        /// `Result` of the driver small).
        seen: Box<LinkActivity>,
        /// How long the attempts took in all (less than `attempts · timeout` when the
        /// link can tell that nothing more will come, as the in-process model can).
        elapsed: Duration,
        /// A retry count that would likely have got the command through, from the
        /// tries of the session so far ([`super::suggested_retries`]).
        suggested_retries: u32,
    },
    /// A reply arrived but its data is not what the command returns.
    BadReply {
        /// The command.
        command: Opcode,
        /// What is wrong with it.
        problem: String,
    },
    /// The device speaks another major version of the protocol.
    Version {
        /// The device's version (major, minor).
        device: (u8, u8),
        /// The version this driver speaks (major, minor).
        host: (u8, u8),
    },
    /// The image was built for another core than the device's.
    Mismatch {
        /// What differs (`"geometry"` or the name of a field width).
        what: String,
        /// The image's value.
        image: String,
        /// The device's value.
        device: String,
    },
    /// A region's CRC on the device differs from the image's after an upload.
    Crc {
        /// The region.
        region: Region,
        /// The CRC-32 of the image's bytes.
        expected: u32,
        /// The CRC-32 the device computed.
        got: u32,
    },
    /// A region read back differs from the image.
    Differs {
        /// The region.
        region: Region,
        /// Byte offset of the first difference.
        offset: usize,
        /// The image's byte.
        expected: u8,
        /// The device's byte.
        got: u8,
    },
    /// A run could not be done as asked.
    Run {
        /// What went wrong.
        problem: String,
        /// What to do.
        help: &'static str,
    },
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriverError::Link(e) => {
                write!(f, "{e}\nhelp: check the cable and the port name (`ncx ports` lists the serial ports)")
            }
            DriverError::Nak { command, nak } => {
                write!(f, "the device refused {command}: {nak} (detail {})\nhelp: {}", nak.detail, nak_help(nak))
            }
            DriverError::Timeout { command, link, attempts, timeout, last_acked, seen, elapsed, suggested_retries } => {
                let last = last_acked.map_or_else(|| "none".to_owned(), |c| c.to_string());
                let ms = timeout.as_millis();
                if seen.is_silent() {
                    write!(
                        f,
                        "no reply to {command} on {link} after {attempts} attempts of {ms} ms each (last command \
                         acknowledged: {last})\nnothing at all came back ({:.2} s)\nhelp: check that the device is \
                         powered, configured with the NCX-1 bitstream and connected to {link}, and that nothing else \
                         uses the port; `ncx doctor --target {link}` checks the link",
                        elapsed.as_secs_f64()
                    )
                } else {
                    write!(
                        f,
                        "no reply to {command} on {link} after {attempts} attempts (each waiting up to {ms} ms, \
                         {:.2} s in all; last command acknowledged: {last}): the link is noisy\nwhat came back: {seen}\n\
                         help: the device answers, but its replies or the requests were damaged on the way; run \
                         again with more retries, e.g. `--retries {suggested_retries}`, and `ncx doctor --target \
                         {link} --retries {suggested_retries}` measures the link",
                        elapsed.as_secs_f64()
                    )
                }
            }
            DriverError::BadReply { command, problem } => write!(
                f,
                "the reply to {command} makes no sense: {problem}\nhelp: the device's firmware may not speak \
                 ncx/1 as this host does; check `ncx info` and update the bitstream or ncx"
            ),
            DriverError::Version { device, host } => write!(
                f,
                "the device speaks ncx/{}.{} but this host speaks ncx/{}.{}\nhelp: use a version of ncx and a \
                 bitstream with the same major protocol version",
                device.0, device.1, host.0, host.1
            ),
            DriverError::Mismatch { what, image, device } => write!(
                f,
                "the image does not fit the device: {what} is {image} in the image but {device} on the device\n\
                 help: recompile the network for this device (`ncx info` shows its geometry and widths)"
            ),
            DriverError::Crc { region, expected, got } => write!(
                f,
                "verification failed: region {} ({region}) has CRC-32 {got:#010x} on the device but \
                 {expected:#010x} in the image\nhelp: flash again; if it keeps failing, `ncx flash --verify full` \
                 shows the first differing byte",
                *region as u8
            ),
            DriverError::Differs { region, offset, expected, got } => write!(
                f,
                "verification failed: region {} ({region}) byte {offset} is {got:#04x} on the device but \
                 {expected:#04x} in the image\nhelp: flash again; if the same byte keeps failing, the device's \
                 memory may be faulty",
                *region as u8
            ),
            DriverError::Run { problem, help } => write!(f, "{problem}\nhelp: {help}"),
        }
    }
}

/// The link's error is part of the message, so it is not also a `source`.
impl std::error::Error for DriverError {}

impl From<LinkError> for DriverError {
    fn from(e: LinkError) -> Self {
        DriverError::Link(e)
    }
}

/// What came back over the link while a command waited for its reply: the evidence
/// that tells a noisy link (something came back) from a dead one (nothing did).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkActivity {
    /// Bytes received.
    pub bytes: u64,
    /// Output frames received (intact).
    pub outputs: u64,
    /// Frames the host's decoder dropped for a wrong CRC-32.
    pub crc_errors: u64,
    /// Frame headers the host's decoder rejected (wrong header CRC or length).
    pub header_errors: u64,
    /// Frames whose start arrived but not their end before the attempt gave up.
    pub partial_frames: u64,
    /// Replies with another seq or opcode than the one awaited.
    pub stale_replies: u64,
    /// Resynchronisations the host sent (one before each retry).
    pub resyncs: u64,
}

impl LinkActivity {
    /// Whether nothing at all came back.
    pub fn is_silent(&self) -> bool {
        self.bytes == 0
    }
}

/// `412 bytes, 3 CRC errors, 1 header error, 2 partial frames, 0 stale replies, 0 output
/// frames; 5 resynchronisations sent`.
impl fmt::Display for LinkActivity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{}, {}, {}, {}, {}, {}; {} sent",
            plural(self.bytes, "byte", "bytes"),
            plural(self.crc_errors, "CRC error", "CRC errors"),
            plural(self.header_errors, "header error", "header errors"),
            plural(self.partial_frames, "partial frame", "partial frames"),
            plural(self.stale_replies, "stale reply", "stale replies"),
            plural(self.outputs, "output frame", "output frames"),
            plural(self.resyncs, "resynchronisation", "resynchronisations"),
        )
    }
}

/// `N neurons x M inputs`.
pub(super) fn geometry_text(geometry: Geometry) -> String {
    format!("{} neurons x {} inputs", geometry.neurons(), geometry.inputs())
}
