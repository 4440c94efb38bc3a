//! The host driver of the ncx/1 command layer (docs/protocol.md §7–§11): it talks to a
//! device through any [`Link`], one command at a time.
//!
//! [`Driver::connect`] resynchronises the device's receiver (`MAX_FRAME` zero bytes)
//! and says HELLO, which gives the [`DeviceInfo`]. Every command then goes out as a
//! frame with the next sequence number and waits for its reply for the command's
//! timeout ([`timeout`]); a missing reply is retried — the same frame, the same seq,
//! after another resynchronisation — up to [`DriverOptions::retries`] times, then the
//! call fails naming the command, the link and the last command acknowledged, with what
//! came back meanwhile ([`LinkActivity`]: bytes, CRC and header errors, cut-off frames,
//! stale replies) and, when something did, a larger retry count
//! ([`suggested_retries`]), or first a larger [`DriverOptions::slack`] when replies
//! came after their wait. A link that can tell that nothing more will come (the
//! in-process model answers at once or never) ends an attempt at once instead of
//! waiting out its timeout, so on it every retry is immediate. While
//! waiting, output frames (opcode 0xC0) are kept for the run ([`stream`]) and replies
//! with another opcode or seq (late replies to earlier tries) are skipped. A NAK
//! becomes [`DriverError::Nak`], with the reason, the detail and what to do.
//!
//! The bytes of requests and replies are the device model's (`ncx_model::device`:
//! `Request`, `Ack`, `OutputFrame`), so host and device cannot disagree on a layout.
//! On top of the commands: [`upload`](mod@upload) writes and verifies an image,
//! [`readback`](mod@readback) reads memories back, [`stream`] runs a stimulus,
//! [`sample`] runs many short samples from a reset state,
//! [`doctor`](mod@doctor) checks a device step by step.

mod command;
pub mod doctor;
mod error;
mod ops;
pub mod readback;
pub mod sample;
pub mod stream;
pub mod upload;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use ncx_model::device::{Ack, OUTPUT_OPCODE, Opcode, PROTOCOL_MAJOR, PROTOCOL_MINOR, ReplyError, Request};
pub use ncx_model::device::{DeviceInfo, DeviceStatus};
use ncx_model::wire::layout::Region;
use ncx_model::wire::{Decoded, Decoder, Frame, MAX_FRAME};

pub use self::command::{HANDSHAKE_BAUD, MAX_SLACK, RETRIES, SLACK, byte_time, nak_help, suggested_retries, timeout};
pub use self::doctor::{DoctorReport, doctor};
pub use self::error::{DriverError, LinkActivity};
pub use self::readback::{Readback, What, readback};
pub use self::stream::{DeviceRun, run_on_device};
pub use self::upload::{UploadReport, Verify, upload};
use crate::link::Link;

/// Output frames kept while nobody takes them; older ones are dropped (a run asks for
/// lost ones again with RESEND).
const OUTPUT_QUEUE: usize = 4096;

/// How the driver behaves; [`Default`] is what docs/protocol.md §11 says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DriverOptions {
    /// Retries after the first try of a command ([`RETRIES`] = 5).
    pub retries: u32,
    /// The baud rate HELLO's timeout assumes, before the device has said its own
    /// ([`HANDSHAKE_BAUD`]).
    pub handshake_baud: u32,
    /// The wait added to every reply's and output frame's timeout on top of the byte
    /// times ([`SLACK`] = 50 ms: the host's scheduling and USB latency). A device slower
    /// than real time needs more — the RTL virtual board of `ncx emulate --backend
    /// verilator` several seconds. At most [`MAX_SLACK`] (an hour; more is taken as an
    /// hour).
    pub slack: Duration,
}

impl Default for DriverOptions {
    fn default() -> Self {
        DriverOptions { retries: RETRIES, handshake_baud: HANDSHAKE_BAUD, slack: SLACK }
    }
}

