//! Replaying a recorded session (docs/recording.md): the host side of a recording —
//! every `send` and `receive` call, in order — is played against a fresh device (the
//! device model of `ncx_model::device`, or the RTL device simulated by Verilator), and
//! what that device sends back is compared with what the recorded device sent, frame by
//! frame (docs/recording.md §4). The result names the first byte where they differ,
//! with the frame, the command it answers and the timestep, or says that they match.
//!
//! The recording is read twice, a record at a time (first to find what the device said
//! in HELLO, which configures the fresh device); neither the recording nor the streams
//! are held in memory.

mod backend;
mod compare;
#[cfg(feature = "cosim")]
mod sim;

use std::fmt;
use std::path::Path;
use std::time::Duration;

#[cfg(feature = "cosim")]
use ncx_hdl::device::Buffers;
use ncx_model::Geometry;
use ncx_model::device::reply::widths;
use ncx_model::device::{Ack, DeviceConfig, DeviceInfo, Opcode, REPLY_BIT};
use ncx_model::wire::layout::Region;
use ncx_model::wire::{Decoded, Decoder, frame_crc};

use self::backend::{ModelDevice, ReplayDevice};
use self::compare::{Comparator, Comparison, Segment, Side};
pub use self::compare::{SegmentInfo, SegmentKind};
#[cfg(feature = "cosim")]
use self::sim::SimDevice;
use crate::link::LinkError;
use crate::link::record::{Event, Header, ReadError, Reader};
use crate::link::target::LinkTarget;

/// What plays the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The device model (`ncx_model::device::Device`).
    Model,
    /// The RTL device (`hdl/rtl/ncx_top.sv`) simulated by Verilator.
    Verilator,
}

impl Backend {
    /// How the report names it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Model => "the device model",
            Backend::Verilator => "the RTL device (Verilator)",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Backend::Model => "the model",
            Backend::Verilator => "the RTL",
        }
    }
}

/// A command the host sent, as the replay found it in the host's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRef {
    /// Its number in the session (1 = the first command; a retry keeps the number).
    pub index: u64,
    /// Its opcode.
    pub opcode: u8,
    /// Its seq.
    pub seq: u8,
    /// Which try (1 = the first; a retry is the same frame again).
    pub attempt: u32,
    /// When it was sent, in microseconds since the recording started.
    pub sent_at_us: u64,
    /// Offset of its first byte in the host's stream.
    pub host_offset: u64,
    /// Its fields, in words (`timestep 17, 3 inputs`; empty for commands without any).
    pub detail: String,
    /// INPUT's timestep, RESEND's first timestep.
    pub timestep: Option<u32>,
    /// RUN's number of timesteps.
    pub steps: Option<u32>,
}

impl CommandRef {
    /// The command's name (`INPUT`), or `opcode 0x..` for an unknown one.
    pub fn name(&self) -> String {
        Opcode::try_from(self.opcode).map_or_else(|op| format!("opcode {op:#04x}"), |op| op.name().to_owned())
    }
}

impl fmt::Display for CommandRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "command {}, {} seq {}", self.index, self.name(), self.seq)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        write!(f, ", sent {} into the session", seconds(self.sent_at_us))?;
        if self.attempt > 1 {
            write!(f, " (try {})", self.attempt)?;
        }
        Ok(())
    }
}

/// A run in progress, as the replayed device's replies and output frames show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunState {
    /// The first timestep (RUN's ACK).
    pub first: u32,
    /// Its length (the RUN command's), if known.
    pub steps: Option<u32>,
    /// The last output frame's timestep.
    pub last_output: Option<u32>,
}

/// Which command and run a part of a device stream belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// For a reply, the command it answers; otherwise the last command sent before it.
    pub command: Option<CommandRef>,
    /// The run in progress.
    pub run: Option<RunState>,
}

/// The first byte where the recorded device and the replayed one differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Its offset in the recorded device stream (the stream's length if it ended there).
    pub offset: u64,
    /// The recorded byte (`None`: the recorded stream has nothing there).
    pub recorded: Option<u8>,
    /// The replayed device's byte (`None`: it sent nothing there).
    pub replayed: Option<u8>,
    /// The offset of that byte in the replayed device's stream.
    pub replayed_offset: Option<u64>,
    /// When the recorded host received the recorded byte, in microseconds since the
    /// recording started.
    pub received_at_us: Option<u64>,
    /// The recorded segment (frame, or stray bytes) the byte is in.
    pub recorded_segment: Option<SegmentInfo>,
    /// The replayed segment it was compared with.
    pub replayed_segment: Option<SegmentInfo>,
    /// What played the device.
    pub backend: Backend,
}

