//! Why a driver call failed: the link broke, the device refused a command (a NAK, with
//! its reason and detail), no reply came after every retry, a reply made no sense, the
//! device does not fit the image, or a verification found a difference.
//!
//! A [`DriverError::Timeout`] carries what the link showed while the command waited
//! ([`LinkActivity`]), because the advice differs: when nothing at all came back the
//! device is off, unconfigured or not connected (the message says so); when bytes came
//! back — damaged frames, cut-off frames, replies to other tries — the device is there
//! and the link is noisy: the message gives the counts and the help a larger `--retries`
//! (docs/reliability.md §4). When replies to earlier commands came back after their wait
//! (stale replies), the device answers, but late: the help suggests a larger `--slack`
//! first ([`super::DriverOptions::slack`]), since retries of a device slower than its
//! timeouts only add resynchronisations for it to work through (docs/reliability.md §8);
//! when, besides, no frame came back damaged, the message says the device answers late
//! instead of calling the link noisy.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use ncx_model::Geometry;

use ncx_model::device::{Nak, Opcode};
use ncx_model::wire::layout::Region;

use super::command::{MAX_SLACK, nak_help};
use crate::error::Help;
use crate::link::LinkError;

/// Why a driver call failed. Every message names the command; its [`Help`] says what
/// to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriverError {
    /// The link failed (cannot open, I/O error, closed).
    #[error("{0}")]
    Link(#[from] LinkError),
    /// The device answered the command with a NAK.
    #[error("the device refused {command}: {nak} (detail {})", .nak.detail)]
    Nak {
        /// The command refused.
        command: Opcode,
        /// The reason and its detail.
        #[source]
        nak: Nak,
    },
    /// No reply came, after the first try and every retry.
    #[error(fmt = timeout_message)]
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
    #[error("the reply to {command} makes no sense: {problem}")]
    BadReply {
        /// The command.
        command: Opcode,
        /// What is wrong with it.
        problem: String,
    },
    /// The device speaks another major version of the protocol.
    #[error("the device speaks ncx/{}.{} but this host speaks ncx/{}.{}", .device.0, .device.1, .host.0, .host.1)]
    Version {
        /// The device's version (major, minor).
        device: (u8, u8),
        /// The version this driver speaks (major, minor).
        host: (u8, u8),
    },
    /// The image was built for another core than the device's.
    #[error("the image does not fit the device: {what} is {image} in the image but {device} on the device")]
    Mismatch {
        /// What differs (`"geometry"` or the name of a field width).
        what: String,
        /// The image's value.
        image: String,
        /// The device's value.
        device: String,
    },
    /// A region's CRC on the device differs from the image's after an upload.
    #[error(
        "verification failed: region {} ({region}) has CRC-32 {got:#010x} on the device but {expected:#010x} in \
         the image",
        *.region as u8
    )]
    Crc {
        /// The region.
        region: Region,
        /// The CRC-32 of the image's bytes.
        expected: u32,
        /// The CRC-32 the device computed.
        got: u32,
    },
    /// A region read back differs from the image.
    #[error(
        "verification failed: region {} ({region}) byte {offset} is {got:#04x} on the device but {expected:#04x} \
         in the image",
        *.region as u8
    )]
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
    #[error("{problem}")]
    Run {
        /// What went wrong.
        problem: String,
        /// What to do.
        help: &'static str,
    },
}

/// The message of a [`DriverError::Timeout`]: a silent link and a noisy one read
/// differently.
#[allow(clippy::too_many_arguments, reason = "thiserror passes every field of the variant")]
fn timeout_message(
    command: &Opcode,
    link: &str,
    attempts: &u32,
    timeout: &Duration,
    last_acked: &Option<Opcode>,
    seen: &LinkActivity,
    elapsed: &Duration,
    _suggested_retries: &u32,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let last = last_acked.map_or_else(|| "none".to_owned(), |c| c.to_string());
    let (ms, secs) = (timeout.as_millis(), elapsed.as_secs_f64());
    if seen.is_silent() {
        write!(
            f,
            "no reply to {command} on {link} after {attempts} attempts of {ms} ms each (last command acknowledged: \
             {last})\nnothing at all came back ({secs:.2} s)"
        )
    } else if seen.is_late() && seen.is_undamaged() {
        write!(
            f,
            "no reply to {command} on {link} after {attempts} attempts (each waiting up to {ms} ms, {secs:.2} s in \
             all; last command acknowledged: {last}): the device answers, but late\nwhat came back: {seen}"
        )
    } else {
        write!(
            f,
            "no reply to {command} on {link} after {attempts} attempts (each waiting up to {ms} ms, {secs:.2} s in \
             all; last command acknowledged: {last}): the link is noisy\nwhat came back: {seen}"
        )
    }
}

