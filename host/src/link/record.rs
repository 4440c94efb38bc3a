//! The flight recorder: [`RecordingLink`] wraps any [`Link`] and writes every call the
//! host makes on it — the bytes sent, the bytes received (with the buffer size and the
//! wait asked for), link errors — with its time, to a recording file, as the session
//! goes. [`Reader`] reads such a file back; `crate::replay` plays its host side against
//! a fresh device. The format is docs/recording.md: JSON Lines, one header line (the
//! manifest: ncx and protocol versions, command line, target, files named on the command
//! line with their SHA-256) and then one record per line.
//!
//! **Crash safety.** Records are appended and flushed to the operating system at least
//! every [`FLUSH_EVERY`], at every receive that came back empty after a wait (the host is
//! waiting for a device that does not answer), at every link error, annotation and at
//! the end; a panic flushes on unwinding. So a crash, a kill or a dead link leaves a
//! readable file: every record but at most the last few milliseconds', the last line
//! possibly cut (a reader ignores a last line without its newline). Nothing of the
//! session is kept in memory.
//!
//! **What is recorded.** The recorder sits on the outside of the link stack, so it
//! records what the host saw: through a fault injector (`faulty:…`), the bytes before the
//! injector on the way out and after it on the way in.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ncx_model::Geometry;
use ncx_model::device::{DeviceInfo, PROTOCOL_MAJOR, PROTOCOL_MINOR};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Link, LinkError};

/// The `format` of a recording's header line.
pub const FORMAT: &str = "ncx-recording";

/// The version of the format this ncx writes, and the only one it reads.
pub const VERSION: u32 = 1;

/// The longest time records wait in memory before they are flushed to the file.
pub const FLUSH_EVERY: Duration = Duration::from_millis(20);

/// The longest line a reader accepts (a record holds at most one call's bytes: a few
/// KiB, hex-encoded).
pub const MAX_LINE: usize = 16 << 20;

/// The manifest: the first line of a recording.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format's version ([`VERSION`]).
    pub version: u32,
    /// The version of the ncx that recorded it.
    pub ncx: String,
    /// The ncx/1 protocol version of that ncx, `major.minor`.
    pub protocol: String,
    /// When the recording started, in milliseconds since 1970-01-01 UTC.
    #[serde(default)]
    pub started_unix_ms: u64,
    /// The command line, program name first.
    #[serde(default)]
    pub command: Vec<String>,
    /// The working directory of the command.
    #[serde(default)]
    pub cwd: Option<String>,
    /// The link target the session opened (docs/protocol.md §11), e.g.
    /// `serial:/dev/ttyUSB1@1000000` or `faulty:7:drop=0.01,…:model`.
    #[serde(default)]
    pub target: String,
    /// The link's own name, e.g. `serial:/dev/ttyUSB1`.
    #[serde(default)]
    pub link: String,
    /// The geometry a simulated target was made with (`[neurons, inputs]`); `None` for
    /// a board, which has its own.
    #[serde(default)]
    pub geometry: Option<[usize; 2]>,
    /// The files named on the command line, with their size and SHA-256.
    #[serde(default)]
    pub files: Vec<FileRecord>,
    /// The machine: operating system and architecture.
    #[serde(default)]
    pub host: Option<HostRecord>,
}

/// A file named on the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The argument as given.
    pub arg: String,
    /// The file's absolute path.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// The SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

/// The machine a recording was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostRecord {
    /// `std::env::consts::OS`.
    pub os: String,
    /// `std::env::consts::ARCH`.
    pub arch: String,
}

impl Header {
    /// The header of a session on `target` (its link named `link`), made now by this
    /// process: versions, command line, working directory, machine. `files` is empty
    /// (see [`FileRecord::of`]).
    pub fn new(target: &str, link: &str, geometry: Option<Geometry>) -> Header {
        let started_unix_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        Header {
            format: FORMAT.to_owned(),
            version: VERSION,
            ncx: env!("CARGO_PKG_VERSION").to_owned(),
            protocol: format!("{PROTOCOL_MAJOR}.{PROTOCOL_MINOR}"),
            started_unix_ms,
            command: std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect(),
            cwd: std::env::current_dir().ok().map(|d| d.display().to_string()),
            target: target.to_owned(),
            link: link.to_owned(),
            geometry: geometry.map(|g| [g.neurons(), g.inputs()]),
            files: Vec::new(),
            host: Some(HostRecord { os: std::env::consts::OS.to_owned(), arch: std::env::consts::ARCH.to_owned() }),
        }
    }
}