impl Difference {
    /// The segment that says what was expected there: the replayed one, else the
    /// recorded one.
    fn primary(&self) -> Option<&SegmentInfo> {
        self.replayed_segment.as_ref().or(self.recorded_segment.as_ref())
    }

    /// The command of the frame: for a reply, the command it answers.
    pub fn command(&self) -> Option<&CommandRef> {
        self.primary()?.context.command.as_ref()
    }

    /// The timestep: an output frame's, or an INPUT's when the frame is its reply.
    pub fn timestep(&self) -> Option<u32> {
        let primary = self.primary()?;
        match primary.kind {
            SegmentKind::Output { timestep } => timestep,
            SegmentKind::Reply { opcode, .. } if opcode == Opcode::Input.reply() => {
                primary.context.command.as_ref().and_then(|c| c.timestep)
            }
            _ => None,
        }
    }
}

/// `the output frame of timestep 17`, `the reply to INPUT seq 20`, …
fn describe(kind: SegmentKind) -> String {
    match kind {
        SegmentKind::Reply { opcode: REPLY_BIT, seq } => format!("the reply to an unknown command, seq {seq}"),
        SegmentKind::Reply { opcode, seq } => match Opcode::try_from(opcode & !REPLY_BIT) {
            Ok(op) if opcode & REPLY_BIT != 0 => format!("the reply to {op} seq {seq}"),
            _ => format!("a frame with opcode {opcode:#04x}, seq {seq}"),
        },
        SegmentKind::Output { timestep: Some(t) } => format!("the output frame of timestep {t}"),
        SegmentKind::Output { timestep: None } => "an output frame".to_owned(),
        SegmentKind::Stray => "bytes outside any frame".to_owned(),
    }
}

/// `byte 9 of 21 (payload byte 2)`.
fn position(segment: &SegmentInfo, offset: u64) -> String {
    let k = offset.saturating_sub(segment.offset);
    if segment.kind == SegmentKind::Stray {
        return format!("byte {k} of {}", segment.len);
    }
    let payload_end = segment.len.saturating_sub(4);
    let part = if k < 7 {
        format!("header byte {k}")
    } else if k < payload_end {
        format!("payload byte {}", k - 7)
    } else {
        format!("CRC byte {}", k - payload_end)
    };
    format!("byte {k} of {} ({part})", segment.len)
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let them = self.backend.short();
        match (self.recorded, self.replayed) {
            (Some(r), Some(m)) => {
                write!(f, "the device's byte {} differs: recorded {r:#04x}, {them} sent {m:#04x}", self.offset)?
            }
            (None, Some(m)) => {
                write!(f, "the recorded device's stream ends after {} bytes, where {them} sent {m:#04x}", self.offset)?
            }
            (Some(r), None) => write!(
                f,
                "the device's byte {} is {r:#04x}, where {them} sent nothing (it sent fewer frames of this kind)",
                self.offset
            )?,
            (None, None) => write!(f, "the device's stream differs at byte {}", self.offset)?,
        }
        if let Some(t) = self.received_at_us {
            write!(f, "\n  received {} into the session", seconds(t))?;
        }
        if let Some(segment) = &self.replayed_segment {
            let at = self.replayed_offset.unwrap_or(segment.offset);
            write!(f, "\n  in {} sent by {them}, {}", describe(segment.kind), position(segment, at))?;
        }
        if let Some(segment) = &self.recorded_segment {
            let same = self.replayed_segment.as_ref().is_some_and(|m| m.kind == segment.kind);
            if !same {
                let what = match segment.kind {
                    SegmentKind::Stray => {
                        "bytes outside any frame (a frame whose header check fails, or noise)".to_owned()
                    }
                    kind => describe(kind),
                };
                write!(f, "\n  the recorded bytes there: {what}, {}", position(segment, self.offset))?;
            }
            if !segment.complete {
                write!(f, "\n  the recorded frame is cut short: the stream ends inside it")?;
            }
        }
        let Some(primary) = self.primary() else { return Ok(()) };
        let run = primary.context.run;
        match (self.timestep(), run) {
            (Some(t), Some(run)) => {
                let step = t.wrapping_sub(run.first).wrapping_add(1);
                let of = run.steps.map(|s| format!(" of {s} timesteps")).unwrap_or_default();
                write!(f, "\n  timestep {t}: step {step} of the run{of} from timestep {}", run.first)?;
            }
            (Some(t), None) => write!(f, "\n  timestep {t}")?,
            (None, Some(run)) => {
                let of = run.steps.map(|s| format!(" of {s} timesteps")).unwrap_or_default();
                let after = match run.last_output {
                    Some(t) => format!("after the output frame of timestep {t}"),
                    None => "before its first output frame".to_owned(),
                };
                write!(f, "\n  during the run{of} from timestep {}, {after}", run.first)?;
            }
            (None, None) => write!(f, "\n  not during a run")?,
        }
        if let Some(command) = &primary.context.command {
            let how = if matches!(primary.kind, SegmentKind::Reply { .. }) { "answering" } else { "after" };
            write!(f, "\n  {how} {command}")?;
        }
        Ok(())
    }
}

