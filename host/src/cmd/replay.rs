//! `ncx replay FILE [--backend model|verilator]`: play the host side of a session
//! recorded with `--record FILE` against a fresh device — the device model, or the RTL
//! device simulated by Verilator — and compare what it sends back with what the recorded
//! device sent (docs/recording.md). Prints what the recording is, then either
//! `replayed … ; the device matches the model` (exit status 0) or the first byte where
//! they differ, with its frame, command and timestep (exit status 1).

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use ncx::replay::{self, Backend, DeviceSource, Replay, Verdict};

use super::emulate::Backend as BackendArg;

/// Options of `ncx replay`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ReplayArgs {
    /// The recording (written by `--record FILE`).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,

    /// What plays the device: the device model, or the RTL device simulated by Verilator
    /// (only the geometries and buffers the build verilated).
    #[arg(long, value_enum, default_value_t = BackendArg::Model)]
    pub(crate) backend: BackendArg,

    /// Print only the verdict, not what the recording is.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// The replayed device sent something else than the recorded one: the report, printed
/// by `main` with exit status 1.
#[derive(Debug)]
pub(crate) struct Differs(String);

impl fmt::Display for Differs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Differs {}

pub(crate) fn run(args: &ReplayArgs) -> anyhow::Result<()> {
    let backend = match args.backend {
        BackendArg::Model => Backend::Model,
        BackendArg::Verilator => Backend::Verilator,
    };
    let report = replay::replay(&args.file, backend)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if !args.quiet {
        describe(&mut out, args, &report)?;
    }
    let them = match backend {
        Backend::Model => "the model",
        Backend::Verilator => "the RTL device",
    };
    let counts = format!(
        "replayed {} to the device and {} back ({}, {} back, {} of them output frames)",
        plural(report.sent, "byte"),
        report.received,
        plural(report.commands, "command"),
        plural(report.frames, "frame"),
        report.outputs
    );
    match &report.verdict {
        Verdict::Match { reordered_at } => {
            writeln!(out, "{counts}; the device matches {them}")?;
            if let Some(offset) = reordered_at {
                writeln!(
                    out,
                    "note: from the device's byte {offset} on, replies and output frames came in another order than \
                     from {them}, which timing allows; each reply and each output frame is the same"
                )?;
            }
            if !report.complete {
                writeln!(out, "note: {}", cut_short(&report, them))?;
            }
            out.flush()?;
            Ok(())
        }
        Verdict::Differs(difference) => {
            writeln!(out, "{counts}; the device DIFFERS from {them}:")?;
            out.flush()?;
            let mut text = difference.to_string();
            if !report.complete {
                text.push_str(&format!("\nnote: {}", cut_short(&report, them)));
            }
            Err(Differs(text).into())
        }
    }
}

/// The note on a recording without its `closed` record.
fn cut_short(report: &Replay, them: &str) -> String {
    let mut text = "the recording is cut short (no `closed` record: the session crashed or was killed while it \
                    recorded); it was compared up to its end"
        .to_owned();
    if report.partial_tail {
        text.push_str(", its incomplete last line ignored");
    }
    if report.uncompared > 0 {
        text.push_str(&format!("; {them} sent {} more bytes, not compared", report.uncompared));
    }
    text
}

/// What the recording is: command, versions, target, files, device, outcome, notes.
fn describe(out: &mut impl Write, args: &ReplayArgs, report: &Replay) -> io::Result<()> {
    let h = &report.header;
    let host = h.host.as_ref().map(|m| format!(" on {}/{}", m.os, m.arch)).unwrap_or_default();
    writeln!(
        out,
        "ncx replay: {} ({} version {}, recorded by ncx {} speaking ncx/{}{host})",
        args.file.display(),
        h.format,
        h.version,
        h.ncx,
        h.protocol
    )?;
    if h.ncx != env!("CARGO_PKG_VERSION") {
        writeln!(out, "note: recorded by ncx {}, replayed by ncx {}", h.ncx, env!("CARGO_PKG_VERSION"))?;
    }
    writeln!(out, "command:  {}", h.command.join(" "))?;
    writeln!(out, "target:   {} (link {})", h.target, h.link)?;
    for file in &h.files {
        writeln!(out, "file:     {} ({} bytes, sha256 {})", file.arg, file.bytes, file.sha256)?;
    }
    let (n, m) = (report.geometry.neurons(), report.geometry.inputs());
    match (&report.device, report.device_source) {
        (Some(info), source) => {
            let build: String = info.build_id.iter().map(|b| format!("{b:02x}")).collect();
            let from = if source == DeviceSource::Record { "HELLO, as recorded" } else { "its HELLO reply" };
            writeln!(
                out,
                "device:   {n} neurons x {m} inputs, ncx/{}.{}, clock {} Hz / divisor {}, build id {build}, {} input \
                 slots, {} kept output frames ({from})",
                info.version_major,
                info.version_minor,
                info.clock_hz,
                info.baud_divisor,
                info.input_slots,
                info.output_history
            )?;
        }
        (None, _) => writeln!(out, "device:   {n} neurons x {m} inputs (no HELLO reply recorded)")?,
    }
    match &report.outcome {
        Some(Ok(())) => writeln!(out, "outcome:  the command succeeded")?,
        Some(Err(message)) => writeln!(out, "outcome:  the command failed: {}", message.replace('\n', "\n          "))?,
        None => writeln!(out, "outcome:  not recorded")?,
    }
    for error in &report.link_errors {
        writeln!(out, "link:     the host saw an error {error}")?;
    }
    let faults = report.faults.as_ref().map(|f| format!(", through the fault injector {f}")).unwrap_or_default();
    writeln!(out, "replay:   on {}{faults}", report.backend.name())?;
    for note in &report.notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// `count` and `noun`, plural unless the count is 1.
fn plural(count: u64, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}
