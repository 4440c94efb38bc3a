//! How the device commands (`info`, `flash`, `readback`, `doctor`, `run --target`)
//! name a device — `--target T` or `--port P` — open it and connect to it, recording the
//! session with `--record`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use ncx::driver::{Driver, DriverOptions};
use ncx::image::Image;
use ncx::link::record::{self, FileRecord, Header, Recorder};
use ncx::link::{Link, LinkTarget};
use ncx::run::{Connect, ConnectError, Session};
use ncx_model::Geometry;
use sha2::{Digest, Sha256};

/// The device a command talks to.
#[derive(Debug, Clone, Args)]
pub(crate) struct DeviceArgs {
    /// The device: `model`, `pty`, `verilator`, `serial:<path>[@<baud>]` or
    /// `faulty:<seed>:<faults>[:<target>]`.
    #[arg(long, value_name = "T", required_unless_present = "port", conflicts_with = "port")]
    target: Option<String>,

    /// A serial port, e.g. /dev/ttyUSB1: the same as `--target serial:<PORT>`.
    #[arg(long, value_name = "PORT")]
    port: Option<String>,

    /// `--retries` and `--slack`.
    #[command(flatten)]
    pub(crate) link: LinkArgs,

    /// Record the session to FILE: every byte each way with its time, and a manifest
    /// (versions, command line, target, HELLO, files named on the command line with their
    /// SHA-256); `ncx replay FILE` plays it back (docs/recording.md). A new file, or a
    /// regular file to replace; never a device, FIFO or directory, nor an input.
    #[arg(long, value_name = "FILE")]
    pub(crate) record: Option<PathBuf>,
}

/// `--slack MS`: whole milliseconds, at most an hour ([`ncx::driver::MAX_SLACK`]).
pub(crate) fn parse_slack(text: &str) -> Result<Duration, String> {
    let max = ncx::driver::MAX_SLACK.as_millis();
    match text.parse::<u64>() {
        Ok(ms) if u128::from(ms) <= max => Ok(Duration::from_millis(ms)),
        _ => Err(format!("expected whole milliseconds from 0 to {max} (an hour), e.g. 5000")),
    }
}

/// How the driver treats a device's link: `--retries` and `--slack`, the same on every
/// command that reaches a device.
#[derive(Debug, Clone, Args)]
pub(crate) struct LinkArgs {
    /// On a device: how often a command is re-sent after a timeout before giving up (a
    /// noisy link needs more; a dead link is reported after N + 1 timeouts).
    #[arg(long, value_name = "N", default_value_t = ncx::driver::RETRIES)]
    pub(crate) retries: u32,

    /// On a device: milliseconds every reply and output frame may take on top of its byte
    /// times (50: a real device's USB latency); for a device slower than real time, e.g.
    /// the RTL virtual board of `ncx emulate --backend verilator`: --slack 5000.
    #[arg(long, value_name = "MS", default_value = "50", value_parser = parse_slack)]
    pub(crate) slack: Duration,
}

impl LinkArgs {
    /// The driver's options of `--retries` and `--slack`.
    pub(crate) fn options(&self) -> DriverOptions {
        DriverOptions { retries: self.retries, slack: self.slack, ..DriverOptions::default() }
    }
}

impl DeviceArgs {
    /// The driver's options of `--retries` and `--slack`.
    pub(crate) fn options(&self) -> DriverOptions {
        self.link.options()
    }

    /// The target as written, `--port P` written as `serial:P`, with the recording asked
    /// for; [`connect`] parses it.
    pub(crate) fn target(&self) -> DeviceTarget {
        let text = match (&self.target, &self.port) {
            (Some(target), _) => target.clone(),
            (None, Some(port)) => format!("serial:{port}"),
            // clap requires one of the two.
            (None, None) => "model".to_owned(),
        };
        DeviceTarget { text, record: self.record.clone() }
    }
}

/// A target as the command line gave it (it prints as its text) and the file to record
/// the session to, if any: what [`connect`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeviceTarget {
    text: String,
    record: Option<PathBuf>,
}

impl fmt::Display for DeviceTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The recordings this process made; [`finish_recordings`] writes their outcome.
static RECORDINGS: Mutex<Vec<Recorder>> = Mutex::new(Vec::new());

/// The recording made last, if any.
fn current_recording() -> Option<Recorder> {
    RECORDINGS.lock().unwrap_or_else(PoisonError::into_inner).last().cloned()
}

/// Write the command's outcome at the end of every recording (`main` calls this once the
/// command has returned).
pub(crate) fn finish_recordings(result: &anyhow::Result<()>) {
    let outcome = result.as_ref().map(|_| ()).map_err(|e| ncx::error::Report(&**e).to_string());
    for recorder in RECORDINGS.lock().unwrap_or_else(PoisonError::into_inner).drain(..) {
        let _ = recorder.end(outcome.as_ref().map(|_| ()).map_err(String::as_str));
    }
}

/// Check that a session may be recorded to `path` (a regular file or nothing, not any
/// file named elsewhere on the command line) and hash the files the command line names.
fn prepare_recording(path: &Path) -> anyhow::Result<Vec<FileRecord>> {
    record::check_path(path)?;
    let args = command_line();
    let mut files = Vec::new();
    // After the program and the subcommand: values of options and operands.
    let mut rest = args.iter().skip(2);
    while let Some(arg) = rest.next() {
        let value = match arg.strip_prefix("--").map(|a| a.split_once('=').map_or((a, None), |(n, v)| (n, Some(v)))) {
            Some(("record" | "target" | "port", value)) => {
                if value.is_none() {
                    rest.next();
                }
                continue;
            }
            Some((_, Some(value))) => value,
            // A flag, or an option whose value comes next.
            Some((_, None)) => continue,
            None if arg.starts_with('-') => continue,
            None => arg.as_str(),
        };
        let candidate = Path::new(value);
        if value.is_empty() {
            continue;
        }
        if record::same_file(candidate, path) {
            anyhow::bail!(
                "cannot record to {}: it is also `{arg}` on the command line, and the recording would replace \
                 it\nhelp: record to a new file, e.g. --record session.jsonl",
                path.display()
            );
        }
        if candidate.is_file() {
            // A file that cannot be read is left out of the manifest; the command says why.
            if let Ok(file) = FileRecord::of(arg, candidate) {
                files.push(file);
            }
        }
    }
    Ok(files)
}