/// What a replay found.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Every reply, output frame and stray byte equal.
    Match {
        /// Where the byte-for-byte comparison first differed — replies and output
        /// frames interleaved differently — if it did.
        reordered_at: Option<u64>,
    },
    /// The first difference.
    Differs(Box<Difference>),
}

/// Where the replayed device's configuration came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceSource {
    /// The recording's `device` record (HELLO as the host decoded it).
    Record,
    /// The first intact HELLO reply in the recorded stream.
    Hello,
    /// Nothing: the header's geometry (or the target's default) and the default
    /// configuration.
    Default,
}

/// The report of a replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// The recording's header.
    pub header: Header,
    /// What the recorded device said in HELLO, if the recording shows it.
    pub device: Option<DeviceInfo>,
    /// The geometry of the replayed device.
    pub geometry: Geometry,
    /// Where its configuration came from.
    pub device_source: DeviceSource,
    /// What played the device.
    pub backend: Backend,
    /// The fault injector re-created (the recorded `faulty:` target's seed and faults).
    pub faults: Option<String>,
    /// Bytes the host sent (all replayed).
    pub sent: u64,
    /// Bytes the recorded device delivered.
    pub received: u64,
    /// Bytes the replayed device delivered.
    pub replayed: u64,
    /// Commands the host sent (retries not counted).
    pub commands: u64,
    /// Frames in the recorded stream, output frames among them.
    pub frames: u64,
    /// Output frames in the recorded stream.
    pub outputs: u64,
    /// Whether the recording has its `closed` record (else it was cut short).
    pub complete: bool,
    /// Whether its last line was cut.
    pub partial_tail: bool,
    /// Replayed bytes after the end of a cut recording, not compared.
    pub uncompared: u64,
    /// Link errors the recorded host saw.
    pub link_errors: Vec<String>,
    /// The recorded command's outcome (`Err`: its message), if recorded.
    pub outcome: Option<Result<(), String>>,
    /// What the reader should know (configuration differences, the RTL's identity).
    pub notes: Vec<String>,
    /// What the comparison found.
    pub verdict: Verdict,
}

/// Why a replay could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// The recording could not be read.
    #[error("{0}")]
    Read(#[source] ReadError),
    /// The device to replay against could not be made.
    #[error("{problem}")]
    Backend {
        /// What went wrong.
        problem: String,
        /// What to do.
        help: String,
    },
    /// The replayed device's link failed.
    #[error("the replayed device failed: {0}")]
    Link(#[source] LinkError),
}

impl crate::error::Help for ReplayError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            ReplayError::Backend { help, .. } => Some(help.as_str().into()),
            ReplayError::Read(_) | ReplayError::Link(_) => None,
        }
    }
}

impl From<ReadError> for ReplayError {
    fn from(e: ReadError) -> Self {
        ReplayError::Read(e)
    }
}

/// The longest recorded wait a replay passes on (a longer one, from a hand-made file,
/// is taken as this).
const MAX_WAIT: Duration = Duration::from_secs(3600);