/// What went over the link so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DriverStats {
    /// Commands that got their reply.
    pub commands: u64,
    /// Frames sent (first tries and retries).
    pub frames_sent: u64,
    /// Retries (frames sent again after a timeout).
    pub retries: u64,
    /// Bytes sent, resynchronisation zeros included.
    pub bytes_sent: u64,
    /// Bytes received.
    pub bytes_received: u64,
    /// Frames received intact.
    pub frames_received: u64,
    /// Received frames dropped by the host's decoder (header or CRC errors).
    pub bad_frames: u64,
    /// Of those, frames dropped for a wrong CRC-32.
    pub crc_errors: u64,
    /// Of those, headers rejected (wrong header CRC or length).
    pub header_errors: u64,
    /// Frames whose start was received but not their end when the host resynchronised.
    pub partial_frames: u64,
    /// Resynchronisations sent (`MAX_FRAME` zero bytes: before HELLO and every retry).
    pub resyncs: u64,
    /// Replies skipped because their seq or opcode was not the one awaited.
    pub stale_replies: u64,
    /// Output frames received.
    pub outputs: u64,
}

/// A session with a device: the command layer and what the device said in HELLO. Beyond [`upload`](fn@upload), [`readback`](fn@readback) and
/// [`run_on_device`], a session offers the link's name and counters and the commands
/// that touch nothing (STATUS, READ, CRC) or one thing (WRITE, INPUT).
#[derive(Debug)]
pub struct Driver<L: Link> {
    channel: Channel<L>,
    info: DeviceInfo,
}

/// The command layer of a session: the link, the sequence number, the receiver. Only
/// the driver's modules use it; a [`Driver`] offers what a user needs of it.
#[derive(Debug)]
pub(crate) struct Channel<L: Link> {
    link: L,
    options: DriverOptions,
    byte_time: Duration,
    /// Timestep period of a paced run in progress (added to RUN and INPUT timeouts).
    period: Duration,
    seq: u8,
    decoder: Decoder,
    /// Intact frames received but not yet looked at.
    inbox: VecDeque<Frame>,
    /// Output frame payloads received, oldest first.
    outputs: VecDeque<Vec<u8>>,
    last_acked: Option<Opcode>,
    stats: DriverStats,
    buf: Vec<u8>,
}

impl<L: Link> Driver<L> {
    /// Open a session on `link` with the default options: resynchronise, HELLO.
    pub fn connect(link: L) -> Result<Driver<L>, DriverError> {
        Self::connect_with(link, DriverOptions::default())
    }

    /// Open a session on `link`: resynchronise the device's receiver, say HELLO, and
    /// check the protocol's major version.
    pub fn connect_with(link: L, mut options: DriverOptions) -> Result<Driver<L>, DriverError> {
        options.slack = options.slack.min(MAX_SLACK);
        let mut channel = Channel {
            link,
            options,
            byte_time: byte_time(options.handshake_baud.max(1), 1),
            period: Duration::ZERO,
            seq: 0,
            decoder: Decoder::new(),
            inbox: VecDeque::new(),
            outputs: VecDeque::new(),
            last_acked: None,
            stats: DriverStats::default(),
            buf: vec![0; 4 * MAX_FRAME],
        };
        channel.resync()?;
        let info = channel.hello()?;
        if info.version_major != PROTOCOL_MAJOR {
            return Err(DriverError::Version {
                device: (info.version_major, info.version_minor),
                host: (PROTOCOL_MAJOR, PROTOCOL_MINOR),
            });
        }
        channel.byte_time = byte_time(info.clock_hz, info.baud_divisor);
        Ok(Driver { channel, info })
    }

    /// What the device said in HELLO.
    pub fn info(&self) -> &DeviceInfo {
        &self.info
    }

    /// Close the session, giving the link back.
    pub fn into_link(self) -> L {
        self.channel.link
    }

    /// The link's name.
    pub fn link_name(&self) -> String {
        self.channel.link_name()
    }

    /// The link.
    pub fn link(&self) -> &L {
        self.channel.link()
    }

    /// The byte time of the link (from HELLO's clock and divisor).
    pub fn byte_time(&self) -> Duration {
        self.channel.byte_time()
    }

    /// The last command the device acknowledged.
    pub fn last_acked(&self) -> Option<Opcode> {
        self.channel.last_acked()
    }

    /// What went over the link so far.
    pub fn stats(&self) -> DriverStats {
        self.channel.stats()
    }

    /// STATUS: the device's state and counters.
    pub fn status(&mut self) -> Result<DeviceStatus, DriverError> {
        self.channel.status()
    }