impl Help for DriverError {
    fn help(&self) -> Option<Cow<'_, str>> {
        Some(match self {
            DriverError::Link(_) => "check the cable and the port name (`ncx ports` lists the serial ports)".into(),
            DriverError::Nak { nak, .. } => nak_help(nak).into(),
            DriverError::Timeout { link, seen, .. } if seen.is_silent() => format!(
                "check that the device is powered, configured with the NCX-1 bitstream and connected to {link}, and \
                 that nothing else uses the port; `ncx doctor --target {link}` checks the link"
            )
            .into(),
            DriverError::Timeout { seen, timeout, suggested_retries, .. } if seen.is_late() => format!(
                "replies came after their wait ({}): the device answers, but more slowly than the timeouts allow \
                 (the RTL virtual board of `ncx emulate --backend verilator` is slower than real time); give every \
                 wait more time, e.g. `--slack {}` (milliseconds on top of the byte times, 50 by default), and if \
                 it still fails, more retries, e.g. `--retries {suggested_retries}`",
                if seen.stale_replies == 1 {
                    "1 stale reply".to_owned()
                } else {
                    format!("{} stale replies", seen.stale_replies)
                },
                suggested_slack(*timeout).as_millis()
            )
            .into(),
            DriverError::Timeout { link, suggested_retries, .. } => format!(
                "the device answers, but its replies or the requests were damaged on the way; run again with more \
                 retries, e.g. `--retries {suggested_retries}`, and `ncx doctor --target {link} --retries \
                 {suggested_retries}` measures the link"
            )
            .into(),
            DriverError::BadReply { .. } => "the device's firmware may not speak ncx/1 as this host does; check `ncx \
                                             info` and update the bitstream or ncx"
                .into(),
            DriverError::Version { .. } => {
                "use a version of ncx and a bitstream with the same major protocol version".into()
            }
            DriverError::Mismatch { .. } => {
                "recompile the network for this device (`ncx info` shows its geometry and widths)".into()
            }
            DriverError::Crc { .. } => {
                "flash again; if it keeps failing, `ncx flash --verify full` shows the first differing byte".into()
            }
            DriverError::Differs { .. } => {
                "flash again; if the same byte keeps failing, the device's memory may be faulty".into()
            }
            DriverError::Run { help, .. } => (*help).into(),
        })
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

    /// Whether replies came back after their wait (stale replies): the device answers,
    /// but late.
    pub fn is_late(&self) -> bool {
        self.stale_replies > 0
    }

    /// Whether no frame came back damaged (no CRC or header error).
    pub fn is_undamaged(&self) -> bool {
        self.crc_errors == 0 && self.header_errors == 0
    }
}

/// A slack for a device that answered later than `timeout` (one try's wait): ten times
/// that wait, at least 5 s (the RTL virtual board's need, docs/reliability.md §8) and at
/// most [`MAX_SLACK`], in whole seconds.
pub(super) fn suggested_slack(timeout: Duration) -> Duration {
    let secs = timeout.saturating_mul(10).as_secs_f64().ceil() as u64;
    Duration::from_secs(secs.max(5)).min(MAX_SLACK)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Report;

    fn timeout_with(seen: LinkActivity) -> DriverError {
        DriverError::Timeout {
            command: Opcode::Input,
            link: "serial:/dev/pts/1".into(),
            attempts: 51,
            timeout: Duration::from_millis(50),
            last_acked: Some(Opcode::Input),
            seen: Box::new(seen),
            elapsed: Duration::from_millis(2620),
            suggested_retries: 151,
        }
    }

    #[test]
    fn late_replies_suggest_slack_before_retries() {
        // What a real-time RTL board gave with 50 retries: no damage, stale replies.
        let late = LinkActivity { bytes: 228, stale_replies: 19, resyncs: 50, ..LinkActivity::default() };
        let text = Report(&timeout_with(late)).to_string();
        assert!(text.contains("after 51 attempts (each waiting up to 50 ms"), "{text}");
        assert!(text.contains("the device answers, but late\nwhat came back: 228 bytes"), "{text}");
        assert!(!text.contains("noisy"), "{text}");
        let help = text.split_once("help: ").unwrap().1;
        assert!(help.contains("19 stale replies"), "{help}");
        let (slack, retries) = (help.find("`--slack 5000`").unwrap(), help.find("`--retries 151`").unwrap());
        assert!(slack < retries, "{help}");

        // Late and damaged: still noisy, but the slack comes first.
        let both = LinkActivity { crc_errors: 2, ..late };
        let text = Report(&timeout_with(both)).to_string();
        assert!(text.contains("the link is noisy"), "{text}");
        assert!(text.contains("`--slack 5000`"), "{text}");

        // Damage and no stale reply: retries only.
        let noisy =
            LinkActivity { bytes: 300, crc_errors: 3, partial_frames: 2, resyncs: 50, ..LinkActivity::default() };
        let text = Report(&timeout_with(noisy)).to_string();
        assert!(text.contains("the link is noisy") && text.contains("`--retries 151`"), "{text}");
        assert!(!text.contains("--slack"), "{text}");
    }

    #[test]
    fn the_suggested_slack_is_ten_waits_at_least_5_s_at_most_an_hour() {
        assert_eq!(suggested_slack(Duration::from_millis(50)), Duration::from_secs(5));
        assert_eq!(suggested_slack(Duration::from_millis(5050)), Duration::from_secs(51));
        assert_eq!(suggested_slack(Duration::MAX), MAX_SLACK);
    }
}