/// Replay the recording at `path` against `backend` (module docs).
pub fn replay(path: &Path, backend: Backend) -> Result<Replay, ReplayError> {
    let survey = survey(path)?;
    let header = survey.header;
    let mut notes = Vec::new();
    let (geometry, config, device_source) = match (survey.record, survey.hello) {
        (Some(info), _) => (info.geometry, info.config(), DeviceSource::Record),
        (None, Some(info)) => (info.geometry, info.config(), DeviceSource::Hello),
        (None, None) => {
            let geometry = header.geometry.and_then(|[n, m]| Geometry::new(n, m).ok());
            let fallback = LinkTarget::parse(&header.target).ok().and_then(|t| t.default_geometry());
            let Some(geometry) = geometry.or(fallback).or_else(|| Geometry::new(256, 256).ok()) else {
                return Err(ReplayError::Backend {
                    problem: "the recording does not say which device it talked to".to_owned(),
                    help: "record a session that gets at least as far as HELLO".to_owned(),
                });
            };
            notes.push(format!(
                "the recording has no HELLO reply: replaying against a {}×{} device with the default configuration",
                geometry.neurons(),
                geometry.inputs()
            ));
            (geometry, DeviceConfig::default(), DeviceSource::Default)
        }
    };
    let device = survey.record.or(survey.hello);
    if let Some(info) = &device {
        // What the model made from this HELLO reports (lanes beyond the model's limit cut).
        let model = DeviceInfo::new(info.geometry, &info.config().clamped(info.geometry));
        if info.widths != widths() {
            notes.push("the recorded device's field widths differ from this model's: its replies differ".to_owned());
        }
        if (info.version_major, info.version_minor, info.features, info.max_payload)
            != (model.version_major, model.version_minor, model.features, model.max_payload)
        {
            notes.push(format!(
                "the recorded device says protocol {}.{}, features {:#x}, max payload {}; {} says {}.{}, {:#x}, {}",
                info.version_major,
                info.version_minor,
                info.features,
                info.max_payload,
                backend.short(),
                model.version_major,
                model.version_minor,
                model.features,
                model.max_payload
            ));
        }
    }
    let faults = match LinkTarget::parse(&header.target) {
        Ok(LinkTarget::Faulty { seed, spec, .. }) => Some((seed, spec)),
        _ => None,
    };
    let mut replayed_device: Box<dyn ReplayDevice> = match backend {
        Backend::Model => Box::new(ModelDevice::new(geometry, config, faults)),
        Backend::Verilator => {
            if faults.is_some() {
                return Err(ReplayError::Backend {
                    problem: format!(
                        "this session went through the fault injector ({}), which a replay re-creates only on the \
                         device model",
                        header.target
                    ),
                    help: "replay it with --backend model".to_owned(),
                });
            }
            #[cfg(feature = "cosim")]
            {
                let buffers = Buffers { input_slots: config.input_slots, output_history: config.output_history };
                let identity = device.map(|i| (i.clock_hz, i.baud_divisor, i.build_id));
                Box::new(SimDevice::new(geometry, buffers, identity)?)
            }
            #[cfg(not(feature = "cosim"))]
            return Err(ReplayError::Backend {
                problem: format!("{}, so it has no RTL device", crate::cosim::MISSING),
                help: format!("{}; or replay with --backend model", crate::cosim::HELP),
            });
        }
    };

    let mut reader = Reader::open(path)?;
    let mut tracker = Tracker::default();
    let mut comparator = Comparator::new();
    let (mut sent, mut received, mut replayed) = (0u64, 0u64, 0u64);
    let mut link_errors = Vec::new();
    let mut outcome = None;
    while let Some(event) = reader.next_event()? {
        match event {
            Event::Sent { t_us, bytes } => {
                tracker.host(t_us, &bytes);
                replayed_device.send(&bytes)?;
                sent += bytes.len() as u64;
            }
            Event::Received { bytes, cap, wait_us, .. } => {
                let wait = Duration::from_micros(wait_us).min(MAX_WAIT);
                let got = replayed_device.receive(cap, wait, &bytes)?;
                replayed += got.len() as u64;
                received += bytes.len() as u64;
                comparator.push(Side::Replayed, &got, &mut |side, s| tracker.context(side, s));
                comparator.push(Side::Recorded, &bytes, &mut |side, s| tracker.context(side, s));
            }
            Event::LinkError { t_us, call, message } => {
                link_errors.push(format!("{} into the session, {call}: {message}", seconds(t_us)));
            }
            Event::End { ok, message, .. } => {
                outcome = Some(if ok { Ok(()) } else { Err(message.unwrap_or_default()) });
            }
            _ => {}
        }
    }
    let complete = reader.closed();
    let tail = replayed_device.finish()?;
    replayed += tail.len() as u64;
    comparator.push(Side::Replayed, &tail, &mut |side, s| tracker.context(side, s));
    let (frames, outputs) = (comparator.frames[Side::Recorded as usize], comparator.outputs[Side::Recorded as usize]);
    let verdict = comparator.finish(complete, &mut |side, s| tracker.context(side, s));
    notes.extend(replayed_device.notes());
    let verdict = match verdict {
        Comparison::Match { reordered_at } => Verdict::Match { reordered_at },
        Comparison::Differs(m) => Verdict::Differs(Box::new(Difference {
            offset: m.offset,
            recorded: m.recorded,
            replayed: m.replayed,
            replayed_offset: m.replayed_offset,
            received_at_us: time_of(path, m.offset)?,
            recorded_segment: m.recorded_segment,
            replayed_segment: m.replayed_segment,
            backend,
        })),
    };
    let uncompared = if complete { 0 } else { replayed.saturating_sub(received) };
    Ok(Replay {
        header,
        device,
        geometry,
        device_source,
        backend,
        faults: faults.map(|(seed, spec)| format!("faulty:{seed}:{spec}")),
        sent,
        received,
        replayed,
        commands: tracker.count,
        frames,
        outputs,
        complete,
        partial_tail: reader.partial_tail(),
        uncompared,
        link_errors,
        outcome,
        notes,
        verdict,
    })
}

