//! How the device commands (`info`, `flash`, `readback`, `doctor`, `run --target`)
//! name a device — `--target T` or `--port P` — open it and connect to it.

use std::fmt;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use anyhow::Context;
use clap::Args;
use ncx::driver::stream::run_on_device_into;
use ncx::driver::{Driver, DriverOptions};
use ncx::image::Image;
use ncx::link::record::{self, FileRecord, Header, Recorder};
use ncx::link::{Link, LinkTarget};
use ncx::progress::Progress;
use ncx::run::{RunSummary, Sink};
use ncx::stimulus::Stimulus;
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

    /// How often a command is re-sent after a timeout before giving up (a noisy link
    /// needs more; a dead link is reported after N + 1 timeouts).
    #[arg(long, value_name = "N", default_value_t = ncx::driver::RETRIES)]
    pub(crate) retries: u32,

    /// Record the session to FILE: every byte each way with its time, and a manifest
    /// (versions, command line, target, HELLO, files named on the command line with their
    /// SHA-256); `ncx replay FILE` plays it back (docs/recording.md). A new file, or a
    /// regular file to replace; never a device, FIFO or directory, nor an input.
    #[arg(long, value_name = "FILE")]
    pub(crate) record: Option<PathBuf>,
}

impl DeviceArgs {
    /// The target text, `--port P` written as `serial:P`, with the recording asked for.
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

/// A target as the command line gave it (it reads as its text) and the file to record
/// the session to, if any: what [`connect`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeviceTarget {
    text: String,
    record: Option<PathBuf>,
}

impl DeviceTarget {
    /// `text`, recorded to `record` if given.
    pub(crate) fn new(text: &str, record: Option<&Path>) -> DeviceTarget {
        DeviceTarget { text: text.to_owned(), record: record.map(Path::to_owned) }
    }
}

impl Deref for DeviceTarget {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for DeviceTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What [`connect`] takes: a target's text and the file to record to.
pub(crate) trait AsTarget {
    /// The target string.
    fn text(&self) -> &str;
    /// Where to record the session.
    fn record(&self) -> Option<&Path> {
        None
    }
}

impl AsTarget for str {
    fn text(&self) -> &str {
        self
    }
}

impl AsTarget for String {
    fn text(&self) -> &str {
        self
    }
}

impl AsTarget for DeviceTarget {
    fn text(&self) -> &str {
        &self.text
    }

    fn record(&self) -> Option<&Path> {
        self.record.as_deref()
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
    let outcome = result.as_ref().map(|_| ()).map_err(|e| format!("{e:#}"));
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

/// A connected device.
pub(crate) type Session = Driver<Box<dyn Link + Send>>;

/// Parse `target`, open it (a simulated target — `model`, `pty`, `verilator` — gets a fresh
/// device of `geometry`, or of the target's default geometry) and connect, re-sending each
/// command up to `retries` times.
///
/// With a file to record to (`--record`, [`DeviceTarget`]), the path is checked before
/// the target is opened, and the session is recorded from the first byte (docs/recording.md).
pub(crate) fn connect<T: AsTarget + ?Sized>(
    target: &T,
    retries: u32,
    geometry: Option<Geometry>,
) -> anyhow::Result<Session> {
    let (target, record) = (target.text(), target.record());
    let parsed = LinkTarget::parse(target)?;
    let Some(geometry) = geometry.or_else(|| parsed.default_geometry()) else {
        anyhow::bail!(
            "the target {target} has no device: this ncx was built without Verilator\nhelp: install it (bash \
             scripts/setup.sh) and rebuild ncx"
        );
    };
    let files = record.map(prepare_recording).transpose()?;
    let mut link = parsed.open(geometry).with_context(|| format!("cannot open the target {target}"))?;
    if let (Some(path), Some(files)) = (record, files) {
        link = record_link(path, files, &parsed, geometry, link)?;
    }
    let options = DriverOptions { retries, ..DriverOptions::default() };
    let driver =
        Driver::connect_with(link, options).with_context(|| format!("cannot connect to the device on {target}"))?;
    if let Some(recorder) = record.and(current_recording()) {
        recorder.device(driver.info()).with_context(|| format!("cannot record to {}", recorder.path().display()))?;
    }
    Ok(driver)
}

/// The `--target` of `ncx run`: `model` (the reference model), `model-device` (the
/// device model through the driver) or a link target.
pub(crate) fn parse_run_target(text: &str) -> Result<String, String> {
    match text {
        "model" | "model-device" => Ok(text.to_owned()),
        _ => LinkTarget::parse(text).map(|_| text.to_owned()).map_err(|e| {
            format!(
                "{e}\nncx run targets: model (the reference model), model-device (the device model through the \
                 driver), pty, verilator (the RTL), serial:<path>[@<baud>], faulty:<seed>:<faults>[:<target>]"
            )
        }),
    }
}

/// How the summary of `ncx run` names a target.
pub(crate) fn target_name(target: &str) -> String {
    match target {
        "model" => "model".to_owned(),
        _ => format!("device on {target}"),
    }
}

/// Run `image` on the device of `target` (`model-device` is the `model` link target)
/// through the driver: upload, stream the stimulus into `sink`, read back; the session
/// recorded to `record` if given.
#[allow(clippy::too_many_arguments)] // The run's parts, as `ncx run` has them.
pub(crate) fn run_on_target(
    target: &str,
    retries: u32,
    image: &Image,
    stimulus: &Stimulus,
    steps: usize,
    progress: &mut dyn Progress,
    sink: &mut dyn Sink,
    record: Option<&Path>,
) -> anyhow::Result<RunSummary> {
    let link_target = if target == "model-device" { "model" } else { target };
    let mut driver = connect(&DeviceTarget::new(link_target, record), retries, Some(image.geometry))?;
    if let Some(recorder) = record.and(current_recording()) {
        record_run(&recorder, image, steps)
            .with_context(|| format!("cannot record to {}", recorder.path().display()))?;
    }
    let (summary, _) = run_on_device_into(&mut driver, image, stimulus, steps, progress, sink)?;
    Ok(summary)
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
