//! `ncx doctor --target T`: check a device step by step (`ncx::driver::doctor`: open
//! the link, handshake, protocol version and widths, which bitstream it runs — its build
//! id, looked up among the build reports of `ncx hw build` under `build/hw/` —,
//! read-path integrity, STATUS round-trip times and the effective byte rate they imply,
//! and the device's receiver counters) and print one line or two per check that passed.
//! Fails (exit status 2) at the first check that fails.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::anyhow;
use clap::Args;
use ncx::driver::doctor::{Bitstream, Check, DoctorError, doctor};

use super::device::{DeviceArgs, connect};

/// Where `ncx hw build` writes its reports, relative to the current folder.
const BUILD_REPORTS: &str = "build/hw";

/// Options of `ncx doctor`.
#[derive(Debug, Clone, Args)]
pub(crate) struct DoctorArgs {
    #[command(flatten)]
    pub(crate) device: DeviceArgs,
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

pub(crate) fn run(args: &DoctorArgs) -> anyhow::Result<()> {
    let target = args.device.target();
    let report = doctor(|| connect(&target, args.device.options(), None), Path::new(BUILD_REPORTS))?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    for check in &report.checks {
        print(&mut out, check)?;
    }
    out.flush()?;
    match report.failure {
        None => Ok(()),
        Some(e @ DoctorError::Widths) => Err(anyhow!(
            "{e}\nhelp: `ncx info --target {target}` lists them; use a bitstream and an ncx built from the same spec"
        )),
        Some(e @ DoctorError::Corrupt { .. }) => {
            Err(anyhow!("{e}\nhelp: bytes are corrupted on the way; check the cable and the baud rate"))
        }
        Some(e) => Err(e.into()),
    }
}

/// The lines of one check that passed.
fn print(out: &mut impl Write, check: &Check) -> io::Result<()> {
    match check {
        Check::Handshake { link, time } => writeln!(out, "ok  open and handshake on {link} ({})", ms(*time)),
        Check::Protocol(info) => writeln!(
            out,
            "ok  protocol ncx/{}.{}, {} neurons x {} inputs, {:.0} baud",
            info.version_major,
            info.version_minor,
            info.geometry.neurons(),
            info.geometry.inputs(),
            info.baud()
        ),
        Check::Widths => writeln!(out, "ok  field widths match this host"),
        Check::Build { id, bitstream: Bitstream::Built { path, report: r } } => writeln!(
            out,
            "ok  build id {id}: {} ({}, {} x {} {}, built by `ncx hw build`)",
            path.display(),
            r.board,
            r.neurons,
            r.inputs,
            r.design
        ),
        Check::Build { id, bitstream: Bitstream::Simulated } => {
            writeln!(out, "    build id {id}: a model or a simulation (no bitstream)")
        }
        Check::Build { id, bitstream: Bitstream::Unknown } => writeln!(
            out,
            "    build id {id}: no build report under {BUILD_REPORTS}/ has it (a bitstream built elsewhere, or from \
             other RTL than this tree's)"
        ),
        Check::ReadPath { regions } => {
            writeln!(out, "ok  read path: READ and CRC agree on the first bytes of all {regions} regions")
        }
        Check::RoundTrip(trips) => {
            writeln!(
                out,
                "ok  STATUS round trip over {}: min {}, median {}, max {}",
                trips.times.len(),
                ms(trips.min()),
                ms(trips.median()),
                ms(trips.max())
            )?;
            match trips.effective_rate() {
                Some(rate) => writeln!(
                    out,
                    "    link: {rate:.0} bytes/s effective over a STATUS round trip ({} bytes); the baud rate \
                     allows {:.0}{}",
                    trips.bytes,
                    trips.line_rate(),
                    if rate > trips.line_rate() { " (faster: the link has no real line)" } else { "" }
                ),
                None => Ok(()),
            }
        }
        Check::Device { before, after } => {
            let state = if after.running { "running" } else { "idle" };
            writeln!(out, "    device: {state}, next timestep {}, {} overruns", after.timestep, after.overruns)?;
            writeln!(
                out,
                "    device receiver: {} frames, {} header errors, {} CRC errors, {} bytes discarded ({} frames, {} \
                 CRC errors during this check); {} output frames sent",
                after.frames,
                after.header_errors,
                after.crc_errors,
                after.bytes_discarded,
                after.frames.wrapping_sub(before.frames),
                after.crc_errors.wrapping_sub(before.crc_errors),
                after.outputs_sent
            )
        }
        Check::Host(stats) => writeln!(
            out,
            "    host: {} commands, {} retries, {} bad frames received, {} stale replies",
            stats.commands, stats.retries, stats.bad_frames, stats.stale_replies
        ),
    }
}