/// What the first reading of a recording found.
struct Survey {
    header: Header,
    /// The `device` record.
    record: Option<DeviceInfo>,
    /// The first intact HELLO reply in the recorded stream.
    hello: Option<DeviceInfo>,
}

/// Read the recording up to its `device` record (or to its end).
fn survey(path: &Path) -> Result<Survey, ReplayError> {
    let mut reader = Reader::open(path)?;
    let mut decoder = Decoder::new();
    let mut hello = None;
    while let Some(event) = reader.next_event()? {
        match event {
            Event::Device { device, .. } => {
                if let Some(info) = device.to_info() {
                    return Ok(Survey { header: reader.header().clone(), record: Some(info), hello });
                }
            }
            Event::Received { bytes, .. } if hello.is_none() => decoder.feed(&bytes, |decoded| {
                if let Decoded::Frame(frame) = decoded
                    && frame.opcode == Opcode::Hello.reply()
                    && hello.is_none()
                    && let Ok(Ack::Hello(info)) = Ack::parse(Opcode::Hello, &frame.payload)
                {
                    hello = Some(info);
                }
            }),
            _ => {}
        }
    }
    Ok(Survey { header: reader.header().clone(), record: None, hello })
}

/// When the recorded host received the device's byte at `offset` (the last receive if
/// the stream ended before it).
fn time_of(path: &Path, offset: u64) -> Result<Option<u64>, ReplayError> {
    let mut reader = Reader::open(path)?;
    let (mut seen, mut last) = (0u64, None);
    while let Some(event) = reader.next_event()? {
        if let Event::Received { t_us, bytes, .. } = event {
            if bytes.is_empty() {
                continue;
            }
            seen += bytes.len() as u64;
            last = Some(t_us);
            if seen > offset {
                return Ok(last);
            }
        }
    }
    Ok(last)
}

/// The INPUT commands a replay remembers, to name the one an output frame follows.
const INPUTS_KEPT: usize = 4096;

/// The commands in the host's stream and the run the replayed device's frames show:
/// the [`Context`] of each segment.
#[derive(Debug, Default)]
struct Tracker {
    decoder: Decoder,
    offset: u64,
    count: u64,
    /// The latest command of each (opcode, seq), and of each seq.
    by_key: std::collections::HashMap<(u8, u8), CommandRef>,
    by_seq: std::collections::HashMap<u8, CommandRef>,
    /// The INPUT of each recent timestep (at most [`INPUTS_KEPT`]).
    inputs: std::collections::BTreeMap<u32, CommandRef>,
    last: Option<(CommandRef, u32)>,
    run: Option<RunState>,
}

impl Tracker {
    /// The host sent `bytes` at `t_us`.
    fn host(&mut self, t_us: u64, bytes: &[u8]) {
        for &byte in bytes {
            self.offset += 1;
            if let Some(Decoded::Frame(frame)) = self.decoder.push(byte) {
                let start = self.offset - (frame.payload.len() as u64 + 11);
                self.command(t_us, start, frame.opcode, frame.seq, &frame.payload);
            }
        }
    }