/// This process's command line (arguments that are not UTF-8 made readable).
fn command_line() -> Vec<String> {
    std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect()
}

/// Open the recording of a session on `target` over `link` and wrap the link.
fn record_link(
    path: &Path,
    files: Vec<FileRecord>,
    parsed: &LinkTarget,
    geometry: Geometry,
    link: Box<dyn Link + Send>,
) -> anyhow::Result<Box<dyn Link + Send>> {
    let board = match parsed {
        LinkTarget::Faulty { inner, .. } => matches!(**inner, LinkTarget::Serial { .. }),
        other => matches!(other, LinkTarget::Serial { .. }),
    };
    let mut header = Header::new(&parsed.to_string(), &link.name(), (!board).then_some(geometry));
    header.files = files;
    let recorder = Recorder::create(path, &header)?;
    RECORDINGS.lock().unwrap_or_else(PoisonError::into_inner).push(recorder.clone());
    Ok(Box::new(recorder.wrap(link)))
}

/// Parse `target` and connect to it ([`connect_link`]).
///
/// With a file to record to (`--record`, [`DeviceTarget`]), the path is checked before
/// the target is opened, and the session is recorded from the first byte (docs/recording.md).
pub(crate) fn connect(
    target: &DeviceTarget,
    options: DriverOptions,
    geometry: Option<Geometry>,
) -> anyhow::Result<Session> {
    let link = LinkTarget::parse(&target.text)?;
    connect_link(&link, &target.text, target.record.as_deref(), options, geometry)
}

/// Open `link` (written `name`; a simulated target — `model`, `pty`, `verilator` — gets a
/// fresh device of `geometry`, or of the target's default geometry) and connect with
/// `options` (`--retries`, `--slack`); the session recorded to `record` if given.
fn connect_link(
    link: &LinkTarget,
    name: &str,
    record: Option<&Path>,
    options: DriverOptions,
    geometry: Option<Geometry>,
) -> anyhow::Result<Session> {
    let Some(geometry) = geometry.or_else(|| link.default_geometry()) else {
        anyhow::bail!(
            "the target {name} has no device: this ncx was built without Verilator\nhelp: install it (bash \
             scripts/setup.sh) and rebuild ncx"
        );
    };
    let files = record.map(prepare_recording).transpose()?;
    let mut opened = link.open(geometry).with_context(|| format!("cannot open the target {name}"))?;
    if let (Some(path), Some(files)) = (record, files) {
        opened = record_link(path, files, link, geometry, opened)?;
    }
    let driver =
        Driver::connect_with(opened, options).with_context(|| format!("cannot connect to the device on {name}"))?;
    if let Some(recorder) = record.and(current_recording()) {
        recorder.device(driver.info()).with_context(|| format!("cannot record to {}", recorder.path().display()))?;
    }
    Ok(driver)
}

/// How `ncx run` (and `ncx eval`) reaches a device target: [`connect_link`] with
/// `--retries` and `--slack`, recording to `--record` with the run's manifest
/// ([`record_run`]).
pub(crate) struct RunConnect<'a> {
    /// The driver's options: re-sends of a command after a timeout, the slack of every wait.
    pub(crate) options: DriverOptions,
    /// Where to record the session.
    pub(crate) record: Option<&'a Path>,
    /// The image the run uploads, for the manifest.
    pub(crate) image: &'a Image,
    /// The run's timesteps, for the manifest.
    pub(crate) steps: usize,
}

impl Connect for RunConnect<'_> {
    fn connect(&mut self, link: &LinkTarget, name: &str, geometry: Geometry) -> Result<Session, ConnectError> {
        let driver = connect_link(link, name, self.record, self.options, Some(geometry))?;
        if let Some(recorder) = self.record.and(current_recording()) {
            record_run(&recorder, self.image, self.steps)
                .with_context(|| format!("cannot record to {}", recorder.path().display()))?;
        }
        Ok(driver)
    }
}

/// The manifest of a run in its recording: the image (`image`: name, geometry, size and
/// SHA-256 of its `.ncx` encoding) and the run (`run`: steps, and the stimulus and seed
/// as the command line gives them).
fn record_run(recorder: &Recorder, image: &Image, steps: usize) -> std::io::Result<()> {
    let bytes = ncx::image::codec::encode(image);
    let sha256 = record::hex(&Sha256::digest(&bytes));
    let (n, m) = (image.geometry.neurons(), image.geometry.inputs());
    let name = &image.meta.name;
    recorder.note(
        "image",
        &serde_json::json!({ "name": name, "neurons": n, "inputs": m, "bytes": bytes.len(), "sha256": sha256 }),
    )?;
    let args = command_line();
    let option = |name: &str| {
        let flag = format!("--{name}");
        let prefix = format!("--{name}=");
        args.iter().enumerate().find_map(|(i, a)| {
            if *a == flag { args.get(i + 1).cloned() } else { a.strip_prefix(&prefix).map(str::to_owned) }
        })
    };
    let seed = option("seed").and_then(|s| s.parse::<u64>().ok());
    recorder.note("run", &serde_json::json!({ "steps": steps, "stimulus": option("stimulus"), "seed": seed }))
}