impl FileRecord {
    /// The record of the file at `path` (named `arg` on the command line): its size and
    /// SHA-256, read in blocks.
    pub fn of(arg: &str, path: &Path) -> io::Result<FileRecord> {
        let mut file = File::open(path)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut bytes = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            bytes += n as u64;
        }
        let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        Ok(FileRecord { arg: arg.to_owned(), path: path.display().to_string(), bytes, sha256: hex(&hasher.finalize()) })
    }
}

/// What HELLO said, as a recording stores it (the host's decoding of the reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// Protocol version, `major.minor`.
    pub protocol: String,
    /// N.
    pub neurons: usize,
    /// M.
    pub inputs: usize,
    /// The widths table: per field, bits and signed (0 or 1).
    pub widths: Vec<[u8; 2]>,
    /// The core clock in Hz.
    pub clock_hz: u32,
    /// The UART divisor.
    pub baud_divisor: u32,
    /// The build id, lowercase hex.
    pub build_id: String,
    /// The feature bits.
    pub features: u32,
    /// The largest payload the device buffers.
    pub max_payload: u16,
    /// Timesteps of input the device holds.
    pub input_slots: u8,
    /// Output frames the device keeps for RESEND.
    pub output_history: u8,
}

impl From<&DeviceInfo> for DeviceRecord {
    fn from(info: &DeviceInfo) -> DeviceRecord {
        DeviceRecord {
            protocol: format!("{}.{}", info.version_major, info.version_minor),
            neurons: info.geometry.neurons(),
            inputs: info.geometry.inputs(),
            widths: info.widths.to_vec(),
            clock_hz: info.clock_hz,
            baud_divisor: info.baud_divisor,
            build_id: hex(&info.build_id),
            features: info.features,
            max_payload: info.max_payload,
            input_slots: info.input_slots,
            output_history: info.output_history,
        }
    }
}

impl DeviceRecord {
    /// The HELLO description again; `None` if a field does not fit one.
    pub fn to_info(&self) -> Option<DeviceInfo> {
        let (major, minor) = self.protocol.split_once('.')?;
        let build_id: [u8; 8] = unhex(&self.build_id)?.try_into().ok()?;
        Some(DeviceInfo {
            version_major: major.parse().ok()?,
            version_minor: minor.parse().ok()?,
            geometry: Geometry::new(self.neurons, self.inputs).ok()?,
            widths: self.widths.clone().try_into().ok()?,
            clock_hz: self.clock_hz,
            baud_divisor: self.baud_divisor,
            build_id,
            features: self.features,
            max_payload: self.max_payload,
            input_slots: self.input_slots,
            output_history: self.output_history,
        })
    }
}

/// Why a recording could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The path exists and is not a regular file (a directory, a device, a FIFO, a
    /// socket): a recording never replaces one.
    #[error("cannot record to {path}: it is {what}, not a regular file, and a recording never replaces one")]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is.
        what: &'static str,
    },
    /// The directory of the path does not exist.
    #[error("cannot record to {path}: its directory does not exist")]
    NoDirectory {
        /// The path.
        path: PathBuf,
    },
    /// Creating or writing the file failed.
    #[error("cannot record to {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
}

impl crate::error::Help for RecordError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            RecordError::NotAFile { .. } => Some("give the path of a new file, e.g. --record session.jsonl".into()),
            RecordError::NoDirectory { .. } => Some("create it first, or record elsewhere".into()),
            RecordError::Io { .. } => None,
        }
    }
}

/// Check that a recording may be written at `path`: a regular file (which it replaces,
/// through a symbolic link: the link's target) or nothing yet in an existing directory.
pub fn check_path(path: &Path) -> Result<(), RecordError> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(meta) => Err(RecordError::NotAFile { path: path.to_owned(), what: kind_of(&meta) }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if dir.is_dir() { Ok(()) } else { Err(RecordError::NoDirectory { path: path.to_owned() }) }
        }
        Err(source) => Err(RecordError::Io { path: path.to_owned(), source }),
    }
}