    /// READ `len` (1..=1023) bytes at `offset` of `region`.
    pub fn read(&mut self, region: Region, offset: u32, len: u16) -> Result<Vec<u8>, DriverError> {
        self.channel.read(region, offset, len)
    }

    /// CRC: the CRC-32/ISO-HDLC of `len` bytes at `offset` of `region`.
    pub fn crc(&mut self, region: Region, offset: u32, len: u32) -> Result<u32, DriverError> {
        self.channel.crc(region, offset, len)
    }

    /// WRITE `data` (1..=1019 bytes, whole records) at `offset` of `region`.
    pub fn write(&mut self, region: Region, offset: u32, data: &[u8]) -> Result<(), DriverError> {
        self.channel.write(region, offset, data)
    }

    /// INPUT: the input spikes of `timestep`; returns the credits left.
    pub fn input(&mut self, timestep: u32, inputs: &[u16]) -> Result<u16, DriverError> {
        self.channel.input(timestep, inputs)
    }
}

impl<L: Link> Channel<L> {
    /// The link's name.
    pub(crate) fn link_name(&self) -> String {
        self.link.name()
    }

    /// The link.
    pub(crate) fn link(&self) -> &L {
        &self.link
    }

    /// The options.
    pub(crate) fn options(&self) -> DriverOptions {
        self.options
    }

    /// What went over the link so far.
    pub(crate) fn stats(&self) -> DriverStats {
        let mut stats = self.stats;
        add_decoder(&mut stats, &self.decoder);
        stats
    }

    /// The byte time of the link (from HELLO's clock and divisor).
    pub(crate) fn byte_time(&self) -> Duration {
        self.byte_time
    }

    /// The last command the device acknowledged.
    pub(crate) fn last_acked(&self) -> Option<Opcode> {
        self.last_acked
    }

    /// Send `MAX_FRAME` zero bytes so that the device's receiver is not stuck in a
    /// phantom frame (§3), and forget any partial frame received.
    pub(crate) fn resync(&mut self) -> Result<(), DriverError> {
        self.link.send(&[0; MAX_FRAME])?;
        self.stats.bytes_sent += MAX_FRAME as u64;
        self.stats.resyncs += 1;
        self.stats.partial_frames += u64::from(self.decoder.pending() > 0);
        add_decoder(&mut self.stats, &self.decoder);
        self.decoder = Decoder::new();
        Ok(())
    }

    /// Send `request` and return its ACK, retrying on timeouts (module docs).
    pub(crate) fn command(&mut self, request: &Request) -> Result<Ack, DriverError> {
        self.command_tries(request, self.options.retries)
    }

    /// [`Channel::command`] with `retries` retries instead of the configured number.
    pub(crate) fn command_tries(&mut self, request: &Request, retries: u32) -> Result<Ack, DriverError> {
        let command = request.opcode();
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let frame = request
            .frame(seq)
            .map_err(|e| DriverError::BadReply { command, problem: format!("the request cannot be framed: {e}") })?;
        let timeout =
            timeout(command, frame.len(), request.reply_len(), self.byte_time, self.period, self.options.slack);
        let (before, started) = (self.stats(), Instant::now());
        for attempt in 0..=retries {
            if attempt > 0 {
                self.stats.retries += 1;
                self.resync()?;
            }
            self.link.send(&frame)?;
            self.stats.frames_sent += 1;
            self.stats.bytes_sent += frame.len() as u64;
            if let Some(reply) = self.await_reply(command, seq, timeout)? {
                self.stats.commands += 1;
                return match Ack::parse(command, &reply) {
                    Ok(ack) => {
                        self.last_acked = Some(command);
                        Ok(ack)
                    }
                    Err(ReplyError::Nak(nak)) => Err(DriverError::Nak { command, nak }),
                    Err(e) => Err(DriverError::BadReply { command, problem: e.to_string() }),
                };
            }
        }
        let after = self.stats();
        let seen = Box::new(LinkActivity {
            bytes: after.bytes_received - before.bytes_received,
            outputs: after.outputs - before.outputs,
            crc_errors: after.crc_errors - before.crc_errors,
            header_errors: after.header_errors - before.header_errors,
            partial_frames: after.partial_frames - before.partial_frames + u64::from(self.decoder.pending() > 0),
            stale_replies: after.stale_replies - before.stale_replies,
            resyncs: after.resyncs - before.resyncs,
        });
        Err(DriverError::Timeout {
            command,
            link: self.link.name(),
            attempts: retries.saturating_add(1),
            timeout,
            last_acked: self.last_acked,
            seen,
            elapsed: started.elapsed(),
            suggested_retries: suggested_retries(after.frames_sent, after.commands, retries),
        })
    }