    fn command(&mut self, t_us: u64, start: u64, opcode: u8, seq: u8, payload: &[u8]) {
        let fingerprint = frame_crc(payload);
        let retry = self.last.as_ref().filter(|(c, f)| c.opcode == opcode && c.seq == seq && *f == fingerprint);
        let (index, attempt) = match retry {
            Some((c, _)) => (c.index, c.attempt + 1),
            None => {
                self.count += 1;
                (self.count, 1)
            }
        };
        let u32_at = |i: usize| payload.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let u16_at = |i: usize| payload.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let region = || {
            payload.first().map_or_else(String::new, |&r| {
                Region::try_from(r).map_or_else(|_| format!("region {r}"), |r| r.name().to_owned())
            })
        };
        let (mut timestep, mut steps) = (None, None);
        let detail = match Opcode::try_from(opcode) {
            Ok(Opcode::Reset) => match payload.first() {
                Some(0) => "the state".to_owned(),
                Some(1) => "everything".to_owned(),
                _ => String::new(),
            },
            Ok(Opcode::Write) => {
                format!("{} at offset {}, {} bytes", region(), u32_at(1).unwrap_or(0), payload.len().saturating_sub(5))
            }
            Ok(Opcode::Read) => {
                format!("{} at offset {}, {} bytes", region(), u32_at(1).unwrap_or(0), u16_at(5).unwrap_or(0))
            }
            Ok(Opcode::Crc) => {
                format!("{} at offset {}, {} bytes", region(), u32_at(1).unwrap_or(0), u32_at(5).unwrap_or(0))
            }
            Ok(Opcode::Run) => {
                steps = u32_at(0);
                steps.map(|s| format!("{s} timesteps")).unwrap_or_default()
            }
            Ok(Opcode::Input) => {
                timestep = u32_at(0);
                match (timestep, u16_at(4)) {
                    (Some(t), Some(k)) => format!("timestep {t}, {k} inputs"),
                    _ => String::new(),
                }
            }
            Ok(Opcode::Probe) => u16_at(0).map(|k| format!("{k} neurons")).unwrap_or_default(),
            Ok(Opcode::Resend) => {
                timestep = u32_at(0);
                timestep.map(|t| format!("from timestep {t}")).unwrap_or_default()
            }
            _ => String::new(),
        };
        let command =
            CommandRef { index, opcode, seq, attempt, sent_at_us: t_us, host_offset: start, detail, timestep, steps };
        if opcode == Opcode::Input as u8
            && let Some(t) = timestep
        {
            self.inputs.insert(t, command.clone());
            while self.inputs.len() > INPUTS_KEPT {
                self.inputs.pop_first();
            }
        }
        self.by_key.insert((opcode, seq), command.clone());
        self.by_seq.insert(seq, command.clone());
        self.last = Some((command, fingerprint));
    }

    /// The context of a new segment of `side`; the replayed device's frames move the run.
    fn context(&mut self, side: Side, segment: &Segment) -> Context {
        let command = match segment.kind {
            SegmentKind::Reply { opcode: REPLY_BIT, seq } => self.by_seq.get(&seq).cloned(),
            SegmentKind::Reply { opcode, seq } => self.by_key.get(&(opcode & !REPLY_BIT, seq)).cloned(),
            // An output frame follows its timestep's INPUT, or the RESEND that sent it again.
            SegmentKind::Output { timestep: Some(t) }
                if self.last.as_ref().is_none_or(|(c, _)| c.opcode != Opcode::Resend as u8) =>
            {
                self.inputs.get(&t).or(self.last.as_ref().map(|(c, _)| c)).cloned()
            }
            _ => self.last.as_ref().map(|(c, _)| c.clone()),
        };
        let context = Context { command, run: self.run };
        if side == Side::Replayed && segment.complete {
            let bytes = &segment.bytes;
            match segment.kind {
                SegmentKind::Reply { opcode, .. }
                    if opcode == Opcode::Run.reply() && bytes.len() >= 16 && bytes[7] == 0 =>
                {
                    let first = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
                    let steps = context.command.as_ref().and_then(|c| c.steps);
                    self.run = Some(RunState { first, steps, last_output: None });
                }
                SegmentKind::Reply { opcode, .. } if opcode == Opcode::Stop.reply() => self.run = None,
                SegmentKind::Output { timestep: Some(t) } => {
                    if let Some(run) = &mut self.run {
                        run.last_output = Some(t);
                        if run.steps.is_some_and(|s| t.wrapping_sub(run.first).wrapping_add(1) >= s) {
                            self.run = None;
                        }
                    }
                }
                _ => {}
            }
        }
        context
    }
}

/// `0.012345 s`.
pub fn seconds(us: u64) -> String {
    format!("{}.{:06} s", us / 1_000_000, us % 1_000_000)
}