/// What a file that is not a regular file is, for messages.
fn kind_of(meta: &fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() {
            return "a character device";
        } else if kind.is_block_device() {
            return "a block device";
        } else if kind.is_fifo() {
            return "a FIFO";
        } else if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Whether `a` and `b` name the same file: the same inode when both exist (on Unix), else the
/// same absolute path (directories resolved, the last component compared as given).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    if let (Ok(x), Ok(y)) = (fs::metadata(a), fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        return x.dev() == y.dev() && x.ino() == y.ino();
    }
    let resolve = |p: &Path| -> Option<PathBuf> {
        let name = p.file_name()?;
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Some(fs::canonicalize(dir).ok()?.join(name))
    };
    matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
}

/// The writing end of a recording, shared by the [`RecordingLink`] and whoever adds
/// annotations (the command: what HELLO said, the image, the outcome). Cloning gives
/// another handle on the same file.
#[derive(Debug, Clone)]
pub struct Recorder {
    shared: Arc<Mutex<Writer>>,
    path: PathBuf,
}

#[derive(Debug)]
struct Writer {
    out: BufWriter<File>,
    started: Instant,
    last_flush: Instant,
    sent: u64,
    received: u64,
    closed: bool,
    ended: bool,
}

impl Recorder {
    /// Create the recording at `path` ([`check_path`] first) and write `header`.
    pub fn create(path: &Path, header: &Header) -> Result<Recorder, RecordError> {
        check_path(path)?;
        let io_error = |source| RecordError::Io { path: path.to_owned(), source };
        let file = OpenOptions::new().write(true).create(true).truncate(true).open(path).map_err(io_error)?;
        let mut out = BufWriter::new(file);
        let line = serde_json::to_string(header).map_err(|e| io_error(io::Error::other(e)))?;
        out.write_all(line.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush())
            .map_err(io_error)?;
        let now = Instant::now();
        let writer = Writer { out, started: now, last_flush: now, sent: 0, received: 0, closed: false, ended: false };
        Ok(Recorder { shared: Arc::new(Mutex::new(writer)), path: path.to_owned() })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Wrap `link`: every call on it is recorded here.
    pub fn wrap<L: Link>(&self, link: L) -> RecordingLink<L> {
        RecordingLink { inner: link, recorder: self.clone() }
    }

    /// Bytes recorded so far: (sent, received).
    pub fn bytes(&self) -> (u64, u64) {
        let w = self.lock();
        (w.sent, w.received)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Writer> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Append one record: `{"t":…,` then `body` (the rest of the object, without its
    /// opening brace); flushed when `flush` or when the last flush is old.
    fn record(&self, body: &str, flush: bool) -> io::Result<()> {
        let mut w = self.lock();
        let now = Instant::now();
        let t = now.duration_since(w.started).as_micros();
        writeln!(w.out, "{{\"t\":{t},{body}")?;
        if flush || now.duration_since(w.last_flush) >= FLUSH_EVERY {
            w.out.flush()?;
            w.last_flush = now;
        }
        Ok(())
    }

    /// An annotation `{"t":…,"<key>":<value>}`, flushed at once. Readers report keys
    /// they do not know as [`Event::Note`].
    pub fn note(&self, key: &str, value: &Value) -> io::Result<()> {
        let key = Value::String(key.to_owned());
        self.record(&format!("{key}:{value}}}"), true)
    }

    /// What HELLO said (`device`).
    pub fn device(&self, info: &DeviceInfo) -> io::Result<()> {
        let value = serde_json::to_value(DeviceRecord::from(info)).map_err(io::Error::other)?;
        self.note("device", &value)
    }

    /// The command's outcome (`end`): `Ok` or the error message. Written once; later
    /// calls do nothing.
    pub fn end(&self, outcome: Result<(), &str>) -> io::Result<()> {
        if std::mem::replace(&mut self.lock().ended, true) {
            return Ok(());
        }
        let value = match outcome {
            Ok(()) => serde_json::json!({ "status": "ok" }),
            Err(message) => serde_json::json!({ "status": "error", "message": message }),
        };
        self.note("end", &value)
    }

    fn sent(&self, bytes: &[u8]) -> io::Result<()> {
        self.lock().sent += bytes.len() as u64;
        self.record(&format!("\"tx\":\"{}\"}}", hex(bytes)), false)
    }

    fn received(&self, bytes: &[u8], cap: usize, wait: Duration) -> io::Result<()> {
        self.lock().received += bytes.len() as u64;
        let wait_us = wait.as_micros();
        // An empty receive after a wait: the host is waiting for a device that does not
        // answer; make sure this much is on disk.
        let flush = bytes.is_empty() && !wait.is_zero();
        self.record(&format!("\"rx\":\"{}\",\"cap\":{cap},\"wait_us\":{wait_us}}}", hex(bytes)), flush)
    }

    fn link_error(&self, call: &str, error: &LinkError) -> io::Result<()> {
        self.note("error", &serde_json::json!({ "call": call, "message": error.to_string() }))
    }

    /// The link was closed: the streams are complete (`closed`).
    fn closed(&self) -> io::Result<()> {
        let (sent, received) = {
            let mut w = self.lock();
            if std::mem::replace(&mut w.closed, true) {
                return Ok(());
            }
            (w.sent, w.received)
        };
        self.note("closed", &serde_json::json!({ "tx_bytes": sent, "rx_bytes": received }))
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}

/// A link whose every call is recorded (module docs). Its name is the inner link's.
#[derive(Debug)]
pub struct RecordingLink<L: Link> {
    inner: L,
    recorder: Recorder,
}

impl<L: Link> RecordingLink<L> {
    /// The recorder.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The wrapped link.
    pub fn inner(&self) -> &L {
        &self.inner
    }

    /// The wrapped link, mutably (calls on it are not recorded).
    pub fn inner_mut(&mut self) -> &mut L {
        &mut self.inner
    }

    /// A failure to write the recording, as a link error: the session stops rather than
    /// go on with a recording that misses bytes.
    fn failed(&self, source: io::Error) -> LinkError {
        LinkError::Io { link: format!("the recording {}", self.recorder.path.display()), source }
    }
}

impl<L: Link> Link for RecordingLink<L> {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), LinkError> {
        match self.inner.send(bytes) {
            Ok(()) => self.recorder.sent(bytes).map_err(|e| self.failed(e)),
            Err(e) => {
                let _ = self.recorder.link_error("send", &e);
                Err(e)
            }
        }
    }

    fn receive(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, LinkError> {
        match self.inner.receive(buf, timeout) {
            Ok(n) => {
                self.recorder.received(&buf[..n], buf.len(), timeout).map_err(|e| self.failed(e))?;
                Ok(n)
            }
            Err(e) => {
                let _ = self.recorder.link_error("receive", &e);
                Err(e)
            }
        }
    }
}

impl<L: Link> Drop for RecordingLink<L> {
    fn drop(&mut self) {
        let _ = self.recorder.closed();
    }
}

/// One record of a recording.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// The host sent these bytes (`tx`).
    Sent {
        /// Microseconds since the recording started.
        t_us: u64,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// A receive call returned these bytes (`rx`; empty: nothing came within the wait).
    Received {
        /// Microseconds since the recording started.
        t_us: u64,
        /// The bytes.
        bytes: Vec<u8>,
        /// The size of the host's buffer.
        cap: usize,
        /// How long the host was willing to wait for the first byte, in microseconds.
        wait_us: u64,
    },
    /// A link call failed (`error`).
    LinkError {
        /// Microseconds since the recording started.
        t_us: u64,
        /// `send` or `receive`.
        call: String,
        /// The error.
        message: String,
    },
    /// What HELLO said (`device`).
    Device {
        /// Microseconds since the recording started.
        t_us: u64,
        /// The description.
        device: DeviceRecord,
    },
    /// The link was closed: nothing was sent or received after this (`closed`).
    Closed {
        /// Microseconds since the recording started.
        t_us: u64,
    },
    /// The command's outcome (`end`).
    End {
        /// Microseconds since the recording started.
        t_us: u64,
        /// Whether it succeeded.
        ok: bool,
        /// The error message, if it failed.
        message: Option<String>,
    },
    /// Any other annotation (`image`, `run`, or a kind this version does not know).
    Note {
        /// Microseconds since the recording started.
        t_us: u64,
        /// The key.
        key: String,
        /// The value.
        value: Value,
    },
}

/// Why a recording could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The file is not an ncx recording (its first line is not a header).
    #[error("{path} is not an ncx recording: {problem}")]
    NotARecording {
        /// The file.
        path: PathBuf,
        /// What was found.
        problem: String,
    },
    /// The recording has a version this ncx does not read.
    #[error(fmt = version_message)]
    Version {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u64,
        /// The ncx that wrote it, if it says.
        writer: Option<String>,
    },
    /// A line that is not a record, before the last line.
    #[error("{path}:{line}: not a record of an ncx recording: {problem}")]
    BadRecord {
        /// The file.
        path: PathBuf,
        /// The line number (1 = the header).
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
}

/// The message of [`ReadError::Version`].
fn version_message(path: &Path, found: &u64, writer: &Option<String>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let by = writer.as_ref().map(|v| format!(" (written by ncx {v})")).unwrap_or_default();
    let (path, ours) = (path.display(), env!("CARGO_PKG_VERSION"));
    write!(f, "{path} is an ncx recording of version {found}{by}, but this ncx {ours} reads only version {VERSION}")
}

impl crate::error::Help for ReadError {
    fn help(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            ReadError::NotARecording { .. } => {
                Some("record one with `--record FILE` on a device command (docs/recording.md)".into())
            }
            ReadError::Version { .. } => Some("replay it with the ncx that recorded it, or a newer one".into()),
            ReadError::Io { .. } | ReadError::BadRecord { .. } => None,
        }
    }
}

/// Reads a recording record by record, never holding more than one line.
#[derive(Debug)]
pub struct Reader {
    path: PathBuf,
    lines: BufReader<File>,
    header: Header,
    line: usize,
    buf: Vec<u8>,
    partial_tail: bool,
    closed: bool,
}

impl Reader {
    /// Open the recording at `path` and read its header, checking the format and version.
    pub fn open(path: &Path) -> Result<Reader, ReadError> {
        let io_error = |source| ReadError::Io { path: path.to_owned(), source };
        let meta = fs::metadata(path).map_err(io_error)?;
        if !meta.is_file() {
            return Err(ReadError::NotARecording {
                path: path.to_owned(),
                problem: format!("it is {}, not a file", kind_of(&meta)),
            });
        }
        let file = File::open(path).map_err(io_error)?;
        let mut reader = Reader {
            path: path.to_owned(),
            lines: BufReader::new(file),
            header: Header::default(),
            line: 0,
            buf: Vec::new(),
            partial_tail: false,
            closed: false,
        };
        let not = |problem: String| ReadError::NotARecording { path: path.to_owned(), problem };
        let Some(first) = reader.next_line()? else {
            return Err(not(if reader.partial_tail {
                "its first line is incomplete (the recording was cut before its header was written)".to_owned()
            } else {
                "it is empty".to_owned()
            }));
        };
        let value: Value = serde_json::from_str(&first)
            .map_err(|_| not("its first line is not the JSON header of a recording".to_owned()))?;
        if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(not(format!("its first line has no \"format\": \"{FORMAT}\"")));
        }
        let Some(version) = value.get("version").and_then(Value::as_u64) else {
            return Err(not("its header has no version number".to_owned()));
        };
        if version != u64::from(VERSION) {
            let writer = value.get("ncx").and_then(Value::as_str).map(str::to_owned);
            return Err(ReadError::Version { path: path.to_owned(), found: version, writer });
        }
        reader.header = serde_json::from_value(value).map_err(|e| ReadError::BadRecord {
            path: path.to_owned(),
            line: 1,
            problem: format!("the header does not fit version {VERSION}: {e}"),
        })?;
        Ok(reader)
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Whether the last line had no newline (the recording was cut while it was
    /// written); that line is ignored.
    pub fn partial_tail(&self) -> bool {
        self.partial_tail
    }

    /// Whether a `closed` record was read: the streams are complete.
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// The number of the line read last (1 = the header).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The next complete line, without its newline; `None` at the end (a last line
    /// without newline sets [`Reader::partial_tail`] and is not returned).
    fn next_line(&mut self) -> Result<Option<String>, ReadError> {
        self.buf.clear();
        let limit = MAX_LINE as u64 + 1;
        let n = (&mut self.lines)
            .take(limit)
            .read_until(b'\n', &mut self.buf)
            .map_err(|source| ReadError::Io { path: self.path.clone(), source })?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.buf.last() != Some(&b'\n') {
            if self.buf.len() > MAX_LINE {
                return Err(self.bad(format!("the line is longer than {MAX_LINE} bytes")));
            }
            self.partial_tail = true;
            return Ok(None);
        }
        self.buf.pop();
        match String::from_utf8(std::mem::take(&mut self.buf)) {
            Ok(line) => Ok(Some(line)),
            Err(_) => Err(self.bad("the line is not UTF-8 text".to_owned())),
        }
    }

    fn bad(&self, problem: String) -> ReadError {
        ReadError::BadRecord { path: self.path.clone(), line: self.line, problem }
    }

    /// The next record, `None` at the end of the file.
    pub fn next_event(&mut self) -> Result<Option<Event>, ReadError> {
        loop {
            let Some(line) = self.next_line()? else { return Ok(None) };
            if line.trim().is_empty() {
                continue;
            }
            let object: Map<String, Value> =
                serde_json::from_str(&line).map_err(|e| self.bad(format!("not a JSON object ({e})")))?;
            let event = self.parse(object)?;
            if matches!(event, Event::Closed { .. }) {
                self.closed = true;
            }
            return Ok(Some(event));
        }
    }

    fn parse(&self, mut object: Map<String, Value>) -> Result<Event, ReadError> {
        let t_us = object.get("t").and_then(Value::as_u64).ok_or_else(|| self.bad("no time \"t\"".to_owned()))?;
        let bytes = |object: &Map<String, Value>, key: &str| -> Result<Vec<u8>, ReadError> {
            object
                .get(key)
                .and_then(Value::as_str)
                .and_then(unhex)
                .ok_or_else(|| self.bad(format!("\"{key}\" is not a string of hex byte pairs")))
        };
        if object.contains_key("tx") {
            return Ok(Event::Sent { t_us, bytes: bytes(&object, "tx")? });
        }
        if object.contains_key("rx") {
            let number = |key: &str| object.get(key).and_then(Value::as_u64).unwrap_or(0);
            let cap = usize::try_from(number("cap")).unwrap_or(usize::MAX);
            return Ok(Event::Received { t_us, bytes: bytes(&object, "rx")?, cap, wait_us: number("wait_us") });
        }
        if let Some(value) = object.get("error") {
            let field = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
            return Ok(Event::LinkError { t_us, call: field("call"), message: field("message") });
        }
        if let Some(value) = object.remove("device") {
            let device = serde_json::from_value(value).map_err(|e| self.bad(format!("a bad \"device\": {e}")))?;
            return Ok(Event::Device { t_us, device });
        }
        if object.contains_key("closed") {
            return Ok(Event::Closed { t_us });
        }
        if let Some(value) = object.get("end") {
            let ok = value.get("status").and_then(Value::as_str) == Some("ok");
            let message = value.get("message").and_then(Value::as_str).map(str::to_owned);
            return Ok(Event::End { t_us, ok, message });
        }
        object.remove("t");
        let keys: BTreeMap<String, Value> = object.into_iter().collect();
        let Some((key, value)) = keys.into_iter().next() else {
            return Err(self.bad("a record with nothing but its time".to_owned()));
        };
        Ok(Event::Note { t_us, key, value })
    }
}

/// Lowercase hex, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// The bytes of a hex string (either case); `None` if it is not pairs of hex digits.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let value = |d: u8| char::from(d).to_digit(16).map(|v| v as u8);
    digits.chunks(2).map(|pair| Some(value(pair[0])? << 4 | value(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&hex(&bytes)).as_deref(), Some(&bytes[..]));
        assert_eq!(hex(&[0xA5, 0x5A, 0x01]), "a55a01");
        assert_eq!(unhex("A55A"), Some(vec![0xA5, 0x5A]));
        assert_eq!(unhex("a5a"), None);
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex(""), Some(vec![]));
    }
}