    /// Wait up to `timeout` for the reply to `command` with `seq`; `None` on a timeout.
    fn await_reply(&mut self, command: Opcode, seq: u8, timeout: Duration) -> Result<Option<Vec<u8>>, DriverError> {
        let deadline = deadline(timeout);
        let opcode = command.reply();
        loop {
            while let Some(frame) = self.inbox.pop_front() {
                if frame.opcode == OUTPUT_OPCODE {
                    self.keep_output(frame.payload);
                } else if frame.opcode == opcode && frame.seq == seq {
                    return Ok(Some(frame.payload));
                } else {
                    self.stats.stale_replies += 1;
                }
            }
            if !self.receive_until(deadline)? {
                return Ok(None);
            }
        }
    }

    /// Receive one chunk of bytes (waiting until `deadline` at most) into the inbox;
    /// `false` if nothing came.
    fn receive_until(&mut self, deadline: Instant) -> Result<bool, DriverError> {
        let left = deadline.saturating_duration_since(Instant::now());
        let n = self.link.receive(&mut self.buf, left)?;
        if n == 0 {
            return Ok(false);
        }
        self.stats.bytes_received += n as u64;
        let inbox = &mut self.inbox;
        let frames = &mut self.stats.frames_received;
        self.decoder.feed(&self.buf[..n], |decoded| {
            if let Decoded::Frame(frame) = decoded {
                *frames += 1;
                inbox.push_back(frame);
            }
        });
        Ok(true)
    }

    fn keep_output(&mut self, payload: Vec<u8>) {
        self.stats.outputs += 1;
        if self.outputs.len() == OUTPUT_QUEUE {
            self.outputs.pop_front();
        }
        self.outputs.push_back(payload);
    }

    /// The next output frame's payload, waiting up to `timeout` for one; `None` if
    /// none came.
    pub(crate) fn next_output(&mut self, timeout: Duration) -> Result<Option<Vec<u8>>, DriverError> {
        let deadline = deadline(timeout);
        loop {
            // Replies to nobody are stale; output frames go to the queue.
            while let Some(frame) = self.inbox.pop_front() {
                if frame.opcode == OUTPUT_OPCODE {
                    self.keep_output(frame.payload);
                } else {
                    self.stats.stale_replies += 1;
                }
            }
            if let Some(payload) = self.outputs.pop_front() {
                return Ok(Some(payload));
            }
            if !self.receive_until(deadline)? {
                return Ok(None);
            }
        }
    }

    /// Forget every output frame received so far.
    pub(crate) fn clear_outputs(&mut self) {
        self.outputs.clear();
        self.inbox.retain(|frame| frame.opcode != OUTPUT_OPCODE);
    }

    /// How long to wait for one output frame of a run: a maximal frame's length in
    /// byte times, plus the slack ([`DriverOptions::slack`]), plus the period when paced.
    pub(crate) fn output_timeout(&self) -> Duration {
        self.byte_time.saturating_mul(MAX_FRAME as u32).saturating_add(self.options.slack).saturating_add(self.period)
    }

    /// Set the timestep period of the run about to start (zero: free-running); RUN,
    /// INPUT and output timeouts include it.
    pub(crate) fn set_period(&mut self, period: Duration) {
        self.period = period;
    }
}

/// The instant `timeout` from now; a timeout too long to be an instant (a slack of
/// [`Duration::MAX`]) waits a year.
fn deadline(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout).or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600))).unwrap_or(now)
}

/// Add the frames `decoder` dropped to `stats`.
fn add_decoder(stats: &mut DriverStats, decoder: &Decoder) {
    let dropped = decoder.stats();
    stats.crc_errors += dropped.crc_errors;
    stats.header_errors += dropped.header_errors;
    stats.bad_frames += dropped.crc_errors + dropped.header_errors;
}
